"""`make bench`: throughput of the projections and cost of the indicators, on SQLite and PostgreSQL.

    python -m bench [--personnes N] [--backends sqlite,postgres] [--bibliotheque M]

For each backend: builds (once, cached under bench/results/) a demo territory of N people through
the validated import path, then measures in the same run
  1. the rebuild of every projection by our batched runner, and the library's own
     `ProjectionRunner` (one event per transaction) applying the same projection to the first M
     events of the same log — events/s and the ratio (target ≥ 10×);
  2. `parcours indicators` for the national cohort against one hand-written SQL aggregate over the
     same read model (target: within 2×);
  3. the cost of recording one more step and catching up (median of 30), to compare across N.
Results are printed and appended as JSON lines to bench/results/resultats.jsonl.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from datetime import date, datetime, timezone
from pathlib import Path

from bench.mesures import mesurer_ajout, mesurer_indicateurs, mesurer_projections, preparer

RESULTATS = Path(__file__).resolve().parent / "results"


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    arguments.add_argument("--personnes", type=int, default=2000)
    arguments.add_argument("--graine", type=int, default=1)
    arguments.add_argument("--backends", default="sqlite,postgres")
    arguments.add_argument("--bibliotheque", type=int, default=20_000, help="events given to the library's runner")
    arguments.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432")
    options = arguments.parse_args()
    RESULTATS.mkdir(exist_ok=True)
    instant = datetime(2026, 11, 1, tzinfo=timezone.utc)
    for backend in options.backends.split(","):
        debut = time.perf_counter()
        services, ingestion = preparer(backend, options.personnes, options.graine, instant, RESULTATS, options.postgres)
        print(f"\n== {backend} — {options.personnes} personnes ({time.perf_counter() - debut:.0f} s de préparation)")
        if ingestion:
            print(f"   ingestion validée : {ingestion['etapes']} étapes en {ingestion['secondes']:.1f} s "
                  f"= {ingestion['etapes'] / ingestion['secondes']:.0f} étapes/s")
        projection = mesurer_projections(services, options.bibliotheque)
        print(f"   reconstruction : {projection['evenements']} événements en {projection['secondes']:.1f} s "
              f"= {projection['debit']:.0f} év./s")
        print(f"   ProjectionRunner de la bibliothèque : {projection['bibliotheque_evenements']} événements en "
              f"{projection['bibliotheque_secondes']:.1f} s = {projection['bibliotheque_debit']:.0f} év./s "
              f"→ rapport {projection['rapport']:.1f}×")
        indicateurs = mesurer_indicateurs(services, date(2025, 1, 1), date(2025, 12, 31))
        print(f"   indicateurs (cohorte nationale 2025) : document complet {indicateurs['document_s']:.2f} s ; famille "
              f"« accompagnement » {indicateurs['famille_s']:.3f} s contre {indicateurs['sql_s']:.3f} s pour le même calcul "
              f"en un agrégat SQL écrit à la main → rapport {indicateurs['rapport']:.2f}×")
        ajout = mesurer_ajout(services)
        print(f"   ajout d'une étape + rattrapage : médiane {ajout['mediane_ms']:.1f} ms (p90 {ajout['p90_ms']:.1f} ms) "
              f"sur un journal de {ajout['journal']} événements")
        with (RESULTATS / "resultats.jsonl").open("a") as sortie:
            sortie.write(json.dumps({
                "quand": datetime.now(timezone.utc).isoformat(), "machine": platform.node(), "backend": backend,
                "personnes": options.personnes, "ingestion": ingestion, "projection": projection,
                "indicateurs": indicateurs, "ajout": ajout,
            }, default=str) + "\n")
        services.fermer()


if __name__ == "__main__":
    main()

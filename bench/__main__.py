"""`make bench`: throughput of the projections and cost of the indicators, on SQLite and PostgreSQL.

    python -m bench [--personnes N] [--backends sqlite,postgres] [--bibliotheque M]

For each backend: builds (once, cached under bench/results/; `--reimporter` builds it again) a demo
territory of N people through the validated import path (`web.saisie.importation.importer`, the path of
`parcours import`), in a process of its own whose peak RSS is reported, then measures in the same run
  0. the library's raw batched append (`Application.save` of 100 aggregates × 5 events, on a scratch
     store of the same backend) — the import's log events/s are printed as a share of it (issue 16:
     target ≥ 25 %); when the territory was kept from an earlier run, the import figure is that run's;
  1. the rebuild of every projection by our batched runner, against
     - the library's raw scan with decoding of the same events (`select_notifications` + our
       mapper's `to_domain_event`, per-person decryption included): the rebuild's share of it
       (issue 16: target ≥ 25 %);
     - the library's own `ProjectionRunner` (one event per transaction) applying the same projection
       to the first M events of the same log — events/s and the ratio (target ≥ 10×);
  2. `parcours indicators` for the national cohort against one hand-written SQL aggregate over the
     same read model (target: within 2×);
  3. the cost of recording one more step and catching up (median of 30), to compare across N;
  4. the server time of the interactive pages (COPIL dashboard national and per département, the
     busiest operator's worklists, the page of the person with the most steps; target < 300 ms), and the
     dashboards' first request, which counts them before they are served as kept.
Results are printed and appended as JSON lines to bench/results/resultats.jsonl.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from datetime import date, datetime, timezone
from pathlib import Path

from bench.comparateurs import mesurer_ecriture_brute, mesurer_lecture_brute
from bench.mesures import mesurer_ajout, mesurer_indicateurs, mesurer_projections, preparer, reglages_du_banc
from bench.pages import mesurer_pages

RESULTATS = Path(__file__).resolve().parent / "results"


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    arguments.add_argument("--personnes", type=int, default=2000)
    arguments.add_argument("--graine", type=int, default=1)
    arguments.add_argument("--backends", default="sqlite,postgres")
    arguments.add_argument("--bibliotheque", type=int, default=20_000, help="events given to the library's runner")
    arguments.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432")
    arguments.add_argument("--reimporter", action="store_true", help="build the territory again (measures the import now)")
    arguments.add_argument("--sans-pages", action="store_true", help="skip the interactive pages")
    options = arguments.parse_args()
    RESULTATS.mkdir(exist_ok=True)
    instant = datetime(2026, 11, 1, tzinfo=timezone.utc)
    for backend in options.backends.split(","):
        reglages = reglages_du_banc(backend, options.personnes, options.graine, RESULTATS, options.postgres)
        brute = mesurer_ecriture_brute(reglages)
        debut = time.perf_counter()
        services, ingestion = preparer(
            backend, options.personnes, options.graine, instant, RESULTATS, options.postgres, options.reimporter
        )
        print(f"\n== {backend} — {options.personnes} personnes ({time.perf_counter() - debut:.0f} s de préparation)")
        print(f"   écriture brute de la bibliothèque (save de {brute['evenements_par_save']} év., magasin vierge) : "
              f"{brute['debit']:.0f} év./s (médiane de {len(brute['debits'])})")
        if ingestion:
            quand = "ce passage" if ingestion.get("ce_passage") else f"passage du {ingestion.get('quand', '?')}, territoire gardé"
            if ingestion.get("ce_passage"):
                ingestion["ecriture_brute"] = brute["debit"]
                trace = reglages.dossier_donnees / "ingestion.json"
                trace.write_text(json.dumps({k: v for k, v in ingestion.items() if k != "ce_passage"}))
            # The import's share of the raw append measured in the same run as the import (this one, or the
            # earlier run that built the kept territory): the two vary together with the machine's load.
            reference = ingestion.get("ecriture_brute", brute["debit"])
            if "evenements" in ingestion:
                print(f"   import validé ({quand}) : {ingestion['etapes']} étapes, {ingestion['evenements']} év. du journal en "
                      f"{ingestion['secondes']:.1f} s = {ingestion['etapes'] / ingestion['secondes']:.0f} étapes/s = "
                      f"{ingestion['debit']:.0f} év./s → {100 * ingestion['debit'] / reference:.1f} % de l'écriture brute "
                      f"du même passage ({reference:.0f} év./s ; cible ≥ 25 %)")
                print(f"   mémoire de l'import : résident max {ingestion['rss_max_mio']:.0f} Mio "
                      f"({ingestion['rss_avant_mio']:.0f} Mio avant la première ligne)"
                      + (f" ; processus de lecture des lignes : {ingestion['rss_lecture_mio']:.0f} Mio"
                         if ingestion.get("rss_lecture_mio") else ""))
            else:
                print(f"   import validé ({quand}) : {ingestion['etapes']} étapes en {ingestion['secondes']:.1f} s "
                      f"(journal non compté ; --reimporter pour le mesurer)")
        else:
            print("   import validé : territoire gardé d'un passage antérieur sans mesure (--reimporter pour le mesurer)")
        projection = mesurer_projections(services, options.bibliotheque)
        lecture = mesurer_lecture_brute(reglages)
        projection["lecture_brute"] = lecture
        print(f"   reconstruction : {projection['evenements']} événements en {projection['secondes']:.1f} s "
              f"= {projection['debit']:.0f} év./s")
        print(f"   lecture brute de la bibliothèque (select_notifications + to_domain_event, déchiffrement compris) : "
              f"{lecture['evenements']} év. en {lecture['secondes']:.1f} s = {lecture['debit']:.0f} év./s "
              f"→ reconstruction à {100 * projection['debit'] / lecture['debit']:.1f} % (cible ≥ 25 %)")
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
        services.fermer()
        pages = None
        if not options.sans_pages:
            pages = mesurer_pages(reglages)
            print(f"   pages (temps serveur, client de test Flask, médiane de 5 ; cible < {pages['cible_ms']} ms) — "
                  f"{pages['operateur']} est impliqué dans {pages['dossiers_operateur']} parcours :")
            for titre, page in pages["pages"].items():
                verdict = "ok" if page["mediane_ms"] < pages["cible_ms"] else "AU-DESSUS"
                print(f"     {titre} : {page['mediane_ms']:.0f} ms (max {page['max_ms']:.0f}) {verdict} ; "
                      f"première requête {page['premiere_ms']:.0f} ms")
        with (RESULTATS / "resultats.jsonl").open("a") as sortie:
            sortie.write(json.dumps({
                "quand": datetime.now(timezone.utc).isoformat(), "machine": platform.node(), "backend": backend,
                "personnes": options.personnes, "ecriture_brute": brute, "ingestion": ingestion, "projection": projection,
                "indicateurs": indicateurs, "ajout": ajout, "pages": pages,
            }, default=str) + "\n")


if __name__ == "__main__":
    main()

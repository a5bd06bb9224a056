"""`python -m bench.protection [--personnes N] [--graine G]`: cost of protecting the national table set.

Reuses the SQLite demo territory of `python -m bench` (bench/results/donnees-sqlite-N-G, built once
through the validated import path when absent; a store another run is still building is left alone),
reads the cohort of 2023-01-01..2026-10-31 with the export's own query, then times, on the tables of
`parcours export-stats` protected together:
  1. cell suppression stage by stage — primary, Gauss pass, LP audit, MILP repair, final checks — with
     the cells each stage hid (and, with --sans-gauss, the same without the Gauss pass for comparison:
     every MILP repair may then run to its 60 s limit);
  2. the means of the employment-support durations (joint audit with the counts);
  3. the optional modes: controlled rounding base 5 and differential privacy (ε = 1).
Peak memory: Python allocations during the protection (tracemalloc, numpy included; not the solver's
own C++ heap) and the peak resident size of the whole process. Appends a JSON line to
bench/results/protection.jsonl.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import time
import tracemalloc
from collections import Counter
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from projections.export_statistiques import MOYENNES, TABLEAUX, cohorte_detaillee, dimensions_de
from projections.protection import arrondir, bruiter, proteger, proteger_moyennes

RESULTATS = Path(__file__).resolve().parent / "results"
DU, AU = date(2023, 1, 1), date(2026, 10, 31)


def _mesurer(fonction: Any) -> tuple[Any, float, float]:
    """Result, seconds and peak traced MiB of one call."""
    tracemalloc.start()
    debut = time.perf_counter()
    resultat = fonction()
    secondes = time.perf_counter() - debut
    pic = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return resultat, secondes, pic


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    arguments.add_argument("--personnes", type=int, default=2000)
    arguments.add_argument("--graine", type=int, default=1)
    arguments.add_argument("--sans-gauss", action="store_true", help="also time the protection without the Gauss pass")
    options, _ = arguments.parse_known_args()  # `make bench` passes the options of `python -m bench` too
    RESULTATS.mkdir(exist_ok=True)
    donnees = RESULTATS / f"donnees-sqlite-{options.personnes}-{options.graine}"
    if donnees.exists() and not (donnees / "pret").exists():
        raise SystemExit(f"{donnees} est en cours de construction par une autre mesure : relancez quand elle aura fini.")
    from bench.mesures import preparer

    debut = time.perf_counter()
    services, _ = preparer("sqlite", options.personnes, options.graine, datetime(2026, 11, 1, tzinfo=timezone.utc), RESULTATS, "")
    services.rattraper()
    print(f"\n== protection — {options.personnes} personnes ({time.perf_counter() - debut:.0f} s de préparation)")
    debut = time.perf_counter()
    lignes, durees, _ = cohorte_detaillee(services.lectures, DU, AU)
    lecture_s = time.perf_counter() - debut
    services.fermer()
    dimensions, comptes, formules = dimensions_de(lignes), Counter(lignes), list(TABLEAUX.values())
    print(f"   cohorte {DU}..{AU} : {len(lignes)} personnes, {len(comptes)} cellules fines non vides, lue en {lecture_s:.1f} s")

    table, secondes, pic = _mesurer(lambda: proteger(dimensions, comptes, formules=formules))
    m = table.mesures
    print(f"   suppression : {int(m['cellules'])} cellules publiées sur {int(m['cellules_internes'])} cellules fines ; "
          f"{secondes:.2f} s au total, pic Python {pic:.1f} Mio")
    print(f"     primaire {m['primaire_s']:.3f} s ({int(m['primaires'])} cellules A) ; Gauss {m['gauss_s']:.3f} s "
          f"(+{int(m['secondaires_gauss'])} D) ; règle des sommes (+{int(m['secondaires_regle_des_sommes'])} D) ; "
          f"audit PL {m['audit_s']:.2f} s ; réparation PLNE {m['reparation_s']:.2f} s ({int(m['reparations'])} appels, "
          f"+{int(m['secondaires_reparation'])} D) ; contrôles finaux {m['audit_final_s']:.3f} s")
    comparaison: dict[str, Any] = {}
    if options.sans_gauss:
        sans_gauss, secondes_sans, _ = _mesurer(lambda: proteger(dimensions, comptes, formules=formules, gauss=False))
        s = sans_gauss.mesures
        comparaison = {"sans_gauss_s": secondes_sans, "sans_gauss": s}
        print(f"     sans la passe de Gauss : {secondes_sans:.2f} s, audit PL {s['audit_s']:.2f} s, réparation PLNE "
              f"{s['reparation_s']:.2f} s ({int(s['reparations'])} appels), {int(s['secondaires'])} D contre {int(m['secondaires'])}")

    valeurs: dict[tuple[str, ...], list[int]] = {}
    for ligne, duree in zip(lignes, durees):
        if duree is not None:
            valeurs.setdefault(ligne, []).append(duree)
    (formule,) = MOYENNES.values()
    moyennes, secondes_moy, pic_moy = _mesurer(lambda: proteger_moyennes(dimensions, comptes, valeurs, table, formule, formules))
    mm = moyennes.mesures
    print(f"   moyennes des durées ({len(moyennes.cellules)} cellules) : {secondes_moy:.2f} s (audit conjoint {mm['audit_s']:.2f} s), "
          f"{sum(s == 'V' for s in moyennes.statuts)} publiées, {int(mm['primaires'])} A propres, {int(mm['secondaires'])} D, "
          f"pic Python {pic_moy:.1f} Mio")

    arrondie, secondes_arr, _ = _mesurer(lambda: arrondir(dimensions, comptes, 5, formules))
    _, secondes_dp, _ = _mesurer(lambda: bruiter(dimensions, comptes, 1.0, formules))
    print(f"   arrondi contrôlé base 5 : {secondes_arr:.2f} s (écart total {arrondie.mesures['ecart_total']:g}) ; "
          f"confidentialité différentielle ε = 1 : {secondes_dp:.2f} s")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"   mémoire résidente maximale du processus : {rss:.0f} Mio")
    with (RESULTATS / "protection.jsonl").open("a") as sortie:
        sortie.write(json.dumps({
            "quand": datetime.now(timezone.utc).isoformat(), "machine": platform.node(), "personnes": options.personnes,
            "cohorte": len(lignes), "lecture_s": lecture_s, "suppression_s": secondes, "suppression": m,
            "pic_python_mio": pic, **comparaison, "moyennes_s": secondes_moy,
            "moyennes": mm, "arrondi_s": secondes_arr, "dp_s": secondes_dp, "rss_max_mio": rss,
        }) + "\n")


if __name__ == "__main__":
    main()

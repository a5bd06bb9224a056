"""`make bench` (funded actions, CONTRACT §8): the annual tables of a whole département, and the cost of a roll call.

    python -m bench.actions [--actions 200] [--beneficiaires 10000] [--seances 20000] [--backends sqlite,postgres]

1. The read models of one département (200 actions, 10,000 beneficiaries, 20,000 sessions of about 30
   present each, exits, budgets) are written straight into `fait`/`fait_action` (what the projection
   would write), then the consolidated annual table of the département is computed (target < 1 s), and
   the 200 tables of its actions one after the other.
2. On a store of 30 inscribed people, recording a session whose roll call names all 30 is compared with
   recording one ordinary step (median of 20 each): a session is one step, however many attend.
Results are printed and appended to bench/results/resultats.jsonl.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from parcours.chiffrement import nouvelle_cle_maitre
from parcours.commandes import EnregistrerOperateur
from parcours.vocabulaire import TypeOperateur
from projections import tables as t
from projections.evaluation_annuelle import Action, evaluer
from projections.lecture_actions import colonnes as colonnes_action
from projections.runner import migrer, moteur
from web.config import Reglages, construire_services
from web.saisie.schemas import lire_etape

RESULTATS = Path(__file__).resolve().parent / "results"
DEPARTEMENT = "93"
ANNEE = 2025
THEMATIQUES = ["FRANCAIS", "VALEURS_REPUBLIQUE", "NUMERIQUE", "EMPLOI", "LOGEMENT"]


def remplir(engine: sa.Engine, actions: int, beneficiaires: int, seances: int, graine: int = 1) -> int:
    """The read-model rows of one département's year; returns the log position they end at."""
    rng = random.Random(graine)
    instant = datetime(ANNEE, 1, 1, tzinfo=timezone.utc)
    position = 0

    def pos() -> int:
        nonlocal position
        position += 1
        return position

    personnes = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(beneficiaires)]
    faits, faits_action, catalogue = [], [], []
    for parcours_id in personnes:
        naissance = date(rng.randint(1960, 2006), rng.randint(1, 12), rng.randint(1, 28))
        faits.append({"step_id": str(uuid.uuid4()), "parcours_id": parcours_id, "type": "personne_enregistree",
                      "occurred_on": date(ANNEE - 1, 6, 1), "operateur": "ofii-dt-bobigny", "pos_debut": pos(),
                      "rec_debut": instant, "code": rng.choice("FM"), "date_a": naissance, "texte": DEPARTEMENT,
                      "texte2": f"m-{rng.randrange(beneficiaires)}" if rng.random() < 0.3 else None})
        if rng.random() < 0.4:
            faits.append({"step_id": str(uuid.uuid4()), "parcours_id": parcours_id, "type": "protection_accordee",
                          "occurred_on": date(ANNEE - 1, 3, 1), "operateur": "ofii-dt-bobigny", "pos_debut": pos(),
                          "rec_debut": instant, "code": "REFUGIE", "date_a": date(ANNEE - 1, 3, 1)})

    def fait_action(action: str, type_: str, jour: date, valeurs: dict[str, Any], parcours_id: str | None = None) -> None:
        p = pos()
        faits_action.append({"step_id": str(uuid.uuid4()), "action": action, "parcours_id": parcours_id, "type": type_,
                             "occurred_on": jour, "operateur": "asso-93", "position_etape": p, "pos_debut": p,
                             "rec_debut": instant, "valeurs": valeurs, **colonnes_action(type_, valeurs)})

    par_action = beneficiaires // actions
    for rang in range(actions):
        action = f"asso-93-action-{rang}"
        thematiques = rng.sample(THEMATIQUES, 2)
        declaration = {"intitule": f"Action {rang}", "annee": ANNEE, "thematiques": thematiques, "departements": [DEPARTEMENT],
                       "objectif_beneficiaires": par_action, "themes_valeurs": ["LAICITE"]}
        fait_action(action, "action_declaree", date(ANNEE - 1, 12, 1), declaration)
        catalogue.append({"action_id": action, "id": str(uuid.uuid4()), "porteur": "asso-93", "intitule": f"Action {rang}",
                          "annee": ANNEE, "thematiques": thematiques, "departements": [DEPARTEMENT],
                          "objectif_beneficiaires": par_action, "objectif_acteurs": None, "declaree_le": date(ANNEE - 1, 12, 1),
                          "position": position})
        fait_action(action, "action_budget", date(ANNEE, 1, 10), {"cout_total": 50000, "subvention_p104": 30000})
        inscrits = personnes[rang * par_action:(rang + 1) * par_action]
        for parcours_id in inscrits:
            fait_action(action, "beneficiaire_inscrit", date(ANNEE, 1, rng.randint(5, 31)),
                        {"heures_prevues": 100, "niveau_oral_debut": "A1", "niveau_ecrit_debut": "INFRA_A1",
                         "situation_logement_debut": "DNA"}, parcours_id)
            if rng.random() < 0.3:
                fait_action(action, "beneficiaire_sorti_action", date(ANNEE, 11, 30),
                            {"motif": "PARCOURS_TERMINE", "niveau_oral_fin": "A2", "niveau_ecrit_fin": "A1"}, parcours_id)
        for numero in range(seances // actions):
            fait_action(action, "seance_tenue", date(ANNEE, 2, 1) + timedelta(days=numero * 3),
                        {"duree_h": 3, "thematique": thematiques[numero % 2], "public": "BENEFICIAIRES",
                         "presents": rng.sample(inscrits, min(30, len(inscrits)))})
    with engine.begin() as connexion:
        colonnes = ("code", "code2", "date_a", "date_b", "nombre_a", "nombre_b", "booleen", "texte", "texte2",
                    "niveau_oral", "niveau_ecrit", "lien")
        connexion.execute(t.fait.insert(), [{**dict.fromkeys(colonnes), "pos_fin": None, "rec_fin": None, **f} for f in faits])
        connexion.execute(t.fait_action.insert(), [{**f, "pos_fin": None, "rec_fin": None} for f in faits_action])
        connexion.execute(t.action.insert(), catalogue)
        connexion.execute(t.operateur.insert(), [{"slug": "asso-93", "id": str(uuid.uuid4()), "type": "ASSOCIATION",
                                                  "departement": DEPARTEMENT, "nom": "Association 93", "libelle_source": None}])
        # `position_journal` is the last *step* included: one `etape` row marks the end of the simulated log.
        connexion.execute(t.etape.insert(), [{"position": position, "step_id": str(uuid.uuid4()), "parcours_id": personnes[0],
                                              "type": "note", "occurred_on": date(ANNEE, 12, 31), "operateur": "asso-93",
                                              "agent": "bench", "enregistre_le": instant, "donnees": {}, "liens": {},
                                              "drapeaux": []}])
        connexion.execute(t.suivi_projection.delete())
        connexion.execute(t.suivi_projection.insert(), [{"nom": "lecture", "position": position}])
    return position


def mesurer_tableaux(engine: sa.Engine, actions: int) -> dict[str, Any]:
    debut = time.perf_counter()
    consolide = evaluer(engine, ANNEE, Action(departement=DEPARTEMENT))
    secondes = time.perf_counter() - debut
    debut = time.perf_counter()
    for rang in range(actions):
        evaluer(engine, ANNEE, Action(action=f"asso-93-action-{rang}"))
    par_action = time.perf_counter() - debut
    return {"consolide_s": secondes, "beneficiaires": consolide.chiffres.valeurs["beneficiaires"],
            "heures": consolide.chiffres.valeurs["heures_dispensees"], "toutes_les_actions_s": par_action}


def mesurer_appel(dossier: Path, repetitions: int = 20) -> dict[str, Any]:
    """One session of 30 present against one ordinary step, each recorded and caught up (embedded SQLite)."""
    services = construire_services(Reglages(dossier, None, "secret", nouvelle_cle_maitre()))
    p = services.parcours
    p.enregistrer_operateur(EnregistrerOperateur("ofii-dt-bobigny", TypeOperateur.OFII, "93", "OFII"))
    p.enregistrer_operateur(EnregistrerOperateur("prefecture-93", TypeOperateur.PREFECTURE, "93", "Préfecture"))
    p.enregistrer_operateur(EnregistrerOperateur("asso-93", TypeOperateur.ASSOCIATION, "93", "Association"))
    jour = "2025-01-05"

    def etape(type_: str, data: dict[str, Any], operateur: str = "asso-93", numero: str | None = None,
              action: str | None = "asso-93-bench-2025", occurred_on: str = jour) -> Any:
        brut: dict[str, Any] = {"step_id": str(uuid.uuid4()), "type": type_, "occurred_on": occurred_on,
                                "operateur": operateur, "agent": "bench", "data": data}
        if numero:
            brut["personne"] = {"numero_etranger": numero}
        if action:
            brut["action"] = action
        return services.enregistrer_etape(lire_etape(brut))

    etape("action_declaree", {"intitule": "Bench", "annee": 2025, "thematiques": ["FRANCAIS"], "departements": ["93"],
                              "objectif_beneficiaires": 30})
    numeros = [f"93000000{rang:02d}" for rang in range(30)]
    for numero in numeros:
        etape("personne_enregistree", {"nom": "N", "prenom": "P", "date_naissance": "1990-01-01", "sexe": "F",
                                       "nationalite": "AFG", "departement": "93", "numero_etranger": numero},
              operateur="ofii-dt-bobigny", action=None)
        etape("titre_sejour_delivre", {"motif": "FAMILIAL", "sous_motif": "CONJOINT_DE_FRANCAIS", "type_titre": "VLS_TS",
                                       "valid_from": jour, "premier_titre": True}, operateur="prefecture-93", numero=numero,
              action=None)
        etape("beneficiaire_inscrit", {"heures_prevues": 100}, numero=numero)
    seances, simples = [], []
    for rang in range(repetitions):
        debut = time.perf_counter()
        etape("seance_tenue", {"duree_h": 3, "thematique": "FRANCAIS", "public": "BENEFICIAIRES",
                               "presents": [{"numero_etranger": n} for n in numeros]}, occurred_on=f"2025-02-{rang + 1:02d}")
        seances.append(time.perf_counter() - debut)
        debut = time.perf_counter()
        etape("situation_logement", {"situation": "DNA"}, operateur="ofii-dt-bobigny", numero=numeros[rang], action=None,
              occurred_on=f"2025-02-{rang + 1:02d}")
        simples.append(time.perf_counter() - debut)
    services.fermer()
    return {"seance_30_ms": statistics.median(seances) * 1000, "etape_ms": statistics.median(simples) * 1000}


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    arguments.add_argument("--actions", type=int, default=200)
    arguments.add_argument("--beneficiaires", type=int, default=10_000)
    arguments.add_argument("--seances", type=int, default=20_000)
    arguments.add_argument("--backends", default="sqlite,postgres")
    arguments.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432")
    options = arguments.parse_args()
    RESULTATS.mkdir(exist_ok=True)
    for backend in options.backends.split(","):
        with tempfile.TemporaryDirectory() as dossier:
            if backend == "sqlite":
                url = f"sqlite:///{dossier}/lectures.sqlite"
            else:
                nom = f"parcours_bench_actions_{uuid.uuid4().hex[:8]}"
                with sa.create_engine(f"{options.postgres}/postgres", isolation_level="AUTOCOMMIT").connect() as c:
                    c.execute(sa.text(f'CREATE DATABASE "{nom}"'))
                url = f"{options.postgres}/{nom}"
            migrer(url)
            engine = moteur(url)
            debut = time.perf_counter()
            remplir(engine, options.actions, options.beneficiaires, options.seances)
            print(f"\n== actions financées, {backend} — {options.actions} actions, {options.beneficiaires} bénéficiaires, "
                  f"{options.seances} séances (modèles de lecture écrits en {time.perf_counter() - debut:.0f} s)")
            tableaux = mesurer_tableaux(engine, options.actions)
            print(f"   tableau annuel consolidé du département : {tableaux['consolide_s']:.2f} s (objectif < 1 s) ; "
                  f"{tableaux['beneficiaires']} bénéficiaires, {tableaux['heures']} heures")
            print(f"   les {options.actions} tableaux des actions, l'un après l'autre : {tableaux['toutes_les_actions_s']:.1f} s")
            engine.dispose()
            if backend != "sqlite":
                with sa.create_engine(f"{options.postgres}/postgres", isolation_level="AUTOCOMMIT").connect() as c:
                    c.execute(sa.text(f'DROP DATABASE IF EXISTS "{nom}" WITH (FORCE)'))
            appel = mesurer_appel(Path(dossier) / "appel") if backend == "sqlite" else None
            if appel:
                print(f"   séance de 30 présents : {appel['seance_30_ms']:.1f} ms ; une étape ordinaire : {appel['etape_ms']:.1f} ms "
                      "(médianes, enregistrement et rattrapage)")
        with (RESULTATS / "resultats.jsonl").open("a") as sortie:
            sortie.write(json.dumps({"quand": datetime.now(timezone.utc).isoformat(), "banc": "actions", "backend": backend,
                                     "tableaux": tableaux, "appel": appel}, default=str) + "\n")


if __name__ == "__main__":
    main()

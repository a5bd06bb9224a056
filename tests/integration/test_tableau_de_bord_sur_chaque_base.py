"""The dashboard on SQLite and PostgreSQL: objectives go through the log into the `objectif` read model
(and come back identical from a rebuild), and the charts of a past log position are reproduced exactly."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from parcours.commandes import FixerObjectif
from projections.document import calculer
from projections.indicateurs import Demande
from projections.runner import reconstruire
from projections.tableau_de_bord import graphiques, lignes_du_tableau, lister_objectifs
from tests.scenario import NUMERO_AMINA, etape, sid
from web.saisie.importation import LigneBrute, importer

ANNEE_2024 = Demande(date(2024, 1, 1), date(2024, 12, 31))


def test_objectives_are_recorded_as_events_projected_and_rebuilt_identically(services) -> None:
    taux = "accompagnement_emploi.taux_sortie_positive"
    assert services.parcours.fixer_objectif(FixerObjectif(2024, taux, 0.5, "copil")) == "cree"
    assert services.parcours.fixer_objectif(FixerObjectif(2024, taux, 0.7, "admin")) == "modifie"
    services.parcours.fixer_objectif(FixerObjectif(2024, "accompagnement_emploi.sorties", 4, "copil", operateur="france-travail-75"))
    services.rattraper()
    document = calculer(services.lectures, ANNEE_2024)
    lignes = {ligne.indicateur: ligne for ligne in lignes_du_tableau(services.lectures, ANNEE_2024, document)}
    # Amina's only exit of 2024 is EMPLOI_DURABLE_6M_PLUS: 1 positive of 1.
    assert tuple(lignes[taux])[2:] == (0.7, 1.0, 0.3)
    with services.lectures.connect() as connexion:
        avant = lister_objectifs(connexion)
    assert [(o["indicateur"], o["operateur"], o["valeur"], o["fixe_par"]) for o in avant] == [
        (taux, None, 0.7, "admin"), ("accompagnement_emploi.sorties", "france-travail-75", 4, "copil")]
    reconstruire(services.parcours, services.lectures)
    with services.lectures.connect() as connexion:
        assert lister_objectifs(connexion) == avant


def test_the_charts_follow_the_contract_and_a_past_position_gives_them_back_exactly(services) -> None:
    document = calculer(services.lectures, ANNEE_2024)
    position = document["position_journal"]
    avant = graphiques(services.lectures, ANNEE_2024, position)
    # Bilal signed in 2024: positioned, interviewed, oriented, then declined; Amina's CIR was in 2023.
    assert [n for _, _, n in avant.entonnoir] == [1, 1, 0, 1, 1, 0, 0, 0, 0]
    assert avant.sorties_par_departement == [("75", {"emploi_durable": 1, "emploi_court": 0, "formation": 0, "non_positive": 0, "neutre": 0})]
    assert [n for _, n in avant.durees] == [0, 0, 1, 0, 0, 0, 0]  # 20/03 → 31/10/2024: 225 days, 7.4 months
    assert [(p["periode"], p["entrees"], p["sorties"], p["taux_sortie_positive"]) for p in avant.tendances] == [
        ("T1 2024", 2, 0, None), ("T2 2024", 0, 0, None), ("T3 2024", 0, 0, None), ("T4 2024", 0, 1, 1.0)]
    assert avant.comparaison == [("75", 1, 1, 1.0)]

    correction = etape("a-sortie-corrigee", "evenement_corrige", "2025-01-10", "france-travail-75",
                       {"cible_step_id": sid("a-sortie"), "champs": {"categorie": "RECHERCHE_EMPLOI"}, "motif": "Contrat rompu."},
                       {"numero_etranger": NUMERO_AMINA})
    assert importer(services.parcours, [LigneBrute(1, correction)]).acceptees == 1
    services.rattraper()
    maintenant = graphiques(services.lectures, ANNEE_2024, calculer(services.lectures, ANNEE_2024)["position_journal"])
    assert maintenant.comparaison == [("75", 1, 0, 0.0)]
    passe = replace(ANNEE_2024, position=position)
    assert calculer(services.lectures, passe)["position_journal"] == position
    assert graphiques(services.lectures, passe, position) == avant

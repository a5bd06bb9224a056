"""The annual evaluation table (CONTRACT §8) on the two backends: its shape, its refusals, a demo territory.

The figures themselves are counted by hand in `test_actions.py`; here, the scenario of individual
pathways (which declares no funded action) and a demo territory (which does).
"""

from __future__ import annotations

import io
from datetime import date, datetime, timezone

import openpyxl
import pytest

from projections.evaluation_annuelle import SANS_OBJET, Action, ActionInconnueError, evaluer, feuilles
from projections.document import calculer
from projections.indicateurs import Demande, DemandeInvalideError
from projections.tableurs import ecrire
from web.config import Reglages, construire_services

RUBRIQUES = ["1.1", "1.2", "2.", "3.1.", "3.2.", "3.3.", "3.4.", "3.5.", "3.6.", "3.7.", "3.8.", "3.9."]


def test_without_any_declared_action_the_table_has_every_section_and_counts_nothing(services) -> None:
    evaluation = evaluer(services.lectures, 2024, Action(departement="75"))
    rubriques = {ligne.rubrique.split(" ")[0] for ligne in evaluation.lignes}
    assert rubriques == set(RUBRIQUES)
    lignes = {ligne.libelle: ligne for ligne in evaluation.lignes}
    assert lignes["Nombre total d'étrangers éligibles bénéficiaires de l'action"].realise == 0
    # No action carries any thematic: every thematic section is « sans objet », 1.1 and 2 are always filled.
    for ligne in evaluation.lignes:
        if not ligne.rubrique.startswith(("1.1", "2.")):
            assert ligne.realise == SANS_OBJET, ligne
    assert lignes["Coût total de l'action"].realise == 0


def test_unknown_operators_departements_and_several_perimeters_are_refused_in_french(services) -> None:
    with pytest.raises(ActionInconnueError, match="opérateur inconnu « nulle-part »"):
        evaluer(services.lectures, 2024, Action(operateur="nulle-part"))
    with pytest.raises(ActionInconnueError, match="aucun opérateur n'est enregistré dans le département « 13 »"):
        evaluer(services.lectures, 2024, Action(departement="13"))
    with pytest.raises(ActionInconnueError, match="action inconnue « fta-nulle-part »"):
        evaluer(services.lectures, 2024, Action(action="fta-nulle-part"))
    with pytest.raises(DemandeInvalideError, match="pas plusieurs"):
        Action(operateur="france-travail-75", departement="75")


def test_the_spreadsheet_carries_the_rows_and_the_log_position_they_were_read_at(services) -> None:
    evaluation = evaluer(services.lectures, 2024, Action(departement="75"))
    classeur = openpyxl.load_workbook(io.BytesIO(ecrire(feuilles(evaluation, datetime(2026, 1, 5, 8, tzinfo=timezone.utc)), "xlsx")))
    assert classeur.sheetnames == ["Évaluation 2024", "Métadonnées"]
    rangees = [[c.value for c in rangee] for rangee in classeur["Évaluation 2024"].iter_rows()]
    assert rangees[0] == ["Rubrique", "Indicateur", "Objectif", "Réalisé", "Précision"]
    assert rangees[1][:4] == ["1.1 Pour les actions à destination des éligibles", "Nombre total d'étrangers éligibles bénéficiaires de l'action", 0, 0]
    assert [r[3] for r in rangees[1:]] == [ligne.realise for ligne in evaluation.lignes]
    metadonnees = dict(rangee for rangee in classeur["Métadonnées"].iter_rows(min_row=2, values_only=True))
    assert metadonnees["Position du journal"] == evaluation.position > 0
    assert metadonnees["Périmètre"] == "actions du département 75" and metadonnees["Produit le"] == datetime(2026, 1, 5, 9)
    assert metadonnees["Seuil de l'emploi durable"].startswith("6 mois ou plus")


@pytest.mark.slow
def test_on_a_demo_territory_the_table_matches_the_actions_key_of_the_report(reglages_de_demonstration: Reglages) -> None:
    services = construire_services(reglages_de_demonstration)
    document = calculer(services.lectures, Demande(date(2025, 1, 1), date(2025, 12, 31)))
    national = evaluer(services.lectures, 2025, Action())
    assert national.chiffres.indicateurs() == document["actions"]
    assert document["actions"]["nombre"] >= 1 and document["actions"]["beneficiaires"] > 0
    for action in sorted(national.chiffres.actions):
        une = evaluer(services.lectures, 2025, Action(action=action))
        assert une.chiffres.public["total"] <= national.chiffres.public["total"]
    services.fermer()

"""The ministry's annual evaluation table, on SQLite and PostgreSQL: the §5 figures under the annex's labels."""

from __future__ import annotations

import io
from datetime import date, datetime, timezone

import openpyxl
import pytest

from parcours.commandes import FixerObjectif
from projections.evaluation_annuelle import Action, ActionInconnueError, evaluer, feuilles
from projections.indicateurs import Demande, DemandeInvalideError, calculer
from projections.tableurs import ecrire
from web.config import Reglages, construire_services
from web.demonstration import enregistrer_territoire

# The annex rows (their exact labels) and where CONTRACT §5 puts each figure: realised, numerator, denominator, rate.
ANNEXE = {
    "Nombre total d'étrangers éligibles bénéficiaires de l'action": ("public_cible.total", None, None, None),
    "dont hommes": ("public_cible.hommes", None, None, None),
    "dont femmes": ("public_cible.femmes", None, None, None),
    "dont moins de 25 ans": ("public_cible.moins_de_25_ans", None, None, None),
    "dont BPI": ("public_cible.bpi", None, None, None),
    "dont BPI hommes": ("public_cible.bpi_hommes", None, None, None),
    "dont BPI femmes": ("public_cible.bpi_femmes", None, None, None),
    "dont BPI moins de 25 ans": ("public_cible.bpi_moins_de_25_ans", None, None, None),
    "Heures réalisées par les participants (somme par participant)": ("langue.heures_realisees", None, None, None),
    "Nombre de participants assidus": ("langue.assidus", "langue.assidus", "langue.formations_terminees", None),
    "Nombre de participants ayant progressé d'au moins un niveau du Cadre européen commun de référence pour les "
    "langues (CECRL) entre le début et la fin de la formation":
        ("langue.progression_un_niveau", "langue.progression_un_niveau", "langue.evalues", None),
    "Durée moyenne du parcours d'accompagnement vers l'emploi (exprimée en mois entre l'inscription du bénéficiaire "
    "dans le parcours et sa sortie)": ("accompagnement_emploi.duree_moyenne_mois", None, "non_neutres", None),
    "Nombre de bénéficiaires en sortie positive à l'issue du parcours d'accompagnement vers l'emploi":
        ("accompagnement_emploi.sorties_positives", "accompagnement_emploi.sorties_positives", "non_neutres",
         "accompagnement_emploi.taux_sortie_positive"),
    "Dont nombre de bénéficiaires en formation professionnelle": ("accompagnement_emploi.dont_formation", None, None, None),
    "Dont nombre de bénéficiaires en emploi durable à l'issue du parcours":
        ("accompagnement_emploi.dont_emploi_durable", None, None, None),
    "Dont nombre de bénéficiaires en sortie positive 6 mois après leur sortie de parcours":
        ("accompagnement_emploi.suivi_6_mois.positifs", "accompagnement_emploi.suivi_6_mois.positifs",
         "accompagnement_emploi.suivi_6_mois.cohorte", "accompagnement_emploi.suivi_6_mois.taux_positif"),
    "Nombre de ménages d'étrangers éligibles ayant pu accéder à un logement pérenne": ("logement.menages_logement_perenne", None, None, None),
}


def lire(document: dict, chemin: str | None):  # noqa: ANN201
    if chemin is None:
        return None
    if chemin == "non_neutres":
        return document["accompagnement_emploi"]["sorties"] - document["accompagnement_emploi"]["sorties_neutres"]
    valeur = document
    for cle in chemin.split("."):
        valeur = valeur[cle]
    return valeur


def assert_the_table_copies_the_report(evaluation, attendu: dict) -> None:  # noqa: ANN001
    assert [ligne.libelle for ligne in evaluation.lignes] == list(ANNEXE)
    for ligne in evaluation.lignes:
        chemins = ANNEXE[ligne.libelle]
        assert (ligne.realise, ligne.numerateur, ligne.denominateur, ligne.taux) == tuple(lire(attendu, c) for c in chemins), ligne.libelle


@pytest.mark.parametrize("action", [Action(), Action(departement="75"), Action(operateur="france-travail-75"),
                                    Action(operateur="langues-75")], ids=["national", "departement", "france-travail", "langues"])
@pytest.mark.parametrize("annee", [2023, 2024, 2025])
def test_every_row_is_the_figure_of_the_indicators_report_for_that_year_and_action(services, annee: int, action: Action) -> None:
    evaluation = evaluer(services.lectures, annee, action)
    attendu = calculer(services.lectures, Demande(date(annee, 1, 1), date(annee, 12, 31), departement=action.departement,
                                                  operateur=action.operateur))
    assert evaluation.document == attendu
    assert_the_table_copies_the_report(evaluation, attendu)


def test_the_scenarios_2024_evaluation_reads_as_counted_by_hand(services) -> None:
    lignes = {ligne.libelle: ligne for ligne in evaluer(services.lectures, 2024).lignes}
    # Bilal (20, non-BPI) signs his CIR, Amina (31, refugee) starts her employment support.
    total = lignes["Nombre total d'étrangers éligibles bénéficiaires de l'action"]
    assert (total.realise, total.precision) == (2, "part des non-BPI : 50,0 % (au moins 30 % attendus)")
    assert [lignes[f"dont {x}"].realise for x in ("hommes", "femmes", "moins de 25 ans", "BPI", "BPI hommes", "BPI femmes", "BPI moins de 25 ans")] \
        == [1, 1, 1, 1, 0, 1, 0]
    # Amina's language training ends in January: 122 learner-hours (never the annex's « heures de formation
    # dispensées », CONTRACT §10), target reached early, INFRA_A1 → A1.
    assert lignes["Heures réalisées par les participants (somme par participant)"].realise == 122
    assert (lignes["Nombre de participants assidus"].numerateur, lignes["Nombre de participants assidus"].denominateur) == (1, 1)
    # Her support runs from 20 March to 31 October (225 days) and ends in a fixed-term job of 6 months.
    duree = lignes["Durée moyenne du parcours d'accompagnement vers l'emploi (exprimée en mois entre l'inscription du "
                   "bénéficiaire dans le parcours et sa sortie)"]
    assert (duree.realise, duree.denominateur) == (7.4, 1)
    positives = lignes["Nombre de bénéficiaires en sortie positive à l'issue du parcours d'accompagnement vers l'emploi"]
    assert (positives.realise, positives.numerateur, positives.denominateur, positives.taux) == (1, 1, 1, 1.0)
    assert lignes["Dont nombre de bénéficiaires en emploi durable à l'issue du parcours"].realise == 1
    suivi = lignes["Dont nombre de bénéficiaires en sortie positive 6 mois après leur sortie de parcours"]
    assert (suivi.realise, suivi.precision) == (0, "aucune sortie dont le suivi à 6 mois tombe dans l'année")
    assert lignes["Nombre de ménages d'étrangers éligibles ayant pu accéder à un logement pérenne"].realise == 1
    suivi_2025 = {ligne.libelle: ligne for ligne in evaluer(services.lectures, 2025).lignes}[suivi.libelle]
    assert (suivi_2025.realise, suivi_2025.denominateur, suivi_2025.taux) == (1, 1, 1.0)


def test_unknown_operators_and_departements_and_both_at_once_are_refused_in_french(services) -> None:
    with pytest.raises(ActionInconnueError, match="opérateur inconnu « nulle-part »"):
        evaluer(services.lectures, 2024, Action(operateur="nulle-part"))
    with pytest.raises(ActionInconnueError, match="aucun opérateur n'est enregistré dans le département « 13 »"):
        evaluer(services.lectures, 2024, Action(departement="13"))
    with pytest.raises(DemandeInvalideError, match="pas les deux"):
        Action(operateur="france-travail-75", departement="75")


def test_the_spreadsheet_carries_the_rows_and_the_log_position_they_were_read_at(services) -> None:
    evaluation = evaluer(services.lectures, 2024, Action(departement="75"))
    classeur = openpyxl.load_workbook(io.BytesIO(ecrire(feuilles(evaluation, datetime(2026, 1, 5, 8, tzinfo=timezone.utc)), "xlsx")))
    assert classeur.sheetnames == ["Évaluation 2024", "Métadonnées"]
    rangees = [[c.value for c in rangee] for rangee in classeur["Évaluation 2024"].iter_rows()]
    assert rangees[0] == ["Rubrique", "Indicateur", "Objectif (valeur-cible)", "Réalisé", "Numérateur", "Dénominateur", "Taux", "Précision"]
    assert rangees[1][:4] == ["1.1 Pour les actions à destination des éligibles", "Nombre total d'étrangers éligibles bénéficiaires de l'action", None, 2]
    assert [r[3] for r in rangees[1:]] == [ligne.realise for ligne in evaluation.lignes]
    metadonnees = dict(rangee for rangee in classeur["Métadonnées"].iter_rows(min_row=2, values_only=True))
    assert metadonnees["Position du journal"] == evaluation.document["position_journal"] > 0
    assert metadonnees["Action"] == "département 75 (tous les opérateurs)" and metadonnees["Produit le"] == datetime(2026, 1, 5, 9)


def test_the_target_value_of_the_total_is_the_objective_of_the_year_for_the_operator_or_for_all(services) -> None:
    services.parcours.fixer_objectif(FixerObjectif(2024, "public_cible.total", 12, "copil", operateur="france-travail-75"))
    services.parcours.fixer_objectif(FixerObjectif(2024, "public_cible.total", 40, "copil"))
    services.parcours.fixer_objectif(FixerObjectif(2025, "public_cible.total", 99, "copil", operateur="france-travail-75"))
    services.rattraper()

    def objectifs(action: Action) -> list:
        return [ligne.objectif for ligne in evaluer(services.lectures, 2024, action).lignes]

    assert objectifs(Action(operateur="france-travail-75")) == [12] + [None] * (len(ANNEXE) - 1)
    assert objectifs(Action())[0] == 40
    assert objectifs(Action(operateur="ofii-dt-paris"))[0] is None
    assert objectifs(Action(departement="75"))[0] is None  # a national target is no département's target


@pytest.mark.slow
def test_on_a_demo_territory_the_table_matches_the_report_for_each_kind_of_action(reglages: Reglages) -> None:
    services = construire_services(reglages)
    enregistrer_territoire(services.parcours, 150, 7, instant=datetime(2026, 11, 1, tzinfo=timezone.utc))
    services.rattraper()
    for action in (Action(), Action(departement="93"), Action(operateur="ofii-dt-paris"), Action(operateur="france-travail-75")):
        evaluation = evaluer(services.lectures, 2025, action)
        attendu = calculer(services.lectures, Demande(date(2025, 1, 1), date(2025, 12, 31), departement=action.departement,
                                                      operateur=action.operateur))
        assert_the_table_copies_the_report(evaluation, attendu)
    national = {ligne.libelle: ligne.realise for ligne in evaluer(services.lectures, 2025).lignes}
    assert national["Nombre total d'étrangers éligibles bénéficiaires de l'action"] > 0
    services.fermer()

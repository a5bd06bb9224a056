"""The dashboard's data on a cohort computed by hand: the pathway funnel, exits per département, support
durations, the quarterly trend, the comparison of départements, the `programme` and several-départements
filters, and objectives set against what was achieved."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest

from parcours.commandes import FixerObjectif
from parcours.erreurs import OperateurInconnuError
from parcours.objectifs import ObjectifInvalideError
from projections.document import calculer
from projections.indicateurs import Demande, DemandeInvalideError
from projections.runner import rattraper
from projections.tableau_de_bord import graphiques, lignes_du_tableau, lister_objectifs

if TYPE_CHECKING:
    from conftest import Territoire

ANNEE = Demande(date(2025, 1, 1), date(2025, 12, 31))


@pytest.fixture
def cohorte(territoire: Territoire) -> Territoire:
    """Four persons, 2025:

    - P1 — 75: CIR 10/01, positioned, present at a civic day, end-of-CIR interview 01/06, oriented to France
      Travail 75 (accepted 10/06), SPE support 15/06 → 15/09 (92 days), EMPLOI_CDI.
    - P2 — 59: CIR 01/02, positioned; SPE support at France Travail 59 01/02 → 01/03 (28 days), RECHERCHE_EMPLOI.
    - P3 — 75, no CIR: BOP 104 action at the association 10/01/2024 → 10/02/2025 (397 days),
      FORMATION_QUALIFIANTE, positive at the 6-month follow-up.
    - P4 — 75, no CIR: SPE support 01/03 → 01/04, DEMENAGEMENT (neutral).
    """
    t = territoire
    p1 = t.personne(departement="75", naissance="1990-01-01")
    t.cir(p1, "2025-01-10")
    t.positionnement(p1, "2025-01-10", "INFRA_A1", "INFRA_A1")
    t.etape("formation_civique_journee", "2025-01-20", "ofii-dt-paris", {"jour": 1, "present": True}, p1)
    t.etape("entretien_fin_cir", "2025-06-01", "ofii-dt-paris", {"situation_pro": "RECHERCHE_EMPLOI"}, p1)
    orientation = t.etape("orientation_spe", "2025-06-01", "ofii-dt-paris", {"vers": "france-travail-75", "motif_choix": "DEFAUT"}, p1)
    t.etape("orientation_acceptee", "2025-06-10", "france-travail-75", {"orientation_step_id": orientation}, p1)
    t.episode(p1, "2025-06-15", "2025-09-15", "EMPLOI_CDI")
    p2 = t.personne(departement="59", sexe="M", naissance="1980-01-01")
    t.cir(p2, "2025-02-01")
    t.positionnement(p2, "2025-02-01", "A1", "A1")
    t.episode(p2, "2025-02-01", "2025-03-01", "RECHERCHE_EMPLOI", operateur="france-travail-59")
    p3 = t.personne(departement="75", naissance="1995-01-01")
    sortie = t.episode(p3, "2024-01-10", "2025-02-10", "FORMATION_QUALIFIANTE", operateur="asso-75", programme="ACTION_BOP104")
    t.suivi(p3, sortie, "2025-08-10", True, "EMPLOI_CDI", operateur="asso-75")
    p4 = t.personne(departement="75", naissance="1985-01-01")
    t.episode(p4, "2025-03-01", "2025-04-01", "DEMENAGEMENT")
    rattraper(t.parcours, t.lectures)
    return t


def dessins(territoire: Territoire, demande: Demande = ANNEE):  # noqa: ANN201
    position = calculer(territoire.lectures, demande)["position_journal"]
    return graphiques(territoire.lectures, demande, position)


def test_the_funnel_follows_the_cir_signatories_of_the_period_stage_by_stage(cohorte: Territoire) -> None:
    entonnoir = {cle: n for cle, _, n in dessins(cohorte).entonnoir}
    assert entonnoir == {"cir": 2, "positionnement": 2, "formation": 1, "entretien": 1, "orientation": 1,
                         "acceptation": 1, "accompagnement": 2, "sortie_positive": 1, "positif_6_mois": 0}


def test_exits_are_grouped_by_category_per_departement_of_the_person(cohorte: Territoire) -> None:
    assert dict(dessins(cohorte).sorties_par_departement) == {
        "59": {"emploi_durable": 0, "emploi_court": 0, "formation": 0, "non_positive": 1, "neutre": 0},
        "75": {"emploi_durable": 1, "emploi_court": 0, "formation": 1, "non_positive": 0, "neutre": 1},
    }


def test_support_durations_fall_in_bands_of_months_and_neutral_exits_are_left_out(cohorte: Territoire) -> None:
    # 28 days → 0.9 month; 92 days → 3.0 months; 397 days → 13.0 months; the move is neutral.
    assert [n for _, n in dessins(cohorte).durees] == [1, 1, 0, 0, 1, 0, 0]


def test_departements_are_compared_on_the_positive_exit_rate_of_the_contract(cohorte: Territoire) -> None:
    assert dessins(cohorte).comparaison == [("59", 1, 0, 0.0), ("75", 2, 2, 1.0)]


def test_the_trend_gives_entries_and_exits_quarter_by_quarter(cohorte: Territoire) -> None:
    tendances = [(p["periode"], p["entrees"], p["sorties"], p["sorties_positives"], p["taux_sortie_positive"])
                 for p in dessins(cohorte).tendances]
    assert tendances == [("T1 2025", 3, 2, 1, 0.5), ("T2 2025", 1, 1, 0, None), ("T3 2025", 0, 1, 1, 1.0),
                         ("T4 2025", 0, 0, 0, None)]


def test_a_long_period_is_drawn_year_by_year(cohorte: Territoire) -> None:
    tendances = dessins(cohorte, Demande(date(2020, 1, 1), date(2025, 6, 30))).tendances
    assert [p["periode"] for p in tendances] == ["2020", "2021", "2022", "2023", "2024", "2025"]
    assert tendances[-1]["au"] == date(2025, 6, 30) and tendances[-1]["sorties"] == 3


def test_the_programme_keeps_its_episodes_and_the_people_who_had_entered_it(cohorte: Territoire) -> None:
    bop = cohorte.indicateurs("2025-01-01", "2025-12-31", programme="bop104")
    assert bop["accompagnement_emploi"]["sorties"] == 1 and bop["accompagnement_emploi"]["sorties_positives"] == 1
    assert bop["public_cible"]["total"] == 0 and bop["cir"]["signataires"] == 0
    assert bop["filtres"]["programme"] == "bop104"
    spe = cohorte.indicateurs("2025-01-01", "2025-12-31", programme="spe")
    assert spe["accompagnement_emploi"]["sorties"] == 3 and spe["accompagnement_emploi"]["sorties_neutres"] == 1
    # P2 entered SPE support the day of the signature, P1 only after it.
    assert spe["cir"]["signataires"] == 1 and spe["public_cible"]["total"] == 3
    entonnoir = {cle: n for cle, _, n in dessins(cohorte, Demande(date(2025, 1, 1), date(2025, 12, 31), programme="bop104")).entonnoir}
    assert entonnoir["cir"] == 2 and entonnoir["accompagnement"] == 0
    with pytest.raises(DemandeInvalideError, match="programme inconnu"):
        Demande(date(2025, 1, 1), date(2025, 12, 31), programme="hope")


def test_several_departements_are_their_union(cohorte: Territoire) -> None:
    deux = cohorte.indicateurs("2025-01-01", "2025-12-31", departements=("75", "59"))
    assert deux["accompagnement_emploi"]["sorties"] == 4 and deux["filtres"]["departement"] == ["75", "59"]
    nord = cohorte.indicateurs("2025-01-01", "2025-12-31", departements=("59",))
    assert nord["accompagnement_emploi"]["sorties"] == 1 and nord["filtres"] == {"departement": "59", "operateur": None, "public": None}
    assert [d for d, _ in dessins(cohorte, Demande(date(2025, 1, 1), date(2025, 12, 31), departements=("59",))).sorties_par_departement] == ["59"]


def test_objectives_of_the_year_and_scope_are_set_against_what_was_achieved(cohorte: Territoire) -> None:
    p = cohorte.parcours
    assert p.fixer_objectif(FixerObjectif(2025, "accompagnement_emploi.taux_sortie_positive", 0.5, "copil")) == "cree"
    assert p.fixer_objectif(FixerObjectif(2025, "accompagnement_emploi.taux_sortie_positive", 0.6, "copil")) == "modifie"
    assert p.fixer_objectif(FixerObjectif(2025, "accompagnement_emploi.taux_sortie_positive", 0.6, "copil")) == "inchange"
    p.fixer_objectif(FixerObjectif(2025, "accompagnement_emploi.sorties", 10, "copil", operateur="france-travail-75"))
    p.fixer_objectif(FixerObjectif(2024, "accompagnement_emploi.sorties", 7, "copil"))
    rattraper(p, cohorte.lectures)
    document = calculer(cohorte.lectures, ANNEE)
    lignes = {ligne.indicateur: ligne for ligne in lignes_du_tableau(cohorte.lectures, ANNEE, document)}
    # Non-neutral exits: P1 (positive), P2, P3 (positive) → 2/3.
    assert tuple(lignes["accompagnement_emploi.taux_sortie_positive"])[1:] == ("Accompagnement : taux de sortie positive", 0.6, 0.667, 0.067)
    assert lignes["accompagnement_emploi.sorties"].objectif is None  # the 10 is France Travail 75's, the 7 is for 2024
    assert all(ligne.libelle != ligne.indicateur for ligne in lignes.values())  # every indicator has its French label
    ft = Demande(date(2025, 1, 1), date(2025, 12, 31), operateur="france-travail-75")
    ligne_ft = {ligne.indicateur: ligne for ligne in lignes_du_tableau(cohorte.lectures, ft, calculer(cohorte.lectures, ft))}
    assert tuple(ligne_ft["accompagnement_emploi.sorties"])[2:] == (10, 2, -8)
    deux_ans = Demande(date(2024, 1, 1), date(2025, 12, 31))
    # Over two years no yearly objective applies; AGIR's programme targets (rates, CONTRACT §9) always do.
    objectifs = {ligne.indicateur: ligne.objectif for ligne in lignes_du_tableau(cohorte.lectures, deux_ans, calculer(cohorte.lectures, deux_ans))
                 if ligne.objectif is not None}
    assert objectifs == {"agir.taux_emploi_formation_durable": 0.6, "agir.taux_logement_perenne": 0.8}
    with cohorte.lectures.connect() as connexion:
        assert [(o["annee"], o["operateur"], o["valeur"]) for o in lister_objectifs(connexion)] == [
            (2024, None, 7), (2025, None, 0.6), (2025, "france-travail-75", 10)]


def test_an_objective_needs_a_known_operator_a_plausible_year_and_a_non_negative_value(territoire: Territoire) -> None:
    p = territoire.parcours
    with pytest.raises(OperateurInconnuError):
        p.fixer_objectif(FixerObjectif(2025, "cir.signataires", 10, "copil", operateur="inconnu"))
    with pytest.raises(ObjectifInvalideError, match="valeur-cible"):
        p.fixer_objectif(FixerObjectif(2025, "cir.signataires", -1, "copil"))
    with pytest.raises(ObjectifInvalideError, match="année"):
        p.fixer_objectif(FixerObjectif(1999, "cir.signataires", 1, "copil"))

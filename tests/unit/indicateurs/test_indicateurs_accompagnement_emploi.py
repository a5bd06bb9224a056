"""CONTRACT §4–5, `accompagnement_emploi`: "episodes whose exit date is in the period", neutral exits
"outside every rate's denominator, counted apart", the mean duration in days / 30.4375."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conftest import Territoire

PERIODE = ("2025-01-01", "2025-12-31")


def sans_suivi(emploi: dict) -> dict:
    return {cle: valeur for cle, valeur in emploi.items() if cle != "suivi_6_mois"}


def test_neutral_exits_are_counted_apart_and_kept_out_of_the_rate_and_the_mean_duration(territoire: Territoire) -> None:
    t = territoire
    # Non-neutral exits (days from entry to exit):
    t.episode(t.personne(), "2025-01-31", "2025-02-28", "EMPLOI_CDI")  # 28 d, positive, durable job
    t.episode(t.personne(), "2024-11-15", "2025-03-15", "FORMATION_QUALIFIANTE")  # 120 d (entry before the period), positive, training
    t.episode(t.personne(), "2025-01-01", "2025-04-01", "RECHERCHE_EMPLOI")  # 90 d
    t.episode(t.personne(), "2025-03-01", "2025-05-10", "EMPLOI_MOINS_6M")  # 70 d, positive, neither durable nor training
    t.episode(t.personne(), "2025-01-01", "2025-02-05", "ABANDON_PERDU_DE_VUE")  # 35 d
    t.episode(t.personne(), "2025-06-01", "2025-07-01", "INACTIVITE")  # 30 d
    t.episode(t.personne(), "2025-01-01", "2025-03-02", "FORMATION_LINGUISTIQUE")  # 60 d, not positive
    # Neutral exits: 364 d, 0 d and 546 d, which must weigh on nothing but the two counts.
    t.episode(t.personne(), "2025-01-01", "2025-12-31", "DEMENAGEMENT")
    t.episode(t.personne(), "2025-02-01", "2025-02-01", "DECES")
    t.episode(t.personne(), "2024-01-01", "2025-06-30", "TRANSFERT")
    # Not exits of the period: one on 10/01/2026, one episode still open.
    t.episode(t.personne(), "2025-12-01", "2026-01-10", "EMPLOI_CDI")
    t.entree(t.personne(), "2025-05-01")
    emploi = t.indicateurs(*PERIODE)["accompagnement_emploi"]
    # sorties 10, of which 3 neutral; 7 non-neutral, 3 positive → 3/7 = 0.428571… → 0.429.
    # Mean duration: (28 + 120 + 90 + 70 + 35 + 30 + 60) / 7 = 433 / 7 = 61.857 d; / 30.4375 = 2.032 → 2.0
    # (with the neutral exits it would be 1343 / 10 / 30.4375 = 4.4; with 30-day months 2.062 → 2.1).
    assert sans_suivi(emploi) == {
        "sorties": 10,
        "sorties_neutres": 3,
        "duree_moyenne_mois": 2.0,
        "sorties_positives": 3,
        "dont_emploi_durable": 1,
        "dont_formation": 1,
        "taux_sortie_positive": 0.429,
        # EMPLOI_CDI and EMPLOI_MOINS_6M exits of the period, no contract recorded in either episode.
        "sorties_emploi_sans_contrat": 2,
    }


def test_each_positive_category_counts_the_first_four_as_durable_jobs_and_the_last_four_as_trainings(
    territoire: Territoire,
) -> None:
    t = territoire
    positives = ["EMPLOI_CDI", "EMPLOI_FONCTION_PUBLIQUE", "CREATION_ENTREPRISE", "EMPLOI_DURABLE_6M_PLUS", "EMPLOI_MOINS_6M",
                 "FORMATION_QUALIFIANTE", "FORMATION_CERTIFIANTE", "FORMATION_DIPLOMANTE", "FORMATION_PRE_QUALIFIANTE"]
    non_positives = ["FORMATION_LINGUISTIQUE", "RECHERCHE_EMPLOI", "INACTIVITE", "ABANDON_PERDU_DE_VUE"]
    neutres = ["DEMENAGEMENT", "DECES", "TRANSFERT"]
    for categorie in positives + non_positives + neutres:
        t.episode(t.personne(), "2025-02-01", "2025-03-03", categorie)  # 30 days each
    emploi = t.indicateurs(*PERIODE)["accompagnement_emploi"]
    # 16 exits, 3 neutral; positives 9 of 13 = 0.6923 → 0.692; durable jobs: CDI, fonction publique,
    # création, CDD ≥ 6 months = 4; trainings: qualifiante, certifiante, diplômante, pré-qualifiante = 4.
    # Mean duration 30 d / 30.4375 = 0.9856 → 1.0.
    assert sans_suivi(emploi) == {
        "sorties": 16,
        "sorties_neutres": 3,
        "duree_moyenne_mois": 1.0,
        "sorties_positives": 9,
        "dont_emploi_durable": 4,
        "dont_formation": 4,
        "taux_sortie_positive": 0.692,
        # The four EMPLOI_* categories (CREATION_ENTREPRISE is not one), none with a contract.
        "sorties_emploi_sans_contrat": 4,
    }


def test_only_neutral_exits_give_counts_but_a_null_rate_and_a_null_mean_duration(territoire: Territoire) -> None:
    t = territoire
    t.episode(t.personne(), "2025-01-10", "2025-04-10", "DEMENAGEMENT")
    t.episode(t.personne(), "2025-01-10", "2025-05-10", "TRANSFERT")
    emploi = t.indicateurs(*PERIODE)["accompagnement_emploi"]
    # 2 exits, both neutral: no non-neutral exit, so the rate and the mean have an empty denominator.
    assert sans_suivi(emploi) == {
        "sorties": 2,
        "sorties_neutres": 2,
        "duree_moyenne_mois": None,
        "sorties_positives": 0,
        "dont_emploi_durable": 0,
        "dont_formation": 0,
        "taux_sortie_positive": None,
        "sorties_emploi_sans_contrat": 0,
    }


def test_the_mean_duration_divides_days_by_30_4375_not_calendar_months(territoire: Territoire) -> None:
    t = territoire
    # 31/01 → 28/02 is one calendar month but 28 days: 28 / 30.4375 = 0.92 → 0.9.
    t.episode(t.personne(), "2025-01-31", "2025-02-28", "RECHERCHE_EMPLOI")
    assert t.indicateurs(*PERIODE)["accompagnement_emploi"]["duree_moyenne_mois"] == 0.9
    # A second exit of 365 days (01/03/2024 → 01/03/2025): (28 + 365) / 2 = 196.5 d / 30.4375 = 6.456 → 6.5.
    t.episode(t.personne(), "2024-03-01", "2025-03-01", "EMPLOI_CDI")
    emploi = t.indicateurs(*PERIODE)["accompagnement_emploi"]
    assert (emploi["duree_moyenne_mois"], emploi["taux_sortie_positive"]) == (6.5, 0.5)


def test_exits_on_the_first_and_last_day_of_the_period_count_and_those_just_outside_do_not(territoire: Territoire) -> None:
    t = territoire
    t.episode(t.personne(), "2024-12-01", "2024-12-31", "EMPLOI_CDI")  # the day before: out
    t.episode(t.personne(), "2024-12-01", "2025-01-01", "EMPLOI_CDI")  # first day: in
    t.episode(t.personne(), "2025-03-01", "2025-03-31", "RECHERCHE_EMPLOI")  # last day: in
    t.episode(t.personne(), "2025-03-01", "2025-04-01", "EMPLOI_CDI")  # the day after: out
    emploi = t.indicateurs("2025-01-01", "2025-03-31")["accompagnement_emploi"]
    # 2 exits, 1 positive: 0.5; (31 + 30) / 2 = 30.5 d / 30.4375 = 1.002 → 1.0.
    assert (emploi["sorties"], emploi["sorties_positives"], emploi["taux_sortie_positive"], emploi["duree_moyenne_mois"]) == (
        2, 1, 0.5, 1.0)


def test_the_rate_is_rounded_to_three_decimals(territoire: Territoire) -> None:
    t = territoire
    t.episode(t.personne(), "2025-01-01", "2025-02-01", "EMPLOI_CDI")
    t.episode(t.personne(), "2025-01-01", "2025-02-01", "FORMATION_DIPLOMANTE")
    t.episode(t.personne(), "2025-01-01", "2025-02-01", "INACTIVITE")
    # 2 / 3 = 0.6666… → 0.667.
    assert t.indicateurs(*PERIODE)["accompagnement_emploi"]["taux_sortie_positive"] == 0.667

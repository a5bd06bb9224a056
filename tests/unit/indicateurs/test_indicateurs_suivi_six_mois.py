"""CONTRACT §5, `suivi_6_mois`: "`cohorte` (non-neutral exits whose due date falls in the period),
`renseignes` (respondents), `positifs`, `taux_positif` (positifs / cohorte: non-respondents count as
not positive), `taux_reponse`", due = exit + 6 months, `add_months` clamping to the month's last day.

Each test also asks for the same figures through a filter that keeps everyone (`departement="75"`):
the engine counts unfiltered exits in SQL and filtered ones row by row, and both must agree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conftest import Territoire


def suivi_6_mois(territoire: Territoire, du: str, au: str) -> dict:
    document = territoire.indicateurs(du, au)["accompagnement_emploi"]
    filtre = territoire.indicateurs(du, au, departement="75")["accompagnement_emploi"]
    assert filtre == document, "the SQL count and the row-by-row count disagree"
    return document["suivi_6_mois"]


def test_an_exit_on_31_august_2024_falls_due_on_28_february_2025(territoire: Territoire) -> None:
    t = territoire
    t.episode(t.personne(), "2024-06-01", "2024-08-27", "EMPLOI_CDI")  # due 27/02/2025: out
    a = t.personne()
    fin_aout = t.episode(a, "2024-06-01", "2024-08-31", "EMPLOI_CDI")  # due 28/02/2025 (clamped, not 03/03): in
    t.episode(t.personne(), "2024-06-01", "2024-08-28", "RECHERCHE_EMPLOI")  # due 28/02/2025: in
    t.episode(t.personne(), "2024-06-01", "2024-09-01", "EMPLOI_CDI")  # due 01/03/2025: out
    t.suivi(a, fin_aout, "2025-02-28", True, "EMPLOI_CDI")
    # Report on the single day 28/02/2025: cohort 2, one respondent, positive → 1/2 = 0.5 and 1/2 = 0.5.
    assert suivi_6_mois(t, "2025-02-28", "2025-02-28") == {
        "cohorte": 2, "renseignes": 1, "positifs": 1, "taux_positif": 0.5, "taux_reponse": 0.5}
    # The day after, 01/03/2025: only the exit of 01/09/2024, without follow-up → 0 / 1.
    assert suivi_6_mois(t, "2025-03-01", "2025-03-01") == {
        "cohorte": 1, "renseignes": 0, "positifs": 0, "taux_positif": 0.0, "taux_reponse": 0.0}


def test_an_exit_on_31_august_2023_falls_due_on_29_february_2024(territoire: Territoire) -> None:
    t = territoire
    t.episode(t.personne(), "2023-06-01", "2023-08-28", "EMPLOI_CDI")  # due 28/02/2024: out
    t.episode(t.personne(), "2023-06-01", "2023-08-29", "EMPLOI_CDI")  # due 29/02/2024: in
    t.episode(t.personne(), "2023-06-01", "2023-08-31", "EMPLOI_CDI")  # due 29/02/2024 (leap year): in
    t.episode(t.personne(), "2023-06-01", "2023-09-01", "EMPLOI_CDI")  # due 01/03/2024: out
    # No follow-up recorded: cohort 2, nobody answered, so 0 / 2 positive and 0 / 2 answering.
    assert suivi_6_mois(t, "2024-02-29", "2024-02-29") == {
        "cohorte": 2, "renseignes": 0, "positifs": 0, "taux_positif": 0.0, "taux_reponse": 0.0}


def test_the_cohort_takes_exits_before_the_period_that_fall_due_in_it_and_counts_non_respondents_as_not_positive(
    territoire: Territoire,
) -> None:
    t = territoire
    # Period: first half of 2025. Exit (due date) → in the cohort? follow-up.
    e1 = t.personne()
    s1 = t.episode(e1, "2024-03-01", "2024-07-15", "EMPLOI_CDI")  # due 15/01/2025: in
    t.suivi(e1, s1, "2025-01-20", True, "EMPLOI_CDI")  # respondent, positive
    e2 = t.personne()
    s2 = t.episode(e2, "2024-03-01", "2024-10-31", "RECHERCHE_EMPLOI")  # due 30/04/2025: in
    t.suivi(e2, s2, "2025-05-02", True, "FORMATION_QUALIFIANTE")  # respondent, positive at 6 months
    e3 = t.personne()
    s3 = t.episode(e3, "2024-03-01", "2024-12-31", "EMPLOI_CDI")  # due 30/06/2025: in
    t.suivi(e3, s3, "2025-06-20", True, "RECHERCHE_EMPLOI")  # respondent, not positive
    e4 = t.personne()
    s4 = t.episode(e4, "2024-03-01", "2024-09-10", "EMPLOI_MOINS_6M")  # due 10/03/2025: in
    t.suivi(e4, s4, "2025-03-12", False)  # not a respondent
    t.episode(t.personne(), "2024-03-01", "2024-11-20", "INACTIVITE")  # due 20/05/2025: in, no follow-up at all
    e6 = t.personne()
    s6 = t.episode(e6, "2024-03-01", "2024-08-15", "DEMENAGEMENT")  # neutral: never in the cohort
    t.suivi(e6, s6, "2025-02-15", True, "EMPLOI_CDI")
    t.episode(t.personne(), "2024-12-01", "2025-01-15", "EMPLOI_CDI")  # an exit of the period, due 15/07/2025: out
    e8 = t.personne()
    s8 = t.episode(e8, "2024-03-01", "2024-06-30", "EMPLOI_CDI")  # due 30/12/2024: out
    t.suivi(e8, s8, "2025-01-05", True, "EMPLOI_CDI")  # a follow-up dated in the period does not bring it in
    # cohort: e1, e2, e3, e4, e5 = 5; respondents e1, e2, e3 = 3; positive e1, e2 = 2.
    # taux_positif 2 / 5 = 0.4 (e4 and e5, who did not answer, are not positive); taux_reponse 3 / 5 = 0.6.
    assert suivi_6_mois(t, "2025-01-01", "2025-06-30") == {
        "cohorte": 5, "renseignes": 3, "positifs": 2, "taux_positif": 0.4, "taux_reponse": 0.6}


def test_exits_of_the_period_not_yet_due_give_an_empty_cohort_and_null_rates(territoire: Territoire) -> None:
    t = territoire
    t.episode(t.personne(), "2025-01-01", "2025-03-01", "EMPLOI_CDI")  # due 01/09/2025
    t.episode(t.personne(), "2025-01-01", "2025-04-01", "RECHERCHE_EMPLOI")  # due 01/10/2025
    assert suivi_6_mois(t, "2025-01-01", "2025-06-30") == {
        "cohorte": 0, "renseignes": 0, "positifs": 0, "taux_positif": None, "taux_reponse": None}


def test_a_follow_up_counts_with_its_corrected_values_and_not_at_all_once_voided(territoire: Territoire) -> None:
    t = territoire
    a, b = t.personne(), t.personne()
    sortie_a = t.episode(a, "2024-06-01", "2024-09-15", "RECHERCHE_EMPLOI")  # due 15/03/2025
    sortie_b = t.episode(b, "2024-06-01", "2024-09-15", "RECHERCHE_EMPLOI")  # due 15/03/2025
    suivi_a = t.suivi(a, sortie_a, "2025-03-15", False)
    suivi_b = t.suivi(b, sortie_b, "2025-03-15", True, "EMPLOI_CDI")
    # cohort 2; b answered, positive: 1/2 and 1/2.
    assert suivi_6_mois(t, "2025-01-01", "2025-06-30") == {
        "cohorte": 2, "renseignes": 1, "positifs": 1, "taux_positif": 0.5, "taux_reponse": 0.5}
    # a's follow-up corrected (a did answer, in a certifying training), b's voided:
    # cohort still 2; respondent a only, positive: 1/2 and 1/2 — but from a now, not b.
    t.corriger(a, suivi_a, {"repondant": True, "categorie": "FORMATION_CERTIFIANTE"}, "2025-04-01")
    t.annuler(b, suivi_b, "2025-04-01")
    assert suivi_6_mois(t, "2025-01-01", "2025-06-30") == {
        "cohorte": 2, "renseignes": 1, "positifs": 1, "taux_positif": 0.5, "taux_reponse": 0.5}
    # Now a's 6-month situation corrected to job seeking: nobody positive any more, 0 / 2.
    t.corriger(a, suivi_a, {"categorie": "RECHERCHE_EMPLOI"}, "2025-04-02")
    assert suivi_6_mois(t, "2025-01-01", "2025-06-30") == {
        "cohorte": 2, "renseignes": 1, "positifs": 0, "taux_positif": 0.0, "taux_reponse": 0.5}

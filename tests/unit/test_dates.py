"""Calendar arithmetic (CONTRACT §4, reference/domain.md §3.0): month shifts clamp, ages are completed years."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from parcours.dates import (
    JOURS_PAR_MOIS,
    add_months,
    age_revolu,
    contrat_durable,
    echeance_suivi,
    fenetre_suivi,
)


@pytest.mark.parametrize(
    ("depart", "mois", "attendu"),
    [
        (date(2024, 3, 15), 1, date(2024, 4, 15)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 8, 31), 6, date(2025, 2, 28)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),
        (date(2024, 3, 31), 1, date(2024, 4, 30)),
        (date(2024, 4, 30), 1, date(2024, 5, 30)),  # no "last day stays last day"
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2024, 11, 30), 3, date(2025, 2, 28)),
        (date(2024, 12, 15), 1, date(2025, 1, 15)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2025, 1, 31), -13, date(2023, 12, 31)),
        (date(2024, 5, 31), 0, date(2024, 5, 31)),
        (date(1900, 1, 31), 1, date(1900, 2, 28)),  # 1900 is not a leap year
        (date(2000, 1, 31), 1, date(2000, 2, 29)),  # 2000 is
    ],
)
def test_add_months_clamps_to_the_last_day_of_the_target_month(depart: date, mois: int, attendu: date) -> None:
    assert add_months(depart, mois) == attendu


@pytest.mark.parametrize(
    ("naissance", "jour", "age"),
    [
        (date(1990, 3, 10), date(2024, 3, 9), 33),
        (date(1990, 3, 10), date(2024, 3, 10), 34),
        (date(1990, 12, 31), date(2025, 1, 1), 34),
        (date(2008, 2, 29), date(2024, 2, 28), 15),
        (date(2008, 2, 29), date(2024, 2, 29), 16),  # a leap year: the birthday exists
        (date(2008, 2, 29), date(2025, 2, 28), 16),
        (date(2008, 2, 29), date(2025, 3, 1), 17),  # a common year: the birthday is on 1 March
        (date(2000, 2, 29), date(2026, 2, 28), 25),
        (date(2000, 2, 29), date(2026, 3, 1), 26),
        (date(2024, 6, 1), date(2024, 6, 1), 0),
    ],
)
def test_age_is_counted_in_completed_years(naissance: date, jour: date, age: int) -> None:
    assert age_revolu(naissance, jour) == age


@pytest.mark.parametrize(
    "debut",
    [date(2024, 12, 1), date(2024, 8, 31), date(2023, 8, 31), date(2024, 1, 15), date(2024, 3, 31)],
)
def test_a_fixed_term_contract_ending_six_months_less_a_day_after_its_start_is_durable(debut: date) -> None:
    limite = add_months(debut, 6) - timedelta(days=1)
    assert contrat_durable(debut, limite)
    assert contrat_durable(debut, limite + timedelta(days=1))
    assert not contrat_durable(debut, limite - timedelta(days=1))


def test_the_durable_boundary_follows_month_end_clamping() -> None:
    assert contrat_durable(date(2024, 12, 1), date(2025, 5, 31))
    assert not contrat_durable(date(2024, 12, 1), date(2025, 5, 30))
    assert contrat_durable(date(2024, 8, 31), date(2025, 2, 27))  # 31 Aug + 6 months = 28 Feb 2025
    assert not contrat_durable(date(2024, 8, 31), date(2025, 2, 26))
    assert contrat_durable(date(2023, 8, 31), date(2024, 2, 28))  # … = 29 Feb 2024
    assert not contrat_durable(date(2023, 8, 31), date(2024, 2, 27))


def test_a_contract_without_planned_end_is_not_a_durable_fixed_term_one() -> None:
    assert not contrat_durable(date(2024, 1, 1), None)


def test_the_six_month_follow_up_falls_due_six_calendar_months_after_the_exit() -> None:
    assert echeance_suivi(date(2024, 8, 31)) == date(2025, 2, 28)
    assert echeance_suivi(date(2023, 8, 31)) == date(2024, 2, 29)
    assert echeance_suivi(date(2024, 3, 15)) == date(2024, 9, 15)


def test_the_follow_up_window_runs_from_15_days_before_to_45_days_after_the_due_date() -> None:
    assert fenetre_suivi(date(2024, 8, 31)) == (date(2025, 2, 13), date(2025, 4, 14))
    assert fenetre_suivi(date(2023, 8, 31)) == (date(2024, 2, 14), date(2024, 4, 14))


def test_a_mean_month_is_365_25_days_over_12() -> None:
    assert JOURS_PAR_MOIS * 12 == 365.25


@pytest.mark.parametrize("mois", [1, 3, 12, 60, 84, 120])
def test_a_day_shifted_to_at_most_h_is_at_most_the_day_after_h_shifted_back(mois: int) -> None:
    # The prefilter of the retention queries: add_months(d, m) <= H implies d <= add_months(H + 1 day, -m).
    # Checked at the tightest H (the bound grows with H), for every day of four years around two leap days.
    jour = date(2022, 12, 1)
    while jour < date(2027, 1, 1):
        echeance = add_months(jour, mois)
        assert jour <= add_months(echeance + timedelta(days=1), -mois), (jour, mois)
        jour += timedelta(days=1)

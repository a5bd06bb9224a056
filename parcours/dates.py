"""Calendar arithmetic of the pathway rules and indicators: month shifts, ages, durable contracts.

CONTRACT §4 and reference/domain.md §3.0. Imports nothing outside the standard library.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

JOURS_PAR_MOIS = 30.4375
"""Mean month length used to turn durations in days into months (CONTRACT §5)."""


def add_months(jour: date, mois: int) -> date:
    """Shift by whole months, clamping to the target month's last day (31 Aug + 6 → 28/29 Feb)."""
    index = jour.year * 12 + (jour.month - 1) + mois
    annee, mois_cible = divmod(index, 12)
    dernier = calendar.monthrange(annee, mois_cible + 1)[1]
    return date(annee, mois_cible + 1, min(jour.day, dernier))


def age_revolu(naissance: date, jour: date) -> int:
    """Age in completed years on `jour`; someone born on 29 February has their birthday on 1 March."""
    age = jour.year - naissance.year
    if (jour.month, jour.day) < (naissance.month, naissance.day):
        age -= 1
    return age


def contrat_durable(debut: date, fin_prevue: date | None) -> bool:
    """A fixed-term contract is durable when planned for at least six calendar months."""
    return fin_prevue is not None and fin_prevue >= add_months(debut, 6) - timedelta(days=1)


def echeance_suivi(sortie: date) -> date:
    """The 6-month follow-up of an exit falls due six calendar months after it."""
    return add_months(sortie, 6)


def fenetre_suivi(sortie: date) -> tuple[date, date]:
    """A follow-up is recorded between 15 days before and 45 days after its due date."""
    due = echeance_suivi(sortie)
    return due - timedelta(days=15), due + timedelta(days=45)

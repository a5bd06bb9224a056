"""Calendar arithmetic of the pathway rules and indicators: month shifts, ages, durable contracts.

CONTRACT §4 and reference/domain.md §3.0. Imports nothing outside the standard library.
"""

from __future__ import annotations

import calendar
import os
from datetime import date, timedelta
from zoneinfo import ZoneInfo

FUSEAU = ZoneInfo("Europe/Paris")
"""The pathways' time zone: a recording time becomes a French calendar day (reports « vu au », pages, exports)."""

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


SEUIL_EMPLOI_DURABLE = {
    False: "6 mois ou plus (date de fin prévue ≥ début + 6 mois − 1 jour)",
    True: "plus de 6 mois (date de fin prévue ≥ début + 6 mois ; PARCOURS_EMPLOI_DURABLE_STRICT=1)",
}
"""How each threshold of « emploi durable » is stated in every table that counts lasting jobs (CONTRACT §10)."""


def emploi_durable_strict() -> bool:
    """`PARCOURS_EMPLOI_DURABLE_STRICT=1`: lasting-job counts use the annex's « plus de 6 mois » (CONTRACT §10)."""
    return os.environ.get("PARCOURS_EMPLOI_DURABLE_STRICT", "").strip().lower() in ("1", "true", "oui", "yes")


def contrat_durable(debut: date, fin_prevue: date | None, strict: bool = False) -> bool:
    """A fixed-term contract is durable when planned for at least six calendar months (CONTRACT §4), or,
    `strict`, for more than six months: the annex's « plus de 6 mois » (CONTRACT §10)."""
    if fin_prevue is None:
        return False
    limite = add_months(debut, 6)
    return fin_prevue >= (limite if strict else limite - timedelta(days=1))


def echeance_suivi(sortie: date) -> date:
    """The 6-month follow-up of an exit falls due six calendar months after it."""
    return add_months(sortie, 6)


def fenetre_suivi(sortie: date) -> tuple[date, date]:
    """A follow-up is recorded between 15 days before and 45 days after its due date."""
    due = echeance_suivi(sortie)
    return due - timedelta(days=15), due + timedelta(days=45)

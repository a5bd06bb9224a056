"""`PARCOURS_TABLEAU_FRAICHEUR`: minutes between 0 and a day; anything else stops the start with a French message."""

from __future__ import annotations

from datetime import timedelta

import pytest

from web.config import ConfigurationError, fraicheur_du_tableau


@pytest.mark.parametrize(("texte", "duree"), [("10", timedelta(minutes=10)), ("0", timedelta(0)), ("2.5", timedelta(seconds=150)),
                                               ("1440", timedelta(days=1))])
def test_a_number_of_minutes_between_zero_and_a_day_is_taken(texte: str, duree: timedelta) -> None:
    assert fraicheur_du_tableau(texte) == duree


@pytest.mark.parametrize("texte", ["dix", "-1", "1441", "", "nan"])
def test_anything_else_is_refused_in_french(texte: str) -> None:
    with pytest.raises(ConfigurationError, match=f"PARCOURS_TABLEAU_FRAICHEUR : « {texte} » n'est pas un nombre de minutes entre 0 et 1440"):
        fraicheur_du_tableau(texte)

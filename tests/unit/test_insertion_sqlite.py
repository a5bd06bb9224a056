"""`projections.lecture.inserer` on SQLite writes exactly the text SQLAlchemy's own INSERT writes."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from projections import tables as t
from projections.lecture import inserer

PARIS_EN_ETE = timezone(timedelta(hours=2))


class Horodatage(datetime):
    """A datetime subclass: not the plain type the fast path expects."""


def _lignes_d_etape() -> list[dict]:
    instants = [
        datetime(2026, 11, 1, 9, 30, tzinfo=timezone.utc),
        datetime(2026, 11, 1, 9, 30, 0, 1, tzinfo=timezone.utc),
        datetime(2026, 7, 14, 23, 59, 59, 999_999, tzinfo=PARIS_EN_ETE),
        datetime(2026, 3, 5, 8, 0),
        datetime(1, 1, 1, tzinfo=timezone.utc),
        datetime(999, 12, 31, 23, 59, 59),
        datetime(9999, 12, 31, 23, 59, 59, 999_999),
        Horodatage(2025, 1, 2, 3, 4, 5, 6),
    ]
    jours = [date(2026, 11, 1), date(1, 1, 1), date(999, 1, 9), date(9999, 12, 31), datetime(2026, 2, 3, 4, 5)]
    donnees = [{}, [], {"a": 1, "b": [1.5, None, True], "é": "ü"}, ["x", {"y": None}], {"niveau": "A1", "n": 0}]
    lignes = []
    for rang, instant in enumerate(instants):
        lignes.append({
            "position": rang, "step_id": f"s{rang}", "parcours_id": "p", "type": "cir_signe",
            "occurred_on": jours[rang % len(jours)], "operateur": "ofii", "agent": "a", "enregistre_le": instant,
            "donnees": donnees[rang % len(donnees)], "liens": donnees[(rang + 1) % len(donnees)],
            "drapeaux": donnees[(rang + 2) % len(donnees)], "cible_step_id": None, "annulee_par": None,
        })
    return lignes


def _lignes_de_fait() -> list[dict]:
    return [
        {"step_id": f"s{rang}", "parcours_id": "p", "type": "t", "occurred_on": jour, "operateur": "o", "pos_debut": rang,
         "rec_debut": instant, "pos_fin": None, "rec_fin": fin, "code": None, "code2": None, "date_a": jour, "date_b": None,
         "nombre_a": nombre, "nombre_b": None, "booleen": booleen, "texte": None, "texte2": None, "niveau_oral": 2,
         "niveau_ecrit": None, "lien": None}
        for rang, (jour, instant, fin, nombre, booleen) in enumerate([
            (date(2026, 1, 31), datetime(2026, 1, 31, 12, tzinfo=timezone.utc), None, 12, True),
            (date(2024, 2, 29), datetime(2024, 2, 29, 0, 0, 0, 5), datetime(2024, 3, 1, tzinfo=PARIS_EN_ETE), 1.25, False),
            (date(1, 1, 1), Horodatage(2023, 5, 6, 7, 8, 9), datetime(1, 1, 1), None, None),
        ])
    ]


@pytest.mark.parametrize(("table", "lignes"), [(t.etape, _lignes_d_etape()), (t.fait, _lignes_de_fait())])
def test_inserting_rows_writes_the_same_text_as_sqlalchemys_insert(table: sa.Table, lignes: list[dict]) -> None:
    engine = sa.create_engine("sqlite://")
    textes = []
    for ecrire in (lambda connexion: connexion.execute(table.insert(), lignes), lambda connexion: inserer(connexion, table, lignes)):
        with engine.begin() as connexion:
            table.drop(connexion, checkfirst=True)
            table.create(connexion)
            ecrire(connexion)
            textes.append(connexion.exec_driver_sql(f"SELECT * FROM {table.name} ORDER BY rowid").all())
    sqlalchemy_, inserer_ = textes
    assert inserer_ == sqlalchemy_
    assert len(inserer_) == len(lignes)

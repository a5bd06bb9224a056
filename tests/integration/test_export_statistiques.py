"""The anonymised statistics export on demo data: safe tables, metadata, nothing written when unsafe."""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from projections import protection
from projections.export_statistiques import TABLEAUX, cohorte, dimensions_de, exporter
from projections.protection import ProtectionImpossibleError, proteger
from tests.unit.protection.test_protection import audit_independant
from web.config import Reglages, construire_services
from web.demonstration import enregistrer_territoire


@pytest.fixture
def services(reglages: Reglages):
    services = construire_services(reglages)
    enregistrer_territoire(services.parcours, 300, 4, instant=datetime(2026, 11, 1, tzinfo=timezone.utc))
    services.rattraper()
    yield services
    services.fermer()


def test_the_export_publishes_only_safe_cells_with_statuses_and_metadata(services, tmp_path: Path) -> None:
    metadonnees = exporter(services.lectures, date(2023, 1, 1), date(2026, 10, 31), tmp_path / "export", k=11)
    with (tmp_path / "export" / "statistiques.csv").open(encoding="utf-8") as flux:
        lignes = list(csv.DictReader(flux))
    assert {ligne["tableau"] for ligne in lignes} == set(TABLEAUX)
    for ligne in lignes:
        assert ligne["statut"] in {"V", "A", "D", "Z"}
        if ligne["n"]:
            assert int(ligne["n"]) == 0 or int(ligne["n"]) >= 11
        assert (ligne["n"] == "") == (ligne["statut"] in ("A", "D"))
    assert metadonnees["regles"]["seuil_k"] == 11 and metadonnees["personnes"] > 0
    assert json.loads((tmp_path / "export" / "metadonnees.json").read_text())["position_journal"] == metadonnees["position_journal"]
    # The same pattern passes an audit written independently of the engine.
    personnes, _ = cohorte(services.lectures, date(2023, 1, 1), date(2026, 10, 31))
    dimensions = dimensions_de(personnes)
    table = proteger(dimensions, Counter(personnes), formules=list(TABLEAUX.values()))
    audit_independant(dimensions, Counter(personnes), table)


def test_when_protection_fails_nothing_is_written(services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Echec:
        status, x, message = 2, None, "infaisable"

    monkeypatch.setattr(protection, "milp", lambda *a, **k: Echec())
    with pytest.raises(ProtectionImpossibleError):
        exporter(services.lectures, date(2023, 1, 1), date(2026, 10, 31), tmp_path / "export")
    assert not (tmp_path / "export").exists()

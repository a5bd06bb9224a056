"""The hardening tests' application: the scenario loaded on each backend (SQLite files, a throwaway PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from parcours.chiffrement import nouvelle_cle_maitre
from tests.conftest import base_postgres_jetable, enregistrer_operateurs
from tests.scenario import scenario
from web.app import create_app
from web.config import Reglages
from web.saisie.importation import LigneBrute, importer


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def app_deux_bases(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator:
    urls = [None] if request.param == "sqlite" else base_postgres_jetable()
    for url in urls:
        reglages = Reglages(tmp_path / "i", url, "secret", nouvelle_cle_maitre(), cookie_securise=False)
        app = create_app({"REGLAGES": reglages, "TESTING": True})
        services = app.extensions["parcours"]
        enregistrer_operateurs(services.parcours)
        importer(services.parcours, [LigneBrute(n, e) for n, e in enumerate(scenario(), start=1)])
        services.rattraper()
        yield app
        services.fermer()



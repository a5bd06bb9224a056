"""The hardening tests' application: the scenario loaded on each backend (SQLite files, a throwaway PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import BASES, Magasins, scenario_enregistre
from web.app import create_app


@pytest.fixture(params=BASES)
def app_deux_bases(request: pytest.FixtureRequest, magasins: Magasins, tmp_path: Path) -> Iterator:
    with magasins.copie(request.param, tmp_path / "i", scenario_enregistre, cookie_securise=False) as reglages:
        app = create_app({"REGLAGES": reglages, "TESTING": True})
        services = app.extensions["parcours"]
        yield app
        services.fermer()



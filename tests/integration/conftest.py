"""Fixtures of the integration tests: the scenario recorded and projected, on each backend."""

from __future__ import annotations

import pytest

from tests.conftest import enregistrer_operateurs
from tests.scenario import scenario
from web.config import Reglages, construire_services
from web.saisie.importation import LigneBrute, importer


@pytest.fixture
def services(reglages: Reglages):
    """Services on an empty store of this backend, with the scenario's steps recorded and projected."""
    services = construire_services(reglages)
    enregistrer_operateurs(services.parcours)
    importer(services.parcours, [LigneBrute(n, e) for n, e in enumerate(scenario(), start=1)])
    services.rattraper()
    yield services
    services.fermer()

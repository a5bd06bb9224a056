"""Fixtures of the integration tests, on each backend: the scenario recorded and projected, or an empty store
with the scenario's operators."""

from __future__ import annotations

import pytest

from tests.conftest import enregistrer_operateurs
from web.config import Reglages, construire_parcours, construire_services


@pytest.fixture
def services(reglages_du_scenario: Reglages):
    """Services on a store of this backend holding the scenario's steps, recorded and projected."""
    services = construire_services(reglages_du_scenario)
    yield services
    services.fermer()


@pytest.fixture
def parcours(reglages: Reglages):
    """The application service on an empty store of this backend, the scenario's operators registered."""
    parcours = construire_parcours(reglages)
    enregistrer_operateurs(parcours)
    yield parcours
    parcours.close()

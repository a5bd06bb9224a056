"""Fixtures of the integration tests: the scenario recorded and projected, on each backend."""

from __future__ import annotations

import pytest

from web.config import Reglages, construire_services


@pytest.fixture
def services(reglages_du_scenario: Reglages):
    """Services on a store of this backend holding the scenario's steps, recorded and projected."""
    services = construire_services(reglages_du_scenario)
    yield services
    services.fermer()

"""Fixtures shared by every test layer: stores on both backends, the operators of the scenario."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from parcours.chiffrement import nouvelle_cle_maitre
from parcours.commandes import EnregistrerOperateur
from parcours.vocabulaire import TypeOperateur
from tests.scenario import OPERATEURS
from web.config import Reglages

POSTGRES = os.environ.get("PARCOURS_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
CHROMIUM = Path("/usr/bin/chromium")
EN_CI = os.environ.get("CI", "").lower() in ("true", "1", "yes")
MANQUES: dict[str, str] = {}
"""What this machine lacks for some tests (marker → what to install), found once per test process."""


def _postgres_joignable() -> bool:
    try:
        with psycopg.connect(f"{POSTGRES}/postgres", connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip, outside CI only, the tests whose server or browser this machine lacks; under CI they are required.

    The fresh-clone test runs under CI=true or `make test-clone` only, and never inside the clone it made.
    """
    if not (EN_CI or os.environ.get("PARCOURS_TEST_CLONE")) or os.environ.get("PARCOURS_DANS_UN_CLONE"):
        gardes = [item for item in items if not item.get_closest_marker("clone_neuf")]
        if len(gardes) < len(items):
            config.hook.pytest_deselected(items=[item for item in items if item.get_closest_marker("clone_neuf")])
            items[:] = gardes
    for item in items:
        if "tests/browser/" in item.nodeid:
            item.add_marker(pytest.mark.navigateur)
    besoins = {marque for item in items for marque in ("postgres", "navigateur") if item.get_closest_marker(marque)}
    if "postgres" in besoins and not _postgres_joignable():
        MANQUES["postgres"] = (
            f"PostgreSQL injoignable ({POSTGRES}) : installez-le (apt-get install postgresql) "
            "ou indiquez-en un dans PARCOURS_TEST_POSTGRES"
        )
    if "navigateur" in besoins and not CHROMIUM.exists():
        MANQUES["navigateur"] = f"{CHROMIUM} introuvable : installez le paquet Debian chromium (apt-get install chromium)"
    if not MANQUES:
        return
    if EN_CI:
        raise pytest.UsageError("CI=true : ces tests sont exigés. " + " ; ".join(MANQUES.values()))
    for item in items:
        for marque, raison in MANQUES.items():
            if item.get_closest_marker(marque):
                item.add_marker(pytest.mark.skip(reason=raison))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    ignores = len(terminalreporter.stats.get("skipped", []))
    if ignores and not EN_CI:
        raisons = sorted({rapport.longrepr[2].removeprefix("Skipped: ") for rapport in terminalreporter.stats["skipped"]
                          if isinstance(rapport.longrepr, tuple)})
        terminalreporter.write_line(f"{ignores} tests ignorés faute de : " + " ; ".join(raisons), yellow=True)


def base_postgres_jetable() -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    nom = f"parcours_test_{uuid.uuid4().hex[:12]}"
    yield f"{POSTGRES}/{nom}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connexion:
        connexion.execute(f'DROP DATABASE IF EXISTS "{nom}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def reglages(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Reglages]:
    """Settings of an empty store: embedded SQLite files, or a throwaway PostgreSQL database."""
    if request.param == "sqlite":
        yield Reglages(tmp_path / "instance", None, "secret-de-test", nouvelle_cle_maitre())
        return
    for url in base_postgres_jetable():
        yield Reglages(tmp_path / "instance", url, "secret-de-test", nouvelle_cle_maitre())


def enregistrer_operateurs(parcours) -> None:  # noqa: ANN001
    for identifiant, type_, departement, nom in OPERATEURS:
        parcours.enregistrer_operateur(EnregistrerOperateur(identifiant, TypeOperateur(type_), departement, nom))

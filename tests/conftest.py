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

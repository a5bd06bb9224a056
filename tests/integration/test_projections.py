"""The read-model runner on SQLite and PostgreSQL: migrations, exactly-once across crashes, rebuilds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from projections import tables as t
from projections.lecture import ProjectionLecture
from projections.runner import position, rattraper, reconstruire
from tests.conftest import enregistrer_operateurs
from tests.scenario import scenario
from web.config import Reglages, construire_services, creer_base_postgres
from web.importation import LigneBrute, importer

RACINE = Path(__file__).resolve().parents[2]


@pytest.fixture
def services(reglages: Reglages):
    services = construire_services(reglages)
    enregistrer_operateurs(services.parcours)
    importer(services.parcours, [LigneBrute(n, e) for n, e in enumerate(scenario(), start=1)])
    yield services
    services.fermer()


def contenu(engine: sa.Engine) -> dict[str, list[tuple]]:
    """Every read-model row, in a stable order, without surrogate keys."""
    with engine.connect() as connexion:
        resultat = {}
        for table in t.metadata.sorted_tables:
            colonnes = [c for c in table.columns if c.name != "id" or table is not t.fait]
            lignes = connexion.execute(sa.select(*colonnes)).all()
            resultat[table.name] = sorted((tuple(map(str, ligne)) for ligne in lignes))
        return resultat


def test_migrations_create_exactly_the_projection_tables(reglages: Reglages) -> None:
    if reglages.postgres:
        creer_base_postgres(reglages)
    config = Config(str(RACINE / "alembic.ini"))
    config.attributes["url"] = reglages.url_lectures()
    command.upgrade(config, "head")
    command.check(config)
    command.downgrade(config, "base")
    command.upgrade(config, "head")


def test_catching_up_applies_every_step_once_and_is_idempotent(services) -> None:
    assert services.rattraper() > 0
    avant = contenu(services.lectures)
    assert services.rattraper() == 0
    assert contenu(services.lectures) == avant
    assert len(avant["etape"]) == len(scenario())


def test_a_rebuild_gives_exactly_the_rows_of_the_incremental_path(services) -> None:
    importer(services.parcours, [LigneBrute(1, scenario()[0])])
    rattraper(services.parcours, services.lectures, taille_lot=3)  # incremental: small batches
    incremental = contenu(services.lectures)
    reconstruire(services.parcours, services.lectures)
    assert contenu(services.lectures) == incremental


class _PanneAuDeuxiemeLot(ProjectionLecture):
    """Applies the first batch, then dies halfway through the second, mid-transaction."""

    def __init__(self) -> None:
        self.lots = 0

    def appliquer(self, connexion, evenements):  # noqa: ANN001
        self.lots += 1
        if self.lots == 1:
            return super().appliquer(connexion, evenements)
        super().appliquer(connexion, evenements[: len(evenements) // 2])
        raise RuntimeError("panne simulée au milieu du lot")


def _vider(services) -> None:  # noqa: ANN001
    with services.lectures.begin() as connexion:
        ProjectionLecture().vider(connexion)
        connexion.execute(t.suivi_projection.delete())


def test_a_batch_interrupted_midway_leaves_nothing_and_the_runner_resumes_exactly_once(services) -> None:
    rattraper(services.parcours, services.lectures, taille_lot=10)
    attendu, fin = contenu(services.lectures), position(services.lectures)
    _vider(services)

    with pytest.raises(RuntimeError, match="panne simulée"):
        rattraper(services.parcours, services.lectures, _PanneAuDeuxiemeLot(), taille_lot=10)
    apres_panne = contenu(services.lectures)
    assert 0 < position(services.lectures) < fin
    assert len(apres_panne["etape"]) == 10 - len(apres_panne["operateur"])  # the first batch only, whole

    rattraper(services.parcours, services.lectures, taille_lot=10)
    assert position(services.lectures) == fin
    assert contenu(services.lectures) == attendu


@pytest.mark.slow
def test_a_runner_killed_with_sigkill_resumes_without_losing_or_repeating_an_event(services, reglages: Reglages) -> None:
    rattraper(services.parcours, services.lectures)
    attendu = contenu(services.lectures)
    _vider(services)
    lent = textwrap.dedent(
        f"""
        import time
        from projections.lecture import ProjectionLecture
        from projections.runner import rattraper
        from web.config import Reglages, construire_services, creer_base_postgres
        from pathlib import Path

        class Lente(ProjectionLecture):
            def appliquer(self, connexion, evenements):
                super().appliquer(connexion, evenements)
                time.sleep(0.05)

        services = construire_services(Reglages(Path({str(reglages.dossier_donnees)!r}), {reglages.url_base!r}, None, {reglages.cle_maitre!r}))
        print("pret", flush=True)
        rattraper(services.parcours, services.lectures, Lente(), taille_lot=3)
        """
    )
    processus = subprocess.Popen(
        [sys.executable, "-c", lent], cwd=RACINE, stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(RACINE)}
    )
    assert processus.stdout is not None and processus.stdout.readline().strip() == b"pret"
    limite = time.monotonic() + 30
    while position(services.lectures) == 0 and time.monotonic() < limite:  # let it commit a few batches
        time.sleep(0.05)
    time.sleep(0.1)
    processus.send_signal(signal.SIGKILL)
    processus.wait()
    processus.stdout.close()
    interrompu = position(services.lectures)
    assert 0 < interrompu
    rattraper(services.parcours, services.lectures, taille_lot=3)
    assert contenu(services.lectures) == attendu

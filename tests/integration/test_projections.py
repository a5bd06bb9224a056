"""The read-model runner on SQLite and PostgreSQL: migrations, exactly-once across crashes, rebuilds."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from unittest import mock
from uuid import uuid4

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

from projections import tables as t
from projections.identites import coffre_de, ouvrir_etapes
from projections.lecture import ProjectionLecture
from projections import runner
from projections.runner import position, rattraper, reconstruire, revision_de_tete
from tests.conftest import scenario_enregistre
from tests.scenario import scenario
from web.config import Reglages, construire_services, creer_base_postgres
from web.saisie.importation import LigneBrute, importer
from web.saisie.schemas import lire_etape

RACINE = Path(__file__).resolve().parents[2]


@pytest.fixture
def services(reglages: Reglages):
    services = construire_services(reglages)
    scenario_enregistre(services)  # recorded, not projected: the tests below project it
    yield services
    services.fermer()


def contenu(engine: sa.Engine) -> dict[str, list[tuple]]:
    """Every read-model row, in a stable order, without surrogate keys; sealed identity opened (each sealing draws
    a fresh nonce, so the same identity is sealed differently by two passes)."""
    with engine.connect() as connexion:
        resultat = {}
        coffre = coffre_de(connexion)
        for table in t.metadata.sorted_tables:
            colonnes = [c for c in table.columns if c.name != "id" or table is not t.fait]
            lignes = ouvrir_etapes(connexion, connexion.execute(sa.select(*colonnes)).mappings())
            if table is t.personne:
                lignes = [{**ligne, "identite": coffre.ouvrir(ligne["parcours_id"], ligne["identite"])} for ligne in lignes]
            resultat[table.name] = sorted((tuple(map(str, ligne.values())) for ligne in lignes))
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


def test_a_store_one_migration_behind_is_upgraded_when_it_opens_and_one_at_the_head_is_left_as_it_is(reglages: Reglages) -> None:
    construire_services(reglages).fermer()
    config = Config(str(RACINE / "alembic.ini"))
    config.attributes["url"] = reglages.url_lectures()
    command.downgrade(config, "-1")
    services = construire_services(reglages)
    with services.lectures.connect() as connexion:
        assert MigrationContext.configure(connexion).get_current_revision() == revision_de_tete()
        assert sa.inspect(connexion).get_indexes("fait")  # the secondary indexes are there after the upgrade
    services.fermer()
    with mock.patch("alembic.command.upgrade") as upgrade:
        construire_services(reglages).fermer()
    upgrade.assert_not_called()


def test_the_secondary_indexes_a_killed_rebuild_left_missing_are_created_again_when_the_store_opens(reglages: Reglages) -> None:
    construire_services(reglages).fermer()
    lectures = sa.create_engine(reglages.url_lectures())
    index = next(iter(t.fait.indexes))
    with lectures.begin() as connexion:
        index.drop(connexion)
    construire_services(reglages).fermer()
    with lectures.connect() as connexion:
        assert index.name in {i["name"] for i in sa.inspect(connexion).get_indexes("fait")}
    lectures.dispose()


def _statistiques_de_fait(engine: sa.Engine) -> float:
    """SQLite: rows of sqlite_stat1 for `fait`; PostgreSQL: the row count the last ANALYZE estimated."""
    with engine.connect() as connexion:
        if engine.dialect.name == "sqlite":
            return connexion.exec_driver_sql("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'fait'").scalar()
        return connexion.exec_driver_sql("SELECT reltuples FROM pg_class WHERE oid = 'fait'::regclass").scalar()


def test_a_catch_up_of_many_events_refreshes_the_planners_statistics_and_a_small_one_does_not(services, monkeypatch) -> None:
    sqlite = services.lectures.dialect.name == "sqlite"

    def tout_rattraper_a_nouveau() -> int:
        with services.lectures.begin() as connexion:
            runner.remettre_a_zero(connexion, ProjectionLecture())
            if sqlite:
                connexion.exec_driver_sql("DELETE FROM sqlite_stat1")
        return rattraper(services.parcours, services.lectures, taille_lot=5)

    monkeypatch.setattr(runner, "SEUIL_DES_STATISTIQUES", 10**6)
    assert tout_rattraper_a_nouveau() > 0
    if sqlite:  # PostgreSQL's autovacuum may analyze on its own: only SQLite shows that nothing was run
        assert _statistiques_de_fait(services.lectures) == 0
    monkeypatch.setattr(runner, "SEUIL_DES_STATISTIQUES", len(scenario()))
    assert tout_rattraper_a_nouveau() >= len(scenario())
    assert _statistiques_de_fait(services.lectures) > 0


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


class _Comptage(ProjectionLecture):
    """Counts the events it applies; optionally slow, and tells when its first batch has begun."""

    def __init__(self, pause: float = 0.0) -> None:
        self.appliques = 0
        self.pause = pause
        self.commence = threading.Event()

    def appliquer(self, connexion, evenements):  # noqa: ANN001
        self.commence.set()
        time.sleep(self.pause)
        self.appliques += len(evenements)
        return super().appliquer(connexion, evenements)


def _nouveau_parcours(nombre_situations: int) -> list[dict]:
    parcours_id = str(uuid4())
    personne = {"parcours_id": parcours_id}
    premiere = {
        "step_id": str(uuid4()), "type": "personne_enregistree", "occurred_on": "2025-01-15", "operateur": "ofii-dt-paris",
        "agent": "a", "personne": personne,
        "data": {"nom": "Essai", "prenom": "Rattrapage", "date_naissance": "1990-01-01", "sexe": "F", "nationalite": "AFG", "departement": "75"},
    }
    situations = [
        {"step_id": str(uuid4()), "type": "situation_logement", "occurred_on": "2025-01-15", "operateur": "ofii-dt-paris",
         "agent": "a", "personne": personne, "data": {"situation": "DNA"}}
        for _ in range(nombre_situations)
    ]
    return [premiere, *situations]


def test_a_runner_that_needs_only_an_applied_position_reads_nothing_and_applies_nothing(services) -> None:
    rattraper(services.parcours, services.lectures)
    fin = position(services.lectures)
    comptage = _Comptage()
    assert rattraper(services.parcours, services.lectures, comptage, jusqua=fin) == 0
    assert comptage.appliques == 0 and not comptage.commence.is_set()


def test_a_runner_queued_behind_another_finds_its_step_applied_and_applies_nothing_twice(services) -> None:
    fin = services.parcours.recorder.max_notification_id()
    devant, derriere = _Comptage(pause=0.5), _Comptage()
    resultats: dict[str, int] = {}
    premier = threading.Thread(target=lambda: resultats.update(devant=rattraper(services.parcours, services.lectures, devant)))
    premier.start()
    assert devant.commence.wait(10)  # it holds the tracking row now, until its batch commits
    second = threading.Thread(
        target=lambda: resultats.update(derriere=rattraper(services.parcours, services.lectures, derriere, jusqua=fin))
    )
    second.start()
    second.join(0.2)
    assert second.is_alive(), "the second runner should wait for the first one's commit"
    premier.join()
    second.join()
    assert resultats == {"devant": devant.appliques, "derriere": 0} and derriere.appliques == 0
    assert position(services.lectures) == fin
    incremental = contenu(services.lectures)
    reconstruire(services.parcours, services.lectures)
    assert contenu(services.lectures) == incremental


def test_concurrent_writers_each_see_their_own_step_and_every_event_is_applied_exactly_once(services, reglages: Reglages) -> None:
    rattraper(services.parcours, services.lectures)
    erreurs: list[str] = []
    depart = threading.Barrier(4)

    def ecrivain() -> None:
        processus = construire_services(reglages, migrer_lectures=False)  # one web worker: its own pools
        try:
            depart.wait()
            for brut in _nouveau_parcours(4) + _nouveau_parcours(4):
                resultat = processus.parcours.enregistrer_etape(lire_etape(brut))
                processus.rattraper(jusqua=resultat.position)
                with processus.lectures.connect() as connexion:
                    lue = connexion.execute(sa.select(t.etape.c.position).where(t.etape.c.step_id == brut["step_id"])).scalar()
                if lue != resultat.position:
                    erreurs.append(f"{brut['step_id']} : position lue {lue}, écrite {resultat.position}")
        except Exception as erreur:  # noqa: BLE001
            erreurs.append(repr(erreur))
        finally:
            processus.fermer()

    fils = [threading.Thread(target=ecrivain) for _ in range(4)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join()
    assert erreurs == []
    assert services.rattraper() == 0
    incremental = contenu(services.lectures)
    assert len(incremental["etape"]) == len(scenario()) + 4 * 10
    reconstruire(services.parcours, services.lectures)
    assert contenu(services.lectures) == incremental


def test_the_garbage_collector_paused_for_a_batch_runs_again_after_it_even_when_the_batch_fails(services) -> None:
    vu_pendant: list[bool] = []

    class _Observee(ProjectionLecture):
        def appliquer(self, connexion, evenements):  # noqa: ANN001
            vu_pendant.append(gc.isenabled())
            super().appliquer(connexion, evenements)

    rattraper(services.parcours, services.lectures, _Observee())
    assert vu_pendant and not any(vu_pendant)
    assert gc.isenabled()
    _vider(services)
    with pytest.raises(RuntimeError):
        rattraper(services.parcours, services.lectures, _PanneAuDeuxiemeLot(), taille_lot=3)
    assert gc.isenabled()

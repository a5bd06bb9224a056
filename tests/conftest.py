"""Fixtures shared by every test layer: stores on both backends, the operators of the scenario."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import uuid
from base64 import b64encode
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import psycopg
import pytest
from argon2 import PasswordHasher

from parcours.chiffrement import nouvelle_cle_maitre
from parcours.commandes import EnregistrerOperateur
from parcours.vocabulaire import TypeOperateur
from tests.scenario import OPERATEURS, scenario
from web.config import Reglages, Services, construire_services
from web.demo.chargement import enregistrer_territoire
from web.saisie.importation import LigneBrute, importer

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
    # The long modules first: `pytest -n 2 --dist loadscope --no-loadscope-reorder` (make test) hands out modules
    # in this order, and a long one handed out last would keep one worker busy alone at the end.
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
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


def _suppression(nom: str) -> str:
    """The statement dropping database `nom`, its sessions closed by force (a test may leave some open)."""
    return f'DROP DATABASE IF EXISTS "{nom}" WITH (FORCE)'


def _supprimer_base(nom: str) -> None:
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connexion:
        connexion.execute(_suppression(nom))


MOT_DE_PASSE = "Mot-de-passe-solide-2026"
EMPREINTE = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(MOT_DE_PASSE)
"""The test accounts' password and its Argon2id hash, light: a login checks it through `web.securite` as any hash
(the cost is read from the hash) in under a millisecond, where the production cost takes about 0.15 s and the
suite logs in hundreds of times. Accounts created through the pages or the CLI keep the production cost."""

BASES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
"""The two backends, as the `params` of a fixture (PostgreSQL marked, so that it is skipped or required)."""

SECRET = "secret-de-test"
EXECUTION = uuid.uuid4().hex[:12]
"""This run of the suite, shared by its `pytest -n` workers (`pytest_configure`): it names the template stores."""
CLE_MAITRE = nouvelle_cle_maitre()
"""The master key of every store copied from `Magasins` in this run (its epoch keys are wrapped with it)."""


def pytest_configure(config: pytest.Config) -> None:
    """The workers of one `pytest -n` run share its id (xdist's `testrunuid`, which the controller sets here) and
    derive the same master key from it, so that each template store is built once for the whole run."""
    global EXECUTION, CLE_MAITRE
    if hasattr(config, "workerinput"):
        EXECUTION = config.workerinput["testrunuid"][:12]
        CLE_MAITRE = b64encode(hashlib.sha256(f"parcours-tests-{EXECUTION}".encode()).digest()).decode()
    elif config.pluginmanager.hasplugin("xdist"):
        config.option.testrunuid = EXECUTION


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The run's template databases, dropped once every worker is done with them (by the controller under `-n`)."""
    if hasattr(session.config, "workerinput") or "postgres" in MANQUES:
        return
    try:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=3) as connexion:
            bases = connexion.execute("SELECT datname FROM pg_database WHERE datname LIKE %s",
                                      (f"parcours_modele_{EXECUTION}_%",)).fetchall()
            for (base,) in bases:
                connexion.execute(_suppression(base))
    except psycopg.OperationalError:
        pass  # no PostgreSQL on this machine: no template database was made


Remplissage = Callable[[Services], object]
"""What a template store holds besides its schema: a function of the services, named (its `__name__` keys the template)."""


class Magasins:
    """Template stores, built once per run of the suite and copied for each test that needs one.

    Migrating the read models of a new store costs 0.4 s on SQLite and 0.7 s on PostgreSQL; copying a
    migrated one costs a millisecond for SQLite's files and 0.1–0.3 s for `CREATE DATABASE … TEMPLATE`, spent
    waiting on PostgreSQL's disk: `_CopiesPostgres` makes those copies ahead and drops them behind, in a thread.
    Each copy is an ordinary store: `construire_services` finds it at the latest revision and goes on. The tests
    of the migrations themselves start from nothing (`projections.runner.migrer` on a new URL).

    The workers of `pytest -n` share the templates (folders under `racine`, databases named after `EXECUTION`):
    the first worker to need one builds it under a file lock, the others wait for it and copy it.
    """

    def __init__(self, racine: Path) -> None:
        self.racine = racine
        self._modeles: dict[tuple[str, str], tuple[Path, str | None]] = {}
        self._copies_postgres = _CopiesPostgres()

    def _modele(self, backend: str, remplir: Remplissage | None) -> tuple[Path, str | None]:
        """The template folder (and PostgreSQL database) of `backend`, filled by `remplir` once."""
        cle = (backend, remplir.__name__ if remplir else "")
        if cle not in self._modeles:
            nom = f"{backend}-{cle[1] or 'vide'}"
            dossier = self.racine / f"modele-{nom}"
            base = f"parcours_modele_{EXECUTION}_{cle[1] or 'vide'}" if backend == "postgres" else None
            with (self.racine / f"modele-{nom}.verrou").open("w") as verrou:
                fcntl.flock(verrou, fcntl.LOCK_EX)  # released when the file closes, by the process's end at worst
                pret = self.racine / f"modele-{nom}.pret"
                if not pret.exists():  # not built by another worker of this run
                    shutil.rmtree(dossier, ignore_errors=True)  # what a worker that failed half-way left
                    if base is not None:
                        _supprimer_base(base)
                    services = construire_services(Reglages(dossier, base and f"{POSTGRES}/{base}", SECRET, CLE_MAITRE))
                    try:
                        if remplir is not None:
                            remplir(services)
                            services.rattraper()
                    finally:
                        services.fermer()
                    pret.touch()
            self._modeles[cle] = (dossier, base)
        return self._modeles[cle]

    def sqlite(self, dossier: Path, remplir: Remplissage | None = None, **options: Any) -> Reglages:
        """A copy of the SQLite store in `dossier`: empty, or as `remplir` left it (options: those of `Reglages`)."""
        modele, _ = self._modele("sqlite", remplir)
        shutil.copytree(modele, dossier)
        return _reglages(dossier, None, options)

    @contextmanager
    def postgres(self, dossier: Path, remplir: Remplissage | None = None, **options: Any) -> Iterator[Reglages]:
        """A copy of the PostgreSQL store, as a new database dropped on leaving."""
        modele, base_modele = self._modele("postgres", remplir)
        shutil.copytree(modele, dossier)
        nom = self._copies_postgres.prendre(base_modele)
        try:
            yield _reglages(dossier, f"{POSTGRES}/{nom}", options)
        finally:
            self._copies_postgres.rendre(nom)

    @contextmanager
    def copie(self, backend: str, dossier: Path, remplir: Remplissage | None = None, **options: Any) -> Iterator[Reglages]:
        """A copy of the store of `backend` ("sqlite" or "postgres"), empty or filled by `remplir`."""
        if backend == "sqlite":
            yield self.sqlite(dossier, remplir, **options)
        else:
            with self.postgres(dossier, remplir, **options) as reglages:
                yield reglages

    def fermer(self) -> None:
        """Drop this process's copies; the templates are dropped at the end of the run (`pytest_sessionfinish`)."""
        self._copies_postgres.fermer()


class _CopiesPostgres:
    """Copies of PostgreSQL template databases, each made by a thread while the previous one is in use, and
    dropped by it once returned: `CREATE DATABASE` and `DROP DATABASE` wait on the server's disk (fsync), which
    this test process need not watch. One thread, so each copy is made and dropped in the order asked."""

    def __init__(self) -> None:
        self._fil = ThreadPoolExecutor(max_workers=1, thread_name_prefix="copies-postgres")
        self._suivantes: dict[str, Future[str]] = {}
        self._connexion: psycopg.Connection | None = None

    def _executer(self, ordre: str) -> None:
        if self._connexion is None:
            self._connexion = psycopg.connect(f"{POSTGRES}/postgres", autocommit=True)
        self._connexion.execute(ordre)

    def _copier(self, modele: str) -> str:
        nom = f"parcours_test_{uuid.uuid4().hex[:12]}"
        self._executer(f'CREATE DATABASE "{nom}" TEMPLATE "{modele}"')
        return nom

    def prendre(self, modele: str) -> str:
        """A new database copied from `modele`, for the caller alone (made ahead when `modele` was copied before)."""
        suivante = self._suivantes.pop(modele, None) or self._fil.submit(self._copier, modele)
        nom = suivante.result()
        self._suivantes[modele] = self._fil.submit(self._copier, modele)
        return nom

    def rendre(self, nom: str) -> None:
        """Drop `nom` behind the caller."""
        self._fil.submit(self._executer, _suppression(nom))

    def fermer(self) -> None:
        """Drop the copies made ahead and wait for every drop: the templates may then be dropped."""
        for suivante in self._suivantes.values():
            self.rendre(suivante.result())
        self._suivantes.clear()
        self._fil.shutdown(wait=True)
        if self._connexion is not None:
            self._connexion.close()


def _reglages(dossier: Path, url: str | None, options: dict[str, Any]) -> Reglages:
    return Reglages(dossier, url, options.pop("cle_secrete", SECRET), CLE_MAITRE, **options)


@pytest.fixture(scope="session")
def magasins(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Magasins]:
    """The template stores of this run, to copy (`magasins.sqlite(dossier)`, `magasins.copie(backend, dossier)`)."""
    racine = tmp_path_factory.getbasetemp()
    if hasattr(request.config, "workerinput"):
        racine = racine.parent  # the run's folder, above each worker's own (`popen-gw0`…)
    modeles = Magasins(racine / f"magasins-{EXECUTION}")
    modeles.racine.mkdir(exist_ok=True)
    yield modeles
    modeles.fermer()


def enregistrer_operateurs(parcours) -> None:  # noqa: ANN001
    for identifiant, type_, departement, nom in OPERATEURS:
        parcours.enregistrer_operateur(EnregistrerOperateur(identifiant, TypeOperateur(type_), departement, nom))


def operateurs_du_scenario(services: Services) -> None:
    """The scenario's operators only (a template content of `Magasins`)."""
    enregistrer_operateurs(services.parcours)


def scenario_enregistre(services: Services) -> None:
    """The scenario's operators and steps, every line accepted (a template content of `Magasins`)."""
    enregistrer_operateurs(services.parcours)
    rapport = importer(services.parcours, [LigneBrute(n, e) for n, e in enumerate(scenario(), start=1)])
    assert rapport.rejetees == 0, rapport


INSTANT_DE_LA_DEMONSTRATION = datetime(2026, 11, 1, tzinfo=timezone.utc)


def territoire_de_demonstration(services: Services) -> None:
    """300 people of the demo generator (seed 4, generated on 2026-11-01) with its operators (a template content)."""
    rapport = enregistrer_territoire(services.parcours, 300, 4, instant=INSTANT_DE_LA_DEMONSTRATION)
    assert rapport.rejets == [], rapport.rejets[:3]


def copie_sur_chaque_base(nom: str, remplir: Remplissage | None, doc: str) -> Any:
    """The fixture `nom`: on each backend, the settings of a copy of this process's template filled by `remplir`."""

    def copie(request: pytest.FixtureRequest, magasins: Magasins, tmp_path: Path) -> Iterator[Reglages]:
        with magasins.copie(request.param, tmp_path / "instance", remplir) as reglages:
            yield reglages

    copie.__doc__ = doc
    return pytest.fixture(params=BASES, name=nom)(copie)


reglages = copie_sur_chaque_base("reglages", None, "Settings of an empty store: embedded SQLite files, or a throwaway PostgreSQL database.")
reglages_du_scenario = copie_sur_chaque_base("reglages_du_scenario", scenario_enregistre, "Settings of a store holding the scenario, recorded and projected.")
reglages_de_demonstration = copie_sur_chaque_base("reglages_de_demonstration", territoire_de_demonstration,
                                                   "Settings of a store holding the demo territory, recorded and projected.")

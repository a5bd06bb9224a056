"""The pull-based projection runner: read the log after the tracked position, apply, commit both.

Each batch of events and the new tracking position are written in one transaction, so a runner
killed mid-batch leaves nothing half-applied and resumes where the last commit stopped. Concurrent
runners (several web processes catching up after their writes) queue on the tracking row, locked
for the transaction (`SELECT … FOR UPDATE` on PostgreSQL, `BEGIN IMMEDIATE` on SQLite): the first
applies everything committed so far, and those behind it that only need their own event find it
applied and return without reading the log. The position is still advanced with a compare-and-set,
so a runner that did not take the lock can never apply a batch twice.
Must not import flask or `web`.
"""

from __future__ import annotations

import functools
import logging
import select
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from parcours import ramasse_miettes
from parcours.application import Parcours
from parcours.groupement import Regroupement
from projections import tables as t
from projections.identites import associer
from projections.lecture import ProjectionLecture

journal = logging.getLogger("parcours.projections")

TAILLE_LOT = 2000
TAILLE_LOT_RECONSTRUCTION = 50_000
"""A rebuild commits less often: the same guarantees, fewer fsyncs."""


def moteur(url: str) -> sa.Engine:
    """A SQLAlchemy engine for the read models; SQLite in WAL mode with a generous lock timeout."""
    if url.startswith("sqlite"):
        # hide_parameters: a failing statement's message never carries its values (names, birth dates) to a log.
        engine = sa.create_engine(url, connect_args={"timeout": 30}, hide_parameters=True)

        @sa.event.listens_for(engine, "connect")
        def _reglages_sqlite(connexion: Any, _: Any) -> None:
            curseur = connexion.cursor()
            curseur.execute("PRAGMA journal_mode=WAL")
            curseur.execute("PRAGMA synchronous=NORMAL")
            # Deleted rows (an erased person) are overwritten, not left in free pages.
            curseur.execute("PRAGMA secure_delete=ON")
            curseur.close()

        return engine
    engine = sa.create_engine(url, hide_parameters=True)

    @sa.event.listens_for(engine, "checkout")
    def _verifier_connexion(connexion: Any, _enregistrement: Any, _mandataire: Any) -> None:
        # Instead of SQLAlchemy's pre-ping (a round trip on every check-out, an eighth of an API step's CPU):
        # an idle connection the server closed (restart, idle timeout) has its socket readable at EOF.
        # SQLAlchemy then discards it and checks out another.
        if connexion.closed or select.select([connexion.fileno()], [], [], 0)[0]:
            raise sa.exc.DisconnectionError("connexion fermée par le serveur")

    return engine


def _configuration_alembic(url: str | None = None) -> Any:
    from alembic.config import Config

    racine = Path(__file__).resolve().parents[1]
    config = Config(str(racine / "alembic.ini"))
    config.set_main_option("script_location", str(racine / "migrations"))
    config.attributes["url"] = url
    return config


@functools.cache
def revision_de_tete() -> str:
    """The latest revision of the read models' migrations (read once per process)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_configuration_alembic()).get_current_head()


def migrer(url: str, engine: sa.Engine | None = None) -> None:
    """Create or upgrade the read-model tables with Alembic (idempotent).

    With the store's `engine`, a store already at the latest revision is left as it is after one query:
    every process start and every test store opens here, and Alembic's environment compiles each
    migration script each time it runs."""
    if engine is not None:
        from alembic.runtime.migration import MigrationContext

        with engine.connect() as connexion:
            if MigrationContext.configure(connexion).get_current_revision() == revision_de_tete():
                return
    from alembic import command

    command.upgrade(_configuration_alembic(url), "head")
    if engine is not None:
        # Alembic migrated on its own connection: SQLite's pooled ones would still read the schema of before.
        engine.dispose()


class _PositionDejaAvancee(Exception):
    """Another runner committed this batch first."""


# Built once: they run after every write (SQLAlchemy then skips rebuilding and hashing them).
_POSITION = sa.select(t.suivi_projection.c.position).where(t.suivi_projection.c.nom == sa.bindparam("nom"))
_POSITION_VERROUILLEE = _POSITION.with_for_update()
_AVANCER = (
    t.suivi_projection.update()
    .where(t.suivi_projection.c.nom == sa.bindparam("projection"), t.suivi_projection.c.position == sa.bindparam("depart"))
    .values(position=sa.bindparam("arrivee"))
)


def position(source: sa.Engine | sa.Connection, nom: str = ProjectionLecture.nom) -> int:
    """The tracked position, read on `source` (a connection already checked out, or a new one of the engine)."""
    if isinstance(source, sa.Connection):
        return source.execute(_POSITION, {"nom": nom}).scalar() or 0
    with connexion_de_lecture(source) as connexion:
        return connexion.execute(_POSITION, {"nom": nom}).scalar() or 0


def connexion_de_lecture(engine: sa.Engine) -> sa.Connection:
    """A connection whose statements each see the latest commit, without holding a transaction open.

    PostgreSQL: autocommit (no BEGIN/ROLLBACK round trips). SQLite: the driver already runs a SELECT
    outside any transaction, and switching its isolation level would cost a PRAGMA per check-out.
    """
    connexion = engine.connect()
    if engine.dialect.name == "postgresql":
        return connexion.execution_options(isolation_level="AUTOCOMMIT")
    return connexion


def rattraper(
    parcours: Parcours,
    engine: sa.Engine,
    projection: ProjectionLecture | None = None,
    taille_lot: int = TAILLE_LOT,
    progression: Callable[[int], None] | None = None,
    jusqua: int | None = None,
) -> int:
    """Apply every event recorded after the tracked position; returns how many were applied.

    `jusqua`: the caller only needs the read models to include this log position (read-your-writes
    after its own write); it returns as soon as they do, whoever applied it.
    """
    appliques = _rattraper(parcours, engine, projection or ProjectionLecture(), taille_lot, progression, jusqua)[0]
    if appliques >= SEUIL_DES_STATISTIQUES:
        rafraichir_statistiques(engine, approchees=True)
    return appliques


SEUIL_DES_STATISTIQUES = 50_000
"""A catch-up that applies this many events (an import, a first start on a large log) refreshes the planner's
statistics: an SQLite store filled step by step has none until someone runs ANALYZE, and picks its indexes blind."""


def rafraichir_statistiques(engine: sa.Engine, approchees: bool = False) -> None:
    """ANALYZE the read models; `approchees`: on SQLite, from a sample of each index, as `PRAGMA optimize` does
    (0.01 s instead of 1.4 s at 100,000 people)."""
    echantillon = approchees and engine.dialect.name == "sqlite"
    with engine.begin() as connexion:
        if echantillon:
            connexion.exec_driver_sql("PRAGMA analysis_limit=1000")
        try:
            connexion.exec_driver_sql("ANALYZE")
        finally:
            if echantillon:
                connexion.exec_driver_sql("PRAGMA analysis_limit=0")  # the pooled connection keeps its pragmas


def _rattraper(
    parcours: Parcours,
    engine: sa.Engine,
    projection: ProjectionLecture,
    taille_lot: int,
    progression: Callable[[int], None] | None,
    jusqua: int | None,
    ecriture: sa.Connection | None = None,
    regarder_d_abord: bool = True,
) -> tuple[int, int]:
    """`rattraper`, also returning a position the read models include once it returns.

    `ecriture`: a connection without a transaction, to hold the tracking row on (else one of `engine`'s).
    `regarder_d_abord`: with `jusqua`, look at the position before queueing for the tracking row.
    """
    associer(engine, parcours.coffre)  # the projection seals identity with the keys of this log
    if jusqua is not None and regarder_d_abord:
        deja = position(engine, projection.nom)
        if deja >= jusqua:
            return 0, deja
    applique = 0
    isoler = False
    while True:
        try:
            with _verrou_de_suivi(ecriture or engine) as connexion:
                depart = _position_suivie(connexion, projection.nom, verrouiller=True)
                if jusqua is not None and depart >= jusqua:
                    return applique, depart
                # Read the end of the log once the row is ours: everything up to it is committed (commit
                # order = id order), so the position may jump over events of other topics without missing any.
                fin = parcours.recorder.max_notification_id() or 0
                if fin <= depart:
                    return applique, depart
                notifications = parcours.recorder.select_notifications(
                    start=depart, limit=taille_lot, stop=fin, topics=projection.topics, inclusive_of_start=False
                )
                complet = len(notifications) == taille_lot
                arrivee = notifications[-1].id if complet else fin
                _avancer(connexion, projection.nom, depart, arrivee)
                # The collector paused: a fifth of a rebuild's time at 10,000 people (20.8 → 16.8 s).
                with ramasse_miettes.en_pause():
                    if notifications and isoler:
                        _appliquer_un_par_un(connexion, parcours, projection, notifications)
                    elif notifications:
                        evenements = parcours.mapper.to_domain_events(notifications)
                        projection.appliquer(connexion, [(n.id, e) for n, e in zip(notifications, evenements)])
        except _PositionDejaAvancee:
            continue
        except ERREURS_D_UN_EVENEMENT as erreur:
            if isoler or _connexion_perdue(erreur):
                raise
            # The batch was rolled back whole: replay it event by event, setting aside the one that fails.
            isoler = True
            continue
        isoler = False
        applique += len(notifications)
        if progression is not None:
            progression(len(notifications))
        if not complet:
            return applique, arrivee


ERREURS_D_UN_EVENEMENT = (sa.exc.DataError, sa.exc.IntegrityError, ValueError, TypeError, LookupError, AttributeError)
"""What one event's content can make a projection raise (a NUL PostgreSQL refuses, a value out of range…),
as opposed to the database being unreachable or locked, which must stop the catch-up and be retried."""


def _connexion_perdue(erreur: BaseException) -> bool:
    return isinstance(erreur, sa.exc.DBAPIError) and erreur.connection_invalidated


def _appliquer_un_par_un(connexion: sa.Connection, parcours: Parcours, projection: ProjectionLecture, notifications: Sequence[Any]) -> None:
    """Apply each event in its own savepoint; one that fails is set aside (`evenement_ecarte`) and the others go on."""
    for notification in notifications:
        try:
            with connexion.begin_nested():
                projection.appliquer(connexion, [(notification.id, parcours.mapper.to_domain_event(notification))])
        except ERREURS_D_UN_EVENEMENT as erreur:
            if _connexion_perdue(erreur):
                raise
            _ecarter(connexion, projection.nom, notification.id, notification.topic, erreur)


def _ecarter(connexion: sa.Connection, nom: str, position: int, topic: str, erreur: BaseException) -> None:
    # The error's class only: its message may quote the values (a name, a birth date) of the statement.
    cause = getattr(erreur, "orig", None) or erreur
    classe = f"{type(erreur).__name__}/{type(cause).__name__}" if cause is not erreur else type(erreur).__name__
    inserer = postgresql.insert if connexion.dialect.name == "postgresql" else sqlite.insert
    connexion.execute(
        inserer(t.evenement_ecarte)
        .values(projection=nom, position=position, topic=topic[:200], erreur=classe[:200], le=datetime.now(timezone.utc))
        .on_conflict_do_nothing()
    )
    journal.error("Projection %s : événement %d (%s) écarté, non appliqué (%s).", nom, position, topic.rsplit(":", 1)[-1], classe)


def evenements_ecartes(engine: sa.Engine, nom: str = ProjectionLecture.nom) -> list[dict[str, Any]]:
    """The events a projection set aside: position, kind, error class, when (no value of the event)."""
    with engine.connect() as connexion:
        return [dict(ligne) for ligne in connexion.execute(
            sa.select(t.evenement_ecarte).where(t.evenement_ecarte.c.projection == nom).order_by(t.evenement_ecarte.c.position)
        ).mappings()]


class RattrapageGroupe:
    """A process's catch-ups after its writes, grouped (`Regroupement`): while one request thread applies
    the log, the others queue, and a group whose events the one before applied returns without a query.

    Without it each of a worker's concurrent requests queues on the tracking row in turn, paying a
    transaction to find that the one before it already applied its event.
    """

    def __init__(self, parcours: Parcours, engine: sa.Engine, projection: ProjectionLecture | None = None) -> None:
        self.parcours = parcours
        self.engine = engine
        self.projection = projection or ProjectionLecture()
        self._groupes: Regroupement[int, None] = Regroupement(self._rattraper_groupe)
        self._atteinte = 0
        """A log position the read models are known to include (written by the applying thread only)."""
        # The applying thread's own connection, kept between catch-ups: no pool check-out per request, and
        # none to wait for while the pool is lent to the requests that wait for this very catch-up.
        self._connexion: sa.Connection | None = None

    def jusqua(self, position_ecrite: int) -> None:
        """Return once the read models include `position_ecrite`, applying the log if nobody else is."""
        if position_ecrite > self._atteinte:
            self._groupes.demander(position_ecrite)

    def _rattraper_groupe(self, positions: Sequence[int]) -> list[None]:
        cible = max(positions)
        if cible > self._atteinte:
            try:
                try:
                    atteinte = self._appliquer(cible)
                except sa.exc.DBAPIError as erreur:
                    if not erreur.connection_invalidated:
                        raise
                    # The database closed our kept connections (restart, failover): once more on new ones.
                    self._fermer_connexion()
                    atteinte = self._appliquer(cible)
            except BaseException:
                self._fermer_connexion()  # in an unknown state: the next catch-up opens new ones
                raise
            self._atteinte = max(self._atteinte, atteinte)
        return [None] * len(positions)

    def _appliquer(self, position_ecrite: int) -> int:
        if self._connexion is None:
            self._connexion = self.engine.connect()
        # Straight to the tracking row, without looking at the position first: measured under load, another
        # process had applied the group's steps before it looked in 2 catch-ups out of 2,000, but in one out
        # of five by the time it held the row (which the lock tells anyway).
        return _rattraper(
            self.parcours, self.engine, self.projection, TAILLE_LOT, None, position_ecrite, self._connexion,
            regarder_d_abord=False,
        )[1]

    def fermer(self) -> None:
        self._fermer_connexion()

    def _fermer_connexion(self) -> None:
        connexion, self._connexion = self._connexion, None
        if connexion is not None:
            try:
                connexion.close()
            except Exception:  # noqa: BLE001 -- a broken connection is discarded all the same
                connexion.invalidate()


@contextmanager
def _verrou_de_suivi(source: sa.Engine | sa.Connection) -> Iterator[sa.Connection]:
    """A transaction that will hold the tracking row until it ends (SQLite: the whole database's write lock),
    on a connection of the engine or on one the caller keeps."""
    if isinstance(source, sa.Engine):
        with source.connect() as connexion, _verrou_de_suivi(connexion):
            yield connexion
        return
    if source.dialect.name == "sqlite":
        source.exec_driver_sql("BEGIN IMMEDIATE")
    try:
        yield source
    except BaseException:
        source.rollback()
        raise
    source.commit()


def reconstruire(
    parcours: Parcours,
    engine: sa.Engine,
    projection: ProjectionLecture | None = None,
    taille_lot: int = TAILLE_LOT_RECONSTRUCTION,
    progression: Callable[[int], None] | None = None,
) -> int:
    """Empty every read model and replay the whole log.

    Secondary indexes are dropped during the replay and built once at the end (bulk loading is
    several times faster that way); they are rebuilt even if the replay fails, and `assurer_index`
    restores any that a killed process left missing.
    """
    projection = projection or ProjectionLecture()
    with engine.begin() as connexion:
        remettre_a_zero(connexion, projection)
        for index in _INDEX_SUPPRIMES_PENDANT_LA_RECONSTRUCTION:
            index.drop(connexion, checkfirst=True)
    # The collector paused across the batches, not batch by batch: between two, reading the next 50,000 events
    # triggered full collections (0.75 of the 17.5 s of a rebuild at 10,000 people), for a few hundred cyclic objects.
    with engine.connect() as ecriture, _reglages_de_reconstruction(ecriture), ramasse_miettes.en_pause_par_lots() as lot_fini:

        def lot_applique(evenements: int) -> None:
            lot_fini()
            if progression is not None:
                progression(evenements)

        try:
            appliques = _rattraper(parcours, engine, projection, taille_lot, lot_applique, None, ecriture=ecriture)[0]
        finally:
            assurer_index(ecriture)
    rafraichir_statistiques(engine)  # the whole read models are new: exact statistics
    return appliques


CACHE_DE_RECONSTRUCTION_KIO = 65_536
POINT_DE_CONTROLE_DE_RECONSTRUCTION = 100_000


@contextmanager
def _reglages_de_reconstruction(connexion: sa.Connection) -> Iterator[None]:
    """SQLite, on the rebuilding connection for the replay and the index builds: a 64 MiB page cache, and the WAL
    written back to the database every 100,000 pages (400 MiB) instead of 1,000; then its usual settings again
    and the WAL file truncated.

    Each batch inserts rows at random places of the indexes on UUIDs the replay keeps (`step_id`, `parcours_id`):
    with the default cache their pages are read back from the OS for each batch, and at 100,000 people each batch
    rewrites most of their pages. A page two batches rewrite between two write-backs reaches the database file
    once (rebuild at 100,000 people: 239 → 218 s). An index build sorts in the cache too."""
    if connexion.dialect.name != "sqlite":
        yield
        return
    cache = connexion.exec_driver_sql("PRAGMA cache_size").scalar()
    point = connexion.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
    connexion.exec_driver_sql(f"PRAGMA cache_size=-{CACHE_DE_RECONSTRUCTION_KIO}")
    connexion.exec_driver_sql(f"PRAGMA wal_autocheckpoint={POINT_DE_CONTROLE_DE_RECONSTRUCTION}")
    connexion.commit()
    try:
        yield
    finally:
        connexion.exec_driver_sql(f"PRAGMA cache_size={int(cache)}")
        connexion.exec_driver_sql(f"PRAGMA wal_autocheckpoint={int(point)}")
        connexion.commit()
        connexion.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        connexion.commit()


def remettre_a_zero(connexion: sa.Connection, projection: ProjectionLecture) -> None:
    """Empty the projection's read models, its tracked position and its set-aside events: the next catch-up
    applies the whole log again."""
    projection.vider(connexion)
    connexion.execute(t.suivi_projection.delete().where(t.suivi_projection.c.nom == projection.nom))
    connexion.execute(t.evenement_ecarte.delete().where(t.evenement_ecarte.c.projection == projection.nom))


_INDEX_SECONDAIRES = [index for table in (t.fait, t.etape, t.personne, t.implication) for index in sorted(table.indexes, key=lambda i: i.name)]
# The projection's own lookups (a correction's target, the versions to close, an erasure's rows, the answers a
# step awaits) must keep their index during a replay: without it each of them scans a table that grows with the log.
_INDEX_DE_LA_PROJECTION = {t.fait.c.step_id, t.fait.c.parcours_id, t.fait.c.lien, t.etape.c.cible_step_id, t.etape.c.parcours_id}
_INDEX_SUPPRIMES_PENDANT_LA_RECONSTRUCTION = [
    index for index in _INDEX_SECONDAIRES if not set(index.columns) & _INDEX_DE_LA_PROJECTION
]


def assurer_index(source: sa.Engine | sa.Connection) -> None:
    """Create the read models' secondary indexes that are missing (after an interrupted rebuild), on one of the
    engine's connections or on the caller's (which must not be in a transaction)."""
    if isinstance(source, sa.Engine):
        with source.connect() as connexion:
            assurer_index(connexion)
        return
    with source.begin():
        # The catalog read directly: SQLAlchemy's reflection of four tables' indexes costs 40 ms on PostgreSQL,
        # paid by every process that opens the store.
        catalogue = ("SELECT name FROM sqlite_master WHERE type = 'index'" if source.dialect.name == "sqlite"
                     else "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
        presents = set(source.exec_driver_sql(catalogue).scalars())
        for index in _INDEX_SECONDAIRES:
            if index.name not in presents:
                index.create(source)


def purger(engine: sa.Engine) -> None:
    """After an erasure: leave no copy of deleted rows in the WAL (SQLite) or in dead tuples (PostgreSQL)."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as connexion:
            connexion.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connexion:
        for table in (t.personne, t.etape, t.fait, t.implication):
            connexion.exec_driver_sql(f"VACUUM {table.name}")


def _position_suivie(connexion: sa.Connection, nom: str, verrouiller: bool = False) -> int:
    requete = _POSITION_VERROUILLEE if verrouiller else _POSITION
    position = connexion.execute(requete, {"nom": nom}).scalar()
    if position is not None:
        return position
    inserer = postgresql.insert if connexion.dialect.name == "postgresql" else sqlite.insert
    connexion.execute(inserer(t.suivi_projection).values(nom=nom, position=0).on_conflict_do_nothing())
    return connexion.execute(requete, {"nom": nom}).scalar_one()


def _avancer(connexion: sa.Connection, nom: str, depart: int, arrivee: int) -> None:
    resultat = connexion.execute(_AVANCER, {"projection": nom, "depart": depart, "arrivee": arrivee})
    if resultat.rowcount != 1:
        raise _PositionDejaAvancee

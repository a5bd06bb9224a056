"""Configuration from the environment, and the composition root that builds the services from it.

Every variable is listed in the README. Reads the environment only when asked (never at import).
Must not import flask: the CLI, the web app and the tests share it.
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlparse
from uuid import UUID

import sqlalchemy as sa

from parcours.application import Parcours
from parcours.commandes import EnregistrerEtape, EtapeEnregistree
from parcours.groupement import Regroupement
from parcours.chiffrement import nouvelle_cle_maitre
from projections.identites import associer
from projections.runner import RattrapageGroupe, assurer_index, connexion_de_lecture, migrer, moteur, purger, rattraper
from web.saisie.schemas import valider_champs_corriges

DOSSIER_PAR_DEFAUT = "instance"
VERROU_DEMARRAGE = 0x70617263
"""PostgreSQL advisory lock key held while a process creates or migrates the schema."""


class ConfigurationError(RuntimeError):
    pass


def _cookie_securise(environ: Mapping[str, str]) -> bool:
    """`Secure` unless explicitly turned off, and never off in production (`PARCOURS_ENV=production`)."""
    if environ.get("PARCOURS_ENV", "").lower() == "production":
        return True
    return environ.get("PARCOURS_COOKIE_SECURE", "1").lower() not in ("0", "false", "non", "no")


def fraicheur_du_tableau(minutes: str) -> timedelta:
    """`PARCOURS_TABLEAU_FRAICHEUR`: for how many minutes the dashboard may be served as counted earlier
    (`projections.tableaux_calcules`); 0 = counted again after every new step."""
    try:
        valeur = float(minutes)
    except ValueError:
        valeur = -1
    if not 0 <= valeur <= 24 * 60:
        raise ConfigurationError(f"PARCOURS_TABLEAU_FRAICHEUR : « {minutes} » n'est pas un nombre de minutes entre 0 et 1440.")
    return timedelta(minutes=valeur)


@dataclass(frozen=True)
class Reglages:
    dossier_donnees: Path
    url_base: str | None
    """`PARCOURS_DATABASE_URL`: None = embedded SQLite files in `dossier_donnees`."""
    cle_secrete: str | None
    cle_maitre: str | None
    production: bool = False
    """`PARCOURS_ENV=production`: refuse to start with a development secret."""
    cookie_securise: bool = True
    """Session cookie `Secure`. Production always; the development server (`parcours serve`) only when
    `PARCOURS_COOKIE_SECURE=1`, so that it works over http on any address of the machine."""
    cles_epoque: Path | None = None
    """`PARCOURS_EPOCH_KEYS_DIR`: where the epoch keys live, outside the database; None = `dossier_donnees/cles-epoque`."""

    @classmethod
    def depuis_environnement(cls, environ: Mapping[str, str] | None = None) -> Reglages:
        environ = os.environ if environ is None else environ
        return cls(
            dossier_donnees=Path(environ.get("PARCOURS_DATA_DIR") or DOSSIER_PAR_DEFAUT).resolve(),
            url_base=environ.get("PARCOURS_DATABASE_URL") or None,
            cle_secrete=environ.get("PARCOURS_SECRET_KEY") or None,
            cle_maitre=environ.get("PARCOURS_MASTER_KEY") or None,
            production=environ.get("PARCOURS_ENV", "").lower() == "production",
            cookie_securise=_cookie_securise(environ),
            cles_epoque=Path(environ["PARCOURS_EPOCH_KEYS_DIR"]).resolve() if environ.get("PARCOURS_EPOCH_KEYS_DIR") else None,
        )

    @property
    def postgres(self) -> bool:
        return self.url_base is not None

    @property
    def dossier_cles_epoque(self) -> Path:
        return self.cles_epoque or self.dossier_donnees / "cles-epoque"

    def env_evenements(self) -> dict[str, str]:
        """The eventsourcing settings of the event store."""
        if self.url_base is None:
            self.dossier_donnees.mkdir(parents=True, exist_ok=True)
            return {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": str(self.dossier_donnees / "evenements.sqlite"),
                "SQLITE_LOCK_TIMEOUT": "30",
                "TROUSSEAU_SQLITE_DBNAME": str(self.dossier_donnees / "cles.sqlite"),
                "CLES_EPOQUE_DIR": str(self.dossier_cles_epoque),
            }
        url = urlparse(self.url_base)
        if url.scheme not in ("postgresql", "postgres", "postgresql+psycopg"):
            raise ConfigurationError(f"PARCOURS_DATABASE_URL : schéma « {url.scheme} » non pris en charge (postgresql://…).")
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": url.path.lstrip("/") or "parcours",
            "POSTGRES_HOST": url.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(url.port or 5432),
            "POSTGRES_USER": unquote(url.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(url.password or ""),
            "POSTGRES_POOL_SIZE": "5",
            "POSTGRES_MAX_OVERFLOW": "10",
            "CLES_EPOQUE_DIR": str(self.dossier_cles_epoque),
        }

    def url_lectures(self) -> str:
        """SQLAlchemy URL of the read models (next to the events)."""
        if self.url_base is None:
            self.dossier_donnees.mkdir(parents=True, exist_ok=True)
            return f"sqlite:///{self.dossier_donnees / 'lectures.sqlite'}"
        url = urlparse(self.url_base)
        return url._replace(scheme="postgresql+psycopg").geturl()

    def cle_maitre_effective(self) -> str:
        """`PARCOURS_MASTER_KEY`, or (embedded development mode only) a key generated once in the data directory."""
        if self.cle_maitre:
            return self.cle_maitre
        if self.postgres or self.production:
            raise ConfigurationError("PARCOURS_MASTER_KEY est obligatoire en production et avec PostgreSQL (voir le README).")
        return self._secret_de_developpement("cle-maitre.txt", nouvelle_cle_maitre)

    def cle_secrete_effective(self) -> str:
        """`PARCOURS_SECRET_KEY`, or (development only) a random key kept in the data directory."""
        if self.cle_secrete:
            return self.cle_secrete
        if self.production:
            raise ConfigurationError("PARCOURS_SECRET_KEY est obligatoire en production (voir le README).")
        return self._secret_de_developpement("cle-secrete.txt", lambda: secrets.token_urlsafe(48))

    def _secret_de_developpement(self, nom: str, creer: Callable[[], str]) -> str:
        fichier = self.dossier_donnees / nom
        if not fichier.exists():
            self.dossier_donnees.mkdir(parents=True, exist_ok=True)
            fichier.write_text(creer() + "\n")
            fichier.chmod(0o600)
            print(f"Secret de développement créé dans {fichier} (à fournir par l'environnement en production).", file=sys.stderr)
        return fichier.read_text().strip()


def creer_base_postgres(reglages: Reglages) -> None:
    """Create the PostgreSQL database named in the URL if it does not exist yet."""
    import psycopg

    env = reglages.env_evenements()
    conninfo = dict(
        host=env["POSTGRES_HOST"], port=env["POSTGRES_PORT"], user=env["POSTGRES_USER"], password=env["POSTGRES_PASSWORD"]
    )
    with psycopg.connect(dbname="postgres", autocommit=True, **conninfo) as connexion:
        existe = connexion.execute("SELECT 1 FROM pg_database WHERE datname = %s", (env["POSTGRES_DBNAME"],)).fetchone()
        if not existe:
            connexion.execute(f'CREATE DATABASE "{env["POSTGRES_DBNAME"]}"')


@dataclass
class Services:
    """What a process needs: the application service and the read-model database."""

    parcours: Parcours
    lectures: sa.Engine

    def __post_init__(self) -> None:
        self.rattrapage = RattrapageGroupe(self.parcours, self.lectures)
        self._ecritures: Regroupement[EnregistrerEtape, EtapeEnregistree | Exception] = Regroupement(
            self._enregistrer_et_rattraper
        )

    def enregistrer_etape(self, commande: EnregistrerEtape) -> EtapeEnregistree:
        """Record one step and bring the read models up to it (read-your-writes); raise `ParcoursError`.

        Steps that this process's threads record at the same moment are saved in one transaction and
        caught up once (group commit): each is still accepted, a duplicate or rejected on its own.
        """
        resultat = self._ecritures.demander(commande)
        if isinstance(resultat, Exception):
            raise resultat
        return resultat

    def _enregistrer_et_rattraper(self, commandes: Sequence[EnregistrerEtape]) -> list[EtapeEnregistree | Exception]:
        resultats: list[EtapeEnregistree | Exception]
        try:
            resultats = list(self.parcours.enregistrer_ensemble(commandes))
        except Exception:
            if len(commandes) == 1:
                raise
            resultats = [self._seule(commande) for commande in commandes]  # one step's failure is not the others'
        enregistrees = [r for r in resultats if isinstance(r, EtapeEnregistree)]
        if any(r.position is None for r in enregistrees):
            self.rattraper()  # a duplicate: its original may have been recorded by another process just now
        elif enregistrees:
            self.rattrapage.jusqua(max(r.position for r in enregistrees if r.position is not None))
        return resultats

    def _seule(self, commande: EnregistrerEtape) -> EtapeEnregistree | Exception:
        try:
            return self.parcours.enregistrer_ensemble([commande])[0]
        except Exception as erreur:  # noqa: BLE001 -- handed to the request that sent this step
            return erreur

    def rattraper(self, progression: Callable[[int], None] | None = None, jusqua: int | None = None) -> int:
        """Bring every read model up to the log, or (`jusqua`) at least up to a position just written
        (grouped with this process's other catch-ups; returns 0 then)."""
        if jusqua is not None and progression is None:
            self.rattrapage.jusqua(jusqua)
            return 0
        return rattraper(self.parcours, self.lectures, progression=progression, jusqua=jusqua)

    def lire(self) -> sa.Connection:
        """A read-model connection without a transaction: each statement sees what is committed when it runs."""
        return connexion_de_lecture(self.lectures)

    def effacer_personne(self, parcours_id: UUID, motif: str, par: str, cause: str = "demande") -> None:
        """Erase a person and purge the read models' leftovers, so a copy of the files taken now holds nothing of them."""
        self.parcours.effacer_personne(parcours_id, motif, par, cause)
        self.rattraper()
        purger(self.lectures)

    def fermer(self) -> None:
        self.rattrapage.fermer()
        self.parcours.close()
        self.lectures.dispose()


def construire_services(reglages: Reglages, migrer_lectures: bool = True, **options: object) -> Services:
    """The composition root: event store, key store and read models, migrated to the latest schema."""
    with _un_processus_a_la_fois(reglages):
        parcours = construire_parcours(reglages, **options)
        url = reglages.url_lectures()
        lectures = moteur(url)
        associer(lectures, parcours.coffre)
        if migrer_lectures:
            migrer(url, lectures)
            assurer_index(lectures)
    return Services(parcours, lectures)


@contextmanager
def _un_processus_a_la_fois(reglages: Reglages) -> Iterator[None]:
    """Serialise the start-up DDL of processes booting together (gunicorn workers): on PostgreSQL,
    concurrent `CREATE OR REPLACE FUNCTION` of the event store fail with "tuple concurrently updated"."""
    if not reglages.postgres:
        yield
        return
    import psycopg

    creer_base_postgres(reglages)
    env = reglages.env_evenements()
    with psycopg.connect(
        dbname=env["POSTGRES_DBNAME"], host=env["POSTGRES_HOST"], port=env["POSTGRES_PORT"],
        user=env["POSTGRES_USER"], password=env["POSTGRES_PASSWORD"], autocommit=True,
    ) as connexion:
        connexion.execute("SELECT pg_advisory_lock(%s)", (VERROU_DEMARRAGE,))
        yield


def construire_parcours(reglages: Reglages, **options: object) -> Parcours:
    """The application service configured from the settings (one per process)."""
    if reglages.postgres:
        creer_base_postgres(reglages)
    return Parcours(
        reglages.env_evenements(),
        cle_maitre=reglages.cle_maitre_effective(),
        valider_champs=valider_champs_corriges,
        **options,  # type: ignore[arg-type]
    )

"""Per-person encryption of the event log (crypto-shredding) and keyed hashes for look-ups.

Every event of a person's stream is encrypted with that person's data key; data keys are wrapped
by the master key (`PARCOURS_MASTER_KEY`) and kept in a key store apart from the events. Destroying
a person's key makes their events unreadable: they decode as `DonneesEffacees` placeholders.
Numéros étrangers are only ever stored as keyed hashes. Imports only eventsourcing and the standard
library (the AES-GCM primitive is eventsourcing's own `AESCipher`).
"""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
import threading
from abc import ABC, abstractmethod
from base64 import b64decode, b64encode
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.cryptography import AESCipher
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder
from eventsourcing.utils import Environment

from parcours.erreurs import DonneesEffaceesError
from parcours.personne import PREFIXE_TOPIC

TAILLE_CLE = 32


class CleMaitreInvalideError(ValueError):
    pass


def nouvelle_cle_maitre() -> str:
    """A fresh master key, base64-encoded, for `PARCOURS_MASTER_KEY`."""
    return AESCipher.create_key(TAILLE_CLE)


def _chiffreur(cle: bytes) -> AESCipher:
    return AESCipher(Environment(env={AESCipher.CIPHER_KEY: b64encode(cle).decode()}))


class CleMaitre:
    """Wraps and unwraps data keys, and derives the keys of the keyed hashes."""

    def __init__(self, cle_b64: str) -> None:
        try:
            cle = b64decode(cle_b64, validate=True)
        except ValueError as erreur:
            raise CleMaitreInvalideError("PARCOURS_MASTER_KEY n'est pas du base64 valide.") from erreur
        if len(cle) != TAILLE_CLE:
            raise CleMaitreInvalideError("PARCOURS_MASTER_KEY doit coder 32 octets en base64.")
        self.base64 = cle_b64
        self._chiffreur = _chiffreur(cle)
        self._cle_empreintes = hmac.new(cle, b"parcours/empreintes", hashlib.sha256).digest()

    def envelopper(self, personne_id: UUID, cle: bytes) -> bytes:
        # The person's id is sealed with the key so a wrapped key cannot be swapped between people.
        return self._chiffreur.encrypt(personne_id.bytes + cle)

    def desenvelopper(self, personne_id: UUID, enveloppe: bytes) -> bytes:
        clair = self._chiffreur.decrypt(enveloppe)
        if clair[:16] != personne_id.bytes:
            raise ValueError(f"la clé enveloppée n'appartient pas à {personne_id}")
        return clair[16:]

    def empreinte(self, contexte: str, valeur: str) -> str:
        """A keyed hash: equal values match, but the value cannot be recovered nor guessed offline."""
        return hmac.new(self._cle_empreintes, f"{contexte}\x00{valeur}".encode(), hashlib.sha256).hexdigest()


class Trousseau(ABC):
    """The key store: one wrapped data key per person."""

    def __init__(self, cle_maitre: CleMaitre, taille_cache: int = 4096) -> None:
        self.cle_maitre = cle_maitre
        self._cache: OrderedDict[UUID, AESCipher] = OrderedDict()
        self._taille_cache = taille_cache
        self._verrou = threading.Lock()

    def chiffreur(self, personne_id: UUID, creer: bool = False) -> AESCipher | None:
        with self._verrou:
            chiffreur = self._cache.get(personne_id)
            if chiffreur is not None:
                self._cache.move_to_end(personne_id)
                return chiffreur
        # Keys are created when a person's first event is written, the only time the cache misses with
        # `creer`: insert straight away, and read only if a key was there already.
        if creer:
            enveloppe = self._inserer(personne_id, self.cle_maitre.envelopper(personne_id, AESCipher.random_bytes(TAILLE_CLE)))
        else:
            enveloppe = self._lire(personne_id)
            if enveloppe is None:
                return None
        chiffreur = _chiffreur(self.cle_maitre.desenvelopper(personne_id, enveloppe))
        with self._verrou:
            self._cache[personne_id] = chiffreur
            if len(self._cache) > self._taille_cache:
                self._cache.popitem(last=False)
        return chiffreur

    def detruire(self, personne_id: UUID) -> None:
        """Crypto-shred: the person's events can never be decrypted again."""
        with self._verrou:
            self._cache.pop(personne_id, None)
        self._supprimer(personne_id)

    @abstractmethod
    def _lire(self, personne_id: UUID) -> bytes | None: ...

    @abstractmethod
    def _inserer(self, personne_id: UUID, enveloppe: bytes) -> bytes:
        """Insert unless a key exists already (a concurrent writer may have won); returns the key kept."""

    @abstractmethod
    def _supprimer(self, personne_id: UUID) -> None: ...


class TrousseauMemoire(Trousseau):
    def __init__(self, cle_maitre: CleMaitre) -> None:
        super().__init__(cle_maitre)
        self._cles: dict[UUID, bytes] = {}

    def _lire(self, personne_id: UUID) -> bytes | None:
        return self._cles.get(personne_id)

    def _inserer(self, personne_id: UUID, enveloppe: bytes) -> bytes:
        return self._cles.setdefault(personne_id, enveloppe)

    def _supprimer(self, personne_id: UUID) -> None:
        self._cles.pop(personne_id, None)


class TrousseauSQLite(Trousseau):
    """Keys in their own SQLite file, with secure_delete so a destroyed key leaves no trace on disk."""

    def __init__(self, cle_maitre: CleMaitre, chemin: str | Path) -> None:
        super().__init__(cle_maitre)
        self._chemin = str(chemin)
        self._local = threading.local()
        with self._connexion() as connexion:
            connexion.execute(
                "CREATE TABLE IF NOT EXISTS cles_personnes (personne_id TEXT PRIMARY KEY, enveloppe BLOB NOT NULL)"
            )

    def _connexion(self) -> sqlite3.Connection:
        connexion = getattr(self._local, "connexion", None)
        if connexion is None:
            connexion = sqlite3.connect(self._chemin, timeout=30, isolation_level=None)
            connexion.execute("PRAGMA secure_delete=ON")
            connexion.execute("PRAGMA journal_mode=DELETE")
            self._local.connexion = connexion
        return connexion

    def _lire(self, personne_id: UUID) -> bytes | None:
        ligne = self._connexion().execute(
            "SELECT enveloppe FROM cles_personnes WHERE personne_id = ?", (personne_id.hex,)
        ).fetchone()
        return ligne[0] if ligne else None

    def _inserer(self, personne_id: UUID, enveloppe: bytes) -> bytes:
        curseur = self._connexion().execute(
            "INSERT OR IGNORE INTO cles_personnes (personne_id, enveloppe) VALUES (?, ?)", (personne_id.hex, enveloppe)
        )
        if curseur.rowcount == 1:
            return enveloppe
        existante = self._lire(personne_id)
        assert existante is not None
        return existante

    def _supprimer(self, personne_id: UUID) -> None:
        self._connexion().execute("DELETE FROM cles_personnes WHERE personne_id = ?", (personne_id.hex,))


class TrousseauPostgres(Trousseau):
    """Keys in their own table of the PostgreSQL database, through eventsourcing's datastore."""

    def __init__(self, cle_maitre: CleMaitre, datastore: Any) -> None:
        super().__init__(cle_maitre)
        self._datastore = datastore
        with datastore.transaction(commit=True) as curseur:
            curseur.execute(
                "CREATE TABLE IF NOT EXISTS parcours_cles_personnes "
                "(personne_id uuid PRIMARY KEY, enveloppe bytea NOT NULL)"
            )

    # Single statements on the datastore's autocommit connections: one round trip each, no BEGIN/COMMIT.
    def _lire(self, personne_id: UUID) -> bytes | None:
        with self._datastore.get_connection() as connexion:
            ligne = connexion.execute(
                "SELECT enveloppe FROM parcours_cles_personnes WHERE personne_id = %s", (personne_id,)
            ).fetchone()
        return bytes(ligne["enveloppe"]) if ligne else None

    def _inserer(self, personne_id: UUID, enveloppe: bytes) -> bytes:
        with self._datastore.get_connection() as connexion:
            inseree = connexion.execute(
                "INSERT INTO parcours_cles_personnes (personne_id, enveloppe) VALUES (%s, %s) ON CONFLICT DO NOTHING "
                "RETURNING personne_id",
                (personne_id, enveloppe),
            ).fetchone()
        if inseree is not None:
            return enveloppe
        existante = self._lire(personne_id)
        assert existante is not None
        return existante

    def _supprimer(self, personne_id: UUID) -> None:
        with self._datastore.get_connection() as connexion:
            connexion.execute("DELETE FROM parcours_cles_personnes WHERE personne_id = %s", (personne_id,))


@dataclass(frozen=True)
class DonneesEffacees:
    """Stands in for an event whose person was erased: only what the log keeps in clear."""

    originator_id: UUID
    originator_version: int
    topic: str
    timestamp: datetime | None = None

    def mutate(self, aggregate: Any) -> Any:
        raise DonneesEffaceesError(self.originator_id)


class MapperParPersonne(Mapper[UUID]):
    """Encrypts person events with the person's key; other events (indexes, operators) stay plain."""

    def __init__(self, transcoder: Transcoder, trousseau: Trousseau) -> None:
        super().__init__(transcoder=transcoder)
        self.trousseau = trousseau

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        stored = super().to_stored_event(domain_event)
        if not stored.topic.startswith(PREFIXE_TOPIC):
            return stored
        chiffreur = self.trousseau.chiffreur(stored.originator_id, creer=True)
        assert chiffreur is not None
        return StoredEvent(
            originator_id=stored.originator_id,
            originator_version=stored.originator_version,
            topic=stored.topic,
            state=chiffreur.encrypt(stored.state),
        )

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        if not stored_event.topic.startswith(PREFIXE_TOPIC):
            return super().to_domain_event(stored_event)
        originator_id = UUID(str(stored_event.originator_id))
        chiffreur = self.trousseau.chiffreur(originator_id)
        if chiffreur is None:
            return DonneesEffacees(originator_id, stored_event.originator_version, stored_event.topic)
        return super().to_domain_event(
            StoredEvent(
                originator_id=stored_event.originator_id,
                originator_version=stored_event.originator_version,
                topic=stored_event.topic,
                state=chiffreur.decrypt(stored_event.state),
            )
        )

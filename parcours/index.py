"""Small aggregates that make uniqueness part of the log: steps received, numéros étrangers, operators.

Each has a deterministic id (uuid5), so saving one that exists fails in the same transaction as the
person's events: a step_id or a numéro étranger can never be taken twice, even by concurrent writers.
They hold no personal data in clear (a person id, a keyed hash). Imports only eventsourcing and
`parcours`.
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event
from eventsourcing.utils import get_topic

from parcours.vocabulaire import TypeOperateur

ESPACE = uuid5(NAMESPACE_URL, "https://parcours.example/identifiants")


class EtapeRecue(Aggregate):
    """A step_id already recorded, with the fingerprint of its content and the pathway it went to."""

    TOPIC = "parcours.etape_recue"

    class Created(Aggregate.Created):
        TOPIC = "parcours.etape_recue.created"

    class Recue(Aggregate.Created):
        TOPIC = "parcours.etape_recue.recue"
        class_version = 1
        step_id: UUID
        parcours_id: UUID
        empreinte: str

    @event(Recue)
    def __init__(self, step_id: UUID, parcours_id: UUID, empreinte: str) -> None:
        self.step_id = step_id
        self.parcours_id = parcours_id
        self.empreinte = empreinte

    @staticmethod
    def create_id(step_id: UUID) -> UUID:
        return _id_d_etape_recue(step_id)

    @classmethod
    def recevoir(cls, step_id: UUID, parcours_id: UUID, empreinte: str) -> EtapeRecue.Recue:
        """The event `EtapeRecue(step_id=…, parcours_id=…, empreinte=…)` records, alone, to be saved with the step
        (`Parcours.save` takes it as the library's `save` takes events): a batch never reads the receipt back, and
        building the aggregate around it was 5 % of a bulk import."""
        return cls.Recue(
            originator_id=cls.create_id(step_id),
            originator_version=cls.INITIAL_VERSION,
            timestamp=cls.Recue.create_timestamp(),
            originator_topic=get_topic(cls),
            step_id=step_id,
            parcours_id=parcours_id,
            empreinte=empreinte,
        )


_IDS_D_ETAPES_RECUES: dict[UUID, UUID] = {}
IDS_D_ETAPES_RECUES_GARDES = 8192
"""The ids of a few import batches."""


def _id_d_etape_recue(step_id: UUID) -> UUID:
    # Asked three times per recorded step (look-ahead, duplicate check, creation): a SHA-1 each time was 4 % of a
    # bulk import. A bulk import computes them where it reads its lines, and hands them over (`retenir_id_d_etape_recue`).
    identifiant = _IDS_D_ETAPES_RECUES.get(step_id)
    if identifiant is None:
        identifiant = uuid5(ESPACE, f"etape/{step_id}")
        retenir_id_d_etape_recue(step_id, identifiant)
    return identifiant


def retenir_id_d_etape_recue(step_id: UUID, identifiant: UUID) -> None:
    """Keep a receipt's id computed elsewhere (`EtapeRecue.create_id` in the process reading an import's lines)."""
    if len(_IDS_D_ETAPES_RECUES) >= IDS_D_ETAPES_RECUES_GARDES:
        _IDS_D_ETAPES_RECUES.clear()
    _IDS_D_ETAPES_RECUES[step_id] = identifiant


class NumeroEtranger(Aggregate):
    """Binds the keyed hash of a numéro étranger to one pathway."""

    TOPIC = "parcours.numero_etranger"

    class Created(Aggregate.Created):
        TOPIC = "parcours.numero_etranger.created"

    class Attribue(Aggregate.Created):
        TOPIC = "parcours.numero_etranger.attribue"
        class_version = 1
        empreinte: str
        parcours_id: UUID

    class Libere(Aggregate.Event):
        """The person was erased: the numéro no longer leads anywhere and may be registered again."""

        TOPIC = "parcours.numero_etranger.libere"
        class_version = 1

    class Reattribue(Aggregate.Event):
        TOPIC = "parcours.numero_etranger.reattribue"
        class_version = 1
        parcours_id: UUID

    @event(Attribue)
    def __init__(self, empreinte: str, parcours_id: UUID) -> None:
        self.empreinte = empreinte
        self.parcours_id: UUID | None = parcours_id

    @event(Libere)
    def liberer(self) -> None:
        self.parcours_id = None

    @event(Reattribue)
    def reattribuer(self, parcours_id: UUID) -> None:
        self.parcours_id = parcours_id

    @staticmethod
    def create_id(empreinte: str) -> UUID:
        return uuid5(ESPACE, f"numero-etranger/{empreinte}")


class Operateur(Aggregate):
    """An organisation that records steps (CONTRACT §2); configuration kept in the log."""

    TOPIC = "parcours.operateur"

    class Created(Aggregate.Created):
        TOPIC = "parcours.operateur.created"

    class Enregistre(Aggregate.Created):
        TOPIC = "parcours.operateur.enregistre"
        class_version = 1
        slug: str
        type: TypeOperateur
        departement: str
        nom: str
        libelle_source: str | None

    class Modifie(Aggregate.Event):
        TOPIC = "parcours.operateur.modifie"
        class_version = 1
        type: TypeOperateur
        departement: str
        nom: str
        libelle_source: str | None

    @event(Enregistre)
    def __init__(
        self, slug: str, type: TypeOperateur, departement: str, nom: str, libelle_source: str | None
    ) -> None:
        self.slug = slug
        self._changer(type, departement, nom, libelle_source)

    @event(Modifie)
    def modifier(self, type: TypeOperateur, departement: str, nom: str, libelle_source: str | None) -> None:
        self._changer(type, departement, nom, libelle_source)

    def _changer(self, type: TypeOperateur, departement: str, nom: str, libelle_source: str | None) -> None:
        self.type = type
        self.departement = departement
        self.nom = nom
        self.libelle_source = libelle_source

    @staticmethod
    def create_id(slug: str) -> UUID:
        return uuid5(ESPACE, f"operateur/{slug}")


class Effacement(Aggregate):
    """The erasure of a person, kept in clear and without personal data: who, when, why."""

    TOPIC = "parcours.effacement"

    class Created(Aggregate.Created):
        TOPIC = "parcours.effacement.created"

    class Effacee(Aggregate.Created):
        TOPIC = "parcours.effacement.effacee"
        class_version = 1
        parcours_id: UUID
        motif: str
        par: str
        cause: str

    @event(Effacee)
    def __init__(self, parcours_id: UUID, motif: str, par: str, cause: str) -> None:
        self.parcours_id = parcours_id
        self.motif = motif
        self.par = par
        self.cause = cause

    @staticmethod
    def create_id(parcours_id: UUID) -> UUID:
        return uuid5(ESPACE, f"effacement/{parcours_id}")


class BinomeReference(Aggregate):
    """A mentoring pair's reference taken in one action (CONTRACT §8: one pair per reference), freed by a void of its step."""

    TOPIC = "parcours.binome_reference"

    class Created(Aggregate.Created):
        TOPIC = "parcours.binome_reference.created"

    class Prise(Aggregate.Created):
        TOPIC = "parcours.binome_reference.prise"
        class_version = 1
        action: str
        reference: str
        step_id: UUID

    class Liberee(Aggregate.Event):
        """The pair's step was voided: the reference may form a pair again, and the voided one counts nowhere."""

        TOPIC = "parcours.binome_reference.liberee"
        class_version = 1

    class Reprise(Aggregate.Event):
        TOPIC = "parcours.binome_reference.reprise"
        class_version = 1
        step_id: UUID

    @event(Prise)
    def __init__(self, action: str, reference: str, step_id: UUID) -> None:
        self.action = action
        self.reference = reference
        self.step_id: UUID | None = step_id

    @event(Liberee)
    def liberer(self) -> None:
        self.step_id = None

    @event(Reprise)
    def reprendre(self, step_id: UUID) -> None:
        self.step_id = step_id

    @staticmethod
    def create_id(action: str, reference: str) -> UUID:
        return uuid5(ESPACE, f"binome/{action}/{reference}")

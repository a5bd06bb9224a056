"""Who may use Parcours: user accounts, API clients of partner systems, and the access journal.

Accounts are aggregates of the same log as the pathways, so every change (creation, password,
role, lockout-relevant failures, revocation) is recorded and auditable. Secrets never enter the
log: only password hashes (computed at the edge) and token fingerprints. Imports only eventsourcing,
the standard library and `parcours`.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from parcours.index import ESPACE
from parcours.vocabulaire import Vocabulaire


class Role(Vocabulaire):
    AGENT = "agent"
    RESPONSABLE = "responsable"
    COPIL = "copil"
    ADMIN = "admin"


class Portee(Vocabulaire):
    """What an API token may do."""

    LECTURE = "read"
    ECRITURE = "write"
    STATISTIQUES = "statistics"


class Utilisateur(Aggregate):
    """A person who logs in: one operator, one role."""

    TOPIC = "parcours.utilisateur"

    class Created(Aggregate.Created):
        TOPIC = "parcours.utilisateur.created"

    class Cree(Aggregate.Created):
        TOPIC = "parcours.utilisateur.cree"
        class_version = 1
        login: str
        operateur: str
        role: Role
        nom: str
        empreinte_mot_de_passe: str

    class MotDePasseChange(Aggregate.Event):
        TOPIC = "parcours.utilisateur.mot_de_passe_change"
        class_version = 1
        empreinte_mot_de_passe: str

    class RoleChange(Aggregate.Event):
        TOPIC = "parcours.utilisateur.role_change"
        class_version = 1
        role: Role

    class Desactive(Aggregate.Event):
        TOPIC = "parcours.utilisateur.desactive"
        class_version = 1

    class ConnexionEchouee(Aggregate.Event):
        TOPIC = "parcours.utilisateur.connexion_echouee"
        class_version = 1

    class ConnexionReussie(Aggregate.Event):
        TOPIC = "parcours.utilisateur.connexion_reussie"
        class_version = 1

    class Deconnecte(Aggregate.Event):
        """The user logged out: every session opened before is void (a copied cookie included)."""

        TOPIC = "parcours.utilisateur.deconnecte"
        class_version = 1

    @event(Cree)
    def __init__(self, login: str, operateur: str, role: Role, nom: str, empreinte_mot_de_passe: str) -> None:
        self.login = login
        self.operateur = operateur
        self.role = role
        self.nom = nom
        self.empreinte_mot_de_passe = empreinte_mot_de_passe
        self.actif = True
        self.echecs_consecutifs = 0
        self.dernier_echec: datetime | None = None

    @event(MotDePasseChange)
    def changer_mot_de_passe(self, empreinte_mot_de_passe: str) -> None:
        self.empreinte_mot_de_passe = empreinte_mot_de_passe
        self.echecs_consecutifs = 0

    @event(RoleChange)
    def changer_role(self, role: Role) -> None:
        self.role = role

    @event(Desactive)
    def desactiver(self) -> None:
        self.actif = False

    @event(ConnexionEchouee)
    def noter_echec(self) -> None:
        self.echecs_consecutifs += 1

    @event(ConnexionReussie)
    def noter_reussite(self) -> None:
        self.echecs_consecutifs = 0

    @event(Deconnecte)
    def deconnecter(self) -> None:
        pass

    @staticmethod
    def create_id(login: str) -> UUID:
        return uuid5(ESPACE, f"utilisateur/{login.lower()}")


class ClientApi(Aggregate):
    """A partner system of one operator, holding a token with some scopes."""

    TOPIC = "parcours.client_api"

    class Created(Aggregate.Created):
        TOPIC = "parcours.client_api.created"

    class Cree(Aggregate.Created):
        TOPIC = "parcours.client_api.cree"
        class_version = 1
        nom: str
        operateur: str
        portees: list[Portee]
        empreinte_jeton: str

    class Revoque(Aggregate.Event):
        TOPIC = "parcours.client_api.revoque"
        class_version = 1

    @event(Cree)
    def __init__(self, nom: str, operateur: str, portees: list[Portee], empreinte_jeton: str) -> None:
        self.nom = nom
        self.operateur = operateur
        self.portees = list(portees)
        self.empreinte_jeton = empreinte_jeton
        self.revoque = False

    @event(Revoque)
    def revoquer(self) -> None:
        self.revoque = True


class Consultation(Aggregate):
    """One read of a person-level page or API resource: who, for which operator, which person, why."""

    TOPIC = "parcours.consultation"

    class Created(Aggregate.Created):
        TOPIC = "parcours.consultation.created"

    class Journalisee(Aggregate.Created):
        TOPIC = "parcours.consultation.journalisee"
        class_version = 1
        login: str
        operateur: str
        parcours_id: UUID
        ressource: str
        motif: str | None

    @event(Journalisee)
    def __init__(self, login: str, operateur: str, parcours_id: UUID, ressource: str, motif: str | None) -> None:
        self.login = login
        self.operateur = operateur
        self.parcours_id = parcours_id
        self.ressource = ressource
        self.motif = motif

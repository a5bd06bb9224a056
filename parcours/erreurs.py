"""The errors the domain raises, each with a French message that names the field at fault.

Imports nothing outside the standard library.
"""

from __future__ import annotations

from uuid import UUID


class ParcoursError(Exception):
    """Base of every error the domain raises on purpose."""

    champ: str | None = None

    def __init__(self, message: str, champ: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if champ is not None:
            self.champ = champ

    def __str__(self) -> str:
        return f"{self.champ} : {self.message}" if self.champ else self.message


class EtapeRejeteeError(ParcoursError):
    """The step breaks a hard rule of CONTRACT §3: nothing is recorded."""


class PersonneInconnueError(EtapeRejeteeError):
    def __init__(self, champ: str, reference: str) -> None:
        super().__init__(f"aucune personne ne correspond à « {reference} ».", champ)


class OperateurInconnuError(EtapeRejeteeError):
    def __init__(self, operateur: str, champ: str = "operateur") -> None:
        super().__init__(f"opérateur inconnu « {operateur} » (voir `parcours operators add`).", champ)
        self.operateur = operateur


class StepIdReutiliseError(EtapeRejeteeError):
    """The same step_id was already recorded with a different content."""

    def __init__(self, step_id: UUID) -> None:
        super().__init__(
            f"l'identifiant {step_id} a déjà été enregistré avec un contenu différent.", "step_id"
        )


class ConflitEcritureError(EtapeRejeteeError):
    """Another writer recorded a step on the same pathway first; reload and try again."""

    def __init__(self, parcours_id: UUID | None = None) -> None:
        super().__init__(
            "le parcours a été modifié par un autre enregistrement entre-temps : "
            "rechargez-le et recommencez, rien n'a été enregistré."
        )
        self.parcours_id = parcours_id


class CompteExistantError(ParcoursError):
    def __init__(self, login: str) -> None:
        super().__init__(f"un compte « {login} » existe déjà.", "login")


class CompteInconnuError(ParcoursError):
    def __init__(self, login: str) -> None:
        super().__init__(f"aucun compte « {login} ».", "login")


class DonneesEffaceesError(ParcoursError):
    """The person was erased: their events can no longer be read."""

    def __init__(self, parcours_id: UUID) -> None:
        super().__init__(f"les données de la personne {parcours_id} ont été effacées.", "parcours_id")
        self.parcours_id = parcours_id


class PersonneEffaceeError(EtapeRejeteeError):
    def __init__(self, champ: str, parcours_id: UUID) -> None:
        super().__init__("cette personne a été effacée : plus aucune étape ne peut être enregistrée.", champ)
        self.parcours_id = parcours_id

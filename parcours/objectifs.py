"""The objectives of the steering committee: a target value ("valeur-cible" of the ministry annex) for
one indicator, one year and one scope (an operator, a programme, both or neither).

Objectives are primary data the COPIL enters, so they live in the log like everything else: one small
aggregate per (year, indicator, operator, programme), with a deterministic id so two people fixing the
same objective at once cannot create two. Setting it again records the new value; the read model
keeps the latest. Imports only eventsourcing and `parcours`.
"""

from __future__ import annotations

import math
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from parcours.erreurs import ParcoursError
from parcours.index import ESPACE

ANNEE_MIN, ANNEE_MAX = 2016, 2100
"""The CIR exists since July 2016; no annex is written for a century ahead."""


class ObjectifInvalideError(ParcoursError):
    """The objective breaks an invariant (value, year); the message is French and names the field."""


class Objectif(Aggregate):
    """The target value of one indicator for one year, for an operator and/or a programme or for all."""

    TOPIC = "parcours.objectif"

    class Created(Aggregate.Created):
        TOPIC = "parcours.objectif.created"

    class Fixe(Aggregate.Created):
        TOPIC = "parcours.objectif.fixe"
        class_version = 1
        annee: int
        indicateur: str
        operateur: str | None
        programme: str | None
        valeur: float
        par: str

    class Modifie(Aggregate.Event):
        TOPIC = "parcours.objectif.modifie"
        class_version = 1
        valeur: float
        par: str

    @event(Fixe)
    def __init__(self, annee: int, indicateur: str, operateur: str | None, programme: str | None, valeur: float, par: str) -> None:
        verifier(annee, valeur)
        self.annee = annee
        self.indicateur = indicateur
        self.operateur = operateur
        self.programme = programme
        self.valeur = valeur
        self.par = par

    def changer(self, valeur: float, par: str) -> bool:
        """Record a new value; returns False (nothing recorded) when it is the value already in force."""
        verifier(self.annee, valeur)
        if valeur == self.valeur:
            return False
        self._modifier(valeur, par)
        return True

    @event(Modifie)
    def _modifier(self, valeur: float, par: str) -> None:
        self.valeur = valeur
        self.par = par

    @staticmethod
    def create_id(annee: int, indicateur: str, operateur: str | None, programme: str | None) -> UUID:
        return uuid5(ESPACE, f"objectif/{annee}/{indicateur}/{operateur or '*'}/{programme or '*'}")


def verifier(annee: int, valeur: float) -> None:
    if not ANNEE_MIN <= annee <= ANNEE_MAX:
        raise ObjectifInvalideError(f"année entre {ANNEE_MIN} et {ANNEE_MAX} attendue.", "annee")
    if not math.isfinite(valeur) or valeur < 0:
        raise ObjectifInvalideError("la valeur-cible doit être un nombre positif ou nul.", "valeur")

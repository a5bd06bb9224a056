"""What callers ask the domain to do: imperative, immutable, already syntax-checked at the edge.

Imports only the standard library and `parcours`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from parcours.vocabulaire import TypeEtape, TypeOperateur


@dataclass(frozen=True)
class ReferencePersonne:
    """How a step names its person: by numéro étranger or by the pathway id the system gave."""

    numero_etranger: str | None = None
    parcours_id: UUID | None = None


@dataclass(frozen=True)
class EnregistrerEtape:
    """Record one step of CONTRACT §3 on a person's pathway."""

    step_id: UUID
    type: TypeEtape
    occurred_on: date
    operateur: str
    agent: str
    donnees: Mapping[str, Any] = field(default_factory=dict)
    personne: ReferencePersonne | None = None
    enregistre_le: datetime | None = None
    """The system's clock by default; only the demo generator simulates a past recording time."""
    version_attendue: int | None = None
    """The pathway's version the caseworker saw: if another step was recorded since, refuse (409)."""
    action: str | None = None
    """The funded action (CONTRACT §8) the step is recorded on (alone) or tied to (with `personne`)."""


@dataclass(frozen=True)
class EnregistrerOperateur:
    """Register (or update) an operator; registering identical values again changes nothing."""

    id: str
    type: TypeOperateur
    departement: str
    nom: str = ""
    libelle_source: str | None = None


@dataclass(frozen=True)
class EtapeEnregistree:
    """What became of a step: accepted (with its log position) or a duplicate of one recorded before."""

    statut: Literal["acceptee", "doublon"]
    step_id: UUID
    parcours_id: UUID
    position: int | None = None
    drapeaux: tuple[dict[str, str], ...] = ()
    evenement: Any = None
    """The recorded event (`EtapeEvenement`) of an accepted step, so that the answer needs no read-back."""


@dataclass(frozen=True)
class FixerObjectif:
    """Set the target value of an indicator for a year and a scope (operator and/or programme, or all)."""

    annee: int
    indicateur: str
    valeur: float
    par: str
    operateur: str | None = None
    programme: str | None = None

"""Loading the synthetic territory of `web.demo.generateur` through the same validation path as a real import."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from typing import TextIO

from parcours.application import Parcours
from parcours.commandes import EnregistrerOperateur
from parcours.vocabulaire import ALIAS_TYPE_OPERATEUR, TypeOperateur
from web.demo.generateur import generer_etapes, operateurs_demo
from web.saisie.importation import LigneBrute, RapportImport, importer


def maintenant() -> datetime:
    """Demo data are generated "as of" midnight UTC today: the same seed gives the same data all day."""
    return datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)


def enregistrer_operateurs_demo(parcours: Parcours) -> None:
    for operateur in operateurs_demo():
        type_ = ALIAS_TYPE_OPERATEUR.get(operateur.type) or TypeOperateur(operateur.type)
        parcours.enregistrer_operateur(EnregistrerOperateur(operateur.id, type_, operateur.departement, operateur.nom))


def enregistrer_territoire(
    parcours: Parcours,
    personnes: int,
    graine: int,
    apres_chaque_personne: Callable[[], None] | None = None,
    instant: datetime | None = None,
) -> RapportImport:
    """Register the demo operators, then record every person's steps with their simulated recording times."""
    enregistrer_operateurs_demo(parcours)
    lignes = _lignes(generer_etapes(personnes, graine, instant or maintenant()), apres_chaque_personne)
    return importer(parcours, lignes)


def _lignes(etapes: Iterator, apres_chaque_personne: Callable[[], None] | None) -> Iterator[LigneBrute]:  # noqa: ANN001
    for numero, demo in enumerate(etapes, start=1):
        if apres_chaque_personne is not None and demo.etape["type"] == "personne_enregistree" and numero > 1:
            apres_chaque_personne()
        yield LigneBrute(numero, demo.etape, demo.enregistre_le)


def ecrire_jsonl(sortie: TextIO, personnes: int, graine: int, instant: datetime | None = None) -> int:
    """Write the steps as CONTRACT §3 JSON lines (without the simulated recording times)."""
    lignes = 0
    for demo in generer_etapes(personnes, graine, instant or maintenant()):
        sortie.write(json.dumps(demo.etape, ensure_ascii=False) + "\n")
        lignes += 1
    return lignes

"""Loading the synthetic territory of `web.demo.generateur` through the same validation path as a real import."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from functools import partial
from typing import TextIO

from parcours.application import Parcours
from parcours.commandes import EnregistrerOperateur
from parcours.vocabulaire import ALIAS_TYPE_OPERATEUR, TypeEtape, TypeOperateur
from web.demo.generateur import generer_etapes, operateurs_demo
from web.saisie.importation import LigneBrute, LigneLue, RapportImport, importer, importer_a_part


def maintenant() -> datetime:
    """Demo data are generated "as of" midnight UTC today: the same seed gives the same data all day."""
    return datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)


def enregistrer_operateurs_demo(parcours: Parcours) -> None:
    for operateur in operateurs_demo():
        type_ = ALIAS_TYPE_OPERATEUR.get(operateur.type) or TypeOperateur(operateur.type)
        parcours.enregistrer_operateur(EnregistrerOperateur(operateur.id, type_, operateur.departement, operateur.nom))


PERSONNES_POUR_LIRE_A_PART = 100
"""From this size (≈ 1,800 lines), the lines are generated and checked in a second process (`importer_a_part`):
its start (≈ 0.5 s) is then paid back."""


def enregistrer_territoire(
    parcours: Parcours,
    personnes: int,
    graine: int,
    apres_chaque_personne: Callable[[], None] | None = None,
    instant: datetime | None = None,
) -> RapportImport:
    """Register the demo operators, then record every person's steps with their simulated recording times."""
    enregistrer_operateurs_demo(parcours)
    source = partial(lignes_de_la_demo, personnes, graine, instant or maintenant())

    def apres_chaque_ligne(lue: LigneLue) -> None:
        if lue.type == TypeEtape.PERSONNE_ENREGISTREE.value and lue.numero > 1:
            apres_chaque_personne()

    suivi = apres_chaque_ligne if apres_chaque_personne is not None else None
    if personnes >= PERSONNES_POUR_LIRE_A_PART:
        return importer_a_part(parcours, source, apres_chaque_ligne=suivi)
    return importer(parcours, source(), apres_chaque_ligne=suivi)


def lignes_de_la_demo(personnes: int, graine: int, instant: datetime) -> Iterator[LigneBrute]:
    """The demo steps as import lines, with their simulated recording times."""
    for numero, demo in enumerate(generer_etapes(personnes, graine, instant), start=1):
        yield LigneBrute(numero, demo.etape, demo.enregistre_le)


def ecrire_jsonl(sortie: TextIO, personnes: int, graine: int, instant: datetime | None = None) -> int:
    """Write the steps as CONTRACT §3 JSON lines (without the simulated recording times)."""
    lignes = 0
    for demo in generer_etapes(personnes, graine, instant or maintenant()):
        sortie.write(json.dumps(demo.etape, ensure_ascii=False) + "\n")
        lignes += 1
    return lignes

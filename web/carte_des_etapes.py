"""The map of every step type's parts, across the layers: where a reader changing one type must look.

`python -m web.carte_des_etapes > web/ETAPES.md` writes it; `tests/unit/test_carte_des_etapes.py` checks
that every type has its label, event, rule, rule in brief, schema, pre-filling and read-model home, and
that the committed map is the generated one. Reads the registries only; must not import flask.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from parcours.action import EVENEMENTS_ACTION, REGLES_ACTION
from parcours.personne import EVENEMENTS
from parcours.regles import REGLES, REGLES_EN_BREF
from parcours.vocabulaire import (
    ETAPES_D_ACTION,
    ETAPES_DE_GESTION,
    ETAPES_PERSONNE_ET_ACTION,
    LIBELLES_ETAPES,
    LIBELLES_TYPES_OPERATEUR,
    TypeEtape,
)
from projections import faits, lecture_actions
from web.pages.etapes_operateur import ETAPES_PAR_TYPE_OPERATEUR
from web.pages.preremplissage import PREREMPLISSAGES
from web.saisie.schemas import SCHEMAS_DONNEES


def _nom(fonction: Callable[..., Any]) -> str:
    return f"`{fonction.__module__}.{fonction.__name__}`"


def flux(type_etape: TypeEtape) -> str:
    if type_etape in ETAPES_DE_GESTION:
        return "personne ou action"
    if type_etape in ETAPES_D_ACTION:
        return "action"
    if type_etape in ETAPES_PERSONNE_ET_ACTION:
        return "personne, nommant l'action"
    return "personne"


def evenements(type_etape: TypeEtape) -> list[type]:
    return [registre[type_etape] for registre in (EVENEMENTS, EVENEMENTS_ACTION) if type_etape in registre]


def regles(type_etape: TypeEtape) -> list[Callable[..., Any]]:
    return [registre[type_etape] for registre in (REGLES, REGLES_ACTION) if type_etape in registre]


def modele_de_lecture(type_etape: TypeEtape) -> str:
    """Every step is a row of `etape`; the types counted in figures also have typed columns."""
    colonnes = []
    if type_etape in faits.CHAMPS:
        noms = faits.noms_des_colonnes(type_etape)
        colonnes.append("`fait` : " + (", ".join(f"{nom} ({colonne})" for nom, colonne in noms.items()) or "aucun champ"))
    if type_etape.value in lecture_actions.CHAMPS:
        noms = lecture_actions.noms_des_colonnes(type_etape.value)
        colonnes.append("`fait_action` : " + ", ".join(f"{nom} ({colonne})" for nom, colonne in noms.items()))
    elif type_etape in ETAPES_D_ACTION | ETAPES_PERSONNE_ET_ACTION:
        colonnes.append("`fait_action` (valeurs)")
    return "`etape`" + "".join(f" ; {c}" for c in colonnes)


def operateurs(type_etape: TypeEtape) -> str:
    kinds = [LIBELLES_TYPES_OPERATEUR[k.value] for k, types in ETAPES_PAR_TYPE_OPERATEUR.items() if type_etape in types]
    if kinds:
        return ", ".join(kinds)
    if type_etape is TypeEtape.PERSONNE_ENREGISTREE:
        return "la page « Enregistrer une personne »"
    if type_etape in ETAPES_DE_GESTION:
        return "les liens « Corriger » et « Annuler » de l'étape visée, à la structure qui l'a enregistrée"
    return "la structure qui porte l'action, depuis les pages de l'action"


def lignes() -> Iterator[str]:
    yield "# Les types d'étape et leurs pièces"
    yield ""
    yield "Carte générée par `python -m web.carte_des_etapes > web/ETAPES.md` (un test vérifie qu'elle est à jour"
    yield "et qu'aucune pièce ne manque). Pour changer un type d'étape : son libellé et ses valeurs dans"
    yield "`parcours/vocabulaire.py`, puis les pièces nommées ci-dessous, chacune enregistrée pour ce type."
    for type_etape in TypeEtape:
        yield ""
        yield f"## `{type_etape.value}` — {LIBELLES_ETAPES[type_etape]}"
        yield ""
        yield f"- flux : {flux(type_etape)}"
        for evenement in evenements(type_etape):
            yield f"- événement : `{evenement.__qualname__}`, topic `{evenement.TOPIC}`, version {evenement.class_version}"
        yield f"- règle : {' ; '.join(_nom(r) for r in regles(type_etape))}"
        yield f"- en bref : {REGLES_EN_BREF[type_etape]}"
        yield f"- syntaxe : `web.saisie.schemas.{SCHEMAS_DONNEES[type_etape].__name__}`"
        yield f"- préremplissage : {_nom(PREREMPLISSAGES[type_etape])}"
        yield f"- modèle de lecture : {modele_de_lecture(type_etape)}"
        yield f"- proposé à : {operateurs(type_etape)}"


def carte() -> str:
    return "\n".join(lignes()) + "\n"


if __name__ == "__main__":
    print(carte(), end="")

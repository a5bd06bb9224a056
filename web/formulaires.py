"""HTML forms generated from the step schemas: one schema per step type serves import, API and forms.

`champs(type)` describes each `data` field (label, hint, widget, choices) from the marshmallow
field; `donnees_du_formulaire(type, form)` turns a posted form back into the `data` object the
schema loads. Must not import `web.ui` or `web.api`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from marshmallow import fields
from werkzeug.datastructures import MultiDict

from parcours.vocabulaire import TypeEtape
from web.schemas import SCHEMAS_DONNEES, Booleen, Date, Entier, Enumeration, Identifiant, Liste, Nombre, Objet


@dataclass(frozen=True)
class Champ:
    nom: str
    libelle: str
    aide: str | None
    widget: str
    """date, select, booleen, nombre, multiple, objet, texte, long."""
    obligatoire: bool
    choix: tuple[str, ...] = field(default=())


def _widget(champ: fields.Field) -> tuple[str, tuple[str, ...]]:
    if isinstance(champ, Date):
        return "date", ()
    if isinstance(champ, Booleen):
        return "booleen", ()
    if isinstance(champ, (Entier, Nombre)):
        return "nombre", ()
    if isinstance(champ, Enumeration):
        return "select", tuple(m.value for m in champ.enum)
    if isinstance(champ, Liste) and isinstance(champ.inner, Enumeration):
        return "multiple", tuple(m.value for m in champ.inner.enum)
    if isinstance(champ, Objet):
        return "objet", ()
    if isinstance(champ, Identifiant):
        return "texte", ()
    return ("long" if champ.metadata.get("label", "").startswith(("Note", "Motif", "Commentaire")) else "texte"), ()


def champs(type_etape: TypeEtape) -> list[Champ]:
    resultat = []
    for nom, champ in SCHEMAS_DONNEES[type_etape]._declared_fields.items():  # noqa: SLF001
        widget, choix = _widget(champ)
        resultat.append(
            Champ(nom, champ.metadata.get("label", nom), champ.metadata.get("hint"), widget, bool(champ.required), choix)
        )
    return resultat


def donnees_du_formulaire(type_etape: TypeEtape, formulaire: MultiDict[str, str]) -> dict[str, Any]:
    """The `data` object of a posted form: empty optional fields left out, checkboxes as booleans."""
    donnees: dict[str, Any] = {}
    for champ in champs(type_etape):
        if champ.widget == "booleen":
            valeur = formulaire.get(champ.nom)
            if valeur is not None or champ.obligatoire:
                donnees[champ.nom] = valeur in ("true", "on", "oui", "1")
        elif champ.widget == "multiple":
            valeurs = formulaire.getlist(champ.nom)
            if valeurs or champ.obligatoire:
                donnees[champ.nom] = valeurs
        elif champ.widget == "objet":
            cles, valeurs = formulaire.getlist(f"{champ.nom}__cle"), formulaire.getlist(f"{champ.nom}__valeur")
            objet = {cle.strip(): valeur for cle, valeur in zip(cles, valeurs) if cle.strip()}
            if objet or champ.obligatoire:
                donnees[champ.nom] = objet
        else:
            valeur = (formulaire.get(champ.nom) or "").strip()
            if valeur:
                donnees[champ.nom] = valeur
    return donnees


def erreurs_par_champ(erreurs: dict[str, list[str]]) -> tuple[dict[str, list[str]], list[str]]:
    """Split "data.x" messages by field; the others (envelope, rules without a data field) go on top."""
    par_champ: dict[str, list[str]] = {}
    generales: list[str] = []
    for cle, messages in erreurs.items():
        if cle.startswith("data.champs."):
            par_champ.setdefault("champs", []).extend(f"{cle[len('data.champs.'):]} : {m}" for m in messages)
        elif cle.startswith("data."):
            par_champ.setdefault(cle[len("data."):], []).extend(messages)
        else:
            generales.extend(f"{cle} : {m}" for m in messages)
    return par_champ, generales

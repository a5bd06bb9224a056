"""HTML forms generated from the step schemas: one schema per step type serves import, API and forms.

`champs(type)` describes each `data` field (label, hint, widget, choices) from the marshmallow
field; `donnees_du_formulaire(type, form)` turns a posted form back into the `data` object the
schema loads; `valeurs_du_formulaire` keeps what was typed for a re-rendered form; `erreurs_par_champ`
puts each French message next to the field it names. `decrire` turns a recorded step's `data` into
French label/value pairs for the timeline. Must not import `web.pages.dossier` or `web.api.routes`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import unicodedata
from marshmallow import fields, validate
from werkzeug.datastructures import MultiDict

from parcours.pays import NOMS_PAYS, nom_pays
from parcours.vocabulaire import LIBELLES_DES_CODES, SOUS_MOTIFS, MotifSejour, TypeEtape
from web.saisie.schemas import SCHEMAS_DONNEES, Booleen, Date, Entier, Enumeration, Identifiant, Liste, Nombre, Objet

CHOIX_MAX_EN_LISTE = 20
"""A text field restricted to at most this many values (`OneOf`) becomes a drop-down list."""



def libelle_valeur(valeur: Any) -> str:
    """A code as a caseworker reads it: its French label, the code itself when none is known."""
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if valeur is None:
        return "—"
    if isinstance(valeur, date):
        return f"{valeur:%d/%m/%Y}"
    if isinstance(valeur, (list, tuple)):
        return ", ".join(libelle_valeur(v) for v in valeur)
    if isinstance(valeur, float) and valeur.is_integer():
        return str(int(valeur))
    texte = str(valeur)
    if len(texte) == 10 and texte[4:5] == "-" and texte[7:8] == "-":
        try:
            return f"{date.fromisoformat(texte):%d/%m/%Y}"
        except ValueError:
            return texte
    return LIBELLES_DES_CODES.get(texte, texte)


@dataclass(frozen=True)
class Choix:
    valeur: str
    libelle: str
    groupe: str | None = None


@dataclass(frozen=True)
class Champ:
    nom: str
    libelle: str
    aide: str | None
    widget: str
    """date, select, booleen, nombre, multiple, objet, texte, long."""
    obligatoire: bool
    choix: tuple[Choix, ...] = field(default=())
    entier: bool = False

    @property
    def groupes(self) -> list[tuple[str | None, list[Choix]]]:
        """The choices by group, in order (one group without a name when none is named)."""
        resultat: list[tuple[str | None, list[Choix]]] = []
        for choix in self.choix:
            if not resultat or resultat[-1][0] != choix.groupe:
                resultat.append((choix.groupe, []))
            resultat[-1][1].append(choix)
        return resultat


def _choix(valeurs: Sequence[Any]) -> tuple[Choix, ...]:
    return tuple(Choix(str(v), libelle_valeur(str(v))) for v in valeurs)


def _sous_motifs() -> tuple[Choix, ...]:
    """Sub-motifs grouped by motif; `AUTRE`, valid under every motif, once at the end."""
    choix = [
        Choix(s, libelle_valeur(s), f"Motif {libelle_valeur(motif.value).lower()}")
        for motif in MotifSejour
        for s in SOUS_MOTIFS[motif]
        if s != "AUTRE"
    ]
    return (*choix, Choix("AUTRE", "Autre", "Tous motifs"))


def _un_parmi(champ: fields.Field) -> tuple[Any, ...] | None:
    for validateur in champ.validators:
        if isinstance(validateur, validate.OneOf) and len(validateur.choices) <= CHOIX_MAX_EN_LISTE:
            return tuple(validateur.choices)
    return None


def _pays() -> tuple[Choix, ...]:
    """Countries by French name, in alphabetical order (accents ignored); the code is what is posted."""
    sans_accents = lambda texte: unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode().lower()  # noqa: E731
    return tuple(Choix(code, nom) for code, nom in sorted(NOMS_PAYS.items(), key=lambda paire: sans_accents(paire[1])))


def _widget(nom: str, champ: fields.Field) -> tuple[str, tuple[Choix, ...]]:
    if nom == "nationalite":
        return "select", _pays()
    if isinstance(champ, Date):
        return "date", ()
    if isinstance(champ, Booleen):
        return "booleen", ()
    if (valeurs := _un_parmi(champ)) is not None:
        return "select", _choix(valeurs)
    if isinstance(champ, (Entier, Nombre)):
        return "nombre", ()
    if isinstance(champ, Enumeration):
        return "select", _choix([m.value for m in champ.enum])
    if isinstance(champ, Liste) and isinstance(champ.inner, Enumeration):
        return "multiple", _choix([m.value for m in champ.inner.enum])
    if isinstance(champ, Objet):
        return "objet", ()
    if nom == "sous_motif":
        return "select", _sous_motifs()
    if isinstance(champ, Identifiant):
        return "texte", ()
    return ("long" if nom in ("texte", "motif") else "texte"), ()


def champs(type_etape: TypeEtape, dynamiques: Mapping[str, Sequence[Choix]] | None = None) -> list[Champ]:
    """The form fields of a step type, in schema order; `dynamiques` gives the choices known only at
    request time (operators a person may be oriented to, the steps a field may refer to)."""
    resultat = []
    for nom, champ in SCHEMAS_DONNEES[type_etape]._declared_fields.items():  # noqa: SLF001
        widget, choix = _widget(nom, champ)
        if dynamiques and nom in dynamiques:
            widget, choix = "select", tuple(dynamiques[nom])
        resultat.append(
            Champ(nom, champ.metadata.get("label", nom), champ.metadata.get("hint"), widget, bool(champ.required), choix,
                  entier=isinstance(champ, Entier))
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
            objet = {cle.strip(): valeur.strip() for cle, valeur in zip(cles, valeurs) if cle.strip()}
            if objet or champ.obligatoire:
                donnees[champ.nom] = objet
        else:
            valeur = (formulaire.get(champ.nom) or "").strip()
            if valeur:
                donnees[champ.nom] = valeur
    return donnees


def valeurs_du_formulaire(type_etape: TypeEtape, formulaire: MultiDict[str, str]) -> dict[str, Any]:
    """What was typed, to fill the form again after a refusal: lists stay lists, pairs stay pairs."""
    valeurs: dict[str, Any] = {cle: formulaire.get(cle) for cle in formulaire}
    for champ in champs(type_etape):
        if champ.widget == "multiple":
            valeurs[champ.nom] = formulaire.getlist(champ.nom)
        elif champ.widget == "objet":
            valeurs[champ.nom] = list(zip(formulaire.getlist(f"{champ.nom}__cle"), formulaire.getlist(f"{champ.nom}__valeur")))
    return valeurs


def valeurs_enregistrees(donnees: Mapping[str, Any]) -> dict[str, Any]:
    """A recorded step's `data` as form values (to correct it)."""
    valeurs: dict[str, Any] = {}
    for cle, valeur in donnees.items():
        if valeur is None or valeur is False:
            continue
        if valeur is True:
            valeurs[cle] = "true"
        elif isinstance(valeur, float) and valeur.is_integer():
            valeurs[cle] = str(int(valeur))
        elif isinstance(valeur, (list, dict)):
            valeurs[cle] = valeur
        else:
            valeurs[cle] = str(valeur)
    return valeurs


def meme_valeur(avant: Any, apres: Any) -> bool:
    """Whether a corrected field really changed: 72 and "72.0", True and "true" are the same value."""
    if isinstance(avant, bool) or isinstance(apres, bool):
        return bool(avant) == (apres is True or str(apres).lower() in ("true", "on", "oui", "1"))
    if isinstance(avant, (list, tuple)) or isinstance(apres, (list, tuple)):
        return sorted(map(str, avant or [])) == sorted(map(str, apres or []))
    try:
        return float(avant) == float(apres)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(avant if avant is not None else "") == str(apres if apres is not None else "")


def erreurs_par_champ(erreurs: Mapping[str, Sequence[str]], correction: bool = False,
                      libelles: Mapping[str, str] | None = None) -> tuple[dict[str, list[str]], list[str]]:
    """Split messages by form field: "data.volets.0" goes to `volets`, "occurred_on" to the date field;
    for a correction, "data.champs.x" goes to the corrected field `x` and "data.motif" to the correction's
    own motif. Whatever names no field of the form goes on top, with the field's French label."""
    par_champ: dict[str, list[str]] = {}
    generales: list[str] = []
    for cle, messages in erreurs.items():
        morceaux = cle.split(".")
        if correction and morceaux[:2] == ["data", "champs"] and len(morceaux) > 2:
            nom = morceaux[2]
        elif correction and morceaux[:2] == ["data", "motif"]:
            nom = "motif_correction"
        elif morceaux[0] == "data" and len(morceaux) > 1 and not (correction and morceaux[1] == "cible_step_id"):
            nom = morceaux[1]
        elif cle == "occurred_on":
            nom = "occurred_on"
        else:
            nom = ""
        if nom and (libelles is None or nom in libelles):
            if not par_champ.get(nom):  # one clear message per field: the first says what to fix
                par_champ[nom] = list(messages[:1])
        else:
            libelle = (libelles or {}).get(nom) or LIBELLES_ENVELOPPE.get(morceaux[0]) or cle
            generales.extend(f"{libelle} : {m}" if libelle else str(m) for m in messages)
    return par_champ, generales


LIBELLES_ENVELOPPE = {
    "personne": "Personne", "operateur": "Structure", "agent": "Agent", "step_id": "Identifiant de l'étape",
    "type": "Type d'étape", "occurred_on": "Date de l'étape", "data": "Données",
}


def libelles_des_champs(type_etape: TypeEtape) -> dict[str, str]:
    return {c.nom: c.libelle for c in champs(type_etape)}


def decrire(type_etape: str, donnees: Mapping[str, Any], reference: Callable[[str], str] | None = None,
            type_corrige: str | None = None, nommer_valeur: Callable[[Any], str] = libelle_valeur) -> list[tuple[str, str]]:
    """A step's `data` as (French label, readable value) pairs, in schema order; `reference` names the
    step a `*_step_id` field points to. A correction lists each corrected field (labelled as in the
    corrected step's form, `type_corrige`) with its new value."""
    try:
        type_ = TypeEtape(type_etape)
    except ValueError:
        return [(cle, libelle_valeur(valeur)) for cle, valeur in donnees.items()]
    declares = SCHEMAS_DONNEES[type_]._declared_fields  # noqa: SLF001
    lignes = []
    for nom, champ in declares.items():
        if nom not in donnees or donnees[nom] is None:
            continue
        valeur = donnees[nom]
        if isinstance(champ, Identifiant):
            texte = reference(str(valeur)) if reference else str(valeur)
        elif isinstance(champ, Objet) and isinstance(valeur, Mapping):
            noms = libelles_des_champs(TypeEtape(type_corrige)) if type_corrige in TypeEtape.valeurs() else {}
            texte = " ; ".join(f"{noms.get(cle, cle)} → {nommer_valeur(v)}" for cle, v in valeur.items())
        elif nom == "nationalite":
            texte = nom_pays(str(valeur))
        else:
            texte = nommer_valeur(valeur)
        lignes.append((champ.metadata.get("label", nom), texte))
    return lignes

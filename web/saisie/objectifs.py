"""The syntax of an objective (a "valeur-cible"), shared by the dashboard's form and `parcours objectifs fixer`.

`lire_objectif(brut, par)` returns the domain command `FixerObjectif` or raises `SaisieObjectifInvalideError`
whose French messages are keyed by the field at fault. Whether the operator exists is the
application's business, the value's invariants the aggregate's. Must not import flask.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from marshmallow import ValidationError, validate, validates_schema

from parcours.commandes import FixerObjectif
from parcours.objectifs import ANNEE_MAX, ANNEE_MIN
from projections.indicateurs import PROGRAMMES
from projections.tableau_de_bord import LIBELLES_INDICATEURS
from web.saisie.schemas import Entier, Nombre, SchemaStrict, Slug, Texte

LIBELLES_CHAMPS = {"annee": "Année", "indicateur": "Indicateur", "valeur": "Valeur-cible", "operateur": "Opérateur",
                   "programme": "Programme"}


class SaisieObjectifInvalideError(ValueError):
    def __init__(self, erreurs: Mapping[str, list[str]]) -> None:
        self.erreurs = dict(erreurs)
        super().__init__(" ; ".join(f"{LIBELLES_CHAMPS.get(champ, champ)} : {' '.join(messages)}"
                                    for champ, messages in self.erreurs.items()))


def est_un_taux(indicateur: str) -> bool:
    """Rates and shares are written between 0 and 1, like in the §5 document."""
    return indicateur.rsplit(".", 1)[-1].startswith(("taux_", "part_"))


def _indicateur_connu(valeur: str) -> None:
    if valeur not in LIBELLES_INDICATEURS:
        proches = difflib.get_close_matches(valeur, list(LIBELLES_INDICATEURS), n=1)
        conseil = f" Vouliez-vous dire « {proches[0]} » ?" if proches else " Voir `parcours objectifs indicateurs`."
        raise ValidationError(f"Indicateur inconnu « {valeur} ».{conseil}")


class ObjectifSchema(SchemaStrict):
    annee = Entier(required=True, validate=validate.Range(min=ANNEE_MIN, max=ANNEE_MAX, error="Année entre {min} et {max} attendue."))
    indicateur = Texte(120, required=True, validate=_indicateur_connu)
    valeur = Nombre(required=True)
    operateur = Slug(load_default=None, allow_none=True)
    programme = Texte(20, load_default=None, allow_none=True,
                      validate=validate.OneOf(list(PROGRAMMES), error="Programme inconnu : choisir parmi {choices}."))

    @validates_schema
    def _un_taux_entre_0_et_1(self, donnees: dict[str, Any], **_: Any) -> None:
        if est_un_taux(donnees.get("indicateur", "")) and donnees.get("valeur", 0) > 1:
            raise ValidationError("Un taux s'écrit en pourcentage (60 %) ou entre 0 et 1 (0,6).", "valeur")


def lire_objectif(brut: Mapping[str, Any], par: str) -> FixerObjectif:
    """A form or the CLI's options: empty operator or programme mean "all"; a decimal comma is accepted."""
    nettoye = {cle: (valeur.strip() if isinstance(valeur, str) else valeur) for cle, valeur in brut.items() if cle in LIBELLES_CHAMPS}
    for cle in ("operateur", "programme"):
        if nettoye.get(cle) == "":
            nettoye[cle] = None
    if isinstance(nettoye.get("valeur"), str):
        valeur = nettoye["valeur"].replace(",", ".").replace("\u202f", "").replace("\xa0", "").replace(" ", "")
        if valeur.endswith("%") and est_un_taux(str(nettoye.get("indicateur") or "")):
            try:
                valeur = repr(float(valeur[:-1]) / 100)  # « 45 % » is how a rate is said: 0.45
            except ValueError:
                pass
        nettoye["valeur"] = valeur
    try:
        donnees = ObjectifSchema().load(nettoye)
    except ValidationError as erreur:
        messages = erreur.messages if isinstance(erreur.messages, dict) else {"_schema": erreur.messages}
        raise SaisieObjectifInvalideError({champ: list(m) if isinstance(m, list) else [str(m)] for champ, m in messages.items()}) from None
    return FixerObjectif(annee=donnees["annee"], indicateur=donnees["indicateur"], valeur=float(donnees["valeur"]), par=par,
                         operateur=donnees["operateur"], programme=donnees["programme"])

"""The read models of funded actions (CONTRACT §8), fed by the same pass over the log as `lecture`.

`fait_action` keeps one row per version of every step recorded on an action or tied to one (a
beneficiary's inscription, a session, an employment step naming the action…), like `fait`: a
correction closes the current version and opens one with the corrected values, a void closes it.
`action` is the catalogue of declared actions as currently corrected. Must not import flask or `web`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from parcours.action import Action
from parcours.personne import EtapeEvenement
from parcours.vocabulaire import ETAPES_DE_GESTION, NiveauLangue, TypeEtape
from projections import tables as t
from projections.faits import Champ, noms_lus, valeurs_ecrites

CLASSES_ACTION = tuple(c for c in vars(Action).values() if isinstance(c, type) and issubclass(c, EtapeEvenement))
TOPICS = [classe.TOPIC for classe in CLASSES_ACTION]
GESTION = {ty.value for ty in ETAPES_DE_GESTION}


def _rang(niveau: Any) -> int | None:
    return NiveauLangue(niveau).rang if niveau else None


def _nombre(valeur: Any) -> float | None:
    return float(valeur) if valeur is not None else None


def _presents(presents: Any) -> str:
    return ",".join(str(p) for p in presents or ())


CHAMPS: dict[str, dict[str, Champ]] = {
    TypeEtape.SEANCE_TENUE.value: {
        "thematique": Champ("code"), "public": Champ("code2"), "duree_h": Champ("nombre", _nombre),
        "acteurs_nouveaux": Champ("nombre2", _nombre), "presents": Champ("presents", _presents),
    },
    TypeEtape.BENEFICIAIRE_INSCRIT.value: {
        "heures_prevues": Champ("nombre", _nombre), "situation_logement_debut": Champ("code2"),
        "niveau_oral_debut": Champ("niveau_oral", _rang, nom="rang_oral"),
        "niveau_ecrit_debut": Champ("niveau_ecrit", _rang, nom="rang_ecrit"),
    },
    TypeEtape.BENEFICIAIRE_SORTI_ACTION.value: {
        "motif": Champ("code"), "niveau_oral_fin": Champ("niveau_oral", _rang, nom="rang_oral"),
        "niveau_ecrit_fin": Champ("niveau_ecrit", _rang, nom="rang_ecrit"),
    },
}
"""Where the fields of the types counted in numbers (sessions, inscriptions, exits) land in `fait_action`, and the name
`projections.actions` reads them by (levels as ranks): one table, as `projections.faits.CHAMPS` for `fait`."""
VIDES = dict.fromkeys(("code", "code2", "nombre", "nombre2", "niveau_oral", "niveau_ecrit", "presents"))


def noms_des_colonnes(type_etape: str) -> dict[str, str]:
    """Reader's name → column of `fait_action`, for this type's fields."""
    return noms_lus(CHAMPS.get(type_etape, {}))


def colonnes(type_etape: str, donnees: Mapping[str, Any]) -> dict[str, Any]:
    return {**VIDES, **valeurs_ecrites(CHAMPS.get(type_etape, {}), donnees)}


def action_de(liens: Mapping[str, Any]) -> str | None:
    action = liens.get("action")
    return str(action) if action is not None else None


def ligne_fait_action(position: int, evenement: EtapeEvenement, donnees: Mapping[str, Any]) -> dict[str, Any] | None:
    """The first version of a step tied to an action (None for other steps, corrections and voids)."""
    action = action_de(evenement.liens)
    if action is None or evenement.TYPE in ETAPES_DE_GESTION:
        return None
    sur_action = isinstance(evenement, CLASSES_ACTION)
    return {
        "step_id": str(evenement.step_id),
        "action": action,
        "parcours_id": None if sur_action else str(evenement.originator_id),
        "type": evenement.TYPE.value,
        "occurred_on": evenement.occurred_on,
        "operateur": evenement.operateur,
        "position_etape": position,
        "pos_debut": position,
        "rec_debut": evenement.timestamp,
        "pos_fin": None,
        "rec_fin": None,
        "valeurs": dict(donnees),
        **colonnes(evenement.TYPE.value, donnees),
    }


def ligne_catalogue(action_id: str, identifiant: str, porteur: str, jour: date, position: int,
                    donnees: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "action_id": action_id,
        "id": identifiant,
        "porteur": porteur,
        "intitule": donnees.get("intitule") or "",
        "annee": int(donnees.get("annee") or jour.year),
        "thematiques": list(donnees.get("thematiques") or []),
        "departements": list(donnees.get("departements") or []),
        "objectif_beneficiaires": int(donnees.get("objectif_beneficiaires") or 0),
        "objectif_acteurs": donnees.get("objectif_acteurs"),
        "declaree_le": jour,
        "position": position,
    }


def reprojeter(connexion: sa.Connection, step_id: str, position: int, le: datetime,
               en_plus: Mapping[str, Any] | None = None) -> None:
    """After a correction or a void: close the step's current `fait_action` version and open the one in force.

    Reads the step and its corrections from `etape` (the void or correction being applied is already
    marked there, except the new correction's own row, given as `en_plus`).
    """
    cible = connexion.execute(sa.select(t.etape).where(t.etape.c.step_id == step_id)).mappings().first()
    if cible is None or action_de(cible["liens"] or {}) is None or cible["type"] in GESTION:
        return
    f = t.fait_action.c
    premiere = connexion.execute(
        sa.select(f.action, f.parcours_id).where(f.step_id == step_id).order_by(f.id).limit(1)
    ).first()
    if premiere is None:
        return
    connexion.execute(
        t.fait_action.update().where(f.step_id == step_id, f.pos_fin.is_(None)).values(pos_fin=position, rec_fin=le)
    )
    if cible["annulee_par"] is not None:
        return
    donnees = dict(cible["donnees"])
    corrections = connexion.execute(
        sa.select(t.etape.c.donnees)
        .where(t.etape.c.cible_step_id == step_id, t.etape.c.type == TypeEtape.EVENEMENT_CORRIGE.value,
               t.etape.c.annulee_par.is_(None))
        .order_by(t.etape.c.position)
    ).scalars()
    for correction in corrections:
        donnees.update(correction["champs"])
    if en_plus:
        donnees.update(en_plus)
    connexion.execute(t.fait_action.insert(), [{
        "step_id": step_id, "action": premiere.action, "parcours_id": premiere.parcours_id, "type": cible["type"],
        "occurred_on": cible["occurred_on"], "operateur": cible["operateur"], "position_etape": cible["position"],
        "pos_debut": position, "rec_debut": le, "pos_fin": None, "rec_fin": None, "valeurs": donnees,
        **colonnes(cible["type"], donnees),
    }])
    if cible["type"] == TypeEtape.ACTION_DECLAREE.value:
        valeurs = ligne_catalogue(premiere.action, cible["parcours_id"], cible["operateur"], cible["occurred_on"],
                                  cible["position"], donnees)
        connexion.execute(t.action.update().where(t.action.c.action_id == premiere.action).values(valeurs))


def effacer(connexion: sa.Connection, parcours_id: str) -> None:
    """An erased person's beneficiary facts go; the action's own facts (sessions) keep only a bare pathway id."""
    connexion.execute(t.fait_action.delete().where(t.fait_action.c.parcours_id == parcours_id))

"""« Orientations envoyées »: what became of the orientations an operator (the OFII, a préfecture) sent.

Each orientation (`orientation_spe`, `orientation_agir`) with its status: « en attente » (no answer),
« acceptée », « refusée » (a refusal still to handle) or « traitée » (a refusal followed by a new
orientation or a waiver of the same person, by the sender). Filters (status, kind, receiver, period),
pages of 25, and « Ré-orienter » from a refusal (the orientation form, another receiver proposed).
Reads the read models only. Must not import `web.ui` or `web.api`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, g, render_template, request

from parcours.vocabulaire import TypeEtape
from projections import tables as t
from projections.faits import champs
from projections.identites import noms as noms_de
from web.acces import AccesRefuseError
from web.auth import connexion_requise
from web.deps import services

bp = Blueprint("orientations_envoyees", __name__)

PAR_PAGE = 25
STATUTS = {"en_attente": "En attente de réponse", "acceptee": "Acceptée", "refusee": "Refusée, à traiter", "traitee": "Traitée (ré-orientée)"}
TYPES = {TypeEtape.ORIENTATION_SPE.value: "Service public de l'emploi", TypeEtape.ORIENTATION_AGIR.value: "AGIR"}


def _lignes(connexion: sa.Connection, operateur: str) -> list[dict[str, Any]]:
    """Every orientation this operator sent (current versions: corrections applied, voids left out), newest first."""
    f = t.fait
    orientation = f.alias("orientation")
    decision = f.alias("decision")
    lignes = connexion.execute(
        sa.select(orientation.c.step_id, orientation.c.parcours_id, orientation.c.occurred_on, orientation.c.type,
                  champs(orientation, TypeEtape.ORIENTATION_SPE, TypeEtape.ORIENTATION_AGIR).vers,
                  decision.c.type.label("decision"), decision.c.occurred_on.label("decidee_le"), decision.c.step_id.label("decision_id"),
                  decision.c.pos_debut.label("decidee_a"))
        .select_from(orientation.outerjoin(decision, sa.and_(champs(decision, TypeEtape.ORIENTATION_ACCEPTEE).orientation == orientation.c.step_id, decision.c.pos_fin.is_(None),
                                                             decision.c.type.in_([TypeEtape.ORIENTATION_ACCEPTEE.value,
                                                                                  TypeEtape.ORIENTATION_REFUSEE.value]))))
        .where(orientation.c.type.in_(list(TYPES)), orientation.c.pos_fin.is_(None), orientation.c.operateur == operateur)
        .order_by(orientation.c.occurred_on.desc(), orientation.c.step_id)
    ).all()
    ids = {ligne.parcours_id for ligne in lignes}
    suites: dict[str, list[tuple[int, str]]] = {}
    if ids:
        for parcours_id, position, step_id in connexion.execute(
            sa.select(f.c.parcours_id, f.c.pos_debut, f.c.step_id).where(
                f.c.parcours_id.in_(ids), f.c.pos_fin.is_(None), f.c.operateur == operateur,
                f.c.type.in_([*TYPES, TypeEtape.DISPENSE_ORIENTATION_SPE.value]))
        ):
            suites.setdefault(parcours_id, []).append((position, step_id))
    motifs = {}
    refus = [ligne.decision_id for ligne in lignes if ligne.decision == TypeEtape.ORIENTATION_REFUSEE.value]
    if refus:
        motifs = dict(connexion.execute(sa.select(t.etape.c.step_id, t.etape.c.donnees).where(t.etape.c.step_id.in_(refus))).all())
    noms = {p: (prenom or "", nom or "") for p, (prenom, nom) in noms_de(connexion, ids).items()}
    resultat = []
    for ligne in lignes:
        if ligne.decision is None:
            statut = "en_attente"
        elif ligne.decision == TypeEtape.ORIENTATION_ACCEPTEE.value:
            statut = "acceptee"
        else:
            # handled: the sender recorded a new orientation or a waiver after reading the refusal (log order, not business dates)
            apres = [position for position, step_id in suites.get(ligne.parcours_id, [])
                     if position > ligne.decidee_a and step_id != ligne.step_id]
            statut = "traitee" if apres else "refusee"
        prenom, nom = noms.get(ligne.parcours_id, ("", ""))
        resultat.append({
            "step_id": ligne.step_id, "parcours_id": ligne.parcours_id, "personne": f"{prenom} {nom}".strip() or "personne effacée",
            "le": ligne.occurred_on, "type": ligne.type, "vers": ligne.vers, "statut": statut, "decidee_le": ligne.decidee_le,
            "motif": (motifs.get(ligne.decision_id) or {}).get("motif") if ligne.decision_id else None,
        })
    return resultat


def _date(nom: str) -> date | None:
    try:
        return date.fromisoformat(request.args[nom]) if request.args.get(nom) else None
    except ValueError:
        return None


@bp.get("/orientations/envoyees")
@connexion_requise
def liste() -> Any:
    """The sender's orientations and what became of them, filtered and paged."""
    acteur = g.acteur
    if acteur.copil:
        raise AccesRefuseError("le comité de pilotage ne consulte que des données agrégées.")
    criteres = {cle: request.args.get(cle, "") for cle in ("statut", "type", "vers", "du", "au")}
    with services().lectures.connect() as connexion:
        toutes = _lignes(connexion, acteur.operateur)
    destinataires = sorted({o["vers"] for o in toutes if o["vers"]})
    comptes = {statut: sum(1 for o in toutes if o["statut"] == statut) for statut in STATUTS}
    du, au = _date("du"), _date("au")
    choisies = [o for o in toutes
                if (not criteres["statut"] or o["statut"] == criteres["statut"])
                and (not criteres["type"] or o["type"] == criteres["type"])
                and (not criteres["vers"] or o["vers"] == criteres["vers"])
                and (du is None or o["le"] >= du) and (au is None or o["le"] <= au)]
    pages = max(1, -(-len(choisies) // PAR_PAGE))
    page = min(max(1, request.args.get("page", 1, type=int) or 1), pages)
    return render_template("ui/orientations_envoyees.html", lignes=choisies[(page - 1) * PAR_PAGE: page * PAR_PAGE], total=len(choisies),
                           page=page, pages=pages, criteres=criteres, statuts=STATUTS, types=TYPES, destinataires=destinataires,
                           comptes=comptes)

"""Orientations, for the receiver and the sender (CONTRACT §9).

Received orientations to accept (opening the support episode, programme proposed) or decline with a
reason; the declines the sender reads; « Suivi des orientations » (what became of each orientation sent
or received: answer, registration, first appointment, diagnostic, intake, entry and exit, delays, alerts)
and, on a person's page, what became of theirs; « Orientations envoyées » with their statuses (en attente,
acceptée, refusée, traitée), filters, pages of 25 and « Ré-orienter » from a refusal."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from parcours.dates import age_revolu
from parcours.vocabulaire import Programme, TypeEtape, TypeOperateur
from projections import tables as t
from projections.faits import champs
from projections.identites import noms as noms_de
from projections.identites import noms_complets
from projections.identites import personne as identite_de
from projections.requetes import listes_de_travail, resume
from projections.suivi_orientations import (
    Devenir,
    devenir_des_orientations,
    orientations_recues,
    suivi_des_orientations,
)
from web.acces import AccesRefuseError, exiger_personne_visible
from web.auth import connexion_requise
from web.deps import aujourdhui, parcours, services
from web.pages.commun import acteur_courant, refuser_au_copil
from web.pages.dossier import enregistrer, succes
from web.pages.formulaires import erreurs_par_champ, libelle_valeur
from web.pages.noms import nommer
from web.pages.preremplissage import programme_par_defaut

bp = Blueprint("orientations", __name__)

# Hand-over ------------------------------------------------------------------------------------------


def _orientations(erreur: str | None = None, erreur_pour: str | None = None, motif: str = "", statut: int = 200) -> Any:
    with services().lectures.connect() as connexion:
        attente = listes_de_travail(connexion, acteur_courant().operateur, aujourdhui(), nommer,
                                    seulement=["orientations_en_attente"])["orientations_en_attente"]
    recues = [o for o in attente if o["sens"] == "recue"]
    for o in recues:
        o["programme"] = _programme_propose(o["parcours_id"]) if o["type"] == TypeEtape.ORIENTATION_SPE.value else None
    return render_template("ui/orientations.html", recues=recues, programmes=[(p, libelle_valeur(p)) for p in Programme.valeurs()],
                           envoyees=[o for o in attente if o["sens"] == "envoyee"], refusees=_refus_recus(),
                           erreur=erreur, erreur_pour=erreur_pour, motif=motif), statut


@bp.get("/orientations")
@connexion_requise
def recues() -> Any:
    """Orientations received (accept, or decline with a reason), sent and still unanswered, and declined."""
    refuser_au_copil()
    return _orientations()


def _programme_propose(parcours_id: str) -> str:
    """The programme a received orientation opens, from this operator's kind and the person's age."""
    with services().lectures.connect() as connexion:
        identite = identite_de(connexion, str(parcours_id))
    naissance = identite["date_naissance"] if identite else None
    operateur = parcours().operateur(acteur_courant().operateur)
    return programme_par_defaut(operateur.type if operateur else None, age_revolu(naissance, aujourdhui()) if naissance else None)


def _refus_recus() -> list[dict[str, Any]]:
    """Declines of orientations this operator sent (OFII sees them in its own list)."""
    refus, orientation, e = t.fait.alias("refus"), t.fait.alias("orientation"), t.etape
    with services().lectures.connect() as connexion:
        lignes = connexion.execute(
            sa.select(refus.c.parcours_id, refus.c.occurred_on, refus.c.operateur, e.c.donnees)
            .join(orientation, sa.and_(orientation.c.step_id == champs(refus, TypeEtape.ORIENTATION_REFUSEE).orientation,
                                       orientation.c.pos_fin.is_(None)))
            .join(e, e.c.step_id == refus.c.step_id)
            .where(refus.c.type == TypeEtape.ORIENTATION_REFUSEE.value, refus.c.pos_fin.is_(None),
                   orientation.c.operateur == acteur_courant().operateur)
            .order_by(refus.c.occurred_on.desc())
            .limit(50)
        ).all()
        noms = noms_complets(connexion, {ligne.parcours_id for ligne in lignes})
    return [{"parcours_id": ligne.parcours_id, "le": ligne.occurred_on, "par": ligne.operateur, "motif": ligne.donnees.get("motif"),
             "personne": noms.get(ligne.parcours_id, "")} for ligne in lignes]


@bp.post("/orientations/<uuid:orientation_id>/decision")
@connexion_requise
def decider(orientation_id: UUID) -> Any:
    """Accept (then open the person's page) or decline with a reason (then back to the list)."""
    refuser_au_copil()
    with services().lectures.connect() as connexion:
        orientation = connexion.execute(sa.select(t.etape.c.parcours_id, t.etape.c.type).where(t.etape.c.step_id == str(orientation_id))).first()
        if orientation is None:
            abort(404)
        parcours_id, type_orientation = orientation
        exiger_personne_visible(connexion, acteur_courant(), parcours_id)
    accepte = request.form.get("decision") == "accepter"
    programme = request.form.get("programme") or _programme_propose(parcours_id)
    if accepte and type_orientation == TypeEtape.ORIENTATION_SPE.value and programme not in Programme.valeurs():
        return _orientations("Programme de l'accompagnement : choisissez un programme de la liste.", str(orientation_id), "", 422)
    donnees = {"orientation_step_id": str(orientation_id)}
    motif = (request.form.get("motif") or "").strip()
    if not accepte and motif:
        donnees["motif"] = motif
    issue = enregistrer(TypeEtape.ORIENTATION_ACCEPTEE if accepte else TypeEtape.ORIENTATION_REFUSEE, parcours_id, donnees,
                         aujourdhui().isoformat(), request.form.get("step_id") or str(uuid.uuid4()))
    if issue.resultat is None:
        par_champ, generales = erreurs_par_champ(issue.erreurs, libelles={"motif": "Motif du refus"})
        messages = [f"Motif du refus : {m}" for m in par_champ.get("motif", [])] + generales
        return _orientations(" ".join(messages), str(orientation_id), motif, issue.statut)
    if not accepte:
        flash(f"Orientation refusée ({motif}) : la structure qui l'a envoyée le voit dans ses orientations envoyées.", "succes")
        return redirect(url_for("orientations.recues"), code=303)
    if type_orientation == TypeEtape.ORIENTATION_AGIR.value:
        flash("Orientation acceptée. Enregistrez maintenant l'entrée dans AGIR : les volets sont proposés, la date est celle du jour.", "succes")
        return redirect(url_for("dossier.nouvelle_etape", parcours_id=parcours_id, type=TypeEtape.AGIR_ENTREE.value), code=303)
    return _ouvrir_l_accompagnement(parcours_id, programme)


def _ouvrir_l_accompagnement(parcours_id: str, programme: str) -> Any:
    """Accepting an orientation opens the receiver's support episode, unless one is already open there."""
    with services().lectures.connect() as connexion:
        synthese = resume(connexion, parcours_id, acteur_courant().operateur, aujourdhui())
    if synthese and any(e["operateur"] == acteur_courant().operateur for e in synthese["emploi"]["episodes_ouverts"]):
        return succes(parcours_id, message="Orientation acceptée. Un accompagnement est déjà en cours dans votre structure : il continue.")
    issue = enregistrer(TypeEtape.ACCOMPAGNEMENT_EMPLOI_DEBUTE, parcours_id, {"programme": programme}, aujourdhui().isoformat(), str(uuid.uuid4()))
    if issue.resultat is None:
        _, generales = erreurs_par_champ(issue.erreurs, libelles={"programme": "Programme"})
        flash("Orientation acceptée, mais l'accompagnement n'a pas pu être ouvert : " + " ".join(generales or ["voir le formulaire."]), "attention")
        return redirect(url_for("dossier.nouvelle_etape", parcours_id=parcours_id, type=TypeEtape.ACCOMPAGNEMENT_EMPLOI_DEBUTE.value,
                                programme=programme), code=303)
    return succes(parcours_id, message=f"Orientation acceptée. Accompagnement ouvert le {aujourdhui():%d/%m/%Y} : {libelle_valeur(programme)} "
                   "(à corriger dans la chronologie si besoin).")


# What became of the orientations (CONTRACT §9) -------------------------------------------------------

PERIODE_PAR_DEFAUT = timedelta(days=365)
FILTRES = {
    "": "Toutes",
    "alertes": "Avec une alerte",
    "sans_rdv": "Acceptées, sans premier rendez-vous 30 jours après",
    "spe": "Service public de l'emploi",
    "agir": "AGIR",
}


@bp.app_template_global("devenir_des_orientations")
def _devenir_des_orientations(parcours_id: str) -> list[Devenir]:
    """For the person page (already checked visible): the person's orientations and what became of them."""
    with services().lectures.connect() as connexion:
        return devenir_des_orientations(connexion, str(parcours_id), aujourdhui())


@bp.get("/suivi-orientations")
@connexion_requise
def suivi() -> Any:
    acteur = g.acteur
    if acteur.copil:
        raise AccesRefuseError("le comité de pilotage ne consulte que des données agrégées.")
    operateur = parcours().operateur(acteur.operateur)
    ofii = operateur is not None and operateur.type is TypeOperateur.OFII
    jour = aujourdhui()
    erreur = None
    try:
        depuis = date.fromisoformat(request.args["depuis"]) if request.args.get("depuis") else jour - PERIODE_PAR_DEFAUT
    except ValueError:
        depuis, erreur = jour - PERIODE_PAR_DEFAUT, "Date « depuis » invalide : format AAAA-MM-JJ attendu."
    filtre = request.args.get("filtre", "")
    if filtre not in FILTRES:
        filtre = ""
    with services().lectures.connect() as connexion:
        if ofii:
            devenirs = suivi_des_orientations(connexion, acteur.operateur, jour, depuis)
        else:
            devenirs = orientations_recues(connexion, acteur.operateur, jour, depuis)
    sans_rdv = [d for d in devenirs if "pas de premier rendez-vous 30 jours après l'acceptation" in d.alertes]
    affiches = {
        "": devenirs,
        "alertes": [d for d in devenirs if d.alertes],
        "sans_rdv": sans_rdv,
        "spe": [d for d in devenirs if not d.agir],
        "agir": [d for d in devenirs if d.agir],
    }[filtre]
    return render_template("suivi/orientations.html", devenirs=affiches, total=len(devenirs), sans_rdv=sans_rdv, ofii=ofii,
                           depuis=depuis, filtre=filtre, filtres=FILTRES, erreur=erreur), 422 if erreur else 200


@bp.get("/personnes/<uuid:parcours_id>/orientations")
@connexion_requise
def devenir_personne(parcours_id: Any) -> Any:
    """The fragment of the person page, also reachable on its own (htmx refresh)."""
    with services().lectures.connect() as connexion:
        exiger_personne_visible(connexion, g.acteur, parcours_id)
        devenirs = devenir_des_orientations(connexion, str(parcours_id), aujourdhui())
    parcours().journaliser_consultation(g.acteur.login, g.acteur.operateur, parcours_id, "ui:devenir_orientations")
    return render_template("suivi/_devenir.html", devenirs=devenirs)


# Orientations sent --------------------------------------------------------------------------------------

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
def envoyees() -> Any:
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

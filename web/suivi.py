"""The return of the receiving operators to OFII (CONTRACT §9): « Suivi des orientations » and, on a
person's page, what became of each of their orientations.

An OFII directorate sees the orientations it sent (SPE and AGIR): answer, registration, first
appointment, diagnostic, intake, entry and exit, the delays, and those with no first appointment 30
days after the acceptance; another operator sees the orientations it received. Aggregated reading
only: nothing is written here. Must not import `web.ui`.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Blueprint, g, render_template, request

from parcours.vocabulaire import TypeOperateur
from projections.suivi_orientations import Devenir, devenir_des_orientations, orientations_recues, suivi_des_orientations
from web.acces import AccesRefuseError, exiger_personne_visible
from web.auth import connexion_requise
from web.deps import aujourdhui, parcours, services

bp = Blueprint("suivi", __name__)

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
def orientations() -> Any:
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

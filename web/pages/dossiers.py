"""Pages: asking for a file another structure follows, and answering such a request.

A caseworker who finds, while registering someone, that the person already has a file its structure
does not follow asks for it from the duplicate warning; the structures that follow the file see the
request on their worklists and hand the file over or decline. Must not import `web.pages.dossier` or `web.api.routes`.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, flash, g, redirect, request, url_for
from flask_htmx import make_response as reponse_htmx

from parcours.comptes import Portee
from parcours.demandes import DemandeDossierError, MotifDemande, MotifRefusDemande
from projections.demandes_dossier import LIBELLES_STATUTS, demandes_envoyees, demandes_recues, operateurs_impliques
from web.acces import AccesRefuseError, Acteur
from web.auth import connexion_requise
from web.deps import parcours, services
from web.pages.noms import nom_operateur

bp = Blueprint("dossiers", __name__)

MOTIFS_DEMANDE = {motif.value: motif.libelle for motif in MotifDemande}
MOTIFS_REFUS = {motif.value: motif.libelle for motif in MotifRefusDemande}


def _acteur_qui_ecrit() -> Acteur:
    acteur: Acteur = g.acteur
    if acteur.copil:
        raise AccesRefuseError("le comité de pilotage ne demande ni n'adresse de dossier.")
    acteur.exiger_portee(Portee.ECRITURE)
    return acteur


def _motif(nom: str, enumeration: Any, libelle_du_champ: str) -> Any:
    valeur = request.form.get(nom, "")
    try:
        return enumeration(valeur)
    except ValueError:
        raise DemandeDossierError(f"choisissez un motif dans la liste ({libelle_du_champ}).", nom) from None


def _vers_l_accueil(message: str, categorie: str = "succes") -> Any:
    flash(message, categorie)
    cible = url_for("dossier.accueil")
    if request.headers.get("HX-Request"):
        return reponse_htmx("", redirect=cible)
    return redirect(cible, code=303)


def _qui_suit(parcours_id: str) -> str:
    with services().lectures.connect() as connexion:
        return ", ".join(sorted(nom_operateur(o) for o in operateurs_impliques(connexion, parcours_id))) or "la structure qui le suit"


@bp.post("/personnes/<uuid:parcours_id>/demande-de-dossier")
@connexion_requise
def demander(parcours_id: UUID) -> Any:
    """From the duplicate warning: ask the structures that follow this file to hand it over."""
    acteur = _acteur_qui_ecrit()
    try:
        motif = _motif("motif_demande", MotifDemande, "motif de la demande")
        resultat = parcours().demander_dossier(parcours_id, acteur.operateur, acteur.login, motif)
    except DemandeDossierError as erreur:
        return _vers_l_accueil(f"Demande non envoyée : {erreur.message}", "attention")
    services().rattraper()
    suivi_par = _qui_suit(str(parcours_id))
    if resultat == "en_cours":
        return _vers_l_accueil(f"Votre demande est déjà en attente auprès de {suivi_par}.", "info")
    return _vers_l_accueil(f"Demande de dossier envoyée à {suivi_par}. Vous la suivez dans « Mes demandes de dossier » ; "
                           "le dossier apparaîtra dans vos listes dès qu'il vous sera adressé.")


@bp.post("/personnes/<uuid:parcours_id>/demande-de-dossier/<demandeur>/adresser")
@connexion_requise
def adresser(parcours_id: UUID, demandeur: str) -> Any:
    acteur = _acteur_qui_ecrit()
    try:
        parcours().adresser_dossier(parcours_id, demandeur, acteur.operateur, acteur.login)
    except DemandeDossierError as erreur:
        return _vers_l_accueil(f"Dossier non adressé : {erreur.message}", "attention")
    services().rattraper()
    return _vers_l_accueil(f"Dossier adressé à {nom_operateur(demandeur)} : cette structure peut désormais le consulter et y "
                           "enregistrer ses étapes.")


@bp.post("/personnes/<uuid:parcours_id>/demande-de-dossier/<demandeur>/decliner")
@connexion_requise
def decliner(parcours_id: UUID, demandeur: str) -> Any:
    acteur = _acteur_qui_ecrit()
    try:
        motif = _motif("motif_refus", MotifRefusDemande, "motif du refus")
        parcours().decliner_demande(parcours_id, demandeur, acteur.operateur, acteur.login, motif)
    except DemandeDossierError as erreur:
        return _vers_l_accueil(f"Réponse non enregistrée : {erreur.message}", "attention")
    services().rattraper()
    return _vers_l_accueil(f"Demande de {nom_operateur(demandeur)} déclinée.")


def pour_l_accueil(connexion: Any, operateur: str) -> dict[str, Any]:
    """What the worklists page shows of the requests: those to answer, and the operator's own."""
    return {"demandes_recues": demandes_recues(connexion, operateur), "demandes_envoyees": demandes_envoyees(connexion, operateur),
            "motifs_demande": MOTIFS_DEMANDE, "motifs_refus": MOTIFS_REFUS, "statuts_demande": LIBELLES_STATUTS}

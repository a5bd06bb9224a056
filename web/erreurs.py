"""Errors to HTTP, in one place: JSON with a stable `code` for the API, a French page for the UI.

No stack trace ever reaches a client; unexpected errors are logged server-side.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from parcours.erreurs import (
    ConflitEcritureError,
    EtapeRejeteeError,
    OperateurInconnuError,
    ParcoursError,
    PersonneInconnueError,
    StepIdReutiliseError,
)
from web.acces import AccesRefuseError, IntrouvableError
from web.saisie.schemas import EtapeInvalideError

CODES_HTTP = {
    400: "requete_invalide",
    401: "authentification_requise",
    403: "acces_refuse",
    404: "introuvable",
    405: "methode_non_permise",
    409: "conflit",
    410: "personne_effacee",
    413: "requete_trop_volumineuse",
    415: "type_de_contenu_non_pris_en_charge",
    422: "donnees_invalides",
    429: "trop_de_requetes",
    500: "erreur_interne",
}


MESSAGES_DES_PAGES = {
    400: "La demande n'a pas pu être traitée : rechargez la page et recommencez.",
    401: "Connectez-vous pour accéder à cette page.",
    403: "Votre compte ne permet pas d'accéder à cette page.",
    404: "Page introuvable : l'adresse ne correspond à aucune page, ou à un dossier que votre structure ne suit pas.",
    405: "Cette adresse ne s'utilise pas ainsi : revenez à la page précédente et utilisez ses boutons.",
    410: "Les données de cette personne ont été effacées.",
    413: "L'envoi est trop volumineux.",
    500: "Erreur interne : rien n'a été enregistré par cette action ; l'équipe a été prévenue. Réessayez dans un instant.",
}
"""What a page says for each status when the error carries no French message of its own."""

TITRES_DES_PAGES = {400: "Demande invalide", 401: "Connexion requise", 403: "Accès refusé", 404: "Page introuvable",
                    405: "Action non permise", 409: "Enregistrement impossible", 410: "Données effacées", 413: "Envoi trop volumineux",
                    422: "Données invalides", 429: "Trop de requêtes", 500: "Erreur interne"}


def statut_et_code(erreur: Exception) -> tuple[int, str]:
    """The HTTP status and stable code of a domain or access error."""
    if isinstance(erreur, EtapeInvalideError):
        return 422, "donnees_invalides"
    if isinstance(erreur, OperateurInconnuError):
        return 422, "operateur_inconnu"
    if isinstance(erreur, PersonneInconnueError):
        return 404, "personne_inconnue"
    if isinstance(erreur, StepIdReutiliseError):
        return 409, "step_id_reutilise"
    if isinstance(erreur, ConflitEcritureError):
        return 409, "conflit_ecriture"
    if isinstance(erreur, EtapeRejeteeError):
        return 409, "regle_metier"
    if isinstance(erreur, IntrouvableError):
        return 404, "introuvable"
    if isinstance(erreur, AccesRefuseError):
        return 403, "acces_refuse"
    return 409, "conflit"


def corps_json(erreur: Exception) -> dict[str, Any]:
    statut, code = statut_et_code(erreur)
    corps: dict[str, Any] = {"code": code, "message": _message(erreur)}
    if isinstance(erreur, EtapeInvalideError):
        corps["erreurs"] = erreur.erreurs
    elif isinstance(erreur, ParcoursError) and erreur.champ:
        corps["erreurs"] = {erreur.champ: [erreur.message]}
    return corps


def _message(erreur: Exception) -> str:
    if isinstance(erreur, IntrouvableError):
        return "Ressource introuvable."
    if isinstance(erreur, EtapeInvalideError):
        return "Données invalides : voir le détail par champ."
    return str(erreur)


MESSAGES_HTTP = {
    400: "Requête invalide.",
    401: "Authentification requise.",
    403: "Accès refusé.",
    404: "Ressource introuvable.",
    405: "Méthode non permise sur cette adresse.",
    406: "Format de réponse non disponible.",
    409: "Conflit.",
    413: "Requête trop volumineuse (4 Mo au plus).",
    414: "Adresse trop longue.",
    415: "Type de contenu non pris en charge : envoyez du JSON (application/json).",
    431: "En-têtes trop volumineux.",
}
"""Werkzeug's own descriptions are English: a French one for every status it raises by itself."""


def _message_http(erreur: HTTPException) -> str:
    """The description the application gave (French), else the French message of the status."""
    statut = erreur.code or 500
    if erreur.description and erreur.description != type(erreur).description:
        return erreur.description
    return MESSAGES_HTTP.get(statut, "Requête invalide.")


def pour_api() -> bool:
    return request.path.startswith("/api/")


def installer(app: Flask) -> None:
    app.jinja_env.globals["titres_des_erreurs"] = TITRES_DES_PAGES
    @app.errorhandler(ParcoursError)
    @app.errorhandler(IntrouvableError)
    @app.errorhandler(AccesRefuseError)
    def _domaine(erreur: Exception) -> Any:
        statut, _ = statut_et_code(erreur)
        if pour_api():
            return jsonify(corps_json(erreur)), statut
        message = MESSAGES_DES_PAGES[404] if isinstance(erreur, IntrouvableError) else _message(erreur)
        return render_template("erreur.html", statut=statut, message=message), statut

    @app.errorhandler(HTTPException)
    def _http(erreur: HTTPException) -> Any:
        statut = erreur.code or 500
        message = _message_http(erreur) if statut < 500 else "Erreur interne."
        if not pour_api() and (statut >= 500 or erreur.description == type(erreur).description):
            message = MESSAGES_DES_PAGES.get(statut, message)  # werkzeug's own wording is English
        if statut == 429:
            message = f"Trop de requêtes (limite : {erreur.description}) : réessayez après le délai indiqué par Retry-After."
        if pour_api():
            reponse = jsonify({"code": CODES_HTTP.get(statut, "erreur"), "message": message})
            for entete in ("Retry-After", "Allow"):
                if erreur.get_response().headers.get(entete):
                    reponse.headers[entete] = erreur.get_response().headers[entete]
            return reponse, statut
        return render_template("erreur.html", statut=statut, message=message), statut

    @app.errorhandler(Exception)
    def _inattendue(erreur: Exception) -> Any:
        app.logger.exception("Erreur inattendue sur %s %s", request.method, request.path)
        if pour_api():
            return jsonify({"code": "erreur_interne", "message": "Erreur interne."}), 500
        return render_template("erreur.html", statut=500, message=MESSAGES_DES_PAGES[500]), 500

"""Logging in and out: sessions bound to a user of one operator, with lockout after repeated failures.

Five failed attempts in a row lock the account for 15 minutes (each failure is an event of the
account, so the lockout holds across processes). Must not import `web.ui` or `web.api`.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import wraps
from typing import Any, Callable

import sqlalchemy as sa
from flask import Blueprint, Flask, g, redirect, render_template, request, session, url_for

from parcours.comptes import Utilisateur
from projections import tables as t
from web.acces import Acteur, acteur_de_session
from web.deps import parcours, services
from web.securite import verifier_mot_de_passe

bp = Blueprint("auth", __name__)

ECHECS_AVANT_VERROU = 5
DUREE_VERROU = timedelta(minutes=15)
MESSAGE_ECHEC = "Identifiant ou mot de passe incorrect."


def installer(app: Flask) -> None:
    @app.before_request
    def _charger_acteur() -> None:
        g.acteur = None
        login = session.get("login")
        if login:
            with services().lectures.connect() as connexion:
                g.acteur = acteur_de_session(connexion, login)
            if g.acteur is None:
                session.clear()


def connexion_requise(vue: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(vue)
    def envelopper(*args: Any, **kwargs: Any) -> Any:
        if g.get("acteur") is None:
            return redirect(url_for("auth.connexion", suite=request.full_path))
        return vue(*args, **kwargs)

    return envelopper


def verrouille(ligne: Any, maintenant: datetime) -> bool:
    if ligne.echecs_consecutifs < ECHECS_AVANT_VERROU or ligne.dernier_echec is None:
        return False
    dernier = ligne.dernier_echec if ligne.dernier_echec.tzinfo else ligne.dernier_echec.replace(tzinfo=timezone.utc)
    return maintenant - dernier < DUREE_VERROU


@bp.route("/connexion", methods=["GET", "POST"])
def connexion() -> Any:
    erreur = None
    login = request.form.get("login", "").strip()
    if request.method == "POST":
        with services().lectures.connect() as lecture:
            ligne = lecture.execute(sa.select(t.utilisateur).where(t.utilisateur.c.login == login)).first()
        maintenant = datetime.now(timezone.utc)
        if ligne is not None and ligne.actif and verrouille(ligne, maintenant):
            erreur = "Compte verrouillé après plusieurs échecs : réessayez dans 15 minutes."
        elif ligne is not None and ligne.actif and verifier_mot_de_passe(ligne.empreinte_mot_de_passe, request.form.get("mot_de_passe", "")):
            parcours().modifier_utilisateur(login, Utilisateur.noter_reussite)
            services().rattraper()
            session.clear()
            session["login"] = login
            session.permanent = True
            suite = request.args.get("suite", "")
            return redirect(suite if suite.startswith("/") and not suite.startswith("//") else url_for("ui.accueil"))
        else:
            if ligne is not None:
                parcours().modifier_utilisateur(login, Utilisateur.noter_echec)
                services().rattraper()
            erreur = MESSAGE_ECHEC
    statut = 401 if erreur else 200
    return render_template("auth/connexion.html", erreur=erreur, login=login), statut


@bp.post("/deconnexion")
def deconnexion() -> Any:
    session.clear()
    return redirect(url_for("auth.connexion"))


def acteur_courant() -> Acteur | None:
    return g.get("acteur")

"""Logging in and out: sessions bound to a user of one operator, with lockout after repeated failures.

Five failed attempts in a row lock the account for 15 minutes (each failure is an event of the
account, so the lockout holds across processes). Must not import `web.pages.dossier` or `web.api.routes`.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import wraps
from typing import Any, Callable
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, Flask, current_app, g, redirect, render_template, request, session, url_for

from parcours.comptes import Utilisateur
from projections import tables as t
from web.acces import Acteur, acteur_de_session
from web.deps import parcours, services
from web.securite import hacher_mot_de_passe, verifier_mot_de_passe

bp = Blueprint("auth", __name__)

ECHECS_AVANT_VERROU = 5
DUREE_VERROU = timedelta(minutes=15)
MESSAGE_ECHEC = "Identifiant ou mot de passe incorrect."
MESSAGE_VERROU = "Compte verrouillé après plusieurs échecs : réessayez dans 15 minutes."


def installer(app: Flask) -> None:
    @app.before_request
    def _charger_acteur() -> None:
        g.acteur = None
        login = session.get("login")
        if login:
            with services().lectures.connect() as connexion:
                g.acteur = acteur_de_session(connexion, login, session.get("ouverte_le"))
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


EMPREINTE_FACTICE = hacher_mot_de_passe("mot-de-passe-facticE-1")
"""Checked against when the login is unknown, so that the answer takes as long as for a known one."""
INCONNUS_MAX = 10_000
"""Unknown logins whose failures a process remembers (the oldest is forgotten first)."""


def _echec_inconnu(login: str, maintenant: datetime) -> bool:
    """Note a failure on an unknown (or deactivated) login; whether it is "locked" like an account would be.

    Counted in the application's memory, like a known account's failures, so that a lockout tells nothing."""
    _echecs_inconnus: dict[str, tuple[int, datetime]] = current_app.extensions.setdefault("echecs_inconnus", {})
    nombre, dernier = _echecs_inconnus.get(login, (0, maintenant))
    if maintenant - dernier >= DUREE_VERROU:
        nombre = 0
    if nombre >= ECHECS_AVANT_VERROU:
        return True  # locked: like an account's, the attempt is not counted and does not extend the lock
    if len(_echecs_inconnus) >= INCONNUS_MAX and login not in _echecs_inconnus:
        _echecs_inconnus.pop(next(iter(_echecs_inconnus)))
    _echecs_inconnus[login] = (nombre + 1, maintenant)
    return False


def suite_sure(suite: str) -> str | None:
    """`suite` if it is a path of this site, else None: no scheme, no host, no `//` or `/\\` however disguised
    (a tab or a newline that browsers drop, a backslash they read as a slash)."""
    if not suite.startswith("/") or any(not c.isprintable() or c.isspace() or c == "\\" for c in suite):
        return None
    decoupe = urlsplit(suite)
    if decoupe.scheme or decoupe.netloc or suite.startswith("//"):
        return None
    return suite


@bp.route("/connexion", methods=["GET", "POST"])
def connexion() -> Any:
    erreur = None
    login = request.form.get("login", "").strip()
    if request.method == "POST":
        with services().lectures.connect() as lecture:
            ligne = lecture.execute(sa.select(t.utilisateur).where(t.utilisateur.c.login == login)).first()
        maintenant = datetime.now(timezone.utc)
        mot_de_passe = request.form.get("mot_de_passe", "")
        if ligne is None or not ligne.actif:
            verifier_mot_de_passe(EMPREINTE_FACTICE, mot_de_passe)
            verrou = _echec_inconnu(login, maintenant)
            erreur = MESSAGE_VERROU if verrou else MESSAGE_ECHEC
        elif verrouille(ligne, maintenant):
            erreur = MESSAGE_VERROU
        elif verifier_mot_de_passe(ligne.empreinte_mot_de_passe, mot_de_passe):
            parcours().modifier_utilisateur(login, Utilisateur.noter_reussite)
            services().rattraper()
            session.clear()
            session["login"] = login
            session["ouverte_le"] = maintenant.timestamp()
            session.permanent = True
            return redirect(suite_sure(request.args.get("suite", "")) or url_for("dossier.accueil"))
        else:
            parcours().modifier_utilisateur(login, Utilisateur.noter_echec)
            services().rattraper()
            erreur = MESSAGE_ECHEC
    statut = 401 if erreur else 200
    return render_template("auth/connexion.html", erreur=erreur, login=login), statut


@bp.post("/deconnexion")
def deconnexion() -> Any:
    login = session.get("login")
    if login and g.get("acteur") is not None:
        # Recorded, so that the cookie of this session (or a copy of it) opens nothing any more.
        parcours().modifier_utilisateur(login, Utilisateur.deconnecter)
        services().rattraper()
    session.clear()
    return redirect(url_for("auth.connexion"))


def acteur_courant() -> Acteur | None:
    return g.get("acteur")

"""The caseworker pages (server-rendered, htmx for speed, every page works without JavaScript)."""

from __future__ import annotations

from flask import Blueprint, render_template

from web.auth import connexion_requise
from web.deps import parcours

bp = Blueprint("ui", __name__)


@bp.get("/")
@connexion_requise
def accueil() -> str:
    return render_template("accueil.html", position=parcours().recorder.max_notification_id() or 0)

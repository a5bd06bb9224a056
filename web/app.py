"""The Flask application factory: settings, services, security, the pages' blueprints and the API.

Imports the domain (`parcours`) and the read side (`projections`); the domain never imports this.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from flask import Flask
from flask_htmx import HTMX

from web.config import Reglages, construire_services, fraicheur_du_tableau

def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app; `test_config` may hold `REGLAGES` (a `Reglages`) and Flask settings."""
    app = Flask(__name__)
    reglages = (test_config or {}).get("REGLAGES") or Reglages.depuis_environnement()
    app.config.from_mapping(
        SECRET_KEY=reglages.cle_secrete_effective(),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=reglages.cookie_securise,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        MAX_CONTENT_LENGTH=4 * 1024 * 1024,
        PARCOURS_LIMITE_API=os.environ.get("PARCOURS_LIMITE_API", "1200 per minute"),
        PARCOURS_LIMITE_CONNEXION=os.environ.get("PARCOURS_LIMITE_CONNEXION", "30 per minute"),
        PARCOURS_TABLEAU_FRAICHEUR=fraicheur_du_tableau(os.environ.get("PARCOURS_TABLEAU_FRAICHEUR", "10")),
    )
    if test_config:
        app.config.update({k: v for k, v in test_config.items() if k != "REGLAGES"})
    app.extensions["parcours"] = construire_services(reglages)
    HTMX(app)

    from web import auth, erreurs, securite, statiques
    from web.api import routes as api
    from web.limites import limite_api, limite_connexion, nouveau_limiteur
    from web.pages import actions, commun, comptes, dossier, dossiers, noms, orientations, pilotage

    limiteur = nouveau_limiteur()
    limiteur.init_app(app)
    limiteur.limit(limite_api)(api.bp)
    securite.installer(app)
    statiques.installer(app)
    auth.installer(app)
    app.register_blueprint(auth.bp)
    for pages in (dossier, orientations, comptes, pilotage, actions, dossiers):
        app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    # The registered view must be the limiter's wrapper: decorating the function after the blueprint took
    # it would leave the login form unlimited.
    app.view_functions["auth.connexion"] = limiteur.limit(limite_connexion, methods=["POST"])(app.view_functions["auth.connexion"])
    erreurs.installer(app)
    commun.installer(app)
    noms.installer(app)
    return app

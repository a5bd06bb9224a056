"""The web side of Parcours: Flask app factory, pages, JSON API and the `parcours` CLI.

Imports the domain (`parcours`) and the read side (`projections`); the domain never imports this.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, render_template

from web.config import Reglages, construire_services


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app; `test_config` may hold `REGLAGES` (a `Reglages`) and Flask settings."""
    app = Flask(__name__)
    reglages = (test_config or {}).get("REGLAGES") or Reglages.depuis_environnement()
    app.config.from_mapping(SECRET_KEY=reglages.cle_secrete or "dev-uniquement-pas-en-production")
    if test_config:
        app.config.update(test_config)
    services = construire_services(reglages)
    app.extensions["parcours"] = services

    @app.get("/")
    def accueil() -> str:
        return render_template("accueil.html", position=services.parcours.recorder.max_notification_id() or 0)

    return app

"""Rate limits: per API token on `/api/v1`, per address on the login form (429 with Retry-After)."""

from __future__ import annotations

import os

from flask import current_app, request
from flask_limiter import Limiter

from web.securite import empreinte_jeton


def cle_de_limite() -> str:
    """The token's fingerprint for API calls (each partner has its own budget), else the client address."""
    schema, _, jeton = request.headers.get("Authorization", "").partition(" ")
    if schema.lower() == "bearer" and jeton:
        return "jeton:" + empreinte_jeton(jeton.strip())
    return "adresse:" + (request.remote_addr or "inconnue")


limiter = Limiter(
    key_func=cle_de_limite,
    headers_enabled=True,
    storage_uri=os.environ.get("PARCOURS_RATELIMIT_STORAGE", "memory://"),
)


def limite_api() -> str:
    return current_app.config.get("PARCOURS_LIMITE_API", "1200 per minute")


def limite_connexion() -> str:
    return current_app.config.get("PARCOURS_LIMITE_CONNEXION", "30 per minute")

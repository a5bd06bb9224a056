"""Rate limits: per API token on `/api/v1`, per address on the login form (429 with Retry-After)."""

from __future__ import annotations

import os
import time

from flask import current_app, request
from flask_limiter import Limiter
from limits.storage import MemoryStorage

from web.securite import empreinte_jeton


class MemoireSansMinuterie(MemoryStorage):
    """limits' `memory://`, minus the timer thread it starts on every hit once the last one has ended
    (most API requests, each paying a thread start). Expired windows are still ignored when read;
    the dead keys are swept by the requests themselves, at most once a second."""

    STORAGE_SCHEME = ["parcours-memoire"]

    _prochain_balayage = 0.0

    def _MemoryStorage__schedule_expiry(self) -> None:
        maintenant = time.monotonic()
        if maintenant >= self._prochain_balayage:
            self._prochain_balayage = maintenant + 1.0
            self._MemoryStorage__expire_events()  # type: ignore[attr-defined]


def _stockage() -> str:
    stockage = os.environ.get("PARCOURS_RATELIMIT_STORAGE") or "memory://"
    return "parcours-memoire://" if stockage == "memory://" else stockage


def cle_de_limite() -> str:
    """The token's fingerprint for API calls (each partner has its own budget), else the client address."""
    schema, _, jeton = request.headers.get("Authorization", "").partition(" ")
    if schema.lower() == "bearer" and jeton:
        return "jeton:" + empreinte_jeton(jeton.strip())
    return "adresse:" + (request.remote_addr or "inconnue")


def nouveau_limiteur() -> Limiter:
    """One limiter per application: its counters (in memory by default) are that application's own."""
    return Limiter(key_func=cle_de_limite, headers_enabled=True, storage_uri=_stockage())


def limite_api() -> str:
    return current_app.config.get("PARCOURS_LIMITE_API", "1200 per minute")


def limite_connexion() -> str:
    return current_app.config.get("PARCOURS_LIMITE_CONNEXION", "30 per minute")

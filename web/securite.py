"""Secrets and defences of the web side: password hashes, API tokens, CSRF, security headers.

Passwords are hashed with argon2id; API tokens are random and only their SHA-256 is stored; every
state-changing form carries a CSRF token bound to the session; every response carries a strict
Content-Security-Policy (no inline script, no third-party origin). Must not import `web.pages.dossier` or `web.api.routes`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from typing import Any

from flask import Flask, Response, abort, request, session
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest

from parcours.saisie import caractere_interdit, message_caractere

LONGUEUR_MIN_MOT_DE_PASSE = 12
PREFIXE_JETON = "prc_"
CHAMP_CSRF = "csrf_token"
ENTETE_CSRF = "X-CSRFToken"

_hacheur = PasswordHasher()

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def hacher_mot_de_passe(mot_de_passe: str) -> str:
    return _hacheur.hash(mot_de_passe)


def verifier_mot_de_passe(empreinte: str, mot_de_passe: str) -> bool:
    try:
        return _hacheur.verify(empreinte, mot_de_passe)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def faiblesses(mot_de_passe: str, login: str = "") -> list[str]:
    """Why a password is refused (empty when it is acceptable), in French."""
    raisons = []
    if len(mot_de_passe) < LONGUEUR_MIN_MOT_DE_PASSE:
        raisons.append(f"au moins {LONGUEUR_MIN_MOT_DE_PASSE} caractères")
    familles = [string.ascii_lowercase, string.ascii_uppercase, string.digits]
    presentes = sum(any(c in famille for c in mot_de_passe) for famille in familles)
    presentes += any(not c.isalnum() for c in mot_de_passe)
    if presentes < 3:
        raisons.append("au moins trois familles parmi minuscules, majuscules, chiffres et symboles")
    if login and login.lower() in mot_de_passe.lower():
        raisons.append("ne pas contenir l'identifiant")
    return raisons


def nouveau_jeton() -> str:
    """A partner's API token: shown once, never stored."""
    return PREFIXE_JETON + secrets.token_urlsafe(32)


def empreinte_jeton(jeton: str) -> str:
    return hashlib.sha256(jeton.encode()).hexdigest()


def jeton_csrf() -> str:
    """The session's CSRF token, created on first use (templates call it as `csrf_token()`)."""
    if CHAMP_CSRF not in session:
        session[CHAMP_CSRF] = secrets.token_urlsafe(32)
    return session[CHAMP_CSRF]


def verifier_csrf() -> None:
    attendu = session.get(CHAMP_CSRF)
    recu = request.form.get(CHAMP_CSRF) or request.headers.get(ENTETE_CSRF)
    if not attendu or not recu or not hmac.compare_digest(attendu, recu):
        abort(400, description="Jeton CSRF absent ou invalide : rechargez la page et recommencez.")


class JsonSansBalise(DefaultJSONProvider):
    """JSON whose text never holds `<`, `>` or `&`: inert even if a client mislabels it as HTML."""

    ensure_ascii = False
    sort_keys = False

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        texte = super().dumps(obj, **kwargs)
        return texte.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        # A body nested 100,000 levels deep exhausts the parser's recursion, a 5,000-digit integer exceeds
        # Python's conversion limit: both are bad requests, not server errors.
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise BadRequest("JSON trop profondément imbriqué.") from None
        except ValueError as erreur:
            raise BadRequest(f"JSON invalide : {_raison_json(erreur)}") from None


def _raison_json(erreur: ValueError) -> str:
    if "digits" in str(erreur):
        return "nombre trop long."
    return "syntaxe incorrecte."


def verifier_caracteres() -> None:
    """Refuse a query parameter or form field holding a control or invisible character (400, French).

    Step bodies are checked field by field by their schemas; this guards every other input of the web
    side (search, login, filters), which would otherwise reach PostgreSQL with a NUL and fail there.
    """
    # A query parameter is one line; a form field may be a note's text (line breaks allowed).
    sources = [("paramètre", request.args, False)]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        sources.append(("champ", request.form, True))
    for source, valeurs, multiligne in sources:
        for cle, valeur in valeurs.items(multi=True):
            caractere = caractere_interdit(cle) or caractere_interdit(valeur, multiligne=multiligne)
            if caractere is not None:
                nom = cle if caractere_interdit(cle) is None else "?"
                abort(400, description=f"{source} « {nom} » : {message_caractere(caractere)}")


def installer(app: Flask) -> None:
    """CSRF on every unsafe request outside the token-authenticated API, and the security headers."""
    app.json = JsonSansBalise(app)
    app.jinja_env.globals["csrf_token"] = jeton_csrf

    @app.before_request
    def _csrf() -> None:
        # No route for this method (405) or path (404): nothing to protect, and the answer must say so.
        if request.routing_exception is not None:
            return
        verifier_caracteres()
        if request.method in ("POST", "PUT", "PATCH", "DELETE") and not (request.blueprint or "").startswith("api"):
            verifier_csrf()

    @app.after_request
    def _entetes(reponse: Response) -> Response:
        reponse.headers.setdefault("Content-Security-Policy", CSP)
        reponse.headers["X-Content-Type-Options"] = "nosniff"
        reponse.headers["X-Frame-Options"] = "DENY"
        reponse.headers["Referrer-Policy"] = "same-origin"
        reponse.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if request.is_secure:
            reponse.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
        if request.endpoint and request.endpoint != "static":
            reponse.headers.setdefault("Cache-Control", "no-store")
        return reponse

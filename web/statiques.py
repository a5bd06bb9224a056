"""Static files (the vendored DSFR and htmx, the app's style sheet and scripts) kept by browsers for a day.

Every URL a page writes for one carries the file's content digest (`?v=…`): a release that changes a file changes
its URL, so browsers fetch it at once, and otherwise reuse what they have without asking again (a page no longer
revalidates its ten assets on each navigation). Files the DSFR's style sheet names itself (fonts, icons) have no
digest and are reused for at most a day. Must not import `web.pages`.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.security import safe_join

DUREE_DE_CACHE = 86_400
"""Seconds a browser keeps a static file without asking the server again."""


def installer(app: Flask) -> None:
    if app.config.get("SEND_FILE_MAX_AGE_DEFAULT") is None:  # Flask's default: revalidate on every use
        app.config["SEND_FILE_MAX_AGE_DEFAULT"] = DUREE_DE_CACHE
    dossier = str(app.static_folder)

    @functools.cache
    def empreinte(nom: str) -> str | None:
        chemin = safe_join(dossier, nom)
        if chemin is None or not Path(chemin).is_file():
            return None
        return hashlib.sha256(Path(chemin).read_bytes()).hexdigest()[:12]

    @app.url_defaults
    def _versionner(endpoint: str, valeurs: dict[str, Any]) -> None:
        if endpoint == "static" and "filename" in valeurs and "v" not in valeurs:
            if (version := empreinte(valeurs["filename"])) is not None:
                valeurs["v"] = version

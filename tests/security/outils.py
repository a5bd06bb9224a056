"""Helpers of the hardening tests: tokens, sessions, the scenario's people."""

from __future__ import annotations

import re
from uuid import uuid4

from parcours.comptes import Portee, Role
from tests.conftest import EMPREINTE, MOT_DE_PASSE
from tests.scenario import NUMERO_AMINA
from web.securite import empreinte_jeton, nouveau_jeton



def jeton_api(app, operateur: str, portees=(Portee.LECTURE, Portee.ECRITURE)) -> dict[str, str]:  # noqa: ANN001
    services = app.extensions["parcours"]
    secret = nouveau_jeton()
    services.parcours.creer_client_api(f"c-{uuid4().hex[:6]}", operateur, list(portees), empreinte_jeton(secret))
    services.rattraper()
    return {"Authorization": f"Bearer {secret}"}


def csrf(client, url: str = "/connexion") -> str:  # noqa: ANN001
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def utilisateur(app, login: str, role: Role, operateur: str) -> None:  # noqa: ANN001
    services = app.extensions["parcours"]
    services.parcours.creer_utilisateur(login, operateur, role, login, EMPREINTE)
    services.rattraper()


def session_de(app, login: str, role: Role, operateur: str):  # noqa: ANN001, ANN201
    utilisateur(app, login, role, operateur)
    client = app.test_client()
    reponse = client.post("/connexion", data={"csrf_token": csrf(client), "login": login, "mot_de_passe": MOT_DE_PASSE})
    assert reponse.status_code == 302, reponse.get_data(as_text=True)
    return client


def amina(app) -> str:  # noqa: ANN001
    return str(app.extensions["parcours"].parcours.trouver_par_numero(NUMERO_AMINA))


def journal(app) -> int:  # noqa: ANN001
    return app.extensions["parcours"].parcours.recorder.max_notification_id()

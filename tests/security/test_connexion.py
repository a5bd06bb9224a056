"""Issue 14, finding 7: login and sessions.

No open redirect after login; the login rate limit applies; a session cookie is worth nothing after its
logout; an unknown login answers like a known one (same work, same lockout), so logins cannot be enumerated.
On both backends.
"""

from __future__ import annotations

import time

import pytest

from parcours.comptes import Role
from tests.security.outils import MOT_DE_PASSE, csrf, utilisateur
from web.auth import suite_sure


@pytest.mark.parametrize("suite", ["/%09/evil.example", "/%0a/evil.example", "//evil.example", "/\\evil.example",
                                   "https://evil.example", "/%5cevil.example", "/%20/evil.example"])
def test_the_page_after_login_is_always_a_page_of_this_site(app_deux_bases, suite) -> None:
    app = app_deux_bases
    utilisateur(app, "agent-a", Role.AGENT, "ofii-dt-paris")
    client = app.test_client()
    reponse = client.post(f"/connexion?suite={suite}", data={"csrf_token": csrf(client), "login": "agent-a", "mot_de_passe": MOT_DE_PASSE})
    assert reponse.status_code in (302, 400), reponse.status_code
    if reponse.status_code == 302:
        cible = reponse.headers["Location"]
        assert cible.startswith("/") and not cible.startswith("//") and "evil" not in cible, cible


def test_a_path_of_this_site_is_kept_as_the_page_after_login() -> None:
    assert suite_sure("/personnes/abc?x=1") == "/personnes/abc?x=1"
    assert suite_sure("/\t/evil.example") is None and suite_sure("/\\evil") is None and suite_sure("//evil") is None


def test_the_login_form_is_rate_limited_per_address(app_deux_bases) -> None:
    app = app_deux_bases
    app.config["PARCOURS_LIMITE_CONNEXION"] = "5 per minute"
    client = app.test_client()
    jeton = csrf(client)
    statuts = [client.post("/connexion", data={"csrf_token": jeton, "login": f"x{n}", "mot_de_passe": "y"}).status_code
               for n in range(7)]
    assert statuts[:5] == [401] * 5 and statuts[5] == 429


def test_a_session_cookie_is_worth_nothing_after_its_logout(app_deux_bases) -> None:
    app = app_deux_bases
    utilisateur(app, "agent-b", Role.AGENT, "ofii-dt-paris")
    client = app.test_client()
    assert client.post("/connexion", data={"csrf_token": csrf(client), "login": "agent-b", "mot_de_passe": MOT_DE_PASSE}).status_code == 302
    cookie = client.get_cookie("session").value
    assert client.get("/").status_code == 200
    page = client.get("/").get_data(as_text=True)
    import re

    jeton = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/deconnexion", data={"csrf_token": jeton}).status_code == 302
    voleur = app.test_client()
    voleur.set_cookie("session", cookie)
    reponse = voleur.get("/")
    assert reponse.status_code == 302 and "/connexion" in reponse.headers["Location"]
    # Logging in again opens a new session that works.
    time.sleep(0.01)
    nouveau = app.test_client()
    assert nouveau.post("/connexion", data={"csrf_token": csrf(nouveau), "login": "agent-b", "mot_de_passe": MOT_DE_PASSE}).status_code == 302
    assert nouveau.get("/").status_code == 200


def test_an_unknown_login_costs_a_password_check_and_locks_like_a_known_one(app_deux_bases) -> None:
    app = app_deux_bases
    app.config["PARCOURS_LIMITE_CONNEXION"] = "1000 per minute"
    utilisateur(app, "agent-c", Role.AGENT, "ofii-dt-paris")

    def essais(login: str) -> tuple[list[str], float]:
        client = app.test_client()
        jeton = csrf(client)
        pages, debut = [], time.perf_counter()
        for _ in range(7):
            pages.append(client.post("/connexion", data={"csrf_token": jeton, "login": login, "mot_de_passe": "mauvais-Mot-1"})
                         .get_data(as_text=True))
        return ["verrouillé" in page for page in pages], (time.perf_counter() - debut) / 7

    connu, duree_connu = essais("agent-c")
    inconnu, duree_inconnu = essais("personne-inconnue")
    assert connu == inconnu == [False] * 5 + [True] * 2
    # An argon2 check each time (tens of milliseconds), not an instant answer.
    assert duree_inconnu > duree_connu / 4

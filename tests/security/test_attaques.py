"""Attacks a hostile client or a curious operator would try; each must be refused and record nothing."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

import pytest
import sqlalchemy as sa

from parcours.comptes import Portee, Role
from projections import tables as t
from tests.conftest import EMPREINTE, MOT_DE_PASSE, Magasins, scenario_enregistre
from tests.scenario import NUMERO_AMINA, etape, scenario
from web.app import create_app
from web.saisie.importation import LigneBrute, importer
from web.securite import empreinte_jeton, nouveau_jeton

INJECTIONS = ["' OR '1'='1", "1; DROP TABLE etape; --", "75' UNION SELECT nom FROM personne --", "\" OR 1=1 --", "%' OR 1=1 --"]
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def app(magasins: Magasins, tmp_path: Path):
    app = create_app({"REGLAGES": magasins.sqlite(tmp_path / "i", scenario_enregistre, cookie_securise=False), "TESTING": True})
    services = app.extensions["parcours"]
    yield app
    services.fermer()


def jeton(app, operateur: str, portees=(Portee.LECTURE, Portee.ECRITURE, Portee.STATISTIQUES)) -> tuple[dict[str, str], str]:  # noqa: ANN001
    services = app.extensions["parcours"]
    secret = nouveau_jeton()
    client_id = services.parcours.creer_client_api(f"c-{uuid4().hex[:6]}", operateur, list(portees), empreinte_jeton(secret))
    services.rattraper()
    return {"Authorization": f"Bearer {secret}"}, str(client_id)


def journal(app) -> int:  # noqa: ANN001
    return app.extensions["parcours"].parcours.recorder.max_notification_id()


def amina(app) -> str:  # noqa: ANN001
    return str(app.extensions["parcours"].parcours.trouver_par_numero(NUMERO_AMINA))


def test_an_operator_not_involved_gets_404_on_every_person_level_endpoint(app) -> None:
    client = app.test_client()
    cap, _ = jeton(app, "langues-75")  # involved (it recorded hours) — control
    etranger, _ = jeton(app, "mission-locale-paris")  # only involved in Bilal's pathway
    assert client.get(f"/api/v1/personnes/{amina(app)}", headers=cap).status_code == 200
    avant = journal(app)
    for methode, url, corps in (
        ("get", f"/api/v1/personnes/{amina(app)}", None),
        ("post", "/api/v1/steps", etape("x", "situation_logement", "2024-12-01", "mission-locale-paris", {"situation": "DNA"}, {"numero_etranger": NUMERO_AMINA})),
        ("post", f"/api/v1/orientations/{scenario()[20]['step_id']}/acceptation", {"step_id": str(uuid4()), "agent": "x"}),
    ):
        reponse = getattr(client, methode)(url, json=corps, headers=etranger)
        assert reponse.status_code == 404, (url, reponse.get_json())
    assert client.get(f"/api/v1/personnes?numero_etranger={NUMERO_AMINA}", headers=etranger).get_json() == {"personnes": []}
    assert journal(app) == avant


def test_guessed_uuids_are_404_like_unknown_ones(app) -> None:
    client = app.test_client()
    ofii, _ = jeton(app, "ofii-dt-paris")
    for _ in range(5):
        assert client.get(f"/api/v1/personnes/{uuid4()}", headers=ofii).status_code == 404
    assert client.get("/api/v1/personnes/pas-un-uuid", headers=ofii).status_code == 404


def test_revoked_and_forged_tokens_are_refused_and_record_nothing(app) -> None:
    client = app.test_client()
    ofii, client_id = jeton(app, "ofii-dt-paris")
    services = app.extensions["parcours"]
    services.parcours.revoquer_client_api(__import__("uuid").UUID(client_id))
    services.rattraper()
    avant = journal(app)
    for entetes in (ofii, {"Authorization": "Bearer " + nouveau_jeton()}, {"Authorization": "Bearer "}, {"Authorization": "Token abc"}):
        assert client.post("/api/v1/steps", json=scenario()[0], headers=entetes).status_code == 401
    assert journal(app) == avant


def test_a_read_only_token_cannot_write_and_a_write_token_cannot_read_statistics(app) -> None:
    client = app.test_client()
    lecture, _ = jeton(app, "ofii-dt-paris", (Portee.LECTURE,))
    ecriture, _ = jeton(app, "ofii-dt-paris", (Portee.ECRITURE,))
    avant = journal(app)
    assert client.post("/api/v1/steps", json=etape("y", "situation_logement", "2024-12-01", "ofii-dt-paris", {"situation": "DNA"},
                                                   {"numero_etranger": NUMERO_AMINA}), headers=lecture).status_code == 403
    assert client.get("/api/v1/indicateurs?du=2024-01-01&au=2024-12-31", headers=ecriture).status_code == 403
    assert journal(app) == avant


@pytest.mark.parametrize("injection", INJECTIONS)
def test_sql_injection_strings_in_every_filter_are_inert(app, injection: str) -> None:
    client = app.test_client()
    ofii, _ = jeton(app, "ofii-dt-paris")
    avant = journal(app)
    reponses = [
        client.get("/api/v1/personnes", query_string={"numero_etranger": injection}, headers=ofii),
        client.get("/api/v1/flux", query_string={"apres": injection}, headers=ofii),
        client.get("/api/v1/orientations", query_string={"statut": injection}, headers=ofii),
        client.get("/api/v1/indicateurs", query_string={"du": "2024-01-01", "au": "2024-12-31", "departement": injection}, headers=ofii),
        client.get("/api/v1/indicateurs", query_string={"du": "2024-01-01", "au": "2024-12-31", "operateur": injection}, headers=ofii),
        client.get("/api/v1/indicateurs", query_string={"du": injection, "au": "2024-12-31"}, headers=ofii),
    ]
    assert [r.status_code for r in reponses] == [422, 422, 422, 200, 200, 422]
    assert reponses[3].get_json()["public_cible"]["total"] == 0
    assert journal(app) == avant
    with app.extensions["parcours"].lectures.connect() as connexion:
        assert connexion.execute(sa.select(sa.func.count()).select_from(t.etape)).scalar() == len(scenario())


def test_oversized_and_malformed_bodies_are_refused_with_json_errors(app) -> None:
    client = app.test_client()
    ofii, _ = jeton(app, "ofii-dt-paris")
    avant = journal(app)
    enorme = {"steps": [dict(scenario()[0], data={**scenario()[0]["data"], "nom": "x" * 5000})] * 1000}
    assert client.post("/api/v1/steps:batch", json=enorme, headers=ofii).status_code == 413
    assert client.post("/api/v1/steps", data="{pas du json", headers={**ofii, "Content-Type": "application/json"}).status_code == 400
    assert client.post("/api/v1/steps", data="type=cir_signe", headers={**ofii, "Content-Type": "application/x-www-form-urlencoded"}).status_code == 415
    assert client.post("/api/v1/steps", json=[1, 2, 3], headers=ofii).status_code == 422
    assert client.post("/api/v1/steps", json={"step_id": None, "type": None}, headers=ofii).status_code == 422
    for reponse in (client.post("/api/v1/steps", json=[1], headers=ofii), client.get("/api/v1/inexistant", headers=ofii)):
        assert reponse.is_json and "code" in reponse.get_json()
    assert journal(app) == avant


def test_xss_payloads_in_free_text_come_back_as_inert_json(app) -> None:
    client = app.test_client()
    ft, _ = jeton(app, "france-travail-75")
    note = etape("xss", "note", "2024-12-01", "france-travail-75", {"texte": XSS, "visibilite": "PARTAGEE"}, {"numero_etranger": NUMERO_AMINA})
    assert client.post("/api/v1/steps", json=note, headers=ft).status_code == 201
    reponse = client.get(f"/api/v1/personnes/{amina(app)}", headers=ft)
    assert reponse.headers["Content-Type"].startswith("application/json")
    assert b"<script>" not in reponse.data  # < > & are escaped in every JSON answer
    assert XSS in str(reponse.get_json())


def test_a_form_post_without_csrf_token_is_refused(app) -> None:
    client = app.test_client()
    services = app.extensions["parcours"]
    services.parcours.creer_utilisateur("agent1", "ofii-dt-paris", Role.AGENT, "Agent", EMPREINTE)
    services.rattraper()
    reponse = client.post("/connexion", data={"login": "agent1", "mot_de_passe": MOT_DE_PASSE})
    assert reponse.status_code == 400
    assert "login" not in (client.get_cookie("session").value if client.get_cookie("session") else "")


def test_responses_carry_the_security_headers(app) -> None:
    reponse = app.test_client().get("/connexion")
    csp = reponse.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert reponse.headers["X-Frame-Options"] == "DENY" and reponse.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" in app.test_client().get("/connexion", base_url="https://localhost").headers


def _session(app, login: str, role: Role, operateur: str):  # noqa: ANN001, ANN202
    import re

    services = app.extensions["parcours"]
    services.parcours.creer_utilisateur(login, operateur, role, login, EMPREINTE)
    services.rattraper()
    client = app.test_client()
    page = client.get("/connexion").get_data(as_text=True)
    jeton_page = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/connexion", data={"csrf_token": jeton_page, "login": login, "mot_de_passe": MOT_DE_PASSE}).status_code == 302
    return client


def test_xss_payloads_in_free_text_fields_are_escaped_in_every_page(app) -> None:
    services = app.extensions["parcours"]
    charges = etape("xss-note", "note", "2024-12-01", "france-travail-75", {"texte": XSS, "visibilite": "PARTAGEE"}, {"numero_etranger": NUMERO_AMINA})
    motif = etape("xss-correction", "evenement_corrige", "2024-12-02", "france-travail-75",
                  {"cible_step_id": charges["step_id"], "champs": {"texte": XSS + "2"}, "motif": XSS}, {"numero_etranger": NUMERO_AMINA})
    assert importer(services.parcours, [LigneBrute(1, charges), LigneBrute(2, motif)]).acceptees == 2
    services.rattraper()
    client = _session(app, "agent-ft", Role.AGENT, "france-travail-75")
    for url in (f"/personnes/{amina(app)}", f"/recherche?nom={XSS}", f"/personnes/{amina(app)}/etapes/nouvelle?type=note&texte={XSS}"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in page and "onerror=alert" not in page.replace("onerror=alert(1)&gt;", "")
        assert "&lt;script&gt;" in page or url.startswith("/recherche")


def test_a_copil_user_never_reaches_a_person_level_page(app) -> None:
    client = _session(app, "copil1", Role.COPIL, "ofii-dt-paris")
    for url in (f"/personnes/{amina(app)}", f"/personnes/{amina(app)}/etapes/nouvelle?type=note", "/recherche?nom=haidari",
                "/orientations", "/personnes/nouvelle"):
        assert client.get(url).status_code == 403, url
    accueil = client.get("/").get_data(as_text=True)
    assert "Amina" not in accueil and "agrégées" in accueil


def test_cross_operator_page_routes_are_404_and_record_nothing(app) -> None:
    client = _session(app, "agent-ml", Role.AGENT, "mission-locale-paris")
    avant = journal(app)
    page = client.get("/recherche").get_data(as_text=True)
    import re

    jeton_page = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.get(f"/personnes/{amina(app)}").status_code == 404
    assert client.post(f"/personnes/{amina(app)}/etapes/nouvelle?type=note",
                       data={"csrf_token": jeton_page, "occurred_on": "2024-12-01", "texte": "x", "visibilite": "PARTAGEE"}).status_code == 404
    assert client.post(f"/orientations/{scenario()[20]['step_id']}/decision", data={"csrf_token": jeton_page, "decision": "accepter"}).status_code == 404
    assert client.post(f"/personnes/{amina(app)}/etapes/nouvelle?type=note", data={"occurred_on": "2024-12-01", "texte": "x"}).status_code == 400
    assert journal(app) == avant

"""Issue 14, finding 9: the API's edges answer in French with the right status, never 500.

Deep nesting is a 400, not a 500; an undeclared method a 405, not a CSRF 400; Werkzeug's own 404/413 and
Python's date messages come back in French; every operation documents its 400; a filter echoed in a CSV
download is never a formula. On both backends.
"""

from __future__ import annotations

import csv
import io
from uuid import uuid4

import pytest

from parcours.comptes import Portee, Role
from tests.security.outils import jeton_api, session_de


def test_a_body_nested_100000_deep_is_a_400_in_french(app_deux_bases) -> None:
    app = app_deux_bases
    corps = "[" * 100_000 + "]" * 100_000
    for url in ("/api/v1/steps", "/api/v1/steps:batch"):
        reponse = app.test_client().post(url, data=corps, content_type="application/json", headers=jeton_api(app, "ofii-dt-paris"))
        assert reponse.status_code == 400 and "imbriqué" in reponse.get_json()["message"], (url, reponse.status_code)
    reponse = app.test_client().post("/api/v1/steps", data='{"a": ' + "9" * 5000 + "}", content_type="application/json",
                                     headers=jeton_api(app, "ofii-dt-paris"))
    assert reponse.status_code == 400 and "nombre trop long" in reponse.get_json()["message"]


@pytest.mark.parametrize("methode", ["delete", "put", "patch"])
def test_an_undeclared_method_is_a_405_not_a_csrf_error(app_deux_bases, methode) -> None:
    app = app_deux_bases
    client = session_de(app, "agent-m", Role.AGENT, "ofii-dt-paris")
    for url in ("/", "/recherche", "/connexion", "/api/v1/steps"):
        reponse = getattr(client, methode)(url)
        assert reponse.status_code == 405, (methode, url, reponse.status_code)
        assert "Jeton CSRF" not in reponse.get_data(as_text=True)


def test_werkzeug_and_python_messages_come_back_in_french(app_deux_bases) -> None:
    app = app_deux_bases
    client = app.test_client()
    entetes = jeton_api(app, "ofii-dt-paris", (Portee.LECTURE, Portee.STATISTIQUES))
    assert client.get("/api/v1/nulle-part", headers=entetes).get_json()["message"] == "Ressource introuvable."
    trop = client.post("/api/v1/steps", data="x" * (5 * 1024 * 1024), content_type="application/json", headers=entetes)
    assert trop.status_code == 413 and "volumineuse" in trop.get_json()["message"]
    for du in ("0000-01-01", "2025-13-01", "2025-1-1", "０２０２５-01-01"):
        reponse = client.get(f"/api/v1/indicateurs?du={du}&au=2025-12-31", headers=entetes)
        assert reponse.status_code == 422, du
        message = reponse.get_json()["message"]
        assert "du" in message and "date" in message and "range" not in message and "Invalid" not in message, message


def test_every_operation_documents_its_400(app_deux_bases) -> None:
    document = app_deux_bases.test_client().get("/api/v1/openapi.json").get_json()
    for chemin, operations in document["paths"].items():
        for methode, operation in operations.items():
            if isinstance(operation, dict) and "responses" in operation:
                assert "400" in operation["responses"], (chemin, methode)


def test_a_filter_echoed_in_a_csv_download_is_never_a_formula(app_deux_bases) -> None:
    app = app_deux_bases
    client = session_de(app, "copil-csv", Role.COPIL, "ofii-dt-paris")
    reponse = client.get('/pilotage?du=2024-01-01&au=2024-12-31&operateur==HYPERLINK("http://evil.example","x")&format=csv')
    assert reponse.status_code == 200
    cellules = [cellule for ligne in csv.reader(io.StringIO(reponse.get_data(as_text=True))) for cellule in ligne]
    assert not any(cellule.startswith(("=", "+", "-", "@")) for cellule in cellules), cellules
    assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in cellules


def test_a_session_whose_roll_call_is_null_is_answered_not_a_500(app_deux_bases) -> None:
    """Found by the schemathesis run: `presents: null` (allowed for a session for actors) reached the roll call."""
    app = app_deux_bases
    entetes = jeton_api(app, "asso-75")
    client = app.test_client()
    declaration = {"step_id": str(uuid4()), "type": "action_declaree", "occurred_on": "2025-01-05", "operateur": "asso-75",
                   "agent": "a.martin", "action": "asso-75-acteurs-2025",
                   "data": {"intitule": "Formation des acteurs", "annee": 2025, "thematiques": ["FORMATION_ACTEURS"],
                            "departements": ["75"], "objectif_beneficiaires": 1, "objectif_acteurs": 10}}
    assert client.post("/api/v1/steps", json=declaration, headers=entetes).status_code == 201
    seance = {"step_id": str(uuid4()), "type": "seance_tenue", "occurred_on": "2025-02-05", "operateur": "asso-75",
              "agent": "a.martin", "action": "asso-75-acteurs-2025",
              "data": {"duree_h": 2, "thematique": "FORMATION_ACTEURS", "public": "ACTEURS", "presents": None,
                       "acteurs_presents": 8, "acteurs_nouveaux": 3}}
    assert client.post("/api/v1/steps", json=seance, headers=entetes).status_code == 201
    ailleurs = dict(seance, step_id=str(uuid4()), action="action-inconnue")
    assert client.post("/api/v1/steps", json=ailleurs, headers=entetes).status_code == 409


def test_an_amount_with_two_decimals_is_accepted_however_large(app_deux_bases) -> None:
    """Found by the schemathesis run: 171798691.83 × 100 is not a whole number in floating point."""
    app = app_deux_bases
    entetes = jeton_api(app, "asso-75")
    client = app.test_client()
    declaration = {"step_id": str(uuid4()), "type": "action_declaree", "occurred_on": "2025-01-05", "operateur": "asso-75",
                   "agent": "a.martin", "action": "asso-75-budget-2025",
                   "data": {"intitule": "Budget", "annee": 2025, "thematiques": ["NUMERIQUE"], "departements": ["75"],
                            "objectif_beneficiaires": 1}}
    assert client.post("/api/v1/steps", json=declaration, headers=entetes).status_code == 201
    budget = {"step_id": str(uuid4()), "type": "action_budget", "occurred_on": "2025-01-06", "operateur": "asso-75",
              "agent": "a.martin", "action": "asso-75-budget-2025", "data": {"cout_total": 171798691.83, "subvention_p104": 19.73}}
    assert client.post("/api/v1/steps", json=budget, headers=entetes).status_code == 201
    centimes = dict(budget, step_id=str(uuid4()), data={"cout_total": 100.001, "subvention_p104": 1})
    reponse = client.post("/api/v1/steps", json=centimes, headers=entetes)
    assert reponse.status_code == 422 and "data.cout_total" in reponse.get_json()["erreurs"]

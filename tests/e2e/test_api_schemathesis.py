"""Schemathesis against our own OpenAPI document: no 5xx, and every response matches its schema."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from schemathesis import checks
from hypothesis import HealthCheck, given, settings

from parcours.chiffrement import nouvelle_cle_maitre
from parcours.comptes import Portee
from tests.conftest import enregistrer_operateurs
from tests.scenario import scenario
from web import create_app
from web.config import Reglages
from web.importation import LigneBrute, importer
from web.securite import empreinte_jeton

JETON = "prc_schemathesis-jeton-de-test-0123456789"
VERIFICATIONS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]
"""Rules beyond syntax (a period ending before it starts, a CIR without permit…) are 4xx by design,
so "schema-valid data must be accepted" is not among the checks."""


@pytest.fixture(scope="module")
def application(tmp_path_factory: pytest.TempPathFactory):
    dossier: Path = tmp_path_factory.mktemp("schemathesis")
    app = create_app({"REGLAGES": Reglages(dossier, None, "secret", nouvelle_cle_maitre(), cookie_securise=False),
                      "TESTING": True, "PARCOURS_LIMITE_API": "100000 per minute"})
    services = app.extensions["parcours"]
    enregistrer_operateurs(services.parcours)
    importer(services.parcours, [LigneBrute(n, e) for n, e in enumerate(scenario(), start=1)])
    services.parcours.creer_client_api("schemathesis", "ofii-dt-paris", list(Portee), empreinte_jeton(JETON))
    services.rattraper()
    yield app
    services.fermer()


def test_the_api_answers_every_generated_request_without_5xx_and_as_documented(application) -> None:  # noqa: ANN001
    document = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    operations = [resultat.ok() for resultat in document.get_all_operations()]
    assert len(operations) >= 9
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def verifier(case) -> None:  # noqa: ANN001
            case.call_and_validate(headers={"Authorization": f"Bearer {JETON}"}, checks=VERIFICATIONS)

        verifier()

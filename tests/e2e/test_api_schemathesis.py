"""Schemathesis against our own OpenAPI document, every phase and every check, with the pathways' real ids.

The whole run the CLI makes (`schemathesis run --checks all`: examples, coverage, fuzzing, stateful), against the
application in-process (WSGI: the same requests and answers, without a socket per request), on SQLite and PostgreSQL. A hook swaps generated values for real ones in a share of the cases
(people, steps, orientations, numéros, the client's own operator, the scenario's operators as `vers`), so
requests reach the people's pages, the decisions, the corrections and the rules instead of stopping at 404.
The document's text formats (`web.api.openapi.FORMATS_DE_TEXTE`) and date bounds (`x-minimum`, `x-maximum`) get
their strategies here, as its readers would write them.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from datetime import date
from typing import Any
from unittest import mock

import pytest
import schemathesis
from hypothesis import given, settings
from hypothesis import strategies as st
from schemathesis.engine import Status, events, from_schema
from schemathesis.specs.openapi.formats import STRING_FORMATS
from schemathesis.transport.wsgi import WSGITransport

from parcours.comptes import Portee
from parcours.saisie import JOINTURES, SAUTS_DE_LIGNE, caractere_interdit
from tests.conftest import Magasins, scenario_enregistre
from tests.scenario import NUMERO_AMINA, OPERATEURS, PARCOURS_BILAL, scenario
from web.app import create_app
from web.api.openapi import FORMATS_DE_TEXTE
from web.saisie.schemas import Date
from web.securite import empreinte_jeton

pytestmark = pytest.mark.slow  # started first by `make test`, so that the other worker is not left idle at the end

JETON = "prc_schemathesis-jeton-de-test-0123456789"
OPERATEUR = "ofii-dt-paris"
OPERATEURS_DU_SCENARIO = [identifiant for identifiant, *_ in OPERATEURS]
EXEMPLES_PAR_OPERATION = 20
INTERDITES = ("Cc", "Cf", "Cs", "Cn", "Zl", "Zp")


def _textes(multiligne: bool) -> st.SearchStrategy[str]:
    permis = "".join(SAUTS_DE_LIGNE | JOINTURES) if multiligne else ""
    # Without the categories `caractere_interdit` may refuse, every text drawn is admitted: no filter to pay for.
    return st.text(st.characters(exclude_categories=INTERDITES, include_characters=permis))


REGLES_HORS_DU_SCHEMA = (
    "Sous-motif inconnu pour",  # the sous-motif must belong to the motif (a list per motif)
    "précède --du",  # a period ends after it starts
    "dépasse ce que les modèles de lecture ont appliqué",  # a log position not reached yet
)
"""The 422s that answer a request valid for the document: rules across fields or on the log's state, which
a JSON Schema cannot state; with `operateur_inconnu` (operators are registered at run time, the document
cannot list them). Any other refusal of schema-valid data is a defect of the document."""


def _valeur(corps: Any, chemin: str) -> Any:
    """The value a 422 names (`data.sous_motif`, `steps.3.agent`) in the request's body, or None."""
    for cle in chemin.split("."):
        if isinstance(corps, list) and cle.isdigit() and int(cle) < len(corps):
            corps = corps[int(cle)]
        elif isinstance(corps, dict):
            corps = corps.get(cle)
        else:
            return None
    return corps


def _hors_du_format(case: Any, erreurs: dict[str, list[str]]) -> bool:
    """Every error refuses a character that the field's text format excludes, and the named value holds one: the
    request was not valid for the document. Schemathesis's coverage phase draws some strings without the formats'
    strategies, then calls them schema-valid (JSON Schema leaves a format it does not know unchecked)."""
    return bool(erreurs) and all(
        all("caractère invisible ou de contrôle interdit" in message.lower() for message in messages)
        and isinstance(valeur := _valeur(case.body, champ), str) and caractere_interdit(valeur) is not None
        for champ, messages in erreurs.items())


def _hors_du_schema(contexte: Any, echec: Any, case: Any, reponse: Any) -> bool:
    """`filter_failure`: keep every failure except a valid request refused by one of `REGLES_HORS_DU_SCHEMA`, or a
    request whose text breaks its declared format (`_hors_du_format`)."""
    if echec.title != "Schema-valid request rejected" or reponse.status_code != 422:
        return True
    corps = reponse.json()
    if corps.get("code") == "operateur_inconnu" or _hors_du_format(case, corps.get("erreurs") or {}):
        return False
    message = corps.get("message", "") + str(corps.get("erreurs", ""))
    return not any(regle in message for regle in REGLES_HORS_DU_SCHEMA)


FORMATS = {
    "texte": _textes(multiligne=False),
    "texte-multiligne": _textes(multiligne=True),
    "date": st.dates(Date.PREMIERE, Date.DERNIERE).map(date.isoformat),
}
assert set(FORMATS_DE_TEXTE) <= set(FORMATS)


@settings(max_examples=300)
@given(st.data())
def test_the_text_formats_draw_only_texts_the_server_admits(donnees: st.DataObject) -> None:
    multiligne = donnees.draw(st.booleans())
    assert caractere_interdit(donnees.draw(_textes(multiligne)), multiligne) is None


@pytest.fixture(scope="class")
def application(request: pytest.FixtureRequest, magasins: Magasins,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Any]]:
    """The scenario loaded on the class's backend, an OFII client with every scope, the application and its services."""
    dossier = tmp_path_factory.mktemp("schemathesis") / "i"
    with magasins.copie(request.cls.BASE, dossier, scenario_enregistre, cookie_securise=False) as reglages:
        app = create_app({"REGLAGES": reglages, "TESTING": True, "PARCOURS_LIMITE_API": "100000 per minute"})
        services = app.extensions["parcours"]
        services.parcours.creer_client_api("schemathesis", OPERATEUR, list(Portee), empreinte_jeton(JETON))
        services.rattraper()
        yield app, services
        services.fermer()


def _reel(genere: Any, reels: list[str]) -> Any:
    """A real id for most generated values, the generated one for the rest (deterministic: Hypothesis replays)."""
    rang = zlib.crc32(repr(genere).encode()) % (len(reels) + 1)
    return genere if rang == len(reels) else reels[rang]


def _avec_ids_reels(case: Any, personnes: list[str], etapes: list[str], orientations: list[str]) -> Any:
    if "parcours_id" in case.path_parameters:
        case.path_parameters = {**case.path_parameters, "parcours_id": _reel(case.path_parameters["parcours_id"], personnes)}
    if "orientation_step_id" in case.path_parameters:
        case.path_parameters = {**case.path_parameters,
                                "orientation_step_id": _reel(case.path_parameters["orientation_step_id"], orientations)}
    if case.query and "numero_etranger" in case.query:
        case.query = {**case.query, "numero_etranger": _reel(case.query["numero_etranger"], [NUMERO_AMINA])}
    if isinstance(case.body, dict):
        corps = dict(case.body)
        lot = corps.get("steps") if isinstance(corps.get("steps"), list) else [corps]
        for etape in lot:
            if isinstance(etape, dict):
                if isinstance(etape.get("personne"), dict):
                    etape["personne"] = {"parcours_id": _reel(repr(etape["personne"]), personnes)}
                if isinstance(etape.get("operateur"), str):
                    etape["operateur"] = _reel(etape["operateur"], [OPERATEUR])
                donnees = etape.get("data")
                if isinstance(donnees, dict) and "cible_step_id" in donnees:
                    etape["data"] = {**donnees, "cible_step_id": _reel(donnees["cible_step_id"], etapes)}
                if isinstance(donnees, dict) and isinstance(donnees.get("vers"), str):
                    etape["data"] = {**etape["data"], "vers": _reel(donnees["vers"], OPERATEURS_DU_SCENARIO)}
        case.body = corps
    return case


_ENVOYER_EN_WSGI = WSGITransport.send


def _envoyer_sans_reglages_de_socket(transport: WSGITransport, case: Any, **kwargs: Any) -> Any:
    """Schemathesis 4.32's `ignored_auth` probe reaches the WSGI transport without a session and with the socket's
    settings (`max_redirects`…), which werkzeug's test client refuses: they mean nothing in-process."""
    if kwargs.get("session") is None:
        for reglage in ("max_redirects", "verify", "cert", "proxies"):
            kwargs.pop(reglage, None)
    return _ENVOYER_EN_WSGI(transport, case, **kwargs)


def _echecs(evenement: Any) -> Iterator[str]:
    for case_id, verifications in evenement.recorder.checks.items():
        for verification in verifications:
            if verification.status == Status.FAILURE:
                case = evenement.recorder.cases[case_id].value
                echange = evenement.recorder.interactions.get(case_id)
                reponse = echange.response if echange else None
                titre = verification.failure_info.failure.title if verification.failure_info else ""
                yield (f"{verification.name} ({titre}): {case.method} {case.formatted_path} query={case.query!r} "
                       f"body={str(case.body)[:300]} → {reponse.status_code if reponse else None} "
                       f"{(reponse.content or b'')[:300] if reponse else b''!r}")


class _SurUneBase:
    """The whole run on one backend. One class per backend: `--dist loadscope` hands classes out apart, so the two
    runs, the suite's longest, go to the two workers side by side."""

    BASE: str

    def test_every_check_of_every_phase_passes_with_the_pathways_real_ids(self, application: tuple[Any, Any]) -> None:
        app, services = application
        personnes = [str(services.parcours.trouver_par_numero(NUMERO_AMINA)), PARCOURS_BILAL]
        etapes = [e["step_id"] for e in scenario()]
        orientations = [e["step_id"] for e in scenario() if e["type"] in ("orientation_spe", "orientation_agir")]
        with mock.patch.dict(STRING_FORMATS), mock.patch.object(WSGITransport, "send", _envoyer_sans_reglages_de_socket):
            for nom, strategie in FORMATS.items():
                schemathesis.openapi.format(nom, strategie)
            schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
            schema.hook("map_case")(lambda contexte, case: _avec_ids_reels(case, personnes, etapes, orientations))
            schema.hook("filter_failure")(_hors_du_schema)
            # A batch over 1,000 steps is refused whole with 413, as documented (`maxItems` says the limit).
            schema.config.checks.negative_data_rejection.expected_statuses.append("413")
            schema.config.update(headers={"Authorization": f"Bearer {JETON}"})
            schema.config.generation.update(max_examples=EXEMPLES_PAR_OPERATION)
            echecs: list[str] = []
            phases: dict[str, Status] = {}
            requetes = 0
            for evenement in from_schema(schema).execute():
                if isinstance(evenement, (events.ScenarioFinished, events.FuzzScenarioFinished)):
                    requetes += len(evenement.recorder.interactions)
                    echecs.extend(_echecs(evenement))
                elif isinstance(evenement, events.NonFatalError):
                    echecs.append(f"erreur {evenement.label}: {evenement.value!r}")
                elif isinstance(evenement, events.FatalError):
                    echecs.append(f"erreur fatale: {evenement.exception!r}")
                elif isinstance(evenement, events.PhaseFinished):
                    phases[evenement.phase.name.value if hasattr(evenement.phase.name, "value") else str(evenement.phase.name)] = evenement.status
                elif isinstance(evenement, events.EngineFinished):
                    echecs.extend(f"{echec.title}: {echec.message}" for echec in evenement.failures)
        assert not echecs, "\n".join(echecs)
        assert requetes > 1000
        assert {"coverage", "fuzzing", "stateful"} <= set(phases), phases


class TestSurSQLite(_SurUneBase):
    BASE = "sqlite"


@pytest.mark.postgres
class TestSurPostgreSQL(_SurUneBase):
    BASE = "postgres"

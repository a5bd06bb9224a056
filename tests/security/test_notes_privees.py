"""Issue 14, finding 2: a private note never leaks through its corrections.

An OPERATEUR note is read only by its operator, with the visibility *as corrected*: its corrected text stays
private, and a shared note made private is private from then on, past texts included. Person page,
`GET /api/v1/personnes/{id}` and `/api/v1/flux`, on both backends.
"""

from __future__ import annotations

import json
from uuid import uuid4

from parcours.comptes import Role
from tests.scenario import NUMERO_AMINA, etape
from tests.security.outils import amina, jeton_api, session_de
from web.saisie.importation import LigneBrute, importer

A = {"numero_etranger": NUMERO_AMINA}


def _noter(app) -> None:  # noqa: ANN001
    services = app.extensions["parcours"]
    privee = etape("n1", "note", "2024-12-01", "france-travail-75", {"texte": "privee-originale", "visibilite": "OPERATEUR"}, A)
    privee["step_id"] = str(uuid4())
    correction = etape("n2", "evenement_corrige", "2024-12-02", "france-travail-75",
                       {"cible_step_id": privee["step_id"], "champs": {"texte": "privee-corrigee"}, "motif": "Précision."}, A)
    correction["step_id"] = str(uuid4())
    partagee = etape("n3", "note", "2024-12-03", "france-travail-75", {"texte": "partagee-puis-privee", "visibilite": "PARTAGEE"}, A)
    partagee["step_id"] = str(uuid4())
    rendue_privee = etape("n4", "evenement_corrige", "2024-12-04", "france-travail-75",
                          {"cible_step_id": partagee["step_id"], "champs": {"visibilite": "OPERATEUR", "texte": "devenue-privee"},
                           "motif": "Confidentiel."}, A)
    rendue_privee["step_id"] = str(uuid4())
    publique = etape("n5", "note", "2024-12-05", "france-travail-75", {"texte": "vraiment-partagee", "visibilite": "PARTAGEE"}, A)
    publique["step_id"] = str(uuid4())
    rapport = importer(services.parcours, [LigneBrute(n, e) for n, e in enumerate([privee, correction, partagee, rendue_privee, publique], 1)])
    assert rapport.acceptees == 5, rapport.en_texte()
    services.rattraper()


SECRETS = ("privee-originale", "privee-corrigee", "partagee-puis-privee", "devenue-privee")


def _tout_ce_que_lit(app, operateur: str) -> str:  # noqa: ANN001
    entetes = jeton_api(app, operateur)
    client = app.test_client()
    personne = client.get(f"/api/v1/personnes/{amina(app)}", headers=entetes)
    assert personne.status_code == 200
    flux = client.get("/api/v1/flux?apres=0&limite=1000", headers=entetes)
    assert flux.status_code == 200
    page = session_de(app, f"agent-{operateur}", Role.AGENT, operateur).get(f"/personnes/{amina(app)}")
    assert page.status_code == 200
    return json.dumps(personne.get_json()) + json.dumps(flux.get_json()) + page.get_data(as_text=True)


def test_another_involved_operator_never_reads_a_private_note_nor_its_corrections(app_deux_bases) -> None:
    app = app_deux_bases
    _noter(app)
    lu = _tout_ce_que_lit(app, "ofii-dt-paris")
    assert [secret for secret in SECRETS if secret in lu] == []
    assert "vraiment-partagee" in lu


def test_the_author_still_reads_its_private_notes_as_corrected(app_deux_bases) -> None:
    app = app_deux_bases
    _noter(app)
    lu = _tout_ce_que_lit(app, "france-travail-75")
    assert "privee-corrigee" in lu and "devenue-privee" in lu and "vraiment-partagee" in lu

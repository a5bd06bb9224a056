"""Issue 14, finding 6: the numéro étranger is no oracle.

A write token gets the same answer for a numéro nobody has and for one of a person its operator does not
follow; only ASCII digits make a numéro (fullwidth or Arabic-Indic digits would give one person three
spellings); a housing operator registers nobody. On both backends.
"""

from __future__ import annotations

from uuid import uuid4

import pytest

from parcours.commandes import EnregistrerOperateur
from parcours.vocabulaire import TypeOperateur
from tests import etapes
from tests.scenario import NUMERO_AMINA
from tests.security.outils import jeton_api, journal


ETRANGERE = "asso-93"
"""An association the shared scenario never involves in Amina's pathway (every operator of the scenario is)."""


def _note(numero: str) -> dict:
    return etapes.etape("note", "2024-12-01", ETRANGERE, {"texte": "essai", "visibilite": "PARTAGEE"}, etapes.qui(numero), agent="x")


def test_a_numero_nobody_has_and_a_numero_of_someone_not_followed_get_the_same_answer(app_deux_bases) -> None:
    app = app_deux_bases
    app.extensions["parcours"].parcours.enregistrer_operateur(
        EnregistrerOperateur(ETRANGERE, TypeOperateur.ASSOCIATION, "93", "Association de Seine-Saint-Denis"))
    entetes = jeton_api(app, ETRANGERE)
    client = app.test_client()
    avant = journal(app)
    inconnu = client.post("/api/v1/steps", json=_note("7599999999"), headers=entetes)
    pas_le_sien = client.post("/api/v1/steps", json=_note(NUMERO_AMINA), headers=entetes)
    assert (inconnu.status_code, inconnu.get_json()) == (pas_le_sien.status_code, pas_le_sien.get_json()) == (
        404, {"code": "introuvable", "message": "Ressource introuvable."})
    recherche_inconnu = client.get("/api/v1/personnes?numero_etranger=7599999999", headers=entetes).get_json()
    recherche_pas_le_sien = client.get(f"/api/v1/personnes?numero_etranger={NUMERO_AMINA}", headers=entetes).get_json()
    assert recherche_inconnu == recherche_pas_le_sien == {"personnes": []}
    assert journal(app) == avant


@pytest.mark.parametrize("numero", ["７５０１２３４５６７", "٧٥٠١٢٣٤٥٦٧", "۷۵۰۱۲۳۴۵۶۷", "750123456７"])
def test_only_ascii_digits_make_a_numero(app_deux_bases, numero: str) -> None:
    app = app_deux_bases
    entetes = jeton_api(app, "ofii-dt-paris")
    client = app.test_client()
    avant = journal(app)
    corps = {"step_id": str(uuid4()), "type": "personne_enregistree", "occurred_on": "2024-12-01", "operateur": "ofii-dt-paris",
             "agent": "x", "data": {"nom": "Test", "prenom": "Test", "date_naissance": "1990-01-01", "sexe": "F",
                                    "nationalite": "AFG", "departement": "75", "numero_etranger": numero}}
    reponse = client.post("/api/v1/steps", json=corps, headers=entetes)
    assert reponse.status_code == 422 and "data.numero_etranger" in reponse.get_json()["erreurs"]
    assert client.get(f"/api/v1/personnes?numero_etranger={numero}", headers=entetes).status_code == 422
    assert client.post("/api/v1/steps", json=_note(numero) | {"operateur": "ofii-dt-paris"}, headers=entetes).status_code == 422
    assert journal(app) == avant

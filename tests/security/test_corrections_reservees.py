"""Issue 14, finding 3: a correction or a void belongs to the operator that recorded the step.

Matrix: every step type of the scenario × every operator kind. Only the recording operator may correct or
void a step (a decision belongs to whoever took it: OFII cannot void a Mission locale's answer); an
identity may also be corrected by the kinds that register people. The person page shows the links only
where allowed. On both backends for the API and the page; the matrix runs through the domain.
"""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

import pytest

from parcours.application import Parcours
from parcours.chiffrement import nouvelle_cle_maitre
from parcours.commandes import EnregistrerOperateur
from parcours.comptes import Role
from parcours.erreurs import EtapeRejeteeError
from parcours.regles import OPERATEURS_QUI_ENREGISTRENT
from parcours.vocabulaire import TypeEtape, TypeOperateur
from tests.conftest import enregistrer_operateurs
from tests.scenario import NUMERO_AMINA, PARCOURS_BILAL, etape, scenario, sid
from tests.security.outils import amina, jeton_api, journal, session_de
from web.importation import LigneBrute, importer
from web.schemas import lire_etape, valider_champs_corriges

UN_PAR_TYPE = {
    "OFII": "ofii-dt-paris", "PREFECTURE": "prefecture-75", "FRANCE_TRAVAIL": "france-travail-75",
    "MISSION_LOCALE": "mission-locale-paris", "CAP_EMPLOI": "cap-emploi-75", "APEC": "apec-75", "AGIR": "agir-75",
    "ASSOCIATION": "asso-75", "LOGEMENT": "logement-75", "ORGANISME_FORMATION": "langues-75",
}


@pytest.fixture(scope="module")
def parcours_charge(tmp_path_factory: pytest.TempPathFactory) -> Parcours:
    parcours = Parcours({"PERSISTENCE_MODULE": "eventsourcing.popo"}, cle_maitre=nouvelle_cle_maitre(),
                        valider_champs=valider_champs_corriges)
    enregistrer_operateurs(parcours)
    parcours.enregistrer_operateur(EnregistrerOperateur("cap-emploi-75", TypeOperateur.CAP_EMPLOI, "75", "Cap emploi"))
    parcours.enregistrer_operateur(EnregistrerOperateur("apec-75", TypeOperateur.APEC, "75", "Apec"))
    rapport = importer(parcours, [LigneBrute(n, e) for n, e in enumerate(scenario(), start=1)])
    assert rapport.rejetees == 0
    return parcours


ANNULEES = {e["data"]["cible_step_id"] for e in scenario() if e["type"] == "evenement_annule"}
CIBLES = [e for e in scenario() if e["type"] not in ("evenement_corrige", "evenement_annule") and e["step_id"] not in ANNULEES]


def _personne_de(ligne: dict) -> dict:
    if ligne.get("personne"):
        return ligne["personne"]
    if ligne["data"].get("numero_etranger"):
        return {"numero_etranger": ligne["data"]["numero_etranger"]}
    return {"parcours_id": PARCOURS_BILAL}


def _tentative(parcours: Parcours, cible: dict, operateur: str) -> str:
    """A correction (identity) or a void (every other step) of `cible` by `operateur`: "acceptee" or the field refused."""
    if cible["type"] == "personne_enregistree":
        corps = etape(uuid4().hex, "evenement_corrige", "2025-01-10", operateur,
                      {"cible_step_id": cible["step_id"], "champs": {"prenom": f"Prénom corrigé par {operateur}"},
                       "motif": "Orthographe."}, _personne_de(cible))
    else:
        corps = etape(uuid4().hex, "evenement_annule", "2025-01-10", operateur,
                      {"cible_step_id": cible["step_id"], "motif": "Essai."}, _personne_de(cible))
    corps["step_id"] = str(uuid4())
    try:
        return parcours.enregistrer_etape(lire_etape(corps)).statut
    except EtapeRejeteeError as refus:
        return refus.champ or "?"


@pytest.mark.parametrize("cible", CIBLES, ids=[f"{c['type']}-{c['operateur']}-{i}" for i, c in enumerate(CIBLES)])
def test_only_the_recording_operator_voids_a_step_and_identity_also_by_the_kinds_that_register(parcours_charge, cible) -> None:
    # Every other kind first (a void accepted would leave nothing for the next); the recorder last.
    autres = [op for op in UN_PAR_TYPE.values() if op != cible["operateur"]]
    for operateur in autres:
        type_ = next(k for k, v in UN_PAR_TYPE.items() if v == operateur)
        attendu = "acceptee" if cible["type"] == "personne_enregistree" and TypeOperateur(type_) in OPERATEURS_QUI_ENREGISTRENT else "operateur"
        assert _tentative(parcours_charge, cible, operateur) == attendu, (cible["type"], operateur)
    assert _tentative(parcours_charge, cible, cible["operateur"]) == "acceptee"


def test_ofii_cannot_void_the_acceptance_a_mission_locale_or_france_travail_recorded(app_deux_bases) -> None:
    app = app_deux_bases
    entetes = jeton_api(app, "ofii-dt-paris")
    avant = journal(app)
    acceptation = next(e for e in scenario() if e["type"] == "orientation_acceptee" and e["operateur"] == "france-travail-75")
    corps = etape(uuid4().hex, "evenement_annule", "2025-01-10", "ofii-dt-paris",
                  {"cible_step_id": acceptation["step_id"], "motif": "Essai."}, {"numero_etranger": NUMERO_AMINA})
    corps["step_id"] = str(uuid4())
    reponse = app.test_client().post("/api/v1/steps", json=corps, headers=entetes)
    assert reponse.status_code == 409 and "operateur" in reponse.get_json()["erreurs"]
    assert journal(app) == avant


def test_a_housing_operator_registers_nobody(app_deux_bases) -> None:
    app = app_deux_bases
    corps = {"step_id": str(uuid4()), "type": "personne_enregistree", "occurred_on": "2025-01-10", "operateur": "logement-75",
             "agent": "x", "data": {"nom": "Test", "prenom": "Test", "date_naissance": "1990-01-01", "sexe": "F",
                                    "nationalite": "AFG", "departement": "75"}}
    reponse = app.test_client().post("/api/v1/steps", json=corps, headers=jeton_api(app, "logement-75"))
    assert reponse.status_code == 409 and "operateur" in reponse.get_json()["erreurs"]


def test_the_person_page_shows_correction_links_only_where_allowed(app_deux_bases) -> None:
    app = app_deux_bases
    ofii = session_de(app, "agent-ofii", Role.AGENT, "ofii-dt-paris").get(f"/personnes/{amina(app)}").get_data(as_text=True)
    logement = session_de(app, "agent-logement", Role.AGENT, "logement-75").get(f"/personnes/{amina(app)}").get_data(as_text=True)
    # OFII: its CIR, its identity; not the training body's hours nor France Travail's acceptance.
    assert f"/etapes/{sid('a-cir')}/corriger" in ofii and f"/etapes/{sid('a-enregistree')}/corriger" in ofii
    assert f"/etapes/{sid('a-heures-1')}/corriger" not in ofii and f"/etapes/{sid('a-heures-1')}/annuler" not in ofii
    # The housing operator: only its own housing situation; not the identity (it registers nobody).
    assert f"/etapes/{sid('a-logement-2')}/annuler" in logement
    assert f"/etapes/{sid('a-enregistree')}/corriger" not in logement and f"/etapes/{sid('a-cir')}/annuler" not in logement
    # Typed by hand, the forms refuse too.
    client = session_de(app, "agent-logement-2", Role.AGENT, "logement-75")
    assert client.get(f"/personnes/{amina(app)}/etapes/{sid('a-cir')}/annuler").status_code == 403
    assert client.get(f"/personnes/{amina(app)}/etapes/{sid('a-logement-2')}/annuler").status_code == 200

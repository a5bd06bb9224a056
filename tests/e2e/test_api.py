"""The operator API as a partner system uses it: tokens, steps, idempotency, visibility, feed, statistics."""

from __future__ import annotations

import threading
from pathlib import Path
from uuid import uuid4

import pytest
import sqlalchemy as sa

from parcours.comptes import Portee
from projections import tables as t
from tests import etapes
from tests.conftest import Magasins, enregistrer_operateurs
from tests.scenario import NUMERO_AMINA, etape, scenario, sid
from web.app import create_app
from web.securite import empreinte_jeton, nouveau_jeton


@pytest.fixture
def app(magasins: Magasins, tmp_path: Path):
    app = create_app({"REGLAGES": magasins.sqlite(tmp_path / "instance", cookie_securise=False), "TESTING": True})
    services = app.extensions["parcours"]
    enregistrer_operateurs(services.parcours)
    services.rattraper()
    yield app
    services.fermer()


def jeton(app, operateur: str, *portees: Portee) -> dict[str, str]:  # noqa: ANN001
    services = app.extensions["parcours"]
    secret = nouveau_jeton()
    services.parcours.creer_client_api(f"client-{operateur}", operateur, list(portees or (Portee.LECTURE, Portee.ECRITURE)), empreinte_jeton(secret))
    services.rattraper()
    return {"Authorization": f"Bearer {secret}"}


def par(operateur: str, etapes: list[dict]) -> list[dict]:
    return [e for e in etapes if e["operateur"] == operateur]


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def ofii(app):
    return jeton(app, "ofii-dt-paris")


def enregistrer(client, entetes, etapes):  # noqa: ANN001
    return [client.post("/api/v1/steps", json=e, headers=entetes) for e in etapes]


def test_a_request_without_a_valid_token_gets_401_json(client) -> None:
    for entetes in ({}, {"Authorization": "Bearer prc_faux"}, {"Authorization": "Basic abc"}):
        reponse = client.get("/api/v1/flux", headers=entetes)
        assert reponse.status_code == 401
        assert reponse.get_json()["code"] == "authentification_requise"
        assert reponse.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_refused(app, client) -> None:
    services = app.extensions["parcours"]
    secret = nouveau_jeton()
    client_id = services.parcours.creer_client_api("x", "ofii-dt-paris", [Portee.LECTURE], empreinte_jeton(secret))
    services.rattraper()
    assert client.get("/api/v1/flux", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    services.parcours.revoquer_client_api(client_id)
    services.rattraper()
    assert client.get("/api/v1/flux", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_posting_a_step_returns_201_then_200_with_the_original_result_on_retry(client, ofii) -> None:
    premiere = client.post("/api/v1/steps", json=scenario()[0], headers=ofii)
    assert premiere.status_code == 201
    corps = premiere.get_json()
    assert corps["statut"] == "acceptee" and corps["etape"]["type"] == "personne_enregistree"
    encore = client.post("/api/v1/steps", json=scenario()[0], headers=ofii)
    assert encore.status_code == 200
    assert encore.get_json()["parcours_id"] == corps["parcours_id"]
    assert encore.get_json()["etape"] == corps["etape"]


def test_a_malformed_step_gets_422_with_french_field_messages_and_records_nothing(client, ofii) -> None:
    mauvaise = dict(scenario()[0], data={"nom": "X"})
    reponse = client.post("/api/v1/steps", json=mauvaise, headers=ofii)
    assert reponse.status_code == 422
    corps = reponse.get_json()
    assert corps["code"] == "donnees_invalides"
    assert corps["erreurs"]["data.prenom"] == ["Ce champ est obligatoire."]
    assert client.get("/api/v1/flux", headers=ofii).get_json()["elements"] == []


def test_a_rule_conflict_gets_409_naming_the_field(client, ofii) -> None:
    enregistrer(client, ofii, scenario()[:3])
    cir_trop_tot = etape("cir-tot", "cir_signe", "2023-09-01", "ofii-dt-paris", {"dt_ofii": "Paris"}, {"numero_etranger": NUMERO_AMINA})
    reponse = client.post("/api/v1/steps", json=cir_trop_tot, headers=ofii)
    assert reponse.status_code == 409
    assert reponse.get_json()["code"] == "regle_metier"


def test_a_client_records_only_on_behalf_of_its_own_operator(app, client) -> None:
    ft = jeton(app, "france-travail-75")
    reponse = client.post("/api/v1/steps", json=scenario()[0], headers=ft)
    assert reponse.status_code == 403 and reponse.get_json()["code"] == "acces_refuse"


def test_a_person_of_a_pathway_the_operator_is_not_involved_in_is_404(app, client, ofii) -> None:
    enregistrer(client, ofii, scenario()[:3])
    agir = jeton(app, "agir-75")
    parcours_id = client.get(f"/api/v1/personnes?numero_etranger={NUMERO_AMINA}", headers=ofii).get_json()["personnes"][0]["parcours_id"]
    assert client.get(f"/api/v1/personnes/{parcours_id}", headers=agir).status_code == 404
    assert client.get(f"/api/v1/personnes/{uuid4()}", headers=agir).status_code == 404
    assert client.get(f"/api/v1/personnes?numero_etranger={NUMERO_AMINA}", headers=agir).get_json() == {"personnes": []}
    logement = etape("agir-logement", "situation_logement", "2023-10-01", "agir-75", {"situation": "DNA"}, {"numero_etranger": NUMERO_AMINA})
    assert client.post("/api/v1/steps", json=logement, headers=agir).status_code == 404


def test_the_involvement_in_the_pathway_a_request_names_is_read_with_its_token_and_never_lent_to_another(
    app, client, ofii, monkeypatch: pytest.MonkeyPatch
) -> None:
    import web.acces

    enregistrer(client, ofii, scenario()[:3])
    parcours_id = client.get(f"/api/v1/personnes?numero_etranger={NUMERO_AMINA}", headers=ofii).get_json()["personnes"][0]["parcours_id"]
    agir = jeton(app, "agir-75")
    requetes_a_part: list[str] = []
    implique = web.acces.implique

    def compter(connexion, parcours, operateur):  # noqa: ANN001
        requetes_a_part.append(operateur)
        return implique(connexion, parcours, operateur)

    monkeypatch.setattr(web.acces, "implique", compter)
    logement = etape("o-logement", "situation_logement", "2023-10-01", "ofii-dt-paris", {"situation": "DNA"}, {"parcours_id": parcours_id})
    assert client.post("/api/v1/steps", json=logement, headers=ofii).status_code == 201
    assert client.get(f"/api/v1/personnes/{parcours_id}", headers=ofii).status_code == 200
    assert requetes_a_part == [], "read with the token, in one query"
    etranger = etape("a-logement", "situation_logement", "2023-10-01", "agir-75", {"situation": "DNA"}, {"parcours_id": parcours_id})
    assert client.post("/api/v1/steps", json=etranger, headers=agir).status_code == 404
    assert client.get(f"/api/v1/personnes/{parcours_id}", headers=agir).status_code == 404
    assert requetes_a_part == ["agir-75", "agir-75"], "not involved: asked again, and refused"
    # Named otherwise than the canonical id the check compares (upper case): the query asks again.
    majuscules = dict(logement, step_id=str(uuid4()), personne={"parcours_id": parcours_id.upper()})
    assert client.post("/api/v1/steps", json=majuscules, headers=ofii).status_code == 201
    assert requetes_a_part == ["agir-75", "agir-75", "ofii-dt-paris"]


def test_the_person_resource_gives_summary_and_timeline_and_journals_the_read(app, client, ofii) -> None:
    enregistrer(client, ofii, par("ofii-dt-paris", scenario())[:4])
    parcours_id = client.get(f"/api/v1/personnes?numero_etranger={NUMERO_AMINA}", headers=ofii).get_json()["personnes"][0]["parcours_id"]
    reponse = client.get(f"/api/v1/personnes/{parcours_id}", headers=ofii)
    assert reponse.status_code == 200
    corps = reponse.get_json()
    assert corps["resume"]["identite"]["prenom"] == "Amina"
    assert [e["type"] for e in corps["chronologie"]][0] == "personne_enregistree"
    app.extensions["parcours"].rattraper()
    with app.extensions["parcours"].lectures.connect() as connexion:
        journal = connexion.execute(sa.select(t.consultation)).mappings().all()
    assert [(j["parcours_id"], j["operateur"]) for j in journal] == [(parcours_id, "ofii-dt-paris")]


def test_the_receiving_operator_sees_the_orientation_in_its_inbox_and_accepts_it(app, client, ofii) -> None:
    etapes = scenario()
    enregistrer(client, ofii, [e for e in etapes if e["step_id"] in {sid(n) for n in ("a-enregistree", "a-protection", "a-positionnement", "a-cir")}])
    prefecture = jeton(app, "prefecture-75")
    enregistrer(client, prefecture, [e for e in etapes if e["step_id"] == sid("a-titre")])
    enregistrer(client, ofii, [e for e in etapes if e["step_id"] in {sid("a-cir"), sid("a-entretien"), sid("a-orientation-spe")}])
    ft = jeton(app, "france-travail-75")
    [attente] = client.get("/api/v1/orientations?statut=en_attente", headers=ft).get_json()["orientations"]
    assert attente["orientation_step_id"] == sid("a-orientation-spe")
    decision = {"step_id": str(uuid4()), "agent": "j.bernard", "occurred_on": "2024-03-15"}
    reponse = client.post(f"/api/v1/orientations/{attente['orientation_step_id']}/acceptation", json=decision, headers=ft)
    assert reponse.status_code == 201, reponse.get_json()
    assert client.get("/api/v1/orientations", headers=ft).get_json()["orientations"] == []
    refus = client.post(f"/api/v1/orientations/{attente['orientation_step_id']}/refus", json=dict(decision, step_id=str(uuid4()), motif="x"), headers=ft)
    assert refus.status_code == 409


def test_a_batch_gives_each_step_its_own_result(client, ofii) -> None:
    lot = [scenario()[0], dict(scenario()[1], data={"type": "REFUGIE"}), scenario()[0]]
    reponse = client.post("/api/v1/steps:batch", json={"steps": lot}, headers=ofii)
    assert reponse.status_code == 200
    assert [r["status"] for r in reponse.get_json()["resultats"]] == [201, 422, 200]


def test_a_batch_over_1000_steps_is_refused_whole(client, ofii) -> None:
    reponse = client.post("/api/v1/steps:batch", json={"steps": [scenario()[0]] * 1001}, headers=ofii)
    assert reponse.status_code == 413 and reponse.get_json()["code"] == "requete_trop_volumineuse"


def test_two_identical_requests_at_once_record_one_step(app, ofii) -> None:
    statuts = []
    depart = threading.Barrier(2)

    def poster() -> None:
        depart.wait()
        statuts.append(app.test_client().post("/api/v1/steps", json=scenario()[0], headers=ofii).status_code)

    fils = [threading.Thread(target=poster) for _ in range(2)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join()
    assert sorted(statuts) == [200, 201]


def test_concurrent_writers_each_read_back_their_own_step_and_every_step_is_projected_once(app, ofii) -> None:
    """More writers than the read-model pool has connections: none waits for a connection another one holds."""
    services = app.extensions["parcours"]
    ecrivains = services.lectures.pool.size() + services.lectures.pool._max_overflow + 5
    depart = threading.Barrier(ecrivains)
    erreurs: list[str] = []

    def ecrire() -> None:
        client = app.test_client()
        parcours_id = str(uuid4())
        etapes = [
            {"step_id": str(uuid4()), "type": "personne_enregistree", "occurred_on": "2025-01-15", "operateur": "ofii-dt-paris",
             "agent": "a", "personne": {"parcours_id": parcours_id},
             "data": {"nom": "Essai", "prenom": "Concurrent", "date_naissance": "1990-01-01", "sexe": "F", "nationalite": "AFG", "departement": "75"}}
        ] + [
            {"step_id": str(uuid4()), "type": "situation_logement", "occurred_on": "2025-01-15", "operateur": "ofii-dt-paris",
             "agent": "a", "personne": {"parcours_id": parcours_id}, "data": {"situation": "DNA"}}
            for _ in range(4)
        ]
        depart.wait()
        for etape_ in etapes:
            reponse = client.post("/api/v1/steps", json=etape_, headers=ofii)
            corps = reponse.get_json()
            if reponse.status_code != 201 or corps["etape"] is None or corps["etape"]["step_id"] != etape_["step_id"]:
                erreurs.append(f"{reponse.status_code} {corps}")
                continue
            with services.lectures.connect() as connexion:  # the answer was built from the event: is it projected?
                lue = connexion.execute(sa.select(t.etape.c.position).where(t.etape.c.step_id == etape_["step_id"])).scalar()
            if lue != corps["etape"]["position"]:
                erreurs.append(f"{etape_['step_id']} : position projetée {lue}, répondue {corps['etape']['position']}")

    fils = [threading.Thread(target=ecrire) for _ in range(ecrivains)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join()
    assert erreurs == []
    with services.lectures.connect() as connexion:
        etapes = connexion.execute(sa.select(t.etape.c.step_id)).scalars().all()
    assert len(etapes) == len(set(etapes)) == ecrivains * 5
    assert services.rattraper() == 0


def test_the_step_answered_at_once_is_the_step_read_back_later(client, ofii) -> None:
    """The 201 answer is built from the recorded event; the duplicate's 200 from the read model: they agree."""
    premiere = client.post("/api/v1/steps", json=scenario()[0], headers=ofii)
    encore = client.post("/api/v1/steps", json=scenario()[0], headers=ofii)
    assert (premiere.status_code, encore.status_code) == (201, 200)
    assert premiere.get_json()["etape"] == encore.get_json()["etape"]
    assert premiere.get_json()["etape"]["enregistre_le"].endswith("+00:00")


def test_the_change_feed_pages_through_visible_steps_in_log_order_without_gaps_or_repeats(app, client, ofii) -> None:
    acceptees = {r.get_json()["step_id"] for r in enregistrer(client, ofii, par("ofii-dt-paris", scenario())) if r.status_code == 201}
    vus, apres, ecrites = [], 0, 0
    while True:
        page = client.get(f"/api/v1/flux?apres={apres}&limite=4", headers=ofii).get_json()
        vus += [e["step_id"] for e in page["elements"]]
        positions = [e["position"] for e in page["elements"]]
        assert positions == sorted(positions) and all(p > apres for p in positions)
        apres = page["suivant"]
        if ecrites < 5:  # writes keep arriving while the partner pages through the feed
            ecrites += 1
            nouvelle = etape(f"pendant-{ecrites}", "situation_logement", "2024-01-01", "ofii-dt-paris",
                             {"situation": "DNA"}, {"numero_etranger": NUMERO_AMINA})
            assert client.post("/api/v1/steps", json=nouvelle, headers=ofii).status_code == 201
            acceptees.add(nouvelle["step_id"])
        elif page["fin"]:
            break
    assert len(vus) == len(set(vus))
    assert set(vus) == acceptees


def test_statistics_need_the_statistics_scope(app, client, ofii) -> None:
    assert client.get("/api/v1/indicateurs?du=2024-01-01&au=2024-12-31", headers=ofii).status_code == 403
    stats = jeton(app, "ofii-dt-paris", Portee.STATISTIQUES)
    reponse = client.get("/api/v1/indicateurs?du=2024-01-01&au=2024-12-31", headers=stats)
    assert reponse.status_code == 200
    assert set(reponse.get_json()) >= {"periode", "position_journal", "public_cible", "accompagnement_emploi", "langue", "logement", "cir"}
    assert client.get("/api/v1/indicateurs?du=2024-13-01&au=2024-12-31", headers=stats).status_code == 422


def test_the_openapi_document_and_the_interactive_docs_are_served(client) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/steps" in document["paths"] and "Donnees_cir_signe" in document["components"]["schemas"]
    assert client.get("/api/v1/docs").status_code == 200


def test_errors_never_leak_a_stack_trace(app, client, ofii, monkeypatch: pytest.MonkeyPatch) -> None:
    def panne(*args, **kwargs):  # noqa: ANN002, ANN003
        raise RuntimeError("secret interne")

    monkeypatch.setattr(app.extensions["parcours"].parcours, "enregistrer_ensemble", panne)
    reponse = client.post("/api/v1/steps", json=scenario()[0], headers=ofii)
    assert reponse.status_code == 500
    assert reponse.get_json() == {"code": "erreur_interne", "message": "Erreur interne."}
    assert b"secret interne" not in reponse.data and b"Traceback" not in reponse.data


def test_rate_limits_answer_429_with_retry_after(magasins: Magasins, tmp_path: Path) -> None:
    app = create_app({"REGLAGES": magasins.sqlite(tmp_path / "i", cookie_securise=False),
                      "TESTING": True, "PARCOURS_LIMITE_API": "2 per minute"})
    entetes = {"Authorization": "Bearer prc_inconnu"}
    statuts = [app.test_client().get("/api/v1/flux", headers=entetes) for _ in range(3)]
    assert [r.status_code for r in statuts] == [401, 401, 429]
    assert statuts[-1].get_json()["code"] == "trop_de_requetes" and int(statuts[-1].headers["Retry-After"]) > 0
    app.extensions["parcours"].fermer()


def test_ofii_reads_what_became_of_an_orientation_the_employment_service_reported_by_api(app, client, ofii) -> None:
    etapes = scenario()
    def etape_(nom: str) -> dict:
        return next(e for e in etapes if e["step_id"] == sid(nom))

    from web.saisie.schemas import lire_etape

    for nom in ("a-enregistree", "a-protection", "a-titre", "a-positionnement", "a-cir", "a-entretien", "a-orientation-spe"):
        if nom == "a-titre":  # the préfecture is not involved yet: it records through its own channel
            app.extensions["parcours"].parcours.enregistrer_etape(lire_etape(etape_(nom)))
        else:
            assert enregistrer(client, ofii, [etape_(nom)])[0].status_code == 201, nom
    ft = jeton(app, "france-travail-75")
    retour = [e for e in etapes if e["step_id"] in {sid(n) for n in ("a-spe-acceptee", "a-spe-inscription", "a-spe-rdv", "a-spe-diagnostic")}]
    assert [r.status_code for r in enregistrer(client, ft, retour)] == [201, 201, 201, 201]
    parcours_id = client.get(f"/api/v1/personnes?numero_etranger={NUMERO_AMINA}", headers=ofii).get_json()["personnes"][0]["parcours_id"]
    [orientation] = client.get(f"/api/v1/personnes/{parcours_id}", headers=ofii).get_json()["orientations"]
    assert (orientation["vers"], orientation["decision"], orientation["delai_reponse_jours"]) == ("france-travail-75", "acceptee", 14)
    assert (orientation["inscription_le"], orientation["premier_rdv_le"], orientation["delai_premier_rdv_jours"]) == ("2024-03-18", "2024-03-20", 19)
    assert orientation["freins"] == ["LANGUE", "RECONNAISSANCE_DIPLOMES"]


def test_a_funded_actions_steps_go_through_the_api_with_the_same_rules(app, client, ofii) -> None:  # noqa: ANN001
    asso = jeton(app, "asso-75")
    numero = {"numero_etranger": "7500000042"}

    def etape(type_: str, operateur: str, data: dict, personne: dict | None = None, action: str | None = "asso-75-fle-2025") -> dict:
        return etapes.etape(type_, "2025-02-03", operateur, data, personne, agent="api", action=action)

    assert client.post("/api/v1/steps", headers=ofii, json=etape("personne_enregistree", "ofii-dt-paris", {
        "nom": "Karimi", "prenom": "Sara", "date_naissance": "1990-01-01", "sexe": "F", "nationalite": "AFG",
        "departement": "75", "numero_etranger": "7500000042"}, action=None)).status_code == 201
    assert client.post("/api/v1/steps", headers=ofii, json=etape("protection_accordee", "ofii-dt-paris", {
        "type": "REFUGIE", "decision_date": "2024-06-01", "organe": "OFPRA"}, numero, action=None)).status_code == 201
    declaree = client.post("/api/v1/steps", headers=asso, json=etape("action_declaree", "asso-75", {
        "intitule": "Français", "annee": 2025, "thematiques": ["FRANCAIS"], "departements": ["75"], "objectif_beneficiaires": 10}))
    assert declaree.status_code == 201, declaree.get_json()
    # The carrier inscribes a person another operator registered (the inscription is what involves it).
    inscrit = client.post("/api/v1/steps", headers=asso, json=etape("beneficiaire_inscrit", "asso-75", {"heures_prevues": 50}, numero))
    assert inscrit.status_code == 201, inscrit.get_json()
    seance = client.post("/api/v1/steps", headers=asso, json=etape("seance_tenue", "asso-75", {
        "duree_h": 3, "thematique": "FRANCAIS", "public": "BENEFICIAIRES", "presents": [numero]}))
    assert seance.status_code == 201, seance.get_json()
    refus = client.post("/api/v1/steps", headers=asso, json=etape("action_budget", "asso-75", {"cout_total": 10, "subvention_p104": 11}))
    assert refus.status_code == 409 and "data.subvention_p104" in str(refus.get_json())  # a business rule, like every other
    spec = client.get("/api/v1/openapi.json").get_json()
    variante = next(v for v in spec["components"]["schemas"]["Etape"]["oneOf"] if v["properties"]["type"]["const"] == "seance_tenue")
    assert "action" in variante["required"] and "personne" not in variante["properties"]

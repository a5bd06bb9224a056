"""The caseworker pages through the Flask test client: login, hand-over, forms, errors, access matrix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from parcours.chiffrement import nouvelle_cle_maitre
from parcours.comptes import Role
from projections import tables as t
from tests.conftest import enregistrer_operateurs
from web import create_app
from web.config import Reglages
from web.securite import hacher_mot_de_passe

MOT_DE_PASSE = "Mot-de-passe-solide-2026"
COMPTES = [("ofii", "ofii-dt-paris", Role.AGENT), ("ml", "mission-locale-paris", Role.AGENT),
           ("ft", "france-travail-75", Role.AGENT), ("resp-ml", "mission-locale-paris", Role.RESPONSABLE),
           ("copil", "ofii-dt-paris", Role.COPIL), ("admin-ft", "france-travail-75", Role.ADMIN)]


@pytest.fixture
def app(tmp_path: Path):
    app = create_app({"REGLAGES": Reglages(tmp_path / "i", None, "secret", nouvelle_cle_maitre(), cookie_securise=False), "TESTING": True})
    services = app.extensions["parcours"]
    enregistrer_operateurs(services.parcours)
    for login, operateur, role in COMPTES:
        services.parcours.creer_utilisateur(login, operateur, role, login.upper(), hacher_mot_de_passe(MOT_DE_PASSE))
    services.rattraper()
    yield app
    services.fermer()


def jeton_csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def connecter(app, login: str, mot_de_passe: str = MOT_DE_PASSE):  # noqa: ANN001, ANN201
    client = app.test_client()
    page = client.get("/connexion").get_data(as_text=True)
    reponse = client.post("/connexion", data={"csrf_token": jeton_csrf(page), "login": login, "mot_de_passe": mot_de_passe})
    return client, reponse


def poster(client, url: str, donnees: dict, htmx: bool = False):  # noqa: ANN001, ANN201
    page = client.get(url).get_data(as_text=True)
    formulaire = {"csrf_token": jeton_csrf(page), **donnees}
    if "step_id" not in formulaire and 'name="step_id"' in page:
        formulaire["step_id"] = re.search(r'name="step_id" value="([^"]+)"', page).group(1)
    return client.post(url, data=formulaire, headers={"HX-Request": "true"} if htmx else {})


def personne_orientee(app) -> str:  # noqa: ANN001
    """OFII registers Yasmina (22), her permit and CIR, and orients her to the Mission locale."""
    ofii, _ = connecter(app, "ofii")
    reponse = poster(ofii, "/personnes/nouvelle", {"occurred_on": "2025-01-10", "nom": "Haddad", "prenom": "Yasmina",
                                                   "date_naissance": "2003-05-02", "sexe": "F", "nationalite": "SYR",
                                                   "departement": "75", "numero_etranger": "7503030303"})
    assert reponse.status_code == 303, reponse.get_data(as_text=True)
    personne = reponse.headers["Location"]
    for type_, donnees in (
        ("titre_sejour_delivre", {"occurred_on": "2025-01-10", "motif": "FAMILIAL", "sous_motif": "CONJOINT_DE_FRANCAIS",
                                  "type_titre": "VLS_TS", "valid_from": "2025-01-10", "premier_titre": "true"}),
        ("cir_signe", {"occurred_on": "2025-02-03", "dt_ofii": "Paris"}),
        ("entretien_fin_cir", {"occurred_on": "2025-06-02", "situation_pro": "RECHERCHE_EMPLOI"}),
        ("orientation_spe", {"occurred_on": "2025-06-02", "vers": "mission-locale-paris", "motif_choix": "AGE_MOINS_26"}),
    ):
        assert poster(ofii, f"{personne}/etapes/nouvelle?type={type_}", donnees).status_code == 303
    return personne


def test_login_succeeds_fails_and_locks_after_five_failures(app) -> None:
    client, reponse = connecter(app, "ofii")
    assert reponse.status_code == 302 and client.get("/").status_code == 200
    for _ in range(5):
        assert connecter(app, "ft", "mauvais")[1].status_code == 401
    client, reponse = connecter(app, "ft")
    assert reponse.status_code == 401 and "verrouillé" in reponse.get_data(as_text=True)


def test_pages_need_a_session_and_serve_french_accessible_html(app) -> None:
    reponse = app.test_client().get("/")
    assert reponse.status_code == 302 and "/connexion" in reponse.headers["Location"]
    client, _ = connecter(app, "ofii")
    page = client.get("/recherche").get_data(as_text=True)
    assert '<html lang="fr"' in page and 'href="#contenu"' in page and '<label class="fr-label" for="nom">' in page
    assert "https://" not in page.split("<body")[0]  # every asset served by us, no CDN


def test_hand_over_from_ofii_to_mission_locale_with_timeline_and_worklists(app) -> None:
    personne = personne_orientee(app)
    ml, _ = connecter(app, "ml")
    recues = ml.get("/orientations").get_data(as_text=True)
    assert "Yasmina Haddad" in recues
    orientation_id = re.search(r'/orientations/([0-9a-f-]+)/decision', recues).group(1)
    assert ml.post(f"/orientations/{orientation_id}/decision", data={"csrf_token": jeton_csrf(recues), "decision": "accepter"}).status_code == 303
    assert "Aucune orientation en attente" in ml.get("/orientations").get_data(as_text=True)
    assert poster(ml, f"{personne}/etapes/nouvelle?type=accompagnement_emploi_debute", {"occurred_on": "2025-06-20", "programme": "CEJ"}).status_code == 303
    assert poster(ml, f"{personne}/etapes/nouvelle?type=sortie_accompagnement", {"occurred_on": "2025-07-31", "categorie": "EMPLOI_CDI"}).status_code == 303
    timeline = ml.get(personne).get_data(as_text=True)
    for attendu in ("ofii-dt-paris (ofii)", "mission-locale-paris (ml)", "Orientation acceptée", "Sortie d&#39;accompagnement"):
        assert attendu in timeline
    # Seven months later the follow-up appears in the Mission locale's worklist, with the pre-filled form.
    app.extensions["parcours"].rattraper()
    with app.extensions["parcours"].lectures.connect() as connexion:
        from projections.requetes import listes_de_travail

        [suivi] = listes_de_travail(connexion, "mission-locale-paris", __import__("datetime").date(2026, 2, 1))["suivis_six_mois"]
    assert suivi["formulaire"]["type"] == "suivi_six_mois"
    accueil = ml.get("/").get_data(as_text=True)
    assert "Suivis à 6 mois à renseigner" in accueil


def test_a_declined_orientation_appears_in_the_senders_list(app) -> None:
    personne_orientee(app)
    ml, _ = connecter(app, "ml")
    recues = ml.get("/orientations").get_data(as_text=True)
    orientation_id = re.search(r'/orientations/([0-9a-f-]+)/decision', recues).group(1)
    sans_motif = ml.post(f"/orientations/{orientation_id}/decision", data={"csrf_token": jeton_csrf(recues), "decision": "refuser", "motif": ""})
    assert sans_motif.status_code == 422 and "motif" in sans_motif.get_data(as_text=True)
    ml.post(f"/orientations/{orientation_id}/decision", data={"csrf_token": jeton_csrf(recues), "decision": "refuser", "motif": "Déjà en emploi"})
    ofii, _ = connecter(app, "ofii")
    assert "Déjà en emploi" in ofii.get("/orientations").get_data(as_text=True)


def test_form_errors_come_back_next_to_the_field_as_a_422_fragment_for_htmx_and_a_page_otherwise(app) -> None:
    personne = personne_orientee(app)
    ofii, _ = connecter(app, "ofii")
    url = f"{personne}/etapes/nouvelle?type=formation_civique_journee"
    fragment = poster(ofii, url, {"occurred_on": "2025-02-10", "jour": "7"}, htmx=True)
    texte = fragment.get_data(as_text=True)
    assert fragment.status_code == 422 and "<html" not in texte
    assert 'aria-invalid="true"' in texte and "Jour de 1 à 4." in texte and 'id="champ-jour-messages"' in texte
    page = poster(ofii, url, {"occurred_on": "2025-02-10", "jour": "7"})
    assert page.status_code == 422 and "<html" in page.get_data(as_text=True)
    regle = poster(ofii, f"{personne}/etapes/nouvelle?type=formation_linguistique_prescrite",
                   {"occurred_on": "2025-03-01", "type": "CIR_OBLIGATOIRE", "forfait_h": "200", "niveau_cible": "A1"})
    assert regle.status_code == 422 and "positionnement linguistique préalable" in regle.get_data(as_text=True)
    succes = poster(ofii, url, {"occurred_on": "2025-02-10", "jour": "1", "present": "true"}, htmx=True)
    assert succes.status_code == 200 and succes.headers["HX-Redirect"] == personne


def test_a_correction_and_a_void_show_in_the_timeline(app) -> None:
    personne = personne_orientee(app)
    ofii, _ = connecter(app, "ofii")
    poster(ofii, f"{personne}/etapes/nouvelle?type=situation_logement", {"occurred_on": "2025-02-01", "situation": "DNA"})
    poster(ofii, f"{personne}/etapes/nouvelle?type=note", {"occurred_on": "2025-02-01", "texte": "Note en double", "visibilite": "PARTAGEE"})
    page = ofii.get(personne).get_data(as_text=True)
    logement = re.search(r'id="etape-([0-9a-f-]+)"(?:(?!</tr>).)*situation : DNA', page, re.S).group(1)
    note = re.search(r'id="etape-([0-9a-f-]+)"(?:(?!</tr>).)*Note en double', page, re.S).group(1)
    reponse = poster(ofii, f"{personne}/etapes/{logement}/corriger", {"occurred_on": "2025-02-02", "situation": "CPH", "motif_correction": "erreur de saisie"})
    assert reponse.status_code == 303, reponse.get_data(as_text=True)
    assert poster(ofii, f"{personne}/etapes/{note}/annuler", {"motif": "doublon"}).status_code == 303
    page = ofii.get(personne).get_data(as_text=True)
    assert "situation : CPH" in page and "valeurs initiales : situation : DNA" in page
    assert f'id="etape-{note}" class="etape-annulee"' in page


def test_ofii_alone_registers_new_people(app) -> None:
    ml, _ = connecter(app, "ml")
    assert ml.get("/personnes/nouvelle").status_code == 403


ROUTES_PERSONNE = ["{p}", "{p}/etapes/nouvelle?type=note"]


@pytest.mark.parametrize(("login", "implique", "attendu"), [
    ("ofii", True, 200), ("ml", True, 200), ("resp-ml", True, 200), ("ft", False, 404), ("admin-ft", False, 404), ("copil", True, 403),
])
def test_the_access_matrix_of_person_level_pages(app, login: str, implique: bool, attendu: int) -> None:
    personne = personne_orientee(app)  # OFII recorded it and oriented it to the Mission locale: both involved
    client, _ = connecter(app, login)
    for route in ROUTES_PERSONNE:
        assert client.get(route.format(p=personne)).status_code == attendu, route
    assert client.get(f"/personnes/{__import__('uuid').uuid4()}").status_code == (403 if login == "copil" else 404)


def test_every_read_of_a_person_page_is_journaled(app) -> None:
    personne = personne_orientee(app)
    ml, _ = connecter(app, "ml")
    ml.get(personne)
    services = app.extensions["parcours"]
    services.rattraper()
    with services.lectures.connect() as connexion:
        lignes = connexion.execute(sa.select(t.consultation.c.login, t.consultation.c.ressource)).all()
    assert ("ml", "ui:personne") in lignes


def test_search_finds_people_only_among_the_operators_pathways(app) -> None:
    personne_orientee(app)
    ml, _ = connecter(app, "ml")
    assert "Yasmina Haddad" in ml.get("/recherche?nom=haddad").get_data(as_text=True)
    assert "Yasmina Haddad" in ml.get("/recherche?numero_etranger=7503030303").get_data(as_text=True)
    assert "Yasmina" in ml.get("/recherche?date_naissance=2003-05-02", headers={"HX-Request": "true"}).get_data(as_text=True)
    ft, _ = connecter(app, "ft")
    assert "Yasmina" not in ft.get("/recherche?nom=haddad").get_data(as_text=True)


def test_the_second_of_two_agents_editing_the_same_pathway_is_refused_and_keeps_their_input(app) -> None:
    personne = personne_orientee(app)
    premier, _ = connecter(app, "ofii")
    second, _ = connecter(app, "ofii")
    url = f"{personne}/etapes/nouvelle?type=situation_logement"
    page_premier = premier.get(url).get_data(as_text=True)
    page_second = second.get(url).get_data(as_text=True)

    def champs_caches(page: str) -> dict[str, str]:
        return {nom: re.search(rf'name="{nom}" value="([^"]+)"', page).group(1) for nom in ("csrf_token", "step_id", "version")}

    assert premier.post(url, data={**champs_caches(page_premier), "occurred_on": "2025-03-01", "situation": "DNA"}).status_code == 303
    refus = second.post(url, data={**champs_caches(page_second), "occurred_on": "2025-03-02", "situation": "CPH"})
    texte = refus.get_data(as_text=True)
    assert refus.status_code == 409 and "modifié entre-temps" in texte
    assert 'value="CPH" selected' in texte  # nothing typed is lost
    nouvelle_version = re.search(r'name="version" value="([^"]+)"', texte).group(1)
    assert second.post(url, data={**champs_caches(page_second), "version": nouvelle_version, "occurred_on": "2025-03-02",
                                  "situation": "CPH"}).status_code == 303


def test_a_responsable_manages_the_accounts_of_their_operator_and_reads_its_access_journal(app) -> None:
    personne = personne_orientee(app)
    agent, _ = connecter(app, "ml")
    assert agent.get("/utilisateurs").status_code == 403 and agent.get("/journal").status_code == 403
    agent.get(personne)
    responsable, _ = connecter(app, "resp-ml")
    page = responsable.get("/utilisateurs").get_data(as_text=True)
    assert "ml" in page and "ofii" not in re.findall(r"<td>([a-z-]+)</td>", page)
    faible = responsable.post("/utilisateurs", data={"csrf_token": jeton_csrf(page), "login": "nouveau", "nom": "Nouveau", "role": "agent", "mot_de_passe": "court"})
    assert faible.status_code == 422 and "12 caractères" in faible.get_data(as_text=True)
    cree = responsable.post("/utilisateurs", data={"csrf_token": jeton_csrf(page), "login": "nouveau", "nom": "Nouveau", "role": "agent", "mot_de_passe": MOT_DE_PASSE})
    assert cree.status_code == 303 and connecter(app, "nouveau")[1].status_code == 302
    responsable.post("/utilisateurs", data={"csrf_token": jeton_csrf(page), "action": "desactiver", "login": "nouveau"})
    assert connecter(app, "nouveau")[1].status_code == 401
    app.extensions["parcours"].rattraper()
    assert "ui:personne" in responsable.get("/journal").get_data(as_text=True)


def test_the_steering_committee_sees_the_indicators_and_downloads_the_protected_export(app) -> None:
    import io
    import zipfile

    personne_orientee(app)
    copil, _ = connecter(app, "copil")
    page = copil.get("/pilotage?du=2025-01-01&au=2025-12-31")
    texte = page.get_data(as_text=True)
    assert page.status_code == 200 and "Position du journal" in texte and "signataires" in texte
    assert "Yasmina" not in texte
    csv_ = copil.get("/pilotage?du=2025-01-01&au=2025-12-31&format=csv").get_data(as_text=True)
    assert csv_.startswith("indicateur,valeur\n") and "cir.signataires,1" in csv_
    archive = zipfile.ZipFile(io.BytesIO(copil.get("/pilotage/export-anonymise?du=2025-01-01&au=2025-12-31").data))
    assert sorted(archive.namelist()) == ["metadonnees.json", "statistiques.csv"]
    assert copil.get("/pilotage?du=2025-13-01").status_code == 422
    agent, _ = connecter(app, "ml")
    assert agent.get("/pilotage").status_code == 403

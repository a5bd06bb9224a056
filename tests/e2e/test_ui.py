"""The caseworker pages through the Flask test client: login, hand-over, forms, errors, worklists, access matrix."""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import replace
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa

from parcours.comptes import Role
from parcours.dates import add_months
from projections import tables as t
from projections.requetes import LISTES_DE_TRAVAIL
from tests.conftest import EMPREINTE, MOT_DE_PASSE, Magasins, enregistrer_operateurs
from web.app import create_app
from web.config import Reglages
from web.deps import aujourdhui
from web.pages.dossier import TITRES_LISTES
from web.pages.etapes_operateur import LISTES_PAR_TYPE_OPERATEUR

"""Hashed once for every account of every test: argon2id is slow on purpose."""
COMPTES = [("ofii", "ofii-dt-paris", Role.AGENT), ("ml", "mission-locale-paris", Role.AGENT),
           ("ft", "france-travail-75", Role.AGENT), ("resp-ml", "mission-locale-paris", Role.RESPONSABLE),
           ("copil", "ofii-dt-paris", Role.COPIL), ("admin-ft", "france-travail-75", Role.ADMIN)]
STATIQUES = Path(__file__).resolve().parents[2] / "web" / "static"


def construire(reglages: Reglages, comptes=COMPTES):  # noqa: ANN001, ANN201
    # The access matrix logs in hundreds of times from one address: above the login form's rate limit.
    app = create_app({"REGLAGES": reglages, "TESTING": True, "PARCOURS_LIMITE_CONNEXION": "100000 per minute"})
    services = app.extensions["parcours"]
    enregistrer_operateurs(services.parcours)
    for login, operateur, role in comptes:
        services.parcours.creer_utilisateur(login, operateur, role, login.upper(), EMPREINTE)
    services.rattraper()
    return app


@pytest.fixture
def app(magasins: Magasins, tmp_path: Path):
    app = construire(magasins.sqlite(tmp_path / "i", cookie_securise=False))
    yield app
    app.extensions["parcours"].fermer()


@pytest.fixture
def app_sur_chaque_base(reglages: Reglages):
    """The same app on embedded SQLite and on PostgreSQL (tests/conftest.py's `reglages`)."""
    app = construire(replace(reglages, cookie_securise=False))
    yield app
    app.extensions["parcours"].fermer()


def jeton_csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def connecter(app, login: str, mot_de_passe: str = MOT_DE_PASSE):  # noqa: ANN001, ANN201
    client = app.test_client()
    page = client.get("/connexion").get_data(as_text=True)
    reponse = client.post("/connexion", data={"csrf_token": jeton_csrf(page), "login": login, "mot_de_passe": mot_de_passe})
    return client, reponse


def champs_caches(page: str) -> dict[str, str]:
    """The hidden inputs a form carries (CSRF token, step_id, version…), as the browser would post them."""
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))


class LecteurDeFormulaire(HTMLParser):
    """What a browser would post from the step form as it is displayed: pre-filled inputs, selected options, ticked boxes."""

    def __init__(self) -> None:
        super().__init__()
        self.valeurs: dict[str, list[str]] = {}
        self._dans_le_formulaire = False
        self._liste: str | None = None

    def handle_starttag(self, balise: str, attributs: list[tuple[str, str | None]]) -> None:
        a = dict(attributs)
        if balise == "form" and a.get("id") == "formulaire-etape" or (balise == "form" and a.get("method") == "post" and "action" not in a):
            self._dans_le_formulaire = True
        if not self._dans_le_formulaire or not a.get("name") and balise != "option":
            return
        if balise == "input" and (a.get("type") not in ("checkbox",) or "checked" in a) and a.get("value"):
            self.valeurs.setdefault(a["name"], []).append(a["value"] or "")
        elif balise == "select":
            self._liste = a["name"]
        elif balise == "option" and self._liste and "selected" in a and a.get("value"):
            self.valeurs.setdefault(self._liste, []).append(a["value"] or "")

    def handle_endtag(self, balise: str) -> None:
        if balise == "select":
            self._liste = None
        elif balise == "form":
            self._dans_le_formulaire = False


def formulaire_affiche(page: str) -> dict[str, list[str]]:
    lecteur = LecteurDeFormulaire()
    lecteur.feed(page)
    return lecteur.valeurs


def poster(client, url: str, donnees: dict, htmx: bool = False):  # noqa: ANN001, ANN201
    """Open the form like a caseworker (GET), keep what it proposes, then post it with what they typed."""
    page = client.get(url).get_data(as_text=True)
    return client.post(url, data={**formulaire_affiche(page), **donnees}, headers={"HX-Request": "true"} if htmx else {})


def selectionne(page: str, champ: str) -> str | None:
    """The value pre-selected in a form's drop-down list."""
    liste = re.search(rf'<select[^>]*id="champ-{champ}".*?</select>', page, re.DOTALL).group(0)
    trouve = re.search(r'<option value="([^"]*)" selected>', liste)
    return trouve.group(1) if trouve else None


def valeur(page: str, champ: str) -> str:
    return re.search(rf'id="champ-{champ}" name="{champ}" value="([^"]*)"', page).group(1)


def enregistrer_personne(client, nom: str, prenom: str, naissance: str, numero: str | None = None, jour: str = "2025-01-10") -> str:  # noqa: ANN001
    donnees = {"occurred_on": jour, "nom": nom, "prenom": prenom, "date_naissance": naissance, "sexe": "F",
               "nationalite": "SYR", "departement": "75", **({"numero_etranger": numero} if numero else {})}
    reponse = poster(client, "/personnes/nouvelle", donnees)
    assert reponse.status_code == 303, reponse.get_data(as_text=True)
    return reponse.headers["Location"]


def personne_orientee(app) -> str:  # noqa: ANN001
    """OFII registers Yasmina (22), her permit and CIR, and orients her to the Mission locale (the target pre-filled)."""
    ofii, _ = connecter(app, "ofii")
    personne = enregistrer_personne(ofii, "Haddad", "Yasmina", "2003-05-02", "7503030303")
    for type_, donnees in (
        ("titre_sejour_delivre", {"occurred_on": "2025-01-10", "motif": "FAMILIAL", "sous_motif": "CONJOINT_DE_FRANCAIS",
                                  "type_titre": "VLS_TS", "valid_from": "2025-01-10", "premier_titre": "true"}),
        ("cir_signe", {"occurred_on": "2025-02-03", "dt_ofii": "Paris"}),
        ("entretien_fin_cir", {"occurred_on": "2025-06-02", "situation_pro": "RECHERCHE_EMPLOI"}),
        ("orientation_spe", {"occurred_on": "2025-06-02"}),  # vers and motif_choix: what the form proposes
    ):
        reponse = poster(ofii, f"{personne}/etapes/nouvelle?type={type_}", donnees)
        assert reponse.status_code == 303, (type_, reponse.get_data(as_text=True))
    return personne


def identifiant_d_etape(app, personne: str, type_: str) -> str:  # noqa: ANN001
    with app.extensions["parcours"].lectures.connect() as connexion:
        return connexion.execute(sa.select(t.etape.c.step_id).where(
            t.etape.c.parcours_id == personne.rsplit("/", 1)[1], t.etape.c.type == type_).order_by(t.etape.c.position.desc())).scalar()


# Logging in, CSRF, the page skeleton ------------------------------------------------------------------


def test_login_succeeds_fails_and_locks_after_five_failures(app) -> None:
    client, reponse = connecter(app, "ofii")
    assert reponse.status_code == 302 and client.get("/").status_code == 200
    mauvais = connecter(app, "ft", "mauvais")[1]
    assert mauvais.status_code == 401 and "Identifiant ou mot de passe incorrect" in mauvais.get_data(as_text=True)
    for _ in range(4):
        assert connecter(app, "ft", "mauvais")[1].status_code == 401
    client, reponse = connecter(app, "ft")  # the right password, too late
    assert reponse.status_code == 401 and "verrouillé" in reponse.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_posts_without_the_csrf_token_are_refused(app) -> None:
    anonyme = app.test_client()
    anonyme.get("/connexion")
    assert anonyme.post("/connexion", data={"login": "ofii", "mot_de_passe": MOT_DE_PASSE}).status_code == 400
    ofii, _ = connecter(app, "ofii")
    sans_jeton = ofii.post("/personnes/nouvelle", data={"occurred_on": "2025-01-10", "nom": "X"})
    assert sans_jeton.status_code == 400 and "CSRF" in sans_jeton.get_data(as_text=True)
    faux = ofii.post("/personnes/nouvelle", data={"csrf_token": "faux"}, headers={"X-CSRFToken": "faux"})
    assert faux.status_code == 400
    page = ofii.get("/personnes/nouvelle").get_data(as_text=True)
    en_entete = ofii.post("/personnes/nouvelle", data={"occurred_on": "2025-01-10"}, headers={"X-CSRFToken": jeton_csrf(page), "HX-Request": "true"})
    assert en_entete.status_code == 422  # htmx sends the token in the header <body hx-headers> sets


def test_pages_need_a_session_and_serve_french_accessible_html_without_inline_code(app) -> None:
    reponse = app.test_client().get("/")
    assert reponse.status_code == 302 and "/connexion" in reponse.headers["Location"]
    personne = personne_orientee(app)
    client, _ = connecter(app, "ofii")
    for url in ("/", "/recherche", "/orientations", personne, f"{personne}/etapes/nouvelle?type=note", "/personnes/nouvelle"):
        page = client.get(url).get_data(as_text=True)
        assert '<html lang="fr"' in page and 'href="#contenu"' in page and 'id="contenu"' in page, url
        assert "https://" not in page.split("<body")[0], url  # every asset served by us, no CDN
        assert not re.search(r"<script(?![^>]*\bsrc=)", page) and " style=" not in page and " onclick=" not in page, url
        assert "hx-headers='{\"X-CSRFToken\"" in page and '"includeIndicatorStyles": false' in page
    assert '<label class="fr-label" for="nom">' in client.get("/recherche").get_data(as_text=True)
    assert 'aria-current="page">Orientations reçues' in client.get("/orientations").get_data(as_text=True)


def test_vendored_assets_are_served_and_every_file_the_dsfr_css_names_is_there(app) -> None:
    client = app.test_client()
    for fichier in ("vendor/dsfr/dsfr.min.css", "vendor/dsfr/dsfr.module.min.js", "vendor/dsfr/dsfr.nomodule.min.js",
                    "vendor/htmx/htmx.min.js", "app.js", "app.css"):
        reponse = client.get(f"/static/{fichier}")
        assert reponse.status_code == 200, fichier
        reponse.close()
    css = (STATIQUES / "vendor" / "dsfr" / "dsfr.min.css").read_text()
    references = {u.strip("'\"") for u in re.findall(r"url\(([^)]+)\)", css)}
    references = {u for u in references if not u.startswith(("data:", "#"))}
    manquants = [u for u in references if not (STATIQUES / "vendor" / "dsfr" / u).is_file()]
    assert references and not manquants
    versions = (STATIQUES / "vendor" / "VERSIONS.txt").read_text()
    assert "@gouvfr/dsfr 1.15.3" in versions and "htmx.org 2.0.11" in versions


def test_the_pages_name_each_static_file_with_its_content_digest_and_browsers_keep_it_a_day(app) -> None:
    client, _ = connecter(app, "ofii")
    page = client.get("/").get_data(as_text=True)
    adresses = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    assert {"/static/app.css", "/static/vendor/dsfr/dsfr.min.css", "/static/vendor/htmx/htmx.min.js"} <= {
        adresse.split("?")[0] for adresse in adresses}
    for adresse in adresses:
        chemin, _, version = adresse.partition("?v=")
        contenu = (STATIQUES / chemin.removeprefix("/static/")).read_bytes()
        assert version == hashlib.sha256(contenu).hexdigest()[:12], adresse  # a changed file gets a new address
        reponse = client.get(adresse)
        assert reponse.status_code == 200 and reponse.data == contenu
        assert reponse.cache_control.max_age == 86_400 and not reponse.cache_control.no_store, adresse
        reponse.close()
    assert client.get("/").headers["Cache-Control"] == "no-store"  # pages themselves are never kept


# The hand-over, on both databases ---------------------------------------------------------------------------


def test_hand_over_from_ofii_to_mission_locale_with_timeline_and_worklists(app_sur_chaque_base) -> None:
    app = app_sur_chaque_base
    personne = personne_orientee(app)
    ofii, _ = connecter(app, "ofii")
    assert "Yasmina Haddad" in ofii.get("/orientations").get_data(as_text=True)  # sent, awaiting an answer
    ml, _ = connecter(app, "ml")
    accueil = ml.get("/").get_data(as_text=True)
    assert "Yasmina Haddad" in accueil and "Orientation vers le service public de l&#39;emploi, reçue de OFII — direction territoriale de Paris" in accueil
    recues = ml.get("/orientations").get_data(as_text=True)
    assert "Yasmina Haddad" in recues
    orientation_id = re.search(r'/orientations/([0-9a-f-]+)/decision', recues).group(1)
    assert '<option value="CEJ" selected>' in recues  # a Mission locale and a 23-year-old: the CEJ is proposed
    accepte = ml.post(f"/orientations/{orientation_id}/decision", data={"csrf_token": jeton_csrf(recues), "decision": "accepter",
                                                                         "programme": "CEJ"})
    assert accepte.status_code == 303 and accepte.headers["Location"] == personne
    page = ml.get(personne).get_data(as_text=True)
    assert "Orientation acceptée. Accompagnement ouvert le" in page and "Contrat d&#39;engagement jeune (CEJ) chez Mission locale de Paris" in page
    assert "Aucune orientation en attente" in ml.get("/orientations").get_data(as_text=True)
    # The accompaniment the acceptance opened today is voided, to replay one that started months ago.
    ouvert = identifiant_d_etape(app, personne, "accompagnement_emploi_debute")
    assert poster(ml, f"{personne}/etapes/{ouvert}/annuler", {"motif": "Reprise de l'historique"}).status_code == 303

    # The exit six months ago: its follow-up is due today, so it shows in the Mission locale's worklist.
    sortie_le = add_months(aujourdhui(), -6)
    assert poster(ml, f"{personne}/etapes/nouvelle?type=accompagnement_emploi_debute",
                  {"occurred_on": (sortie_le - timedelta(days=40)).isoformat(), "programme": "CEJ"}).status_code == 303
    formulaire_sortie = ml.get(f"{personne}/etapes/nouvelle?type=sortie_accompagnement").get_data(as_text=True)
    assert "Accompagnement en cours dans votre structure : Contrat d&#39;engagement jeune (CEJ)" in formulaire_sortie
    assert poster(ml, f"{personne}/etapes/nouvelle?type=sortie_accompagnement",
                  {"occurred_on": sortie_le.isoformat(), "categorie": "EMPLOI_CDI"}).status_code == 303

    timeline = ml.get(personne).get_data(as_text=True)
    for attendu in ("OFII — direction territoriale de Paris<br><span class=\"fr-text--xs\">OFII</span>",
                    "Mission locale de Paris<br><span class=\"fr-text--xs\">ML</span>", "Contrat d&#39;intégration républicaine signé",
                    "Orientation acceptée", "Orientation : Orientation vers le service public de l&#39;emploi du 02/06/2025",
                    "Programme : Contrat d&#39;engagement jeune (CEJ)", "Sortie d&#39;accompagnement", "Situation à la sortie : Emploi en CDI",
                    "Opérateur destinataire : Mission locale de Paris"):
        assert attendu in timeline, attendu

    accueil = ml.get("/").get_data(as_text=True)
    lien = re.search(r'href="(/personnes/[^"]+/etapes/nouvelle\?type=suivi_six_mois[^"]*)"', accueil)
    assert lien, "the follow-up is in the worklist, with its pre-filled form"
    formulaire = ml.get(lien.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert selectionne(formulaire, "sortie_step_id") == identifiant_d_etape(app, personne, "sortie_accompagnement")
    suivi = ml.post(lien.group(1).replace("&amp;", "&"), data={**champs_caches(formulaire), "occurred_on": aujourdhui().isoformat(),
                                                               "sortie_step_id": selectionne(formulaire, "sortie_step_id"),
                                                               "repondant": "true", "categorie": "EMPLOI_CDI"})
    assert suivi.status_code == 303, suivi.get_data(as_text=True)
    assert "type=suivi_six_mois" not in ml.get("/").get_data(as_text=True)


def test_the_orientation_target_defaults_to_the_mission_locale_under_26_and_france_travail_otherwise(app) -> None:
    jeune = personne_orientee(app)
    ofii, _ = connecter(app, "ofii")
    aine = enregistrer_personne(ofii, "Karimi", "Omid", "1985-03-01")
    formulaire = ofii.get(f"{aine}/etapes/nouvelle?type=orientation_spe").get_data(as_text=True)
    assert selectionne(formulaire, "vers") == "france-travail-75" and selectionne(formulaire, "motif_choix") == "DEFAUT"
    assert '<optgroup label="Mission locale">' in formulaire  # every public employment operator may be chosen
    with app.extensions["parcours"].lectures.connect() as connexion:
        [vers] = connexion.execute(sa.select(t.etape.c.donnees).where(t.etape.c.type == "orientation_spe")).scalars().all()
    assert vers == {"vers": "mission-locale-paris", "motif_choix": "AGE_MOINS_26"}
    for type_, attendu in (("cir_signe", {"dt_ofii": "Paris"}), ("contrat_travail_debute", {"date_debut": ""})):
        page = ofii.get(f"{jeune}/etapes/nouvelle?type={type_}").get_data(as_text=True)
        assert all(valeur(page, champ) == v for champ, v in attendu.items()), type_
    assert "laissée vide : la date de l&#39;étape" in page  # the contract starts on the step's date unless told otherwise
    page = ofii.get(f"{jeune}/etapes/nouvelle?type=note").get_data(as_text=True)
    assert valeur(page, "occurred_on") == aujourdhui().isoformat() and selectionne(page, "visibilite") == "OPERATEUR"
    assert "Enregistré au nom de <strong>OFII — direction territoriale de Paris</strong> par OFII" in page and 'name="operateur"' not in page
    titre = ofii.get(f"{aine}/etapes/nouvelle?type=titre_sejour_delivre").get_data(as_text=True)
    assert 'id="champ-premier_titre" name="premier_titre" value="true" checked' in titre


def test_other_worklists_overdue_end_of_cir_interview_and_permit_ending_soon(app) -> None:
    ofii, _ = connecter(app, "ofii")
    personne = enregistrer_personne(ofii, "Ahmadi", "Sara", "1990-07-14", jour="2024-09-02")
    fin_du_titre = aujourdhui() + timedelta(days=30)
    assert poster(ofii, f"{personne}/etapes/nouvelle?type=titre_sejour_delivre",
                  {"occurred_on": "2024-09-02", "motif": "ECONOMIQUE", "sous_motif": "SALARIE", "type_titre": "CARTE_SEJOUR_TEMPORAIRE",
                   "valid_from": "2024-09-02", "valid_to": fin_du_titre.isoformat(), "premier_titre": "true"}).status_code == 303
    assert poster(ofii, f"{personne}/etapes/nouvelle?type=cir_signe", {"occurred_on": "2024-09-16", "dt_ofii": "Paris"}).status_code == 303
    accueil = ofii.get("/").get_data(as_text=True)
    entretiens = accueil.split("Entretiens de fin de CIR en retard", 1)[1].split("</section>")[0]
    titres = accueil.split("Titres de séjour expirant sous 60 jours", 1)[1].split("</section>")[0]
    assert "Sara Ahmadi" in entretiens and "en retard" in entretiens and "type=entretien_fin_cir" in entretiens
    assert "Sara Ahmadi" in titres and fin_du_titre.strftime("%d/%m/%Y") in titres and "type=titre_sejour_delivre" in titres


def test_a_declined_orientation_needs_a_reason_and_appears_in_the_senders_list(app) -> None:
    personne_orientee(app)
    ml, _ = connecter(app, "ml")
    recues = ml.get("/orientations").get_data(as_text=True)
    orientation_id = re.search(r'/orientations/([0-9a-f-]+)/decision', recues).group(1)
    sans_motif = ml.post(f"/orientations/{orientation_id}/decision", data={"csrf_token": jeton_csrf(recues), "decision": "refuser", "motif": " "})
    texte = sans_motif.get_data(as_text=True)
    assert sans_motif.status_code == 422 and "Motif du refus : Ce champ est obligatoire." in texte
    assert f'aria-describedby="motif-{orientation_id}-messages" aria-invalid="true"' in texte
    refus = ml.post(f"/orientations/{orientation_id}/decision", data={"csrf_token": jeton_csrf(recues), "decision": "refuser", "motif": "Déjà en emploi"})
    assert refus.status_code == 303 and refus.headers["Location"] == "/orientations"
    ofii, _ = connecter(app, "ofii")
    page = ofii.get("/orientations").get_data(as_text=True)
    assert "refusée par Mission locale de Paris" in page
    soi_meme = ofii.post(f"/orientations/{orientation_id}/decision", data={"csrf_token": jeton_csrf(page), "decision": "accepter"})
    assert soi_meme.status_code == 422 and 'class="fr-alert fr-alert--error fr-mb-3w" role="alert"' in soi_meme.get_data(as_text=True)
    assert "Déjà en emploi" in ofii.get("/orientations").get_data(as_text=True)


# Errors next to their field -------------------------------------------------------------------------------


def test_form_errors_come_back_next_to_the_field_as_a_422_fragment_for_htmx_and_a_page_otherwise(app) -> None:
    personne = personne_orientee(app)
    ofii, _ = connecter(app, "ofii")
    url = f"{personne}/etapes/nouvelle?type=formation_civique_journee"
    fragment = poster(ofii, url, {"occurred_on": "2025-02-10", "jour": "7"}, htmx=True)
    texte = fragment.get_data(as_text=True)
    assert fragment.status_code == 422 and "<html" not in texte and texte.lstrip().startswith(("{#", "<form id=\"formulaire-etape\""))
    assert re.search(r'id="champ-jour"[^>]*aria-describedby="champ-jour-messages" aria-invalid="true"', texte)
    assert re.search(r'id="champ-jour-messages" aria-live="polite"><p class="fr-message fr-message--error">Jour de 1 à 4.</p>', texte)
    assert 'href="#champ-jour">Journée (1 à 4)</a> : Jour de 1 à 4.' in texte and 'value="7"' in texte  # summary, and input kept
    page = poster(ofii, url, {"occurred_on": "2025-02-10", "jour": "7"})
    assert page.status_code == 422 and "<html" in page.get_data(as_text=True) and "<title>Erreur : " in page.get_data(as_text=True)
    assert "Jour de 1 à 4." in page.get_data(as_text=True)
    succes = poster(ofii, url, {"occurred_on": "2025-02-10", "jour": "1", "present": "true"}, htmx=True)
    assert succes.status_code == 200 and succes.headers["HX-Redirect"] == personne


def test_domain_rejections_are_shown_next_to_the_field_they_name_or_on_top(app) -> None:
    personne = personne_orientee(app)
    ofii, _ = connecter(app, "ofii")
    futur = poster(ofii, f"{personne}/etapes/nouvelle?type=situation_logement", {"occurred_on": (aujourdhui() + timedelta(days=3)).isoformat(),
                                                                                   "situation": "DNA"})
    texte = futur.get_data(as_text=True)
    assert futur.status_code == 422 and re.search(r'id="champ-occurred_on-messages" aria-live="polite"><p class="fr-message fr-message--error">[^<]*dans le futur', texte)
    regle = poster(ofii, f"{personne}/etapes/nouvelle?type=formation_linguistique_prescrite",
                   {"occurred_on": "2025-03-01", "type": "CIR_OBLIGATOIRE", "forfait_h": "200", "niveau_cible": "A1"})
    texte = regle.get_data(as_text=True)
    assert regle.status_code == 422 and re.search(r'id="champ-type-messages" aria-live="polite"><p class="fr-message fr-message--error">[^<]*positionnement linguistique préalable', texte)
    assert 'value="200" selected' in texte  # forfait_h, a closed list of hours, is a drop-down list
    sans_cir = enregistrer_personne(ofii, "Karimi", "Omid", "1985-03-01")
    en_tete = poster(ofii, f"{sans_cir}/etapes/nouvelle?type=formation_civique_journee", {"occurred_on": "2025-03-01", "jour": "1"})
    texte = en_tete.get_data(as_text=True)
    assert en_tete.status_code == 422 and "fr-alert--error" in texte and "Type d&#39;étape : " in texte and "demande un CIR" in texte


def test_a_list_field_keeps_its_choices_and_shows_its_errors(app) -> None:
    personne = personne_orientee(app)
    ofii, _ = connecter(app, "ofii")
    url = f"{personne}/etapes/nouvelle?type=agir_entree"
    page = ofii.get(url).get_data(as_text=True)
    assert 'type="checkbox" id="champ-volets-DROITS" name="volets" value="DROITS"' in page and "Accès aux droits" in page
    reponse = ofii.post(url, data={**champs_caches(page), "occurred_on": "2025-03-01", "volets": ["DROITS", "INCONNU"]})
    texte = reponse.get_data(as_text=True)
    assert reponse.status_code == 422 and re.search(r'id="champ-volets-messages" aria-live="polite"><p class="fr-message fr-message--error">Valeur inconnue', texte)
    assert 'value="DROITS" checked' in texte and 'value="LOGEMENT" checked' not in texte


def test_the_second_of_two_agents_editing_the_same_pathway_gets_a_409_that_keeps_their_input(app) -> None:
    personne = personne_orientee(app)
    premier, _ = connecter(app, "ofii")
    second, _ = connecter(app, "ofii")
    url = f"{personne}/etapes/nouvelle?type=situation_logement"
    page_premier = premier.get(url).get_data(as_text=True)
    page_second = second.get(url).get_data(as_text=True)
    assert premier.post(url, data={**champs_caches(page_premier), "occurred_on": "2025-03-01", "situation": "DNA"}).status_code == 303
    refus = second.post(url, data={**champs_caches(page_second), "occurred_on": "2025-03-02", "situation": "CPH"}, headers={"HX-Request": "true"})
    texte = refus.get_data(as_text=True)
    assert refus.status_code == 409 and "Le parcours a été modifié entre-temps" in texte and "<html" not in texte
    assert f'href="{personne}" target="_blank" rel="noopener">Voir la chronologie à jour' in texte  # the reload link
    assert 'value="CPH" selected' in texte and 'value="2025-03-02"' in texte  # nothing typed is lost
    assert second.post(url, data={**champs_caches(texte), "occurred_on": "2025-03-02", "situation": "CPH"}).status_code == 303


# Corrections and voids ------------------------------------------------------------------------------------


def test_a_correction_and_a_void_show_in_the_timeline(app) -> None:
    personne = personne_orientee(app)
    ofii, _ = connecter(app, "ofii")
    assert poster(ofii, f"{personne}/etapes/nouvelle?type=situation_logement", {"occurred_on": "2025-02-01", "situation": "DNA"}).status_code == 303
    assert poster(ofii, f"{personne}/etapes/nouvelle?type=note", {"occurred_on": "2025-02-01", "texte": "Note en double",
                                                                 "visibilite": "PARTAGEE"}).status_code == 303
    logement, note = identifiant_d_etape(app, personne, "situation_logement"), identifiant_d_etape(app, personne, "note")
    page = ofii.get(personne).get_data(as_text=True)
    assert f"/etapes/{logement}/corriger" in page and f"/etapes/{note}/annuler" in page
    url = f"{personne}/etapes/{logement}/corriger"
    formulaire = ofii.get(url).get_data(as_text=True)
    assert selectionne(formulaire, "situation") == "DNA"  # the step's current values
    sans_motif = ofii.post(url, data={**champs_caches(formulaire), "occurred_on": "2025-02-02", "situation": "CPH"})
    assert sans_motif.status_code == 422 and "Indiquez le motif de la correction." in sans_motif.get_data(as_text=True)
    inchange = ofii.post(url, data={**champs_caches(formulaire), "occurred_on": "2025-02-02", "situation": "DNA", "motif_correction": "x"})
    assert inchange.status_code == 422 and "Aucun champ n&#39;a été modifié" in inchange.get_data(as_text=True)
    reponse = ofii.post(url, data={**champs_caches(formulaire), "occurred_on": "2025-02-02", "situation": "CPH", "motif_correction": "erreur de saisie"})
    assert reponse.status_code == 303, reponse.get_data(as_text=True)
    annulation = f"{personne}/etapes/{note}/annuler"
    assert "Note en double" in ofii.get(annulation).get_data(as_text=True)
    assert poster(ofii, annulation, {"motif": ""}).status_code == 422
    assert poster(ofii, annulation, {"motif": "doublon"}).status_code == 303
    page = ofii.get(personne).get_data(as_text=True)
    ligne = re.search(rf'<tr id="etape-{logement}".*?</tr>', page, re.DOTALL).group(0)
    assert "Situation de logement : Centre provisoire d&#39;hébergement (CPH)" in ligne and "corrigée" in ligne
    assert "Valeurs initiales : Situation de logement : Dispositif national d&#39;accueil (DNA)" in ligne
    assert re.search(rf'<tr id="etape-{note}" class="etape-annulee">\s*<td>01/02/2025</td>\s*<td><del>Note</del>', page)
    assert "Motif de la correction : erreur de saisie" in page and "Motif de l&#39;annulation : doublon" in page
    assert ofii.get(f"{personne}/etapes/{note}/corriger").status_code == 404  # a voided step is no longer corrected


def test_any_step_type_has_its_form_including_a_correction_by_field_name_and_value(app) -> None:
    personne = personne_orientee(app)
    ofii, _ = connecter(app, "ofii")
    for type_ in ("titre_sejour_delivre", "protection_accordee", "positionnement_linguistique", "formation_linguistique_heures",
                  "evaluation_linguistique", "dispense_orientation_spe", "orientation_agir", "agir_sortie", "suivi_six_mois",
                  "evenement_corrige", "evenement_annule", "note"):
        page = ofii.get(f"{personne}/etapes/nouvelle?type={type_}")
        assert page.status_code == 200, type_
    assert ofii.get(f"{personne}/etapes/nouvelle?type=personne_enregistree").status_code == 404
    assert ofii.get(f"{personne}/etapes/nouvelle?type=inconnu").status_code == 404
    cir = identifiant_d_etape(app, personne, "cir_signe")
    url = f"{personne}/etapes/nouvelle?type=evenement_corrige"
    page = ofii.get(url).get_data(as_text=True)
    assert f'<option value="{cir}">Contrat d&#39;intégration républicaine signé du 03/02/2025 (OFII — direction territoriale de Paris)</option>' in page
    assert 'name="champs__cle"' in page and 'name="champs__valeur"' in page
    mauvais = ofii.post(url, data={**champs_caches(page), "occurred_on": "2025-02-04", "cible_step_id": cir, "champs__cle": ["inconnu", ""],
                                   "champs__valeur": ["x", ""], "motif": "essai"})
    texte = mauvais.get_data(as_text=True)
    assert mauvais.status_code == 422 and 'value="inconnu"' in texte  # the pairs typed come back
    bon = ofii.post(url, data={**champs_caches(page), "occurred_on": "2025-02-04", "cible_step_id": cir, "champs__cle": ["dt_ofii", ""],
                               "champs__valeur": ["Paris 13e", ""], "motif": "précision"})
    assert bon.status_code == 303, bon.get_data(as_text=True)
    assert "Direction territoriale OFII → Paris 13e" in ofii.get(personne).get_data(as_text=True)


# Access ---------------------------------------------------------------------------------------------------


def test_ofii_alone_registers_new_people(app) -> None:
    ml, _ = connecter(app, "ml")
    assert ml.get("/personnes/nouvelle").status_code == 403
    assert "Enregistrer une nouvelle personne" not in ml.get("/recherche").get_data(as_text=True)
    ofii, _ = connecter(app, "ofii")
    page = ofii.get("/personnes/nouvelle").get_data(as_text=True)
    assert valeur(page, "departement") == "75" and "Enregistrer une nouvelle personne" in ofii.get("/").get_data(as_text=True)


def test_copil_users_are_told_they_only_have_aggregates(app) -> None:
    copil, _ = connecter(app, "copil")
    page = copil.get("/").get_data(as_text=True)
    assert "données agrégées uniquement" in page and "Rechercher une personne" not in page
    assert copil.get("/recherche?nom=haddad").status_code == 403 and copil.get("/orientations").status_code == 403


ROLES = {Role.AGENT: "agent", Role.RESPONSABLE: "resp", Role.COPIL: "copil", Role.ADMIN: "admin"}
ROUTES_PERSONNE = [
    ("get", "{p}"),
    ("get", "{p}/etapes/nouvelle?type=note"),
    ("get", "{p}/etapes/{cir}/corriger"),
    ("get", "{p}/etapes/{cir}/annuler"),
    ("post", "{p}/etapes/nouvelle?type=note"),
    ("post", "/orientations/{orientation}/decision"),
]


@pytest.fixture(scope="module")
def matrice(magasins: Magasins, tmp_path_factory: pytest.TempPathFactory):
    """One pathway recorded by OFII and oriented to the Mission locale (both involved; France Travail is not),
    and a user of every role at both the Mission locale and France Travail."""
    comptes = [("ofii", "ofii-dt-paris", Role.AGENT)] + [
        (f"{prefixe}-{operateur.split('-')[0]}", operateur, role)
        for role, prefixe in ROLES.items() for operateur in ("mission-locale-paris", "france-travail-75")
    ]
    app = construire(magasins.sqlite(tmp_path_factory.mktemp("matrice") / "i", cookie_securise=False), comptes)
    personne = personne_orientee(app)
    ids = {"p": personne, "cir": identifiant_d_etape(app, personne, "cir_signe"),
           "orientation": identifiant_d_etape(app, personne, "orientation_spe")}
    yield app, ids
    app.extensions["parcours"].fermer()


@pytest.mark.parametrize("methode_route", ROUTES_PERSONNE, ids=[f"{m} {r}" for m, r in ROUTES_PERSONNE])
@pytest.mark.parametrize("implique", [True, False], ids=["implique", "non-implique"])
@pytest.mark.parametrize("role", list(ROLES), ids=[r.value for r in ROLES])
def test_the_access_matrix_of_person_level_pages(matrice, role: Role, implique: bool, methode_route: tuple[str, str]) -> None:
    app, ids = matrice
    methode, route = methode_route
    login = f"{ROLES[role]}-{'mission' if implique else 'france'}"
    client, reponse = connecter(app, login)
    assert reponse.status_code == 302
    jeton = jeton_csrf(client.get("/connexion").get_data(as_text=True))
    url = route.format(**ids)
    if methode == "get":
        reponse = client.get(url)
    elif "decision" in url:  # a decline without its reason: refused (422) once the access rules let it through
        reponse = client.post(url, data={"csrf_token": jeton, "decision": "refuser", "motif": ""})
    else:
        reponse = client.post(url, data={"csrf_token": jeton, "step_id": str(uuid.uuid4()), "occurred_on": "2025-07-01",
                                         "texte": "Vu en entretien", "visibilite": "OPERATEUR"})
    attendu = 403 if role is Role.COPIL else (404 if not implique else {"get": 200, "post": 422 if "decision" in url else 303}[methode])
    if implique and role is not Role.COPIL and "{cir}" in route:
        attendu = 403  # the CIR is OFII's: only OFII corrects or voids it (issue 14, finding 3)
    assert reponse.status_code == attendu, (login, methode, url, reponse.get_data(as_text=True)[:300])
    inconnu = client.get(f"/personnes/{uuid.uuid4()}")
    assert inconnu.status_code == (403 if role is Role.COPIL else 404)


def test_every_read_of_a_person_page_is_journaled(app) -> None:
    personne = personne_orientee(app)
    ml, _ = connecter(app, "ml")
    ml.get(personne)
    ml.get(f"{personne}/etapes/nouvelle?type=note")
    ft, _ = connecter(app, "ft")
    assert ft.get(personne).status_code == 404
    services = app.extensions["parcours"]
    services.rattraper()
    with services.lectures.connect() as connexion:
        lignes = connexion.execute(sa.select(t.consultation.c.login, t.consultation.c.operateur, t.consultation.c.parcours_id,
                                             t.consultation.c.ressource)).all()
    parcours_id = personne.rsplit("/", 1)[1]
    assert ("ml", "mission-locale-paris", parcours_id, "ui:personne") in lignes
    assert ("ml", "mission-locale-paris", parcours_id, "ui:nouvelle_etape") in lignes
    assert not [ligne for ligne in lignes if ligne.login == "ft"]  # a refused read leaves no trace of the person


def test_search_finds_people_only_among_the_operators_pathways(app) -> None:
    personne_orientee(app)
    ml, _ = connecter(app, "ml")
    assert "Yasmina Haddad" in ml.get("/recherche?nom=haddad").get_data(as_text=True)
    assert "Yasmina Haddad" in ml.get("/recherche?nom=HADDÂD yasmina").get_data(as_text=True)  # accents and case ignored
    assert "Yasmina Haddad" in ml.get("/recherche?numero_etranger=7503030303").get_data(as_text=True)
    fragment = ml.get("/recherche?date_naissance=2003-05-02", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Yasmina" in fragment and "<html" not in fragment and fragment.lstrip().startswith(("{#", '<div id="resultats"'))
    assert "Aucune personne trouvée" in ml.get("/recherche?nom=haddad&date_naissance=2003-05-03").get_data(as_text=True)
    assert "10 chiffres" in ml.get("/recherche?numero_etranger=12").get_data(as_text=True)
    ft, _ = connecter(app, "ft")
    assert "Yasmina" not in ft.get("/recherche?nom=haddad").get_data(as_text=True)
    assert "Yasmina" not in ft.get("/recherche?numero_etranger=7503030303").get_data(as_text=True)


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
    journal = responsable.get("/journal").get_data(as_text=True)
    assert "ML a consulté le dossier de Y. Haddad" in journal and "ui:personne" not in journal


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
    # One signatory: the steering committee reads it protected (issue 14, finding 5).
    assert csv_.startswith("indicateur,valeur\n") and "cir.signataires,< 11" in csv_
    archive = zipfile.ZipFile(io.BytesIO(copil.get("/pilotage/export-anonymise?du=2025-01-01&au=2025-12-31").data))
    # With the §9 tables that have units in the period (here Yasmina's orientation to the employment service).
    assert sorted(archive.namelist()) == ["metadonnees.json", "spe_type_operateur_x_devenir.csv", "statistiques.csv"]
    assert copil.get("/pilotage?du=2025-13-01").status_code == 422
    agent, _ = connecter(app, "ml")
    assert agent.get("/pilotage").status_code == 403


def test_the_steering_committee_downloads_the_annual_evaluation_table_as_xlsx_ods_or_csv(app) -> None:
    import io
    import zipfile
    from xml.etree import ElementTree

    import openpyxl

    personne_orientee(app)
    copil, _ = connecter(app, "copil")
    page = copil.get("/pilotage?du=2025-01-01&au=2025-12-31&operateur=ofii-dt-paris").get_data(as_text=True)
    assert 'action="/pilotage/evaluation-annuelle"' in page and 'name="operateur" value="ofii-dt-paris"' in page
    un_departement = copil.get("/pilotage?du=2025-01-01&au=2025-12-31&departement=75").get_data(as_text=True)
    assert 'name="departement" value="75"' in un_departement and "<strong>département 75 (tous les opérateurs)</strong>" in un_departement
    plusieurs = copil.get("/pilotage?du=2025-01-01&au=2025-12-31&departement=75&departement=93").get_data(as_text=True)
    assert "<strong>national (tous les opérateurs)</strong>" in plusieurs and 'name="departement" value=' not in plusieurs
    xlsx = copil.get("/pilotage/evaluation-annuelle?annee=2025&operateur=ofii-dt-paris&format=xlsx")
    assert xlsx.status_code == 200
    assert xlsx.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert xlsx.headers["Content-Disposition"] == 'attachment; filename="evaluation-annuelle-2025-ofii-dt-paris.xlsx"'
    classeur = openpyxl.load_workbook(io.BytesIO(xlsx.data))
    onglet = classeur["Évaluation 2025"]
    # Yasmina signs her CIR with the OFII in 2025, but the OFII carries no funded action (CONTRACT §8).
    assert [onglet[f"D{n}"].value for n in range(2, 6)] == [0, 0, 0, 0]
    assert dict(classeur["Métadonnées"].iter_rows(min_row=2, values_only=True))["Périmètre"] == "actions portées par ofii-dt-paris"
    ods = copil.get("/pilotage/evaluation-annuelle?annee=2025&departement=75&format=ods")
    assert ods.headers["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert ods.headers["Content-Disposition"] == 'attachment; filename="evaluation-annuelle-2025-departement-75.ods"'
    with zipfile.ZipFile(io.BytesIO(ods.data)) as archive:
        assert archive.infolist()[0].filename == "mimetype" and archive.infolist()[0].compress_type == zipfile.ZIP_STORED
        ElementTree.fromstring(archive.read("content.xml"))
    csv_ = copil.get("/pilotage/evaluation-annuelle?annee=2025&format=csv")
    assert csv_.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_.headers["Content-Disposition"] == 'attachment; filename="evaluation-annuelle-2025-national.csv"'
    assert csv_.data.decode("utf-8-sig").startswith("Rubrique;Indicateur;Objectif;Réalisé;Précision")
    assert copil.get("/pilotage/evaluation-annuelle?annee=2025&format=pdf").status_code == 422
    assert copil.get("/pilotage/evaluation-annuelle?annee=2025&operateur=inconnu&format=xlsx").status_code == 422
    agent, _ = connecter(app, "ml")
    assert agent.get("/pilotage/evaluation-annuelle?annee=2025&format=xlsx").status_code == 403


def test_the_dashboard_table_downloads_as_xlsx_ods_and_csv_with_the_rows_of_the_page_and_a_metadata_sheet(app) -> None:
    import csv
    import io
    import zipfile
    from datetime import date, datetime
    from xml.etree import ElementTree

    import openpyxl

    from projections.document import calculer
    from projections.indicateurs import Demande
    from projections.masquage import masquer
    from projections.tableau_de_bord import lignes_du_tableau

    personne_orientee(app)
    copil, _ = connecter(app, "copil")
    criteres = "du=2025-01-01&au=2025-12-31&departement=75"
    page = copil.get(f"/pilotage?{criteres}").get_data(as_text=True)
    for format_ in ("xlsx", "ods", "csv"):
        assert f"/pilotage/tableau?du=2025-01-01&amp;au=2025-12-31&amp;departement=75&amp;format={format_}" in page
    services = app.extensions["parcours"]
    demande = Demande(date(2025, 1, 1), date(2025, 12, 31), departement="75")
    document = masquer(calculer(services.lectures, demande))  # the steering committee's figures are protected
    attendues = [list(ligne)[1:] for ligne in lignes_du_tableau(services.lectures, demande, document)]
    assert ["CIR : signataires", None, "< 11", None] in attendues

    xlsx = copil.get(f"/pilotage/tableau?{criteres}&format=xlsx")
    assert xlsx.status_code == 200
    assert xlsx.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert xlsx.headers["Content-Disposition"] == 'attachment; filename="indicateurs-2025-01-01-2025-12-31.xlsx"'
    classeur = openpyxl.load_workbook(io.BytesIO(xlsx.data))
    assert classeur.sheetnames == ["Indicateurs", "Métadonnées"]
    rangees = [list(r) for r in classeur["Indicateurs"].iter_rows(values_only=True)]
    assert rangees == [["Indicateur", "Objectif", "Réalisé", "Écart"], *attendues]
    metadonnees = dict(classeur["Métadonnées"].iter_rows(min_row=2, values_only=True))
    assert (metadonnees["Du"], metadonnees["Au"]) == (datetime(2025, 1, 1), datetime(2025, 12, 31))
    assert metadonnees["Filtre : Département"] == "75" and metadonnees["Filtre : Opérateur"] == "tous"
    assert metadonnees["Position du journal"] == document["position_journal"] and metadonnees["Vu au"] == "tout ce qui était enregistré"
    assert isinstance(metadonnees["Produit le"], datetime) and metadonnees["Version de Parcours"]
    plusieurs = copil.get("/pilotage/tableau?du=2025-01-01&au=2025-12-31&departement=75&departement=93&programme=spe&format=xlsx")
    metadonnees = dict(openpyxl.load_workbook(io.BytesIO(plusieurs.data))["Métadonnées"].iter_rows(min_row=2, values_only=True))
    assert (metadonnees["Filtre : Département"], metadonnees["Filtre : Programme"]) == ("75, 93", "Accompagnement par le service public de l'emploi")

    ods = copil.get(f"/pilotage/tableau?{criteres}&format=ods")
    assert ods.headers["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert ods.headers["Content-Disposition"] == 'attachment; filename="indicateurs-2025-01-01-2025-12-31.ods"'
    with zipfile.ZipFile(io.BytesIO(ods.data)) as archive:
        assert archive.infolist()[0].filename == "mimetype" and archive.infolist()[0].compress_type == zipfile.ZIP_STORED
        contenu = ElementTree.fromstring(archive.read("content.xml"))
    tables = contenu.findall(".//{urn:oasis:names:tc:opendocument:xmlns:table:1.0}table")
    assert [t_.get("{urn:oasis:names:tc:opendocument:xmlns:table:1.0}name") for t_ in tables] == ["Indicateurs", "Métadonnées"]
    assert len(tables[0].findall("{urn:oasis:names:tc:opendocument:xmlns:table:1.0}table-row")) == len(attendues) + 1

    csv_ = copil.get(f"/pilotage/tableau?{criteres}&format=csv")
    assert csv_.headers["Content-Type"] == "text/csv; charset=utf-8"
    lignes = list(csv.reader(io.StringIO(csv_.data.decode("utf-8-sig")), delimiter=";"))
    assert lignes[0] == ["Indicateur", "Objectif", "Réalisé", "Écart"] and len(lignes) == len(attendues) + 1
    assert ["CIR : signataires", "", "< 11", ""] in lignes

    assert copil.get(f"/pilotage/tableau?{criteres}&format=pdf").status_code == 422
    assert copil.get("/pilotage/tableau?du=2025-13-01&format=xlsx").status_code == 422
    agent, _ = connecter(app, "ml")
    assert agent.get(f"/pilotage/tableau?{criteres}&format=xlsx").status_code == 403


def test_each_operator_kind_is_shown_exactly_the_worklists_it_watches(app) -> None:
    parcours = app.extensions["parcours"].parcours
    for login, operateur, _ in COMPTES[:3]:
        client, _ = connecter(app, login)
        accueil = client.get("/").get_data(as_text=True)
        genre = parcours.operateur(operateur).type
        montrees = {nom for nom in LISTES_DE_TRAVAIL if TITRES_LISTES[nom] in accueil}
        assert montrees == {nom for nom in LISTES_DE_TRAVAIL if genre in LISTES_PAR_TYPE_OPERATEUR[nom]}, (login, genre)

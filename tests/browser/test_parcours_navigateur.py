"""A real browser (Debian's chromium driven by Playwright) through the hand-over from OFII to a Mission locale.

Screenshots of the main pages go to $PARCOURS_CAPTURES (default: the test's temporary folder).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright
from werkzeug.serving import make_server

from parcours.chiffrement import nouvelle_cle_maitre
from parcours.comptes import Role
from tests.conftest import enregistrer_operateurs
from web import create_app
from web.config import Reglages
from web.securite import hacher_mot_de_passe

CHROMIUM = "/usr/bin/chromium"
MOT_DE_PASSE = "Mot-de-passe-solide-2026"


@pytest.fixture
def serveur(tmp_path: Path) -> Iterator[str]:
    app = create_app({"REGLAGES": Reglages(tmp_path / "i", None, "secret", nouvelle_cle_maitre(), cookie_securise=False)})
    services = app.extensions["parcours"]
    enregistrer_operateurs(services.parcours)
    for login, operateur in (("ofii", "ofii-dt-paris"), ("ml", "mission-locale-paris")):
        services.parcours.creer_utilisateur(login, operateur, Role.AGENT, login.upper(), hacher_mot_de_passe(MOT_DE_PASSE))
    services.rattraper()
    http = make_server("127.0.0.1", 0, app, threaded=True)
    fil = threading.Thread(target=http.serve_forever, daemon=True)
    fil.start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    services.fermer()


@pytest.fixture
def page(tmp_path: Path) -> Iterator[Page]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail("chromium est introuvable : `apt-get install chromium` (fait par .ci/run)")
    with sync_playwright() as playwright:
        navigateur = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        page = navigateur.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
        yield page
        navigateur.close()


def capturer(page: Page, nom: str, tmp_path: Path) -> None:
    dossier = Path(os.environ.get("PARCOURS_CAPTURES", tmp_path))
    dossier.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(dossier / f"{nom}.png"), full_page=True)


def connecter(page: Page, base: str, login: str) -> None:
    page.goto(f"{base}/connexion")
    page.get_by_label("Identifiant").fill(login)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Listes de travail")


def champ(page: Page, nom: str):  # noqa: ANN201
    """The input of a step's field (its label is the schema's French label)."""
    return page.locator(f"#champ-{nom}")


def etape(page: Page, type_libelle: str, champs: dict[str, str], selections: dict[str, str] | None = None,
          cocher: tuple[str, ...] = ()) -> None:
    page.get_by_label("Enregistrer une étape").select_option(label=type_libelle)
    page.get_by_role("button", name="Ouvrir le formulaire").click()
    for nom, valeur in champs.items():
        champ(page, nom).fill(valeur)
    for nom, valeur in (selections or {}).items():
        champ(page, nom).select_option(valeur)
    for nom in cocher:
        champ(page, nom).check(force=True)  # the DSFR draws the box on the label, over the input
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", name="Chronologie")).to_be_visible()


def test_ofii_orients_a_person_and_the_mission_locale_takes_over(serveur: str, page: Page, tmp_path: Path) -> None:
    connecter(page, serveur, "ofii")
    capturer(page, "1-listes-de-travail", tmp_path)
    page.get_by_role("link", name="Rechercher une personne").click()
    page.get_by_role("link", name="Enregistrer une nouvelle personne").click()
    champ(page, "occurred_on").fill("2025-01-10")
    for nom, valeur in (("nom", "Haddad"), ("prenom", "Yasmina"), ("date_naissance", "2003-05-02"),
                        ("nationalite", "SYR"), ("numero_etranger", "7503030303")):
        champ(page, nom).fill(valeur)
    champ(page, "sexe").select_option("F")
    expect(page.get_by_label("Nom (obligatoire)", exact=True)).to_have_value("Haddad")  # the label is tied to its input
    capturer(page, "2-enregistrer-une-personne", tmp_path)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Yasmina Haddad")
    etape(page, "Titre de séjour délivré", {"occurred_on": "2025-01-10", "sous_motif": "CONJOINT_DE_FRANCAIS", "valid_from": "2025-01-10"},
          {"motif": "FAMILIAL", "type_titre": "VLS_TS"}, cocher=("premier_titre",))
    page.get_by_label("Enregistrer une étape").select_option(label="Contrat d'intégration républicaine signé")
    page.get_by_role("button", name="Ouvrir le formulaire").click()
    champ(page, "occurred_on").fill("2025-02-03")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Ce champ est obligatoire.")).to_be_visible()  # htmx swapped the 422 fragment in
    capturer(page, "3-erreur-de-formulaire", tmp_path)
    champ(page, "dt_ofii").fill("Paris")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", name="Chronologie")).to_be_visible()
    etape(page, "Entretien de fin de CIR", {"occurred_on": "2025-06-02"}, {"situation_pro": "RECHERCHE_EMPLOI"})
    etape(page, "Orientation vers le service public de l'emploi", {"occurred_on": "2025-06-02"})  # target pre-filled: Mission locale
    capturer(page, "4-personne-cote-ofii", tmp_path)
    page.get_by_role("button", name="Se déconnecter").click()

    connecter(page, serveur, "ml")
    page.get_by_role("link", name="Orientations reçues").click()
    expect(page.get_by_role("link", name="Yasmina Haddad")).to_be_visible()
    capturer(page, "5-orientations-recues", tmp_path)
    page.get_by_role("button", name="Accepter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Yasmina Haddad")
    etape(page, "Accompagnement vers l'emploi débuté", {"occurred_on": "2025-06-20"}, {"programme": "CEJ"})
    etape(page, "Sortie d'accompagnement", {"occurred_on": "2025-07-31"}, {"categorie": "EMPLOI_CDI"})
    chronologie = page.get_by_role("table").filter(has_text="Toutes les étapes")
    expect(chronologie).to_contain_text("ofii-dt-paris (ofii)")
    expect(chronologie).to_contain_text("mission-locale-paris (ml)")
    expect(chronologie).to_contain_text("Orientation acceptée")
    capturer(page, "6-chronologie", tmp_path)
    page.get_by_role("link", name="Listes de travail").click()
    expect(page.get_by_role("heading", name="Suivis à 6 mois à renseigner")).to_be_visible()

"""A real browser (Debian's chromium driven by Playwright) through the hand-over from OFII to a Mission locale.

The app runs on a real HTTP server on 127.0.0.1 (werkzeug in a thread). Screenshots of the main pages go to
$PARCOURS_CAPTURES when it is set (none otherwise). The browser and its pages: tests/browser/conftest.py.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from parcours.comptes import Role
from parcours.dates import add_months
from tests.browser.conftest import Incidents
from tests.conftest import EMPREINTE, MOT_DE_PASSE, Magasins, enregistrer_operateurs
from web.app import create_app
from web.deps import aujourdhui

pytestmark = pytest.mark.slow  # started first by `make test`, so that the other worker is not left idle at the end


@pytest.fixture
def serveur(magasins: Magasins, tmp_path: Path) -> Iterator[str]:
    app = create_app({"REGLAGES": magasins.sqlite(tmp_path / "i", cookie_securise=False)})
    services = app.extensions["parcours"]
    enregistrer_operateurs(services.parcours)
    for login, operateur in (("ofii", "ofii-dt-paris"), ("ml", "mission-locale-paris")):
        services.parcours.creer_utilisateur(login, operateur, Role.AGENT, login.upper(), EMPREINTE)
    services.rattraper()
    http = make_server("127.0.0.1", 0, app, threaded=True)
    fil = threading.Thread(target=http.serve_forever, daemon=True)
    fil.start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    fil.join(timeout=10)
    services.fermer()


def capturer(page: Page, nom: str, tmp_path: Path) -> None:
    """A full-page screenshot into $PARCOURS_CAPTURES, for a person to look at; none without it (they cost
    a tenth of a second each, and nobody opens a test's temporary folder)."""
    if not os.environ.get("PARCOURS_CAPTURES"):
        return
    dossier = Path(os.environ["PARCOURS_CAPTURES"])
    dossier.mkdir(parents=True, exist_ok=True)
    # caret="initial": Playwright would otherwise put a style attribute on inputs, which the CSP rightly refuses.
    page.screenshot(path=str(dossier / f"{nom}.png"), full_page=True, caret="initial")


def connecter(page: Page, base: str, login: str) -> None:
    page.goto(f"{base}/connexion")
    page.get_by_label("Identifiant").fill(login)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Listes de travail")


def champ(page: Page, nom: str):  # noqa: ANN201
    """The input of a step's field (its label is the schema's French label)."""
    return page.locator(f"#champ-{nom}")


def ouvrir(page: Page, type_libelle: str) -> None:
    page.get_by_label("Enregistrer une étape").select_option(label=type_libelle)
    page.get_by_role("button", name="Ouvrir le formulaire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(type_libelle)


def etape(page: Page, type_libelle: str, champs: dict[str, str], selections: dict[str, str] | None = None,
          cocher: tuple[str, ...] = ()) -> None:
    ouvrir(page, type_libelle)
    for nom, valeur in champs.items():
        champ(page, nom).fill(valeur)
    for nom, valeur in (selections or {}).items():
        champ(page, nom).select_option(valeur)
    for nom in cocher:
        champ(page, nom).check(force=True)  # the DSFR draws the box on the label, over the input
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", name="Chronologie")).to_be_visible()


def liste_de_travail(page: Page, titre: str):  # noqa: ANN201
    return page.locator("section").filter(has=page.get_by_role("heading", name=titre))


def test_ofii_orients_a_person_and_the_mission_locale_takes_over(serveur: str, page: Page, incidents: Incidents, tmp_path: Path) -> None:
    page.goto(f"{serveur}/connexion")
    capturer(page, "00-connexion", tmp_path)
    # The vendored DSFR is loaded and applied: its Marianne font, its blue buttons.
    expect(page.locator("body")).to_have_css("font-family", "Marianne, arial, sans-serif")
    expect(page.get_by_role("button", name="Se connecter")).to_have_css("background-color", "rgb(0, 0, 145)")

    connecter(page, serveur, "ofii")
    capturer(page, "01-listes-de-travail-ofii", tmp_path)
    page.get_by_role("link", name="Enregistrer une nouvelle personne").click()
    champ(page, "occurred_on").fill("2025-01-10")
    for nom, valeur in (("nom", "Haddad"), ("prenom", "Yasmina"), ("date_naissance", "2003-05-02"),
                        ("numero_etranger", "7503030303")):
        champ(page, nom).fill(valeur)
    champ(page, "sexe").select_option("F")
    champ(page, "nationalite").select_option(label="Syrie")  # chosen by its French name, posted as SYR
    expect(page.get_by_role("textbox", name="Nom (obligatoire)", exact=True)).to_have_value("Haddad")  # the label names its input
    expect(champ(page, "departement")).to_have_value("75")  # the operator's département
    capturer(page, "02-enregistrer-une-personne", tmp_path)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Yasmina Haddad")

    etape(page, "Titre de séjour délivré", {"occurred_on": "2025-01-10", "valid_from": "2025-01-10"},
          {"motif": "FAMILIAL", "sous_motif": "CONJOINT_DE_FRANCAIS", "type_titre": "VLS_TS"})
    expect(page.get_by_text("Premier titre de séjour : oui")).to_be_visible()  # proposed, as no permit was known

    # A CIR without its OFII directorate: htmx swaps the 422 fragment in, the error next to the field, the focus on the summary.
    ouvrir(page, "Contrat d'intégration républicaine signé")
    champ(page, "occurred_on").fill("2025-02-03")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#champ-dt_ofii-messages")).to_have_text("Ce champ est obligatoire.")
    expect(champ(page, "dt_ofii")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#formulaire-etape-resume")).to_be_focused()
    expect(champ(page, "occurred_on")).to_have_value("2025-02-03")  # what was typed is kept
    capturer(page, "03-erreur-de-formulaire", tmp_path)
    champ(page, "dt_ofii").fill("Paris")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", name="Chronologie")).to_be_visible()

    etape(page, "Entretien de fin de CIR", {"occurred_on": "2025-06-02"}, {"situation_pro": "RECHERCHE_EMPLOI"})
    ouvrir(page, "Orientation vers le service public de l'emploi")
    expect(champ(page, "vers")).to_have_value("mission-locale-paris")  # 22 years old: the Mission locale of her département
    expect(champ(page, "motif_choix")).to_have_value("AGE_MOINS_26")
    champ(page, "occurred_on").fill("2025-06-02")
    capturer(page, "04-formulaire-orientation", tmp_path)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", name="Chronologie")).to_be_visible()
    capturer(page, "05-personne-cote-ofii", tmp_path)
    page.get_by_role("button", name="Se déconnecter").click()

    connecter(page, serveur, "ml")
    attente = liste_de_travail(page, "Orientations en attente de réponse")
    expect(attente.get_by_role("link", name="Yasmina Haddad", exact=True)).to_be_visible()
    capturer(page, "06-listes-de-travail-mission-locale", tmp_path)
    page.get_by_role("link", name="Orientations reçues").click()
    expect(page.get_by_role("link", name="Yasmina Haddad", exact=True)).to_be_visible()
    capturer(page, "07-orientations-recues", tmp_path)
    page.get_by_role("button", name="Accepter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Yasmina Haddad")
    expect(page.locator(".confirmation")).to_contain_text("Accompagnement ouvert")  # accepting opened the CEJ
    # That accompaniment starts today: it is voided, to replay one that started months ago. Clicked once the page's
    # scripts have run (under load a click during the DSFR's start-up was once lost: no request, no navigation).
    page.wait_for_load_state("load")
    page.locator("tr").filter(has_text="Programme : Contrat d'engagement jeune (CEJ)").get_by_role("link", name="Annuler").click()
    page.get_by_label("Motif de l'annulation").fill("Reprise de l'historique")
    page.get_by_role("button", name="Annuler l'étape").click()
    expect(page.locator(".confirmation")).to_contain_text("Étape annulée")

    # Entry, then the exit six months ago: its follow-up is due, so it shows in the worklist.
    sortie_le = add_months(aujourdhui(), -6)
    etape(page, "Accompagnement vers l'emploi débuté", {"occurred_on": (sortie_le - timedelta(days=45)).isoformat()}, {"programme": "CEJ"})
    etape(page, "Sortie d'accompagnement", {"occurred_on": sortie_le.isoformat()}, {"categorie": "EMPLOI_CDI"})
    chronologie = page.get_by_role("table").filter(has_text="Toutes les étapes")
    expect(chronologie).to_contain_text("OFII — direction territoriale de Paris")
    expect(chronologie).to_contain_text("Mission locale de Paris")
    expect(chronologie).to_contain_text("Orientation acceptée")
    expect(chronologie).to_contain_text("Situation à la sortie : Emploi en CDI")
    capturer(page, "08-chronologie", tmp_path)

    page.get_by_role("link", name="Listes de travail").click()
    suivis = liste_de_travail(page, "Suivis à 6 mois à renseigner")
    expect(suivis.get_by_role("link", name="Yasmina Haddad", exact=True)).to_be_visible()
    capturer(page, "09-suivi-a-renseigner", tmp_path)
    suivis.get_by_role("link", name="Suivi à 6 mois").click()
    expect(champ(page, "sortie_step_id")).not_to_have_value("")  # the exit being followed up, pre-selected
    champ(page, "repondant").check(force=True)
    champ(page, "categorie").select_option("EMPLOI_CDI")
    capturer(page, "10-formulaire-suivi", tmp_path)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", name="Chronologie")).to_be_visible()
    page.get_by_role("link", name="Listes de travail").click()
    expect(liste_de_travail(page, "Suivis à 6 mois à renseigner")).to_contain_text("Rien à traiter")

    page.get_by_role("link", name="Rechercher une personne").click()
    # Keys typed before htmx has bound the field would search nothing until the next key (or Enter, which submits
    # the form without JavaScript): a person sees the page first; under load the test could type before that.
    page.wait_for_load_state("load")
    page.get_by_label("Nom ou prénom").press_sequentially("hadda")  # htmx searches as one types
    expect(page.locator("#resultats").get_by_role("link", name="Yasmina Haddad")).to_be_visible()
    capturer(page, "11-recherche", tmp_path)

    # Correct the exit from the timeline, record a note and void it.
    page.locator("#resultats").get_by_role("link", name="Yasmina Haddad").click()
    sortie = page.locator("#" + page.locator("tr").filter(has_text="Situation à la sortie").get_attribute("id"))
    sortie.get_by_role("link", name="Corriger").click()
    expect(champ(page, "categorie")).to_have_value("EMPLOI_CDI")  # the step's current values
    champ(page, "categorie").select_option("EMPLOI_DURABLE_6M_PLUS")
    champ(page, "motif_correction").fill("CDD de 8 mois, pas un CDI")
    capturer(page, "12-correction", tmp_path)
    page.get_by_role("button", name="Enregistrer").click()
    expect(sortie).to_contain_text("Valeurs initiales : Situation à la sortie : Emploi en CDI")
    etape(page, "Note", {"occurred_on": aujourdhui().isoformat(), "texte": "Appel sans réponse"}, {"visibilite": "PARTAGEE"})
    note = page.locator("tr").filter(has_text="Appel sans réponse")
    note.get_by_role("link", name="Annuler").click()
    page.get_by_role("button", name="Annuler l'étape").click()
    expect(page.locator("#champ-motif-messages")).to_have_text("Ce champ est obligatoire.")
    page.get_by_label("Motif de l'annulation").fill("Saisie sur le mauvais dossier")
    page.get_by_role("button", name="Annuler l'étape").click()
    expect(note).to_have_class("etape-annulee")
    expect(note).to_contain_text("annulée")
    capturer(page, "13-chronologie-corrigee", tmp_path)
    assert incidents.liste == [], "\n".join(incidents.liste)

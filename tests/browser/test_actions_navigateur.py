"""A real browser (Debian's chromium, Playwright): a carrier calls the roll of a 12-person session and downloads its table.

The downloaded XLSX is opened and read cell by cell. Chromium is never downloaded: without /usr/bin/chromium
the test fails, it is not skipped (see test_parcours_navigateur.py).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from parcours.comptes import Role
from tests import etapes
from tests.browser.conftest import Incidents
from tests.browser.test_parcours_navigateur import capturer, connecter
from tests.conftest import EMPREINTE, Magasins, enregistrer_operateurs
from web.app import create_app
from web.saisie.schemas import lire_etape

ACTION = "asso-75-fle-2025"


def _etape(type_: str, jour: str, operateur: str, data: dict[str, Any], numero: str | None = None,
           action: str | None = None) -> Any:
    return lire_etape(etapes.etape(type_, jour, operateur, data, etapes.qui(numero) if numero else None, action=action))


@pytest.fixture
def serveur(magasins: Magasins, tmp_path: Path) -> Iterator[str]:
    app = create_app({"REGLAGES": magasins.sqlite(tmp_path / "i", cookie_securise=False)})
    services = app.extensions["parcours"]
    parcours = services.parcours
    enregistrer_operateurs(parcours)
    parcours.creer_utilisateur("asso", "asso-75", Role.AGENT, "ASSO", EMPREINTE)
    parcours.enregistrer_etape(_etape("action_declaree", "2025-01-02", "asso-75", {
        "intitule": "Français pour tous", "annee": 2025, "thematiques": ["FRANCAIS", "VALEURS_REPUBLIQUE"],
        "departements": ["75"], "objectif_beneficiaires": 15, "themes_valeurs": ["LAICITE"]}, action=ACTION))
    parcours.enregistrer_etape(_etape("action_budget", "2025-01-02", "asso-75", {"cout_total": 24000, "subvention_p104": 18000},
                                      action=ACTION))
    for rang in range(12):
        numero = f"75000000{rang:02d}"
        parcours.enregistrer_etape(_etape("personne_enregistree", "2025-01-05", "ofii-dt-paris", {
            "nom": f"Nom{rang:02d}", "prenom": "Prénom", "date_naissance": "1990-01-01" if rang % 2 else "2004-06-01",
            "sexe": "F" if rang % 2 else "M", "nationalite": "AFG", "departement": "75", "numero_etranger": numero}))
        parcours.enregistrer_etape(_etape("titre_sejour_delivre", "2025-01-05", "prefecture-75", {
            "motif": "FAMILIAL", "sous_motif": "CONJOINT_DE_FRANCAIS", "type_titre": "VLS_TS", "valid_from": "2025-01-05",
            "premier_titre": True}, numero))
        parcours.enregistrer_etape(_etape("beneficiaire_inscrit", "2025-02-01", "asso-75", {"heures_prevues": 6}, numero, ACTION))
    services.rattraper()
    http = make_server("127.0.0.1", 0, app, threaded=True)
    fil = threading.Thread(target=http.serve_forever, daemon=True)
    fil.start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    fil.join(timeout=10)
    services.fermer()


def test_a_carrier_records_a_12_person_roll_call_and_downloads_the_annex_table(
        serveur: str, page: Page, incidents: Incidents, tmp_path: Path) -> None:
    connecter(page, serveur, "asso")
    page.get_by_role("link", name="Actions financées").first.click()
    page.get_by_label("Année").fill("2025")
    page.get_by_role("button", name="Afficher").click()
    page.get_by_role("link", name="Français pour tous").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Français pour tous")
    page.get_by_role("link", name="Enregistrer une séance").click()
    page.locator("#champ-occurred_on").fill("2025-03-03")
    page.locator("#champ-duree_h").fill("6")
    cases = page.locator('#appel input[name="presents"]')
    expect(cases).to_have_count(12)
    for rang in range(12):
        cases.nth(rang).check(force=True)  # the DSFR draws the box on the label, over the input
    capturer(page, "actions-appel", tmp_path)
    page.get_by_role("button", name="Enregistrer la séance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Français pour tous")
    with page.expect_download() as telechargement:
        page.get_by_role("link", name="XLSX").click()
    chemin = tmp_path / "evaluation.xlsx"
    telechargement.value.save_as(chemin)
    assert incidents.liste == []

    classeur = openpyxl.load_workbook(chemin)
    assert classeur.sheetnames == ["Évaluation 2025", "Métadonnées"]
    onglet = classeur["Évaluation 2025"]
    assert [c.value for c in onglet[1]] == ["Rubrique", "Indicateur", "Objectif", "Réalisé", "Précision"]
    attendu = [
        ("1.1 Pour les actions à destination des éligibles", "Nombre total d'étrangers éligibles bénéficiaires de l'action", 15, 12),
        ("1.1 Pour les actions à destination des éligibles", "dont hommes", None, 6),
        ("1.1 Pour les actions à destination des éligibles", "dont femmes", None, 6),
        ("1.1 Pour les actions à destination des éligibles", "dont moins de 25 ans", None, 6),
        ("1.1 Pour les actions à destination des éligibles", "dont BPI", None, 0),
    ]
    for numero, (rubrique, libelle, objectif, realise) in enumerate(attendu, start=2):
        assert (onglet.cell(numero, 1).value, onglet.cell(numero, 2).value, onglet.cell(numero, 3).value,
                onglet.cell(numero, 4).value) == (rubrique, libelle, objectif, realise)
    cellules = {(onglet.cell(r, 1).value, onglet.cell(r, 2).value): onglet.cell(r, 4).value for r in range(2, onglet.max_row + 1)}
    francais = "3.1. Apprentissage du français (y compris à visée professionnelle)"
    assert cellules[(francais, "Nombre d'heures de formation dispensées")] == 6  # 6 hours for 12 people = 6
    assert cellules[(francais, "Nombre de participants assidus")] == 12  # 6 h of 6 planned each
    assert cellules[("2. Indicateurs financiers (obligatoires pour toutes les actions)", "Coût total de l'action")] == 24000
    assert cellules[("3.7. Actions de mentorat / parrainage", "Nombre de binômes constitués")] == "sans objet"
    themes = "3.3. Appropriation des principes de la République et des usages de la société française"
    assert cellules[(themes, "Thématique(s) de l'action menée (plusieurs réponses possibles) : laïcité")] == "☒"
    assert cellules[(themes, "Thématique(s) de l'action menée (plusieurs réponses possibles) : parentalité")] == "☐"
    metadonnees = dict(classeur["Métadonnées"].iter_rows(min_row=2, values_only=True))
    assert metadonnees["Actions"] == ACTION and metadonnees["Position du journal"] > 0

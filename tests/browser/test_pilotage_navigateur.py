"""The Pilotage page in a real browser when its dashboard is kept (`projections.tableaux_calcules`): up to date, then
announcing the steps it does not count yet, then counted again from its « Recalculer maintenant » link.

Screenshots go to $PARCOURS_CAPTURES when it is set. The browser and its pages: tests/browser/conftest.py.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from parcours.comptes import Role
from projections import tableaux_calcules
from tests.browser.conftest import Incidents
from tests.browser.test_parcours_navigateur import capturer, connecter
from tests.conftest import EMPREINTE, Magasins, enregistrer_operateurs
from tests.scenario import NUMERO_AMINA, etape, scenario
from web.app import create_app
from web.saisie.importation import LigneBrute, importer

pytestmark = pytest.mark.slow

ADRESSE = "/pilotage?du=2024-01-01&au=2024-12-31&operateur=ofii-dt-paris"


@pytest.fixture
def app_et_serveur(magasins: Magasins, tmp_path: Path) -> Iterator[tuple[object, str]]:
    app = create_app({"REGLAGES": magasins.sqlite(tmp_path / "i", cookie_securise=False)})
    services = app.extensions["parcours"]
    enregistrer_operateurs(services.parcours)
    services.parcours.creer_utilisateur("resp-ofii", "ofii-dt-paris", Role.RESPONSABLE, "Responsable OFII", EMPREINTE)
    assert not importer(services.parcours, [LigneBrute(n, e) for n, e in enumerate(scenario(), start=1)]).rejets
    services.rattraper()
    http = make_server("127.0.0.1", 0, app, threaded=True)
    fil = threading.Thread(target=http.serve_forever, daemon=True)
    fil.start()
    yield app, f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    fil.join(timeout=10)
    services.fermer()


def test_a_responsable_sees_the_kept_dashboard_announce_a_new_step_and_counts_it_on_request(
    app_et_serveur: tuple, page: Page, incidents: Incidents, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(tableaux_calcules, "COMPTE_LONG_S", 0.0)  # as a territory's dashboard, long to count
    app, base = app_et_serveur
    connecter(page, base, "resp-ofii")
    page.goto(base + ADRESSE)
    expect(page.locator("#fraicheur")).to_contain_text("Chiffres à jour, calculés le")
    position = page.locator("p", has_text="Position du journal").locator("strong").inner_text()

    prescription = etape("a-prescription-2024", "formation_linguistique_prescrite", "2024-02-01", "ofii-dt-paris",
                         {"type": "CIR_OBLIGATOIRE", "forfait_h": 100, "niveau_cible": "A2"}, {"numero_etranger": NUMERO_AMINA})
    services = app.extensions["parcours"]
    assert importer(services.parcours, [LigneBrute(1, prescription)]).acceptees == 1
    page.reload()
    avis = page.locator("#fraicheur")
    expect(avis).to_contain_text("1 étape enregistrée depuis n'y est pas encore comptée")
    expect(page.locator("p", has_text="Position du journal").locator("strong")).to_have_text(position)
    capturer(page, "pilotage-tableau-garde", tmp_path)

    avis.get_by_role("link", name="Recalculer maintenant").click()
    expect(page.locator("#fraicheur")).to_contain_text("Chiffres à jour, calculés le")
    assert int(page.locator("p", has_text="Position du journal").locator("strong").inner_text()) > int(position)
    assert incidents.liste == [], "\n".join(incidents.liste)

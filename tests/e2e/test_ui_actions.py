"""The funded actions' pages (CONTRACT §8) through the Flask test client: declare, find and inscribe, roll call, exit, download."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from parcours.chiffrement import nouvelle_cle_maitre
from parcours.comptes import Role
from projections import tables as t
from tests.e2e.test_ui import COMPTES, connecter, construire, enregistrer_personne, jeton_csrf, poster
from web.config import Reglages

ACTION = "asso-75-fle-2025"


@pytest.fixture
def app(tmp_path: Path):  # noqa: ANN201
    comptes = [*COMPTES, ("asso", "asso-75", Role.AGENT), ("langues", "langues-75", Role.AGENT)]
    app = construire(Reglages(tmp_path / "i", None, "secret", nouvelle_cle_maitre(), cookie_securise=False), comptes)
    yield app
    app.extensions["parcours"].fermer()


def personne_eligible(app, nom: str, numero: str, naissance: str = "1990-04-01") -> None:  # noqa: ANN001
    ofii, _ = connecter(app, "ofii")
    dossier = enregistrer_personne(ofii, nom, "Sara", naissance, numero)
    reponse = poster(ofii, f"{dossier}/etapes/nouvelle?type=titre_sejour_delivre",
                     {"occurred_on": "2025-01-10", "motif": "FAMILIAL", "sous_motif": "CONJOINT_DE_FRANCAIS",
                      "type_titre": "VLS_TS", "valid_from": "2025-01-10", "premier_titre": "true"})
    assert reponse.status_code == 303, reponse.get_data(as_text=True)


def declarer(client) -> None:  # noqa: ANN001
    page = client.get("/actions/nouvelle").get_data(as_text=True)
    reponse = client.post("/actions/nouvelle", data={
        "csrf_token": jeton_csrf(page), "action_id": ACTION, "occurred_on": "2025-01-02", "intitule": "Français pour tous",
        "annee": "2025", "thematiques": ["FRANCAIS", "VALEURS_REPUBLIQUE"], "departements": "75",
        "objectif_beneficiaires": "12", "cout_total": "20000", "subvention_p104": "15000,50"})
    assert reponse.status_code == 303, reponse.get_data(as_text=True)
    assert reponse.headers["Location"] == f"/actions/{ACTION}"


def inscrire(client, numero: str, naissance: str = "1990-04-01") -> None:  # noqa: ANN001
    url = f"/actions/{ACTION}/inscrire"
    page = client.get(url).get_data(as_text=True)
    trouvee = client.post(url, data={"csrf_token": jeton_csrf(page), "etape": "chercher", "numero_etranger": numero,
                                     "date_naissance": naissance}).get_data(as_text=True)
    parcours_id = re.search(r'name="parcours_id" value="([^"]+)"', trouvee).group(1)
    reponse = client.post(url, data={"csrf_token": jeton_csrf(trouvee), "etape": "inscrire", "parcours_id": parcours_id,
                                     "occurred_on": "2025-02-01", "heures_prevues": "10"})
    assert reponse.status_code == 303, reponse.get_data(as_text=True)


def test_a_carrier_declares_inscribes_calls_the_roll_and_downloads_its_table(app) -> None:  # noqa: ANN001
    for rang in range(3):
        personne_eligible(app, f"Personne{rang}", f"750000000{rang}")
    asso, _ = connecter(app, "asso")
    declarer(asso)
    for rang in range(3):
        inscrire(asso, f"750000000{rang}")
    # A wrong birth date finds nobody (second factor), and the lookup is journaled.
    url = f"/actions/{ACTION}/inscrire"
    page = asso.get(url).get_data(as_text=True)
    rate = asso.post(url, data={"csrf_token": jeton_csrf(page), "etape": "chercher", "numero_etranger": "7500000000",
                                "date_naissance": "1990-04-02"}).get_data(as_text=True)
    assert "Aucune personne ne correspond" in rate
    app.extensions["parcours"].rattraper()
    with app.extensions["parcours"].lectures.connect() as connexion:
        assert connexion.execute(sa.select(sa.func.count()).select_from(t.consultation)
                                 .where(t.consultation.c.ressource == "ui:actions.inscrire")).scalar() == 4
    # The roll call lists the three inscribed; nobody is ticked before a first session of the thematic.
    seance = asso.get(f"/actions/{ACTION}/seances/nouvelle?thematique=FRANCAIS&occurred_on=2025-02-03").get_data(as_text=True)
    coches = re.findall(r'name="presents" value="([^"]+)" checked', seance)
    tous = re.findall(r'name="presents" value="([^"]+)"', seance)
    assert len(tous) == 3 and coches == []
    reponse = asso.post(f"/actions/{ACTION}/seances/nouvelle", data={
        "csrf_token": jeton_csrf(seance), "thematique": "FRANCAIS", "occurred_on": "2025-02-03", "duree_h": "6",
        "public": "BENEFICIAIRES", "presents": tous[:2]})
    assert reponse.status_code == 303, reponse.get_data(as_text=True)
    suivante = asso.get(f"/actions/{ACTION}/seances/nouvelle?thematique=FRANCAIS&occurred_on=2025-02-10").get_data(as_text=True)
    assert re.findall(r'name="presents" value="([^"]+)" checked', suivante) == tous[:2]  # pre-ticked from the previous one
    # Bad input: 13 hours → a French error naming the field, nothing recorded.
    refus = asso.post(f"/actions/{ACTION}/seances/nouvelle", data={
        "csrf_token": jeton_csrf(suivante), "thematique": "FRANCAIS", "occurred_on": "2025-02-10", "duree_h": "13",
        "public": "BENEFICIAIRES", "presents": tous[:1]})
    assert refus.status_code == 422 and "12 h" in refus.get_data(as_text=True)
    # An exit from the action.
    sortie = asso.get(f"/actions/{ACTION}/etapes/nouvelle?type=beneficiaire_sorti_action&parcours_id={tous[2]}").get_data(as_text=True)
    reponse = asso.post(f"/actions/{ACTION}/etapes/nouvelle", data={
        "csrf_token": jeton_csrf(sortie), "type": "beneficiaire_sorti_action", "occurred_on": "2025-03-01",
        "parcours_id": tous[2], "motif": "ABANDON"})
    assert reponse.status_code == 303, reponse.get_data(as_text=True)
    page = asso.get(f"/actions/{ACTION}").get_data(as_text=True)
    assert "Personne0 Sara" in page and "abandon" in page
    # The table, downloaded from the action's page.
    xlsx = asso.get(f"/actions/{ACTION}/evaluation-annuelle?annee=2025&format=xlsx")
    assert xlsx.status_code == 200
    onglet = openpyxl.load_workbook(io.BytesIO(xlsx.data))["Évaluation 2025"]
    lignes = {(onglet.cell(r, 1).value[:4], onglet.cell(r, 2).value): (onglet.cell(r, 3).value, onglet.cell(r, 4).value)
              for r in range(2, onglet.max_row + 1)}
    assert lignes[("1.1 ", "Nombre total d'étrangers éligibles bénéficiaires de l'action")] == (12, 3)
    assert lignes[("3.1.", "Nombre d'heures de formation dispensées")] == (None, 6)
    assert lignes[("2. I", "Dont montant de la subvention sur les crédits du programme 104")][1] == 15000.5
    assert lignes[("3.5.", "Nombre de consultations médicales pour des étrangers éligibles")][1] == "sans objet"


def test_only_the_carrier_records_and_steering_accounts_see_the_list(app) -> None:  # noqa: ANN001
    personne_eligible(app, "Karimi", "7500000009")
    asso, _ = connecter(app, "asso")
    declarer(asso)
    autre, _ = connecter(app, "langues")
    assert autre.get(f"/actions/{ACTION}/seances/nouvelle").status_code == 403
    assert autre.get(f"/actions/{ACTION}").status_code == 403
    copil, _ = connecter(app, "copil")
    liste = copil.get("/actions?annee=2025").get_data(as_text=True)
    assert ACTION in liste and "Coût par bénéficiaire" in liste
    assert copil.get(f"/actions/{ACTION}/evaluation-annuelle?annee=2025&format=csv").status_code == 200
    assert copil.get(f"/actions/{ACTION}/seances/nouvelle").status_code == 403
    assert "Karimi" not in copil.get(f"/actions/{ACTION}").get_data(as_text=True)  # aggregates only
    assert asso.get("/actions?annee=2025").status_code == 200

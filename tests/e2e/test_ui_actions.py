"""The funded actions' pages (CONTRACT §8) through the Flask test client: declare, find and inscribe, roll call, exit, download."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from parcours.comptes import Role
from projections import tables as t
from tests.conftest import Magasins
from tests.e2e.test_ui import COMPTES, connecter, construire, enregistrer_personne, jeton_csrf, poster

ACTION = "asso-75-fle-2025"


@pytest.fixture
def app(magasins: Magasins, tmp_path: Path):  # noqa: ANN201
    comptes = [*COMPTES, ("asso", "asso-75", Role.AGENT), ("langues", "langues-75", Role.AGENT)]
    app = construire(magasins.sqlite(tmp_path / "i", cookie_securise=False), comptes)
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


def _etape_de_type(app, type_: str) -> str:  # noqa: ANN001
    with app.extensions["parcours"].lectures.connect() as connexion:
        return connexion.execute(sa.select(t.fait_action.c.step_id).where(t.fait_action.c.type == type_)).scalars().first()


def _heures_francais(asso) -> object:  # noqa: ANN001
    xlsx = asso.get(f"/actions/{ACTION}/evaluation-annuelle?annee=2025&format=xlsx")
    onglet = openpyxl.load_workbook(io.BytesIO(xlsx.data))["Évaluation 2025"]
    return next(onglet.cell(r, 4).value for r in range(2, onglet.max_row + 1)
                if onglet.cell(r, 1).value.startswith("3.1") and onglet.cell(r, 2).value == "Nombre d'heures de formation dispensées")


def test_the_recording_operator_corrects_and_voids_the_actions_steps_from_its_page_and_no_other_may(app) -> None:  # noqa: ANN001
    for rang in range(2):
        personne_eligible(app, f"Personne{rang}", f"750000000{rang}")
    asso, _ = connecter(app, "asso")
    declarer(asso)
    for rang in range(2):
        inscrire(asso, f"750000000{rang}")
    appel = asso.get(f"/actions/{ACTION}/seances/nouvelle?thematique=FRANCAIS&occurred_on=2025-02-03").get_data(as_text=True)
    tous = re.findall(r'name="presents" value="([^"]+)"', appel)
    reponse = asso.post(f"/actions/{ACTION}/seances/nouvelle", data={
        "csrf_token": jeton_csrf(appel), "thematique": "FRANCAIS", "occurred_on": "2025-02-03", "duree_h": "3",
        "public": "BENEFICIAIRES", "presents": tous})
    assert reponse.status_code == 303, reponse.get_data(as_text=True)
    seance, inscription = _etape_de_type(app, "seance_tenue"), _etape_de_type(app, "beneficiaire_inscrit")
    corriger, annuler = f"/actions/{ACTION}/etapes/{seance}/corriger", f"/actions/{ACTION}/etapes/{seance}/annuler"

    # The recording operator sees both links on the session, only « corriger » on the declaration, and the
    # beneficiaries' steps lead to the person's own correction forms.
    page = asso.get(f"/actions/{ACTION}").get_data(as_text=True)
    assert f'href="{corriger}"' in page and f'href="{annuler}"' in page and "présents : 2" in page
    declaration = _etape_de_type(app, "action_declaree")
    assert f"/etapes/{declaration}/corriger" in page and f"/etapes/{declaration}/annuler" not in page
    lien = re.search(rf'href="(/personnes/[^"]+/etapes/{inscription}/annuler)"', page).group(1)
    assert "Annuler : Inscription" in html.unescape(asso.get(lien).get_data(as_text=True))

    # Other operators: no link; typed by hand or posted anyway, refused in French.
    for login in ("resp-ml", "copil"):
        autre, _ = connecter(app, login)
        vue = autre.get(f"/actions/{ACTION}").get_data(as_text=True)
        assert "/corriger" not in vue and "/annuler" not in vue and "Étapes enregistrées" in vue
        assert f"/etapes/{inscription}/" not in vue  # a beneficiary's steps are the carrier's to see
        assert autre.get(corriger).status_code == 403
        refus = autre.post(annuler, data={"csrf_token": jeton_csrf(vue), "motif": "essai"})
        assert refus.status_code == 403
        refus = autre.post(corriger, data={"csrf_token": jeton_csrf(vue), "duree_h": "4", "motif_correction": "x"})
        assert refus.status_code == 403
        assert "Seul l'opérateur qui a enregistré cette étape (asso-75) peut la corriger ou l'annuler." in html.unescape(refus.get_data(as_text=True))
    langues, _ = connecter(app, "langues")
    assert langues.post(annuler, data={"csrf_token": jeton_csrf(langues.get("/").get_data(as_text=True)), "motif": "essai"}).status_code == 403
    assert _heures_francais(asso) == 3

    # The recording operator corrects the duration and the roll call through the same path as a person's step…
    formulaire = asso.get(corriger).get_data(as_text=True)
    assert re.findall(r'name="presents" value="([^"]+)" checked', formulaire) == tous
    sans_motif = asso.post(corriger, data={"csrf_token": jeton_csrf(formulaire), "appel": "1", "duree_h": "4",
                                           "thematique": "FRANCAIS", "public": "BENEFICIAIRES", "presents": tous})
    assert sans_motif.status_code == 422 and "Indiquez le motif de la correction." in sans_motif.get_data(as_text=True)
    trop = asso.post(corriger, data={"csrf_token": jeton_csrf(formulaire), "appel": "1", "duree_h": "13", "thematique": "FRANCAIS",
                                     "public": "BENEFICIAIRES", "presents": tous, "motif_correction": "durée réelle"})
    assert trop.status_code == 422 and "12 h" in trop.get_data(as_text=True)
    reponse = asso.post(corriger, data={"csrf_token": jeton_csrf(formulaire), "appel": "1", "duree_h": "4,5",
                                        "thematique": "FRANCAIS", "public": "BENEFICIAIRES", "presents": tous[:1],
                                        "motif_correction": "durée réelle"})
    assert reponse.status_code == 303, reponse.get_data(as_text=True)
    page = asso.get(f"/actions/{ACTION}").get_data(as_text=True)
    assert "Correction enregistrée" in page and "présents : 1" in page
    assert _heures_francais(asso) == 4.5

    # … then voids it: it leaves the list and counts nowhere.
    confirmation = asso.get(annuler).get_data(as_text=True)
    reponse = asso.post(annuler, data={"csrf_token": jeton_csrf(confirmation), "motif": "séance en double"})
    assert reponse.status_code == 303, reponse.get_data(as_text=True)
    page = asso.get(f"/actions/{ACTION}").get_data(as_text=True)
    assert "Étape annulée" in page and corriger not in page
    assert _heures_francais(asso) == 0
    assert asso.get(corriger).status_code == 404

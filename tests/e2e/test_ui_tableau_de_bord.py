"""The steering committee's dashboard through the Flask test client: filters, objectives against
achievements, the objective form (CSRF, French errors next to the field), and the SVG charts with
their data tables — aggregates only."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from tests.conftest import EMPREINTE
from tests.e2e.test_ui import app, connecter, jeton_csrf, personne_orientee  # noqa: F401 (the `app` fixture)

SVG = "{http://www.w3.org/2000/svg}"
ANNEE = "du=2025-01-01&au=2025-12-31"


def svgs(page: str) -> list[ElementTree.Element]:
    return [ElementTree.fromstring(bloc) for bloc in re.findall(r"<svg\b.*?</svg>", page, flags=re.S)]


def _responsable_de_l_ofii(app):  # noqa: ANN001, ANN202
    from parcours.comptes import Role

    services = app.extensions["parcours"]
    services.parcours.creer_utilisateur("resp-ofii", "ofii-dt-paris", Role.RESPONSABLE, "resp-ofii", EMPREINTE)
    services.rattraper()
    return connecter(app, "resp-ofii")[0]


def _accessibles(dessins: list) -> None:
    for svg in dessins:
        assert svg.get("role") == "img"
        titre, description = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
        assert titre is not None and titre.text and description is not None and description.text
        assert svg.get("aria-labelledby") == f"{titre.get('id')} {description.get('id')}"
        assert svg.get("style") is None and all(e.get("style") is None for e in svg.iter())


def test_a_responsable_sees_five_accessible_charts_of_its_operator_each_with_its_numbers_and_no_person(app) -> None:  # noqa: F811
    personne_orientee(app)
    responsable = _responsable_de_l_ofii(app)
    reponse = responsable.get(f"/pilotage?{ANNEE}&operateur=ofii-dt-paris")
    page = reponse.get_data(as_text=True)
    assert reponse.status_code == 200
    dessins = svgs(page)
    assert len(dessins) == 10  # five of the pathway, three of AGIR, two of the SPE return (CONTRACT §9)
    _accessibles(dessins)
    titres = [svg.find(f"{SVG}title").text for svg in dessins]
    assert titres[:5] == ["Entonnoir du parcours", "Sorties d'accompagnement par catégorie et par département",
                      "Durée des accompagnements terminés dans la période", "Entrées et sorties par période",
                      "Taux de sortie positive par département"]
    assert page.count("<details") >= 5 and "Données du graphique « Entonnoir du parcours »" in page
    # Yasmina signed her CIR in 2025, had her end-of-CIR interview and was oriented: the funnel's table says so.
    entonnoir = page.split("Données du graphique « Entonnoir du parcours »")[1].split("</table>")[0]
    assert re.search(r'<th scope="row">CIR signé</th><td>1</td><td>100,0 %</td>', entonnoir)
    assert re.search(r'<th scope="row">Entretien de fin de CIR</th><td>1</td>', entonnoir)
    assert re.search(r'<th scope="row">Orientation acceptée</th><td>0</td>', entonnoir)
    assert "T1 2025" in page and "T4 2025" in page
    assert "Position du journal" in page and "Haddad" not in page and "Yasmina" not in page and "7503030303" not in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page) and " style=" not in page


def test_copil_sees_only_the_charts_without_a_small_count(app) -> None:  # noqa: F811
    personne_orientee(app)
    copil, _ = connecter(app, "copil")
    page = copil.get(f"/pilotage?{ANNEE}").get_data(as_text=True)
    dessins = svgs(page)
    _accessibles(dessins)
    assert len(dessins) < 10 and "Entonnoir du parcours" not in [svg.find(f"{SVG}title").text for svg in dessins]
    assert "Yasmina" not in page


def test_the_filters_take_several_departements_and_a_programme(app) -> None:  # noqa: F811
    personne_orientee(app)
    copil, _ = connecter(app, "copil")
    page = copil.get(f"/pilotage?{ANNEE}&departement=75&departement=93&programme=agir").get_data(as_text=True)
    assert 'value="75" name="departement" checked' in page and '<option value="agir" selected>AGIR</option>' in page
    assert 'type="checkbox" id="departement-75"' in page  # checkboxes: several without Ctrl
    # Yasmina never entered AGIR: with that programme her CIR no longer counts.
    assert re.search(r"CIR : signataires</th>\s*<td>—</td>\s*<td>0</td>", page, flags=re.S)
    sans = copil.get(f"/pilotage?{ANNEE}&departement=75").get_data(as_text=True)
    assert re.search(r"CIR : signataires</th>\s*<td>—</td>\s*<td>&lt; 11</td>", sans, flags=re.S)
    assert copil.get(f"/pilotage?{ANNEE}&programme=hope").status_code == 422


def test_copil_sets_an_objective_and_the_table_shows_objective_achieved_and_gap(app) -> None:  # noqa: F811
    personne_orientee(app)
    copil, _ = connecter(app, "copil")
    page = copil.get(f"/pilotage?{ANNEE}").get_data(as_text=True)
    assert 'id="formulaire-objectif"' in page and 'value="2025"' in page
    sans_jeton = copil.post(f"/pilotage/objectifs?{ANNEE}", data={"annee": "2025", "indicateur": "cir.signataires", "valeur": "3"})
    assert sans_jeton.status_code == 400
    reponse = copil.post(f"/pilotage/objectifs?{ANNEE}", data={
        "csrf_token": jeton_csrf(page), "annee": "2025", "indicateur": "cir.signataires", "valeur": "3", "operateur": "", "programme": ""})
    assert reponse.status_code == 303 and reponse.headers["Location"].startswith("/pilotage?du=2025-01-01")
    page = copil.get(reponse.headers["Location"]).get_data(as_text=True)
    # One signatory, shown protected to the steering committee: no gap computed from a hidden figure.
    assert re.search(r"CIR : signataires</th>\s*<td>3</td>\s*<td>&lt; 11</td>\s*<td>—</td>", page, flags=re.S)
    # Another year's table, or another operator's, does not take this objective.
    assert re.search(r"CIR : signataires</th>\s*<td>—</td>", copil.get("/pilotage?du=2024-01-01&au=2024-12-31").get_data(as_text=True), flags=re.S)
    assert re.search(r"CIR : signataires</th>\s*<td>—</td>",
                     copil.get(f"/pilotage?{ANNEE}&operateur=ofii-dt-paris").get_data(as_text=True), flags=re.S)


def test_a_wrong_objective_comes_back_with_french_errors_next_to_each_field(app) -> None:  # noqa: F811
    copil, _ = connecter(app, "copil")
    page = copil.get(f"/pilotage?{ANNEE}").get_data(as_text=True)
    reponse = copil.post(f"/pilotage/objectifs?{ANNEE}", data={
        "csrf_token": jeton_csrf(page), "annee": "deux mille", "indicateur": "accompagnement_emploi.taux_sortie_positive",
        "valeur": "60", "operateur": "", "programme": ""})
    texte = reponse.get_data(as_text=True)
    assert reponse.status_code == 422
    assert 'id="objectif-annee-erreur">Nombre entier attendu.' in texte and 'aria-invalid="true"' in texte
    assert "<li>Année : Nombre entier attendu.</li>" in texte
    reponse = copil.post(f"/pilotage/objectifs?{ANNEE}", data={
        "csrf_token": jeton_csrf(page), "annee": "2025", "indicateur": "accompagnement_emploi.taux_sortie_positive",
        "valeur": "60", "operateur": "", "programme": ""})
    assert reponse.status_code == 422
    assert 'id="objectif-valeur-erreur">Un taux s&#39;écrit en pourcentage (60 %) ou entre 0 et 1 (0,6).' in reponse.get_data(as_text=True)
    en_pourcentage = copil.post(f"/pilotage/objectifs?{ANNEE}", data={
        "csrf_token": jeton_csrf(page), "annee": "2025", "indicateur": "accompagnement_emploi.taux_sortie_positive",
        "valeur": "45 %", "operateur": "", "programme": ""})
    assert en_pourcentage.status_code == 303, en_pourcentage.get_data(as_text=True)
    reponse = copil.post(f"/pilotage/objectifs?{ANNEE}", data={
        "csrf_token": jeton_csrf(page), "annee": "2025", "indicateur": "cir.signataires", "valeur": "2", "operateur": "inconnu"})
    assert reponse.status_code == 422 and "opérateur inconnu « inconnu »" in reponse.get_data(as_text=True)
    assert 'id="objectif-operateur-erreur"' in reponse.get_data(as_text=True)


def test_only_copil_and_admins_set_objectives_responsables_only_read_them(app) -> None:  # noqa: F811
    responsable, _ = connecter(app, "resp-ml")
    page = responsable.get(f"/pilotage?{ANNEE}").get_data(as_text=True)
    assert "Objectifs et réalisations" in page and 'id="formulaire-objectif"' not in page
    copil, _ = connecter(app, "copil")
    jeton = jeton_csrf(copil.get(f"/pilotage?{ANNEE}").get_data(as_text=True))
    jeton_resp = jeton_csrf(page)
    assert responsable.post("/pilotage/objectifs", data={"csrf_token": jeton_resp, "annee": "2025", "indicateur": "cir.signataires",
                                                          "valeur": "2"}).status_code == 403
    admin, _ = connecter(app, "admin-ft")
    page_admin = admin.get(f"/pilotage?{ANNEE}").get_data(as_text=True)
    assert 'id="formulaire-objectif"' in page_admin and jeton
    agent, _ = connecter(app, "ml")
    assert agent.post("/pilotage/objectifs", data={"csrf_token": jeton_csrf(agent.get("/").get_data(as_text=True)),
                                                   "annee": "2025", "indicateur": "cir.signataires", "valeur": "2"}).status_code == 403



def test_the_api_takes_the_same_programme_and_departements_as_the_page(app) -> None:  # noqa: F811
    from parcours.comptes import Portee
    from tests.e2e.test_api import jeton

    personne_orientee(app)
    stats = jeton(app, "ofii-dt-paris", Portee.STATISTIQUES)
    client = app.test_client()
    deux = client.get(f"/api/v1/indicateurs?{ANNEE}&departement=75&departement=93", headers=stats).get_json()
    assert deux["filtres"]["departement"] == ["75", "93"] and deux["cir"]["signataires"] == "< 11"
    agir = client.get(f"/api/v1/indicateurs?{ANNEE}&programme=agir", headers=stats).get_json()
    assert agir["filtres"]["programme"] == "agir" and agir["cir"]["signataires"] == 0
    assert client.get(f"/api/v1/indicateurs?{ANNEE}&programme=hope", headers=stats).status_code == 422
    # An empty choice is not « all » (schemathesis found it accepted): the document lists the choices, none is empty.
    for parametre in ("programme", "public"):
        vide = client.get(f"/api/v1/indicateurs?{ANNEE}&{parametre}=", headers=stats)
        assert vide.status_code == 422 and f"{parametre} inconnu" in vide.get_json()["message"]
    for parametre, message in (("vu_au", "Paramètre vu_au : date AAAA-MM-JJ attendue."), ("position", "position : entier attendu.")):
        vide = client.get(f"/api/v1/indicateurs?{ANNEE}&{parametre}=", headers=stats)
        assert (vide.status_code, vide.get_json()["message"]) == (422, message)


def _position(page: str) -> int:
    return int(re.search(r"Position du journal : <strong>(\d+)</strong>", page).group(1))


def test_the_dashboard_is_served_as_counted_says_what_it_does_not_count_yet_and_counts_again_on_request(app, monkeypatch) -> None:  # noqa: F811
    import html

    from projections import tableaux_calcules
    from tests.e2e.test_ui import poster

    monkeypatch.setattr(tableaux_calcules, "COMPTE_LONG_S", 0.0)  # as a territory's dashboard, long to count

    personne = personne_orientee(app)
    responsable = _responsable_de_l_ofii(app)
    adresse = f"/pilotage?{ANNEE}&operateur=ofii-dt-paris"
    premiere = responsable.get(adresse).get_data(as_text=True)
    assert "Chiffres à jour, calculés le" in premiere and "Recalculer maintenant" not in premiere
    assert responsable.get(adresse).get_data(as_text=True) == premiere  # the kept dashboard: the very same page
    tableur = html.unescape(re.search(r'href="([^"]+)">Tableau en CSV</a>', premiere).group(1))
    assert f"position={_position(premiere)}" in tableur
    tableur_avant = responsable.get(tableur).get_data()

    ofii, _ = connecter(app, "ofii")
    for type_, donnees in (("positionnement_linguistique", {"occurred_on": "2025-02-03", "niveau_oral": "INFRA_A1", "niveau_ecrit": "INFRA_A1"}),
                           ("formation_linguistique_prescrite", {"occurred_on": "2025-02-03", "type": "CIR_OBLIGATOIRE",
                                                                 "forfait_h": "200", "niveau_cible": "A1"})):
        reponse = poster(ofii, f"{personne}/etapes/nouvelle?type={type_}", donnees)
        assert reponse.status_code == 303, reponse.get_data(as_text=True)
    gardee = responsable.get(adresse).get_data(as_text=True)
    assert _position(gardee) == _position(premiere)
    assert re.search(r"2 étapes enregistrées depuis n'y sont pas encore\s+comptées", gardee)
    lien = html.unescape(re.search(r'href="([^"]+)">Recalculer maintenant</a>', gardee).group(1))
    assert "recalculer=1" in lien and "operateur=ofii-dt-paris" in lien

    assert responsable.get(tableur).get_data() == tableur_avant  # the page's spreadsheet still counts where the page did
    assert responsable.get(tableur.split("&position=")[0]).get_data() != tableur_avant  # the prescription counts now
    mauvaise = responsable.get(f"/pilotage?{ANNEE}&position=douze")
    assert mauvaise.status_code == 422 and "position du journal « douze » : un nombre entier positif est attendu" in mauvaise.get_data(as_text=True)

    recomptee = responsable.get(lien).get_data(as_text=True)
    assert "Chiffres à jour, calculés le" in recomptee and _position(recomptee) > _position(premiere)
    assert responsable.get(adresse).get_data(as_text=True).count("Chiffres à jour") == 1

"""The caseworker's experience without a browser: the sender's orientations and their statuses, French error
pages, one message per field, the anonymised export at the page's position, and the set-up (cookie, demo accounts)."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.e2e.test_ui import app, app_sur_chaque_base, connecter, jeton_csrf, personne_orientee, poster  # noqa: F401 (fixtures)
from web.cli.principal import main
from web.config import Reglages
from web.pages.formulaires import erreurs_par_champ


def test_the_ofii_follows_its_orientations_and_re_orients_after_a_refusal(app_sur_chaque_base) -> None:  # noqa: F811
    app = app_sur_chaque_base
    personne_orientee(app)
    ofii, _ = connecter(app, "ofii")
    page = ofii.get("/orientations/envoyees").get_data(as_text=True)
    assert "Yasmina Haddad" in page and "en attente" in page and "Mission locale de Paris" in page
    assert 'href="/orientations/envoyees"' in page  # in the menu of a sender
    ml, _ = connecter(app, "ml")
    recues = ml.get("/orientations").get_data(as_text=True)
    assert 'href="/orientations/envoyees"' not in recues  # a receiver sends none
    orientation_id = re.search(r"/orientations/([0-9a-f-]+)/decision", recues).group(1)
    refus = ml.post(f"/orientations/{orientation_id}/decision", data={"csrf_token": jeton_csrf(recues), "decision": "refuser",
                                                                       "motif": "Suivie par France Travail"})
    assert refus.status_code == 303
    assert "Orientation refusée (Suivie par France Travail)" in ml.get("/orientations").get_data(as_text=True)  # confirmation

    refusees = ofii.get("/orientations/envoyees?statut=refusee").get_data(as_text=True)
    assert "Suivie par France Travail" in refusees and "Refusée, à traiter : 1" in refusees
    lien = re.search(r'href="([^"]+type=orientation_spe)">Ré-orienter', refusees).group(1).replace("&amp;", "&")
    formulaire = ofii.get(lien).get_data(as_text=True)
    assert "Ré-orientation : Mission locale de Paris a refusé l&#39;orientation" in formulaire
    assert re.search(r'<option value="mission-locale-paris"(?! selected)', formulaire)  # the operator who refused is not proposed again
    assert poster(ofii, lien, {"occurred_on": "2025-06-20", "vers": "france-travail-75", "motif_choix": "RQTH"}).status_code == 303
    traitees = ofii.get("/orientations/envoyees?statut=traitee").get_data(as_text=True)
    assert "Yasmina Haddad" in traitees and "Traitée (ré-orientée) : 1" in traitees
    assert "1 orientation(s)" in ofii.get("/orientations/envoyees?statut=en_attente&vers=france-travail-75").get_data(as_text=True)
    assert "Aucune orientation ne correspond" in ofii.get("/orientations/envoyees?du=2030-01-01").get_data(as_text=True)


def test_error_pages_are_french_and_messages_name_the_field_once(app) -> None:  # noqa: F811
    ofii, _ = connecter(app, "ofii")
    introuvable = ofii.get("/nulle-part")
    assert introuvable.status_code == 404 and "Page introuvable" in introuvable.get_data(as_text=True)
    assert "The requested URL" not in introuvable.get_data(as_text=True)
    methode = ofii.post("/recherche", data={"csrf_token": jeton_csrf(ofii.get("/").get_data(as_text=True))})
    assert methode.status_code == 405 and "Action non permise" in methode.get_data(as_text=True)
    assert "Method Not Allowed" not in methode.get_data(as_text=True)
    par_champ, generales = erreurs_par_champ({"": ["Le parcours a été modifié entre-temps."], "data.jour": ["Un.", "Deux."]},
                                             libelles={"jour": "Journée"})
    assert generales == ["Le parcours a été modifié entre-temps."]  # no stray « : » before a message that names no field
    assert par_champ == {"jour": ["Un."]}


def test_the_anonymised_export_reads_the_log_where_the_page_did(app) -> None:  # noqa: F811
    personne_orientee(app)
    copil, _ = connecter(app, "copil")
    page = copil.get("/pilotage?du=2025-01-01&au=2025-12-31").get_data(as_text=True)
    assert "L'export anonymisé est <strong>national</strong>" in page
    position = int(re.search(r"Position du journal : <strong>(\d+)</strong>", page).group(1))
    lien = re.search(r'href="(/pilotage/export-anonymise\?[^"]+)"', page).group(1).replace("&amp;", "&")
    assert f"position={position}" in lien
    archive = zipfile.ZipFile(io.BytesIO(copil.get(lien.replace(f"position={position}", f"position={position - 3}")).data))
    assert json.loads(archive.read("metadonnees.json"))["position_journal"] == position - 3


def test_the_session_cookie_is_secure_in_production_whatever_the_environment_says() -> None:
    assert Reglages.depuis_environnement({"PARCOURS_ENV": "production", "PARCOURS_COOKIE_SECURE": "0"}).cookie_securise
    assert not Reglages.depuis_environnement({"PARCOURS_COOKIE_SECURE": "0"}).cookie_securise
    assert Reglages.depuis_environnement({}).cookie_securise  # `parcours serve` turns it off for itself, over http


def test_demo_users_refuses_to_print_accounts_it_could_not_create(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARCOURS_DATA_DIR", str(tmp_path / "instance"))
    monkeypatch.delenv("PARCOURS_DATABASE_URL", raising=False)
    runner = CliRunner()
    assert runner.invoke(main, ["init"]).exit_code == 0
    seul = runner.invoke(main, ["demo-users"])
    assert seul.exit_code == 1 and "Comptes non créés" in seul.output and "Parcours-demo-2026" not in seul.output
    assert runner.invoke(main, ["operators", "add", "ofii-dt-paris", "--type", "OFII", "--departement", "75"]).exit_code == 0
    partiel = runner.invoke(main, ["demo-users"])
    assert partiel.exit_code == 1 and "ofii " in partiel.output and "  ft " not in partiel.output


A_SAISIR_PAR_LE_RECEVEUR = {
    "orientation_acceptee": [],  # the pending orientation is pre-selected (and answered in one click, below)
    "accompagnement_emploi_debute": [],  # opened by the acceptance itself; the form proposes the programme anyway
    "contrat_travail_debute": ["type_contrat"],  # what is new; its start is the step's date unless told otherwise
    "entree_formation": ["type"],  # idem
    "sortie_accompagnement": [],  # category proposed from the contract just recorded, date of the day
    "situation_logement": ["situation"],  # new information the pathway cannot know
    "note": ["texte"],  # the note itself
}
"""Per form a Mission locale fills after accepting an orientation and recording a CDI: the required fields left empty."""


def test_each_form_of_the_receiver_asks_only_for_what_the_pathway_cannot_know(app) -> None:  # noqa: F811
    from tests.e2e.test_ui import formulaire_affiche

    personne = personne_orientee(app)
    ml, _ = connecter(app, "ml")
    a_saisir = {}
    for type_, attendus in A_SAISIR_PAR_LE_RECEVEUR.items():
        page = ml.get(f"{personne}/etapes/nouvelle?type={type_}").get_data(as_text=True)
        proposes = formulaire_affiche(page)
        obligatoires = re.findall(r'<label class="fr-label" for="champ-([a-z_]+)">[^<]*<span aria-hidden="true"> \*</span>', page)
        a_saisir[type_] = [nom for nom in obligatoires if nom != "occurred_on" and not any(proposes.get(nom, []))]
        if type_ == "orientation_acceptee":
            recues = ml.get("/orientations").get_data(as_text=True)
            orientation_id = re.search(r"/orientations/([0-9a-f-]+)/decision", recues).group(1)
            assert ml.post(f"/orientations/{orientation_id}/decision",
                           data={"csrf_token": jeton_csrf(recues), "decision": "accepter", "programme": "CEJ"}).status_code == 303
        if type_ == "contrat_travail_debute":
            assert poster(ml, f"{personne}/etapes/nouvelle?type=contrat_travail_debute", {"type_contrat": "CDI"}).status_code == 303
    assert a_saisir == A_SAISIR_PAR_LE_RECEVEUR


def test_the_permit_follows_the_protection_and_the_civic_day_follows_the_last_one(app) -> None:  # noqa: F811
    from tests.e2e.test_ui import selectionne, valeur

    personne = personne_orientee(app)
    ofii, _ = connecter(app, "ofii")
    assert poster(ofii, f"{personne}/etapes/nouvelle?type=protection_accordee",
                  {"occurred_on": "2025-03-01", "type": "PROTECTION_SUBSIDIAIRE", "decision_date": "2025-02-20"}).status_code == 303
    titre = ofii.get(f"{personne}/etapes/nouvelle?type=titre_sejour_delivre").get_data(as_text=True)
    assert (selectionne(titre, "motif"), selectionne(titre, "sous_motif"), selectionne(titre, "type_titre")) == (
        "HUMANITAIRE", "PROTECTION_SUBSIDIAIRE", "CARTE_SEJOUR_PLURIANNUELLE")
    assert "Protection subsidiaire (décision du 20/02/2025) : motif humanitaire" in titre
    assert valeur(titre, "valid_from") == ""  # its validity starts on the step's date unless told otherwise
    assert poster(ofii, f"{personne}/etapes/nouvelle?type=titre_sejour_delivre", {"occurred_on": "2025-03-10"}).status_code == 303
    page = ofii.get(personne).get_data(as_text=True)
    assert "Valable à partir du : 10/03/2025" in page and "Étape enregistrée : Titre de séjour délivré." in page
    journee = ofii.get(f"{personne}/etapes/nouvelle?type=formation_civique_journee").get_data(as_text=True)
    assert valeur(journee, "jour") == "1"
    assert "Règle :</strong> Demande un CIR ; une seule présence par journée (1 à 4)." in journee


def test_a_second_registration_of_the_same_person_is_held_back_on_every_database(app_sur_chaque_base) -> None:  # noqa: F811
    app = app_sur_chaque_base
    personne = personne_orientee(app)  # Yasmina Haddad, 2003-05-02, F, numéro 7503030303
    ofii, _ = connecter(app, "ofii")
    donnees = {"occurred_on": "2025-01-10", "nom": "Haddad", "prenom": "Yasmina", "date_naissance": "2003-05-02", "sexe": "F",
               "nationalite": "AFG", "departement": "75"}
    meme_identite = poster(ofii, "/personnes/nouvelle", donnees)
    texte = meme_identite.get_data(as_text=True)
    assert meme_identite.status_code == 409 and f'href="{personne}">Ouvrir le dossier de Yasmina Haddad</a>' in texte
    assert "mêmes nom, prénom, date de naissance et sexe" in texte and 'name="confirmer_doublon"' in texte
    meme_numero = poster(ofii, "/personnes/nouvelle", {**donnees, "prenom": "Yasmine", "numero_etranger": "7503030303"})
    texte = meme_numero.get_data(as_text=True)
    assert meme_numero.status_code == 409 and "même numéro étranger" in texte and 'name="confirmer_doublon"' not in texte
    confirme = poster(ofii, "/personnes/nouvelle", {**donnees, "confirmer_doublon": "oui"})
    assert confirme.status_code == 303 and confirme.headers["Location"] != personne  # another person, said so deliberately

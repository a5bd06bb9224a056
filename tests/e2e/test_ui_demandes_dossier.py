"""Asking for a file another structure follows, from the duplicate warning, and answering the request: the file is
handed over (the requester reads it and records its steps without re-typing anything) or declined with a reason."""

from __future__ import annotations

import re
from dataclasses import replace
from uuid import UUID

import pytest
import sqlalchemy as sa

from parcours.comptes import Role
from parcours.commandes import EnregistrerOperateur
from parcours.demandes import DemandeDeDossier
from parcours.vocabulaire import TypeOperateur
from projections import tables as t
from projections.runner import reconstruire
from tests.e2e.test_ui import EMPREINTE, construire, connecter, jeton_csrf, personne_orientee, poster
from web.config import Reglages

YASMINA = {"occurred_on": "2025-09-01", "nom": "Haddad", "prenom": "Yasmina", "date_naissance": "2003-05-02", "sexe": "F",
           "nationalite": "AFG", "departement": "69"}


@pytest.fixture
def app(reglages: Reglages):
    """Paris's OFII office registered Yasmina and oriented her to the Mission locale; she moved to Lyon."""
    app = construire(replace(reglages, cookie_securise=False))
    services = app.extensions["parcours"]
    services.parcours.enregistrer_operateur(EnregistrerOperateur("ofii-dt-lyon", TypeOperateur.OFII, "69", "OFII — direction territoriale de Lyon"))
    services.parcours.creer_utilisateur("lyon", "ofii-dt-lyon", Role.AGENT, "LYON", EMPREINTE)
    services.rattraper()
    yield app
    services.fermer()


def _demander(client, personne: str, motif: str = "demenagement"):  # noqa: ANN001, ANN202
    avertissement = poster(client, "/personnes/nouvelle", YASMINA)
    assert avertissement.status_code == 409
    page = avertissement.get_data(as_text=True)
    bouton = re.search(r'formaction="([^"]+/demande-de-dossier)"', page)
    assert bouton and bouton.group(1) == f"{personne}/demande-de-dossier"
    return client.post(bouton.group(1), data={**YASMINA, "csrf_token": jeton_csrf(page), "motif_demande": motif})


def _repondre(client, reponse: str, donnees: dict | None = None):  # noqa: ANN001, ANN202
    accueil = client.get("/").get_data(as_text=True)
    action = re.search(rf'action="([^"]+/demande-de-dossier/ofii-dt-lyon/{reponse})"', accueil)
    assert action, accueil
    return client.post(action.group(1), data={"csrf_token": jeton_csrf(accueil), **(donnees or {})})


def test_an_office_asks_for_a_file_it_does_not_follow_and_records_on_it_once_handed_over(app) -> None:
    personne = personne_orientee(app)
    lyon, _ = connecter(app, "lyon")
    avertissement = poster(lyon, "/personnes/nouvelle", YASMINA).get_data(as_text=True)
    assert "Ouvrir le dossier" not in avertissement and "Demander le dossier" in avertissement
    assert "Mission locale de Paris, OFII — direction territoriale de Paris de vous l'adresser" in avertissement

    envoi = _demander(lyon, personne)
    assert envoi.status_code == 303 and envoi.headers["Location"] == "/"
    accueil = lyon.get("/").get_data(as_text=True)
    assert "Demande de dossier envoyée à Mission locale de Paris, OFII — direction territoriale de Paris." in accueil
    mes_demandes = accueil.split('id="liste-demandes-envoyees"')[1]
    assert "En attente" in mes_demandes and "La personne s&#39;est installée sur notre territoire" in mes_demandes
    assert "Yasmina" not in mes_demandes  # nothing of the person before the file is handed over
    assert "OFII — direction territoriale de Paris, Mission locale de Paris" in mes_demandes  # to whom, in the order they joined
    assert lyon.get(personne).status_code == 404
    assert "déjà en attente" in lyon.get(_demander(lyon, personne).headers["Location"]).get_data(as_text=True)

    paris, _ = connecter(app, "ofii")
    recues = paris.get("/").get_data(as_text=True).split('id="liste-demandes-recues"')[1]
    assert "Yasmina Haddad" in recues and "OFII — direction territoriale de Lyon" in recues
    assert _repondre(paris, "adresser").status_code == 303
    assert "Dossier adressé à OFII — direction territoriale de Lyon" in paris.get("/").get_data(as_text=True)
    assert "Demandes de dossier reçues" not in paris.get("/").get_data(as_text=True)
    assert "Demandes de dossier reçues" not in connecter(app, "ml")[0].get("/").get_data(as_text=True)  # answered for all

    assert "Dossier adressé : Yasmina Haddad" in lyon.get("/").get_data(as_text=True)
    page = lyon.get(personne).get_data(as_text=True)
    assert "Yasmina" in page and "Haddad" in page
    note = poster(lyon, f"{personne}/etapes/nouvelle?type=note", {"occurred_on": "2025-09-02", "texte": "Reçue à Lyon.",
                                                                  "visibilite": "PARTAGEE"})
    assert note.status_code == 303, note.get_data(as_text=True)

    services = app.extensions["parcours"]
    avant = _implications(services.lectures)
    reconstruire(services.parcours, services.lectures)
    assert _implications(services.lectures) == avant and ("ofii-dt-lyon",) in avant  # the hand-over is in the log


def test_a_declined_request_says_by_whom_and_why_and_can_be_asked_again(app) -> None:
    personne = personne_orientee(app)
    lyon, _ = connecter(app, "lyon")
    _demander(lyon, personne, "presentee")
    ml, _ = connecter(app, "ml")
    assert _repondre(ml, "decliner", {"motif_refus": "sans_accord"}).status_code == 303
    assert "Demande de OFII — direction territoriale de Lyon déclinée." in ml.get("/").get_data(as_text=True)
    statut = lyon.get("/").get_data(as_text=True).split('id="liste-demandes-envoyees"')[1]
    assert "Déclinée par Mission locale de Paris (La personne n&#39;a pas donné son accord)" in statut
    assert lyon.get(personne).status_code == 404

    assert "Demande de dossier envoyée" in lyon.get(_demander(lyon, personne).headers["Location"]).get_data(as_text=True)
    assert "En attente" in lyon.get("/").get_data(as_text=True).split('id="liste-demandes-envoyees"')[1]
    assert "Yasmina Haddad" in connecter(app, "ofii")[0].get("/").get_data(as_text=True).split('id="liste-demandes-recues"')[1]


def test_only_a_structure_that_follows_the_file_answers_and_nothing_is_recorded_otherwise(app) -> None:
    personne = personne_orientee(app)
    lyon, _ = connecter(app, "lyon")
    _demander(lyon, personne)
    services = app.extensions["parcours"]
    demande_id = DemandeDeDossier.create_id(UUID(personne.rsplit("/", 1)[1]), "ofii-dt-lyon")
    version = services.parcours.repository.get(demande_id).version

    ft, _ = connecter(app, "ft")  # France Travail does not follow Yasmina
    jeton = jeton_csrf(ft.get("/").get_data(as_text=True))
    refus = ft.post(f"{personne}/demande-de-dossier/ofii-dt-lyon/adresser", data={"csrf_token": jeton})
    assert "Dossier non adressé : seule une structure qui suit ce dossier peut répondre à cette demande." in ft.get(
        refus.headers["Location"]).get_data(as_text=True)
    accueil = lyon.get("/").get_data(as_text=True)
    propre = lyon.post(f"{personne}/demande-de-dossier/ofii-dt-lyon/adresser", data={"csrf_token": jeton_csrf(accueil)})
    assert "seule une structure qui suit ce dossier" in lyon.get(propre.headers["Location"]).get_data(as_text=True)
    paris, _ = connecter(app, "ofii")
    accueil = paris.get("/").get_data(as_text=True)
    sans_motif = paris.post(f"{personne}/demande-de-dossier/ofii-dt-lyon/decliner", data={"csrf_token": jeton_csrf(accueil),
                                                                                        "motif_refus": "parce que"})
    assert "Réponse non enregistrée : choisissez un motif dans la liste (motif du refus)." in paris.get(sans_motif.headers["Location"]).get_data(as_text=True)
    deja = paris.post(f"{personne}/demande-de-dossier", data={"csrf_token": jeton_csrf(accueil), "motif_demande": "presentee"})
    assert "votre structure suit déjà ce dossier" in paris.get(deja.headers["Location"]).get_data(as_text=True)
    copil, _ = connecter(app, "copil")
    interdit = copil.post(f"{personne}/demande-de-dossier", data={"csrf_token": jeton_csrf(copil.get("/").get_data(as_text=True)),
                                                                  "motif_demande": "presentee"})
    assert interdit.status_code == 403
    assert services.parcours.repository.get(demande_id).version == version  # nothing recorded by any of these
    assert lyon.get(personne).status_code == 404


def test_an_erased_person_leaves_no_request_behind(app) -> None:
    personne = personne_orientee(app)
    _demander(connecter(app, "lyon")[0], personne)
    services = app.extensions["parcours"]
    services.effacer_personne(UUID(personne.rsplit("/", 1)[1]), "Demande de la personne", "admin")
    with services.lectures.connect() as connexion:
        assert connexion.execute(sa.select(sa.func.count()).select_from(t.demande_dossier)).scalar() == 0


def _implications(lectures: sa.Engine) -> set[tuple[str]]:
    with lectures.connect() as connexion:
        return set(connexion.execute(sa.select(t.implication.c.operateur)).all())

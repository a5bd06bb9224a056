"""CONTRACT §9 pages: OFII's « suivi des orientations », what became of each orientation on the person
page, the AGIR operator's worklists, and the pre-filled §9 forms."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from parcours.comptes import Role
from tests.conftest import Magasins
from tests import etapes
from tests.e2e.test_ui import connecter, construire
from web.deps import aujourdhui
from web.saisie.schemas import lire_etape

COMPTES = [("ofii", "ofii-dt-paris", Role.AGENT), ("ft", "france-travail-75", Role.AGENT), ("agir", "agir-75", Role.AGENT),
           ("ml", "mission-locale-paris", Role.AGENT), ("copil", "ofii-dt-paris", Role.COPIL)]


@pytest.fixture
def app(magasins: Magasins, tmp_path: Path):
    app = construire(magasins.sqlite(tmp_path / "i", cookie_securise=False), comptes=COMPTES)
    yield app
    app.extensions["parcours"].fermer()


class Dossiers:
    def __init__(self, app) -> None:  # noqa: ANN001
        self.services = app.extensions["parcours"]
        with app.app_context():
            self.aujourdhui = aujourdhui()

    def jour(self, il_y_a: int) -> str:
        return (self.aujourdhui - timedelta(days=il_y_a)).isoformat()

    def etape(self, type_: str, il_y_a: int, operateur: str, data: dict, numero: str) -> str:
        step_id = str(uuid.uuid4())
        self.services.parcours.enregistrer_etape(lire_etape(
            etapes.etape(type_, self.jour(il_y_a), operateur, data, etapes.qui(numero), step_id=step_id, agent="t")))
        return step_id

    def personne(self, numero: str, prenom: str, refugiee: bool = False) -> None:
        self.services.parcours.enregistrer_etape(lire_etape(
            etapes.enregistrement(numero, jour=self.jour(200), nom="Test", prenom=prenom, naissance="1990-01-01", agent="t")))
        if refugiee:
            self.etape("protection_accordee", 190, "ofii-dt-paris",
                       {"type": "REFUGIE", "decision_date": self.jour(190), "organe": "OFPRA"}, numero)
        self.etape("titre_sejour_delivre", 180, "prefecture-75",
                   {"motif": "HUMANITAIRE", "sous_motif": "REFUGIE" if refugiee else "ETRANGER_MALADE", "type_titre": "VLS_TS",
                    "valid_from": self.jour(180), "premier_titre": True}, numero)
        self.etape("cir_signe", 120, "ofii-dt-paris", {"dt_ofii": "Paris"}, numero)


@pytest.fixture
def dossiers(app) -> Dossiers:  # noqa: ANN001
    d = Dossiers(app)
    # Nadia: oriented to France Travail 60 days ago, accepted 50 days ago, nothing since → alert.
    d.personne("7500000001", "Nadia")
    orientation = d.etape("orientation_spe", 60, "ofii-dt-paris", {"vers": "france-travail-75", "motif_choix": "DEFAUT"}, "7500000001")
    d.etape("orientation_acceptee", 50, "france-travail-75", {"orientation_step_id": orientation}, "7500000001")
    # Omar: accepted, registered, first appointment held 20 days after the orientation, diagnostic.
    d.personne("7500000002", "Omar")
    orientation = d.etape("orientation_spe", 80, "ofii-dt-paris", {"vers": "france-travail-75", "motif_choix": "DEFAUT"}, "7500000002")
    d.etape("orientation_acceptee", 75, "france-travail-75", {"orientation_step_id": orientation}, "7500000002")
    d.etape("inscription_spe", 74, "france-travail-75", {"identifiant_spe": "SECRET-123"}, "7500000002")
    d.etape("premier_rendez_vous_spe", 60, "france-travail-75", {"date_rdv": d.jour(60), "honore": True}, "7500000002")
    d.etape("diagnostic_approfondi", 60, "france-travail-75", {"freins": ["LANGUE", "GARDE_ENFANTS"]}, "7500000002")
    # Rania: oriented to AGIR 10 days ago (intake due); Samir: oriented 45 days ago, intake 40 days after.
    d.personne("7500000003", "Rania", refugiee=True)
    d.etape("orientation_agir", 10, "ofii-dt-paris", {"vers": "agir-75"}, "7500000003")
    d.personne("7500000004", "Samir", refugiee=True)
    d.etape("orientation_agir", 45, "ofii-dt-paris", {"vers": "agir-75"}, "7500000004")
    d.etape("situation_logement", 44, "ofii-dt-paris", {"situation": "CPH"}, "7500000004")
    d.etape("agir_accueil", 5, "agir-75", {"diagnostic": ["LOGEMENT"], "situation_logement": "CPH",
                                           "situation_pro": "RECHERCHE_EMPLOI"}, "7500000004")
    d.services.rattraper()
    return d


def test_ofii_follows_its_orientations_and_sees_those_without_first_appointment(app, dossiers) -> None:  # noqa: ANN001
    client, _ = connecter(app, "ofii")
    page = client.get("/suivi-orientations").get_data(as_text=True)
    assert "Suivi des orientations" in page
    assert "Nadia Test" in page and "Omar Test" in page and "Rania Test" in page
    assert "pas de premier rendez-vous 30 jours après l&#39;acceptation" in page
    assert "honoré le" in page and "(20 j après l'orientation)" in page
    assert "Garde d&#39;enfants, Langue" in page
    assert "accueil tenu 40 jours après l&#39;orientation" in page
    assert "SECRET-123" not in page  # the SPE identifier is personal data: not on a list
    seulement = client.get("/suivi-orientations?filtre=sans_rdv").get_data(as_text=True)
    assert "Nadia Test" in seulement.split("Orientations (")[1] and "Omar Test" not in seulement.split("Orientations (")[1]
    assert client.get("/suivi-orientations?depuis=pas-une-date").status_code == 422


def test_the_person_page_tells_what_became_of_each_orientation(app, dossiers) -> None:  # noqa: ANN001
    client, _ = connecter(app, "ofii")
    omar = dossiers.services.parcours.trouver_par_numero("7500000002")
    page = client.get(f"/personnes/{omar}").get_data(as_text=True)
    assert "Ce que sont devenues les orientations" in page
    assert "Acceptée le" in page and "Inscription : le" in page and "Garde d&#39;enfants, Langue" in page


def test_copil_does_not_read_the_follow_up_list(app, dossiers) -> None:  # noqa: ANN001
    client, _ = connecter(app, "copil")
    assert client.get("/suivi-orientations").status_code == 403


def test_the_agir_worklist_lists_intakes_due_within_the_month(app, dossiers) -> None:  # noqa: ANN001
    client, _ = connecter(app, "agir")
    page = client.get("/").get_data(as_text=True)
    assert "Orientations AGIR reçues : accueil à tenir dans le mois" in page
    section = page.split("Orientations AGIR reçues : accueil à tenir dans le mois", 1)[1].split("</section>")[0]
    assert "Rania Test" in section and "Samir Test" not in section  # Samir's intake is held
    assert "type=agir_accueil" in section


def test_the_agir_intake_form_is_pre_filled_from_what_is_known(app, dossiers) -> None:  # noqa: ANN001
    client, _ = connecter(app, "agir")
    rania = dossiers.services.parcours.trouver_par_numero("7500000003")
    page = client.get(f"/personnes/{rania}/etapes/nouvelle?type=agir_accueil").get_data(as_text=True)
    assert "Orientée vers votre structure le" in page


def test_the_spe_forms_are_pre_filled_from_the_accepted_orientation(app, dossiers) -> None:  # noqa: ANN001
    client, _ = connecter(app, "ft")
    nadia = dossiers.services.parcours.trouver_par_numero("7500000001")
    page = client.get(f"/personnes/{nadia}/etapes/nouvelle?type=premier_rendez_vous_spe").get_data(as_text=True)
    assert "acceptée le" in page
    assert f'value="{dossiers.aujourdhui.isoformat()}"' in page


def test_a_receiving_operator_follows_the_orientations_it_received(app, dossiers) -> None:  # noqa: ANN001
    client, _ = connecter(app, "ft")
    page = client.get("/suivi-orientations").get_data(as_text=True)
    assert "Nadia Test" in page and "Omar Test" in page and "Rania Test" not in page  # Rania was oriented to AGIR


def test_the_agir_worklist_lists_episodes_past_24_months(app, dossiers) -> None:  # noqa: ANN001
    d = dossiers
    d.services.parcours.enregistrer_etape(lire_etape({
        "step_id": str(uuid.uuid4()), "type": "personne_enregistree", "occurred_on": d.jour(800), "operateur": "ofii-dt-paris",
        "agent": "t", "data": {"nom": "Test", "prenom": "Yasin", "date_naissance": "1985-01-01", "sexe": "M", "nationalite": "SYR",
                               "departement": "75", "numero_etranger": "7500000009"}}))
    d.etape("protection_accordee", 790, "ofii-dt-paris", {"type": "REFUGIE", "decision_date": d.jour(790), "organe": "OFPRA"}, "7500000009")
    d.etape("titre_sejour_delivre", 780, "prefecture-75", {"motif": "HUMANITAIRE", "sous_motif": "REFUGIE", "type_titre": "CARTE_RESIDENT",
                                                           "valid_from": d.jour(780), "premier_titre": True}, "7500000009")
    d.etape("cir_signe", 760, "ofii-dt-paris", {"dt_ofii": "Paris"}, "7500000009")
    d.etape("orientation_agir", 760, "ofii-dt-paris", {"vers": "agir-75", "derogation_prefet": True}, "7500000009")
    d.etape("agir_entree", 750, "agir-75", {"volets": ["DROITS", "EMPLOI_FORMATION"]}, "7500000009")
    d.services.rattraper()
    client, _ = connecter(app, "agir")
    page = client.get("/").get_data(as_text=True)
    section = page.split("Accompagnements AGIR approchant ou dépassant 24 mois", 1)[1].split("</section>")[0]
    assert "Yasin Test" in section and "durée maximale de 24 mois dépassée" in section and "motif=DUREE_MAX" in section

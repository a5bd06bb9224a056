"""The steps awaiting their answer (`etape_en_attente`), kept per pathway by the projection on SQLite and PostgreSQL:
always the rows their definition gives over every fact, through decisions, voids, corrections and erasures."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from projections import en_attente, tables as t
from projections.runner import reconstruire
from tests.integration.test_requetes import _personne_c
from tests.scenario import etape, sid
from web.config import construire_services
from web.saisie.importation import LigneBrute, importer

RACINE = Path(__file__).resolve().parents[2]
CHANTAL = {"numero_etranger": "7507777777"}


def _gardees(services) -> set[tuple]:  # noqa: ANN001
    with services.lectures.connect() as connexion:
        gardees = set(connexion.execute(sa.select(t.etape_en_attente)).all())
        assert gardees == set(connexion.execute(en_attente.definition()).all())
        return gardees


def _en_attente_de(services, parcours_id: str) -> dict[str, tuple]:  # noqa: ANN001
    return {ligne.step_id: (ligne.type, ligne.operateur, ligne.vers) for ligne in _gardees(services) if ligne.parcours_id == parcours_id}


def _enregistrer(services, *etapes: dict) -> None:  # noqa: ANN001
    rapport = importer(services.parcours, [LigneBrute(n, e) for n, e in enumerate(etapes, start=1)])
    assert rapport.rejets == []
    services.rattraper()


def test_a_step_awaits_until_its_answer_is_recorded_and_again_once_that_answer_is_voided(services) -> None:
    chantal = _personne_c(services)
    assert _en_attente_de(services, chantal) == {
        sid("c-cir"): ("cir_signe", "ofii-dt-paris", None),
        sid("c-agir"): ("orientation_agir", "ofii-dt-paris", "agir-75"),
        sid("c-orientation"): ("orientation_spe", "ofii-dt-paris", "france-travail-75"),
    }
    _enregistrer(services,
                 etape("c-decision", "orientation_acceptee", "2024-01-20", "france-travail-75",
                       {"orientation_step_id": sid("c-orientation")}, CHANTAL),
                 etape("c-entretien", "entretien_fin_cir", "2025-01-15", "ofii-dt-paris", {"situation_pro": "EMPLOI"}, CHANTAL))
    assert set(_en_attente_de(services, chantal)) == {sid("c-agir")}
    _enregistrer(services, etape("c-annulation", "evenement_annule", "2024-01-21", "france-travail-75",
                                 {"cible_step_id": sid("c-decision"), "motif": "Saisie à tort."}, CHANTAL))
    assert set(_en_attente_de(services, chantal)) == {sid("c-agir"), sid("c-orientation")}


def test_a_corrected_orientation_awaits_under_its_corrected_receiver_and_a_voided_one_awaits_no_more(services) -> None:
    chantal = _personne_c(services)
    _enregistrer(services, etape("c-correction", "evenement_corrige", "2024-01-11", "ofii-dt-paris",
                                 {"cible_step_id": sid("c-orientation"), "champs": {"vers": "mission-locale-paris"},
                                  "motif": "Erreur de saisie."}, CHANTAL))
    assert _en_attente_de(services, chantal)[sid("c-orientation")] == ("orientation_spe", "ofii-dt-paris", "mission-locale-paris")
    _enregistrer(services, etape("c-annulation-agir", "evenement_annule", "2024-01-11", "ofii-dt-paris",
                                 {"cible_step_id": sid("c-agir"), "motif": "Saisie à tort."}, CHANTAL))
    assert set(_en_attente_de(services, chantal)) == {sid("c-cir"), sid("c-orientation")}


def test_an_erased_person_leaves_no_awaiting_step(services) -> None:
    chantal = _personne_c(services)
    assert _en_attente_de(services, chantal)
    services.effacer_personne(services.parcours.trouver_par_numero("7507777777"), "Demande de la personne.", "ofii-dt-paris")
    assert _en_attente_de(services, chantal) == {}


def test_a_rebuild_keeps_the_same_awaiting_steps(services) -> None:
    _personne_c(services)
    avant = _gardees(services)
    assert avant
    reconstruire(services.parcours, services.lectures)
    assert _gardees(services) == avant


def test_the_migration_that_adds_the_table_fills_it_with_the_rows_the_projection_keeps(services, reglages_du_scenario) -> None:
    _personne_c(services)
    avant = _gardees(services)
    services.fermer()
    config = Config(str(RACINE / "alembic.ini"))
    config.attributes["url"] = reglages_du_scenario.url_lectures()
    command.downgrade(config, "0010_faits_par_premiere_date")
    command.upgrade(config, "head")
    services = construire_services(reglages_du_scenario)
    try:
        assert _gardees(services) == avant
    finally:
        services.fermer()

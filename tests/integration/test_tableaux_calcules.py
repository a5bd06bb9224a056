"""The dashboards kept once computed (`projections.tableaux_calcules`), on SQLite and PostgreSQL: a kept dashboard is
exactly the computed one, is served while it is current or fresh enough, and is counted again after that, when
asked, after an erasure, for another request and for other counting code."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from projections import tables as t
from projections import tableaux_calcules
from projections.indicateurs import Demande
from projections.tableau_de_bord import tableau_de_bord
from projections.tableaux_calcules import demandes_du_tableau, precalculer, tableau_de_bord_calcule
from tests.scenario import NUMERO_AMINA, etape, sid
from web.saisie.importation import LigneBrute, importer

ANNEE_2024 = Demande(date(2024, 1, 1), date(2024, 12, 31))
MIDI = datetime(2026, 12, 7, 12, 0, tzinfo=timezone.utc)
DIX_MINUTES = timedelta(minutes=10)


@pytest.fixture
def compte_long(monkeypatch):  # noqa: ANN001, ANN201
    """The scenario counts in milliseconds: here every count is one worth sparing (a territory's takes seconds)."""
    monkeypatch.setattr(tableaux_calcules, "COMPTE_LONG_S", 0.0)


def _une_etape_de_plus(services) -> None:
    correction = etape("a-sortie-corrigee", "evenement_corrige", "2025-01-10", "france-travail-75",
                       {"cible_step_id": sid("a-sortie"), "champs": {"categorie": "RECHERCHE_EMPLOI"}, "motif": "Contrat rompu."},
                       {"numero_etranger": NUMERO_AMINA})
    assert importer(services.parcours, [LigneBrute(1, correction)]).acceptees == 1
    services.rattraper()


def _lignes(services) -> list[dict]:
    with services.lectures.connect() as connexion:
        return [dict(ligne) for ligne in connexion.execute(sa.select(t.tableau_calcule.c.cle, t.tableau_calcule.c.position,
                                                                        t.tableau_calcule.c.calcule_le)).mappings()]


def test_a_kept_dashboard_gives_back_exactly_what_was_computed(services) -> None:
    calcule = tableau_de_bord_calcule(services.lectures, ANNEE_2024, MIDI, DIX_MINUTES)
    garde = tableau_de_bord_calcule(services.lectures, ANNEE_2024, MIDI + timedelta(hours=3), DIX_MINUTES)

    assert calcule.a_jour and garde.a_jour
    assert garde.calcule_le == MIDI and garde.duree_s == calcule.duree_s  # read from the row, not counted again
    assert garde.tableau == calcule.tableau == tableau_de_bord(services.lectures, ANNEE_2024)
    assert len(_lignes(services)) == 1


def test_a_step_recorded_since_is_announced_while_fresh_then_counted(services, compte_long) -> None:  # noqa: ARG001
    avant = tableau_de_bord_calcule(services.lectures, ANNEE_2024, MIDI, DIX_MINUTES)
    _une_etape_de_plus(services)

    frais = tableau_de_bord_calcule(services.lectures, ANNEE_2024, MIDI + timedelta(minutes=9), DIX_MINUTES)
    assert (frais.etapes_depuis, frais.calcule_le, frais.tableau) == (1, MIDI, avant.tableau)

    perime = tableau_de_bord_calcule(services.lectures, ANNEE_2024, MIDI + timedelta(minutes=11), DIX_MINUTES)
    assert (perime.a_jour, perime.calcule_le) == (True, MIDI + timedelta(minutes=11))
    assert perime.tableau == tableau_de_bord(services.lectures, ANNEE_2024)
    assert perime.tableau.document["position_journal"] > avant.tableau.document["position_journal"]
    assert perime.tableau.document["accompagnement_emploi"] != avant.tableau.document["accompagnement_emploi"]
    assert len(_lignes(services)) == 1  # one row per request, replaced


def test_a_recount_asked_for_is_done_even_when_fresh(services, compte_long) -> None:  # noqa: ARG001
    avant = tableau_de_bord_calcule(services.lectures, ANNEE_2024, MIDI, DIX_MINUTES)
    _une_etape_de_plus(services)
    demande = tableau_de_bord_calcule(services.lectures, ANNEE_2024, MIDI + timedelta(minutes=1), DIX_MINUTES, recalculer=True)
    assert (demande.a_jour, demande.calcule_le) == (True, MIDI + timedelta(minutes=1))
    assert demande.tableau == tableau_de_bord(services.lectures, ANNEE_2024) != avant.tableau


def test_a_freshness_of_zero_counts_again_after_every_step(services, compte_long) -> None:  # noqa: ARG001
    tableau_de_bord_calcule(services.lectures, ANNEE_2024, MIDI, timedelta(0))
    _une_etape_de_plus(services)
    apres = tableau_de_bord_calcule(services.lectures, ANNEE_2024, MIDI, timedelta(0))
    assert apres.a_jour and apres.tableau == tableau_de_bord(services.lectures, ANNEE_2024)


def test_a_dashboard_quick_to_count_is_counted_again_after_a_step_even_when_fresh(services) -> None:
    tableau_de_bord_calcule(services.lectures, ANNEE_2024, MIDI, DIX_MINUTES)  # milliseconds: less than COMPTE_LONG_S
    _une_etape_de_plus(services)
    apres = tableau_de_bord_calcule(services.lectures, ANNEE_2024, MIDI + timedelta(minutes=1), DIX_MINUTES)
    assert apres.a_jour and apres.calcule_le == MIDI + timedelta(minutes=1)


def test_an_erasure_makes_every_kept_dashboard_count_again(services) -> None:
    avant = tableau_de_bord_calcule(services.lectures, ANNEE_2024, MIDI, DIX_MINUTES)
    amina = services.parcours.trouver_par_numero(NUMERO_AMINA)
    services.effacer_personne(amina, "demande d'effacement de l'intéressée", "admin")

    apres = tableau_de_bord_calcule(services.lectures, ANNEE_2024, MIDI + timedelta(minutes=1), DIX_MINUTES)
    assert apres.calcule_le == MIDI + timedelta(minutes=1)
    assert apres.tableau == tableau_de_bord(services.lectures, ANNEE_2024)
    assert apres.tableau.document["public_cible"]["total"] == avant.tableau.document["public_cible"]["total"] - 1


def test_each_request_and_each_counting_code_has_its_own_dashboard(services, monkeypatch) -> None:
    paris = Demande(date(2024, 1, 1), date(2024, 12, 31), departements=("75",))
    tableau_de_bord_calcule(services.lectures, ANNEE_2024, MIDI, DIX_MINUTES)
    de_paris = tableau_de_bord_calcule(services.lectures, paris, MIDI, DIX_MINUTES)
    assert de_paris.tableau == tableau_de_bord(services.lectures, paris)
    assert len(_lignes(services)) == 2

    monkeypatch.setattr(tableaux_calcules, "empreinte_du_code", lambda: "un autre code")
    autre_code = tableau_de_bord_calcule(services.lectures, ANNEE_2024, MIDI + timedelta(minutes=1), DIX_MINUTES)
    assert autre_code.calcule_le == MIDI + timedelta(minutes=1)
    assert len(_lignes(services)) == 3


def test_a_past_position_is_kept_and_served_as_current(services) -> None:
    position = tableau_de_bord(services.lectures, ANNEE_2024).document["position_journal"]
    _une_etape_de_plus(services)
    passe = Demande(date(2024, 1, 1), date(2024, 12, 31), position=position)
    tableau_de_bord_calcule(services.lectures, passe, MIDI, timedelta(0))
    garde = tableau_de_bord_calcule(services.lectures, passe, MIDI + timedelta(days=30), timedelta(0))
    assert garde.a_jour and garde.calcule_le == MIDI
    assert garde.tableau.document["position_journal"] == position


def test_the_scheduler_counts_the_national_and_each_departement_dashboard_in_advance(services) -> None:
    with services.lectures.connect() as connexion:
        demandes = demandes_du_tableau(connexion, date(2024, 1, 1), date(2024, 12, 31))
    assert demandes[0] == ANNEE_2024
    assert {demande.departement for demande in demandes[1:]} >= {"75"}
    assert len(precalculer(services.lectures, iter(demandes), MIDI)) == len(demandes)  # any iterable, counted once

    page = Demande(date(2024, 1, 1), date(2024, 12, 31), None, None, None, None, None, None, ("75",))  # as the page asks
    servi = tableau_de_bord_calcule(services.lectures, page, MIDI + timedelta(hours=1), DIX_MINUTES)
    assert servi.calcule_le == MIDI and servi.tableau == tableau_de_bord(services.lectures, page)
    assert len(_lignes(services)) == len(demandes)


def test_a_count_of_an_older_snapshot_finishing_last_does_not_replace_the_newer_one(services) -> None:
    position = tableau_de_bord(services.lectures, ANNEE_2024).document["position_journal"]
    _une_etape_de_plus(services)
    tableau_de_bord_calcule(services.lectures, ANNEE_2024, MIDI, DIX_MINUTES)  # the newer snapshot, kept first
    with services.lectures.connect() as connexion:
        cle = tableaux_calcules.cle_de_la_demande(ANNEE_2024, tableaux_calcules.types_des_operateurs(connexion))
    plus_ancien = {"cle": cle, "position": position, "effacements": 0, "calcule_le": MIDI, "duree_s": 9.0, "contenu": "{}"}
    with services.lectures.begin() as connexion:
        connexion.execute(tableaux_calcules._remplacer(connexion).values(**plus_ancien))
    (ligne,) = _lignes(services)
    assert ligne["position"] > position


def test_the_page_s_spreadsheet_at_the_page_s_position_is_the_page_s_kept_dashboard(services) -> None:
    from dataclasses import replace

    from projections.document import calculer
    from projections.tableaux_calcules import document_calcule

    page = tableau_de_bord_calcule(services.lectures, ANNEE_2024, MIDI, DIX_MINUTES)
    a_la_position = replace(ANNEE_2024, position=page.tableau.document["position_journal"])
    assert tableau_de_bord_calcule(services.lectures, a_la_position, MIDI + timedelta(hours=1), DIX_MINUTES).calcule_le == MIDI
    assert document_calcule(services.lectures, a_la_position, MIDI) == calculer(services.lectures, a_la_position)
    assert len(_lignes(services)) == 1

    _une_etape_de_plus(services)
    assert document_calcule(services.lectures, ANNEE_2024, MIDI) == calculer(services.lectures, ANNEE_2024)  # current: counted
    assert document_calcule(services.lectures, a_la_position, MIDI) == calculer(services.lectures, a_la_position)


def test_a_spreadsheet_reproduced_before_an_erasure_is_counted_and_says_so(services) -> None:
    from dataclasses import replace

    from projections.document import calculer
    from projections.tableaux_calcules import document_calcule

    position = tableau_de_bord_calcule(services.lectures, ANNEE_2024, MIDI, DIX_MINUTES).tableau.document["position_journal"]
    services.effacer_personne(services.parcours.trouver_par_numero(NUMERO_AMINA), "demande de l'intéressée", "admin")
    tableau_de_bord_calcule(services.lectures, ANNEE_2024, MIDI, DIX_MINUTES)  # the page after the erasure
    passe = replace(ANNEE_2024, position=position)
    document = document_calcule(services.lectures, passe, MIDI)
    assert document == calculer(services.lectures, passe) and document["personnes_effacees_depuis"] == 1


def test_a_kept_dashboard_not_counted_for_a_month_is_removed_at_the_next_count(services) -> None:
    paris = Demande(date(2024, 1, 1), date(2024, 12, 31), departements=("75",))
    tableau_de_bord_calcule(services.lectures, ANNEE_2024, MIDI, DIX_MINUTES)
    tableau_de_bord_calcule(services.lectures, paris, MIDI + timedelta(days=31), DIX_MINUTES)
    assert len(_lignes(services)) == 2  # exactly 31 days: still kept
    femmes = Demande(date(2024, 1, 1), date(2024, 12, 31), public="femmes")
    tableau_de_bord_calcule(services.lectures, femmes, MIDI + timedelta(days=31, seconds=1), DIX_MINUTES)
    with services.lectures.connect() as connexion:
        cles = sorted(tableaux_calcules.cle_de_la_demande(d, tableaux_calcules.types_des_operateurs(connexion)) for d in (paris, femmes))
    assert sorted(ligne["cle"] for ligne in _lignes(services)) == cles


def test_an_operator_s_new_type_makes_the_dashboard_count_again(services) -> None:
    from parcours.commandes import EnregistrerOperateur
    from parcours.vocabulaire import TypeOperateur

    avant = tableau_de_bord_calcule(services.lectures, ANNEE_2024, MIDI, DIX_MINUTES)
    assert services.parcours.enregistrer_operateur(
        EnregistrerOperateur("france-travail-75", TypeOperateur.MISSION_LOCALE, "75", "France Travail Paris")) == "modifie"
    services.rattraper()
    apres = tableau_de_bord_calcule(services.lectures, ANNEE_2024, MIDI + timedelta(minutes=1), DIX_MINUTES)
    assert apres.calcule_le == MIDI + timedelta(minutes=1) and apres.tableau == tableau_de_bord(services.lectures, ANNEE_2024)
    assert apres.tableau.document["spe"] != avant.tableau.document["spe"]

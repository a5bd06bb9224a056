"""The event log on SQLite and PostgreSQL: import, replay, idempotency, concurrency, encryption."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path
from uuid import UUID, uuid4

import psycopg
import pytest

from parcours.erreurs import ConflitEcritureError
from parcours.vocabulaire import ETAPES_D_ACTION, ETAPES_PERSONNE_ET_ACTION, TypeEtape
from tests.scenario import NUMERO_AMINA, PARCOURS_BILAL, etape, scenario, sid
from web.config import Reglages, construire_parcours
from web.saisie.importation import LigneBrute, importer
from web.saisie.schemas import lire_etape

IDENTITES_EN_CLAIR = [b"Haidari", b"Amina", b"Mansouri", b"Bilal", NUMERO_AMINA.encode(), b"1993-04-12", b"restauration",
                      b"4512378B"]  # the last: her identifier at France Travail (inscription_spe)


def lignes(etapes: list[dict]) -> list[LigneBrute]:
    return [LigneBrute(numero, contenu) for numero, contenu in enumerate(etapes, start=1)]


def test_every_step_of_the_scenario_is_recorded_and_read_back_by_a_new_process(parcours, reglages: Reglages) -> None:
    rapport = importer(parcours, lignes(scenario()))
    assert (rapport.acceptees, rapport.doublons, rapport.rejets) == (len(scenario()), 0, [])

    autre_processus = construire_parcours(reglages)
    amina = autre_processus.personne(autre_processus.trouver_par_numero(NUMERO_AMINA))
    assert amina.identite["prenom"] == "Amina"
    types = {e.type for e in amina.historique} | {e.type for e in autre_processus.personne(UUID(PARCOURS_BILAL)).historique}
    # Funded actions (CONTRACT §8) have their own scenario: tests/integration/test_actions.py.
    assert types == set(TypeEtape) - ETAPES_D_ACTION - ETAPES_PERSONNE_ET_ACTION
    logement = amina.historique.etape(UUID(sid("a-logement-2")))
    assert logement.get("situation").value == "LOCATAIRE_PARC_PRIVE"
    assert amina.etapes[UUID(sid("a-note-2"))].annulee
    autre_processus.close()


def test_reimporting_the_same_steps_records_nothing_new(parcours) -> None:
    importer(parcours, lignes(scenario()))
    position = parcours.recorder.max_notification_id()
    rapport = importer(parcours, lignes(scenario()))
    assert (rapport.acceptees, rapport.doublons, rapport.rejetees) == (0, len(scenario()), 0)
    assert parcours.recorder.max_notification_id() == position


def test_a_rejected_line_records_nothing_and_the_others_go_through(parcours) -> None:
    etapes = scenario()[:6]
    mineur_sans_representant = etape(
        "c-enregistree", "personne_enregistree", "2024-01-10", "ofii-dt-paris",
        {"nom": "Diallo", "prenom": "Sekou", "date_naissance": "2007-06-01", "sexe": "M",
         "nationalite": "GIN", "departement": "75", "numero_etranger": "7509999999"}, None)
    titre = etape("c-titre", "titre_sejour_delivre", "2024-01-10", "prefecture-75",
                  {"motif": "FAMILIAL", "sous_motif": "REGROUPEMENT_FAMILIAL", "type_titre": "VLS_TS",
                   "valid_from": "2024-01-10", "premier_titre": True}, {"numero_etranger": "7509999999"})
    cir = etape("c-cir", "cir_signe", "2024-02-01", "ofii-dt-paris", {"dt_ofii": "Paris"}, {"numero_etranger": "7509999999"})
    importer(parcours, lignes([*etapes, mineur_sans_representant, titre]))
    position = parcours.recorder.max_notification_id()

    rapport = importer(parcours, lignes([cir]))

    assert rapport.rejets[0].champ == "data.representant_legal"
    assert parcours.recorder.max_notification_id() == position
    cir["data"]["representant_legal"] = "Fatou Diallo"
    cir["step_id"] = str(uuid4())
    assert importer(parcours, lignes([cir])).acceptees == 1


def test_a_person_registered_by_one_operator_is_found_by_numero_etranger_by_another(parcours, reglages: Reglages) -> None:
    importer(parcours, lignes(scenario()[:3]))
    ailleurs = construire_parcours(reglages)
    assert ailleurs.trouver_par_numero(NUMERO_AMINA) == parcours.trouver_par_numero(NUMERO_AMINA) is not None
    assert ailleurs.trouver_par_numero("7500000000") is None
    ailleurs.close()


def test_the_second_of_two_writers_holding_the_same_version_gets_a_clear_conflict(parcours, reglages: Reglages) -> None:
    importer(parcours, lignes(scenario()[:5]))
    second = construire_parcours(reglages)
    perime = second.personne(second.trouver_par_numero(NUMERO_AMINA))
    premier_pas = etape("x-logement", "situation_logement", "2023-10-03", "logement-75", {"situation": "DNA"},
                        {"numero_etranger": NUMERO_AMINA})
    assert importer(parcours, lignes([premier_pas])).acceptees == 1

    charger = second.repository.get
    # This writer still holds the copy it loaded before the other one saved.
    second.repository.get = lambda ident, **options: perime if ident == perime.id else charger(ident, **options)
    concurrent = lire_etape(etape("y-logement", "situation_logement", "2023-10-04", "logement-75",
                                  {"situation": "HEBERGE_TIERS"}, {"numero_etranger": NUMERO_AMINA}))
    with pytest.raises(ConflitEcritureError, match="rechargez"):
        second.enregistrer_etape(concurrent)
    second.close()
    amina = parcours.personne(parcours.trouver_par_numero(NUMERO_AMINA))
    assert UUID(sid("y-logement")) not in amina.etapes and UUID(sid("x-logement")) in amina.etapes


def test_concurrent_writers_on_one_pathway_never_lose_a_step(parcours, reglages: Reglages) -> None:
    importer(parcours, lignes(scenario()[:5]))
    ecrivains = [construire_parcours(reglages) for _ in range(4)]
    a_ecrire = [
        [etape(f"w{n}-{i}", "situation_logement", date(2024, 1, 1 + i).isoformat(), "logement-75",
               {"situation": "HEBERGE_TIERS"}, {"numero_etranger": NUMERO_AMINA}) for i in range(10)]
        for n in range(len(ecrivains))
    ]
    rapports = []
    depart = threading.Barrier(len(ecrivains))

    def ecrire(ecrivain, etapes):  # noqa: ANN001
        depart.wait()
        rapports.append(importer(ecrivain, lignes(etapes)))

    fils = [threading.Thread(target=ecrire, args=args) for args in zip(ecrivains, a_ecrire)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join()
    for ecrivain in ecrivains:
        ecrivain.close()
    assert sum(r.acceptees for r in rapports) == 40 and not any(r.rejets for r in rapports)
    amina = parcours.personne(parcours.trouver_par_numero(NUMERO_AMINA))
    assert all(UUID(sid(f"w{n}-{i}")) in amina.etapes for n in range(4) for i in range(10))


def _octets_stockes(reglages: Reglages) -> bytes:
    if not reglages.postgres:
        return b"".join(p.read_bytes() for p in Path(reglages.dossier_donnees).glob("evenements.sqlite*"))
    with psycopg.connect(reglages.url_base) as connexion:
        tables = [r[0] for r in connexion.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        contenu = b""
        for table in tables:
            for ligne in connexion.execute(f'SELECT * FROM "{table}"'):
                contenu += repr(ligne).encode()
        return contenu


def test_no_identity_is_stored_in_clear_in_the_event_tables(parcours, reglages: Reglages) -> None:
    importer(parcours, lignes(scenario()))
    parcours.close()
    stocke = _octets_stockes(reglages)
    assert b"parcours.personne.cir_signe" in stocke  # the bytes inspected are the real log
    for identite in IDENTITES_EN_CLAIR:
        assert identite not in stocke, identite

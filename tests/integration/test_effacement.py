"""Erasure on both backends: the key is destroyed, read models forget, the raw files keep no identity."""

from __future__ import annotations

import shutil
from pathlib import Path
from datetime import date

import sqlalchemy as sa

from projections import tables as t
from projections.identites import personne
from projections.document import calculer
from projections.indicateurs import Demande
from projections.runner import reconstruire
from tests.integration.test_journal import _octets_stockes
from tests.scenario import NUMERO_AMINA, PARCOURS_BILAL, etape
from web.config import Reglages
from web.saisie.importation import LigneBrute, importer

AMINA = [b"Haidari", b"Amina", NUMERO_AMINA.encode(), b"1993-04-12", b"restauration", b"4512378B"]




def _toute_la_copie(dossier: Path) -> bytes:
    return b"".join(f.read_bytes() for f in sorted(dossier.rglob("*")) if f.is_file())


def test_an_erased_person_disappears_everywhere_but_the_erasure_record(services, reglages_du_scenario: Reglages, tmp_path: Path) -> None:
    amina = services.parcours.trouver_par_numero(NUMERO_AMINA)
    periode = Demande(date(2024, 1, 1), date(2024, 12, 31))
    assert calculer(services.lectures, periode)["public_cible"]["total"] == 2

    services.effacer_personne(amina, "demande d'effacement de l'intéressée", "admin")

    assert services.parcours.trouver_par_numero(NUMERO_AMINA) is None
    with services.lectures.connect() as connexion:
        for table in (t.personne, t.etape, t.fait, t.implication):
            assert connexion.execute(sa.select(table).where(table.c.parcours_id == str(amina))).first() is None
        assert personne(connexion, PARCOURS_BILAL)["nom"] == "Mansouri"  # sealed in the read model, opened for a page
    apres = calculer(services.lectures, periode)
    assert apres["public_cible"]["total"] == 1
    reconstruire(services.parcours, services.lectures)
    assert calculer(services.lectures, periode)["public_cible"] == apres["public_cible"]
    assert services.parcours.effacee(amina).motif == "demande d'effacement de l'intéressée"

    suite = etape("apres-effacement", "situation_logement", "2024-12-01", "logement-75", {"situation": "DNA"}, {"parcours_id": str(amina)})
    rapport = importer(services.parcours, [LigneBrute(1, suite)])
    assert rapport.rejets and "effacée" in rapport.rejets[0].raison

    services.fermer()
    stocke = _octets_stockes(reglages_du_scenario)
    for identite in AMINA:
        assert identite not in stocke
    if not reglages_du_scenario.postgres:
        copie = tmp_path / "copie"
        shutil.copytree(reglages_du_scenario.dossier_donnees, copie)  # a backup by copy of every embedded file
        assert b"Mansouri" not in _toute_la_copie(copie)  # Bilal's read-model rows are there, sealed
        for identite in AMINA:
            assert identite not in _toute_la_copie(copie), identite


def test_a_released_numero_can_be_registered_again(services) -> None:
    amina = services.parcours.trouver_par_numero(NUMERO_AMINA)
    services.parcours.effacer_personne(amina, "doublon de dossier", "admin")
    nouvelle = etape("re-enregistree", "personne_enregistree", "2025-01-10", "ofii-dt-paris",
                     {"nom": "H", "prenom": "A", "date_naissance": "1993-04-12", "sexe": "F", "nationalite": "AFG",
                      "departement": "75", "numero_etranger": NUMERO_AMINA}, None)
    assert importer(services.parcours, [LigneBrute(1, nouvelle)]).acceptees == 1
    assert services.parcours.trouver_par_numero(NUMERO_AMINA) not in (None, amina)

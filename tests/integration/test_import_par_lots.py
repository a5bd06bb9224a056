"""Batches on SQLite and PostgreSQL: a batch reads what its steps name ahead, and creates its people's keys together;
it records exactly what the step-by-step path records."""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Iterator
from functools import partial
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
import sqlalchemy as sa

from parcours.erreurs import PersonneEffaceeError, PersonneInconnueError, StepIdReutiliseError
from projections import tables as t
from projections.identites import SCELLE
from projections.runner import rattraper
from tests.conftest import BASES, Magasins, enregistrer_operateurs
from tests.integration.test_journal import lignes
from tests.etapes import enregistrement, positionnement, titre
from web.config import Reglages, Services, construire_parcours, construire_services
from web.demo.chargement import enregistrer_operateurs_demo, lignes_de_la_demo
from web.demo.generateur import generer_etapes
from web.saisie.importation import (
    LectureInterrompueError,
    LigneBrute,
    importer,
    importer_a_part,
    lignes_de,
    lignes_du_fichier,
)
from web.saisie.schemas import lire_etape

INSTANT = datetime(2026, 11, 1, tzinfo=timezone.utc)


@pytest.fixture(params=BASES)
def deux_magasins(request: pytest.FixtureRequest, magasins: Magasins, tmp_path: Path) -> Iterator[tuple[Reglages, Reglages]]:
    """Two empty stores of the same backend."""
    with magasins.copie(request.param, tmp_path / "lots") as par_lots, magasins.copie(request.param, tmp_path / "un") as un_a_un:
        yield par_lots, un_a_un


def _en_un_lot(parcours, monkeypatch: pytest.MonkeyPatch, etapes: list[dict[str, Any]]) -> list[Any]:  # noqa: ANN001
    """The results of one batch, which must be saved whole: a batch that misread what exists would hit the
    store's unique keys and be replayed step by step, calling `enregistrer_lot` again for each step."""
    appels = []
    lot = type(parcours).enregistrer_lot
    monkeypatch.setattr(type(parcours), "enregistrer_lot", lambda self, commandes, empreintes=None: appels.append(1) or lot(self, commandes, empreintes))
    resultats = parcours.enregistrer_lot([lire_etape(brut) for brut in etapes])
    assert len(appels) == 1
    return resultats


POSITIONS = {"position", "pos_debut", "pos_fin", "position_etape"}
"""Log positions: a batch writes its people's events before its receipts, so they follow the batching, not the content."""


def _modeles_de_lecture(services: Services) -> dict[str, list[tuple]]:
    """Every read-model row, without log positions and row numbers, sealed values opened (each store seals
    with keys of its own)."""
    coffre = services.parcours.coffre
    lus: dict[str, list[tuple]] = {}
    with services.lectures.connect() as connexion:
        for table in t.metadata.sorted_tables:
            lignes = []
            for ligne in connexion.execute(sa.select(table)).mappings():
                valeurs = {c: v for c, v in ligne.items() if c not in POSITIONS and not (c == "id" and isinstance(v, int))}
                if "identite" in valeurs:
                    valeurs["identite"] = coffre.ouvrir(valeurs["parcours_id"], valeurs["identite"])
                for colonne, valeur in valeurs.items():
                    if isinstance(valeur, dict) and SCELLE in valeur:
                        valeurs[colonne] = coffre.ouvrir(valeurs["parcours_id"], valeur[SCELLE])
                lignes.append(tuple(sorted((c, repr(v)) for c, v in valeurs.items())))
            lus[table.name] = sorted(lignes)
    return lus


def test_a_batched_import_projects_exactly_what_the_step_by_step_path_projects(deux_magasins: tuple[Reglages, Reglages]) -> None:
    lignes = [LigneBrute(n, d.etape, d.enregistre_le) for n, d in enumerate(generer_etapes(40, 5, INSTANT), start=1)]
    lus = []
    for reglages, taille_lot in zip(deux_magasins, (200, 1)):
        services = construire_services(reglages)
        enregistrer_operateurs_demo(services.parcours)
        rapport = importer(services.parcours, lignes, taille_lot=taille_lot)
        assert (rapport.acceptees, rapport.rejets) == (len(lignes), [])
        rattraper(services.parcours, services.lectures)
        lus.append(_modeles_de_lecture(services))
        services.fermer()
    par_lots, un_a_un = lus
    assert sum(map(len, par_lots.values())) > len(lignes)
    assert par_lots == un_a_un


def test_an_import_read_in_a_second_process_projects_exactly_what_the_step_by_step_path_projects(
    deux_magasins: tuple[Reglages, Reglages],
) -> None:
    lus, rapports = [], []
    for reglages, a_part in zip(deux_magasins, (True, False)):
        services = construire_services(reglages)
        enregistrer_operateurs_demo(services.parcours)
        source = partial(lignes_de_la_demo, 40, 5, INSTANT)
        rapport = (importer_a_part(services.parcours, source, taille_lot=200) if a_part
                   else importer(services.parcours, source(), taille_lot=1))
        rapports.append((rapport.lues, rapport.acceptees, rapport.rejets))
        rattraper(services.parcours, services.lectures)
        lus.append(_modeles_de_lecture(services))
        services.fermer()
    assert rapports[0] == rapports[1] and rapports[0][1] > 500 and rapports[0][2] == []
    assert lus[0] == lus[1]


def _fichier_mele(dossier: Path) -> Path:
    """Lines of every fate: accepted, sent twice, a step_id reused with another content, refused by a rule, by the
    schema (one field, several fields), bad JSON, bad UTF-8, an action's own step."""
    numero = "1000000071"
    personne = enregistrement(numero, nom="Amiri")
    etapes_ = [personne, titre(numero), dict(titre(numero), occurred_on="2023-12-31")]
    etapes_[2]["step_id"] = etapes_[1]["step_id"]
    etapes_ += [etapes_[1], positionnement("1000000079"), dict(positionnement(numero), occurred_on="2024-02-31"),
                {"type": "titre_sejour"}, positionnement(numero)]
    lignes_ = [json.dumps(e, ensure_ascii=False).encode() for e in etapes_]
    lignes_[3:3] = [b'{"type": "titre_sejour", ', b"\xff\xfe{}", b"", b"[1, 2]"]
    fichier = dossier / "mele.jsonl"
    fichier.write_bytes(b"\n".join(lignes_) + b"\n")
    return fichier


def test_an_import_read_in_a_second_process_reports_each_line_as_the_import_in_one_process(
    deux_magasins: tuple[Reglages, Reglages], tmp_path: Path,
) -> None:
    fichier = _fichier_mele(tmp_path)
    rapports = []
    for reglages, a_part in zip(deux_magasins, (True, False)):
        parcours = construire_parcours(reglages)
        enregistrer_operateurs(parcours)
        if a_part:
            rapport = importer_a_part(parcours, partial(lignes_du_fichier, str(fichier)), taille_lot=3)
            with fichier.open("rb") as flux:  # the fingerprints and receipts of the other process are this one's
                encore = importer(parcours, lignes_de(flux))
            assert (encore.acceptees, encore.doublons) == (0, 4)
        else:
            with fichier.open("rb") as flux:
                rapport = importer(parcours, lignes_de(flux), taille_lot=3)
        rapports.append(rapport.en_dict())
        parcours.close()
    a_part, en_un = rapports
    assert a_part == en_un
    assert (en_un["lues"], en_un["acceptees"], en_un["doublons"]) == (11, 3, 1)
    assert [r["ligne"] for r in en_un["rejets"]] == [3, 4, 5, 7, 9, 10, 11]
    assert en_un["rejets"][0]["type"] == "titre_sejour_delivre" and en_un["rejets"][-1]["champ"] is None  # several fields


def _lignes_puis_panne(panne: str) -> Iterator[LigneBrute]:
    """Demo lines, then the reading process fails: by an exception, or by dying without a word."""
    yield from lignes_de_la_demo(20, 3, INSTANT)
    if panne == "exception":
        raise OSError("disque illisible")
    os._exit(3)


@pytest.mark.parametrize("panne, raison", [("exception", "OSError: disque illisible"), ("arret", "code 3")])
def test_an_import_whose_reading_process_fails_stops_with_the_reason_and_keeps_the_batches_recorded(
    parcours, panne: str, raison: str,  # noqa: ANN001
) -> None:
    enregistrer_operateurs_demo(parcours)
    lignes_demo = sum(1 for _ in lignes_de_la_demo(20, 3, INSTANT))

    with pytest.raises(LectureInterrompueError, match=raison) as erreur:
        importer_a_part(parcours, partial(_lignes_puis_panne, panne), taille_lot=100)

    recues = len(parcours.recorder.select_notifications(start=1, limit=10**6, topics=["parcours.etape_recue.recue"]))
    if panne == "exception":  # every line read before the failure is handled
        assert recues == lignes_demo
    else:  # whole batches only; a process dying without a word may lose the batches it had not handed over yet
        assert recues % 100 == 0 and 0 < recues <= lignes_demo // 100 * 100
    assert f"après {erreur.value.rapport.lues} lignes traitées" in str(erreur.value)
    assert erreur.value.rapport.acceptees == recues and erreur.value.rapport.rejets == []
    rapport = importer(parcours, lignes_de_la_demo(20, 3, INSTANT))
    assert (rapport.doublons, rapport.acceptees, rapport.rejets) == (recues, lignes_demo - recues, [])


def test_a_batch_finds_what_earlier_batches_recorded_and_refuses_what_they_took(parcours, monkeypatch) -> None:  # noqa: ANN001
    premiere = [enregistrement("1000000001", nom="Amiri"), titre("1000000001"), enregistrement("1000000002", nom="Bakr")]
    importer(parcours, lignes(premiere))
    bakr = parcours.trouver_par_numero("1000000002")
    reprise = dict(premiere[1], occurred_on="2024-01-06")
    deja_pris = enregistrement(None, nom="Chahid", personne={"parcours_id": str(bakr)})

    resultats = _en_un_lot(parcours, monkeypatch, [
        positionnement("1000000001"),  # by the numéro an earlier batch registered
        premiere[1],  # sent again
        reprise,  # its step_id with another content
        enregistrement("1000000002", nom="Doublon"),  # a numéro taken earlier
        deja_pris,  # a pathway id taken earlier
        positionnement("1000000009"),  # nobody
        titre("1000000002"),
    ])

    assert [getattr(r, "statut", None) for r in resultats] == ["acceptee", "doublon", None, None, None, None, "acceptee"]
    assert isinstance(resultats[2], StepIdReutiliseError)
    assert resultats[3].champ == "data.numero_etranger" and "déjà attribué" in str(resultats[3])
    assert resultats[4].champ == "personne.parcours_id"
    assert isinstance(resultats[5], PersonneInconnueError)
    assert resultats[6].parcours_id == bakr


def test_a_batch_after_an_erasure_registers_the_freed_numero_and_refuses_the_erased_pathway(parcours, monkeypatch) -> None:  # noqa: ANN001
    importer(parcours, lignes([enregistrement("1000000003", nom="Amiri"), enregistrement("1000000004", nom="Bakr")]))
    amiri = parcours.trouver_par_numero("1000000003")
    parcours.effacer_personne(amiri, "doublon de dossier", "admin")

    resultats = _en_un_lot(parcours, monkeypatch, [
        titre("1000000004"),
        {**titre("1000000004"), "personne": {"parcours_id": str(amiri)}},
        enregistrement("1000000003", nom="Amiri"),  # the numéro is free again
        positionnement("1000000003"),
    ])

    assert isinstance(resultats[1], PersonneEffaceeError)
    nouvelle = parcours.trouver_par_numero("1000000003")
    assert nouvelle not in (None, amiri)
    assert [(r.statut, r.parcours_id) for r in (resultats[2], resultats[3])] == [("acceptee", nouvelle)] * 2
    assert resultats[0].statut == "acceptee"


@pytest.mark.parametrize("deja", [False, True], ids=["nouvelles", "une-deja-creee"])
def test_a_batch_creates_its_peoples_keys_together_and_keeps_a_key_another_writer_created(reglages: Reglages, deja: bool) -> None:
    ecrivain, autre = construire_parcours(reglages), construire_parcours(reglages)
    personnes = [uuid4(), uuid4()]
    if deja:
        scelle = autre.trousseau.chiffreur(personnes[0], creer=True).encrypt(b"Amiri")
    ecrivain.trousseau.preparer(personnes)
    for personne in personnes:
        # The key the other writer reads from the store is the one the batch holds.
        assert autre.trousseau.chiffreur(personne).decrypt(ecrivain.trousseau.chiffreur(personne).encrypt(b"ok")) == b"ok"
    if deja:
        assert ecrivain.trousseau.chiffreur(personnes[0]).decrypt(scelle) == b"Amiri"
    ecrivain.close()
    autre.close()


def test_an_import_records_each_batch_with_the_collector_paused_and_leaves_it_running(
    parcours, monkeypatch: pytest.MonkeyPatch  # noqa: ANN001
) -> None:
    enregistrer_lot = parcours.enregistrer_lot
    vu_pendant: list[bool] = []

    def enregistrer_en_observant(commandes, empreintes=None):  # noqa: ANN001, ANN202
        vu_pendant.append(gc.isenabled())
        return enregistrer_lot(commandes, empreintes)

    monkeypatch.setattr(parcours, "enregistrer_lot", enregistrer_en_observant)
    rapport = importer(parcours, [LigneBrute(1, enregistrement("2000000001"))], taille_lot=1)
    assert rapport.acceptees == 1 and vu_pendant == [False]
    assert gc.isenabled()

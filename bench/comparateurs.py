"""The storage's own speed, measured in the same run and on the same backend as ours (issue 16).

1. The library's raw batched append: a plain eventsourcing `Application.save(*aggregates)`, 100
   aggregates of 5 events per call (500 events per transaction), on a scratch store of the same
   backend (a fresh SQLite file / a throwaway PostgreSQL database, dropped afterwards).
2. The library's raw notification scan with decoding: `recorder.select_notifications` (pages of 500,
   the library subscription's page) + the mapper's `to_domain_event` over the territory's own log,
   restricted to the topics the rebuild reads, with our real mapper, transcoder and per-person
   encryption (a fresh application, so its key cache starts cold, as a rebuild's does).
Must not import flask.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
import uuid
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import JSONTranscoder

from parcours.application import DateEnISO
from projections.lecture import ProjectionLecture
from web.config import Reglages, construire_parcours

AGREGATS_PAR_SAVE = 100
EVENEMENTS_PAR_AGREGAT = 5
PAGE_DE_LECTURE = 500


class Dossier(Aggregate):
    """A plain library aggregate whose events look like a step (a date, a type, a few fields)."""

    @event("Ouvert")
    def __init__(self, reference: str, ouvert_le: date) -> None:
        self.reference = reference
        self.etapes: list[str] = []

    @event("EtapeAjoutee")
    def ajouter(self, step_id: str, nature: str, le: date, operateur: str, donnees: dict[str, Any]) -> None:
        self.etapes.append(step_id)


class _Brute(Application[uuid.UUID]):
    name = "BancBrut"

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateEnISO())


def _dossiers(nombre: int) -> list[Dossier]:
    dossiers = []
    for i in range(nombre):
        dossier = Dossier(f"ref-{i}", date(2025, 1, 1))
        for j in range(EVENEMENTS_PAR_AGREGAT - 1):
            dossier.ajouter(str(uuid.uuid4()), "situation_logement", date(2025, 2, 1 + j), "operateur-75",
                            {"situation": "HEBERGE_TIERS", "commentaire": f"étape {j}"})
        dossiers.append(dossier)
    return dossiers


def mesurer_ecriture_brute(reglages: Reglages, agregats: int = 10_000, repetitions: int = 3) -> dict[str, Any]:
    """Events/s of the library's own batched `save`, median of `repetitions` runs, each on a fresh scratch store.

    The aggregates are built before the clock starts (as the library's own benchmark does)."""
    debits, magasins = [], []
    for _ in range(repetitions):
        dossiers = _dossiers(agregats)
        with _magasin_jetable(reglages) as env:
            magasins.append(env.get("SQLITE_DBNAME") or env["POSTGRES_DBNAME"])
            application = _Brute(env)
            try:
                debut = time.perf_counter()
                for i in range(0, len(dossiers), AGREGATS_PAR_SAVE):
                    application.save(*dossiers[i:i + AGREGATS_PAR_SAVE])
                secondes = time.perf_counter() - debut
            finally:
                application.close()
        debits.append(agregats * EVENEMENTS_PAR_AGREGAT / secondes)
    return {"evenements": agregats * EVENEMENTS_PAR_AGREGAT, "evenements_par_save": AGREGATS_PAR_SAVE * EVENEMENTS_PAR_AGREGAT,
            "debit": statistics.median(debits), "debits": debits, "magasins": magasins}


class _magasin_jetable:  # noqa: N801 -- a context manager used like a function
    """The event-store settings of an empty scratch store of the same backend, removed on exit."""

    def __init__(self, reglages: Reglages) -> None:
        self.reglages = reglages

    def __enter__(self) -> dict[str, str]:
        if self.reglages.url_base is None:
            self.dossier = Path(tempfile.mkdtemp(prefix="banc-brut-", dir=self.reglages.dossier_donnees.parent))
            return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(self.dossier / "brut.sqlite")}
        serveur = self.reglages.url_base.rpartition("/")[0]
        self.nom = f"parcours_bench_brut_{uuid.uuid4().hex[:8]}"
        self.serveur = serveur
        with psycopg.connect(f"{serveur}/postgres", autocommit=True) as connexion:
            connexion.execute(f'CREATE DATABASE "{self.nom}"')
        return replace(self.reglages, url_base=f"{serveur}/{self.nom}").env_evenements()

    def __exit__(self, *_: object) -> None:
        if self.reglages.url_base is None:
            shutil.rmtree(self.dossier, ignore_errors=True)
            return
        with psycopg.connect(f"{self.serveur}/postgres", autocommit=True) as connexion:
            connexion.execute(f'DROP DATABASE IF EXISTS "{self.nom}" WITH (FORCE)')


def mesurer_lecture_brute(reglages: Reglages, topics: tuple[str, ...] | list[str] | None = None) -> dict[str, Any]:
    """Events/s of the library's scan-and-decode of the territory's log (the events the rebuild reads)."""
    topics = tuple(ProjectionLecture.topics if topics is None else topics)
    parcours = construire_parcours(reglages)
    try:
        recorder, mapper = parcours.recorder, parcours.mapper
        evenements, depart = 0, 0
        debut = time.perf_counter()
        while True:
            page = recorder.select_notifications(start=depart, limit=PAGE_DE_LECTURE, topics=topics, inclusive_of_start=False)
            for notification in page:
                mapper.to_domain_event(notification)
            evenements += len(page)
            if len(page) < PAGE_DE_LECTURE:
                break
            depart = page[-1].id
        secondes = time.perf_counter() - debut
    finally:
        parcours.close()
    return {"evenements": evenements, "secondes": secondes, "debit": evenements / secondes}

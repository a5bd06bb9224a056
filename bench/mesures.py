"""The measurements of `make bench`, one function each; see bench/__main__.py for the method."""

from __future__ import annotations

import json
import multiprocessing
import resource
import shutil
import statistics
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime, timedelta, timezone
from functools import singledispatchmethod
from pathlib import Path
from threading import Event, Thread
from typing import Any, ClassVar

import psycopg
import sqlalchemy as sa
from eventsourcing.persistence import ListenNotifySubscription, Tracking
from eventsourcing.popo import POPOTrackingRecorder
from eventsourcing.projection import Projection, ProjectionRunner
from eventsourcing.sqlite import SQLiteApplicationRecorder
from eventsourcing.utils import get_topic

from parcours.application import Parcours
from parcours.chiffrement import nouvelle_cle_maitre
from projections import tables as t
from projections.identites import associer
from projections.document import calculer
from projections.indicateurs import Cliche, Demande, LectureDuCliche, accompagnement_emploi, position_suivie
from projections.lecture import ProjectionLecture
from projections.runner import reconstruire
from web.config import Reglages, Services, construire_services, creer_base_postgres
from web.demo.chargement import enregistrer_territoire
from web.saisie.importation import LigneBrute, importer

# Preparation ---------------------------------------------------------------------------------------


def reglages_du_banc(backend: str, personnes: int, graine: int, dossier: Path, serveur: str) -> Reglages:
    """The settings of the bench territory of `personnes` people on this backend (its key kept beside it)."""
    cle = dossier / f"cle-{backend}-{personnes}-{graine}.txt"
    if not cle.exists():
        cle.write_text(nouvelle_cle_maitre())
    donnees = dossier / f"donnees-{backend}-{personnes}-{graine}"
    url = f"{serveur}/parcours_bench_{personnes}_{graine}" if backend == "postgres" else None
    return Reglages(donnees, url, "bench", cle.read_text().strip(), cookie_securise=False)


def preparer(
    backend: str, personnes: int, graine: int, instant: datetime, dossier: Path, serveur: str, reimporter: bool = False
) -> tuple[Services, dict[str, Any] | None]:
    """The demo territory of `personnes` people on this backend, built once and kept for later runs.

    Returns the import's measure when this run built it (or None), marked `"ce_passage": False` when it
    comes from the earlier run that built the kept territory (kept in `ingestion.json` beside it)."""
    reglages = reglages_du_banc(backend, personnes, graine, dossier, serveur)
    donnees = reglages.dossier_donnees
    pret, trace = donnees / "pret", donnees / "ingestion.json"
    if pret.exists() and not reimporter:
        ancienne = json.loads(trace.read_text()) if trace.exists() else None
        if ancienne is not None:
            ancienne["ce_passage"] = False
        return construire_services(reglages), ancienne
    shutil.rmtree(donnees, ignore_errors=True)
    if reglages.url_base is not None:
        with psycopg.connect(f"{serveur}/postgres", autocommit=True) as connexion:
            connexion.execute(f'DROP DATABASE IF EXISTS "parcours_bench_{personnes}_{graine}" WITH (FORCE)')
        creer_base_postgres(reglages)
    # In a process of its own (started afresh, not forked), so that its peak RSS is the import's.
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as processus:
        ingestion = processus.submit(_importer_le_territoire, reglages, personnes, graine, instant).result()
    ingestion["quand"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    donnees.mkdir(parents=True, exist_ok=True)
    trace.write_text(json.dumps(ingestion))
    pret.write_text("ok")
    ingestion["ce_passage"] = True
    return construire_services(reglages), ingestion


def _importer_le_territoire(reglages: Reglages, personnes: int, graine: int, instant: datetime) -> dict[str, Any]:
    """Run in a child process: the validated import of the territory, its log events and peak RSS."""
    services = construire_services(reglages)
    try:
        avant = services.parcours.recorder.max_notification_id() or 0
        rss_avant = _rss_max_kio()
        debut = time.perf_counter()
        rapport = enregistrer_territoire(services.parcours, personnes, graine, instant=instant)
        secondes = time.perf_counter() - debut
        if rapport.rejets:
            raise RuntimeError(f"la démonstration a des rejets : {rapport.rejets[:3]}")
        # Single writer, nothing rolled back: the log ids are contiguous (no PostgreSQL sequence gaps).
        evenements = (services.parcours.recorder.max_notification_id() or 0) - avant
    finally:
        services.fermer()
    # The process that read and checked the lines (`importer_a_part`), waited for: its own peak.
    lecture = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"etapes": rapport.acceptees, "evenements": evenements, "secondes": secondes,
            "debit": evenements / secondes, "rss_max_mio": _rss_max_kio() / 1024, "rss_avant_mio": rss_avant / 1024,
            "rss_lecture_mio": lecture / 1024}


def _rss_max_kio() -> int:
    """Peak resident set of this process's memory image, in KiB: `VmHWM` of /proc (Linux).

    Not `ru_maxrss`: Linux carries it across `exec`, so a spawned child would report its parent's peak."""
    try:
        for ligne in Path("/proc/self/status").read_text().splitlines():
            if ligne.startswith("VmHWM:"):
                return int(ligne.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


# 1. Projections ------------------------------------------------------------------------------------


class _Vue(POPOTrackingRecorder):
    """A view for the library's runner: the same projection, one event and its tracking per transaction."""

    engine: ClassVar[sa.Engine]
    nom: ClassVar[str] = "bibliotheque"

    def appliquer(self, evenement: Any, tracking: Tracking) -> None:
        with self.engine.begin() as connexion:
            ProjectionLecture().appliquer(connexion, [(tracking.notification_id, evenement)])
            self._suivre(connexion, tracking)

    def insert_tracking(self, tracking: Tracking) -> None:
        with self.engine.begin() as connexion:
            self._suivre(connexion, tracking)

    def _suivre(self, connexion: sa.Connection, tracking: Tracking) -> None:
        connexion.execute(
            t.suivi_projection.update().where(t.suivi_projection.c.nom == self.nom).values(position=tracking.notification_id)
        )

    def max_tracking_id(self, application_name: str) -> int | None:
        with self.engine.connect() as connexion:
            return connexion.execute(
                sa.select(t.suivi_projection.c.position).where(t.suivi_projection.c.nom == self.nom)
            ).scalar()


class _ProjectionBibliotheque(Projection[_Vue]):
    name = "bibliotheque"
    topics = ProjectionLecture.topics

    @singledispatchmethod
    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.appliquer(domain_event, tracking)


class _SouscriptionParSondage(ListenNotifySubscription[SQLiteApplicationRecorder]):
    """The built-in SQLite recorder cannot subscribe: wake the pull loop every 50 ms instead."""

    def __init__(self, recorder: SQLiteApplicationRecorder, gt: int | None = None, topics: Any = ()) -> None:
        super().__init__(recorder=recorder, gt=gt, topics=topics)
        self._arret = Event()
        self._sondeur = Thread(target=self._sonder, daemon=True)
        self._sondeur.start()

    def _sonder(self) -> None:
        while not self._arret.wait(0.05):
            self._has_been_notified.set()

    def stop(self) -> None:
        self._arret.set()
        super().stop()


class _RecorderSondant(SQLiteApplicationRecorder):
    def subscribe(self, gt: int | None = None, topics: Any = ()) -> Any:
        return _SouscriptionParSondage(self, gt=gt, topics=topics)


def mesurer_projections(services: Services, evenements_bibliotheque: int) -> dict[str, Any]:
    debut = time.perf_counter()
    evenements = reconstruire(services.parcours, services.lectures)
    secondes = time.perf_counter() - debut
    derniere = services.parcours.recorder.select_notifications(
        start=None, limit=evenements_bibliotheque, topics=ProjectionLecture.topics
    )
    cible = derniere[-1].id if derniere else 0
    url = str(services.lectures.url.render_as_string(hide_password=False))
    copie = sa.create_engine(_base_voisine(url, "bibliotheque"))
    t.metadata.drop_all(copie)
    t.metadata.create_all(copie)
    with copie.begin() as connexion:
        connexion.execute(t.suivi_projection.insert().values(nom="bibliotheque", position=0))
    _Vue.engine = copie
    associer(copie, services.parcours.coffre)  # the same key table and epoch keys as the library's application
    cle = services.parcours.cle_maitre

    class ParcoursPourLaBibliotheque(Parcours):
        name = "Parcours"

        def __init__(self, env: Any = None) -> None:
            super().__init__(env, cle_maitre=cle.base64)

    env = dict(services.parcours.env)
    if env.get("PERSISTENCE_MODULE") == "eventsourcing.sqlite":
        env["APPLICATION_RECORDER_TOPIC"] = get_topic(_RecorderSondant)
    env["BIBLIOTHEQUE_PERSISTENCE_MODULE"] = "eventsourcing.popo"
    debut = time.perf_counter()
    with ProjectionRunner(
        application_class=ParcoursPourLaBibliotheque, projection_class=_ProjectionBibliotheque, view_class=_Vue, env=env
    ) as runner:
        runner.view.wait(runner.app.name, cible, timeout=3600)
    secondes_bibliotheque = time.perf_counter() - debut
    copie.dispose()
    debit, debit_bibliotheque = evenements / secondes, len(derniere) / secondes_bibliotheque
    return {
        "evenements": evenements,
        "secondes": secondes,
        "debit": debit,
        "bibliotheque_evenements": len(derniere),
        "bibliotheque_secondes": secondes_bibliotheque,
        "bibliotheque_debit": debit_bibliotheque,
        "rapport": debit / debit_bibliotheque,
    }


def _base_voisine(url: str, suffixe: str) -> str:
    """A second read-model database next to the first (same server or same folder)."""
    if url.startswith("sqlite"):
        return url.replace(".sqlite", f"-{suffixe}.sqlite")
    base, _, nom = url.rpartition("/")
    voisine = f"{nom}_{suffixe}"
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql").rpartition("/")[0] + "/postgres", autocommit=True) as c:
        if not c.execute("SELECT 1 FROM pg_database WHERE datname = %s", (voisine,)).fetchone():
            c.execute(f'CREATE DATABASE "{voisine}"')
    return f"{base}/{voisine}"


# 2. Indicators ---------------------------------------------------------------------------------------


def mesurer_indicateurs(services: Services, du: date, au: date, repetitions: int = 3) -> dict[str, Any]:
    """The whole §5 document, and its employment-support family against the same figures computed by
    one hand-written SQL aggregate over the same read model (the two must agree)."""
    demande = Demande(du, au)
    document = _median(lambda: calculer(services.lectures, demande), repetitions)
    with services.lectures.connect() as connexion:
        position = position_suivie(connexion)

        def famille() -> dict[str, Any]:
            return accompagnement_emploi(LectureDuCliche(connexion, demande, Cliche(position, None)))

        moteur_s = _median(famille, repetitions)
        requete = _agregat_a_la_main(connexion.dialect.name)
        parametres = {"du": du, "au": au, "position": position}
        sql_s = _median(lambda: connexion.execute(requete, parametres).one(), repetitions)
        attendu = famille()
        sorties, neutres, positives, durables, formations, _, cohorte, renseignes, positifs = connexion.execute(requete, parametres).one()
    suivi = attendu["suivi_6_mois"]
    assert (sorties, neutres, positives, durables, formations, cohorte, renseignes, positifs) == (
        attendu["sorties"], attendu["sorties_neutres"], attendu["sorties_positives"], attendu["dont_emploi_durable"],
        attendu["dont_formation"], suivi["cohorte"], suivi["renseignes"], suivi["positifs"],
    ), "the engine and the hand-written aggregate disagree"
    return {"document_s": document["secondes"], "famille_s": moteur_s["secondes"], "sql_s": sql_s["secondes"],
            "rapport": moteur_s["secondes"] / sql_s["secondes"]}


def _median(mesure: Any, repetitions: int) -> dict[str, float]:
    temps = []
    for _ in range(repetitions):
        debut = time.perf_counter()
        mesure()
        temps.append(time.perf_counter() - debut)
    return {"secondes": statistics.median(temps)}


def _agregat_a_la_main(dialecte: str) -> sa.TextClause:
    """The employment-support figures of the period — exits by family of category, their durations, and the
    6-month follow-up cohort — in one hand-written SQL statement."""
    if dialecte == "sqlite":
        jours = "julianday(s.occurred_on) - julianday(e.occurred_on)"
        echeance = "min(date(s.occurred_on, '+6 months'), date(s.occurred_on, 'start of month', '+7 months', '-1 day'))"
        depuis = "date(:du, '-7 months')"
    else:
        jours, echeance, depuis = "s.occurred_on - e.occurred_on", "(s.occurred_on + interval '6 months')::date", "(CAST(:du AS date) - interval '7 months')::date"
    neutres = "('DEMENAGEMENT', 'DECES', 'TRANSFERT')"
    positives = ("('EMPLOI_CDI', 'EMPLOI_FONCTION_PUBLIQUE', 'CREATION_ENTREPRISE', 'EMPLOI_DURABLE_6M_PLUS', 'EMPLOI_MOINS_6M', "
                 "'FORMATION_QUALIFIANTE', 'FORMATION_CERTIFIANTE', 'FORMATION_DIPLOMANTE', 'FORMATION_PRE_QUALIFIANTE')")
    durables = "('EMPLOI_CDI', 'EMPLOI_FONCTION_PUBLIQUE', 'CREATION_ENTREPRISE', 'EMPLOI_DURABLE_6M_PLUS')"
    formations = "('FORMATION_QUALIFIANTE', 'FORMATION_CERTIFIANTE', 'FORMATION_DIPLOMANTE', 'FORMATION_PRE_QUALIFIANTE')"
    visible = "{a}.pos_debut <= :position AND ({a}.pos_fin IS NULL OR {a}.pos_fin > :position)"
    periode = "s.occurred_on BETWEEN :du AND :au"
    cohorte = f"s.code NOT IN {neutres} AND {echeance} BETWEEN :du AND :au"
    return sa.text(f"""
        SELECT sum(CASE WHEN {periode} THEN 1 ELSE 0 END),
               sum(CASE WHEN {periode} AND s.code IN {neutres} THEN 1 ELSE 0 END),
               sum(CASE WHEN {periode} AND s.code IN {positives} THEN 1 ELSE 0 END),
               sum(CASE WHEN {periode} AND s.code IN {durables} THEN 1 ELSE 0 END),
               sum(CASE WHEN {periode} AND s.code IN {formations} THEN 1 ELSE 0 END),
               sum(CASE WHEN {periode} AND s.code NOT IN {neutres} THEN {jours} ELSE 0 END),
               sum(CASE WHEN {cohorte} THEN 1 ELSE 0 END),
               sum(CASE WHEN {cohorte} AND v.booleen THEN 1 ELSE 0 END),
               sum(CASE WHEN {cohorte} AND v.booleen AND v.code IN {positives} THEN 1 ELSE 0 END)
        FROM fait s
        JOIN fait e ON e.step_id = s.lien AND e.type = 'accompagnement_emploi_debute' AND {visible.format(a="e")}
        LEFT JOIN fait v ON v.lien = s.step_id AND v.type = 'suivi_six_mois' AND {visible.format(a="v")}
        WHERE s.type = 'sortie_accompagnement' AND s.occurred_on BETWEEN {depuis} AND :au AND {visible.format(a="s")}
    """)


# 3. Cost of one more step ----------------------------------------------------------------------------


def mesurer_ajout(services: Services, repetitions: int = 30) -> dict[str, Any]:
    services.rattraper()
    with services.lectures.connect() as connexion:
        parcours_id = connexion.execute(sa.select(t.personne.c.parcours_id).limit(1)).scalar_one()
        operateur = connexion.execute(sa.select(t.operateur.c.slug).where(t.operateur.c.type == "LOGEMENT").limit(1)).scalar_one()
    temps = []
    jour = datetime.now(timezone.utc).date() - timedelta(days=1)
    for _ in range(repetitions):
        etape = {
            "step_id": str(uuid.uuid4()), "type": "situation_logement", "occurred_on": jour.isoformat(),
            "operateur": operateur, "agent": "bench", "personne": {"parcours_id": parcours_id},
            "data": {"situation": "HEBERGE_TIERS"},
        }
        debut = time.perf_counter()
        rapport = importer(services.parcours, [LigneBrute(1, etape)])
        services.rattraper()
        temps.append(time.perf_counter() - debut)
        assert rapport.acceptees == 1, rapport.rejets
    temps.sort()
    return {
        "mediane_ms": 1000 * statistics.median(temps),
        "p90_ms": 1000 * temps[int(0.9 * len(temps))],
        "journal": services.parcours.recorder.max_notification_id(),
    }

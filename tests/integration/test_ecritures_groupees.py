"""Group commit of one process's concurrent steps, and the grouped catch-up after them, on both backends."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any
from uuid import UUID, uuid4

import psycopg
import pytest
import sqlalchemy as sa

from parcours.erreurs import PersonneInconnueError
from projections import tables as t
from tests import etapes
from tests.conftest import enregistrer_operateurs
from web.config import Reglages, construire_services
from web.saisie.schemas import lire_etape


@pytest.fixture
def services(reglages: Reglages):
    services = construire_services(reglages)
    enregistrer_operateurs(services.parcours)
    services.rattraper()
    yield services
    services.fermer()


def inscription(parcours_id: str | None = None) -> dict[str, Any]:
    return etapes.enregistrement(None, jour="2025-01-15", nom="Essai", prenom="Groupe", naissance="1990-01-01",
                                 personne={"parcours_id": parcours_id or str(uuid4())}, agent="a")


def situation(parcours_id: str) -> dict[str, Any]:
    return etapes.etape("situation_logement", "2025-01-15", "ofii-dt-paris", {"situation": "DNA"}, {"parcours_id": parcours_id}, agent="a")


class _SauvegardeRetenue:
    """Wraps `parcours.save`: counts the transactions and holds the first one until released."""

    def __init__(self, parcours: Any, echec: BaseException | None = None) -> None:
        self.sauver = parcours.save
        self.tailles: list[int] = []
        self.commencee = threading.Event()
        self.liberee = threading.Event()
        self.echec = echec
        parcours.save = self

    def __call__(self, *agregats: Any, **options: Any) -> Any:
        self.tailles.append(len(agregats))
        if len(self.tailles) == 1:
            self.commencee.set()
            assert self.liberee.wait(10)
        elif self.echec is not None:
            raise self.echec
        return self.sauver(*agregats, **options)


def _attendre(condition: Callable[[], bool]) -> None:
    limite = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < limite, "la condition n'est jamais devenue vraie"
        time.sleep(0.005)


def _lancer(taches: list[Callable[[], Any]], retenue: _SauvegardeRetenue, file: Callable[[], int]) -> list[Any]:
    """Run each task in its thread: the first one holds the store while all the others queue behind it."""
    issues: list[Any] = [None] * len(taches)

    def executer(index: int) -> None:
        try:
            issues[index] = taches[index]()
        except Exception as erreur:  # noqa: BLE001 -- the test looks at what each thread got
            issues[index] = erreur

    fils = [threading.Thread(target=executer, args=(i,)) for i in range(len(taches))]
    fils[0].start()
    assert retenue.commencee.wait(10)
    for fil in fils[1:]:
        fil.start()
    _attendre(lambda: file() == len(taches) - 1)
    retenue.liberee.set()
    for fil in fils:
        fil.join()
    return issues


def test_steps_recorded_at_once_by_one_process_share_one_transaction_and_each_gets_its_own_answer(services) -> None:
    parcours = services.parcours
    retenue = _SauvegardeRetenue(parcours)
    premiere = inscription()
    nouvelles = [inscription() for _ in range(6)]
    inconnue = situation(str(uuid4()))
    doublon = dict(nouvelles[0])
    commandes = [premiere, *nouvelles, inconnue, doublon]

    issues = _lancer(
        [lambda brut=brut: services.enregistrer_etape(lire_etape(brut)) for brut in commandes],
        retenue, lambda: services._ecritures.en_attente,
    )

    assert retenue.tailles == [2, 2 * len(nouvelles)], "one transaction for the first step, one for all the others"
    assert [issue.statut for issue in (issues[0], *issues[2: 1 + len(nouvelles)])] == ["acceptee"] * len(nouvelles)
    assert isinstance(issues[-2], PersonneInconnueError)
    # The same step twice in one group (in whichever order they queued): recorded once, the other a duplicate.
    assert sorted([issues[1].statut, issues[-1].statut]) == ["acceptee", "doublon"]
    acceptees = [issue for issue in issues if getattr(issue, "statut", None) == "acceptee"]
    positions = [issue.position for issue in acceptees]
    assert len(acceptees) == 1 + len(nouvelles) and len(set(positions)) == len(positions) and None not in positions
    for issue, brut in zip(issues, (premiere, *nouvelles)):
        assert UUID(brut["step_id"]) in parcours.personne(UUID(brut["personne"]["parcours_id"])).etapes
        if issue.statut == "acceptee":
            assert _position_projetee(services, brut["step_id"]) == issue.position, "caught up before answering"


def test_when_the_store_fails_every_step_of_the_group_gets_the_error_and_none_is_recorded(services) -> None:
    parcours = services.parcours
    retenue = _SauvegardeRetenue(parcours, echec=RuntimeError("base indisponible"))
    commandes = [inscription() for _ in range(4)]
    issues = _lancer(
        [lambda brut=brut: services.enregistrer_etape(lire_etape(brut)) for brut in commandes],
        retenue, lambda: services._ecritures.en_attente,
    )
    assert issues[0].statut == "acceptee"
    assert [str(issue) for issue in issues[1:]] == ["base indisponible"] * 3
    for brut in commandes[1:]:
        with pytest.raises(PersonneInconnueError):
            parcours.personne(UUID(brut["personne"]["parcours_id"]))
    retenue.echec = None
    assert services.enregistrer_etape(lire_etape(commandes[1])).statut == "acceptee"


def test_a_step_that_fails_unexpectedly_in_a_group_costs_the_others_nothing(services, monkeypatch) -> None:
    parcours = services.parcours
    retenue = _SauvegardeRetenue(parcours)
    commandes = [inscription() for _ in range(4)]
    fautive = UUID(commandes[2]["step_id"])
    empreinte = parcours._empreinte

    def empreinte_fautive(commande: Any) -> str:
        if commande.step_id == fautive:
            raise KeyError("défaut de programmation")
        return empreinte(commande)

    monkeypatch.setattr(parcours, "_empreinte", empreinte_fautive)
    issues = _lancer(
        [lambda brut=brut: services.enregistrer_etape(lire_etape(brut)) for brut in commandes],
        retenue, lambda: services._ecritures.en_attente,
    )
    assert isinstance(issues[2], KeyError)
    assert [issues[i].statut for i in (0, 1, 3)] == ["acceptee"] * 3
    for i in (0, 1, 3):
        assert _position_projetee(services, commandes[i]["step_id"]) == issues[i].position


def _position_projetee(services: Any, step_id: str) -> int | None:
    with services.lectures.connect() as connexion:
        return connexion.execute(sa.select(t.etape.c.position).where(t.etape.c.step_id == step_id)).scalar()


def test_requests_waiting_for_the_same_catch_up_return_once_one_of_them_applied_their_steps(services) -> None:
    etapes = [inscription() for _ in range(6)]
    positions = [services.parcours.enregistrer_etape(lire_etape(brut)).position for brut in etapes]
    projection = services.rattrapage.projection
    appliquer, lots = projection.appliquer, []
    commence, libere = threading.Event(), threading.Event()

    def appliquer_retenu(connexion: Any, evenements: Any) -> None:
        lots.append(len(evenements))
        commence.set()
        assert libere.wait(10)
        appliquer(connexion, evenements)

    projection.appliquer = appliquer_retenu
    fils = [threading.Thread(target=services.rattraper, kwargs={"jusqua": p}) for p in positions]
    fils[0].start()
    assert commence.wait(10)
    for fil in fils[1:]:
        fil.start()
    _attendre(lambda: all(fil.is_alive() for fil in fils))
    time.sleep(0.1)
    libere.set()
    for fil in fils:
        fil.join()
    assert lots == [len(etapes)], "one thread applied every step; the others waited for it and applied nothing"
    assert [_position_projetee(services, brut["step_id"]) for brut in etapes] == positions


@pytest.fixture
def services_postgres(magasins, tmp_path):  # noqa: ANN001
    with magasins.postgres(tmp_path / "instance") as reglages:
        services = construire_services(reglages)
        enregistrer_operateurs(services.parcours)
        yield services
        services.fermer()


@pytest.mark.postgres
def test_a_catch_up_whose_kept_connection_the_server_closed_goes_on_with_a_new_one(services_postgres) -> None:
    services = services_postgres
    premiere = inscription()
    services.rattraper(jusqua=services.parcours.enregistrer_etape(lire_etape(premiere)).position)
    gardee = services.rattrapage._connexion.connection.driver_connection.info.backend_pid
    with psycopg.connect(services.lectures.url.set(drivername="postgresql").render_as_string(hide_password=False),
                         autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (gardee,))
    seconde = situation(premiere["personne"]["parcours_id"])
    resultat = services.parcours.enregistrer_etape(lire_etape(seconde))
    services.rattraper(jusqua=resultat.position)
    assert _position_projetee(services, seconde["step_id"]) == resultat.position
    assert services.rattrapage._connexion.connection.driver_connection.info.backend_pid != gardee


@pytest.mark.postgres
def test_read_connections_the_server_closed_are_replaced_when_checked_out(services_postgres) -> None:
    services = services_postgres
    connexions = [services.lire() for _ in range(3)]
    pids = [c.execute(sa.text("SELECT pg_backend_pid()")).scalar() for c in connexions]
    for connexion in connexions:
        connexion.close()  # back to the pool
    with psycopg.connect(services.lectures.url.set(drivername="postgresql").render_as_string(hide_password=False),
                         autocommit=True) as admin:
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        _attendre(lambda: not admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = ANY(%s)", (pids,)).fetchone())
    time.sleep(0.05)
    for _ in range(4):
        with services.lire() as connexion:
            assert connexion.execute(sa.text("SELECT pg_backend_pid()")).scalar() not in pids

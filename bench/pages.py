"""Server time of the interactive pages at the bench territory's size (issue 16: under 300 ms each).

Flask's test client, in process (no network, no browser): the time from request to the complete
response body, for a logged-in session — the COPIL dashboard national and for the busiest
département, the worklists (home page, orientations) of the agent and responsable of the operator that
recorded the most steps,
and the page of the person with the most steps, read by an agent of an operator involved in it.
One first request (timed: for the dashboards, it counts them and keeps them, `projections.tableaux_calcules`),
then the median (and the slowest) of `repetitions`, which the dashboards serve from what they kept. The bench accounts are
created once in the territory's log (`bench-…` logins).
"""

from __future__ import annotations

import re
import statistics
import time
from typing import Any

import sqlalchemy as sa

from parcours.comptes import Role
from projections import tables as t
from web.app import create_app
from web.config import Reglages
from web.securite import hacher_mot_de_passe

CIBLE_MS = 300
MOT_DE_PASSE = "Banc-de-mesure-2026-pages"


def mesurer_pages(reglages: Reglages, repetitions: int = 5, periode: str = "du=2025-01-01&au=2025-12-31") -> dict[str, Any]:
    app = create_app({"REGLAGES": reglages, "TESTING": True})
    services = app.extensions["parcours"]
    try:
        services.rattraper()
        with services.lectures.connect() as connexion:
            # The busiest operator: the one that recorded the most steps (a prefecture is involved in more
            # pathways, through the CIR, but has hardly any worklist).
            operateur = connexion.execute(
                sa.select(t.etape.c.operateur).group_by(t.etape.c.operateur)
                .order_by(sa.func.count().desc(), t.etape.c.operateur).limit(1)
            ).scalar_one()
            departement = connexion.execute(
                sa.select(t.personne.c.departement).where(t.personne.c.departement.is_not(None))
                .group_by(t.personne.c.departement).order_by(sa.func.count().desc()).limit(1)
            ).scalar_one()
            personne, etapes = connexion.execute(
                sa.select(t.etape.c.parcours_id, sa.func.count())
                .where(t.etape.c.parcours_id.in_(sa.select(t.implication.c.parcours_id)))
                .group_by(t.etape.c.parcours_id)
                .order_by(sa.func.count().desc(), t.etape.c.parcours_id).limit(1)
            ).one()
            lecteur = connexion.execute(
                sa.select(t.implication.c.operateur).where(t.implication.c.parcours_id == personne)
                .order_by(t.implication.c.operateur).limit(1)
            ).scalar_one()
            dossiers = connexion.execute(
                sa.select(sa.func.count()).select_from(t.implication).where(t.implication.c.operateur == operateur)
            ).scalar_one()
        comptes = {
            "copil": (operateur, Role.COPIL), "agent": (operateur, Role.AGENT),
            "responsable": (operateur, Role.RESPONSABLE), "lecteur": (lecteur, Role.AGENT),
        }
        empreinte = None
        for nom, (structure, role) in comptes.items():
            login = f"bench-{nom}-{structure}"[:80]
            if services.parcours.utilisateur(login) is None:
                empreinte = empreinte or hacher_mot_de_passe(MOT_DE_PASSE)
                services.parcours.creer_utilisateur(login, structure, role, f"Banc {nom}", empreinte)
        services.rattraper()
        clients = {nom: _connecter(app, f"bench-{nom}-{structure}"[:80]) for nom, (structure, _) in comptes.items()}
        pages = {
            "tableau de bord COPIL national": ("copil", f"/pilotage?{periode}"),
            f"tableau de bord COPIL, département {departement}": ("copil", f"/pilotage?{periode}&departement={departement}"),
            f"listes de travail de {operateur} (agent)": ("agent", "/"),
            f"listes de travail de {operateur} (responsable)": ("responsable", "/"),
            f"orientations de {operateur}": ("agent", "/orientations"),
            f"page d'une personne ({etapes} étapes)": ("lecteur", f"/personnes/{personne}"),
        }
        resultats = {}
        with services.lectures.begin() as connexion:
            connexion.execute(t.tableau_calcule.delete())  # the dashboards' first request counts them (`premiere_ms`)
        for titre, (compte, chemin) in pages.items():
            client = clients[compte]
            debut = time.perf_counter()
            _obtenir(client, chemin)
            premiere = 1000 * (time.perf_counter() - debut)
            temps = []
            for _ in range(repetitions):
                debut = time.perf_counter()
                _obtenir(client, chemin)
                temps.append(1000 * (time.perf_counter() - debut))
            resultats[titre] = {"chemin": chemin, "premiere_ms": premiere, "mediane_ms": statistics.median(temps), "max_ms": max(temps)}
        return {"operateur": operateur, "dossiers_operateur": dossiers, "departement": departement,
                "etapes_personne": etapes, "cible_ms": CIBLE_MS, "pages": resultats}
    finally:
        services.fermer()


def _connecter(app: Any, login: str) -> Any:
    client = app.test_client()
    page = client.get("/connexion").get_data(as_text=True)
    jeton = re.search(r'name="csrf_token" value="([^"]+)"', page)
    reponse = client.post("/connexion", data={"csrf_token": jeton.group(1) if jeton else "", "login": login,
                                               "mot_de_passe": MOT_DE_PASSE})
    if reponse.status_code not in (302, 303):
        raise RuntimeError(f"connexion de {login} refusée ({reponse.status_code})")
    return client


def _obtenir(client: Any, chemin: str) -> None:
    reponse = client.get(chemin)
    reponse.get_data()
    if reponse.status_code != 200:
        raise RuntimeError(f"{chemin} : statut {reponse.status_code}")

"""The whole indicators document of a request (`parcours indicators`, the API, the dashboard): the snapshot it
is computed on, the §5 families of `projections.indicateurs` and the funded actions' `actions` key of
`projections.actions`, which builds on them. Must not import flask or `web`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from parcours.dates import SEUIL_EMPLOI_DURABLE, emploi_durable_strict
from projections import tables as t
from projections.actions import indicateurs_actions
from projections.indicateurs import FAMILLES, Cliche, Demande, DemandeInvalideError, LectureDuCliche, fin_de_journee, position_suivie


def calculer(engine: sa.Engine, demande: Demande) -> dict[str, Any]:
    """The whole §5 document for one cohort, as of the requested position and day."""
    with engine.connect() as connexion:
        return document_du_contexte(contexte_du_document(connexion, demande))


def contexte_du_document(connexion: sa.Connection, demande: Demande) -> LectureDuCliche:
    """The request's snapshot: the requested position (or all that the read models applied), seen at `vu_au`."""
    instant = fin_de_journee(demande.vu_au) if demande.vu_au else None
    return LectureDuCliche(connexion, demande, Cliche(position_du_cliche(connexion, demande), instant))


def position_du_cliche(connexion: sa.Connection, demande: Demande) -> int:
    """The document's `position_journal`: the last *step* the request sees (the same figures come back from it)."""
    suivie = position_suivie(connexion)
    if demande.position is not None and demande.position > suivie:
        raise DemandeInvalideError(
            f"--position {demande.position} dépasse ce que les modèles de lecture ont appliqué ({suivie})."
        )
    position = demande.position if demande.position is not None else suivie
    derniere_etape = sa.select(sa.func.max(t.etape.c.position)).where(t.etape.c.position <= position)
    if demande.vu_au is not None:
        derniere_etape = derniere_etape.where(t.etape.c.enregistre_le <= fin_de_journee(demande.vu_au))
    return connexion.execute(derniere_etape).scalar() or 0


def document_du_contexte(ctx: LectureDuCliche) -> dict[str, Any]:
    """The §5 document of `contexte_du_document`'s snapshot (what `calculer` returns)."""
    demande = ctx.demande
    document: dict[str, Any] = {
        "periode": {"du": demande.du.isoformat(), "au": demande.au.isoformat()},
        "vu_au": demande.vu_au.isoformat() if demande.vu_au else None,
        "position_journal": ctx.cliche.position,
        "filtres": demande.filtres,
        "seuil_emploi_durable": SEUIL_EMPLOI_DURABLE[emploi_durable_strict()],
    }
    effacees = _effacees_depuis(ctx.connexion, demande.position, ctx.cliche.instant)
    if effacees:
        document["personnes_effacees_depuis"] = effacees
    for nom, famille in FAMILLES.items():
        document[nom] = famille(ctx)
    document["actions"] = indicateurs_actions(ctx)
    return document


def _effacees_depuis(connexion: sa.Connection, position: int | None, instant: datetime | None) -> int:
    """People erased after the requested position or day: a reproduced report no longer counts them (an erasure is final)."""
    if position is None and instant is None:
        return 0
    e = t.effacement
    apres = [e.c.position > position] if position is not None else []
    if instant is not None:
        apres.append(e.c.le > instant)
    return connexion.execute(sa.select(sa.func.count()).select_from(e).where(sa.or_(*apres))).scalar_one()

"""What the requests for a file read: those a structure received for the pathways it follows, and those
it sent, each with where it stands (en attente, déclinée, dossier adressé).

A request is handed over once its requester is involved in the pathway (an orientation named it, or
it recorded a step): the status is read from `implication`, so no answer has to be recorded twice.
The requester reads no identity before that. Must not import flask or `web`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from projections import tables as t
from projections.identites import noms

EN_ATTENTE, DECLINEE, ADRESSEE = "en_attente", "declinee", "adressee"
LIBELLES_STATUTS = {EN_ATTENTE: "En attente", DECLINEE: "Déclinée", ADRESSEE: "Dossier adressé"}


@dataclass
class DemandeLue:
    parcours_id: str
    demandeur: str
    motif: str
    demandee_le: datetime
    statut: str
    declinee_par: str | None
    motif_refus: str | None
    prenom: str | None = None
    nom: str | None = None
    """Only for a structure allowed to read the person (it follows them, or the file was handed to it)."""
    destinataires: list[str] = field(default_factory=list)
    """The structures that follow the file (the request's addressees), the requester excepted."""


def _demandeur_implique() -> Any:
    d, i = t.demande_dossier, t.implication.alias("implication_du_demandeur")
    return sa.exists().where(i.c.parcours_id == d.c.parcours_id, i.c.operateur == d.c.demandeur).correlate(d)


def _statut(ligne: Any) -> str:
    if ligne["adressee"]:
        return ADRESSEE
    return DECLINEE if ligne["declinee_par"] else EN_ATTENTE


def demandes_recues(connexion: sa.Connection, operateur: str) -> list[DemandeLue]:
    """Pending requests for the pathways this operator follows, oldest first."""
    d, i = t.demande_dossier, t.implication
    requete = (
        sa.select(d)
        .join(i, sa.and_(i.c.parcours_id == d.c.parcours_id, i.c.operateur == operateur))
        .where(d.c.declinee_par.is_(None), d.c.adressee_par.is_(None), d.c.demandeur != operateur, ~_demandeur_implique())
        .order_by(d.c.demandee_le)
    )
    lignes = list(connexion.execute(requete).mappings())
    nommes = noms(connexion, (ligne["parcours_id"] for ligne in lignes))
    return [DemandeLue(ligne["parcours_id"], ligne["demandeur"], ligne["motif"], ligne["demandee_le"], EN_ATTENTE, None, None,
                       *nommes.get(ligne["parcours_id"], (None, None)))
            for ligne in lignes if ligne["parcours_id"] in nommes]


def demandes_envoyees(connexion: sa.Connection, operateur: str, limite: int = 50) -> list[DemandeLue]:
    """This operator's requests, newest first; the person is named only once the file was handed over."""
    d, p = t.demande_dossier, t.personne
    requete = (
        sa.select(d, _demandeur_implique().label("adressee"))
        .join(p, p.c.parcours_id == d.c.parcours_id)
        .where(d.c.demandeur == operateur)
        .order_by(d.c.demandee_le.desc())
        .limit(limite)
    )
    lignes = list(connexion.execute(requete).mappings())
    i = t.implication
    destinataires: dict[str, list[str]] = {}
    for parcours_id, suivi_par in connexion.execute(
            sa.select(i.c.parcours_id, i.c.operateur).where(i.c.parcours_id.in_({l["parcours_id"] for l in lignes}), i.c.operateur != operateur)
            .order_by(i.c.depuis)):
        destinataires.setdefault(parcours_id, []).append(suivi_par)
    # The person is opened only for the requests whose file was handed over: nothing of them before.
    nommes = noms(connexion, (ligne["parcours_id"] for ligne in lignes if _statut(ligne) == ADRESSEE))
    demandes = []
    for ligne in lignes:
        prenom, nom = nommes.get(ligne["parcours_id"], (None, None))
        demandes.append(DemandeLue(ligne["parcours_id"], operateur, ligne["motif"], ligne["demandee_le"], _statut(ligne),
                                   ligne["declinee_par"], ligne["motif_refus"], prenom, nom,
                                   destinataires.get(ligne["parcours_id"], [])))
    return demandes


def operateurs_impliques(connexion: sa.Connection, parcours_id: str) -> list[str]:
    """The operators that follow a pathway: those a request for its file goes to."""
    i = t.implication
    return list(connexion.execute(sa.select(i.c.operateur).where(i.c.parcours_id == parcours_id).order_by(i.c.depuis)).scalars())

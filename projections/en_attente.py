"""The steps still waiting for their answer, kept in `etape_en_attente` per pathway by the read-model projection.

A step awaits while it is current (neither voided nor superseded) and no current step of an answering type links to
it (`fait.lien`, as corrected): an orientation its decision, a CIR its end-of-CIR interview. The worklists read
these rows instead of walking an operator's whole history. Must not import flask or `web`.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from parcours.vocabulaire import TypeEtape
from projections import tables as t

ORIENTATIONS = (TypeEtape.ORIENTATION_SPE, TypeEtape.ORIENTATION_AGIR)
"""The orientation step types: their `vers` names the operator they are sent to, who becomes involved."""
REPONSES: dict[TypeEtape, tuple[TypeEtape, ...]] = {
    TypeEtape.ORIENTATION_SPE: (TypeEtape.ORIENTATION_ACCEPTEE, TypeEtape.ORIENTATION_REFUSEE),
    TypeEtape.ORIENTATION_AGIR: (TypeEtape.ORIENTATION_ACCEPTEE, TypeEtape.ORIENTATION_REFUSEE),
    TypeEtape.CIR_SIGNE: (TypeEtape.ENTRETIEN_FIN_CIR,),
}
"""Each awaiting step type and the step types that answer it."""
TYPES = frozenset(REPONSES) | {reponse for reponses in REPONSES.values() for reponse in reponses}
"""The step types whose facts decide what awaits: a pathway's rows change only when a step of these types, a
correction, a void or an erasure reaches it."""

_PAR_REQUETE = 500
"""Pathways recomputed per statement: a rebuild's batch touches thousands."""


def definition() -> sa.Select:
    """Every current step of an awaiting type with no current answer, in the columns of `etape_en_attente`."""
    attendue, reponse = t.fait.alias("attendue"), t.fait.alias("reponse")
    sans_reponse = [
        sa.and_(attendue.c.type == type_.value,
                ~sa.exists().where(reponse.c.lien == attendue.c.step_id, reponse.c.pos_fin.is_(None),
                                   reponse.c.type.in_([r.value for r in reponses])))
        for type_, reponses in REPONSES.items()
    ]
    vers = sa.case((attendue.c.type.in_([o.value for o in ORIENTATIONS]), attendue.c.texte), else_=None)
    return (sa.select(attendue.c.step_id, attendue.c.parcours_id, attendue.c.type, attendue.c.occurred_on,
                      attendue.c.operateur, vers.label("vers"))
            .where(attendue.c.pos_fin.is_(None), sa.or_(*sans_reponse)))


def recalculer(connexion: sa.Connection, parcours_ids: Iterable[str] | None = None) -> None:
    """Set these pathways' rows (every pathway's with None) from their current facts."""
    if parcours_ids is None:
        connexion.execute(t.etape_en_attente.delete())
        connexion.execute(_REMPLIR)
        return
    ids = sorted(set(parcours_ids))
    for debut in range(0, len(ids), _PAR_REQUETE):
        morceau = {"ids": ids[debut:debut + _PAR_REQUETE]}
        connexion.execute(_EFFACER_DES_PARCOURS, morceau)
        connexion.execute(_REMPLIR_DES_PARCOURS, morceau)


# Built once: compiling them again for each batch cost more than running them (a step recorded through the API
# touches one pathway).
_COLONNES = [c.name for c in t.etape_en_attente.columns]
_REMPLIR = t.etape_en_attente.insert().from_select(_COLONNES, definition())
_EFFACER_DES_PARCOURS = t.etape_en_attente.delete().where(t.etape_en_attente.c.parcours_id.in_(sa.bindparam("ids", expanding=True)))
_DES_PARCOURS = definition()
_REMPLIR_DES_PARCOURS = t.etape_en_attente.insert().from_select(_COLONNES, _DES_PARCOURS.where(
    _DES_PARCOURS.selected_columns.parcours_id.in_(sa.bindparam("ids", expanding=True))))

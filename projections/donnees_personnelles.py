"""What the personal-data duties read: retention dates, the access journal, a person's whole file.

- Retention: a pathway is anonymised N years (default 2) after its 5-year window closed; the
  responsables see it coming in their worklist 30 days before.
- Access journal: every read of a person-level page or API resource, per operator or per person.
- Subject-access export: everything recorded about one person, in French.
Must not import flask or `web`.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from parcours.dates import add_months
from parcours.vocabulaire import LIBELLES_ETAPES, TypeEtape
from projections import tables as t
from projections.faits import champs
from projections.identites import personne
from projections.lecture import en_json
from projections.requetes import chronologie

ANNEES_DE_CONSERVATION = 2
PREAVIS = timedelta(days=30)


def dates_de_retention(
    connexion: sa.Connection, annees: int = ANNEES_DE_CONSERVATION, *, operateur: str | None = None, jusqu_au: date | None = None
) -> dict[str, date]:
    """When each pathway is due for anonymisation: end of its 5-year window + `annees`.

    The window opens with the first residence permit (`premier_titre`); without one, with the
    person's registration. With `operateur`, only the pathways it is involved in; with `jusqu_au`, only
    those due by that day: the database reads just those, not every pathway of the territory.
    """
    mois = 12 * (5 + annees)
    f, autre = t.fait, t.fait.alias("autre_titre")
    titre = champs(f, TypeEtape.TITRE_SEJOUR_DELIVRE)
    premiers = sa.select(f.c.parcours_id, sa.func.min(titre.valid_from)).where(*_premier_titre(f)).group_by(f.c.parcours_id)
    sans_premier_titre = (
        sa.select(f.c.parcours_id, f.c.occurred_on)
        .where(f.c.type == TypeEtape.PERSONNE_ENREGISTREE.value, f.c.pos_fin.is_(None),
               ~sa.exists().where(autre.c.parcours_id == f.c.parcours_id, *_premier_titre(autre)))
    )
    if operateur is not None:
        # Checked per fact read (not `IN` the operator's pathways): SQLite would then read every fact of each of them.
        suivi = sa.exists().where(t.implication.c.parcours_id == f.c.parcours_id, t.implication.c.operateur == operateur)
        premiers = premiers.where(suivi)
        sans_premier_titre = sans_premier_titre.where(suivi)
    if jusqu_au is not None:
        # add_months(d, mois) <= jusqu_au implies d <= add_months(jusqu_au + 1 day, -mois), month ends included
        # (tests/unit/test_dates.py); the exact due date is compared below.
        borne = add_months(jusqu_au + timedelta(days=1), -mois)
        # A group's minimum is at most the bound exactly when one of its rows is, and is then the minimum of those rows.
        premiers = premiers.where(titre.valid_from <= borne)
        sans_premier_titre = sans_premier_titre.where(f.c.occurred_on <= borne)
    dates = {}
    for requete in (premiers, sans_premier_titre):
        for parcours_id, debut in connexion.execute(requete):
            echeance = add_months(debut, mois)
            if jusqu_au is None or echeance <= jusqu_au:
                dates[parcours_id] = echeance
    return dates


def _premier_titre(faits: sa.FromClause) -> tuple[sa.ColumnElement[bool], ...]:
    """The current facts of `faits` that are a first residence permit (they open the 5-year window)."""
    return (faits.c.type == TypeEtape.TITRE_SEJOUR_DELIVRE.value,
            champs(faits, TypeEtape.TITRE_SEJOUR_DELIVRE).premier_titre.is_(True), faits.c.pos_fin.is_(None))


def a_anonymiser(connexion: sa.Connection, aujourdhui: date, annees: int = ANNEES_DE_CONSERVATION) -> list[dict[str, Any]]:
    """Pathways whose retention date has passed."""
    return [
        {"parcours_id": parcours_id, "date": echeance}
        for parcours_id, echeance in sorted(dates_de_retention(connexion, annees, jusqu_au=aujourdhui).items(), key=lambda e: e[1])
    ]


def preavis_de_retention(
    connexion: sa.Connection, operateur: str, aujourdhui: date, annees: int = ANNEES_DE_CONSERVATION
) -> list[dict[str, Any]]:
    """For the operator's responsables: pathways it is involved in that will be anonymised within 30 days, by due
    date like every worklist."""
    dates = dates_de_retention(connexion, annees, operateur=operateur, jusqu_au=aujourdhui + PREAVIS)
    return [
        {
            "parcours_id": parcours_id,
            "echeance": echeance,
            "en_retard": echeance <= aujourdhui,
            "detail": f"anonymisation prévue le {echeance:%d/%m/%Y} (fin de la fenêtre de 5 ans + {annees} ans)",
            "formulaire": None,
        }
        for parcours_id, echeance in sorted(dates.items(), key=lambda date_due: date_due[1])
    ]


def journal_des_acces(
    connexion: sa.Connection, *, operateur: str | None = None, parcours_id: str | None = None, limite: int = 500
) -> list[dict[str, Any]]:
    """Reads of person-level resources, newest first: by one operator's staff, or of one person."""
    c = t.consultation
    requete = sa.select(c).order_by(c.c.le.desc()).limit(limite)
    if operateur is not None:
        requete = requete.where(c.c.operateur == operateur)
    if parcours_id is not None:
        requete = requete.where(c.c.parcours_id == parcours_id)
    return [dict(ligne) for ligne in connexion.execute(requete).mappings()]


def dossier_complet(connexion: sa.Connection, parcours_id: str) -> dict[str, Any] | None:
    """Everything recorded about one person, in French (subject-access request, RGPD art. 15)."""
    identite = personne(connexion, parcours_id)
    if identite is None:
        return None
    etapes = [asdict(e) for e in chronologie(connexion, parcours_id, lecteur="")]
    notes_privees = connexion.execute(
        sa.select(t.etape).where(t.etape.c.parcours_id == parcours_id, t.etape.c.type == TypeEtape.NOTE.value)
    ).mappings()
    visibles = {e["step_id"] for e in etapes}
    for note in notes_privees:
        if note["step_id"] not in visibles:
            etapes.append({"step_id": note["step_id"], "type": note["type"], "occurred_on": note["occurred_on"],
                           "operateur": note["operateur"], "agent": note["agent"], "enregistre_le": note["enregistre_le"],
                           "donnees": note["donnees"]})
    return {
        "objet": "Données enregistrées dans Parcours sur la personne concernée",
        "identite": {k: en_json(v) for k, v in identite.items() if k != "position"},
        "operateurs_impliques": [
            o for (o,) in connexion.execute(sa.select(t.implication.c.operateur).where(t.implication.c.parcours_id == parcours_id))
        ],
        "etapes": [
            {
                "libelle": LIBELLES_ETAPES[TypeEtape(e["type"])],
                "date": en_json(e["occurred_on"]),
                "enregistree_par": f"{e['operateur']} ({e['agent']})",
                "enregistree_le": en_json(e["enregistre_le"]),
                "donnees": en_json(e.get("donnees")),
                **({"valeurs_initiales": en_json(e["donnees_initiales"])} if e.get("corrigee_par") else {}),
                **({"annulee": True} if e.get("annulee_par") else {}),
            }
            for e in sorted(etapes, key=lambda e: (e["occurred_on"], str(e["enregistre_le"])))
        ],
        "consultations": [
            {"le": en_json(j["le"]), "par": j["login"], "operateur": j["operateur"], "ressource": j["ressource"], "motif": j["motif"]}
            for j in journal_des_acces(connexion, parcours_id=parcours_id)
        ],
    }

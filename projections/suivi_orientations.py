"""What became of each orientation (CONTRACT §9): the AGIR operator's and OFII's worklists, and per person.

- `accueils_agir_a_tenir`: AGIR orientations received, intake still to hold within the month;
- `agir_24_mois`: open AGIR episodes approaching (60 days) or past entry + 24 months;
- `suivi_des_orientations`: the orientations an OFII directorate sent, each with its answer,
  registration, first appointment, diagnostic (SPE) or intake, refusal, entry, exit (AGIR), the delays,
  and the « pas de premier rendez-vous 30 jours après l'acceptation » alert;
- `devenir_des_orientations`: the same rows for one person, for their page.

Current values only (corrections applied, voids left out). Must not import flask or `web`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from parcours.dates import add_months
from parcours.regles import DELAI_ACCUEIL_AGIR_MOIS, DUREE_MAX_AGIR_MOIS
from parcours.vocabulaire import TypeEtape
from projections import tables as t
from projections.faits import courants, freins_du_masque
from projections.identites import noms_complets

DELAI_PREMIER_RDV = timedelta(days=30)
"""An accepted SPE orientation with no first appointment held 30 days after the acceptance is signalled to OFII."""
PREAVIS_24_MOIS = timedelta(days=60)

SUITES = (
    TypeEtape.ORIENTATION_ACCEPTEE, TypeEtape.ORIENTATION_REFUSEE, TypeEtape.INSCRIPTION_SPE,
    TypeEtape.PREMIER_RENDEZ_VOUS_SPE, TypeEtape.DIAGNOSTIC_APPROFONDI, TypeEtape.AGIR_ACCUEIL, TypeEtape.AGIR_REFUS,
    TypeEtape.AGIR_ENTREE,
)


@dataclass
class Devenir:
    """One orientation and what became of it."""

    step_id: str
    parcours_id: str
    type: str
    le: date
    emetteur: str
    vers: str
    personne: str = ""
    decision: str | None = None
    """`acceptee` or `refusee` (orientation_acceptee / orientation_refusee, or an AGIR refusal)."""
    decision_le: date | None = None
    motif_refus: str | None = None
    inscription_le: date | None = None
    premier_rdv_le: date | None = None
    rdv_manques: int = 0
    freins: list[str] = field(default_factory=list)
    accueil_le: date | None = None
    entree_le: date | None = None
    sortie_le: date | None = None
    sortie_motif: str | None = None
    alertes: list[str] = field(default_factory=list)

    @property
    def delai_reponse_jours(self) -> int | None:
        return (self.decision_le - self.le).days if self.decision_le else None

    @property
    def delai_premier_rdv_jours(self) -> int | None:
        return (self.premier_rdv_le - self.le).days if self.premier_rdv_le else None

    @property
    def delai_accueil_jours(self) -> int | None:
        return (self.accueil_le - self.le).days if self.accueil_le else None

    @property
    def agir(self) -> bool:
        return self.type == TypeEtape.ORIENTATION_AGIR.value


def _devenirs(connexion: sa.Connection, condition: Any, aujourdhui: date) -> list[Devenir]:
    orientations = courants(TypeEtape.ORIENTATION_SPE, TypeEtape.ORIENTATION_AGIR, alias="orientation")
    lignes = connexion.execute(
        sa.select(orientations.c.step_id, orientations.c.parcours_id, orientations.c.type, orientations.c.occurred_on,
                  orientations.c.operateur, orientations.c.vers).where(condition(orientations))
    ).all()
    devenirs = {ligne.step_id: Devenir(ligne.step_id, ligne.parcours_id, ligne.type, ligne.occurred_on, ligne.operateur, ligne.vers)
                for ligne in lignes}
    if not devenirs:
        return []
    suites = courants(*SUITES, alias="suite")
    par_orientation: dict[str, list[Any]] = defaultdict(list)
    for ligne in connexion.execute(
        sa.select(suites.c.step_id, suites.c.type, suites.c.occurred_on, suites.c.orientation, suites.c.date_rdv, suites.c.honore,
                  suites.c.freins, suites.c.motif).where(suites.c.orientation.in_(sorted(devenirs)))
    ):
        par_orientation[ligne.orientation].append(ligne)
    refus_motifs = _motifs_de_refus(connexion, [s.step_id for lignes_ in par_orientation.values() for s in lignes_
                                                if s.type == TypeEtape.ORIENTATION_REFUSEE.value])
    entrees: dict[str, str] = {}
    for step_id, devenir in devenirs.items():
        for suite in sorted(par_orientation.get(step_id, []), key=lambda s: s.occurred_on):
            type_ = TypeEtape(suite.type)
            if type_ in (TypeEtape.ORIENTATION_ACCEPTEE, TypeEtape.ORIENTATION_REFUSEE) and devenir.decision is None:
                devenir.decision = "acceptee" if type_ is TypeEtape.ORIENTATION_ACCEPTEE else "refusee"
                devenir.decision_le = suite.occurred_on
                devenir.motif_refus = refus_motifs.get(suite.step_id)
            elif type_ is TypeEtape.AGIR_REFUS:
                devenir.decision, devenir.decision_le, devenir.motif_refus = "refusee", suite.occurred_on, suite.motif
            elif type_ is TypeEtape.INSCRIPTION_SPE and devenir.inscription_le is None:
                devenir.inscription_le = suite.occurred_on
            elif type_ is TypeEtape.PREMIER_RENDEZ_VOUS_SPE:
                if suite.honore and devenir.premier_rdv_le is None:
                    devenir.premier_rdv_le = suite.date_rdv
                elif not suite.honore:
                    devenir.rdv_manques += 1
            elif type_ is TypeEtape.DIAGNOSTIC_APPROFONDI:
                devenir.freins = freins_du_masque(suite.freins)
            elif type_ is TypeEtape.AGIR_ACCUEIL:
                devenir.accueil_le = suite.occurred_on
            elif type_ is TypeEtape.AGIR_ENTREE:
                devenir.entree_le = suite.occurred_on
                entrees[suite.step_id] = step_id
    if entrees:
        sorties = courants(TypeEtape.AGIR_SORTIE, alias="sortie_agir")
        for entree, jour, motif in connexion.execute(
            sa.select(sorties.c.entree, sorties.c.occurred_on, sorties.c.motif).where(sorties.c.entree.in_(sorted(entrees)))
        ):
            devenirs[entrees[entree]].sortie_le, devenirs[entrees[entree]].sortie_motif = jour, motif
    noms = noms_complets(connexion, {d.parcours_id for d in devenirs.values()})
    for devenir in devenirs.values():
        devenir.personne = noms.get(devenir.parcours_id, "")
        _alerter(devenir, aujourdhui)
    return sorted(devenirs.values(), key=lambda d: (d.le, d.step_id), reverse=True)


def _alerter(devenir: Devenir, aujourdhui: date) -> None:
    if devenir.agir:
        if devenir.decision != "refusee" and devenir.accueil_le is None and devenir.entree_le is None \
                and aujourdhui > add_months(devenir.le, DELAI_ACCUEIL_AGIR_MOIS):
            devenir.alertes.append("accueil non tenu un mois après l'orientation")
        elif devenir.accueil_le is not None and devenir.accueil_le > add_months(devenir.le, DELAI_ACCUEIL_AGIR_MOIS):
            devenir.alertes.append(f"accueil tenu {devenir.delai_accueil_jours} jours après l'orientation")
        return
    if devenir.decision is None and aujourdhui > devenir.le + DELAI_PREMIER_RDV:
        devenir.alertes.append("sans réponse depuis plus de 30 jours")
    if devenir.decision == "acceptee" and devenir.premier_rdv_le is None and aujourdhui > devenir.decision_le + DELAI_PREMIER_RDV:
        devenir.alertes.append("pas de premier rendez-vous 30 jours après l'acceptation")


def _motifs_de_refus(connexion: sa.Connection, step_ids: list[str]) -> dict[str, str]:
    if not step_ids:
        return {}
    lignes = connexion.execute(sa.select(t.etape.c.step_id, t.etape.c.donnees).where(t.etape.c.step_id.in_(step_ids)))
    return {step_id: (donnees or {}).get("motif") for step_id, donnees in lignes}


def suivi_des_orientations(connexion: sa.Connection, operateur: str, aujourdhui: date, depuis: date | None = None) -> list[Devenir]:
    """The orientations `operateur` (an OFII directorate) sent, since `depuis`, most recent first."""
    def condition(o: Any) -> Any:
        clauses = [o.c.operateur == operateur]
        if depuis is not None:
            clauses.append(o.c.occurred_on >= depuis)
        return sa.and_(*clauses)

    return _devenirs(connexion, condition, aujourdhui)


def orientations_recues(connexion: sa.Connection, operateur: str, aujourdhui: date, depuis: date | None = None) -> list[Devenir]:
    """The orientations sent to `operateur` (a receiving operator), since `depuis`, most recent first."""
    def condition(o: Any) -> Any:
        return sa.and_(o.c.vers == operateur, *([o.c.occurred_on >= depuis] if depuis is not None else []))

    return _devenirs(connexion, condition, aujourdhui)


def devenir_des_orientations(connexion: sa.Connection, parcours_id: str, aujourdhui: date) -> list[Devenir]:
    """Every orientation of one person and what became of it, most recent first."""
    return _devenirs(connexion, lambda o: o.c.parcours_id == parcours_id, aujourdhui)


# Worklists of the AGIR operator ---------------------------------------------------------------------------


def accueils_agir_a_tenir(connexion: sa.Connection, operateur: str, aujourdhui: date) -> list[dict[str, Any]]:
    """AGIR orientations received by `operateur` with no intake, refusal nor entry yet, and not yet late
    (the late ones are in `accueils_agir_en_retard`): the intake is due within a month of the orientation."""
    lignes = []
    for devenir in _devenirs(connexion, lambda o: sa.and_(o.c.type == TypeEtape.ORIENTATION_AGIR.value, o.c.vers == operateur),
                             aujourdhui):
        echeance = add_months(devenir.le, DELAI_ACCUEIL_AGIR_MOIS)
        if devenir.decision == "refusee" or devenir.accueil_le or devenir.entree_le or aujourdhui > echeance:
            continue
        lignes.append({
            "parcours_id": devenir.parcours_id,
            "echeance": echeance,
            "en_retard": False,
            "detail": f"orientée par {devenir.emetteur} le {devenir.le:%d/%m/%Y}, accueil à tenir",
            "formulaire": {"type": TypeEtape.AGIR_ACCUEIL.value, "data": {}},
        })
    return lignes


def agir_24_mois(connexion: sa.Connection, operateur: str, aujourdhui: date) -> list[dict[str, Any]]:
    """Open AGIR episodes of `operateur` within 60 days of, or past, entry + 24 months: the exit is
    recorded by a person (never invented), the list reminds it."""
    entrees = courants(TypeEtape.AGIR_ENTREE, alias="entree")
    sorties = courants(TypeEtape.AGIR_SORTIE, alias="sortie")
    lignes = []
    for parcours_id, entree_le in connexion.execute(
        sa.select(entrees.c.parcours_id, entrees.c.occurred_on)
        .select_from(entrees.outerjoin(sorties, sorties.c.entree == entrees.c.step_id))
        .where(entrees.c.operateur == operateur, sorties.c.step_id.is_(None))
    ):
        echeance = add_months(entree_le, DUREE_MAX_AGIR_MOIS)
        if aujourdhui < echeance - PREAVIS_24_MOIS:
            continue
        depasse = aujourdhui > echeance
        lignes.append({
            "parcours_id": parcours_id,
            "echeance": echeance,
            "en_retard": depasse,
            "detail": f"entrée dans AGIR le {entree_le:%d/%m/%Y} : "
                      + ("durée maximale de 24 mois dépassée" if depasse else "24 mois atteints le " + f"{echeance:%d/%m/%Y}"),
            "formulaire": {"type": TypeEtape.AGIR_SORTIE.value, "data": {"motif": "DUREE_MAX"} if depasse else {}},
        })
    return lignes

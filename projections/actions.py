"""The figures of funded actions (CONTRACT §8), computed from `fait_action` as of any log position.

`chiffres(ctx, perimetre)` answers for a set of actions over the request's period: one action, the
actions of a carrier, those of a département, or all. Each definition quotes the contract; a set of
actions sums additive counts (hours, sessions, consultations…) and counts distinct persons and
households once. The same numbers feed the `actions` key of `parcours indicators` and the annual
evaluation table (`projections.evaluation_annuelle`). Must not import flask or `web`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from parcours.vocabulaire import LOGEMENTS_PERENNES, TypeEtape
from projections import lecture_actions
from projections import tables as t
from projections.faits import champs
from projections.indicateurs import (
    AttributsDePersonne,
    DemandeInvalideError,
    LectureDuCliche,
    accompagnement_emploi,
    situations_de_logement_deja_lues,
)

PERENNES = {s.value for s in LOGEMENTS_PERENNES}
SEUIL_ASSIDUITE = 0.8
CLES_INDICATEURS = (
    "nombre", "beneficiaires", "heures_francais", "assidus_francais", "progression_francais", "heures_valeurs",
    "heures_numerique", "acteurs_formes", "heures_acteurs", "consultations", "outils_pretes", "binomes",
    "evenements_sportifs", "evenements_culturels", "menages_logement_perenne", "cout_total", "subvention_p104",
)
"""The `actions` key of `parcours indicators`, in the contract's order."""


@dataclass(frozen=True)
class Perimetre:
    """Which actions: one (`action`), those a carrier carries (`operateur`), those of a département, or all."""

    action: str | None = None
    operateur: str | None = None
    departement: str | None = None
    annee: int | None = None
    """Consolidations keep the actions of that year (one action is taken whatever its year)."""

    @property
    def libelle(self) -> str:
        if self.action:
            return f"action {self.action}"
        if self.operateur:
            return f"actions portées par {self.operateur}"
        if self.departement:
            return f"actions du département {self.departement}"
        return "national (toutes les actions)"


@dataclass
class Declaration:
    action: str
    porteur: str
    jour: date
    donnees: dict[str, Any]

    @property
    def thematiques(self) -> set[str]:
        return set(self.donnees.get("thematiques") or ())


@dataclass
class Chiffres:
    """Every figure of the annex for a set of actions, plus what the table prints beside them."""

    actions: dict[str, Declaration]
    valeurs: dict[str, Any]
    public: dict[str, int]
    emploi: dict[str, Any] | None
    outils_acteurs: list[str] = field(default_factory=list)
    outils_beneficiaires: list[str] = field(default_factory=list)
    themes_valeurs: set[str] = field(default_factory=set)
    themes_autres: list[str] = field(default_factory=list)

    @property
    def thematiques(self) -> set[str]:
        return set().union(*(d.thematiques for d in self.actions.values())) if self.actions else set()

    def indicateurs(self) -> dict[str, Any]:
        return {cle: self.valeurs[cle] for cle in CLES_INDICATEURS}


def _montant(valeur: Decimal) -> float:
    return float(valeur.quantize(Decimal("0.01")))


def _heures(valeur: Decimal) -> float | int:
    return int(valeur) if valeur == valeur.to_integral_value() else float(valeur)


def declarations(ctx: LectureDuCliche, perimetre: Perimetre) -> dict[str, Declaration]:
    """The declared actions of the perimeter, as corrected at the snapshot."""
    f = t.fait_action
    requete = sa.select(f.c.action, f.c.operateur, f.c.occurred_on, f.c.valeurs).where(
        f.c.type == TypeEtape.ACTION_DECLAREE.value, ctx.cliche.visible(f))
    if perimetre.action is not None:
        requete = requete.where(f.c.action == perimetre.action)
    lignes = ctx.connexion.execute(requete)
    trouvees: dict[str, Declaration] = {}
    for action, porteur, jour, valeurs in lignes:
        declaration = Declaration(action, porteur, jour, dict(valeurs))
        if perimetre.action is not None:
            if action == perimetre.action:
                trouvees[action] = declaration
            continue
        if perimetre.annee is not None and declaration.donnees.get("annee") != perimetre.annee:
            continue
        if perimetre.annee is None and not ctx.demande.du.year <= (declaration.donnees.get("annee") or 0) <= ctx.demande.au.year:
            continue
        if perimetre.operateur is not None and porteur != perimetre.operateur:
            continue
        if perimetre.departement is not None and perimetre.departement not in (declaration.donnees.get("departements") or ()):
            continue
        if perimetre.departement is None and ctx.demande.departements \
                and not set(ctx.demande.departements) & set(declaration.donnees.get("departements") or ()):
            continue
        trouvees[action] = declaration
    if perimetre.action is not None and not trouvees:
        raise DemandeInvalideError(f"action inconnue « {perimetre.action} » (aucune action_declaree sous cet identifiant).")
    return trouvees


def chiffres(ctx: LectureDuCliche, perimetre: Perimetre, avec_emploi: bool = False) -> Chiffres:
    """The figures of §8 over the request's period (`du`..`au`: the calendar year for the annual table)."""
    d = ctx.demande
    du, au = d.du, d.au
    actions = declarations(ctx, perimetre)
    par_type: dict[str, list[Any]] = defaultdict(list)
    personnes: dict[str, AttributsDePersonne] = {}
    if actions:
        par_type = _lignes(ctx, sorted(actions), au)
        # Only the inscribed are read, whatever their département: an action's perimeter is its own départements.
        personnes = _personnes_inscrites(ctx, sorted({str(i.parcours_id) for i in par_type[
            TypeEtape.BENEFICIAIRE_INSCRIT.value]}))
    presence_francais = _presence_francais(ctx, sorted(actions), au) if actions else {}

    def retenue(parcours_id: str | None, jour: date) -> AttributsDePersonne | None:
        personne = personnes.get(parcours_id or "")
        if personne is None:
            return None
        return personne if personne.du_public(d.public, jour) else None

    # 1.1 — inscribed on or before the end, no exit (from that action) before the start.
    sorties = {(s.parcours_id, s.action): s for s in par_type[TypeEtape.BENEFICIAIRE_SORTI_ACTION.value]}
    inscriptions: dict[tuple[str, str], Any] = {}
    reference: dict[str, date] = {}
    for inscription in par_type[TypeEtape.BENEFICIAIRE_INSCRIT.value]:
        sortie = sorties.get((inscription.parcours_id, inscription.action))
        if sortie is not None and sortie.occurred_on < du:
            continue
        jour = max(inscription.occurred_on, du)
        if retenue(inscription.parcours_id, jour) is None:
            continue
        inscriptions[(inscription.parcours_id, inscription.action)] = inscription
        if inscription.parcours_id not in reference or jour < reference[inscription.parcours_id]:
            reference[inscription.parcours_id] = jour
    public: dict[str, int] = dict.fromkeys(
        ("total", "hommes", "femmes", "moins_de_25_ans", "bpi", "bpi_hommes", "bpi_femmes", "bpi_moins_de_25_ans"), 0)
    for parcours_id, jour in reference.items():
        personne = personnes[parcours_id]
        age, bpi = personne.age(jour), personne.bpi(jour)
        jeune = age is not None and age < 25
        public["total"] += 1
        public["hommes"] += personne.sexe == "M"
        public["femmes"] += personne.sexe == "F"
        public["moins_de_25_ans"] += jeune
        public["bpi"] += bpi
        public["bpi_hommes"] += bpi and personne.sexe == "M"
        public["bpi_femmes"] += bpi and personne.sexe == "F"
        public["bpi_moins_de_25_ans"] += bpi and jeune

    # Sessions: hours delivered « indépendamment du nombre de participants »; attendance per person and action.
    heures: dict[str, Decimal] = defaultdict(Decimal)
    acteurs_formes = 0
    for thematique, public_seance, duree, nouveaux in (_heures_des_seances(ctx, sorted(actions), du, au) if actions else ()):
        duree = Decimal(str(duree))
        heures["TOTAL"] += duree
        if public_seance == "ACTEURS":
            heures["ACTEURS"] += duree
            acteurs_formes += int(nouveaux or 0)
        heures[thematique] += duree

    # 3.1 — regular: attendance ≥ 80 % of the individual plan's hours; progressed: exited in the period, up one level.
    assidus: set[str] = set()
    for (parcours_id, action), inscription in inscriptions.items():
        prevues = inscription.valeurs.get("heures_prevues")
        # Hours are halves and plans decimals: compare at a precision far below a minute (8 h of 10 is exactly 80 %).
        if prevues and round(presence_francais.get((parcours_id, action), 0.0) - SEUIL_ASSIDUITE * prevues, 6) >= 0:
            assidus.add(parcours_id)
    progresses: set[str] = set()
    for (parcours_id, action), sortie in sorties.items():
        inscription = inscriptions.get((parcours_id, action))
        if inscription is None or not du <= sortie.occurred_on <= au:
            continue
        debut = [inscription.valeurs.get(c) for c in ("rang_oral", "rang_ecrit")]
        fin = [sortie.valeurs.get(c) for c in ("rang_oral", "rang_ecrit")]
        if None not in debut and None not in fin and min(fin) >= min(debut) + 1:  # type: ignore[type-var, operator]
            progresses.add(parcours_id)

    # Person-level counts of the period: devices lent, medical consultations, mentoring pairs.
    def dans_la_periode(type_etape: TypeEtape) -> list[Any]:
        return [e for e in par_type[type_etape.value] if du <= e.occurred_on <= au and retenue(e.parcours_id, e.occurred_on)]

    # 3.8 — distinct events of each nature with at least one present beneficiary.
    evenements = {"SPORTIF": 0, "CULTUREL": 0}
    for evenement in par_type[TypeEtape.EVENEMENT_TENU.value]:
        if du <= evenement.occurred_on <= au and evenement.valeurs.get("presents"):
            evenements[evenement.valeurs.get("nature")] = evenements.get(evenement.valeurs.get("nature"), 0) + 1

    # 2 — the latest budget of each action.
    budgets: dict[str, Any] = {}
    for budget in par_type[TypeEtape.ACTION_BUDGET.value]:
        if budget.action not in budgets or budget.position_etape > budgets[budget.action].position_etape:
            budgets[budget.action] = budget
    cout = sum((Decimal(str(b.valeurs["cout_total"])) for b in budgets.values()), Decimal(0))
    subvention = sum((Decimal(str(b.valeurs["subvention_p104"])) for b in budgets.values()), Decimal(0))

    valeurs = {
        "nombre": len(actions),
        "beneficiaires": public["total"],
        "heures_francais": _heures(heures["FRANCAIS"]),
        "assidus_francais": len(assidus),
        "progression_francais": len(progresses),
        "heures_valeurs": _heures(heures["VALEURS_REPUBLIQUE"]),
        "heures_numerique": _heures(heures["NUMERIQUE"]),
        "acteurs_formes": acteurs_formes,
        "heures_acteurs": _heures(heures["ACTEURS"]),
        "consultations": len(dans_la_periode(TypeEtape.CONSULTATION_MEDICALE)),
        "outils_pretes": len(dans_la_periode(TypeEtape.OUTIL_NUMERIQUE_PRETE)),
        "binomes": len(dans_la_periode(TypeEtape.BINOME_CONSTITUE)),
        "evenements_sportifs": evenements["SPORTIF"],
        "evenements_culturels": evenements["CULTUREL"],
        "menages_logement_perenne": _menages_logement_perenne(ctx, inscriptions, personnes, du, au),
        "cout_total": _montant(cout),
        "subvention_p104": _montant(subvention),
        "heures_dispensees": _heures(heures["TOTAL"]),
        "objectif_beneficiaires": sum(int(a.donnees.get("objectif_beneficiaires") or 0) for a in actions.values()),
        "objectif_acteurs": _somme_facultative(a.donnees.get("objectif_acteurs") for a in actions.values()),
    }
    outils = sorted(par_type[TypeEtape.OUTIL_DECRIT.value], key=lambda o: (o.action, o.position_etape))
    resultat = Chiffres(
        actions=actions,
        valeurs=valeurs,
        public=public,
        emploi=_emploi(ctx, actions) if avec_emploi else None,
        outils_acteurs=[o.valeurs["description"] for o in outils if o.valeurs.get("pour") == "ACTEURS"],
        outils_beneficiaires=[o.valeurs["description"] for o in outils if o.valeurs.get("pour") == "BENEFICIAIRES"],
        themes_valeurs=set().union(*(set(a.donnees.get("themes_valeurs") or ()) for a in actions.values())) if actions else set(),
        themes_autres=[a.donnees["themes_autres"] for a in actions.values() if a.donnees.get("themes_autres")],
    )
    return resultat


@dataclass(frozen=True)
class Ligne:
    """One visible fact of an action, its values as the figures read them."""

    step_id: str
    action: str
    parcours_id: str | None
    type: str
    occurred_on: date
    position_etape: int
    valeurs: dict[str, Any]


COLONNES_LUES: dict[str, tuple[tuple[str, str], ...]] = {
    type_.value: tuple(lecture_actions.noms_des_colonnes(type_.value).items())
    for type_ in (TypeEtape.BENEFICIAIRE_INSCRIT, TypeEtape.BENEFICIAIRE_SORTI_ACTION)
}
"""Inscriptions and exits are read from their columns (`projections.lecture_actions.CHAMPS`), never from their
JSON; levels as ranks. Sessions (20,000 in a département) are summed by the database (`_heures_des_seances`), and
only French sessions' roll calls are read (`_presence_francais`)."""
SEANCES_ET_LUES = (*COLONNES_LUES, TypeEtape.SEANCE_TENUE.value)


def _lignes(ctx: LectureDuCliche, actions: list[str], au: date) -> dict[str, list[Ligne]]:
    f = t.fait_action
    conditions = [f.c.action.in_(actions), ctx.cliche.visible(f), f.c.occurred_on <= au]
    entete = (f.c.step_id, f.c.action, f.c.parcours_id, f.c.type, f.c.occurred_on, f.c.position_etape)
    par_type: dict[str, list[Ligne]] = defaultdict(list)
    for type_, lues in COLONNES_LUES.items():
        colonnes = [f.c[colonne] for _, colonne in lues]
        noms = [nom for nom, _ in lues]
        lignes = par_type[type_]
        for ligne in ctx.connexion.execute(sa.select(*entete, *colonnes).where(f.c.type == type_, *conditions)):
            lignes.append(Ligne(*ligne[:6], dict(zip(noms, ligne[6:]))))
    for ligne in ctx.connexion.execute(sa.select(*entete, f.c.valeurs).where(f.c.type.not_in(list(SEANCES_ET_LUES)), *conditions)):
        par_type[ligne.type].append(Ligne(*ligne[:6], dict(ligne.valeurs)))
    return par_type


def _heures_des_seances(ctx: LectureDuCliche, actions: list[str], du: date, au: date) -> list[Any]:
    """Per thematic and public, Σ `duree_h` and Σ `acteurs_nouveaux` of the sessions dated in the period."""
    f = t.fait_action
    return ctx.connexion.execute(
        sa.select(f.c.code, f.c.code2, sa.func.sum(f.c.nombre), sa.func.sum(f.c.nombre2))
        .where(f.c.type == TypeEtape.SEANCE_TENUE.value, f.c.action.in_(actions), ctx.cliche.visible(f),
               f.c.occurred_on.between(du, au))
        .group_by(f.c.code, f.c.code2)
    ).all()


def _presence_francais(ctx: LectureDuCliche, actions: list[str], au: date) -> dict[tuple[str, str], float]:
    """Σ `duree_h` of the FRANCAIS sessions (all years, up to the end of the period) each person attended, per action."""
    f = t.fait_action
    presence: dict[tuple[str, str], float] = defaultdict(float)
    for action, duree, presents in ctx.connexion.execute(
        sa.select(f.c.action, f.c.nombre, f.c.presents)
        .where(f.c.type == TypeEtape.SEANCE_TENUE.value, f.c.code == "FRANCAIS", f.c.action.in_(actions),
               ctx.cliche.visible(f), f.c.occurred_on <= au)
    ):
        for parcours_id in (presents or "").split(",") if presents else ():
            presence[(parcours_id, action)] += duree
    return presence


PAQUET = 5000
"""Pathway ids per `IN (…)` list: well under SQLite's and PostgreSQL's bound-parameter limits."""


def _par_paquets(ids: list[str]) -> Any:
    for debut in range(0, len(ids), PAQUET):
        yield ids[debut:debut + PAQUET]


def _personnes_inscrites(ctx: LectureDuCliche, ids: list[str]) -> dict[str, AttributsDePersonne]:
    """Sex, birth date, household and protection of the people inscribed in these actions (no one else is read).

    The ids are given as lists, not as a subquery: the plan does not then depend on the tables' statistics
    (a sub-select on freshly loaded tables made PostgreSQL take 20 s instead of 0.2 s)."""
    if (lues := ctx.deja_lues(ids)) is not None:
        return lues  # a dashboard's context has read everyone, on the same snapshot: 1.7 s of 12 at 100,000 people
    f = t.fait
    identite, protection = champs(f, TypeEtape.PERSONNE_ENREGISTREE), champs(f, TypeEtape.PROTECTION_ACCORDEE)
    protegees: dict[str, date] = {}
    personnes: dict[str, AttributsDePersonne] = {}
    for paquet in _par_paquets(ids):
        for parcours_id, depuis in ctx.connexion.execute(
            sa.select(f.c.parcours_id, sa.func.min(protection.decision_date))
            .where(f.c.type == TypeEtape.PROTECTION_ACCORDEE.value, ctx.cliche.visible(f), f.c.parcours_id.in_(paquet))
            .group_by(f.c.parcours_id)
        ):
            protegees[parcours_id] = depuis
        for parcours_id, sexe, naissance, departement, menage in ctx.connexion.execute(
            sa.select(f.c.parcours_id, identite.sexe, identite.date_naissance, identite.departement, identite.menage)
            .where(f.c.type == TypeEtape.PERSONNE_ENREGISTREE.value, ctx.cliche.visible(f), f.c.parcours_id.in_(paquet))
        ):
            personnes[parcours_id] = AttributsDePersonne(parcours_id, sexe, naissance, departement, menage, protegees.get(parcours_id))
    return personnes


def _somme_facultative(valeurs: Any) -> int | None:
    connues = [int(v) for v in valeurs if v is not None]
    return sum(connues) if connues else None


def _menages_logement_perenne(ctx: LectureDuCliche, inscriptions: dict[tuple[str, str], Any], personnes: dict[str, AttributsDePersonne],
                              du: date, au: date) -> int:
    """3.4 — distinct households of beneficiaries with a durable situation in the period, on or after their
    inscription, whose previous situation (recorded before, else `situation_logement_debut`) was not durable."""
    if not inscriptions:
        return 0
    debut: dict[str, tuple[date, str | None]] = {}
    for (parcours_id, _action), inscription in inscriptions.items():
        candidat = (inscription.occurred_on, inscription.valeurs.get("situation_logement_debut"))
        if parcours_id not in debut or candidat[0] < debut[parcours_id][0]:
            debut[parcours_id] = candidat
    s = t.fait
    par_personne: dict[str, list[tuple[date, int, str]]] = defaultdict(list)
    lues = situations_de_logement_deja_lues(ctx, au)
    if lues is not None:  # the dashboard and the report read every situation up to `au`: the beneficiaries' are there
        for parcours_id, jour, pos, situation, _operateur in lues:
            if parcours_id in debut:
                par_personne[parcours_id].append((jour, pos, situation))
    else:
        for paquet in _par_paquets(sorted(debut)):
            for parcours_id, jour, pos, situation in ctx.connexion.execute(
                sa.select(s.c.parcours_id, s.c.occurred_on, s.c.pos_debut, champs(s, TypeEtape.SITUATION_LOGEMENT).situation).where(
                    s.c.type == TypeEtape.SITUATION_LOGEMENT.value, ctx.cliche.visible(s), s.c.occurred_on <= au,
                    s.c.parcours_id.in_(paquet))
            ):
                par_personne[parcours_id].append((jour, pos, situation))
    menages: set[str] = set()
    for parcours_id, (inscrit_le, situation_debut) in debut.items():
        precedente = situation_debut
        for jour, _pos, situation in sorted(par_personne.get(parcours_id, [])):
            if du <= jour <= au and jour >= inscrit_le and situation in PERENNES and precedente is not None \
                    and precedente not in PERENNES:
                personne = personnes[parcours_id]
                menages.add(f"menage:{personne.menage}" if personne.menage else f"personne:{parcours_id}")
                break
            precedente = situation
    return len(menages)


def _emploi(ctx: LectureDuCliche, actions: dict[str, Declaration]) -> dict[str, Any]:
    """3.2 — the §5 `accompagnement_emploi` figures of the actions' ACTION_BOP104 episodes."""
    demande = replace(ctx.demande, departement=None, departements=(), operateur=None, public=None, programme="bop104",
                      actions=tuple(sorted(actions)) or ("",))
    return accompagnement_emploi(ctx.pour(demande))


def indicateurs_actions(ctx: LectureDuCliche) -> dict[str, Any]:
    """The `actions` key of `parcours indicators`: national, or narrowed by `--action`, `--operateur`, `--departement`."""
    d = ctx.demande
    perimetre = Perimetre(action=d.action, operateur=d.operateur, departement=d.departement)
    return chiffres(ctx, perimetre).indicateurs()

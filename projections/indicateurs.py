"""The evaluation indicators of CONTRACT §5 and §9, computed from the `fait` read model as of any log position.

`projections.document.calculer(engine, Demande(...))` assembles these families into the JSON document of `parcours indicators`. SQL selects the
units of each indicator (entries, exits, trainings, housing changes, signatures) among the fact
versions visible at the requested position and recording date; the counting rules below, one
function per indicator family, each quoting the contract's definition. Must not import flask or `web`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa

from parcours.dates import FUSEAU, JOURS_PAR_MOIS, add_months, age_revolu, contrat_durable, emploi_durable_strict
from parcours.regles import DUREE_MAX_AGIR_MOIS, contrat_durable_actif, formation_durable_active
from parcours.vocabulaire import (
    CONTRATS_A_DUREE_DETERMINEE,
    CONTRATS_TOUJOURS_DURABLES,
    LOGEMENTS_PERENNES,
    OPERATEURS_SPE,
    SORTIES_EMPLOI,
    SORTIES_EMPLOI_DURABLE,
    SORTIES_FORMATION,
    SORTIES_NEUTRES,
    SORTIES_POSITIVES,
    Frein,
    MotifFinFormation,
    MotifRefusAgir,
    MotifSejour,
    MotifSortieAgir,
    NiveauLangue,
    Programme,
    TypeContrat,
    TypeEtape,
    TypeFormationLinguistique,
    TypeFormationPro,
    VoletAgir,
)
from projections import tables as t
from projections.faits import champs, freins_du_masque
from projections.lecture import ProjectionLecture

PUBLICS = ("bpi", "non_bpi", "femmes", "hommes", "moins_de_25_ans", "moins_de_26_ans")
LIBELLES_PUBLICS = {"bpi": "Bénéficiaires d'une protection internationale (BPI)", "non_bpi": "Non-BPI", "femmes": "Femmes",
                    "hommes": "Hommes", "moins_de_25_ans": "Moins de 25 ans", "moins_de_26_ans": "Moins de 26 ans"}
"""`--public` (the code, in JSON and CSV) and its French name (pages, spreadsheets)."""
assert set(LIBELLES_PUBLICS) == set(PUBLICS)
POSITIVES = {c.value for c in SORTIES_POSITIVES}
DURABLES = {c.value for c in SORTIES_EMPLOI_DURABLE}
FORMATIONS = {c.value for c in SORTIES_FORMATION}
NEUTRES = {c.value for c in SORTIES_NEUTRES}
EMPLOIS = {c.value for c in SORTIES_EMPLOI}
DUREE_DETERMINEE = {c.value for c in CONTRATS_A_DUREE_DETERMINEE}
TOUJOURS_DURABLES = {c.value for c in CONTRATS_TOUJOURS_DURABLES}
EMPLOI_DURABLE_6M_PLUS = "EMPLOI_DURABLE_6M_PLUS"
PERENNES = {s.value for s in LOGEMENTS_PERENNES}
RANG_A1 = NiveauLangue.A1.rang
RANG_B1_ET_PLUS = NiveauLangue.B1_ET_PLUS.rang
SEUIL_ASSIDUITE = Decimal("0.8")
PROGRAMMES: dict[str, tuple[str, frozenset[str]]] = {
    "spe": ("Accompagnement par le service public de l'emploi",
            frozenset({Programme.ACCOMPAGNEMENT_FT.value, Programme.CEJ.value, Programme.PACEA.value})),
    "agir": ("AGIR", frozenset({Programme.AGIR_EMPLOI.value})),
    "bop104": ("Action BOP 104", frozenset({Programme.ACTION_BOP104.value})),
}
"""`--programme`: the `programme` values of `accompagnement_emploi_debute` (CONTRACT §3) that make each one.

SPE support is France Travail's accompaniment and the Missions locales' CEJ and PACEA; AGIR also
enters by `agir_entree` (its employment strand is `AGIR_EMPLOI`); a BOP 104 action is `ACTION_BOP104`.
MENTORAT and AUTRE belong to none of the three.
"""


class DemandeInvalideError(ValueError):
    """The request cannot be answered as asked (bad period, unknown public…); the message is French."""


@dataclass(frozen=True)
class Demande:
    """What a report is asked: the period, the snapshot (`vu_au`, `position`) and the filters.

    `departement` / `departements` filter on the person's département (several: their union);
    `programme` (one of `PROGRAMMES`) keeps the entries and employment-support episodes of that
    programme and, in the other families, the units of persons who had entered it on or before the
    unit's date (a CIR signed before entering AGIR does not count under `agir`).
    """

    du: date
    au: date
    vu_au: date | None = None
    position: int | None = None
    departement: str | None = None
    operateur: str | None = None
    public: str | None = None
    programme: str | None = None
    departements: tuple[str, ...] = ()
    """Several départements (the union); `departement` alone is the one-element case."""
    action: str | None = None
    """`--action`: the `actions` key narrowed to that funded action (CONTRACT §8)."""
    actions: tuple[str, ...] = ()
    """Employment episodes only of these funded actions (their entry names one): the annex's 3.2."""

    def __post_init__(self) -> None:
        if self.au < self.du:
            raise DemandeInvalideError("--au précède --du.")
        if self.public is not None and self.public not in PUBLICS:
            raise DemandeInvalideError(f"public inconnu « {self.public} » : choisir parmi {', '.join(PUBLICS)}.")
        if self.programme is not None and self.programme not in PROGRAMMES:
            raise DemandeInvalideError(f"programme inconnu « {self.programme} » : choisir parmi {', '.join(PROGRAMMES)}.")
        codes = tuple(dict.fromkeys([*([self.departement] if self.departement else []), *self.departements]))
        object.__setattr__(self, "departements", codes)
        object.__setattr__(self, "departement", codes[0] if len(codes) == 1 else None)

    @property
    def filtres(self) -> dict[str, Any]:
        """The `filtres` of the document: the three keys of always, `programme` only when one is asked,
        `departement` a list when several are."""
        filtres: dict[str, Any] = {
            "departement": list(self.departements) if len(self.departements) > 1 else self.departement,
            "operateur": self.operateur,
            "public": self.public,
        }
        if self.programme is not None:
            filtres["programme"] = self.programme
        if self.action is not None:
            filtres["action"] = self.action
        return filtres

    @property
    def codes_programme(self) -> frozenset[str]:
        """The `accompagnement_emploi_debute.programme` values of the requested programme (all when none)."""
        return PROGRAMMES[self.programme][1] if self.programme else frozenset(p.value for p in Programme)


@dataclass(frozen=True)
class Cliche:
    """What the report sees: versions opened, and not yet closed, by events up to `position` and `instant`."""

    position: int
    instant: datetime | None

    def visible(self, f: Any) -> sa.ColumnElement[bool]:
        ouverte = f.c.pos_debut <= self.position
        fermee = sa.and_(f.c.pos_fin.is_not(None), f.c.pos_fin <= self.position)
        if self.instant is not None:
            ouverte = sa.and_(ouverte, f.c.rec_debut <= self.instant)
            fermee = sa.and_(fermee, f.c.rec_fin <= self.instant)
        return sa.and_(ouverte, sa.not_(fermee))


@dataclass
class AttributsDePersonne:
    """What the indicators know of a person: sex, birth date, département, household, protection."""

    parcours_id: str
    sexe: str | None
    naissance: date | None
    departement: str | None
    menage: str | None
    protegee_depuis: date | None

    def age(self, jour: date) -> int | None:
        return age_revolu(self.naissance, jour) if self.naissance else None

    def bpi(self, jour: date) -> bool:
        """BPI at `jour`: a protection (refugee, subsidiary, stateless) decided on or before it."""
        return self.protegee_depuis is not None and self.protegee_depuis <= jour

    def du_public(self, public: str | None, jour: date) -> bool:
        if public is None:
            return True
        age = self.age(jour)
        return {
            "bpi": lambda: self.bpi(jour),
            "non_bpi": lambda: not self.bpi(jour),
            "femmes": lambda: self.sexe == "F",
            "hommes": lambda: self.sexe == "M",
            "moins_de_25_ans": lambda: age is not None and age < 25,
            "moins_de_26_ans": lambda: age is not None and age < 26,
        }[public]()


def arrondi(valeur: float | None, decimales: int) -> float | None:
    if valeur is None:
        return None
    return float(Decimal(repr(valeur)).quantize(Decimal(1).scaleb(-decimales), rounding=ROUND_HALF_UP))


def taux(numerateur: int, denominateur: int, decimales: int = 3) -> float | None:
    return arrondi(numerateur / denominateur, decimales) if denominateur else None


def fin_de_journee(jour: date) -> datetime:
    """The last instant of `jour` in Paris, in UTC."""
    return datetime.combine(jour + timedelta(days=1), time(0), FUSEAU).astimezone(timezone.utc) - timedelta(microseconds=1)


# The request's snapshot and population -----------------------------------------------------------------


@dataclass
class LectureDuCliche:
    """One request read on one snapshot: the connection, the request, the snapshot, and what was loaded for them."""

    connexion: sa.Connection
    demande: Demande
    cliche: Cliche
    _personnes: dict[str, AttributsDePersonne] | None = None
    _entrees_programme: dict[str, date] | None = None
    _lectures: dict[Any, Any] = field(default_factory=dict)

    @property
    def personnes(self) -> dict[str, AttributsDePersonne]:
        """The attributes of everyone in the requested départements (perhaps of more: a context for some of the
        départements of another shares its persons, so go through `retenue`), loaded on first need (a count
        without filters needs none)."""
        if self._personnes is None:
            self._personnes = _charger_personnes(self)
        return self._personnes

    def deja_lues(self, parcours_ids: Iterable[str]) -> dict[str, AttributsDePersonne] | None:
        """These people's attributes when this context already loaded everyone's (no département requested), else
        None: the caller then reads just these people, wherever they live."""
        if self._personnes is None or self.demande.departements:
            return None
        return {parcours_id: self._personnes[parcours_id] for parcours_id in parcours_ids if parcours_id in self._personnes}

    def pour(self, demande: Demande) -> LectureDuCliche:
        """The same snapshot for another request (a sub-period, another programme…), sharing what was
        loaded when it still applies: the persons for the same départements or some of them, the entries for
        the same programme, and the rows read through `lire`."""
        charges = set(self.demande.departements)
        personnes = self._personnes if not charges or (demande.departements and set(demande.departements) <= charges) else None
        entrees = self._entrees_programme if demande.programme == self.demande.programme else None
        return LectureDuCliche(self.connexion, demande, self.cliche, personnes, entrees, self._lectures)

    def lire(self, cle: tuple[Any, ...], requete: Any) -> list[Any]:
        """The rows of `requete`, read once per snapshot: `cle` must name everything the statement depends on
        besides the snapshot (a family computed for several départements reads its facts once)."""
        if cle not in self._lectures:
            self._lectures[cle] = self.connexion.execute(requete).all()
        return self._lectures[cle]

    def deja_lu(self, cle: tuple[Any, ...]) -> list[Any] | None:
        """The rows `lire` read under `cle` in this snapshot, or None when nothing was read under it yet."""
        return self._lectures.get(cle)

    def faits(self, *types: TypeEtape, alias: str | None = None) -> Any:
        """The visible fact versions of these types, as a subquery: the generic columns and, under their fields'
        names, the columns `projections.faits.CHAMPS` gives these types (`contrats.c.date_debut`)."""
        f = t.fait.alias(alias) if alias else t.fait
        return (
            sa.select(f, *champs(f, *types).toutes())
            .where(f.c.type.in_([ty.value for ty in types]), self.cliche.visible(f))
            .subquery(alias or "_".join(ty.value for ty in types)[:60])
        )

    def vue(self, *types: TypeEtape, alias: str) -> tuple[Any, sa.ColumnElement[bool]]:
        """An alias of `fait` and the condition selecting its visible versions of these types.

        Joins go on aliases (not subqueries) so the database can use the step_id and lien indexes.
        """
        f = t.fait.alias(alias)
        return f, sa.and_(f.c.type.in_([ty.value for ty in types]), self.cliche.visible(f))

    def personne(self, parcours_id: str) -> AttributsDePersonne | None:
        return self.personnes.get(parcours_id)

    def retenue(self, parcours_id: str, jour: date) -> AttributsDePersonne | None:
        """The person if they belong to the requested départements, public and programme on `jour`."""
        personne = self.personnes.get(parcours_id)
        if personne is None:
            return None
        if self.demande.departements and personne.departement not in self.demande.departements:
            return None
        if not self.dans_le_programme(parcours_id, jour):
            return None
        return personne if personne.du_public(self.demande.public, jour) else None

    def retenu(self, parcours_id: str, jour: date) -> bool:
        """Whether a unit of this person counts: always without département, public or programme filter."""
        if not self.demande.departements and not self.demande.public and not self.demande.programme:
            return True
        return self.retenue(parcours_id, jour) is not None

    def dans_le_programme(self, parcours_id: str, jour: date) -> bool:
        """With `programme`, a unit counts only for a person who had entered that programme on or before its date."""
        if self.demande.programme is None:
            return True
        if self._entrees_programme is None:
            self._entrees_programme = _premieres_entrees_programme(self)
        entree = self._entrees_programme.get(parcours_id)
        return entree is not None and entree <= jour

    def entree_du_programme(self, table: Any) -> sa.ColumnElement[bool]:
        """The condition on a `fait` alias of entries that keeps those of the requested programme."""
        if self.demande.programme is None:
            return sa.true()
        condition = sa.and_(table.c.type == TypeEtape.ACCOMPAGNEMENT_EMPLOI_DEBUTE.value,
                            champs(table, TypeEtape.ACCOMPAGNEMENT_EMPLOI_DEBUTE).programme.in_(sorted(self.demande.codes_programme)))
        if self.demande.programme == "agir":
            condition = sa.or_(condition, table.c.type == TypeEtape.AGIR_ENTREE.value)
        return condition

    def de_l_operateur(self, *operateurs: str | None) -> bool:
        return self.demande.operateur is None or self.demande.operateur in operateurs


def _premieres_entrees_programme(ctx: LectureDuCliche) -> dict[str, date]:
    entrees = ctx.faits(TypeEtape.ACCOMPAGNEMENT_EMPLOI_DEBUTE, TypeEtape.AGIR_ENTREE, alias="entree_programme")
    requete = (
        sa.select(entrees.c.parcours_id, sa.func.min(entrees.c.occurred_on))
        .where(ctx.entree_du_programme(entrees))
        .group_by(entrees.c.parcours_id)
    )
    return {parcours_id: jour for parcours_id, jour in ctx.connexion.execute(requete)}


def _charger_personnes(ctx: LectureDuCliche) -> dict[str, AttributsDePersonne]:
    identites = ctx.faits(TypeEtape.PERSONNE_ENREGISTREE)
    protections = ctx.faits(TypeEtape.PROTECTION_ACCORDEE)
    premiere_protection = (
        sa.select(protections.c.parcours_id, sa.func.min(protections.c.decision_date).label("depuis"))
        .group_by(protections.c.parcours_id)
        .subquery("premiere_protection")
    )
    requete = sa.select(
        identites.c.parcours_id,
        identites.c.sexe,
        identites.c.date_naissance,
        identites.c.departement,
        identites.c.menage,
        premiere_protection.c.depuis,
    ).select_from(identites.outerjoin(premiere_protection, premiere_protection.c.parcours_id == identites.c.parcours_id))
    if ctx.demande.departements:
        requete = requete.where(identites.c.departement.in_(ctx.demande.departements))
    return {
        parcours_id: AttributsDePersonne(parcours_id, sexe, naissance, departement, menage, depuis)
        for parcours_id, sexe, naissance, departement, menage, depuis in ctx.connexion.execute(requete)
    }


# Indicator families ----------------------------------------------------------------------------------------


def public_cible(ctx: LectureDuCliche) -> dict[str, Any]:
    """Distinct persons with an entry (`accompagnement_emploi_debute`, `agir_entree` or `cir_signe`) on a
    date in the period. Age in completed years and BPI status (`protection_accordee` on or before the
    date) are taken at the person's first entry in the period. APATRIDE counts as BPI."""
    d = ctx.demande
    entrees = ctx.faits(TypeEtape.ACCOMPAGNEMENT_EMPLOI_DEBUTE, TypeEtape.AGIR_ENTREE, TypeEtape.CIR_SIGNE)
    premiere: dict[str, date] = {}
    for parcours_id, jour, operateur in ctx.connexion.execute(
        sa.select(entrees.c.parcours_id, entrees.c.occurred_on, entrees.c.operateur).where(
            entrees.c.occurred_on.between(d.du, d.au), ctx.entree_du_programme(entrees)
        )
    ):
        if ctx.de_l_operateur(operateur) and (parcours_id not in premiere or jour < premiere[parcours_id]):
            premiere[parcours_id] = jour
    compte: dict[str, int] = defaultdict(int)
    for parcours_id, jour in premiere.items():
        personne = ctx.retenue(parcours_id, jour)
        if personne is None:
            continue
        age, bpi = personne.age(jour), personne.bpi(jour)
        moins_de_25 = age is not None and age < 25
        compte["total"] += 1
        compte["hommes"] += personne.sexe == "M"
        compte["femmes"] += personne.sexe == "F"
        compte["moins_de_25_ans"] += moins_de_25
        compte["moins_de_26_ans"] += age is not None and age < 26
        compte["bpi"] += bpi
        compte["bpi_hommes"] += bpi and personne.sexe == "M"
        compte["bpi_femmes"] += bpi and personne.sexe == "F"
        compte["bpi_moins_de_25_ans"] += bpi and moins_de_25
    cles = ("total", "hommes", "femmes", "moins_de_25_ans", "moins_de_26_ans", "bpi", "bpi_hommes", "bpi_femmes", "bpi_moins_de_25_ans")
    resultat: dict[str, Any] = {cle: compte[cle] for cle in cles}
    resultat["part_non_bpi"] = taux(compte["total"] - compte["bpi"], compte["total"])
    return resultat


def _contrats_des_personnes(ctx: LectureDuCliche, parcours_ids: set[str]) -> dict[str, list[Any]]:
    """The visible `contrat_travail_debute` facts of these persons."""
    contrats = ctx.faits(TypeEtape.CONTRAT_TRAVAIL_DEBUTE, alias="contrat")
    par_personne: dict[str, list[Any]] = defaultdict(list)
    personnes = sorted(parcours_ids)
    for debut in range(0, len(personnes), 500):
        for contrat in ctx.connexion.execute(
            sa.select(contrats.c.parcours_id, contrats.c.occurred_on, contrats.c.type_contrat, contrats.c.date_debut,
                      contrats.c.date_fin_prevue)
            .where(contrats.c.parcours_id.in_(personnes[debut:debut + 500]))
        ):
            par_personne[contrat.parcours_id].append(contrat)
    return par_personne


def _contrats_de_l_episode(par_personne: dict[str, list[Any]], parcours_id: str, entree: date, sortie: date) -> list[Any]:
    """The contracts recorded in an episode: dated from its entry to its exit (as `parcours.regles.contrats_de_l_episode`)."""
    return [c for c in par_personne.get(parcours_id, []) if entree <= c.occurred_on <= sortie]


def _un_contrat_de_plus_de_six_mois(contrats: list[Any]) -> bool:
    return any(c.type_contrat in TOUJOURS_DURABLES or (c.type_contrat in DUREE_DETERMINEE and c.date_debut
                                                        and contrat_durable(c.date_debut, c.date_fin_prevue, strict=True))
               for c in contrats)


def categories_au_seuil(ctx: LectureDuCliche, sorties: list[tuple[str, date | None, date, str]]) -> list[str]:
    """The category each exit (person, entry, exit, category) counts under at the « emploi durable » threshold
    in force: under `PARCOURS_EMPLOI_DURABLE_STRICT=1`, an EMPLOI_DURABLE_6M_PLUS exit that no contract of its
    episode shows lasting more than six months counts as EMPLOI_MOINS_6M (a job, not a lasting one), in the
    dashboard's charts and the statistics export as in `accompagnement_emploi.dont_emploi_durable`."""
    if not emploi_durable_strict():
        return [categorie for *_, categorie in sorties]
    a_verifier = {p for p, entree, _, categorie in sorties if categorie == EMPLOI_DURABLE_6M_PLUS and entree is not None}
    par_personne = _contrats_des_personnes(ctx, a_verifier) if a_verifier else {}
    return [
        "EMPLOI_MOINS_6M" if categorie == EMPLOI_DURABLE_6M_PLUS and entree is not None
        and not _un_contrat_de_plus_de_six_mois(_contrats_de_l_episode(par_personne, p, entree, sortie)) else categorie
        for p, entree, sortie, categorie in sorties
    ]


def accompagnement_emploi(ctx: LectureDuCliche) -> dict[str, Any]:
    """Episodes whose exit date is in the period: `sorties`, `sorties_neutres`, `duree_moyenne_mois`
    (mean of exit − entry in days, divided by 30.4375, one decimal, neutral exits excluded),
    `sorties_positives`, `dont_emploi_durable`, `dont_formation`, `taux_sortie_positive` (positives /
    non-neutral exits, 3 decimals), and `suivi_6_mois`: `cohorte` (non-neutral exits whose due date
    falls in the period), `renseignes` (respondents), `positifs`, `taux_positif` (positifs / cohorte:
    non-respondents count as not positive), `taux_reponse`. CONTRACT §10 adds the data-quality figure
    `sorties_emploi_sans_contrat` (EMPLOI_* exits with no contract recorded in the episode); the document's
    `seuil_emploi_durable` states the threshold of « emploi durable » used (`PARCOURS_EMPLOI_DURABLE_STRICT`)."""
    d = ctx.demande
    sorties, sorties_visibles = ctx.vue(TypeEtape.SORTIE_ACCOMPAGNEMENT, alias="sortie")
    entrees, entrees_visibles = ctx.vue(TypeEtape.ACCOMPAGNEMENT_EMPLOI_DEBUTE, alias="entree")
    suivis, suivis_visibles = ctx.vue(TypeEtape.SUIVI_SIX_MOIS, alias="suivi")
    sortie = champs(sorties, TypeEtape.SORTIE_ACCOMPAGNEMENT)
    episodes = sorties.join(entrees, sa.and_(entrees.c.step_id == sortie.entree, entrees_visibles)).outerjoin(
        suivis, sa.and_(champs(suivis, TypeEtape.SUIVI_SIX_MOIS).sortie == sorties.c.step_id, suivis_visibles)
    )
    # Exits up to 6 months (+ a margin) before the period can fall due in it.
    conditions = [sorties_visibles, sorties.c.occurred_on.between(add_months(d.du, -7), d.au)]
    if d.operateur is not None:
        conditions.append(sorties.c.operateur == d.operateur)
    if d.programme is not None:
        conditions.append(champs(entrees, TypeEtape.ACCOMPAGNEMENT_EMPLOI_DEBUTE).programme.in_(sorted(d.codes_programme)))
    if d.actions:
        fa = t.fait_action
        conditions.append(entrees.c.step_id.in_(
            sa.select(fa.c.step_id).where(fa.c.action.in_(d.actions), fa.c.type == TypeEtape.ACCOMPAGNEMENT_EMPLOI_DEBUTE.value)
        ))
    # The programme is a condition on the episode's own entry, which the SQL aggregate applies itself.
    if not d.departements and not d.public:
        c = _compter_les_sorties_en_sql(ctx, sorties, entrees, suivis, episodes, conditions)
    else:
        c = defaultdict(int)
        suivi = champs(suivis, TypeEtape.SUIVI_SIX_MOIS)
        requete = sa.select(
            sorties.c.parcours_id, sorties.c.occurred_on, sortie.categorie, entrees.c.occurred_on,
            suivi.repondant, suivi.categorie.label("situation"),
        ).select_from(episodes).where(*conditions)
        for parcours_id, sortie_le, categorie, entree_le, repondant, situation in ctx.connexion.execute(requete):
            if not ctx.retenu(parcours_id, entree_le):
                continue
            neutre = categorie in NEUTRES
            if d.du <= sortie_le <= d.au:
                c["sorties"] += 1
                if neutre:
                    c["sorties_neutres"] += 1
                else:
                    c["jours"] += (sortie_le - entree_le).days
                    c["positives"] += categorie in POSITIVES
                    c["durable"] += categorie in DURABLES
                    c["formation"] += categorie in FORMATIONS
            if not neutre and d.du <= add_months(sortie_le, 6) <= d.au:
                c["cohorte"] += 1
                c["renseignes"] += bool(repondant)
                c["positifs"] += bool(repondant) and situation in POSITIVES
    sans_contrat, non_durables = _sorties_d_emploi_et_contrats(ctx, sorties, entrees, episodes, conditions)
    c["durable"] -= non_durables
    non_neutres = c["sorties"] - c["sorties_neutres"]
    return {
        "sorties": c["sorties"],
        "sorties_neutres": c["sorties_neutres"],
        "duree_moyenne_mois": arrondi(c["jours"] / non_neutres / JOURS_PAR_MOIS, 1) if non_neutres else None,
        "sorties_positives": c["positives"],
        "dont_emploi_durable": c["durable"],
        "dont_formation": c["formation"],
        "taux_sortie_positive": taux(c["positives"], non_neutres),
        "suivi_6_mois": {
            "cohorte": c["cohorte"],
            "renseignes": c["renseignes"],
            "positifs": c["positifs"],
            "taux_positif": taux(c["positifs"], c["cohorte"]),
            "taux_reponse": taux(c["renseignes"], c["cohorte"]),
        },
        "sorties_emploi_sans_contrat": sans_contrat,
    }


def _sorties_d_emploi_et_contrats(ctx: LectureDuCliche, sorties: Any, entrees: Any, episodes: Any, conditions: list[Any]) -> tuple[int, int]:
    """Two counts over the period's EMPLOI_* exits, read against the contracts recorded in their episode
    (a `contrat_travail_debute` of the person dated from the entry to the exit, as `parcours.regles`):
    the exits with none (« catégorie sans contrat », CONTRACT §10), and, under
    `PARCOURS_EMPLOI_DURABLE_STRICT=1`, the EMPLOI_DURABLE_6M_PLUS exits that no contract shows lasting
    more than six months, which the strict threshold does not count as lasting jobs."""
    d = ctx.demande
    sortie = champs(sorties, TypeEtape.SORTIE_ACCOMPAGNEMENT)
    lignes = [
        ligne
        for ligne in ctx.connexion.execute(
            sa.select(sorties.c.parcours_id, sortie.categorie, entrees.c.occurred_on.label("entree_le"),
                      sorties.c.occurred_on.label("sortie_le"))
            .select_from(episodes)
            .where(*conditions, sorties.c.occurred_on.between(d.du, d.au), sortie.categorie.in_(sorted(EMPLOIS)))
        )
        if ctx.retenu(ligne.parcours_id, ligne.entree_le)
    ]
    if not lignes:
        return 0, 0
    par_personne = _contrats_des_personnes(ctx, {ligne.parcours_id for ligne in lignes})
    strict = emploi_durable_strict()
    sans_contrat = non_durables = 0
    for ligne in lignes:
        du_parcours = _contrats_de_l_episode(par_personne, ligne.parcours_id, ligne.entree_le, ligne.sortie_le)
        sans_contrat += not du_parcours
        if strict and ligne.categorie == EMPLOI_DURABLE_6M_PLUS:
            non_durables += not _un_contrat_de_plus_de_six_mois(du_parcours)
    return sans_contrat, non_durables


def echeance_suivi_sql(jour: Any, dialecte: str) -> Any:
    """`add_months(jour, 6)` in SQL, month ends clamped (31 Aug → 28/29 Feb) like `parcours.dates`."""
    if dialecte == "sqlite":
        # SQLite's '+6 months' overflows into the next month; the target month's last day caps it.
        return sa.func.min(
            sa.func.date(jour, "+6 months"), sa.func.date(jour, "start of month", "+7 months", "-1 day"), type_=sa.Date
        )
    return sa.cast(jour + sa.text("interval '6 months'"), sa.Date)  # PostgreSQL clamps month ends itself


def _compter_les_sorties_en_sql(ctx: LectureDuCliche, sorties: Any, entrees: Any, suivis: Any, episodes: Any, conditions: list[Any]) -> dict[str, int]:
    """The same counts as the row-by-row path, as one aggregate (no person attribute is needed)."""
    d = ctx.demande
    dialecte = ctx.connexion.dialect.name
    categorie, suivi = champs(sorties, TypeEtape.SORTIE_ACCOMPAGNEMENT).categorie, champs(suivis, TypeEtape.SUIVI_SIX_MOIS)
    dans_periode = sorties.c.occurred_on.between(d.du, d.au)
    non_neutre = categorie.not_in(sorted(NEUTRES))
    cohorte = sa.and_(non_neutre, echeance_suivi_sql(sorties.c.occurred_on, dialecte).between(d.du, d.au))
    repond = suivi.repondant.is_(True)
    jours = (sa.func.julianday(sorties.c.occurred_on) - sa.func.julianday(entrees.c.occurred_on)) if dialecte == "sqlite" \
        else (sorties.c.occurred_on - entrees.c.occurred_on)

    def nombre(condition: Any) -> Any:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    colonnes = {
        "sorties": nombre(dans_periode),
        "sorties_neutres": nombre(sa.and_(dans_periode, sa.not_(non_neutre))),
        "positives": nombre(sa.and_(dans_periode, categorie.in_(sorted(POSITIVES)))),
        "durable": nombre(sa.and_(dans_periode, categorie.in_(sorted(DURABLES)))),
        "formation": nombre(sa.and_(dans_periode, categorie.in_(sorted(FORMATIONS)))),
        "jours": sa.func.coalesce(sa.func.sum(sa.case((sa.and_(dans_periode, non_neutre), jours), else_=0)), 0),
        "cohorte": nombre(cohorte),
        "renseignes": nombre(sa.and_(cohorte, repond)),
        "positifs": nombre(sa.and_(cohorte, repond, suivi.categorie.in_(sorted(POSITIVES)))),
    }
    ligne = ctx.connexion.execute(sa.select(*colonnes.values()).select_from(episodes).where(*conditions)).one()
    return {cle: int(valeur) for cle, valeur in zip(colonnes, ligne)}


def _niveau(oral: int | None, ecrit: int | None) -> int | None:
    """The lower of the two skills: a level is reached only when both reach it."""
    return None if oral is None or ecrit is None else min(oral, ecrit)


@dataclass(frozen=True)
class Evaluation:
    ordre: tuple[date, int]
    oral: int | None
    ecrit: int | None

    @property
    def niveau(self) -> int | None:
        return _niveau(self.oral, self.ecrit)


def langue(ctx: LectureDuCliche) -> dict[str, Any]:
    """Language trainings (`formation_linguistique_prescrite`) ended in the period:
    `formations_terminees`, `heures_realisees` (learner-hours: Σ over the trainings, never the annex's
    « heures de formation dispensées »), `assidus` (CONTRACT §10: Σ réalisées ≥ 0.8 × the prescription's
    `forfait_h`, the hours of the individual training plan, or ended with NIVEAU_CIBLE_ATTEINT_ANTICIPE), `evalues` (with a final or intermediate evaluation),
    `progression_un_niveau` (the lower of oral and écrit rose by at least one level from the positioning
    to the last evaluation; people whose lower positioned skill is B1_ET_PLUS are left out of `evalues` and
    of this count), `atteignant_a1` (CIR_OBLIGATOIRE trainings whose last evaluation has both skills at A1
    or above). "Positioning" is the person's latest `positionnement_linguistique` on or before the
    prescription. §9 adds `taux_atteignant_a1` (over CIR_OBLIGATOIRE trainings ended in the period)."""
    d = ctx.demande
    fins, fins_visibles = ctx.vue(TypeEtape.FORMATION_LINGUISTIQUE_TERMINEE, alias="fin")
    prescriptions, prescriptions_visibles = ctx.vue(TypeEtape.FORMATION_LINGUISTIQUE_PRESCRITE, alias="prescription")
    fin, prescription = champs(fins, TypeEtape.FORMATION_LINGUISTIQUE_TERMINEE), champs(prescriptions, TypeEtape.FORMATION_LINGUISTIQUE_PRESCRITE)
    terminees = {
        ligne.step_id: ligne
        for ligne in ctx.connexion.execute(
            sa.select(
                prescriptions.c.step_id,
                prescriptions.c.parcours_id,
                prescriptions.c.occurred_on,
                prescriptions.c.operateur,
                prescription.type_formation,
                prescription.forfait_h,
                fin.motif,
                fins.c.operateur.label("operateur_fin"),
            )
            .select_from(fins.join(prescriptions, sa.and_(prescriptions.c.step_id == fin.prescription, prescriptions_visibles)))
            .where(fins_visibles, fins.c.occurred_on.between(d.du, d.au))
        )
        if ctx.de_l_operateur(ligne.operateur, ligne.operateur_fin) and ctx.retenu(ligne.parcours_id, ligne.occurred_on)
    }
    heures: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    derniere_evaluation: dict[str, Evaluation] = {}
    if terminees:
        liees, liees_visibles = ctx.vue(TypeEtape.FORMATION_LINGUISTIQUE_HEURES, TypeEtape.EVALUATION_LINGUISTIQUE, alias="liee")
        heure, evaluation = champs(liees, TypeEtape.FORMATION_LINGUISTIQUE_HEURES), champs(liees, TypeEtape.EVALUATION_LINGUISTIQUE)
        for lien, type_, jour, pos, planifiees, realisees, oral, ecrit in ctx.connexion.execute(
            sa.select(
                heure.prescription, liees.c.type, liees.c.occurred_on, liees.c.pos_debut, heure.heures_planifiees,
                heure.heures_realisees, evaluation.niveau_oral, evaluation.niveau_ecrit,
            )
            .select_from(liees.join(fins, sa.and_(fin.prescription == heure.prescription, fins_visibles)))
            .where(liees_visibles, fins.c.occurred_on.between(d.du, d.au))
        ):
            if lien not in terminees:
                continue
            if type_ == TypeEtape.FORMATION_LINGUISTIQUE_HEURES.value:
                heures[lien][0] += _heures(planifiees)
                heures[lien][1] += _heures(realisees)
            elif lien not in derniere_evaluation or (jour, pos) > derniere_evaluation[lien].ordre:
                derniere_evaluation[lien] = Evaluation((jour, pos), oral, ecrit)
    positionnements = _positionnements(ctx, {f.parcours_id for f in terminees.values()})
    c: dict[str, int] = defaultdict(int)
    total_heures = Decimal(0)
    for step_id, formation in terminees.items():
        _, realisees = heures[step_id]
        total_heures += realisees
        c["terminees"] += 1
        anticipe = formation.motif == MotifFinFormation.NIVEAU_CIBLE_ATTEINT_ANTICIPE.value
        forfait = _heures(formation.forfait_h)
        c["assidus"] += anticipe or (forfait > 0 and realisees >= SEUIL_ASSIDUITE * forfait)
        initial = _positionnement_avant(positionnements.get(formation.parcours_id, []), formation.occurred_on)
        c["obligatoires"] += formation.type_formation == TypeFormationLinguistique.CIR_OBLIGATOIRE.value
        evaluation = derniere_evaluation.get(step_id)
        if evaluation is not None:
            final = evaluation.niveau
            if formation.type_formation == TypeFormationLinguistique.CIR_OBLIGATOIRE.value:
                c["a1"] += final is not None and final >= RANG_A1
            if initial is not None and initial >= RANG_B1_ET_PLUS:
                continue
            c["evalues"] += 1
            c["progression"] += initial is not None and final is not None and final - initial >= 1
    return {
        "formations_terminees": c["terminees"],
        "heures_realisees": arrondi(float(total_heures), 1) if total_heures % 1 else int(total_heures),
        "assidus": c["assidus"],
        "evalues": c["evalues"],
        "progression_un_niveau": c["progression"],
        "atteignant_a1": c["a1"],
        "taux_atteignant_a1": taux(c["a1"], c["obligatoires"]),
    }


def _heures(valeur: float | None) -> Decimal:
    """Hours as they were typed (20.4, not 20.399999…), so that "Σ réalisées ≥ 0.8 × forfait" holds
    exactly at 0.8: 120 + 120 + 80 h done of a 400 h forfait is assidu, which binary floating point could miss."""
    return Decimal(repr(valeur)) if valeur is not None else Decimal(0)


def _positionnements(ctx: LectureDuCliche, parcours_ids: set[str]) -> dict[str, list[tuple[date, int, int | None]]]:
    if not parcours_ids:
        return {}
    p = ctx.faits(TypeEtape.POSITIONNEMENT_LINGUISTIQUE)
    trouves: dict[str, list[tuple[date, int, int | None]]] = defaultdict(list)
    for parcours_id, jour, pos, oral, ecrit in ctx.connexion.execute(
        sa.select(p.c.parcours_id, p.c.occurred_on, p.c.pos_debut, p.c.niveau_oral, p.c.niveau_ecrit)
    ):
        if parcours_id in parcours_ids:
            trouves[parcours_id].append((jour, pos, _niveau(oral, ecrit)))
    return trouves


def _positionnement_avant(positionnements: list[tuple[date, int, int | None]], jour: date) -> int | None:
    avant = [p for p in positionnements if p[0] <= jour]
    return max(avant)[2] if avant else None


def logement(ctx: LectureDuCliche) -> dict[str, Any]:
    """`menages_logement_perenne`: distinct households (a person without `menage` is a household alone)
    with a `situation_logement` durable dated in the period, whose previous recorded situation (of that
    person) exists and was not durable. A first-ever recorded situation is never an access."""
    d = ctx.demande
    par_personne: dict[str, list[tuple[date, int, str, str]]] = defaultdict(list)
    for parcours_id, jour, pos, situation, operateur in situations_de_logement(ctx, d.au):
        par_personne[parcours_id].append((jour, pos, situation, operateur))
    menages: set[str] = set()
    for parcours_id, situations in par_personne.items():
        situations.sort()
        for precedente, courante in zip(situations, situations[1:]):
            jour, _, situation, operateur = courante
            if (
                d.du <= jour <= d.au
                and situation in PERENNES
                and precedente[2] not in PERENNES
                and ctx.de_l_operateur(operateur)
            ):
                personne = ctx.retenue(parcours_id, jour)
                if personne is not None:
                    menages.add(f"menage:{personne.menage}" if personne.menage else f"personne:{parcours_id}")
    return {"menages_logement_perenne": len(menages)}


def situations_de_logement(ctx: LectureDuCliche, au: date) -> list[Any]:
    """(pathway, day, position, situation, operator) of every `situation_logement` dated on or before `au`, read once
    per snapshot."""
    s = ctx.faits(TypeEtape.SITUATION_LOGEMENT)
    return ctx.lire(_cle_des_situations(au),
                    sa.select(s.c.parcours_id, s.c.occurred_on, s.c.pos_debut, s.c.situation, s.c.operateur).where(s.c.occurred_on <= au))


def situations_de_logement_deja_lues(ctx: LectureDuCliche, au: date) -> list[Any] | None:
    """`situations_de_logement` when this snapshot has already read them (`logement` did), else None: the funded
    actions' households then read just their beneficiaries' situations."""
    return ctx.deja_lu(_cle_des_situations(au))


def _cle_des_situations(au: date) -> tuple[str, date]:
    return ("situations_de_logement", au)


def cir(ctx: LectureDuCliche) -> dict[str, Any]:
    """`signataires` (cir_signe dated in the period) with `par_sexe` (F, M, X), `par_age` (moins_de_26,
    26_plus, age at signature), `par_statut` (BPI if protected on or before signature, else FAMILIAL,
    ECONOMIQUE or AUTRE from the motif of the last residence permit on or before signature),
    `prescriptions_obligatoires` (signataires of the period with a CIR_OBLIGATOIRE prescription),
    `dispenses_orientation_spe` (waivers dated in the period) and `orientations_spe` (orientations dated in
    the period, keyed by the receiving operator's kind). §9 adds `par_age.moins_de_25`, `par_statut.HUMANITAIRE`
    (humanitarian permit, not BPI: counted within AUTRE, whose §5 figure is unchanged) and
    `taux_prescription_obligatoire` (prescriptions_obligatoires / signataires)."""
    d = ctx.demande
    signatures = ctx.faits(TypeEtape.CIR_SIGNE, alias="cir")
    lignes = [
        ligne
        for ligne in ctx.connexion.execute(
            sa.select(signatures.c.step_id, signatures.c.parcours_id, signatures.c.occurred_on, signatures.c.operateur).where(
                signatures.c.occurred_on.between(d.du, d.au)
            )
        )
        if ctx.de_l_operateur(ligne.operateur) and ctx.retenue(ligne.parcours_id, ligne.occurred_on)
    ]
    titres = _titres(ctx, {ligne.parcours_id for ligne in lignes})
    prescrits = _cir_avec_prescription_obligatoire(ctx)
    par_sexe = {"F": 0, "M": 0, "X": 0}
    par_age = {"moins_de_26": 0, "26_plus": 0, "moins_de_25": 0}
    par_statut = {"BPI": 0, "FAMILIAL": 0, "ECONOMIQUE": 0, "AUTRE": 0, "HUMANITAIRE": 0}
    prescriptions = 0
    for ligne in lignes:
        personne = ctx.personnes[ligne.parcours_id]
        if personne.sexe in par_sexe:
            par_sexe[personne.sexe] += 1
        age = personne.age(ligne.occurred_on)
        if age is not None:
            par_age["moins_de_26" if age < 26 else "26_plus"] += 1
            par_age["moins_de_25"] += age < 25
        statut = _statut(personne, titres.get(ligne.parcours_id, []), ligne.occurred_on)
        par_statut[statut] += 1
        # HUMANITAIRE (§9) is counted within AUTRE, whose §5 figure stays as it was.
        par_statut["HUMANITAIRE"] += statut == "AUTRE" and _motif_du_dernier_titre(titres.get(ligne.parcours_id, []), ligne.occurred_on) == MotifSejour.HUMANITAIRE.value
        prescriptions += ligne.step_id in prescrits
    orientations = {type_.value: 0 for type_ in sorted(OPERATEURS_SPE, key=lambda o: o.value)}
    dispenses = 0
    o = ctx.faits(TypeEtape.ORIENTATION_SPE, TypeEtape.DISPENSE_ORIENTATION_SPE, alias="orientation")
    types_operateur = dict(ctx.connexion.execute(sa.select(t.operateur.c.slug, t.operateur.c.type)).all())
    for type_, parcours_id, jour, operateur, vers in ctx.connexion.execute(
        sa.select(o.c.type, o.c.parcours_id, o.c.occurred_on, o.c.operateur, o.c.vers).where(o.c.occurred_on.between(d.du, d.au))
    ):
        if not ctx.de_l_operateur(operateur, vers) or not ctx.retenu(parcours_id, jour):
            continue
        if type_ == TypeEtape.DISPENSE_ORIENTATION_SPE.value:
            dispenses += 1
        elif types_operateur.get(vers) in orientations:
            orientations[types_operateur[vers]] += 1
    return {
        "signataires": len(lignes),
        "par_sexe": par_sexe,
        "par_age": par_age,
        "par_statut": par_statut,
        "prescriptions_obligatoires": prescriptions,
        "taux_prescription_obligatoire": taux(prescriptions, len(lignes)),
        "dispenses_orientation_spe": dispenses,
        "orientations_spe": orientations,
    }


def _titres(ctx: LectureDuCliche, parcours_ids: set[str]) -> dict[str, list[tuple[date, date, int, str]]]:
    if not parcours_ids:
        return {}
    f = ctx.faits(TypeEtape.TITRE_SEJOUR_DELIVRE)
    titres: dict[str, list[tuple[date, date, int, str]]] = defaultdict(list)
    for parcours_id, valable, jour, pos, motif in ctx.connexion.execute(
        sa.select(f.c.parcours_id, f.c.valid_from, f.c.occurred_on, f.c.pos_debut, f.c.motif)
    ):
        if parcours_id in parcours_ids:
            titres[parcours_id].append((valable, jour, pos, motif))
    return titres


def _motif_du_dernier_titre(titres: list[tuple[date, date, int, str]], signature: date) -> str | None:
    anterieurs = [titre for titre in titres if titre[0] <= signature]
    return max(anterieurs)[3] if anterieurs else None


def _statut(personne: AttributsDePersonne, titres: list[tuple[date, date, int, str]], signature: date) -> str:
    if personne.bpi(signature):
        return "BPI"
    motif = _motif_du_dernier_titre(titres, signature)
    return motif if motif in (MotifSejour.FAMILIAL.value, MotifSejour.ECONOMIQUE.value) else "AUTRE"


def _cir_avec_prescription_obligatoire(ctx: LectureDuCliche) -> set[str]:
    p = ctx.faits(TypeEtape.FORMATION_LINGUISTIQUE_PRESCRITE)
    return {
        lien
        for (lien,) in ctx.connexion.execute(
            sa.select(p.c.cir).where(p.c.type_formation == TypeFormationLinguistique.CIR_OBLIGATOIRE.value)
        )
    }


# AGIR and the employment service's return to OFII (CONTRACT §9) ------------------------------------------


def _moyenne_jours(jours: list[int]) -> float | None:
    return arrondi(sum(jours) / len(jours), 1) if jours else None


def agir(ctx: LectureDuCliche) -> dict[str, Any]:
    """`orientations` (dated in the period), `accueils`, `delai_moyen_accueil_jours` (mean days orientation →
    accueil, accueils of the period), `refus` (by motif), `entrees`, `volets` (entrants of the period with
    each strand, and `tous_les_trois`), `sorties`, `sorties_neutres` (DEMENAGEMENT), `duree_moyenne_mois`
    (§5 method), `sorties_objectifs_atteints`, `sorties_emploi_formation_durable` (lasting job or
    qualifying/certifying/diploma training active at exit, as the OBJECTIFS_ATTEINTS rule judges it),
    `taux_emploi_formation_durable`, `sorties_logement_perenne` (latest situation on or before exit
    durable), `taux_logement_perenne` (both rates over non-neutral exits), `en_cours` (open at the
    period's end), `au_dela_24_mois` (of those, open past entry + 24 months at the period's end)."""
    d = ctx.demande
    f = ctx.faits(TypeEtape.ORIENTATION_AGIR, TypeEtape.AGIR_ACCUEIL, TypeEtape.AGIR_REFUS, TypeEtape.AGIR_ENTREE,
                  TypeEtape.AGIR_SORTIE, alias="agir")
    par_type: dict[str, list[Any]] = defaultdict(list)
    for ligne in ctx.lire(("agir", d.au), (
        sa.select(f.c.step_id, f.c.type, f.c.parcours_id, f.c.occurred_on, f.c.operateur, f.c.vers, f.c.motif, f.c.volets,
                  f.c.orientation, f.c.entree)
        .where(f.c.occurred_on <= d.au)
    )):
        par_type[ligne.type].append(ligne)
    orientations = {o.step_id: o for o in par_type[TypeEtape.ORIENTATION_AGIR.value]}
    entrees = {e.step_id: e for e in par_type[TypeEtape.AGIR_ENTREE.value]}
    sorties_par_entree = {s.entree: s for s in par_type[TypeEtape.AGIR_SORTIE.value]}

    def dans_periode(ligne: Any) -> bool:
        return d.du <= ligne.occurred_on <= d.au

    def retenue(ligne: Any, jour: date | None = None, *operateurs: str | None) -> bool:
        return ctx.de_l_operateur(ligne.operateur, *operateurs) and ctx.retenu(ligne.parcours_id, jour or ligne.occurred_on)

    resultat: dict[str, Any] = {
        "orientations": sum(1 for o in orientations.values() if dans_periode(o) and retenue(o, None, o.vers)),
    }
    delais = []
    accueils = 0
    for accueil in par_type[TypeEtape.AGIR_ACCUEIL.value]:
        if dans_periode(accueil) and retenue(accueil):
            accueils += 1
            orientation = orientations.get(accueil.orientation)
            if orientation is not None:
                delais.append((accueil.occurred_on - orientation.occurred_on).days)
    resultat["accueils"] = accueils
    resultat["delai_moyen_accueil_jours"] = _moyenne_jours(delais)
    refus = {motif.value: 0 for motif in MotifRefusAgir}
    for ligne in par_type[TypeEtape.AGIR_REFUS.value]:
        if dans_periode(ligne) and retenue(ligne) and ligne.motif in refus:
            refus[ligne.motif] += 1
    resultat["refus"] = refus
    volets = {volet.value: 0 for volet in VoletAgir} | {"tous_les_trois": 0}
    nombre_entrees = 0
    for entree in entrees.values():
        if dans_periode(entree) and retenue(entree):
            nombre_entrees += 1
            codes = set((entree.volets or "").split(","))
            for volet in VoletAgir:
                volets[volet.value] += volet.value in codes
            volets["tous_les_trois"] += all(volet.value in codes for volet in VoletAgir)
    resultat["entrees"] = nombre_entrees
    resultat["volets"] = volets

    sorties = _classer_les_sorties_agir(ctx, [
        (sortie, entree)
        for sortie in par_type[TypeEtape.AGIR_SORTIE.value]
        if dans_periode(sortie) and (entree := entrees.get(sortie.entree)) is not None and retenue(sortie, entree.occurred_on)
    ])
    non_neutres = [c for c in sorties if not c.neutre]
    durables = sum(c.emploi_formation_durable for c in non_neutres)
    logees = sum(c.logement_perenne for c in non_neutres)
    jours = sum((c.sortie_le - c.entree_le).days for c in non_neutres)
    resultat.update(
        sorties=len(sorties),
        sorties_neutres=len(sorties) - len(non_neutres),
        duree_moyenne_mois=arrondi(jours / len(non_neutres) / JOURS_PAR_MOIS, 1) if non_neutres else None,
        sorties_objectifs_atteints=sum(1 for c in non_neutres if c.motif == MotifSortieAgir.OBJECTIFS_ATTEINTS.value),
        sorties_emploi_formation_durable=durables,
        taux_emploi_formation_durable=taux(durables, len(non_neutres)),
        sorties_logement_perenne=logees,
        taux_logement_perenne=taux(logees, len(non_neutres)),
    )
    en_cours = au_dela = 0
    for entree in entrees.values():
        sortie = sorties_par_entree.get(entree.step_id)
        if (sortie is None or sortie.occurred_on > d.au) and retenue(entree):
            en_cours += 1
            au_dela += d.au > add_months(entree.occurred_on, DUREE_MAX_AGIR_MOIS)
    resultat["en_cours"] = en_cours
    resultat["au_dela_24_mois"] = au_dela
    return resultat


@dataclass(frozen=True)
class SortieAgir:
    """One AGIR exit as §9 counts it: neutral (moving away), into a lasting job or qualifying training
    active at exit (the OBJECTIFS_ATTEINTS rule's test), into durable housing (latest situation on or before exit)."""

    parcours_id: str
    entree_le: date
    sortie_le: date
    motif: str
    neutre: bool
    emploi_formation_durable: bool
    logement_perenne: bool


def _classer_les_sorties_agir(ctx: LectureDuCliche, sorties: list[tuple[Any, Any]]) -> list[SortieAgir]:
    """(exit fact, entry fact) pairs → their §9 classification."""
    situations = _situations_a_la_sortie(ctx, {s.parcours_id for s, _ in sorties}, ctx.demande.au)
    classees = []
    strict = emploi_durable_strict()  # the §10 switch applies to AGIR's lasting-job count too
    for sortie, entree in sorties:
        contrats, formations, logements = situations.get(sortie.parcours_id, ([], [], []))
        jour = sortie.occurred_on
        durable = any(
            ecrit_le <= jour and contrat_durable_actif(TypeContrat(code), debut, fin, jour, strict) for ecrit_le, code, debut, fin in contrats
        ) or any(
            ecrit_le <= jour and formation_durable_active(TypeFormationPro(code), debut, fin, jour)
            for ecrit_le, code, debut, fin in formations
        )
        anterieurs = [logement for logement in logements if logement[0] <= jour]
        classees.append(SortieAgir(
            sortie.parcours_id, entree.occurred_on, jour, sortie.motif, sortie.motif == MotifSortieAgir.DEMENAGEMENT.value,
            durable, bool(anterieurs) and max(anterieurs)[2] in PERENNES,
        ))
    return classees


def sorties_agir(ctx: LectureDuCliche) -> list[SortieAgir]:
    """The AGIR exits of the period, classified (for the statistics export: no filter but the period)."""
    d = ctx.demande
    f = ctx.faits(TypeEtape.AGIR_ENTREE, TypeEtape.AGIR_SORTIE, alias="episode_agir")
    lignes = ctx.connexion.execute(
        sa.select(f.c.step_id, f.c.type, f.c.parcours_id, f.c.occurred_on, f.c.motif, f.c.entree).where(f.c.occurred_on <= d.au)
    ).all()
    entrees = {ligne.step_id: ligne for ligne in lignes if ligne.type == TypeEtape.AGIR_ENTREE.value}
    return _classer_les_sorties_agir(ctx, [
        (ligne, entrees[ligne.entree]) for ligne in lignes
        if ligne.type == TypeEtape.AGIR_SORTIE.value and d.du <= ligne.occurred_on <= d.au and ligne.entree in entrees
    ])


def _situations_a_la_sortie(ctx: LectureDuCliche, parcours_ids: set[str], jusquau: date) -> dict[str, tuple[list[Any], list[Any], list[Any]]]:
    """Contracts, trainings and housing situations of these persons recorded up to `jusquau`."""
    if not parcours_ids:
        return {}
    f = ctx.faits(TypeEtape.CONTRAT_TRAVAIL_DEBUTE, TypeEtape.ENTREE_FORMATION, TypeEtape.SITUATION_LOGEMENT, alias="situation")
    trouvees: dict[str, tuple[list[Any], list[Any], list[Any]]] = defaultdict(lambda: ([], [], []))
    for ligne in ctx.connexion.execute(
        sa.select(f.c.type, f.c.parcours_id, f.c.occurred_on, f.c.pos_debut, f.c.type_contrat, f.c.type_formation,
                  f.c.situation, f.c.date_debut, f.c.date_fin_prevue)
        .where(f.c.occurred_on <= jusquau, f.c.parcours_id.in_(sorted(parcours_ids)))
    ):
        contrats, formations, logements = trouvees[ligne.parcours_id]
        if ligne.type == TypeEtape.CONTRAT_TRAVAIL_DEBUTE.value:
            contrats.append((ligne.occurred_on, ligne.type_contrat, ligne.date_debut, ligne.date_fin_prevue))
        elif ligne.type == TypeEtape.ENTREE_FORMATION.value:
            formations.append((ligne.occurred_on, ligne.type_formation, ligne.date_debut, ligne.date_fin_prevue))
        else:
            logements.append((ligne.occurred_on, ligne.pos_debut, ligne.situation))
    return trouvees


CLES_SPE = ("orientations", "acceptees", "refusees", "sans_reponse", "delai_moyen_reponse_jours", "inscrits",
            "premier_rdv_honore", "delai_moyen_premier_rdv_jours", "diagnostics", "freins")


def spe(ctx: LectureDuCliche) -> dict[str, Any]:
    """Orientations (`orientation_spe`) dated in the period, and what became of them as far as recorded:
    `orientations`, `acceptees`, `refusees`, `sans_reponse`, `delai_moyen_reponse_jours` (orientation →
    answer), `inscrits`, `premier_rdv_honore`, `delai_moyen_premier_rdv_jours` (orientation → first
    appointment held), `diagnostics`, `freins` (count of diagnostics naming each), each also
    `par_type_operateur` (the receiving operator's kind)."""
    d = ctx.demande
    o = ctx.faits(TypeEtape.ORIENTATION_SPE, alias="orientation_spe")
    types_operateur = dict(ctx.connexion.execute(sa.select(t.operateur.c.slug, t.operateur.c.type)).all())
    orientations = {
        ligne.step_id: ligne
        for ligne in ctx.connexion.execute(
            sa.select(o.c.step_id, o.c.parcours_id, o.c.occurred_on, o.c.operateur, o.c.vers)
            .where(o.c.occurred_on.between(d.du, d.au))
        )
        if ctx.de_l_operateur(ligne.operateur, ligne.vers) and ctx.retenu(ligne.parcours_id, ligne.occurred_on)
    }
    suites: dict[str, list[Any]] = defaultdict(list)
    if orientations:
        s = ctx.faits(TypeEtape.ORIENTATION_ACCEPTEE, TypeEtape.ORIENTATION_REFUSEE, TypeEtape.INSCRIPTION_SPE,
                      TypeEtape.PREMIER_RENDEZ_VOUS_SPE, TypeEtape.DIAGNOSTIC_APPROFONDI, alias="suite_spe")
        for ligne in ctx.connexion.execute(
            sa.select(s.c.orientation, s.c.type, s.c.occurred_on, s.c.pos_debut, s.c.date_rdv, s.c.honore, s.c.freins)
            .where(s.c.orientation.in_(sorted(orientations)))
        ):
            suites[ligne.orientation].append(ligne)
    groupes: dict[str, dict[str, Any]] = {"": _compte_spe_vide()}
    groupes |= {type_.value: _compte_spe_vide() for type_ in sorted(OPERATEURS_SPE, key=lambda type_: type_.value)}
    for step_id, orientation in orientations.items():
        cibles = [groupes[""]]
        if types_operateur.get(orientation.vers) in groupes:
            cibles.append(groupes[types_operateur[orientation.vers]])
        lignes = sorted(suites.get(step_id, []), key=lambda ligne: (ligne.occurred_on, ligne.pos_debut))
        decision = next((ligne for ligne in lignes if ligne.type in (TypeEtape.ORIENTATION_ACCEPTEE.value,
                                                                     TypeEtape.ORIENTATION_REFUSEE.value)), None)
        honores = [ligne.date_rdv for ligne in lignes if ligne.type == TypeEtape.PREMIER_RENDEZ_VOUS_SPE.value and ligne.honore]
        diagnostic = next((ligne for ligne in reversed(lignes) if ligne.type == TypeEtape.DIAGNOSTIC_APPROFONDI.value), None)
        for c in cibles:
            c["orientations"] += 1
            if decision is not None:
                c["acceptees" if decision.type == TypeEtape.ORIENTATION_ACCEPTEE.value else "refusees"] += 1
                c["_reponse"].append((decision.occurred_on - orientation.occurred_on).days)
            c["inscrits"] += any(ligne.type == TypeEtape.INSCRIPTION_SPE.value for ligne in lignes)
            if honores:
                c["premier_rdv_honore"] += 1
                c["_rdv"].append((min(honores) - orientation.occurred_on).days)
            if diagnostic is not None:
                c["diagnostics"] += 1
                for frein in freins_du_masque(diagnostic.freins):
                    c["freins"][frein] += 1
    resultat = _compte_spe(groupes.pop(""))
    resultat["par_type_operateur"] = {type_: _compte_spe(c) for type_, c in groupes.items()}
    return resultat


def _compte_spe_vide() -> dict[str, Any]:
    return {"orientations": 0, "acceptees": 0, "refusees": 0, "inscrits": 0, "premier_rdv_honore": 0, "diagnostics": 0,
            "freins": {frein.value: 0 for frein in Frein}, "_reponse": [], "_rdv": []}


def _compte_spe(c: dict[str, Any]) -> dict[str, Any]:
    valeurs = {
        **c,
        "sans_reponse": c["orientations"] - c["acceptees"] - c["refusees"],
        "delai_moyen_reponse_jours": _moyenne_jours(c["_reponse"]),
        "delai_moyen_premier_rdv_jours": _moyenne_jours(c["_rdv"]),
    }
    return {cle: valeurs[cle] for cle in CLES_SPE}


FAMILLES: dict[str, Callable[[LectureDuCliche], dict[str, Any]]] = {
    "public_cible": public_cible,
    "accompagnement_emploi": accompagnement_emploi,
    "langue": langue,
    "logement": logement,
    "cir": cir,
    "agir": agir,
    "spe": spe,
}


def position_suivie(connexion: sa.Connection) -> int:
    return connexion.execute(
        sa.select(t.suivi_projection.c.position).where(t.suivi_projection.c.nom == ProjectionLecture.nom)
    ).scalar() or 0


def en_lignes_csv(document: dict[str, Any]) -> Iterable[tuple[str, Any]]:
    """The document flattened to (indicateur, valeur) rows: `accompagnement_emploi.suivi_6_mois.cohorte`…"""

    def aplatir(prefixe: str, valeur: Any) -> Iterable[tuple[str, Any]]:
        if isinstance(valeur, dict):
            for cle, sous_valeur in valeur.items():
                yield from aplatir(f"{prefixe}.{cle}" if prefixe else cle, sous_valeur)
        else:
            yield prefixe, valeur

    return aplatir("", document)

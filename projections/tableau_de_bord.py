"""The steering committee's dashboard: objectives against achievements, and the data behind its charts.

Everything is computed from the read models for one `Demande` and the snapshot its §5 document
printed (`position_journal`, `vu_au`), so a chart can be reproduced exactly like the report:

- `lignes_du_tableau`: one row per indicator of CONTRACT §5 — label, objective, achieved, gap — the
  table the page shows and every export (CSV, XLSX, ODS) writes;
- `graphiques`: the pathway funnel, exits by category per département, the distribution of support
  durations, the trend by quarter and the positive-exit rate per département, each counted with the
  definitions of `projections.indicateurs` (episodes, neutral exits, positives, months of 30.4375 days);
- `objectifs_en_vigueur` / `lister_objectifs`: the `objectif` read model.

Aggregates only: no function here returns anything about a person. Must not import flask or `web`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any, NamedTuple

import sqlalchemy as sa

from parcours.dates import JOURS_PAR_MOIS, add_months
from parcours.vocabulaire import OPERATEURS_SPE, Frein, MotifRefusAgir, ResultatVolet, TypeEtape, VoletAgir
from projections import tables as t
from projections.document import contexte_du_document, document_du_contexte
from projections.faits import champs
from projections.indicateurs import (
    DURABLES,
    FORMATIONS,
    NEUTRES,
    POSITIVES,
    Cliche,
    Demande,
    LectureDuCliche,
    accompagnement_emploi,
    agir,
    arrondi,
    categories_au_seuil,
    en_lignes_csv,
    fin_de_journee,
    public_cible,
    spe,
    taux,
)

LIBELLES_AGIR: dict[str, str] = {
    "agir.orientations": "AGIR : orientations",
    "agir.accueils": "AGIR : accueils (diagnostic)",
    "agir.delai_moyen_accueil_jours": "AGIR : délai moyen orientation → accueil (jours)",
    **{f"agir.refus.{motif.value}": f"AGIR : refus — {libelle}" for motif, libelle in (
        (MotifRefusAgir.REFUS_PERSONNE, "refus de la personne"), (MotifRefusAgir.NON_ELIGIBLE, "non éligible"),
        (MotifRefusAgir.INJOIGNABLE, "injoignable"))},
    "agir.entrees": "AGIR : entrées",
    "agir.volets.DROITS": "AGIR : entrants avec le volet accès aux droits",
    "agir.volets.LOGEMENT": "AGIR : entrants avec le volet logement",
    "agir.volets.EMPLOI_FORMATION": "AGIR : entrants avec le volet emploi et formation",
    "agir.volets.tous_les_trois": "AGIR : entrants avec les trois volets",
    "agir.sorties": "AGIR : sorties",
    "agir.sorties_neutres": "AGIR : sorties neutres (déménagement)",
    "agir.duree_moyenne_mois": "AGIR : durée moyenne d'accompagnement (mois)",
    "agir.sorties_objectifs_atteints": "AGIR : sorties objectifs atteints",
    "agir.sorties_emploi_formation_durable": "AGIR : sorties en emploi ou formation durable",
    "agir.taux_emploi_formation_durable": "AGIR : taux de sortie en emploi ou formation durable (cible ≥ 60 %)",
    "agir.sorties_logement_perenne": "AGIR : sorties en logement pérenne",
    "agir.taux_logement_perenne": "AGIR : taux de sortie en logement pérenne (cible ≥ 80 %)",
    "agir.en_cours": "AGIR : accompagnements en cours en fin de période",
    "agir.au_dela_24_mois": "AGIR : accompagnements en cours au-delà de 24 mois",
}
LIBELLES_FREINS = {frein.value: frein.libelle[0].lower() + frein.libelle[1:] for frein in Frein}
"""The barriers as a sentence names them (« garde d'enfants, mobilité »)."""
LIBELLES_TYPES_SPE = {kind.value: kind.libelle for kind in sorted(OPERATEURS_SPE, key=lambda kind: kind.value)}
LIBELLES_SPE: dict[str, str] = {
    "spe.orientations": "SPE : orientations",
    "spe.acceptees": "SPE : orientations acceptées",
    "spe.refusees": "SPE : orientations refusées",
    "spe.sans_reponse": "SPE : orientations sans réponse",
    "spe.delai_moyen_reponse_jours": "SPE : délai moyen de réponse (jours)",
    "spe.inscrits": "SPE : personnes inscrites",
    "spe.premier_rdv_honore": "SPE : premier rendez-vous honoré",
    "spe.delai_moyen_premier_rdv_jours": "SPE : délai moyen orientation → premier rendez-vous (jours)",
    "spe.diagnostics": "SPE : diagnostics approfondis",
    **{f"spe.freins.{code}": f"SPE : frein — {libelle}" for code, libelle in LIBELLES_FREINS.items()},
}
LIBELLES_ACTIONS: dict[str, str] = {
    "actions.nombre": "Actions financées : nombre",
    "actions.beneficiaires": "Actions financées : bénéficiaires",
    "actions.heures_francais": "Actions financées : heures de formation linguistique dispensées",
    "actions.assidus_francais": "Actions financées : participants réguliers (français)",
    "actions.progression_francais": "Actions financées : progression d'au moins un niveau (français)",
    "actions.heures_valeurs": "Actions financées : heures consacrées aux valeurs de la République",
    "actions.heures_numerique": "Actions financées : heures d'accompagnement au numérique",
    "actions.acteurs_formes": "Actions financées : acteurs de l'intégration formés",
    "actions.heures_acteurs": "Actions financées : heures de formation des acteurs",
    "actions.consultations": "Actions financées : consultations médicales",
    "actions.outils_pretes": "Actions financées : outils numériques prêtés",
    "actions.binomes": "Actions financées : binômes de mentorat constitués",
    "actions.evenements_sportifs": "Actions financées : événements sportifs",
    "actions.evenements_culturels": "Actions financées : événements culturels",
    "actions.menages_logement_perenne": "Actions financées : ménages accédant à un logement pérenne",
    "actions.cout_total": "Actions financées : coût total (€)",
    "actions.subvention_p104": "Actions financées : subvention P104 (€)",
}

LIBELLES_INDICATEURS: dict[str, str] = {
    "public_cible.total": "Public cible : personnes entrées",
    "public_cible.hommes": "Public cible : hommes",
    "public_cible.femmes": "Public cible : femmes",
    "public_cible.moins_de_25_ans": "Public cible : moins de 25 ans",
    "public_cible.moins_de_26_ans": "Public cible : moins de 26 ans",
    "public_cible.bpi": "Public cible : BPI",
    "public_cible.bpi_hommes": "Public cible : BPI hommes",
    "public_cible.bpi_femmes": "Public cible : BPI femmes",
    "public_cible.bpi_moins_de_25_ans": "Public cible : BPI de moins de 25 ans",
    "public_cible.part_non_bpi": "Public cible : part de non-BPI",
    "accompagnement_emploi.sorties": "Accompagnement : sorties",
    "accompagnement_emploi.sorties_neutres": "Accompagnement : sorties neutres",
    "accompagnement_emploi.duree_moyenne_mois": "Accompagnement : durée moyenne (mois)",
    "accompagnement_emploi.sorties_positives": "Accompagnement : sorties positives",
    "accompagnement_emploi.dont_emploi_durable": "Accompagnement : dont emploi durable",
    "accompagnement_emploi.dont_formation": "Accompagnement : dont formation",
    "accompagnement_emploi.taux_sortie_positive": "Accompagnement : taux de sortie positive",
    "accompagnement_emploi.suivi_6_mois.cohorte": "Suivi à 6 mois : sorties attendues",
    "accompagnement_emploi.suivi_6_mois.renseignes": "Suivi à 6 mois : répondants",
    "accompagnement_emploi.suivi_6_mois.positifs": "Suivi à 6 mois : en situation positive",
    "accompagnement_emploi.suivi_6_mois.taux_positif": "Suivi à 6 mois : taux de situation positive",
    "accompagnement_emploi.suivi_6_mois.taux_reponse": "Suivi à 6 mois : taux de réponse",
    "accompagnement_emploi.sorties_emploi_sans_contrat": "Accompagnement : sorties en emploi sans contrat enregistré (qualité des données)",
    "langue.formations_terminees": "Langue : formations terminées",
    "langue.heures_realisees": "Langue : heures réalisées par les stagiaires (somme par stagiaire)",
    "langue.assidus": "Langue : stagiaires assidus",
    "langue.evalues": "Langue : stagiaires évalués",
    "langue.progression_un_niveau": "Langue : progression d'au moins un niveau",
    "langue.atteignant_a1": "Langue : niveau A1 atteint (formation obligatoire)",
    "langue.taux_atteignant_a1": "Langue : taux d'atteinte du niveau A1 (formation obligatoire)",
    "logement.menages_logement_perenne": "Logement : ménages accédant à un logement pérenne",
    "cir.signataires": "CIR : signataires",
    "cir.par_sexe.F": "CIR : signataires femmes",
    "cir.par_sexe.M": "CIR : signataires hommes",
    "cir.par_sexe.X": "CIR : signataires de sexe X",
    "cir.par_age.moins_de_26": "CIR : signataires de moins de 26 ans",
    "cir.par_age.26_plus": "CIR : signataires de 26 ans et plus",
    "cir.par_age.moins_de_25": "CIR : signataires de moins de 25 ans",
    "cir.par_statut.BPI": "CIR : signataires BPI",
    "cir.par_statut.FAMILIAL": "CIR : signataires au titre familial",
    "cir.par_statut.ECONOMIQUE": "CIR : signataires au titre économique",
    "cir.par_statut.AUTRE": "CIR : signataires à un autre titre",
    "cir.par_statut.HUMANITAIRE": "CIR : dont titre humanitaire (hors BPI)",
    "cir.prescriptions_obligatoires": "CIR : formations linguistiques obligatoires prescrites",
    "cir.taux_prescription_obligatoire": "CIR : taux de prescription d'une formation linguistique obligatoire",
    "cir.dispenses_orientation_spe": "CIR : dispenses d'orientation vers le SPE",
    **{f"cir.orientations_spe.{type_.value}": f"CIR : orientations vers {type_.value.replace('_', ' ').lower()}"
       for type_ in sorted(OPERATEURS_SPE, key=lambda o: o.value)},
    **LIBELLES_AGIR,
    **LIBELLES_SPE,
    **{f"spe.par_type_operateur.{type_.value}.{cle}": f"{libelle} — {LIBELLES_TYPES_SPE[type_.value]}"
       for type_ in sorted(OPERATEURS_SPE, key=lambda o: o.value)
       for cle, libelle in ((c.removeprefix("spe."), l) for c, l in LIBELLES_SPE.items())},
    **LIBELLES_ACTIONS,
}
"""Every indicator of the §5 document (and of the §8 `actions` key) an objective can be set for, in the document's order."""

OBJECTIFS_DU_PROGRAMME: dict[str, float] = {
    "agir.taux_emploi_formation_durable": 0.60,
    "agir.taux_logement_perenne": 0.80,
}
"""AGIR's programme targets (≥ 60 % of exits into lasting job or training, ≥ 80 % into durable housing,
reference/domain.md glossary #32): the objective of those rows unless the COPIL set another."""

ENTETES_DU_TABLEAU = ["Indicateur", "Objectif", "Réalisé", "Écart"]
META = ("periode", "vu_au", "position_journal", "filtres", "seuil_emploi_durable", "masquage")


class LigneDuTableau(NamedTuple):
    """One row of the dashboard table; `list(ligne)[1:]` is what the exports write under `ENTETES_DU_TABLEAU`."""

    indicateur: str
    libelle: str
    objectif: float | None
    realise: Any
    ecart: float | None


def annee_des_objectifs(demande: Demande) -> int | None:
    """Objectives are yearly: they apply to a period that lies within one calendar year."""
    return demande.du.year if demande.du.year == demande.au.year else None


def objectifs_en_vigueur(connexion: sa.Connection, demande: Demande) -> dict[str, float]:
    """The objectives of the period's year for exactly the requested operator and programme (None = all).

    The département and public filters do not select an objective: the objective of the scope is
    set against what the filtered cohort achieved.
    """
    annee = annee_des_objectifs(demande)
    if annee is None:
        return {}
    o = t.objectif.c
    requete = sa.select(o.indicateur, o.valeur).where(
        o.annee == annee,
        o.operateur.is_(None) if demande.operateur is None else o.operateur == demande.operateur,
        o.programme.is_(None) if demande.programme is None else o.programme == demande.programme,
    )
    return {indicateur: valeur for indicateur, valeur in connexion.execute(requete)}


def lister_objectifs(connexion: sa.Connection, annee: int | None = None) -> list[dict[str, Any]]:
    o = t.objectif
    requete = sa.select(o).order_by(o.c.annee, o.c.operateur.nulls_first(), o.c.programme.nulls_first(), o.c.indicateur)
    if annee is not None:
        requete = requete.where(o.c.annee == annee)
    return [dict(ligne) for ligne in connexion.execute(requete).mappings()]


def lignes_du_tableau(engine: sa.Engine, demande: Demande, document: dict[str, Any]) -> list[LigneDuTableau]:
    """Per indicator of `document` (the §5 document of `demande`): label, objective, achieved, gap.

    The gap is achieved − objective (negative: below target), rounded like a rate (3 decimals);
    it is empty when either side is. The achieved figures are those of the document's snapshot; the
    objectives are the values in force now (a target is not a fact of the period: it may be set late).
    """
    with engine.connect() as connexion:
        objectifs = objectifs_en_vigueur(connexion, demande)
    lignes = []
    for indicateur, realise in en_lignes_csv({cle: valeur for cle, valeur in document.items() if cle not in META}):
        objectif = objectifs.get(indicateur, OBJECTIFS_DU_PROGRAMME.get(indicateur))
        # A masked figure (« < 11 », « masqué ») has no gap to its objective.
        chiffre = isinstance(realise, (int, float)) and not isinstance(realise, bool)
        ecart = arrondi(realise - objectif, 3) if objectif is not None and chiffre else None
        lignes.append(LigneDuTableau(indicateur, LIBELLES_INDICATEURS.get(indicateur, indicateur), objectif, realise, ecart))
    return lignes


# Charts ---------------------------------------------------------------------------------------------


ETAPES_ENTONNOIR = [
    ("cir", "CIR signé"),
    ("positionnement", "Positionnement linguistique"),
    ("formation", "Formation suivie"),
    ("entretien", "Entretien de fin de CIR"),
    ("orientation", "Orientation"),
    ("acceptation", "Orientation acceptée"),
    ("accompagnement", "Accompagnement"),
    ("sortie_positive", "Sortie positive"),
    ("positif_6_mois", "Positif à 6 mois"),
]
GROUPES_DE_SORTIES = [
    ("emploi_durable", "Emploi durable"),
    ("emploi_court", "Emploi de moins de 6 mois"),
    ("formation", "Formation"),
    ("non_positive", "Sortie non positive"),
    ("neutre", "Sortie neutre"),
]
TRANCHES_DE_DUREE = [(0, 3), (3, 6), (6, 9), (9, 12), (12, 18), (18, 24), (24, None)]
"""Months of support, lower bound included: [0, 3), [3, 6)… [24, ∞)."""
TRIMESTRES_MAX = 16
"""Beyond four years the trend is drawn by year, so the chart stays readable."""


def groupe_de_sortie(categorie: str) -> str:
    if categorie in NEUTRES:
        return "neutre"
    if categorie in DURABLES:
        return "emploi_durable"
    if categorie in FORMATIONS:
        return "formation"
    if categorie in POSITIVES:
        return "emploi_court"
    return "non_positive"


def libelle_tranche(tranche: tuple[int, int | None]) -> str:
    bas, haut = tranche
    return f"{bas} mois et plus" if haut is None else f"{bas} à moins de {haut} mois"


@dataclass
class Graphiques:
    """The numbers behind each chart of the dashboard, for one request and one snapshot."""

    entonnoir: list[tuple[str, str, int]]
    """(key, label, persons) for each stage of `ETAPES_ENTONNOIR`."""
    sorties_par_departement: list[tuple[str, dict[str, int]]]
    """(département, exits per group of `GROUPES_DE_SORTIES`), départements in order."""
    durees: list[tuple[str, int]]
    """(band label, non-neutral exits) for each band of `TRANCHES_DE_DUREE`."""
    tendances: list[dict[str, Any]] = field(default_factory=list)
    """Per quarter (or year): `periode`, `du`, `au`, `entrees`, `sorties`, `sorties_positives`, `taux_sortie_positive`."""
    comparaison: list[tuple[str, int, int, float | None]] = field(default_factory=list)
    """(département, non-neutral exits, positive exits, positive-exit rate)."""


def graphiques(engine: sa.Engine, demande: Demande, position: int) -> Graphiques:
    """Every chart of the dashboard for `demande`, seen at log `position` (the document's `position_journal`)."""
    with engine.connect() as connexion:
        return graphiques_du_contexte(LectureDuCliche(connexion, demande, _cliche(demande, position)))


def _cliche(demande: Demande, position: int) -> Cliche:
    return Cliche(position, fin_de_journee(demande.vu_au) if demande.vu_au else None)


def graphiques_du_contexte(ctx: LectureDuCliche) -> Graphiques:
    """`graphiques` in a context already opened (sharing the persons it loaded)."""
    sorties = _sorties_de_la_periode(ctx)
    par_departement: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys((g for g, _ in GROUPES_DE_SORTIES), 0))
    durees = [0] * len(TRANCHES_DE_DUREE)
    for departement, categorie, jours in sorties:
        groupe = groupe_de_sortie(categorie)
        par_departement[departement or "inconnu"][groupe] += 1
        if groupe != "neutre":
            durees[_tranche(jours / JOURS_PAR_MOIS)] += 1
    repartition = sorted(par_departement.items())
    comparaison = []
    for departement, groupes in repartition:
        non_neutres = sum(n for g, n in groupes.items() if g != "neutre")
        positives = groupes["emploi_durable"] + groupes["emploi_court"] + groupes["formation"]
        comparaison.append((departement, non_neutres, positives, taux(positives, non_neutres)))
    return Graphiques(
        entonnoir=_entonnoir(ctx),
        sorties_par_departement=repartition,
        durees=[(libelle_tranche(tranche), n) for tranche, n in zip(TRANCHES_DE_DUREE, durees)],
        tendances=_tendances(ctx),
        comparaison=comparaison,
    )


def _tranche(mois: float) -> int:
    for rang, (bas, haut) in enumerate(TRANCHES_DE_DUREE):
        if haut is None or mois < haut:
            return rang
    raise AssertionError("the last band is open")


def _sorties_de_la_periode(ctx: LectureDuCliche) -> list[tuple[str | None, str, int]]:
    """(person's département, category, days of support) of the episodes exited in the period, with the
    filters of `accompagnement_emploi`: exit operator, entry programme, person's département and public at entry."""
    d = ctx.demande
    sorties, sorties_visibles = ctx.vue(TypeEtape.SORTIE_ACCOMPAGNEMENT, alias="sortie")
    entrees, entrees_visibles = ctx.vue(TypeEtape.ACCOMPAGNEMENT_EMPLOI_DEBUTE, alias="entree")
    sortie = champs(sorties, TypeEtape.SORTIE_ACCOMPAGNEMENT)
    requete = (
        sa.select(sorties.c.parcours_id, sorties.c.occurred_on, sortie.categorie, entrees.c.occurred_on)
        .select_from(sorties.join(entrees, sa.and_(entrees.c.step_id == sortie.entree, entrees_visibles)))
        .where(sorties_visibles, sorties.c.occurred_on.between(d.du, d.au))
    )
    if d.operateur is not None:
        requete = requete.where(sorties.c.operateur == d.operateur)
    if d.programme is not None:
        requete = requete.where(champs(entrees, TypeEtape.ACCOMPAGNEMENT_EMPLOI_DEBUTE).programme.in_(sorted(d.codes_programme)))
    retenues = [(parcours_id, entree_le, sortie_le, categorie)
                for parcours_id, sortie_le, categorie, entree_le in ctx.connexion.execute(requete)
                if ctx.retenu(parcours_id, entree_le)]
    resultat = []
    for (parcours_id, entree_le, sortie_le, _), categorie in zip(retenues, categories_au_seuil(ctx, retenues)):
        personne = ctx.personne(parcours_id)
        resultat.append((personne.departement if personne else None, categorie, (sortie_le - entree_le).days))
    return resultat


def _entonnoir(ctx: LectureDuCliche) -> list[tuple[str, str, int]]:
    """The pathway of the period's CIR signatories (those of the requested départements and public at
    signature): how many reached each stage, at any date the snapshot knows.

    Stages: positioned (`positionnement_linguistique`); trained (present at a civic training day, or
    language-training hours done); end-of-CIR interview; oriented (`orientation_spe` or
    `orientation_agir`); orientation accepted; in support (`accompagnement_emploi_debute` or
    `agir_entree`, of the requested programme); a positive exit (§4) of such an episode; positive at
    the 6-month follow-up of any exit of such an episode (as §5 `suivi_6_mois.positifs`: a negative
    exit may be followed by a positive situation). With an operator, the signatories stay the cohort and each
    later stage counts only what that operator recorded (or, for an orientation, received).
    """
    d = ctx.demande
    cohorte_ctx = ctx.pour(replace(d, programme=None))
    signatures = ctx.faits(TypeEtape.CIR_SIGNE, alias="signature")
    cohorte = {
        parcours_id
        for parcours_id, jour in ctx.connexion.execute(
            sa.select(signatures.c.parcours_id, signatures.c.occurred_on).where(signatures.c.occurred_on.between(d.du, d.au))
        )
        if cohorte_ctx.retenu(parcours_id, jour)
    }
    atteints: dict[str, set[str]] = defaultdict(set)
    atteints["cir"] = cohorte
    if cohorte:
        signataires = sa.select(signatures.c.parcours_id).where(signatures.c.occurred_on.between(d.du, d.au))
        _etapes_atteintes(ctx, cohorte, signataires, atteints)
    return [(cle, libelle, len(atteints[cle])) for cle, libelle in ETAPES_ENTONNOIR]


def _etapes_atteintes(ctx: LectureDuCliche, cohorte: set[str], signataires: Any, atteints: dict[str, set[str]]) -> None:
    """Who of the cohort reached each later stage; `signataires` (a subquery) keeps the rows read to the period's signatories."""
    par_type = {
        TypeEtape.POSITIONNEMENT_LINGUISTIQUE.value: "positionnement",
        TypeEtape.FORMATION_CIVIQUE_JOURNEE.value: "formation",
        TypeEtape.FORMATION_LINGUISTIQUE_HEURES.value: "formation",
        TypeEtape.ENTRETIEN_FIN_CIR.value: "entretien",
        TypeEtape.ORIENTATION_SPE.value: "orientation",
        TypeEtape.ORIENTATION_AGIR.value: "orientation",
        TypeEtape.ORIENTATION_ACCEPTEE.value: "acceptation",
    }
    f = ctx.faits(*map(TypeEtape, par_type), alias="etape_entonnoir")
    for parcours_id, type_, operateur, vers, present, realisees in ctx.connexion.execute(
        sa.select(f.c.parcours_id, f.c.type, f.c.operateur, f.c.vers, f.c.present, f.c.heures_realisees)
        .where(f.c.parcours_id.in_(signataires))
    ):
        if parcours_id not in cohorte or not ctx.de_l_operateur(operateur, vers):
            continue
        if type_ == TypeEtape.FORMATION_CIVIQUE_JOURNEE.value and not present:
            continue
        if type_ == TypeEtape.FORMATION_LINGUISTIQUE_HEURES.value and not realisees:
            continue
        atteints[par_type[type_]].add(parcours_id)
    entrees = ctx.faits(TypeEtape.ACCOMPAGNEMENT_EMPLOI_DEBUTE, TypeEtape.AGIR_ENTREE, alias="entree_entonnoir")
    episodes: set[str] = set()
    for step_id, parcours_id, operateur in ctx.connexion.execute(
        sa.select(entrees.c.step_id, entrees.c.parcours_id, entrees.c.operateur).where(
            ctx.entree_du_programme(entrees), entrees.c.parcours_id.in_(signataires)
        )
    ):
        if parcours_id in cohorte and ctx.de_l_operateur(operateur):
            atteints["accompagnement"].add(parcours_id)
            episodes.add(step_id)
    sorties = ctx.faits(TypeEtape.SORTIE_ACCOMPAGNEMENT, alias="sortie_entonnoir")
    sorties_comptees: set[str] = set()
    for step_id, parcours_id, lien, categorie in ctx.connexion.execute(
        sa.select(sorties.c.step_id, sorties.c.parcours_id, sorties.c.entree, sorties.c.categorie)
        .where(sorties.c.parcours_id.in_(signataires))
    ):
        if lien in episodes:
            sorties_comptees.add(step_id)
            if categorie in POSITIVES:
                atteints["sortie_positive"].add(parcours_id)
    suivis = ctx.faits(TypeEtape.SUIVI_SIX_MOIS, alias="suivi_entonnoir")
    for parcours_id, lien in ctx.connexion.execute(
        sa.select(suivis.c.parcours_id, suivis.c.sortie).where(
            suivis.c.repondant.is_(True), suivis.c.categorie.in_(sorted(POSITIVES)), suivis.c.parcours_id.in_(signataires)
        )
    ):
        if lien in sorties_comptees:
            atteints["positif_6_mois"].add(parcours_id)


def _tendances(ctx: LectureDuCliche) -> list[dict[str, Any]]:
    """Entries (§5 `public_cible.total`) and exits (§5 `accompagnement_emploi`) quarter by quarter, each
    quarter cut to the period; by year when the period spans more than `TRIMESTRES_MAX` quarters."""
    d = ctx.demande
    tranches = _decoupage(d.du, d.au)
    resultat = []
    for libelle, du, au in tranches:
        sous_ctx = ctx.pour(replace(d, du=du, au=au))
        accompagnement = accompagnement_emploi(sous_ctx)
        resultat.append({
            "periode": libelle, "du": du, "au": au,
            "entrees": public_cible(sous_ctx)["total"],
            "sorties": accompagnement["sorties"],
            "sorties_positives": accompagnement["sorties_positives"],
            "taux_sortie_positive": accompagnement["taux_sortie_positive"],
        })
    return resultat


def _decoupage(du: date, au: date) -> list[tuple[str, date, date]]:
    trimestres = []
    debut = date(du.year, 3 * ((du.month - 1) // 3) + 1, 1)
    while debut <= au:
        fin = add_months(debut, 3) - timedelta(days=1)
        trimestres.append((f"T{(debut.month - 1) // 3 + 1} {debut.year}", max(debut, du), min(fin, au)))
        debut = add_months(debut, 3)
    if len(trimestres) <= TRIMESTRES_MAX:
        return trimestres
    return [(str(annee), max(date(annee, 1, 1), du), min(date(annee, 12, 31), au)) for annee in range(du.year, au.year + 1)]



# AGIR and the employment service's return (CONTRACT §9) ------------------------------------------------


@dataclass
class GraphiquesAgirSpe:
    """The numbers behind the AGIR and SPE sections of the dashboard, with §9's definitions."""

    agir: dict[str, Any]
    """The `agir` family of the request."""
    agir_par_departement: list[tuple[str, dict[str, Any]]]
    """(département, `agir` family of that département) for each département with AGIR activity."""
    volets: list[tuple[str, dict[str, int]]]
    """(strand, closures of the period by result) for each strand."""
    spe: dict[str, Any]
    """The `spe` family of the request (with `par_type_operateur`)."""


def graphiques_agir_spe(engine: sa.Engine, demande: Demande, position: int) -> GraphiquesAgirSpe:
    """The AGIR and SPE charts for `demande`, seen at log `position` (the document's `position_journal`)."""
    with engine.connect() as connexion:
        return graphiques_agir_spe_du_contexte(LectureDuCliche(connexion, demande, _cliche(demande, position)))


def graphiques_agir_spe_du_contexte(ctx: LectureDuCliche, document: dict[str, Any] | None = None) -> GraphiquesAgirSpe:
    """`graphiques_agir_spe` in a context already opened; the `agir` and `spe` families are taken from
    `document` (the unmasked §5 document of the same context) when given, rather than counted again."""
    demande, connexion = ctx.demande, ctx.connexion
    activite = ctx.faits(TypeEtape.ORIENTATION_AGIR, TypeEtape.AGIR_ENTREE, TypeEtape.AGIR_SORTIE, alias="activite_agir")
    concernes = {pid for (pid,) in connexion.execute(sa.select(activite.c.parcours_id).where(activite.c.occurred_on <= demande.au))}
    departements = sorted({ctx.personnes[pid].departement for pid in concernes
                           if pid in ctx.personnes and ctx.personnes[pid].departement})
    par_departement = [(code, agir(ctx.pour(replace(demande, departement=None, departements=(code,))))) for code in departements]
    familles = document or {"agir": agir(ctx), "spe": spe(ctx)}
    return GraphiquesAgirSpe(familles["agir"], par_departement, _volets_clotures(ctx), familles["spe"])


@dataclass
class TableauDeBord:
    """What the dashboard page shows for one request, computed in one snapshot and one pass over the persons."""

    document: dict[str, Any]
    """The unmasked §5 document (as `calculer` returns it)."""
    graphiques: Graphiques
    agir_spe: GraphiquesAgirSpe


def tableau_de_bord(engine: sa.Engine, demande: Demande) -> TableauDeBord:
    """The §5 document, the charts and the AGIR/SPE sections of `demande`, equal to `calculer`, `graphiques`
    and `graphiques_agir_spe` at the document's position, sharing one context (persons loaded once, the
    AGIR and SPE families counted once)."""
    with engine.connect() as connexion:
        return tableau_de_bord_du_contexte(contexte_du_document(connexion, demande))


def tableau_de_bord_du_contexte(ctx: LectureDuCliche) -> TableauDeBord:
    """`tableau_de_bord` in a context already opened (`contexte_du_document`)."""
    document = document_du_contexte(ctx)
    return TableauDeBord(document, graphiques_du_contexte(ctx), graphiques_agir_spe_du_contexte(ctx, document))


def _volets_clotures(ctx: LectureDuCliche) -> list[tuple[str, dict[str, int]]]:
    d = ctx.demande
    comptes = {volet.value: {resultat.value: 0 for resultat in ResultatVolet} for volet in VoletAgir}
    f = ctx.faits(TypeEtape.AGIR_VOLET_CLOTURE, alias="volet_clos")
    for parcours_id, jour, operateur, volet, resultat in ctx.connexion.execute(
        sa.select(f.c.parcours_id, f.c.occurred_on, f.c.operateur, f.c.volet, f.c.resultat).where(f.c.occurred_on.between(d.du, d.au))
    ):
        if ctx.de_l_operateur(operateur) and ctx.retenu(parcours_id, jour) and volet in comptes and resultat in comptes[volet]:
            comptes[volet][resultat] += 1
    return list(comptes.items())

"""What the caseworker side reads: a person's summary and timeline, and each operator's worklists.

Every function takes the reading operator: a person is shown only to operators involved in their
pathway, and OPERATEUR notes only to the operator that wrote them. Current values are the latest
versions of the facts (corrections applied, voids left out). Must not import flask or `web`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from parcours.dates import add_months, age_revolu, fenetre_suivi
from parcours.vocabulaire import LOGEMENTS_PERENNES, SORTIES_EMPLOI, TypeEtape, Visibilite
from projections import tables as t
from projections.en_attente import ORIENTATIONS
from projections.faits import courants
from projections.identites import noms_complets, ouvrir_etapes, personne
from projections.suivi_orientations import accueils_agir_a_tenir, agir_24_mois

DELAI_REPONSE_ORIENTATION = timedelta(days=30)
HORIZON_FIN_DE_TITRE = timedelta(days=60)
PERENNES = {s.value for s in LOGEMENTS_PERENNES}


# Statements run on every request are built once: SQLAlchemy then reuses their compiled form without
# rebuilding and hashing them (a third of a millisecond per statement saved).
_IMPLIQUE = sa.select(sa.literal(1)).where(
    t.implication.c.parcours_id == sa.bindparam("parcours_id"), t.implication.c.operateur == sa.bindparam("operateur")
)


def implique(connexion: sa.Connection, parcours_id: str, operateur: str) -> bool:
    """Whether the operator recorded a step on this pathway or received an orientation for it."""
    return connexion.execute(_IMPLIQUE, {"parcours_id": parcours_id, "operateur": operateur}).first() is not None


@dataclass
class EtapeLue:
    position: int
    step_id: str
    type: str
    occurred_on: date
    operateur: str
    agent: str
    enregistre_le: Any
    donnees: dict[str, Any]
    donnees_initiales: dict[str, Any]
    drapeaux: list[dict[str, str]]
    cible_step_id: str | None
    annulee_par: str | None
    liens: dict[str, str] = field(default_factory=dict)
    corrigee_par: list[str] = field(default_factory=list)


def chronologie(connexion: sa.Connection, parcours_id: str, lecteur: str) -> list[EtapeLue]:
    """Every step of the pathway, by every operator, in business-date order; corrections applied
    (the original values kept alongside), voided steps marked, other operators' private notes left out."""
    lignes = ouvrir_etapes(connexion, connexion.execute(
        sa.select(t.etape).where(t.etape.c.parcours_id == parcours_id).order_by(t.etape.c.position)
    ).mappings())
    cachees = etapes_cachees(lignes, lecteur)
    etapes: dict[str, EtapeLue] = {}
    for ligne in lignes:
        if ligne["step_id"] in cachees:
            continue
        donnees = dict(ligne["donnees"])
        etapes[ligne["step_id"]] = EtapeLue(
            position=ligne["position"],
            step_id=ligne["step_id"],
            type=ligne["type"],
            occurred_on=ligne["occurred_on"],
            operateur=ligne["operateur"],
            agent=ligne["agent"],
            enregistre_le=ligne["enregistre_le"],
            donnees=donnees,
            donnees_initiales=dict(donnees),
            drapeaux=list(ligne["drapeaux"]),
            cible_step_id=ligne["cible_step_id"],
            annulee_par=ligne["annulee_par"],
            liens=dict(ligne["liens"]),
        )
    for etape in etapes.values():
        if etape.type == TypeEtape.EVENEMENT_CORRIGE.value and etape.annulee_par is None:
            cible = etapes.get(etape.cible_step_id or "")
            if cible is not None:
                cible.donnees.update(etape.donnees.get("champs") or {})
                cible.corrigee_par.append(etape.step_id)
    return sorted(etapes.values(), key=lambda e: (e.occurred_on, e.position))


GESTION = (TypeEtape.EVENEMENT_CORRIGE.value, TypeEtape.EVENEMENT_ANNULE.value)


def etapes_cachees(lignes: Iterable[Mapping[str, Any]], lecteur: str) -> set[str]:
    """The step_ids `lecteur` must not see among a pathway's `etape` rows: the notes of another operator whose
    visibility *as corrected* is OPERATEUR, and every correction or void aimed at one of them (a correction
    carries the note's new text; a shared note later made private is private from then on, its past texts too).

    `lignes` must hold all the notes and corrections of each pathway concerned (other rows are ignored).
    """
    notes: dict[str, list[Any]] = {}
    gestion: list[Mapping[str, Any]] = []
    for ligne in sorted(lignes, key=lambda ligne: ligne["position"]):
        if ligne["type"] == TypeEtape.NOTE.value:
            notes[ligne["step_id"]] = [ligne["operateur"], (ligne["donnees"] or {}).get("visibilite")]
        elif ligne["type"] in GESTION:
            gestion.append(ligne)
    for ligne in gestion:
        cible = notes.get(ligne["cible_step_id"] or "")
        champs = (ligne["donnees"] or {}).get("champs") or {}
        if cible is not None and ligne["type"] == TypeEtape.EVENEMENT_CORRIGE.value and ligne["annulee_par"] is None \
                and "visibilite" in champs:
            cible[1] = champs["visibilite"]
    privees = {step_id for step_id, (auteur, visibilite) in notes.items()
               if visibilite == Visibilite.OPERATEUR.value and auteur != lecteur}
    return privees | {ligne["step_id"] for ligne in gestion if ligne["cible_step_id"] in privees}


def etapes_cachees_du_flux(connexion: sa.Connection, lignes: Iterable[Mapping[str, Any]], lecteur: str) -> set[str]:
    """`etapes_cachees` for a page of the change feed: the notes and corrections of the pathways on the page."""
    parcours_ids = {ligne["parcours_id"] for ligne in lignes if ligne["type"] == TypeEtape.NOTE.value or ligne["type"] in GESTION}
    if not parcours_ids:
        return set()
    notes_et_gestion = connexion.execute(
        sa.select(t.etape.c.step_id, t.etape.c.position, t.etape.c.type, t.etape.c.operateur, t.etape.c.donnees,
                  t.etape.c.cible_step_id, t.etape.c.annulee_par)
        .where(t.etape.c.parcours_id.in_(sorted(parcours_ids)), t.etape.c.type.in_([TypeEtape.NOTE.value, *GESTION]))
    ).mappings().all()
    return etapes_cachees(notes_et_gestion, lecteur)


def resume(connexion: sa.Connection, parcours_id: str, lecteur: str, aujourdhui: date) -> dict[str, Any] | None:
    """Where the person stands today: identity, status, CIR, language, orientation, AGIR, housing, work."""
    identite = personne(connexion, parcours_id)
    if identite is None:
        return None
    etapes = [e for e in chronologie(connexion, parcours_id, lecteur) if e.annulee_par is None]
    par_type: dict[str, list[EtapeLue]] = defaultdict(list)
    for etape in etapes:
        par_type[etape.type].append(etape)

    def derniere(type_: TypeEtape) -> EtapeLue | None:
        return par_type[type_.value][-1] if par_type[type_.value] else None

    def liees(step_id: str, type_: TypeEtape, champ: str | None = None) -> list[EtapeLue]:
        return [
            e
            for e in par_type[type_.value]
            if (e.donnees.get(champ) == step_id if champ else step_id in e.liens.values())
        ]

    naissance = identite["date_naissance"]
    protection = derniere(TypeEtape.PROTECTION_ACCORDEE)
    titres = [t_ for t_ in par_type[TypeEtape.TITRE_SEJOUR_DELIVRE.value]]
    premiers = [t_ for t_ in titres if t_.donnees.get("premier_titre")]
    fenetre_fin = add_months(date.fromisoformat(min(p.donnees["valid_from"] for p in premiers)), 60) if premiers else None
    cir = derniere(TypeEtape.CIR_SIGNE)
    prescription = derniere(TypeEtape.FORMATION_LINGUISTIQUE_PRESCRITE)
    orientation = derniere(TypeEtape.ORIENTATION_SPE)
    orientation_agir = derniere(TypeEtape.ORIENTATION_AGIR)
    logement = derniere(TypeEtape.SITUATION_LOGEMENT)
    episodes = _episodes_ouverts(par_type)
    drapeaux = [
        {"step_id": e.step_id, "type": e.type, **d}
        for e in etapes
        for d in e.drapeaux
    ]
    if fenetre_fin is not None and aujourdhui >= fenetre_fin:
        drapeaux.insert(0, {"code": "HORS_FENETRE_5_ANS", "message": f"fenêtre de 5 ans close le {fenetre_fin:%d/%m/%Y}."})
    return {
        "parcours_id": parcours_id,
        "identite": {
            "nom": identite["nom"],
            "prenom": identite["prenom"],
            "date_naissance": naissance,
            "age": age_revolu(naissance, aujourdhui) if naissance else None,
            "sexe": identite["sexe"],
            "nationalite": identite["nationalite"],
            "departement": identite["departement"],
            "menage": identite["menage"],
        },
        "statut": {
            "protection": protection.donnees.get("type") if protection else None,
            "protection_depuis": protection.donnees.get("decision_date") if protection else None,
            "titre": titres[-1].donnees if titres else None,
            "fenetre_5_ans_fin": fenetre_fin,
        },
        "cir": cir and {
            "signe_le": cir.occurred_on,
            "dt_ofii": cir.donnees.get("dt_ofii"),
            "journees_civiques_presentes": sorted(
                {int(j.donnees["jour"]) for j in par_type[TypeEtape.FORMATION_CIVIQUE_JOURNEE.value] if j.donnees.get("present")}
            ),
            "entretien_fin_cir": (e := derniere(TypeEtape.ENTRETIEN_FIN_CIR)) and {"le": e.occurred_on, **e.donnees},
        },
        "langue": {
            "positionnement": (p := derniere(TypeEtape.POSITIONNEMENT_LINGUISTIQUE)) and p.donnees,
            "formation": prescription and {
                "step_id": prescription.step_id,
                "prescrite_le": prescription.occurred_on,
                **prescription.donnees,
                "heures_realisees": sum(float(h.donnees["heures_realisees"]) for h in liees(prescription.step_id, TypeEtape.FORMATION_LINGUISTIQUE_HEURES)),
                "derniere_evaluation": (ev := liees(prescription.step_id, TypeEtape.EVALUATION_LINGUISTIQUE)) and ev[-1].donnees,
                "terminee": (fin := liees(prescription.step_id, TypeEtape.FORMATION_LINGUISTIQUE_TERMINEE)) and {"le": fin[0].occurred_on, **fin[0].donnees},
            },
            "dispense": (d := derniere(TypeEtape.DISPENSE_FORMATION_LINGUISTIQUE)) and d.donnees,
        },
        "orientation": orientation and {
            "step_id": orientation.step_id,
            "le": orientation.occurred_on,
            **orientation.donnees,
            "decision": _decision(par_type, orientation.step_id),
        },
        "dispense_orientation": (d := derniere(TypeEtape.DISPENSE_ORIENTATION_SPE)) and {"le": d.occurred_on, **d.donnees},
        "agir": orientation_agir and {
            "orientation_le": orientation_agir.occurred_on,
            "vers": orientation_agir.donnees.get("vers"),
            "decision": _decision(par_type, orientation_agir.step_id),
            "accueil": (ac := derniere(TypeEtape.AGIR_ACCUEIL)) and {"le": ac.occurred_on, **ac.donnees},
            "refus": (rf := derniere(TypeEtape.AGIR_REFUS)) and rf.occurred_on >= orientation_agir.occurred_on
            and {"le": rf.occurred_on, **rf.donnees},
            "entree": (a := derniere(TypeEtape.AGIR_ENTREE)) and {"le": a.occurred_on, **a.donnees},
            "sortie": (s := derniere(TypeEtape.AGIR_SORTIE)) and {"le": s.occurred_on, **s.donnees},
        },
        "logement": logement and {
            "le": logement.occurred_on,
            "situation": logement.donnees.get("situation"),
            "perenne": logement.donnees.get("situation") in PERENNES,
        },
        "emploi": {
            "episodes_ouverts": episodes,
            "dernier_contrat": (c := derniere(TypeEtape.CONTRAT_TRAVAIL_DEBUTE)) and c.donnees,
            "derniere_formation": (f := derniere(TypeEtape.ENTREE_FORMATION)) and f.donnees,
            "derniere_sortie": (so := derniere(TypeEtape.SORTIE_ACCOMPAGNEMENT)) and {"le": so.occurred_on, "operateur": so.operateur, **so.donnees},
        },
        "drapeaux": drapeaux,
    }


def _decision(par_type: dict[str, list[EtapeLue]], orientation_id: str) -> dict[str, Any] | None:
    for type_ in (TypeEtape.ORIENTATION_ACCEPTEE, TypeEtape.ORIENTATION_REFUSEE):
        for etape in par_type[type_.value]:
            if etape.donnees.get("orientation_step_id") == orientation_id:
                return {"type": etape.type, "le": etape.occurred_on, "operateur": etape.operateur, **etape.donnees}
    return None


def _episodes_ouverts(par_type: dict[str, list[EtapeLue]]) -> list[dict[str, Any]]:
    sorties = {s.operateur: s for s in par_type[TypeEtape.SORTIE_ACCOMPAGNEMENT.value]}
    ouverts = []
    for entree in par_type[TypeEtape.ACCOMPAGNEMENT_EMPLOI_DEBUTE.value]:
        sortie = sorties.get(entree.operateur)
        if sortie is None or sortie.occurred_on < entree.occurred_on:
            ouverts.append({"step_id": entree.step_id, "operateur": entree.operateur, "depuis": entree.occurred_on, **entree.donnees})
    return ouverts


# Worklists ----------------------------------------------------------------------------------------


def listes_de_travail(connexion: sa.Connection, operateur: str, aujourdhui: date, nommer: Callable[[str], str] = str,
                      seulement: Iterable[str] | None = None) -> dict[str, list[dict[str, Any]]]:
    """Each list names the person, the due date and the form (step type and pre-filled fields) that clears it.
    `nommer` words the codes a detail mentions (operators, exit categories): pages pass names, the API keeps codes.
    `seulement` names the lists a page shows, when it does not show them all."""
    listes = lignes_des_listes(connexion, operateur, aujourdhui, nommer, seulement)
    nommer_les_personnes(connexion, [ligne for lignes in listes.values() for ligne in lignes])
    return listes


def lignes_des_listes(connexion: sa.Connection, operateur: str, aujourdhui: date, nommer: Callable[[str], str] = str,
                      seulement: Iterable[str] | None = None) -> dict[str, list[dict[str, Any]]]:
    """`listes_de_travail` without the people's names: each list's lines by due date. Opening a name costs a
    decryption, so a page that shows a few lines of a long list names only those (`nommer_les_personnes`)."""
    choisies = LISTES_DE_TRAVAIL if seulement is None else tuple(seulement)
    if inconnues := set(choisies) - set(LISTES_DE_TRAVAIL):
        raise ValueError(f"listes de travail inconnues : {sorted(inconnues)}")
    listes = {nom: lire(connexion, operateur, aujourdhui, nommer) for nom, lire in _LISTES.items() if nom in choisies}
    for lignes in listes.values():
        lignes.sort(key=lambda ligne: ligne["echeance"])
    return listes


def nommer_les_personnes(connexion: sa.Connection, lignes: Iterable[dict[str, Any]]) -> None:
    """Sets each line's `personne` to « Prénom Nom » (empty for a person erased since)."""
    lignes = list(lignes)
    noms = noms_complets(connexion, {ligne["parcours_id"] for ligne in lignes})
    for ligne in lignes:
        ligne["personne"] = noms.get(ligne["parcours_id"], "")


def _suivis_dus(connexion: sa.Connection, operateur: str, aujourdhui: date, nommer: Callable[[str], str] = str) -> list[dict[str, Any]]:
    """Exits of this operator whose follow-up window is open (or about to) and not yet recorded."""
    sorties = courants(TypeEtape.SORTIE_ACCOMPAGNEMENT, alias="sortie")
    suivis = courants(TypeEtape.SUIVI_SIX_MOIS, alias="suivi")
    lignes = connexion.execute(
        sa.select(sorties.c.step_id, sorties.c.parcours_id, sorties.c.occurred_on, sorties.c.categorie)
        .select_from(sorties.outerjoin(suivis, suivis.c.sortie == sorties.c.step_id))
        .where(
            sorties.c.operateur == operateur,
            suivis.c.step_id.is_(None),
            sorties.c.occurred_on <= add_months(aujourdhui, -5),
            sorties.c.occurred_on >= add_months(aujourdhui, -8),
        )
    )
    resultat = []
    for step_id, parcours_id, sortie_le, categorie in lignes:
        debut, fin = fenetre_suivi(sortie_le)
        if debut <= aujourdhui <= fin:
            due = add_months(sortie_le, 6)
            resultat.append(
                {
                    "parcours_id": parcours_id,
                    "echeance": due,
                    "en_retard": aujourdhui > due,
                    "detail": f"sortie du {sortie_le:%d/%m/%Y} ({nommer(categorie)}), à renseigner au plus tard le {fin:%d/%m/%Y}",
                    "formulaire": {"type": TypeEtape.SUIVI_SIX_MOIS.value, "data": {"sortie_step_id": step_id}},
                }
            )
    return resultat


def _orientations_en_attente(connexion: sa.Connection, operateur: str, aujourdhui: date,
                             nommer: Callable[[str], str] = str) -> list[dict[str, Any]]:
    """Orientations received (to answer) or sent (awaiting an answer) with no decision yet."""
    attente = t.etape_en_attente
    lignes = connexion.execute(
        sa.select(attente.c.step_id, attente.c.parcours_id, attente.c.occurred_on, attente.c.type, attente.c.operateur,
                  attente.c.vers)
        .where(attente.c.type.in_([o.value for o in ORIENTATIONS]),
               sa.or_(attente.c.vers == operateur, attente.c.operateur == operateur))
    )
    resultat = []
    for step_id, parcours_id, le, type_, emetteur, vers in lignes:
        recue = vers == operateur
        resultat.append(
            {
                "parcours_id": parcours_id,
                "echeance": le + DELAI_REPONSE_ORIENTATION,
                "en_retard": aujourdhui > le + DELAI_REPONSE_ORIENTATION,
                "sens": "recue" if recue else "envoyee",
                "detail": f"{'reçue de' if recue else 'envoyée à'} {nommer(emetteur if recue else vers)} le {le:%d/%m/%Y}",
                "formulaire": {"type": TypeEtape.ORIENTATION_ACCEPTEE.value, "data": {"orientation_step_id": step_id}}
                if recue
                else None,
                "type": type_,
            }
        )
    return resultat


def _accueils_agir_en_retard(connexion: sa.Connection, operateur: str, aujourdhui: date,
                             nommer: Callable[[str], str] = str) -> list[dict[str, Any]]:
    """AGIR orientations with no intake (`agir_accueil`, or an entry) nor refusal a month after the orientation."""
    orientations = courants(TypeEtape.ORIENTATION_AGIR, alias="orientation")
    entrees = courants(TypeEtape.AGIR_ENTREE, TypeEtape.AGIR_ACCUEIL, alias="entree")
    refus = courants(TypeEtape.ORIENTATION_REFUSEE, TypeEtape.AGIR_REFUS, alias="refus")
    lignes = connexion.execute(
        sa.select(orientations.c.parcours_id, orientations.c.occurred_on, orientations.c.vers)
        .select_from(
            orientations.outerjoin(entrees, entrees.c.orientation == orientations.c.step_id).outerjoin(
                refus, refus.c.orientation == orientations.c.step_id
            )
        )
        .where(
            entrees.c.step_id.is_(None),
            refus.c.step_id.is_(None),
            sa.or_(orientations.c.vers == operateur, orientations.c.operateur == operateur),
        )
    )
    return [
        {
            "parcours_id": parcours_id,
            "echeance": add_months(le, 1),
            "en_retard": True,
            "detail": f"orientée vers {nommer(vers)} le {le:%d/%m/%Y}, accueil non tenu",
            "formulaire": {"type": TypeEtape.AGIR_ACCUEIL.value, "data": {}} if vers == operateur else None,
        }
        for parcours_id, le, vers in dict.fromkeys(lignes)
        if aujourdhui > add_months(le, 1)
    ]


def _entretiens_en_retard(connexion: sa.Connection, operateur: str, aujourdhui: date) -> list[dict[str, Any]]:
    """CIRs signed by this operator with no end-of-CIR interview 3 months after the trainings ended
    (after the signature's first year when no language training was prescribed)."""
    attente = t.etape_en_attente
    prescriptions = courants(TypeEtape.FORMATION_LINGUISTIQUE_PRESCRITE, alias="prescription")
    fins = courants(TypeEtape.FORMATION_LINGUISTIQUE_TERMINEE, alias="fin")
    # The CIRs without an interview, kept by the projection (at 100,000 people, 5,248 of the busiest operator's
    # 38,900 CIRs), first: SQLite would otherwise count every CIR's trainings.
    sans_entretien = (
        sa.select(attente.c.step_id, attente.c.parcours_id, attente.c.occurred_on)
        .where(attente.c.type == TypeEtape.CIR_SIGNE.value, attente.c.operateur == operateur)
        .cte("sans_entretien")
    )
    # Per CIR, its prescriptions (counted), those not ended, and their last end. The same figures by the plan each
    # database runs best: correlated sub-queries on SQLite (grouped, it walks the whole fact table in step_id
    # order: 1.3 s at 100,000 people against 0.06), grouped from the CIRs without an interview on PostgreSQL
    # (correlated, three index probes per CIR: 109 ms against 49).
    avec_fins = prescriptions.outerjoin(fins, fins.c.prescription == prescriptions.c.step_id)
    if connexion.dialect.name == "postgresql":
        groupes = (
            sa.select(prescriptions.c.cir, sa.func.count().label("prescrites"),
                      sa.func.count().filter(fins.c.step_id.is_(None)).label("en_cours"),
                      sa.func.max(fins.c.occurred_on).label("derniere_fin"))
            .select_from(sans_entretien.join(avec_fins, prescriptions.c.cir == sans_entretien.c.step_id))
            .group_by(prescriptions.c.cir)
            .subquery("groupes")
        )
        par_cir = (
            sa.select(sans_entretien.c.parcours_id, sans_entretien.c.occurred_on,
                      sa.func.coalesce(groupes.c.prescrites, 0).label("prescrites"),
                      sa.func.coalesce(groupes.c.en_cours, 0).label("en_cours"), groupes.c.derniere_fin)
            .select_from(sans_entretien.outerjoin(groupes, groupes.c.cir == sans_entretien.c.step_id))
            .subquery("par_cir")
        )
    else:
        de_ce_cir = prescriptions.c.cir == sans_entretien.c.step_id
        par_cir = (
            sa.select(sans_entretien.c.parcours_id, sans_entretien.c.occurred_on,
                      sa.select(sa.func.count()).select_from(prescriptions).where(de_ce_cir).scalar_subquery().label("prescrites"),
                      sa.select(sa.func.count()).select_from(avec_fins).where(de_ce_cir, fins.c.step_id.is_(None))
                      .scalar_subquery().label("en_cours"),
                      sa.select(sa.func.max(fins.c.occurred_on)).select_from(avec_fins).where(de_ce_cir)
                      .scalar_subquery().label("derniere_fin"))
            .subquery("par_cir")
        )
    # The database keeps the CIRs whose interview may be late (`d <= add_months(today, -k)` holds whenever
    # `today > add_months(d, k)`, month ends included); the exact due date is computed below.
    lignes = connexion.execute(
        sa.select(par_cir.c.parcours_id, par_cir.c.occurred_on, par_cir.c.prescrites, par_cir.c.derniere_fin)
        .where(par_cir.c.en_cours == 0,  # a training still runs: not due yet
               sa.or_(sa.and_(par_cir.c.prescrites == 0, par_cir.c.occurred_on <= add_months(aujourdhui, -12)),
                      sa.and_(par_cir.c.prescrites > 0, par_cir.c.derniere_fin <= add_months(aujourdhui, -3))))
    )
    resultat = []
    for parcours_id, signe_le, prescrites_, derniere_fin_ in lignes:
        echeance = add_months(derniere_fin_, 3) if prescrites_ else add_months(signe_le, 12)
        if aujourdhui > echeance:
            resultat.append(
                {
                    "parcours_id": parcours_id,
                    "echeance": echeance,
                    "en_retard": True,
                    "detail": f"CIR signé le {signe_le:%d/%m/%Y}",
                    "formulaire": {"type": TypeEtape.ENTRETIEN_FIN_CIR.value, "data": {}},
                }
            )
    return resultat


def _sorties_sans_contrat(connexion: sa.Connection, operateur: str) -> list[dict[str, Any]]:
    """This operator's EMPLOI_* exits with no contract recorded in the episode (« catégorie sans contrat »,
    CONTRACT §10): the same definition as the flag of `parcours.regles` and the indicator
    `accompagnement_emploi.sorties_emploi_sans_contrat`. Recording the contract clears the line."""
    sorties = courants(TypeEtape.SORTIE_ACCOMPAGNEMENT, alias="sortie")
    entrees = courants(TypeEtape.ACCOMPAGNEMENT_EMPLOI_DEBUTE, alias="entree")
    contrats = courants(TypeEtape.CONTRAT_TRAVAIL_DEBUTE, alias="contrat")
    contrat_de_l_episode = sa.exists().where(
        contrats.c.parcours_id == sorties.c.parcours_id,
        contrats.c.occurred_on >= entrees.c.occurred_on,
        contrats.c.occurred_on <= sorties.c.occurred_on,
    )
    lignes = connexion.execute(
        sa.select(sorties.c.parcours_id, sorties.c.occurred_on, sorties.c.categorie, entrees.c.occurred_on)
        .select_from(sorties.join(entrees, entrees.c.step_id == sorties.c.entree))
        .where(sorties.c.operateur == operateur, sorties.c.categorie.in_(sorted(c.value for c in SORTIES_EMPLOI)),
               sa.not_(contrat_de_l_episode))
    )
    return [
        {
            "parcours_id": parcours_id,
            "echeance": sortie_le,
            "en_retard": False,
            "detail": f"catégorie sans contrat : sortie du {sortie_le:%d/%m/%Y} ({categorie}) sans contrat de travail "
                      f"enregistré depuis l'entrée du {entree_le:%d/%m/%Y}",
            "formulaire": {"type": TypeEtape.CONTRAT_TRAVAIL_DEBUTE.value, "data": {}},
        }
        for parcours_id, sortie_le, categorie, entree_le in lignes
    ]


def _titres_expirant(connexion: sa.Connection, operateur: str, aujourdhui: date) -> list[dict[str, Any]]:
    """People this operator follows whose latest residence permit ends within 60 days."""
    titres = courants(TypeEtape.TITRE_SEJOUR_DELIVRE, alias="titre")
    # Only people with a permit ending within the horizon can be listed: their permits alone are read to
    # find the latest one (not every permit of the operator's pathways).
    a_echeance = courants(TypeEtape.TITRE_SEJOUR_DELIVRE, alias="titre_a_echeance")
    candidats = sa.select(a_echeance.c.parcours_id).where(
        a_echeance.c.valid_to >= aujourdhui, a_echeance.c.valid_to <= aujourdhui + HORIZON_FIN_DE_TITRE
    )
    lignes = connexion.execute(
        sa.select(titres.c.parcours_id, titres.c.valid_from, titres.c.valid_to)
        .join(t.implication, t.implication.c.parcours_id == titres.c.parcours_id)
        .where(t.implication.c.operateur == operateur, titres.c.parcours_id.in_(candidats))
    )
    derniers: dict[str, tuple[date, date | None]] = {}
    for parcours_id, debut, fin in lignes:
        if parcours_id not in derniers or debut > derniers[parcours_id][0]:
            derniers[parcours_id] = (debut, fin)
    return [
        {
            "parcours_id": parcours_id,
            "echeance": fin,
            "en_retard": False,
            "detail": f"titre de séjour valable jusqu'au {fin:%d/%m/%Y}",
            "formulaire": {"type": TypeEtape.TITRE_SEJOUR_DELIVRE.value, "data": {}},
        }
        for parcours_id, (_, fin) in derniers.items()
        if fin is not None and aujourdhui <= fin <= aujourdhui + HORIZON_FIN_DE_TITRE
    ]


_LISTES: dict[str, Callable[[sa.Connection, str, date, Callable[[str], str]], list[dict[str, Any]]]] = {
    "suivis_six_mois": _suivis_dus,
    "orientations_en_attente": _orientations_en_attente,
    "accueils_agir_en_retard": _accueils_agir_en_retard,
    "accueils_agir_a_tenir": lambda connexion, operateur, aujourdhui, _: accueils_agir_a_tenir(connexion, operateur, aujourdhui),
    "agir_24_mois": lambda connexion, operateur, aujourdhui, _: agir_24_mois(connexion, operateur, aujourdhui),
    "entretiens_fin_cir_en_retard": lambda connexion, operateur, aujourdhui, _: _entretiens_en_retard(connexion, operateur, aujourdhui),
    "titres_expirant": lambda connexion, operateur, aujourdhui, _: _titres_expirant(connexion, operateur, aujourdhui),
    "sorties_sans_contrat": lambda connexion, operateur, _, __: _sorties_sans_contrat(connexion, operateur),
}
LISTES_DE_TRAVAIL = tuple(_LISTES)
"""The worklists, in the order the API and the pages give them."""

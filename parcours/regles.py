"""The rules of CONTRACT §3: hard rules reject a step, soft rules flag it and let it through.

`verifier(historique, etape, contexte)` checks one proposed step against the person's effective
history and returns what the step is linked to (its CIR, prescription, episode…) and its soft flags;
it raises `EtapeRejeteeError`, naming the field, when a hard rule is broken. One function per step
type, registered in `REGLES`. Pure Python: imports only the standard library and `parcours`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from parcours.dates import add_months, age_revolu, contrat_durable, fenetre_suivi
from parcours.erreurs import EtapeRejeteeError, OperateurInconnuError
from parcours.historique import EtapeTenue, Historique
from parcours.vocabulaire import (
    ETAPES_D_ACTION,
    ETAPES_PERSONNE_ET_ACTION,
    ETAPES_RATTACHABLES_A_UNE_ACTION,
    CONTRATS_A_DUREE_DETERMINEE,
    CONTRATS_TOUJOURS_DURABLES,
    FORMATIONS_DURABLES,
    LOGEMENTS_PERENNES,
    OPERATEURS_SPE,
    SORTIES_EMPLOI,
    SOUS_MOTIFS,
    MotifChoixSpe,
    MotifFinFormation,
    MotifSejour,
    MotifSortieAgir,
    NiveauLangue,
    TypeEtape,
    TypeFormationLinguistique,
    TypeContrat,
    TypeFormationPro,
    Thematique,
    TypeOperateur,
    VoletAgir,
)

DEBUT_FRANCE_TRAVAIL = date(2024, 1, 1)
DUREE_MAX_AGIR_MOIS = 24
DELAI_ACCUEIL_AGIR_MOIS = 1
"""AGIR's intake is held within a month of the orientation (reference/domain.md glossary #31, R-16)."""
DUREE_MAX_CIR_MOIS = 24
"""A CIR lasts one year and may be extended once by at most one year (R413-4)."""
PRECISION_HEURES = 6
"""Decimal places kept when summing training hours against the forfait + 10 % ceiling."""


@dataclass(frozen=True)
class OperateurConnu:
    """What the rules know of a registered operator (the aggregate is `parcours.index.Operateur`)."""

    id: str
    type: TypeOperateur
    departement: str
    nom: str = ""
    libelle_source: str | None = None
    """`POLE_EMPLOI` when registered under the pre-2024 name."""


@dataclass(frozen=True)
class ActionConnue:
    """What the rules need to know of a funded action (CONTRACT §8): its carrier and its thematics."""

    id: str
    porteur: str
    annee: int
    thematiques: frozenset[Thematique]


def _aucune_action(action_id: str) -> ActionConnue | None:
    return None


def _personne_hors_action(parcours_id: UUID, action_id: str, jour: date) -> str | None:
    return "personne inconnue."


def _binome_libre(action_id: str, reference: str, step_id: UUID) -> bool:
    return False


@dataclass(frozen=True)
class Referentiel:
    """What the rules look up beyond the person's history: the operators, the funded actions, today."""

    operateur: Callable[[str], OperateurConnu | None]
    aujourdhui: date | None = None
    """None while re-checking past steps: "not in the future" was checked when they were recorded."""
    action: Callable[[str], ActionConnue | None] = _aucune_action
    """The funded action of that id, if declared."""
    hors_de_l_action: Callable[[UUID, str, date], str | None] = _personne_hors_action
    """Why that person cannot be counted present in that action on that day (None: inscribed, not exited)."""
    binome_pris: Callable[[str, str, UUID], bool] = _binome_libre
    """Whether another step already formed the pair of that reference in that action."""


@dataclass
class Verdict:
    liens: dict[str, UUID] = field(default_factory=dict)
    drapeaux: list[dict[str, str]] = field(default_factory=list)

    def signaler(self, code: str, message: str) -> None:
        self.drapeaux.append({"code": code, "message": message})


Regle = Callable[[Historique, EtapeTenue, Referentiel, Verdict], None]
REGLES: dict[TypeEtape, Regle] = {}


def regle(type_etape: TypeEtape) -> Callable[[Regle], Regle]:
    def enregistrer(fonction: Regle) -> Regle:
        REGLES[type_etape] = fonction
        return fonction

    return enregistrer


def rejet(champ: str, message: str) -> EtapeRejeteeError:
    return EtapeRejeteeError(message, champ)


def verifier(historique: Historique, etape: EtapeTenue, contexte: Referentiel) -> Verdict:
    """Check `etape` against the history recorded before it; raise on a hard rule."""
    verdict = Verdict()
    operateur = contexte.operateur(etape.operateur)
    if operateur is None:
        raise OperateurInconnuError(etape.operateur)
    if contexte.aujourdhui is not None and etape.occurred_on > contexte.aujourdhui:
        raise rejet("occurred_on", f"la date {etape.occurred_on:%d/%m/%Y} est dans le futur.")
    naissance = etape.get("date_naissance") if etape.type is TypeEtape.PERSONNE_ENREGISTREE else historique.date_naissance
    if naissance is not None and etape.occurred_on < naissance:
        raise rejet("occurred_on", f"la date {etape.occurred_on:%d/%m/%Y} précède la naissance.")
    if etape.action is not None and etape.type not in ETAPES_PERSONNE_ET_ACTION | ETAPES_RATTACHABLES_A_UNE_ACTION:
        raise rejet("action", f"une étape « {etape.type.value} » ne se rattache pas à une action.")
    if etape.type in ETAPES_RATTACHABLES_A_UNE_ACTION and etape.action is not None:
        action_du_porteur(etape, contexte)
    REGLES[etape.type](historique, etape, contexte, verdict)
    return verdict


def action_du_porteur(etape: EtapeTenue, contexte: Referentiel) -> ActionConnue:
    """The declared action the step names; only its carrier records on it."""
    if etape.action is None:
        raise rejet("action", f"une étape « {etape.type.value} » indique son action (identifiant).")
    action = contexte.action(etape.action)
    if action is None:
        raise rejet("action", f"action inconnue « {etape.action} » : déclarez-la d'abord (action_declaree).")
    if action.porteur != etape.operateur:
        raise rejet("operateur", f"seul le porteur de l'action « {action.id} » ({action.porteur}) enregistre sur elle.")
    return action


def _type_operateur(contexte: Referentiel, operateur_id: str, champ: str) -> OperateurConnu:
    operateur = contexte.operateur(operateur_id)
    if operateur is None:
        raise OperateurInconnuError(operateur_id, champ)
    return operateur


def _exiger_ofii(contexte: Referentiel, etape: EtapeTenue) -> None:
    if _type_operateur(contexte, etape.operateur, "operateur").type is not TypeOperateur.OFII:
        raise rejet("operateur", f"une étape « {etape.type.value} » est enregistrée par l'OFII.")


def _exiger_cir(historique: Historique, etape: EtapeTenue, verdict: Verdict) -> EtapeTenue:
    cir = historique.cir_du(etape.occurred_on)
    if cir is None:
        raise rejet("type", f"« {etape.type.value} » demande un CIR signé au plus tard le {etape.occurred_on:%d/%m/%Y}.")
    verdict.liens["cir"] = cir.step_id
    return cir


def _signaler_hors_fenetre(historique: Historique, etape: EtapeTenue, verdict: Verdict) -> None:
    premier = historique.premier_titre()
    if premier is not None and etape.occurred_on >= add_months(premier.get("valid_from"), 60):
        verdict.signaler("HORS_FENETRE_5_ANS", "étape plus de 5 ans après le premier titre de séjour.")


# Identity, status, residence ------------------------------------------------------------------


@regle(TypeEtape.PERSONNE_ENREGISTREE)
def _personne_enregistree(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    if _type_operateur(contexte, etape.operateur, "operateur").type not in OPERATEURS_QUI_ENREGISTRENT:
        raise rejet("operateur", "ce type d'opérateur n'enregistre pas de personne : demandez à l'OFII, à la préfecture "
                                 "ou à l'opérateur qui l'accompagne.")
    if historique.identite is not None:
        raise rejet("type", "cette personne est déjà enregistrée.")


@regle(TypeEtape.TITRE_SEJOUR_DELIVRE)
def _titre_sejour(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    motif, sous_motif = etape.get("motif"), etape.get("sous_motif")
    if sous_motif not in SOUS_MOTIFS[motif]:
        # The input syntax checks it too, but a correction of one of the two fields alone must not escape it.
        raise rejet("data.sous_motif", f"sous-motif « {sous_motif} » inconnu pour le motif {motif.value}.")
    valid_to = etape.get("valid_to")
    if valid_to is not None and valid_to < etape.get("valid_from"):
        raise rejet("data.valid_to", "la fin de validité précède le début.")
    if etape.get("premier_titre") and historique.premier_titre() is not None:
        verdict.signaler("PREMIER_TITRE_EN_DOUBLE", "un premier titre est déjà enregistré : la fenêtre de 5 ans part du plus ancien.")


@regle(TypeEtape.PROTECTION_ACCORDEE)
def _protection(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    if etape.get("decision_date") > etape.occurred_on:
        verdict.signaler("DECISION_POSTERIEURE", "la décision est datée après l'étape.")


# CIR and training --------------------------------------------------------------------------------


@regle(TypeEtape.CIR_SIGNE)
def _cir_signe(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    titres = [
        t
        for t in historique.de_type(TypeEtape.TITRE_SEJOUR_DELIVRE)
        if t.get("premier_titre") and t.get("valid_from") <= etape.occurred_on
    ]
    if not titres:
        raise rejet("type", "le CIR demande un premier titre de séjour valable à la date de signature.")
    if all(t.get("motif") is MotifSejour.ETUDIANT for t in titres):
        raise rejet("type", "un titre de séjour « étudiant » ne donne pas lieu à un CIR.")
    verdict.liens["titre"] = next(t for t in reversed(titres) if t.get("motif") is not MotifSejour.ETUDIANT).step_id
    naissance = historique.date_naissance
    if naissance is not None:
        age = age_revolu(naissance, etape.occurred_on)
        if age < 16:
            raise rejet("occurred_on", f"le CIR se signe à partir de 16 ans (la personne a {age} ans).")
        if age < 18 and not etape.get("representant_legal"):
            raise rejet("data.representant_legal", "obligatoire pour une personne de 16 ou 17 ans.")
    for cir in historique.de_type(TypeEtape.CIR_SIGNE):
        if not historique.cir_clos(cir) and etape.occurred_on < add_months(cir.occurred_on, DUREE_MAX_CIR_MOIS):
            raise rejet("type", f"un CIR signé le {cir.occurred_on:%d/%m/%Y} est encore en cours.")
    if historique.de_type(TypeEtape.CIR_SIGNE):
        verdict.signaler("NOUVEAU_CIR", "nouvelle signature après un premier CIR (L413-4).")
    _signaler_hors_fenetre(historique, etape, verdict)


@regle(TypeEtape.POSITIONNEMENT_LINGUISTIQUE)
def _positionnement(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    return None


@regle(TypeEtape.FORMATION_CIVIQUE_JOURNEE)
def _journee_civique(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    cir = _exiger_cir(historique, etape, verdict)
    if etape.get("present"):
        for journee in historique.liees_a(cir.step_id, TypeEtape.FORMATION_CIVIQUE_JOURNEE):
            if journee.get("jour") == etape.get("jour") and journee.get("present"):
                raise rejet("data.jour", f"la présence au jour {etape.get('jour')} est déjà enregistrée.")


def _niveau_global(positionnement: EtapeTenue) -> NiveauLangue:
    return min(positionnement.get("niveau_oral"), positionnement.get("niveau_ecrit"), key=lambda n: n.rang)


@regle(TypeEtape.FORMATION_LINGUISTIQUE_PRESCRITE)
def _prescription(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    cir = _exiger_cir(historique, etape, verdict)
    positionnement = historique.derniere(TypeEtape.POSITIONNEMENT_LINGUISTIQUE, jusquau=etape.occurred_on)
    if etape.get("type") is TypeFormationLinguistique.CIR_OBLIGATOIRE:
        if positionnement is None:
            raise rejet("data.type", "une formation CIR_OBLIGATOIRE demande un positionnement linguistique préalable.")
        if _niveau_global(positionnement).rang >= NiveauLangue.A1.rang:
            raise rejet("data.type", "une formation CIR_OBLIGATOIRE n'est prescrite que sous le niveau A1 (oral ou écrit).")
        if historique.liees_a(cir.step_id, TypeEtape.DISPENSE_FORMATION_LINGUISTIQUE):
            raise rejet("data.type", "une dispense de formation linguistique est enregistrée pour ce CIR.")
        if etape.get("forfait_h") == 600 and not positionnement.get("non_lecteur_non_scripteur"):
            verdict.signaler("FORFAIT_600_SANS_NLNS", "forfait de 600 h pour une personne non signalée non lectrice non scriptrice.")
    if positionnement is not None:
        verdict.liens["positionnement"] = positionnement.step_id
    if historique.prescription_en_cours(etape.occurred_on) is not None:
        verdict.signaler("FORMATION_EN_COURS", "une formation linguistique précédente n'est pas terminée.")


@regle(TypeEtape.DISPENSE_FORMATION_LINGUISTIQUE)
def _dispense_formation(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    cir = _exiger_cir(historique, etape, verdict)
    for prescription in historique.liees_a(cir.step_id, TypeEtape.FORMATION_LINGUISTIQUE_PRESCRITE):
        if prescription.get("type") is TypeFormationLinguistique.CIR_OBLIGATOIRE:
            raise rejet("type", "une formation CIR_OBLIGATOIRE est déjà prescrite pour ce CIR.")


def _exiger_prescription(historique: Historique, etape: EtapeTenue, verdict: Verdict, en_cours: bool) -> EtapeTenue:
    if en_cours:
        prescription = historique.prescription_en_cours(etape.occurred_on)
        manque = "une formation linguistique prescrite et non terminée"
    else:
        prescription = historique.derniere(TypeEtape.FORMATION_LINGUISTIQUE_PRESCRITE, jusquau=etape.occurred_on)
        manque = "une formation linguistique prescrite"
    if prescription is None:
        raise rejet("type", f"« {etape.type.value} » demande {manque} au {etape.occurred_on:%d/%m/%Y}.")
    verdict.liens["prescription"] = prescription.step_id
    return prescription


@regle(TypeEtape.FORMATION_LINGUISTIQUE_HEURES)
def _heures(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    if etape.get("periode_fin") < etape.get("periode_debut"):
        raise rejet("data.periode_fin", "la fin de période précède son début.")
    prescription = _exiger_prescription(historique, etape, verdict, en_cours=True)
    deja = sum(h.get("heures_realisees") for h in historique.liees_a(prescription.step_id, TypeEtape.FORMATION_LINGUISTIQUE_HEURES))
    # Hours are decimal quantities held in floats: compare at a precision far below a minute, so that
    # declarations summing to exactly forfait + 10 % (256.1 + 256.3 + 147.6 = 660) are not refused.
    total = round(deja + etape.get("heures_realisees"), PRECISION_HEURES)
    plafond = prescription.get("forfait_h") * 11 / 10
    if total > plafond:
        raise rejet(
            "data.heures_realisees",
            f"{total:g} h réalisées dépasseraient le forfait de "
            f"{prescription.get('forfait_h')} h majoré de 10 % ({plafond:g} h).",
        )
    if etape.get("heures_realisees") > etape.get("heures_planifiees"):
        verdict.signaler("HEURES_AU_DELA_DU_PLANNING", "plus d'heures réalisées que planifiées sur la période.")


@regle(TypeEtape.EVALUATION_LINGUISTIQUE)
def _evaluation(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    _exiger_prescription(historique, etape, verdict, en_cours=False)


@regle(TypeEtape.FORMATION_LINGUISTIQUE_TERMINEE)
def _fin_formation(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    prescription = _exiger_prescription(historique, etape, verdict, en_cours=True)
    if etape.get("motif") is MotifFinFormation.NIVEAU_CIBLE_ATTEINT_ANTICIPE:
        cible = prescription.get("niveau_cible").rang
        evaluations = [
            e
            for e in historique.liees_a(prescription.step_id, TypeEtape.EVALUATION_LINGUISTIQUE)
            if e.occurred_on <= etape.occurred_on
        ]
        if not any(_niveau_global(e).rang >= cible for e in evaluations):
            raise rejet(
                "data.motif",
                f"NIVEAU_CIBLE_ATTEINT_ANTICIPE demande une évaluation au niveau {prescription.get('niveau_cible').value} ou plus.",
            )


@regle(TypeEtape.ENTRETIEN_FIN_CIR)
def _entretien_fin_cir(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    cir = _exiger_cir(historique, etape, verdict)
    if historique.liees_a(cir.step_id, TypeEtape.ENTRETIEN_FIN_CIR):
        verdict.signaler("ENTRETIEN_EN_DOUBLE", "un entretien de fin de CIR est déjà enregistré pour ce CIR.")
    fins = [historique.formation_terminee(p) for p in historique.liees_a(cir.step_id, TypeEtape.FORMATION_LINGUISTIQUE_PRESCRITE)]
    fins = [f for f in fins if f is not None]
    if fins and etape.occurred_on > add_months(max(f.occurred_on for f in fins), 3):
        verdict.signaler("ENTRETIEN_TARDIF", "entretien plus de 3 mois après la fin des formations (R413-14).")


# Orientations ------------------------------------------------------------------------------------


def _orientations_du_cir(historique: Historique, etape: EtapeTenue, types: tuple[TypeEtape, ...]) -> list[EtapeTenue]:
    cir = historique.cir_du(etape.occurred_on)
    cir_id = cir.step_id if cir else None
    return [e for e in historique.de_type(*types) if e.liens.get("cir") == cir_id]


@regle(TypeEtape.ORIENTATION_SPE)
def _orientation_spe(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    _exiger_ofii(contexte, etape)
    destinataire = _type_operateur(contexte, etape.get("vers"), "data.vers")
    if destinataire.type not in OPERATEURS_SPE:
        raise rejet("data.vers", f"« {destinataire.id} » n'est pas un opérateur du service public de l'emploi.")
    if destinataire.libelle_source == "POLE_EMPLOI" and etape.occurred_on >= DEBUT_FRANCE_TRAVAIL:
        raise rejet("data.vers", "Pôle emploi est devenu France Travail le 01/01/2024 : orientez vers France Travail.")
    cir = historique.cir_du(etape.occurred_on)
    if cir is not None:
        verdict.liens["cir"] = cir.step_id
    if _orientations_du_cir(historique, etape, (TypeEtape.DISPENSE_ORIENTATION_SPE,)):
        raise rejet("type", "la personne a demandé expressément à être dispensée d'orientation pour ce CIR.")
    naissance = historique.date_naissance
    if naissance is not None:
        moins_de_26 = age_revolu(naissance, etape.occurred_on) < 26
        motif = etape.get("motif_choix")
        if moins_de_26 and destinataire.type is not TypeOperateur.MISSION_LOCALE and motif not in (MotifChoixSpe.RQTH, MotifChoixSpe.CADRE):
            raise rejet("data.motif_choix", "moins de 26 ans : la Mission locale s'impose sauf motif RQTH ou CADRE.")
        if not moins_de_26 and motif is MotifChoixSpe.AGE_MOINS_26:
            raise rejet("data.motif_choix", "AGE_MOINS_26 ne s'applique pas : la personne a 26 ans ou plus.")


@regle(TypeEtape.DISPENSE_ORIENTATION_SPE)
def _dispense_orientation(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    _exiger_ofii(contexte, etape)
    if etape.get("demande_expresse") is not True:
        raise rejet("data.demande_expresse", "la dispense suppose la demande expresse de la personne (true).")
    cir = historique.cir_du(etape.occurred_on)
    if cir is not None:
        verdict.liens["cir"] = cir.step_id
    for orientation in _orientations_du_cir(historique, etape, (TypeEtape.ORIENTATION_SPE,)):
        decision = historique.decision_sur(orientation.step_id)
        if decision is None or decision.type is not TypeEtape.ORIENTATION_REFUSEE:
            raise rejet("type", "une orientation vers le service public de l'emploi est déjà enregistrée pour ce CIR.")


def _decision(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    orientation_id = etape.get("orientation_step_id")
    orientation = historique.etape(orientation_id)
    if orientation is None or orientation.type not in (TypeEtape.ORIENTATION_SPE, TypeEtape.ORIENTATION_AGIR):
        raise rejet("data.orientation_step_id", "aucune orientation de cette personne ne porte cet identifiant.")
    if etape.operateur != orientation.get("vers"):
        raise rejet("operateur", f"seul l'opérateur destinataire « {orientation.get('vers')} » peut répondre à cette orientation.")
    if historique.decision_sur(orientation_id) is not None:
        raise rejet("data.orientation_step_id", "cette orientation a déjà reçu une réponse.")
    refus = historique.refus_agir(orientation)
    if refus is not None:
        raise rejet("data.orientation_step_id", f"cette orientation AGIR a été close par un refus le {refus.occurred_on:%d/%m/%Y}.")
    if etape.occurred_on < orientation.occurred_on:
        raise rejet("occurred_on", "la réponse précède l'orientation.")
    verdict.liens["orientation"] = orientation_id


@regle(TypeEtape.ORIENTATION_ACCEPTEE)
def _orientation_acceptee(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    _decision(historique, etape, contexte, verdict)


@regle(TypeEtape.ORIENTATION_REFUSEE)
def _orientation_refusee(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    if not etape.get("motif"):
        raise rejet("data.motif", "le motif est obligatoire pour refuser une orientation.")
    _decision(historique, etape, contexte, verdict)


# AGIR --------------------------------------------------------------------------------------------


@regle(TypeEtape.ORIENTATION_AGIR)
def _orientation_agir(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    destinataire = _type_operateur(contexte, etape.get("vers"), "data.vers")
    if destinataire.type is not TypeOperateur.AGIR:
        raise rejet("data.vers", f"« {destinataire.id} » n'est pas un opérateur AGIR.")
    _exiger_cir(historique, etape, verdict)
    if etape.get("derogation_prefet"):
        verdict.signaler("DEROGATION_PREFET", "orientation AGIR sur dérogation du préfet.")
        return
    protection = historique.protection_du(etape.occurred_on)
    annee = etape.occurred_on.year
    if protection is None or protection.get("decision_date").year not in (annee, annee - 1):
        raise rejet(
            "type",
            f"AGIR demande une protection accordée en {annee - 1} ou {annee} (ou derogation_prefet: true).",
        )
    verdict.liens["protection"] = protection.step_id


def _exiger_operateur_agir(contexte: Referentiel, etape: EtapeTenue) -> None:
    if _type_operateur(contexte, etape.operateur, "operateur").type is not TypeOperateur.AGIR:
        raise rejet("operateur", f"une étape « {etape.type.value} » est enregistrée par un opérateur AGIR.")


def _orientation_agir_ouverte(historique: Historique, etape: EtapeTenue, verdict: Verdict) -> EtapeTenue:
    """The latest AGIR orientation on or before the step, sent to its operator and not closed by a refusal."""
    orientation = historique.derniere(TypeEtape.ORIENTATION_AGIR, jusquau=etape.occurred_on)
    if orientation is None:
        raise rejet("type", f"« {etape.type.value} » demande une orientation AGIR au plus tard le {etape.occurred_on:%d/%m/%Y}.")
    if orientation.get("vers") != etape.operateur:
        raise rejet("operateur", f"la personne a été orientée vers « {orientation.get('vers')} » : seul cet opérateur AGIR l'enregistre.")
    refus = historique.refus_agir(orientation)
    if refus is not None:
        raise rejet("type", f"l'orientation AGIR du {orientation.occurred_on:%d/%m/%Y} a été close par un refus le {refus.occurred_on:%d/%m/%Y}.")
    verdict.liens["orientation"] = orientation.step_id
    return orientation


@regle(TypeEtape.AGIR_ACCUEIL)
def _agir_accueil(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    _exiger_operateur_agir(contexte, etape)
    orientation = _orientation_agir_ouverte(historique, etape, verdict)
    deja = historique.liees_a(orientation.step_id, TypeEtape.AGIR_ACCUEIL)
    if deja:
        raise rejet("type", f"l'accueil de cette orientation AGIR est déjà enregistré (le {deja[0].occurred_on:%d/%m/%Y}).")
    if etape.occurred_on > add_months(orientation.occurred_on, DELAI_ACCUEIL_AGIR_MOIS):
        jours = (etape.occurred_on - orientation.occurred_on).days
        verdict.signaler("AGIR_ACCUEIL_HORS_DELAI", f"accueil {jours} jours après l'orientation AGIR (plus d'un mois).")


@regle(TypeEtape.AGIR_REFUS)
def _agir_refus(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    _exiger_operateur_agir(contexte, etape)
    orientation = _orientation_agir_ouverte(historique, etape, verdict)
    entrees = historique.liees_a(orientation.step_id, TypeEtape.AGIR_ENTREE)
    if entrees:
        raise rejet("type", f"la personne est entrée dans AGIR le {entrees[0].occurred_on:%d/%m/%Y} : enregistrez une sortie, pas un refus.")


@regle(TypeEtape.AGIR_VOLET_CLOTURE)
def _agir_volet_cloture(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    _exiger_operateur_agir(contexte, etape)
    entree = historique.episode_agir_ouvert(etape.occurred_on)
    if entree is None:
        raise rejet("type", "aucun accompagnement AGIR en cours à cette date.")
    if etape.occurred_on < entree.occurred_on:
        raise rejet("occurred_on", f"la clôture précède l'entrée dans AGIR du {entree.occurred_on:%d/%m/%Y}.")
    verdict.liens["entree"] = entree.step_id
    volet: VoletAgir = etape.get("volet")
    if volet not in entree.get("volets"):
        raise rejet("data.volet", f"le volet {volet.value} n'a pas été ouvert à l'entrée dans AGIR.")
    for cloture in historique.liees_a(entree.step_id, TypeEtape.AGIR_VOLET_CLOTURE):
        if cloture.get("volet") is volet:
            raise rejet("data.volet", f"le volet {volet.value} est déjà clôturé (le {cloture.occurred_on:%d/%m/%Y}).")


@regle(TypeEtape.AGIR_ENTREE)
def _agir_entree(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    if _type_operateur(contexte, etape.operateur, "operateur").type is not TypeOperateur.AGIR:
        raise rejet("operateur", "l'entrée dans AGIR est enregistrée par un opérateur AGIR.")
    orientation = historique.derniere(TypeEtape.ORIENTATION_AGIR, jusquau=etape.occurred_on)
    if orientation is None:
        raise rejet("type", "l'entrée dans AGIR demande une orientation AGIR préalable.")
    verdict.liens["orientation"] = orientation.step_id
    if orientation.get("vers") != etape.operateur:
        verdict.signaler("AGIR_AUTRE_OPERATEUR", f"la personne avait été orientée vers « {orientation.get('vers')} ».")
    decision = historique.decision_sur(orientation.step_id)
    if decision is not None and decision.type is TypeEtape.ORIENTATION_REFUSEE:
        verdict.signaler("AGIR_ORIENTATION_REFUSEE", "l'orientation AGIR avait été refusée.")
    refus = historique.refus_agir(orientation)
    if refus is not None:
        raise rejet("type", f"l'orientation AGIR du {orientation.occurred_on:%d/%m/%Y} a été close par un refus le {refus.occurred_on:%d/%m/%Y}.")
    if historique.episode_agir_ouvert() is not None:
        raise rejet("type", "un accompagnement AGIR est déjà en cours.")
    cir = historique.cir_du(etape.occurred_on)
    if cir is not None and etape.occurred_on > add_months(cir.occurred_on, 1):
        verdict.signaler("AGIR_ACCUEIL_TARDIF", "entrée dans AGIR plus d'un mois après la signature du CIR.")


def contrat_durable_actif(type_contrat: TypeContrat, debut: date, fin: date | None, jour: date, strict: bool = False) -> bool:
    """A lasting job on `jour`: started on or before it, not ended before it, and durable (CONTRACT §4; `strict`:
    a fixed-term contract must run more than six months, CONTRACT §10, for counts that follow that switch)."""
    if debut > jour or (fin is not None and fin < jour):
        return False
    return type_contrat in CONTRATS_TOUJOURS_DURABLES or (
        type_contrat in CONTRATS_A_DUREE_DETERMINEE and contrat_durable(debut, fin, strict)
    )


def formation_durable_active(type_formation: TypeFormationPro, debut: date, fin: date | None, jour: date) -> bool:
    """A qualifying, certifying or diploma training under way on `jour`."""
    return type_formation in FORMATIONS_DURABLES and debut <= jour and (fin is None or fin >= jour)


def emploi_ou_formation_durable(historique: Historique, jour: date, strict: bool = False) -> EtapeTenue | None:
    """A durable job or qualifying training active on `jour` (reference/domain.md R-17): one that starts
    the day after does not count."""
    for contrat in reversed(historique.de_type(TypeEtape.CONTRAT_TRAVAIL_DEBUTE, jusquau=jour)):
        if contrat_durable_actif(contrat.get("type_contrat"), contrat.get("date_debut"), contrat.get("date_fin_prevue"), jour, strict):
            return contrat
    for formation in reversed(historique.de_type(TypeEtape.ENTREE_FORMATION, jusquau=jour)):
        if formation_durable_active(formation.get("type"), formation.get("date_debut"), formation.get("date_fin_prevue"), jour):
            return formation
    return None


@regle(TypeEtape.AGIR_SORTIE)
def _agir_sortie(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    entree = historique.episode_agir_ouvert(etape.occurred_on)
    if entree is None:
        raise rejet("type", "aucun accompagnement AGIR en cours à cette date.")
    verdict.liens["entree"] = entree.step_id
    if etape.occurred_on > add_months(entree.occurred_on, DUREE_MAX_AGIR_MOIS):
        verdict.signaler("AGIR_DUREE_DEPASSEE", "accompagnement AGIR de plus de 24 mois.")
    if etape.get("motif") is MotifSortieAgir.OBJECTIFS_ATTEINTS:
        logement = historique.derniere(TypeEtape.SITUATION_LOGEMENT, jusquau=etape.occurred_on)
        if logement is None or logement.get("situation") not in LOGEMENTS_PERENNES:
            raise rejet("data.motif", "OBJECTIFS_ATTEINTS demande un logement pérenne à la sortie.")
        if emploi_ou_formation_durable(historique, etape.occurred_on) is None:
            raise rejet("data.motif", "OBJECTIFS_ATTEINTS demande un emploi durable ou une formation qualifiante en cours à la sortie.")


# Return of the employment service to OFII ------------------------------------------------------


def _orientation_spe_acceptee(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> EtapeTenue:
    orientation = historique.orientation_spe_acceptee(etape.operateur, etape.occurred_on)
    if orientation is None:
        raise rejet(
            "operateur",
            f"« {etape.type.value} » est enregistrée par l'opérateur dont l'orientation a été acceptée "
            f"(aucune orientation acceptée par « {etape.operateur} » au {etape.occurred_on:%d/%m/%Y}).",
        )
    verdict.liens["orientation"] = orientation.step_id
    return orientation


@regle(TypeEtape.INSCRIPTION_SPE)
def _inscription_spe(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    orientation = _orientation_spe_acceptee(historique, etape, contexte, verdict)
    deja = historique.liees_a(orientation.step_id, TypeEtape.INSCRIPTION_SPE)
    if deja:
        raise rejet("type", f"l'inscription suite à cette orientation est déjà enregistrée (le {deja[0].occurred_on:%d/%m/%Y}).")


@regle(TypeEtape.PREMIER_RENDEZ_VOUS_SPE)
def _premier_rendez_vous_spe(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    orientation = _orientation_spe_acceptee(historique, etape, contexte, verdict)
    date_rdv = etape.get("date_rdv")
    if date_rdv < orientation.occurred_on:
        raise rejet("data.date_rdv", f"le rendez-vous précède l'orientation du {orientation.occurred_on:%d/%m/%Y}.")
    if etape.get("honore") and date_rdv > etape.occurred_on:
        raise rejet("data.date_rdv", "un rendez-vous honoré ne peut pas être postérieur à la date de l'étape.")
    for precedent in historique.liees_a(orientation.step_id, TypeEtape.PREMIER_RENDEZ_VOUS_SPE):
        if precedent.get("honore"):
            raise rejet("type", f"le premier rendez-vous de cette orientation a déjà eu lieu (le {precedent.get('date_rdv'):%d/%m/%Y}).")


@regle(TypeEtape.DIAGNOSTIC_APPROFONDI)
def _diagnostic_approfondi(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    if _type_operateur(contexte, etape.operateur, "operateur").type is TypeOperateur.AGIR:
        orientation = _orientation_agir_ouverte(historique, etape, verdict)
    else:
        orientation = _orientation_spe_acceptee(historique, etape, contexte, verdict)
    deja = historique.liees_a(orientation.step_id, TypeEtape.DIAGNOSTIC_APPROFONDI)
    if deja:
        raise rejet("type", f"un diagnostic approfondi est déjà enregistré pour cette orientation (le {deja[0].occurred_on:%d/%m/%Y}) : corrigez-le.")


@regle(TypeEtape.RECONNAISSANCE_QUALIFICATIONS)
def _reconnaissance_qualifications(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    return None


# Employment support ---------------------------------------------------------------------------


@regle(TypeEtape.ACCOMPAGNEMENT_EMPLOI_DEBUTE)
def _accompagnement(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    ouvert = historique.episode_ouvert(etape.operateur)
    if ouvert is not None:
        raise rejet("type", f"un accompagnement de cet opérateur est déjà en cours depuis le {ouvert.occurred_on:%d/%m/%Y}.")
    _signaler_hors_fenetre(historique, etape, verdict)


@regle(TypeEtape.CONTRAT_TRAVAIL_DEBUTE)
def _contrat(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    fin = etape.get("date_fin_prevue")
    if fin is not None and fin < etape.get("date_debut"):
        raise rejet("data.date_fin_prevue", "la fin prévue précède le début du contrat.")


@regle(TypeEtape.ENTREE_FORMATION)
def _entree_formation(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    fin = etape.get("date_fin_prevue")
    if fin is not None and fin < etape.get("date_debut"):
        raise rejet("data.date_fin_prevue", "la fin prévue précède le début de la formation.")


@regle(TypeEtape.SORTIE_ACCOMPAGNEMENT)
def _sortie(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    entree = historique.episode_ouvert(etape.operateur)
    if entree is None:
        raise rejet("type", "aucun accompagnement de cet opérateur n'est en cours.")
    if etape.occurred_on < entree.occurred_on:
        raise rejet("occurred_on", f"la sortie précède l'entrée du {entree.occurred_on:%d/%m/%Y}.")
    verdict.liens["entree"] = entree.step_id
    if etape.get("categorie") in SORTIES_EMPLOI and not contrats_de_l_episode(historique, entree.occurred_on, etape.occurred_on):
        verdict.signaler(CATEGORIE_SANS_CONTRAT, "catégorie sans contrat : aucun contrat de travail n'est enregistré "
                                                 "pendant l'accompagnement.")


CATEGORIE_SANS_CONTRAT = "CATEGORIE_SANS_CONTRAT"


def contrats_de_l_episode(historique: Historique, entree: date, sortie: date) -> list[EtapeTenue]:
    """The `contrat_travail_debute` of the person recorded in an episode: dated from its entry to its exit
    (CONTRACT §10, « catégorie sans contrat »; `projections.indicateurs` counts with the same definition)."""
    return [c for c in historique.de_type(TypeEtape.CONTRAT_TRAVAIL_DEBUTE) if entree <= c.occurred_on <= sortie]


@regle(TypeEtape.SUIVI_SIX_MOIS)
def _suivi(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    sortie = historique.etape(etape.get("sortie_step_id"))
    if sortie is None or sortie.type is not TypeEtape.SORTIE_ACCOMPAGNEMENT:
        raise rejet("data.sortie_step_id", "aucune sortie d'accompagnement de cette personne ne porte cet identifiant.")
    if historique.liees_a(sortie.step_id, TypeEtape.SUIVI_SIX_MOIS):
        raise rejet("data.sortie_step_id", "le suivi à 6 mois de cette sortie est déjà enregistré.")
    debut, fin = fenetre_suivi(sortie.occurred_on)
    if not debut <= etape.occurred_on <= fin:
        raise rejet("occurred_on", f"le suivi à 6 mois se renseigne entre le {debut:%d/%m/%Y} et le {fin:%d/%m/%Y}.")
    if etape.get("repondant") and etape.get("categorie") is None:
        raise rejet("data.categorie", "obligatoire quand la personne a répondu.")
    if not etape.get("repondant") and etape.get("categorie") is not None:
        verdict.signaler("CATEGORIE_SANS_REPONSE", "une catégorie est renseignée pour une personne non répondante.")
    verdict.liens["sortie"] = sortie.step_id


@regle(TypeEtape.SITUATION_LOGEMENT)
def _logement(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    return None


@regle(TypeEtape.NOTE)
def _note(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    return None


# Beneficiaries of a funded action (CONTRACT §8) ------------------------------------------------------------


def non_eligible(historique: Historique, jour: date) -> str | None:
    """Why the person is not eligible to a programme 104 action on `jour`, or None.

    Eligible: BPI on that day, or holding a first residence permit (not ETUDIANT) within its 5-year window.
    """
    if historique.protection_du(jour) is not None:
        return None
    premiers = [t for t in historique.de_type(TypeEtape.TITRE_SEJOUR_DELIVRE) if t.get("premier_titre")]
    if not premiers:
        return f"ni premier titre de séjour ni protection internationale enregistrés au {jour:%d/%m/%Y}."
    non_etudiants = [t for t in premiers if t.get("motif") is not MotifSejour.ETUDIANT]
    if not non_etudiants:
        return "un premier titre de séjour « étudiant » n'ouvre pas droit aux actions d'intégration."
    premier = min(non_etudiants, key=lambda t: (t.get("valid_from"), t.rang))
    debut = premier.get("valid_from")
    if jour < debut:
        return f"son premier titre de séjour n'est valable qu'à partir du {debut:%d/%m/%Y}."
    if jour >= add_months(debut, 60):
        return (f"son premier titre de séjour (valable depuis le {debut:%d/%m/%Y}) a plus de 5 ans et elle n'est pas "
                "bénéficiaire de la protection internationale.")
    return None


@regle(TypeEtape.BENEFICIAIRE_INSCRIT)
def _inscription(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    action = action_du_porteur(etape, contexte)
    deja = historique.inscription_a(action.id)
    if deja is not None:
        raise rejet("action", f"cette personne est déjà inscrite à l'action « {action.id} » (le {deja.occurred_on:%d/%m/%Y}).")
    raison = non_eligible(historique, etape.occurred_on)
    if raison is not None:
        raise rejet("personne", f"personne non éligible : {raison}")
    if Thematique.FRANCAIS in action.thematiques and etape.get("heures_prevues") is None:
        raise rejet("data.heures_prevues", "obligatoire pour une action d'apprentissage du français "
                                           "(heures prévues dans le parcours individuel de formation).")


@regle(TypeEtape.BENEFICIAIRE_SORTI_ACTION)
def _sortie_action(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    action = action_du_porteur(etape, contexte)
    inscription = historique.inscription_a(action.id)
    if inscription is None:
        raise rejet("action", f"cette personne n'est pas inscrite à l'action « {action.id} ».")
    if etape.occurred_on < inscription.occurred_on:
        raise rejet("occurred_on", f"la sortie précède l'inscription du {inscription.occurred_on:%d/%m/%Y}.")
    sortie = historique.sortie_de(action.id)
    if sortie is not None:
        raise rejet("action", f"cette personne est déjà sortie de l'action « {action.id} » le {sortie.occurred_on:%d/%m/%Y}.")
    verdict.liens["inscription"] = inscription.step_id


def _beneficiaire_present(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    action = action_du_porteur(etape, contexte)
    raison = historique.hors_de_l_action(action.id, etape.occurred_on)
    if raison is not None:
        raise rejet("action", raison)
    inscription = historique.inscription_a(action.id)
    if inscription is not None:
        verdict.liens["inscription"] = inscription.step_id


regle(TypeEtape.OUTIL_NUMERIQUE_PRETE)(_beneficiaire_present)
regle(TypeEtape.CONSULTATION_MEDICALE)(_beneficiaire_present)


@regle(TypeEtape.BINOME_CONSTITUE)
def _binome(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    _beneficiaire_present(historique, etape, contexte, verdict)
    if contexte.binome_pris(etape.action or "", etape.get("binome_ref"), etape.step_id):
        raise rejet("data.binome_ref", f"le binôme « {etape.get('binome_ref')} » est déjà constitué dans cette action.")


def _pas_sur_une_personne(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    raise rejet("action", f"une étape « {etape.type.value} » s'enregistre sur l'action, sans personne.")


for _type in ETAPES_D_ACTION:
    regle(_type)(_pas_sur_une_personne)


# Corrections and voids ------------------------------------------------------------------------


OPERATEURS_QUI_ENREGISTRENT = frozenset(TypeOperateur) - {TypeOperateur.LOGEMENT}
"""The operator kinds that register people (first contact: OFII, the préfecture, the employment service,
AGIR, and the associations and training bodies of the funded actions, CONTRACT §8); a housing operator
records situations of people others registered. They alone may correct an identity they did not record."""


def peut_modifier(type_cible: TypeEtape, auteur: str, operateur: OperateurConnu | None) -> bool:
    """Whether `operateur` may correct or void a step of `type_cible` recorded by `auteur`: only the operator
    that recorded it (a decision belongs to whoever took it), and, for an identity, the kinds that register people."""
    if operateur is None:
        return False
    if operateur.id == auteur:
        return True
    return type_cible is TypeEtape.PERSONNE_ENREGISTREE and operateur.type in OPERATEURS_QUI_ENREGISTRENT


def _cible(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> EtapeTenue:
    cible = historique.etape(etape.get("cible_step_id"))
    if cible is None:
        raise rejet("data.cible_step_id", "aucune étape en vigueur de cette personne ne porte cet identifiant.")
    if not peut_modifier(cible.type, cible.operateur, contexte.operateur(etape.operateur)):
        quoi = "corriger" if etape.type is TypeEtape.EVENEMENT_CORRIGE else "annuler"
        if cible.type is TypeEtape.PERSONNE_ENREGISTREE:
            raise rejet("operateur", f"seuls « {cible.operateur} » et les opérateurs qui enregistrent des personnes "
                                     f"peuvent {quoi} cette identité.")
        raise rejet("operateur", f"seul l'opérateur qui a enregistré cette étape (« {cible.operateur} ») peut la {quoi}.")
    verdict.liens["cible"] = cible.step_id
    return cible


@regle(TypeEtape.EVENEMENT_CORRIGE)
def _correction(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    cible = _cible(historique, etape, contexte, verdict)
    if cible.type in (TypeEtape.EVENEMENT_CORRIGE, TypeEtape.EVENEMENT_ANNULE):
        raise rejet("data.cible_step_id", "une correction ou une annulation ne se corrige pas : annulez-la.")
    if not etape.get("champs"):
        raise rejet("data.champs", "indiquez au moins un champ corrigé.")
    if cible.type is TypeEtape.PERSONNE_ENREGISTREE and "numero_etranger" in etape.get("champs"):
        raise rejet("data.champs.numero_etranger", "le numéro étranger ne se corrige pas ; contactez un administrateur.")


@regle(TypeEtape.EVENEMENT_ANNULE)
def _annulation(historique: Historique, etape: EtapeTenue, contexte: Referentiel, verdict: Verdict) -> None:
    cible = _cible(historique, etape, contexte, verdict)
    if cible.type is TypeEtape.PERSONNE_ENREGISTREE:
        raise rejet("data.cible_step_id", "l'enregistrement d'une personne ne s'annule pas (voir l'effacement).")
    if cible.type is TypeEtape.EVENEMENT_ANNULE:
        raise rejet("data.cible_step_id", "une annulation ne s'annule pas.")


def reverifier(etapes: list[EtapeTenue], contexte: Referentiel) -> dict[UUID, str]:
    """Re-check every effective step against those recorded before it; say why each now fails."""
    echecs: dict[UUID, str] = {}
    anterieures: list[EtapeTenue] = []
    for etape in sorted(etapes, key=lambda e: e.rang):
        if etape.annulee:
            continue
        if etape.type not in (TypeEtape.EVENEMENT_CORRIGE, TypeEtape.EVENEMENT_ANNULE):
            try:
                verifier(Historique(anterieures), etape, contexte)
            except EtapeRejeteeError as erreur:
                echecs[etape.step_id] = str(erreur)
        anterieures.append(etape)
    return echecs


REGLES_EN_BREF: dict[TypeEtape, str] = {
    TypeEtape.PERSONNE_ENREGISTREE: "Une seule fois par personne ; le numéro étranger, s'il est connu, est unique.",
    TypeEtape.TITRE_SEJOUR_DELIVRE: "Le premier titre (« premier titre » coché) ouvre la fenêtre de 5 ans ; le sous-motif doit relever du motif.",
    TypeEtape.PROTECTION_ACCORDEE: "Rend la personne bénéficiaire d'une protection internationale (BPI) à la date de la décision.",
    TypeEtape.CIR_SIGNE: "Demande un premier titre de séjour non étudiant et 16 ans ou plus (représentant légal avant 18 ans) ; un seul CIR ouvert.",
    TypeEtape.POSITIONNEMENT_LINGUISTIQUE: "Sans condition ; la formation obligatoire s'appuie sur le dernier positionnement.",
    TypeEtape.FORMATION_CIVIQUE_JOURNEE: "Demande un CIR ; une seule présence par journée (1 à 4).",
    TypeEtape.FORMATION_LINGUISTIQUE_PRESCRITE: "Demande un CIR ; l'obligatoire demande un positionnement sous A1 à l'oral ou à l'écrit.",
    TypeEtape.DISPENSE_FORMATION_LINGUISTIQUE: "Exclut une formation linguistique obligatoire.",
    TypeEtape.FORMATION_LINGUISTIQUE_HEURES: "Demande une formation prescrite non terminée ; au plus le forfait + 10 % d'heures réalisées.",
    TypeEtape.EVALUATION_LINGUISTIQUE: "Demande une formation prescrite.",
    TypeEtape.FORMATION_LINGUISTIQUE_TERMINEE: "Demande une formation prescrite ; « niveau visé atteint » demande une évaluation à ce niveau.",
    TypeEtape.ENTRETIEN_FIN_CIR: "Demande un CIR.",
    TypeEtape.ORIENTATION_SPE: "Par l'OFII ; pas après une dispense d'orientation ; la Mission locale par défaut avant 26 ans, sinon un motif.",
    TypeEtape.DISPENSE_ORIENTATION_SPE: "Par l'OFII, à la demande expresse de la personne.",
    TypeEtape.ORIENTATION_ACCEPTEE: "Seulement par la structure destinataire, une fois.",
    TypeEtape.ORIENTATION_REFUSEE: "Seulement par la structure destinataire, une fois, avec un motif.",
    TypeEtape.ORIENTATION_AGIR: "Demande un CIR et une protection décidée l'année de l'orientation ou la précédente (ou une dérogation du préfet).",
    TypeEtape.AGIR_ENTREE: "Par la structure AGIR destinataire d'une orientation ; un seul accompagnement AGIR ouvert.",
    TypeEtape.AGIR_SORTIE: "« Objectifs atteints » demande un logement pérenne et un emploi durable ou une formation qualifiante en cours.",
    TypeEtape.ACCOMPAGNEMENT_EMPLOI_DEBUTE: "Un seul accompagnement ouvert par structure.",
    TypeEtape.CONTRAT_TRAVAIL_DEBUTE: "Sans condition ; un CDD d'au moins 6 mois compte comme emploi durable.",
    TypeEtape.ENTREE_FORMATION: "Sans condition.",
    TypeEtape.SORTIE_ACCOMPAGNEMENT: "Clôt l'accompagnement ouvert de votre structure, à une date postérieure à l'entrée.",
    TypeEtape.SUIVI_SIX_MOIS: "Un par sortie, entre 15 jours avant et 45 jours après l'échéance (sortie + 6 mois).",
    TypeEtape.SITUATION_LOGEMENT: "Sans condition.",
    TypeEtape.EVENEMENT_CORRIGE: "Corrige les champs d'une étape, avec un motif ; l'étape est relue corrigée partout.",
    TypeEtape.EVENEMENT_ANNULE: "Annule une étape, avec un motif ; elle ne compte plus nulle part.",
    TypeEtape.NOTE: "« Ma structure seulement » : lue par votre seule structure.",
    TypeEtape.AGIR_ACCUEIL: "Par la structure AGIR destinataire, après l'orientation ; signalé au-delà d'un mois.",
    TypeEtape.AGIR_REFUS: "Par la structure AGIR destinataire, avec un motif ; clôt l'orientation.",
    TypeEtape.AGIR_VOLET_CLOTURE: "Un volet ouvert à l'entrée dans AGIR, clôturé une seule fois.",
    TypeEtape.INSCRIPTION_SPE: "Par la structure qui a accepté l'orientation ; l'identifiant est chiffré comme l'identité.",
    TypeEtape.PREMIER_RENDEZ_VOUS_SPE: "Par la structure qui a accepté l'orientation.",
    TypeEtape.DIAGNOSTIC_APPROFONDI: "Par la structure qui a accepté l'orientation, ou une structure AGIR.",
    TypeEtape.RECONNAISSANCE_QUALIFICATIONS: "Sans condition : démarche et où elle en est.",
    TypeEtape.ACTION_DECLAREE: "Une fois par action ; la structure qui la déclare la porte et elle seule y enregistre.",
    TypeEtape.ACTION_BUDGET: "Subvention P104 au plus égale au coût total ; le dernier budget compte.",
    TypeEtape.BENEFICIAIRE_INSCRIT: "Personne éligible à la date (premier titre non étudiant depuis moins de 5 ans, ou BPI) ; une fois par action.",
    TypeEtape.BENEFICIAIRE_SORTI_ACTION: "Après une inscription à l'action.",
    TypeEtape.SEANCE_TENUE: "De 0,5 à 12 h, d'une thématique de l'action ; les présents sont inscrits et pas encore sortis.",
    TypeEtape.OUTIL_DECRIT: "Sans condition.",
    TypeEtape.OUTIL_NUMERIQUE_PRETE: "À une personne inscrite à l'action.",
    TypeEtape.CONSULTATION_MEDICALE: "À une personne inscrite ; le fait seul, jamais de donnée de santé.",
    TypeEtape.BINOME_CONSTITUE: "Une personne inscrite ; un binôme par référence.",
    TypeEtape.EVENEMENT_TENU: "Les présents sont inscrits à l'action.",
}
"""Each hard rule of `REGLES` in one French sentence, shown before a caseworker breaks it (forms, step picker)."""
assert set(REGLES_EN_BREF) == set(TypeEtape), "every step type needs its rule in brief"

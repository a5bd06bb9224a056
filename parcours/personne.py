"""The person's pathway: one aggregate, one event stream, one event class per step type.

Each event carries the step envelope (step_id, business date, operator, agent; the recording time
is the event's `timestamp`), the step's `donnees`, the links the rules derived (its CIR,
prescription, episode…) and its soft flags. Corrections and voids are events too: nothing is
rewritten. Imports only eventsourcing, the standard library and `parcours`.

Topics are explicit and stable (`parcours.personne.<type>`): never rename one; evolve a payload
with `class_version` and an `upcast_vN_vN+1` static method.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any, ClassVar, TypeVar, cast
from uuid import UUID

from eventsourcing.domain import Aggregate

from parcours.erreurs import EtapeRejeteeError
from parcours.historique import EtapeTenue, Historique
from parcours.regles import Referentiel, Verdict, reverifier, verifier
from parcours.vocabulaire import ETAPES_D_ACTION, TypeEtape

PREFIXE_TOPIC = "parcours.personne."
"""Events under this topic prefix hold personal data: the mapper encrypts them with the person's key."""


_Flux = TypeVar("_Flux", bound=Aggregate)


class EtapeEvenement(Aggregate.Event):
    """The envelope every step event carries."""

    step_id: UUID
    occurred_on: date
    operateur: str
    agent: str
    donnees: dict[str, Any]
    liens: dict[str, UUID]
    drapeaux: list[dict[str, str]]

    TYPE: ClassVar[TypeEtape]

    def apply(self, aggregate: Aggregate) -> None:
        cast(Personne, aggregate).tenir(self)


class GestionEvenement(EtapeEvenement):
    """A correction or a void; `a_reverifier` names the steps it leaves breaking a rule, and why."""

    a_reverifier: dict[str, str]


class Personne(Aggregate):
    TOPIC = "parcours.personne"

    class Created(Aggregate.Created):
        TOPIC = "parcours.personne.created"

    class PersonneEnregistree(EtapeEvenement, Aggregate.Created):
        TOPIC = "parcours.personne.personne_enregistree"
        class_version = 1
        TYPE = TypeEtape.PERSONNE_ENREGISTREE

        def apply(self, aggregate: Aggregate) -> None:
            personne = cast(Personne, aggregate)
            personne.etapes = {}
            personne.tenir(self)

    class TitreSejourDelivre(EtapeEvenement):
        TOPIC = "parcours.personne.titre_sejour_delivre"
        class_version = 1
        TYPE = TypeEtape.TITRE_SEJOUR_DELIVRE

    class ProtectionAccordee(EtapeEvenement):
        TOPIC = "parcours.personne.protection_accordee"
        class_version = 1
        TYPE = TypeEtape.PROTECTION_ACCORDEE

    class CirSigne(EtapeEvenement):
        TOPIC = "parcours.personne.cir_signe"
        class_version = 1
        TYPE = TypeEtape.CIR_SIGNE

    class PositionnementLinguistique(EtapeEvenement):
        TOPIC = "parcours.personne.positionnement_linguistique"
        class_version = 1
        TYPE = TypeEtape.POSITIONNEMENT_LINGUISTIQUE

    class FormationCiviqueJournee(EtapeEvenement):
        TOPIC = "parcours.personne.formation_civique_journee"
        class_version = 1
        TYPE = TypeEtape.FORMATION_CIVIQUE_JOURNEE

    class FormationLinguistiquePrescrite(EtapeEvenement):
        TOPIC = "parcours.personne.formation_linguistique_prescrite"
        class_version = 1
        TYPE = TypeEtape.FORMATION_LINGUISTIQUE_PRESCRITE

    class DispenseFormationLinguistique(EtapeEvenement):
        TOPIC = "parcours.personne.dispense_formation_linguistique"
        class_version = 1
        TYPE = TypeEtape.DISPENSE_FORMATION_LINGUISTIQUE

    class FormationLinguistiqueHeures(EtapeEvenement):
        TOPIC = "parcours.personne.formation_linguistique_heures"
        class_version = 1
        TYPE = TypeEtape.FORMATION_LINGUISTIQUE_HEURES

    class EvaluationLinguistique(EtapeEvenement):
        TOPIC = "parcours.personne.evaluation_linguistique"
        class_version = 1
        TYPE = TypeEtape.EVALUATION_LINGUISTIQUE

    class FormationLinguistiqueTerminee(EtapeEvenement):
        TOPIC = "parcours.personne.formation_linguistique_terminee"
        class_version = 1
        TYPE = TypeEtape.FORMATION_LINGUISTIQUE_TERMINEE

    class EntretienFinCir(EtapeEvenement):
        TOPIC = "parcours.personne.entretien_fin_cir"
        class_version = 1
        TYPE = TypeEtape.ENTRETIEN_FIN_CIR

    class OrientationSpe(EtapeEvenement):
        TOPIC = "parcours.personne.orientation_spe"
        class_version = 1
        TYPE = TypeEtape.ORIENTATION_SPE

    class DispenseOrientationSpe(EtapeEvenement):
        TOPIC = "parcours.personne.dispense_orientation_spe"
        class_version = 1
        TYPE = TypeEtape.DISPENSE_ORIENTATION_SPE

    class OrientationAcceptee(EtapeEvenement):
        TOPIC = "parcours.personne.orientation_acceptee"
        class_version = 1
        TYPE = TypeEtape.ORIENTATION_ACCEPTEE

    class OrientationRefusee(EtapeEvenement):
        TOPIC = "parcours.personne.orientation_refusee"
        class_version = 1
        TYPE = TypeEtape.ORIENTATION_REFUSEE

    class OrientationAgir(EtapeEvenement):
        TOPIC = "parcours.personne.orientation_agir"
        class_version = 1
        TYPE = TypeEtape.ORIENTATION_AGIR

    class AgirAccueil(EtapeEvenement):
        TOPIC = "parcours.personne.agir_accueil"
        class_version = 1
        TYPE = TypeEtape.AGIR_ACCUEIL

    class AgirRefus(EtapeEvenement):
        TOPIC = "parcours.personne.agir_refus"
        class_version = 1
        TYPE = TypeEtape.AGIR_REFUS

    class AgirEntree(EtapeEvenement):
        TOPIC = "parcours.personne.agir_entree"
        class_version = 1
        TYPE = TypeEtape.AGIR_ENTREE

    class AgirVoletCloture(EtapeEvenement):
        TOPIC = "parcours.personne.agir_volet_cloture"
        class_version = 1
        TYPE = TypeEtape.AGIR_VOLET_CLOTURE

    class AgirSortie(EtapeEvenement):
        TOPIC = "parcours.personne.agir_sortie"
        class_version = 1
        TYPE = TypeEtape.AGIR_SORTIE

    class InscriptionSpe(EtapeEvenement):
        TOPIC = "parcours.personne.inscription_spe"
        class_version = 1
        TYPE = TypeEtape.INSCRIPTION_SPE

    class PremierRendezVousSpe(EtapeEvenement):
        TOPIC = "parcours.personne.premier_rendez_vous_spe"
        class_version = 1
        TYPE = TypeEtape.PREMIER_RENDEZ_VOUS_SPE

    class DiagnosticApprofondi(EtapeEvenement):
        TOPIC = "parcours.personne.diagnostic_approfondi"
        class_version = 1
        TYPE = TypeEtape.DIAGNOSTIC_APPROFONDI

    class ReconnaissanceQualifications(EtapeEvenement):
        TOPIC = "parcours.personne.reconnaissance_qualifications"
        class_version = 1
        TYPE = TypeEtape.RECONNAISSANCE_QUALIFICATIONS

    class AccompagnementEmploiDebute(EtapeEvenement):
        TOPIC = "parcours.personne.accompagnement_emploi_debute"
        class_version = 1
        TYPE = TypeEtape.ACCOMPAGNEMENT_EMPLOI_DEBUTE

    class ContratTravailDebute(EtapeEvenement):
        TOPIC = "parcours.personne.contrat_travail_debute"
        class_version = 1
        TYPE = TypeEtape.CONTRAT_TRAVAIL_DEBUTE

    class EntreeFormation(EtapeEvenement):
        TOPIC = "parcours.personne.entree_formation"
        class_version = 1
        TYPE = TypeEtape.ENTREE_FORMATION

    class SortieAccompagnement(EtapeEvenement):
        TOPIC = "parcours.personne.sortie_accompagnement"
        class_version = 1
        TYPE = TypeEtape.SORTIE_ACCOMPAGNEMENT

    class SuiviSixMois(EtapeEvenement):
        TOPIC = "parcours.personne.suivi_six_mois"
        class_version = 1
        TYPE = TypeEtape.SUIVI_SIX_MOIS

    class SituationLogementDeclaree(EtapeEvenement):
        TOPIC = "parcours.personne.situation_logement"
        class_version = 1
        TYPE = TypeEtape.SITUATION_LOGEMENT

    class Note(EtapeEvenement):
        TOPIC = "parcours.personne.note"
        class_version = 1
        TYPE = TypeEtape.NOTE

    class BeneficiaireInscrit(EtapeEvenement):
        TOPIC = "parcours.personne.beneficiaire_inscrit"
        class_version = 1
        TYPE = TypeEtape.BENEFICIAIRE_INSCRIT

    class BeneficiaireSortiAction(EtapeEvenement):
        TOPIC = "parcours.personne.beneficiaire_sorti_action"
        class_version = 1
        TYPE = TypeEtape.BENEFICIAIRE_SORTI_ACTION

    class OutilNumeriquePrete(EtapeEvenement):
        TOPIC = "parcours.personne.outil_numerique_prete"
        class_version = 1
        TYPE = TypeEtape.OUTIL_NUMERIQUE_PRETE

    class ConsultationMedicale(EtapeEvenement):
        TOPIC = "parcours.personne.consultation_medicale"
        class_version = 1
        TYPE = TypeEtape.CONSULTATION_MEDICALE

    class BinomeConstitue(EtapeEvenement):
        TOPIC = "parcours.personne.binome_constitue"
        class_version = 1
        TYPE = TypeEtape.BINOME_CONSTITUE

    class EvenementCorrige(GestionEvenement):
        TOPIC = "parcours.personne.evenement_corrige"
        class_version = 1
        TYPE = TypeEtape.EVENEMENT_CORRIGE

    class EvenementAnnule(GestionEvenement):
        TOPIC = "parcours.personne.evenement_annule"
        class_version = 1
        TYPE = TypeEtape.EVENEMENT_ANNULE

    # Commands ----------------------------------------------------------------------------------

    @classmethod
    def enregistrer(cls, parcours_id: UUID, etape: EtapeTenue, contexte: Referentiel) -> Personne:
        """Open a pathway with its `personne_enregistree` step."""
        verdict = verifier(Historique(()), etape, contexte)
        return cls._create(
            cls.PersonneEnregistree,
            id=parcours_id,
            timestamp=etape.enregistre_le,
            **_envelope(etape, verdict),
        )

    def ajouter(self, etape: EtapeTenue, contexte: Referentiel) -> Verdict:
        """Record one more step on the pathway, or raise `EtapeRejeteeError` and record nothing."""
        etape.rang = len(self.etapes)
        historique = Historique(self.etapes.values())
        verdict = verifier(historique, etape, contexte)
        champs = _envelope(etape, verdict)
        if etape.type in (TypeEtape.EVENEMENT_CORRIGE, TypeEtape.EVENEMENT_ANNULE):
            champs["a_reverifier"] = self._consequences(etape, contexte)
        self.trigger_event(EVENEMENTS[etape.type], timestamp=etape.enregistre_le, **champs)
        return verdict

    def _consequences(self, gestion: EtapeTenue, contexte: Referentiel) -> dict[str, str]:
        return consequences_de_la_gestion(self.etapes, gestion, contexte, reverifier)

    # Evolution ---------------------------------------------------------------------------------

    def tenir(self, evenement: EtapeEvenement) -> None:
        tenir_etape(self.etapes, evenement)

    def __deepcopy__(self, memo: dict[int, Any]) -> Personne:
        return copier_flux(self, memo)

    # Queries -----------------------------------------------------------------------------------

    @property
    def historique(self) -> Historique:
        return Historique(self.etapes.values())

    @property
    def impliques(self) -> set[str]:
        """The operators involved in this pathway: they recorded a step, or a step named them (`vers`)."""
        return {e.operateur for e in self.etapes.values()} | {
            str(e.donnees["vers"]) for e in self.etapes.values() if e.donnees.get("vers")}

    @property
    def identite(self) -> dict[str, Any]:
        identite = self.historique.identite
        return dict(identite.donnees) if identite else {}


def copier_flux(agregat: _Flux, memo: dict[int, Any]) -> _Flux:
    """The copy the repository makes of a cached stream (a person's, an action's) for every command on it: its own
    dict of steps, sharing the steps themselves, which are never changed in place (a correction, a void or a flag
    replaces the step it changes: `tenir_etape`, `appliquer_gestion`). A deep copy of every step cost several
    steps' worth of the import: an action's year holds a hundred sessions of 30 ids."""
    copie = object.__new__(type(agregat))
    # The id, version and timestamps are immutable: shared too (a deep copy of a datetime cost more than the steps).
    copie.__dict__.update({nom: copy.deepcopy(valeur, memo) if isinstance(valeur, (list, dict, set)) else valeur
                           for nom, valeur in agregat.__dict__.items() if nom != "etapes"})
    copie.etapes = dict(agregat.etapes)
    return copie


def tenir_etape(etapes: dict[UUID, EtapeTenue], evenement: EtapeEvenement) -> None:
    """Add a recorded step to a stream's steps; a correction or void takes effect on its target.

    A step already held is replaced, never changed in place: copies of the stream share its steps (`copier_flux`)."""
    action = evenement.liens.get("action")
    etape = EtapeTenue(
        step_id=evenement.step_id,
        type=evenement.TYPE,
        occurred_on=evenement.occurred_on,
        operateur=evenement.operateur,
        agent=evenement.agent,
        enregistre_le=evenement.timestamp,
        donnees=dict(evenement.donnees),
        liens=dict(evenement.liens),
        drapeaux=list(evenement.drapeaux),
        donnees_initiales=dict(evenement.donnees),
        rang=len(etapes),
        action=str(action) if action is not None else None,
    )
    etapes[etape.step_id] = etape
    if isinstance(evenement, GestionEvenement):
        appliquer_gestion(etapes, etape)
        for step_id, raison in evenement.a_reverifier.items():
            dependante = etapes.get(UUID(step_id))
            if dependante is not None:
                drapeau = {"code": "A_REVERIFIER", "message": raison, "par": str(evenement.step_id)}
                etapes[dependante.step_id] = replace(dependante, drapeaux=[*dependante.drapeaux, drapeau])


def consequences_de_la_gestion(
    etapes: dict[UUID, EtapeTenue], gestion: EtapeTenue, contexte: Referentiel,
    reverifier_flux: Callable[[list[EtapeTenue], Referentiel], dict[UUID, str]],
) -> dict[str, str]:
    """Apply the correction or void to a copy of a stream's steps; reject it if its target breaks, list the
    dependants that do (`reverifier_flux` re-checks that stream: a person's or an action's)."""
    avant = reverifier_flux(list(etapes.values()), contexte)
    simulation = dict(etapes)
    simulation[gestion.step_id] = gestion
    appliquer_gestion(simulation, gestion)
    apres = reverifier_flux(list(simulation.values()), contexte)
    cible = gestion.get("cible_step_id")
    if gestion.type is TypeEtape.EVENEMENT_CORRIGE and cible in apres and cible not in avant:
        raise EtapeRejeteeError(f"après correction, l'étape serait rejetée : {apres[cible]}", "data.champs")
    return {str(step_id): raison for step_id, raison in apres.items() if step_id not in avant}


def appliquer_gestion(etapes: dict[UUID, EtapeTenue], gestion: EtapeTenue) -> None:
    """Make a recorded correction or void take effect on its target (replaced, as `tenir_etape` says)."""
    cible = etapes[gestion.get("cible_step_id")]
    if gestion.type is TypeEtape.EVENEMENT_CORRIGE:
        cible = etapes[cible.step_id] = replace(cible, corrections=[*cible.corrections, gestion.step_id])
    else:
        etapes[cible.step_id] = cible = replace(cible, annulee_par=gestion.step_id)
        if cible.type is TypeEtape.EVENEMENT_CORRIGE:
            cible = etapes[cible.get("cible_step_id")]
    _recalculer(etapes, cible)


def _recalculer(etapes: dict[UUID, EtapeTenue], etape: EtapeTenue) -> None:
    """Effective values = the recorded ones, then every correction still in force, in order."""
    donnees = dict(etape.donnees_initiales)
    for correction_id in etape.corrections:
        correction = etapes[correction_id]
        if not correction.annulee:
            donnees.update(correction.get("champs"))
    etapes[etape.step_id] = replace(etape, donnees=donnees)


def _envelope(etape: EtapeTenue, verdict: Verdict) -> dict[str, Any]:
    liens: dict[str, Any] = dict(verdict.liens)
    if etape.action is not None:
        liens["action"] = etape.action  # the action's id (a slug): the one link a caller gives, not a rule
    return {
        "step_id": etape.step_id,
        "occurred_on": etape.occurred_on,
        "operateur": etape.operateur,
        "agent": etape.agent,
        "donnees": etape.donnees,
        "liens": liens,
        "drapeaux": verdict.drapeaux,
    }


EVENEMENTS: dict[TypeEtape, type[EtapeEvenement]] = {
    classe.TYPE: classe
    for classe in vars(Personne).values()
    if isinstance(classe, type) and issubclass(classe, EtapeEvenement)
}
assert set(EVENEMENTS) == set(TypeEtape) - ETAPES_D_ACTION, "every step type of a person needs its event class"

"""A funded action (CONTRACT §8, programme 104): its own event stream and the rules of the steps recorded on it.

The action's stream holds what belongs to the action as a whole: its declaration, its budget, its
sessions (with the roll call as pathway ids, never an identity), the tools it describes and its
sporting or cultural events. What concerns one beneficiary (inscription, exit, device lent, medical
consultation, mentoring pair) lives in the person's stream, encrypted with their key, naming the
action; the rules here ask the person's stream (through `Referentiel.hors_de_l_action`) whether someone
on a roll call was inscribed and not exited. Imports only eventsourcing, the standard library and
`parcours`.

Topics are explicit and stable (`parcours.action.<type>`); the id is `uuid5` of the carrier's slug.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate

from parcours.erreurs import EtapeRejeteeError, OperateurInconnuError
from parcours.historique import EtapeTenue, Historique
from parcours.index import ESPACE
from parcours.personne import EtapeEvenement, GestionEvenement, _envelope, consequences_de_la_gestion, copier_flux, tenir_etape
from parcours.regles import ActionConnue, Referentiel, Verdict, rejet
from parcours.vocabulaire import ETAPES_D_ACTION, ETAPES_DE_GESTION, PublicAction, Thematique, TypeEtape

DUREE_MAX_SEANCE_H = 12


class Action(Aggregate):
    TOPIC = "parcours.action"

    class Created(Aggregate.Created):
        TOPIC = "parcours.action.created"

    class ActionDeclaree(EtapeEvenement, Aggregate.Created):
        TOPIC = "parcours.action.action_declaree"
        class_version = 1
        TYPE = TypeEtape.ACTION_DECLAREE

        def apply(self, aggregate: Aggregate) -> None:
            action = cast(Action, aggregate)
            action.etapes = {}
            action.tenir(self)

    class ActionBudget(EtapeEvenement):
        TOPIC = "parcours.action.action_budget"
        class_version = 1
        TYPE = TypeEtape.ACTION_BUDGET

    class SeanceTenue(EtapeEvenement):
        TOPIC = "parcours.action.seance_tenue"
        class_version = 1
        TYPE = TypeEtape.SEANCE_TENUE

    class OutilDecrit(EtapeEvenement):
        TOPIC = "parcours.action.outil_decrit"
        class_version = 1
        TYPE = TypeEtape.OUTIL_DECRIT

    class EvenementTenu(EtapeEvenement):
        TOPIC = "parcours.action.evenement_tenu"
        class_version = 1
        TYPE = TypeEtape.EVENEMENT_TENU

    class EvenementCorrige(GestionEvenement):
        TOPIC = "parcours.action.evenement_corrige"
        class_version = 1
        TYPE = TypeEtape.EVENEMENT_CORRIGE

    class EvenementAnnule(GestionEvenement):
        TOPIC = "parcours.action.evenement_annule"
        class_version = 1
        TYPE = TypeEtape.EVENEMENT_ANNULE

    @staticmethod
    def create_id(action_id: str) -> UUID:
        return uuid5(ESPACE, f"action/{action_id}")

    # Commands ----------------------------------------------------------------------------------

    @classmethod
    def declarer(cls, etape: EtapeTenue, contexte: Referentiel) -> Action:
        """Open the action's stream with its `action_declaree` step; the recording operator is its carrier."""
        assert etape.action is not None
        verdict = verifier_sur_action(Historique(()), etape, contexte)
        return cls._create(cls.ActionDeclaree, id=cls.create_id(etape.action), timestamp=etape.enregistre_le,
                           **_envelope(etape, verdict))

    def ajouter(self, etape: EtapeTenue, contexte: Referentiel) -> Verdict:
        """Record one more step on the action, or raise `EtapeRejeteeError` and record nothing."""
        etape.rang = len(self.etapes)
        verdict = verifier_sur_action(self.historique, etape, contexte)
        champs = _envelope(etape, verdict)
        if etape.type in ETAPES_DE_GESTION:
            champs["a_reverifier"] = self._consequences(etape, contexte)
        self.trigger_event(EVENEMENTS_ACTION[etape.type], timestamp=etape.enregistre_le, **champs)
        return verdict

    def _consequences(self, gestion: EtapeTenue, contexte: Referentiel) -> dict[str, str]:
        return consequences_de_la_gestion(self.etapes, gestion, contexte, reverifier_action)

    def tenir(self, evenement: EtapeEvenement) -> None:
        tenir_etape(self.etapes, evenement)

    def __deepcopy__(self, memo: dict[int, Any]) -> Action:
        return copier_flux(self, memo)

    # Queries -----------------------------------------------------------------------------------

    @property
    def historique(self) -> Historique:
        return Historique(self.etapes.values())

    @property
    def connue(self) -> ActionConnue:
        return action_connue(self.historique)


def action_connue(historique: Historique) -> ActionConnue:
    declaration = historique.derniere(TypeEtape.ACTION_DECLAREE)
    assert declaration is not None and declaration.action is not None
    return ActionConnue(
        id=declaration.action,
        porteur=declaration.operateur,
        annee=declaration.get("annee"),
        thematiques=frozenset(declaration.get("thematiques") or ()),
    )


# Rules of the steps on an action ----------------------------------------------------------------------------


def verifier_sur_action(historique: Historique, etape: EtapeTenue, contexte: Referentiel) -> Verdict:
    """Check a step proposed on the action's stream against what was recorded on it before."""
    verdict = Verdict()
    if contexte.operateur(etape.operateur) is None:
        raise OperateurInconnuError(etape.operateur)
    if contexte.aujourdhui is not None and etape.occurred_on > contexte.aujourdhui:
        raise rejet("occurred_on", f"la date {etape.occurred_on:%d/%m/%Y} est dans le futur.")
    if etape.type not in ETAPES_D_ACTION | ETAPES_DE_GESTION:
        raise rejet("personne", f"une étape « {etape.type.value} » concerne une personne : indiquez-la (personne).")
    if etape.type is TypeEtape.ACTION_DECLAREE:
        if historique.derniere(TypeEtape.ACTION_DECLAREE) is not None:
            raise rejet("action", f"l'action « {etape.action} » est déjà déclarée.")
        return verdict
    action = action_connue(historique)
    if etape.operateur != action.porteur:
        raise rejet("operateur", f"seul le porteur de l'action « {action.id} » ({action.porteur}) enregistre sur elle.")
    REGLES_ACTION[etape.type](historique, etape, action, contexte, verdict)
    return verdict


def _budget(historique: Historique, etape: EtapeTenue, action: ActionConnue, contexte: Referentiel, verdict: Verdict) -> None:
    if Decimal(str(etape.get("subvention_p104"))) > Decimal(str(etape.get("cout_total"))):
        raise rejet("data.subvention_p104", "la subvention du programme 104 dépasse le coût total de l'action.")


def _presents(etape: EtapeTenue, action: ActionConnue, contexte: Referentiel) -> None:
    vus: set[Any] = set()
    for rang, parcours_id in enumerate(etape.get("presents") or ()):
        if parcours_id in vus:
            raise rejet(f"data.presents.{rang}", "cette personne est déjà cochée présente.")
        vus.add(parcours_id)
        raison = contexte.hors_de_l_action(parcours_id, action.id, etape.occurred_on)
        if raison is not None:
            raise rejet(f"data.presents.{rang}", raison)


def _seance(historique: Historique, etape: EtapeTenue, action: ActionConnue, contexte: Referentiel, verdict: Verdict) -> None:
    duree = etape.get("duree_h")
    if not (0 < duree <= DUREE_MAX_SEANCE_H) or (duree * 2) != int(duree * 2):
        raise rejet("data.duree_h", "une séance dure plus de 0 h et au plus 12 h, par demi-heures.")
    thematique = etape.get("thematique")
    if thematique not in action.thematiques:
        raise rejet("data.thematique", f"l'action « {action.id} » ne porte pas la thématique {thematique.value}.")
    if etape.get("public") is PublicAction.BENEFICIAIRES:
        for champ in ("acteurs_presents", "acteurs_nouveaux"):
            if etape.get(champ) is not None:
                raise rejet(f"data.{champ}", "ne se renseigne que pour une séance destinée aux acteurs (public ACTEURS).")
        _presents(etape, action, contexte)
        return
    if etape.get("presents"):
        raise rejet("data.presents", "l'appel des bénéficiaires ne se fait que pour une séance destinée aux bénéficiaires.")
    nouveaux, presents = etape.get("acteurs_nouveaux"), etape.get("acteurs_presents")
    if nouveaux is not None and nouveaux > (presents or 0):
        raise rejet("data.acteurs_nouveaux", "les nouveaux acteurs formés ne peuvent dépasser les acteurs présents.")


def _outil(historique: Historique, etape: EtapeTenue, action: ActionConnue, contexte: Referentiel, verdict: Verdict) -> None:
    return None


def _evenement(historique: Historique, etape: EtapeTenue, action: ActionConnue, contexte: Referentiel, verdict: Verdict) -> None:
    if Thematique.SPORT_CULTURE not in action.thematiques:
        verdict.signaler("THEMATIQUE_NON_PORTEE", "l'action ne porte pas la thématique sport et culture (3.8).")
    _presents(etape, action, contexte)


def _cible(historique: Historique, etape: EtapeTenue, verdict: Verdict) -> EtapeTenue:
    cible = historique.etape(etape.get("cible_step_id"))
    if cible is None:
        raise rejet("data.cible_step_id", "aucune étape en vigueur de cette action ne porte cet identifiant.")
    verdict.liens["cible"] = cible.step_id
    return cible


def _correction(historique: Historique, etape: EtapeTenue, action: ActionConnue, contexte: Referentiel, verdict: Verdict) -> None:
    cible = _cible(historique, etape, verdict)
    if cible.type in ETAPES_DE_GESTION:
        raise rejet("data.cible_step_id", "une correction ou une annulation ne se corrige pas : annulez-la.")
    if not etape.get("champs"):
        raise rejet("data.champs", "indiquez au moins un champ corrigé.")


def _annulation(historique: Historique, etape: EtapeTenue, action: ActionConnue, contexte: Referentiel, verdict: Verdict) -> None:
    cible = _cible(historique, etape, verdict)
    if cible.type is TypeEtape.ACTION_DECLAREE:
        raise rejet("data.cible_step_id", "la déclaration d'une action ne s'annule pas : corrigez-la.")
    if cible.type is TypeEtape.EVENEMENT_ANNULE:
        raise rejet("data.cible_step_id", "une annulation ne s'annule pas.")


REGLES_ACTION = {
    TypeEtape.ACTION_BUDGET: _budget,
    TypeEtape.SEANCE_TENUE: _seance,
    TypeEtape.OUTIL_DECRIT: _outil,
    TypeEtape.EVENEMENT_TENU: _evenement,
    TypeEtape.EVENEMENT_CORRIGE: _correction,
    TypeEtape.EVENEMENT_ANNULE: _annulation,
}


def reverifier_action(etapes: list[EtapeTenue], contexte: Referentiel) -> dict[UUID, str]:
    """Re-check every effective step of the action against those recorded before it."""
    echecs: dict[UUID, str] = {}
    anterieures: list[EtapeTenue] = []
    for etape in sorted(etapes, key=lambda e: e.rang):
        if etape.annulee:
            continue
        if etape.type not in ETAPES_DE_GESTION:
            try:
                verifier_sur_action(Historique(anterieures), etape, contexte)
            except EtapeRejeteeError as erreur:
                echecs[etape.step_id] = str(erreur)
        anterieures.append(etape)
    return echecs


EVENEMENTS_ACTION: dict[TypeEtape, type[EtapeEvenement]] = {
    classe.TYPE: classe
    for classe in vars(Action).values()
    if isinstance(classe, type) and issubclass(classe, EtapeEvenement)
}
assert set(EVENEMENTS_ACTION) == ETAPES_D_ACTION | ETAPES_DE_GESTION, "every step type of an action needs its event class"


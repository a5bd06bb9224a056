"""A person's recorded steps as the rules and projections read them: corrected, voids left out.

`EtapeTenue` is one recorded step with its effective `donnees`; `Historique` answers the questions
the rules ask ("the CIR open on that day", "the prescription not yet ended"…). Pure Python: imports
only the standard library and `parcours.vocabulaire`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from copy import deepcopy
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from uuid import UUID

from parcours.vocabulaire import TypeEtape

LIENS_DANS_LES_DONNEES = {"orientation": "orientation_step_id", "sortie": "sortie_step_id"}
"""Links a step names in its own `data` (answers to an orientation, 6-month follow-ups): a
correction of that field moves the link, so it is read from the effective values."""


@dataclass
class EtapeTenue:
    """One recorded step, with the values of its latest correction."""

    step_id: UUID
    type: TypeEtape
    occurred_on: date
    operateur: str
    agent: str
    enregistre_le: datetime
    donnees: dict[str, Any]
    liens: dict[str, UUID] = field(default_factory=dict)
    drapeaux: list[dict[str, str]] = field(default_factory=list)
    donnees_initiales: dict[str, Any] = field(default_factory=dict)
    corrections: list[UUID] = field(default_factory=list)
    annulee_par: UUID | None = None
    rang: int = 0
    """Position of the step in the person's recording order."""
    action: str | None = None
    """The funded action (CONTRACT §8) the step is recorded on or tied to, by its id."""

    @property
    def annulee(self) -> bool:
        return self.annulee_par is not None

    def __deepcopy__(self, memo: dict[int, Any]) -> EtapeTenue:
        """The same deep copy as `copy.deepcopy`'s, several times faster (every command copies the person
        it loads from the cache): only containers are copied, the scalars they hold are immutable."""
        return replace(
            self,
            donnees=_copie(self.donnees, memo),
            liens=dict(self.liens),
            drapeaux=[dict(drapeau) for drapeau in self.drapeaux],
            donnees_initiales=_copie(self.donnees_initiales, memo),
            corrections=list(self.corrections),
        )

    def get(self, champ: str, defaut: Any = None) -> Any:
        return self.donnees.get(champ, defaut)

    @property
    def liens_effectifs(self) -> dict[str, UUID]:
        """The derived links, those named in `data` taken from the corrected values."""
        liens = dict(self.liens)
        for lien, champ in LIENS_DANS_LES_DONNEES.items():
            if lien in liens and isinstance(self.donnees.get(champ), UUID):
                liens[lien] = self.donnees[champ]
        return liens


def _copie(donnees: dict[str, Any], memo: dict[int, Any]) -> dict[str, Any]:
    return {champ: deepcopy(valeur, memo) if isinstance(valeur, (dict, list, set)) else valeur for champ, valeur in donnees.items()}


@dataclass(frozen=True)
class Participations:
    """A person's inscriptions in funded actions and exits from them (action, day), in business-date order:
    all that a roll call asks of each person present, small enough to keep for every person of a territory."""

    inscriptions: tuple[tuple[str | None, date], ...]
    sorties: tuple[tuple[str | None, date], ...]

    def hors_de_l_action(self, action: str, jour: date) -> str | None:
        """Why the person cannot take part in the action on `jour` (not inscribed, already exited), or None."""
        if not any(inscrite == action and le <= jour for inscrite, le in self.inscriptions):
            return f"cette personne n'est pas inscrite à l'action « {action} » au {jour:%d/%m/%Y}."
        sortie = next((le for sortie, le in self.sorties if sortie == action and le < jour), None)
        if sortie is not None:
            return f"cette personne est sortie de l'action « {action} » le {sortie:%d/%m/%Y}."
        return None


class Historique:
    """The effective (not voided) steps of one person, in recording order."""

    def __init__(self, etapes: Iterable[EtapeTenue]) -> None:
        self._etapes = [e for e in etapes if not e.annulee]

    def __iter__(self) -> Iterator[EtapeTenue]:
        return iter(self._etapes)

    def __len__(self) -> int:
        return len(self._etapes)

    def etape(self, step_id: UUID) -> EtapeTenue | None:
        for e in self._etapes:
            if e.step_id == step_id:
                return e
        return None

    def de_type(self, *types: TypeEtape, jusquau: date | None = None) -> list[EtapeTenue]:
        """Steps of these types dated on or before `jusquau`, in business-date order."""
        trouvees = [e for e in self._etapes if e.type in types and (jusquau is None or e.occurred_on <= jusquau)]
        return sorted(trouvees, key=lambda e: (e.occurred_on, e.rang))

    def derniere(self, *types: TypeEtape, jusquau: date | None = None) -> EtapeTenue | None:
        trouvees = self.de_type(*types, jusquau=jusquau)
        return trouvees[-1] if trouvees else None

    def liees_a(self, step_id: UUID, *types: TypeEtape) -> list[EtapeTenue]:
        """Steps of these types whose link (as corrected) points to `step_id`."""
        return [e for e in self._etapes if e.type in types and step_id in e.liens_effectifs.values()]

    # Questions the rules ask ------------------------------------------------------------------

    @property
    def identite(self) -> EtapeTenue | None:
        return self.derniere(TypeEtape.PERSONNE_ENREGISTREE)

    @property
    def date_naissance(self) -> date | None:
        identite = self.identite
        return identite.get("date_naissance") if identite else None

    def cir_du(self, jour: date) -> EtapeTenue | None:
        """The latest CIR signed on or before `jour`."""
        return self.derniere(TypeEtape.CIR_SIGNE, jusquau=jour)

    def cir_clos(self, cir: EtapeTenue) -> bool:
        return bool(self.liees_a(cir.step_id, TypeEtape.ENTRETIEN_FIN_CIR))

    def prescription_en_cours(self, jour: date) -> EtapeTenue | None:
        """The latest language prescription made on or before `jour` and not yet ended."""
        for prescription in reversed(self.de_type(TypeEtape.FORMATION_LINGUISTIQUE_PRESCRITE, jusquau=jour)):
            if not self.formation_terminee(prescription):
                return prescription
        return None

    def formation_terminee(self, prescription: EtapeTenue) -> EtapeTenue | None:
        fins = self.liees_a(prescription.step_id, TypeEtape.FORMATION_LINGUISTIQUE_TERMINEE)
        return fins[0] if fins else None

    def episode_ouvert(self, operateur: str, jour: date | None = None) -> EtapeTenue | None:
        """The operator's employment-support episode opened (on or before `jour`) and not exited."""
        for entree in reversed(self.de_type(TypeEtape.ACCOMPAGNEMENT_EMPLOI_DEBUTE, jusquau=jour)):
            if entree.operateur == operateur and not self.liees_a(entree.step_id, TypeEtape.SORTIE_ACCOMPAGNEMENT):
                return entree
        return None

    def episode_agir_ouvert(self, jour: date | None = None) -> EtapeTenue | None:
        for entree in reversed(self.de_type(TypeEtape.AGIR_ENTREE, jusquau=jour)):
            if not self.liees_a(entree.step_id, TypeEtape.AGIR_SORTIE):
                return entree
        return None

    def protection_du(self, jour: date) -> EtapeTenue | None:
        """The latest protection decided on or before `jour` (BPI status at that date)."""
        decidees = [p for p in self.de_type(TypeEtape.PROTECTION_ACCORDEE) if p.get("decision_date") <= jour]
        return max(decidees, key=lambda p: (p.get("decision_date"), p.rang)) if decidees else None

    def premier_titre(self) -> EtapeTenue | None:
        """The first residence permit: it opens the 5-year pathway window."""
        premiers = [t for t in self.de_type(TypeEtape.TITRE_SEJOUR_DELIVRE) if t.get("premier_titre")]
        return min(premiers, key=lambda t: (t.get("valid_from"), t.rang)) if premiers else None

    def refus_agir(self, orientation: EtapeTenue) -> EtapeTenue | None:
        """The `agir_refus` that closed this AGIR orientation, if any."""
        refus = self.liees_a(orientation.step_id, TypeEtape.AGIR_REFUS)
        return refus[0] if refus else None

    def orientation_spe_acceptee(self, operateur: str, jour: date) -> EtapeTenue | None:
        """The latest SPE orientation sent to `operateur` and accepted by it on or before `jour`."""
        for orientation in reversed(self.de_type(TypeEtape.ORIENTATION_SPE, jusquau=jour)):
            if orientation.get("vers") != operateur:
                continue
            decision = self.decision_sur(orientation.step_id)
            if decision is not None and decision.type is TypeEtape.ORIENTATION_ACCEPTEE and decision.occurred_on <= jour:
                return orientation
        return None

    def inscription_a(self, action: str, jour: date | None = None) -> EtapeTenue | None:
        """The person's inscription in that action (on or before `jour`)."""
        for inscription in self.de_type(TypeEtape.BENEFICIAIRE_INSCRIT, jusquau=jour):
            if inscription.action == action:
                return inscription
        return None

    def sortie_de(self, action: str, avant: date | None = None) -> EtapeTenue | None:
        """The person's exit from that action (strictly before `avant`)."""
        for sortie in self.de_type(TypeEtape.BENEFICIAIRE_SORTI_ACTION):
            if sortie.action == action and (avant is None or sortie.occurred_on < avant):
                return sortie
        return None

    def hors_de_l_action(self, action: str, jour: date) -> str | None:
        """Why the person cannot take part in the action on `jour` (not inscribed, already exited), or None."""
        return self.participations().hors_de_l_action(action, jour)

    def participations(self) -> Participations:
        return Participations(
            tuple((e.action, e.occurred_on) for e in self.de_type(TypeEtape.BENEFICIAIRE_INSCRIT)),
            tuple((e.action, e.occurred_on) for e in self.de_type(TypeEtape.BENEFICIAIRE_SORTI_ACTION)),
        )

    def decision_sur(self, orientation_id: UUID) -> EtapeTenue | None:
        decisions = self.liees_a(orientation_id, TypeEtape.ORIENTATION_ACCEPTEE, TypeEtape.ORIENTATION_REFUSEE)
        return decisions[0] if decisions else None

"""A request for a file another operator follows (« demander le dossier »).

When a caseworker is about to register a person who already has a file their structure does not
follow, they ask the structures that follow it to hand it over instead of creating a second file. The
request is recorded in the log like everything else: one small aggregate per (pathway, requesting
operator), with a deterministic id so asking twice does not make two requests. It carries no personal
data (reasons are chosen from closed lists). A structure that follows the file answers: it hands the
file over (the requester becomes involved in the pathway, as an orientation would make it: it reads
the file and records its steps there), or declines, and the requester may ask again later. An
orientation that names the requester answers the request too. Imports only eventsourcing and `parcours`.
"""

from __future__ import annotations

from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from parcours.erreurs import ParcoursError
from parcours.index import ESPACE
from parcours.vocabulaire import Vocabulaire


class MotifDemande(Vocabulaire):
    PRESENTEE = "presentee", "La personne s'est présentée à notre structure"
    DEMENAGEMENT = "demenagement", "La personne s'est installée sur notre territoire"
    ORIENTATION = "orientation", "La personne nous a été orientée sans que le dossier suive"


class MotifRefusDemande(Vocabulaire):
    SANS_ACCORD = "sans_accord", "La personne n'a pas donné son accord"
    AUTRE_STRUCTURE = "autre_structure", "Une autre structure l'accompagne déjà"
    PAS_LA_PERSONNE = "pas_la_personne", "Il ne s'agit pas de la même personne"


class DemandeDossierError(ParcoursError):
    """The request cannot be made or answered; the message is French and names the field."""


class DemandeDeDossier(Aggregate):
    """One operator's request for one pathway's file, and its answer."""

    TOPIC = "parcours.demande_dossier"

    class Created(Aggregate.Created):
        TOPIC = "parcours.demande_dossier.created"

    class Demandee(Aggregate.Created):
        TOPIC = "parcours.demande_dossier.demandee"
        class_version = 1
        parcours_id: UUID
        demandeur: str
        par: str
        motif: MotifDemande

    class Renouvelee(Aggregate.Event):
        TOPIC = "parcours.demande_dossier.renouvelee"
        class_version = 1
        par: str
        motif: MotifDemande

    class Adressee(Aggregate.Event):
        TOPIC = "parcours.demande_dossier.adressee"
        class_version = 1
        operateur: str
        par: str

    class Declinee(Aggregate.Event):
        TOPIC = "parcours.demande_dossier.declinee"
        class_version = 1
        operateur: str
        par: str
        motif: MotifRefusDemande

    @event(Demandee)
    def __init__(self, parcours_id: UUID, demandeur: str, par: str, motif: MotifDemande) -> None:
        self.parcours_id = parcours_id
        self.demandeur = demandeur
        self.motif = motif
        self.declinee = False
        self.adressee = False

    def redemander(self, par: str, motif: MotifDemande) -> bool:
        """Ask again after a refusal; returns False (nothing recorded) while the request is still pending."""
        if self.adressee:
            raise DemandeDossierError("ce dossier a déjà été adressé à votre structure.", "parcours_id")
        if not self.declinee:
            return False
        self._renouveler(par, motif)
        return True

    @event(Renouvelee)
    def _renouveler(self, par: str, motif: MotifDemande) -> None:
        self.motif = motif
        self.declinee = False

    def adresser(self, operateur: str, par: str) -> None:
        self._verifier_reponse(operateur)
        self._adresser(operateur, par)

    @event(Adressee)
    def _adresser(self, operateur: str, par: str) -> None:
        self.adressee = True

    def decliner(self, operateur: str, par: str, motif: MotifRefusDemande) -> None:
        self._verifier_reponse(operateur)
        self._decliner(operateur, par, motif)

    @event(Declinee)
    def _decliner(self, operateur: str, par: str, motif: MotifRefusDemande) -> None:
        self.declinee = True

    def _verifier_reponse(self, operateur: str) -> None:
        if self.declinee or self.adressee:
            raise DemandeDossierError("cette demande a déjà reçu une réponse.", "motif")
        if operateur == self.demandeur:
            raise DemandeDossierError("une structure ne répond pas à sa propre demande.", "operateur")

    @staticmethod
    def create_id(parcours_id: UUID, demandeur: str) -> UUID:
        return uuid5(ESPACE, f"demande-dossier/{parcours_id}/{demandeur}")

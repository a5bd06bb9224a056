"""Fixtures of the domain unit tests: an in-memory Parcours, contract-shaped steps, a person's basic history.

Steps are built as CONTRACT §3 dicts by `tests.etapes` (Sara's numéro by default) and go through
`web.saisie.schemas.lire_etape`, the way real input arrives. The clock is fixed: "today" is 2025-06-30 (Europe/Paris). Everything is exposed through
fixtures (`app`, `etape`, `banc`, `signataire`, `refugiee`), so test modules import nothing from here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest

from parcours.application import Parcours
from parcours.chiffrement import nouvelle_cle_maitre
from parcours.commandes import EnregistrerOperateur, EtapeEnregistree
from parcours.erreurs import EtapeRejeteeError
from parcours.historique import EtapeTenue, Historique
from parcours.personne import Personne
from parcours.vocabulaire import TypeOperateur
from tests import etapes
from web.saisie.schemas import lire_etape, valider_champs_corriges

AUJOURDHUI = datetime(2025, 6, 30, 12, tzinfo=UTC)
"""The fixed clock: 2025-06-30 at 14:00 in Paris."""

NUMERO = "7501112223"
MOI = {"numero_etranger": NUMERO}

OPERATEURS: list[tuple[str, TypeOperateur, str, str | None]] = [
    ("ofii-dt-paris", TypeOperateur.OFII, "OFII — DT Paris", None),
    ("prefecture-75", TypeOperateur.PREFECTURE, "Préfecture de police", None),
    ("france-travail-75", TypeOperateur.FRANCE_TRAVAIL, "France Travail Paris", None),
    ("pole-emploi-75", TypeOperateur.FRANCE_TRAVAIL, "Pôle emploi Paris", "POLE_EMPLOI"),
    ("mission-locale-paris", TypeOperateur.MISSION_LOCALE, "Mission locale de Paris", None),
    ("cap-emploi-75", TypeOperateur.CAP_EMPLOI, "Cap emploi Paris", None),
    ("apec-idf", TypeOperateur.APEC, "APEC Île-de-France", None),
    ("agir-75", TypeOperateur.AGIR, "AGIR Paris", None),
    ("agir-93", TypeOperateur.AGIR, "AGIR Seine-Saint-Denis", None),
    ("fta-paris", TypeOperateur.ASSOCIATION, "France terre d'asile Paris", None),
    ("logement-75", TypeOperateur.LOGEMENT, "Opérateur logement", None),
    ("langues-75", TypeOperateur.ORGANISME_FORMATION, "Organisme de formation linguistique", None),
]


def construire_etape(type_: str, occurred_on: str, operateur: str, data: dict[str, Any],
                     personne: dict[str, Any] | None = MOI, step_id: str | None = None, agent: str = etapes.AGENT,
                     ) -> dict[str, Any]:
    """`tests.etapes.etape` with Sara as the default person: the unit tests' steps are mostly hers."""
    return etapes.etape(type_, occurred_on, operateur, data, personne, step_id=step_id, agent=agent)


def nouvelle_app() -> Parcours:
    """An empty in-memory Parcours with a fixed clock, corrected fields checked by the edge's schemas."""
    app = Parcours(
        {"PERSISTENCE_MODULE": "eventsourcing.popo"},
        cle_maitre=nouvelle_cle_maitre(),
        horloge=lambda: AUJOURDHUI,
        valider_champs=valider_champs_corriges,
    )
    for identifiant, type_, nom, libelle_source in OPERATEURS:
        app.enregistrer_operateur(EnregistrerOperateur(identifiant, type_, "75", nom, libelle_source))
    return app


class Banc:
    """A test bench: records steps, asserts rejections leave no trace, builds a person's basic history."""

    NUMERO = NUMERO

    def __init__(self, app: Parcours) -> None:
        self.app = app

    # Recording ---------------------------------------------------------------------------------

    etape = staticmethod(construire_etape)

    def envoyer(self, brut: dict[str, Any]) -> EtapeEnregistree:
        return self.app.enregistrer_etape(lire_etape(brut))

    def ok(self, *args: Any, **kwargs: Any) -> EtapeEnregistree:
        """Record one step (same arguments as `construire_etape`); it must be accepted."""
        return self.accepter(construire_etape(*args, **kwargs))

    def accepter(self, brut: dict[str, Any]) -> EtapeEnregistree:
        """Record one step built by `tests.etapes`; it must be accepted."""
        resultat = self.envoyer(brut)
        assert resultat.statut == "acceptee", resultat
        return resultat

    def rejet(self, champ: str, *args: Any, **kwargs: Any) -> EtapeRejeteeError:
        """The step must be rejected, naming `champ`, and the log must be left exactly as it was."""
        return self.rejet_brut(champ, construire_etape(*args, **kwargs))

    def rejet_brut(self, champ: str, brut: dict[str, Any]) -> EtapeRejeteeError:
        etat_avant = self.etat()
        with pytest.raises(EtapeRejeteeError) as erreur:
            self.envoyer(brut)
        assert erreur.value.champ == champ, f"{erreur.value.champ!r} ≠ {champ!r} : {erreur.value}"
        assert erreur.value.message.strip(), "a rejection explains itself"
        assert self.etat() == etat_avant, "a rejected step recorded something"
        return erreur.value

    def etat(self) -> tuple[int | None, int | None, int | None]:
        """Log position, stored events of the default person, and that person's version."""
        parcours_id = self.app.trouver_par_numero(NUMERO)
        if parcours_id is None:
            return self.app.recorder.max_notification_id(), None, None
        stockes = len(self.app.recorder.select_events(parcours_id))
        return self.app.recorder.max_notification_id(), stockes, self.app.personne(parcours_id).version

    # Reading -----------------------------------------------------------------------------------

    def parcours_id(self, numero: str = NUMERO) -> UUID:
        parcours_id = self.app.trouver_par_numero(numero)
        assert parcours_id is not None
        return parcours_id

    def personne(self, numero: str = NUMERO) -> Personne:
        return self.app.personne(self.parcours_id(numero))

    def relue(self, numero: str = NUMERO) -> Personne:
        """The person replayed from the stored events, bypassing the aggregate cache."""
        parcours_id = self.parcours_id(numero)
        return self.app.repository.get(parcours_id, version=len(self.app.recorder.select_events(parcours_id)))

    def historique(self, numero: str = NUMERO) -> Historique:
        return self.personne(numero).historique

    def tenue(self, step_id: str | UUID, numero: str = NUMERO) -> EtapeTenue:
        """A recorded step, voided or not, with its effective values and flags."""
        return self.personne(numero).etapes[UUID(str(step_id))]

    # A person's basic history ------------------------------------------------------------------

    def enregistrer(self, naissance: str = "1990-03-10", numero: str = NUMERO, jour: str = "2024-01-05",
                    sexe: str = "F") -> EtapeEnregistree:
        return self.accepter(etapes.enregistrement(numero, jour=jour, naissance=naissance, sexe=sexe))

    def titre(self, motif: str = "FAMILIAL", sous_motif: str = "CONJOINT_DE_FRANCAIS", jour: str = "2024-01-05",
              premier: bool = True, numero: str = NUMERO) -> EtapeEnregistree:
        return self.accepter(etapes.titre(numero, jour=jour, motif=motif, sous_motif=sous_motif, premier=premier,
                                          type_titre="VLS_TS"))

    def protection(self, decision: str, jour: str | None = None) -> EtapeEnregistree:
        return self.accepter(etapes.protection(NUMERO, decision, jour=jour))

    def positionnement(self, oral: str = "INFRA_A1", ecrit: str = "INFRA_A1", jour: str = "2024-02-01",
                       nlns: bool = False) -> EtapeEnregistree:
        return self.accepter(etapes.positionnement(NUMERO, jour=jour, oral=oral, ecrit=ecrit, nlns=nlns))

    def cir(self, jour: str = "2024-02-01", step_id: str | None = None, **data: Any) -> EtapeEnregistree:
        return self.accepter(etapes.cir(NUMERO, jour=jour, step_id=step_id, **data))

    def prescription(self, type_: str = "CIR_OBLIGATOIRE", forfait: int = 100, cible: str = "A1",
                     jour: str = "2024-02-01", step_id: str | None = None) -> EtapeEnregistree:
        return self.accepter(etapes.prescription(NUMERO, jour=jour, type_=type_, forfait=forfait, cible=cible,
                                                 step_id=step_id))

    def heures(self, realisees: float, jour: str = "2024-03-31", planifiees: float | None = None,
               step_id: str | None = None) -> EtapeEnregistree:
        return self.accepter(etapes.heures(NUMERO, realisees, jour=jour, planifiees=planifiees, step_id=step_id))

    def parcours_de_base(self, naissance: str = "1990-03-10") -> Banc:
        """Registered, a first family permit, positioned below A1 on both skills, CIR signed on 2024-02-01."""
        self.enregistrer(naissance=naissance)
        self.titre()
        self.positionnement()
        self.cir()
        return self


@pytest.fixture
def app() -> Parcours:
    return nouvelle_app()


@pytest.fixture
def etape() -> Callable[..., dict[str, Any]]:
    """The builder of contract-shaped steps: `etape(type, occurred_on, operateur, data, personne=…, step_id=None)`."""
    return construire_etape


@pytest.fixture
def banc(app: Parcours) -> Banc:
    return Banc(app)


@pytest.fixture
def signataire(banc: Banc) -> Banc:
    """Sara, born 1990-03-10: registered, first family permit, positioned INFRA_A1, CIR signed 2024-02-01."""
    return banc.parcours_de_base()


@pytest.fixture
def refugiee(banc: Banc) -> Banc:
    """Sara, refugee since 2023-11-20 (OFPRA), first humanitarian permit, CIR signed 2024-02-01."""
    banc.enregistrer()
    banc.protection("2023-11-20", jour="2024-01-05")
    banc.titre(motif="HUMANITAIRE", sous_motif="REFUGIE")
    banc.cir()
    return banc

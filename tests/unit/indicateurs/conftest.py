"""A small territory for checking the CONTRACT §5 indicators on cohorts computed by hand.

Steps go through the same path as an import line: `lire_etape` (the §3 syntax), then the domain
(`Parcours.enregistrer_etape`, in-memory log, a clock the test moves), then the read-model
projection into a SQLite file (`rattraper`), then `calculer`. Every helper returns the `step_id`
it recorded, so a test can correct, void or follow up that step.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from parcours.application import Parcours
from parcours.chiffrement import nouvelle_cle_maitre
from parcours.commandes import EnregistrerOperateur
from parcours.vocabulaire import TypeOperateur
from projections.document import calculer
from projections.indicateurs import Demande
from projections.runner import moteur, rattraper
from tests import etapes
from tests.conftest import Magasins, enregistrer_operateurs
from web.saisie.schemas import lire_etape, valider_champs_corriges

OPERATEURS_EN_PLUS = [
    ("cap-emploi-75", "CAP_EMPLOI", "75", "Cap emploi Paris"),
    ("apec-75", "APEC", "75", "Apec Paris"),
    ("france-travail-59", "FRANCE_TRAVAIL", "59", "France Travail Nord"),
]
"""Receiving kinds the shared scenario lacks, and an operator of another département."""

MAINTENANT = datetime(2026, 1, 15, 12, tzinfo=timezone.utc)
"""The default recording time: every business date of the tests is on or before it."""


def jour_iso(jour: str | date) -> date:
    return jour if isinstance(jour, date) else date.fromisoformat(jour)


class Territoire:
    """An empty store, the operators, a read model, and helpers that speak in CONTRACT §3 steps.

    `lectures`: a SQLite file of read models already migrated (a copy of the run's template store)."""

    def __init__(self, lectures: Path) -> None:
        self.maintenant = MAINTENANT
        self.parcours = Parcours(
            {"PERSISTENCE_MODULE": "eventsourcing.popo"},
            cle_maitre=nouvelle_cle_maitre(),
            horloge=lambda: self.maintenant,
            valider_champs=valider_champs_corriges,
        )
        enregistrer_operateurs(self.parcours)
        for identifiant, type_, departement, nom in OPERATEURS_EN_PLUS:
            self.parcours.enregistrer_operateur(EnregistrerOperateur(identifiant, TypeOperateur(type_), departement, nom))
        self.lectures = moteur(f"sqlite:///{lectures}")
        self._numero = 7500000000

    def fermer(self) -> None:
        self.lectures.dispose()

    # The clock ------------------------------------------------------------------------------------

    def horloge_a(self, instant: datetime) -> None:
        """What the system records as the recording time of the next steps (UTC-aware)."""
        self.maintenant = instant

    # Steps --------------------------------------------------------------------------------------------

    def etape(
        self,
        type_: str,
        jour: str,
        operateur: str,
        data: dict[str, Any],
        qui: str | None,
        *,
        step_id: str | None = None,
        enregistre_le: datetime | None = None,
    ) -> str:
        """Record one CONTRACT §3 step for the person whose numéro étranger is `qui`; returns its step_id."""
        return self.enregistrer(etapes.etape(type_, jour, operateur, data, etapes.qui(qui) if qui else None,
                                             step_id=step_id), enregistre_le)

    def enregistrer(self, brut: dict[str, Any], enregistre_le: datetime | None = None) -> str:
        """Record a step built by `tests.etapes` (at `enregistre_le` when given); returns its step_id."""
        commande = lire_etape(brut)
        if enregistre_le is not None:
            commande = replace(commande, enregistre_le=enregistre_le)
        self.parcours.enregistrer_etape(commande)
        return brut["step_id"]

    def personne(
        self,
        naissance: str = "1990-01-01",
        sexe: str = "F",
        departement: str = "75",
        menage: str | None = None,
        motif: str = "FAMILIAL",
        sous_motif: str | None = None,
        titre_le: str = "2023-01-10",
        protection: str | None = None,
        type_protection: str = "REFUGIE",
        protection_saisie_le: str | None = None,
        enregistree_le: str = "2023-01-10",
    ) -> str:
        """Register a person with a first residence permit (and a protection decided on `protection`);
        returns the numéro étranger that names them in the next steps."""
        self._numero += 1
        qui = str(self._numero)
        self.enregistrer(etapes.enregistrement(qui, jour=enregistree_le, naissance=naissance, sexe=sexe, nom="Nom",
                                               prenom="Prénom", departement=departement, menage=menage))
        self.titre(qui, titre_le, motif, sous_motif, premier=True)
        if protection is not None:
            self.enregistrer(etapes.protection(qui, protection, jour=protection_saisie_le, type_=type_protection))
        return qui

    def titre(self, qui: str, le: str, motif: str, sous_motif: str | None = None, premier: bool = False) -> str:
        return self.enregistrer(etapes.titre(qui, jour=le, motif=motif, sous_motif=sous_motif, premier=premier))

    # Employment support ----------------------------------------------------------------------------

    def entree(self, qui: str, le: str, operateur: str = "france-travail-75", programme: str = "ACCOMPAGNEMENT_FT") -> str:
        return self.enregistrer(etapes.entree(qui, jour=le, operateur=operateur, programme=programme))

    def sortie(self, qui: str, le: str, categorie: str, operateur: str = "france-travail-75") -> str:
        return self.enregistrer(etapes.sortie(qui, jour=le, categorie=categorie, operateur=operateur))

    def episode(self, qui: str, entree: str, sortie: str, categorie: str, operateur: str = "france-travail-75",
                programme: str = "ACCOMPAGNEMENT_FT") -> str:
        """An employment-support episode from `entree` to `sortie`; returns the exit's step_id."""
        self.entree(qui, entree, operateur, programme)
        return self.sortie(qui, sortie, categorie, operateur)

    def suivi(self, qui: str, sortie_id: str, le: str, repondant: bool, categorie: str | None = None,
              operateur: str = "france-travail-75") -> str:
        return self.enregistrer(etapes.suivi(qui, sortie_id, jour=le, repondant=repondant, categorie=categorie,
                                             operateur=operateur))

    # CIR, language, housing ----------------------------------------------------------------------------

    def cir(self, qui: str, le: str) -> str:
        return self.enregistrer(etapes.cir(qui, jour=le))

    def positionnement(self, qui: str, le: str, oral: str, ecrit: str) -> str:
        return self.enregistrer(etapes.positionnement(qui, jour=le, oral=oral, ecrit=ecrit))

    def prescription(self, qui: str, le: str, type_: str = "CIR_OBLIGATOIRE", forfait: int = 100, cible: str = "A1") -> str:
        return self.enregistrer(etapes.prescription(qui, jour=le, type_=type_, forfait=forfait, cible=cible))

    def heures(self, qui: str, le: str, planifiees: float, realisees: float) -> str:
        return self.enregistrer(etapes.heures(qui, realisees, jour=le, planifiees=planifiees, debut=le, fin=le))

    def evaluation(self, qui: str, le: str, oral: str, ecrit: str, type_: str = "FINALE") -> str:
        return self.enregistrer(etapes.evaluation(qui, jour=le, oral=oral, ecrit=ecrit, type_=type_))

    def fin_formation(self, qui: str, le: str, motif: str = "FORFAIT_REALISE") -> str:
        return self.enregistrer(etapes.fin_formation(qui, jour=le, motif=motif))

    def formation(
        self,
        qui: str,
        *,
        positionnements: Sequence[tuple[str, str, str]] = (("2025-01-05", "INFRA_A1", "INFRA_A1"),),
        cir_le: str | None = "2025-01-05",
        prescrite_le: str = "2025-01-10",
        type_: str = "CIR_OBLIGATOIRE",
        forfait: int = 100,
        cible: str = "A1",
        heures: Sequence[tuple[str, float, float]] = (),
        evaluations: Sequence[tuple[str, str, str]] = (),
        fin: tuple[str, str] | None = ("2025-06-30", "FORFAIT_REALISE"),
    ) -> str:
        """A whole language training: positionings (day, oral, écrit), a CIR, the prescription, hours
        (day, planned, done), evaluations (day, oral, écrit; the last one FINALE) and its end
        (day, motif). Returns the prescription's step_id."""
        for jour, oral, ecrit in positionnements:
            self.positionnement(qui, jour, oral, ecrit)
        if cir_le is not None:
            self.cir(qui, cir_le)
        prescription = self.prescription(qui, prescrite_le, type_, forfait, cible)
        for jour, planifiees, realisees in heures:
            self.heures(qui, jour, planifiees, realisees)
        for numero, (jour, oral, ecrit) in enumerate(evaluations, start=1):
            self.evaluation(qui, jour, oral, ecrit, "FINALE" if numero == len(evaluations) else "INTERMEDIAIRE")
        if fin is not None:
            self.fin_formation(qui, fin[0], fin[1])
        return prescription

    def logement(self, qui: str, le: str, situation: str, operateur: str = "logement-75") -> str:
        return self.enregistrer(etapes.logement(qui, jour=le, situation=situation, operateur=operateur))

    # Corrections and voids ---------------------------------------------------------------------------

    def corriger(self, qui: str, cible: str, champs: dict[str, Any], le: str, operateur: str = "france-travail-75") -> str:
        return self.enregistrer(etapes.correction(qui, cible, champs, jour=le, operateur=operateur))

    def annuler(self, qui: str, cible: str, le: str, operateur: str = "france-travail-75") -> str:
        return self.enregistrer(etapes.annulation(qui, cible, jour=le, operateur=operateur))

    # The report ------------------------------------------------------------------------------------------

    def indicateurs(self, du: str, au: str, *, vu_au: str | None = None, **filtres: Any) -> dict[str, Any]:
        """Catch the read model up with the log, then `parcours indicators --du … --au …` as a document."""
        rattraper(self.parcours, self.lectures)
        demande = Demande(jour_iso(du), jour_iso(au), vu_au=jour_iso(vu_au) if vu_au else None, **filtres)
        return calculer(self.lectures, demande)


@pytest.fixture
def territoire(magasins: Magasins, tmp_path: Path) -> Iterator[Territoire]:
    """An empty territory: no person yet, the scenario's operators and the extra SPE kinds registered."""
    construit = Territoire(magasins.sqlite(tmp_path / "magasin").dossier_donnees / "lectures.sqlite")
    yield construit
    construit.fermer()

"""The worklists that read only the facts that can concern the operator give, on a demo territory with
corrections and voids and on both backends, exactly the lines of the plain reading of every fact of the type."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

from parcours.dates import add_months
from parcours.vocabulaire import TypeEtape
from projections import tables as t
from projections.donnees_personnelles import PREAVIS, a_anonymiser, dates_de_retention, preavis_de_retention
from projections.faits import courants
from projections.requetes import HORIZON_FIN_DE_TITRE, _entretiens_en_retard, _titres_expirant
from web.config import Reglages, construire_services

pytestmark = pytest.mark.slow  # started first by `make test`, so that the other worker is not left idle at the end

INSTANT = datetime(2026, 11, 1, tzinfo=timezone.utc)
JOURS = [date(2024, 6, 1), date(2025, 1, 15), date(2025, 9, 1), date(2026, 3, 1), date(2026, 11, 1), date(2028, 1, 1)]


@pytest.fixture
def territoire(reglages_de_demonstration: Reglages):
    services = construire_services(reglages_de_demonstration)
    yield services
    services.fermer()


def titres_de_reference(connexion: sa.Connection, operateur: str, aujourdhui: date) -> list[tuple[str, date]]:
    """Every permit of the operator's pathways, the latest kept per person."""
    titres = courants(TypeEtape.TITRE_SEJOUR_DELIVRE, alias="titre")
    derniers: dict[str, tuple[date, date | None]] = {}
    for parcours_id, debut, fin in connexion.execute(
        sa.select(titres.c.parcours_id, titres.c.valid_from, titres.c.valid_to)
        .join(t.implication, t.implication.c.parcours_id == titres.c.parcours_id)
        .where(t.implication.c.operateur == operateur)
    ):
        if parcours_id not in derniers or debut > derniers[parcours_id][0]:
            derniers[parcours_id] = (debut, fin)
    return sorted((p, fin) for p, (_, fin) in derniers.items()
                  if fin is not None and aujourdhui <= fin <= aujourdhui + HORIZON_FIN_DE_TITRE)


def entretiens_de_reference(connexion: sa.Connection, operateur: str, aujourdhui: date) -> list[tuple[str, date]]:
    """CIRs of the operator without interview, every prescription of the territory read."""
    cirs = courants(TypeEtape.CIR_SIGNE, alias="cir")
    entretiens = courants(TypeEtape.ENTRETIEN_FIN_CIR, alias="entretien")
    prescriptions = courants(TypeEtape.FORMATION_LINGUISTIQUE_PRESCRITE, alias="prescription")
    fins = courants(TypeEtape.FORMATION_LINGUISTIQUE_TERMINEE, alias="fin")
    formations: dict[str, list[date | None]] = defaultdict(list)
    for cir_id, fin_le in connexion.execute(sa.select(prescriptions.c.cir, fins.c.occurred_on).select_from(
            prescriptions.outerjoin(fins, fins.c.prescription == prescriptions.c.step_id))):
        formations[cir_id].append(fin_le)
    lignes = []
    for cir_id, parcours_id, signe_le in connexion.execute(
        sa.select(cirs.c.step_id, cirs.c.parcours_id, cirs.c.occurred_on)
        .select_from(cirs.outerjoin(entretiens, entretiens.c.cir == cirs.c.step_id))
        .where(cirs.c.operateur == operateur, entretiens.c.step_id.is_(None))
    ):
        fins_formation = formations.get(cir_id)
        if fins_formation and any(f is None for f in fins_formation):
            continue
        echeance = add_months(max(fins_formation), 3) if fins_formation else add_months(signe_le, 12)  # type: ignore[type-var]
        if aujourdhui > echeance:
            lignes.append((parcours_id, echeance))
    return sorted(lignes)


def test_expiring_permits_and_late_interviews_are_those_of_the_plain_reading_for_every_operator(territoire) -> None:
    with territoire.lectures.connect() as connexion:
        operateurs = connexion.execute(sa.select(t.implication.c.operateur).distinct()).scalars().all()
        vus = {"titres": 0, "entretiens": 0}
        for operateur in operateurs:
            for jour in JOURS:
                titres = sorted((l["parcours_id"], l["echeance"]) for l in _titres_expirant(connexion, operateur, jour))
                assert titres == titres_de_reference(connexion, operateur, jour), (operateur, jour)
                entretiens = sorted((l["parcours_id"], l["echeance"]) for l in _entretiens_en_retard(connexion, operateur, jour))
                assert entretiens == entretiens_de_reference(connexion, operateur, jour), (operateur, jour)
                vus["titres"] += len(titres)
                vus["entretiens"] += len(entretiens)
    assert vus["titres"] > 0 and vus["entretiens"] > 0  # the territory exercises both lists


def test_retention_notices_and_the_pathways_due_for_anonymisation_are_those_of_the_plain_reading(territoire) -> None:
    with territoire.lectures.connect() as connexion:
        operateurs = connexion.execute(sa.select(t.implication.c.operateur).distinct()).scalars().all()
        suivis = defaultdict(set)
        for parcours_id, operateur in connexion.execute(sa.select(t.implication.c.parcours_id, t.implication.c.operateur)):
            suivis[operateur].add(parcours_id)
        vus = {"preavis": 0, "a_anonymiser": 0}
        for annees in (0, 2):
            toutes = dates_de_retention(connexion, annees)  # every pathway's date, filtered here
            for jour in [*JOURS, date(2029, 12, 31), date(2030, 6, 1), date(2031, 3, 1), date(2032, 6, 1)]:
                dues = [(p, d) for p, d in sorted(toutes.items(), key=lambda e: e[1]) if d <= jour]
                assert [(e["parcours_id"], e["date"]) for e in a_anonymiser(connexion, jour, annees)] == dues, (annees, jour)
                vus["a_anonymiser"] += len(dues)
                for operateur in operateurs:
                    preavis = sorted((e["parcours_id"], e["echeance"]) for e in preavis_de_retention(connexion, operateur, jour, annees))
                    attendus = sorted((p, d) for p, d in toutes.items() if p in suivis[operateur] and d <= jour + PREAVIS)
                    assert preavis == attendus, (annees, jour, operateur)
                    vus["preavis"] += len(preavis)
    assert vus["preavis"] > 0 and vus["a_anonymiser"] > 0

"""CONTRACT §1 and §3: `--departement` filters on "the one of `personne_enregistree`" (the person's,
not the operator's), `--operateur` on the operator, `--public` on bpi, non_bpi, femmes, hommes,
moins_de_25_ans, moins_de_26_ans."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import Territoire

PERIODE = ("2025-01-01", "2025-12-31")


@pytest.fixture
def cohorte(territoire: Territoire) -> Territoire:
    """Five persons (age at every date they are counted on, BPI status):

    - P1 — 75, F, 23, not BPI: CIR 10/01/2025; France Travail 75 from 01/03 to 01/05/2025, EMPLOI_CDI;
      CHRS then private rental on 01/05/2025.
    - P2 — 59, M, 45, refugee since 10/01/2024: CIR 10/01/2025; France Travail 59 from 01/02 to
      02/04/2025, FORMATION_QUALIFIANTE.
    - P3 — 75, M, 24, stateless since 01/05/2024: the association from 01/03 to 01/06/2025, RECHERCHE_EMPLOI.
    - P4 — 59 but followed by France Travail 75, F, 25, not BPI: from 01/03 to 01/04/2025,
      EMPLOI_MOINS_6M; CPH then social housing on 01/05/2025.
    - P5 — 75, X, 35, not BPI: France Travail 75 from 01/04/2025, no exit.
    """
    t = territoire
    p1 = t.personne(departement="75", sexe="F", naissance="2001-06-01")
    t.cir(p1, "2025-01-10")
    t.episode(p1, "2025-03-01", "2025-05-01", "EMPLOI_CDI")
    t.logement(p1, "2024-06-01", "CHRS")
    t.logement(p1, "2025-05-01", "LOCATAIRE_PARC_PRIVE")
    p2 = t.personne(departement="59", sexe="M", naissance="1980-01-01", motif="HUMANITAIRE", protection="2024-01-10")
    t.cir(p2, "2025-01-10")
    t.episode(p2, "2025-02-01", "2025-04-02", "FORMATION_QUALIFIANTE", operateur="france-travail-59")
    p3 = t.personne(departement="75", sexe="M", naissance="2000-07-01", motif="HUMANITAIRE", sous_motif="APATRIDE",
                    protection="2024-05-01", type_protection="APATRIDE")
    t.episode(p3, "2025-03-01", "2025-06-01", "RECHERCHE_EMPLOI", operateur="asso-75")
    p4 = t.personne(departement="59", sexe="F", naissance="2000-01-15")
    t.episode(p4, "2025-03-01", "2025-04-01", "EMPLOI_MOINS_6M")
    t.logement(p4, "2024-06-01", "CPH")
    t.logement(p4, "2025-05-01", "LOCATAIRE_PARC_SOCIAL")
    t.entree(t.personne(departement="75", sexe="X", naissance="1990-01-01"), "2025-04-01")
    return t


def resume(document: dict) -> tuple[int, int, int, int, int, int]:
    """(target public, exits, positive exits, bpi of the public, CIR signatories, households housed)."""
    return (document["public_cible"]["total"], document["accompagnement_emploi"]["sorties"],
            document["accompagnement_emploi"]["sorties_positives"], document["public_cible"]["bpi"],
            document["cir"]["signataires"], document["logement"]["menages_logement_perenne"])


def test_without_a_filter_everyone_counts(cohorte: Territoire) -> None:
    # public P1…P5 = 5; exits P1…P4 = 4, positive P1, P2, P4 = 3; BPI P2, P3 = 2; CIR P1, P2 = 2; housed P1, P4 = 2.
    assert resume(cohorte.indicateurs(*PERIODE)) == (5, 4, 3, 2, 2, 2)


@pytest.mark.parametrize(
    ("departement", "attendu"),
    [
        # 59: P2 and P4 (P4 though followed by a Paris operator): exits P2, P4 both positive; BPI P2; CIR P2; housed P4.
        ("59", (2, 2, 2, 1, 1, 1)),
        # 75: P1, P3, P5: exits P1, P3, positive P1; BPI P3; CIR P1; housed P1.
        ("75", (3, 2, 1, 1, 1, 1)),
        ("2A", (0, 0, 0, 0, 0, 0)),
    ],
)
def test_the_departement_filter_keeps_the_persons_registered_in_it(cohorte: Territoire, departement: str, attendu: tuple) -> None:
    assert resume(cohorte.indicateurs(*PERIODE, departement=departement)) == attendu


@pytest.mark.parametrize(
    ("operateur", "attendu"),
    [
        # Entries by France Travail 75: P1, P4, P5; its exits P1, P4, both positive; no CIR; housing by others.
        ("france-travail-75", (3, 2, 2, 0, 0, 0)),
        # The OFII: entries = the CIR of P1 and P2 (P2 BPI); no exit.
        ("ofii-dt-paris", (2, 0, 0, 1, 2, 0)),
        # The housing operator: no entry, no exit, both accesses.
        ("logement-75", (0, 0, 0, 0, 0, 2)),
    ],
)
def test_the_operator_filter_keeps_the_steps_of_that_operator(cohorte: Territoire, operateur: str, attendu: tuple) -> None:
    assert resume(cohorte.indicateurs(*PERIODE, operateur=operateur)) == attendu


@pytest.mark.parametrize(
    ("public", "attendu"),
    [
        # BPI: P2, P3 — exits P2 (positive), P3; CIR P2; no housing access.
        ("bpi", (2, 2, 1, 2, 1, 0)),
        # Not BPI: P1, P4, P5 — exits P1, P4, both positive; CIR P1; housed P1, P4.
        ("non_bpi", (3, 2, 2, 0, 1, 2)),
        # Women: P1, P4 (P5 is X).
        ("femmes", (2, 2, 2, 0, 1, 2)),
        # Men: P2, P3.
        ("hommes", (2, 2, 1, 2, 1, 0)),
        # Under 25: P1 (23), P3 (24) — exits P1 (positive), P3; BPI P3; CIR P1; housed P1.
        ("moins_de_25_ans", (2, 2, 1, 1, 1, 1)),
        # Under 26: P1, P3 and P4 (25).
        ("moins_de_26_ans", (3, 3, 2, 1, 1, 2)),
    ],
)
def test_the_public_filter_keeps_the_matching_persons(cohorte: Territoire, public: str, attendu: tuple) -> None:
    assert resume(cohorte.indicateurs(*PERIODE, public=public)) == attendu


def test_filters_combine_and_are_echoed_in_the_document(cohorte: Territoire) -> None:
    document = cohorte.indicateurs(*PERIODE, departement="59", public="femmes", operateur="france-travail-75")
    # Women of the 59 followed by France Travail 75: P4 — one entry, one positive exit, no CIR, housing by another operator.
    assert resume(document) == (1, 1, 1, 0, 0, 0)
    assert document["filtres"] == {"departement": "59", "operateur": "france-travail-75", "public": "femmes"}


def test_a_corrected_departement_or_sex_moves_the_person_in_the_filtered_figures(territoire: Territoire) -> None:
    t = territoire
    qui = t.personne(departement="75", sexe="F")
    t.entree(qui, "2025-03-01")
    assert resume(t.indicateurs(*PERIODE, departement="75"))[0] == 1
    identite = t.parcours.personne(t.parcours.trouver_par_numero(qui)).historique.identite
    assert identite is not None
    t.corriger(qui, str(identite.step_id), {"departement": "59", "sexe": "M"}, "2025-04-01", operateur="ofii-dt-paris")
    # Now a man of the 59.
    assert resume(t.indicateurs(*PERIODE, departement="75"))[0] == 0
    assert resume(t.indicateurs(*PERIODE, departement="59"))[0] == 1
    public = t.indicateurs(*PERIODE)["public_cible"]
    assert (public["hommes"], public["femmes"]) == (1, 0)

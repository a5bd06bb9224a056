"""CONTRACT §5, `public_cible`: "distinct persons with an entry (`accompagnement_emploi_debute`,
`agir_entree` or `cir_signe`) on a date in the period … Age in completed years and BPI status
(`protection_accordee` on or before the date) are taken at the person's first entry in the period.
APATRIDE counts as BPI."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conftest import Territoire

PERIODE = ("2025-01-01", "2025-12-31")


def test_ages_24_25_and_26_at_the_entry_split_the_under_25_and_under_26_counts(territoire: Territoire) -> None:
    t = territoire
    # Entries on 01/03/2025.
    t.entree(t.personne(naissance="2000-03-02", sexe="F"), "2025-03-01")  # 24 (25 the next day)
    t.entree(t.personne(naissance="2000-03-01", sexe="M"), "2025-03-01")  # 25 that very day
    t.entree(t.personne(naissance="1999-03-02", sexe="F"), "2025-03-01")  # 25
    t.entree(t.personne(naissance="1999-03-01", sexe="M"), "2025-03-01")  # 26 that very day
    public = t.indicateurs(*PERIODE)["public_cible"]
    # total 4 (2 F, 2 M); under 25: the 24-year-old = 1; under 26: 24, 25, 25 = 3; nobody BPI → part 4/4 = 1.0.
    assert public == {"total": 4, "hommes": 2, "femmes": 2, "moins_de_25_ans": 1, "moins_de_26_ans": 3, "bpi": 0,
                      "bpi_hommes": 0, "bpi_femmes": 0, "bpi_moins_de_25_ans": 0, "part_non_bpi": 1.0}


def test_each_person_counts_once_with_age_and_bpi_status_at_their_first_entry_in_the_period(territoire: Territoire) -> None:
    t = territoire
    # a — F, 24 at her first entry of the period (01/03/2025), 25 at her second (01/07/2025); an entry in
    # 2024 is outside the period. Counted once, under 25.
    a = t.personne(naissance="2000-06-15", sexe="F")
    t.entree(a, "2024-05-01", operateur="mission-locale-paris")
    t.entree(a, "2025-03-01")
    t.entree(a, "2025-07-01", operateur="asso-75")
    # b — M, 45, refugee decided 01/02/2025, before his entry (01/03/2025): BPI.
    b = t.personne(naissance="1980-01-01", sexe="M", motif="HUMANITAIRE", protection="2025-02-01")
    t.entree(b, "2025-03-01")
    # c — F, 24, stateless (APATRIDE) decided 01/12/2024: BPI, a BPI woman under 25.
    c = t.personne(naissance="2001-01-01", sexe="F", motif="HUMANITAIRE", sous_motif="APATRIDE",
                   protection="2024-12-01", type_protection="APATRIDE")
    t.entree(c, "2025-03-01")
    # d — M, 40, protection decided 15/03/2025, after his first entry (01/03/2025) though before his
    # second (01/04/2025): not BPI, the first entry decides.
    d = t.personne(naissance="1985-01-01", sexe="M", motif="HUMANITAIRE", protection="2025-03-15")
    t.entree(d, "2025-03-01")
    t.entree(d, "2025-04-01", operateur="asso-75")
    # e — X, 35, protection decided 20/02/2025 but recorded on 10/04/2025, after the entry (01/03/2025):
    # BPI at the entry (the decision date makes the status); neither a man nor a woman.
    e = t.personne(naissance="1990-01-01", sexe="X", motif="HUMANITAIRE", protection="2025-02-20",
                   protection_saisie_le="2025-04-10")
    t.entree(e, "2025-03-01")
    # f — F, 35, enters through her CIR (10/02/2025), then an employment support (01/05/2025).
    f = t.personne(naissance="1990-01-01", sexe="F")
    t.cir(f, "2025-02-10")
    t.entree(f, "2025-05-01")
    # g — M, refugee decided 01/11/2024, CIR 15/12/2024 (before the period), enters AGIR on 20/01/2025 at 29.
    g = t.personne(naissance="1995-06-25", sexe="M", motif="HUMANITAIRE", protection="2024-11-01")
    t.cir(g, "2024-12-15")
    t.etape("orientation_agir", "2024-12-15", "ofii-dt-paris", {"vers": "agir-75"}, g)
    t.etape("agir_entree", "2025-01-20", "agir-75", {"volets": ["DROITS", "EMPLOI_FORMATION"]}, g)
    # h — M, whose only entries are on 01/06/2024 and 05/01/2026: outside the period.
    h = t.personne(sexe="M")
    t.entree(h, "2024-06-01")
    t.entree(h, "2026-01-05", operateur="asso-75")
    # i — F, registered and with a residence permit but no entry at all.
    t.personne(sexe="F")
    # j — M, 50, one entry on the last day of the period.
    t.entree(t.personne(naissance="1975-01-01", sexe="M"), "2025-12-31")
    public = t.indicateurs(*PERIODE)["public_cible"]
    # total a, b, c, d, e, f, g, j = 8; men b, d, g, j = 4; women a, c, f = 3 (e is X);
    # under 25: a, c = 2 (also under 26; nobody is 25); BPI b, c, e, g = 4: men b, g = 2, women c = 1, under 25 c = 1;
    # part_non_bpi (a, d, f, j) 4 / 8 = 0.5.
    assert public == {"total": 8, "hommes": 4, "femmes": 3, "moins_de_25_ans": 2, "moins_de_26_ans": 2, "bpi": 4,
                      "bpi_hommes": 2, "bpi_femmes": 1, "bpi_moins_de_25_ans": 1, "part_non_bpi": 0.5}


def test_a_period_with_bpi_only_gives_a_zero_share_of_non_bpi(territoire: Territoire) -> None:
    t = territoire
    t.entree(t.personne(motif="HUMANITAIRE", protection="2024-05-01"), "2025-03-01")
    t.entree(t.personne(motif="HUMANITAIRE", sous_motif="PROTECTION_SUBSIDIAIRE", protection="2024-05-01",
                        type_protection="PROTECTION_SUBSIDIAIRE"), "2025-03-01")
    public = t.indicateurs(*PERIODE)["public_cible"]
    # 2 persons, both BPI women: 0 / 2 non-BPI.
    assert (public["total"], public["bpi"], public["bpi_femmes"], public["part_non_bpi"]) == (2, 2, 2, 0.0)

"""CONTRACT §5, `cir`: "`signataires` (cir_signe dated in the period) with `par_sexe` (F, M, X),
`par_age` (`moins_de_26`, `26_plus`, age at signature), `par_statut` (BPI if protected on or before
signature, else FAMILIAL, ECONOMIQUE or AUTRE from the motif of the last residence permit on or before
signature), `prescriptions_obligatoires` (signataires of the period with a CIR_OBLIGATOIRE
prescription), `dispenses_orientation_spe` (waivers dated in the period) and `orientations_spe`
(orientations dated in the period, as an object keyed by the receiving operator's kind)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conftest import Territoire

PERIODE = ("2025-01-01", "2025-12-31")


def orienter(t: Territoire, qui: str, le: str, vers: str, motif_choix: str) -> str:
    return t.etape("orientation_spe", le, "ofii-dt-paris", {"vers": vers, "motif_choix": motif_choix}, qui)


def dispenser(t: Territoire, qui: str, le: str) -> str:
    return t.etape("dispense_orientation_spe", le, "ofii-dt-paris", {"demande_expresse": True, "motif": "EN_EMPLOI"}, qui)


def test_signatories_by_sex_age_at_signature_and_status(territoire: Territoire) -> None:
    t = territoire
    s1 = t.personne(naissance="1999-02-02", sexe="F", motif="FAMILIAL")  # 25 on 01/02/2025 → moins_de_26
    t.cir(s1, "2025-02-01")
    s2 = t.personne(naissance="1999-02-01", sexe="M", motif="ECONOMIQUE")  # 26 that very day → 26_plus
    t.cir(s2, "2025-02-01")
    s3 = t.personne(sexe="X", motif="HUMANITAIRE", sous_motif="ETRANGER_MALADE")  # humanitarian, not protected → AUTRE
    t.cir(s3, "2025-02-01")
    s4 = t.personne(sexe="F", motif="HUMANITAIRE", protection="2024-12-01")  # protected before → BPI
    t.cir(s4, "2025-02-01")
    s5 = t.personne(sexe="M", motif="HUMANITAIRE", protection="2025-04-01")  # protected after signing → AUTRE
    t.cir(s5, "2025-03-01")
    s6 = t.personne(sexe="F", motif="DIVERS")  # DIVERS → AUTRE
    t.cir(s6, "2025-03-01")
    # s7 — first permit FAMILIAL (2023), then ECONOMIQUE from 01/06/2024, then FAMILIAL again from
    # 01/06/2025, after signing (01/03/2025): the last permit on or before signature is ECONOMIQUE.
    s7 = t.personne(sexe="M", motif="FAMILIAL")
    t.titre(s7, "2024-06-01", "ECONOMIQUE")
    t.cir(s7, "2025-03-01")
    t.titre(s7, "2025-06-01", "FAMILIAL")
    s8 = t.personne(sexe="M", motif="ECONOMIQUE", sous_motif="AUTRE", protection="2024-10-01",
                    type_protection="APATRIDE")  # stateless: BPI, whatever the permit
    t.cir(s8, "2025-03-01")
    t.cir(t.personne(sexe="F"), "2024-12-31")  # signed the day before the period
    t.cir(t.personne(sexe="F"), "2026-01-05")  # signed after it
    cir = t.indicateurs(*PERIODE)["cir"]
    # 8 signatories s1…s8: F s1, s4, s6 = 3; M s2, s5, s7, s8 = 4; X s3 = 1. Under 26: s1 only.
    # BPI s4, s8 = 2; FAMILIAL s1 = 1; ECONOMIQUE s2, s7 = 2; AUTRE s3, s5, s6 = 3.
    assert cir["signataires"] == 8
    assert cir["par_sexe"] == {"F": 3, "M": 4, "X": 1}
    # Under 25: none (s1 is 25). HUMANITAIRE (within AUTRE): s3, and s5 protected only after signing = 2.
    assert cir["par_age"] == {"moins_de_26": 1, "26_plus": 7, "moins_de_25": 0}
    assert cir["par_statut"] == {"BPI": 2, "FAMILIAL": 1, "ECONOMIQUE": 2, "AUTRE": 3, "HUMANITAIRE": 2}


def test_compulsory_prescriptions_count_signatories_of_the_period_with_a_cir_obligatoire_training(territoire: Territoire) -> None:
    t = territoire
    a = t.personne()  # CIR_OBLIGATOIRE: counts
    t.formation(a, cir_le="2025-02-01", prescrite_le="2025-03-01", fin=None)
    b = t.personne()  # a complementary training only: does not count
    t.formation(b, positionnements=[("2025-02-01", "A1", "A1")], cir_le="2025-02-01", prescrite_le="2025-03-01",
                type_="COMPLEMENTAIRE_A2", cible="A2", fin=None)
    c = t.personne()  # CIR_OBLIGATOIRE, but CIR signed before the period: not a signatory of the period
    t.formation(c, positionnements=[("2024-12-31", "INFRA_A1", "A1")], cir_le="2024-12-31", prescrite_le="2025-01-15",
                fin=None)
    d = t.personne()  # CIR_OBLIGATOIRE prescribed then voided: counts nowhere
    prescription = t.formation(d, cir_le="2025-02-01", prescrite_le="2025-03-01", fin=None)
    t.annuler(d, prescription, "2025-03-02", operateur="ofii-dt-paris")
    t.cir(t.personne(), "2025-04-01")  # no training at all
    cir = t.indicateurs(*PERIODE)["cir"]
    # Signatories of 2025: a, b, d and the last one = 4; with a CIR_OBLIGATOIRE prescription: a = 1.
    assert (cir["signataires"], cir["prescriptions_obligatoires"]) == (4, 1)


def test_orientations_are_keyed_by_the_receiving_kind_and_waivers_counted_when_dated_in_the_period(
    territoire: Territoire,
) -> None:
    t = territoire
    s1 = t.personne(naissance="2000-01-01")  # 25: Mission locale by default
    t.cir(s1, "2025-02-01")
    orienter(t, s1, "2025-06-01", "mission-locale-paris", "AGE_MOINS_26")
    s2 = t.personne()
    t.cir(s2, "2025-02-01")
    orienter(t, s2, "2025-06-01", "france-travail-75", "DEFAUT")
    s3 = t.personne()
    t.cir(s3, "2025-02-01")
    orienter(t, s3, "2025-06-01", "cap-emploi-75", "RQTH")
    s5 = t.personne()
    t.cir(s5, "2025-02-01")
    orienter(t, s5, "2025-06-01", "apec-75", "CADRE")
    s6 = t.personne()
    t.cir(s6, "2025-02-01")
    orienter(t, s6, "2025-12-31", "france-travail-75", "DEFAUT")  # last day of the period
    s7 = t.personne()  # oriented to France Travail, voided, then to the Apec
    t.cir(s7, "2025-02-01")
    annulee = orienter(t, s7, "2025-05-01", "france-travail-75", "DEFAUT")
    t.annuler(s7, annulee, "2025-05-02", operateur="ofii-dt-paris")
    orienter(t, s7, "2025-07-01", "apec-75", "CADRE")
    s9 = t.personne()  # CIR of 2024, oriented in 2025: the orientation's date is what counts
    t.cir(s9, "2024-12-31")
    orienter(t, s9, "2025-02-01", "apec-75", "CADRE")
    s10 = t.personne()  # oriented the day before the period
    t.cir(s10, "2024-12-01")
    orienter(t, s10, "2024-12-31", "france-travail-75", "DEFAUT")
    s11 = t.personne()  # oriented after the period
    t.cir(s11, "2025-12-01")
    orienter(t, s11, "2026-01-02", "cap-emploi-75", "DEFAUT")
    # Waivers: on 02/06/2025 and 31/12/2025 (in), 31/12/2024 and 05/01/2026 (out).
    for cir_le, dispense_le in (("2025-02-01", "2025-06-02"), ("2025-03-01", "2025-12-31"),
                                ("2024-06-01", "2024-12-31"), ("2025-12-01", "2026-01-05")):
        qui = t.personne()
        t.cir(qui, cir_le)
        dispenser(t, qui, dispense_le)
    cir = t.indicateurs(*PERIODE)["cir"]
    # Mission locale s1 = 1; France Travail s2, s6 = 2; Cap emploi s3 = 1; Apec s5, s7, s9 = 3. Waivers 2.
    assert cir["orientations_spe"] == {"FRANCE_TRAVAIL": 2, "MISSION_LOCALE": 1, "CAP_EMPLOI": 1, "APEC": 3}
    assert cir["dispenses_orientation_spe"] == 2
    # Every receiving kind is a key even when nothing went there (first quarter of 2025: s9 to the Apec only).
    premier_trimestre = t.indicateurs("2025-01-01", "2025-03-31")["cir"]
    assert premier_trimestre["orientations_spe"] == {"FRANCE_TRAVAIL": 0, "MISSION_LOCALE": 0, "CAP_EMPLOI": 0, "APEC": 1}

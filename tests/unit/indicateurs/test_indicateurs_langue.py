"""CONTRACT §5, `langue`: language trainings ended in the period — hours, assiduity ("Σ réalisées /
Σ planifiées ≥ 0.8, or ended with NIVEAU_CIBLE_ATTEINT_ANTICIPE"), evaluation, progression "from the
positioning to the last evaluation" (the lower of oral and écrit), B1_ET_PLUS starters left out,
`atteignant_a1` for CIR_OBLIGATOIRE trainings. "Positioning" is the person's latest
`positionnement_linguistique` on or before the prescription."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conftest import Territoire

PERIODE = ("2025-01-01", "2025-12-31")


def test_assiduity_is_80_percent_of_the_forfait_done_whatever_the_planned_periods_and_early_closure_always_counting(
    territoire: Territoire,
) -> None:
    t = territoire
    # CONTRACT §10: regular = Σ réalisées ≥ 0.8 × the prescription's forfait_h (the hours of the individual
    # training plan), whatever the planned periods said; an early closure at the target stays regular.
    # f1 — forfait 100, prescribed in 2024, ended in 2025: 20 then 60 done → 80 ≥ 80: assidu; its 2024 hours
    # count too, the training being the unit.
    t.formation(t.personne(), positionnements=[("2024-11-01", "INFRA_A1", "INFRA_A1")], cir_le="2024-11-01",
                prescrite_le="2024-11-01", heures=[("2024-12-15", 20, 20), ("2025-02-15", 80, 60)],
                fin=("2025-03-01", "FORFAIT_REALISE"))
    # f2 — forfait 100: 10 + 60 = 70 < 80: not assidu.
    t.formation(t.personne(), heures=[("2025-02-15", 10, 10), ("2025-03-15", 90, 60)])
    # f3 — forfait 200: 60.1 + 59.5 + 40.4 = 160 = 0.8 × 200 exactly: assidu (not exact in binary floating point).
    t.formation(t.personne(), forfait=200,
                heures=[("2025-02-15", 70, 60.1), ("2025-03-15", 70, 59.5), ("2025-04-15", 60, 40.4)])
    # f4 — forfait 100: 79.9 done: not assidu.
    t.formation(t.personne(), heures=[("2025-02-15", 100, 79.9)])
    # f5 — 30 of 100, but ended early with the target reached (A1/A1 evaluated, target A1): assidu.
    t.formation(t.personne(), heures=[("2025-02-15", 100, 30)], evaluations=[("2025-03-01", "A1", "A1")],
                fin=("2025-03-02", "NIVEAU_CIBLE_ATTEINT_ANTICIPE"))
    # f6 — abandoned after 50 of 100: not assidu.
    t.formation(t.personne(), heures=[("2025-02-15", 100, 50)], fin=("2025-03-01", "ABANDON"))
    # f7 — left after 40 of a 400 h forfait, although its one planned period (40 h) was fully attended: not assidu.
    t.formation(t.personne(), forfait=400, heures=[("2025-02-15", 40, 40)], fin=("2025-03-01", "ABANDON"))
    # Ended outside the period: 31/12/2024 and 05/01/2026, with full attendance. Ignored, hours included.
    t.formation(t.personne(), positionnements=[("2024-06-01", "INFRA_A1", "INFRA_A1")], cir_le="2024-06-01",
                prescrite_le="2024-06-01", heures=[("2024-09-15", 100, 100)], fin=("2024-12-31", "FORFAIT_REALISE"))
    t.formation(t.personne(), heures=[("2025-09-15", 100, 100)], fin=("2026-01-05", "FORFAIT_REALISE"))
    # Still in progress: not ended, ignored.
    t.formation(t.personne(), heures=[("2025-09-15", 100, 100)], fin=None)
    langue = t.indicateurs(*PERIODE)["langue"]
    # 7 trainings ended; learner-hours 80 + 70 + 160 + 79.9 + 30 + 50 + 40 = 509.9; assidus f1, f3, f5 = 3.
    assert (langue["formations_terminees"], langue["heures_realisees"], langue["assidus"]) == (7, 509.9, 3)


def test_progression_goes_from_the_positioning_to_the_last_evaluation_and_b1_starters_are_left_out(
    territoire: Territoire,
) -> None:
    t = territoire
    # g1 — INFRA_A1 positioned; A1/A1 at the intermediate evaluation but A1/INFRA_A1 at the last one:
    # evaluated, lower skill INFRA_A1 → INFRA_A1: no progression, no A1.
    t.formation(t.personne(), evaluations=[("2025-03-01", "A1", "A1"), ("2025-05-01", "A1", "INFRA_A1")])
    # g2 — INFRA_A1 → A2/A1: lower skill up one level (progression); both skills ≥ A1 (A1 reached).
    t.formation(t.personne(), evaluations=[("2025-05-01", "A2", "A1")])
    # g3 — never evaluated: neither evaluated nor progressing.
    t.formation(t.personne(), evaluations=[])
    # g4 — COMPLEMENTAIRE_A2 from A1/A1 to A2/A2: progression; not a CIR_OBLIGATOIRE training, so not in atteignant_a1.
    t.formation(t.personne(), positionnements=[("2025-01-05", "A1", "A1")], type_="COMPLEMENTAIRE_A2", cible="A2",
                evaluations=[("2025-05-01", "A2", "A2")])
    # g5 — a B1_ET_PLUS starter in a COMPLEMENTAIRE_B1 training: out of evalues and of the progression count.
    t.formation(t.personne(), positionnements=[("2025-01-05", "B1_ET_PLUS", "B1_ET_PLUS")], type_="COMPLEMENTAIRE_B1",
                cible="B1", evaluations=[("2025-05-01", "B1_ET_PLUS", "B1_ET_PLUS")])
    # g6 — oral B1_ET_PLUS but écrit A2: the lower skill is A2, so not a B1 starter; A2 → B1_ET_PLUS: progression.
    t.formation(t.personne(), positionnements=[("2025-01-05", "B1_ET_PLUS", "A2")], type_="COMPLEMENTAIRE_B1",
                cible="B1", evaluations=[("2025-05-01", "B1_ET_PLUS", "B1_ET_PLUS")])
    langue = t.indicateurs(*PERIODE)["langue"]
    # evalues g1, g2, g4, g6 = 4; progression g2, g4, g6 = 3; atteignant_a1 (CIR_OBLIGATOIRE g1, g2, g3): g2 = 1.
    assert langue["formations_terminees"] == 6
    assert (langue["evalues"], langue["progression_un_niveau"], langue["atteignant_a1"]) == (4, 3, 1)


def test_the_positioning_is_the_latest_one_on_or_before_the_prescription(territoire: Territoire) -> None:
    t = territoire
    # Positioned INFRA_A1 in 2024, A1/A1 on the day of the prescription (10/01/2025), INFRA_A1 again
    # afterwards (01/02/2025, ignored). Last evaluation A2/A1 → lower skill A1 = the positioning's: no
    # progression (from either of the other two it would be one level).
    t.formation(t.personne(), type_="COMPLEMENTAIRE_A2", cible="A2",
                positionnements=[("2024-06-01", "INFRA_A1", "INFRA_A1"), ("2025-01-10", "A1", "A1")],
                evaluations=[("2025-05-01", "A2", "A1")])
    qui = t.personne()
    # Same again but with the late positioning recorded too.
    t.formation(qui, type_="COMPLEMENTAIRE_A2", cible="A2",
                positionnements=[("2024-06-01", "INFRA_A1", "INFRA_A1"), ("2025-01-10", "A1", "A1")],
                evaluations=[("2025-05-01", "A2", "A1")], fin=None)
    t.positionnement(qui, "2025-02-01", "INFRA_A1", "INFRA_A1")
    t.fin_formation(qui, "2025-06-30")
    langue = t.indicateurs(*PERIODE)["langue"]
    # 2 trainings, both evaluated, neither progressing.
    assert (langue["formations_terminees"], langue["evalues"], langue["progression_un_niveau"]) == (2, 2, 0)


def test_the_last_evaluation_is_the_latest_dated_one_whatever_the_recording_order(territoire: Territoire) -> None:
    t = territoire
    qui = t.personne()
    t.formation(qui, fin=None)  # CIR_OBLIGATOIRE from INFRA_A1/INFRA_A1
    t.evaluation(qui, "2025-05-20", "A2", "A1", "FINALE")  # recorded first, dated last
    t.evaluation(qui, "2025-03-01", "INFRA_A1", "INFRA_A1", "INTERMEDIAIRE")  # recorded second, dated first
    t.fin_formation(qui, "2025-05-25")
    langue = t.indicateurs(*PERIODE)["langue"]
    # Last evaluation = 20/05 (A2/A1): lower skill INFRA_A1 → A1, progression; both ≥ A1, A1 reached.
    assert (langue["evalues"], langue["progression_un_niveau"], langue["atteignant_a1"]) == (1, 1, 1)


def test_a_voided_evaluation_or_hours_entry_counts_nowhere(territoire: Territoire) -> None:
    t = territoire
    qui = t.personne()
    t.formation(qui, heures=[("2025-02-15", 50, 40)], fin=None)
    heures = t.heures(qui, "2025-03-15", 50, 45)
    evaluation = t.evaluation(qui, "2025-05-01", "A1", "A1")
    t.fin_formation(qui, "2025-06-30")
    # Before: 40 + 45 = 85 h done of the 100 h forfait ≥ 80: assidu; evaluated A1/A1 → progression and A1.
    assert t.indicateurs(*PERIODE)["langue"] == {"formations_terminees": 1, "heures_realisees": 85, "assidus": 1,
                                                 "evalues": 1, "progression_un_niveau": 1, "atteignant_a1": 1,
                                                 "taux_atteignant_a1": 1.0}
    t.annuler(qui, heures, "2025-07-01", operateur="langues-75")
    t.annuler(qui, evaluation, "2025-07-01", operateur="langues-75")
    # After: 40 of 100, not assidu; no evaluation left.
    assert t.indicateurs(*PERIODE)["langue"] == {"formations_terminees": 1, "heures_realisees": 40, "assidus": 0,
                                                 "evalues": 0, "progression_un_niveau": 0, "atteignant_a1": 0,
                                                 "taux_atteignant_a1": 0.0}

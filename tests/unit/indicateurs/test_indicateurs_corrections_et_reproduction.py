"""CONTRACT §3 and §5: "Steps voided by `evenement_annule` count nowhere; corrected steps count with
their corrected values"; `--vu-au` = "only what had been recorded by the end of that day (the report
as it could have been produced then)"; `position_journal` = "the last event position included: the
same position and filters always give the same numbers"."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conftest import Territoire

PERIODE = ("2024-07-01", "2025-06-30")


def test_a_voided_exit_leaves_every_count_of_the_exits_and_of_the_six_month_cohort(territoire: Territoire) -> None:
    t = territoire
    a, b = t.personne(), t.personne()
    sortie_a = t.episode(a, "2024-07-01", "2024-09-15", "EMPLOI_CDI")  # 76 days, due 15/03/2025
    t.suivi(a, sortie_a, "2025-03-15", True, "EMPLOI_CDI")
    t.episode(b, "2024-07-01", "2024-10-01", "RECHERCHE_EMPLOI")  # 92 days, due 01/04/2025
    # Both exits: 1 positive of 2 = 0.5; (76 + 92) / 2 = 84 d / 30.4375 = 2.76 → 2.8;
    # cohort 2, a answered and is positive: 1/2, 1/2.
    assert t.indicateurs(*PERIODE)["accompagnement_emploi"] == {
        "sorties": 2, "sorties_neutres": 0, "duree_moyenne_mois": 2.8, "sorties_positives": 1,
        "dont_emploi_durable": 1, "dont_formation": 0, "taux_sortie_positive": 0.5,
        "suivi_6_mois": {"cohorte": 2, "renseignes": 1, "positifs": 1, "taux_positif": 0.5, "taux_reponse": 0.5},
        "sorties_emploi_sans_contrat": 1,  # a's EMPLOI_CDI exit, no contract recorded
    }
    t.annuler(a, sortie_a, "2025-04-01")
    document = t.indicateurs(*PERIODE)
    # b alone: 0 positive of 1 = 0.0; 92 d / 30.4375 = 3.02 → 3.0; cohort 1 (b), nobody answered.
    assert document["accompagnement_emploi"] == {
        "sorties": 1, "sorties_neutres": 0, "duree_moyenne_mois": 3.0, "sorties_positives": 0,
        "dont_emploi_durable": 0, "dont_formation": 0, "taux_sortie_positive": 0.0,
        "suivi_6_mois": {"cohorte": 1, "renseignes": 0, "positifs": 0, "taux_positif": 0.0, "taux_reponse": 0.0},
        "sorties_emploi_sans_contrat": 0,
    }
    # The entries themselves were not voided: both persons are still in the target public.
    assert document["public_cible"]["total"] == 2


def test_a_corrected_exit_category_counts_with_its_new_value_and_vu_au_shows_the_report_as_it_was(
    territoire: Territoire,
) -> None:
    t = territoire
    t.horloge_a(datetime(2025, 6, 1, 10, tzinfo=timezone.utc))
    x, y = t.personne(), t.personne()
    sortie_x = t.episode(x, "2025-01-01", "2025-03-01", "RECHERCHE_EMPLOI")
    t.episode(y, "2025-01-01", "2025-03-01", "FORMATION_CERTIFIANTE")
    avant = t.indicateurs(*PERIODE)
    # 2 exits, 1 positive (a training): 0.5.
    emploi = avant["accompagnement_emploi"]
    assert (emploi["sorties_positives"], emploi["dont_emploi_durable"], emploi["dont_formation"], emploi["taux_sortie_positive"]) == (
        1, 0, 1, 0.5)
    t.horloge_a(datetime(2025, 9, 1, 10, tzinfo=timezone.utc))
    t.corriger(x, sortie_x, {"categorie": "EMPLOI_CDI"}, "2025-09-01")
    apres = t.indicateurs(*PERIODE)
    # x's exit is now a permanent job: 2 positives of 2 = 1.0, one durable job, one training.
    emploi = apres["accompagnement_emploi"]
    assert (emploi["sorties_positives"], emploi["dont_emploi_durable"], emploi["dont_formation"], emploi["taux_sortie_positive"]) == (
        2, 1, 1, 1.0)
    # Seen from 31/08/2025, the day before the correction was recorded: the first report exactly.
    vu_la_veille = t.indicateurs(*PERIODE, vu_au="2025-08-31")
    assert vu_la_veille == {**avant, "vu_au": "2025-08-31"}
    # Seen from the correction's day: the new figures.
    assert t.indicateurs(*PERIODE, vu_au="2025-09-01") == {**apres, "vu_au": "2025-09-01"}


def test_vu_au_ends_at_midnight_in_paris(territoire: Territoire) -> None:
    t = territoire
    t.horloge_a(datetime(2025, 6, 1, 10, tzinfo=timezone.utc))
    x = t.personne()
    sortie = t.episode(x, "2025-01-01", "2025-03-01", "RECHERCHE_EMPLOI")
    # Recorded at 22:30 UTC on 01/09/2025, that is 00:30 on 02/09/2025 in Paris (summer time).
    t.horloge_a(datetime(2025, 9, 1, 22, 30, tzinfo=timezone.utc))
    t.corriger(x, sortie, {"categorie": "EMPLOI_CDI"}, "2025-09-01")
    assert t.indicateurs(*PERIODE, vu_au="2025-09-01")["accompagnement_emploi"]["sorties_positives"] == 0
    assert t.indicateurs(*PERIODE, vu_au="2025-09-02")["accompagnement_emploi"]["sorties_positives"] == 1


def test_voiding_a_correction_brings_back_the_recorded_value(territoire: Territoire) -> None:
    t = territoire
    x = t.personne()
    sortie = t.episode(x, "2025-01-01", "2025-03-01", "RECHERCHE_EMPLOI")
    correction = t.corriger(x, sortie, {"categorie": "EMPLOI_CDI"}, "2025-04-01")
    assert t.indicateurs(*PERIODE)["accompagnement_emploi"]["sorties_positives"] == 1
    t.annuler(x, correction, "2025-04-02")
    emploi = t.indicateurs(*PERIODE)["accompagnement_emploi"]
    # Back to job seeking: 1 exit, 0 positive.
    assert (emploi["sorties"], emploi["sorties_positives"], emploi["taux_sortie_positive"]) == (1, 0, 0.0)


def test_the_position_of_an_earlier_report_reproduces_it_exactly_after_corrections_voids_and_new_steps(
    territoire: Territoire,
) -> None:
    t = territoire
    x, y = t.personne(sexe="F"), t.personne(sexe="M", departement="59")
    sortie_x = t.episode(x, "2025-01-01", "2025-03-01", "RECHERCHE_EMPLOI")
    sortie_y = t.episode(y, "2024-07-01", "2024-09-30", "EMPLOI_CDI")
    t.suivi(y, sortie_y, "2025-03-30", True, "EMPLOI_CDI")
    t.logement(x, "2024-09-01", "CPH")
    acces = t.logement(x, "2025-02-01", "LOCATAIRE_PARC_SOCIAL")
    t.cir(x, "2025-01-15")
    rapport = t.indicateurs(*PERIODE)
    rapport_59 = t.indicateurs(*PERIODE, departement="59")
    # 2 exits (x, y), 1 positive; y's exit is due 30/03/2025 and answered positive; x reaches durable
    # housing; x signs a CIR; x and y both entered in the period (y on its first day, 01/07/2024).
    assert (rapport["accompagnement_emploi"]["sorties_positives"], rapport["accompagnement_emploi"]["suivi_6_mois"]["positifs"],
            rapport["logement"]["menages_logement_perenne"], rapport["cir"]["signataires"], rapport["public_cible"]["total"]) == (
        1, 1, 1, 1, 2)
    # Afterwards: a correction, two voids, a new person with a CIR and an exit.
    t.corriger(x, sortie_x, {"categorie": "FORMATION_QUALIFIANTE"}, "2025-07-01")
    t.annuler(y, sortie_y, "2025-07-01")
    t.annuler(x, acces, "2025-07-01", operateur="logement-75")
    z = t.personne(departement="59")
    t.cir(z, "2025-01-20")
    t.episode(z, "2025-02-01", "2025-04-01", "EMPLOI_CDI")
    maintenant = t.indicateurs(*PERIODE)
    # Now: exits x (a training) and z (a job): 2 positives; no cohort answer left; no housing access;
    # 2 signatories; x, y (whose entry stands) and z in the target public.
    assert (maintenant["accompagnement_emploi"]["sorties_positives"], maintenant["accompagnement_emploi"]["suivi_6_mois"]["positifs"],
            maintenant["logement"]["menages_logement_perenne"], maintenant["cir"]["signataires"], maintenant["public_cible"]["total"]) == (
        2, 0, 0, 2, 3)
    assert maintenant["position_journal"] > rapport["position_journal"]
    # The printed position gives the first report back, whole, with the same filters.
    assert t.indicateurs(*PERIODE, position=rapport["position_journal"]) == rapport
    assert t.indicateurs(*PERIODE, position=rapport_59["position_journal"], departement="59") == rapport_59

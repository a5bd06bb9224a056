"""The CONTRACT §5 definitions on small cohorts whose figures are computed by hand in each test.

Steps go through the domain (in-memory log, controllable clock) and the projection into a SQLite
read model, then `calculer` (the shared `territoire` of this folder). Each comment gives the
arithmetic the assertion checks.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import TYPE_CHECKING

import pytest

from projections.indicateurs import Demande, DemandeInvalideError

if TYPE_CHECKING:
    from conftest import Territoire


@pytest.fixture
def t(territoire: Territoire) -> Territoire:
    return territoire


def test_an_empty_store_gives_every_key_with_zero_counts_and_null_rates(t: Territoire) -> None:
    document = t.indicateurs("2025-01-01", "2025-12-31")
    assert set(document) == {"periode", "vu_au", "position_journal", "filtres", "seuil_emploi_durable", "public_cible",
                             "accompagnement_emploi", "langue", "logement", "cir", "agir", "spe", "actions"}
    assert document["public_cible"]["total"] == 0 and document["public_cible"]["part_non_bpi"] is None
    emploi = document["accompagnement_emploi"]
    assert (emploi["sorties"], emploi["duree_moyenne_mois"], emploi["taux_sortie_positive"]) == (0, None, None)
    assert emploi["suivi_6_mois"] == {"cohorte": 0, "renseignes": 0, "positifs": 0, "taux_positif": None, "taux_reponse": None}
    assert document["cir"]["orientations_spe"] == {"APEC": 0, "CAP_EMPLOI": 0, "FRANCE_TRAVAIL": 0, "MISSION_LOCALE": 0}
    assert document["cir"]["par_sexe"] == {"F": 0, "M": 0, "X": 0}


def test_neutral_exits_are_counted_apart_and_left_out_of_rates_and_mean_duration(t: Territoire) -> None:
    a, b, c, d = (t.personne() for _ in range(4))
    t.episode(a, "2025-01-01", "2025-03-02", "EMPLOI_CDI")  # 60 days
    t.episode(b, "2025-01-01", "2025-04-11", "FORMATION_QUALIFIANTE")  # 100 days
    t.episode(c, "2025-01-01", "2025-02-01", "RECHERCHE_EMPLOI")  # 31 days
    t.episode(d, "2025-01-01", "2025-12-31", "DEMENAGEMENT")  # neutral
    emploi = t.indicateurs("2025-01-01", "2025-12-31")["accompagnement_emploi"]
    # 4 exits, 1 neutral; positives 2 of 3 non-neutral = 0.667; mean (60 + 100 + 31) / 3 = 63.67 d / 30.4375 = 2.09 → 2.1
    assert (emploi["sorties"], emploi["sorties_neutres"], emploi["sorties_positives"]) == (4, 1, 2)
    assert (emploi["dont_emploi_durable"], emploi["dont_formation"]) == (1, 1)
    assert emploi["taux_sortie_positive"] == 0.667
    assert emploi["duree_moyenne_mois"] == 2.1


def test_the_six_month_cohort_uses_calendar_months_with_month_end_clamping(t: Territoire) -> None:
    a, b, c, d = (t.personne() for _ in range(4))
    sortie_a = t.episode(a, "2023-06-01", "2023-08-31", "EMPLOI_CDI")  # due 29/02/2024 (leap year): in Q1 2024
    t.episode(b, "2023-06-01", "2023-09-01", "RECHERCHE_EMPLOI")  # due 01/03/2024: in Q1 2024
    t.episode(c, "2023-06-01", "2023-09-30", "RECHERCHE_EMPLOI")  # due 31/03/2024: in Q1 2024 (not a respondent)
    t.episode(d, "2023-06-01", "2023-10-01", "EMPLOI_CDI")  # due 01/04/2024: outside
    t.etape("suivi_six_mois", "2024-03-01", "france-travail-75", {"sortie_step_id": sortie_a, "repondant": True, "categorie": "EMPLOI_CDI"}, a)
    suivi = t.indicateurs("2024-01-01", "2024-03-31")["accompagnement_emploi"]["suivi_6_mois"]
    # cohort 3 (a, b, c); one respondent, positive: 1/3 = 0.333 positive and 0.333 answering.
    assert suivi == {"cohorte": 3, "renseignes": 1, "positifs": 1, "taux_positif": 0.333, "taux_reponse": 0.333}
    # An exit of 31/08/2024 falls due on 28/02/2025 (not a leap year).
    e = t.personne()
    t.episode(e, "2024-06-01", "2024-08-31", "RECHERCHE_EMPLOI")
    assert t.indicateurs("2025-02-28", "2025-02-28")["accompagnement_emploi"]["suivi_6_mois"]["cohorte"] == 1


def test_neutral_exits_stay_out_of_the_six_month_cohort(t: Territoire) -> None:
    a = t.personne()
    t.episode(a, "2023-06-01", "2023-09-15", "DECES")
    assert t.indicateurs("2024-03-01", "2024-03-31")["accompagnement_emploi"]["suivi_6_mois"]["cohorte"] == 0


def _formation(t: Territoire, qui: str, positionnement: tuple[str, str], type_: str, cible: str, heures: list[tuple[float, float]],
               evaluations: list[tuple[str, str]], motif: str, fin: str = "2025-06-30") -> None:
    t.etape("positionnement_linguistique", "2025-01-05", "ofii-dt-paris",
            {"niveau_oral": positionnement[0], "niveau_ecrit": positionnement[1], "non_lecteur_non_scripteur": False}, qui)
    t.etape("cir_signe", "2025-01-05", "ofii-dt-paris", {"dt_ofii": "Paris"}, qui)
    t.etape("formation_linguistique_prescrite", "2025-01-05", "ofii-dt-paris", {"type": type_, "forfait_h": 200, "niveau_cible": cible}, qui)
    for mois, (planifiees, realisees) in enumerate(heures, start=2):
        t.etape("formation_linguistique_heures", f"2025-{mois:02d}-28", "langues-75",
                {"periode_debut": f"2025-{mois:02d}-01", "periode_fin": f"2025-{mois:02d}-27", "heures_planifiees": planifiees, "heures_realisees": realisees}, qui)
    for numero, (oral, ecrit) in enumerate(evaluations):
        t.etape("evaluation_linguistique", f"2025-06-{10 + numero:02d}", "langues-75",
                {"type": "INTERMEDIAIRE" if numero < len(evaluations) - 1 else "FINALE", "niveau_oral": oral, "niveau_ecrit": ecrit}, qui)
    t.etape("formation_linguistique_terminee", fin, "langues-75", {"motif": motif}, qui)


def test_language_assiduity_progression_and_a1(t: Territoire) -> None:
    # 80 % of the 200 h forfait exactly is assiduous; an early closure is assiduous whatever the hours.
    _formation(t, t.personne(), ("INFRA_A1", "INFRA_A1"), "CIR_OBLIGATOIRE", "A1", [(200, 160)], [("A1", "A1")], "FORFAIT_REALISE")
    _formation(t, t.personne(), ("INFRA_A1", "A1"), "CIR_OBLIGATOIRE", "A1", [(100, 50)], [("A1", "A1"), ("A2", "A1")], "NIVEAU_CIBLE_ATTEINT_ANTICIPE")
    _formation(t, t.personne(), ("INFRA_A1", "INFRA_A1"), "CIR_OBLIGATOIRE", "A1", [(200, 159)], [("A1", "INFRA_A1")], "FORFAIT_REALISE")
    _formation(t, t.personne(), ("INFRA_A1", "INFRA_A1"), "CIR_OBLIGATOIRE", "A1", [(100, 30)], [], "ABANDON")
    # A B1 starter: left out of evalues and progression.
    b1 = t.personne()
    t.etape("positionnement_linguistique", "2025-01-05", "ofii-dt-paris", {"niveau_oral": "B1_ET_PLUS", "niveau_ecrit": "B1_ET_PLUS", "non_lecteur_non_scripteur": False}, b1)
    t.etape("cir_signe", "2025-01-05", "ofii-dt-paris", {"dt_ofii": "Paris"}, b1)
    t.etape("formation_linguistique_prescrite", "2025-01-06", "ofii-dt-paris", {"type": "COMPLEMENTAIRE_B1", "forfait_h": 100, "niveau_cible": "B1"}, b1)
    t.etape("evaluation_linguistique", "2025-05-01", "langues-75", {"type": "FINALE", "niveau_oral": "B1_ET_PLUS", "niveau_ecrit": "B1_ET_PLUS"}, b1)
    t.etape("formation_linguistique_terminee", "2025-05-02", "langues-75", {"motif": "FORFAIT_REALISE"}, b1)
    langue = t.indicateurs("2025-01-01", "2025-12-31")["langue"]
    # 5 trainings; hours 160 + 50 + 159 + 30 = 399; assidus (of the 200 h forfait): 160 yes, early yes, 159 no, 30 no,
    # B1 (no hours) no = 2
    # evalues (B1 excluded, abandon without evaluation excluded) = 3; progression: 0→1, 0→1 (last eval A2/A1 → 1), 0→0 = 2
    # atteignant_a1: first (A1/A1) and second (A2/A1) = 2, of 4 CIR_OBLIGATOIRE trainings ended → 0.5
    assert langue == {"formations_terminees": 5, "heures_realisees": 399, "assidus": 2, "evalues": 3,
                      "progression_un_niveau": 2, "atteignant_a1": 2, "taux_atteignant_a1": 0.5}


def test_public_cible_takes_age_and_bpi_status_at_the_first_entry_of_the_period(t: Territoire) -> None:
    # Entries on 2025-03-01: born 2001-03-02 → 23; 2000-03-01 → 25 (birthday that day); 1999-03-02 → 25; 1999-03-01 → 26.
    for naissance, sexe in (("2001-03-02", "F"), ("2000-03-01", "M"), ("1999-03-02", "F"), ("1999-03-01", "M")):
        t.entree(t.personne(naissance=naissance, sexe=sexe), "2025-03-01")
    refugiee = t.personne(naissance="1980-01-01", sexe="F", motif="HUMANITAIRE", sous_motif="REFUGIE", protection="2025-02-01")
    t.entree(refugiee, "2025-03-01")
    t.entree(refugiee, "2025-04-01", operateur="asso-75")  # a second entry: counted once
    tardive = t.personne(naissance="1985-01-01", sexe="M", motif="HUMANITAIRE", sous_motif="APATRIDE", protection="2025-03-15")
    t.entree(tardive, "2025-03-01")  # protected after the entry: not BPI at entry
    apatride = t.personne(naissance="1985-01-01", sexe="M", motif="HUMANITAIRE", sous_motif="APATRIDE", protection="2024-12-01")
    t.entree(apatride, "2025-03-01")
    public = t.indicateurs("2025-01-01", "2025-12-31")["public_cible"]
    # total 7; <25: only the 23-year-old; <26: 23, 25, 25; BPI: refugee + stateless = 2 (1 F, 1 M, none < 25)
    assert public == {"total": 7, "hommes": 4, "femmes": 3, "moins_de_25_ans": 1, "moins_de_26_ans": 3, "bpi": 2,
                      "bpi_hommes": 1, "bpi_femmes": 1, "bpi_moins_de_25_ans": 0, "part_non_bpi": 0.714}


def test_households_reaching_durable_housing(t: Territoire) -> None:
    a = t.personne(menage="m1")
    b = t.personne(menage="m1")
    c = t.personne()
    d = t.personne()
    for qui in (a, b):
        t.etape("situation_logement", "2024-05-01", "logement-75", {"situation": "CPH"}, qui)
        t.etape("situation_logement", "2025-02-01", "logement-75", {"situation": "LOCATAIRE_PARC_SOCIAL"}, qui)
    t.etape("situation_logement", "2025-03-01", "logement-75", {"situation": "LOCATAIRE_PARC_PRIVE"}, c)  # first ever: no
    t.etape("situation_logement", "2024-01-01", "logement-75", {"situation": "PROPRIETAIRE"}, d)
    t.etape("situation_logement", "2025-03-01", "logement-75", {"situation": "LOCATAIRE_PARC_PRIVE"}, d)  # durable before: no
    # one household (m1) counted once
    assert t.indicateurs("2025-01-01", "2025-12-31")["logement"] == {"menages_logement_perenne": 1}


def test_cir_signatories_by_sex_age_and_status(t: Territoire) -> None:
    jeune = t.personne(naissance="2000-01-01", sexe="M", motif="ECONOMIQUE", sous_motif="SALARIE")
    t.etape("cir_signe", "2025-02-01", "ofii-dt-paris", {"dt_ofii": "Paris"}, jeune)
    refugiee = t.personne(sexe="F", motif="HUMANITAIRE", sous_motif="REFUGIE", protection="2024-12-01")
    t.etape("cir_signe", "2025-02-01", "ofii-dt-paris", {"dt_ofii": "Paris"}, refugiee)
    malade = t.personne(sexe="X", motif="HUMANITAIRE", sous_motif="ETRANGER_MALADE")
    t.etape("positionnement_linguistique", "2025-02-01", "ofii-dt-paris", {"niveau_oral": "INFRA_A1", "niveau_ecrit": "A1", "non_lecteur_non_scripteur": False}, malade)
    t.etape("cir_signe", "2025-02-01", "ofii-dt-paris", {"dt_ofii": "Paris"}, malade)
    t.etape("formation_linguistique_prescrite", "2025-02-01", "ofii-dt-paris", {"type": "CIR_OBLIGATOIRE", "forfait_h": 100, "niveau_cible": "A1"}, malade)
    famille = t.personne(sexe="F")
    t.etape("cir_signe", "2025-02-01", "ofii-dt-paris", {"dt_ofii": "Paris"}, famille)
    t.etape("entretien_fin_cir", "2025-06-01", "ofii-dt-paris", {"situation_pro": "RECHERCHE_EMPLOI"}, famille)
    t.etape("orientation_spe", "2025-06-01", "ofii-dt-paris", {"vers": "france-travail-75", "motif_choix": "DEFAUT"}, famille)
    t.etape("entretien_fin_cir", "2025-06-01", "ofii-dt-paris", {"situation_pro": "EMPLOI"}, jeune)
    t.etape("orientation_spe", "2025-06-01", "ofii-dt-paris", {"vers": "mission-locale-paris", "motif_choix": "AGE_MOINS_26"}, jeune)
    t.etape("dispense_orientation_spe", "2025-06-02", "ofii-dt-paris", {"demande_expresse": True, "motif": "EN_EMPLOI"}, refugiee)
    cir = t.indicateurs("2025-01-01", "2025-12-31")["cir"]
    assert cir["signataires"] == 4
    assert cir["par_sexe"] == {"F": 2, "M": 1, "X": 1}
    # jeune is 25 at signature: under 26, not under 25. The sick foreigner's humanitarian permit: AUTRE, of which HUMANITAIRE.
    assert cir["par_age"] == {"moins_de_26": 1, "26_plus": 3, "moins_de_25": 0}
    assert cir["par_statut"] == {"BPI": 1, "FAMILIAL": 1, "ECONOMIQUE": 1, "AUTRE": 1, "HUMANITAIRE": 1}
    assert cir["prescriptions_obligatoires"] == 1
    assert cir["taux_prescription_obligatoire"] == 0.25  # 1 / 4
    assert cir["dispenses_orientation_spe"] == 1
    assert cir["orientations_spe"] == {"APEC": 0, "CAP_EMPLOI": 0, "FRANCE_TRAVAIL": 1, "MISSION_LOCALE": 1}


def test_a_void_and_a_correction_of_an_exit_change_the_past_and_earlier_reports_stay_reproducible(t: Territoire) -> None:
    a, b = t.personne(), t.personne()
    t.maintenant = datetime(2025, 6, 1, 12, tzinfo=timezone.utc)
    sortie_a = t.episode(a, "2025-01-01", "2025-03-01", "RECHERCHE_EMPLOI")
    sortie_b = t.episode(b, "2025-01-01", "2025-03-01", "EMPLOI_CDI")
    avant = t.indicateurs("2025-01-01", "2025-12-31")
    assert avant["accompagnement_emploi"]["sorties_positives"] == 1
    t.maintenant = datetime(2025, 9, 1, 12, tzinfo=timezone.utc)
    t.etape("evenement_corrige", "2025-09-01", "france-travail-75",
            {"cible_step_id": sortie_a, "champs": {"categorie": "EMPLOI_CDI"}, "motif": "CDI signé la veille"}, a)
    t.etape("evenement_annule", "2025-09-01", "france-travail-75", {"cible_step_id": sortie_b, "motif": "sortie saisie à tort"}, b)
    apres = t.indicateurs("2025-01-01", "2025-12-31")
    assert (apres["accompagnement_emploi"]["sorties"], apres["accompagnement_emploi"]["sorties_positives"]) == (1, 1)
    assert apres["accompagnement_emploi"]["dont_emploi_durable"] == 1
    # As it could be produced on 1 July 2025, and again from the position printed then.
    vu = t.indicateurs("2025-01-01", "2025-12-31", vu_au=date(2025, 7, 1))
    assert vu["accompagnement_emploi"] == avant["accompagnement_emploi"]
    assert vu["position_journal"] == avant["position_journal"]
    rejoue = t.indicateurs("2025-01-01", "2025-12-31", position=avant["position_journal"])
    assert {k: v for k, v in rejoue.items() if k != "vu_au"} == {k: v for k, v in avant.items() if k != "vu_au"}


def test_filters_by_departement_operator_and_public(t: Territoire) -> None:
    paris = t.personne(departement="75", sexe="F")
    lille = t.personne(departement="59", sexe="M", naissance="2003-01-01")
    t.episode(paris, "2025-01-01", "2025-03-01", "EMPLOI_CDI")
    t.episode(lille, "2025-01-01", "2025-03-01", "EMPLOI_CDI", operateur="asso-75")
    assert t.indicateurs("2025-01-01", "2025-12-31", departement="59")["accompagnement_emploi"]["sorties"] == 1
    assert t.indicateurs("2025-01-01", "2025-12-31", operateur="asso-75")["public_cible"]["total"] == 1
    assert t.indicateurs("2025-01-01", "2025-12-31", public="femmes")["public_cible"]["femmes"] == 1
    assert t.indicateurs("2025-01-01", "2025-12-31", public="hommes")["public_cible"]["total"] == 1
    assert t.indicateurs("2025-01-01", "2025-12-31", public="moins_de_25_ans")["accompagnement_emploi"]["sorties"] == 1
    assert t.indicateurs("2025-01-01", "2025-12-31", public="bpi")["public_cible"]["total"] == 0
    assert t.indicateurs("2025-01-01", "2025-12-31", public="non_bpi")["public_cible"]["total"] == 2
    document = t.indicateurs("2025-01-01", "2025-12-31", departement="75", public="femmes")
    assert document["filtres"] == {"departement": "75", "operateur": None, "public": "femmes"}


def test_a_period_ending_before_it_starts_or_an_unknown_public_is_refused() -> None:
    with pytest.raises(DemandeInvalideError):
        Demande(date(2025, 2, 1), date(2025, 1, 1))
    with pytest.raises(DemandeInvalideError):
        Demande(date(2025, 1, 1), date(2025, 2, 1), public="tous")

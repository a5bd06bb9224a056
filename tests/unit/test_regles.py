"""The hard rules of CONTRACT §3 (reference/domain.md §2.5 where it is silent), each accepted and rejected.

Every rejection names the field at fault (`champ`) and leaves the log, the person's stored events
and the aggregate's version exactly as they were (`Banc.rejet`). Soft rules are checked as flags.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from uuid import uuid4

from parcours.erreurs import OperateurInconnuError, PersonneInconnueError
from parcours.vocabulaire import TypeEtape
from web.saisie.schemas import lire_etape

SITUATION = {"situation": "DNA"}
ORIENTATION_FT = {"vers": "france-travail-75", "motif_choix": "DEFAUT"}
OBLIGATOIRE_100 = {"type": "CIR_OBLIGATOIRE", "forfait_h": 100, "niveau_cible": "A1"}
DISPENSE_ORIENTATION = {"demande_expresse": True, "motif": "EN_EMPLOI"}


def codes(resultat) -> list[str]:
    return [drapeau["code"] for drapeau in resultat.drapeaux]


def heures(debut: str, fin: str, realisees: float, planifiees: float | None = None) -> dict:
    return {"periode_debut": debut, "periode_fin": fin, "heures_realisees": realisees,
            "heures_planifiees": realisees if planifiees is None else planifiees}


# Every step --------------------------------------------------------------------------------------


def test_a_step_dated_in_the_future_is_rejected(signataire) -> None:
    signataire.rejet("occurred_on", "situation_logement", "2025-07-01", "logement-75", SITUATION)
    signataire.ok("situation_logement", "2025-06-30", "logement-75", SITUATION)


def test_a_step_dated_before_birth_is_rejected(signataire) -> None:
    signataire.rejet("occurred_on", "situation_logement", "1990-03-09", "logement-75", SITUATION)
    signataire.ok("situation_logement", "1990-03-10", "logement-75", SITUATION)


def test_a_registration_dated_before_the_birth_it_declares_is_rejected(banc) -> None:
    identite = {"nom": "Karimi", "prenom": "Sara", "date_naissance": "2024-05-02", "sexe": "F",
                "nationalite": "AFG", "departement": "75", "numero_etranger": banc.NUMERO}
    banc.rejet("occurred_on", "personne_enregistree", "2024-05-01", "ofii-dt-paris", identite, personne=None)
    banc.ok("personne_enregistree", "2024-05-02", "ofii-dt-paris", identite, personne=None)


def test_a_step_by_an_unknown_operator_is_rejected(signataire) -> None:
    erreur = signataire.rejet("operateur", "situation_logement", "2024-05-01", "inconnu-75", SITUATION)
    assert isinstance(erreur, OperateurInconnuError)
    signataire.ok("situation_logement", "2024-05-01", "logement-75", SITUATION)


def test_a_step_for_a_person_unknown_by_numero_etranger_is_rejected(signataire) -> None:
    erreur = signataire.rejet("personne.numero_etranger", "situation_logement", "2024-05-01", "logement-75", SITUATION,
                              personne={"numero_etranger": "7509999999"})
    assert isinstance(erreur, PersonneInconnueError)
    signataire.ok("situation_logement", "2024-05-01", "logement-75", SITUATION, personne={"numero_etranger": signataire.NUMERO})


def test_a_step_for_an_unknown_parcours_id_is_rejected(signataire) -> None:
    erreur = signataire.rejet("personne.parcours_id", "situation_logement", "2024-05-01", "logement-75", SITUATION,
                              personne={"parcours_id": str(uuid4())})
    assert isinstance(erreur, PersonneInconnueError)
    signataire.ok("situation_logement", "2024-05-01", "logement-75", SITUATION,
                  personne={"parcours_id": str(signataire.parcours_id())})


def test_a_step_without_a_person_is_rejected_unless_it_registers_one(signataire) -> None:
    signataire.rejet("personne", "situation_logement", "2024-05-01", "logement-75", SITUATION, personne=None)


def test_every_step_keeps_its_operator_agent_business_date_and_recording_time(signataire) -> None:
    commande = replace(lire_etape(signataire.etape("situation_logement", "2024-05-01", "logement-75", SITUATION)),
                       enregistre_le=datetime(2024, 5, 2, 9, tzinfo=UTC))
    resultat = signataire.app.enregistrer_etape(commande)
    tenue = signataire.tenue(resultat.step_id)
    assert (tenue.operateur, tenue.agent, tenue.occurred_on) == ("logement-75", "a.martin", date(2024, 5, 1))
    assert tenue.enregistre_le == datetime(2024, 5, 2, 9, tzinfo=UTC)


# Identity ------------------------------------------------------------------------------------------


def identite(numero: str | None = None, **autres: str) -> dict:
    donnees = {"nom": "Haidari", "prenom": "Omid", "date_naissance": "1985-01-01", "sexe": "M",
               "nationalite": "SYR", "departement": "93", **autres}
    if numero is not None:
        donnees["numero_etranger"] = numero
    return donnees


def test_a_person_is_registered_once(banc) -> None:
    parcours_id = str(uuid4())
    banc.ok("personne_enregistree", "2024-01-06", "ofii-dt-paris", identite(), personne={"parcours_id": parcours_id})
    banc.rejet("personne.parcours_id", "personne_enregistree", "2024-01-07", "ofii-dt-paris", identite(),
               personne={"parcours_id": parcours_id})


def test_a_numero_etranger_belongs_to_one_person(signataire) -> None:
    signataire.rejet("data.numero_etranger", "personne_enregistree", "2024-01-06", "ofii-dt-paris",
                     identite(signataire.NUMERO), personne=None)
    signataire.rejet("data.numero_etranger", "personne_enregistree", "2024-01-06", "ofii-dt-paris",
                     identite(), personne={"numero_etranger": signataire.NUMERO})
    autre = signataire.ok("personne_enregistree", "2024-01-06", "ofii-dt-paris", identite("9301234567"), personne=None)
    assert signataire.app.trouver_par_numero("9301234567") == autre.parcours_id != signataire.parcours_id()


def test_a_registration_may_name_its_numero_in_personne_but_not_a_different_one(banc) -> None:
    banc.rejet("personne.numero_etranger", "personne_enregistree", "2024-01-06", "ofii-dt-paris",
               identite("9301234567"), personne={"numero_etranger": "9307654321"})
    resultat = banc.ok("personne_enregistree", "2024-01-06", "ofii-dt-paris", identite(),
                       personne={"numero_etranger": "9307654321"})
    assert banc.app.trouver_par_numero("9307654321") == resultat.parcours_id
    assert banc.app.personne(resultat.parcours_id).identite["numero_etranger"] == "9307654321"


def test_a_permits_sub_motif_must_belong_to_its_motif(banc) -> None:
    banc.enregistrer()
    titre = {"motif": "ETUDIANT", "sous_motif": "SALARIE", "type_titre": "VLS_TS", "valid_from": "2024-01-05",
             "premier_titre": True}
    banc.rejet("data.sous_motif", "titre_sejour_delivre", "2024-01-05", "prefecture-75", titre)
    banc.ok("titre_sejour_delivre", "2024-01-05", "prefecture-75", dict(titre, sous_motif="AUTRE"))


def test_a_residence_permit_cannot_end_before_it_starts(banc) -> None:
    banc.enregistrer()
    titre = {"motif": "FAMILIAL", "sous_motif": "REGROUPEMENT_FAMILIAL", "type_titre": "CARTE_SEJOUR_TEMPORAIRE",
             "valid_from": "2024-01-05", "valid_to": "2024-01-04", "premier_titre": True}
    banc.rejet("data.valid_to", "titre_sejour_delivre", "2024-01-05", "prefecture-75", titre)
    banc.ok("titre_sejour_delivre", "2024-01-05", "prefecture-75", dict(titre, valid_to="2025-01-04"))


def test_a_second_first_permit_is_accepted_and_flagged(signataire) -> None:
    resultat = signataire.titre(jour="2024-03-01")
    assert codes(resultat) == ["PREMIER_TITRE_EN_DOUBLE"]


# CIR ------------------------------------------------------------------------------------------------


def test_a_cir_needs_a_first_residence_permit(banc) -> None:
    banc.enregistrer()
    banc.rejet("type", "cir_signe", "2024-02-01", "ofii-dt-paris", {"dt_ofii": "Paris"})
    banc.titre(premier=False)
    banc.rejet("type", "cir_signe", "2024-02-01", "ofii-dt-paris", {"dt_ofii": "Paris"})
    banc.titre(jour="2024-02-02")
    banc.rejet("type", "cir_signe", "2024-02-01", "ofii-dt-paris", {"dt_ofii": "Paris"})  # permit valid from the day after
    banc.cir(jour="2024-02-02")


def test_a_student_permit_gives_no_cir(banc) -> None:
    banc.enregistrer()
    banc.titre(motif="ETUDIANT", sous_motif="AUTRE")
    banc.rejet("type", "cir_signe", "2024-02-01", "ofii-dt-paris", {"dt_ofii": "Paris"})
    banc.titre(motif="ECONOMIQUE", sous_motif="SALARIE", jour="2024-03-01")
    banc.cir(jour="2024-03-01")


def test_a_cir_is_not_signed_at_15(banc) -> None:
    banc.enregistrer(naissance="2008-03-02")
    banc.titre()
    erreur = banc.rejet("occurred_on", "cir_signe", "2024-03-01", "ofii-dt-paris",
                        {"dt_ofii": "Paris", "representant_legal": "Fatima Karimi"})
    assert "15 ans" in erreur.message
    banc.cir(jour="2024-03-02", representant_legal="Fatima Karimi")


def test_a_16_or_17_year_old_signs_with_a_legal_representative(banc) -> None:
    banc.enregistrer(naissance="2007-03-01")
    banc.titre()
    banc.rejet("data.representant_legal", "cir_signe", "2024-02-29", "ofii-dt-paris", {"dt_ofii": "Paris"})  # 16
    banc.cir(jour="2024-02-29", representant_legal="Fatima Karimi")


def test_an_adult_signs_without_a_legal_representative(banc) -> None:
    banc.enregistrer(naissance="2006-02-01")
    banc.titre()
    banc.cir(jour="2024-02-01")  # 18 on the day


def test_someone_born_on_29_february_comes_of_age_on_1_march_in_a_common_year(banc) -> None:
    banc.enregistrer(naissance="2004-02-29", jour="2020-02-01")
    banc.titre(jour="2020-02-01")
    banc.rejet("occurred_on", "cir_signe", "2020-02-28", "ofii-dt-paris", {"dt_ofii": "Paris", "representant_legal": "F. K."})
    banc.rejet("data.representant_legal", "cir_signe", "2020-02-29", "ofii-dt-paris", {"dt_ofii": "Paris"})  # 16 that day
    banc.cir(jour="2020-02-29", representant_legal="F. K.")
    banc.ok("entretien_fin_cir", "2022-02-28", "ofii-dt-paris", {"situation_pro": "FORMATION"})
    banc.rejet("data.representant_legal", "cir_signe", "2022-02-28", "ofii-dt-paris", {"dt_ofii": "Paris"})  # still 17
    banc.cir(jour="2022-03-01")  # 18 on 1 March of a common year


def test_only_one_cir_is_open_at_a_time(signataire) -> None:
    signataire.rejet("type", "cir_signe", "2024-06-01", "ofii-dt-paris", {"dt_ofii": "Paris"})
    signataire.ok("entretien_fin_cir", "2025-02-01", "ofii-dt-paris", {"situation_pro": "EMPLOI"})
    resultat = signataire.cir(jour="2025-03-01")
    assert "NOUVEAU_CIR" in codes(resultat)


def test_a_cir_left_without_interview_is_no_longer_open_after_24_months(banc) -> None:
    banc.enregistrer(jour="2021-01-04")
    banc.titre(jour="2021-01-04")
    banc.cir(jour="2021-02-01")
    banc.rejet("type", "cir_signe", "2023-01-31", "ofii-dt-paris", {"dt_ofii": "Paris"})
    assert "NOUVEAU_CIR" in codes(banc.cir(jour="2023-02-01"))


# Civic training -----------------------------------------------------------------------------------


def test_a_civic_day_needs_a_cir(banc) -> None:
    banc.enregistrer()
    banc.titre()
    banc.rejet("type", "formation_civique_journee", "2024-02-10", "ofii-dt-paris", {"jour": 1, "present": True})
    banc.cir()
    banc.ok("formation_civique_journee", "2024-02-10", "ofii-dt-paris", {"jour": 1, "present": True})


def test_a_civic_day_before_the_cir_signature_is_rejected(signataire) -> None:
    signataire.rejet("type", "formation_civique_journee", "2024-01-31", "ofii-dt-paris", {"jour": 1, "present": True})


def test_one_presence_per_civic_day(signataire) -> None:
    signataire.ok("formation_civique_journee", "2024-02-10", "ofii-dt-paris", {"jour": 1, "present": True})
    signataire.rejet("data.jour", "formation_civique_journee", "2024-02-17", "ofii-dt-paris", {"jour": 1, "present": True})
    signataire.ok("formation_civique_journee", "2024-02-17", "ofii-dt-paris", {"jour": 2, "present": True})
    signataire.ok("formation_civique_journee", "2024-02-24", "ofii-dt-paris", {"jour": 1, "present": False})


def test_an_absence_then_a_presence_on_the_same_day_is_accepted(signataire) -> None:
    signataire.ok("formation_civique_journee", "2024-02-10", "ofii-dt-paris", {"jour": 3, "present": False})
    signataire.ok("formation_civique_journee", "2024-02-17", "ofii-dt-paris", {"jour": 3, "present": True})


# Language training: prescription, waiver ----------------------------------------------------------


def test_a_language_prescription_needs_a_cir(banc) -> None:
    banc.enregistrer()
    banc.titre()
    banc.positionnement()
    banc.rejet("type", "formation_linguistique_prescrite", "2024-02-01", "ofii-dt-paris", OBLIGATOIRE_100)
    banc.cir()
    banc.prescription()


def test_a_compulsory_training_needs_a_positioning_on_or_before_it(banc) -> None:
    banc.enregistrer()
    banc.titre()
    banc.cir()
    banc.rejet("data.type", "formation_linguistique_prescrite", "2024-02-01", "ofii-dt-paris", OBLIGATOIRE_100)
    banc.positionnement(jour="2024-02-05")
    banc.rejet("data.type", "formation_linguistique_prescrite", "2024-02-04", "ofii-dt-paris", OBLIGATOIRE_100)
    banc.prescription(jour="2024-02-05")


def test_a_compulsory_training_is_refused_at_a1_on_both_skills(banc) -> None:
    banc.enregistrer()
    banc.titre()
    banc.cir()
    banc.positionnement(oral="A1", ecrit="A1")
    erreur = banc.rejet("data.type", "formation_linguistique_prescrite", "2024-02-01", "ofii-dt-paris", OBLIGATOIRE_100)
    assert "A1" in erreur.message
    banc.prescription(type_="COMPLEMENTAIRE_A2", cible="A2")


def test_a_compulsory_training_is_prescribed_when_one_skill_is_below_a1(banc) -> None:
    banc.enregistrer()
    banc.titre()
    banc.cir()
    banc.positionnement(oral="INFRA_A1", ecrit="A2")
    banc.prescription(forfait=200)


def test_the_latest_positioning_decides(banc) -> None:
    banc.enregistrer()
    banc.titre()
    banc.cir()
    banc.positionnement(oral="INFRA_A1", ecrit="INFRA_A1", jour="2024-02-01")
    banc.positionnement(oral="A1", ecrit="A2", jour="2024-02-03")
    banc.rejet("data.type", "formation_linguistique_prescrite", "2024-02-03", "ofii-dt-paris", OBLIGATOIRE_100)
    banc.prescription(jour="2024-02-02")


def test_a_compulsory_training_is_refused_after_a_language_waiver(signataire) -> None:
    signataire.ok("dispense_formation_linguistique", "2024-02-01", "ofii-dt-paris", {"motif": "DIPLOME_OU_CERTIFICATION"})
    signataire.rejet("data.type", "formation_linguistique_prescrite", "2024-02-02", "ofii-dt-paris", OBLIGATOIRE_100)
    signataire.prescription(type_="COMPLEMENTAIRE_B1", cible="B1", jour="2024-02-02")


def test_600_hours_without_the_non_reader_flag_is_accepted_and_flagged(signataire) -> None:
    resultat = signataire.prescription(forfait=600)
    assert codes(resultat) == ["FORFAIT_600_SANS_NLNS"]
    assert signataire.tenue(resultat.step_id).drapeaux[0]["code"] == "FORFAIT_600_SANS_NLNS"


def test_600_hours_for_a_non_reader_is_not_flagged(banc) -> None:
    banc.enregistrer()
    banc.titre()
    banc.positionnement(nlns=True)
    banc.cir()
    assert codes(banc.prescription(forfait=600)) == []


def test_a_language_waiver_is_refused_after_a_compulsory_training(signataire) -> None:
    signataire.prescription()
    signataire.rejet("type", "dispense_formation_linguistique", "2024-02-02", "ofii-dt-paris", {"motif": "NIVEAU_ATTEINT_AU_TEST"})


def test_a_language_waiver_is_accepted_after_an_optional_training_only(banc) -> None:
    banc.enregistrer()
    banc.titre()
    banc.positionnement(oral="A2", ecrit="A1")
    banc.rejet("type", "dispense_formation_linguistique", "2024-02-01", "ofii-dt-paris", {"motif": "NIVEAU_ATTEINT_AU_TEST"})
    banc.cir()
    banc.prescription(type_="COMPLEMENTAIRE_A2", cible="A2")
    banc.ok("dispense_formation_linguistique", "2024-02-01", "ofii-dt-paris", {"motif": "NIVEAU_ATTEINT_AU_TEST"})


# Language training: hours, evaluations, end ---------------------------------------------------------


def test_hours_need_a_prescription(signataire) -> None:
    signataire.rejet("type", "formation_linguistique_heures", "2024-03-31", "langues-75", heures("2024-03-01", "2024-03-30", 40))
    signataire.prescription()
    signataire.heures(40)


def test_hours_are_refused_once_the_training_has_ended(signataire) -> None:
    signataire.prescription()
    signataire.heures(90)
    signataire.ok("formation_linguistique_terminee", "2024-04-02", "langues-75", {"motif": "FORFAIT_REALISE"})
    signataire.rejet("type", "formation_linguistique_heures", "2024-04-30", "langues-75", heures("2024-04-01", "2024-04-29", 5))


def test_hours_may_not_exceed_the_forfait_plus_10_percent(signataire) -> None:
    signataire.prescription(forfait=100)
    signataire.heures(60)
    erreur = signataire.rejet("data.heures_realisees", "formation_linguistique_heures", "2024-04-30", "langues-75",
                              heures("2024-04-01", "2024-04-29", 50.5))
    assert "110" in erreur.message
    signataire.ok("formation_linguistique_heures", "2024-04-30", "langues-75", heures("2024-04-01", "2024-04-29", 50))
    signataire.rejet("data.heures_realisees", "formation_linguistique_heures", "2024-05-31", "langues-75",
                     heures("2024-05-01", "2024-05-30", 0.5))


def test_exactly_the_forfait_plus_10_percent_is_accepted_whatever_the_decimals(banc) -> None:
    """256.1 + 256.3 + 147.6 = 660 h, although the sum of these floats is 660.0000000000001."""
    banc.enregistrer()
    banc.titre()
    banc.positionnement(nlns=True)
    banc.cir()
    banc.prescription(forfait=600)
    for mois, realisees in (("03", 256.1), ("04", 256.3), ("05", 147.6)):
        banc.ok("formation_linguistique_heures", f"2024-{mois}-28", "langues-75",
                heures(f"2024-{mois}-01", f"2024-{mois}-27", realisees))
    banc.rejet("data.heures_realisees", "formation_linguistique_heures", "2024-06-28", "langues-75",
               heures("2024-06-01", "2024-06-27", 0.1))


def test_a_period_of_hours_cannot_end_before_it_starts(signataire) -> None:
    signataire.prescription()
    signataire.rejet("data.periode_fin", "formation_linguistique_heures", "2024-03-31", "langues-75", heures("2024-03-10", "2024-03-09", 4))


def test_more_hours_done_than_planned_is_accepted_and_flagged(signataire) -> None:
    signataire.prescription()
    assert codes(signataire.heures(30, planifiees=20)) == ["HEURES_AU_DELA_DU_PLANNING"]


def test_an_evaluation_needs_a_prescription(signataire) -> None:
    evaluation = {"type": "INTERMEDIAIRE", "niveau_oral": "A1", "niveau_ecrit": "A1", "score": 42}
    signataire.rejet("type", "evaluation_linguistique", "2024-03-15", "langues-75", evaluation)
    signataire.prescription()
    signataire.ok("evaluation_linguistique", "2024-03-15", "langues-75", evaluation)


def test_the_end_of_a_training_needs_a_prescription_in_progress(signataire) -> None:
    signataire.rejet("type", "formation_linguistique_terminee", "2024-03-20", "langues-75", {"motif": "ABANDON"})
    signataire.prescription()
    signataire.ok("formation_linguistique_terminee", "2024-03-20", "langues-75", {"motif": "ABANDON"})
    signataire.rejet("type", "formation_linguistique_terminee", "2024-03-21", "langues-75", {"motif": "FORFAIT_REALISE"})


def test_an_early_end_at_target_needs_an_evaluation_at_the_target(signataire) -> None:
    signataire.prescription(cible="A1")
    anticipee = {"motif": "NIVEAU_CIBLE_ATTEINT_ANTICIPE"}
    signataire.rejet("data.motif", "formation_linguistique_terminee", "2024-03-10", "langues-75", anticipee)
    signataire.ok("evaluation_linguistique", "2024-03-15", "langues-75",
                  {"type": "INTERMEDIAIRE", "niveau_oral": "A2", "niveau_ecrit": "INFRA_A1"})
    signataire.rejet("data.motif", "formation_linguistique_terminee", "2024-03-20", "langues-75", anticipee)
    signataire.ok("evaluation_linguistique", "2024-04-15", "langues-75",
                  {"type": "INTERMEDIAIRE", "niveau_oral": "A2", "niveau_ecrit": "A1"})
    signataire.rejet("data.motif", "formation_linguistique_terminee", "2024-04-14", "langues-75", anticipee)  # evaluated after
    signataire.ok("formation_linguistique_terminee", "2024-04-16", "langues-75", anticipee)


def test_an_evaluation_above_the_target_also_allows_an_early_end(signataire) -> None:
    signataire.prescription(type_="COMPLEMENTAIRE_A2", cible="A2")
    signataire.ok("evaluation_linguistique", "2024-04-15", "langues-75",
                  {"type": "FINALE", "niveau_oral": "B1_ET_PLUS", "niveau_ecrit": "A2"})
    signataire.ok("formation_linguistique_terminee", "2024-04-16", "langues-75", {"motif": "NIVEAU_CIBLE_ATTEINT_ANTICIPE"})


def test_the_end_of_cir_interview_needs_a_cir(banc) -> None:
    banc.enregistrer()
    banc.titre()
    banc.rejet("type", "entretien_fin_cir", "2024-06-01", "ofii-dt-paris", {"situation_pro": "RECHERCHE_EMPLOI"})
    banc.cir()
    banc.ok("entretien_fin_cir", "2024-06-01", "ofii-dt-paris", {"situation_pro": "RECHERCHE_EMPLOI"})


# Orientation towards the public employment service ---------------------------------------------------


def test_an_spe_orientation_is_made_by_ofii(signataire) -> None:
    signataire.rejet("operateur", "orientation_spe", "2024-06-01", "fta-paris", ORIENTATION_FT)
    signataire.ok("orientation_spe", "2024-06-01", "ofii-dt-paris", ORIENTATION_FT)


def test_an_spe_orientation_goes_to_an_spe_operator(signataire) -> None:
    signataire.rejet("data.vers", "orientation_spe", "2024-06-01", "ofii-dt-paris", {"vers": "agir-75", "motif_choix": "DEFAUT"})
    erreur = signataire.rejet("data.vers", "orientation_spe", "2024-06-01", "ofii-dt-paris",
                              {"vers": "inconnu-75", "motif_choix": "DEFAUT"})
    assert isinstance(erreur, OperateurInconnuError)
    signataire.ok("orientation_spe", "2024-06-01", "ofii-dt-paris", {"vers": "cap-emploi-75", "motif_choix": "RQTH"})
    signataire.ok("orientation_spe", "2024-06-02", "ofii-dt-paris", {"vers": "apec-idf", "motif_choix": "CADRE"})


def test_pole_emploi_is_accepted_only_before_2024(banc) -> None:
    banc.enregistrer(jour="2023-06-01")
    banc.titre(jour="2023-06-01")
    banc.cir(jour="2023-07-01")
    orientation = {"vers": "pole-emploi-75", "motif_choix": "DEFAUT"}
    banc.rejet("data.vers", "orientation_spe", "2024-01-01", "ofii-dt-paris", orientation)
    banc.ok("orientation_spe", "2023-12-31", "ofii-dt-paris", orientation)


def test_under_26_france_travail_needs_a_motive_other_than_the_default(banc) -> None:
    banc.parcours_de_base(naissance="1998-06-01")
    banc.rejet("data.motif_choix", "orientation_spe", "2024-05-31", "ofii-dt-paris", ORIENTATION_FT)  # 25
    banc.ok("orientation_spe", "2024-05-31", "ofii-dt-paris", {"vers": "france-travail-75", "motif_choix": "RQTH"})
    banc.ok("orientation_spe", "2024-05-31", "ofii-dt-paris", {"vers": "mission-locale-paris", "motif_choix": "AGE_MOINS_26"})
    banc.ok("orientation_spe", "2024-05-31", "ofii-dt-paris", {"vers": "mission-locale-paris", "motif_choix": "DEFAUT"})
    banc.ok("orientation_spe", "2024-06-01", "ofii-dt-paris", ORIENTATION_FT)  # 26 that day


def test_age_moins_26_is_refused_from_26(banc) -> None:
    banc.parcours_de_base(naissance="1998-06-01")
    banc.rejet("data.motif_choix", "orientation_spe", "2024-06-01", "ofii-dt-paris",
               {"vers": "mission-locale-paris", "motif_choix": "AGE_MOINS_26"})
    banc.ok("orientation_spe", "2024-05-31", "ofii-dt-paris", {"vers": "mission-locale-paris", "motif_choix": "AGE_MOINS_26"})


def test_an_spe_orientation_is_refused_after_an_express_waiver_for_the_same_cir(signataire) -> None:
    signataire.ok("dispense_orientation_spe", "2024-06-01", "ofii-dt-paris", DISPENSE_ORIENTATION)
    signataire.rejet("type", "orientation_spe", "2024-06-02", "ofii-dt-paris", ORIENTATION_FT)
    signataire.ok("entretien_fin_cir", "2025-02-01", "ofii-dt-paris", {"situation_pro": "RECHERCHE_EMPLOI"})
    signataire.cir(jour="2025-03-01")
    signataire.ok("orientation_spe", "2025-03-02", "ofii-dt-paris", ORIENTATION_FT)  # a new CIR


def test_an_express_waiver_must_be_requested(signataire) -> None:
    signataire.rejet("data.demande_expresse", "dispense_orientation_spe", "2024-06-01", "ofii-dt-paris",
                     dict(DISPENSE_ORIENTATION, demande_expresse=False))
    signataire.rejet("operateur", "dispense_orientation_spe", "2024-06-01", "france-travail-75", DISPENSE_ORIENTATION)
    signataire.ok("dispense_orientation_spe", "2024-06-01", "ofii-dt-paris", DISPENSE_ORIENTATION)


def test_an_express_waiver_is_refused_after_an_orientation_unless_it_was_declined(signataire) -> None:
    orientation = str(uuid4())
    signataire.ok("orientation_spe", "2024-06-01", "ofii-dt-paris", ORIENTATION_FT, step_id=orientation)
    signataire.rejet("type", "dispense_orientation_spe", "2024-06-02", "ofii-dt-paris", DISPENSE_ORIENTATION)
    signataire.ok("orientation_refusee", "2024-06-05", "france-travail-75", {"orientation_step_id": orientation, "motif": "injoignable"})
    signataire.ok("dispense_orientation_spe", "2024-06-06", "ofii-dt-paris", DISPENSE_ORIENTATION)


# Answers to an orientation ------------------------------------------------------------------------------


def test_only_the_receiving_operator_answers_an_orientation(signataire) -> None:
    orientation = str(uuid4())
    signataire.ok("orientation_spe", "2024-06-01", "ofii-dt-paris", ORIENTATION_FT, step_id=orientation)
    signataire.rejet("operateur", "orientation_acceptee", "2024-06-05", "mission-locale-paris", {"orientation_step_id": orientation})
    signataire.rejet("operateur", "orientation_refusee", "2024-06-05", "ofii-dt-paris", {"orientation_step_id": orientation, "motif": "x"})
    signataire.ok("orientation_acceptee", "2024-06-05", "france-travail-75", {"orientation_step_id": orientation})


def test_an_orientation_is_answered_once(signataire) -> None:
    orientation = str(uuid4())
    signataire.ok("orientation_spe", "2024-06-01", "ofii-dt-paris", ORIENTATION_FT, step_id=orientation)
    signataire.ok("orientation_acceptee", "2024-06-05", "france-travail-75", {"orientation_step_id": orientation, "motif": "rdv le 12"})
    signataire.rejet("data.orientation_step_id", "orientation_acceptee", "2024-06-06", "france-travail-75", {"orientation_step_id": orientation})
    signataire.rejet("data.orientation_step_id", "orientation_refusee", "2024-06-06", "france-travail-75",
                     {"orientation_step_id": orientation, "motif": "finalement non"})


def test_a_refusal_needs_a_motive(signataire) -> None:
    orientation = str(uuid4())
    signataire.ok("orientation_spe", "2024-06-01", "ofii-dt-paris", ORIENTATION_FT, step_id=orientation)
    signataire.rejet("data.motif", "orientation_refusee", "2024-06-05", "france-travail-75", {"orientation_step_id": orientation})
    signataire.rejet("data.motif", "orientation_refusee", "2024-06-05", "france-travail-75", {"orientation_step_id": orientation, "motif": ""})
    signataire.ok("orientation_refusee", "2024-06-05", "france-travail-75", {"orientation_step_id": orientation, "motif": "hors secteur"})


def test_an_answer_names_an_orientation_of_this_person(signataire) -> None:
    signataire.rejet("data.orientation_step_id", "orientation_acceptee", "2024-06-05", "france-travail-75",
                     {"orientation_step_id": str(uuid4())})
    cir_id = signataire.historique().derniere(TypeEtape.CIR_SIGNE).step_id
    signataire.rejet("data.orientation_step_id", "orientation_acceptee", "2024-06-05", "france-travail-75",
                     {"orientation_step_id": str(cir_id)})


def test_an_answer_cannot_precede_the_orientation(signataire) -> None:
    orientation = str(uuid4())
    signataire.ok("orientation_spe", "2024-06-01", "ofii-dt-paris", ORIENTATION_FT, step_id=orientation)
    signataire.rejet("occurred_on", "orientation_acceptee", "2024-05-31", "france-travail-75", {"orientation_step_id": orientation})
    signataire.ok("orientation_acceptee", "2024-06-01", "france-travail-75", {"orientation_step_id": orientation})


# AGIR -----------------------------------------------------------------------------------------------------


def test_an_agir_orientation_needs_a_cir(banc) -> None:
    banc.enregistrer()
    banc.protection("2023-11-20", jour="2024-01-05")
    banc.titre(motif="HUMANITAIRE", sous_motif="REFUGIE")
    banc.rejet("type", "orientation_agir", "2024-01-20", "ofii-dt-paris", {"vers": "agir-75"})
    banc.cir()
    banc.ok("orientation_agir", "2024-02-01", "ofii-dt-paris", {"vers": "agir-75"})


def test_an_agir_orientation_needs_protection_decided_this_year_or_last(banc) -> None:
    banc.enregistrer()
    banc.titre(motif="HUMANITAIRE", sous_motif="REFUGIE")
    banc.cir()
    banc.rejet("type", "orientation_agir", "2024-02-01", "ofii-dt-paris", {"vers": "agir-75"})  # not protected
    banc.protection("2022-12-31", jour="2024-02-01")
    banc.rejet("type", "orientation_agir", "2024-02-01", "ofii-dt-paris", {"vers": "agir-75"})  # two years before


def test_an_agir_orientation_accepts_a_protection_of_the_year_before(refugiee) -> None:
    refugiee.ok("orientation_agir", "2024-02-01", "ofii-dt-paris", {"vers": "agir-75"})


def test_an_agir_orientation_accepts_a_protection_of_the_same_year(banc) -> None:
    banc.enregistrer()
    banc.titre(motif="HUMANITAIRE", sous_motif="REFUGIE")
    banc.cir()
    banc.protection("2024-01-15", jour="2024-02-01")
    banc.ok("orientation_agir", "2024-02-01", "ofii-dt-paris", {"vers": "agir-75"})


def test_a_prefect_waiver_opens_agir_without_recent_protection(banc) -> None:
    banc.enregistrer()
    banc.protection("2021-06-01", jour="2024-01-05")
    banc.titre(motif="HUMANITAIRE", sous_motif="REFUGIE")
    banc.cir()
    resultat = banc.ok("orientation_agir", "2024-02-01", "ofii-dt-paris", {"vers": "agir-75", "derogation_prefet": True})
    assert codes(resultat) == ["DEROGATION_PREFET"]


def test_an_agir_orientation_goes_to_an_agir_operator(refugiee) -> None:
    refugiee.rejet("data.vers", "orientation_agir", "2024-02-01", "ofii-dt-paris", {"vers": "france-travail-75"})
    refugiee.rejet("data.vers", "orientation_agir", "2024-02-01", "ofii-dt-paris", {"vers": "mission-locale-paris", "derogation_prefet": True})
    refugiee.ok("orientation_agir", "2024-02-01", "ofii-dt-paris", {"vers": "agir-75"})


def test_an_agir_entry_is_recorded_by_an_agir_operator(refugiee) -> None:
    refugiee.ok("orientation_agir", "2024-02-01", "ofii-dt-paris", {"vers": "agir-75"})
    refugiee.rejet("operateur", "agir_entree", "2024-02-10", "fta-paris", {"volets": ["DROITS"]})
    refugiee.ok("agir_entree", "2024-02-10", "agir-75", {"volets": ["DROITS"]})


def test_an_agir_entry_needs_an_agir_orientation(refugiee) -> None:
    refugiee.rejet("type", "agir_entree", "2024-02-10", "agir-75", {"volets": ["DROITS", "LOGEMENT"]})
    refugiee.ok("orientation_agir", "2024-02-11", "ofii-dt-paris", {"vers": "agir-75"})
    refugiee.rejet("type", "agir_entree", "2024-02-10", "agir-75", {"volets": ["DROITS", "LOGEMENT"]})  # before it
    refugiee.ok("agir_entree", "2024-02-11", "agir-75", {"volets": ["DROITS", "LOGEMENT"]})


def test_an_agir_entry_at_another_agir_operator_is_accepted_and_flagged(refugiee) -> None:
    refugiee.ok("orientation_agir", "2024-02-01", "ofii-dt-paris", {"vers": "agir-75"})
    assert codes(refugiee.ok("agir_entree", "2024-02-10", "agir-93", {"volets": ["LOGEMENT"]})) == ["AGIR_AUTRE_OPERATEUR"]


def test_one_open_agir_episode_at_a_time(refugiee) -> None:
    refugiee.ok("orientation_agir", "2024-02-01", "ofii-dt-paris", {"vers": "agir-75"})
    refugiee.ok("agir_entree", "2024-02-10", "agir-75", {"volets": ["DROITS"]})
    refugiee.rejet("type", "agir_entree", "2024-03-10", "agir-75", {"volets": ["EMPLOI_FORMATION"]})
    refugiee.ok("agir_sortie", "2024-04-10", "agir-75", {"motif": "ABANDON"})
    refugiee.ok("agir_entree", "2024-05-10", "agir-75", {"volets": ["EMPLOI_FORMATION"]})


def test_an_agir_exit_needs_an_open_episode(refugiee) -> None:
    refugiee.rejet("type", "agir_sortie", "2024-04-10", "agir-75", {"motif": "ABANDON"})


def agir_en_cours(refugiee) -> None:
    refugiee.ok("orientation_agir", "2024-02-01", "ofii-dt-paris", {"vers": "agir-75"})
    refugiee.ok("agir_entree", "2024-02-10", "agir-75", {"volets": ["DROITS", "LOGEMENT", "EMPLOI_FORMATION"]})
    refugiee.ok("situation_logement", "2024-02-10", "agir-75", {"situation": "CPH"})


ATTEINTS = {"motif": "OBJECTIFS_ATTEINTS"}


def test_objectives_reached_need_durable_housing_at_exit(refugiee) -> None:
    agir_en_cours(refugiee)
    refugiee.ok("contrat_travail_debute", "2024-12-01", "agir-75", {"type_contrat": "CDI", "date_debut": "2024-12-01"})
    refugiee.rejet("data.motif", "agir_sortie", "2025-01-15", "agir-75", ATTEINTS)
    refugiee.ok("situation_logement", "2025-01-10", "logement-75", {"situation": "IML_SOUS_LOCATION"})
    refugiee.rejet("data.motif", "agir_sortie", "2025-01-15", "agir-75", ATTEINTS)
    refugiee.ok("situation_logement", "2025-01-12", "logement-75", {"situation": "LOCATAIRE_PARC_SOCIAL"})
    refugiee.ok("agir_sortie", "2025-01-15", "agir-75", ATTEINTS)


def test_objectives_reached_need_a_durable_job_or_training_at_exit(refugiee) -> None:
    agir_en_cours(refugiee)
    refugiee.ok("situation_logement", "2024-10-01", "logement-75", {"situation": "LOCATAIRE_PARC_PRIVE"})
    refugiee.rejet("data.motif", "agir_sortie", "2025-01-15", "agir-75", ATTEINTS)
    refugiee.ok("entree_formation", "2024-11-01", "agir-75",
                {"type": "SAVOIRS_DE_BASE", "date_debut": "2024-11-01", "date_fin_prevue": "2025-06-30"})
    refugiee.rejet("data.motif", "agir_sortie", "2025-01-15", "agir-75", ATTEINTS)
    refugiee.ok("contrat_travail_debute", "2024-06-01", "agir-75",
                {"type_contrat": "CDD", "date_debut": "2024-06-01", "date_fin_prevue": "2025-01-14"})  # ended before exit
    refugiee.rejet("data.motif", "agir_sortie", "2025-01-15", "agir-75", ATTEINTS)
    refugiee.ok("entree_formation", "2024-12-01", "agir-75",
                {"type": "QUALIFIANTE", "date_debut": "2024-12-01", "date_fin_prevue": "2025-09-30"})
    refugiee.ok("agir_sortie", "2025-01-15", "agir-75", ATTEINTS)


def test_a_fixed_term_contract_of_six_months_less_a_day_is_durable_at_agir_exit(refugiee) -> None:
    agir_en_cours(refugiee)
    refugiee.ok("situation_logement", "2024-10-01", "logement-75", {"situation": "LOGEMENT_ACCOMPAGNE"})
    refugiee.ok("contrat_travail_debute", "2024-12-01", "agir-75",
                {"type_contrat": "CDD", "date_debut": "2024-12-01", "date_fin_prevue": "2025-05-31"})
    refugiee.ok("agir_sortie", "2025-01-15", "agir-75", ATTEINTS)


def test_a_fixed_term_contract_one_day_shorter_is_not_durable_at_agir_exit(refugiee) -> None:
    agir_en_cours(refugiee)
    refugiee.ok("situation_logement", "2024-10-01", "logement-75", {"situation": "LOGEMENT_ACCOMPAGNE"})
    refugiee.ok("contrat_travail_debute", "2024-12-01", "agir-75",
                {"type_contrat": "INTERIM", "date_debut": "2024-12-01", "date_fin_prevue": "2025-05-30"})
    refugiee.rejet("data.motif", "agir_sortie", "2025-01-15", "agir-75", ATTEINTS)
    refugiee.ok("agir_sortie", "2025-01-15", "agir-75", {"motif": "DUREE_MAX"})


def test_an_employment_contract_cannot_end_before_it_starts(signataire) -> None:
    signataire.rejet("data.date_fin_prevue", "contrat_travail_debute", "2024-06-01", "fta-paris",
                     {"type_contrat": "CDD", "date_debut": "2024-06-01", "date_fin_prevue": "2024-05-31"})
    signataire.ok("contrat_travail_debute", "2024-06-01", "fta-paris",
                  {"type_contrat": "CDD", "date_debut": "2024-06-01", "date_fin_prevue": "2024-06-01"})


def test_a_training_cannot_end_before_it_starts(signataire) -> None:
    signataire.rejet("data.date_fin_prevue", "entree_formation", "2024-06-01", "fta-paris",
                     {"type": "QUALIFIANTE", "date_debut": "2024-06-01", "date_fin_prevue": "2024-05-31"})
    signataire.ok("entree_formation", "2024-06-01", "fta-paris", {"type": "QUALIFIANTE", "date_debut": "2024-06-01"})


# Employment support ----------------------------------------------------------------------------------


def test_a_second_open_episode_at_the_same_operator_is_rejected(signataire) -> None:
    signataire.ok("accompagnement_emploi_debute", "2024-06-10", "france-travail-75", {"programme": "ACCOMPAGNEMENT_FT"})
    signataire.rejet("type", "accompagnement_emploi_debute", "2024-07-10", "france-travail-75", {"programme": "MENTORAT"})


def test_an_open_episode_at_another_operator_is_accepted(signataire) -> None:
    signataire.ok("accompagnement_emploi_debute", "2024-06-10", "france-travail-75", {"programme": "ACCOMPAGNEMENT_FT"})
    signataire.ok("accompagnement_emploi_debute", "2024-07-10", "fta-paris", {"programme": "ACTION_BOP104"})


def test_a_new_episode_is_opened_once_the_previous_one_exited(signataire) -> None:
    signataire.ok("accompagnement_emploi_debute", "2024-06-10", "france-travail-75", {"programme": "ACCOMPAGNEMENT_FT"})
    signataire.ok("sortie_accompagnement", "2024-09-10", "france-travail-75", {"categorie": "RECHERCHE_EMPLOI"})
    signataire.ok("accompagnement_emploi_debute", "2024-10-10", "france-travail-75", {"programme": "ACCOMPAGNEMENT_FT"})


def test_an_exit_needs_an_open_episode_of_its_operator(signataire) -> None:
    sortie = {"categorie": "EMPLOI_CDI"}
    signataire.rejet("type", "sortie_accompagnement", "2024-06-10", "france-travail-75", sortie)
    signataire.ok("accompagnement_emploi_debute", "2024-06-10", "france-travail-75", {"programme": "ACCOMPAGNEMENT_FT"})
    signataire.rejet("type", "sortie_accompagnement", "2024-08-01", "mission-locale-paris", sortie)
    signataire.ok("sortie_accompagnement", "2024-08-01", "france-travail-75", sortie)
    signataire.rejet("type", "sortie_accompagnement", "2024-08-02", "france-travail-75", sortie)


def test_an_exit_cannot_precede_the_entry(signataire) -> None:
    signataire.ok("accompagnement_emploi_debute", "2024-06-10", "france-travail-75", {"programme": "ACCOMPAGNEMENT_FT"})
    signataire.rejet("occurred_on", "sortie_accompagnement", "2024-06-09", "france-travail-75", {"categorie": "EMPLOI_CDI"})
    signataire.ok("sortie_accompagnement", "2024-06-10", "france-travail-75", {"categorie": "EMPLOI_CDI"})


# The 6-month follow-up ------------------------------------------------------------------------------------


def sortie(banc, jour: str, entree: str = "2023-03-01") -> str:
    sortie_id = str(uuid4())
    banc.ok("accompagnement_emploi_debute", entree, "france-travail-75", {"programme": "ACCOMPAGNEMENT_FT"})
    banc.ok("sortie_accompagnement", jour, "france-travail-75", {"categorie": "RECHERCHE_EMPLOI"}, step_id=sortie_id)
    return sortie_id


def test_a_follow_up_names_an_exit_of_this_person(signataire) -> None:
    suivi = {"sortie_step_id": str(uuid4()), "repondant": False}
    signataire.rejet("data.sortie_step_id", "suivi_six_mois", "2025-02-13", "france-travail-75", suivi)
    entree = str(uuid4())
    signataire.ok("accompagnement_emploi_debute", "2024-08-01", "france-travail-75", {"programme": "CEJ"}, step_id=entree)
    signataire.rejet("data.sortie_step_id", "suivi_six_mois", "2025-02-01", "france-travail-75", dict(suivi, sortie_step_id=entree))


def test_a_follow_up_is_recorded_within_15_days_before_and_45_days_after_it_falls_due(signataire) -> None:
    sortie_id = sortie(signataire, "2024-08-31", entree="2024-03-01")  # due 28/02/2025: 13/02/2025 – 14/04/2025
    suivi = {"sortie_step_id": sortie_id, "repondant": False}
    erreur = signataire.rejet("occurred_on", "suivi_six_mois", "2025-02-12", "france-travail-75", suivi)
    assert "13/02/2025" in erreur.message and "14/04/2025" in erreur.message
    signataire.rejet("occurred_on", "suivi_six_mois", "2025-04-15", "france-travail-75", suivi)
    signataire.ok("suivi_six_mois", "2025-04-14", "france-travail-75", suivi)


def test_a_follow_up_window_starts_15_days_before_29_february(banc) -> None:
    banc.enregistrer(jour="2023-01-05")
    sortie_id = sortie(banc, "2023-08-31")  # due 29/02/2024: 14/02/2024 – 14/04/2024
    suivi = {"sortie_step_id": sortie_id, "repondant": True, "categorie": "EMPLOI_MOINS_6M"}
    banc.rejet("occurred_on", "suivi_six_mois", "2024-02-13", "france-travail-75", suivi)
    banc.ok("suivi_six_mois", "2024-02-14", "france-travail-75", suivi)


def test_one_follow_up_per_exit(signataire) -> None:
    sortie_id = sortie(signataire, "2024-08-31", entree="2024-03-01")
    suivi = {"sortie_step_id": sortie_id, "repondant": False}
    signataire.ok("suivi_six_mois", "2025-02-13", "france-travail-75", suivi)
    signataire.rejet("data.sortie_step_id", "suivi_six_mois", "2025-03-01", "france-travail-75",
                     {"sortie_step_id": sortie_id, "repondant": True, "categorie": "EMPLOI_CDI"})


def test_a_respondent_needs_a_category(signataire) -> None:
    sortie_id = sortie(signataire, "2024-08-31", entree="2024-03-01")
    signataire.rejet("data.categorie", "suivi_six_mois", "2025-03-01", "france-travail-75",
                     {"sortie_step_id": sortie_id, "repondant": True})
    signataire.rejet("data.categorie", "suivi_six_mois", "2025-03-01", "france-travail-75",
                     {"sortie_step_id": sortie_id, "repondant": True, "categorie": None})
    signataire.ok("suivi_six_mois", "2025-03-01", "france-travail-75",
                  {"sortie_step_id": sortie_id, "repondant": True, "categorie": "FORMATION_QUALIFIANTE"})


# Steps without a sequence rule ----------------------------------------------------------------------------


def test_a_note_is_recorded_with_its_visibility(signataire) -> None:
    signataire.ok("note", "2024-05-01", "fta-paris", {"texte": "Cherche un logement près de l'école.", "visibilite": "OPERATEUR"})
    signataire.ok("note", "2024-05-02", "fta-paris", {"texte": "Dossier CAF déposé.", "visibilite": "PARTAGEE"})
    signataire.rejet("data.visibilite", "note", "2024-05-03", "fta-paris", {"texte": "x", "visibilite": "PUBLIQUE"})
    signataire.rejet("data.texte", "note", "2024-05-03", "fta-paris", {"texte": "", "visibilite": "PARTAGEE"})
    signataire.rejet("occurred_on", "note", "2025-07-01", "fta-paris", {"texte": "demain", "visibilite": "PARTAGEE"})


def test_positionings_housing_and_protection_need_only_a_known_person(signataire) -> None:
    signataire.positionnement(oral="A2", ecrit="B1_ET_PLUS", jour="2024-03-01")
    signataire.ok("situation_logement", "2024-03-01", "logement-75", {"situation": "HEBERGE_TIERS"})
    resultat = signataire.ok("protection_accordee", "2024-03-01", "ofii-dt-paris",
                             {"type": "APATRIDE", "decision_date": "2024-03-02", "organe": "CNDA"})
    assert codes(resultat) == ["DECISION_POSTERIEURE"]

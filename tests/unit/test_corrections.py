"""`evenement_corrige` and `evenement_annule` (CONTRACT §3): nothing is rewritten, the effective history changes.

A corrected step is read with its new values everywhere; a correction that would make its target
break a rule is rejected; corrected fields are syntax-checked with the target type's schema. A
voided step counts nowhere, and the steps that leaned on it are flagged A_REVERIFIER.
"""

from __future__ import annotations

from uuid import UUID, uuid4

from parcours.vocabulaire import SituationLogement, TypeEtape


def corriger(banc, cible: str, champs: dict, jour: str = "2024-06-01", operateur: str = "ofii-dt-paris",
             step_id: str | None = None):
    return banc.ok("evenement_corrige", jour, operateur, {"cible_step_id": cible, "champs": champs, "motif": "erreur de saisie"},
                   step_id=step_id)


def annuler(banc, cible: str, jour: str = "2024-06-01", operateur: str = "ofii-dt-paris", step_id: str | None = None):
    return banc.ok("evenement_annule", jour, operateur, {"cible_step_id": cible, "motif": "saisie en double"}, step_id=step_id)


def a_reverifier(banc, step_id) -> list[str]:
    return [d["par"] for d in banc.tenue(step_id).drapeaux if d["code"] == "A_REVERIFIER"]


# Corrections -----------------------------------------------------------------------------------------


def test_a_corrected_step_is_read_with_its_new_values_and_its_original_ones_are_kept(signataire) -> None:
    cible = str(uuid4())
    signataire.ok("situation_logement", "2024-05-01", "logement-75", {"situation": "DNA"}, step_id=cible)
    corriger(signataire, cible, {"situation": "CPH"}, operateur="logement-75")
    for personne in (signataire.personne(), signataire.relue()):
        etape = personne.historique.etape(UUID(cible))
        assert etape.get("situation") is SituationLogement.CPH
        assert etape.donnees_initiales["situation"] is SituationLogement.DNA


def test_a_later_correction_wins_over_an_earlier_one(signataire) -> None:
    cible = str(uuid4())
    signataire.ok("situation_logement", "2024-05-01", "logement-75", {"situation": "DNA"}, step_id=cible)
    corriger(signataire, cible, {"situation": "CPH"}, operateur="logement-75")
    corriger(signataire, cible, {"situation": "CHRS"}, operateur="logement-75")
    assert signataire.historique().etape(UUID(cible)).get("situation") is SituationLogement.CHRS


def test_the_rules_read_the_corrected_values(signataire) -> None:
    prescription = str(uuid4())
    signataire.prescription(forfait=100, step_id=prescription)
    signataire.heures(100)
    signataire.rejet("data.heures_realisees", "formation_linguistique_heures", "2024-04-30", "langues-75",
                     {"periode_debut": "2024-04-01", "periode_fin": "2024-04-29", "heures_planifiees": 50, "heures_realisees": 50})
    corriger(signataire, prescription, {"forfait_h": 200})
    signataire.ok("formation_linguistique_heures", "2024-04-30", "langues-75",
                  {"periode_debut": "2024-04-01", "periode_fin": "2024-04-29", "heures_planifiees": 50, "heures_realisees": 50})


def test_a_corrected_birth_date_is_the_one_the_age_rules_use(banc) -> None:
    inscription = str(banc.enregistrer().step_id)
    banc.titre()
    corriger(banc, inscription, {"date_naissance": "2007-06-01"}, jour="2024-01-20")
    banc.rejet("data.representant_legal", "cir_signe", "2024-02-01", "ofii-dt-paris", {"dt_ofii": "Paris"})
    banc.cir(representant_legal="Fatima Karimi")


def test_a_correction_that_would_make_a_minors_cir_lack_its_representative_is_rejected(banc) -> None:
    banc.enregistrer(naissance="2007-06-01")
    banc.titre()
    cir = str(uuid4())
    banc.cir(step_id=cir, representant_legal="Fatima Karimi")
    erreur = banc.rejet("data.champs", "evenement_corrige", "2024-02-02", "ofii-dt-paris",
                        {"cible_step_id": cir, "champs": {"representant_legal": None}, "motif": "oubli"})
    assert erreur.message.startswith("après correction, l'étape serait rejetée")
    corriger(banc, cir, {"representant_legal": "Ali Karimi"})


def test_a_correction_that_would_exceed_the_forfait_is_rejected(signataire) -> None:
    signataire.prescription(forfait=100)
    heures = str(uuid4())
    signataire.heures(60)
    signataire.heures(40, jour="2024-04-30", step_id=heures)
    signataire.rejet("data.champs", "evenement_corrige", "2024-05-01", "langues-75",
                     {"cible_step_id": heures, "champs": {"heures_realisees": 51}, "motif": "x"})
    corriger(signataire, heures, {"heures_realisees": 50}, operateur="langues-75")


def test_a_correction_that_would_leave_a_respondent_without_category_is_rejected(signataire) -> None:
    signataire.ok("accompagnement_emploi_debute", "2024-03-01", "france-travail-75", {"programme": "ACCOMPAGNEMENT_FT"})
    sortie, suivi = str(uuid4()), str(uuid4())
    signataire.ok("sortie_accompagnement", "2024-08-31", "france-travail-75", {"categorie": "RECHERCHE_EMPLOI"}, step_id=sortie)
    signataire.ok("suivi_six_mois", "2025-03-01", "france-travail-75", {"sortie_step_id": sortie, "repondant": False}, step_id=suivi)
    signataire.rejet("data.champs", "evenement_corrige", "2025-03-02", "france-travail-75",
                     {"cible_step_id": suivi, "champs": {"repondant": True}, "motif": "a répondu"})
    corriger(signataire, suivi, {"repondant": True, "categorie": "EMPLOI_CDI"}, jour="2025-03-02", operateur="france-travail-75")


def test_a_correction_of_the_motif_alone_must_keep_a_sub_motif_of_that_motif(signataire) -> None:
    titre = str(signataire.historique().derniere(TypeEtape.TITRE_SEJOUR_DELIVRE).step_id)
    erreur = signataire.rejet("data.champs", "evenement_corrige", "2024-06-01", "prefecture-75",
                              {"cible_step_id": titre, "champs": {"motif": "ECONOMIQUE"}, "motif": "x"})
    assert "CONJOINT_DE_FRANCAIS" in erreur.message
    corriger(signataire, titre, {"motif": "ECONOMIQUE", "sous_motif": "SALARIE"}, operateur="prefecture-75")


def test_correcting_the_first_permit_into_a_student_one_flags_the_cir(signataire) -> None:
    titre = str(signataire.historique().derniere(TypeEtape.TITRE_SEJOUR_DELIVRE).step_id)
    cir = signataire.historique().derniere(TypeEtape.CIR_SIGNE).step_id
    correction = corriger(signataire, titre, {"motif": "ETUDIANT", "sous_motif": "AUTRE"}, operateur="prefecture-75")
    assert a_reverifier(signataire, cir) == [str(correction.step_id)]
    assert "étudiant" in signataire.tenue(cir).drapeaux[-1]["message"]


def test_a_correction_that_breaks_only_later_steps_is_accepted_and_flags_them(signataire) -> None:
    positionnement = str(signataire.historique().derniere(TypeEtape.POSITIONNEMENT_LINGUISTIQUE).step_id)
    prescription = str(signataire.prescription().step_id)
    correction = corriger(signataire, positionnement, {"niveau_oral": "A1", "niveau_ecrit": "A2"})
    assert a_reverifier(signataire, prescription) == [str(correction.step_id)]
    assert [d["par"] for d in signataire.relue().etapes[UUID(prescription)].drapeaux] == [str(correction.step_id)]
    assert a_reverifier(signataire, positionnement) == []


def test_corrected_fields_are_checked_with_the_corrected_steps_schema(signataire) -> None:
    cible = str(uuid4())
    signataire.ok("contrat_travail_debute", "2024-06-01", "fta-paris",
                  {"type_contrat": "CDD", "date_debut": "2024-06-01", "date_fin_prevue": "2024-12-31"}, step_id=cible)
    for champ, champs in [
        ("data.champs.type_contrat", {"type_contrat": "STAGE"}),
        ("data.champs.date_fin_prevue", {"date_fin_prevue": "2024-13-01"}),
        ("data.champs.inconnu", {"inconnu": 1}),
        ("data.champs.type_contrat", {"type_contrat": None}),
    ]:
        signataire.rejet(champ, "evenement_corrige", "2024-06-02", "fta-paris",
                         {"cible_step_id": cible, "champs": champs, "motif": "x"})
    corriger(signataire, cible, {"date_fin_prevue": "2025-01-31"}, operateur="fta-paris")
    assert str(signataire.historique().etape(UUID(cible)).get("date_fin_prevue")) == "2025-01-31"


def test_a_corrected_civic_day_must_stay_between_1_and_4(signataire) -> None:
    cible = str(uuid4())
    signataire.ok("formation_civique_journee", "2024-02-10", "ofii-dt-paris", {"jour": 1, "present": True}, step_id=cible)
    erreur = signataire.rejet("data.champs.jour", "evenement_corrige", "2024-02-11", "ofii-dt-paris",
                              {"cible_step_id": cible, "champs": {"jour": 5}, "motif": "x"})
    assert erreur.message == "Jour de 1 à 4."
    corriger(signataire, cible, {"jour": 4})


def test_a_correction_names_a_step_in_force_of_this_person(signataire) -> None:
    champs = {"situation": "CPH"}
    signataire.rejet("data.cible_step_id", "evenement_corrige", "2024-06-01", "logement-75",
                     {"cible_step_id": str(uuid4()), "champs": champs, "motif": "x"})
    ailleurs = str(uuid4())
    signataire.enregistrer(numero="9301234567")
    signataire.ok("situation_logement", "2024-05-01", "logement-75", {"situation": "DNA"},
                  personne={"numero_etranger": "9301234567"}, step_id=ailleurs)
    signataire.rejet("data.cible_step_id", "evenement_corrige", "2024-06-01", "logement-75",
                     {"cible_step_id": ailleurs, "champs": champs, "motif": "x"})
    annulee = str(uuid4())
    signataire.ok("situation_logement", "2024-05-01", "logement-75", {"situation": "DNA"}, step_id=annulee)
    annuler(signataire, annulee, operateur="logement-75")
    signataire.rejet("data.cible_step_id", "evenement_corrige", "2024-06-02", "logement-75",
                     {"cible_step_id": annulee, "champs": champs, "motif": "x"})


def test_a_correction_or_a_void_is_not_corrected(signataire) -> None:
    cible, correction, note = str(uuid4()), str(uuid4()), str(uuid4())
    signataire.ok("situation_logement", "2024-05-01", "logement-75", {"situation": "DNA"}, step_id=cible)
    corriger(signataire, cible, {"situation": "CPH"}, step_id=correction, operateur="logement-75")
    signataire.rejet("data.cible_step_id", "evenement_corrige", "2024-06-02", "logement-75",
                     {"cible_step_id": correction, "champs": {"motif": "autre"}, "motif": "x"})
    signataire.ok("note", "2024-05-01", "fta-paris", {"texte": "a", "visibilite": "PARTAGEE"}, step_id=note)
    annulation = str(annuler(signataire, note, operateur="fta-paris").step_id)
    signataire.rejet("data.cible_step_id", "evenement_corrige", "2024-06-02", "fta-paris",
                     {"cible_step_id": annulation, "champs": {"motif": "autre"}, "motif": "x"})


def test_a_correction_changes_at_least_one_field_and_never_the_numero_etranger(signataire) -> None:
    inscription = str(signataire.historique().identite.step_id)
    signataire.rejet("data.champs", "evenement_corrige", "2024-06-01", "ofii-dt-paris",
                     {"cible_step_id": inscription, "champs": {}, "motif": "x"})
    signataire.rejet("data.champs.numero_etranger", "evenement_corrige", "2024-06-01", "ofii-dt-paris",
                     {"cible_step_id": inscription, "champs": {"numero_etranger": "7509999999"}, "motif": "x"})
    corriger(signataire, inscription, {"prenom": "Sarah"})
    assert signataire.personne().identite["prenom"] == "Sarah"


def test_correcting_the_exit_a_follow_up_refers_to_moves_the_follow_up(signataire) -> None:
    premiere, seconde, suivi = str(uuid4()), str(uuid4()), str(uuid4())
    signataire.ok("accompagnement_emploi_debute", "2024-03-01", "france-travail-75", {"programme": "ACCOMPAGNEMENT_FT"})
    signataire.ok("sortie_accompagnement", "2024-08-31", "france-travail-75", {"categorie": "RECHERCHE_EMPLOI"}, step_id=premiere)
    signataire.ok("accompagnement_emploi_debute", "2024-03-01", "fta-paris", {"programme": "ACTION_BOP104"})
    signataire.ok("sortie_accompagnement", "2024-09-01", "fta-paris", {"categorie": "INACTIVITE"}, step_id=seconde)
    signataire.ok("suivi_six_mois", "2025-03-01", "france-travail-75", {"sortie_step_id": premiere, "repondant": False}, step_id=suivi)
    corriger(signataire, suivi, {"sortie_step_id": seconde}, jour="2025-03-02", operateur="france-travail-75")
    signataire.rejet("data.sortie_step_id", "suivi_six_mois", "2025-03-03", "fta-paris", {"sortie_step_id": seconde, "repondant": False})
    signataire.ok("suivi_six_mois", "2025-03-03", "france-travail-75", {"sortie_step_id": premiere, "repondant": False})


def test_correcting_the_orientation_an_answer_refers_to_moves_the_answer(signataire) -> None:
    premiere, seconde, reponse = str(uuid4()), str(uuid4()), str(uuid4())
    orientation = {"vers": "france-travail-75", "motif_choix": "DEFAUT"}
    signataire.ok("orientation_spe", "2024-06-01", "ofii-dt-paris", orientation, step_id=premiere)
    signataire.ok("orientation_spe", "2024-06-02", "ofii-dt-paris", orientation, step_id=seconde)
    signataire.ok("orientation_acceptee", "2024-06-05", "france-travail-75", {"orientation_step_id": premiere}, step_id=reponse)
    corriger(signataire, reponse, {"orientation_step_id": seconde}, jour="2024-06-06", operateur="france-travail-75")
    signataire.rejet("data.orientation_step_id", "orientation_refusee", "2024-06-07", "france-travail-75",
                     {"orientation_step_id": seconde, "motif": "doublon"})
    signataire.ok("orientation_refusee", "2024-06-07", "france-travail-75", {"orientation_step_id": premiere, "motif": "doublon"})


# Voids ---------------------------------------------------------------------------------------------------


def test_voiding_the_only_cir_flags_the_steps_that_needed_it_and_refuses_new_ones(signataire) -> None:
    cir = str(signataire.historique().derniere(TypeEtape.CIR_SIGNE).step_id)
    journee = str(signataire.ok("formation_civique_journee", "2024-02-10", "ofii-dt-paris", {"jour": 1, "present": True}).step_id)
    prescription = str(signataire.prescription(jour="2024-02-02").step_id)
    signataire.ok("situation_logement", "2024-02-10", "logement-75", {"situation": "DNA"})
    annulation = str(annuler(signataire, cir, jour="2024-03-01").step_id)
    historique = signataire.historique()
    assert historique.etape(UUID(cir)) is None and historique.de_type(TypeEtape.CIR_SIGNE) == []
    for personne in (signataire.personne(), signataire.relue()):
        assert personne.etapes[UUID(cir)].annulee_par == UUID(annulation)
        signales = {str(i) for i, e in personne.etapes.items() if any(d["code"] == "A_REVERIFIER" for d in e.drapeaux)}
        assert signales == {journee, prescription}
    signataire.rejet("type", "formation_civique_journee", "2024-03-10", "ofii-dt-paris", {"jour": 2, "present": True})
    signataire.rejet("type", "entretien_fin_cir", "2024-03-10", "ofii-dt-paris", {"situation_pro": "EMPLOI"})
    signataire.cir(jour="2024-03-10")  # no CIR is open any more


def test_voiding_a_prescription_flags_its_hours_and_refuses_new_ones(signataire) -> None:
    prescription = str(signataire.prescription().step_id)
    heures = signataire.heures(40)
    annuler(signataire, prescription, jour="2024-04-05")
    assert signataire.historique().etape(UUID(prescription)) is None
    assert a_reverifier(signataire, heures.step_id) != []
    signataire.rejet("type", "formation_linguistique_heures", "2024-04-30", "langues-75",
                     {"periode_debut": "2024-04-01", "periode_fin": "2024-04-29", "heures_planifiees": 10, "heures_realisees": 5})


def test_voiding_a_correction_restores_the_original_values(signataire) -> None:
    cible, correction = str(uuid4()), str(uuid4())
    signataire.ok("situation_logement", "2024-05-01", "logement-75", {"situation": "DNA"}, step_id=cible)
    corriger(signataire, cible, {"situation": "CPH"}, step_id=correction, operateur="logement-75")
    annuler(signataire, correction, jour="2024-06-02", operateur="logement-75")
    for personne in (signataire.personne(), signataire.relue()):
        assert personne.historique.etape(UUID(cible)).get("situation") is SituationLogement.DNA
        assert personne.historique.etape(UUID(correction)) is None


def test_voiding_a_correction_restores_the_limits_it_had_raised(signataire) -> None:
    prescription, correction = str(uuid4()), str(uuid4())
    signataire.prescription(forfait=100, step_id=prescription)
    corriger(signataire, prescription, {"forfait_h": 200}, step_id=correction)
    heures = str(signataire.heures(150).step_id)
    annulation = str(annuler(signataire, correction, jour="2024-04-01").step_id)
    assert a_reverifier(signataire, heures) == [annulation]
    signataire.rejet("data.heures_realisees", "formation_linguistique_heures", "2024-04-30", "langues-75",
                     {"periode_debut": "2024-04-01", "periode_fin": "2024-04-29", "heures_planifiees": 1, "heures_realisees": 1})


def test_a_voided_presence_frees_its_civic_day(signataire) -> None:
    presence = str(uuid4())
    signataire.ok("formation_civique_journee", "2024-02-10", "ofii-dt-paris", {"jour": 1, "present": True}, step_id=presence)
    signataire.rejet("data.jour", "formation_civique_journee", "2024-02-17", "ofii-dt-paris", {"jour": 1, "present": True})
    annuler(signataire, presence, jour="2024-02-12")
    signataire.ok("formation_civique_journee", "2024-02-17", "ofii-dt-paris", {"jour": 1, "present": True})


def test_a_voided_waiver_no_longer_excludes_a_compulsory_training(signataire) -> None:
    dispense = str(signataire.ok("dispense_formation_linguistique", "2024-02-01", "ofii-dt-paris", {"motif": "AUTRE"}).step_id)
    signataire.rejet("data.type", "formation_linguistique_prescrite", "2024-02-02", "ofii-dt-paris",
                     {"type": "CIR_OBLIGATOIRE", "forfait_h": 100, "niveau_cible": "A1"})
    annuler(signataire, dispense, jour="2024-02-02")
    signataire.prescription(jour="2024-02-02")


def test_voiding_an_exit_flags_its_follow_up_and_reopens_the_episode(signataire) -> None:
    sortie, suivi = str(uuid4()), str(uuid4())
    signataire.ok("accompagnement_emploi_debute", "2024-03-01", "france-travail-75", {"programme": "ACCOMPAGNEMENT_FT"})
    signataire.ok("sortie_accompagnement", "2024-08-31", "france-travail-75", {"categorie": "EMPLOI_CDI"}, step_id=sortie)
    signataire.ok("suivi_six_mois", "2025-03-01", "france-travail-75", {"sortie_step_id": sortie, "repondant": False}, step_id=suivi)
    annulation = str(annuler(signataire, sortie, jour="2025-03-02", operateur="france-travail-75").step_id)
    assert a_reverifier(signataire, suivi) == [annulation]
    signataire.rejet("type", "accompagnement_emploi_debute", "2025-03-03", "france-travail-75", {"programme": "ACCOMPAGNEMENT_FT"})
    signataire.ok("sortie_accompagnement", "2025-03-03", "france-travail-75", {"categorie": "EMPLOI_CDI"})


def test_a_voided_step_cannot_be_voided_again_nor_can_a_void_or_a_registration(signataire) -> None:
    inscription = str(signataire.historique().identite.step_id)
    signataire.rejet("data.cible_step_id", "evenement_annule", "2024-06-01", "ofii-dt-paris", {"cible_step_id": inscription, "motif": "x"})
    signataire.rejet("data.cible_step_id", "evenement_annule", "2024-06-01", "ofii-dt-paris", {"cible_step_id": str(uuid4()), "motif": "x"})
    note = str(uuid4())
    signataire.ok("note", "2024-05-01", "fta-paris", {"texte": "a", "visibilite": "PARTAGEE"}, step_id=note)
    annulation = str(annuler(signataire, note, operateur="fta-paris").step_id)
    signataire.rejet("data.cible_step_id", "evenement_annule", "2024-06-02", "fta-paris", {"cible_step_id": note, "motif": "x"})
    signataire.rejet("data.cible_step_id", "evenement_annule", "2024-06-02", "fta-paris", {"cible_step_id": annulation, "motif": "x"})


def test_the_copy_a_command_changes_leaves_the_cached_person_as_it_was(signataire) -> None:
    """Commands work on a copy of the cached person sharing its steps: a correction, a void and the flags they
    raise replace the steps they change in the copy, never change the original's."""
    import copy
    import dataclasses

    cir = str(signataire.historique().derniere(TypeEtape.CIR_SIGNE).step_id)
    journee = str(signataire.ok("formation_civique_journee", "2024-02-10", "ofii-dt-paris", {"jour": 1, "present": True}).step_id)
    logement = str(uuid4())
    signataire.ok("situation_logement", "2024-05-01", "logement-75", {"situation": "DNA"}, step_id=logement)
    corriger(signataire, logement, {"situation": "CPH"}, operateur="logement-75")
    seconde = str(corriger(signataire, logement, {"situation": "CHRS"}, operateur="logement-75").step_id)
    original = signataire.app.repository.get(signataire.parcours_id(), deepcopy_from_cache=False)
    avant = {step_id: dataclasses.asdict(etape) for step_id, etape in original.etapes.items()}
    copie = copy.deepcopy(original)
    assert {step_id: dataclasses.asdict(etape) for step_id, etape in copie.etapes.items()} == avant
    annuler(signataire, seconde, operateur="logement-75")
    annuler(signataire, cir, jour="2024-03-01")
    apres = signataire.personne()
    assert apres.etapes[UUID(logement)].get("situation") is SituationLogement.CPH
    assert apres.etapes[UUID(cir)].annulee and a_reverifier(signataire, journee) != []
    assert {step_id: dataclasses.asdict(etape) for step_id, etape in original.etapes.items()} == avant
    assert {step_id: dataclasses.asdict(etape) for step_id, etape in copie.etapes.items()} == avant

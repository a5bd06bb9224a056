"""CONTRACT §9 rules: AGIR intake, refusal, strands and exits; the employment service's return to OFII.

Each rule accepted and rejected; a rejection names the field and records nothing (`Banc.rejet`).
"""

from __future__ import annotations

ACCUEIL = {"diagnostic": ["DROITS", "LOGEMENT"], "situation_logement": "CPH", "situation_pro": "RECHERCHE_EMPLOI"}
TOUS_LES_VOLETS = {"volets": ["DROITS", "LOGEMENT", "EMPLOI_FORMATION"]}


def codes(resultat) -> list[str]:
    return [d["code"] for d in resultat.drapeaux]


def orienter_agir(refugiee, jour: str = "2024-02-01", vers: str = "agir-75"):
    return refugiee.ok("orientation_agir", jour, "ofii-dt-paris", {"vers": vers})


# agir_accueil -------------------------------------------------------------------------------------


def test_an_agir_intake_is_recorded_by_the_agir_operator_oriented_to(refugiee) -> None:
    orienter_agir(refugiee)
    erreur = refugiee.rejet("operateur", "agir_accueil", "2024-02-10", "agir-93", ACCUEIL)
    assert "agir-75" in erreur.message
    refugiee.rejet("operateur", "agir_accueil", "2024-02-10", "fta-paris", ACCUEIL)
    resultat = refugiee.ok("agir_accueil", "2024-02-10", "agir-75", ACCUEIL)
    assert codes(resultat) == []


def test_an_agir_intake_needs_an_agir_orientation_before_it(refugiee) -> None:
    refugiee.rejet("type", "agir_accueil", "2024-02-10", "agir-75", ACCUEIL)
    orienter_agir(refugiee, "2024-02-11")
    refugiee.rejet("type", "agir_accueil", "2024-02-10", "agir-75", ACCUEIL)
    refugiee.ok("agir_accueil", "2024-02-11", "agir-75", ACCUEIL)


def test_an_intake_40_days_after_the_orientation_is_flagged_and_accepted(refugiee) -> None:
    orienter_agir(refugiee, "2024-02-01")
    resultat = refugiee.ok("agir_accueil", "2024-03-12", "agir-75", ACCUEIL)
    assert codes(resultat) == ["AGIR_ACCUEIL_HORS_DELAI"]
    assert "40 jours" in resultat.drapeaux[0]["message"]


def test_an_intake_exactly_one_month_after_the_orientation_is_not_flagged(refugiee) -> None:
    orienter_agir(refugiee, "2024-02-01")
    assert codes(refugiee.ok("agir_accueil", "2024-03-01", "agir-75", ACCUEIL)) == []


def test_an_orientation_has_one_intake(refugiee) -> None:
    orienter_agir(refugiee)
    refugiee.ok("agir_accueil", "2024-02-10", "agir-75", ACCUEIL)
    refugiee.rejet("type", "agir_accueil", "2024-02-12", "agir-75", ACCUEIL)


def test_an_intake_diagnostic_names_each_strand_once(refugiee, etape) -> None:
    orienter_agir(refugiee)
    refugiee.rejet_brut("data.diagnostic", etape("agir_accueil", "2024-02-10", "agir-75", {**ACCUEIL, "diagnostic": ["DROITS", "DROITS"]}))
    refugiee.rejet_brut("data.situation_pro", etape("agir_accueil", "2024-02-10", "agir-75", {**ACCUEIL, "situation_pro": "RETRAITE"}))


# agir_refus ---------------------------------------------------------------------------------------


def test_an_agir_refusal_is_recorded_by_that_operator_and_closes_the_orientation(refugiee) -> None:
    orienter_agir(refugiee)
    refugiee.rejet("operateur", "agir_refus", "2024-02-10", "agir-93", {"motif": "REFUS_PERSONNE"})
    refus = refugiee.ok("agir_refus", "2024-02-10", "agir-75", {"motif": "REFUS_PERSONNE"})
    assert refugiee.tenue(refus.step_id).liens["orientation"]
    refugiee.rejet("type", "agir_refus", "2024-02-11", "agir-75", {"motif": "INJOIGNABLE"})
    refugiee.rejet("type", "agir_accueil", "2024-02-12", "agir-75", ACCUEIL)
    refugiee.rejet("type", "agir_entree", "2024-02-12", "agir-75", TOUS_LES_VOLETS)


def test_an_orientation_closed_by_an_agir_refusal_cannot_be_accepted_afterwards(refugiee) -> None:
    orientation = orienter_agir(refugiee)
    refugiee.ok("agir_refus", "2024-02-05", "agir-75", {"motif": "NON_ELIGIBLE"})
    refugiee.rejet("data.orientation_step_id", "orientation_acceptee", "2024-02-06", "agir-75",
                   {"orientation_step_id": str(orientation.step_id)})


def test_a_new_orientation_after_a_refusal_opens_agir_again(refugiee) -> None:
    orienter_agir(refugiee, "2024-02-01")
    refugiee.ok("agir_refus", "2024-02-10", "agir-75", {"motif": "INJOIGNABLE"})
    orienter_agir(refugiee, "2024-03-01")
    refugiee.ok("agir_accueil", "2024-03-05", "agir-75", ACCUEIL)


def test_an_agir_refusal_needs_a_motif_from_the_list(refugiee, etape) -> None:
    orienter_agir(refugiee)
    refugiee.rejet_brut("data.motif", etape("agir_refus", "2024-02-10", "agir-75", {}))
    refugiee.rejet_brut("data.motif", etape("agir_refus", "2024-02-10", "agir-75", {"motif": "AUTRE"}))


def test_an_agir_refusal_after_the_entry_is_rejected(refugiee) -> None:
    orienter_agir(refugiee)
    refugiee.ok("agir_entree", "2024-02-10", "agir-75", TOUS_LES_VOLETS)
    refugiee.rejet("type", "agir_refus", "2024-03-10", "agir-75", {"motif": "REFUS_PERSONNE"})


# agir_volet_cloture -------------------------------------------------------------------------------


def test_a_strand_opened_at_entry_is_closed_once(refugiee) -> None:
    orienter_agir(refugiee)
    refugiee.ok("agir_entree", "2024-02-10", "agir-75", {"volets": ["DROITS", "LOGEMENT"]})
    refugiee.rejet("data.volet", "agir_volet_cloture", "2024-05-10", "agir-75", {"volet": "EMPLOI_FORMATION", "resultat": "ATTEINT"})
    refugiee.ok("agir_volet_cloture", "2024-05-10", "agir-75", {"volet": "DROITS", "resultat": "ATTEINT"})
    erreur = refugiee.rejet("data.volet", "agir_volet_cloture", "2024-06-10", "agir-75", {"volet": "DROITS", "resultat": "NON_ATTEINT"})
    assert "déjà clôturé" in erreur.message
    refugiee.ok("agir_volet_cloture", "2024-06-10", "agir-75", {"volet": "LOGEMENT", "resultat": "SANS_OBJET"})


def test_a_strand_closure_needs_an_open_agir_episode_and_an_agir_operator(refugiee) -> None:
    orienter_agir(refugiee)
    cloture = {"volet": "DROITS", "resultat": "ATTEINT"}
    refugiee.rejet("type", "agir_volet_cloture", "2024-02-09", "agir-75", cloture)
    refugiee.ok("agir_entree", "2024-02-10", "agir-75", TOUS_LES_VOLETS)
    refugiee.rejet("operateur", "agir_volet_cloture", "2024-03-10", "france-travail-75", cloture)
    refugiee.ok("agir_sortie", "2024-04-10", "agir-75", {"motif": "ABANDON"})
    refugiee.rejet("type", "agir_volet_cloture", "2024-05-10", "agir-75", cloture)


# agir_sortie ------------------------------------------------------------------------------------------


def agir_en_cours_loge(refugiee) -> None:
    orienter_agir(refugiee)
    refugiee.ok("agir_entree", "2024-02-10", "agir-75", TOUS_LES_VOLETS)
    refugiee.ok("situation_logement", "2024-10-01", "logement-75", {"situation": "LOCATAIRE_PARC_SOCIAL"})


def test_objectives_reached_reject_a_contract_starting_the_day_after_the_exit(refugiee) -> None:
    agir_en_cours_loge(refugiee)
    refugiee.ok("contrat_travail_debute", "2025-01-10", "agir-75", {"type_contrat": "CDI", "date_debut": "2025-01-16"})
    erreur = refugiee.rejet("data.motif", "agir_sortie", "2025-01-15", "agir-75", {"motif": "OBJECTIFS_ATTEINTS"})
    assert "emploi durable" in erreur.message
    refugiee.ok("agir_sortie", "2025-01-16", "agir-75", {"motif": "OBJECTIFS_ATTEINTS"})


def test_objectives_reached_accept_a_contract_starting_on_the_exit_day(refugiee) -> None:
    agir_en_cours_loge(refugiee)
    refugiee.ok("contrat_travail_debute", "2025-01-10", "agir-75",
                {"type_contrat": "CDD", "date_debut": "2025-01-15", "date_fin_prevue": "2025-07-14"})
    refugiee.ok("agir_sortie", "2025-01-15", "agir-75", {"motif": "OBJECTIFS_ATTEINTS"})


def test_a_training_starting_the_day_after_the_exit_does_not_count(refugiee) -> None:
    agir_en_cours_loge(refugiee)
    refugiee.ok("entree_formation", "2025-01-10", "agir-75", {"type": "CERTIFIANTE", "date_debut": "2025-01-16"})
    refugiee.rejet("data.motif", "agir_sortie", "2025-01-15", "agir-75", {"motif": "OBJECTIFS_ATTEINTS"})


def test_an_exit_within_24_months_of_entry_is_not_flagged(refugiee) -> None:
    orienter_agir(refugiee)
    refugiee.ok("agir_entree", "2024-02-10", "agir-75", TOUS_LES_VOLETS)
    assert codes(refugiee.ok("agir_sortie", "2025-06-10", "agir-75", {"motif": "DUREE_MAX"})) == []


# The employment service's return ----------------------------------------------------------------------


def orienter_spe(signataire, vers: str = "france-travail-75", jour: str = "2024-06-01", accepter: str | None = "2024-06-05"):
    orientation = signataire.ok("orientation_spe", jour, "ofii-dt-paris", {"vers": vers, "motif_choix": "DEFAUT"})
    if accepter:
        signataire.ok("orientation_acceptee", accepter, vers, {"orientation_step_id": str(orientation.step_id)})
    return orientation


def test_a_registration_is_recorded_by_the_operator_whose_orientation_was_accepted(signataire) -> None:
    orientation = orienter_spe(signataire, accepter=None)
    signataire.rejet("operateur", "inscription_spe", "2024-06-06", "france-travail-75", {"identifiant_spe": "1234567A"})
    signataire.ok("orientation_acceptee", "2024-06-05", "france-travail-75", {"orientation_step_id": str(orientation.step_id)})
    signataire.rejet("operateur", "inscription_spe", "2024-06-06", "cap-emploi-75", {"identifiant_spe": "1234567A"})
    signataire.rejet("operateur", "inscription_spe", "2024-06-04", "france-travail-75", {"identifiant_spe": "1234567A"})
    inscription = signataire.ok("inscription_spe", "2024-06-06", "france-travail-75", {"identifiant_spe": "1234567A"})
    assert signataire.tenue(inscription.step_id).liens["orientation"] == orientation.step_id
    signataire.rejet("type", "inscription_spe", "2024-06-07", "france-travail-75", {})


def test_a_refused_orientation_gives_no_registration(signataire) -> None:
    orientation = orienter_spe(signataire, accepter=None)
    signataire.ok("orientation_refusee", "2024-06-05", "france-travail-75",
                  {"orientation_step_id": str(orientation.step_id), "motif": "hors secteur"})
    signataire.rejet("operateur", "inscription_spe", "2024-06-06", "france-travail-75", {})


def test_a_first_appointment_is_dated_after_the_orientation_and_held_once(signataire) -> None:
    orienter_spe(signataire)
    signataire.rejet("operateur", "premier_rendez_vous_spe", "2024-06-20", "mission-locale-paris", {"date_rdv": "2024-06-20", "honore": True})
    signataire.rejet("data.date_rdv", "premier_rendez_vous_spe", "2024-06-20", "france-travail-75", {"date_rdv": "2024-05-20", "honore": True})
    signataire.rejet("data.date_rdv", "premier_rendez_vous_spe", "2024-06-20", "france-travail-75", {"date_rdv": "2024-06-21", "honore": True})
    signataire.ok("premier_rendez_vous_spe", "2024-06-20", "france-travail-75", {"date_rdv": "2024-06-18", "honore": False})
    signataire.ok("premier_rendez_vous_spe", "2024-07-02", "france-travail-75", {"date_rdv": "2024-07-02", "honore": True})
    signataire.rejet("type", "premier_rendez_vous_spe", "2024-07-10", "france-travail-75", {"date_rdv": "2024-07-10", "honore": True})


def test_an_in_depth_diagnostic_is_recorded_by_the_accepting_operator_or_an_agir_operator(refugiee) -> None:
    orienter_spe(refugiee, vers="france-travail-75", jour="2024-03-01", accepter="2024-03-05")
    refugiee.rejet("operateur", "diagnostic_approfondi", "2024-03-10", "fta-paris", {"freins": ["LANGUE"]})
    refugiee.ok("diagnostic_approfondi", "2024-03-10", "france-travail-75", {"freins": ["LANGUE", "MOBILITE"]})
    refugiee.rejet("type", "diagnostic_approfondi", "2024-03-11", "france-travail-75", {"freins": []})
    refugiee.rejet("type", "diagnostic_approfondi", "2024-03-10", "agir-75", {"freins": ["LOGEMENT"]})
    orienter_agir(refugiee, "2024-03-15")
    refugiee.rejet("operateur", "diagnostic_approfondi", "2024-03-20", "agir-93", {"freins": ["LOGEMENT"]})
    refugiee.ok("diagnostic_approfondi", "2024-03-20", "agir-75", {"freins": ["LOGEMENT", "DROITS"]})


def test_barriers_come_from_the_list_each_once(signataire, etape) -> None:
    orienter_spe(signataire)
    signataire.rejet_brut("data.freins", etape("diagnostic_approfondi", "2024-06-10", "france-travail-75", {"freins": ["LANGUE", "LANGUE"]}))
    signataire.rejet_brut("data.freins.0", etape("diagnostic_approfondi", "2024-06-10", "france-travail-75", {"freins": ["PERMIS"]}))


def test_a_qualification_recognition_step_is_open_to_every_operator(signataire, etape) -> None:
    signataire.ok("reconnaissance_qualifications", "2024-06-10", "fta-paris", {"demarche": "VAE", "statut": "DEPOSEE"})
    signataire.ok("reconnaissance_qualifications", "2024-09-10", "france-travail-75", {"demarche": "VAE", "statut": "OBTENUE"})
    signataire.rejet_brut("data.statut", etape("reconnaissance_qualifications", "2024-06-10", "fta-paris", {"demarche": "VAE", "statut": "EN_COURS"}))


def test_the_spe_identifier_is_kept_out_of_the_stored_event_in_clear(signataire) -> None:
    orienter_spe(signataire)
    signataire.ok("inscription_spe", "2024-06-06", "france-travail-75", {"identifiant_spe": "ZZ-SECRET-987"})
    stockes = signataire.app.recorder.select_events(signataire.parcours_id())
    assert stockes and all(b"ZZ-SECRET-987" not in e.state for e in stockes)
    assert signataire.relue().historique.derniere(
        *[e.type for e in signataire.historique() if e.type.value == "inscription_spe"]
    ).get("identifiant_spe") == "ZZ-SECRET-987"

"""Every hard rule of CONTRACT §3, accepted and rejected, on the in-memory store; soft rules as flags.

Steps arrive as contract dicts through `web.saisie.schemas.lire_etape`, like real input. A rejected step
must leave the log exactly as it was.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone
from typing import Any
from uuid import UUID, uuid4

import pytest

from parcours.application import Parcours
from parcours.chiffrement import nouvelle_cle_maitre
from parcours.erreurs import EtapeRejeteeError, OperateurInconnuError, PersonneInconnueError, StepIdReutiliseError
from tests.conftest import enregistrer_operateurs
from web.saisie.schemas import lire_etape, valider_champs_corriges

AUJOURDHUI = datetime(2025, 6, 30, 12, tzinfo=timezone.utc)
NUMERO = "7501112223"
MOI = {"numero_etranger": NUMERO}


class Territoire:
    """An in-memory Parcours with the scenario's operators and one person, Sara, born 1990-03-10."""

    def __init__(self) -> None:
        self.app = Parcours(
            {"PERSISTENCE_MODULE": "eventsourcing.popo"},
            cle_maitre=nouvelle_cle_maitre(),
            horloge=lambda: AUJOURDHUI,
            valider_champs=valider_champs_corriges,
        )
        enregistrer_operateurs(self.app)

    def etape(self, type_: str, jour: str, operateur: str, data: dict[str, Any], personne: dict | None = MOI,
              step_id: str | None = None) -> dict[str, Any]:
        brut = {"step_id": step_id or str(uuid4()), "type": type_, "occurred_on": jour, "operateur": operateur,
                "agent": "a.martin", "data": data}
        if personne is not None:
            brut["personne"] = personne
        return brut

    def ok(self, *args: Any, **kwargs: Any) -> Any:
        return self.app.enregistrer_etape(lire_etape(self.etape(*args, **kwargs)))

    def rejet(self, champ: str, *args: Any, **kwargs: Any) -> EtapeRejeteeError:
        avant = self.app.recorder.max_notification_id()
        with pytest.raises(EtapeRejeteeError) as erreur:
            self.ok(*args, **kwargs)
        assert erreur.value.champ == champ, str(erreur.value)
        assert self.app.recorder.max_notification_id() == avant, "a rejected step recorded something"
        return erreur.value

    def personne(self, naissance: str = "1990-03-10", numero: str = NUMERO) -> None:
        self.ok("personne_enregistree", "2024-01-05", "ofii-dt-paris",
                {"nom": "Karimi", "prenom": "Sara", "date_naissance": naissance, "sexe": "F", "nationalite": "AFG",
                 "departement": "75", "numero_etranger": numero}, personne=None)

    def titre(self, motif: str = "FAMILIAL", sous_motif: str = "CONJOINT_DE_FRANCAIS", jour: str = "2024-01-05") -> None:
        self.ok("titre_sejour_delivre", jour, "prefecture-75",
                {"motif": motif, "sous_motif": sous_motif, "type_titre": "VLS_TS", "valid_from": jour, "premier_titre": True})

    def cir(self, jour: str = "2024-02-01", **data: Any) -> None:
        self.ok("cir_signe", jour, "ofii-dt-paris", {"dt_ofii": "Paris", **data})

    def positionnement(self, oral: str = "INFRA_A1", ecrit: str = "INFRA_A1", jour: str = "2024-02-01", nlns: bool = False) -> None:
        self.ok("positionnement_linguistique", jour, "ofii-dt-paris",
                {"niveau_oral": oral, "niveau_ecrit": ecrit, "non_lecteur_non_scripteur": nlns})

    def prescription(self, type_: str = "CIR_OBLIGATOIRE", forfait: int = 100, cible: str = "A1", jour: str = "2024-02-01") -> Any:
        return self.ok("formation_linguistique_prescrite", jour, "ofii-dt-paris", {"type": type_, "forfait_h": forfait, "niveau_cible": cible})

    def heures(self, realisees: float, jour: str = "2024-03-31", planifiees: float = 50) -> Any:
        return self.ok("formation_linguistique_heures", jour, "langues-75",
                       {"periode_debut": "2024-03-01", "periode_fin": "2024-03-30", "heures_planifiees": planifiees, "heures_realisees": realisees})


@pytest.fixture
def t() -> Territoire:
    return Territoire()


@pytest.fixture
def signataire(t: Territoire) -> Territoire:
    t.personne()
    t.titre()
    t.positionnement()
    t.cir()
    return t


# Every step ------------------------------------------------------------------------------------------


def test_a_step_dated_in_the_future_is_rejected(signataire: Territoire) -> None:
    signataire.rejet("occurred_on", "situation_logement", "2025-07-01", "logement-75", {"situation": "DNA"})


def test_a_step_dated_before_birth_is_rejected(signataire: Territoire) -> None:
    signataire.rejet("occurred_on", "situation_logement", "1990-03-09", "logement-75", {"situation": "DNA"})
    signataire.ok("situation_logement", "1990-03-10", "logement-75", {"situation": "DNA"})


def test_an_unknown_operator_is_rejected(signataire: Territoire) -> None:
    erreur = signataire.rejet("operateur", "situation_logement", "2024-05-01", "inconnu-75", {"situation": "DNA"})
    assert isinstance(erreur, OperateurInconnuError)


def test_a_person_unknown_by_numero_etranger_is_rejected(signataire: Territoire) -> None:
    erreur = signataire.rejet("personne.numero_etranger", "situation_logement", "2024-05-01", "logement-75",
                              {"situation": "DNA"}, personne={"numero_etranger": "7509999999"})
    assert isinstance(erreur, PersonneInconnueError)


def test_a_step_without_a_person_is_rejected_unless_it_registers_one(signataire: Territoire) -> None:
    signataire.rejet("personne", "situation_logement", "2024-05-01", "logement-75", {"situation": "DNA"}, personne=None)


# Identity --------------------------------------------------------------------------------------------


def test_a_person_is_registered_once_and_a_numero_etranger_belongs_to_one_person(t: Territoire) -> None:
    t.personne()
    t.rejet("data.numero_etranger", "personne_enregistree", "2024-01-06", "ofii-dt-paris",
            {"nom": "Autre", "prenom": "Personne", "date_naissance": "1985-01-01", "sexe": "M", "nationalite": "SYR",
             "departement": "75", "numero_etranger": NUMERO}, personne=None)
    fixe = str(uuid4())
    t.ok("personne_enregistree", "2024-01-06", "ofii-dt-paris",
         {"nom": "Sans", "prenom": "Numero", "date_naissance": "1985-01-01", "sexe": "M", "nationalite": "SYR", "departement": "93"},
         personne={"parcours_id": fixe})
    t.rejet("personne.parcours_id", "personne_enregistree", "2024-01-07", "ofii-dt-paris",
            {"nom": "Sans", "prenom": "Numero", "date_naissance": "1985-01-01", "sexe": "M", "nationalite": "SYR", "departement": "93"},
            personne={"parcours_id": fixe})


def test_the_sub_motif_must_belong_to_the_motif(t: Territoire) -> None:
    t.personne()
    t.rejet("data.sous_motif", "titre_sejour_delivre", "2024-01-05", "prefecture-75",
            {"motif": "ETUDIANT", "sous_motif": "SALARIE", "type_titre": "VLS_TS", "valid_from": "2024-01-05", "premier_titre": True})
    t.ok("titre_sejour_delivre", "2024-01-05", "prefecture-75",
         {"motif": "ETUDIANT", "sous_motif": "AUTRE", "type_titre": "VLS_TS", "valid_from": "2024-01-05", "premier_titre": True})


# CIR ---------------------------------------------------------------------------------------------------


def test_a_cir_needs_a_first_residence_permit(t: Territoire) -> None:
    t.personne()
    t.rejet("type", "cir_signe", "2024-02-01", "ofii-dt-paris", {"dt_ofii": "Paris"})
    t.titre()
    t.cir()


def test_a_student_permit_gives_no_cir(t: Territoire) -> None:
    t.personne()
    t.titre(motif="ETUDIANT", sous_motif="AUTRE")
    t.rejet("type", "cir_signe", "2024-02-01", "ofii-dt-paris", {"dt_ofii": "Paris"})


def test_a_cir_is_signed_from_16_and_16_17_year_olds_need_a_legal_representative(t: Territoire) -> None:
    t.personne(naissance="2008-03-01")
    t.titre()
    t.rejet("occurred_on", "cir_signe", "2024-02-01", "ofii-dt-paris", {"dt_ofii": "Paris"})  # 15 years old
    t.rejet("data.representant_legal", "cir_signe", "2024-03-01", "ofii-dt-paris", {"dt_ofii": "Paris"})  # 16 today
    t.cir(jour="2024-03-01", representant_legal="Fatima Karimi")


def test_only_one_cir_is_open_at_a_time(signataire: Territoire) -> None:
    signataire.rejet("type", "cir_signe", "2024-06-01", "ofii-dt-paris", {"dt_ofii": "Paris"})


def test_civic_days_need_a_cir_and_one_presence_per_day(t: Territoire) -> None:
    t.personne()
    t.titre()
    t.rejet("type", "formation_civique_journee", "2024-02-10", "ofii-dt-paris", {"jour": 1, "present": True})
    t.cir()
    t.ok("formation_civique_journee", "2024-02-10", "ofii-dt-paris", {"jour": 1, "present": False})
    t.ok("formation_civique_journee", "2024-02-17", "ofii-dt-paris", {"jour": 1, "present": True})
    t.rejet("data.jour", "formation_civique_journee", "2024-02-24", "ofii-dt-paris", {"jour": 1, "present": True})


# Language --------------------------------------------------------------------------------------------


def test_a_prescription_needs_a_cir(t: Territoire) -> None:
    t.personne()
    t.titre()
    t.positionnement()
    t.rejet("type", "formation_linguistique_prescrite", "2024-02-01", "ofii-dt-paris",
            {"type": "CIR_OBLIGATOIRE", "forfait_h": 100, "niveau_cible": "A1"})


def test_a_compulsory_training_needs_a_positioning_below_a1(t: Territoire) -> None:
    t.personne()
    t.titre()
    t.cir()
    donnees = {"type": "CIR_OBLIGATOIRE", "forfait_h": 200, "niveau_cible": "A1"}
    t.rejet("data.type", "formation_linguistique_prescrite", "2024-02-01", "ofii-dt-paris", donnees)
    t.positionnement(oral="A1", ecrit="A1")
    t.rejet("data.type", "formation_linguistique_prescrite", "2024-02-01", "ofii-dt-paris", donnees)
    t.positionnement(oral="INFRA_A1", ecrit="A2", jour="2024-02-02")
    t.ok("formation_linguistique_prescrite", "2024-02-02", "ofii-dt-paris", donnees)


def test_a_language_waiver_and_a_compulsory_training_exclude_each_other(signataire: Territoire) -> None:
    signataire.ok("dispense_formation_linguistique", "2024-02-01", "ofii-dt-paris", {"motif": "DIPLOME_OU_CERTIFICATION"})
    signataire.rejet("data.type", "formation_linguistique_prescrite", "2024-02-01", "ofii-dt-paris",
                     {"type": "CIR_OBLIGATOIRE", "forfait_h": 100, "niveau_cible": "A1"})
    autre = Territoire()
    autre.personne()
    autre.titre()
    autre.positionnement()
    autre.cir()
    autre.prescription()
    autre.rejet("type", "dispense_formation_linguistique", "2024-02-02", "ofii-dt-paris", {"motif": "NIVEAU_ATTEINT_AU_TEST"})


def test_600_hours_without_non_reader_flag_is_accepted_and_flagged(signataire: Territoire) -> None:
    resultat = signataire.prescription(forfait=600)
    assert [d["code"] for d in resultat.drapeaux] == ["FORFAIT_600_SANS_NLNS"]


def test_hours_need_a_training_in_progress_and_stay_within_the_forfait_plus_10_percent(signataire: Territoire) -> None:
    signataire.rejet("type", "formation_linguistique_heures", "2024-03-31", "langues-75",
                     {"periode_debut": "2024-03-01", "periode_fin": "2024-03-30", "heures_planifiees": 50, "heures_realisees": 40})
    signataire.prescription(forfait=100)
    signataire.heures(60)
    signataire.rejet("data.heures_realisees", "formation_linguistique_heures", "2024-04-30", "langues-75",
                     {"periode_debut": "2024-04-01", "periode_fin": "2024-04-29", "heures_planifiees": 60, "heures_realisees": 50.5})
    signataire.heures(50, jour="2024-04-30")  # 110 h = 100 h + 10 %
    signataire.ok("formation_linguistique_terminee", "2024-05-02", "langues-75", {"motif": "FORFAIT_REALISE"})
    signataire.rejet("type", "formation_linguistique_heures", "2024-05-31", "langues-75",
                     {"periode_debut": "2024-05-01", "periode_fin": "2024-05-30", "heures_planifiees": 1, "heures_realisees": 0})


def test_an_evaluation_needs_a_prescription(signataire: Territoire) -> None:
    evaluation = {"type": "INTERMEDIAIRE", "niveau_oral": "A1", "niveau_ecrit": "A1"}
    signataire.rejet("type", "evaluation_linguistique", "2024-03-15", "langues-75", evaluation)
    signataire.prescription()
    signataire.ok("evaluation_linguistique", "2024-03-15", "langues-75", evaluation)


def test_early_closure_needs_an_evaluation_at_the_target(signataire: Territoire) -> None:
    signataire.prescription()
    signataire.ok("evaluation_linguistique", "2024-03-15", "langues-75", {"type": "INTERMEDIAIRE", "niveau_oral": "A1", "niveau_ecrit": "INFRA_A1"})
    anticipee = {"motif": "NIVEAU_CIBLE_ATTEINT_ANTICIPE"}
    signataire.rejet("data.motif", "formation_linguistique_terminee", "2024-03-20", "langues-75", anticipee)
    signataire.ok("evaluation_linguistique", "2024-04-15", "langues-75", {"type": "INTERMEDIAIRE", "niveau_oral": "A2", "niveau_ecrit": "A1"})
    signataire.ok("formation_linguistique_terminee", "2024-04-16", "langues-75", anticipee)
    signataire.rejet("type", "formation_linguistique_terminee", "2024-04-17", "langues-75", {"motif": "FORFAIT_REALISE"})


def test_the_end_of_cir_interview_needs_a_cir(t: Territoire) -> None:
    t.personne()
    t.titre()
    t.rejet("type", "entretien_fin_cir", "2024-06-01", "ofii-dt-paris", {"situation_pro": "RECHERCHE_EMPLOI"})
    t.cir()
    t.ok("entretien_fin_cir", "2024-06-01", "ofii-dt-paris", {"situation_pro": "RECHERCHE_EMPLOI"})


# Orientations ------------------------------------------------------------------------------------------


def test_an_spe_orientation_is_made_by_ofii_to_an_spe_operator(signataire: Territoire) -> None:
    orientation = {"vers": "france-travail-75", "motif_choix": "DEFAUT"}
    signataire.rejet("operateur", "orientation_spe", "2024-06-01", "asso-75", orientation)
    signataire.rejet("data.vers", "orientation_spe", "2024-06-01", "ofii-dt-paris", {"vers": "agir-75", "motif_choix": "DEFAUT"})
    signataire.ok("orientation_spe", "2024-06-01", "ofii-dt-paris", orientation)


def test_under_26_the_mission_locale_is_the_default_unless_a_motive_says_otherwise(t: Territoire) -> None:
    t.personne(naissance="2000-01-01")
    t.titre()
    t.cir()
    t.rejet("data.motif_choix", "orientation_spe", "2024-06-01", "ofii-dt-paris", {"vers": "france-travail-75", "motif_choix": "DEFAUT"})
    t.ok("orientation_spe", "2024-06-01", "ofii-dt-paris", {"vers": "france-travail-75", "motif_choix": "RQTH"})
    t.ok("orientation_spe", "2024-06-02", "ofii-dt-paris", {"vers": "mission-locale-paris", "motif_choix": "AGE_MOINS_26"})


def test_age_moins_26_is_refused_from_26(signataire: Territoire) -> None:
    signataire.rejet("data.motif_choix", "orientation_spe", "2024-06-01", "ofii-dt-paris",
                     {"vers": "mission-locale-paris", "motif_choix": "AGE_MOINS_26"})


def test_an_orientation_and_an_express_waiver_exclude_each_other_for_one_cir(signataire: Territoire) -> None:
    waiver = {"demande_expresse": True, "motif": "EN_EMPLOI"}
    signataire.rejet("data.demande_expresse", "dispense_orientation_spe", "2024-06-01", "ofii-dt-paris", dict(waiver, demande_expresse=False))
    signataire.ok("dispense_orientation_spe", "2024-06-01", "ofii-dt-paris", waiver)
    signataire.rejet("type", "orientation_spe", "2024-06-02", "ofii-dt-paris", {"vers": "france-travail-75", "motif_choix": "DEFAUT"})
    autre = Territoire()
    autre.personne()
    autre.titre()
    autre.cir()
    autre.ok("orientation_spe", "2024-06-01", "ofii-dt-paris", {"vers": "france-travail-75", "motif_choix": "DEFAUT"})
    autre.rejet("type", "dispense_orientation_spe", "2024-06-02", "ofii-dt-paris", waiver)


def test_only_the_receiving_operator_answers_an_orientation_once_and_a_refusal_needs_a_motive(signataire: Territoire) -> None:
    orientation_id = str(uuid4())
    signataire.ok("orientation_spe", "2024-06-01", "ofii-dt-paris", {"vers": "france-travail-75", "motif_choix": "DEFAUT"}, step_id=orientation_id)
    signataire.rejet("data.orientation_step_id", "orientation_acceptee", "2024-06-05", "france-travail-75", {"orientation_step_id": str(uuid4())})
    signataire.rejet("operateur", "orientation_acceptee", "2024-06-05", "mission-locale-paris", {"orientation_step_id": orientation_id})
    signataire.rejet("data.motif", "orientation_refusee", "2024-06-05", "france-travail-75", {"orientation_step_id": orientation_id})
    signataire.ok("orientation_acceptee", "2024-06-05", "france-travail-75", {"orientation_step_id": orientation_id})
    signataire.rejet("data.orientation_step_id", "orientation_refusee", "2024-06-06", "france-travail-75",
                     {"orientation_step_id": orientation_id, "motif": "trop tard"})


# AGIR ---------------------------------------------------------------------------------------------------


@pytest.fixture
def refugiee(t: Territoire) -> Territoire:
    t.personne()
    t.ok("protection_accordee", "2023-11-20", "ofii-dt-paris", {"type": "REFUGIE", "decision_date": "2023-11-20", "organe": "OFPRA"})
    t.titre(motif="HUMANITAIRE", sous_motif="REFUGIE")
    t.cir()
    return t


def test_agir_needs_a_cir_and_protection_of_this_year_or_last_or_a_prefect_waiver(t: Territoire) -> None:
    t.personne()
    t.ok("protection_accordee", "2022-05-02", "ofii-dt-paris", {"type": "REFUGIE", "decision_date": "2022-05-02", "organe": "OFPRA"})
    t.titre(motif="HUMANITAIRE", sous_motif="REFUGIE")
    t.rejet("type", "orientation_agir", "2024-01-20", "ofii-dt-paris", {"vers": "agir-75"})  # no CIR yet
    t.cir()
    t.rejet("type", "orientation_agir", "2024-02-01", "ofii-dt-paris", {"vers": "agir-75"})  # protected in 2022
    t.rejet("data.vers", "orientation_agir", "2024-02-01", "ofii-dt-paris", {"vers": "france-travail-75", "derogation_prefet": True})
    t.ok("orientation_agir", "2024-02-01", "ofii-dt-paris", {"vers": "agir-75", "derogation_prefet": True})


def test_agir_accepts_a_protection_decided_the_year_before(refugiee: Territoire) -> None:
    refugiee.ok("orientation_agir", "2024-02-01", "ofii-dt-paris", {"vers": "agir-75"})


def test_agir_entry_is_by_an_agir_operator_after_an_orientation_with_one_open_episode(refugiee: Territoire) -> None:
    volets = {"volets": ["DROITS", "LOGEMENT"]}
    refugiee.rejet("type", "agir_entree", "2024-02-10", "agir-75", volets)
    refugiee.ok("orientation_agir", "2024-02-01", "ofii-dt-paris", {"vers": "agir-75"})
    refugiee.rejet("operateur", "agir_entree", "2024-02-10", "asso-75", volets)
    refugiee.ok("agir_entree", "2024-02-10", "agir-75", volets)
    refugiee.rejet("type", "agir_entree", "2024-03-10", "agir-75", volets)


def test_agir_objectives_reached_need_durable_housing_and_durable_work_at_exit(refugiee: Territoire) -> None:
    refugiee.ok("orientation_agir", "2024-02-01", "ofii-dt-paris", {"vers": "agir-75"})
    refugiee.ok("agir_entree", "2024-02-10", "agir-75", {"volets": ["DROITS", "LOGEMENT", "EMPLOI_FORMATION"]})
    atteints = {"motif": "OBJECTIFS_ATTEINTS"}
    refugiee.ok("situation_logement", "2024-02-10", "agir-75", {"situation": "DNA"})
    refugiee.rejet("data.motif", "agir_sortie", "2025-01-15", "agir-75", atteints)
    refugiee.ok("situation_logement", "2024-10-01", "logement-75", {"situation": "LOCATAIRE_PARC_SOCIAL"})
    refugiee.rejet("data.motif", "agir_sortie", "2025-01-15", "agir-75", atteints)
    # A CDD of exactly 6 months − 1 day is durable (CONTRACT §4).
    refugiee.ok("contrat_travail_debute", "2024-12-01", "agir-75", {"type_contrat": "CDD", "date_debut": "2024-12-01", "date_fin_prevue": "2025-05-31"})
    refugiee.ok("agir_sortie", "2025-01-15", "agir-75", atteints)


def test_a_fixed_term_contract_one_day_short_of_six_months_is_not_durable(refugiee: Territoire) -> None:
    refugiee.ok("orientation_agir", "2024-02-01", "ofii-dt-paris", {"vers": "agir-75"})
    refugiee.ok("agir_entree", "2024-02-10", "agir-75", {"volets": ["EMPLOI_FORMATION"]})
    refugiee.ok("situation_logement", "2024-10-01", "logement-75", {"situation": "LOCATAIRE_PARC_PRIVE"})
    refugiee.ok("contrat_travail_debute", "2024-12-01", "agir-75", {"type_contrat": "CDD", "date_debut": "2024-12-01", "date_fin_prevue": "2025-05-30"})
    refugiee.rejet("data.motif", "agir_sortie", "2025-01-15", "agir-75", {"motif": "OBJECTIFS_ATTEINTS"})
    refugiee.ok("agir_sortie", "2025-01-15", "agir-75", {"motif": "DUREE_MAX"})


# Employment support -----------------------------------------------------------------------------------


def test_one_open_episode_per_operator(signataire: Territoire) -> None:
    programme = {"programme": "ACCOMPAGNEMENT_FT"}
    signataire.ok("accompagnement_emploi_debute", "2024-06-10", "france-travail-75", programme)
    signataire.rejet("type", "accompagnement_emploi_debute", "2024-07-10", "france-travail-75", programme)
    signataire.ok("accompagnement_emploi_debute", "2024-07-10", "asso-75", {"programme": "ACTION_BOP104"})


def test_an_exit_closes_the_operators_open_episode_and_not_before_its_entry(signataire: Territoire) -> None:
    sortie = {"categorie": "EMPLOI_CDI"}
    signataire.rejet("type", "sortie_accompagnement", "2024-06-10", "france-travail-75", sortie)
    signataire.ok("accompagnement_emploi_debute", "2024-06-10", "france-travail-75", {"programme": "ACCOMPAGNEMENT_FT"})
    signataire.rejet("occurred_on", "sortie_accompagnement", "2024-06-09", "france-travail-75", sortie)
    signataire.rejet("type", "sortie_accompagnement", "2024-08-01", "mission-locale-paris", sortie)
    signataire.ok("sortie_accompagnement", "2024-06-10", "france-travail-75", sortie)
    signataire.rejet("type", "sortie_accompagnement", "2024-08-01", "france-travail-75", sortie)


def _sortie(t: Territoire, jour: str) -> str:
    sortie_id = str(uuid4())
    t.ok("accompagnement_emploi_debute", "2024-03-01", "france-travail-75", {"programme": "ACCOMPAGNEMENT_FT"})
    t.ok("sortie_accompagnement", jour, "france-travail-75", {"categorie": "RECHERCHE_EMPLOI"}, step_id=sortie_id)
    return sortie_id


def test_the_six_month_follow_up_is_due_six_calendar_months_later_with_month_end_clamping(signataire: Territoire) -> None:
    sortie_id = _sortie(signataire, "2024-08-31")  # due 28/02/2025: window 13/02/2025 – 14/04/2025
    suivi = {"sortie_step_id": sortie_id, "repondant": False}
    signataire.rejet("occurred_on", "suivi_six_mois", "2025-02-12", "france-travail-75", suivi)
    signataire.rejet("occurred_on", "suivi_six_mois", "2025-04-15", "france-travail-75", suivi)
    signataire.rejet("data.sortie_step_id", "suivi_six_mois", "2025-02-13", "france-travail-75", dict(suivi, sortie_step_id=str(uuid4())))
    signataire.rejet("data.categorie", "suivi_six_mois", "2025-02-13", "france-travail-75", dict(suivi, repondant=True))
    signataire.ok("suivi_six_mois", "2025-02-13", "france-travail-75", suivi)
    signataire.rejet("data.sortie_step_id", "suivi_six_mois", "2025-04-14", "france-travail-75", suivi)


def test_a_note_is_recorded_with_its_visibility(signataire: Territoire) -> None:
    signataire.ok("note", "2024-05-01", "asso-75", {"texte": "Cherche un logement près de l'école.", "visibilite": "OPERATEUR"})


# Idempotency, corrections, voids ---------------------------------------------------------------------


def test_the_same_step_again_is_a_duplicate_and_records_nothing(signataire: Territoire) -> None:
    etape = signataire.etape("situation_logement", "2024-05-01", "logement-75", {"situation": "DNA"})
    assert signataire.app.enregistrer_etape(lire_etape(etape)).statut == "acceptee"
    position = signataire.app.recorder.max_notification_id()
    assert signataire.app.enregistrer_etape(lire_etape(etape)).statut == "doublon"
    assert signataire.app.recorder.max_notification_id() == position


def test_the_same_step_id_with_another_content_is_rejected(signataire: Territoire) -> None:
    etape = signataire.etape("situation_logement", "2024-05-01", "logement-75", {"situation": "DNA"})
    signataire.app.enregistrer_etape(lire_etape(etape))
    with pytest.raises(StepIdReutiliseError):
        signataire.app.enregistrer_etape(lire_etape(dict(etape, data={"situation": "CPH"})))


def _historique(t: Territoire) -> Any:
    return t.app.personne(t.app.trouver_par_numero(NUMERO)).historique


def test_a_corrected_step_is_read_with_its_new_values_and_the_original_is_kept(signataire: Territoire) -> None:
    cible = str(uuid4())
    signataire.ok("situation_logement", "2024-05-01", "logement-75", {"situation": "DNA"}, step_id=cible)
    signataire.ok("evenement_corrige", "2024-05-03", "logement-75", {"cible_step_id": cible, "champs": {"situation": "CPH"}, "motif": "erreur"})
    etape = _historique(signataire).etape(UUID(cible))
    assert etape.get("situation").value == "CPH" and etape.donnees_initiales["situation"].value == "DNA"


def test_corrected_fields_are_checked_with_the_corrected_steps_schema(signataire: Territoire) -> None:
    cible = str(uuid4())
    signataire.ok("situation_logement", "2024-05-01", "logement-75", {"situation": "DNA"}, step_id=cible)
    signataire.rejet("data.champs.situation", "evenement_corrige", "2024-05-03", "logement-75",
                     {"cible_step_id": cible, "champs": {"situation": "CHATEAU"}, "motif": "erreur"})
    signataire.rejet("data.champs.inconnu", "evenement_corrige", "2024-05-03", "logement-75",
                     {"cible_step_id": cible, "champs": {"inconnu": 1}, "motif": "erreur"})


def test_a_correction_that_would_break_its_target_is_rejected(t: Territoire) -> None:
    t.personne(naissance="2007-06-01")
    t.titre()
    cir = str(uuid4())
    t.ok("cir_signe", "2024-02-01", "ofii-dt-paris", {"dt_ofii": "Paris", "representant_legal": "Fatima Karimi"}, step_id=cir)
    t.rejet("data.champs", "evenement_corrige", "2024-02-02", "ofii-dt-paris",
            {"cible_step_id": cir, "champs": {"representant_legal": None}, "motif": "oubli"})


def test_a_voided_step_counts_nowhere_and_its_dependants_are_flagged(signataire: Territoire) -> None:
    prescription = str(uuid4())
    signataire.ok("formation_linguistique_prescrite", "2024-02-01", "ofii-dt-paris",
                  {"type": "CIR_OBLIGATOIRE", "forfait_h": 100, "niveau_cible": "A1"}, step_id=prescription)
    heures = signataire.heures(40)
    annulation = signataire.ok("evenement_annule", "2024-04-05", "ofii-dt-paris", {"cible_step_id": prescription, "motif": "prescrite par erreur"})
    historique = _historique(signataire)
    assert historique.etape(UUID(prescription)) is None
    dependante = signataire.app.personne(annulation.parcours_id).etapes[heures.step_id]
    assert [d["code"] for d in dependante.drapeaux] == ["A_REVERIFIER"]
    signataire.rejet("type", "formation_linguistique_heures", "2024-04-30", "langues-75",
                     {"periode_debut": "2024-04-01", "periode_fin": "2024-04-29", "heures_planifiees": 10, "heures_realisees": 5})


def test_voiding_a_correction_restores_the_original_values(signataire: Territoire) -> None:
    cible, correction = str(uuid4()), str(uuid4())
    signataire.ok("situation_logement", "2024-05-01", "logement-75", {"situation": "DNA"}, step_id=cible)
    signataire.ok("evenement_corrige", "2024-05-03", "logement-75", {"cible_step_id": cible, "champs": {"situation": "CPH"}, "motif": "x"}, step_id=correction)
    signataire.ok("evenement_annule", "2024-05-04", "logement-75", {"cible_step_id": correction, "motif": "la correction était fausse"})
    assert _historique(signataire).etape(UUID(cible)).get("situation").value == "DNA"


def test_the_registration_and_a_void_cannot_be_voided(signataire: Territoire) -> None:
    inscription = signataire.app.personne(signataire.app.trouver_par_numero(NUMERO)).historique.identite.step_id
    signataire.rejet("data.cible_step_id", "evenement_annule", "2024-05-04", "ofii-dt-paris", {"cible_step_id": str(inscription), "motif": "x"})
    note, annulation = str(uuid4()), str(uuid4())
    signataire.ok("note", "2024-05-01", "asso-75", {"texte": "a", "visibilite": "PARTAGEE"}, step_id=note)
    signataire.ok("evenement_annule", "2024-05-02", "asso-75", {"cible_step_id": note, "motif": "x"}, step_id=annulation)
    signataire.rejet("data.cible_step_id", "evenement_annule", "2024-05-03", "asso-75", {"cible_step_id": annulation, "motif": "x"})


def test_every_event_records_operator_agent_business_date_and_recording_time(signataire: Territoire) -> None:
    commande = replace(lire_etape(signataire.etape("situation_logement", "2024-05-01", "logement-75", {"situation": "DNA"})),
                       enregistre_le=datetime(2024, 5, 2, 9, tzinfo=timezone.utc))
    resultat = signataire.app.enregistrer_etape(commande)
    etape = signataire.app.personne(resultat.parcours_id).etapes[resultat.step_id]
    assert (etape.operateur, etape.agent, etape.occurred_on) == ("logement-75", "a.martin", date(2024, 5, 1))
    assert etape.enregistre_le == datetime(2024, 5, 2, 9, tzinfo=timezone.utc)

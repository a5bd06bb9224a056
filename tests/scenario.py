"""A small pathway scenario in CONTRACT §3 format that uses every step type, shared by the tests."""

from __future__ import annotations

from typing import Any

from tests import etapes
from tests.etapes import sid

__all__ = ["NUMERO_AMINA", "OPERATEURS", "PARCOURS_BILAL", "etape", "scenario", "sid"]

OPERATEURS = [
    ("ofii-dt-paris", "OFII", "75", "OFII — direction territoriale de Paris"),
    ("prefecture-75", "PREFECTURE", "75", "Préfecture de police de Paris"),
    ("france-travail-75", "FRANCE_TRAVAIL", "75", "France Travail Paris"),
    ("mission-locale-paris", "MISSION_LOCALE", "75", "Mission locale de Paris"),
    ("agir-75", "AGIR", "75", "AGIR Paris"),
    ("langues-75", "ORGANISME_FORMATION", "75", "Organisme de formation linguistique"),
    ("logement-75", "LOGEMENT", "75", "Opérateur logement"),
    ("asso-75", "ASSOCIATION", "75", "Association d'accompagnement"),
]

NUMERO_AMINA = "7501234567"
PARCOURS_BILAL = "2b0f3c1e-8d5a-4c7e-9f10-3a4b5c6d7e8f"


def etape(nom: str, type_: str, jour: str, operateur: str, data: dict[str, Any], personne: dict[str, Any] | None) -> dict[str, Any]:
    """A step of a scenario, whose step_id is stable per `nom` (`sid(nom)`) so that later steps can name it."""
    return etapes.etape(type_, jour, operateur, data, personne, step_id=sid(nom))


def scenario() -> list[dict[str, Any]]:
    """Amina, refugee, goes through the whole pathway; Bilal, 20, declines his orientation."""
    a = {"numero_etranger": NUMERO_AMINA}
    b = {"parcours_id": PARCOURS_BILAL}
    return [
        etape("a-enregistree", "personne_enregistree", "2023-09-01", "ofii-dt-paris",
              {"nom": "Haidari", "prenom": "Amina", "date_naissance": "1993-04-12", "sexe": "F",
               "nationalite": "AFG", "departement": "75", "numero_etranger": NUMERO_AMINA, "menage": "menage-haidari"}, None),
        etape("a-protection", "protection_accordee", "2023-09-01", "ofii-dt-paris",
              {"type": "REFUGIE", "decision_date": "2023-08-20", "organe": "OFPRA"}, a),
        etape("a-titre", "titre_sejour_delivre", "2023-09-05", "prefecture-75",
              {"motif": "HUMANITAIRE", "sous_motif": "REFUGIE", "type_titre": "CARTE_RESIDENT",
               "valid_from": "2023-09-05", "valid_to": "2033-09-04", "premier_titre": True}, a),
        etape("a-positionnement", "positionnement_linguistique", "2023-10-02", "ofii-dt-paris",
              {"niveau_oral": "INFRA_A1", "niveau_ecrit": "INFRA_A1", "non_lecteur_non_scripteur": False}, a),
        etape("a-cir", "cir_signe", "2023-10-02", "ofii-dt-paris", {"dt_ofii": "Paris"}, a),
        *[etape(f"a-civique-{j}", "formation_civique_journee", f"2023-10-{10 + j:02d}", "ofii-dt-paris",
                {"jour": j, "present": True}, a) for j in (1, 2, 3, 4)],
        etape("a-prescription", "formation_linguistique_prescrite", "2023-10-02", "ofii-dt-paris",
              {"type": "CIR_OBLIGATOIRE", "forfait_h": 200, "niveau_cible": "A1"}, a),
        etape("a-heures-1", "formation_linguistique_heures", "2023-12-01", "langues-75",
              {"periode_debut": "2023-11-01", "periode_fin": "2023-11-30", "heures_planifiees": 80, "heures_realisees": 72}, a),
        etape("a-heures-2", "formation_linguistique_heures", "2024-01-02", "langues-75",
              {"periode_debut": "2023-12-01", "periode_fin": "2023-12-31", "heures_planifiees": 60, "heures_realisees": 50}, a),
        etape("a-evaluation", "evaluation_linguistique", "2024-01-10", "langues-75",
              {"type": "INTERMEDIAIRE", "niveau_oral": "A1", "niveau_ecrit": "A1", "score": 61}, a),
        etape("a-fin-formation", "formation_linguistique_terminee", "2024-01-12", "langues-75",
              {"motif": "NIVEAU_CIBLE_ATTEINT_ANTICIPE"}, a),
        etape("a-orientation-agir", "orientation_agir", "2023-10-02", "ofii-dt-paris", {"vers": "agir-75"}, a),
        etape("a-agir-acceptee", "orientation_acceptee", "2023-10-09", "agir-75",
              {"orientation_step_id": sid("a-orientation-agir")}, a),
        etape("a-agir-accueil", "agir_accueil", "2023-10-12", "agir-75",
              {"diagnostic": ["DROITS", "LOGEMENT", "EMPLOI_FORMATION"], "situation_logement": "DNA",
               "situation_pro": "RECHERCHE_EMPLOI"}, a),
        etape("a-agir-entree", "agir_entree", "2023-10-20", "agir-75", {"volets": ["DROITS", "LOGEMENT", "EMPLOI_FORMATION"]}, a),
        etape("a-logement-1", "situation_logement", "2023-10-20", "agir-75", {"situation": "DNA"}, a),
        etape("a-entretien", "entretien_fin_cir", "2024-03-01", "ofii-dt-paris", {"situation_pro": "RECHERCHE_EMPLOI"}, a),
        etape("a-orientation-spe", "orientation_spe", "2024-03-01", "ofii-dt-paris",
              {"vers": "france-travail-75", "motif_choix": "DEFAUT"}, a),
        etape("a-spe-acceptee", "orientation_acceptee", "2024-03-15", "france-travail-75",
              {"orientation_step_id": sid("a-orientation-spe")}, a),
        etape("a-spe-inscription", "inscription_spe", "2024-03-18", "france-travail-75", {"identifiant_spe": "4512378B"}, a),
        etape("a-spe-rdv", "premier_rendez_vous_spe", "2024-03-20", "france-travail-75", {"date_rdv": "2024-03-20", "honore": True}, a),
        etape("a-spe-diagnostic", "diagnostic_approfondi", "2024-03-20", "france-travail-75",
              {"freins": ["LANGUE", "RECONNAISSANCE_DIPLOMES"]}, a),
        etape("a-reconnaissance", "reconnaissance_qualifications", "2024-04-02", "asso-75",
              {"demarche": "COMPARABILITE_DIPLOME", "statut": "DEPOSEE"}, a),
        etape("a-accompagnement", "accompagnement_emploi_debute", "2024-03-20", "france-travail-75",
              {"programme": "ACCOMPAGNEMENT_FT"}, a),
        etape("a-formation-pro", "entree_formation", "2024-05-02", "france-travail-75",
              {"type": "QUALIFIANTE", "date_debut": "2024-05-02", "date_fin_prevue": "2024-09-30"}, a),
        etape("a-contrat", "contrat_travail_debute", "2024-10-01", "france-travail-75",
              {"type_contrat": "CDD", "date_debut": "2024-10-01", "date_fin_prevue": "2025-03-31"}, a),
        etape("a-sortie", "sortie_accompagnement", "2024-10-31", "france-travail-75", {"categorie": "EMPLOI_DURABLE_6M_PLUS"}, a),
        etape("a-logement-2", "situation_logement", "2024-11-15", "logement-75", {"situation": "LOCATAIRE_PARC_SOCIAL"}, a),
        etape("a-volet-logement", "agir_volet_cloture", "2024-11-25", "agir-75", {"volet": "LOGEMENT", "resultat": "ATTEINT"}, a),
        etape("a-agir-sortie", "agir_sortie", "2024-12-02", "agir-75", {"motif": "OBJECTIFS_ATTEINTS"}, a),
        etape("a-orientation-agir-2", "orientation_agir", "2024-12-10", "ofii-dt-paris", {"vers": "agir-75"}, a),
        etape("a-agir-refus", "agir_refus", "2024-12-20", "agir-75", {"motif": "REFUS_PERSONNE"}, a),
        etape("a-suivi", "suivi_six_mois", "2025-05-02", "france-travail-75",
              {"sortie_step_id": sid("a-sortie"), "repondant": True, "categorie": "EMPLOI_CDI"}, a),
        etape("a-note", "note", "2024-03-15", "france-travail-75",
              {"texte": "Souhaite travailler dans la restauration.", "visibilite": "OPERATEUR"}, a),
        etape("a-correction", "evenement_corrige", "2024-11-20", "logement-75",
              {"cible_step_id": sid("a-logement-2"), "champs": {"situation": "LOCATAIRE_PARC_PRIVE"},
               "motif": "Bail signé dans le parc privé, pas social."}, a),
        etape("a-note-2", "note", "2024-03-16", "france-travail-75", {"texte": "Doublon de la note", "visibilite": "PARTAGEE"}, a),
        etape("a-annulation", "evenement_annule", "2024-03-17", "france-travail-75",
              {"cible_step_id": sid("a-note-2"), "motif": "Saisie en double."}, a),
        etape("b-enregistre", "personne_enregistree", "2024-02-01", "ofii-dt-paris",
              {"nom": "Mansouri", "prenom": "Bilal", "date_naissance": "2004-01-15", "sexe": "M",
               "nationalite": "DZA", "departement": "75"}, b),
        etape("b-titre", "titre_sejour_delivre", "2024-02-01", "prefecture-75",
              {"motif": "FAMILIAL", "sous_motif": "CONJOINT_DE_FRANCAIS", "type_titre": "VLS_TS",
               "valid_from": "2024-02-01", "premier_titre": True}, b),
        etape("b-positionnement", "positionnement_linguistique", "2024-03-04", "ofii-dt-paris",
              {"niveau_oral": "A2", "niveau_ecrit": "A1", "non_lecteur_non_scripteur": False}, b),
        etape("b-cir", "cir_signe", "2024-03-04", "ofii-dt-paris", {"dt_ofii": "Paris"}, b),
        etape("b-dispense-formation", "dispense_formation_linguistique", "2024-03-04", "ofii-dt-paris",
              {"motif": "NIVEAU_ATTEINT_AU_TEST"}, b),
        etape("b-entretien", "entretien_fin_cir", "2024-06-03", "ofii-dt-paris", {"situation_pro": "RECHERCHE_EMPLOI"}, b),
        etape("b-orientation", "orientation_spe", "2024-06-03", "ofii-dt-paris",
              {"vers": "mission-locale-paris", "motif_choix": "AGE_MOINS_26"}, b),
        etape("b-refus", "orientation_refusee", "2024-06-20", "mission-locale-paris",
              {"orientation_step_id": sid("b-orientation"), "motif": "La personne a déjà un emploi."}, b),
        etape("b-dispense-orientation", "dispense_orientation_spe", "2024-06-25", "ofii-dt-paris",
              {"demande_expresse": True, "motif": "EN_EMPLOI"}, b),
    ]

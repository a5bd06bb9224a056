"""The input syntax (`web.saisie.schemas`): one schema per step type, French messages keyed by the field at fault."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

import pytest

from parcours.commandes import EnregistrerEtape, ReferencePersonne
from parcours.erreurs import EtapeRejeteeError
from parcours.vocabulaire import NiveauLangue, SituationLogement, TypeEtape
from web.saisie.schemas import (
    SCHEMAS_DONNEES,
    EtapeInvalideError,
    lire_etape,
    valider_champs_corriges,
)

EXEMPLES: dict[TypeEtape, dict[str, Any]] = {
    TypeEtape.PERSONNE_ENREGISTREE: {"nom": "Karimi", "prenom": "Sara", "date_naissance": "1990-03-10", "sexe": "F",
                                     "nationalite": "AFG", "departement": "2A", "numero_etranger": "7501112223", "menage": "m-1"},
    TypeEtape.TITRE_SEJOUR_DELIVRE: {"motif": "HUMANITAIRE", "sous_motif": "REFUGIE", "type_titre": "CARTE_RESIDENT",
                                     "valid_from": "2024-01-05", "valid_to": "2034-01-04", "premier_titre": True},
    TypeEtape.PROTECTION_ACCORDEE: {"type": "PROTECTION_SUBSIDIAIRE", "decision_date": "2023-11-20", "organe": "CNDA"},
    TypeEtape.CIR_SIGNE: {"dt_ofii": "Paris", "representant_legal": "Fatima Karimi"},
    TypeEtape.POSITIONNEMENT_LINGUISTIQUE: {"niveau_oral": "INFRA_A1", "niveau_ecrit": "B1_ET_PLUS", "non_lecteur_non_scripteur": False},
    TypeEtape.FORMATION_CIVIQUE_JOURNEE: {"jour": 4, "present": True},
    TypeEtape.FORMATION_LINGUISTIQUE_PRESCRITE: {"type": "COMPLEMENTAIRE_B1", "forfait_h": 400, "niveau_cible": "B1"},
    TypeEtape.DISPENSE_FORMATION_LINGUISTIQUE: {"motif": "NIVEAU_ATTEINT_AU_TEST"},
    TypeEtape.FORMATION_LINGUISTIQUE_HEURES: {"periode_debut": "2024-03-01", "periode_fin": "2024-03-31",
                                              "heures_planifiees": 40, "heures_realisees": 37.5},
    TypeEtape.EVALUATION_LINGUISTIQUE: {"type": "FINALE", "niveau_oral": "A2", "niveau_ecrit": "A1", "score": 61.5},
    TypeEtape.FORMATION_LINGUISTIQUE_TERMINEE: {"motif": "DEMENAGEMENT"},
    TypeEtape.ENTRETIEN_FIN_CIR: {"situation_pro": "INACTIF"},
    TypeEtape.ORIENTATION_SPE: {"vers": "cap-emploi-75", "motif_choix": "RQTH"},
    TypeEtape.DISPENSE_ORIENTATION_SPE: {"demande_expresse": True, "motif": "NE_RECHERCHE_PAS"},
    TypeEtape.ORIENTATION_ACCEPTEE: {"orientation_step_id": str(uuid4())},
    TypeEtape.ORIENTATION_REFUSEE: {"orientation_step_id": str(uuid4()), "motif": "hors secteur"},
    TypeEtape.ORIENTATION_AGIR: {"vers": "agir-75", "derogation_prefet": False},
    TypeEtape.AGIR_ENTREE: {"volets": ["DROITS", "LOGEMENT", "EMPLOI_FORMATION"]},
    TypeEtape.AGIR_SORTIE: {"motif": "PERDU_DE_VUE"},
    TypeEtape.AGIR_ACCUEIL: {"diagnostic": ["DROITS", "LOGEMENT"], "situation_logement": "CPH", "situation_pro": "RECHERCHE_EMPLOI"},
    TypeEtape.AGIR_REFUS: {"motif": "INJOIGNABLE"},
    TypeEtape.AGIR_VOLET_CLOTURE: {"volet": "LOGEMENT", "resultat": "ATTEINT"},
    TypeEtape.INSCRIPTION_SPE: {"identifiant_spe": "1234567A"},
    TypeEtape.PREMIER_RENDEZ_VOUS_SPE: {"date_rdv": "2024-03-01", "honore": True},
    TypeEtape.DIAGNOSTIC_APPROFONDI: {"freins": ["LANGUE", "GARDE_ENFANTS", "RECONNAISSANCE_DIPLOMES"]},
    TypeEtape.RECONNAISSANCE_QUALIFICATIONS: {"demarche": "COMPARABILITE_DIPLOME", "statut": "DEPOSEE"},
    TypeEtape.ACCOMPAGNEMENT_EMPLOI_DEBUTE: {"programme": "PACEA"},
    TypeEtape.CONTRAT_TRAVAIL_DEBUTE: {"type_contrat": "APPRENTISSAGE", "date_debut": "2024-09-01", "date_fin_prevue": None},
    TypeEtape.ENTREE_FORMATION: {"type": "FLE_A_VISEE_PRO", "date_debut": "2024-09-01", "date_fin_prevue": "2025-01-31"},
    TypeEtape.SORTIE_ACCOMPAGNEMENT: {"categorie": "TRANSFERT"},
    TypeEtape.SUIVI_SIX_MOIS: {"sortie_step_id": str(uuid4()), "repondant": True, "categorie": "EMPLOI_MOINS_6M"},
    TypeEtape.SITUATION_LOGEMENT: {"situation": "IML_MANDAT_GESTION"},
    TypeEtape.EVENEMENT_CORRIGE: {"cible_step_id": str(uuid4()), "champs": {"situation": "CPH"}, "motif": "erreur"},
    TypeEtape.EVENEMENT_ANNULE: {"cible_step_id": str(uuid4()), "motif": "doublon"},
    TypeEtape.NOTE: {"texte": "Rendez-vous CAF le 12.", "visibilite": "PARTAGEE"},
    TypeEtape.ACTION_DECLAREE: {"intitule": "Français pour tous", "annee": 2024, "thematiques": ["FRANCAIS", "VALEURS_REPUBLIQUE"],
                                "departements": ["75", "93"], "objectif_beneficiaires": 40, "objectif_acteurs": None,
                                "themes_valeurs": ["LAICITE", "AUTRES"], "themes_autres": "vie associative"},
    TypeEtape.ACTION_BUDGET: {"cout_total": 52000.5, "subvention_p104": 30000},
    TypeEtape.BENEFICIAIRE_INSCRIT: {"heures_prevues": 120, "niveau_oral_debut": "A1", "niveau_ecrit_debut": "INFRA_A1",
                                     "situation_logement_debut": "CPH"},
    TypeEtape.BENEFICIAIRE_SORTI_ACTION: {"niveau_oral_fin": "A2", "niveau_ecrit_fin": "A1", "motif": "PARCOURS_TERMINE"},
    TypeEtape.SEANCE_TENUE: {"duree_h": 2.5, "thematique": "FRANCAIS", "public": "BENEFICIAIRES",
                             "presents": [{"numero_etranger": "7501112223"}, {"parcours_id": str(uuid4())}]},
    TypeEtape.OUTIL_DECRIT: {"pour": "ACTEURS", "description": "Guide de l'accueil"},
    TypeEtape.OUTIL_NUMERIQUE_PRETE: {"outil": "TABLETTE"},
    TypeEtape.CONSULTATION_MEDICALE: {},
    TypeEtape.BINOME_CONSTITUE: {"binome_ref": "B-12"},
    TypeEtape.EVENEMENT_TENU: {"nature": "CULTUREL", "intitule": "Musée", "presents": [{"numero_etranger": "7501112223"}]},
}
ETAPES_SUR_ACTION = {TypeEtape.ACTION_DECLAREE, TypeEtape.ACTION_BUDGET, TypeEtape.SEANCE_TENUE, TypeEtape.OUTIL_DECRIT,
                     TypeEtape.EVENEMENT_TENU}
ETAPES_DE_BENEFICIAIRE = {TypeEtape.BENEFICIAIRE_INSCRIT, TypeEtape.BENEFICIAIRE_SORTI_ACTION, TypeEtape.OUTIL_NUMERIQUE_PRETE,
                          TypeEtape.CONSULTATION_MEDICALE, TypeEtape.BINOME_CONSTITUE}


def exemple(etape, type_etape: TypeEtape, data: dict[str, Any]) -> dict[str, Any]:  # noqa: ANN001
    """A well-formed envelope of that type: steps of a funded action name it, those on the action name no person."""
    brut = etape(type_etape.value, "2024-03-04", "ofii-dt-paris", data)
    if type_etape in ETAPES_SUR_ACTION | ETAPES_DE_BENEFICIAIRE:
        brut["action"] = "fta-paris-fle-2024"
    if type_etape in ETAPES_SUR_ACTION:
        del brut["personne"]
    return brut


def invalide(etape, **changement: Any) -> EtapeInvalideError:
    """The step with these keys replaced (None removes one) must be refused by the syntax."""
    brut = etape("formation_civique_journee", "2024-03-04", "ofii-dt-paris", {"jour": 1, "present": True})
    for cle, valeur in changement.items():
        if valeur is None:
            del brut[cle]
        else:
            brut[cle] = valeur
    with pytest.raises(EtapeInvalideError) as erreur:
        lire_etape(brut)
    assert isinstance(erreur.value, EtapeRejeteeError)
    return erreur.value


# Every step type -------------------------------------------------------------------------------------


def test_every_step_type_has_a_schema_and_an_example_here() -> None:
    assert set(SCHEMAS_DONNEES) == set(TypeEtape) == set(EXEMPLES)


@pytest.mark.parametrize("type_etape", list(TypeEtape), ids=lambda t: t.value)
def test_every_step_type_reads_a_well_formed_step(etape, type_etape: TypeEtape) -> None:
    commande = lire_etape(exemple(etape, type_etape, EXEMPLES[type_etape]))
    assert isinstance(commande, EnregistrerEtape)
    assert commande.type is type_etape and commande.occurred_on == date(2024, 3, 4)
    assert set(commande.donnees) <= set(EXEMPLES[type_etape])


@pytest.mark.parametrize("type_etape", list(TypeEtape), ids=lambda t: t.value)
def test_every_step_type_refuses_an_unknown_data_field(etape, type_etape: TypeEtape) -> None:
    with pytest.raises(EtapeInvalideError) as erreur:
        lire_etape(exemple(etape, type_etape, dict(EXEMPLES[type_etape], commentaire_libre="x")))
    assert erreur.value.erreurs == {"data.commentaire_libre": ["Champ inconnu."]}


def test_the_envelope_becomes_the_domain_command(etape) -> None:
    step_id = str(uuid4())
    commande = lire_etape(etape("situation_logement", "2024-03-04", "logement-75", {"situation": "CPH"}, step_id=step_id))
    assert commande.step_id == UUID(step_id) and commande.operateur == "logement-75" and commande.agent == "a.martin"
    assert commande.personne == ReferencePersonne(numero_etranger="7501112223")
    assert commande.donnees == {"situation": SituationLogement.CPH}


def test_values_are_loaded_as_domain_types(etape) -> None:
    commande = lire_etape(etape("positionnement_linguistique", "2024-03-04", "ofii-dt-paris",
                                {"niveau_oral": "A1", "niveau_ecrit": "INFRA_A1", "non_lecteur_non_scripteur": "false"}))
    assert commande.donnees == {"niveau_oral": NiveauLangue.A1, "niveau_ecrit": NiveauLangue.INFRA_A1,
                                "non_lecteur_non_scripteur": False}


def test_a_registration_may_omit_personne(etape) -> None:
    brut = etape("personne_enregistree", "2024-01-05", "ofii-dt-paris", EXEMPLES[TypeEtape.PERSONNE_ENREGISTREE], personne=None)
    assert lire_etape(brut).personne is None


# Rejections, in French, keyed by the field ----------------------------------------------------------------


def test_an_unknown_field_is_rejected(etape) -> None:
    erreur = invalide(etape, data={"jour": 1, "present": True, "salle": "B"})
    assert (erreur.champ, erreur.erreurs) == ("data.salle", {"data.salle": ["Champ inconnu."]})
    assert invalide(etape, commentaire="x").erreurs == {"commentaire": ["Champ inconnu."]}
    assert invalide(etape, personne={"numero_etranger": "7501112223", "nom": "Karimi"}).erreurs == {
        "personne.nom": ["Champ inconnu."]
    }


def test_an_unknown_type_is_rejected(etape) -> None:
    erreur = invalide(etape, type="cir_resilie")
    assert (erreur.champ, erreur.message) == ("type", "Type d'étape inconnu.")


def test_a_bad_enum_value_is_rejected_with_the_allowed_values(etape) -> None:
    erreur = invalide(etape, type="situation_logement", data={"situation": "HOTEL"})
    assert erreur.champ == "data.situation"
    assert erreur.message.startswith("Valeur inconnue : choisir parmi SANS_ABRI, HEBERGEMENT_URGENCE")
    assert invalide(etape, type="cir_signe", data={"dt_ofii": "Paris"}, operateur="OFII").champ == "operateur"


def test_a_bad_date_is_rejected(etape) -> None:
    for mauvaise in ("2024-02-30", "04/03/2024", "hier"):
        erreur = invalide(etape, occurred_on=mauvaise)
        assert (erreur.champ, erreur.message) == ("occurred_on", "Date attendue au format AAAA-MM-JJ.")
    erreur = invalide(etape, type="contrat_travail_debute", data={"type_contrat": "CDI", "date_debut": "2024-13-01"})
    assert erreur.erreurs == {"data.date_debut": ["Date attendue au format AAAA-MM-JJ."]}


def test_a_civic_day_is_between_1_and_4(etape) -> None:
    erreur = invalide(etape, data={"jour": 5, "present": True})
    assert (erreur.champ, erreur.message) == ("data.jour", "Jour de 1 à 4.")
    assert invalide(etape, data={"jour": "lundi", "present": True}).erreurs == {"data.jour": ["Nombre entier attendu."]}


def test_a_missing_required_field_is_named(etape) -> None:
    assert invalide(etape, data={"present": True}).erreurs == {"data.jour": ["Ce champ est obligatoire."]}
    assert invalide(etape, data=None).erreurs == {"data": ["Ce champ est obligatoire."]}
    assert invalide(etape, type="orientation_refusee", data={"orientation_step_id": str(uuid4())}).erreurs == {
        "data.motif": ["Ce champ est obligatoire."]
    }


def test_every_faulty_field_is_named_at_once(etape) -> None:
    erreur = invalide(etape, occurred_on="2024-02-30", data={"jour": 9, "present": "peut-être"})
    assert erreur.erreurs == {
        "occurred_on": ["Date attendue au format AAAA-MM-JJ."],
        "data.jour": ["Jour de 1 à 4."],
        "data.present": ["Booléen attendu (true ou false)."],
    }
    assert erreur.message.endswith("(et 2 autres champs)")
    assert erreur.detail().startswith("occurred_on : Date attendue")


def test_the_person_is_named_by_a_10_digit_numero_or_a_parcours_id(etape) -> None:
    assert invalide(etape, personne={"numero_etranger": "75011122"}).erreurs == {
        "personne.numero_etranger": ["Le numéro étranger compte 10 chiffres."]
    }
    assert invalide(etape, personne={}).champ == "personne.numero_etranger"
    assert invalide(etape, personne={"parcours_id": "pas-un-uuid"}).erreurs == {
        "personne.parcours_id": ["Identifiant (UUID) invalide."]
    }


def test_a_step_id_is_a_uuid(etape) -> None:
    assert invalide(etape, step_id="ligne-12").erreurs == {"step_id": ["Identifiant (UUID) invalide."]}
    assert invalide(etape, step_id=None).erreurs == {"step_id": ["Ce champ est obligatoire."]}


def test_the_sub_motif_belongs_to_the_motif(etape) -> None:
    titre = dict(EXEMPLES[TypeEtape.TITRE_SEJOUR_DELIVRE], motif="ETUDIANT", sous_motif="SALARIE")
    erreur = invalide(etape, type="titre_sejour_delivre", data=titre)
    assert (erreur.champ, erreur.message) == ("data.sous_motif", "Sous-motif inconnu pour ETUDIANT : choisir parmi AUTRE.")
    for motif in ("FAMILIAL", "ECONOMIQUE", "HUMANITAIRE", "ETUDIANT", "DIVERS"):
        lire_etape(etape("titre_sejour_delivre", "2024-01-05", "prefecture-75", dict(titre, motif=motif, sous_motif="AUTRE")))


def test_a_forfait_is_100_200_400_or_600_hours(etape) -> None:
    prescription = EXEMPLES[TypeEtape.FORMATION_LINGUISTIQUE_PRESCRITE]
    erreur = invalide(etape, type="formation_linguistique_prescrite", data=dict(prescription, forfait_h=300))
    assert (erreur.champ, erreur.message) == ("data.forfait_h", "Forfait de 100, 200, 400 ou 600 heures.")


def test_agir_strands_are_listed_once_each(etape) -> None:
    erreur = invalide(etape, type="agir_entree", data={"volets": ["DROITS", "DROITS"]})
    assert (erreur.champ, erreur.message) == ("data.volets", "Chaque volet une seule fois.")
    assert invalide(etape, type="agir_entree", data={"volets": []}).champ == "data.volets"


def test_a_nationality_is_an_iso_alpha_3_code_and_a_departement_a_french_one(etape) -> None:
    identite = EXEMPLES[TypeEtape.PERSONNE_ENREGISTREE]
    assert invalide(etape, type="personne_enregistree", data=dict(identite, nationalite="AF")).champ == "data.nationalite"
    assert invalide(etape, type="personne_enregistree", data=dict(identite, departement="99")).champ == "data.departement"


def test_data_must_be_an_object(etape) -> None:
    assert invalide(etape, data=["jour", 1]).erreurs == {"data": ["Objet JSON attendu."]}


# Corrected fields -----------------------------------------------------------------------------------------


def test_corrected_fields_are_read_partially_with_the_target_types_schema() -> None:
    assert valider_champs_corriges(TypeEtape.SITUATION_LOGEMENT, {"situation": "CPH"}) == {"situation": SituationLogement.CPH}
    assert valider_champs_corriges(TypeEtape.CONTRAT_TRAVAIL_DEBUTE, {"date_fin_prevue": "2025-01-31"}) == {
        "date_fin_prevue": date(2025, 1, 31)
    }


def test_bad_corrected_fields_are_keyed_under_data_champs() -> None:
    with pytest.raises(EtapeInvalideError) as erreur:
        valider_champs_corriges(TypeEtape.FORMATION_CIVIQUE_JOURNEE, {"jour": 0, "salle": "B"})
    assert erreur.value.erreurs == {"data.champs.jour": ["Jour de 1 à 4."], "data.champs.salle": ["Champ inconnu."]}

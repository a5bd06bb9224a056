"""Funded actions (CONTRACT §8) end to end on SQLite and PostgreSQL: recorded, projected, counted by hand.

Two actions in Paris in 2025. « fta-paris-fle-2025 » (French, values, housing, employment) has Sara
(inscribed in January, exits in June having progressed), Bilal (BPI, 21, inscribed in December 2024),
Chloé (exited in November 2024: not a 2025 beneficiary) and David; Sara, Bilal and David are one
household. « asso-75-numerique-2025 » (digital, health, mentoring, sport and culture, actors) has Sara
again and Emma. Every figure below is counted by hand in the comments.
"""

from __future__ import annotations

import contextlib
import io
from datetime import date
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa

from parcours.commandes import EnregistrerOperateur
from parcours.erreurs import EtapeRejeteeError
from parcours.index import NumeroEtranger
from parcours.vocabulaire import TypeOperateur
from projections import tables
from projections.evaluation_annuelle import SANS_OBJET, Action, ActionInconnueError, evaluer, feuilles
from projections.document import calculer
from projections.indicateurs import Demande
from projections.tableurs import ecrire
from tests import etapes
from tests.conftest import copie_sur_chaque_base, enregistrer_operateurs
from web.config import construire_parcours, construire_services
from web.saisie.schemas import lire_etape

FLE, NUM = "fta-paris-fle-2025", "asso-75-numerique-2025"
SARA, BILAL, CHLOE, DAVID, EMMA = "7500000001", "7500000002", "7500000003", "7500000004", "7500000005"


class Territoire:
    def __init__(self, services: Any) -> None:
        self.services = services
        self.parcours = services.parcours

    def ok(self, type_: str, jour: str, operateur: str, data: dict[str, Any], numero: str | None = None,
           action: str | None = None) -> Any:
        brut = etapes.etape(type_, jour, operateur, data, etapes.qui(numero) if numero else None, action=action)
        return self.parcours.enregistrer_etape(lire_etape(brut))

    def personne(self, numero: str, sexe: str, naissance: str, menage: str | None = None, bpi: bool = False) -> None:
        self.ok("personne_enregistree", "2024-01-05", "ofii-dt-paris",
                {"nom": "N", "prenom": "P", "date_naissance": naissance, "sexe": sexe, "nationalite": "AFG",
                 "departement": "75", "numero_etranger": numero, "menage": menage})
        if bpi:
            self.ok("protection_accordee", "2024-02-01", "ofii-dt-paris",
                    {"type": "REFUGIE", "decision_date": "2024-02-01", "organe": "OFPRA"}, numero)
        else:
            self.ok("titre_sejour_delivre", "2024-01-05", "prefecture-75",
                    {"motif": "FAMILIAL", "sous_motif": "CONJOINT_DE_FRANCAIS", "type_titre": "VLS_TS",
                     "valid_from": "2024-01-05", "premier_titre": True}, numero)

    def seance(self, action: str, operateur: str, jour: str, duree: float, thematique: str, presents: list[str]) -> Any:
        return self.ok("seance_tenue", jour, operateur, {"duree_h": duree, "thematique": thematique, "public": "BENEFICIAIRES",
                                                         "presents": [{"numero_etranger": n} for n in presents]}, action=action)


def construire(t: Territoire) -> None:
    enregistrer_operateurs(t.parcours)
    t.parcours.enregistrer_operateur(EnregistrerOperateur("fta-paris", TypeOperateur.ASSOCIATION, "75", "FTA Paris"))
    for numero, sexe, naissance, menage, bpi in [(SARA, "F", "1990-03-10", "m-1", False), (BILAL, "M", "2003-06-01", "m-1", True),
                                                 (CHLOE, "F", "1985-01-01", None, False), (DAVID, "M", "1980-01-01", "m-1", False),
                                                 (EMMA, "F", "1995-01-01", None, False)]:
        t.personne(numero, sexe, naissance, menage, bpi)
    t.ok("action_declaree", "2024-01-10", "fta-paris",
         {"intitule": "Français et citoyenneté", "annee": 2025, "thematiques": ["FRANCAIS", "VALEURS_REPUBLIQUE", "LOGEMENT", "EMPLOI"],
          "departements": ["75"], "objectif_beneficiaires": 20, "themes_valeurs": ["LAICITE", "CITOYENNETE"]}, action=FLE)
    t.ok("action_budget", "2025-01-02", "fta-paris", {"cout_total": 10000, "subvention_p104": 8000}, action=FLE)
    t.ok("action_budget", "2025-02-02", "fta-paris", {"cout_total": 12000, "subvention_p104": 9000}, action=FLE)  # the latest counts
    t.ok("beneficiaire_inscrit", "2025-01-10", "fta-paris", {"heures_prevues": 10, "niveau_oral_debut": "A1",
                                                             "niveau_ecrit_debut": "INFRA_A1", "situation_logement_debut": "DNA"}, SARA, FLE)
    t.ok("beneficiaire_inscrit", "2024-12-15", "fta-paris", {"heures_prevues": 10}, BILAL, FLE)  # December of the year before
    t.ok("beneficiaire_inscrit", "2024-03-01", "fta-paris", {"heures_prevues": 10}, CHLOE, FLE)
    t.ok("beneficiaire_sorti_action", "2024-11-30", "fta-paris", {"motif": "ABANDON"}, CHLOE, FLE)  # exit before the year
    t.ok("beneficiaire_inscrit", "2025-02-01", "fta-paris", {"heures_prevues": 10}, DAVID, FLE)
    t.seance(FLE, "fta-paris", "2025-02-03", 6, "FRANCAIS", [SARA, BILAL, DAVID])
    t.seance(FLE, "fta-paris", "2025-02-10", 2, "FRANCAIS", [SARA, BILAL])  # Sara and Bilal: 8 h of 10 = exactly 80 %
    annulee = t.seance(FLE, "fta-paris", "2025-03-01", 3, "FRANCAIS", [DAVID])
    t.ok("evenement_annule", "2025-03-02", "fta-paris", {"cible_step_id": str(annulee.step_id), "motif": "doublon"}, action=FLE)
    valeurs = t.seance(FLE, "fta-paris", "2025-03-05", 1.5, "VALEURS_REPUBLIQUE", [SARA])
    t.ok("evenement_corrige", "2025-03-06", "fta-paris",
         {"cible_step_id": str(valeurs.step_id), "champs": {"duree_h": 2.5}, "motif": "durée réelle"}, action=FLE)
    t.ok("outil_decrit", "2025-03-05", "fta-paris", {"pour": "BENEFICIAIRES", "description": "Jeu de l'oie de la laïcité"}, action=FLE)
    t.ok("beneficiaire_sorti_action", "2025-06-01", "fta-paris",
         {"motif": "PARCOURS_TERMINE", "niveau_oral_fin": "A2", "niveau_ecrit_fin": "A1"}, SARA, FLE)  # INFRA_A1 → A1: progressed
    # Housing: Sara DNA (at inscription) → social housing; Bilal DNA → social housing; David's first situation is no access.
    t.ok("situation_logement", "2025-05-01", "fta-paris", {"situation": "LOCATAIRE_PARC_SOCIAL"}, SARA, FLE)
    t.ok("situation_logement", "2025-01-05", "logement-75", {"situation": "DNA"}, BILAL)
    t.ok("situation_logement", "2025-05-01", "logement-75", {"situation": "LOCATAIRE_PARC_SOCIAL"}, BILAL)
    t.ok("situation_logement", "2025-05-01", "logement-75", {"situation": "LOCATAIRE_PARC_SOCIAL"}, DAVID)
    # Employment: David's ACTION_BOP104 episode, 2025-02-01 → 2025-04-15 (73 days = 2.4 months), CDI.
    t.ok("accompagnement_emploi_debute", "2025-02-01", "fta-paris", {"programme": "ACTION_BOP104"}, DAVID, FLE)
    t.ok("contrat_travail_debute", "2025-04-01", "fta-paris", {"type_contrat": "CDI", "date_debut": "2025-04-01"}, DAVID, FLE)
    t.ok("sortie_accompagnement", "2025-04-15", "fta-paris", {"categorie": "EMPLOI_CDI"}, DAVID, FLE)

    t.ok("action_declaree", "2025-01-05", "asso-75",
         {"intitule": "Numérique, santé, mentorat", "annee": 2025,
          "thematiques": ["NUMERIQUE", "SANTE", "MENTORAT", "SPORT_CULTURE", "FORMATION_ACTEURS"],
          "departements": ["75"], "objectif_beneficiaires": 5, "objectif_acteurs": 10}, action=NUM)
    t.ok("action_budget", "2025-01-05", "asso-75", {"cout_total": 5000, "subvention_p104": 5000}, action=NUM)
    for numero in (SARA, EMMA):
        t.ok("beneficiaire_inscrit", "2025-03-01", "asso-75", {}, numero, NUM)
    t.ok("outil_numerique_prete", "2025-03-02", "asso-75", {"outil": "TABLETTE"}, EMMA, NUM)
    t.ok("consultation_medicale", "2025-03-03", "asso-75", {}, SARA, NUM)
    t.ok("binome_constitue", "2025-03-04", "asso-75", {"binome_ref": "B1"}, EMMA, NUM)
    t.seance(NUM, "asso-75", "2025-03-10", 3, "NUMERIQUE", [SARA, EMMA])
    # 6 hours of training for 12 actors = 6 hours.
    t.ok("seance_tenue", "2025-03-11", "asso-75", {"duree_h": 6, "thematique": "FORMATION_ACTEURS", "public": "ACTEURS",
                                                   "acteurs_presents": 12, "acteurs_nouveaux": 12}, action=NUM)
    t.ok("outil_decrit", "2025-03-11", "asso-75", {"pour": "ACTEURS", "description": "Guide de l'accueil"}, action=NUM)
    t.ok("evenement_tenu", "2025-04-01", "asso-75", {"nature": "CULTUREL", "intitule": "Musée", "presents": [{"numero_etranger": EMMA}]}, action=NUM)
    t.ok("evenement_tenu", "2025-04-02", "asso-75", {"nature": "SPORTIF", "intitule": "Match annulé", "presents": []}, action=NUM)
    t.services.rattraper()


def actions_de_paris(services: Any) -> None:
    """The two actions above and their people (a template content of `Magasins`: built once per backend and process)."""
    construire(Territoire(services))


reglages_des_actions = copie_sur_chaque_base("reglages_des_actions", actions_de_paris,
                                              "Settings of a store holding the two actions, recorded and projected.")


@pytest.fixture
def territoire(reglages_des_actions):  # noqa: ANN001, ANN201
    services = construire_services(reglages_des_actions)
    yield Territoire(services)
    services.fermer()


def realise(evaluation, libelle: str, rubrique_debut: str | None = None) -> Any:  # noqa: ANN001
    lignes = [ligne for ligne in evaluation.lignes if ligne.libelle == libelle
              and (rubrique_debut is None or ligne.rubrique.startswith(rubrique_debut))]
    assert len(lignes) == 1, libelle
    return lignes[0].realise


def test_the_french_action_reads_as_counted_by_hand(territoire: Territoire) -> None:
    e = evaluer(territoire.services.lectures, 2025, Action(action=FLE))
    c = e.chiffres.valeurs
    # 1.1: Sara, Bilal (inscribed in December 2024), David; not Chloé (exited in 2024).
    assert e.chiffres.public == {"total": 3, "hommes": 2, "femmes": 1, "moins_de_25_ans": 1, "bpi": 1, "bpi_hommes": 1,
                                 "bpi_femmes": 0, "bpi_moins_de_25_ans": 1}
    total = next(ligne for ligne in e.lignes if ligne.libelle.startswith("Nombre total d'étrangers"))
    assert (total.objectif, total.realise) == (20, 3)
    # 3.1: 6 + 2 hours (the voided 3 h session counts nowhere); Sara and Bilal at exactly 80 %; Sara progressed.
    assert (c["heures_francais"], c["assidus_francais"], c["progression_francais"]) == (8, 2, 1)
    # 3.3: the 1.5 h session corrected to 2.5 h.
    assert c["heures_valeurs"] == 2.5
    # 3.4: Sara, Bilal and David are one household, counted once.
    assert c["menages_logement_perenne"] == 1
    # 2: the latest budget.
    assert (c["cout_total"], c["subvention_p104"]) == (12000.0, 9000.0)
    # 3.2: David's episode, 73 days, CDI.
    assert e.chiffres.emploi["sorties_positives"] == 1 and e.chiffres.emploi["dont_emploi_durable"] == 1
    assert e.chiffres.emploi["duree_moyenne_mois"] == 2.4
    # Sections of thematics the action does not carry.
    assert realise(e, "Nombre de consultations médicales pour des étrangers éligibles") == SANS_OBJET
    assert realise(e, "Nombre de binômes constitués") == SANS_OBJET
    assert realise(e, "Nombre d'heures de formation dispensées", "3.3") == 2.5
    themes = {ligne.libelle.rsplit(" : ", 1)[-1]: ligne.realise for ligne in e.lignes if ligne.libelle.startswith("Thématique(s)")}
    assert themes["laïcité"] == "☒" and themes["citoyenneté"] == "☒" and themes["parentalité"] == "☐"


def test_the_second_action_and_the_actors_hours_independent_of_participants(territoire: Territoire) -> None:
    e = evaluer(territoire.services.lectures, 2025, Action(action=NUM))
    c = e.chiffres.valeurs
    assert (c["acteurs_formes"], c["heures_acteurs"]) == (12, 6)  # 6 hours for 12 participants = 6
    assert (c["heures_numerique"], c["outils_pretes"], c["consultations"], c["binomes"]) == (3, 1, 1, 1)
    assert (c["evenements_culturels"], c["evenements_sportifs"]) == (1, 0)  # an event nobody attended does not count
    assert realise(e, "Outils créés et/ou mis à disposition des professionnels") == "Guide de l'accueil"
    assert realise(e, "Nombre de participants assidus") == SANS_OBJET
    acteurs = next(ligne for ligne in e.lignes if ligne.libelle.startswith("Nombre d'acteurs"))
    assert (acteurs.objectif, acteurs.realise) == (10, 12)


def test_a_consolidation_counts_a_person_of_two_actions_once(territoire: Territoire) -> None:
    e = evaluer(territoire.services.lectures, 2025, Action(departement="75"))
    c = e.chiffres.valeurs
    assert sorted(e.chiffres.actions) == [NUM, FLE]
    assert c["beneficiaires"] == 4  # Sara (in both), Bilal, David, Emma
    assert c["objectif_beneficiaires"] == 25
    assert (c["cout_total"], c["subvention_p104"]) == (17000.0, 14000.0)
    assert (c["heures_francais"], c["heures_numerique"], c["heures_acteurs"]) == (8, 3, 6)
    national = evaluer(territoire.services.lectures, 2025, Action())
    assert national.chiffres.valeurs == c
    porteur = evaluer(territoire.services.lectures, 2025, Action(operateur="asso-75"))
    assert sorted(porteur.chiffres.actions) == [NUM] and porteur.chiffres.valeurs["beneficiaires"] == 2


def test_the_indicators_carry_the_actions_key(territoire: Territoire) -> None:
    document = calculer(territoire.services.lectures, Demande(date(2025, 1, 1), date(2025, 12, 31)))
    assert document["actions"] == {
        "nombre": 2, "beneficiaires": 4, "heures_francais": 8, "assidus_francais": 2, "progression_francais": 1,
        "heures_valeurs": 2.5, "heures_numerique": 3, "acteurs_formes": 12, "heures_acteurs": 6, "consultations": 1,
        "outils_pretes": 1, "binomes": 1, "evenements_sportifs": 0, "evenements_culturels": 1,
        "menages_logement_perenne": 1, "cout_total": 17000.0, "subvention_p104": 14000.0,
    }
    une = calculer(territoire.services.lectures, Demande(date(2025, 1, 1), date(2025, 12, 31), action=FLE))
    assert une["actions"]["nombre"] == 1 and une["actions"]["beneficiaires"] == 3 and une["filtres"]["action"] == FLE


def test_a_past_report_is_reproduced_from_its_log_position(territoire: Territoire) -> None:
    avant = evaluer(territoire.services.lectures, 2025, Action(action=FLE))
    t = territoire
    t.seance(FLE, "fta-paris", "2025-09-01", 4, "FRANCAIS", [BILAL])
    t.services.rattraper()
    apres = evaluer(t.services.lectures, 2025, Action(action=FLE))
    assert apres.chiffres.valeurs["heures_francais"] == 12
    revu = evaluer(t.services.lectures, 2025, Action(action=FLE), position=avant.position)
    assert revu.chiffres.valeurs == avant.chiffres.valeurs


def test_the_xlsx_has_the_annex_labels_and_its_metadata(territoire: Territoire) -> None:
    e = evaluer(territoire.services.lectures, 2025, Action(action=FLE))
    classeur = openpyxl.load_workbook(io.BytesIO(ecrire(feuilles(e), "xlsx")))
    tableau, meta = classeur.worksheets
    assert [c.value for c in tableau[1]] == ["Rubrique", "Indicateur", "Objectif", "Réalisé", "Précision"]
    assert [c.value for c in tableau[2]][:4] == ["1.1 Pour les actions à destination des éligibles",
                                                 "Nombre total d'étrangers éligibles bénéficiaires de l'action", 20, 3]
    rubriques = [tableau.cell(row=r, column=1).value for r in range(2, tableau.max_row + 1)]
    for rubrique in ("1.2 ", "2. ", "3.1.", "3.2.", "3.3.", "3.4.", "3.5.", "3.6.", "3.7.", "3.8.", "3.9."):
        assert any(r.startswith(rubrique) for r in rubriques), rubrique
    champs = {meta.cell(row=r, column=1).value: meta.cell(row=r, column=2).value for r in range(2, meta.max_row + 1)}
    assert champs["Position du journal"] == e.position and "6 mois" in champs["Seuil de l'emploi durable"]
    assert "Version de Parcours" in champs


def test_an_unknown_action_is_refused_in_french(territoire: Territoire) -> None:
    with pytest.raises(ActionInconnueError, match="action inconnue"):
        evaluer(territoire.services.lectures, 2025, Action(action="inconnue-2025"))


def test_erasing_a_beneficiary_drops_them_from_the_figures(territoire: Territoire) -> None:
    t = territoire
    emma = t.parcours.trouver_par_numero(EMMA)
    t.parcours.effacer_personne(emma, motif="demande de la personne", par="admin")
    t.services.rattraper()
    e = evaluer(t.services.lectures, 2025, Action(action=NUM))
    assert e.chiffres.valeurs["beneficiaires"] == 1 and e.chiffres.valeurs["outils_pretes"] == 0
    assert e.chiffres.valeurs["heures_numerique"] == 3  # the session itself stays: hours do not depend on who came


def test_a_rejected_session_records_nothing(territoire: Territoire) -> None:
    avant = territoire.parcours.recorder.max_notification_id()
    with pytest.raises(EtapeRejeteeError) as erreur:
        territoire.seance(FLE, "fta-paris", "2025-09-01", 2, "FRANCAIS", [EMMA])  # Emma is not in this action
    assert erreur.value.champ == "data.presents.0"
    assert territoire.parcours.recorder.max_notification_id() == avant


def test_a_voided_pair_counts_nowhere_and_its_reference_is_recorded_again(territoire: Territoire) -> None:
    t = territoire
    with t.services.lectures.connect() as connexion:
        binome = connexion.execute(
            sa.select(tables.fait_action.c.step_id).where(tables.fait_action.c.type == "binome_constitue")).scalar_one()
    t.ok("evenement_annule", "2025-03-05", "asso-75", {"cible_step_id": binome, "motif": "binôme jamais réuni"}, EMMA)
    t.services.rattraper()
    assert evaluer(t.services.lectures, 2025, Action(action=NUM)).chiffres.valeurs["binomes"] == 0
    assert t.ok("binome_constitue", "2025-03-06", "asso-75", {"binome_ref": "B1"}, SARA, NUM).statut == "acceptee"
    t.services.rattraper()
    assert evaluer(t.services.lectures, 2025, Action(action=NUM)).chiffres.valeurs["binomes"] == 1


def test_a_pair_corrected_to_another_reference_frees_the_first_and_cannot_take_one_already_formed(territoire: Territoire) -> None:
    t = territoire
    with t.services.lectures.connect() as connexion:
        binome = connexion.execute(
            sa.select(tables.fait_action.c.step_id).where(tables.fait_action.c.type == "binome_constitue")).scalar_one()
    t.ok("binome_constitue", "2025-03-06", "asso-75", {"binome_ref": "B2"}, SARA, NUM)
    with pytest.raises(EtapeRejeteeError) as erreur:
        t.ok("evenement_corrige", "2025-03-07", "asso-75", {"cible_step_id": binome, "champs": {"binome_ref": "B2"}, "motif": "erreur"}, EMMA)
    assert erreur.value.champ == "data.champs.binome_ref" and "« B2 » est déjà constitué" in erreur.value.message
    t.ok("evenement_corrige", "2025-03-07", "asso-75", {"cible_step_id": binome, "champs": {"binome_ref": "B3"}, "motif": "erreur"}, EMMA)
    assert t.ok("binome_constitue", "2025-03-08", "asso-75", {"binome_ref": "B1"}, SARA, NUM).statut == "acceptee"  # B1 is free again
    with pytest.raises(EtapeRejeteeError):
        t.ok("binome_constitue", "2025-03-08", "asso-75", {"binome_ref": "B3"}, SARA, NUM)  # B3 is Emma's pair now
    t.services.rattraper()
    assert evaluer(t.services.lectures, 2025, Action(action=NUM)).chiffres.valeurs["binomes"] == 3


def test_a_roll_call_looks_its_numeros_up_together_and_an_erased_persons_numero_leads_nowhere(territoire: Territoire) -> None:
    t = territoire
    sara, emma = t.parcours.trouver_par_numero(SARA), t.parcours.trouver_par_numero(EMMA)
    assert t.parcours.trouver_par_numeros([SARA, EMMA, "7599999999"]) == {SARA: sara, EMMA: emma}
    t.parcours.effacer_personne(emma, motif="demande de la personne", par="admin")
    assert t.parcours.trouver_par_numeros([SARA, EMMA]) == {SARA: sara}
    with pytest.raises(EtapeRejeteeError) as erreur:
        t.seance(NUM, "asso-75", "2025-09-01", 2, "NUMERIQUE", [SARA, "7599999999"])
    assert erreur.value.champ == "data.presents.1" and "aucune personne n'a le numéro étranger 7599999999" in str(erreur.value)
    # Out of the cache (as in a fresh process), Sara and her numéro's index are rebuilt from their events, read together.
    index_sara = NumeroEtranger.create_id(t.parcours.cle_maitre.empreinte("numero_etranger", SARA))

    def oublier(*identifiants: Any) -> None:
        for identifiant in identifiants:
            with contextlib.suppress(KeyError):
                t.parcours.repository.cache.get(identifiant, evict=True)

    oublier(sara, index_sara)
    assert t.parcours.trouver_par_numeros([SARA]) == {SARA: sara}
    relue = t.parcours.lire_a_jour([sara])[sara]
    assert relue.version == t.parcours.personne(sara).version and relue.identite["numero_etranger"] == SARA
    oublier(sara, index_sara)
    assert t.seance(NUM, "asso-75", "2025-09-02", 2, "NUMERIQUE", [SARA]).statut == "acceptee"


def test_a_roll_call_reads_each_persons_latest_participation_even_recorded_by_another_process(
        territoire: Territoire, reglages_des_actions) -> None:  # noqa: ANN001
    t = territoire
    sara, emma = t.parcours.trouver_par_numero(SARA), t.parcours.trouver_par_numero(EMMA)
    assert t.seance(NUM, "asso-75", "2025-09-01", 2, "NUMERIQUE", [SARA, EMMA]).statut == "acceptee"  # both kept as inscribed
    autre = construire_parcours(reglages_des_actions)
    autre.enregistrer_etape(lire_etape(etapes.etape("beneficiaire_sorti_action", "2025-09-15", "asso-75",
                                                    {"motif": "DEMENAGEMENT"}, etapes.qui(SARA), action=NUM)))
    autre.close()
    with pytest.raises(EtapeRejeteeError) as sortie:
        t.seance(NUM, "asso-75", "2025-10-01", 2, "NUMERIQUE", [EMMA, SARA])
    assert sortie.value.champ == "data.presents.1" and "sortie de l'action « " + NUM + " » le 15/09/2025" in str(sortie.value)
    t.parcours.effacer_personne(emma, motif="demande de la personne", par="admin")
    with pytest.raises(EtapeRejeteeError) as effacee:
        t.ok("seance_tenue", "2025-09-02", "asso-75", {"duree_h": 2, "thematique": "NUMERIQUE", "public": "BENEFICIAIRES",
                                                       "presents": [{"parcours_id": str(sara)}, {"parcours_id": str(emma)}]}, action=NUM)
    assert effacee.value.champ == "data.presents.1" and "inconnue (ou effacée)" in str(effacee.value)

"""The rules of CONTRACT §8 (funded actions), accepted and rejected, on the in-memory store.

Steps arrive as contract dicts through `web.saisie.schemas.lire_etape`; a rejected step must leave the log
exactly as it was, and its French message names the field at fault.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from parcours.action import Action
from parcours.application import Parcours, _Cache
from parcours.chiffrement import nouvelle_cle_maitre
from parcours.commandes import EnregistrerOperateur
from parcours.erreurs import EtapeRejeteeError
from parcours.index import BinomeReference, NumeroEtranger
from parcours.vocabulaire import TypeEtape, TypeOperateur
from tests import etapes
from tests.conftest import enregistrer_operateurs
from web.saisie.schemas import lire_etape, valider_champs_corriges

AUJOURDHUI = datetime(2025, 6, 30, 12, tzinfo=UTC)
ACTION = "fta-paris-fle-2025"


class Terrain:
    """An in-memory Parcours with the scenario's operators, one French + values action of fta-paris."""

    def __init__(self) -> None:
        self.app = Parcours({"PERSISTENCE_MODULE": "eventsourcing.popo"}, cle_maitre=nouvelle_cle_maitre(),
                            horloge=lambda: AUJOURDHUI, valider_champs=valider_champs_corriges)
        enregistrer_operateurs(self.app)
        self.app.enregistrer_operateur(EnregistrerOperateur("fta-paris", TypeOperateur.ASSOCIATION, "75", "France terre d'asile Paris"))

    @staticmethod
    def brut(type_: str, jour: str, operateur: str, data: dict[str, Any], personne: dict[str, Any] | None = None,
             action: str | None = ACTION, step_id: str | None = None) -> dict[str, Any]:
        """`tests.etapes.etape` on this action by default."""
        return etapes.etape(type_, jour, operateur, data, personne, step_id=step_id, action=action)

    def ok(self, *args: Any, **kwargs: Any) -> Any:
        return self.accepter(self.brut(*args, **kwargs))

    def accepter(self, brut: dict[str, Any]) -> Any:
        resultat = self.app.enregistrer_etape(lire_etape(brut))
        assert resultat.statut == "acceptee"
        return resultat

    def rejet(self, champ: str, *args: Any, **kwargs: Any) -> EtapeRejeteeError:
        avant = self.app.recorder.max_notification_id()
        with pytest.raises(EtapeRejeteeError) as erreur:
            self.ok(*args, **kwargs)
        assert erreur.value.champ == champ, f"{erreur.value.champ!r} : {erreur.value}"
        assert self.app.recorder.max_notification_id() == avant, "a rejected step recorded something"
        return erreur.value

    def declarer(self, thematiques: tuple[str, ...] = ("FRANCAIS", "VALEURS_REPUBLIQUE"), action: str = ACTION,
                 operateur: str = "fta-paris") -> Any:
        return self.ok("action_declaree", "2025-01-02", operateur,
                       {"intitule": "Français et citoyenneté", "annee": 2025, "thematiques": list(thematiques),
                        "departements": ["75"], "objectif_beneficiaires": 20}, action=action)

    def personne(self, numero: str, motif: str = "FAMILIAL", titre_le: str = "2024-01-05", protection: bool = False) -> dict[str, str]:
        self.accepter(etapes.enregistrement(numero))
        if motif:
            self.accepter(etapes.titre(numero, jour=titre_le, motif=motif, sous_motif="CONJOINT_DE_FRANCAIS" if motif == "FAMILIAL" else "AUTRE",
                                       type_titre="VLS_TS"))
        if protection:
            self.accepter(etapes.protection(numero, "2024-02-01"))
        return etapes.qui(numero)

    def inscrire(self, moi: dict[str, str], jour: str = "2025-01-10", heures: float | None = 100, **data: Any) -> Any:
        return self.ok("beneficiaire_inscrit", jour, "fta-paris", {"heures_prevues": heures, **data}, personne=moi)

    def seance(self, presents: list[dict[str, str]], jour: str = "2025-02-03", duree: float = 3,
               thematique: str = "FRANCAIS") -> Any:
        return self.ok("seance_tenue", jour, "fta-paris",
                       {"duree_h": duree, "thematique": thematique, "public": "BENEFICIAIRES", "presents": presents})


@pytest.fixture
def terrain() -> Terrain:
    t = Terrain()
    t.declarer()
    return t


# The action and its carrier ---------------------------------------------------------------------------------


def test_une_action_se_declare_une_seule_fois(terrain: Terrain) -> None:
    erreur = terrain.rejet("action", "action_declaree", "2025-01-03", "fta-paris",
                           {"intitule": "Bis", "annee": 2025, "thematiques": ["FRANCAIS"], "departements": ["75"],
                            "objectif_beneficiaires": 1})
    assert "déjà déclarée" in str(erreur)


def test_seul_le_porteur_enregistre_sur_son_action(terrain: Terrain) -> None:
    terrain.ok("action_budget", "2025-01-03", "fta-paris", {"cout_total": 10000, "subvention_p104": 8000})
    erreur = terrain.rejet("operateur", "action_budget", "2025-01-03", "agir-75", {"cout_total": 10000, "subvention_p104": 8000})
    assert "porteur" in str(erreur)
    moi = terrain.personne("7500000001")
    terrain.rejet("operateur", "beneficiaire_inscrit", "2025-01-10", "agir-75", {"heures_prevues": 100}, personne=moi)


def test_une_etape_sur_une_action_inconnue_est_rejetee(terrain: Terrain) -> None:
    terrain.rejet("action", "action_budget", "2025-01-03", "fta-paris", {"cout_total": 1, "subvention_p104": 1},
                  action="inconnue-2025")


def test_la_subvention_ne_depasse_pas_le_cout(terrain: Terrain) -> None:
    erreur = terrain.rejet("data.subvention_p104", "action_budget", "2025-01-03", "fta-paris",
                           {"cout_total": 1000, "subvention_p104": 1000.01})
    assert "coût total" in str(erreur)
    terrain.ok("action_budget", "2025-01-03", "fta-paris", {"cout_total": 1000, "subvention_p104": 1000})


def test_un_montant_a_plus_de_deux_decimales_est_rejete(terrain: Terrain) -> None:
    terrain.rejet("data.cout_total", "action_budget", "2025-01-03", "fta-paris", {"cout_total": 10.001, "subvention_p104": 1})


# Eligibility and inscription ------------------------------------------------------------------------------------


def test_une_personne_au_premier_titre_recent_est_inscrite(terrain: Terrain) -> None:
    moi = terrain.personne("7500000001")
    terrain.inscrire(moi)


def test_une_personne_au_premier_titre_de_plus_de_5_ans_est_refusee_avec_la_raison(terrain: Terrain) -> None:
    moi = terrain.personne("7500000001", titre_le="2019-06-01")
    erreur = terrain.rejet("personne", "beneficiaire_inscrit", "2025-01-10", "fta-paris", {"heures_prevues": 100}, personne=moi)
    assert "non éligible" in str(erreur) and "5 ans" in str(erreur)


def test_un_titre_etudiant_ne_rend_pas_eligible(terrain: Terrain) -> None:
    moi = terrain.personne("7500000001", motif="ETUDIANT")
    erreur = terrain.rejet("personne", "beneficiaire_inscrit", "2025-01-10", "fta-paris", {"heures_prevues": 100}, personne=moi)
    assert "étudiant" in str(erreur)


def test_une_personne_bpi_est_eligible_sans_titre(terrain: Terrain) -> None:
    moi = terrain.personne("7500000001", motif="", protection=True)
    terrain.inscrire(moi)


def test_sans_titre_ni_protection_la_personne_est_refusee(terrain: Terrain) -> None:
    moi = terrain.personne("7500000001", motif="")
    erreur = terrain.rejet("personne", "beneficiaire_inscrit", "2025-01-10", "fta-paris", {"heures_prevues": 100}, personne=moi)
    assert "ni premier titre" in str(erreur)


def test_une_personne_ne_s_inscrit_qu_une_fois_a_une_action(terrain: Terrain) -> None:
    moi = terrain.personne("7500000001")
    terrain.inscrire(moi)
    assert "déjà inscrite" in str(terrain.rejet("action", "beneficiaire_inscrit", "2025-02-10", "fta-paris",
                                                {"heures_prevues": 100}, personne=moi))


def test_les_heures_prevues_sont_obligatoires_pour_une_action_de_francais(terrain: Terrain) -> None:
    moi = terrain.personne("7500000001")
    terrain.rejet("data.heures_prevues", "beneficiaire_inscrit", "2025-01-10", "fta-paris", {}, personne=moi)


def test_une_etape_de_beneficiaire_demande_son_action(terrain: Terrain) -> None:
    moi = terrain.personne("7500000001")
    terrain.rejet("action", "beneficiaire_inscrit", "2025-01-10", "fta-paris", {"heures_prevues": 1}, personne=moi, action=None)


def test_l_inscription_est_chiffree_dans_le_flux_de_la_personne(terrain: Terrain) -> None:
    moi = terrain.personne("7500000001")
    resultat = terrain.inscrire(moi, niveau_oral_debut="A1")
    personne = terrain.app.personne(resultat.parcours_id)
    inscription = personne.etapes[resultat.step_id]
    assert inscription.action == ACTION and inscription.type is TypeEtape.BENEFICIAIRE_INSCRIT
    stocke = terrain.app.recorder.select_events(resultat.parcours_id)[-1]
    assert stocke.topic == "parcours.personne.beneficiaire_inscrit"
    assert b"A1" not in stocke.state and ACTION.encode() not in stocke.state


# Sessions ---------------------------------------------------------------------------------------------------------


def test_une_seance_avec_une_personne_non_inscrite_est_rejetee(terrain: Terrain) -> None:
    inscrite, autre = terrain.personne("7500000001"), terrain.personne("7500000002")
    terrain.inscrire(inscrite)
    erreur = terrain.rejet("data.presents.1", "seance_tenue", "2025-02-03", "fta-paris",
                           {"duree_h": 3, "thematique": "FRANCAIS", "public": "BENEFICIAIRES", "presents": [inscrite, autre]})
    assert "pas inscrite" in str(erreur)
    terrain.seance([inscrite])


def test_une_personne_sortie_avant_la_seance_ne_peut_y_etre_presente(terrain: Terrain) -> None:
    moi = terrain.personne("7500000001")
    terrain.inscrire(moi)
    terrain.ok("beneficiaire_sorti_action", "2025-02-01", "fta-paris", {"motif": "ABANDON"}, personne=moi)
    terrain.seance([moi], jour="2025-02-01")  # the day of the exit still counts
    assert "sortie" in str(terrain.rejet("data.presents.0", "seance_tenue", "2025-02-02", "fta-paris",
                                         {"duree_h": 3, "thematique": "FRANCAIS", "public": "BENEFICIAIRES", "presents": [moi]}))


def test_une_seance_inscrite_avant_la_date_d_inscription_est_rejetee(terrain: Terrain) -> None:
    moi = terrain.personne("7500000001")
    terrain.inscrire(moi, jour="2025-03-01")
    terrain.rejet("data.presents.0", "seance_tenue", "2025-02-03", "fta-paris",
                  {"duree_h": 3, "thematique": "FRANCAIS", "public": "BENEFICIAIRES", "presents": [moi]})


@pytest.mark.parametrize("duree", [0, 13, 2.25, -1])
def test_une_duree_hors_de_0_a_12_h_par_demi_heures_est_rejetee(terrain: Terrain, duree: float) -> None:
    erreur = terrain.rejet("data.duree_h", "seance_tenue", "2025-02-03", "fta-paris",
                           {"duree_h": duree, "thematique": "FRANCAIS", "public": "BENEFICIAIRES", "presents": []})
    assert "12 h" in str(erreur)


@pytest.mark.parametrize("duree", [0.5, 12, 6])
def test_une_duree_de_0_5_a_12_h_est_acceptee(terrain: Terrain, duree: float) -> None:
    terrain.seance([], duree=duree)


def test_une_thematique_que_l_action_ne_porte_pas_est_rejetee(terrain: Terrain) -> None:
    erreur = terrain.rejet("data.thematique", "seance_tenue", "2025-02-03", "fta-paris",
                           {"duree_h": 2, "thematique": "NUMERIQUE", "public": "BENEFICIAIRES", "presents": []})
    assert "NUMERIQUE" in str(erreur)


def test_les_nouveaux_acteurs_ne_depassent_pas_les_presents() -> None:
    t = Terrain()
    t.declarer(thematiques=("FORMATION_ACTEURS",))
    base = {"duree_h": 6, "thematique": "FORMATION_ACTEURS", "public": "ACTEURS"}
    t.rejet("data.acteurs_nouveaux", "seance_tenue", "2025-02-03", "fta-paris", {**base, "acteurs_presents": 12, "acteurs_nouveaux": 13})
    t.ok("seance_tenue", "2025-02-03", "fta-paris", {**base, "acteurs_presents": 12, "acteurs_nouveaux": 12})


def test_une_seance_ne_nomme_pas_de_personne_dans_l_enveloppe(terrain: Terrain) -> None:
    moi = terrain.personne("7500000001")
    terrain.rejet("personne", "seance_tenue", "2025-02-03", "fta-paris",
                  {"duree_h": 2, "thematique": "FRANCAIS", "public": "BENEFICIAIRES", "presents": []}, personne=moi)


def test_l_appel_est_garde_par_identifiant_de_parcours_jamais_par_numero(terrain: Terrain) -> None:
    moi = terrain.personne("7500000001")
    inscription = terrain.inscrire(moi)
    seance = terrain.seance([moi])
    stocke = terrain.app.recorder.select_events(seance.parcours_id)[-1]
    assert stocke.topic == "parcours.action.seance_tenue"
    assert b"7500000001" not in stocke.state and inscription.parcours_id.hex.encode() in stocke.state


def test_la_seance_d_une_action_est_enregistree_sur_le_flux_de_l_action(terrain: Terrain) -> None:
    seance = terrain.seance([])
    action = terrain.app.repository.get(seance.parcours_id)
    assert action.connue.id == ACTION and action.connue.porteur == "fta-paris"


# Person + action steps -----------------------------------------------------------------------------------------


def test_pret_consultation_et_binome_demandent_une_inscription() -> None:
    t = Terrain()
    t.declarer(thematiques=("NUMERIQUE", "SANTE", "MENTORAT"))
    moi = t.personne("7500000001")
    t.rejet("action", "outil_numerique_prete", "2025-02-01", "fta-paris", {"outil": "TABLETTE"}, personne=moi)
    t.rejet("action", "consultation_medicale", "2025-02-01", "fta-paris", {}, personne=moi)
    t.rejet("action", "binome_constitue", "2025-02-01", "fta-paris", {"binome_ref": "B1"}, personne=moi)
    t.ok("beneficiaire_inscrit", "2025-01-10", "fta-paris", {}, personne=moi)
    t.ok("outil_numerique_prete", "2025-02-01", "fta-paris", {"outil": "TABLETTE"}, personne=moi)
    t.ok("consultation_medicale", "2025-02-01", "fta-paris", {}, personne=moi)
    t.ok("binome_constitue", "2025-02-01", "fta-paris", {"binome_ref": "B1"}, personne=moi)


def test_une_consultation_medicale_ne_porte_aucune_donnee_de_sante(terrain: Terrain) -> None:
    moi = terrain.personne("7500000001")
    terrain.inscrire(moi)
    terrain.rejet("data.motif", "consultation_medicale", "2025-02-01", "fta-paris", {"motif": "diabète"}, personne=moi)


def test_une_reference_de_binome_ne_sert_qu_une_fois_par_action() -> None:
    t = Terrain()
    t.declarer(thematiques=("MENTORAT",))
    a, b = t.personne("7500000001"), t.personne("7500000002")
    for moi in (a, b):
        t.ok("beneficiaire_inscrit", "2025-01-10", "fta-paris", {}, personne=moi)
    t.ok("binome_constitue", "2025-02-01", "fta-paris", {"binome_ref": "B1"}, personne=a)
    t.rejet("data.binome_ref", "binome_constitue", "2025-02-01", "fta-paris", {"binome_ref": "B1"}, personne=b)
    t.ok("binome_constitue", "2025-02-01", "fta-paris", {"binome_ref": "B2"}, personne=b)


def test_a_voided_pair_frees_its_reference() -> None:
    t = Terrain()
    t.declarer(thematiques=("MENTORAT",))
    a, b = t.personne("7500000001"), t.personne("7500000002")
    for moi in (a, b):
        t.ok("beneficiaire_inscrit", "2025-01-10", "fta-paris", {}, personne=moi)
    binome = t.ok("binome_constitue", "2025-02-01", "fta-paris", {"binome_ref": "B1"}, personne=a)
    t.rejet("data.binome_ref", "binome_constitue", "2025-02-01", "fta-paris", {"binome_ref": "B1"}, personne=b)
    t.ok("evenement_annule", "2025-02-02", "fta-paris", {"cible_step_id": str(binome.step_id), "motif": "saisie en double"},
         personne=a, action=None)
    repris = t.ok("binome_constitue", "2025-02-03", "fta-paris", {"binome_ref": "B1"}, personne=b)
    # Taken again, the reference is held by the new pair: a third one is refused, the first one's person included.
    t.rejet("data.binome_ref", "binome_constitue", "2025-02-04", "fta-paris", {"binome_ref": "B1"}, personne=a)
    assert t.app.repository.get(BinomeReference.create_id(ACTION, "B1")).step_id == repris.step_id


def test_voiding_another_step_leaves_the_pairs_reference_taken() -> None:
    t = Terrain()
    t.declarer(thematiques=("MENTORAT", "NUMERIQUE"))
    a, b = t.personne("7500000001"), t.personne("7500000002")
    for moi in (a, b):
        t.ok("beneficiaire_inscrit", "2025-01-10", "fta-paris", {}, personne=moi)
    t.ok("binome_constitue", "2025-02-01", "fta-paris", {"binome_ref": "B1"}, personne=a)
    pret = t.ok("outil_numerique_prete", "2025-02-01", "fta-paris", {"outil": "TABLETTE"}, personne=a)
    t.ok("evenement_annule", "2025-02-02", "fta-paris", {"cible_step_id": str(pret.step_id), "motif": "erreur"},
         personne=a, action=None)
    t.rejet("data.binome_ref", "binome_constitue", "2025-02-03", "fta-paris", {"binome_ref": "B1"}, personne=b)


def test_un_evenement_tenu_n_accueille_que_des_inscrits() -> None:
    t = Terrain()
    t.declarer(thematiques=("SPORT_CULTURE",))
    a, b = t.personne("7500000001"), t.personne("7500000002")
    t.ok("beneficiaire_inscrit", "2025-01-10", "fta-paris", {}, personne=a)
    t.rejet("data.presents.1", "evenement_tenu", "2025-03-01", "fta-paris",
            {"nature": "SPORTIF", "intitule": "Match", "presents": [a, b]})
    t.ok("evenement_tenu", "2025-03-01", "fta-paris", {"nature": "SPORTIF", "intitule": "Match", "presents": [a]})


def test_une_sortie_demande_une_inscription_et_n_a_lieu_qu_une_fois(terrain: Terrain) -> None:
    moi = terrain.personne("7500000001")
    terrain.rejet("action", "beneficiaire_sorti_action", "2025-02-01", "fta-paris", {"motif": "ABANDON"}, personne=moi)
    terrain.inscrire(moi)
    terrain.rejet("occurred_on", "beneficiaire_sorti_action", "2025-01-09", "fta-paris", {"motif": "ABANDON"}, personne=moi)
    terrain.ok("beneficiaire_sorti_action", "2025-02-01", "fta-paris",
               {"motif": "PARCOURS_TERMINE", "niveau_oral_fin": "A2", "niveau_ecrit_fin": "A1"}, personne=moi)
    terrain.rejet("action", "beneficiaire_sorti_action", "2025-02-02", "fta-paris", {"motif": "ABANDON"}, personne=moi)


def test_l_emploi_et_le_logement_se_rattachent_a_une_action_du_porteur(terrain: Terrain) -> None:
    moi = terrain.personne("7500000001")
    terrain.inscrire(moi)
    terrain.ok("situation_logement", "2025-02-01", "fta-paris", {"situation": "DNA"}, personne=moi)
    terrain.ok("accompagnement_emploi_debute", "2025-02-01", "fta-paris", {"programme": "ACTION_BOP104"}, personne=moi)
    terrain.rejet("operateur", "situation_logement", "2025-02-02", "logement-75", {"situation": "DNA"}, personne=moi)
    terrain.rejet("action", "situation_logement", "2025-02-02", "fta-paris", {"situation": "DNA"}, personne=moi,
                  action="inconnue-2025")
    terrain.rejet("action", "cir_signe", "2025-02-02", "ofii-dt-paris", {"dt_ofii": "Paris"}, personne=moi)


# Corrections and voids -------------------------------------------------------------------------------------------


def test_une_seance_se_corrige_et_s_annule_sur_l_action(terrain: Terrain) -> None:
    seance = terrain.seance([], duree=3)
    terrain.ok("evenement_corrige", "2025-02-04", "fta-paris",
               {"cible_step_id": str(seance.step_id), "champs": {"duree_h": 4}, "motif": "erreur de saisie"})
    action = terrain.app.repository.get(seance.parcours_id)
    assert action.etapes[seance.step_id].get("duree_h") == 4
    terrain.rejet("data.champs.duree_h", "evenement_corrige", "2025-02-04", "fta-paris",
                  {"cible_step_id": str(seance.step_id), "champs": {"duree_h": 13}, "motif": "erreur"})
    terrain.ok("evenement_annule", "2025-02-05", "fta-paris", {"cible_step_id": str(seance.step_id), "motif": "doublon"})
    action = terrain.app.repository.get(seance.parcours_id)
    assert action.etapes[seance.step_id].annulee


def test_une_correction_vers_une_thematique_non_portee_est_rejetee(terrain: Terrain) -> None:
    seance = terrain.seance([])
    terrain.rejet("data.champs", "evenement_corrige", "2025-02-04", "fta-paris",
                  {"cible_step_id": str(seance.step_id), "champs": {"thematique": "SANTE"}, "motif": "x"})


def test_une_inscription_annulee_libere_la_personne(terrain: Terrain) -> None:
    moi = terrain.personne("7500000001")
    inscription = terrain.inscrire(moi)
    terrain.ok("evenement_annule", "2025-01-11", "fta-paris", {"cible_step_id": str(inscription.step_id), "motif": "erreur"},
               personne=moi, action=None)
    terrain.inscrire(moi, jour="2025-01-12")


def test_un_step_id_rejoue_sur_une_action_est_un_doublon(terrain: Terrain) -> None:
    brut = terrain.brut("outil_decrit", "2025-02-01", "fta-paris", {"pour": "BENEFICIAIRES", "description": "Livret"})
    assert terrain.app.enregistrer_etape(lire_etape(brut)).statut == "acceptee"
    assert terrain.app.enregistrer_etape(lire_etape(brut)).statut == "doublon"


def test_an_actions_id_never_passes_for_a_persons(terrain: Terrain) -> None:
    seance = terrain.seance([])
    terrain.rejet("personne.parcours_id", "situation_logement", "2025-02-04", "fta-paris", {"situation": "DNA"},
                  personne={"parcours_id": str(seance.parcours_id)}, action=None)
    terrain.rejet("data.presents.0", "seance_tenue", "2025-02-05", "fta-paris",
                  {"duree_h": 2, "thematique": "FRANCAIS", "public": "BENEFICIAIRES", "presents": [{"parcours_id": str(seance.parcours_id)}]})


def test_the_copy_a_command_changes_leaves_the_cached_action_as_it_was(terrain: Terrain) -> None:
    moi = terrain.personne("7500000001")
    terrain.inscrire(moi)
    seance = terrain.seance([moi])
    cachee = terrain.app.repository.get(seance.parcours_id, deepcopy_from_cache=False)
    copie = copy.deepcopy(cachee)
    assert copie.etapes == cachee.etapes and copie.version == cachee.version
    terrain.ok("evenement_corrige", "2025-02-04", "fta-paris",
               {"cible_step_id": str(seance.step_id), "champs": {"duree_h": 4}, "motif": "durée réelle"})
    terrain.ok("evenement_annule", "2025-02-05", "fta-paris", {"cible_step_id": str(seance.step_id), "motif": "doublon"})
    # The commands worked on their own copies: the one taken before them is untouched, and so is every copy's roll call.
    etape = copie.etapes[seance.step_id]
    assert (etape.get("duree_h"), etape.corrections, etape.annulee) == (3, [], False)
    assert terrain.app.repository.get(seance.parcours_id).etapes[seance.step_id].annulee


def test_funded_actions_and_numeros_keep_their_own_room_in_the_cache_however_many_people_are_read() -> None:
    """A year's sessions of every action come in date order between steps on hundreds of people, each roll call
    naming its people by numéro: in one LRU the people pushed each action and index entry out before its next
    session, and every session rebuilt them."""
    terrain = Terrain()
    cache = terrain.app.repository.cache = _Cache(maxsize=2, a_part={Action: 2, NumeroEtranger: 10})

    def en_cache(identifiant: Any) -> bool:
        try:
            cache.get(identifiant)
        except KeyError:
            return False
        return True

    terrain.declarer()
    terrain.inscrire(terrain.personne("7500000000"))  # reads the action
    parcours_id = terrain.app.trouver_par_numero("7500000000")  # reads the index entry
    index = NumeroEtranger.create_id(terrain.app.cle_maitre.empreinte("numero_etranger", "7500000000"))
    for rang in range(1, 5):
        terrain.personne(f"75000000{rang:02d}")
    assert not en_cache(parcours_id)
    assert en_cache(Action.create_id(ACTION)) and en_cache(index)

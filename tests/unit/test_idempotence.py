"""`step_id` is the idempotency key (CONTRACT §3): the same content again is a duplicate, other content is rejected."""

from __future__ import annotations

from uuid import uuid4

import pytest

from parcours.erreurs import StepIdReutiliseError
from parcours.vocabulaire import TypeEtape
from web.saisie.schemas import lire_etape

LOGEMENT = {"situation": "DNA"}


def test_the_same_step_again_is_a_duplicate_and_records_nothing(signataire) -> None:
    brut = signataire.etape("situation_logement", "2024-05-01", "logement-75", LOGEMENT)
    premier = signataire.envoyer(brut)
    assert premier.statut == "acceptee" and premier.position is not None
    avant = signataire.etat()
    encore = signataire.envoyer(brut)
    assert (encore.statut, encore.step_id, encore.parcours_id) == ("doublon", premier.step_id, premier.parcours_id)
    assert encore.position is None
    assert signataire.etat() == avant
    assert len(signataire.historique().de_type(signataire.tenue(premier.step_id).type)) == 1


def test_a_duplicate_is_recognised_whatever_the_order_of_the_keys(signataire) -> None:
    brut = signataire.etape("contrat_travail_debute", "2024-06-01", "fta-paris",
                            {"type_contrat": "CDD", "date_debut": "2024-06-01", "date_fin_prevue": "2024-12-31"})
    signataire.envoyer(brut)
    avant = signataire.etat()
    melange = dict(reversed(list(brut.items())), data=dict(reversed(list(brut["data"].items()))))
    assert signataire.envoyer(melange).statut == "doublon"
    assert signataire.etat() == avant


def test_a_registration_sent_again_is_a_duplicate_not_a_numero_conflict(banc) -> None:
    brut = banc.etape("personne_enregistree", "2024-01-05", "ofii-dt-paris",
                      {"nom": "Karimi", "prenom": "Sara", "date_naissance": "1990-03-10", "sexe": "F",
                       "nationalite": "AFG", "departement": "75", "numero_etranger": banc.NUMERO}, personne=None)
    premier = banc.envoyer(brut)
    avant = banc.etat()
    encore = banc.envoyer(brut)
    assert (encore.statut, encore.parcours_id) == ("doublon", premier.parcours_id)
    assert banc.etat() == avant


def test_a_duplicate_is_answered_even_when_the_rules_would_now_reject_the_step(signataire) -> None:
    """A CIR sent again while it is open is the same CIR, not a second open one."""
    brut = signataire.etape("cir_signe", "2024-02-01", "ofii-dt-paris", {"dt_ofii": "Paris"},
                            step_id=str(signataire.historique().derniere(TypeEtape.CIR_SIGNE).step_id))
    avant = signataire.etat()
    assert signataire.envoyer(brut).statut == "doublon"
    assert signataire.etat() == avant
    signataire.rejet_brut("type", dict(brut, step_id=str(uuid4())))  # a new step_id: a second open CIR


@pytest.mark.parametrize(
    "changement",
    [
        {"data": {"situation": "CPH"}},
        {"occurred_on": "2024-05-02"},
        {"operateur": "fta-paris"},
        {"agent": "b.durand"},
        {"type": "note", "data": {"texte": "DNA", "visibilite": "PARTAGEE"}},
    ],
    ids=["data", "occurred_on", "operateur", "agent", "type"],
)
def test_the_same_step_id_with_another_content_is_rejected(signataire, changement) -> None:
    brut = signataire.etape("situation_logement", "2024-05-01", "logement-75", LOGEMENT)
    signataire.envoyer(brut)
    erreur = signataire.rejet_brut("step_id", dict(brut, **changement))
    assert isinstance(erreur, StepIdReutiliseError)
    assert "déjà été enregistré" in erreur.message


def test_the_same_step_id_for_another_person_is_rejected(signataire) -> None:
    signataire.enregistrer(numero="9301234567")
    brut = signataire.etape("situation_logement", "2024-05-01", "logement-75", LOGEMENT)
    signataire.envoyer(brut)
    erreur = signataire.rejet_brut("step_id", dict(brut, personne={"numero_etranger": "9301234567"}))
    assert isinstance(erreur, StepIdReutiliseError)


def test_a_rejected_step_leaves_its_step_id_free(signataire) -> None:
    brut = signataire.etape("situation_logement", "2025-07-01", "logement-75", LOGEMENT)
    signataire.rejet_brut("occurred_on", brut)
    assert signataire.envoyer(dict(brut, occurred_on="2025-06-30")).statut == "acceptee"


def test_within_one_batch_a_repeated_step_is_a_duplicate_and_a_changed_one_is_rejected(signataire) -> None:
    brut = signataire.etape("situation_logement", "2024-05-01", "logement-75", LOGEMENT)
    commandes = [lire_etape(brut), lire_etape(brut), lire_etape(dict(brut, data={"situation": "CPH"}))]
    avant = signataire.etat()[0]
    acceptee, doublon, rejet = signataire.app.enregistrer_lot(commandes)
    assert acceptee.statut == "acceptee" and doublon.statut == "doublon"
    assert isinstance(rejet, StepIdReutiliseError) and rejet.champ == "step_id"
    assert signataire.etat()[0] == avant + 2  # the step and its step_id index, once
    assert signataire.tenue(acceptee.step_id).get("situation").value == "DNA"


def test_a_correction_sent_again_is_a_duplicate(signataire) -> None:
    cible = str(signataire.ok("situation_logement", "2024-05-01", "logement-75", LOGEMENT).step_id)
    brut = signataire.etape("evenement_corrige", "2024-05-02", "logement-75",
                            {"cible_step_id": cible, "champs": {"situation": "CPH"}, "motif": "erreur"})
    assert signataire.envoyer(brut).statut == "acceptee"
    avant = signataire.etat()
    assert signataire.envoyer(brut).statut == "doublon"
    assert signataire.etat() == avant
    assert isinstance(signataire.rejet_brut("step_id", dict(brut, data=dict(brut["data"], champs={"situation": "CHRS"}))),
                      StepIdReutiliseError)

"""Issue 14, finding 3: a correction or a void belongs to the operator that recorded the step.

Matrix: every step type of the vocabulary (`TypeEtape`: person steps, §8 action steps, §9 steps), drawn from
the shared scenario and the funded actions' territory, × every operator kind (`TypeOperateur`) × correct and
void. Only the recording operator may correct or void a step (a decision belongs to whoever took it: OFII cannot void a Mission locale's answer); an
identity may also be corrected by the kinds that register people. The person page shows the links only
where allowed. On both backends for the API and the page; the matrix runs through the domain.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum
from types import SimpleNamespace
from typing import Any
from uuid import UUID, uuid4

import pytest

from parcours.application import Parcours
from parcours.chiffrement import nouvelle_cle_maitre
from parcours.commandes import EnregistrerEtape, EnregistrerOperateur, ReferencePersonne
from parcours.comptes import Role
from parcours.erreurs import EtapeRejeteeError
from parcours.regles import OPERATEURS_QUI_ENREGISTRENT
from parcours.vocabulaire import ETAPES_D_ACTION, ETAPES_DE_GESTION, TypeEtape, TypeOperateur
from tests import etapes
from tests.integration.test_actions import Territoire, construire
from tests.scenario import NUMERO_AMINA, etape, scenario, sid
from tests.security.outils import amina, jeton_api, journal, session_de
from web.saisie.schemas import lire_etape, valider_champs_corriges

UN_PAR_TYPE = {type_: f"matrice-{type_.value.lower().replace('_', '-')}" for type_ in TypeOperateur}
"""One operator of every kind, none of which recorded anything: never the recorder of a target."""
GESTES = (TypeEtape.EVENEMENT_CORRIGE, TypeEtape.EVENEMENT_ANNULE)


def _json(valeur: Any) -> Any:
    """A command's value as the API receives it."""
    if isinstance(valeur, Enum):
        return valeur.value
    if isinstance(valeur, (date, UUID)):
        return str(valeur)
    if isinstance(valeur, ReferencePersonne):
        return {"parcours_id": str(valeur.parcours_id)} if valeur.parcours_id else {"numero_etranger": valeur.numero_etranger}
    if isinstance(valeur, Mapping):
        return {cle: _json(v) for cle, v in valeur.items()}
    if isinstance(valeur, (list, tuple)):
        return [_json(v) for v in valeur]
    return valeur


@dataclass(frozen=True)
class Cible:
    """A step in force, as recorded: who recorded it, on which stream, with which data."""

    type: TypeEtape
    step_id: str
    operateur: str
    parcours_id: str | None
    action: str | None
    donnees: dict[str, Any]


@pytest.fixture(scope="module")
def matrice() -> tuple[Parcours, dict[TypeEtape, Cible]]:
    """The shared scenario and the funded actions' territory (every step type between them), one target per type."""
    parcours = Parcours({"PERSISTENCE_MODULE": "eventsourcing.popo"}, cle_maitre=nouvelle_cle_maitre(),
                        valider_champs=valider_champs_corriges)
    enregistres: list[tuple[EnregistrerEtape, Any]] = []
    enregistrer = parcours.enregistrer_etape

    def retenir(commande: EnregistrerEtape) -> Any:
        resultat = enregistrer(commande)
        enregistres.append((commande, resultat))
        return resultat

    parcours.enregistrer_etape = retenir  # type: ignore[method-assign]
    territoire = Territoire(SimpleNamespace(parcours=parcours, rattraper=lambda: None))
    construire(territoire)
    for ligne in scenario():
        retenir(lire_etape(ligne))
    parcours.enregistrer_etape = enregistrer  # type: ignore[method-assign]
    for type_, identifiant in UN_PAR_TYPE.items():
        parcours.enregistrer_operateur(EnregistrerOperateur(identifiant, type_, "75", f"Matrice {type_.value}"))
    annulees = {str(c.donnees["cible_step_id"]) for c, _ in enregistres if c.type is TypeEtape.EVENEMENT_ANNULE}
    cibles: dict[TypeEtape, Cible] = {}
    for commande, resultat in enregistres:
        if commande.type not in ETAPES_DE_GESTION and str(commande.step_id) not in annulees and commande.type not in cibles:
            sur_l_action = commande.type in ETAPES_D_ACTION
            cibles[commande.type] = Cible(commande.type, str(commande.step_id), commande.operateur,
                                          None if sur_l_action else str(resultat.parcours_id), commande.action,
                                          _json(dict(commande.donnees)))
    return parcours, cibles


def _tentative(parcours: Parcours, geste: TypeEtape, cible: Cible, operateur: str) -> str:
    """`operateur` corrects or voids `cible`: "acceptee", or the field its refusal names."""
    donnees: dict[str, Any] = {"cible_step_id": cible.step_id, "motif": "Essai de la matrice."}
    if geste is TypeEtape.EVENEMENT_CORRIGE:
        # The same value again: a well-formed correction whatever the type, so only who sends it can refuse it.
        champ = next((nom for nom, valeur in cible.donnees.items() if valeur not in (None, [], {}) and nom != "numero_etranger"), None)
        donnees["champs"] = {champ: cible.donnees[champ]} if champ else {}
    brut = etapes.etape(geste.value, "2025-12-30", operateur, donnees,
                        None if cible.parcours_id is None else {"parcours_id": cible.parcours_id},
                        agent="matrice", action=cible.action if cible.parcours_id is None else None)
    try:
        return parcours.enregistrer_etape(lire_etape(brut)).statut
    except EtapeRejeteeError as refus:
        return refus.champ or "?"


def _permis(geste: TypeEtape, cible: Cible, type_operateur: TypeOperateur) -> bool:
    """Whether the rule on who lets it through, stated apart from `parcours.regles.peut_modifier`: an identity
    may be corrected by the kinds that register people (and voided by nobody: an erasure does that); nothing
    else by anyone but its recorder (these operators never recorded anything)."""
    return cible.type is TypeEtape.PERSONNE_ENREGISTREE and type_operateur in OPERATEURS_QUI_ENREGISTRENT


def test_every_step_type_of_the_vocabulary_has_a_target_in_the_matrix(matrice) -> None:
    _, cibles = matrice
    assert set(cibles) == set(TypeEtape) - ETAPES_DE_GESTION


@pytest.mark.parametrize("type_cible", sorted(set(TypeEtape) - ETAPES_DE_GESTION, key=lambda t: t.value), ids=lambda t: t.value)
def test_only_the_recorder_corrects_or_voids_a_step_and_an_identity_also_the_kinds_that_register(matrice, type_cible) -> None:
    parcours, cibles = matrice
    cible = cibles[type_cible]
    for geste in GESTES:
        for type_operateur, operateur in UN_PAR_TYPE.items():
            issue = _tentative(parcours, geste, cible, operateur)
            if _permis(geste, cible, type_operateur):
                assert issue != "operateur", (geste.value, type_operateur.value, issue)
                if geste is TypeEtape.EVENEMENT_ANNULE:
                    assert issue == "data.cible_step_id", (geste.value, type_operateur.value, issue)
            else:
                assert issue == "operateur", (geste.value, type_operateur.value, issue)
    # The recorder last (a void accepted leaves nothing to try): accepted, but where another rule refuses.
    for geste in GESTES:
        assert _tentative(parcours, geste, cible, cible.operateur) == _pour_l_auteur(geste, cible), (geste.value, cible.operateur)


def _pour_l_auteur(geste: TypeEtape, cible: Cible) -> str:
    """What the recorder gets: "acceptee", except an identity or an action's declaration is not voided (erasure,
    correction) and a step without data has no field to correct."""
    if geste is TypeEtape.EVENEMENT_ANNULE and cible.type in (TypeEtape.PERSONNE_ENREGISTREE, TypeEtape.ACTION_DECLAREE):
        return "data.cible_step_id"
    if geste is TypeEtape.EVENEMENT_CORRIGE and not any(v not in (None, [], {}) for v in cible.donnees.values()):
        return "data.champs"
    return "acceptee"


def test_ofii_cannot_void_the_acceptance_a_mission_locale_or_france_travail_recorded(app_deux_bases) -> None:
    app = app_deux_bases
    entetes = jeton_api(app, "ofii-dt-paris")
    avant = journal(app)
    acceptation = next(e for e in scenario() if e["type"] == "orientation_acceptee" and e["operateur"] == "france-travail-75")
    corps = etape(uuid4().hex, "evenement_annule", "2025-01-10", "ofii-dt-paris",
                  {"cible_step_id": acceptation["step_id"], "motif": "Essai."}, {"numero_etranger": NUMERO_AMINA})
    corps["step_id"] = str(uuid4())
    reponse = app.test_client().post("/api/v1/steps", json=corps, headers=entetes)
    assert reponse.status_code == 409 and "operateur" in reponse.get_json()["erreurs"]
    assert journal(app) == avant


def test_a_housing_operator_registers_nobody(app_deux_bases) -> None:
    app = app_deux_bases
    corps = {"step_id": str(uuid4()), "type": "personne_enregistree", "occurred_on": "2025-01-10", "operateur": "logement-75",
             "agent": "x", "data": {"nom": "Test", "prenom": "Test", "date_naissance": "1990-01-01", "sexe": "F",
                                    "nationalite": "AFG", "departement": "75"}}
    reponse = app.test_client().post("/api/v1/steps", json=corps, headers=jeton_api(app, "logement-75"))
    assert reponse.status_code == 409 and "operateur" in reponse.get_json()["erreurs"]


def test_the_person_page_shows_correction_links_only_where_allowed(app_deux_bases) -> None:
    app = app_deux_bases
    ofii = session_de(app, "agent-ofii", Role.AGENT, "ofii-dt-paris").get(f"/personnes/{amina(app)}").get_data(as_text=True)
    logement = session_de(app, "agent-logement", Role.AGENT, "logement-75").get(f"/personnes/{amina(app)}").get_data(as_text=True)
    # OFII: its CIR, its identity; not the training body's hours nor France Travail's acceptance.
    assert f"/etapes/{sid('a-cir')}/corriger" in ofii and f"/etapes/{sid('a-enregistree')}/corriger" in ofii
    assert f"/etapes/{sid('a-heures-1')}/corriger" not in ofii and f"/etapes/{sid('a-heures-1')}/annuler" not in ofii
    # The housing operator: only its own housing situation; not the identity (it registers nobody).
    assert f"/etapes/{sid('a-logement-2')}/annuler" in logement
    assert f"/etapes/{sid('a-enregistree')}/corriger" not in logement and f"/etapes/{sid('a-cir')}/annuler" not in logement
    # Typed by hand, the forms refuse too.
    client = session_de(app, "agent-logement-2", Role.AGENT, "logement-75")
    assert client.get(f"/personnes/{amina(app)}/etapes/{sid('a-cir')}/annuler").status_code == 403
    assert client.get(f"/personnes/{amina(app)}/etapes/{sid('a-logement-2')}/annuler").status_code == 200


def test_the_person_page_shows_the_links_to_every_operator_kind_only_where_allowed(app_deux_bases) -> None:
    """Each kind's caseworker, made involved by a shared note of its own, reads Amina's page: « Corriger » on its
    own steps (and on the identity if its kind registers people), « Annuler » on its own steps but the identity."""
    app = app_deux_bases
    services = app.extensions["parcours"]
    personne = amina(app)
    etapes_d_amina = [(e["step_id"], e["type"], e["operateur"]) for e in scenario()
                      if NUMERO_AMINA in ((e.get("personne") or {}).get("numero_etranger"), e["data"].get("numero_etranger"))
                      and e["type"] not in ("evenement_corrige", "evenement_annule")]
    annulees = {e["data"]["cible_step_id"] for e in scenario() if e["type"] == "evenement_annule"}
    for type_operateur, operateur in UN_PAR_TYPE.items():
        services.parcours.enregistrer_operateur(EnregistrerOperateur(operateur, type_operateur, "75", f"Matrice {type_operateur.value}"))
        ligne = etape(uuid4().hex, "note", "2025-01-10", operateur, {"texte": "Suivi.", "visibilite": "PARTAGEE"}, {"parcours_id": personne})
        services.parcours.enregistrer_etape(lire_etape(ligne))
        note = ligne["step_id"]
        services.rattraper()
        page = session_de(app, f"agent-{operateur}", Role.AGENT, operateur).get(f"/personnes/{personne}").get_data(as_text=True)
        for step_id, type_, auteur in [*etapes_d_amina, (note, "note", operateur)]:
            a_lui = auteur == operateur and step_id not in annulees
            identite = type_ == "personne_enregistree"
            corriger = a_lui or (identite and type_operateur in OPERATEURS_QUI_ENREGISTRENT)
            assert (f"/etapes/{step_id}/corriger" in page) is corriger, (operateur, type_, auteur)
            assert (f"/etapes/{step_id}/annuler" in page) is (a_lui and not identite), (operateur, type_, auteur)

"""The synthetic demo territory (web.demo.generateur): reproducible, realistic, and every step one the rules accept.

Most tests read one territory of 2,000 people generated once; the steps are checked as CONTRACT §3 input
(schemas), against the pathway rules of an in-memory store, and against the invariants and the
distributions of reference/domain.md §2.5 and §4 directly.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from typing import Any

import pytest

from parcours.application import Parcours
from parcours.chiffrement import nouvelle_cle_maitre
from parcours.commandes import EnregistrerOperateur, EtapeEnregistree
from parcours.dates import add_months, age_revolu, contrat_durable, fenetre_suivi
from parcours.vocabulaire import (
    CONTRATS_A_DUREE_DETERMINEE,
    CONTRATS_TOUJOURS_DURABLES,
    LOGEMENTS_PERENNES,
    SORTIES_EMPLOI_DURABLE,
    SORTIES_FORMATION,
    SORTIES_NEUTRES,
    SOUS_MOTIFS,
    MotifSejour,
    NiveauLangue,
    ETAPES_D_ACTION,
    ETAPES_PERSONNE_ET_ACTION,
    TypeEtape,
    TypeOperateur,
)
from web.demo.generateur import EtapeDemo, OperateurDemo, generer_etapes, operateurs_demo
from web.saisie.schemas import lire_etape, valider_champs_corriges

INSTANT = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)
AUJOURDHUI = INSTANT.date()
CLES = {"step_id", "type", "occurred_on", "operateur", "agent", "personne", "data"}
RANG = {niveau.value: rang for rang, niveau in enumerate(NiveauLangue)}
RANG_CIBLE = {"A1": 1, "A2": 2, "B1": 3}
PERENNES = {s.value for s in LOGEMENTS_PERENNES}
OPERATEURS = {op.id: op for op in operateurs_demo()}

Etape = dict[str, Any]


def jour(valeur: str) -> date:
    return date.fromisoformat(valeur)


def niveau_global(donnees: dict[str, Any]) -> int:
    return min(RANG[donnees["niveau_oral"]], RANG[donnees["niveau_ecrit"]])


DES_ACTIONS = {t.value for t in ETAPES_D_ACTION | ETAPES_PERSONNE_ET_ACTION}
"""The funded actions' steps (CONTRACT §8): generated apart, after everyone's pathway; tested in their own section."""


def par_personne(etapes: list[EtapeDemo]) -> list[list[Etape]]:
    """Each person's steps, in the order they come (a registration opens a person); funded actions' steps left out."""
    personnes: list[list[Etape]] = []
    for demo in etapes:
        if demo.etape["type"] in DES_ACTIONS:
            continue
        if demo.etape["type"] == TypeEtape.PERSONNE_ENREGISTREE.value:
            personnes.append([])
        personnes[-1].append(demo.etape)
    return personnes


def effectives(etapes: list[Etape]) -> list[Etape]:
    """A person's steps as the rules read them: corrections applied, voided steps and management steps left out."""
    annulees = {e["data"]["cible_step_id"] for e in etapes if e["type"] == TypeEtape.EVENEMENT_ANNULE.value}
    corrections: dict[str, dict[str, Any]] = defaultdict(dict)
    for e in etapes:
        if e["type"] == TypeEtape.EVENEMENT_CORRIGE.value and e["step_id"] not in annulees:
            corrections[e["data"]["cible_step_id"]].update(e["data"]["champs"])
    gestion = {TypeEtape.EVENEMENT_CORRIGE.value, TypeEtape.EVENEMENT_ANNULE.value}
    return [
        {**e, "data": {**e["data"], **corrections.get(e["step_id"], {})}}
        for e in etapes
        if e["step_id"] not in annulees and e["type"] not in gestion
    ]


def de_type(etapes: list[Etape], *types: TypeEtape) -> list[Etape]:
    valeurs = {t.value for t in types}
    return [e for e in etapes if e["type"] in valeurs]


@pytest.fixture(scope="module")
def demo() -> list[EtapeDemo]:
    return list(generer_etapes(2000, 17, INSTANT))


@pytest.fixture(scope="module")
def personnes(demo: list[EtapeDemo]) -> list[list[Etape]]:
    return par_personne(demo)


@pytest.fixture(scope="module")
def etapes(demo: list[EtapeDemo]) -> list[Etape]:
    return [d.etape for d in demo]


# Reproducibility and streaming --------------------------------------------------------------------------------


def test_same_seed_gives_the_same_steps() -> None:
    premiers = [(json.dumps(d.etape, sort_keys=True), d.enregistre_le) for d in generer_etapes(300, 5, INSTANT)]
    seconds = [(json.dumps(d.etape, sort_keys=True), d.enregistre_le) for d in generer_etapes(300, 5, INSTANT)]
    assert premiers == seconds
    assert len(premiers) > 300 * 8


def test_another_seed_gives_other_people_and_other_step_ids() -> None:
    cinq = [d.etape for d in generer_etapes(200, 5, INSTANT)]
    six = [d.etape for d in generer_etapes(200, 6, INSTANT)]
    assert {e["step_id"] for e in cinq}.isdisjoint({e["step_id"] for e in six})
    identites = [e["data"] for e in cinq if e["type"] == "personne_enregistree"]
    autres = [e["data"] for e in six if e["type"] == "personne_enregistree"]
    assert identites != autres


def test_the_steps_stream_out_as_people_are_made() -> None:
    flux = generer_etapes(10**9, 1, INSTANT)  # a billion people: only those read are ever made
    assert isinstance(flux, Iterator)
    premiers = list(islice(flux, 200))
    assert len(premiers) == 200 and premiers[0].etape["type"] == "personne_enregistree"


def test_a_naive_instant_is_read_as_utc() -> None:
    naif = [d.etape for d in generer_etapes(30, 2, INSTANT.replace(tzinfo=None))]
    assert naif == [d.etape for d in generer_etapes(30, 2, INSTANT)]


# The territory ---------------------------------------------------------------------------------------------------


def test_the_territory_has_three_departements_each_with_every_kind_of_operator() -> None:
    operateurs = operateurs_demo()
    assert all(isinstance(op, OperateurDemo) for op in operateurs)
    assert len({op.id for op in operateurs}) == len(operateurs)
    assert {op.departement for op in operateurs} == {"75", "93", "59"}
    attendus = {t.value for t in TypeOperateur} - {TypeOperateur.APEC.value}
    for departement in ("75", "93", "59"):
        assert {op.type for op in operateurs if op.departement == departement} == attendus
    for op in operateurs:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", op.id), op.id
        assert op.nom.strip()
    assert {"ofii-dt-paris", "ofii-dt-bobigny", "ofii-dt-lille", "france-travail-75", "france-travail-93",
            "france-travail-59", "mission-locale-paris", "cap-emploi-75", "agir-75", "agir-93", "agir-59"} <= set(OPERATEURS)


# Shape of every step ---------------------------------------------------------------------------------------------


def test_every_step_has_the_contract_keys_a_known_type_and_an_operator_of_the_territory(etapes: list[Etape]) -> None:
    types = set(TypeEtape.valeurs())
    for etape in etapes:
        assert set(etape) in (CLES, CLES - {"personne"}, CLES | {"action"}, CLES - {"personne"} | {"action"}), etape
        assert etape["type"] in types
        assert etape["operateur"] in OPERATEURS
        assert re.fullmatch(r"[a-z]\.[a-z-]+", etape["agent"])
        jour(etape["occurred_on"])
        assert json.loads(json.dumps(etape)) == etape
    assert {e["type"] for e in etapes} == types


def test_every_step_reads_as_contract_input_corrected_fields_included(personnes: list[list[Etape]]) -> None:
    for etapes in personnes:
        par_id = {e["step_id"]: e for e in etapes}
        for etape in etapes:
            lire_etape(etape)
            if etape["type"] == TypeEtape.EVENEMENT_CORRIGE.value:
                cible = par_id[etape["data"]["cible_step_id"]]
                valider_champs_corriges(TypeEtape(cible["type"]), etape["data"]["champs"])


def test_step_ids_are_unique_uuids(etapes: list[Etape]) -> None:
    ids = [e["step_id"] for e in etapes]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", i) for i in ids)


def test_every_step_is_accepted_by_the_pathway_rules() -> None:
    """The same validation as a real import: schemas, then the domain rules, with the simulated recording times."""
    app = Parcours({"PERSISTENCE_MODULE": "eventsourcing.popo"}, cle_maitre=nouvelle_cle_maitre(),
                   horloge=lambda: INSTANT, valider_champs=valider_champs_corriges)
    for op in operateurs_demo():
        app.enregistrer_operateur(EnregistrerOperateur(op.id, TypeOperateur(op.type), op.departement, op.nom))
    lot: list[tuple[Etape, Any]] = []
    acceptees = 0

    def enregistrer() -> None:
        nonlocal acceptees
        resultats = app.enregistrer_lot([commande for _, commande in lot])
        for (etape, _), resultat in zip(lot, resultats, strict=True):
            assert isinstance(resultat, EtapeEnregistree) and resultat.statut == "acceptee", (etape, resultat)
            acceptees += 1
        lot.clear()

    for demo in generer_etapes(150, 23, INSTANT):
        if demo.etape["type"] == TypeEtape.PERSONNE_ENREGISTREE.value and lot:
            enregistrer()
        lot.append((demo.etape, replace(lire_etape(demo.etape), enregistre_le=demo.enregistre_le)))
    enregistrer()
    assert acceptees > 150 * 8


# Dates and recording times --------------------------------------------------------------------------------------


def test_no_step_is_dated_in_the_future_nor_before_birth(personnes: list[list[Etape]]) -> None:
    for etapes in personnes:
        naissance = jour(etapes[0]["data"]["date_naissance"])
        for etape in etapes:
            assert naissance <= jour(etape["occurred_on"]) <= AUJOURDHUI, etape


def test_recording_times_lie_between_the_step_date_and_now_and_never_go_back_for_a_person(
    demo: list[EtapeDemo],
) -> None:
    precedent = None
    precedent_action = None
    retards = []
    for d in demo:
        assert d.enregistre_le.tzinfo is not None and d.enregistre_le.utcoffset() == timedelta(0)
        assert jour(d.etape["occurred_on"]) <= d.enregistre_le.date() and d.enregistre_le <= INSTANT
        if d.etape["type"] in DES_ACTIONS:  # the funded actions' steps: in order among themselves
            if d.etape["type"] != TypeEtape.ACTION_DECLAREE.value:
                assert precedent_action is None or d.enregistre_le >= precedent_action
                precedent_action = d.enregistre_le
            continue
        if d.etape["type"] == TypeEtape.PERSONNE_ENREGISTREE.value:
            precedent = None
        assert precedent is None or d.enregistre_le >= precedent
        precedent = d.enregistre_le
        retards.append((d.enregistre_le.date() - jour(d.etape["occurred_on"])).days)
    assert 0.6 < sum(r <= 10 for r in retards) / len(retards) < 0.97  # mostly within ten days…
    assert any(r > 45 for r in retards)  # …and a few late entries


def test_each_person_s_steps_come_together_by_date_after_the_registration(personnes: list[list[Etape]]) -> None:
    for etapes in personnes:
        assert etapes[0]["type"] == TypeEtape.PERSONNE_ENREGISTREE.value
        assert sum(e["type"] == TypeEtape.PERSONNE_ENREGISTREE.value for e in etapes) == 1
        dates = [e["occurred_on"] for e in etapes]
        assert dates == sorted(dates)
        assert len({json.dumps(e.get("personne"), sort_keys=True) for e in etapes[1:]}) == 1


def test_pathways_start_over_the_last_four_years_some_complete_some_in_progress(personnes: list[list[Etape]]) -> None:
    debuts = [jour(de_type(e, TypeEtape.TITRE_SEJOUR_DELIVRE)[0]["occurred_on"]) for e in personnes]
    assert min(debuts) >= AUJOURDHUI - timedelta(days=4 * 365 + 200)
    assert any(d < AUJOURDHUI - timedelta(days=3 * 365) for d in debuts)
    assert any(d > AUJOURDHUI - timedelta(days=180) for d in debuts)
    agir_ouverts = sum(bool(de_type(e, TypeEtape.AGIR_ENTREE)) and not de_type(e, TypeEtape.AGIR_SORTIE) for e in personnes)
    agir_sortis = sum(bool(de_type(e, TypeEtape.AGIR_SORTIE)) for e in personnes)
    cir_en_cours = sum(bool(de_type(e, TypeEtape.CIR_SIGNE)) and not de_type(e, TypeEtape.ENTRETIEN_FIN_CIR) for e in personnes)
    episodes_ouverts = sum(
        len(de_type(e, TypeEtape.ACCOMPAGNEMENT_EMPLOI_DEBUTE)) > len(de_type(e, TypeEtape.SORTIE_ACCOMPAGNEMENT))
        for e in personnes
    )
    assert agir_ouverts > 10 and agir_sortis > 10 and cir_en_cours > 50 and episodes_ouverts > 50


# People ----------------------------------------------------------------------------------------------------------


def test_people_are_named_by_their_numero_or_by_a_parcours_id_chosen_at_registration(
    personnes: list[list[Etape]],
) -> None:
    numeros = []
    for etapes in personnes:
        registre = etapes[0]
        numero = registre["data"].get("numero_etranger")
        if numero is not None:
            numeros.append(numero)
            assert re.fullmatch(r"\d{10}", numero) and numero.startswith(registre["data"]["departement"])
            assert "personne" not in registre
            assert all(e["personne"] == {"numero_etranger": numero} for e in etapes[1:])
        else:
            reference = registre["personne"]
            assert set(reference) == {"parcours_id"}
            assert all(e["personne"] == reference for e in etapes[1:])
    assert len(set(numeros)) == len(numeros)
    assert 0.92 < len(numeros) / len(personnes) < 0.98


def test_identities_are_complete_and_plausible(personnes: list[list[Etape]]) -> None:
    for etapes in personnes:
        identite = etapes[0]["data"]
        assert identite["nom"].strip() and identite["prenom"].strip()
        assert identite["sexe"] in ("F", "M", "X")
        assert re.fullmatch(r"[A-Z]{3}", identite["nationalite"])
        assert identite["departement"] in ("75", "93", "59")
        assert all(OPERATEURS[e["operateur"]].departement == identite["departement"] for e in etapes)
        motif = de_type(etapes, TypeEtape.TITRE_SEJOUR_DELIVRE)[0]["data"]["motif"]
        assert not (identite["nationalite"] == "UKR" and motif == MotifSejour.HUMANITAIRE.value)


def test_households_gather_two_to_four_people_of_one_departement(personnes: list[list[Etape]]) -> None:
    menages: dict[str, list[str]] = defaultdict(list)
    for etapes in personnes:
        if "menage" in etapes[0]["data"]:
            menages[etapes[0]["data"]["menage"]].append(etapes[0]["data"]["departement"])
    assert menages
    for membres in menages.values():
        assert 2 <= len(membres) <= 4 and len(set(membres)) == 1
    assert 0.10 < sum(len(m) for m in menages.values()) / len(personnes) < 0.20


# Distributions (reference/domain.md §4) --------------------------------------------------------------------------


def test_shares_are_those_of_the_reference(personnes: list[list[Etape]]) -> None:
    titres = [de_type(e, TypeEtape.TITRE_SEJOUR_DELIVRE)[0]["data"] for e in personnes]
    motifs = Counter(t["motif"] for t in titres)
    assert 0.20 < motifs["HUMANITAIRE"] / len(personnes) < 0.35
    assert 0.45 < motifs["FAMILIAL"] / len(personnes) < 0.62
    bpi = [e for e in personnes if de_type(e, TypeEtape.PROTECTION_ACCORDEE)]
    assert 0.60 < sum(e[0]["data"]["sexe"] == "M" for e in bpi) / len(bpi) < 0.76

    signataires = [e for e in personnes if de_type(e, TypeEtape.CIR_SIGNE)]
    assert 0.80 < len(signataires) / len(personnes) < 0.95
    sous_a1 = [e for e in signataires if niveau_global(de_type(e, TypeEtape.POSITIONNEMENT_LINGUISTIQUE)[0]["data"]) < 1]
    assert 0.35 < len(sous_a1) / len(signataires) < 0.65
    bpi_signataires = [e for e in signataires if de_type(e, TypeEtape.PROTECTION_ACCORDEE)]
    assert sum(e in sous_a1 for e in bpi_signataires) / len(bpi_signataires) > len(sous_a1) / len(signataires)

    ages = [age_revolu(jour(e[0]["data"]["date_naissance"]), jour(de_type(e, TypeEtape.CIR_SIGNE)[0]["occurred_on"]))
            for e in signataires]
    assert min(ages) >= 16
    assert 0.14 < sum(a < 26 for a in ages) / len(ages) < 0.26
    assert 0.33 < sum(26 <= a <= 35 for a in ages) / len(ages) < 0.47

    forfaits = Counter(p["data"]["forfait_h"] for e in personnes for p in de_type(e, TypeEtape.FORMATION_LINGUISTIQUE_PRESCRITE)
                       if p["data"]["type"] == "CIR_OBLIGATOIRE")
    total = sum(forfaits.values())
    assert 0.08 < forfaits[600] / total < 0.22 and 0.28 < forfaits[400] / total < 0.42

    entretiens = sum(len(de_type(e, TypeEtape.ENTRETIEN_FIN_CIR)) for e in personnes)
    orientations = sum(len(de_type(e, TypeEtape.ORIENTATION_SPE)) for e in personnes)
    dispenses = sum(len(de_type(e, TypeEtape.DISPENSE_ORIENTATION_SPE)) for e in personnes)
    assert 0.40 < orientations / entretiens < 0.60 and 0.20 < dispenses / entretiens < 0.40


def test_exits_follow_the_generator_default_mix(personnes: list[list[Etape]]) -> None:
    categories = Counter(s["data"]["categorie"] for e in personnes for s in de_type(e, TypeEtape.SORTIE_ACCOMPAGNEMENT))
    total = sum(categories.values())
    assert total > 300
    positives = sum(n for c, n in categories.items() if c in {s.value for s in SORTIES_EMPLOI_DURABLE | SORTIES_FORMATION}
                    or c == "EMPLOI_MOINS_6M")
    assert 0.38 < positives / total < 0.58
    assert 0.15 < categories["RECHERCHE_EMPLOI"] / total < 0.30
    assert sum(categories[c.value] for c in SORTIES_NEUTRES) / total < 0.09


def test_training_attendance_and_success_are_realistic(personnes: list[list[Etape]]) -> None:
    assidus, atteint = [], []
    for etapes in personnes:
        effectif = effectives(etapes)
        fins = de_type(effectif, TypeEtape.FORMATION_LINGUISTIQUE_TERMINEE)
        prescriptions = de_type(effectif, TypeEtape.FORMATION_LINGUISTIQUE_PRESCRITE)
        if not fins or prescriptions[0]["data"]["type"] != "CIR_OBLIGATOIRE":
            continue
        heures = [h["data"] for h in de_type(effectif, TypeEtape.FORMATION_LINGUISTIQUE_HEURES)]
        ratio = sum(h["heures_realisees"] for h in heures) / sum(h["heures_planifiees"] for h in heures)
        assidus.append(ratio >= 0.8 or fins[0]["data"]["motif"] == "NIVEAU_CIBLE_ATTEINT_ANTICIPE")
        evaluations = de_type(effectif, TypeEtape.EVALUATION_LINGUISTIQUE)
        atteint.append(bool(evaluations) and niveau_global(evaluations[-1]["data"]) >= 1)
    assert 0.65 < sum(assidus) / len(assidus) < 0.85
    assert 0.45 < sum(atteint) / len(atteint) < 0.75


# Rules that must always hold (CONTRACT §3, reference/domain.md §2.5) -----------------------------------------------


def test_a_cir_follows_a_first_permit_at_sixteen_or_more_with_a_legal_representative_under_eighteen(
    personnes: list[list[Etape]],
) -> None:
    for etapes in personnes:
        titre = de_type(etapes, TypeEtape.TITRE_SEJOUR_DELIVRE)[0]["data"]
        assert titre["premier_titre"] is True and titre["sous_motif"] in SOUS_MOTIFS[MotifSejour(titre["motif"])]
        for cir in de_type(etapes, TypeEtape.CIR_SIGNE):
            age = age_revolu(jour(etapes[0]["data"]["date_naissance"]), jour(cir["occurred_on"]))
            assert age >= 16 and (age >= 18 or cir["data"].get("representant_legal"))
            assert jour(cir["occurred_on"]) >= jour(titre["valid_from"]) and titre["motif"] != "ETUDIANT"
            assert cir["operateur"].startswith("ofii-")


def test_civic_days_count_one_presence_at_most_per_day(personnes: list[list[Etape]]) -> None:
    for etapes in personnes:
        presences = Counter(j["data"]["jour"] for j in de_type(etapes, TypeEtape.FORMATION_CIVIQUE_JOURNEE)
                            if j["data"]["present"])
        assert all(n == 1 for n in presences.values())
        if de_type(etapes, TypeEtape.FORMATION_CIVIQUE_JOURNEE):
            assert de_type(etapes, TypeEtape.CIR_SIGNE)


def test_the_compulsory_training_is_prescribed_below_a1_and_only_then(personnes: list[list[Etape]]) -> None:
    for etapes in personnes:
        for prescription in de_type(etapes, TypeEtape.FORMATION_LINGUISTIQUE_PRESCRITE):
            donnees = prescription["data"]
            if donnees["type"] == "CIR_OBLIGATOIRE":
                positionnements = [p for p in de_type(etapes, TypeEtape.POSITIONNEMENT_LINGUISTIQUE)
                                   if p["occurred_on"] <= prescription["occurred_on"]]
                assert positionnements and niveau_global(positionnements[-1]["data"]) < 1
                assert donnees["niveau_cible"] == "A1"
                assert donnees["forfait_h"] != 600 or positionnements[-1]["data"]["non_lecteur_non_scripteur"]
                assert not de_type(etapes, TypeEtape.DISPENSE_FORMATION_LINGUISTIQUE)
            else:
                assert donnees == {"type": "COMPLEMENTAIRE_A2", "forfait_h": 100, "niveau_cible": "A2"}


def test_training_hours_stay_within_the_forfait_plus_ten_percent_and_stop_at_the_end(
    personnes: list[list[Etape]],
) -> None:
    verifiees = 0
    for etapes in personnes:
        prescriptions = de_type(etapes, TypeEtape.FORMATION_LINGUISTIQUE_PRESCRITE)
        if not prescriptions:
            continue
        heures = de_type(etapes, TypeEtape.FORMATION_LINGUISTIQUE_HEURES)
        assert sum(h["data"]["heures_realisees"] for h in heures) <= prescriptions[0]["data"]["forfait_h"] * 1.10
        assert all(h["data"]["heures_realisees"] <= h["data"]["heures_planifiees"] for h in heures)
        assert all(h["data"]["periode_debut"] <= h["data"]["periode_fin"] < h["occurred_on"] for h in heures)
        assert all(h["occurred_on"] >= prescriptions[0]["occurred_on"] for h in heures)
        fins = de_type(etapes, TypeEtape.FORMATION_LINGUISTIQUE_TERMINEE)
        assert len(fins) <= 1
        if fins:
            assert all(h["occurred_on"] <= fins[0]["occurred_on"] for h in heures)
            assert etapes.index(fins[0]) > max((etapes.index(h) for h in heures), default=-1)
            verifiees += 1
    assert verifiees > 300


def test_an_early_end_follows_an_evaluation_at_the_target_level(personnes: list[list[Etape]]) -> None:
    anticipees = 0
    for etapes in personnes:
        effectif = effectives(etapes)
        for fin in de_type(effectif, TypeEtape.FORMATION_LINGUISTIQUE_TERMINEE):
            if fin["data"]["motif"] != "NIVEAU_CIBLE_ATTEINT_ANTICIPE":
                continue
            cible = RANG_CIBLE[de_type(effectif, TypeEtape.FORMATION_LINGUISTIQUE_PRESCRITE)[0]["data"]["niveau_cible"]]
            evaluations = [e for e in de_type(effectif, TypeEtape.EVALUATION_LINGUISTIQUE)
                           if e["occurred_on"] <= fin["occurred_on"]]
            assert any(niveau_global(e["data"]) >= cible for e in evaluations)
            anticipees += 1
    assert anticipees > 20


def test_an_end_of_cir_interview_leads_to_an_orientation_or_a_waiver_never_both(personnes: list[list[Etape]]) -> None:
    for etapes in personnes:
        orientations = de_type(etapes, TypeEtape.ORIENTATION_SPE)
        dispenses = de_type(etapes, TypeEtape.DISPENSE_ORIENTATION_SPE)
        assert not (orientations and dispenses)
        assert len(orientations) + len(dispenses) <= 1
        for etape in orientations + dispenses:
            assert OPERATEURS[etape["operateur"]].type == "OFII"
            assert [e["occurred_on"] for e in de_type(etapes, TypeEtape.ENTRETIEN_FIN_CIR)] == [etape["occurred_on"]]
        assert all(d["data"]["demande_expresse"] is True for d in dispenses)


def test_orientations_follow_the_age_rule(personnes: list[list[Etape]]) -> None:
    destinations = Counter()
    for etapes in personnes:
        naissance = jour(etapes[0]["data"]["date_naissance"])
        for orientation in de_type(etapes, TypeEtape.ORIENTATION_SPE):
            vers = OPERATEURS[orientation["data"]["vers"]]
            motif = orientation["data"]["motif_choix"]
            moins_de_26 = age_revolu(naissance, jour(orientation["occurred_on"])) < 26
            destinations[vers.type] += 1
            assert vers.departement == etapes[0]["data"]["departement"]
            if moins_de_26:
                assert (vers.type, motif) in {("MISSION_LOCALE", "AGE_MOINS_26"), ("CAP_EMPLOI", "RQTH")}
            else:
                assert motif != "AGE_MOINS_26" and (vers.type, motif) in {("FRANCE_TRAVAIL", "DEFAUT"), ("CAP_EMPLOI", "RQTH")}
    assert destinations["FRANCE_TRAVAIL"] > destinations["MISSION_LOCALE"] > destinations["CAP_EMPLOI"] > 0


def test_answers_to_an_orientation_come_once_from_the_operator_it_was_sent_to(personnes: list[list[Etape]]) -> None:
    refus = 0
    delais: list[int] = []
    for etapes in personnes:
        orientations = {e["step_id"]: e for e in de_type(etapes, TypeEtape.ORIENTATION_SPE, TypeEtape.ORIENTATION_AGIR)}
        reponses = de_type(etapes, TypeEtape.ORIENTATION_ACCEPTEE, TypeEtape.ORIENTATION_REFUSEE)
        assert len({r["data"]["orientation_step_id"] for r in reponses}) == len(reponses)
        for reponse in reponses:
            orientation = orientations[reponse["data"]["orientation_step_id"]]
            assert reponse["operateur"] == orientation["data"]["vers"]
            delais.append((jour(reponse["occurred_on"]) - jour(orientation["occurred_on"])).days)
            if reponse["type"] == TypeEtape.ORIENTATION_REFUSEE.value:
                assert reponse["data"]["motif"].strip()
                refus += 1
    assert refus > 10
    # Answers come the next day at the earliest and within the 40 days the worklists allow, spread over that range.
    assert min(delais) == 1
    assert max(delais) == 40


def test_support_episodes_open_once_per_operator_and_close_after_they_open(personnes: list[list[Etape]]) -> None:
    programmes = Counter()
    for etapes in personnes:
        ouverts: dict[str, Etape] = {}
        for etape in etapes:
            if etape["type"] == TypeEtape.ACCOMPAGNEMENT_EMPLOI_DEBUTE.value:
                assert etape["operateur"] not in ouverts
                ouverts[etape["operateur"]] = etape
                programmes[(OPERATEURS[etape["operateur"]].type, etape["data"]["programme"])] += 1
            elif etape["type"] == TypeEtape.SORTIE_ACCOMPAGNEMENT.value:
                entree = ouverts.pop(etape["operateur"])
                assert etape["occurred_on"] >= entree["occurred_on"]
    assert set(programmes) <= {("MISSION_LOCALE", "CEJ"), ("MISSION_LOCALE", "PACEA"),
                               ("FRANCE_TRAVAIL", "ACCOMPAGNEMENT_FT"), ("CAP_EMPLOI", "AUTRE"),
                               ("ASSOCIATION", "ACTION_BOP104")}
    assert programmes[("ASSOCIATION", "ACTION_BOP104")] > 20


def test_an_exit_to_a_job_or_a_training_rests_on_a_matching_contract_or_training(personnes: list[list[Etape]]) -> None:
    formations = {"FORMATION_QUALIFIANTE": {"QUALIFIANTE"}, "FORMATION_CERTIFIANTE": {"CERTIFIANTE"},
                  "FORMATION_DIPLOMANTE": {"DIPLOMANTE"}, "FORMATION_PRE_QUALIFIANTE": {"PRE_QUALIFIANTE"},
                  "FORMATION_LINGUISTIQUE": {"FLE_A_VISEE_PRO", "SAVOIRS_DE_BASE"}}
    for etapes in personnes:
        effectif = effectives(etapes)
        entrees = {e["operateur"]: e for e in de_type(effectif, TypeEtape.ACCOMPAGNEMENT_EMPLOI_DEBUTE)}
        for sortie in de_type(effectif, TypeEtape.SORTIE_ACCOMPAGNEMENT):
            categorie, le = sortie["data"]["categorie"], jour(sortie["occurred_on"])
            pendant = [e for e in de_type(effectif, TypeEtape.CONTRAT_TRAVAIL_DEBUTE, TypeEtape.ENTREE_FORMATION)
                       if e["operateur"] == sortie["operateur"]
                       and entrees[sortie["operateur"]]["occurred_on"] <= e["occurred_on"] <= sortie["occurred_on"]]
            actifs = [e["data"] for e in pendant if jour(e["data"]["date_debut"]) <= le
                      and (not e["data"].get("date_fin_prevue") or jour(e["data"]["date_fin_prevue"]) >= le)]
            contrats = [c for c in actifs if "type_contrat" in c]
            if categorie == "EMPLOI_CDI":
                assert any(c["type_contrat"] == "CDI" for c in contrats)
            elif categorie == "CREATION_ENTREPRISE":
                assert any(c["type_contrat"] == "CREATION_ENTREPRISE" for c in contrats)
            elif categorie in ("EMPLOI_DURABLE_6M_PLUS", "EMPLOI_MOINS_6M"):
                durable = categorie == "EMPLOI_DURABLE_6M_PLUS"
                assert any(c["type_contrat"] in {t.value for t in CONTRATS_A_DUREE_DETERMINEE}
                           and contrat_durable(jour(c["date_debut"]), jour(c["date_fin_prevue"])) is durable
                           for c in contrats)
            elif categorie in formations:
                assert any(f.get("type") in formations[categorie] for f in actifs)
            else:
                assert not actifs


def test_each_exit_has_at_most_one_follow_up_inside_its_window(personnes: list[list[Etape]]) -> None:
    suivis_total, dus = 0, 0
    for etapes in personnes:
        sorties = {s["step_id"]: s for s in de_type(etapes, TypeEtape.SORTIE_ACCOMPAGNEMENT)}
        suivis = de_type(etapes, TypeEtape.SUIVI_SIX_MOIS)
        assert len({s["data"]["sortie_step_id"] for s in suivis}) == len(suivis)
        for suivi in suivis:
            sortie = sorties[suivi["data"]["sortie_step_id"]]
            debut, fin = fenetre_suivi(jour(sortie["occurred_on"]))
            assert debut <= jour(suivi["occurred_on"]) <= min(fin, AUJOURDHUI)
            assert suivi["operateur"] == sortie["operateur"]
            assert ("categorie" in suivi["data"]) is suivi["data"]["repondant"]
            assert sortie["data"]["categorie"] not in {c.value for c in SORTIES_NEUTRES}
        suivis_total += len(suivis)
        dus += sum(fenetre_suivi(jour(s["occurred_on"]))[0] <= AUJOURDHUI
                   and s["data"]["categorie"] not in {c.value for c in SORTIES_NEUTRES} for s in sorties.values())
    assert 0.75 < suivis_total / dus < 0.95


def test_agir_is_for_recent_refugees_once_oriented_with_one_episode_at_a_time(personnes: list[list[Etape]]) -> None:
    entrees_3_volets, entrees = 0, 0
    for etapes in personnes:
        orientations = de_type(etapes, TypeEtape.ORIENTATION_AGIR)
        for orientation in orientations:
            annee = jour(orientation["occurred_on"]).year
            decisions = [jour(p["data"]["decision_date"]) for p in de_type(etapes, TypeEtape.PROTECTION_ACCORDEE)
                         if p["data"]["decision_date"] <= orientation["occurred_on"]]
            assert decisions and max(decisions).year in (annee, annee - 1)
            assert [c["occurred_on"] <= orientation["occurred_on"] for c in de_type(etapes, TypeEtape.CIR_SIGNE)] == [True]
            assert OPERATEURS[orientation["data"]["vers"]].type == "AGIR"
        agir = de_type(etapes, TypeEtape.AGIR_ENTREE, TypeEtape.AGIR_SORTIE)
        assert [e["type"] for e in agir] in ([], ["agir_entree"], ["agir_entree", "agir_sortie"])
        for entree in agir[:1]:
            assert orientations and entree["operateur"] == orientations[0]["data"]["vers"]
            assert entree["data"]["volets"] and set(entree["data"]["volets"]) <= {"DROITS", "LOGEMENT", "EMPLOI_FORMATION"}
            entrees += 1
            entrees_3_volets += len(entree["data"]["volets"]) == 3
        if len(agir) == 2:
            assert agir[1]["operateur"] == agir[0]["operateur"]
            assert jour(agir[1]["occurred_on"]) <= add_months(jour(agir[0]["occurred_on"]), 24)
    assert entrees > 50 and entrees_3_volets / entrees > 0.5


def test_objectives_met_only_with_durable_housing_and_a_durable_job_or_training(personnes: list[list[Etape]]) -> None:
    atteints = 0
    for etapes in personnes:
        effectif = effectives(etapes)
        for sortie in de_type(effectif, TypeEtape.AGIR_SORTIE):
            if sortie["data"]["motif"] != "OBJECTIFS_ATTEINTS":
                continue
            le = jour(sortie["occurred_on"])
            avant = effectif[: effectif.index(sortie)]
            logements = de_type(avant, TypeEtape.SITUATION_LOGEMENT)
            assert logements and logements[-1]["data"]["situation"] in PERENNES
            durables = []
            for e in de_type(avant, TypeEtape.CONTRAT_TRAVAIL_DEBUTE, TypeEtape.ENTREE_FORMATION):
                debut = jour(e["data"]["date_debut"])
                fin = jour(e["data"]["date_fin_prevue"]) if e["data"].get("date_fin_prevue") else None
                if debut > le or (fin is not None and fin < le):
                    continue
                if e["type"] == TypeEtape.ENTREE_FORMATION.value:
                    durables.append(e["data"]["type"] in ("QUALIFIANTE", "CERTIFIANTE", "DIPLOMANTE"))
                else:
                    type_contrat = e["data"]["type_contrat"]
                    durables.append(type_contrat in {t.value for t in CONTRATS_TOUJOURS_DURABLES} or (
                        type_contrat in {t.value for t in CONTRATS_A_DUREE_DETERMINEE} and contrat_durable(debut, fin)))
            assert any(durables)
            atteints += 1
    assert atteints > 10


def test_about_half_of_agir_entrants_reach_durable_housing_within_two_years(personnes: list[list[Etape]]) -> None:
    acces = []
    for etapes in personnes:
        for entree in de_type(etapes, TypeEtape.AGIR_ENTREE):
            limite = add_months(jour(entree["occurred_on"]), 24)
            if limite <= AUJOURDHUI:
                acces.append(any(s["data"]["situation"] in PERENNES for s in de_type(etapes, TypeEtape.SITUATION_LOGEMENT)
                                 if jour(s["occurred_on"]) <= limite))
    assert len(acces) > 40 and 0.38 < sum(acces) / len(acces) < 0.72


def test_corrections_and_voids_touch_an_earlier_step_of_the_same_person_that_may_change(
    personnes: list[list[Etape]],
) -> None:
    corrigees, annulees, nombres_de_champs = Counter(), Counter(), Counter()
    for etapes in personnes:
        rang = {e["step_id"]: i for i, e in enumerate(etapes)}
        for i, etape in enumerate(etapes):
            if etape["type"] not in (TypeEtape.EVENEMENT_CORRIGE.value, TypeEtape.EVENEMENT_ANNULE.value):
                continue
            cible = etapes[rang[etape["data"]["cible_step_id"]]]
            assert rang[cible["step_id"]] < i and etape["data"]["motif"].strip()
            if etape["type"] == TypeEtape.EVENEMENT_CORRIGE.value:
                assert set(etape["data"]["champs"]) <= set(cible["data"])
                nombres_de_champs[len(etape["data"]["champs"])] += 1
                corrigees[cible["type"]] += 1
            else:
                # nothing rests on a voided step: a note, or a housing situation entered twice
                assert cible["type"] in ("note", "situation_logement")
                if cible["type"] == "situation_logement":
                    assert any(e["type"] == "situation_logement" and e["data"] == cible["data"] and e is not cible
                               and e["occurred_on"] == cible["occurred_on"] for e in etapes)
                assert not any(cible["step_id"] in json.dumps(e["data"]) for e in etapes if e is not etape)
                annulees[cible["type"]] += 1
    assert set(corrigees) == {"situation_logement", "evaluation_linguistique", "contrat_travail_debute"}
    assert set(nombres_de_champs) == {1, 2}  # one field, or a level with its score
    assert set(annulees) == {"note", "situation_logement"}
    notes = sum(len(de_type(e, TypeEtape.NOTE)) for e in personnes)
    assert 0.005 < notes / len(personnes) < 0.05


def test_a_correction_keeps_a_housing_situation_durable_or_not_and_a_contract_on_its_side_of_six_months(
    personnes: list[list[Etape]],
) -> None:
    for etapes in personnes:
        par_id = {e["step_id"]: e for e in etapes}
        for correction in de_type(etapes, TypeEtape.EVENEMENT_CORRIGE):
            cible, champs = par_id[correction["data"]["cible_step_id"]], correction["data"]["champs"]
            if "situation" in champs:
                assert (champs["situation"] in PERENNES) == (cible["data"]["situation"] in PERENNES)
                assert champs["situation"] != cible["data"]["situation"]
            if "date_fin_prevue" in champs:
                debut = jour(cible["data"]["date_debut"])
                assert champs["date_fin_prevue"] > cible["data"]["date_fin_prevue"]
                assert contrat_durable(debut, jour(champs["date_fin_prevue"])) == contrat_durable(
                    debut, jour(cible["data"]["date_fin_prevue"]))


def test_agir_people_go_through_intake_strands_and_exit_with_realistic_delays(personnes: list[list[Etape]]) -> None:
    delais, tardifs, clotures, refus = [], 0, 0, 0
    for etapes in personnes:
        orientations = de_type(etapes, TypeEtape.ORIENTATION_AGIR)
        accueils = de_type(etapes, TypeEtape.AGIR_ACCUEIL)
        entrees = de_type(etapes, TypeEtape.AGIR_ENTREE)
        refus += len(de_type(etapes, TypeEtape.AGIR_REFUS))
        assert len(accueils) <= 1 and len(entrees) <= len(accueils)
        for accueil in accueils:
            delai = (jour(accueil["occurred_on"]) - jour(orientations[0]["occurred_on"])).days
            delais.append(delai)
            tardifs += delai > 31
            assert all(accueil["occurred_on"] <= e["occurred_on"] for e in entrees)
        volets_clos = [c["data"]["volet"] for c in de_type(etapes, TypeEtape.AGIR_VOLET_CLOTURE)]
        assert len(volets_clos) == len(set(volets_clos))
        if volets_clos:
            assert set(volets_clos) <= set(entrees[0]["data"]["volets"])
            clotures += 1
    # About ten days on average (reference/domain.md glossary #31), some beyond a month; refusals recorded.
    assert len(delais) > 50 and 3 <= sum(delais) / len(delais) <= 20 and 0 < tardifs < len(delais) / 4
    assert clotures > 10 and refus > 3


def test_spe_receivers_tell_ofii_what_became_of_accepted_orientations(personnes: list[list[Etape]]) -> None:
    acceptees = inscrits = honores = diagnostics = 0
    for etapes in personnes:
        for acceptation in de_type(etapes, TypeEtape.ORIENTATION_ACCEPTEE):
            orientation = next(e for e in etapes if e["step_id"] == acceptation["data"]["orientation_step_id"])
            if orientation["type"] != TypeEtape.ORIENTATION_SPE.value:
                continue
            acceptees += 1
            suites = [e for e in etapes if e["operateur"] == acceptation["operateur"] and e["type"] in (
                "inscription_spe", "premier_rendez_vous_spe", "diagnostic_approfondi")]
            assert all(e["occurred_on"] >= acceptation["occurred_on"] for e in suites)
            inscrits += any(e["type"] == "inscription_spe" for e in suites)
            honores += any(e["type"] == "premier_rendez_vous_spe" and e["data"]["honore"] for e in suites)
            diagnostics += any(e["type"] == "diagnostic_approfondi" for e in suites)
    assert acceptees > 100 and 0.7 < inscrits / acceptees < 0.97 and 0 < diagnostics < honores < inscrits


# Funded actions (CONTRACT §8) ---------------------------------------------------------------------------------


def test_about_one_funded_action_per_thirty_people_of_mixed_thematics(etapes: list[Etape]) -> None:
    declarations = de_type(etapes, TypeEtape.ACTION_DECLAREE)
    assert len(declarations) == round(2000 / 30)
    thematiques = {th for d in declarations for th in d["data"]["thematiques"]}
    assert {"FRANCAIS", "EMPLOI", "NUMERIQUE", "MENTORAT", "SPORT_CULTURE", "FORMATION_ACTEURS"} <= thematiques
    assert all(d["operateur"] in d["action"] for d in declarations)  # its id starts with its carrier's


def test_nothing_names_an_action_before_its_declaration_and_sessions_call_the_roll(etapes: list[Etape]) -> None:
    declarees: set[str] = set()
    for etape in etapes:
        if etape["type"] == TypeEtape.ACTION_DECLAREE.value:
            declarees.add(etape["action"])
        elif "action" in etape:
            assert etape["action"] in declarees, etape
    seances = de_type(etapes, TypeEtape.SEANCE_TENUE)
    assert sum(len(s["data"].get("presents") or []) for s in seances) > 10 * len(seances) / 2
    assert de_type(etapes, TypeEtape.BENEFICIAIRE_SORTI_ACTION) and de_type(etapes, TypeEtape.EVENEMENT_TENU)

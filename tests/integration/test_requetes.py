"""The caseworker read side on both backends: summary, timeline across operators, worklists."""

from __future__ import annotations

from datetime import date


import pytest

from projections.requetes import LISTES_DE_TRAVAIL, chronologie, implique, listes_de_travail, resume
from tests import etapes
from tests.scenario import PARCOURS_BILAL, etape, sid
from web.saisie.importation import LigneBrute, importer




def amina_id(services) -> str:  # noqa: ANN001
    return str(services.parcours.trouver_par_numero("7501234567"))


def test_the_timeline_shows_every_operators_steps_with_corrections_and_voids(services) -> None:
    with services.lectures.connect() as connexion:
        etapes = chronologie(connexion, amina_id(services), "france-travail-75")
    operateurs = {e.operateur for e in etapes}
    assert {"ofii-dt-paris", "prefecture-75", "langues-75", "agir-75", "france-travail-75", "logement-75"} <= operateurs
    logement = next(e for e in etapes if e.step_id == sid("a-logement-2"))
    assert logement.donnees["situation"] == "LOCATAIRE_PARC_PRIVE"
    assert logement.donnees_initiales["situation"] == "LOCATAIRE_PARC_SOCIAL"
    assert logement.corrigee_par == [sid("a-correction")]
    note_annulee = next(e for e in etapes if e.step_id == sid("a-note-2"))
    assert note_annulee.annulee_par == sid("a-annulation")
    assert [e.occurred_on for e in etapes] == sorted(e.occurred_on for e in etapes)


def test_an_operator_private_note_is_read_only_by_its_operator(services) -> None:
    with services.lectures.connect() as connexion:
        par_auteur = {e.step_id for e in chronologie(connexion, amina_id(services), "france-travail-75")}
        par_autre = {e.step_id for e in chronologie(connexion, amina_id(services), "agir-75")}
    assert sid("a-note") in par_auteur and sid("a-note") not in par_autre
    assert sid("a-note-2") in par_autre  # a shared note


def test_the_summary_says_where_the_person_stands(services) -> None:
    with services.lectures.connect() as connexion:
        amina = resume(connexion, amina_id(services), "ofii-dt-paris", date(2025, 6, 1))
    assert amina["identite"]["prenom"] == "Amina" and amina["identite"]["age"] == 32
    assert amina["statut"]["protection"] == "REFUGIE"
    assert amina["statut"]["fenetre_5_ans_fin"] == date(2028, 9, 5)
    assert amina["cir"]["journees_civiques_presentes"] == [1, 2, 3, 4]
    assert amina["langue"]["formation"]["heures_realisees"] == 122
    assert amina["langue"]["formation"]["terminee"]["motif"] == "NIVEAU_CIBLE_ATTEINT_ANTICIPE"
    assert amina["orientation"]["decision"]["type"] == "orientation_acceptee"
    assert amina["agir"]["sortie"]["motif"] == "OBJECTIFS_ATTEINTS"
    assert amina["logement"] == {"le": date(2024, 11, 15), "situation": "LOCATAIRE_PARC_PRIVE", "perenne": True}
    assert amina["emploi"]["episodes_ouverts"] == []


def test_operators_are_involved_once_they_record_a_step_or_receive_an_orientation(services) -> None:
    with services.lectures.connect() as connexion:
        assert implique(connexion, PARCOURS_BILAL, "mission-locale-paris")
        assert implique(connexion, amina_id(services), "langues-75")
        assert not implique(connexion, PARCOURS_BILAL, "agir-75")


def _personne_c(services) -> str:  # noqa: ANN001
    """Chantal, refugee, signed her CIR, was oriented to AGIR and France Travail, left support in May 2024."""
    c = {"numero_etranger": "7507777777"}
    suite = [
        etape("c-enr", "personne_enregistree", "2024-01-05", "ofii-dt-paris",
              {"nom": "Kabongo", "prenom": "Chantal", "date_naissance": "1990-02-02", "sexe": "F",
               "nationalite": "COD", "departement": "75", "numero_etranger": "7507777777"}, None),
        etape("c-protection", "protection_accordee", "2024-01-05", "ofii-dt-paris",
              {"type": "REFUGIE", "decision_date": "2024-01-03", "organe": "CNDA"}, c),
        etape("c-titre", "titre_sejour_delivre", "2024-01-05", "prefecture-75",
              {"motif": "HUMANITAIRE", "sous_motif": "REFUGIE", "type_titre": "CARTE_SEJOUR_TEMPORAIRE",
               "valid_from": "2024-01-05", "valid_to": "2025-01-04", "premier_titre": True}, c),
        etape("c-cir", "cir_signe", "2024-01-10", "ofii-dt-paris", {"dt_ofii": "Paris"}, c),
        etape("c-agir", "orientation_agir", "2024-01-10", "ofii-dt-paris", {"vers": "agir-75"}, c),
        etape("c-orientation", "orientation_spe", "2024-01-10", "ofii-dt-paris",
              {"vers": "france-travail-75", "motif_choix": "DEFAUT"}, c),
        etape("c-accompagnement", "accompagnement_emploi_debute", "2024-01-15", "france-travail-75",
              {"programme": "ACCOMPAGNEMENT_FT"}, c),
        etape("c-sortie", "sortie_accompagnement", "2024-05-31", "france-travail-75", {"categorie": "RECHERCHE_EMPLOI"}, c),
    ]
    rapport = importer(services.parcours, [LigneBrute(n, e) for n, e in enumerate(suite, start=1)])
    assert rapport.rejets == []
    services.rattraper()
    return str(services.parcours.trouver_par_numero("7507777777"))


def listes(services, operateur: str, jour: date) -> dict:  # noqa: ANN001
    with services.lectures.connect() as connexion:
        return listes_de_travail(connexion, operateur, jour)


def test_a_page_that_shows_some_worklists_gets_them_as_computed_among_all_and_only_them(services) -> None:
    _personne_c(services)
    with services.lectures.connect() as connexion:
        for operateur in ("france-travail-75", "ofii-dt-paris"):
            toutes = listes_de_travail(connexion, operateur, date(2024, 3, 1))
            assert list(toutes) == list(LISTES_DE_TRAVAIL) and any(toutes.values())
            for nom in LISTES_DE_TRAVAIL:
                assert listes_de_travail(connexion, operateur, date(2024, 3, 1), seulement=[nom]) == {nom: toutes[nom]}
        with pytest.raises(ValueError, match="inconnues"):
            listes_de_travail(connexion, "ofii-dt-paris", date(2024, 3, 1), seulement=["orientations"])


def test_a_follow_up_is_listed_while_its_window_is_open_and_late_after_its_due_date(services) -> None:
    chantal = _personne_c(services)
    # Exit on 31/05/2024: due 30/11/2024, window 15/11/2024 – 14/01/2025.
    assert listes(services, "france-travail-75", date(2024, 11, 10))["suivis_six_mois"] == []
    [a_faire] = listes(services, "france-travail-75", date(2024, 11, 20))["suivis_six_mois"]
    assert (a_faire["parcours_id"], a_faire["echeance"], a_faire["en_retard"]) == (chantal, date(2024, 11, 30), False)
    assert a_faire["formulaire"] == {"type": "suivi_six_mois", "data": {"sortie_step_id": sid("c-sortie")}}
    assert a_faire["personne"] == "Chantal Kabongo"
    assert listes(services, "france-travail-75", date(2024, 12, 5))["suivis_six_mois"][0]["en_retard"] is True
    assert listes(services, "france-travail-75", date(2025, 1, 20))["suivis_six_mois"] == []
    assert listes(services, "mission-locale-paris", date(2024, 11, 20))["suivis_six_mois"] == []


def test_an_unanswered_orientation_waits_in_both_the_receiver_and_the_sender_lists(services) -> None:
    chantal = _personne_c(services)
    [recue] = [o for o in listes(services, "france-travail-75", date(2024, 3, 1))["orientations_en_attente"] if o["parcours_id"] == chantal]
    assert recue["sens"] == "recue" and recue["en_retard"] is True
    assert recue["formulaire"] == {"type": "orientation_acceptee", "data": {"orientation_step_id": sid("c-orientation")}}
    envoyees = listes(services, "ofii-dt-paris", date(2024, 1, 20))["orientations_en_attente"]
    assert {(o["parcours_id"], o["sens"], o["en_retard"]) for o in envoyees} >= {(chantal, "envoyee", False)}


def test_an_agir_intake_not_held_a_month_after_the_orientation_is_late(services) -> None:
    chantal = _personne_c(services)
    assert listes(services, "agir-75", date(2024, 2, 5))["accueils_agir_en_retard"] == []
    [en_retard] = listes(services, "agir-75", date(2024, 3, 1))["accueils_agir_en_retard"]
    assert (en_retard["parcours_id"], en_retard["echeance"]) == (chantal, date(2024, 2, 10))


def test_an_end_of_cir_interview_is_overdue_a_year_after_a_cir_without_language_training(services) -> None:
    chantal = _personne_c(services)
    assert chantal not in {e["parcours_id"] for e in listes(services, "ofii-dt-paris", date(2024, 12, 1))["entretiens_fin_cir_en_retard"]}
    en_retard = listes(services, "ofii-dt-paris", date(2025, 2, 1))["entretiens_fin_cir_en_retard"]
    assert chantal in {e["parcours_id"] for e in en_retard}
    assert amina_id(services) not in {e["parcours_id"] for e in en_retard}


def test_a_late_interview_is_listed_from_the_day_after_its_due_date_month_ends_included(services) -> None:
    chantal = _personne_c(services)  # CIR on 10/01/2024, no language training: due on 10/01/2025

    def personne(numero: str, cir_le: str, fin_de_formation: str | None) -> str:
        suite = [etapes.enregistrement(numero, jour=cir_le), etapes.titre(numero, jour=cir_le), etapes.cir(numero, jour=cir_le)]
        if fin_de_formation:
            suite += [etapes.positionnement(numero, jour=cir_le), etapes.prescription(numero, jour=cir_le),
                      etapes.fin_formation(numero, jour=fin_de_formation, motif="ABANDON")]
        assert importer(services.parcours, [LigneBrute(n, e) for n, e in enumerate(suite, start=1)]).rejets == []
        services.rattraper()
        return str(services.parcours.trouver_par_numero(numero))

    # Month ends: three months after 30/09/2024 is 30/12/2024; a year after 28/02/2023 is 28/02/2024 (2024 is leap).
    dina = personne("7508888888", "2024-01-10", "2024-09-30")
    eva = personne("7508888889", "2023-02-28", None)

    def en_retard(jour: date) -> dict[str, date]:
        return {e["parcours_id"]: e["echeance"] for e in listes(services, "ofii-dt-paris", jour)["entretiens_fin_cir_en_retard"]}

    assert chantal not in en_retard(date(2025, 1, 10)) and en_retard(date(2025, 1, 11))[chantal] == date(2025, 1, 10)
    assert dina not in en_retard(date(2024, 12, 30)) and en_retard(date(2024, 12, 31))[dina] == date(2024, 12, 30)
    assert eva not in en_retard(date(2024, 2, 28)) and en_retard(date(2024, 2, 29))[eva] == date(2024, 2, 28)


def test_an_interview_is_not_due_while_a_language_training_runs_and_is_due_three_months_after_it_ends(services) -> None:
    numero = "7508888890"
    debut = [etapes.enregistrement(numero, jour="2023-01-10"), etapes.titre(numero, jour="2023-01-10"),
             etapes.cir(numero, jour="2023-01-10"), etapes.positionnement(numero, jour="2023-01-10"),
             etapes.prescription(numero, jour="2023-01-10")]
    assert importer(services.parcours, [LigneBrute(n, e) for n, e in enumerate(debut, start=1)]).rejets == []
    services.rattraper()
    fanny = str(services.parcours.trouver_par_numero(numero))

    def en_retard(jour: date) -> dict[str, date]:
        return {e["parcours_id"]: e["echeance"] for e in listes(services, "ofii-dt-paris", jour)["entretiens_fin_cir_en_retard"]}

    assert fanny not in en_retard(date(2024, 6, 1))  # more than a year after the CIR, but the training runs
    fin = etapes.fin_formation(numero, jour="2024-06-15")
    assert importer(services.parcours, [LigneBrute(1, fin)]).rejets == []
    services.rattraper()
    assert fanny not in en_retard(date(2024, 9, 15)) and en_retard(date(2024, 9, 16))[fanny] == date(2024, 9, 15)


def test_residence_permits_ending_within_60_days_are_listed_for_the_operators_involved(services) -> None:
    chantal = _personne_c(services)
    assert listes(services, "ofii-dt-paris", date(2024, 10, 1))["titres_expirant"] == []
    [titre] = listes(services, "ofii-dt-paris", date(2024, 12, 1))["titres_expirant"]
    assert (titre["parcours_id"], titre["echeance"]) == (chantal, date(2025, 1, 4))
    assert listes(services, "mission-locale-paris", date(2024, 12, 1))["titres_expirant"] == []

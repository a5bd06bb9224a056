"""Retention dates and notices, the access journal, the subject-access export (both backends)."""

from __future__ import annotations

from datetime import date


from projections.donnees_personnelles import a_anonymiser, dates_de_retention, dossier_complet, journal_des_acces, preavis_de_retention
from tests.scenario import NUMERO_AMINA, PARCOURS_BILAL




def test_a_pathway_is_due_for_anonymisation_two_years_after_its_five_year_window(services) -> None:
    amina = str(services.parcours.trouver_par_numero(NUMERO_AMINA))
    with services.lectures.connect() as connexion:
        dates = dates_de_retention(connexion)
        assert dates[amina] == date(2030, 9, 5)  # first permit valid from 05/09/2023: 5 + 2 years
        assert dates[PARCOURS_BILAL] == date(2031, 2, 1)
        assert dates_de_retention(connexion, annees=0)[amina] == date(2028, 9, 5)
        assert a_anonymiser(connexion, date(2030, 9, 4)) == []
        assert [e["parcours_id"] for e in a_anonymiser(connexion, date(2030, 9, 5))] == [amina]


def test_responsables_get_a_notice_thirty_days_before(services) -> None:
    amina = str(services.parcours.trouver_par_numero(NUMERO_AMINA))
    with services.lectures.connect() as connexion:
        assert preavis_de_retention(connexion, "france-travail-75", date(2030, 8, 5)) == []
        [preavis] = preavis_de_retention(connexion, "france-travail-75", date(2030, 8, 10))
        assert preavis["parcours_id"] == amina and "05/09/2030" in preavis["detail"]
        assert preavis_de_retention(connexion, "mission-locale-paris", date(2030, 8, 10)) == []


def test_every_journaled_read_is_listed_for_the_operator_and_for_the_person(services) -> None:
    amina = services.parcours.trouver_par_numero(NUMERO_AMINA)
    services.parcours.journaliser_consultation("j.bernard", "france-travail-75", amina, "ui:personne", "suivi du dossier")
    services.parcours.journaliser_consultation("a.ndiaye", "ofii-dt-paris", amina, "api:/api/v1/personnes")
    services.rattraper()
    with services.lectures.connect() as connexion:
        par_operateur = journal_des_acces(connexion, operateur="france-travail-75")
        par_personne = journal_des_acces(connexion, parcours_id=str(amina))
    assert [(j["login"], j["motif"]) for j in par_operateur] == [("j.bernard", "suivi du dossier")]
    assert {j["login"] for j in par_personne} == {"j.bernard", "a.ndiaye"}


def test_the_subject_access_export_holds_every_step_in_french_with_private_notes_and_reads(services) -> None:
    amina = services.parcours.trouver_par_numero(NUMERO_AMINA)
    services.parcours.journaliser_consultation("j.bernard", "france-travail-75", amina, "ui:personne")
    services.rattraper()
    with services.lectures.connect() as connexion:
        dossier = dossier_complet(connexion, str(amina))
    libelles = [e["libelle"] for e in dossier["etapes"]]
    assert "Contrat d'intégration républicaine signé" in libelles and "Note" in libelles
    assert dossier["identite"]["prenom"] == "Amina"
    correction = next(e for e in dossier["etapes"] if e["donnees"].get("situation") == "LOCATAIRE_PARC_PRIVE")
    assert correction["valeurs_initiales"]["situation"] == "LOCATAIRE_PARC_SOCIAL"
    assert any("restauration" in str(e["donnees"]) for e in dossier["etapes"])  # the private note too
    assert dossier["consultations"][0]["par"] == "j.bernard"

"""Every code a caseworker may meet on a page has its French wording, in one place per vocabulary."""

from __future__ import annotations

from parcours.pays import NOMS_PAYS, nom_pays
from parcours.demandes import MotifDemande, MotifRefusDemande
from parcours.vocabulaire import ENUMERATIONS, LIBELLES_DES_CODES, LIBELLES_ETAPES, LIBELLES_TYPES_OPERATEUR, Sexe, TypeEtape, TypeOperateur
from projections.indicateurs import LIBELLES_PUBLICS, PUBLICS
from web.pages.formulaires import champs, libelle_valeur
from web.pages.graphiques import pourcentage
from web.pages.noms import initiale
from web.saisie.schemas import PAYS_ISO3


def test_every_enumeration_value_has_its_french_label_beside_it() -> None:
    manquants = {e.__name__: [m.value for m in e if not m.libelle_donne] for e in (*ENUMERATIONS, MotifDemande, MotifRefusDemande)}
    assert not {nom: valeurs for nom, valeurs in manquants.items() if valeurs}
    assert Sexe.F.libelle == "Femme" and Sexe("F") is Sexe.F and Sexe.F.value == "F"  # the label never changes what is stored
    assert libelle_valeur("FAMILLE_DE_REFUGIE") == "Famille de réfugié" and libelle_valeur("CDI") == "CDI"


def test_a_code_reads_the_same_in_every_vocabulary_that_holds_it() -> None:
    for enumeration in ENUMERATIONS:
        if enumeration not in (TypeEtape, TypeOperateur):
            assert all(LIBELLES_DES_CODES[m.value] == m.libelle for m in enumeration), enumeration.__name__


def test_step_types_operator_kinds_and_publics_have_their_names() -> None:
    assert set(LIBELLES_ETAPES) == set(TypeEtape)
    assert set(LIBELLES_TYPES_OPERATEUR) == set(TypeOperateur.valeurs())
    assert set(LIBELLES_PUBLICS) == set(PUBLICS)


def test_every_accepted_nationality_has_its_french_country_name() -> None:
    assert set(NOMS_PAYS) == PAYS_ISO3
    assert (nom_pays("AFG"), nom_pays("SYR"), nom_pays("CIV"), nom_pays("XKX")) == ("Afghanistan", "Syrie", "Côte d'Ivoire", "Kosovo")


def test_the_nationality_is_chosen_by_country_name_and_posted_as_its_code() -> None:
    [nationalite] = [c for c in champs(TypeEtape.PERSONNE_ENREGISTREE) if c.nom == "nationalite"]
    assert nationalite.widget == "select" and len(nationalite.choix) == len(NOMS_PAYS)
    assert nationalite.choix[0].libelle == "Afghanistan" and ("AFG", "Afghanistan") in [(c.valeur, c.libelle) for c in nationalite.choix]


def test_rates_read_in_percent_with_a_decimal_comma() -> None:
    assert pourcentage(0.656) == "65,6 %" and pourcentage(None) == "—" and pourcentage(1) == "100,0 %"


def test_a_journal_names_a_person_by_initial_and_surname() -> None:
    assert initiale("Nasrin", "Haidari") == "N. Haidari" and initiale(None, None) == "personne effacée"
    assert libelle_valeur("EMPLOI_CDI") == "Emploi en CDI"

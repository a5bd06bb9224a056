"""Issue 14, finding 5: statistics never give out a count of one.

What a COPIL account or a statistics token sees follows the export's protection (CONTRACT §7 defaults):
counts 1..10 shown « < 11 », a second count hidden where the first could be recomputed from a total on
the same page, rates hidden over fewer than 11 units, periods in whole months; a responsable reads their
own operator's figures as they are. API and pages on both backends; the suppression rules by hand.
"""

from __future__ import annotations

from datetime import date

from parcours.comptes import Portee, Role
from projections.document import calculer
from projections.indicateurs import Demande
from projections.masquage import MASQUE_COMPTE, MASQUE_TAUX, en_mois_entiers, masquer
from tests.security.outils import jeton_api, session_de

UN_JOUR = "du=2023-10-02&au=2023-10-02&departement=75"  # the day Amina signed her CIR


def test_a_statistics_token_never_reads_a_count_of_one_and_gets_whole_months(app_deux_bases) -> None:
    app = app_deux_bases
    document = app.test_client().get(f"/api/v1/indicateurs?{UN_JOUR}", headers=jeton_api(app, "ofii-dt-paris", (Portee.STATISTIQUES,))).get_json()
    assert document["periode"] == {"du": "2023-10-01", "au": "2023-10-31"}
    cir = document["cir"]
    assert cir["signataires"] == MASQUE_COMPTE
    assert MASQUE_COMPTE in cir["par_sexe"].values() and MASQUE_COMPTE in cir["par_age"].values()
    # The same month unprotected holds small counts (Amina alone); the statistics token reads none of them.
    brut = calculer(app.extensions["parcours"].lectures, Demande(date(2023, 10, 1), date(2023, 10, 31), departement="75"))
    assert _petits_comptes(brut) and not _petits_comptes(document)
    assert document["masquage"]["seuil"] == 11


def _valeurs(d: dict) -> list:
    return [x for v in d.values() for x in (_valeurs(v) if isinstance(v, dict) else [v])]


def _petits_comptes(document: dict) -> list[int]:
    """The counts from 1 to k − 1 of the person-level families, which protection must hide."""
    return [v for famille in ("public_cible", "cir") for v in _valeurs(document[famille])
            if isinstance(v, int) and not isinstance(v, bool) and 1 <= v < 11]


def test_copil_reads_the_same_protection_on_the_page_and_a_responsable_its_own_figures_unmasked(app_deux_bases) -> None:
    app = app_deux_bases
    copil = session_de(app, "copil-s", Role.COPIL, "ofii-dt-paris")
    page = copil.get(f"/pilotage?{UN_JOUR}").get_data(as_text=True)
    assert "&lt; 11" in page and "2023-10-31" in page
    csv_ = copil.get(f"/pilotage?{UN_JOUR}&format=csv").get_data(as_text=True)
    assert "cir.signataires,< 11" in csv_ and "cir.par_sexe.F,< 11" in csv_
    responsable = session_de(app, "resp-ofii", Role.RESPONSABLE, "ofii-dt-paris")
    propre = responsable.get(f"/pilotage?{UN_JOUR}&operateur=ofii-dt-paris&format=csv").get_data(as_text=True)
    assert "cir.signataires,1" in propre
    autre = responsable.get(f"/pilotage?{UN_JOUR}&format=csv").get_data(as_text=True)
    assert "cir.signataires,< 11" in autre


def _document(**familles: dict) -> dict:
    base = {"periode": {"du": "2025-01-01", "au": "2025-12-31"}, "vu_au": None, "position_journal": 1, "filtres": {}}
    return base | familles


def test_a_lone_small_count_in_a_total_takes_a_second_one_with_it() -> None:
    # 12 people: 11 men, 1 woman. The woman is hidden (primary); 12 − 11 would give her back: the men are
    # hidden too (secondary), the total stays. 0 stays 0.
    public = {"total": 12, "hommes": 11, "femmes": 1, "moins_de_25_ans": 0, "moins_de_26_ans": 0, "bpi": 0, "bpi_hommes": 0,
              "bpi_femmes": 0, "bpi_moins_de_25_ans": 0, "part_non_bpi": 1.0}
    masque = masquer(_document(public_cible=public))["public_cible"]
    assert (masque["total"], masque["hommes"], masque["femmes"], masque["bpi"]) == (12, MASQUE_COMPTE, MASQUE_COMPTE, 0)
    assert masque["part_non_bpi"] == 1.0  # over 12 people


def test_cir_breakdowns_are_protected_in_each_of_their_three_sums() -> None:
    # 14 signatories: F 13 / M 1 / X 0; under 26: 2, 26+: 12; BPI 3, FAMILIAL 11. Primaries: M, under 26, BPI.
    # Secondaries: F (13 − 0 would give M back), 26+ (14 − 12), FAMILIAL (14 − 3 − 0 − 0).
    cir = {"signataires": 14, "par_sexe": {"F": 13, "M": 1, "X": 0}, "par_age": {"moins_de_26": 2, "26_plus": 12},
           "par_statut": {"BPI": 3, "FAMILIAL": 11, "ECONOMIQUE": 0, "AUTRE": 0}, "prescriptions_obligatoires": 11,
           "dispenses_orientation_spe": 0, "orientations_spe": {"FRANCE_TRAVAIL": 12, "MISSION_LOCALE": 2}}
    masque = masquer(_document(cir=cir))
    m = masque["cir"]
    assert m["signataires"] == 14 and m["par_sexe"] == {"F": MASQUE_COMPTE, "M": MASQUE_COMPTE, "X": 0}
    assert m["par_age"] == {"moins_de_26": MASQUE_COMPTE, "26_plus": MASQUE_COMPTE}
    assert m["par_statut"] == {"BPI": MASQUE_COMPTE, "FAMILIAL": MASQUE_COMPTE, "ECONOMIQUE": 0, "AUTRE": 0}
    assert m["orientations_spe"] == {"FRANCE_TRAVAIL": 12, "MISSION_LOCALE": MASQUE_COMPTE}
    assert set(masque["masquage"]["secondaires"]) == {"cir.par_sexe.F", "cir.par_age.26_plus", "cir.par_statut.FAMILIAL"}


def test_rates_and_means_over_fewer_than_eleven_units_are_hidden() -> None:
    emploi = {"sorties": 14, "sorties_neutres": 4, "duree_moyenne_mois": 3.2, "sorties_positives": 6, "dont_emploi_durable": 3,
              "dont_formation": 2, "taux_sortie_positive": 0.6, "sorties_emploi_sans_contrat": 0,
              "suivi_6_mois": {"cohorte": 12, "renseignes": 11, "positifs": 5, "taux_positif": 0.417, "taux_reponse": 0.917}}
    m = masquer(_document(accompagnement_emploi=emploi))["accompagnement_emploi"]
    # 14 − 4 = 10 non-neutral exits: the rate and the mean duration over them are hidden.
    assert (m["taux_sortie_positive"], m["duree_moyenne_mois"]) == (MASQUE_TAUX, MASQUE_TAUX)
    # 12 in the follow-up cohort: its rates stay.
    assert (m["suivi_6_mois"]["taux_positif"], m["suivi_6_mois"]["taux_reponse"]) == (0.417, 0.917)
    # Neutral exits (4) hidden; the total stays: the non-neutral part is not on the page to subtract.
    assert (m["sorties"], m["sorties_neutres"]) == (14, MASQUE_COMPTE)


def test_periods_are_widened_to_whole_months() -> None:
    assert en_mois_entiers(date(2024, 2, 10), date(2024, 2, 10)) == (date(2024, 2, 1), date(2024, 2, 29))
    assert en_mois_entiers(date(2025, 1, 1), date(2025, 12, 31)) == (date(2025, 1, 1), date(2025, 12, 31))

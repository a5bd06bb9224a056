"""CONTRACT §5, the document itself: "Top-level keys, all present (a count with nothing to count is
0; a rate or mean with an empty denominator is `null`)"."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conftest import Territoire


def document_vide(du: str, au: str, position: int, vu_au: str | None = None, **filtres: str) -> dict:
    """Every key of §5 with nothing to count: counts 0, rates and means null, every sub-key present."""
    return {
        "periode": {"du": du, "au": au},
        "vu_au": vu_au,
        "position_journal": position,
        "filtres": {"departement": None, "operateur": None, "public": None, **filtres},
        "seuil_emploi_durable": "6 mois ou plus (date de fin prévue ≥ début + 6 mois − 1 jour)",
        "public_cible": {
            "total": 0, "hommes": 0, "femmes": 0, "moins_de_25_ans": 0, "moins_de_26_ans": 0, "bpi": 0,
            "bpi_hommes": 0, "bpi_femmes": 0, "bpi_moins_de_25_ans": 0, "part_non_bpi": None,
        },
        "accompagnement_emploi": {
            "sorties": 0, "sorties_neutres": 0, "duree_moyenne_mois": None, "sorties_positives": 0,
            "dont_emploi_durable": 0, "dont_formation": 0, "taux_sortie_positive": None,
            "suivi_6_mois": {"cohorte": 0, "renseignes": 0, "positifs": 0, "taux_positif": None, "taux_reponse": None},
            "sorties_emploi_sans_contrat": 0,
        },
        "langue": {
            "formations_terminees": 0, "heures_realisees": 0, "assidus": 0, "evalues": 0,
            "progression_un_niveau": 0, "atteignant_a1": 0, "taux_atteignant_a1": None,
        },
        "logement": {"menages_logement_perenne": 0},
        "cir": {
            "signataires": 0,
            "par_sexe": {"F": 0, "M": 0, "X": 0},
            "par_age": {"moins_de_26": 0, "26_plus": 0, "moins_de_25": 0},
            "par_statut": {"BPI": 0, "FAMILIAL": 0, "ECONOMIQUE": 0, "AUTRE": 0, "HUMANITAIRE": 0},
            "prescriptions_obligatoires": 0,
            "taux_prescription_obligatoire": None,
            "dispenses_orientation_spe": 0,
            "orientations_spe": {"FRANCE_TRAVAIL": 0, "MISSION_LOCALE": 0, "CAP_EMPLOI": 0, "APEC": 0},
        },
        "agir": {
            "orientations": 0, "accueils": 0, "delai_moyen_accueil_jours": None,
            "refus": {"REFUS_PERSONNE": 0, "NON_ELIGIBLE": 0, "INJOIGNABLE": 0},
            "entrees": 0, "volets": {"DROITS": 0, "LOGEMENT": 0, "EMPLOI_FORMATION": 0, "tous_les_trois": 0},
            "sorties": 0, "sorties_neutres": 0, "duree_moyenne_mois": None, "sorties_objectifs_atteints": 0,
            "sorties_emploi_formation_durable": 0, "taux_emploi_formation_durable": None,
            "sorties_logement_perenne": 0, "taux_logement_perenne": None, "en_cours": 0, "au_dela_24_mois": 0,
        },
        "spe": {
            **SPE_VIDE,
            "par_type_operateur": {kind: SPE_VIDE for kind in ("APEC", "CAP_EMPLOI", "FRANCE_TRAVAIL", "MISSION_LOCALE")},
        },
        "actions": {**{cle: 0 for cle in ACTIONS_CLES}, "cout_total": 0.0, "subvention_p104": 0.0},
    }


ACTIONS_CLES = (
    "nombre", "beneficiaires", "heures_francais", "assidus_francais", "progression_francais", "heures_valeurs",
    "heures_numerique", "acteurs_formes", "heures_acteurs", "consultations", "outils_pretes", "binomes",
    "evenements_sportifs", "evenements_culturels", "menages_logement_perenne",
)


SPE_VIDE = {
    "orientations": 0, "acceptees": 0, "refusees": 0, "sans_reponse": 0, "delai_moyen_reponse_jours": None, "inscrits": 0,
    "premier_rdv_honore": 0, "delai_moyen_premier_rdv_jours": None, "diagnostics": 0,
    "freins": {frein: 0 for frein in ("GARDE_ENFANTS", "MOBILITE", "SANTE", "LOGEMENT", "LANGUE", "NUMERIQUE",
                                      "RECONNAISSANCE_DIPLOMES", "DROITS", "AUTRE")},
}


def test_an_empty_store_gives_every_key_with_zero_counts_and_null_rates(territoire: Territoire) -> None:
    document = territoire.indicateurs("2025-01-01", "2025-12-31")
    assert isinstance(document["position_journal"], int)
    assert document == document_vide("2025-01-01", "2025-12-31", document["position_journal"])


def test_an_empty_store_echoes_the_filters_and_the_day_it_is_seen_from(territoire: Territoire) -> None:
    document = territoire.indicateurs("2025-01-01", "2025-03-31", vu_au="2025-04-02", departement="59",
                                      operateur="france-travail-59", public="moins_de_26_ans")
    attendu = document_vide("2025-01-01", "2025-03-31", document["position_journal"], vu_au="2025-04-02",
                            departement="59", operateur="france-travail-59", public="moins_de_26_ans")
    assert document == attendu


def test_steps_dated_outside_the_period_leave_every_count_at_zero_and_every_rate_null(territoire: Territoire) -> None:
    t = territoire
    # A whole pathway in 2024, reported on the second half of 2025: the exit (15/05/2024) falls due on
    # 15/11/2024, outside the period too.
    qui = t.personne(naissance="1990-01-01", sexe="M")
    t.formation(qui, positionnements=[("2024-01-05", "INFRA_A1", "INFRA_A1")], cir_le="2024-01-05", prescrite_le="2024-01-10",
                heures=[("2024-02-10", 50, 45)], evaluations=[("2024-04-01", "A1", "A1")], fin=("2024-04-02", "FORFAIT_REALISE"))
    t.episode(qui, "2024-02-01", "2024-05-15", "EMPLOI_CDI")
    t.logement(qui, "2024-01-01", "CPH")
    t.logement(qui, "2024-06-01", "LOCATAIRE_PARC_SOCIAL")
    document = t.indicateurs("2025-07-01", "2025-12-31")
    assert document == document_vide("2025-07-01", "2025-12-31", document["position_journal"])

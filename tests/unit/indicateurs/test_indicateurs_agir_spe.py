"""CONTRACT §9, the `agir` and `spe` keys, on small cohorts computed by hand (the arithmetic is in the comments).

- `agir`: orientations, intakes and their mean delay, refusals by motif, entries and strands, exits
  (neutral = DEMENAGEMENT), mean duration (§5 method), exits on objectives, into a lasting job or
  training active at exit, into durable housing, the two rates over non-neutral exits, episodes open at
  the period's end and those past 24 months.
- `spe`: orientations dated in the period and what became of them, also per receiving operator kind.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conftest import Territoire

PERIODE = ("2025-01-01", "2025-12-31")
TROIS_VOLETS = ["DROITS", "LOGEMENT", "EMPLOI_FORMATION"]


def refugie(t: Territoire, protection: str = "2024-06-01", cir: str = "2025-01-05", **options: str) -> str:
    qui = t.personne(motif="HUMANITAIRE", protection=protection, **options)
    t.cir(qui, cir)
    return qui


def orienter(t: Territoire, qui: str, le: str, vers: str = "agir-75") -> str:
    return t.etape("orientation_agir", le, "ofii-dt-paris", {"vers": vers}, qui)


def accueillir(t: Territoire, qui: str, le: str, operateur: str = "agir-75") -> str:
    return t.etape("agir_accueil", le, operateur,
                   {"diagnostic": ["LOGEMENT"], "situation_logement": "DNA", "situation_pro": "RECHERCHE_EMPLOI"}, qui)


def entrer(t: Territoire, qui: str, le: str, volets: list[str], operateur: str = "agir-75") -> str:
    return t.etape("agir_entree", le, operateur, {"volets": volets}, qui)


def sortir(t: Territoire, qui: str, le: str, motif: str, operateur: str = "agir-75") -> str:
    return t.etape("agir_sortie", le, operateur, {"motif": motif}, qui)


def territoire_agir(t: Territoire) -> None:
    # r1: intake 10 days after orientation, three strands, CDI from 01/09, social housing from 01/08,
    # exit on objectives 01/10 (249 days after entry on 25/01).
    r1 = refugie(t)
    orienter(t, r1, "2025-01-10")
    accueillir(t, r1, "2025-01-20")
    entrer(t, r1, "2025-01-25", TROIS_VOLETS)
    t.logement(r1, "2025-01-25", "DNA")
    t.etape("contrat_travail_debute", "2025-08-20", "agir-75", {"type_contrat": "CDI", "date_debut": "2025-09-01"}, r1)
    t.logement(r1, "2025-08-01", "LOCATAIRE_PARC_SOCIAL")
    t.etape("agir_volet_cloture", "2025-08-01", "agir-75", {"volet": "LOGEMENT", "resultat": "ATTEINT"}, r1)
    sortir(t, r1, "2025-10-01", "OBJECTIFS_ATTEINTS")
    # r2: intake 40 days after orientation (flagged, still counted); a CDI starting the day after the
    # exit does not count; private rental at exit; ABANDON on 01/11 (231 days after entry on 15/03).
    r2 = refugie(t)
    orienter(t, r2, "2025-02-01")
    accueillir(t, r2, "2025-03-13")
    entrer(t, r2, "2025-03-15", ["DROITS", "LOGEMENT"])
    t.logement(r2, "2025-05-01", "LOCATAIRE_PARC_PRIVE")
    t.etape("contrat_travail_debute", "2025-10-25", "agir-75", {"type_contrat": "CDI", "date_debut": "2025-11-02"}, r2)
    sortir(t, r2, "2025-11-01", "ABANDON")
    # r3: moves away: a neutral exit, out of the rates and of the mean duration.
    r3 = refugie(t)
    orienter(t, r3, "2025-03-01")
    accueillir(t, r3, "2025-03-05")
    entrer(t, r3, "2025-03-10", ["EMPLOI_FORMATION"])
    sortir(t, r3, "2025-06-10", "DEMENAGEMENT")
    # r4: refuses AGIR. r5: oriented, nothing else yet.
    r4 = refugie(t)
    orienter(t, r4, "2025-04-01")
    t.etape("agir_refus", "2025-04-15", "agir-75", {"motif": "REFUS_PERSONNE"}, r4)
    orienter(t, refugie(t), "2025-05-01")
    # r6: entered in 2023, never exited: open at the period's end, past entry + 24 months (10/03/2025).
    r6 = t.personne(motif="HUMANITAIRE", protection="2022-06-01", titre_le="2022-06-10", enregistree_le="2022-06-01")
    t.cir(r6, "2023-03-01")
    orienter(t, r6, "2023-03-01")
    entrer(t, r6, "2023-03-10", ["DROITS"])
    # r7: entered in June, still supported.
    r7 = refugie(t)
    orienter(t, r7, "2025-06-01")
    entrer(t, r7, "2025-06-10", ["LOGEMENT", "EMPLOI_FORMATION"])


def test_agir_funnel_strands_exits_and_targets(territoire: Territoire) -> None:
    territoire_agir(territoire)
    agir = territoire.indicateurs(*PERIODE)["agir"]
    assert agir == {
        "orientations": 6,  # r1, r2, r3, r4, r5, r7 (r6's is of 2023)
        "accueils": 3,  # r1, r2, r3
        "delai_moyen_accueil_jours": 18.0,  # (10 + 40 + 4) / 3
        "refus": {"REFUS_PERSONNE": 1, "NON_ELIGIBLE": 0, "INJOIGNABLE": 0},
        "entrees": 4,  # r1, r2, r3, r7
        "volets": {"DROITS": 2, "LOGEMENT": 3, "EMPLOI_FORMATION": 3, "tous_les_trois": 1},
        "sorties": 3,
        "sorties_neutres": 1,  # r3
        "duree_moyenne_mois": 7.9,  # (249 + 231) / 2 = 240 days / 30.4375 = 7.885
        "sorties_objectifs_atteints": 1,  # r1
        "sorties_emploi_formation_durable": 1,  # r1; r2's contract starts the day after
        "taux_emploi_formation_durable": 0.5,  # 1 / 2 non-neutral exits
        "sorties_logement_perenne": 2,  # r1 social, r2 private rental
        "taux_logement_perenne": 1.0,
        "en_cours": 2,  # r6, r7
        "au_dela_24_mois": 1,  # r6
    }


def test_an_episode_open_at_the_end_of_an_earlier_period_is_counted_open_then(territoire: Territoire) -> None:
    territoire_agir(territoire)
    agir = territoire.indicateurs("2025-01-01", "2025-06-30")["agir"]
    # Open on 30/06: r1, r2, r6, r7 (r3 left on 10/06); past 24 months: r6. Exits of the half-year: r3 only.
    assert (agir["en_cours"], agir["au_dela_24_mois"]) == (4, 1)
    assert (agir["sorties"], agir["sorties_neutres"], agir["duree_moyenne_mois"], agir["taux_logement_perenne"]) == (1, 1, None, None)


def test_a_voided_exit_counts_nowhere_and_reopens_the_episode(territoire: Territoire) -> None:
    t = territoire
    qui = refugie(t)
    orienter(t, qui, "2025-01-10")
    entrer(t, qui, "2025-01-20", ["DROITS"])
    sortie = sortir(t, qui, "2025-03-01", "PERDU_DE_VUE")
    t.annuler(qui, sortie, "2025-03-05", operateur="agir-75")
    agir = t.indicateurs(*PERIODE)["agir"]
    assert (agir["sorties"], agir["en_cours"], agir["taux_emploi_formation_durable"]) == (0, 1, None)


def test_agir_counts_follow_the_departement_filter(territoire: Territoire) -> None:
    t = territoire
    paris = refugie(t)
    orienter(t, paris, "2025-01-10")
    accueillir(t, paris, "2025-01-15")
    nord = refugie(t, departement="59")
    orienter(t, nord, "2025-01-10")
    accueillir(t, nord, "2025-02-09")
    assert t.indicateurs(*PERIODE)["agir"]["delai_moyen_accueil_jours"] == 17.5  # (5 + 30) / 2
    agir_59 = t.indicateurs(*PERIODE, departement="59")["agir"]
    assert (agir_59["orientations"], agir_59["accueils"], agir_59["delai_moyen_accueil_jours"]) == (1, 1, 30.0)


# spe ---------------------------------------------------------------------------------------------------


def orienter_spe(t: Territoire, qui: str, le: str, vers: str, motif: str = "DEFAUT") -> str:
    return t.etape("orientation_spe", le, "ofii-dt-paris", {"vers": vers, "motif_choix": motif}, qui)


def accepter(t: Territoire, qui: str, orientation: str, le: str, vers: str) -> None:
    t.etape("orientation_acceptee", le, vers, {"orientation_step_id": orientation}, qui)


def test_spe_return_per_orientation_and_per_receiving_kind(territoire: Territoire) -> None:
    t = territoire
    # s1 (France Travail): accepted after 10 days, registered, a missed appointment then one held 30
    # days after the orientation, a diagnostic naming language and mobility.
    s1 = t.personne()
    o1 = orienter_spe(t, s1, "2025-02-01", "france-travail-75")
    accepter(t, s1, o1, "2025-02-11", "france-travail-75")
    t.etape("inscription_spe", "2025-02-12", "france-travail-75", {"identifiant_spe": "FT-0001"}, s1)
    t.etape("premier_rendez_vous_spe", "2025-02-20", "france-travail-75", {"date_rdv": "2025-02-20", "honore": False}, s1)
    t.etape("premier_rendez_vous_spe", "2025-03-03", "france-travail-75", {"date_rdv": "2025-03-03", "honore": True}, s1)
    t.etape("diagnostic_approfondi", "2025-03-03", "france-travail-75", {"freins": ["LANGUE", "MOBILITE"]}, s1)
    # s2 (France Travail): accepted after 4 days, then never registered.
    s2 = t.personne()
    accepter(t, s2, orienter_spe(t, s2, "2025-03-01", "france-travail-75"), "2025-03-05", "france-travail-75")
    # s3 (Mission locale, 22): refused after 20 days.
    s3 = t.personne(naissance="2003-01-01")
    o3 = orienter_spe(t, s3, "2025-04-01", "mission-locale-paris", "AGE_MOINS_26")
    t.etape("orientation_refusee", "2025-04-21", "mission-locale-paris", {"orientation_step_id": o3, "motif": "hors secteur"}, s3)
    # s4 (Cap emploi): no answer yet.
    orienter_spe(t, t.personne(), "2025-05-01", "cap-emploi-75", "RQTH")
    # s5 (Mission locale, 20): accepted after 2 days, registered, held appointment 9 days after the orientation.
    s5 = t.personne(naissance="2005-01-01")
    o5 = orienter_spe(t, s5, "2025-06-01", "mission-locale-paris", "AGE_MOINS_26")
    accepter(t, s5, o5, "2025-06-03", "mission-locale-paris")
    t.etape("inscription_spe", "2025-06-04", "mission-locale-paris", {}, s5)
    t.etape("premier_rendez_vous_spe", "2025-06-10", "mission-locale-paris", {"date_rdv": "2025-06-10", "honore": True}, s5)
    t.etape("diagnostic_approfondi", "2025-06-10", "mission-locale-paris",
            {"freins": ["LANGUE", "GARDE_ENFANTS", "RECONNAISSANCE_DIPLOMES"]}, s5)
    # s6: oriented before the period (accepted in it): not of this cohort.
    s6 = t.personne()
    accepter(t, s6, orienter_spe(t, s6, "2024-12-15", "france-travail-75"), "2025-01-05", "france-travail-75")

    spe = t.indicateurs(*PERIODE)["spe"]
    aucun_frein = dict.fromkeys(("GARDE_ENFANTS", "MOBILITE", "SANTE", "LOGEMENT", "LANGUE", "NUMERIQUE",
                                 "RECONNAISSANCE_DIPLOMES", "DROITS", "AUTRE"), 0)
    par_type = spe.pop("par_type_operateur")
    assert spe == {
        "orientations": 5, "acceptees": 3, "refusees": 1, "sans_reponse": 1,
        "delai_moyen_reponse_jours": 9.0,  # (10 + 4 + 20 + 2) / 4
        "inscrits": 2, "premier_rdv_honore": 2,
        "delai_moyen_premier_rdv_jours": 19.5,  # (30 + 9) / 2
        "diagnostics": 2,
        "freins": {**aucun_frein, "LANGUE": 2, "MOBILITE": 1, "GARDE_ENFANTS": 1, "RECONNAISSANCE_DIPLOMES": 1},
    }
    assert par_type["FRANCE_TRAVAIL"] == {
        "orientations": 2, "acceptees": 2, "refusees": 0, "sans_reponse": 0, "delai_moyen_reponse_jours": 7.0,
        "inscrits": 1, "premier_rdv_honore": 1, "delai_moyen_premier_rdv_jours": 30.0, "diagnostics": 1,
        "freins": {**aucun_frein, "LANGUE": 1, "MOBILITE": 1},
    }
    assert par_type["MISSION_LOCALE"] == {
        "orientations": 2, "acceptees": 1, "refusees": 1, "sans_reponse": 0, "delai_moyen_reponse_jours": 11.0,
        "inscrits": 1, "premier_rdv_honore": 1, "delai_moyen_premier_rdv_jours": 9.0, "diagnostics": 1,
        "freins": {**aucun_frein, "LANGUE": 1, "GARDE_ENFANTS": 1, "RECONNAISSANCE_DIPLOMES": 1},
    }
    assert par_type["CAP_EMPLOI"] == {
        "orientations": 1, "acceptees": 0, "refusees": 0, "sans_reponse": 1, "delai_moyen_reponse_jours": None,
        "inscrits": 0, "premier_rdv_honore": 0, "delai_moyen_premier_rdv_jours": None, "diagnostics": 0, "freins": aucun_frein,
    }
    assert par_type["APEC"]["orientations"] == 0 and list(par_type) == ["APEC", "CAP_EMPLOI", "FRANCE_TRAVAIL", "MISSION_LOCALE"]


def test_spe_follow_ups_recorded_after_the_day_seen_from_are_left_out(territoire: Territoire) -> None:
    t = territoire
    t.horloge_a(datetime(2025, 2, 1, 10, tzinfo=timezone.utc))
    qui = t.personne()
    orientation = orienter_spe(t, qui, "2025-02-01", "france-travail-75")
    t.horloge_a(datetime(2025, 2, 10, 10, tzinfo=timezone.utc))
    accepter(t, qui, orientation, "2025-02-10", "france-travail-75")
    t.horloge_a(datetime(2025, 3, 10, 10, tzinfo=timezone.utc))
    t.etape("inscription_spe", "2025-03-10", "france-travail-75", {}, qui)
    avant = t.indicateurs(*PERIODE, vu_au="2025-03-01")["spe"]
    apres = t.indicateurs(*PERIODE)["spe"]
    assert (avant["acceptees"], avant["inscrits"]) == (1, 0)
    assert (apres["acceptees"], apres["inscrits"]) == (1, 1)


# cir and langue additions ------------------------------------------------------------------------------


def test_cir_under_25_humanitarian_within_autre_and_prescription_rate(territoire: Territoire) -> None:
    t = territoire
    jeune = t.personne(naissance="2001-03-02")  # 23 on 01/03/2025 → under 25 and under 26
    t.cir(jeune, "2025-03-01")
    vingt_cinq = t.personne(naissance="2000-03-01")  # 25 that very day → under 26, not under 25
    t.cir(vingt_cinq, "2025-03-01")
    malade = t.personne(motif="HUMANITAIRE", sous_motif="ETRANGER_MALADE")  # humanitarian, not BPI
    t.positionnement(malade, "2025-03-01", "INFRA_A1", "INFRA_A1")
    t.cir(malade, "2025-03-01")
    t.prescription(malade, "2025-03-01")
    refugiee = t.personne(motif="HUMANITAIRE", protection="2024-01-01")  # BPI: not HUMANITAIRE
    t.cir(refugiee, "2025-03-01")
    cir = t.indicateurs(*PERIODE)["cir"]
    assert cir["par_age"] == {"moins_de_26": 2, "26_plus": 2, "moins_de_25": 1}
    # AUTRE keeps its §5 figure (the sick foreigner); HUMANITAIRE counts, within it, the humanitarian permit.
    assert cir["par_statut"] == {"BPI": 1, "FAMILIAL": 2, "ECONOMIQUE": 0, "AUTRE": 1, "HUMANITAIRE": 1}
    assert (cir["prescriptions_obligatoires"], cir["taux_prescription_obligatoire"]) == (1, 0.25)


# The dashboard's AGIR and SPE sections ----------------------------------------------------------------


def test_the_dashboard_agir_section_counts_strand_results_and_each_departement(territoire: Territoire) -> None:
    from projections.indicateurs import Demande
    from projections.tableau_de_bord import graphiques_agir_spe
    from web.pages.graphiques import figures_agir_spe

    territoire_agir(territoire)
    nord = refugie(territoire, departement="59")
    orienter(territoire, nord, "2025-02-01")
    entrer(territoire, nord, "2025-02-10", ["DROITS"])
    territoire.etape("agir_volet_cloture", "2025-05-10", "agir-75", {"volet": "DROITS", "resultat": "NON_ATTEINT"}, nord)
    sortir(territoire, nord, "2025-05-10", "PERDU_DE_VUE")
    document = territoire.indicateurs(*PERIODE)
    demande = Demande(datetime(2025, 1, 1).date(), datetime(2025, 12, 31).date())
    donnees = graphiques_agir_spe(territoire.lectures, demande, document["position_journal"])
    assert donnees.agir == document["agir"]
    assert [code for code, _ in donnees.agir_par_departement] == ["59", "75"]
    nord_59 = dict(donnees.agir_par_departement)["59"]
    # 59: one exit, not neutral, neither job nor housing → 0 % and 0 %.
    assert (nord_59["sorties"], nord_59["taux_emploi_formation_durable"], nord_59["taux_logement_perenne"]) == (1, 0.0, 0.0)
    assert dict(donnees.volets) == {"DROITS": {"ATTEINT": 0, "NON_ATTEINT": 1, "SANS_OBJET": 0},
                                    "LOGEMENT": {"ATTEINT": 1, "NON_ATTEINT": 0, "SANS_OBJET": 0},
                                    "EMPLOI_FORMATION": {"ATTEINT": 0, "NON_ATTEINT": 0, "SANS_OBJET": 0}}
    sections = figures_agir_spe(donnees)
    cibles = sections["AGIR"][1]
    assert [ligne[0] for ligne in cibles.lignes] == ["Ensemble", "59", "75"]
    assert "60,0 % en emploi ou formation durable, 80,0 % en logement pérenne" in cibles.description


def test_spe_counts_follow_the_operator_and_public_filters(territoire: Territoire) -> None:
    t = territoire
    adulte = t.personne(sexe="M")
    accepter(t, adulte, orienter_spe(t, adulte, "2025-02-01", "france-travail-75"), "2025-02-05", "france-travail-75")
    jeune = t.personne(naissance="2004-06-01", sexe="F")
    orienter_spe(t, jeune, "2025-03-01", "mission-locale-paris", "AGE_MOINS_26")
    ft = t.indicateurs(*PERIODE, operateur="france-travail-75")["spe"]
    assert (ft["orientations"], ft["acceptees"], ft["par_type_operateur"]["MISSION_LOCALE"]["orientations"]) == (1, 1, 0)
    femmes = t.indicateurs(*PERIODE, public="femmes")["spe"]
    assert (femmes["orientations"], femmes["sans_reponse"], femmes["par_type_operateur"]["MISSION_LOCALE"]["orientations"]) == (1, 1, 1)
    ofii = t.indicateurs(*PERIODE, operateur="ofii-dt-paris")["spe"]
    assert ofii["orientations"] == 2  # the sender's view: both

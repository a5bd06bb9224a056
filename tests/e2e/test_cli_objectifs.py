"""`parcours objectifs fixer | lister | indicateurs`, and `parcours indicators` with `--programme` and
several `--departement`: the commands as a COPIL secretary runs them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.test_cli import ecrire, environnement, parcours_cli  # noqa: F401 (fixtures)
from tests.scenario import scenario


def test_objectives_are_set_listed_and_refused_in_french(parcours_cli) -> None:  # noqa: F811
    fixe = parcours_cli("objectifs", "fixer", "--annee", "2025", "--indicateur", "accompagnement_emploi.taux_sortie_positive",
                        "--valeur", "0.6", "--par", "copil")
    assert fixe.exit_code == 0 and "Objectif enregistré : accompagnement_emploi.taux_sortie_positive = 0.6 en 2025" in fixe.output
    encore = parcours_cli("objectifs", "fixer", "--annee", "2025", "--indicateur", "accompagnement_emploi.taux_sortie_positive",
                          "--valeur", "0,6")
    assert encore.exit_code == 0 and "inchangé" in encore.output
    assert parcours_cli("objectifs", "fixer", "--annee", "2025", "--indicateur", "accompagnement_emploi.sorties", "--valeur", "40",
                        "--operateur", "france-travail-75", "--programme", "spe").exit_code == 0
    typo = parcours_cli("objectifs", "fixer", "--annee", "2025", "--indicateur", "accompagnement_emploi.taux_sorties_positives",
                        "--valeur", "0.6")
    assert typo.exit_code == 2 and "Vouliez-vous dire « accompagnement_emploi.taux_sortie_positive » ?" in typo.output
    trop = parcours_cli("objectifs", "fixer", "--annee", "2025", "--indicateur", "public_cible.part_non_bpi", "--valeur", "30")
    assert trop.exit_code == 2 and "Valeur-cible : Un taux s'écrit en pourcentage (60 %) ou entre 0 et 1 (0,6)" in trop.output
    inconnu = parcours_cli("objectifs", "fixer", "--annee", "2025", "--indicateur", "cir.signataires", "--valeur", "3",
                           "--operateur", "nulle-part")
    assert inconnu.exit_code == 1 and "opérateur inconnu « nulle-part »" in inconnu.output
    liste = json.loads(parcours_cli("objectifs", "lister", "--format", "json").output)
    assert [(o["annee"], o["indicateur"], o["operateur"], o["programme"], o["valeur"], o["fixe_par"]) for o in liste] == [
        (2025, "accompagnement_emploi.taux_sortie_positive", None, None, 0.6, "copil"),
        (2025, "accompagnement_emploi.sorties", "france-travail-75", "spe", 40, liste[1]["fixe_par"])]
    assert "tous opérateurs" in parcours_cli("objectifs", "lister").output
    assert parcours_cli("objectifs", "lister", "--annee", "2024").output == "Aucun objectif pour 2024.\n"
    assert "cir.signataires" in parcours_cli("objectifs", "indicateurs").output


def test_indicators_take_a_programme_and_several_departements(parcours_cli, environnement: Path) -> None:  # noqa: F811
    parcours_cli("import", str(ecrire(environnement / "etapes.jsonl", scenario())))
    tous = json.loads(parcours_cli("indicators", "--du", "2024-01-01", "--au", "2024-12-31").output)
    assert tous["filtres"] == {"departement": None, "operateur": None, "public": None}
    deux = json.loads(parcours_cli("indicators", "--du", "2024-01-01", "--au", "2024-12-31",
                                   "--departement", "75", "--departement", "93").output)
    assert deux["filtres"]["departement"] == ["75", "93"] and deux["accompagnement_emploi"] == tous["accompagnement_emploi"]
    spe = json.loads(parcours_cli("indicators", "--du", "2024-01-01", "--au", "2024-12-31", "--programme", "spe").output)
    assert spe["filtres"]["programme"] == "spe" and spe["accompagnement_emploi"]["sorties"] == 1
    bop = json.loads(parcours_cli("indicators", "--du", "2024-01-01", "--au", "2024-12-31", "--programme", "bop104").output)
    assert bop["accompagnement_emploi"]["sorties"] == 0 and bop["cir"]["signataires"] == 0
    assert parcours_cli("indicators", "--du", "2024-01-01", "--au", "2024-12-31", "--programme", "hope").exit_code == 2


def test_indicators_print_the_agir_and_spe_families_in_json_and_csv(parcours_cli, environnement: Path) -> None:  # noqa: F811
    parcours_cli("import", str(ecrire(environnement / "etapes.jsonl", scenario())))
    document = json.loads(parcours_cli("indicators", "--du", "2024-01-01", "--au", "2024-12-31").output)
    agir = document["agir"]
    # Amina: entered 20/10/2023, exit on objectives 02/12/2024 (409 days = 13.4 months) with a CDD of six
    # months running and a private rental; oriented again 10/12/2024 and refusing on 20/12/2024.
    assert (agir["orientations"], agir["accueils"], agir["refus"]["REFUS_PERSONNE"], agir["entrees"]) == (1, 0, 1, 0)
    assert (agir["sorties"], agir["duree_moyenne_mois"], agir["sorties_objectifs_atteints"]) == (1, 13.4, 1)
    assert (agir["taux_emploi_formation_durable"], agir["taux_logement_perenne"], agir["en_cours"]) == (1.0, 1.0, 0)
    spe = document["spe"]
    # Amina to France Travail (accepted after 14 days, registered, appointment held 19 days after the
    # orientation, two barriers); Bilal to the Mission locale (declined after 17 days).
    assert (spe["orientations"], spe["acceptees"], spe["refusees"], spe["delai_moyen_reponse_jours"]) == (2, 1, 1, 15.5)
    assert (spe["inscrits"], spe["premier_rdv_honore"], spe["delai_moyen_premier_rdv_jours"], spe["diagnostics"]) == (1, 1, 19.0, 1)
    assert spe["par_type_operateur"]["MISSION_LOCALE"]["refusees"] == 1
    assert (document["cir"]["par_age"]["moins_de_25"], document["cir"]["taux_prescription_obligatoire"]) == (1, 0.0)
    assert document["langue"]["taux_atteignant_a1"] == 1.0
    csv = parcours_cli("indicators", "--du", "2024-01-01", "--au", "2024-12-31", "--format", "csv").output.splitlines()
    assert "agir.refus.REFUS_PERSONNE,1" in csv and "spe.freins.LANGUE,1" in csv
    assert "spe.par_type_operateur.FRANCE_TRAVAIL.inscrits,1" in csv and "cir.par_statut.HUMANITAIRE,0" in csv


def test_the_dashboards_are_counted_in_advance_for_the_country_and_each_departement(parcours_cli, environnement: Path) -> None:  # noqa: F811
    import sqlalchemy as sa

    from projections import tables as t
    from web.config import Reglages, construire_services

    parcours_cli("import", str(ecrire(environnement / "etapes.jsonl", scenario())))
    sortie = parcours_cli("pilotage", "precalculer", "--du", "2024-01-01", "--au", "2024-12-31")
    assert sortie.exit_code == 0, sortie.output
    lignes = sortie.output.splitlines()
    assert lignes[0].startswith("Tableau de bord national du 01/01/2024 au 31/12/2024 : calculé en ")
    assert any(ligne.startswith("Tableau de bord département 75 du 01/01/2024") for ligne in lignes)
    services = construire_services(Reglages.depuis_environnement())
    try:
        with services.lectures.connect() as connexion:
            assert connexion.execute(sa.select(sa.func.count()).select_from(t.tableau_calcule)).scalar_one() == len(lignes)
    finally:
        services.fermer()
    envers = parcours_cli("pilotage", "precalculer", "--du", "2024-12-31", "--au", "2024-01-01")
    assert envers.exit_code == 2 and "--au précède --du." in envers.output

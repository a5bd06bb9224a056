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

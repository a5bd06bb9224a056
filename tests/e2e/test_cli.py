"""The `parcours` commands as a newcomer runs them (CONTRACT §1): reports and exit codes."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.scenario import NUMERO_AMINA, OPERATEURS, etape, scenario
from web.cli import principal
from web.cli.principal import main
from web.saisie.importation import LigneBrute, importer_a_part, lignes_du_fichier
from web.config import Reglages, construire_services


@pytest.fixture
def environnement(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PARCOURS_DATA_DIR", str(tmp_path / "instance"))
    monkeypatch.delenv("PARCOURS_DATABASE_URL", raising=False)
    monkeypatch.delenv("PARCOURS_MASTER_KEY", raising=False)
    return tmp_path


@pytest.fixture
def parcours_cli(environnement: Path):
    runner = CliRunner()

    def lancer(*args: str, entree: str | None = None):  # noqa: ANN202
        return runner.invoke(main, list(args), input=entree, catch_exceptions=False)

    assert lancer("init").exit_code == 0
    for identifiant, type_, departement, nom in OPERATEURS:
        assert lancer("operators", "add", identifiant, "--type", type_, "--departement", departement, "--nom", nom).exit_code == 0
    return lancer


def ecrire(chemin: Path, etapes: list) -> Path:
    chemin.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in etapes), encoding="utf-8")
    return chemin


def test_importing_a_clean_file_exits_0_and_reports_every_line(parcours_cli, environnement: Path) -> None:
    fichier = ecrire(environnement / "etapes.jsonl", scenario())
    resultat = parcours_cli("import", str(fichier))
    assert resultat.exit_code == 0, resultat.output
    assert f"Lignes lues : {len(scenario())}" in resultat.output
    assert f"Acceptées   : {len(scenario())}" in resultat.output


def test_reimporting_reports_duplicates_and_records_nothing(parcours_cli, environnement: Path) -> None:
    fichier = ecrire(environnement / "etapes.jsonl", scenario())
    parcours_cli("import", str(fichier))
    resultat = parcours_cli("import", str(fichier), "--format", "json")
    rapport = json.loads(resultat.output)
    assert resultat.exit_code == 0
    assert (rapport["acceptees"], rapport["doublons"], rapport["rejetees"]) == (0, len(scenario()), 0)


def test_a_large_file_is_read_in_a_second_process_and_reported_line_for_line(
    parcours_cli, environnement: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    etapes = scenario()
    fichier = ecrire(environnement / "etapes.jsonl", [*etapes, {"type": "inconnu"}, etapes[0]])
    a_part = []
    monkeypatch.setattr(principal, "LIGNES_POUR_LIRE_A_PART", 10)
    monkeypatch.setattr(principal, "importer_a_part", lambda *args, **kwargs: a_part.append(1) or importer_a_part(*args, **kwargs))

    resultat = parcours_cli("import", str(fichier), "--format", "json")

    assert a_part == [1] and resultat.exit_code == 1, resultat.output
    rapport = json.loads(resultat.output)
    assert (rapport["lues"], rapport["acceptees"], rapport["doublons"]) == (len(etapes) + 2, len(etapes), 1)
    assert [r["ligne"] for r in rapport["rejets"]] == [len(etapes) + 1]


def lignes_puis_panne(chemin: str) -> Iterator[LigneBrute]:
    """The file's lines, then the disk fails (run in the process that reads the lines)."""
    yield from lignes_du_fichier(chemin)
    raise OSError("erreur d'entrée-sortie")


def test_an_import_whose_reading_fails_reports_what_was_done_and_why_and_exits_2(
    parcours_cli, environnement: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    fichier = ecrire(environnement / "etapes.jsonl", scenario())
    monkeypatch.setattr(principal, "LIGNES_POUR_LIRE_A_PART", 10)
    monkeypatch.setattr(principal, "lignes_du_fichier", lignes_puis_panne)

    resultat = parcours_cli("import", str(fichier))

    assert resultat.exit_code == 2
    assert f"Lignes lues : {len(scenario())}" in resultat.output
    assert f"Import interrompu après {len(scenario())} lignes traitées" in resultat.output
    assert "OSError: erreur d'entrée-sortie" in resultat.output


def test_rejected_lines_are_reported_with_line_type_field_and_french_reason_and_exit_1(parcours_cli, environnement: Path) -> None:
    etapes = scenario()[:5]
    etapes.insert(2, etape("mauvais-jour", "formation_civique_journee", "2023-10-11", "ofii-dt-paris",
                           {"jour": 5, "present": True}, {"numero_etranger": "7501234567"}))
    fichier = ecrire(environnement / "etapes.jsonl", etapes)
    fichier.write_text(fichier.read_text() + "{pas du json\n", encoding="utf-8")
    resultat = parcours_cli("import", str(fichier))
    assert resultat.exit_code == 1
    assert "ligne 3 (formation_civique_journee) — data.jour : Jour de 1 à 4." in resultat.output
    assert "ligne 7 — JSON invalide" in resultat.output
    assert "Acceptées   : 5" in resultat.output


def test_strict_stops_at_the_first_rejection_keeping_the_lines_before(parcours_cli, environnement: Path) -> None:
    etapes = scenario()[:5]
    etapes[3] = dict(etapes[3], operateur="operateur-inconnu")
    fichier = ecrire(environnement / "etapes.jsonl", etapes)
    resultat = parcours_cli("import", str(fichier), "--strict", "--format", "json")
    rapport = json.loads(resultat.output)
    assert resultat.exit_code == 1
    assert (rapport["lues"], rapport["acceptees"], rapport["arrete_a"]) == (4, 3, 4)
    assert rapport["rejets"][0]["champ"] == "operateur"


def test_a_dash_reads_the_steps_from_standard_input(parcours_cli) -> None:
    entree = "".join(json.dumps(e) + "\n" for e in scenario()[:3])
    resultat = parcours_cli("import", "-", entree=entree)
    assert resultat.exit_code == 0
    assert "Acceptées   : 3" in resultat.output


def test_an_unreadable_file_exits_2(parcours_cli, environnement: Path) -> None:
    assert parcours_cli("import", str(environnement / "absent.jsonl")).exit_code == 2
    binaire = environnement / "binaire.jsonl"
    binaire.write_bytes(b'{"a": "\xff\xfe"}\n')
    assert parcours_cli("import", str(binaire)).exit_code == 2


def test_adding_the_same_operator_twice_is_idempotent_and_changes_update_it(parcours_cli) -> None:
    premier = parcours_cli("operators", "add", "cap-emploi-75", "--type", "CAP_EMPLOI", "--departement", "75")
    deuxieme = parcours_cli("operators", "add", "cap-emploi-75", "--type", "CAP_EMPLOI", "--departement", "75")
    assert "enregistré" in premier.output and "inchangé" in deuxieme.output
    assert "mis à jour" in parcours_cli("operators", "add", "cap-emploi-75", "--type", "CAP_EMPLOI", "--departement", "93").output


def test_an_operator_with_a_bad_slug_is_refused(parcours_cli) -> None:
    resultat = parcours_cli("operators", "add", "Mission Locale", "--type", "MISSION_LOCALE", "--departement", "75")
    assert resultat.exit_code == 2 and "minuscules" in resultat.output


def test_pole_emploi_is_an_alias_of_france_travail_before_2024(parcours_cli, environnement: Path) -> None:
    assert parcours_cli("operators", "add", "pole-emploi-75", "--type", "POLE_EMPLOI", "--departement", "75").exit_code == 0
    a = {"numero_etranger": "7501234567"}
    avant = etape("pe-avant", "orientation_spe", "2023-12-15", "ofii-dt-paris", {"vers": "pole-emploi-75", "motif_choix": "DEFAUT"}, a)
    apres = etape("pe-apres", "orientation_spe", "2024-03-01", "ofii-dt-paris", {"vers": "pole-emploi-75", "motif_choix": "DEFAUT"}, a)
    fichier = ecrire(environnement / "etapes.jsonl", [*scenario()[:5], avant, apres])
    resultat = parcours_cli("import", str(fichier), "--format", "json")
    rapport = json.loads(resultat.output)
    assert rapport["acceptees"] == 6
    assert rapport["rejets"][0]["ligne"] == 7 and rapport["rejets"][0]["champ"] == "data.vers"


def test_the_annual_evaluation_table_is_written_as_xlsx_ods_or_csv_for_an_action_a_departement_or_the_country(
        parcours_cli, environnement: Path) -> None:
    import io
    import zipfile
    from xml.etree import ElementTree

    import openpyxl

    amina = {"numero_etranger": "7501234567"}
    action = [
        {"step_id": str(uuid.uuid4()), "type": "action_declaree", "occurred_on": "2024-01-10", "operateur": "asso-75",
         "agent": "a.martin", "action": "asso-75-fle-2024",
         "data": {"intitule": "Français", "annee": 2024, "thematiques": ["FRANCAIS"], "departements": ["75"],
                  "objectif_beneficiaires": 12}},
        {"step_id": str(uuid.uuid4()), "type": "beneficiaire_inscrit", "occurred_on": "2024-03-01", "operateur": "asso-75",
         "agent": "a.martin", "action": "asso-75-fle-2024", "personne": amina, "data": {"heures_prevues": 10}},
        {"step_id": str(uuid.uuid4()), "type": "seance_tenue", "occurred_on": "2024-03-05", "operateur": "asso-75",
         "agent": "a.martin", "action": "asso-75-fle-2024",
         "data": {"duree_h": 6, "thematique": "FRANCAIS", "public": "BENEFICIAIRES", "presents": [amina]}},
    ]
    assert parcours_cli("import", str(ecrire(environnement / "etapes.jsonl", [*scenario(), *action]))).exit_code == 0
    xlsx = environnement / "evaluation.xlsx"
    resultat = parcours_cli("evaluation-annuelle", "--annee", "2024", "--action", "asso-75-fle-2024", "--out", str(xlsx))
    assert resultat.exit_code == 0, resultat.output
    assert f"Tableau d'évaluation 2024 (action asso-75-fle-2024) écrit dans {xlsx}" in resultat.output
    onglet = openpyxl.load_workbook(xlsx)["Évaluation 2024"]
    assert (onglet["B2"].value, onglet["C2"].value, onglet["D2"].value) == (
        "Nombre total d'étrangers éligibles bénéficiaires de l'action", 12, 1)
    ods = environnement / "evaluation.ods"
    assert parcours_cli("evaluation-annuelle", "--annee", "2024", "--departement", "75", "--format", "ods",
                        "--out", str(ods)).exit_code == 0
    with zipfile.ZipFile(ods) as archive:
        assert archive.infolist()[0].filename == "mimetype"
        contenu = ElementTree.fromstring(archive.read("content.xml"))
    textes = ["".join(p.itertext()) for p in contenu.iter("{urn:oasis:names:tc:opendocument:xmlns:text:1.0}p")]
    assert "Nombre de ménages d'étrangers éligibles ayant pu accéder à un logement pérenne" in textes
    resultat = parcours_cli("evaluation-annuelle", "--annee", "2024", "--national", "--format", "csv", "--out", "-")
    lignes = io.BytesIO(resultat.stdout_bytes).read().decode("utf-8-sig").splitlines()
    assert lignes[0] == "Rubrique;Indicateur;Objectif;Réalisé;Précision"
    assert any(ligne.startswith("3.1. Apprentissage du français (y compris à visée professionnelle);"
                                "Nombre d'heures de formation dispensées;;6;") for ligne in lignes)
    assert any(ligne.startswith("3.5. Accès à la santé;Nombre de consultations médicales pour des étrangers éligibles;;sans objet")
               for ligne in lignes)


@pytest.mark.parametrize("arguments,message", [
    (["--annee", "25", "--out", "x.xlsx"], "--annee : une année sur quatre chiffres"),
    (["--annee", "2025", "--out", "x.pdf"], "--format : choisir parmi csv, xlsx, ods"),
    (["--annee", "2025"], "--out : préciser le fichier"),
    (["--annee", "2025", "--operateur", "inconnu-75", "--out", "x.xlsx"], "opérateur inconnu « inconnu-75 »"),
    (["--annee", "2025", "--departement", "13", "--out", "x.xlsx"], "aucun opérateur n'est enregistré dans le département « 13 »"),
    (["--annee", "2025", "--operateur", "asso-75", "--departement", "75", "--out", "x.xlsx"], "une seule portée"),
    (["--annee", "2025", "--action", "inconnue-2025", "--out", "x.xlsx"], "action inconnue « inconnue-2025 »"),
    (["--annee", "2025", "--vu-au", "2025-13-01", "--out", "x.xlsx"], "--vu-au : date AAAA-MM-JJ attendue"),
], ids=["annee", "format", "sortie", "operateur", "departement", "les-deux", "action", "vu-au"])
def test_the_annual_evaluation_refuses_bad_input_in_french_with_exit_code_2(parcours_cli, environnement: Path,
                                                                          arguments: list[str], message: str) -> None:
    resultat = parcours_cli("evaluation-annuelle", *[str(environnement / a) if a.startswith("x.") else a for a in arguments])
    assert resultat.exit_code == 2 and message in resultat.stderr
    assert not list(environnement.glob("x.*"))


def test_a_report_reproduced_before_an_erasure_says_how_many_people_were_erased_since(parcours_cli, environnement: Path) -> None:
    assert parcours_cli("import", str(ecrire(environnement / "etapes.jsonl", scenario()))).exit_code == 0
    periode = ["indicators", "--du", "2024-01-01", "--au", "2024-12-31"]
    avant = json.loads(parcours_cli(*periode).stdout)
    assert "personnes_effacees_depuis" not in avant
    assert parcours_cli("users", "add", "admin", "--operateur", "ofii-dt-paris", "--role", "admin",
                        "--mot-de-passe", "un mot de passe assez long 42").exit_code == 0
    services = construire_services(Reglages.depuis_environnement())
    amina = services.parcours.trouver_par_numero(NUMERO_AMINA)
    services.fermer()
    assert parcours_cli("personnes", "effacer", str(amina), "--motif", "demande de l'intéressée", "--par", "admin").exit_code == 0
    rotation = parcours_cli("cles", "rotation")
    assert rotation.exit_code == 0 and "clés d'époque détruites : 1" in rotation.stdout

    reproduit = parcours_cli(*periode, "--position", str(avant["position_journal"]))
    document = json.loads(reproduit.stdout)
    assert document["personnes_effacees_depuis"] == 1
    assert {k: document[k] for k in ("periode", "vu_au", "position_journal", "filtres")} == \
        {k: avant[k] for k in ("periode", "vu_au", "position_journal", "filtres")}
    assert document["public_cible"]["total"] == avant["public_cible"]["total"] - 1  # an erasure is final
    assert "Rapport reproduit : 1 personne effacée depuis la position" in reproduit.stderr
    csv_reproduit = parcours_cli(*periode, "--position", str(avant["position_journal"]), "--format", "csv")
    assert "personnes_effacees_depuis,1" in csv_reproduit.stdout and "1 personne effacée" in csv_reproduit.stderr
    assert "personnes_effacees_depuis" not in json.loads(parcours_cli(*periode).stdout)

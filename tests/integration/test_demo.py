"""The demo territory goes through the same validation as real input, reproducibly."""

from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import INSTANT_DE_LA_DEMONSTRATION, Magasins, territoire_de_demonstration
from web.cli.principal import main
from web.config import Reglages, construire_services
from web.demo.generateur import generer_etapes, operateurs_demo
from web.demo.chargement import ecrire_jsonl, enregistrer_territoire

pytestmark = pytest.mark.slow  # started first by `make test`, so that the other worker is not left idle at the end

INSTANT = datetime(2026, 11, 1, tzinfo=timezone.utc)


def test_the_same_seed_gives_the_same_steps_and_another_seed_other_steps() -> None:
    premiers = [e.etape for e in generer_etapes(80, 3, INSTANT)]
    assert premiers == [e.etape for e in generer_etapes(80, 3, INSTANT)]
    assert premiers != [e.etape for e in generer_etapes(80, 4, INSTANT)]


def test_every_demo_step_is_accepted_and_recorded_once(magasins: Magasins, tmp_path: Path) -> None:
    # The run's demo territory was recorded with no line rejected (`territoire_de_demonstration` asserts it): the same
    # 300 people again record nothing, each of their steps being found already there.
    services = construire_services(magasins.sqlite(tmp_path / "i", territoire_de_demonstration))
    etapes = sum(1 for _ in generer_etapes(300, 4, INSTANT_DE_LA_DEMONSTRATION))
    journal = services.parcours.recorder.max_notification_id()
    encore = enregistrer_territoire(services.parcours, 300, 4, instant=INSTANT_DE_LA_DEMONSTRATION)
    assert (encore.acceptees, encore.doublons, encore.rejets) == (0, etapes, []) and etapes > 300 * 8
    assert services.parcours.recorder.max_notification_id() == journal  # nothing written again
    services.fermer()


def test_demo_pathways_have_realistic_shares() -> None:
    etapes = [e.etape for e in generer_etapes(3000, 5, INSTANT)]
    personnes = sum(e["type"] == "personne_enregistree" for e in etapes)
    titres = [e for e in etapes if e["type"] == "titre_sejour_delivre"]
    humanitaires = sum(t["data"]["motif"] == "HUMANITAIRE" for t in titres) / len(titres)
    positionnements = [e["data"] for e in etapes if e["type"] == "positionnement_linguistique"]
    sous_a1 = sum("INFRA_A1" in (p["niveau_oral"], p["niveau_ecrit"]) for p in positionnements) / len(positionnements)
    assert personnes == 3000
    assert 0.22 < humanitaires < 0.32
    assert 0.38 < sous_a1 < 0.62
    assert sum(e["type"] == "cir_signe" for e in etapes) / personnes > 0.8
    assert {"orientation_agir", "agir_sortie", "suivi_six_mois", "evenement_corrige", "evenement_annule", "note"} <= {e["type"] for e in etapes}


def test_recording_times_follow_business_dates_and_never_pass_the_generation_instant() -> None:
    for demo in generer_etapes(200, 9, INSTANT):
        assert demo.enregistre_le <= INSTANT
        assert demo.enregistre_le.date() >= datetime.fromisoformat(demo.etape["occurred_on"]).date()


def test_the_demo_can_be_written_as_jsonl_and_imported_with_parcours_import(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("PARCOURS_DATA_DIR", str(tmp_path / "instance"))
    sortie = io.StringIO()
    lignes = ecrire_jsonl(sortie, 50, 2, instant=INSTANT)
    fichier = tmp_path / "demo.jsonl"
    fichier.write_text(sortie.getvalue(), encoding="utf-8")
    runner = CliRunner()
    for operateur in operateurs_demo():
        runner.invoke(main, ["operators", "add", operateur.id, "--type", operateur.type, "--departement", operateur.departement])
    resultat = runner.invoke(main, ["import", str(fichier)])
    assert resultat.exit_code == 0, resultat.output
    assert f"Acceptées   : {lignes}" in resultat.output


def test_a_rebuild_gives_exactly_the_figures_of_the_incremental_path_on_demo_data(reglages: Reglages) -> None:
    from datetime import date

    from projections.document import calculer
    from projections.indicateurs import Demande
    from projections.runner import rattraper, reconstruire
    from web.demo.chargement import enregistrer_operateurs_demo
    from web.saisie.importation import LigneBrute, importer

    services = construire_services(reglages)
    enregistrer_operateurs_demo(services.parcours)
    lignes = [LigneBrute(n, d.etape, d.enregistre_le) for n, d in enumerate(generer_etapes(300, 21, INSTANT), start=1)]
    for debut in range(0, len(lignes), 700):  # steps arrive in lots; the read models follow each lot
        importer(services.parcours, lignes[debut:debut + 700])
        rattraper(services.parcours, services.lectures, taille_lot=333)
    periodes = [Demande(date(2024, 1, 1), date(2024, 12, 31)), Demande(date(2025, 1, 1), date(2025, 12, 31), public="bpi"),
                Demande(date(2023, 1, 1), date(2026, 10, 31), departement="93"), Demande(date(2025, 1, 1), date(2025, 6, 30), vu_au=date(2025, 9, 1))]
    incrementaux = [calculer(services.lectures, demande) for demande in periodes]
    reconstruire(services.parcours, services.lectures)
    assert [calculer(services.lectures, demande) for demande in periodes] == incrementaux
    assert incrementaux[0]["cir"]["signataires"] > 0 and incrementaux[0]["accompagnement_emploi"]["sorties"] > 0
    services.fermer()


def test_the_national_aggregate_equals_the_sum_of_the_departements_computed_row_by_row(reglages_de_demonstration: Reglages) -> None:
    from datetime import date

    from projections.document import calculer
    from projections.indicateurs import Demande

    services = construire_services(reglages_de_demonstration)
    for du, au in ((date(2025, 1, 1), date(2025, 12, 31)), (date(2024, 3, 1), date(2024, 8, 31))):
        national = calculer(services.lectures, Demande(du, au))["accompagnement_emploi"]  # one SQL aggregate
        par_departement = [calculer(services.lectures, Demande(du, au, departement=code))["accompagnement_emploi"]  # row by row
                           for code in ("75", "93", "59")]
        for cle in ("sorties", "sorties_neutres", "sorties_positives", "dont_emploi_durable", "dont_formation"):
            assert national[cle] == sum(d[cle] for d in par_departement), cle
        for cle in ("cohorte", "renseignes", "positifs"):
            assert national["suivi_6_mois"][cle] == sum(d["suivi_6_mois"][cle] for d in par_departement), cle
        assert national["suivi_6_mois"]["cohorte"] > 0
    services.fermer()

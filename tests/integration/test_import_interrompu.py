"""`parcours import` killed with SIGKILL half-way, then run again on the same file: every line ends up recorded
exactly once, on SQLite and on PostgreSQL; the process that read the file ahead does not outlive it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from web.config import Reglages, construire_parcours
from web.demo.chargement import ecrire_jsonl, enregistrer_operateurs_demo
from web.saisie.importation import importer, lignes_de

pytestmark = pytest.mark.slow

RACINE = Path(__file__).resolve().parents[2]
INSTANT = datetime(2026, 11, 1, tzinfo=timezone.utc)
RECUE = "parcours.etape_recue.recue"


def _recues(parcours) -> list[str]:  # noqa: ANN001
    """The step_ids of every receipt in the log (one per recorded step)."""
    return [str(notification.originator_id)
            for notification in parcours.recorder.select_notifications(start=1, limit=10**7, topics=[RECUE])]


def _etat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command's name (state, parent pid…), or None once it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _enfants(pid: int) -> set[int]:
    return {int(chemin.name) for chemin in Path("/proc").iterdir()
            if chemin.name.isdigit() and (etat := _etat(int(chemin.name))) is not None and int(etat[1]) == pid}


def _vivant(pid: int) -> bool:
    etat = _etat(pid)
    return etat is not None and etat[0] != "Z"


LANCER = "from web.cli.principal import main; main()"
LANCER_COMME_UN_TERMINAL = "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); " + LANCER
"""Ctrl-C raises KeyboardInterrupt, as in a terminal, even when the tests run in the background (where a shell
starts its jobs with SIGINT ignored, and a child inherits that)."""


def _importer_en_fond(reglages: Reglages, dossier: Path, lancer: str = LANCER, **options: Any) -> tuple[Any, Path, int, subprocess.Popen]:
    """`parcours import` of 400 demo people started in another process, once its first 300 steps are recorded."""
    parcours = construire_parcours(reglages)
    enregistrer_operateurs_demo(parcours)
    fichier = dossier / "demo.jsonl"
    with fichier.open("w", encoding="utf-8") as sortie:
        lignes = ecrire_jsonl(sortie, 400, 8, instant=INSTANT)
    environnement = {**os.environ, "PYTHONPATH": str(RACINE), "PARCOURS_DATA_DIR": str(reglages.dossier_donnees),
                     "PARCOURS_DATABASE_URL": reglages.url_base or "", "PARCOURS_MASTER_KEY": reglages.cle_maitre,
                     "PARCOURS_SECRET_KEY": "secret-de-test"}
    processus = subprocess.Popen([sys.executable, "-c", lancer, "import", str(fichier)],
                                 cwd=RACINE, env=environnement, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **options)
    limite = time.monotonic() + 120
    while len(_recues(parcours)) < 300 and processus.poll() is None and time.monotonic() < limite:
        time.sleep(0.02)
    return parcours, fichier, lignes, processus


def _attendre_la_fin(pids: set[int]) -> bool:
    limite = time.monotonic() + 20
    while any(map(_vivant, pids)) and time.monotonic() < limite:
        time.sleep(0.05)
    return not any(map(_vivant, pids))


def test_an_import_killed_half_way_and_run_again_records_every_line_exactly_once(reglages: Reglages, tmp_path: Path) -> None:
    parcours, fichier, lignes, processus = _importer_en_fond(reglages, tmp_path)
    enfants = _enfants(processus.pid)  # the process reading the file ahead (the file holds > 2,000 lines)
    processus.send_signal(signal.SIGKILL)
    processus.wait()
    assert enfants
    assert _attendre_la_fin(enfants), "the reading process outlived the import"
    assert processus.returncode == -signal.SIGKILL, processus.stderr.read().decode() if processus.stderr else ""
    processus.stderr.close()
    avant = _recues(parcours)
    assert 300 <= len(avant) < lignes  # killed half-way, some batches in

    with fichier.open("rb") as entree:
        rapport = importer(parcours, lignes_de(entree))

    assert rapport.rejets == []
    assert (rapport.doublons, rapport.acceptees) == (len(avant), lignes - len(avant))
    recues = _recues(parcours)
    assert len(recues) == len(set(recues)) == lignes
    parcours.close()


def test_ctrl_c_stops_the_import_and_its_reading_process_with_no_traceback(reglages: Reglages, tmp_path: Path) -> None:
    parcours, _, lignes, processus = _importer_en_fond(reglages, tmp_path, LANCER_COMME_UN_TERMINAL, start_new_session=True)
    enfants = _enfants(processus.pid)
    assert enfants and processus.poll() is None

    os.killpg(processus.pid, signal.SIGINT)  # what a terminal sends the whole foreground group
    processus.wait(timeout=60)

    erreurs = processus.stderr.read().decode() if processus.stderr else ""
    processus.stderr.close()
    assert processus.returncode == 130 and "Traceback" not in erreurs, erreurs
    assert "Import interrompu (Ctrl-C) : les lots déjà enregistrés le restent" in erreurs
    assert _attendre_la_fin(enfants), "the reading process outlived the import"
    assert 300 <= len(set(_recues(parcours))) < lignes
    parcours.close()

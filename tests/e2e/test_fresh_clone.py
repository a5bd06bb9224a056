"""The README's two commands in a fresh clone: `make run` serves the demo territory, `make test` passes.

Runs under CI=true, or with `make test-clone` (marker `clone_neuf`): it installs a venv and runs the whole
suite a second time, which a developer's `make test` does not need to repeat. Nothing is pre-installed in
the clone: `make` builds its own venv with the Python it is given.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parents[2]


def _port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _environnement_neuf() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTEST", "PARCOURS_"))}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p)
    env["PARCOURS_DANS_UN_CLONE"] = "1"  # the clone's own suite must not clone itself again
    return env


def _attendre_la_page(url: str, serveur: subprocess.Popen, delai_s: float) -> int:
    limite = time.monotonic() + delai_s
    while time.monotonic() < limite:
        if serveur.poll() is not None:
            pytest.fail(f"`make run` s'est arrêté (code {serveur.returncode}) avant de servir {url}")
        try:
            with urllib.request.urlopen(url, timeout=5) as reponse:
                return reponse.status
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(1)
    pytest.fail(f"{url} ne répond pas {delai_s:.0f} s après `make run`")


@pytest.mark.slow
@pytest.mark.clone_neuf
def test_a_fresh_clone_serves_the_demo_with_make_run_and_passes_make_test(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(RACINE), str(clone)], check=True)
    assert not (clone / ".venv").exists()
    env = _environnement_neuf()
    python = f"PYTHON={sys.base_prefix}/bin/python3"

    port = _port_libre()
    journal = (tmp_path / "make-run.log").open("w")
    serveur = subprocess.Popen(["make", "run", python, f"PORT={port}"], cwd=clone, env=env, stdout=journal,
                               stderr=subprocess.STDOUT, start_new_session=True)
    try:
        assert _attendre_la_page(f"http://127.0.0.1:{port}/connexion", serveur, 900) == 200
    finally:
        os.killpg(serveur.pid, signal.SIGTERM)
        serveur.wait(timeout=30)
        journal.close()
    sortie_run = (tmp_path / "make-run.log").read_text()
    assert "Comptes de démonstration" in sortie_run or "mot de passe" in sortie_run.lower(), sortie_run[-3000:]
    assert (clone / "instance").is_dir()

    resultat = subprocess.run(["make", "test", python], cwd=clone, env=env, capture_output=True, text=True, timeout=1800)
    assert resultat.returncode == 0, resultat.stdout[-3000:] + resultat.stderr[-3000:]
    assert " passed" in resultat.stdout
    assert " failed" not in resultat.stdout

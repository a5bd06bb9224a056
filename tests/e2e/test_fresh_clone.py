"""A fresh clone needs nothing pre-installed: `make` builds its own venv and the tests run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_a_fresh_clone_installs_itself_and_passes_its_unit_tests(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(RACINE), str(clone)], check=True)
    assert not (clone / ".venv").exists()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTEST", "PARCOURS_"))}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p)
    resultat = subprocess.run(
        ["make", "test-unit", f"PYTHON={sys.base_prefix}/bin/python3"],
        cwd=clone, env=env, capture_output=True, text=True, timeout=900,
    )
    assert resultat.returncode == 0, resultat.stdout[-3000:] + resultat.stderr[-3000:]
    assert (clone / ".venv" / "bin" / "parcours").exists()
    assert " passed" in resultat.stdout

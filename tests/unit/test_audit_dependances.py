"""The CI's dependency audit: pip-audit's verdicts, and PyPI's latest-release list where pip-audit cannot reach a service."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

RACINE = Path(__file__).resolve().parents[2]


@pytest.fixture()
def audit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_dependances", RACINE / ".ci" / "audit_dependances.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    rapport = [
        {"name": "Flask", "version": "3.1.3", "vulns": []},
        {"name": "jinja2", "version": "3.1.2", "vulns": [{"id": "GHSA-h5c8-rqwp-cp95"}]},
        {"name": "PyYAML", "skip_reason": "Dependency not found on PyPI and could not be audited: pyyaml (6.0.4)"},
        {"name": "pycrypto", "skip_reason": "Dependency not found on PyPI and could not be audited: pycrypto (2.6.1)"},
        {"name": "numpy", "skip_reason": "Dependency not found on PyPI and could not be audited: numpy (2.4.6)"},
    ]
    derniere = {"pyyaml": ("6.0.4", []), "pycrypto": ("2.6.1", ["PYSEC-2017-94"]), "numpy": ("2.5.5", [])}
    monkeypatch.setattr(module, "pip_audit", lambda verrou: rapport)
    monkeypatch.setattr(module, "vulnerabilites_de_la_derniere_version", lambda nom: derniere[nom])
    return module


def test_the_lock_file_pins_are_read_with_canonical_names(audit: ModuleType, tmp_path: Path) -> None:
    verrou = tmp_path / "requirements.lock"
    verrou.write_text("PyYAML==6.0.4 \\\n    --hash=sha256:00\n    # via x\nzope.interface==7.0 ; python_version > '3'\n"
                      "cachecontrol[filecache]==0.14.4 \\\n")
    assert audit.epingles(verrou) == {"pyyaml": "6.0.4", "zope-interface": "7.0", "cachecontrol": "0.14.4"}


def test_a_vulnerability_from_pip_audit_or_from_the_latest_release_list_is_reported(audit: ModuleType, tmp_path: Path) -> None:
    verrou = tmp_path / "requirements.lock"
    verrou.write_text("flask==3.1.3\njinja2==3.1.2\npyyaml==6.0.4\npycrypto==2.6.1\nnumpy==2.4.6\n")
    bilan = audit.auditer(verrou)
    assert bilan.vulnerables == {"jinja2": ["GHSA-h5c8-rqwp-cp95"], "pycrypto": ["PYSEC-2017-94"]}
    assert sorted(bilan.audites) == ["flask", "jinja2", "pycrypto", "pyyaml"]


def test_a_pin_older_than_the_latest_release_is_not_claimed_audited(audit: ModuleType, tmp_path: Path) -> None:
    verrou = tmp_path / "requirements.lock"
    verrou.write_text("flask==3.1.3\njinja2==3.1.2\npyyaml==6.0.4\npycrypto==2.6.1\nnumpy==2.4.6\n")
    bilan = audit.auditer(verrou)
    assert bilan.non_verifiables == {"numpy": "2.4.6 épinglée, dernière version 2.5.5"}
    assert "numpy" not in bilan.audites and "numpy" not in bilan.vulnerables

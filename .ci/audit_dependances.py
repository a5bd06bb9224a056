"""Audit of the locked dependencies against known vulnerabilities: `python .ci/audit_dependances.py`.

Runs `pip-audit` on requirements.lock. Where pip-audit cannot reach a vulnerability service for a
package (some networks serve PyPI's project pages but not its per-release JSON, and no OSV), the
package is checked against PyPI's project JSON instead, whose `vulnerabilities` list is exact for
the *latest* release: a pin equal to the latest release is thereby audited; an older pin cannot be,
and is listed as such.

Exit codes: 0 nothing known vulnerable; 1 a pinned version has a known vulnerability; 2 the audit
could not run; 3 with --strict, some pins could not be audited. Standard library only (it runs
before and apart from the application).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

RACINE = Path(__file__).resolve().parents[1]
PYPI = os.environ.get("PARCOURS_PYPI_JSON", "https://pypi.org/pypi")
EPINGLE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s\\;]+)")  # extras kept: `cachecontrol[filecache]==…`


@dataclass
class Bilan:
    vulnerables: dict[str, list[str]] = field(default_factory=dict)
    audites: list[str] = field(default_factory=list)
    non_verifiables: dict[str, str] = field(default_factory=dict)


def epingles(verrou: Path) -> dict[str, str]:
    """Each locked package's canonical name and its pinned version."""
    resultat = {}
    for ligne in verrou.read_text().splitlines():
        trouve = EPINGLE.match(ligne)
        if trouve:
            resultat[re.sub(r"[-_.]+", "-", trouve[1]).lower()] = trouve[2]
    return resultat


def pip_audit(verrou: Path) -> list[dict]:
    """pip-audit's JSON report of the lock file (dependencies with `vulns` or a `skip_reason`)."""
    commande = [sys.executable, "-m", "pip_audit", "-r", str(verrou), "--disable-pip", "--no-deps",
                "--progress-spinner", "off", "-f", "json"]
    execution = subprocess.run(commande, capture_output=True, text=True, timeout=900)
    try:
        return json.loads(execution.stdout)["dependencies"]
    except (json.JSONDecodeError, KeyError):
        raise SystemExit(f"pip-audit n'a pas produit de rapport (code {execution.returncode}) :\n{execution.stderr[-2000:]}") from None


def vulnerabilites_de_la_derniere_version(nom: str) -> tuple[str, list[str]]:
    """The latest release of `nom` on PyPI and the ids of its known, not withdrawn, vulnerabilities."""
    with urllib.request.urlopen(f"{PYPI}/{nom}/json", timeout=30) as reponse:
        projet = json.load(reponse)
    ids = [v["id"] for v in projet.get("vulnerabilities", []) if not v.get("withdrawn")]
    return projet["info"]["version"], ids


def auditer(verrou: Path) -> Bilan:
    versions = epingles(verrou)
    bilan = Bilan()
    for dependance in pip_audit(verrou):
        nom = re.sub(r"[-_.]+", "-", dependance["name"]).lower()
        if "skip_reason" not in dependance:
            if dependance.get("vulns"):
                bilan.vulnerables[nom] = [v["id"] for v in dependance["vulns"]]
            bilan.audites.append(nom)
            continue
        version = versions.get(nom)
        try:
            derniere, ids = vulnerabilites_de_la_derniere_version(nom)
        except (urllib.error.URLError, OSError, ValueError, KeyError) as erreur:
            bilan.non_verifiables[nom] = f"{version} : PyPI injoignable ({erreur})"
            continue
        if version != derniere:
            bilan.non_verifiables[nom] = f"{version} épinglée, dernière version {derniere}"
            continue
        if ids:
            bilan.vulnerables[nom] = ids
        bilan.audites.append(nom)
    return bilan


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    options.add_argument("verrou", nargs="?", type=Path, default=RACINE / "requirements.lock")
    options.add_argument("--strict", action="store_true", help="échoue aussi si une version n'a pas pu être auditée")
    arguments = options.parse_args()
    try:
        bilan = auditer(arguments.verrou)
    except (OSError, subprocess.SubprocessError) as erreur:
        print(f"audit impossible : {erreur}", file=sys.stderr)
        return 2
    for nom, ids in sorted(bilan.vulnerables.items()):
        print(f"VULNÉRABLE {nom} : {', '.join(ids)}")
    for nom, raison in sorted(bilan.non_verifiables.items()):
        print(f"non vérifiable {nom} ({raison})")
    print(f"{len(bilan.audites)} dépendances auditées, {len(bilan.vulnerables)} vulnérables, "
          f"{len(bilan.non_verifiables)} non vérifiables")
    if bilan.vulnerables:
        return 1
    return 3 if arguments.strict and bilan.non_verifiables else 0


if __name__ == "__main__":
    sys.exit(main())

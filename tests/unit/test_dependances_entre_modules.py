"""The layers import one way: the domain imports neither the read side nor the entry points, the core of `web`
loads without Flask, and no module imports another that imports it back (function-level imports included)."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parents[2]
PAQUETS = ("parcours", "projections", "web")
SANS_FLASK = ("parcours", "projections", "web.saisie", "web.demo.generateur", "web.cli.commun", "web.config")
"""The domain, the read side, the step schemas and import, the demo generator: the CLI, the import and the demo
run without the web framework."""


def _modules() -> dict[str, Path]:
    modules = {}
    for paquet in PAQUETS:
        for chemin in (RACINE / paquet).rglob("*.py"):
            parties = chemin.relative_to(RACINE).with_suffix("").parts
            nom = ".".join(parties[:-1] if parties[-1] == "__init__" else parties)
            modules[nom] = chemin
    return modules


def _imports(nom: str, chemin: Path, modules: dict[str, Path]) -> set[str]:
    """The project's modules that `nom` imports, at any depth of its code."""
    trouves = set()
    paquet = nom if chemin.name == "__init__.py" else nom.rpartition(".")[0]
    for noeud in ast.walk(ast.parse(chemin.read_text(), str(chemin))):
        if isinstance(noeud, ast.Import):
            cibles = [alias.name for alias in noeud.names]
        elif isinstance(noeud, ast.ImportFrom):
            base = noeud.module or ""
            if noeud.level:
                base = ".".join(paquet.split(".")[: len(paquet.split(".")) - noeud.level + 1] + ([base] if base else []))
            cibles = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in noeud.names]
        else:
            continue
        for cible in cibles:
            while cible and cible not in modules:
                cible = cible.rpartition(".")[0]
            # A package's own __init__ is imported on the way to any of its modules: only a named module counts.
            if cible and cible != nom and not (modules[cible].name == "__init__.py" and cible in PAQUETS):
                trouves.add(cible)
    return trouves


def _graphe() -> dict[str, set[str]]:
    modules = _modules()
    return {nom: _imports(nom, chemin, modules) for nom, chemin in modules.items()}


def test_the_domain_imports_neither_the_read_side_nor_the_entry_points():
    graphe = _graphe()
    fautifs = {(nom, cible) for nom, cibles in graphe.items() if nom.startswith("parcours")
               for cible in cibles if not cible.startswith("parcours")}
    assert not fautifs


def test_no_module_of_the_project_imports_a_module_that_imports_it_back():
    graphe = _graphe()
    cycles, etat = [], {}

    def visiter(nom: str, chemin: list[str]) -> None:
        etat[nom] = "en_cours"
        for cible in sorted(graphe.get(nom, ())):
            if etat.get(cible) == "en_cours":
                cycles.append(chemin[chemin.index(cible):] + [cible])
            elif cible not in etat:
                visiter(cible, [*chemin, cible])
        etat[nom] = "fait"

    for nom in sorted(graphe):
        if nom not in etat:
            visiter(nom, [nom])
    assert not cycles, " ; ".join(" → ".join(c) for c in cycles)


REFUSER_FLASK = """
import importlib, pkgutil, sys
class Refus:
    def find_spec(self, nom, chemin=None, cible=None):
        if nom.split(".")[0] in ("flask", "flask_htmx", "flask_limiter", "werkzeug"):
            raise ImportError(f"{nom} est refusé ici")
sys.meta_path.insert(0, Refus())
racine = importlib.import_module(sys.argv[1])
if hasattr(racine, "__path__"):
    for info in pkgutil.walk_packages(racine.__path__, racine.__name__ + "."):
        importlib.import_module(info.name)
"""


@pytest.mark.parametrize("paquet", SANS_FLASK)
def test_the_core_loads_without_flask(paquet):
    resultat = subprocess.run([sys.executable, "-c", REFUSER_FLASK, paquet], cwd=RACINE, capture_output=True, text=True)
    assert resultat.returncode == 0, resultat.stderr[-2000:]


def test_the_web_package_itself_imports_nothing():
    resultat = subprocess.run([sys.executable, "-c", "import sys, web; print(sorted(m for m in sys.modules if m.startswith(('web.', 'flask', 'sqlalchemy'))))"],
                              cwd=RACINE, capture_output=True, text=True)
    assert resultat.stdout.strip() == "[]", resultat.stdout + resultat.stderr

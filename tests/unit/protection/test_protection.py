"""The protection engine on small tables whose safe patterns are known, and a property test.

Every published table is checked by an audit written here, independently of the engine: for each
hidden primary cell, two LPs over the published values with hidden cells ≥ 1 (zeros are published).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from projections import protection
from projections.protection import Dimension, EntreeInvalideError, TablePubliee, proteger
from web.cli.statistiques import protect_table


def table_2d(lignes: dict[str, dict[str, int]]) -> tuple[list[Dimension], dict[tuple[str, str], int]]:
    colonnes = sorted({c for valeurs in lignes.values() for c in valeurs})
    dims = [Dimension.plate("ligne", lignes), Dimension.plate("colonne", colonnes)]
    return dims, {(l, c): n for l, valeurs in lignes.items() for c, n in valeurs.items()}


def audit_independant(dims: list[Dimension], comptes: dict, table: TablePubliee, k: int = 11, largeur: float = 0.10) -> None:
    """Re-derive every hidden primary's interval from what is published (and compare it with the engine's final
    audit when the table carries it), and check every published value."""
    import itertools

    internes = list(itertools.product(*(d.feuilles for d in dims)))
    z = np.array([comptes.get(c, 0) for c in internes], dtype=float)
    couvre = np.array([[all(i[n] in d.feuilles_sous(code) for n, (d, code) in enumerate(zip(dims, cellule))) for i in internes]
                       for cellule in table.cellules], dtype=float)
    vraies = couvre @ z
    for (cellule, valeur, statut), vraie in zip(table.lignes(), vraies):
        assert (statut == "Z") == (vraie == 0)
        if valeur is not None:
            assert valeur == vraie
        assert (statut == "A") == (1 <= vraie < k)
    publiees = [i for i, (_, v, _) in enumerate(table.lignes()) if v is not None]
    cachees = [i for i, (_, v, _) in enumerate(table.lignes()) if v is None]
    for p in cachees:
        if table.statuts[p] != "A":
            continue
        bornes = []
        for signe in (1, -1):
            r = linprog(signe * couvre[p], A_eq=couvre[publiees] if publiees else None, b_eq=vraies[publiees] if publiees else None,
                        A_ub=-couvre[cachees], b_ub=-np.ones(len(cachees)), bounds=(0, None), method="highs")
            bornes.append(signe * r.fun if r.status == 0 else (-math.inf if signe == 1 else math.inf))
        assert bornes[1] - bornes[0] >= max(1, math.ceil(largeur * vraies[p])) - 1e-6, (table.cellules[p], bornes)
        if table.intervalles:  # the engine's own final audit found the same interval
            assert table.intervalles[table.cellules[p]] == pytest.approx(tuple(bornes), abs=1e-6), table.cellules[p]


def statut(table: TablePubliee, *cellule: str) -> str:
    return table.statuts[table.cellules.index(tuple(cellule))]


def test_one_small_cell_in_a_2x2_needs_three_secondary_suppressions() -> None:
    dims, comptes = table_2d({"a": {"F": 3, "M": 40}, "b": {"F": 50, "M": 60}})
    table = proteger(dims, comptes)
    assert statut(table, "a", "F") == "A"
    assert {statut(table, "a", "M"), statut(table, "b", "F"), statut(table, "b", "M")} == {"D"}
    assert statut(table, "Total", "Total") == "V"
    audit_independant(dims, comptes, table)


def test_two_suppressions_per_row_and_column_can_still_leak_and_are_completed() -> None:
    # A 3x3 where the classic "rectangle" pattern is not enough because of the ≥ 1 knowledge.
    dims, comptes = table_2d({"a": {"x": 1, "y": 30, "z": 40}, "b": {"x": 30, "y": 1, "z": 45}, "c": {"x": 50, "y": 55, "z": 2}})
    table = proteger(dims, comptes)
    audit_independant(dims, comptes, table)
    assert sum(s == "A" for s in table.statuts) == 3


def test_zeros_are_published_and_a_hidden_cell_is_known_to_be_at_least_one() -> None:
    # With one hidden neighbour of 1 unit, L = 1 pins the primary unless more is hidden.
    dims, comptes = table_2d({"a": {"F": 2, "M": 0, "X": 30}, "b": {"F": 20, "M": 1, "X": 35}})
    table = proteger(dims, comptes)
    assert statut(table, "a", "M") == "Z"
    audit_independant(dims, comptes, table)


def test_a_hierarchy_departement_region_france_is_protected_at_every_level() -> None:
    geo = Dimension("geo", {"IDF": "Total", "75": "IDF", "93": "IDF", "HDF": "Total", "59": "HDF", "62": "HDF"})
    sexe = Dimension.plate("sexe", ["F", "M"])
    comptes = {("75", "F"): 3, ("75", "M"): 25, ("93", "F"): 18, ("93", "M"): 22, ("59", "F"): 30, ("59", "M"): 12,
               ("62", "F"): 14, ("62", "M"): 16}
    table = proteger([geo, sexe], comptes)
    assert statut(table, "75", "F") == "A"
    assert statut(table, "IDF", "Total") in ("V", "D")
    audit_independant([geo, sexe], comptes, table)


def test_a_region_with_a_single_departement_shares_its_status() -> None:
    geo = Dimension("geo", {"COR": "Total", "2A": "COR", "IDF": "Total", "75": "IDF", "93": "IDF"})
    sexe = Dimension.plate("sexe", ["F", "M"])
    comptes = {("2A", "F"): 4, ("2A", "M"): 20, ("75", "F"): 30, ("75", "M"): 25, ("93", "F"): 18, ("93", "M"): 22}
    table = proteger([geo, sexe], comptes)
    for code in ("F", "M", "Total"):
        assert statut(table, "COR", code) == statut(table, "2A", code)
    audit_independant([geo, sexe], comptes, table)


def test_hidden_children_never_add_up_to_a_small_count_under_a_published_parent() -> None:
    dims, comptes = table_2d({"a": {"F": 2, "M": 3, "X": 40}, "b": {"F": 20, "M": 25, "X": 35}})
    table = proteger(dims, comptes)
    for parent in ("a",):
        if statut(table, parent, "Total") == "V":
            cachees = [comptes[(parent, c)] for c in ("F", "M", "X") if statut(table, parent, c) in "AD"]
            assert not 1 <= sum(cachees) <= 10
    audit_independant(dims, comptes, table)


def test_the_same_table_gives_the_same_pattern() -> None:
    dims, comptes = table_2d({"a": {"x": 4, "y": 30, "z": 40}, "b": {"x": 30, "y": 7, "z": 45}, "c": {"x": 50, "y": 55, "z": 60}})
    assert proteger(dims, comptes).statuts == proteger(dims, comptes).statuts


def test_a_threshold_below_5_is_refused() -> None:
    dims, comptes = table_2d({"a": {"F": 3}})
    with pytest.raises(EntreeInvalideError, match="inférieur à 5"):
        proteger(dims, comptes, k=4)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(
    lignes=st.integers(2, 4),
    colonnes=st.integers(2, 3),
    profondeur=st.integers(1, 2),
    valeurs=st.lists(st.one_of(st.just(0), st.integers(1, 12), st.integers(11, 80)), min_size=24, max_size=24),
)
def test_every_random_table_that_is_published_passes_the_independent_audit(lignes: int, colonnes: int, profondeur: int, valeurs: list[int]) -> None:
    feuilles = [f"l{i}" for i in range(lignes)]
    parents = {f"r{i // 2}": "Total" for i in range(lignes)} if profondeur == 2 else {}
    parents.update({f: (f"r{i // 2}" if profondeur == 2 else "Total") for i, f in enumerate(feuilles)})
    dims = [Dimension("geo", parents), Dimension.plate("c", [f"c{j}" for j in range(colonnes)]),
            Dimension.plate("s", ["F", "M"])]
    comptes = {(f, f"c{j}", s): valeurs[(i * colonnes + j) * 2 + (s == "M")] for i, f in enumerate(feuilles)
               for j in range(colonnes) for s in ("F", "M")}
    table = proteger(dims, comptes)
    audit_independant(dims, comptes, table)


# The command -------------------------------------------------------------------------------------------


def ecrire(chemin: Path, texte: str) -> Path:
    chemin.write_text(texte, encoding="utf-8")
    return chemin


def test_protect_table_writes_the_published_cells_and_exits_0(tmp_path: Path) -> None:
    interne = ecrire(tmp_path / "inner.csv", "geo,sexe,n\n75,F,3\n75,M,20\n93,F,15\n93,M,14\n59,F,12\n59,M,30\n")
    geo = ecrire(tmp_path / "geo.csv", "code,parent\nIDF,\n75,IDF\n93,IDF\nHDF,\n59,HDF\n")
    sortie = tmp_path / "pub.csv"
    resultat = CliRunner().invoke(protect_table, [str(interne), "--dimensions", "geo,sexe", "--hierarchie", f"geo={geo}", "--out", str(sortie)])
    assert resultat.exit_code == 0, resultat.output
    lignes = sortie.read_text().splitlines()
    assert lignes[0] == "geo,sexe,n,statut"
    assert "75,F,,A" in lignes and "Total,Total,94,V" in lignes
    assert len(lignes) == 1 + 6 * 3  # (IDF, 75, 93, HDF, 59, Total) × (F, M, Total)


@pytest.mark.parametrize(
    ("contenu", "options", "attendu"),
    [
        ("geo,n\n75,3\n", ["--dimensions", "geo,sexe"], "colonne(s) manquante(s) : sexe"),
        ("geo,sexe,n\n75,F,-1\n", ["--dimensions", "geo,sexe"], "négatif"),
        ("geo,sexe,n\n75,F,2.5\n", ["--dimensions", "geo,sexe"], "entier"),
        ("geo,sexe,n\n75,F,3\n", ["--dimensions", "geo,sexe", "--k", "3"], "inférieur à 5"),
    ],
)
def test_bad_input_exits_2_with_a_french_message_and_writes_nothing(tmp_path: Path, contenu: str, options: list[str], attendu: str) -> None:
    interne = ecrire(tmp_path / "inner.csv", contenu)
    sortie = tmp_path / "pub.csv"
    resultat = CliRunner().invoke(protect_table, [str(interne), *options, "--out", str(sortie)])
    assert resultat.exit_code == 2 and attendu in resultat.output
    assert not sortie.exists()


def test_an_unknown_parent_in_a_hierarchy_exits_2(tmp_path: Path) -> None:
    interne = ecrire(tmp_path / "inner.csv", "geo,n\n75,3\n")
    geo = ecrire(tmp_path / "geo.csv", "code,parent\n75,IDF\n")
    resultat = CliRunner().invoke(protect_table, [str(interne), "--dimensions", "geo", "--hierarchie", f"geo={geo}", "--out", str(tmp_path / "p.csv")])
    assert resultat.exit_code == 2 and "n'est pas un code" in resultat.output


def test_when_no_safe_pattern_is_found_it_exits_3_and_publishes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Echec:
        status, x, message = 2, None, "infaisable"

    appels = []

    def milp_en_echec(*a, **k):  # noqa: ANN002, ANN003
        appels.append(1)
        return Echec()

    monkeypatch.setattr(protection, "milp", milp_en_echec)
    # After the Gauss pass and the group-sum rule this table still needs the MILP repair (the audit finds
    # a hidden 1 pinned by the ≥ 1 knowledge), so the failure path is really taken.
    interne = ecrire(tmp_path / "inner.csv", "geo,sexe,n\n75,F,30\n75,M,30\n75,X,20\n93,F,1\n93,M,15\n93,X,1\n")
    sortie = tmp_path / "pub.csv"
    resultat = CliRunner().invoke(protect_table, [str(interne), "--dimensions", "geo,sexe", "--out", str(sortie)])
    assert resultat.exit_code == 3 and "rien n'est publié" in resultat.output
    assert appels
    assert not sortie.exists()

"""More known cases for the protection engine, checked by an attacker written here from scratch.

The attacker of reference/statistical-disclosure.md §3.3 is rebuilt below without the engine's model:
leaves under a code are found by walking the `code → parent` map, the model matrix is recomputed,
and every hidden cell gets two LPs over the published values (hidden cells ≥ L, inner cells ≥ 0).
The group-sum rule (R2) and the duplicate rule (R4) are also re-derived from the hierarchies.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from projections import protection
from projections.protection import Dimension, EntreeInvalideError, TablePubliee, ecrire_publiee, proteger
from web.cli.statistiques import protect_table

TOTAL = "Total"
Cellule = tuple[str, ...]


# The independent attacker --------------------------------------------------------------------------------


def feuilles(dimension: Dimension) -> list[str]:
    meres = set(dimension.parents.values())
    return sorted(code for code in dimension.parents if code not in meres)


def sous(dimension: Dimension, code: str) -> set[str]:
    """The leaves whose chain of parents goes through `code` (all leaves for `Total`)."""
    resultat = set()
    for feuille in feuilles(dimension):
        courant = feuille
        while True:
            if courant == code:
                resultat.add(feuille)
                break
            if courant == TOTAL:
                break
            courant = dimension.parents[courant]
    return resultat


def enfants(dimension: Dimension, code: str) -> list[str]:
    return [c for c, parent in dimension.parents.items() if parent == code]


class Attaquant:
    """Knows the hierarchies, the published values and that every hidden cell holds at least L units."""

    def __init__(self, dims: Sequence[Dimension], comptes: dict[Cellule, int], cellules: Sequence[Cellule]) -> None:
        self.dims, self.cellules = list(dims), list(cellules)
        self.internes = list(itertools.product(*(feuilles(d) for d in dims)))
        self.z = np.array([comptes.get(i, 0) for i in self.internes], dtype=float)
        dessous = [{code: sous(d, code) for code in [*d.parents, TOTAL]} for d in dims]
        self.X = np.array(
            [[all(i[n] in dessous[n][code] for n, code in enumerate(c)) for i in self.internes] for c in self.cellules],
            dtype=float,
        )
        self.vraies = self.X @ self.z
        self.index = {c: i for i, c in enumerate(self.cellules)}

    def intervalle(self, cachees: set[Cellule], cible: Cellule, L: int = 1) -> tuple[float, float]:
        publiees = [i for i, c in enumerate(self.cellules) if c not in cachees]
        masquees = [self.index[c] for c in sorted(cachees)]
        bornes = []
        for signe in (1, -1):
            r = linprog(
                signe * self.X[self.index[cible]],
                A_eq=self.X[publiees] if publiees else None,
                b_eq=self.vraies[publiees] if publiees else None,
                A_ub=-self.X[masquees] if masquees else None,
                b_ub=-np.full(len(masquees), float(L)) if masquees else None,
                bounds=(0, None),
                method="highs",
            )
            assert r.status in (0, 3), r.message
            bornes.append(signe * r.fun if r.status == 0 else (-math.inf if signe == 1 else math.inf))
        return bornes[0], bornes[1]

    def relations(self) -> list[tuple[Cellule, list[Cellule]]]:
        """Every parent = Σ direct children along one dimension, the other codes fixed."""
        resultat = []
        for n, d in enumerate(self.dims):
            autres = [[*e.parents, TOTAL] for m, e in enumerate(self.dims) if m != n]
            for code in [*d.parents, TOTAL]:
                directs = enfants(d, code)
                if not directs:
                    continue
                for reste in itertools.product(*autres):
                    def cellule(c: str, reste: tuple[str, ...] = reste, n: int = n) -> Cellule:
                        return (*reste[:n], c, *reste[n:])

                    resultat.append((cellule(code), [cellule(e) for e in directs]))
        return resultat


def largeur_exigee(n: float, largeur: float = 0.10) -> int:
    return max(1, math.ceil(round(largeur * n, 9)))


def verifier(dims: Sequence[Dimension], comptes: dict[Cellule, int], table: TablePubliee, k: int = 11, largeur: float = 0.10) -> Attaquant:
    """R1 (L = 1), R2, R4, statuses, and every published value equal to the true sum."""
    cellules = [c for c, _, _ in table.lignes()]
    attendues = list(itertools.product(*([*d.parents, TOTAL] for d in dims)))
    assert sorted(cellules) == sorted(attendues), "every combination of every code is published once"
    attaquant = Attaquant(dims, comptes, cellules)
    cachees = {c for c, v, _ in table.lignes() if v is None}
    for (cellule, valeur, statut), vraie in zip(table.lignes(), attaquant.vraies):
        assert statut in {"V", "A", "D", "Z"}
        assert (statut == "A") == (1 <= vraie < k), cellule
        assert (statut == "Z") == (vraie == 0), cellule
        assert (valeur is None) == (statut in ("A", "D")), cellule
        if valeur is not None:
            assert valeur == vraie, cellule
    for cellule, _, statut in table.lignes():
        if statut == "A":
            bas, haut = attaquant.intervalle(cachees, cellule)
            vraie = attaquant.vraies[attaquant.index[cellule]]
            assert bas <= vraie <= haut
            assert haut - bas >= largeur_exigee(vraie, largeur) - 1e-6, (cellule, bas, haut)
    for parent, directs in attaquant.relations():
        if parent not in cachees:
            somme = sum(attaquant.vraies[attaquant.index[e]] for e in directs if e in cachees)
            assert not 1 <= somme <= k - 1, (parent, somme)
    supports: dict[bytes, set[str]] = {}
    for ligne, (_, _, statut) in zip(attaquant.X, table.lignes()):
        supports.setdefault(ligne.tobytes(), set()).add(statut)
    assert all(len(statuts) == 1 for statuts in supports.values()), "identical cells share one status"
    return attaquant


def plate(nom: str, codes: Sequence[str]) -> Dimension:
    return Dimension(nom, {code: TOTAL for code in codes})


def table_2d(lignes: dict[str, dict[str, int]]) -> tuple[list[Dimension], dict[Cellule, int]]:
    colonnes = sorted({c for valeurs in lignes.values() for c in valeurs})
    dims = [plate("ligne", sorted(lignes)), plate("colonne", colonnes)]
    return dims, {(l, c): n for l, valeurs in lignes.items() for c, n in valeurs.items()}


def statuts(table: TablePubliee) -> dict[Cellule, str]:
    return {cellule: statut for cellule, _, statut in table.lignes()}


# Known cases ------------------------------------------------------------------------------------------------


def test_a_2x2_with_one_small_cell_hides_the_whole_inner_square_and_publishes_every_margin() -> None:
    dims, comptes = table_2d({"a": {"F": 3, "M": 40}, "b": {"F": 50, "M": 60}})
    table = proteger(dims, comptes)
    assert statuts(table) == {
        ("a", "F"): "A", ("a", "M"): "D", ("a", TOTAL): "V",
        ("b", "F"): "D", ("b", "M"): "D", ("b", TOTAL): "V",
        (TOTAL, "F"): "V", (TOTAL, "M"): "V", (TOTAL, TOTAL): "V",
    }  # fmt: skip
    attaquant = verifier(dims, comptes, table)
    cachees = {c for c, v, _ in table.lignes() if v is None}
    # a·F = t, a·M = 43 − t, b·F = 53 − t, b·M = 57 + t, every hidden cell ≥ 1.
    assert attaquant.intervalle(cachees, ("a", "F")) == (1, 42)


TABLE_SDCTABLE = {
    "w": {"a": 30, "b": 47, "c": 64, "d": 89},
    "x": {"a": 90, "b": 124, "c": 5, "d": 31},
    "y": {"a": 92, "b": 100, "c": 59, "d": 85},
    "z": {"a": 800, "b": 991, "c": 651, "d": 685},
}
"""sdcTable's test-simpleheuristic.R table."""
SUPPRESSIONS_NAIVES_SDCTABLE = {("w", "a"), ("w", "b"), ("w", "c"), ("x", "a"), ("x", "c"), ("y", "b"), ("y", "d"), ("z", "b"), ("z", "d")}
"""Two hidden cells in every row and column, yet w·b is determined."""


def test_two_suppressions_in_every_row_and_column_can_still_give_a_cell_away() -> None:
    # sdcTable's test-simpleheuristic.R table: w·b = (230 + 250 − 89 − 124 − 31) − (1012 + 779 − 92 − 59 − 800 − 651).
    lignes = {ligne: dict(valeurs) for ligne, valeurs in TABLE_SDCTABLE.items()}
    dims, comptes = table_2d(lignes)
    cellules = list(itertools.product(["w", "x", "y", "z", TOTAL], ["a", "b", "c", "d", TOTAL]))
    naif = SUPPRESSIONS_NAIVES_SDCTABLE
    for ligne in "wxyz":
        assert sum((ligne, c) in naif for c in "abcd") >= 2
    for colonne in "abcd":
        assert sum((l, colonne) in naif for l in "wxyz") >= 2
    assert Attaquant(dims, comptes, cellules).intervalle(naif, ("w", "b")) == (47, 47)

    # The same shape with small counts where that pattern sits: the engine must hide more than it.
    petites = {"w": {"a": 3, "b": 7, "c": 4}, "x": {"a": 2, "c": 5}, "y": {"b": 6, "d": 8}, "z": {"b": 9, "d": 3}}
    for ligne, valeurs in petites.items():
        lignes[ligne].update(valeurs)
    dims, comptes = table_2d(lignes)
    table = proteger(dims, comptes)
    assert {c for c, s in statuts(table).items() if s == "A"} == naif
    assert sum(s == "D" for s in table.statuts) >= 1
    verifier(dims, comptes, table)


def test_zeros_are_published_so_a_pattern_safe_when_hidden_cells_may_be_0_leaks_when_they_are_at_least_1() -> None:
    # Hiding the 6-cycle a·x, a·y, b·y, b·z, c·z, c·x leaves one degree of freedom: a·x = t, b·z = 2 − t.
    dims, comptes = table_2d({"a": {"x": 1, "y": 20, "z": 30}, "b": {"x": 40, "y": 25, "z": 1}, "c": {"x": 22, "y": 50, "z": 35}})
    cellules = list(itertools.product(["a", "b", "c", TOTAL], ["x", "y", "z", TOTAL]))
    cycle = {("a", "x"), ("a", "y"), ("b", "y"), ("b", "z"), ("c", "z"), ("c", "x")}
    attaquant = Attaquant(dims, comptes, cellules)
    assert attaquant.intervalle(cycle, ("a", "x"), L=0) == (0, 2)  # would be safe if zeros could hide
    assert attaquant.intervalle(cycle, ("a", "x"), L=1) == (1, 1)  # but hidden cells are known to be ≥ 1
    table = proteger(dims, comptes)
    assert {c for c, v, _ in table.lignes() if v is None} != cycle
    verifier(dims, comptes, table)


def test_a_zero_is_never_hidden_nor_used_as_cover() -> None:
    dims, comptes = table_2d({"a": {"F": 2, "M": 0, "X": 30}, "b": {"F": 20, "M": 0, "X": 35}, "c": {"F": 25, "M": 12, "X": 40}})
    table = proteger(dims, comptes)
    assert statuts(table)[("a", "M")] == statuts(table)[("b", "M")] == "Z"
    assert {c: v for c, v, _ in table.lignes()}[("a", "M")] == 0
    verifier(dims, comptes, table)


def test_a_departement_region_france_hierarchy_is_protected_across_every_level() -> None:
    geo = Dimension("geo", {"IDF": TOTAL, "75": "IDF", "93": "IDF", "94": "IDF", "HDF": TOTAL, "59": "HDF", "62": "HDF"})
    sexe = plate("sexe", ["F", "M"])
    comptes = {
        ("75", "F"): 3, ("75", "M"): 25, ("93", "F"): 18, ("93", "M"): 22, ("94", "F"): 40, ("94", "M"): 31,
        ("59", "F"): 4, ("59", "M"): 30, ("62", "F"): 3, ("62", "M"): 16,
    }  # fmt: skip
    table = proteger([geo, sexe], comptes)
    vus = statuts(table)
    assert len(vus) == 8 * 3
    assert vus[("75", "F")] == vus[("59", "F")] == vus[("62", "F")] == "A"
    assert vus[("HDF", "F")] == "A"  # 4 + 3 = 7: the region cell is small too
    assert vus[(TOTAL, TOTAL)] == "V"
    verifier([geo, sexe], comptes, table)


def test_hidden_small_siblings_never_add_up_to_a_small_count_under_a_published_parent() -> None:
    dims, comptes = table_2d({"a": {"F": 2, "M": 3, "X": 40}, "b": {"F": 20, "M": 25, "X": 35}})
    cellules = list(itertools.product(["a", "b", TOTAL], ["F", "M", "X", TOTAL]))
    rectangle = {("a", "F"), ("a", "M"), ("b", "F"), ("b", "M")}
    attaquant = Attaquant(dims, comptes, cellules)
    # The rectangle passes R1 (each small cell lies in [1, 4]) but gives away a·F + a·M = 45 − 40 = 5.
    assert attaquant.intervalle(rectangle, ("a", "F")) == (1, 4)
    assert attaquant.intervalle(rectangle, ("a", "M")) == (1, 4)
    table = proteger(dims, comptes)
    vus = statuts(table)
    assert vus[("a", "F")] == vus[("a", "M")] == "A"
    cachees_a = [comptes[("a", c)] for c in "FMX" if vus[("a", c)] in "AD"]
    assert vus[("a", TOTAL)] in "AD" or not 1 <= sum(cachees_a) <= 10
    verifier(dims, comptes, table)


def test_a_region_with_a_single_departement_is_the_same_cell_and_has_the_same_status() -> None:
    geo = Dimension("geo", {"COR": TOTAL, "2A": "COR", "IDF": TOTAL, "75": "IDF", "93": "IDF"})
    sexe = plate("sexe", ["F", "M"])
    comptes = {("2A", "F"): 4, ("2A", "M"): 20, ("75", "F"): 30, ("75", "M"): 25, ("93", "F"): 18, ("93", "M"): 22}
    table = proteger([geo, sexe], comptes)
    vus, valeurs = statuts(table), {c: v for c, v, _ in table.lignes()}
    assert vus[("2A", "F")] == vus[("COR", "F")] == "A"
    for code in ("F", "M", TOTAL):
        assert vus[("COR", code)] == vus[("2A", code)]
        assert valeurs[("COR", code)] == valeurs[("2A", code)]
    verifier([geo, sexe], comptes, table)


def test_the_same_input_gives_the_same_published_file(tmp_path: Path) -> None:
    geo = Dimension("geo", {"IDF": TOTAL, "75": "IDF", "93": "IDF", "HDF": TOTAL, "59": "HDF", "62": "HDF"})
    sexe, age = plate("sexe", ["F", "M"]), plate("age", ["-25", "25+"])
    valeurs = [3, 25, 18, 2, 40, 31, 4, 30, 7, 16, 0, 12, 5, 9, 44, 1]
    comptes = dict(zip(itertools.product(["75", "93", "59", "62"], ["F", "M"], ["-25", "25+"]), valeurs))
    ecrire_publiee(tmp_path / "un.csv", proteger([geo, sexe, age], comptes))
    ecrire_publiee(tmp_path / "deux.csv", proteger([geo, sexe, age], dict(reversed(list(comptes.items())))))
    assert (tmp_path / "un.csv").read_bytes() == (tmp_path / "deux.csv").read_bytes()


@pytest.mark.parametrize("k", [0, 3, 4])
def test_a_threshold_below_5_is_refused_with_a_french_message(k: int) -> None:
    dims, comptes = table_2d({"a": {"F": 3, "M": 40}, "b": {"F": 50, "M": 60}})
    with pytest.raises(EntreeInvalideError, match="ne peut pas être inférieur à 5"):
        proteger(dims, comptes, k=k)


def test_a_threshold_of_5_is_the_floor_and_is_accepted() -> None:
    dims, comptes = table_2d({"a": {"F": 3, "M": 40, "X": 30}, "b": {"F": 50, "M": 5, "X": 45}, "c": {"F": 4, "M": 35, "X": 60}})
    table = proteger(dims, comptes, k=5)
    vus = statuts(table)
    assert vus[("a", "F")] == vus[("c", "F")] == "A"
    assert vus[("b", "M")] != "A"  # 5 is not below the threshold
    verifier(dims, comptes, table, k=5)


# Property ---------------------------------------------------------------------------------------------------


@st.composite
def tableaux(draw: st.DrawFn) -> tuple[list[Dimension], dict[Cellule, int]]:
    """2-D or 3-D tables; leaves grouped (groups of one included), maybe on two levels; a 3-D table has two flat dimensions."""
    nb = draw(st.sampled_from([2, 3]))
    dims = []
    for n in range(nb):
        nb_feuilles = draw(st.integers(2, 4 if nb == 2 else 3))
        groupes = draw(st.lists(st.integers(-1, 1 if nb == 2 or n == 0 else -1), min_size=nb_feuilles, max_size=nb_feuilles))
        deux_niveaux = nb == 2 and draw(st.booleans())
        parents: dict[str, str] = {}
        utilises = sorted({g for g in groupes if g >= 0})
        if utilises and deux_niveaux:
            parents[f"S{n}"] = TOTAL
        for g in utilises:
            parents[f"G{n}{g}"] = f"S{n}" if deux_niveaux else TOTAL
        for i, g in enumerate(groupes):
            parents[f"f{n}{i}"] = f"G{n}{g}" if g >= 0 else TOTAL
        dims.append(Dimension(f"v{n}", parents))
    internes = list(itertools.product(*(feuilles(d) for d in dims)))
    valeurs = draw(
        st.lists(st.one_of(st.just(0), st.integers(1, 10), st.integers(11, 60)), min_size=len(internes), max_size=len(internes))
    )
    return dims, {i: v for i, v in zip(internes, valeurs) if v or draw(st.booleans())}


@settings(max_examples=15, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(tableaux())
def test_every_random_2d_or_3d_table_with_hierarchies_passes_the_independent_attacker(exemple: tuple[list[Dimension], dict[Cellule, int]]) -> None:
    dims, comptes = exemple
    verifier(dims, comptes, proteger(dims, comptes))


# The command ------------------------------------------------------------------------------------------------


def ecrire(chemin: Path, texte: str) -> Path:
    chemin.write_text(texte, encoding="utf-8")
    return chemin


def lancer(*arguments: str | Path) -> Result:
    return CliRunner().invoke(protect_table, [str(a) for a in arguments])


def test_protect_table_writes_the_expected_csv_and_exits_0(tmp_path: Path) -> None:
    interne = ecrire(tmp_path / "inner.csv", "geo,sexe,n\n93,M,60\n75,F,3\n75,M,40\n93,F,50\n")
    sortie = tmp_path / "published.csv"
    resultat = lancer(interne, "--dimensions", "geo,sexe", "--out", sortie)
    assert resultat.exit_code == 0, resultat.output
    assert sortie.read_text(encoding="utf-8") == (
        "geo,sexe,n,statut\n"
        "75,F,,A\n75,M,,D\n75,Total,43,V\n"
        "93,F,,D\n93,M,,D\n93,Total,110,V\n"
        "Total,F,53,V\nTotal,M,100,V\nTotal,Total,153,V\n"
    )


def test_protect_table_with_a_hierarchy_file_and_options_exits_0(tmp_path: Path) -> None:
    interne = ecrire(tmp_path / "inner.csv", "geo,sexe,n\n75,F,3\n75,M,25\n93,F,18\n93,M,22\n59,F,4\n59,M,30\n62,M,16\n")
    geo = ecrire(tmp_path / "geo.csv", "code,parent\nIDF,\n75,IDF\n93,IDF\nHDF,\n59,HDF\n62,HDF\n")
    sortie = tmp_path / "published.csv"
    resultat = lancer(interne, "--dimensions", "geo,sexe", "--hierarchie", f"geo={geo}", "--k", "5", "--largeur", "0.2", "--out", sortie)
    assert resultat.exit_code == 0, resultat.output
    lignes = sortie.read_text(encoding="utf-8").splitlines()
    assert lignes[0] == "geo,sexe,n,statut" and len(lignes) == 1 + 7 * 3
    assert "62,F,0,Z" in lignes and "75,F,,A" in lignes and "59,F,,A" in lignes and "Total,Total,118,V" in lignes


def test_when_the_solver_cannot_audit_the_table_it_exits_3_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(protection.OPTIONS_HIGHS, "time_limit", 0.0)  # every audit LP stops before its optimum
    interne = ecrire(tmp_path / "inner.csv", "geo,sexe,n\n75,F,3\n75,M,40\n93,F,50\n93,M,60\n")
    sortie = tmp_path / "published.csv"
    resultat = lancer(interne, "--dimensions", "geo,sexe", "--out", sortie)
    assert resultat.exit_code == 3, resultat.output
    assert not sortie.exists()


@pytest.mark.parametrize(
    ("interne", "hierarchie", "options", "attendu"),
    [
        ("geo,sexe\n75,F\n", None, [], "colonne(s) manquante(s) : n"),
        ("geo,sexe,n\n75,F,3\n75,F,4\n", None, [], "figure déjà"),
        ("geo,sexe,n\n75,F,x\n", None, [], "entier"),
        ("geo,sexe,n\nIDF,F,3\n", "code,parent\nIDF,\n75,IDF\n", ["--hierarchie", "geo={h}"], "n'est pas une feuille"),
        ("geo,sexe,n\n75,F,3\n", "code,parent\n75,IDF\nIDF,75\n", ["--hierarchie", "geo={h}"], "cycle"),
        ("geo,sexe,n\n75,F,3\n", "code,mere\n75,\n", ["--hierarchie", "geo={h}"], "colonnes code,parent"),
        ("geo,sexe,n\n75,F,3\n", "code,parent\n75,\n", ["--hierarchie", "age={h}"], "DIMENSION=FICHIER.csv"),
        ("geo,sexe,n\n75,F,3\n", None, ["--largeur", "2"], "largeur"),
    ],
)
def test_bad_input_exits_2_in_french_and_writes_nothing(
    tmp_path: Path, interne: str, hierarchie: str | None, options: list[str], attendu: str
) -> None:
    fichier = ecrire(tmp_path / "inner.csv", interne)
    h = ecrire(tmp_path / "geo.csv", hierarchie) if hierarchie else tmp_path / "absent.csv"
    sortie = tmp_path / "published.csv"
    resultat = lancer(fichier, "--dimensions", "geo,sexe", *(o.format(h=h) for o in options), "--out", sortie)
    assert resultat.exit_code == 2, resultat.output
    assert attendu in resultat.output
    assert not sortie.exists()


def test_a_missing_inner_file_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    sortie = tmp_path / "published.csv"
    resultat = lancer(tmp_path / "absent.csv", "--dimensions", "geo", "--out", sortie)
    assert resultat.exit_code == 2 and "introuvable" in resultat.output
    assert not sortie.exists()

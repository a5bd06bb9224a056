"""The Gauss pass, the protection of means, controlled rounding and differential privacy, on small tables.

Means are checked by an attacker written here: it holds the published counts and the sums behind the
published means (S = n·mean), knows every per-person value lies in [0, max], and solves LPs over the
inner counts and sums together.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from projections.protection import (
    TOTAL,
    Dimension,
    EntreeInvalideError,
    MoyennesPubliees,
    ProtectionImpossibleError,
    TablePubliee,
    _Modele,
    arrondir,
    bruiter,
    proteger,
    proteger_moyennes,
)
from tests.unit.protection.test_protection_cas_connus import (
    SUPPRESSIONS_NAIVES_SDCTABLE,
    TABLE_SDCTABLE,
    Attaquant,
    feuilles,
    sous,
    table_2d,
    verifier,
)
from web.cli.statistiques import protect_table

Cellule = tuple[str, ...]


def statuts(table: TablePubliee | MoyennesPubliees) -> dict[Cellule, str]:
    return dict(zip(table.cellules, table.statuts))


# Gauss pass ----------------------------------------------------------------------------------------------


def test_the_gauss_pass_finds_the_cell_that_two_suppressions_per_row_and_column_leave_determined() -> None:
    # sdcTable's 4×4: every row and column has two hidden cells, yet w·b is an exact combination of published cells.
    dims, comptes = table_2d(TABLE_SDCTABLE)
    modele = _Modele(dims, comptes)
    naif = SUPPRESSIONS_NAIVES_SDCTABLE
    cachees = {modele.index[c] for c in naif}
    assert {modele.cellules[i] for i in modele.determinees(cachees, cachees)} == {("w", "b")}
    # The pass, given those cells as primaries, hides more so that none is a linear combination any more.
    apres = modele.passe_gauss(cachees, set(cachees), modele.a + 1)
    assert apres > cachees
    assert modele.determinees(apres, cachees) == set()


def test_the_gauss_pass_alone_protects_a_2x2_so_the_milp_is_not_needed() -> None:
    dims, comptes = table_2d({"a": {"F": 3, "M": 40}, "b": {"F": 50, "M": 60}})
    table = proteger(dims, comptes)
    assert table.mesures["secondaires_gauss"] == 3
    assert table.mesures["reparations"] == 0
    assert {c for c, s in statuts(table).items() if s == "D"} == {("a", "M"), ("b", "F"), ("b", "M")}
    verifier(dims, comptes, table)


def test_the_gauss_pass_uses_exact_arithmetic_on_a_hierarchy() -> None:
    # Three levels: a cell one level down equals a combination with coefficients ±1 of five published cells.
    geo = Dimension("geo", {"R1": TOTAL, "d1": "R1", "d2": "R1", "R2": TOTAL, "d3": "R2", "d4": "R2"})
    sexe = Dimension.plate("sexe", ["F", "M"])
    comptes = {("d1", "F"): 4, ("d1", "M"): 30, ("d2", "F"): 25, ("d2", "M"): 20, ("d3", "F"): 33, ("d3", "M"): 40,
               ("d4", "F"): 27, ("d4", "M"): 19}
    modele = _Modele([geo, sexe], comptes)
    p = modele.index[("d1", "F")]
    assert modele.determinees({p}, {p}) == {p}
    apres = modele.passe_gauss({p}, {p}, modele.a + 1)
    assert modele.determinees(apres, {p}) == set()
    table = proteger([geo, sexe], comptes)
    assert table.mesures["secondaires_gauss"] >= 1
    verifier([geo, sexe], comptes, table)


def test_the_result_is_safe_with_or_without_the_gauss_pass() -> None:
    dims, comptes = table_2d({"a": {"x": 1, "y": 20, "z": 30}, "b": {"x": 40, "y": 25, "z": 1}, "c": {"x": 22, "y": 50, "z": 35}})
    for gauss in (True, False):
        table = proteger(dims, comptes, gauss=gauss)
        verifier(dims, comptes, table)
        assert all(table.mesures[cle] >= 0 for cle in ("primaire_s", "gauss_s", "audit_s", "reparation_s", "audit_final_s"))


def test_a_table_that_still_needs_the_milp_after_the_gauss_pass_is_repaired_and_audited() -> None:
    # Hidden 1s pinned by the ≥ 1 knowledge: invisible to linear algebra, found by the LP audit.
    dims, comptes = table_2d({"l0": {"c0": 30, "c1": 30, "c2": 20}, "l1": {"c0": 1, "c1": 15, "c2": 1}})
    table = proteger(dims, comptes)
    assert table.mesures["reparations"] >= 1
    verifier(dims, comptes, table)


# Means -----------------------------------------------------------------------------------------------------


class AttaquantConjoint:
    """Counts and sums of the inner cells together: n ≥ 0, 0 ≤ S ≤ plafond·n, hidden counts ≥ 1."""

    def __init__(self, dims: Sequence[Dimension], comptes: dict, valeurs: dict, table: TablePubliee, moyennes: MoyennesPubliees) -> None:
        self.internes = list(itertools.product(*(feuilles(d) for d in dims)))
        dessous = [{code: sous(d, code) for code in [*d.parents, TOTAL]} for d in dims]

        def ligne(cellule: Cellule) -> np.ndarray:
            return np.array([all(i[n] in dessous[n][c] for n, c in enumerate(cellule)) for i in self.internes], dtype=float)

        nb = len(self.internes)
        n = np.array([comptes.get(i, 0) for i in self.internes], dtype=float)
        s = np.array([sum(valeurs.get(i, [])) for i in self.internes], dtype=float)
        plafond = max((x for serie in valeurs.values() for x in serie), default=0)
        egalites, seconds, inegalites, bornes = [], [], [], []
        for cellule, valeur, _ in table.lignes():
            x = ligne(cellule)
            if valeur is None:
                inegalites.append(np.concatenate([-x, np.zeros(nb)]))
                bornes.append(-1.0)
            else:
                egalites.append(np.concatenate([x, np.zeros(nb)]))
                seconds.append(float(valeur))
        for cellule, moyenne, statut in moyennes.lignes():
            x = ligne(cellule)
            if moyenne is not None:
                egalites.append(np.concatenate([np.zeros(nb), x]))
                seconds.append(float(x @ s))  # n·mean, before rounding the mean to one decimal
                assert round(float(x @ s) / float(x @ n), 1) == moyenne
        for j in range(nb):
            e = np.zeros(2 * nb)
            e[j], e[nb + j] = -plafond, 1
            inegalites.append(e)
            bornes.append(0.0)
        self.A_eq, self.b_eq = np.array(egalites), np.array(seconds)
        self.A_ub, self.b_ub = np.array(inegalites), np.array(bornes)
        self.ligne, self.nb, self.n, self.s = ligne, nb, n, s

    def intervalle(self, cellule: Cellule, somme: bool) -> tuple[float, float]:
        x = self.ligne(cellule)
        objectif = np.concatenate([np.zeros(self.nb), x] if somme else [x, np.zeros(self.nb)])
        resultat = []
        for signe in (1, -1):
            r = linprog(signe * objectif, A_ub=self.A_ub, b_ub=self.b_ub, A_eq=self.A_eq, b_eq=self.b_eq, bounds=(0, None), method="highs")
            assert r.status in (0, 3), r.message
            resultat.append(signe * r.fun if r.status == 0 else (-math.inf if signe == 1 else math.inf))
        return resultat[0], resultat[1]


def verifier_moyennes(dims, comptes, valeurs, table, moyennes, k_moyenne=11, largeur=0.10) -> AttaquantConjoint:  # noqa: ANN001
    comptes_publies = statuts(table)
    for cellule, statut in statuts(moyennes).items():
        if comptes_publies[cellule] in ("A", "D"):
            assert statut in ("A", "D"), cellule  # the mean pattern covers the count pattern
        if statut == "V":
            assert comptes_publies[cellule] == "V"
            assert moyennes.effectifs[moyennes.cellules.index(cellule)] >= k_moyenne
    attaquant = AttaquantConjoint(dims, comptes, valeurs, table, moyennes)
    for cellule, statut in comptes_publies.items():
        if statut == "A":
            bas, haut = attaquant.intervalle(cellule, somme=False)
            vraie = float(attaquant.ligne(cellule) @ attaquant.n)
            assert haut - bas >= max(1, math.ceil(largeur * vraie)) - 1e-6, (cellule, bas, haut)
    for cellule, statut in statuts(moyennes).items():
        if statut in ("A", "B") and moyennes.effectifs[moyennes.cellules.index(cellule)] > 0:
            bas, haut = attaquant.intervalle(cellule, somme=True)
            vraie = float(attaquant.ligne(cellule) @ attaquant.s)
            assert haut - bas >= max(1, math.ceil(largeur * vraie)) - 1e-6, (cellule, bas, haut)
    return attaquant


def une_dimension(valeurs_par_code: dict[str, list[int]]) -> tuple[list[Dimension], dict, dict]:
    dims = [Dimension.plate("geo", valeurs_par_code)]
    return dims, {(c,): len(v) for c, v in valeurs_par_code.items()}, {(c,): v for c, v in valeurs_par_code.items()}


def test_a_mean_hidden_for_too_few_people_leaks_through_the_total_unless_another_mean_is_hidden() -> None:
    # TC-M1: counts are public from 5 people, means from 11. d1 (6 people) has its count but not its mean;
    # publishing the means of d2, d3 and the total would give S1 = S − S2 − S3, hence d1's mean exactly.
    dims, comptes, valeurs = une_dimension({"d1": [100, 120, 90, 300, 40, 60], "d2": [200] * 20, "d3": [150] * 25})
    table = proteger(dims, comptes, k=5)
    assert set(table.statuts) == {"V"}
    attaquant_naif = Attaquant(dims, comptes, table.cellules)
    assert attaquant_naif.intervalle(set(), ("d1",)) == (6, 6)
    moyennes = proteger_moyennes(dims, comptes, valeurs, table, ("geo",), k_moyenne=11)
    vus = statuts(moyennes)
    assert vus[("d1",)] == "A"
    assert vus[("d2",)] == "D" and vus[("d3",)] == "V" and vus[(TOTAL,)] == "V"  # the cheaper cover is hidden
    assert moyennes.mesures["secondaires"] == 1
    verifier_moyennes(dims, comptes, valeurs, table, moyennes, k_moyenne=11)


def test_means_are_hidden_wherever_their_count_is_and_never_leak_a_hidden_count() -> None:
    geo = Dimension("geo", {"IDF": TOTAL, "75": "IDF", "93": "IDF", "HDF": TOTAL, "59": "HDF", "62": "HDF"})
    issue = Dimension.plate("issue", ["emploi", "formation", "neutre"])
    tailles = {("75", "emploi"): 3, ("75", "formation"): 25, ("75", "neutre"): 14, ("93", "emploi"): 18,
               ("93", "formation"): 2, ("93", "neutre"): 22, ("59", "emploi"): 30, ("59", "formation"): 12,
               ("59", "neutre"): 0, ("62", "emploi"): 7, ("62", "formation"): 16, ("62", "neutre"): 21}
    valeurs = {c: [(37 * j + 11 * len(c[0]) + 13 * i) % 400 + 20 for i in range(n)] for j, (c, n) in enumerate(tailles.items())}
    comptes = dict(tailles)
    table = proteger([geo, issue], comptes)
    moyennes = proteger_moyennes([geo, issue], comptes, valeurs, table, ("geo", "issue"))
    vus = statuts(moyennes)
    assert vus[("59", "neutre")] == "Z"
    assert vus[("75", "emploi")] == "A" and vus[("93", "formation")] == "A"
    assert vus[(TOTAL, TOTAL)] == "V"
    verifier_moyennes([geo, issue], comptes, valeurs, table, moyennes)


def test_a_mean_dominated_by_one_person_is_hidden_with_status_b() -> None:
    dims, comptes, valeurs = une_dimension({"d1": [5] * 11 + [2000], "d2": [200] * 20, "d3": [150] * 25})
    table = proteger(dims, comptes)
    moyennes = proteger_moyennes(dims, comptes, valeurs, table, ("geo",))
    assert statuts(moyennes)[("d1",)] == "B"
    verifier_moyennes(dims, comptes, valeurs, table, moyennes)


def test_negative_values_for_a_mean_are_refused() -> None:
    dims, comptes, valeurs = une_dimension({"d1": [5, -1], "d2": [200] * 20})
    table = proteger(dims, comptes)
    with pytest.raises(EntreeInvalideError, match="négatives"):
        proteger_moyennes(dims, comptes, valeurs, table, ("geo",))


# Controlled rounding ---------------------------------------------------------------------------------------


def test_controlled_rounding_keeps_every_table_additive_with_adjacent_multiples_of_5() -> None:
    geo = Dimension("geo", {"IDF": TOTAL, "75": "IDF", "93": "IDF", "HDF": TOTAL, "59": "HDF", "62": "HDF"})
    sexe = Dimension.plate("sexe", ["F", "M"])
    comptes = {("75", "F"): 3, ("75", "M"): 25, ("93", "F"): 18, ("93", "M"): 0, ("59", "F"): 31, ("59", "M"): 12,
               ("62", "F"): 14, ("62", "M"): 10}
    table = arrondir([geo, sexe], comptes, 5)
    vraies = dict(zip(Attaquant([geo, sexe], comptes, table.cellules).cellules, Attaquant([geo, sexe], comptes, table.cellules).vraies))
    arrondies = dict(zip(table.cellules, table.valeurs))
    for cellule, valeur in arrondies.items():
        assert valeur % 5 == 0 and abs(valeur - vraies[cellule]) < 5
        if vraies[cellule] % 5 == 0:
            assert valeur == vraies[cellule]  # zeros and multiples of 5 stay as they are
    assert arrondies[("93", "M")] == 0
    for parent, enfants in Attaquant([geo, sexe], comptes, table.cellules).relations():
        assert arrondies[parent] == sum(arrondies[e] for e in enfants), parent
    assert set(table.statuts) == {"V"}  # a Z would tell true zeros from counts rounded down
    assert table.mesures["ecart_total"] == sum(abs(arrondies[c] - vraies[c]) for c in table.cellules)


def test_controlled_rounding_is_deterministic_and_minimal_on_a_small_table() -> None:
    dims, comptes = table_2d({"a": {"x": 1, "y": 2}, "b": {"x": 2, "y": 1}})
    un, deux = arrondir(dims, comptes, 5), arrondir(dims, comptes, 5)
    assert un.valeurs == deux.valeurs
    # Total 6 → 5, so one row, one column and their common inner cell go up to 5, best a 2: deviations
    # 3 + (1 + 2 + 1) for the inner cells, 2 + 3 for the rows, 2 + 3 for the columns, 1 for the total = 18.
    arrondies = dict(zip(un.cellules, un.valeurs))
    assert arrondies[(TOTAL, TOTAL)] == 5
    assert sorted(arrondies[c] for c in [("a", "x"), ("a", "y"), ("b", "x"), ("b", "y")]) == [0, 0, 0, 5]
    assert arrondies[("a", "x")] == arrondies[("b", "y")] == 0
    assert un.mesures["ecart_total"] == 18


def test_a_rounding_base_below_2_is_refused() -> None:
    dims, comptes = table_2d({"a": {"x": 1}})
    with pytest.raises(EntreeInvalideError, match="base"):
        arrondir(dims, comptes, 1)


# Differential privacy --------------------------------------------------------------------------------------


def petit_territoire() -> tuple[list[Dimension], dict[Cellule, int], list[tuple[str, ...]]]:
    dims = [Dimension("geo", {"R": TOTAL, "75": "R", "93": "R", "59": TOTAL}), Dimension.plate("sexe", ["F", "M"]),
            Dimension.plate("issue", ["e", "f", "n"])]
    comptes = {c: (7 * i) % 23 for i, c in enumerate(itertools.product(["75", "93", "59"], ["F", "M"], ["e", "f", "n"]))}
    return dims, comptes, [("geo", "issue"), ("sexe", "issue")]


def test_the_privacy_budget_is_split_across_the_tables_and_adds_up_to_epsilon() -> None:
    dims, comptes, formules = petit_territoire()
    tables = bruiter(dims, comptes, 1.0, formules, graine=3)
    assert [t.mesures["epsilon"] for t in tables] == pytest.approx([0.5, 0.5])
    assert sum(t.mesures["epsilon"] for t in tables) == pytest.approx(1.0)
    assert [t.mesures["echelle"] for t in tables] == pytest.approx([2.0, 2.0])


def test_the_same_seed_gives_the_same_noisy_tables_and_another_seed_other_ones() -> None:
    dims, comptes, formules = petit_territoire()
    un = bruiter(dims, comptes, 0.5, formules, graine=7)
    deux = bruiter(dims, comptes, 0.5, formules, graine=7)
    autre = bruiter(dims, comptes, 0.5, formules, graine=8)
    assert [t.valeurs for t in un] == [t.valeurs for t in deux]
    assert [t.valeurs for t in un] != [t.valeurs for t in autre]


@pytest.mark.parametrize("graine", [None, 1])
def test_noisy_tables_are_non_negative_integers_additive_and_show_no_small_count(graine: int | None) -> None:
    dims, comptes, formules = petit_territoire()
    for formule, table in zip(formules, bruiter(dims, comptes, 1.0, formules, k=11, graine=graine)):
        valeurs = dict(zip(table.cellules, table.valeurs))
        assert all(isinstance(v, int) and v >= 0 for v in valeurs.values())
        for cellule, valeur, statut in table.lignes():
            assert (statut == "Z") == (valeurs[cellule] == 0)
            assert (statut == "A") == (1 <= valeurs[cellule] <= 10) == (valeur is None)
        for n, d in enumerate(dims):
            if d.nom not in formule:
                continue
            for cellule in table.cellules:
                enfants = d.enfants(cellule[n]) if cellule[n] != TOTAL else [c for c, p in d.parents.items() if p == TOTAL]
                if enfants:
                    assert valeurs[cellule] == sum(valeurs[(*cellule[:n], e, *cellule[n + 1:])] for e in enfants)


def test_epsilon_must_be_positive() -> None:
    dims, comptes, formules = petit_territoire()
    with pytest.raises(EntreeInvalideError, match="epsilon"):
        bruiter(dims, comptes, 0, formules)


def test_without_a_seed_opendp_draws_the_noise() -> None:
    dims, comptes, formules = petit_territoire()
    tirages = {tuple(bruiter(dims, comptes, 0.2, formules)[0].valeurs) for _ in range(3)}
    assert len(tirages) > 1


def test_a_3d_table_without_any_additive_zero_restricted_rounding_is_refused_in_french() -> None:
    # 3×3×3 table of 0s and 1s, base 2: every 1 must become 0 or 2, every even margin stay as it is, and
    # the constraints of the three directions contradict each other (found by search, proved by HiGHS).
    uns = ["000", "002", "010", "011", "012", "100", "111", "120", "121", "122", "201", "202", "210", "211", "222"]
    dims = [Dimension.plate(n, [f"{n}{i}" for i in range(3)]) for n in "abc"]
    comptes = {c: int("".join(x[1] for x in c) in uns) for c in itertools.product(*(d.feuilles for d in dims))}
    with pytest.raises(ProtectionImpossibleError, match="aucun arrondi contrôlé en base 2"):
        arrondir(dims, comptes, 2)


def test_protect_table_can_round_instead_of_suppressing(tmp_path: Path) -> None:
    interne = tmp_path / "inner.csv"
    interne.write_text("geo,sexe,n\n75,F,3\n75,M,40\n93,F,50\n93,M,0\n", encoding="utf-8")
    sortie = tmp_path / "published.csv"
    resultat = CliRunner().invoke(protect_table, [str(interne), "--dimensions", "geo,sexe", "--arrondi", "5", "--out", str(sortie)])
    assert resultat.exit_code == 0, resultat.output
    lignes = sortie.read_text(encoding="utf-8").splitlines()
    assert lignes[0] == "geo,sexe,n,statut" and len(lignes) == 1 + 9
    valeurs = {tuple(l.split(",")[:2]): int(l.split(",")[2]) for l in lignes[1:]}
    assert all(v % 5 == 0 and l.endswith(",V") for v, l in zip(valeurs.values(), lignes[1:]))
    assert valeurs[("93", "M")] == 0 and valeurs[("75", "M")] == 40 and valeurs[("93", "F")] == 50
    assert valeurs[("Total", "Total")] == valeurs[("75", "Total")] + valeurs[("93", "Total")] == valeurs[("Total", "F")] + valeurs[("Total", "M")]


# Properties ------------------------------------------------------------------------------------------------


@settings(max_examples=10, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    tailles=st.lists(st.one_of(st.just(0), st.integers(1, 10), st.integers(11, 40)), min_size=6, max_size=6),
    graine=st.integers(0, 1000),
    k_moyenne=st.sampled_from([11, 15]),
)
def test_every_random_table_of_means_passes_the_joint_attacker(tailles: list[int], graine: int, k_moyenne: int) -> None:
    geo = Dimension("geo", {"R": TOTAL, "a": "R", "b": "R", "c": TOTAL})
    issue = Dimension.plate("issue", ["x", "y"])
    cellules = list(itertools.product(["a", "b", "c"], ["x", "y"]))
    comptes = dict(zip(cellules, tailles))
    # Durations of at least one day: with every duration 0 no hidden sum could be uncertain, and nothing is published.
    valeurs = {c: [1 + (graine * 7 + 31 * i + 17 * j) % 500 for i in range(n)] for j, (c, n) in enumerate(comptes.items())}
    table = proteger([geo, issue], comptes)
    moyennes = proteger_moyennes([geo, issue], comptes, valeurs, table, ("geo", "issue"), k_moyenne=k_moyenne)
    verifier_moyennes([geo, issue], comptes, valeurs, table, moyennes, k_moyenne=k_moyenne)


@settings(max_examples=15, deadline=None, database=None)
@given(valeurs=st.lists(st.integers(0, 30), min_size=12, max_size=12), base=st.sampled_from([3, 5, 10]))
def test_every_random_2d_table_with_a_hierarchy_has_an_additive_controlled_rounding(valeurs: list[int], base: int) -> None:
    geo = Dimension("geo", {"R": TOTAL, "a": "R", "b": "R", "c": TOTAL})
    colonne = Dimension.plate("col", ["x", "y", "z", "w"])
    comptes = dict(zip(itertools.product(["a", "b", "c"], ["x", "y", "z", "w"]), valeurs))
    table = arrondir([geo, colonne], comptes, base)
    attaquant = Attaquant([geo, colonne], comptes, table.cellules)
    arrondies = dict(zip(table.cellules, table.valeurs))
    for cellule, vraie in zip(attaquant.cellules, attaquant.vraies):
        assert arrondies[cellule] % base == 0 and abs(arrondies[cellule] - vraie) < base
    for parent, enfants in attaquant.relations():
        assert arrondies[parent] == sum(arrondies[e] for e in enfants)


def test_export_stats_refuses_a_seed_outside_differential_privacy() -> None:
    from web.cli.statistiques import export_stats

    resultat = CliRunner().invoke(export_stats, ["--du", "2025-01-01", "--au", "2025-12-31", "--graine", "1", "--out", "x"])
    assert resultat.exit_code == 2 and "--graine ne s'emploie qu'avec --confidentialite-differentielle" in resultat.output

"""Statistical protection of count tables and means (CONTRACT §7, reference/statistical-disclosure.md §3).

Dimensions, each flat or hierarchical, cross into inner (leaf) cells; every combination of every
code (leaves, intermediate codes, `Total`) is a published cell, the sum of the inner cells below it
(model matrix X). Counts 1..k−1 are suppressed (primary, `A`); zeros are published (`Z`) and an
attacker knows a hidden cell is ≥ 1. Secondary suppressions (`D`) come first from a Gauss pass
(Langsrud 2024, exact rational elimination: no primary may be a linear combination of published
cells), then from the group-sum rule and, for every primary whose LP interval (HiGHS) is still
narrower than max(1, ⌈largeur·n⌉), from the compact deviation MILP. The audit that finds nothing
left to repair, plus the group-sum and duplicate checks, is final: otherwise nothing is published
("fail closed"). Means (`proteger_moyennes`) are audited together with the counts. Controlled
rounding (`arrondir`) and differential privacy (`bruiter`, OpenDP) are alternatives to suppression.
Same input ⇒ same pattern. Must not import flask or `web`.
"""

from __future__ import annotations

import csv
import itertools
import math
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.optimize._highspy import _core as highs

TOTAL = "Total"
K_PAR_DEFAUT = 11
K_MINIMUM = 5
LARGEUR_PAR_DEFAUT = 0.10
BORNE_BASSE = 1
"""Zeros are always published, so the attacker knows every hidden cell holds at least one unit."""


class EntreeInvalideError(ValueError):
    """The table or its hierarchy is malformed; the message is French and says where."""


class ProtectionImpossibleError(RuntimeError):
    """No safe pattern was found: nothing may be published."""


@dataclass(frozen=True)
class Dimension:
    """A classification variable: its codes and, for each, its parent (`Total` at the top)."""

    nom: str
    parents: Mapping[str, str]

    @classmethod
    def plate(cls, nom: str, codes: Iterable[str]) -> Dimension:
        return cls(nom, {code: TOTAL for code in sorted(set(codes))})

    @property
    def codes(self) -> list[str]:
        return [*self.parents, TOTAL]

    @property
    def feuilles(self) -> list[str]:
        meres = set(self.parents.values())
        return [code for code in self.parents if code not in meres]

    def enfants(self, code: str) -> list[str]:
        return [c for c, parent in self.parents.items() if parent == code]

    def feuilles_sous(self, code: str) -> frozenset[str]:
        if code == TOTAL:
            return frozenset(self.feuilles)
        sous = self.enfants(code)
        if not sous:
            return frozenset({code})
        return frozenset().union(*(self.feuilles_sous(enfant) for enfant in sous))


@dataclass
class TablePubliee:
    dimensions: list[Dimension]
    cellules: list[tuple[str, ...]]
    valeurs: list[int]
    statuts: list[str]
    intervalles: dict[tuple[str, ...], tuple[float, float]] = field(default_factory=dict)
    mesures: dict[str, float] = field(default_factory=dict)
    """Seconds spent in each stage and cells suppressed by each, for the metadata and the benchmark."""

    def lignes(self) -> Iterable[tuple[tuple[str, ...], int | None, str]]:
        for cellule, valeur, statut in zip(self.cellules, self.valeurs, self.statuts):
            yield cellule, (None if statut in MASQUES else valeur), statut


MASQUES = ("A", "B", "D")


def _verifier(k: int, largeur: float) -> None:
    if k < K_MINIMUM:
        raise EntreeInvalideError(f"k = {k} : le seuil ne peut pas être inférieur à {K_MINIMUM}.")
    if not 0 <= largeur <= 1:
        raise EntreeInvalideError("largeur : une proportion entre 0 et 1 est attendue.")


def proteger(
    dimensions: Sequence[Dimension],
    comptes: Mapping[tuple[str, ...], int],
    k: int = K_PAR_DEFAUT,
    largeur: float = LARGEUR_PAR_DEFAUT,
    formules: Sequence[Sequence[str]] | None = None,
    gauss: bool = True,
) -> TablePubliee:
    """The published cells with their suppression pattern, or `ProtectionImpossibleError`.

    Without `formules`, every combination of every code is published; with them, only the cells of
    those tables (each a subset of dimensions, the others at `Total`), all protected together.
    Stages: primary suppression, Gauss pass (exact elimination, `gauss=False` skips it), group-sum
    rule, LP audit and MILP repair until every primary is safe, final audit.
    """
    _verifier(k, largeur)
    debut = time.perf_counter()
    modele = _Modele(list(dimensions), comptes, formules)
    primaires = {i for i, a in enumerate(modele.a) if 1 <= a < k}
    mesures: dict[str, float] = {"cellules": len(modele.cellules), "cellules_internes": len(modele.internes),
                                 "primaires": len(primaires), "primaire_s": time.perf_counter() - debut}
    largeurs = {p: modele.largeur_requise(p, largeur) for p in primaires}
    supprimees, intervalles = _supprimer(modele, primaires, set(primaires), largeurs, modele.a, k, modele.a + 1.0, gauss, mesures)
    debut = time.perf_counter()
    modele.auditer(supprimees, k, modele.a)
    mesures["audit_final_s"] = time.perf_counter() - debut
    mesures["secondaires"] = len(supprimees) - len(primaires)
    statuts = ["A" if i in primaires else "D" if i in supprimees else "Z" if a == 0 else "V" for i, a in enumerate(modele.a)]
    return TablePubliee(list(dimensions), modele.cellules, [int(a) for a in modele.a], statuts, intervalles, mesures)


def _supprimer(
    modele: _Modele, primaires: set[int], supprimees: set[int], largeurs: Mapping[int, float], poids: np.ndarray, seuil: int,
    couts: np.ndarray, gauss: bool, mesures: dict[str, float],
) -> tuple[set[int], dict[tuple[str, ...], tuple[float, float]]]:
    """Gauss pass, then group-sum rule and LP audit with MILP repair until every primary is wide enough.
    The audit that finds nothing to repair is the final R1 audit: its intervals are returned."""
    supprimees = modele.fermer_doublons(supprimees)
    avant, debut = len(supprimees), time.perf_counter()
    if gauss:
        supprimees = modele.fermer_doublons(modele.passe_gauss(primaires, supprimees, couts))
    mesures["gauss_s"] = time.perf_counter() - debut
    mesures["secondaires_gauss"] = len(supprimees) - avant
    mesures.update(audit_s=0.0, reparation_s=0.0, secondaires_reparation=0, secondaires_regle_des_sommes=0, reparations=0)
    ordre = sorted(primaires, key=lambda p: (modele.a[p], modele.cellules[p]))

    intervalles: dict[tuple[str, ...], tuple[float, float]] = {}

    def assez_large(p: int) -> bool:
        debut = time.perf_counter()
        bas, haut = intervalles[modele.cellules[p]] = modele.intervalle(p, supprimees)
        mesures["audit_s"] += time.perf_counter() - debut
        return haut - bas >= largeurs[p] - 1e-6

    for _ in range(len(modele.cellules) + 1):
        avant = len(supprimees)
        supprimees = modele.regle_des_sommes(supprimees, seuil, poids)
        mesures["secondaires_regle_des_sommes"] += len(supprimees) - avant
        intervalles.clear()
        defaillantes = [p for p in ordre if not assez_large(p)]
        if not defaillantes:
            return supprimees, intervalles
        for p in defaillantes:
            if not assez_large(p):
                debut, avant = time.perf_counter(), len(supprimees)
                supprimees = modele.fermer_doublons(supprimees | modele.reparer(p, supprimees, largeurs[p], couts))
                mesures["reparation_s"] += time.perf_counter() - debut
                mesures["secondaires_reparation"] += len(supprimees) - avant
                mesures["reparations"] += 1
    raise ProtectionImpossibleError("la protection ne converge pas.")


Vecteur = dict[int, Fraction]


class _Modele:
    """Inner cells, published cells and X (inner × published); all decisions are deterministic."""

    def __init__(
        self, dimensions: list[Dimension], valeurs: Mapping[tuple[str, ...], float], formules: Sequence[Sequence[str]] | None = None
    ) -> None:
        self.dimensions = dimensions
        self.internes = list(itertools.product(*(d.feuilles for d in dimensions)))
        index_interne = {cellule: j for j, cellule in enumerate(self.internes)}
        self.z = np.zeros(len(self.internes))
        for cellule, n in valeurs.items():
            self.z[index_interne[cellule]] += n
        if formules is None:
            self.cellules = list(itertools.product(*(d.codes for d in dimensions)))
        else:
            vues = dict.fromkeys(
                cellule
                for formule in formules
                for cellule in itertools.product(*((d.codes if d.nom in formule else [TOTAL]) for d in dimensions))
            )
            self.cellules = list(vues)
        sous = [{code: d.feuilles_sous(code) for code in d.codes} for d in dimensions]
        lignes, colonnes = [], []
        for i, cellule in enumerate(self.cellules):
            for j, interne in enumerate(self.internes):
                if all(interne[n] in sous[n][code] for n, code in enumerate(cellule)):
                    lignes.append(j)
                    colonnes.append(i)
        self.X = sparse.csc_matrix((np.ones(len(lignes)), (lignes, colonnes)), shape=(len(self.internes), len(self.cellules)))
        self.a = np.asarray(self.X.T @ self.z).ravel()
        signatures: dict[tuple[int, ...], list[int]] = {}
        for i in range(len(self.cellules)):
            signatures.setdefault(tuple(self.X[:, i].indices), []).append(i)
        self.doublons = {i: groupe for groupe in signatures.values() for i in groupe}
        self.index = {cellule: i for i, cellule in enumerate(self.cellules)}
        self._attaquant: tuple[frozenset[int], _Attaquant] | None = None

    def fermer_doublons(self, supprimees: set[int]) -> set[int]:
        """Cells with the same inner support share one status (R4)."""
        return {j for i in supprimees for j in self.doublons[i]}

    def largeur_requise(self, p: int, largeur: float) -> float:
        return max(1, math.ceil(largeur * self.a[p]))

    # Gauss pass ----------------------------------------------------------------------------------------

    def _colonne(self, i: int, nuls: set[int]) -> Vecteur:
        return {j: Fraction(1) for j in self.X[:, i].indices if j not in nuls}

    def _nuls_connus(self, supprimees: set[int]) -> set[int]:
        """Inner cells under a published zero: an attacker knows they are 0, so they drop out of the system."""
        return {j for i in range(len(self.cellules)) if i not in supprimees and self.a[i] == 0 for j in self.X[:, i].indices}

    @staticmethod
    def _reduire(v: Vecteur, base: list[tuple[int, Vecteur]]) -> Vecteur:
        # Basis vectors are kept in insertion order, each zero on the pivots before it: one pass suffices.
        for pivot, b in base:
            c = v.get(pivot)
            if c:
                for j, x in b.items():
                    reste = v.get(j, 0) - c * x
                    if reste:
                        v[j] = reste
                    else:
                        v.pop(j, None)
        return v

    def passe_gauss(self, primaires: set[int], supprimees: set[int], couts: np.ndarray) -> set[int]:
        """Langsrud (2024): publish the candidates in order of decreasing cost unless publishing one would
        make a primary an exact linear combination of published cells; those are suppressed instead.
        Exact rational elimination, so "determined" means determined, not "within a float tolerance"."""
        supprimees = set(supprimees)
        nuls = self._nuls_connus(supprimees)
        base: list[tuple[int, Vecteur]] = []
        restes = {p: self._colonne(p, nuls) for p in sorted(primaires)}
        candidats = sorted(
            (i for i in range(len(self.cellules)) if i not in supprimees and self.a[i] > 0),
            key=lambda i: (-couts[i], -len(self.X[:, i].indices), self.cellules[i]),
        )
        for i in candidats:
            if i in supprimees:
                continue
            r = self._reduire(self._colonne(i, nuls), base)
            if not r:
                continue
            pivot = min(r)
            echelle = r[pivot]
            r = {j: x / echelle for j, x in r.items()}
            if any(reste.keys() == r.keys() and all(x == reste[pivot] * r[j] for j, x in reste.items()) for reste in restes.values()):
                supprimees |= set(self.doublons[i])
                continue
            base.append((pivot, r))
            for reste in restes.values():
                self._reduire(reste, [(pivot, r)])
        return supprimees

    def determinees(self, supprimees: set[int], cibles: Iterable[int]) -> set[int]:
        """The hidden cells among `cibles` that are exact linear combinations of the published cells."""
        nuls = self._nuls_connus(supprimees)
        base: list[tuple[int, Vecteur]] = []
        for i in range(len(self.cellules)):
            if i not in supprimees:
                r = self._reduire(self._colonne(i, nuls), base)
                if r:
                    pivot = min(r)
                    base.append((pivot, {j: x / r[pivot] for j, x in r.items()}))
        return {p for p in cibles if not self._reduire(self._colonne(p, nuls), base)}

    # LP audit and MILP repair ----------------------------------------------------------------------------

    def intervalle(self, p: int, supprimees: set[int]) -> tuple[float, float]:
        """What an attacker derives for cell p from the published cells (LP, HiGHS)."""
        cle = frozenset(supprimees)
        if self._attaquant is None or self._attaquant[0] != cle:
            # Every primary of one audit pass shares the pattern: one attacker's model per pattern.
            publiees = [i for i in range(len(self.cellules)) if i not in supprimees]
            cachees = [i for i in sorted(supprimees) if self.a[i] >= 1]
            self._attaquant = (cle, _Attaquant(
                A_eq=self.X[:, publiees].T, b_eq=self.a[publiees],
                A_ub=-self.X[:, cachees].T, b_ub=-np.full(len(cachees), float(BORNE_BASSE)),
            ))
        return self._attaquant[1].bornes(np.asarray(self.X[:, p].todense()).ravel(), self.cellules[p])

    def relations(self) -> Iterable[tuple[int, list[int]]]:
        """Every additive relation parent = Σ direct children, along one dimension, the others fixed."""
        for n, dimension in enumerate(self.dimensions):
            autres = [d.codes for m, d in enumerate(self.dimensions) if m != n]
            for code in dimension.codes:
                enfants = dimension.enfants(code) if code != TOTAL else [c for c, p in dimension.parents.items() if p == TOTAL]
                if not enfants:
                    continue
                for reste in itertools.product(*autres):
                    def cellule(c: str) -> tuple[str, ...]:
                        valeurs = list(reste)
                        valeurs.insert(n, c)
                        return tuple(valeurs)

                    parent, membres = self.index.get(cellule(code)), [self.index.get(cellule(e)) for e in enfants]
                    if parent is not None and None not in membres:
                        yield parent, membres  # type: ignore[misc]

    def regle_des_sommes(self, supprimees: set[int], seuil: int, poids: np.ndarray) -> set[int]:
        """R2: hidden children under a published parent must not add up to 1..seuil−1 (in `poids`, the counts)."""
        supprimees = set(supprimees)
        for _ in range(len(self.cellules) + 1):
            violation = False
            for parent, enfants in self.relations():
                if parent in supprimees:
                    continue
                cachees = [e for e in enfants if e in supprimees]
                if cachees and 1 <= sum(poids[e] for e in cachees) <= seuil - 1:
                    candidats = sorted((e for e in enfants if e not in supprimees and poids[e] > 0), key=lambda e: (poids[e], self.cellules[e]))
                    supprimees |= set(self.doublons[candidats[0] if candidats else parent])
                    violation = True
            if not violation:
                return supprimees
        raise ProtectionImpossibleError("la règle des sommes de groupes ne converge pas.")

    def reparer(self, p: int, supprimees: set[int], largeur_p: float, couts: np.ndarray) -> set[int]:
        """The cheapest extra suppressions that widen p's interval enough (deviation MILP)."""
        n_pub, n_int = len(self.cellules), len(self.internes)
        borne = float(self.a.max()) + largeur_p
        # Variables: x (n_pub binaries), f⁺ (n_int), f⁻ (n_int).
        cout = np.concatenate([couts, np.zeros(2 * n_int)])
        bas = np.concatenate([np.zeros(n_pub), -self.z, -self.z])
        haut = np.concatenate([np.ones(n_pub), np.full(2 * n_int, borne)])
        for i in range(n_pub):
            if i in supprimees or i == p:
                bas[i] = 1
            elif self.a[i] == 0:
                haut[i] = 0
        Xt = self.X.T.tocsr()
        grand_m = sparse.diags(np.asarray(self.X.sum(axis=0)).ravel() * borne)
        vide = sparse.csr_matrix((n_pub, n_int))
        contraintes = []
        for position in (0, 1):
            f = [vide, vide]
            f[position] = Xt
            bloc = sparse.hstack([sparse.csr_matrix((n_pub, n_pub)), *f])
            contraintes.append(LinearConstraint(sparse.hstack([-grand_m, *f]), -np.inf, 0))  # X·f ≤ M·x
            contraintes.append(LinearConstraint(sparse.hstack([grand_m, *f]), 0, np.inf))  # X·f ≥ −M·x
            contraintes.append(LinearConstraint(bloc, np.where(self.a >= 1, BORNE_BASSE - self.a, -np.inf), np.inf))
        ligne_p = np.asarray(self.X[:, p].todense()).ravel()
        contraintes.append(LinearConstraint(np.concatenate([np.zeros(n_pub), ligne_p, -ligne_p])[None, :], largeur_p, np.inf))
        resultat = milp(cout, constraints=contraintes, integrality=np.concatenate([np.ones(n_pub), np.zeros(2 * n_int)]),
                        bounds=Bounds(bas, haut), options={"time_limit": 60})
        # At the time limit HiGHS may still hold a feasible pattern: it protects p, only perhaps not at least cost.
        if resultat.status not in (0, 1) or resultat.x is None:
            raise ProtectionImpossibleError(f"aucune suppression ne protège la cellule {self.cellules[p]} ({resultat.message}).")
        return {i for i in range(n_pub) if resultat.x[i] > 0.5}

    def auditer(self, supprimees: set[int], seuil: int, poids: np.ndarray) -> None:
        """The final checks beside the LP audit of R1: R2 for every relation, R4 for duplicates."""
        self.auditer_sommes(supprimees, seuil, poids)
        if self.fermer_doublons(supprimees) != supprimees:
            raise ProtectionImpossibleError("des cellules identiques n'ont pas le même statut.")

    def auditer_sommes(self, supprimees: set[int], seuil: int, poids: np.ndarray) -> None:
        """R2: the derivable sum of the hidden children of a published parent is 0 or at least `seuil`."""
        for parent, enfants in self.relations():
            cachees = [e for e in enfants if e in supprimees]
            if parent not in supprimees and cachees and 1 <= sum(poids[e] for e in cachees) <= seuil - 1:
                raise ProtectionImpossibleError(f"la somme des cellules masquées sous {self.cellules[parent]} serait déductible.")


OPTIONS_HIGHS: dict[str, bool | int | float] = {"output_flag": False, "simplex_strategy": 4, "time_limit": 60.0}
"""Silent; primal simplex (only the costs change between two solves, so the last optimal basis stays feasible and
each solve starts from it); an audit LP that runs a minute means something is wrong: fail closed."""


class _Attaquant:
    """The attacker's LP over the inner cells x ≥ 0 (A_eq·x = b_eq, A_ub·x ≤ b_ub), kept in one HiGHS model and
    solved for the minimum and maximum of each cell in turn.

    HiGHS is reached through the build scipy ships (`scipy.optimize._highspy`, pinned with scipy in
    requirements.lock) rather than through `linprog`, which validates, converts and presolves the whole model again
    at every call: on the demo export's 423 LP pairs, 5.4 s with `linprog` against 0.6 s here, same bounds.
    """

    def __init__(self, A_eq: sparse.spmatrix, b_eq: np.ndarray, A_ub: sparse.spmatrix, b_ub: np.ndarray) -> None:
        A = sparse.vstack([A_eq, A_ub]).tocsc()
        lp = highs.HighsLp()
        lp.num_row_, lp.num_col_ = A.shape
        lp.col_cost_ = np.zeros(A.shape[1])
        lp.col_lower_ = np.zeros(A.shape[1])
        lp.col_upper_ = np.full(A.shape[1], highs.kHighsInf)
        lp.row_lower_ = np.concatenate([b_eq, np.full(len(b_ub), -highs.kHighsInf)]).astype(float)
        lp.row_upper_ = np.concatenate([b_eq, b_ub]).astype(float)
        lp.a_matrix_.format_ = highs.MatrixFormat.kColwise
        lp.a_matrix_.num_row_, lp.a_matrix_.num_col_ = A.shape
        lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = A.indptr, A.indices, A.data
        self._highs = highs._Highs()
        for option, valeur in OPTIONS_HIGHS.items():
            self._highs.setOptionValue(option, valeur)
        self._highs.passModel(lp)
        self._colonnes = np.arange(A.shape[1], dtype=np.int32)

    def bornes(self, objectif: np.ndarray, cellule: tuple[str, ...]) -> tuple[float, float]:
        """The smallest and largest value of objective·x the published cells allow (±inf when unbounded)."""
        self._highs.changeColsCost(len(self._colonnes), self._colonnes, np.asarray(objectif, dtype=float))
        bornes = []
        for sens, infini in ((highs.ObjSense.kMinimize, -math.inf), (highs.ObjSense.kMaximize, math.inf)):
            self._highs.changeObjectiveSense(sens)
            self._highs.run()
            statut = self._highs.getModelStatus()
            if statut == highs.HighsModelStatus.kUnbounded:
                bornes.append(infini)
            elif statut != highs.HighsModelStatus.kOptimal:
                raise ProtectionImpossibleError(f"audit impossible pour la cellule {cellule} : {self._highs.modelStatusToString(statut)}")
            else:
                bornes.append(self._highs.getInfo().objective_function_value)
        return bornes[0], bornes[1]


# Means ----------------------------------------------------------------------------------------------------


DOMINANCE = 0.85


@dataclass
class MoyennesPubliees:
    """Means of a per-person quantity (days, …) over the cells of one table, with their statuses:
    `V` published, `A` hidden (its count is, or fewer than k_moyenne contributors), `B` hidden (one person
    holds at least 85 % of the total), `D` hidden to protect other cells, `Z` nobody in the cell."""

    dimensions: list[Dimension]
    cellules: list[tuple[str, ...]]
    effectifs: list[int]
    moyennes: list[float | None]
    statuts: list[str]
    mesures: dict[str, float] = field(default_factory=dict)

    def lignes(self) -> Iterable[tuple[tuple[str, ...], float | None, str]]:
        for cellule, moyenne, statut in zip(self.cellules, self.moyennes, self.statuts):
            yield cellule, (round(moyenne, 1) if statut == "V" and moyenne is not None else None), statut


def proteger_moyennes(
    dimensions: Sequence[Dimension],
    comptes: Mapping[tuple[str, ...], int],
    valeurs: Mapping[tuple[str, ...], Sequence[float]],
    table_comptes: TablePubliee,
    formule: Sequence[str],
    formules: Sequence[Sequence[str]] | None = None,
    k_moyenne: int = K_PAR_DEFAUT,
    largeur: float = LARGEUR_PAR_DEFAUT,
    dominance: float = DOMINANCE,
) -> MoyennesPubliees:
    """The means of `valeurs` (per-person, ≥ 0) over the cells of the table `formule`, protected against
    the attacker who also holds the published counts `table_comptes` (reference §3.7).

    A mean is published only where its count is, with at least `k_moyenne` contributors and no person
    holding `dominance` of the total. Publishing (n, mean) publishes the sum S = n·mean, which is additive:
    an attacker who knows that every value lies in [0, max] solves one LP over the inner counts *and*
    sums. Every hidden small count must stay as wide as the count audit asked, and every hidden sum of a
    small or dominated group at least max(1, ⌈largeur·S⌉) wide; hidden groups of siblings under a
    published mean must hold 0 or at least `k_moyenne` contributors. More means are hidden until that
    holds (Gauss pass, then the cheapest extra means), or `ProtectionImpossibleError`.
    """
    _verifier(k_moyenne, largeur)
    mesures: dict[str, float] = {}
    debut = time.perf_counter()
    mc = _Modele(list(dimensions), comptes, formules)
    if mc.cellules != table_comptes.cellules or [int(a) for a in mc.a] != table_comptes.valeurs:
        raise EntreeInvalideError("les comptes ne correspondent pas au tableau protégé.")
    if any(x < 0 for serie in valeurs.values() for x in serie):
        raise EntreeInvalideError("les valeurs dont on publie la moyenne ne peuvent pas être négatives.")
    for cellule, serie in valeurs.items():
        if len(serie) > comptes.get(cellule, 0):
            raise EntreeInvalideError(f"{cellule} : plus de valeurs que de personnes.")
    ms = _Modele(list(dimensions), {c: float(sum(s)) for c, s in valeurs.items()}, [formule])
    mn = _Modele(list(dimensions), {c: len(s) for c, s in valeurs.items()}, [formule])
    maxima = np.zeros(len(ms.internes))
    index_interne = {c: j for j, c in enumerate(ms.internes)}
    for cellule, serie in valeurs.items():
        if serie:
            maxima[index_interne[cellule]] = max(serie)
    plafond = float(maxima.max()) if len(maxima) else 0.0
    cachees_c = {i for i, s in enumerate(table_comptes.statuts) if s in MASQUES}
    primaires_c = sorted(i for i, s in enumerate(table_comptes.statuts) if s == "A")
    statut_compte = [table_comptes.statuts[mc.index[c]] for c in ms.cellules]
    primaires, dominees, fixes = set(), set(), set()
    for i in range(len(ms.cellules)):
        if statut_compte[i] in MASQUES or (mn.a[i] == 0 and ms.a[i] == 0 and mc.a[mc.index[ms.cellules[i]]] > 0):
            fixes.add(i)
        elif mn.a[i] == 0:
            continue
        elif mn.a[i] < k_moyenne:
            primaires.add(i)
        elif ms.a[i] > 0 and max(maxima[j] for j in ms.X[:, i].indices) >= dominance * ms.a[i]:
            primaires.add(i)
            dominees.add(i)
    cibles_s = primaires | {i for i in fixes if statut_compte[i] == "A"}
    mesures.update(primaire_s=time.perf_counter() - debut, primaires=len(primaires))

    debut = time.perf_counter()
    supprimees = ms.fermer_doublons(ms.passe_gauss(cibles_s, fixes | primaires, mn.a + 1.0))
    mesures.update(gauss_s=time.perf_counter() - debut, secondaires_gauss=len(supprimees) - len(ms.fermer_doublons(fixes | primaires)))

    def defaillante(supprimees: set[int]) -> tuple[str, int] | None:
        audit = _AuditConjoint(mc, cachees_c, ms, supprimees, plafond)
        for p in primaires_c:
            bas, haut = audit.compte(p)
            if haut - bas < mc.largeur_requise(p, largeur) - 1e-6:
                return ("compte", p)
        for p in sorted(cibles_s):
            bas, haut = audit.somme(p)
            if haut - bas < ms.largeur_requise(p, largeur) - 1e-6:
                return ("somme", p)
        return None

    def tient(supprimees: set[int], cible: tuple[str, int]) -> bool:
        audit = _AuditConjoint(mc, cachees_c, ms, supprimees, plafond)
        bas, haut = (audit.compte if cible[0] == "compte" else audit.somme)(cible[1])
        modele = mc if cible[0] == "compte" else ms
        return haut - bas >= modele.largeur_requise(cible[1], largeur) - 1e-6

    debut = time.perf_counter()
    mesures["secondaires_reparation"] = 0
    for _ in range(len(ms.cellules) + 1):
        supprimees = ms.regle_des_sommes(supprimees, k_moyenne, mn.a)
        cible = defaillante(supprimees)
        if cible is None:
            break
        candidats = sorted((i for i in range(len(ms.cellules)) if i not in supprimees and mn.a[i] > 0),
                           key=lambda i: (mn.a[i], ms.cellules[i]))
        if not candidats:
            raise ProtectionImpossibleError(f"la moyenne de {ms.cellules[cible[1]]} resterait calculable.")
        avant = len(supprimees)
        # One extra mean that suffices, the cheapest first; otherwise the cheapest one and try again.
        seul = next((i for i in candidats if tient(ms.fermer_doublons(supprimees | {i}), cible)), candidats[0])
        supprimees = ms.fermer_doublons(supprimees | {seul})
        mesures["secondaires_reparation"] += len(supprimees) - avant
    else:
        raise ProtectionImpossibleError("la protection des moyennes ne converge pas.")
    # The last joint audit found nothing wide enough to repair: it is the final audit of R1.
    mesures["audit_s"] = time.perf_counter() - debut
    ms.auditer(supprimees, k_moyenne, mn.a)

    statuts, moyennes = [], []
    for i in range(len(ms.cellules)):
        compte = statut_compte[i]
        statuts.append(
            "Z" if compte == "Z" else compte if compte in MASQUES else "B" if i in dominees else "A" if i in primaires
            else "D" if i in supprimees else "V"
        )
        moyennes.append(float(ms.a[i] / mn.a[i]) if mn.a[i] > 0 else None)
    mesures["secondaires"] = sum(s == "D" for s, c in zip(statuts, statut_compte) if c not in MASQUES)
    mesures["plafond"] = plafond
    return MoyennesPubliees(list(dimensions), ms.cellules, [int(n) for n in mn.a], moyennes, statuts, mesures)


class _AuditConjoint:
    """The attacker of §3.7: inner counts n ≥ 0 and sums 0 ≤ S ≤ plafond·n, published counts and sums
    exact, hidden counts ≥ 1. One LP pair per cell, on n or on S."""

    def __init__(self, mc: _Modele, cachees_c: set[int], ms: _Modele, cachees_s: set[int], plafond: float) -> None:
        self.mc, self.ms = mc, ms
        n = len(mc.internes)
        pub_c = [i for i in range(len(mc.cellules)) if i not in cachees_c]
        pub_s = [i for i in range(len(ms.cellules)) if i not in cachees_s]
        cachees = [i for i in sorted(cachees_c) if mc.a[i] >= 1]
        self.attaquant = _Attaquant(
            A_eq=sparse.vstack([
                sparse.hstack([mc.X[:, pub_c].T, sparse.csr_matrix((len(pub_c), n))]),
                sparse.hstack([sparse.csr_matrix((len(pub_s), n)), ms.X[:, pub_s].T]),
            ]),
            b_eq=np.concatenate([mc.a[pub_c], ms.a[pub_s]]),
            A_ub=sparse.vstack([
                sparse.hstack([-mc.X[:, cachees].T, sparse.csr_matrix((len(cachees), n))]),
                sparse.hstack([-plafond * sparse.identity(n), sparse.identity(n)]),
            ]),
            b_ub=np.concatenate([-np.full(len(cachees), float(BORNE_BASSE)), np.zeros(n)]),
        )
        self.n = n

    def compte(self, p: int) -> tuple[float, float]:
        objectif = np.concatenate([np.asarray(self.mc.X[:, p].todense()).ravel(), np.zeros(self.n)])
        return self.attaquant.bornes(objectif, self.mc.cellules[p])

    def somme(self, p: int) -> tuple[float, float]:
        objectif = np.concatenate([np.zeros(self.n), np.asarray(self.ms.X[:, p].todense()).ravel()])
        return self.attaquant.bornes(objectif, self.ms.cellules[p])


# Alternatives to suppression ------------------------------------------------------------------------------


def arrondir(
    dimensions: Sequence[Dimension],
    comptes: Mapping[tuple[str, ...], int],
    base: int = 5,
    formules: Sequence[Sequence[str]] | None = None,
) -> TablePubliee:
    """Controlled rounding (reference §3.6): every published cell becomes a multiple of `base` adjacent to
    its true value (multiples, zeros included, unchanged) and every additive relation of every table
    still holds exactly; Σ|arrondi − vrai| is minimal (MILP, HiGHS). `ProtectionImpossibleError` when no
    such rounding exists, which can happen from three dimensions on.

    Every cell is `V`: a `Z` would tell a true zero from a small count rounded down to 0."""
    if base < 2:
        raise EntreeInvalideError("la base d'arrondi doit être au moins 2.")
    debut = time.perf_counter()
    modele = _Modele(list(dimensions), comptes, formules)
    a = modele.a.astype(int)
    plancher, reste = a // base, a % base
    m = len(a)
    lignes, colonnes, donnees, cibles = [], [], [], []
    for parent, enfants in modele.relations():
        ligne = len(cibles)
        lignes.append(ligne), colonnes.append(parent), donnees.append(1.0)
        for e in enfants:
            lignes.append(ligne), colonnes.append(e), donnees.append(-1.0)
        cibles.append(float(sum(plancher[e] for e in enfants) - plancher[parent]))
    for groupe in {tuple(g) for g in modele.doublons.values() if len(g) > 1}:
        for autre in groupe[1:]:
            ligne = len(cibles)
            lignes += [ligne, ligne]
            colonnes += [groupe[0], autre]
            donnees += [1.0, -1.0]
            cibles.append(0.0)
    contraintes = []
    if cibles:
        matrice = sparse.csr_matrix((donnees, (lignes, colonnes)), shape=(len(cibles), m))
        contraintes.append(LinearConstraint(matrice, np.array(cibles), np.array(cibles)))
    resultat = milp(
        (base - 2.0 * reste), constraints=contraintes, integrality=np.ones(m),
        bounds=Bounds(np.zeros(m), (reste > 0).astype(float)), options={"time_limit": 60},
    )
    if resultat.status not in (0, 1) or resultat.x is None:
        raise ProtectionImpossibleError(
            f"aucun arrondi contrôlé en base {base} ne garde les tableaux additifs ({resultat.message}) ; "
            "utilisez la suppression de cellules."
        )
    valeurs = [int(base * (plancher[i] + round(resultat.x[i]))) for i in range(m)]
    mesures = {"cellules": m, "arrondi_s": time.perf_counter() - debut, "ecart_total": float(sum(abs(v - x) for v, x in zip(valeurs, a)))}
    return TablePubliee(list(dimensions), modele.cellules, valeurs, ["V"] * m, {}, mesures)


def bruiter(
    dimensions: Sequence[Dimension],
    comptes: Mapping[tuple[str, ...], int],
    epsilon: float,
    formules: Sequence[Sequence[str]],
    k: int = K_PAR_DEFAUT,
    graine: int | None = None,
) -> list[TablePubliee]:
    """Differential privacy (reference §3.8): one table per formula, each with ε/T of the budget
    (sequential composition: the release costs ε). Each person is in one leaf cell of each table (L1
    sensitivity 1), so the table's leaf counts get discrete Laplace noise of scale T/ε (OpenDP), are
    clamped at 0, and every margin is the sum of its noisy leaves (post-processing: no extra budget,
    tables additive). Noisy values 1..k−1 are then shown hidden (`A`), noisy zeros as `Z`.

    `graine` replaces OpenDP's cryptographic sampler by a seeded one of the same law: tests only."""
    if not epsilon > 0 or not math.isfinite(epsilon):
        raise EntreeInvalideError("epsilon doit être un nombre strictement positif.")
    if not formules:
        raise EntreeInvalideError("au moins un tableau est attendu.")
    import opendp.prelude as dp

    dp.enable_features("contrib")
    part = epsilon / len(formules)
    echelle = 1.0 / part
    for _ in range(64):
        mecanisme = dp.m.make_laplace(dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int), scale=echelle)
        # OpenDP rounds its privacy map up: widen the scale by ulps until the tables' ε add up to at most ε.
        if math.fsum([mecanisme.map(1)] * len(formules)) <= epsilon:
            break
        echelle = math.nextafter(echelle, math.inf)
    else:
        raise ProtectionImpossibleError("le budget epsilon ne se partage pas entre les tableaux.")
    hasard = np.random.default_rng(graine) if graine is not None else None
    alpha = math.exp(-1.0 / echelle)
    tables = []
    for formule in formules:
        feuilles = list(itertools.product(*(d.feuilles if d.nom in formule else [TOTAL] for d in dimensions)))
        vraies = dict.fromkeys(feuilles, 0)
        for cellule, n in comptes.items():
            feuille = tuple(code if d.nom in formule else TOTAL for d, code in zip(dimensions, cellule))
            if feuille not in vraies:
                raise EntreeInvalideError(f"{cellule} : code hors des listes publiques des dimensions.")
            vraies[feuille] += int(n)
        if hasard is None:
            bruitees = mecanisme([vraies[f] for f in feuilles])
        else:
            tirages = hasard.geometric(1 - alpha, size=(2, len(feuilles))) - 1
            bruitees = [vraies[f] + int(tirages[0, j] - tirages[1, j]) for j, f in enumerate(feuilles)]
        bornees = {f: max(0, int(v)) for f, v in zip(feuilles, bruitees)}
        cellules = list(itertools.product(*(d.codes if d.nom in formule else [TOTAL] for d in dimensions)))
        sous = [{code: d.feuilles_sous(code) for code in d.codes} for d in dimensions]
        valeurs = [
            sum(v for f, v in bornees.items() if all(d.nom not in formule or f[n] in sous[n][c] for n, (d, c) in enumerate(zip(dimensions, cellule))))
            for cellule in cellules
        ]
        statuts = ["Z" if v == 0 else "A" if v < k else "V" for v in valeurs]
        tables.append(TablePubliee(list(dimensions), cellules, valeurs, statuts, {},
                                   {"epsilon": float(mecanisme.map(1)), "echelle": echelle}))
    return tables


# CSV ---------------------------------------------------------------------------------------------------


def lire_hierarchie(nom: str, chemin: Path) -> Dimension:
    """`code,parent` rows; a code without parent hangs under `Total`."""
    parents: dict[str, str] = {}
    with chemin.open(newline="", encoding="utf-8-sig") as flux:
        lecteur = csv.DictReader(flux)
        if lecteur.fieldnames is None or not {"code", "parent"} <= set(lecteur.fieldnames):
            raise EntreeInvalideError(f"{chemin.name} : colonnes code,parent attendues.")
        for numero, ligne in enumerate(lecteur, start=2):
            code, parent = (ligne["code"] or "").strip(), (ligne["parent"] or "").strip()
            if not code or code == TOTAL:
                raise EntreeInvalideError(f"{chemin.name}, ligne {numero} : code vide ou réservé.")
            if code in parents:
                raise EntreeInvalideError(f"{chemin.name}, ligne {numero} : code « {code} » en double.")
            parents[code] = parent or TOTAL
    for code, parent in parents.items():
        if parent != TOTAL and parent not in parents:
            raise EntreeInvalideError(f"{chemin.name} : le parent « {parent} » de « {code} » n'est pas un code.")
        vus, courant = {code}, parent
        while courant != TOTAL:
            if courant in vus:
                raise EntreeInvalideError(f"{chemin.name} : cycle dans la hiérarchie autour de « {code} ».")
            vus.add(courant)
            courant = parents[courant]
    return Dimension(nom, parents)


def lire_interne(
    chemin: Path, noms: Sequence[str], hierarchies: Mapping[str, Dimension]
) -> tuple[list[Dimension], dict[tuple[str, ...], int]]:
    """INNER.csv: one column per dimension and `n`; one row per inner cell (missing ones are zeros)."""
    comptes: dict[tuple[str, ...], int] = {}
    with chemin.open(newline="", encoding="utf-8-sig") as flux:
        lecteur = csv.DictReader(flux)
        colonnes = set(lecteur.fieldnames or [])
        manquantes = [c for c in [*noms, "n"] if c not in colonnes]
        if manquantes:
            raise EntreeInvalideError(f"{chemin.name} : colonne(s) manquante(s) : {', '.join(manquantes)}.")
        for numero, ligne in enumerate(lecteur, start=2):
            cellule = tuple((ligne[nom] or "").strip() for nom in noms)
            try:
                n = int((ligne["n"] or "").strip())
            except ValueError:
                raise EntreeInvalideError(f"{chemin.name}, ligne {numero} : n doit être un entier.") from None
            if n < 0:
                raise EntreeInvalideError(f"{chemin.name}, ligne {numero} : n ne peut pas être négatif.")
            if "" in cellule or TOTAL in cellule:
                raise EntreeInvalideError(f"{chemin.name}, ligne {numero} : code vide ou « Total » dans une cellule interne.")
            if cellule in comptes:
                raise EntreeInvalideError(f"{chemin.name}, ligne {numero} : la combinaison {cellule} figure déjà.")
            comptes[cellule] = n
    dimensions = []
    for position, nom in enumerate(noms):
        codes = {cellule[position] for cellule in comptes}
        if nom in hierarchies:
            dimension = hierarchies[nom]
            inconnus = sorted(codes - set(dimension.feuilles))
            if inconnus:
                raise EntreeInvalideError(f"{chemin.name} : « {inconnus[0]} » n'est pas une feuille de la hiérarchie de {nom}.")
        else:
            dimension = Dimension.plate(nom, codes)
        dimensions.append(dimension)
    return dimensions, comptes


def ecrire_publiee(chemin: Path, table: TablePubliee) -> None:
    with chemin.open("w", newline="", encoding="utf-8") as flux:
        ecrivain = csv.writer(flux, lineterminator="\n")
        ecrivain.writerow([*(d.nom for d in table.dimensions), "n", "statut"])
        for cellule, valeur, statut in table.lignes():
            ecrivain.writerow([*cellule, "" if valeur is None else valeur, statut])

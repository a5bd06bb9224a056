"""Statistical protection of count tables (CONTRACT §7, reference/statistical-disclosure.md §3).

Dimensions, each flat or hierarchical, cross into inner (leaf) cells; every combination of every
code (leaves, intermediate codes, `Total`) is a published cell, the sum of the inner cells below it
(model matrix X). Counts 1..k−1 are suppressed (primary, `A`); zeros are published (`Z`) and an
attacker knows a hidden cell is ≥ 1. Secondary suppressions (`D`) are added until, for every
primary cell, the interval an attacker can derive by linear programming from the published cells
is at least max(1, ⌈largeur·n⌉) wide, and no group of suppressed children adds up to 1..k−1 under a
published parent. The repair solves, per failing primary, the compact deviation MILP (HiGHS); a
final audit checks everything again and refuses to publish ("fail closed") when it cannot.
Same input ⇒ same pattern. Must not import flask or `web`.
"""

from __future__ import annotations

import csv
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

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

    def lignes(self) -> Iterable[tuple[tuple[str, ...], int | None, str]]:
        for cellule, valeur, statut in zip(self.cellules, self.valeurs, self.statuts):
            yield cellule, (None if statut in ("A", "D") else valeur), statut


def proteger(
    dimensions: Sequence[Dimension],
    comptes: Mapping[tuple[str, ...], int],
    k: int = K_PAR_DEFAUT,
    largeur: float = LARGEUR_PAR_DEFAUT,
    formules: Sequence[Sequence[str]] | None = None,
) -> TablePubliee:
    """The published cells with their suppression pattern, or `ProtectionImpossibleError`.

    Without `formules`, every combination of every code is published; with them, only the cells of
    those tables (each a subset of dimensions, the others at `Total`), all protected together.
    """
    if k < K_MINIMUM:
        raise EntreeInvalideError(f"k = {k} : le seuil ne peut pas être inférieur à {K_MINIMUM}.")
    if not 0 <= largeur <= 1:
        raise EntreeInvalideError("largeur : une proportion entre 0 et 1 est attendue.")
    modele = _Modele(list(dimensions), comptes, formules)
    primaires = {i for i, a in enumerate(modele.a) if 1 <= a < k}
    supprimees = modele.fermer_doublons(set(primaires))
    for _ in range(len(modele.cellules) + 1):
        supprimees = modele.regle_des_sommes(supprimees, k)
        defaillantes = [p for p in sorted(primaires, key=lambda p: (modele.a[p], modele.cellules[p])) if not modele.assez_large(p, supprimees, largeur)]
        if not defaillantes:
            break
        for p in defaillantes:
            if not modele.assez_large(p, supprimees, largeur):
                supprimees = modele.fermer_doublons(supprimees | modele.reparer(p, supprimees, largeur))
    else:
        raise ProtectionImpossibleError("la protection ne converge pas.")
    intervalles = modele.auditer(primaires, supprimees, largeur, k)
    statuts = ["A" if i in primaires else "D" if i in supprimees else "Z" if a == 0 else "V" for i, a in enumerate(modele.a)]
    return TablePubliee(list(dimensions), modele.cellules, [int(a) for a in modele.a], statuts, intervalles)


class _Modele:
    """Inner cells, published cells and X (inner × published); all decisions are deterministic."""

    def __init__(
        self, dimensions: list[Dimension], comptes: Mapping[tuple[str, ...], int], formules: Sequence[Sequence[str]] | None = None
    ) -> None:
        self.dimensions = dimensions
        self.internes = list(itertools.product(*(d.feuilles for d in dimensions)))
        index_interne = {cellule: j for j, cellule in enumerate(self.internes)}
        self.z = np.zeros(len(self.internes))
        for cellule, n in comptes.items():
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

    def fermer_doublons(self, supprimees: set[int]) -> set[int]:
        """Cells with the same inner support share one status (R4)."""
        return {j for i in supprimees for j in self.doublons[i]}

    def largeur_requise(self, p: int, largeur: float) -> float:
        return max(1, math.ceil(largeur * self.a[p]))

    def intervalle(self, p: int, supprimees: set[int]) -> tuple[float, float]:
        """What an attacker derives for cell p from the published cells (LP, HiGHS)."""
        publiees = [i for i in range(len(self.cellules)) if i not in supprimees]
        cachees = [i for i in sorted(supprimees) if self.a[i] >= 1]
        A_eq = self.X[:, publiees].T if publiees else None
        b_eq = self.a[publiees] if publiees else None
        A_ub = -self.X[:, cachees].T if cachees else None
        b_ub = -np.full(len(cachees), BORNE_BASSE) if cachees else None
        objectif = np.asarray(self.X[:, p].todense()).ravel()
        bornes = []
        for signe in (1, -1):
            resultat = linprog(signe * objectif, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, bounds=(0, None), method="highs")
            if resultat.status == 3:
                bornes.append(-math.inf if signe == 1 else math.inf)
            elif resultat.status != 0:
                raise ProtectionImpossibleError(f"audit impossible pour la cellule {self.cellules[p]} : {resultat.message}")
            else:
                bornes.append(signe * resultat.fun)
        return bornes[0], bornes[1]

    def assez_large(self, p: int, supprimees: set[int], largeur: float) -> bool:
        bas, haut = self.intervalle(p, supprimees)
        return haut - bas >= self.largeur_requise(p, largeur) - 1e-6

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

    def regle_des_sommes(self, supprimees: set[int], k: int) -> set[int]:
        """R2: hidden children under a published parent must not add up to 1..k−1."""
        supprimees = set(supprimees)
        for _ in range(len(self.cellules) + 1):
            violation = False
            for parent, enfants in self.relations():
                if parent in supprimees:
                    continue
                cachees = [e for e in enfants if e in supprimees]
                if cachees and 1 <= sum(self.a[e] for e in cachees) <= k - 1:
                    candidats = sorted((e for e in enfants if e not in supprimees and self.a[e] > 0), key=lambda e: (self.a[e], self.cellules[e]))
                    supprimees |= set(self.doublons[candidats[0] if candidats else parent])
                    violation = True
            if not violation:
                return supprimees
        raise ProtectionImpossibleError("la règle des sommes de groupes ne converge pas.")

    def reparer(self, p: int, supprimees: set[int], largeur: float) -> set[int]:
        """The cheapest extra suppressions that widen p's interval enough (deviation MILP)."""
        n_pub, n_int = len(self.cellules), len(self.internes)
        largeur_p = self.largeur_requise(p, largeur)
        borne = float(self.a.max()) + largeur_p
        # Variables: x (n_pub binaries), f⁺ (n_int), f⁻ (n_int).
        cout = np.concatenate([self.a + 1.0, np.zeros(2 * n_int)])
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
        if resultat.status != 0 or resultat.x is None:
            raise ProtectionImpossibleError(f"aucune suppression ne protège la cellule {self.cellules[p]} ({resultat.message}).")
        return {i for i in range(n_pub) if resultat.x[i] > 0.5}

    def auditer(self, primaires: set[int], supprimees: set[int], largeur: float, k: int) -> dict[tuple[str, ...], tuple[float, float]]:
        """The final audit: R1 for every primary, R2 for every relation, R4 for duplicates."""
        intervalles = {}
        for p in sorted(primaires):
            bas, haut = self.intervalle(p, supprimees)
            if haut - bas < self.largeur_requise(p, largeur) - 1e-6:
                raise ProtectionImpossibleError(f"la cellule {self.cellules[p]} resterait calculable à {haut - bas:g} près.")
            intervalles[self.cellules[p]] = (bas, haut)
        for parent, enfants in self.relations():
            cachees = [e for e in enfants if e in supprimees]
            if parent not in supprimees and cachees and 1 <= sum(self.a[e] for e in cachees) <= k - 1:
                raise ProtectionImpossibleError(f"la somme des cellules masquées sous {self.cellules[parent]} serait déductible.")
        if self.fermer_doublons(supprimees) != supprimees:
            raise ProtectionImpossibleError("des cellules identiques n'ont pas le même statut.")
        return intervalles


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

"""The anonymised statistics export: the published tables of a cohort, protected together.

Cohort: the people whose (last) employment-support exit falls in the period, one row each, classified
by département (hierarchy département → région → France), sex, age band at exit, status at exit and
outcome. Tables (reference/statistical-disclosure.md §3.1): département × outcome, département ×
status, and sex × age × status × outcome nationally — all protected jointly by `projections.protection`.
Must not import flask or `web`.
"""

from __future__ import annotations

import csv
import importlib.metadata
import json
from collections import Counter
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from parcours.vocabulaire import TypeEtape
from projections.indicateurs import (
    DURABLES,
    FORMATIONS,
    NEUTRES,
    POSITIVES,
    Cliche,
    Contexte,
    Demande,
    _statut,
    _titres,
    position_suivie,
)
from projections import tables as t
from projections.protection import K_PAR_DEFAUT, LARGEUR_PAR_DEFAUT, TOTAL, Dimension, TablePubliee, proteger

REGIONS = {
    "84": "01 03 07 15 26 38 42 43 63 69 73 74", "27": "21 25 39 58 70 71 89 90", "53": "22 29 35 56",
    "24": "18 28 36 37 41 45", "94": "2A 2B", "44": "08 10 51 52 54 55 57 67 68 88", "32": "02 59 60 62 80",
    "11": "75 77 78 91 92 93 94 95", "28": "14 27 50 61 76", "75": "16 17 19 23 24 33 40 47 64 79 86 87",
    "76": "09 11 12 30 31 32 34 46 48 65 66 81 82", "52": "44 49 53 72 85", "93": "04 05 06 13 83 84",
    "01": "971", "02": "972", "03": "973", "04": "974", "06": "976",
}
REGION_DU_DEPARTEMENT = {dep: f"R{region}" for region, deps in REGIONS.items() for dep in deps.split()}
"""INSEE's official geographic code (COG): each département's région."""

TABLEAUX = {
    "departement_x_issue": ("departement", "issue"),
    "departement_x_statut": ("departement", "statut"),
    "national_sexe_x_age_x_statut_x_issue": ("sexe", "age", "statut", "issue"),
}
DIMENSIONS = ("departement", "sexe", "age", "statut", "issue")


def issue(categorie: str) -> str:
    """One mutually exclusive outcome per exit (CONTRACT §4 families)."""
    if categorie in DURABLES:
        return "emploi_durable"
    if categorie in POSITIVES and categorie not in FORMATIONS:
        return "emploi_moins_6_mois"
    if categorie in FORMATIONS:
        return "formation"
    if categorie in NEUTRES:
        return "sortie_neutre"
    return "autre_sortie"


def cohorte(engine: sa.Engine, du: date, au: date) -> tuple[list[tuple[str, ...]], int]:
    """One classification row per person with an exit in the period, and the log position read."""
    with engine.connect() as connexion:
        position = position_suivie(connexion)
        ctx = Contexte(connexion, Demande(du, au), Cliche(position, None))
        s = t.fait
        derniere: dict[str, tuple[date, str]] = {}
        for parcours_id, jour, categorie in connexion.execute(
            sa.select(s.c.parcours_id, s.c.occurred_on, s.c.code).where(
                s.c.type == TypeEtape.SORTIE_ACCOMPAGNEMENT.value, s.c.pos_fin.is_(None), s.c.occurred_on.between(du, au)
            )
        ):
            if parcours_id not in derniere or jour > derniere[parcours_id][0]:
                derniere[parcours_id] = (jour, categorie)
        titres = _titres(ctx, set(derniere))
        lignes = []
        for parcours_id, (jour, categorie) in sorted(derniere.items()):
            personne = ctx.personnes.get(parcours_id)
            if personne is None:
                continue
            age = personne.age(jour)
            lignes.append((
                personne.departement or "inconnu",
                personne.sexe or "inconnu",
                "moins_de_25_ans" if age is not None and age < 25 else "25_ans_et_plus",
                _statut(personne, titres.get(parcours_id, []), jour),
                issue(categorie),
            ))
        return lignes, position


def dimensions_de(lignes: list[tuple[str, ...]]) -> list[Dimension]:
    departements = sorted({ligne[0] for ligne in lignes})
    parents: dict[str, str] = {}
    for region in sorted({REGION_DU_DEPARTEMENT.get(d, "R_inconnue") for d in departements}):
        parents[region] = TOTAL
    for departement in departements:
        parents[departement] = REGION_DU_DEPARTEMENT.get(departement, "R_inconnue")
    return [Dimension("departement", parents)] + [
        Dimension.plate(nom, sorted({ligne[i] for ligne in lignes})) for i, nom in enumerate(DIMENSIONS[1:], start=1)
    ]


def exporter(engine: sa.Engine, du: date, au: date, dossier: Path, k: int = K_PAR_DEFAUT, largeur: float = LARGEUR_PAR_DEFAUT) -> dict[str, Any]:
    """Write statistiques.csv and metadonnees.json; raise `ProtectionImpossibleError` and write nothing if unsafe."""
    lignes, position = cohorte(engine, du, au)
    dimensions = dimensions_de(lignes)
    comptes = Counter(lignes)
    table = proteger(dimensions, comptes, k=k, largeur=largeur, formules=list(TABLEAUX.values()))
    dossier.mkdir(parents=True, exist_ok=True)
    _ecrire(dossier / "statistiques.csv", table)
    metadonnees = {
        "objet": "Statistiques anonymisées des sorties d'accompagnement vers l'emploi",
        "periode": {"du": du.isoformat(), "au": au.isoformat()},
        "position_journal": position,
        "produit_le": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "personnes": len(lignes),
        "tableaux": {nom: list(dims) for nom, dims in TABLEAUX.items()},
        "regles": {
            "seuil_k": k,
            "suppression_primaire": f"comptes de 1 à {k - 1} masqués (statut A)",
            "zeros": "publiés (statut Z) ; une cellule masquée vaut donc au moins 1",
            "largeur_minimale": f"max(1, ⌈{largeur}·n⌉) pour l'intervalle déductible de chaque cellule masquée",
            "somme_de_groupe": f"aucun groupe d'enfants masqués sous un parent publié ne totalise 1 à {k - 1}",
        },
        "methode": "suppression secondaire (D) par programme linéaire en nombres entiers (HiGHS), audit final par "
                   "programmation linéaire de chaque cellule masquée ; tableaux protégés ensemble",
        "statuts": {"V": "publié", "A": "masqué (primaire)", "D": "masqué (secondaire)", "Z": "zéro publié"},
        "versions": {nom: _version(nom) for nom in ("parcours", "scipy", "numpy")},
    }
    (dossier / "metadonnees.json").write_text(json.dumps(metadonnees, ensure_ascii=False, indent=2), encoding="utf-8")
    return metadonnees


def _version(paquet: str) -> str:
    try:
        return importlib.metadata.version(paquet)
    except importlib.metadata.PackageNotFoundError:
        return "non installé"


def _ecrire(chemin: Path, table: TablePubliee) -> None:
    noms = [d.nom for d in table.dimensions]
    with chemin.open("w", newline="", encoding="utf-8") as flux:
        ecrivain = csv.writer(flux, lineterminator="\n")
        ecrivain.writerow(["tableau", *noms, "n", "statut"])
        for nom, dims in TABLEAUX.items():
            for cellule, valeur, statut in table.lignes():
                if all(code == TOTAL for dim, code in zip(noms, cellule) if dim not in dims):
                    ecrivain.writerow([nom, *cellule, "" if valeur is None else valeur, statut])

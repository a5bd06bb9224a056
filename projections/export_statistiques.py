"""The anonymised statistics export: the published tables of a cohort, protected together.

Cohort: the people whose (last) employment-support exit falls in the period, one row each, classified
by département (hierarchy département → région → France), sex, age band at exit, status at exit and
outcome. Tables (reference/statistical-disclosure.md §3.1): département × outcome, département ×
status, and sex × age × status × outcome nationally — all protected jointly by `projections.protection`
— and the mean duration of employment support (days from entry to exit) by département × outcome,
protected against an attacker who also holds the counts (§3.7). Optional modes instead of suppression:
controlled rounding (`arrondi`) or differential privacy (`epsilon`), then no means are published.
Nothing is written unless every table passed its audit. Must not import flask or `web`.
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

from parcours.vocabulaire import MotifSejour, Sexe, TypeEtape
from projections.indicateurs import (
    DURABLES,
    FORMATIONS,
    NEUTRES,
    POSITIVES,
    Cliche,
    Demande,
    LectureDuCliche,
    _statut,
    _titres,
    categories_au_seuil,
    position_suivie,
    sorties_agir,
)
from projections import tables as t
from projections.faits import champs
from projections.protection import (
    DOMINANCE,
    K_PAR_DEFAUT,
    LARGEUR_PAR_DEFAUT,
    TOTAL,
    Dimension,
    EntreeInvalideError,
    MoyennesPubliees,
    TablePubliee,
    arrondir,
    bruiter,
    proteger,
    proteger_moyennes,
)

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
    "departement_x_statut": ("departement", "statut_sejour"),
    "national_sexe_x_age_x_statut_x_issue": ("sexe", "age", "statut_sejour", "issue"),
}
DIMENSIONS = ("departement", "sexe", "age", "statut_sejour", "issue")
"""`statut_sejour`, not `statut`: in the published files `statut` is the column of the protection flag."""
MOYENNES = {"departement_x_issue": ("departement", "issue")}
"""Mean duration of employment support, in days from entry to exit, per cell of these tables (written on
their rows of statistiques.csv, columns `duree_moyenne_jours` and `statut_moyenne`)."""


TABLEAUX_PROGRAMMES = {
    "agir_departement_x_issue": ("departement", "issue_agir"),
    "spe_type_operateur_x_devenir": ("type_operateur", "devenir"),
}
"""CONTRACT §9's `agir` and `spe` families as protected tables, one file each (`<tableau>.csv`): the AGIR exits
of the period by the person's département and outcome, the SPE orientations of the period by receiving
operator kind and what became of them. Each is protected on its own (distinct cohorts)."""


def issue_agir(neutre: bool, emploi_formation: bool, logement: bool) -> str:
    """One mutually exclusive outcome per AGIR exit, from the §9 tests at exit."""
    if neutre:
        return "sortie_neutre"
    if emploi_formation and logement:
        return "emploi_formation_et_logement"
    if emploi_formation:
        return "emploi_formation_seul"
    return "logement_seul" if logement else "ni_emploi_formation_ni_logement"


def cohortes_programmes(engine: sa.Engine, du: date, au: date) -> dict[str, list[tuple[str, ...]]]:
    """The rows of `TABLEAUX_PROGRAMMES`: one per AGIR exit, one per SPE orientation dated in the period."""
    with engine.connect() as connexion:
        ctx = LectureDuCliche(connexion, Demande(du, au), Cliche(position_suivie(connexion), None))
        agir = []
        for sortie in sorties_agir(ctx):
            personne = ctx.personnes.get(sortie.parcours_id)
            if personne is not None:
                agir.append((personne.departement or "inconnu",
                             issue_agir(sortie.neutre, sortie.emploi_formation_durable, sortie.logement_perenne)))
        types = dict(connexion.execute(sa.select(t.operateur.c.slug, t.operateur.c.type)).all())
        o = ctx.faits(TypeEtape.ORIENTATION_SPE, alias="orientation_export")
        orientations = {step_id: vers for step_id, vers in connexion.execute(
            sa.select(o.c.step_id, o.c.vers).where(o.c.occurred_on.between(du, au)))}
        suites: dict[str, set[str]] = {}
        if orientations:
            f = ctx.faits(TypeEtape.ORIENTATION_ACCEPTEE, TypeEtape.ORIENTATION_REFUSEE, TypeEtape.INSCRIPTION_SPE,
                          TypeEtape.PREMIER_RENDEZ_VOUS_SPE, alias="suite_export")
            for orientation, type_, honore in connexion.execute(
                sa.select(f.c.orientation, f.c.type, f.c.honore).where(f.c.orientation.in_(sorted(orientations)))
            ):
                if type_ != TypeEtape.PREMIER_RENDEZ_VOUS_SPE.value or honore:
                    suites.setdefault(orientation, set()).add(type_)
        spe = [(types.get(vers) or "inconnu", _devenir_spe(suites.get(step_id, set()))) for step_id, vers in orientations.items()]
        return {"agir_departement_x_issue": agir, "spe_type_operateur_x_devenir": spe}


def _devenir_spe(suites: set[str]) -> str:
    if TypeEtape.ORIENTATION_REFUSEE.value in suites:
        return "refusee"
    if TypeEtape.ORIENTATION_ACCEPTEE.value not in suites:
        return "sans_reponse"
    if TypeEtape.PREMIER_RENDEZ_VOUS_SPE.value in suites:
        return "premier_rdv_honore"
    return "inscrite_sans_premier_rdv" if TypeEtape.INSCRIPTION_SPE.value in suites else "acceptee_sans_inscription"


def _dimensions_programme(nom: str, lignes: list[tuple[str, ...]]) -> list[Dimension]:
    premiere, seconde = TABLEAUX_PROGRAMMES[nom]
    if premiere == "departement":
        departements = dimensions_de([(ligne[0], "", "", "", "") for ligne in lignes])[0]
        return [departements, Dimension.plate(seconde, [ligne[1] for ligne in lignes])]
    return [Dimension.plate(premiere, [ligne[0] for ligne in lignes]), Dimension.plate(seconde, [ligne[1] for ligne in lignes])]


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
    lignes, _, position = cohorte_detaillee(engine, du, au)
    return lignes, position


def cohorte_detaillee(engine: sa.Engine, du: date, au: date, position: int | None = None) -> tuple[list[tuple[str, ...]], list[int | None], int]:
    """The cohort rows, each person's days from entry to exit of that support episode (None if the entry
    is not visible), and the log position read: the latest applied, or `position` (a page's, to match it)."""
    with engine.connect() as connexion:
        suivie = position_suivie(connexion)
        position = suivie if position is None else min(position, suivie)
        cliche = Cliche(position, None)
        ctx = LectureDuCliche(connexion, Demande(du, au), cliche)
        s = t.fait
        sortie = champs(s, TypeEtape.SORTIE_ACCOMPAGNEMENT)
        e = t.fait.alias("entree")
        derniere: dict[str, tuple[date, str, date | None]] = {}
        for parcours_id, jour, categorie, entree in connexion.execute(
            sa.select(s.c.parcours_id, s.c.occurred_on, sortie.categorie, e.c.occurred_on)
            .select_from(s.outerjoin(e, sa.and_(
                e.c.step_id == sortie.entree, e.c.type == TypeEtape.ACCOMPAGNEMENT_EMPLOI_DEBUTE.value, cliche.visible(e)
            )))
            .where(s.c.type == TypeEtape.SORTIE_ACCOMPAGNEMENT.value, cliche.visible(s), s.c.occurred_on.between(du, au))
        ):
            if parcours_id not in derniere or jour > derniere[parcours_id][0]:
                derniere[parcours_id] = (jour, categorie, entree)
        titres = _titres(ctx, set(derniere))
        ordonnees = sorted(derniere.items())
        categories = categories_au_seuil(ctx, [(p, entree, jour, categorie) for p, (jour, categorie, entree) in ordonnees])
        lignes, durees = [], []
        for (parcours_id, (jour, _, entree)), categorie in zip(ordonnees, categories):
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
            durees.append(None if entree is None or entree > jour else (jour - entree).days)
        return lignes, durees, position


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


def dimensions_publiques() -> list[Dimension]:
    """Every code the classification can take, whatever the data: under differential privacy the list of
    categories must not depend on who is in the cohort (a département with one person would show)."""
    departements = sorted(REGION_DU_DEPARTEMENT) + ["inconnu"]
    lignes = [(d, sexe, age, statut, issue_)
              for d in departements
              for sexe in [*(s.value for s in Sexe), "inconnu"]
              for age in ("moins_de_25_ans", "25_ans_et_plus")
              for statut in ("BPI", MotifSejour.FAMILIAL.value, MotifSejour.ECONOMIQUE.value, "AUTRE")
              for issue_ in ("emploi_durable", "emploi_moins_6_mois", "formation", "sortie_neutre", "autre_sortie")]
    return dimensions_de(lignes)


def exporter(
    engine: sa.Engine,
    du: date,
    au: date,
    dossier: Path,
    k: int = K_PAR_DEFAUT,
    largeur: float = LARGEUR_PAR_DEFAUT,
    arrondi: int | None = None,
    epsilon: float | None = None,
    graine: int | None = None,
    position: int | None = None,
) -> dict[str, Any]:
    """Write statistiques.csv (with the means under suppression) and metadonnees.json; raise
    `ProtectionImpossibleError` and write nothing if unsafe. `arrondi` (controlled rounding base) and
    `epsilon` (differential privacy budget of the whole release) replace cell suppression."""
    if arrondi is not None and epsilon is not None:
        raise EntreeInvalideError("choisissez l'arrondi contrôlé ou la confidentialité différentielle, pas les deux.")
    lignes, durees, position = cohorte_detaillee(engine, du, au, position)
    dimensions = dimensions_de(lignes)
    comptes = Counter(lignes)
    formules = list(TABLEAUX.values())
    metadonnees: dict[str, Any] = {
        "objet": "Statistiques anonymisées des sorties d'accompagnement vers l'emploi",
        "periode": {"du": du.isoformat(), "au": au.isoformat()},
        "position_journal": position,
        "produit_le": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "personnes": len(lignes),
        "tableaux": {nom: list(dims) for nom, dims in TABLEAUX.items()},
    }
    moyennes: MoyennesPubliees | None = None
    if arrondi is not None:
        table = arrondir(dimensions, comptes, arrondi, formules)
        tables = {nom: table for nom in TABLEAUX}
        metadonnees["mode"] = "arrondi_controle"
        metadonnees["regles"] = {
            "arrondi": f"chaque cellule publiée est un multiple de {arrondi} adjacent à sa vraie valeur (les multiples de "
                       f"{arrondi}, zéros compris, restent inchangés) ; chaque total reste la somme exacte de ses "
                       "composantes, dans chaque tableau",
            "statuts": "toutes les cellules sont publiées (V) : un statut Z distinguerait les vrais zéros des petits "
                       "comptes arrondis à 0",
            "ecart_total": table.mesures["ecart_total"],
        }
        metadonnees["methode"] = "arrondi contrôlé, sans biais de zéros, par programme linéaire en nombres entiers (HiGHS)"
        metadonnees["moyennes"] = "non publiées dans ce mode"
    elif epsilon is not None:
        publiques = dimensions_publiques()
        connus = [set(d.feuilles) for d in publiques]
        # A code outside the public lists (a foreign département…) counts as unknown rather than showing up.
        comptes_publics = Counter({
            tuple(code if code in connus[n] else "inconnu" for n, code in enumerate(ligne)): nombre for ligne, nombre in comptes.items()
        })
        bruitees = bruiter(publiques, comptes_publics, epsilon, formules, k=k, graine=graine)
        tables = dict(zip(TABLEAUX, bruitees))
        metadonnees["mode"] = "confidentialite_differentielle"
        metadonnees["confidentialite_differentielle"] = {
            "avertissement": "VALEURS BRUITÉES : les comptes publiés ne sont pas les vrais comptes.",
            "unite_protegee": "une personne (ajout ou retrait d'une personne de la cohorte)",
            "mecanisme": "Laplace discret (géométrique bilatéral) d'OpenDP sur les cellules fines de chaque tableau ; "
                         "sensibilité L1 = 1 par tableau",
            "modalites": "toutes les modalités possibles de chaque dimension (listes publiques : départements du COG, "
                         "sexes, tranches d'âge, statuts, issues), présentes ou non dans la cohorte",
            "epsilon_total": epsilon,
            "composition": "séquentielle : la somme des epsilon des tableaux",
            "epsilon_par_tableau": {nom: table.mesures["epsilon"] for nom, table in tables.items()},
            "echelle_par_tableau": {nom: table.mesures["echelle"] for nom, table in tables.items()},
            "post_traitement": f"valeurs négatives ramenées à 0, totaux = sommes des cellules fines bruitées (additifs), "
                               f"valeurs bruitées de 1 à {k - 1} masquées (A) ; sans coût de confidentialité",
            "graine": "tirage reproductible (essais seulement, pas une publication)" if graine is not None
                      else "tirage cryptographique d'OpenDP",
        }
        metadonnees["methode"] = "confidentialité différentielle (ε-DP pure) ; pas de suppression secondaire"
        metadonnees["moyennes"] = "non publiées dans ce mode"
    else:
        table = proteger(dimensions, comptes, k=k, largeur=largeur, formules=formules)
        tables = {nom: table for nom in TABLEAUX}
        valeurs: dict[tuple[str, ...], list[int]] = {}
        for ligne, duree in zip(lignes, durees):
            if duree is not None:
                valeurs.setdefault(ligne, []).append(duree)
        (nom_moyennes, formule), = MOYENNES.items()
        moyennes = proteger_moyennes(dimensions, comptes, valeurs, table, formule, formules, k_moyenne=k, largeur=largeur)
        metadonnees["mode"] = "suppression"
        metadonnees["regles"] = {
            "seuil_k": k,
            "suppression_primaire": f"comptes de 1 à {k - 1} masqués (statut A)",
            "zeros": "publiés (statut Z) ; une cellule masquée vaut donc au moins 1",
            "largeur_minimale": f"max(1, ⌈{largeur}·n⌉) pour l'intervalle déductible de chaque cellule masquée",
            "somme_de_groupe": f"aucun groupe d'enfants masqués sous un parent publié ne totalise 1 à {k - 1}",
        }
        metadonnees["methode"] = (
            "passe de Gauss (élimination exacte en rationnels : aucune cellule primaire ne doit être une combinaison "
            "linéaire des cellules publiées), puis audit par programmation linéaire (HiGHS) de chaque cellule masquée "
            "et réparation par programme linéaire en nombres entiers ; audit final ; tableaux protégés ensemble"
        )
        metadonnees["moyennes"] = {
            "tableaux": {nom_moyennes: list(formule)},
            "colonnes": "duree_moyenne_jours et statut_moyenne de statistiques.csv, sur les lignes de ce tableau",
            "grandeur": "durée moyenne de l'accompagnement vers l'emploi, en jours de l'entrée à la sortie, arrondie au dixième",
            "regles": f"moyenne publiée seulement si le compte de la cellule est publié, avec au moins {k} personnes, "
                      f"et si aucune personne ne représente {DOMINANCE:.0%} ou plus du total des jours (sinon B) ; "
                      "l'audit conjoint comptes + sommes de jours (chaque durée entre 0 et la plus longue de la cohorte) "
                      "vérifie qu'aucune moyenne publiée ne laisse déduire un compte masqué ni la somme d'un petit groupe",
            "statuts": {"V": "publiée", "A": "masquée (compte masqué ou moins de k personnes)", "B": "masquée (dominance)",
                        "D": "masquée (secondaire)", "Z": "personne dans la cellule"},
        }
        metadonnees["mesures"] = {"comptes": table.mesures, "moyennes": moyennes.mesures}
    programmes: dict[str, TablePubliee] = {}
    if epsilon is None:
        for nom, lignes_programme in cohortes_programmes(engine, du, au).items():
            if not lignes_programme:
                continue
            dims = _dimensions_programme(nom, lignes_programme)
            comptes_programme = Counter(lignes_programme)
            formule = [list(TABLEAUX_PROGRAMMES[nom])]
            programmes[nom] = (arrondir(dims, comptes_programme, arrondi, formule) if arrondi is not None
                               else proteger(dims, comptes_programme, k=k, largeur=largeur, formules=formule))
    metadonnees["tableaux_programmes"] = {
        nom: {"fichier": f"{nom}.csv", "dimensions": list(dims),
              "publie": nom in programmes,
              "raison": None if nom in programmes else ("non publié en confidentialité différentielle" if epsilon is not None
                                                         else "aucune unité dans la période")}
        for nom, dims in TABLEAUX_PROGRAMMES.items()
    }
    metadonnees["statuts"] = {"V": "publié", "A": "masqué (primaire)", "D": "masqué (secondaire)", "Z": "zéro publié"}
    metadonnees["versions"] = {nom: _version(nom) for nom in ("parcours", "scipy", "numpy", "opendp")}
    dossier.mkdir(parents=True, exist_ok=True)
    _ecrire(dossier / "statistiques.csv", tables, moyennes)
    for nom, table in programmes.items():
        with (dossier / f"{nom}.csv").open("w", newline="", encoding="utf-8") as flux:
            ecrivain = csv.writer(flux, lineterminator="\n")
            ecrivain.writerow([*TABLEAUX_PROGRAMMES[nom], "n", "statut"])
            for cellule, valeur, statut in table.lignes():
                ecrivain.writerow([*cellule, "" if valeur is None else valeur, statut])
    (dossier / "metadonnees.json").write_text(json.dumps(metadonnees, ensure_ascii=False, indent=2), encoding="utf-8")
    return metadonnees


def _version(paquet: str) -> str:
    try:
        return importlib.metadata.version(paquet)
    except importlib.metadata.PackageNotFoundError:
        return "non installé"


def _ecrire(chemin: Path, tables: dict[str, TablePubliee], moyennes: MoyennesPubliees | None) -> None:
    """One row per published cell and table; the rows of the means' table also carry the mean and its status."""
    (nom_moyennes, _), = MOYENNES.items()
    par_cellule = {cellule: (valeur, statut) for cellule, valeur, statut in moyennes.lignes()} if moyennes else {}
    with chemin.open("w", newline="", encoding="utf-8") as flux:
        ecrivain = csv.writer(flux, lineterminator="\n")
        ecrivain.writerow(["tableau", *DIMENSIONS, "n", "statut", "duree_moyenne_jours", "statut_moyenne"])
        for nom, dims in TABLEAUX.items():
            for cellule, valeur, statut in tables[nom].lignes():
                if all(code == TOTAL for dim, code in zip(DIMENSIONS, cellule) if dim not in dims):
                    moyenne, statut_moyenne = par_cellule.get(cellule, (None, "")) if nom == nom_moyennes else (None, "")
                    ecrivain.writerow([nom, *cellule, "" if valeur is None else valeur, statut,
                                       "" if moyenne is None else f"{moyenne:.1f}", statut_moyenne])

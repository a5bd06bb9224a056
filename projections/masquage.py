"""Statistical protection of the §5 document shown to a COPIL account or a statistics token.

The defaults of CONTRACT §7 (`reference/statistical-disclosure.md` §3), applied to one report: a count
from 1 to k − 1 is shown « < 11 » (primary suppression, zeros published); where one suppressed count of an
additive group (a total and its parts on the same page) could be recomputed from the others, a second one
is suppressed (the smallest published non-zero part, else the total); a rate, a mean or a sum over fewer
than k units is hidden (« masqué »). Periods are widened to whole months. What stays possible (differencing
two reports over overlapping cohorts) is written in the README. Must not import flask or `web`.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from copy import deepcopy
from dataclasses import fields, is_dataclass
from datetime import date
from typing import Any

from parcours.vocabulaire import OPERATEURS_SPE

K = 11
MASQUE_COMPTE = "< 11"
MASQUE_TAUX = "masqué"
META = ("periode", "vu_au", "position_journal", "filtres", "seuil_emploi_durable", "personnes_effacees_depuis")

GROUPES: list[tuple[str, list[str]]] = [
    ("public_cible.total", ["public_cible.hommes", "public_cible.femmes"]),
    ("public_cible.bpi", ["public_cible.bpi_hommes", "public_cible.bpi_femmes"]),
    ("cir.signataires", ["cir.par_sexe.F", "cir.par_sexe.M", "cir.par_sexe.X"]),
    ("cir.signataires", ["cir.par_age.moins_de_26", "cir.par_age.26_plus"]),
    ("cir.signataires", ["cir.par_statut.BPI", "cir.par_statut.FAMILIAL", "cir.par_statut.ECONOMIQUE", "cir.par_statut.AUTRE"]),
]
"""Totals and the parts that add up to them (a part left unpublished, such as sex X under `public_cible`, is
taken as known: often zero, an attacker would assume it)."""

DENOMINATEURS: dict[str, str] = {
    "public_cible.part_non_bpi": "public_cible.total",
    "accompagnement_emploi.duree_moyenne_mois": "accompagnement_emploi.non_neutres",
    "accompagnement_emploi.taux_sortie_positive": "accompagnement_emploi.non_neutres",
    "accompagnement_emploi.suivi_6_mois.taux_positif": "accompagnement_emploi.suivi_6_mois.cohorte",
    "accompagnement_emploi.suivi_6_mois.taux_reponse": "accompagnement_emploi.suivi_6_mois.cohorte",
    "langue.heures_realisees": "langue.formations_terminees",
    "langue.taux_atteignant_a1": "langue.formations_terminees",
    "cir.taux_prescription_obligatoire": "cir.signataires",
    "agir.delai_moyen_accueil_jours": "agir.accueils",
    "agir.duree_moyenne_mois": "agir.non_neutres",
    "agir.taux_emploi_formation_durable": "agir.non_neutres",
    "agir.taux_logement_perenne": "agir.non_neutres",
    "spe.delai_moyen_reponse_jours": "spe.reponses",
    "spe.delai_moyen_premier_rdv_jours": "spe.premier_rdv_honore",
    **{f"spe.par_type_operateur.{kind}.{mesure}": f"spe.par_type_operateur.{kind}.{unite}"
       for kind in sorted(type_.value for type_ in OPERATEURS_SPE)
       for mesure, unite in (("delai_moyen_reponse_jours", "reponses"), ("delai_moyen_premier_rdv_jours", "premier_rdv_honore"))},
}
"""Rates, means and sums, and the count of the units they are computed over (hidden when it is under k)."""


def _feuilles(document: dict[str, Any], prefixe: str = "") -> Iterator[tuple[str, Any]]:
    for cle, valeur in document.items():
        chemin = f"{prefixe}.{cle}" if prefixe else cle
        if isinstance(valeur, dict):
            yield from _feuilles(valeur, chemin)
        else:
            yield chemin, valeur


def _poser(document: dict[str, Any], chemin: str, valeur: Any) -> None:
    *parents, feuille = chemin.split(".")
    for cle in parents:
        document = document[cle]
    document[feuille] = valeur


def _est_un_compte(chemin: str, valeur: Any) -> bool:
    return isinstance(valeur, int) and not isinstance(valeur, bool) and chemin not in DENOMINATEURS \
        and not chemin.split(".")[-1].startswith(("taux", "part_", "duree"))


def _unites_calculees(document: dict[str, Any]) -> dict[str, int]:
    """Units a rate or mean is computed over that the document does not print as such."""
    emploi, agir, spe = (document.get(cle) or {} for cle in ("accompagnement_emploi", "agir", "spe"))
    unites = {
        "accompagnement_emploi.non_neutres": emploi.get("sorties", 0) - emploi.get("sorties_neutres", 0),
        "agir.non_neutres": agir.get("sorties", 0) - agir.get("sorties_neutres", 0),
        "spe.reponses": spe.get("acceptees", 0) + spe.get("refusees", 0),
    }
    for kind, chiffres in (spe.get("par_type_operateur") or {}).items():
        unites[f"spe.par_type_operateur.{kind}.reponses"] = chiffres.get("acceptees", 0) + chiffres.get("refusees", 0)
    return unites


def masquer(document: dict[str, Any], k: int = K) -> dict[str, Any]:
    """The document as a COPIL account or a statistics token may see it, with `masquage` saying what was hidden."""
    resultat = deepcopy(document)
    valeurs = {chemin: valeur for cle, sous in document.items() if cle not in META and isinstance(sous, dict)
               for chemin, valeur in _feuilles(sous, cle)}
    comptes = {chemin: valeur for chemin, valeur in valeurs.items() if _est_un_compte(chemin, valeur)}
    unites = {**comptes, **_unites_calculees(document)}
    primaires = {chemin for chemin, valeur in comptes.items() if 1 <= valeur < k}
    masques = set(primaires)
    change = True
    while change:
        change = False
        for total, parties in GROUPES:
            cellules = [c for c in (total, *parties) if c in comptes]
            if sum(c in masques for c in cellules) != 1:
                continue
            candidates = sorted((comptes[c], c) for c in cellules if c != total and c not in masques and comptes[c] > 0)
            ajout = candidates[0][1] if candidates else (total if total not in masques and comptes.get(total) else None)
            if ajout is not None:
                masques.add(ajout)
                change = True
    for chemin in masques:
        _poser(resultat, chemin, MASQUE_COMPTE)
    taux_masques = []
    for chemin, denominateur in DENOMINATEURS.items():
        if chemin in valeurs and valeurs[chemin] is not None and unites.get(denominateur, 0) < k:
            _poser(resultat, chemin, MASQUE_TAUX)
            taux_masques.append(chemin)
    resultat["masquage"] = {
        "seuil": k,
        "primaires": sorted(primaires),
        "secondaires": sorted(masques - primaires),
        "taux_masques": sorted(taux_masques),
        "regle": f"effectifs de 1 à {k - 1} affichés « {MASQUE_COMPTE} », masquage secondaire dans les totaux, "
                 f"taux et moyennes sur moins de {k} unités masqués, périodes en mois entiers",
    }
    return resultat


def en_mois_entiers(du: date, au: date) -> tuple[date, date]:
    """The period widened to whole months: from the first day of `du`'s month to the last day of `au`'s."""
    return du.replace(day=1), au.replace(day=calendar.monthrange(au.year, au.month)[1])


def compte_publiable(valeur: Any, k: int = K) -> bool:
    return not (isinstance(valeur, (int, float)) and not isinstance(valeur, bool) and 0 < valeur < k)


def graphiques_publiables(donnees: Any, k: int = K) -> list[bool]:
    """For each chart of the dashboard (`projections.tableau_de_bord.Graphiques`, in the order of
    `web.pages.graphiques.figures`), whether every count it draws is 0 or at least k: a chart with a small
    count is left out rather than drawn with a figure the table hides."""
    def publiables(*nombres: Any) -> bool:
        return all(compte_publiable(n, k) for n in nombres)

    tendances = [n for periode in donnees.tendances for cle, n in periode.items() if cle in ("entrees", "sorties", "sorties_positives")]
    return [
        publiables(*(n for _, _, n in donnees.entonnoir)),
        publiables(*(n for _, groupes in donnees.sorties_par_departement for n in groupes.values())),
        publiables(*(n for _, n in donnees.durees)),
        publiables(*tendances),
        publiables(*(n for _, non_neutres, positives, _ in donnees.comparaison for n in (non_neutres, positives))),
    ]


def _comptes(valeur: Any) -> Iterator[int]:
    """Every count a chart's data holds (rates and means are floats, labels strings: left out)."""
    if isinstance(valeur, bool) or valeur is None:
        return
    if isinstance(valeur, int):
        yield valeur
    elif is_dataclass(valeur):
        for champ in fields(valeur):
            yield from _comptes(getattr(valeur, champ.name))
    elif isinstance(valeur, dict):
        for element in valeur.values():
            yield from _comptes(element)
    elif isinstance(valeur, (list, tuple)):
        for element in valeur:
            yield from _comptes(element)


def graphiques_agir_spe_publiables(donnees: Any, k: int = K) -> bool:
    """Whether the AGIR and SPE sections of the dashboard (`projections.tableau_de_bord.GraphiquesAgirSpe`)
    draw only counts of 0 or at least k; otherwise they are left out whole (fail closed)."""
    return all(compte_publiable(n, k) for n in _comptes(donnees))

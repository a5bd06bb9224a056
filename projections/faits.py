"""How each step type's `data` lands in the generic columns of the `fait` table, under its fields' names.

One table per step type, in one place (`CHAMPS`): the projection writes with it, the indicators read the
columns through it by the fields' names (`champs`). Values come in their JSON form (dates as ISO strings,
enums as their values). Must not import flask or `web`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, NamedTuple

import sqlalchemy as sa

from parcours.vocabulaire import Frein, NiveauLangue, TypeEtape
from projections import tables as t

Donnees = Mapping[str, Any]
LIEN_DANS_LES_DONNEES = {
    TypeEtape.SUIVI_SIX_MOIS: "sortie_step_id",
    TypeEtape.ORIENTATION_ACCEPTEE: "orientation_step_id",
    TypeEtape.ORIENTATION_REFUSEE: "orientation_step_id",
}
"""Links a caseworker types (and may correct); the others are derived by the rules at recording."""

LIEN_DERIVE = {
    TypeEtape.CIR_SIGNE: "titre",
    TypeEtape.FORMATION_CIVIQUE_JOURNEE: "cir",
    TypeEtape.FORMATION_LINGUISTIQUE_PRESCRITE: "cir",
    TypeEtape.DISPENSE_FORMATION_LINGUISTIQUE: "cir",
    TypeEtape.FORMATION_LINGUISTIQUE_HEURES: "prescription",
    TypeEtape.EVALUATION_LINGUISTIQUE: "prescription",
    TypeEtape.FORMATION_LINGUISTIQUE_TERMINEE: "prescription",
    TypeEtape.ENTRETIEN_FIN_CIR: "cir",
    TypeEtape.ORIENTATION_SPE: "cir",
    TypeEtape.DISPENSE_ORIENTATION_SPE: "cir",
    TypeEtape.AGIR_ACCUEIL: "orientation",
    TypeEtape.AGIR_REFUS: "orientation",
    TypeEtape.AGIR_ENTREE: "orientation",
    TypeEtape.AGIR_VOLET_CLOTURE: "entree",
    TypeEtape.AGIR_SORTIE: "entree",
    TypeEtape.INSCRIPTION_SPE: "orientation",
    TypeEtape.PREMIER_RENDEZ_VOUS_SPE: "orientation",
    TypeEtape.DIAGNOSTIC_APPROFONDI: "orientation",
    TypeEtape.SORTIE_ACCOMPAGNEMENT: "entree",
}


def _date(valeur: Any) -> date | None:
    return date.fromisoformat(valeur) if isinstance(valeur, str) else valeur


def _rang(valeur: Any) -> int | None:
    return NiveauLangue(valeur).rang if valeur else None


def _nombre(valeur: Any) -> float | None:
    return float(valeur) if valeur is not None else None


def masque_freins(freins: Any) -> float:
    """The barriers of a diagnostic as a bit mask (bit i = the i-th `Frein`): nine codes overflow a code column."""
    valeurs = {f.value if isinstance(f, Frein) else f for f in freins or []}
    return float(sum(1 << rang for rang, frein in enumerate(Frein) if frein.value in valeurs))


def freins_du_masque(masque: float | None) -> list[str]:
    """The barrier codes stored by `masque_freins`, in the enumeration's order."""
    bits = int(masque or 0)
    return [frein.value for rang, frein in enumerate(Frein) if bits & (1 << rang)]


def _tel_quel(valeur: Any) -> Any:
    return valeur


def _liste(valeurs: Any) -> str:
    return ",".join(sorted(valeurs or []))


class Champ(NamedTuple):
    """One field of a step's `data` and the generic column of `fait` that holds it."""

    colonne: str
    convertir: Callable[[Any], Any] = _tel_quel
    nom: str | None = None
    """The name readers use, when the field's own name is already a column of `fait` (`type`)."""


CHAMPS: dict[TypeEtape, dict[str, Champ]] = {
    TypeEtape.PERSONNE_ENREGISTREE: {
        "sexe": Champ("code"), "date_naissance": Champ("date_a", _date), "departement": Champ("texte"), "menage": Champ("texte2"),
    },
    TypeEtape.TITRE_SEJOUR_DELIVRE: {
        "motif": Champ("code"), "sous_motif": Champ("code2"), "valid_from": Champ("date_a", _date),
        "valid_to": Champ("date_b", _date), "premier_titre": Champ("booleen"),
    },
    TypeEtape.PROTECTION_ACCORDEE: {"type": Champ("code", nom="type_protection"), "decision_date": Champ("date_a", _date)},
    TypeEtape.CIR_SIGNE: {"dt_ofii": Champ("texte")},
    TypeEtape.POSITIONNEMENT_LINGUISTIQUE: {
        "niveau_oral": Champ("niveau_oral", _rang), "niveau_ecrit": Champ("niveau_ecrit", _rang),
        "non_lecteur_non_scripteur": Champ("booleen"),
    },
    TypeEtape.FORMATION_CIVIQUE_JOURNEE: {"jour": Champ("nombre_a", _nombre), "present": Champ("booleen")},
    TypeEtape.FORMATION_LINGUISTIQUE_PRESCRITE: {
        "type": Champ("code", nom="type_formation"), "niveau_cible": Champ("code2"), "forfait_h": Champ("nombre_a", _nombre),
    },
    TypeEtape.DISPENSE_FORMATION_LINGUISTIQUE: {"motif": Champ("code")},
    TypeEtape.FORMATION_LINGUISTIQUE_HEURES: {
        "periode_debut": Champ("date_a", _date), "periode_fin": Champ("date_b", _date),
        "heures_planifiees": Champ("nombre_a", _nombre), "heures_realisees": Champ("nombre_b", _nombre),
    },
    TypeEtape.EVALUATION_LINGUISTIQUE: {
        "type": Champ("code", nom="type_evaluation"), "niveau_oral": Champ("niveau_oral", _rang),
        "niveau_ecrit": Champ("niveau_ecrit", _rang), "score": Champ("nombre_b", _nombre),
    },
    TypeEtape.FORMATION_LINGUISTIQUE_TERMINEE: {"motif": Champ("code")},
    TypeEtape.ENTRETIEN_FIN_CIR: {"situation_pro": Champ("code")},
    TypeEtape.ORIENTATION_SPE: {"vers": Champ("texte"), "motif_choix": Champ("code")},
    TypeEtape.DISPENSE_ORIENTATION_SPE: {"motif": Champ("code"), "demande_expresse": Champ("booleen")},
    TypeEtape.ORIENTATION_ACCEPTEE: {},
    TypeEtape.ORIENTATION_REFUSEE: {},
    TypeEtape.ORIENTATION_AGIR: {"vers": Champ("texte"), "derogation_prefet": Champ("booleen")},
    TypeEtape.AGIR_ACCUEIL: {
        "diagnostic": Champ("code", _liste), "situation_logement": Champ("code2"), "situation_pro": Champ("texte"),
    },
    TypeEtape.AGIR_REFUS: {"motif": Champ("code")},
    TypeEtape.AGIR_ENTREE: {"volets": Champ("code", _liste)},
    TypeEtape.AGIR_VOLET_CLOTURE: {"volet": Champ("code"), "resultat": Champ("code2")},
    TypeEtape.AGIR_SORTIE: {"motif": Champ("code")},
    # `identifiant_spe` is personal data: it stays in the encrypted log and the person-level timeline, never in facts.
    TypeEtape.INSCRIPTION_SPE: {},
    TypeEtape.PREMIER_RENDEZ_VOUS_SPE: {"date_rdv": Champ("date_a", _date), "honore": Champ("booleen")},
    TypeEtape.DIAGNOSTIC_APPROFONDI: {"freins": Champ("nombre_a", masque_freins)},
    TypeEtape.RECONNAISSANCE_QUALIFICATIONS: {"demarche": Champ("code"), "statut": Champ("code2")},
    TypeEtape.ACCOMPAGNEMENT_EMPLOI_DEBUTE: {"programme": Champ("code")},
    TypeEtape.CONTRAT_TRAVAIL_DEBUTE: {
        "type_contrat": Champ("code"), "date_debut": Champ("date_a", _date), "date_fin_prevue": Champ("date_b", _date),
    },
    TypeEtape.ENTREE_FORMATION: {
        "type": Champ("code", nom="type_formation"), "date_debut": Champ("date_a", _date),
        "date_fin_prevue": Champ("date_b", _date),
    },
    TypeEtape.SORTIE_ACCOMPAGNEMENT: {"categorie": Champ("code")},
    TypeEtape.SUIVI_SIX_MOIS: {"repondant": Champ("booleen"), "categorie": Champ("code")},
    TypeEtape.SITUATION_LOGEMENT: {"situation": Champ("code")},
}
"""Where each field of a step type's data lands in `fait`, and the name readers give it (`champs`): the projection
writes with this table, the indicators read through it. Step types absent from here (notes, corrections, voids) have
no fact of their own."""


def nom_du_lien(type_etape: TypeEtape) -> str | None:
    """What the `lien` column of this type's facts points to (`cir`, `prescription`, `sortie_step_id`…)."""
    return LIEN_DANS_LES_DONNEES.get(type_etape) or LIEN_DERIVE.get(type_etape)


def noms_lus(champs_du_type: Mapping[str, Champ]) -> dict[str, str]:
    """Reader's name → column, for one type's table of fields (of `fait` or `fait_action`)."""
    return {champ.nom or cle: champ.colonne for cle, champ in champs_du_type.items()}


def valeurs_ecrites(champs_du_type: Mapping[str, Champ], donnees: Donnees) -> dict[str, Any]:
    """Column → value, for one step version's data and its type's table of fields."""
    return {champ.colonne: champ.convertir(donnees.get(cle)) for cle, champ in champs_du_type.items()}


def noms_des_colonnes(type_etape: TypeEtape) -> dict[str, str]:
    """Reader's name → generic column, for this type's fields and its link."""
    noms = noms_lus(CHAMPS[type_etape])
    lien = nom_du_lien(type_etape)
    if lien is not None:
        noms[lien.removesuffix("_step_id")] = "lien"
    return noms


class Champs:
    """The columns of a `fait` alias or subquery under the names of one or more step types' fields
    (`champs(contrats, TypeEtape.CONTRAT_TRAVAIL_DEBUTE).date_debut` is `contrats.c.date_a`, labelled
    `date_debut`); a name two of the types give to different columns is refused."""

    def __init__(self, table: Any, *types: TypeEtape) -> None:
        self._table = table
        self._colonnes: dict[str, str] = {}
        for type_etape in types:
            for nom, colonne in noms_des_colonnes(type_etape).items():
                if self._colonnes.setdefault(nom, colonne) != colonne:
                    raise ValueError(f"{nom} désigne deux colonnes parmi {[t.value for t in types]}")

    def toutes(self) -> list[Any]:
        """Every named column, to select beside the generic ones."""
        return [getattr(self, nom) for nom, colonne in self._colonnes.items() if nom != colonne]

    def __getattr__(self, nom: str) -> Any:
        if nom.startswith("_"):
            raise AttributeError(nom)
        try:
            colonne = self._colonnes[nom]
        except KeyError:
            raise AttributeError(nom) from None
        return self._table.c[colonne] if colonne == nom else self._table.c[colonne].label(nom)


def champs(table: Any, *types: TypeEtape) -> Champs:
    return Champs(table, *types)


def colonnes(type_etape: TypeEtape, donnees: Donnees, liens: Mapping[str, Any]) -> dict[str, Any]:
    """The fact columns of one step version."""
    valeurs = valeurs_ecrites(CHAMPS[type_etape], donnees)
    if type_etape in LIEN_DANS_LES_DONNEES:
        valeurs["lien"] = donnees.get(LIEN_DANS_LES_DONNEES[type_etape])
    elif type_etape in LIEN_DERIVE:
        valeurs["lien"] = liens.get(LIEN_DERIVE[type_etape])
    return valeurs


@functools.cache
def courants(*types: TypeEtape, alias: str | None = None) -> Any:
    """The current version of every fact of these types (corrections applied, voids left out), as a subquery
    with their fields under their own names beside the generic columns.

    Built once per (types, alias) and shared: an expression is immutable, and building this one costs about
    half a millisecond, paid 20 times by a worklist page and once or twice by most API requests."""
    f = t.fait.alias(alias) if alias else t.fait
    sous_requete = (sa.select(f, *champs(f, *types).toutes())
                    .where(f.c.type.in_([ty.value for ty in types]), f.c.pos_fin.is_(None)).subquery(alias or types[0].value))
    sous_requete.c  # noqa: B018 — its columns, built lazily, exist before threads share it
    return sous_requete

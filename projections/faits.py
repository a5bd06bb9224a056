"""How each step type's `data` lands in the generic columns of the `fait` table.

One mapping per step type, in one place: the projection writes with it, the indicators read the
columns it names. Values come in their JSON form (dates as ISO strings, enums as their values).
Must not import flask or `web`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from parcours.vocabulaire import Frein, NiveauLangue, TypeEtape

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


COLONNES: dict[TypeEtape, Callable[[Donnees], dict[str, Any]]] = {
    TypeEtape.PERSONNE_ENREGISTREE: lambda d: {
        "code": d.get("sexe"),
        "date_a": _date(d.get("date_naissance")),
        "texte": d.get("departement"),
        "texte2": d.get("menage"),
    },
    TypeEtape.TITRE_SEJOUR_DELIVRE: lambda d: {
        "code": d.get("motif"),
        "code2": d.get("sous_motif"),
        "date_a": _date(d.get("valid_from")),
        "date_b": _date(d.get("valid_to")),
        "booleen": d.get("premier_titre"),
    },
    TypeEtape.PROTECTION_ACCORDEE: lambda d: {"code": d.get("type"), "date_a": _date(d.get("decision_date"))},
    TypeEtape.CIR_SIGNE: lambda d: {"texte": d.get("dt_ofii")},
    TypeEtape.POSITIONNEMENT_LINGUISTIQUE: lambda d: {
        "niveau_oral": _rang(d.get("niveau_oral")),
        "niveau_ecrit": _rang(d.get("niveau_ecrit")),
        "booleen": d.get("non_lecteur_non_scripteur"),
    },
    TypeEtape.FORMATION_CIVIQUE_JOURNEE: lambda d: {"nombre_a": _nombre(d.get("jour")), "booleen": d.get("present")},
    TypeEtape.FORMATION_LINGUISTIQUE_PRESCRITE: lambda d: {
        "code": d.get("type"),
        "code2": d.get("niveau_cible"),
        "nombre_a": _nombre(d.get("forfait_h")),
    },
    TypeEtape.DISPENSE_FORMATION_LINGUISTIQUE: lambda d: {"code": d.get("motif")},
    TypeEtape.FORMATION_LINGUISTIQUE_HEURES: lambda d: {
        "date_a": _date(d.get("periode_debut")),
        "date_b": _date(d.get("periode_fin")),
        "nombre_a": _nombre(d.get("heures_planifiees")),
        "nombre_b": _nombre(d.get("heures_realisees")),
    },
    TypeEtape.EVALUATION_LINGUISTIQUE: lambda d: {
        "code": d.get("type"),
        "niveau_oral": _rang(d.get("niveau_oral")),
        "niveau_ecrit": _rang(d.get("niveau_ecrit")),
        "nombre_b": _nombre(d.get("score")),
    },
    TypeEtape.FORMATION_LINGUISTIQUE_TERMINEE: lambda d: {"code": d.get("motif")},
    TypeEtape.ENTRETIEN_FIN_CIR: lambda d: {"code": d.get("situation_pro")},
    TypeEtape.ORIENTATION_SPE: lambda d: {"texte": d.get("vers"), "code": d.get("motif_choix")},
    TypeEtape.DISPENSE_ORIENTATION_SPE: lambda d: {"code": d.get("motif"), "booleen": d.get("demande_expresse")},
    TypeEtape.ORIENTATION_ACCEPTEE: lambda d: {},
    TypeEtape.ORIENTATION_REFUSEE: lambda d: {},
    TypeEtape.ORIENTATION_AGIR: lambda d: {"texte": d.get("vers"), "booleen": d.get("derogation_prefet")},
    TypeEtape.AGIR_ACCUEIL: lambda d: {
        "code": ",".join(sorted(d.get("diagnostic") or [])),
        "code2": d.get("situation_logement"),
        "texte": d.get("situation_pro"),
    },
    TypeEtape.AGIR_REFUS: lambda d: {"code": d.get("motif")},
    TypeEtape.AGIR_ENTREE: lambda d: {"code": ",".join(sorted(d.get("volets") or []))},
    TypeEtape.AGIR_VOLET_CLOTURE: lambda d: {"code": d.get("volet"), "code2": d.get("resultat")},
    TypeEtape.AGIR_SORTIE: lambda d: {"code": d.get("motif")},
    # `identifiant_spe` is personal data: it stays in the encrypted log and the person-level timeline, never in facts.
    TypeEtape.INSCRIPTION_SPE: lambda d: {},
    TypeEtape.PREMIER_RENDEZ_VOUS_SPE: lambda d: {"date_a": _date(d.get("date_rdv")), "booleen": d.get("honore")},
    TypeEtape.DIAGNOSTIC_APPROFONDI: lambda d: {"nombre_a": masque_freins(d.get("freins"))},
    TypeEtape.RECONNAISSANCE_QUALIFICATIONS: lambda d: {"code": d.get("demarche"), "code2": d.get("statut")},
    TypeEtape.ACCOMPAGNEMENT_EMPLOI_DEBUTE: lambda d: {"code": d.get("programme")},
    TypeEtape.CONTRAT_TRAVAIL_DEBUTE: lambda d: {
        "code": d.get("type_contrat"),
        "date_a": _date(d.get("date_debut")),
        "date_b": _date(d.get("date_fin_prevue")),
    },
    TypeEtape.ENTREE_FORMATION: lambda d: {
        "code": d.get("type"),
        "date_a": _date(d.get("date_debut")),
        "date_b": _date(d.get("date_fin_prevue")),
    },
    TypeEtape.SORTIE_ACCOMPAGNEMENT: lambda d: {"code": d.get("categorie")},
    TypeEtape.SUIVI_SIX_MOIS: lambda d: {"booleen": d.get("repondant"), "code": d.get("categorie")},
    TypeEtape.SITUATION_LOGEMENT: lambda d: {"code": d.get("situation")},
}
"""Step types absent from here (notes, corrections, voids) have no fact of their own."""


def colonnes(type_etape: TypeEtape, donnees: Donnees, liens: Mapping[str, Any]) -> dict[str, Any]:
    """The fact columns of one step version."""
    valeurs = COLONNES[type_etape](donnees)
    if type_etape in LIEN_DANS_LES_DONNEES:
        valeurs["lien"] = donnees.get(LIEN_DANS_LES_DONNEES[type_etape])
    elif type_etape in LIEN_DERIVE:
        valeurs["lien"] = liens.get(LIEN_DERIVE[type_etape])
    return valeurs

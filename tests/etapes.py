"""The one builder of CONTRACT §3 steps for every test layer, and its named presets.

`etape(type, jour, operateur, data, personne)` writes a step as a JSON line or an API body would; each
preset below fills one step type with realistic values that a test overrides by keyword. A person is
named by `qui(numero)`; `personne=None` leaves the key out (a registration, an action's own step).
Tests record these dicts through the edge's schema (`web.saisie.schemas.lire_etape`), like real input.
Imports nothing but the standard library.
"""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, uuid4, uuid5

AGENT = "a.martin"

SOUS_MOTIF_PAR_DEFAUT = {
    "FAMILIAL": "CONJOINT_DE_FRANCAIS",
    "ECONOMIQUE": "SALARIE",
    "HUMANITAIRE": "REFUGIE",
    "DIVERS": "VISITEUR",
    "ETUDIANT": "AUTRE",
}
"""A sub-motif that belongs to each permit motif, for the tests that do not care which."""


def sid(nom: str) -> str:
    """A stable step_id per name, for scenarios whose steps refer to each other."""
    return str(uuid5(NAMESPACE_URL, f"https://parcours.example/tests/{nom}"))


def qui(numero: str) -> dict[str, str]:
    """The `personne` reference of a step, by numéro étranger."""
    return {"numero_etranger": numero}


def etape(
    type_: str,
    jour: str,
    operateur: str,
    data: dict[str, Any],
    personne: dict[str, Any] | None = None,
    *,
    step_id: str | None = None,
    agent: str = AGENT,
    action: str | None = None,
) -> dict[str, Any]:
    """One step as CONTRACT §3 writes it; `personne` and `action` are left out when None."""
    brut: dict[str, Any] = {
        "step_id": step_id or str(uuid4()),
        "type": type_,
        "occurred_on": jour,
        "operateur": operateur,
        "agent": agent,
        "data": data,
    }
    if personne is not None:
        brut["personne"] = personne
    if action is not None:
        brut["action"] = action
    return brut


# Presets: one per step type a test builds often ------------------------------------------------------------


def enregistrement(numero: str | None, *, jour: str = "2024-01-05", naissance: str = "1990-03-10", sexe: str = "F",
                   nom: str = "Karimi", prenom: str = "Sara", nationalite: str = "AFG", departement: str = "75",
                   menage: str | None = None, operateur: str = "ofii-dt-paris", **options: Any) -> dict[str, Any]:
    """`personne_enregistree` by OFII; `numero=None` registers someone without a numéro étranger."""
    data: dict[str, Any] = {"nom": nom, "prenom": prenom, "date_naissance": naissance, "sexe": sexe,
                            "nationalite": nationalite, "departement": departement}
    if numero is not None:
        data["numero_etranger"] = numero
    if menage is not None:
        data["menage"] = menage
    return etape("personne_enregistree", jour, operateur, data, **options)


def titre(numero: str, *, jour: str = "2024-01-05", motif: str = "FAMILIAL", sous_motif: str | None = None,
          premier: bool = True, type_titre: str | None = None, **options: Any) -> dict[str, Any]:
    """`titre_sejour_delivre` by the préfecture, valid from its day; a first permit is a VLS-TS."""
    return etape("titre_sejour_delivre", jour, "prefecture-75",
                 {"motif": motif, "sous_motif": sous_motif or SOUS_MOTIF_PAR_DEFAUT[motif],
                  "type_titre": type_titre or ("VLS_TS" if premier else "CARTE_SEJOUR_PLURIANNUELLE"),
                  "valid_from": jour, "premier_titre": premier}, qui(numero), **options)


def protection(numero: str, decision: str, *, jour: str | None = None, type_: str = "REFUGIE",
               **options: Any) -> dict[str, Any]:
    """`protection_accordee` by OFPRA on `decision`, recorded by OFII on `jour` (the decision's day by default)."""
    return etape("protection_accordee", jour or decision, "ofii-dt-paris",
                 {"type": type_, "decision_date": decision, "organe": "OFPRA"}, qui(numero), **options)


def positionnement(numero: str, *, jour: str = "2024-02-01", oral: str = "INFRA_A1", ecrit: str = "INFRA_A1",
                   nlns: bool = False, **options: Any) -> dict[str, Any]:
    return etape("positionnement_linguistique", jour, "ofii-dt-paris",
                 {"niveau_oral": oral, "niveau_ecrit": ecrit, "non_lecteur_non_scripteur": nlns}, qui(numero), **options)


def cir(numero: str, *, jour: str = "2024-02-01", step_id: str | None = None, **data: Any) -> dict[str, Any]:
    """`cir_signe` at the Paris DT; extra keywords go into `data` (e.g. `representant_legal`)."""
    return etape("cir_signe", jour, "ofii-dt-paris", {"dt_ofii": "Paris", **data}, qui(numero), step_id=step_id)


def prescription(numero: str, *, jour: str = "2024-02-01", type_: str = "CIR_OBLIGATOIRE", forfait: int = 100,
                 cible: str = "A1", **options: Any) -> dict[str, Any]:
    return etape("formation_linguistique_prescrite", jour, "ofii-dt-paris",
                 {"type": type_, "forfait_h": forfait, "niveau_cible": cible}, qui(numero), **options)


def heures(numero: str, realisees: float, *, jour: str = "2024-03-31", planifiees: float | None = None,
           debut: str = "2024-03-01", fin: str = "2024-03-30", **options: Any) -> dict[str, Any]:
    """`formation_linguistique_heures` by the language school; planned hours default to the hours done."""
    return etape("formation_linguistique_heures", jour, "langues-75",
                 {"periode_debut": debut, "periode_fin": fin,
                  "heures_planifiees": realisees if planifiees is None else planifiees,
                  "heures_realisees": realisees}, qui(numero), **options)


def evaluation(numero: str, *, jour: str, oral: str, ecrit: str, type_: str = "FINALE", **options: Any) -> dict[str, Any]:
    return etape("evaluation_linguistique", jour, "langues-75",
                 {"type": type_, "niveau_oral": oral, "niveau_ecrit": ecrit}, qui(numero), **options)


def fin_formation(numero: str, *, jour: str, motif: str = "FORFAIT_REALISE", **options: Any) -> dict[str, Any]:
    return etape("formation_linguistique_terminee", jour, "langues-75", {"motif": motif}, qui(numero), **options)


def entree(numero: str, *, jour: str, operateur: str = "france-travail-75", programme: str = "ACCOMPAGNEMENT_FT",
           **options: Any) -> dict[str, Any]:
    """`accompagnement_emploi_debute`: an employment-support episode opens at `operateur`."""
    return etape("accompagnement_emploi_debute", jour, operateur, {"programme": programme}, qui(numero), **options)


def sortie(numero: str, *, jour: str, categorie: str, operateur: str = "france-travail-75", **options: Any) -> dict[str, Any]:
    """`sortie_accompagnement`: the episode open at `operateur` ends in `categorie` (CONTRACT §4)."""
    return etape("sortie_accompagnement", jour, operateur, {"categorie": categorie}, qui(numero), **options)


def suivi(numero: str, sortie_id: str, *, jour: str, repondant: bool, categorie: str | None = None,
          operateur: str = "france-travail-75", **options: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"sortie_step_id": sortie_id, "repondant": repondant}
    if categorie is not None:
        data["categorie"] = categorie
    return etape("suivi_six_mois", jour, operateur, data, qui(numero), **options)


def logement(numero: str, *, jour: str, situation: str, operateur: str = "logement-75", **options: Any) -> dict[str, Any]:
    return etape("situation_logement", jour, operateur, {"situation": situation}, qui(numero), **options)


def correction(numero: str, cible: str, champs: dict[str, Any], *, jour: str, operateur: str = "france-travail-75",
               motif: str = "Erreur de saisie.", **options: Any) -> dict[str, Any]:
    return etape("evenement_corrige", jour, operateur, {"cible_step_id": cible, "champs": champs, "motif": motif},
                 qui(numero), **options)


def annulation(numero: str, cible: str, *, jour: str, operateur: str = "france-travail-75",
               motif: str = "Saisie à tort.", **options: Any) -> dict[str, Any]:
    return etape("evenement_annule", jour, operateur, {"cible_step_id": cible, "motif": motif}, qui(numero), **options)

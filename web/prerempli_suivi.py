"""Pre-filling of the CONTRACT §9 forms from what the pathway already knows (AGIR intake, refusal,
entry, strand closure; the SPE receiver's registration, first appointment, diagnostic, qualifications).

Each function completes the `Connu` of a form (defaults, choices, context lines) from the person's
steps grouped by type (`par_type`: current values, voids left out, in date order). Must not import `web.ui`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from parcours.dates import add_months
from parcours.regles import DELAI_ACCUEIL_AGIR_MOIS, DUREE_MAX_AGIR_MOIS
from parcours.vocabulaire import NiveauLangue, TypeEtape
from web.formulaires import Choix, libelle_valeur

ParType = dict[str, list[Any]]


def _derniere(par_type: ParType, type_: TypeEtape) -> Any | None:
    etapes = par_type.get(type_.value, [])
    return etapes[-1] if etapes else None


def _liee(par_type: ParType, type_: TypeEtape, step_id: str) -> list[Any]:
    return [e for e in par_type.get(type_.value, []) if step_id in e.liens.values()]


def _orientation_agir(connu: Any, par_type: ParType, operateur: str, jour: date) -> Any | None:
    orientation = _derniere(par_type, TypeEtape.ORIENTATION_AGIR)
    if orientation is None or orientation.donnees.get("vers") != operateur:
        connu.contexte.append("Aucune orientation AGIR adressée à votre structure dans ce parcours : l'étape sera refusée.")
        return None
    echeance = add_months(orientation.occurred_on, DELAI_ACCUEIL_AGIR_MOIS)
    retard = " (délai dépassé)" if jour > echeance else ""
    connu.contexte.append(f"Orientée vers votre structure le {orientation.occurred_on:%d/%m/%Y} par {orientation.operateur} : "
                          f"accueil à tenir au plus tard le {echeance:%d/%m/%Y}{retard}.")
    return orientation


def _agir_accueil(connu: Any, par_type: ParType, operateur: str, jour: date) -> None:
    _orientation_agir(connu, par_type, operateur, jour)
    if (logement := _derniere(par_type, TypeEtape.SITUATION_LOGEMENT)) is not None:
        connu.defauts["situation_logement"] = logement.donnees.get("situation")
    if (entretien := _derniere(par_type, TypeEtape.ENTRETIEN_FIN_CIR)) is not None:
        connu.defauts["situation_pro"] = entretien.donnees.get("situation_pro")


def _agir_refus(connu: Any, par_type: ParType, operateur: str, jour: date) -> None:
    _orientation_agir(connu, par_type, operateur, jour)


def _agir_entree(connu: Any, par_type: ParType, operateur: str, jour: date) -> None:
    accueil = _derniere(par_type, TypeEtape.AGIR_ACCUEIL)
    if accueil is not None and accueil.donnees.get("diagnostic"):
        connu.defauts["volets"] = list(accueil.donnees["diagnostic"])
        connu.contexte.append(f"Accueil du {accueil.occurred_on:%d/%m/%Y} : besoins repérés "
                              f"{libelle_valeur(accueil.donnees['diagnostic']).lower()}.")


def _agir_volet_cloture(connu: Any, par_type: ParType, operateur: str, jour: date) -> None:
    entree = _derniere(par_type, TypeEtape.AGIR_ENTREE)
    if entree is None or _liee(par_type, TypeEtape.AGIR_SORTIE, entree.step_id):
        connu.contexte.append("Aucun accompagnement AGIR en cours : la clôture sera refusée.")
        return
    clos = {c.donnees.get("volet") for c in _liee(par_type, TypeEtape.AGIR_VOLET_CLOTURE, entree.step_id)}
    ouverts = [v for v in entree.donnees.get("volets", []) if v not in clos]
    connu.choix["volet"] = [Choix(v, libelle_valeur(v)) for v in ouverts]
    if ouverts:
        connu.defauts["volet"] = ouverts[0]
    fin = add_months(entree.occurred_on, DUREE_MAX_AGIR_MOIS)
    connu.contexte.append(f"Entrée dans AGIR le {entree.occurred_on:%d/%m/%Y} (24 mois le {fin:%d/%m/%Y}) ; "
                          f"volets encore ouverts : {libelle_valeur(ouverts).lower() if ouverts else 'aucun'}.")


def _orientation_spe_acceptee(connu: Any, par_type: ParType, operateur: str) -> Any | None:
    acceptees = {a.donnees.get("orientation_step_id"): a for a in par_type.get(TypeEtape.ORIENTATION_ACCEPTEE.value, [])}
    for orientation in reversed(par_type.get(TypeEtape.ORIENTATION_SPE.value, [])):
        acceptation = acceptees.get(orientation.step_id)
        if orientation.donnees.get("vers") == operateur and acceptation is not None:
            connu.contexte.append(f"Orientation de {orientation.operateur} du {orientation.occurred_on:%d/%m/%Y}, "
                                  f"acceptée le {acceptation.occurred_on:%d/%m/%Y}.")
            return orientation
    connu.contexte.append("Aucune orientation acceptée par votre structure dans ce parcours : l'étape sera refusée.")
    return None


def _inscription_spe(connu: Any, par_type: ParType, operateur: str, jour: date) -> None:
    _orientation_spe_acceptee(connu, par_type, operateur)


def _premier_rendez_vous_spe(connu: Any, par_type: ParType, operateur: str, jour: date) -> None:
    orientation = _orientation_spe_acceptee(connu, par_type, operateur)
    connu.defauts.update(date_rdv=jour.isoformat(), honore="true")
    if orientation is not None:
        manques = [r for r in _liee(par_type, TypeEtape.PREMIER_RENDEZ_VOUS_SPE, orientation.step_id) if not r.donnees.get("honore")]
        if manques:
            connu.contexte.append(f"{len(manques)} rendez-vous non honoré(s) déjà enregistré(s).")


def _diagnostic_approfondi(connu: Any, par_type: ParType, operateur: str, jour: date) -> None:
    if any(o.donnees.get("vers") == operateur for o in par_type.get(TypeEtape.ORIENTATION_SPE.value, [])):
        _orientation_spe_acceptee(connu, par_type, operateur)
    else:
        _orientation_agir(connu, par_type, operateur, jour)
    precedent = _derniere(par_type, TypeEtape.DIAGNOSTIC_APPROFONDI)
    if precedent is not None:
        connu.defauts["freins"] = list(precedent.donnees.get("freins") or [])
        connu.contexte.append(f"Diagnostic précédent ({precedent.operateur}, {precedent.occurred_on:%d/%m/%Y}) : "
                              f"{libelle_valeur(precedent.donnees.get('freins') or ['aucun frein']).lower()}.")
        return
    positionnement = _derniere(par_type, TypeEtape.POSITIONNEMENT_LINGUISTIQUE)
    if positionnement is not None:
        plus_bas = min(NiveauLangue(positionnement.donnees["niveau_oral"]).rang, NiveauLangue(positionnement.donnees["niveau_ecrit"]).rang)
        if plus_bas < NiveauLangue.A2.rang:
            connu.defauts["freins"] = ["LANGUE"]
            connu.contexte.append("Positionnement linguistique sous A2 : le frein « Langue » est proposé.")


def _reconnaissance_qualifications(connu: Any, par_type: ParType, operateur: str, jour: date) -> None:
    precedente = _derniere(par_type, TypeEtape.RECONNAISSANCE_QUALIFICATIONS)
    if precedente is not None:
        connu.defauts["demarche"] = precedente.donnees.get("demarche")
        connu.contexte.append(f"Démarche en cours : {libelle_valeur(precedente.donnees.get('demarche'))}, "
                              f"{libelle_valeur(precedente.donnees.get('statut')).lower()} le {precedente.occurred_on:%d/%m/%Y}.")


PREREMPLISSAGES: dict[TypeEtape, Callable[[Any, ParType, str, date], None]] = {
    TypeEtape.AGIR_ACCUEIL: _agir_accueil,
    TypeEtape.AGIR_REFUS: _agir_refus,
    TypeEtape.AGIR_ENTREE: _agir_entree,
    TypeEtape.AGIR_VOLET_CLOTURE: _agir_volet_cloture,
    TypeEtape.INSCRIPTION_SPE: _inscription_spe,
    TypeEtape.PREMIER_RENDEZ_VOUS_SPE: _premier_rendez_vous_spe,
    TypeEtape.DIAGNOSTIC_APPROFONDI: _diagnostic_approfondi,
    TypeEtape.RECONNAISSANCE_QUALIFICATIONS: _reconnaissance_qualifications,
}
"""The §9 step types whose form is pre-filled here."""

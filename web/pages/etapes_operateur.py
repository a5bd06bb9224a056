"""What each kind of operator records and watches: its step types (grouped), its worklists, and the steps
a pathway expects next from it.

The domain decides what is allowed (`parcours.regles`); this module decides what a caseworker is
offered, so that France Travail is not offered a CIR signature and the OFII sees no follow-up list.
Every worklist names the kinds of operator that watch it. Must not import `web.pages.dossier` or `web.api.routes`.
"""

from __future__ import annotations

from typing import Any

from parcours.vocabulaire import TypeEtape, TypeOperateur
from projections.requetes import LISTES_DE_TRAVAIL

T = TypeEtape
K = TypeOperateur

GROUPES_D_ETAPES: list[tuple[str, list[TypeEtape]]] = [
    ("Séjour et protection", [T.TITRE_SEJOUR_DELIVRE, T.PROTECTION_ACCORDEE]),
    ("Contrat d'intégration républicaine", [T.CIR_SIGNE, T.FORMATION_CIVIQUE_JOURNEE, T.ENTRETIEN_FIN_CIR]),
    ("Langue", [T.POSITIONNEMENT_LINGUISTIQUE, T.FORMATION_LINGUISTIQUE_PRESCRITE, T.DISPENSE_FORMATION_LINGUISTIQUE,
                T.FORMATION_LINGUISTIQUE_HEURES, T.EVALUATION_LINGUISTIQUE, T.FORMATION_LINGUISTIQUE_TERMINEE]),
    ("Orientation", [T.ORIENTATION_SPE, T.DISPENSE_ORIENTATION_SPE, T.ORIENTATION_ACCEPTEE, T.ORIENTATION_REFUSEE, T.ORIENTATION_AGIR]),
    ("Emploi et formation", [T.ACCOMPAGNEMENT_EMPLOI_DEBUTE, T.CONTRAT_TRAVAIL_DEBUTE, T.ENTREE_FORMATION, T.SORTIE_ACCOMPAGNEMENT,
                             T.SUIVI_SIX_MOIS]),
    ("Service public de l'emploi", [T.INSCRIPTION_SPE, T.PREMIER_RENDEZ_VOUS_SPE, T.DIAGNOSTIC_APPROFONDI,
                                    T.RECONNAISSANCE_QUALIFICATIONS]),
    ("AGIR et logement", [T.AGIR_ACCUEIL, T.AGIR_REFUS, T.AGIR_ENTREE, T.AGIR_VOLET_CLOTURE, T.AGIR_SORTIE, T.SITUATION_LOGEMENT]),
    ("Notes", [T.NOTE]),
]
"""Every step type a caseworker records on a pathway, by theme (corrections and voids are on each step)."""

_EMPLOI = {T.ORIENTATION_ACCEPTEE, T.ORIENTATION_REFUSEE, T.ACCOMPAGNEMENT_EMPLOI_DEBUTE, T.CONTRAT_TRAVAIL_DEBUTE, T.ENTREE_FORMATION,
           T.SORTIE_ACCOMPAGNEMENT, T.SUIVI_SIX_MOIS, T.SITUATION_LOGEMENT, T.NOTE}
_RETOUR_SPE = {T.INSCRIPTION_SPE, T.PREMIER_RENDEZ_VOUS_SPE, T.DIAGNOSTIC_APPROFONDI, T.RECONNAISSANCE_QUALIFICATIONS}
"""What the employment service tells OFII of an accepted orientation (CONTRACT §9)."""
ETAPES_PAR_TYPE_OPERATEUR: dict[TypeOperateur, frozenset[TypeEtape]] = {
    K.OFII: frozenset({T.TITRE_SEJOUR_DELIVRE, T.PROTECTION_ACCORDEE, T.CIR_SIGNE, T.POSITIONNEMENT_LINGUISTIQUE,
                       T.FORMATION_CIVIQUE_JOURNEE, T.FORMATION_LINGUISTIQUE_PRESCRITE, T.DISPENSE_FORMATION_LINGUISTIQUE,
                       T.ENTRETIEN_FIN_CIR, T.ORIENTATION_SPE, T.DISPENSE_ORIENTATION_SPE, T.ORIENTATION_AGIR, T.SITUATION_LOGEMENT,
                       T.NOTE}),
    K.PREFECTURE: frozenset({T.TITRE_SEJOUR_DELIVRE, T.PROTECTION_ACCORDEE, T.ORIENTATION_AGIR, T.NOTE}),
    K.FRANCE_TRAVAIL: frozenset(_EMPLOI | _RETOUR_SPE),
    K.MISSION_LOCALE: frozenset(_EMPLOI | _RETOUR_SPE),
    K.CAP_EMPLOI: frozenset(_EMPLOI | _RETOUR_SPE),
    K.APEC: frozenset(_EMPLOI | _RETOUR_SPE),
    K.AGIR: frozenset(_EMPLOI | {T.AGIR_ACCUEIL, T.AGIR_REFUS, T.AGIR_ENTREE, T.AGIR_VOLET_CLOTURE, T.AGIR_SORTIE,
                                 T.DIAGNOSTIC_APPROFONDI, T.RECONNAISSANCE_QUALIFICATIONS}),
    K.ASSOCIATION: frozenset((_EMPLOI - {T.ORIENTATION_ACCEPTEE, T.ORIENTATION_REFUSEE})
                             | {T.PROTECTION_ACCORDEE, T.RECONNAISSANCE_QUALIFICATIONS}),
    K.LOGEMENT: frozenset({T.SITUATION_LOGEMENT, T.NOTE}),
    K.ORGANISME_FORMATION: frozenset({T.POSITIONNEMENT_LINGUISTIQUE, T.FORMATION_CIVIQUE_JOURNEE, T.FORMATION_LINGUISTIQUE_HEURES,
                                      T.EVALUATION_LINGUISTIQUE, T.FORMATION_LINGUISTIQUE_TERMINEE, T.ENTREE_FORMATION, T.NOTE}),
}
assert set(ETAPES_PAR_TYPE_OPERATEUR) == set(TypeOperateur), "every operator kind has its step types"

LISTES_PAR_TYPE_OPERATEUR: dict[str, frozenset[TypeOperateur]] = {
    "suivis_six_mois": frozenset({K.FRANCE_TRAVAIL, K.MISSION_LOCALE, K.CAP_EMPLOI, K.APEC, K.AGIR, K.ASSOCIATION}),
    "orientations_en_attente": frozenset({K.OFII, K.PREFECTURE, K.FRANCE_TRAVAIL, K.MISSION_LOCALE, K.CAP_EMPLOI, K.APEC, K.AGIR}),
    "accueils_agir_en_retard": frozenset({K.OFII, K.PREFECTURE, K.AGIR}),
    "accueils_agir_a_tenir": frozenset({K.AGIR}),
    "sorties_sans_contrat": frozenset({K.FRANCE_TRAVAIL, K.MISSION_LOCALE, K.CAP_EMPLOI, K.APEC, K.AGIR, K.ASSOCIATION}),
    "agir_24_mois": frozenset({K.AGIR}),
    "entretiens_fin_cir_en_retard": frozenset({K.OFII}),
    "titres_expirant": frozenset({K.OFII, K.PREFECTURE, K.AGIR, K.ASSOCIATION}),
}
"""Who watches each worklist."""
assert set(LISTES_PAR_TYPE_OPERATEUR) == set(LISTES_DE_TRAVAIL), "every worklist names who watches it"


def listes_du_type(type_operateur: TypeOperateur | None) -> list[str]:
    """The worklists an operator of this kind watches (an unregistered operator: all of them), only those computed."""
    return [nom for nom in LISTES_DE_TRAVAIL if type_operateur is None or type_operateur in LISTES_PAR_TYPE_OPERATEUR[nom]]


def etapes_attendues(synthese: dict[str, Any], operateur: str, type_operateur: TypeOperateur | None) -> list[TypeEtape]:
    """The steps this pathway expects next from this operator, most urgent first (from the person's summary)."""
    attendues: list[TypeEtape] = []
    statut, cir, langue = synthese["statut"], synthese["cir"], synthese["langue"]
    orientation, agir, emploi = synthese["orientation"], synthese["agir"], synthese["emploi"]
    recue = [o for o in (orientation, agir) if o and o.get("vers") == operateur and not o.get("decision")]
    if recue:
        attendues.append(T.ORIENTATION_ACCEPTEE)
    mien = [e for e in emploi["episodes_ouverts"] if e["operateur"] == operateur]
    if type_operateur is K.OFII:
        if not statut["titre"] and not statut["protection"]:
            attendues.append(T.TITRE_SEJOUR_DELIVRE)
        if not cir:
            attendues.append(T.CIR_SIGNE)
        else:
            if not langue["positionnement"]:
                attendues.append(T.POSITIONNEMENT_LINGUISTIQUE)
            elif not langue["formation"] and not langue["dispense"]:
                attendues += [T.FORMATION_LINGUISTIQUE_PRESCRITE, T.DISPENSE_FORMATION_LINGUISTIQUE]
            if len(cir["journees_civiques_presentes"]) < 4:
                attendues.append(T.FORMATION_CIVIQUE_JOURNEE)
            if not orientation and not synthese["dispense_orientation"]:
                attendues.append(T.ORIENTATION_SPE)
            if statut["protection"] and not agir:
                attendues.append(T.ORIENTATION_AGIR)
            if not cir["entretien_fin_cir"]:
                attendues.append(T.ENTRETIEN_FIN_CIR)
    elif type_operateur is K.AGIR:
        if agir and agir.get("vers") == operateur and not agir.get("entree") and not agir.get("refus") \
                and not (agir.get("decision") and agir["decision"]["type"] == T.ORIENTATION_REFUSEE.value):
            attendues += [T.AGIR_ACCUEIL, T.AGIR_ENTREE, T.AGIR_REFUS]
        elif agir and agir.get("vers") == operateur and agir["entree"] and not agir["sortie"]:
            attendues += [T.AGIR_VOLET_CLOTURE, T.AGIR_SORTIE]
        if mien:
            attendues += [T.CONTRAT_TRAVAIL_DEBUTE, T.ENTREE_FORMATION, T.SITUATION_LOGEMENT]
    elif type_operateur is K.ORGANISME_FORMATION:
        formation = langue["formation"]
        if formation and not formation["terminee"]:
            attendues += [T.FORMATION_LINGUISTIQUE_HEURES, T.EVALUATION_LINGUISTIQUE, T.FORMATION_LINGUISTIQUE_TERMINEE]
    elif type_operateur in (K.FRANCE_TRAVAIL, K.MISSION_LOCALE, K.CAP_EMPLOI, K.APEC, K.ASSOCIATION):
        accepte = orientation and orientation.get("vers") == operateur and orientation.get("decision") \
            and orientation["decision"]["type"] == T.ORIENTATION_ACCEPTEE.value
        if accepte and type_operateur is not K.ASSOCIATION:
            attendues += [T.INSCRIPTION_SPE, T.PREMIER_RENDEZ_VOUS_SPE, T.DIAGNOSTIC_APPROFONDI]
        if mien:
            attendues += [T.CONTRAT_TRAVAIL_DEBUTE, T.ENTREE_FORMATION, T.SORTIE_ACCOMPAGNEMENT]
        elif accepte or type_operateur is K.ASSOCIATION:
            sortie = emploi["derniere_sortie"]
            if sortie and sortie.get("operateur") == operateur:
                attendues.append(T.SUIVI_SIX_MOIS)
            attendues.append(T.ACCOMPAGNEMENT_EMPLOI_DEBUTE)
    offertes = ETAPES_PAR_TYPE_OPERATEUR.get(type_operateur, frozenset(TypeEtape)) if type_operateur else frozenset(TypeEtape)
    vues: list[TypeEtape] = []
    for etape in attendues:
        if etape in offertes and etape not in vues:
            vues.append(etape)
    return vues


def groupes_du_type(type_operateur: TypeOperateur | None, attendues: list[TypeEtape]) -> list[tuple[str, list[TypeEtape]]]:
    """The picker's groups: the expected steps first, then the operator's other step types by theme."""
    offertes = ETAPES_PAR_TYPE_OPERATEUR.get(type_operateur, frozenset(TypeEtape)) if type_operateur else frozenset(TypeEtape)
    groupes = [("Prochaines étapes attendues", list(attendues))] if attendues else []
    for libelle, types in GROUPES_D_ETAPES:
        reste = [ty for ty in types if ty in offertes and ty not in attendues]
        if reste:
            groupes.append((libelle, reste))
    return groupes

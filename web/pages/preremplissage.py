"""What a form already knows before anyone types: one pre-filling per step type, registered in `PREREMPLISSAGES`.

Like the rules' `REGLES`, each step type has its own function (`@preremplit(TypeEtape.X)`), and the
registry is checked complete: a step type a caseworker records without anything to pre-fill says so
with `aucun`. A function reads the pathway (`VueDuFormulaire`: the person, the steps the operator may see,
their summary) and fills `Connu`: choices, default values and lines of context. Nothing here writes.
`DATES_DE_L_ETAPE` names the date fields that take the step's date when left empty (a contract starts
the day the step says). Must not import `web.pages.dossier` or `web.api.routes`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from parcours.dates import add_months, contrat_durable, echeance_suivi, fenetre_suivi
from parcours.regles import DELAI_ACCUEIL_AGIR_MOIS, DUREE_MAX_AGIR_MOIS
from parcours.vocabulaire import (
    CONTRATS_A_DUREE_DETERMINEE,
    ETAPES_D_ACTION,
    ETAPES_DE_GESTION,
    ETAPES_PERSONNE_ET_ACTION,
    LIBELLES_TYPES_OPERATEUR,
    NiveauLangue,
    Programme,
    TypeContrat,
    TypeEtape,
    TypeOperateur,
)
from projections import tables as t
from projections.requetes import EtapeLue
from web.pages.formulaires import Choix, libelle_valeur

TYPES_ORIENTATION_SPE = ("MISSION_LOCALE", "FRANCE_TRAVAIL", "CAP_EMPLOI", "APEC")


@dataclass
class Connu:
    """What the pathway already tells about a form: choices, defaults, and a few lines of context."""

    personne: dict[str, Any] | None = None
    choix: dict[str, list[Choix]] = field(default_factory=dict)
    defauts: dict[str, Any] = field(default_factory=dict)
    contexte: list[str] = field(default_factory=list)


@dataclass
class VueDuFormulaire:
    """The pathway as the recording operator sees it, today."""

    connexion: sa.Connection
    operateur: str
    type_operateur: TypeOperateur | None
    jour: date
    personne: dict[str, Any] | None
    etapes: list[EtapeLue]
    synthese: dict[str, Any] | None
    age: int | None
    correction: bool
    nommer_etape: Callable[[str], str]
    nom_operateur: Callable[[str], str]

    @property
    def departement(self) -> str | None:
        return self.personne["departement"] if self.personne else None

    def du_type(self, type_etape: TypeEtape) -> list[EtapeLue]:
        return [e for e in self.etapes if e.type == type_etape.value]


Preremplissage = Callable[[VueDuFormulaire, Connu], None]
PREREMPLISSAGES: dict[TypeEtape, Preremplissage] = {}

DATES_DE_L_ETAPE: dict[TypeEtape, str] = {
    TypeEtape.CONTRAT_TRAVAIL_DEBUTE: "date_debut",
    TypeEtape.ENTREE_FORMATION: "date_debut",
    TypeEtape.TITRE_SEJOUR_DELIVRE: "valid_from",
}
"""A date field left empty takes the step's date: typed once, not twice."""


def preremplit(*types: TypeEtape) -> Callable[[Preremplissage], Preremplissage]:
    def enregistrer(fonction: Preremplissage) -> Preremplissage:
        for type_etape in types:
            PREREMPLISSAGES[type_etape] = fonction
        return fonction

    return enregistrer


def preremplir(type_etape: TypeEtape, contexte: VueDuFormulaire) -> Connu:
    connu = Connu(personne=contexte.personne)
    PREREMPLISSAGES[type_etape](contexte, connu)
    if contexte.correction:
        connu.contexte = []  # what would guide a new step misleads when correcting a recorded one
    return connu


def _operateurs(connexion: sa.Connection, types: tuple[str, ...]) -> list[Any]:
    return connexion.execute(
        sa.select(t.operateur.c.slug, t.operateur.c.nom, t.operateur.c.type, t.operateur.c.departement)
        .where(t.operateur.c.type.in_(types))
        .order_by(t.operateur.c.type, t.operateur.c.departement, t.operateur.c.slug)
    ).all()


def _choix_operateurs(operateurs: list[Any]) -> list[Choix]:
    return [Choix(o.slug, f"{o.nom} ({o.departement})", LIBELLES_TYPES_OPERATEUR.get(o.type, o.type)) for o in operateurs]


def programme_par_defaut(type_operateur: TypeOperateur | str | None, age: int | None) -> str:
    """The support programme a receiving operator usually opens: the CEJ for under-26s at a Mission
    locale or France Travail, France Travail's own accompaniment otherwise, AGIR's employment strand,
    a BOP 104 action for an association."""
    kind = TypeOperateur(type_operateur) if isinstance(type_operateur, str) else type_operateur
    jeune = age is not None and age < 26
    if kind is TypeOperateur.MISSION_LOCALE:
        return Programme.CEJ.value if jeune else Programme.PACEA.value
    if kind is TypeOperateur.FRANCE_TRAVAIL:
        return Programme.CEJ.value if jeune else Programme.ACCOMPAGNEMENT_FT.value
    if kind is TypeOperateur.CAP_EMPLOI:
        return Programme.ACCOMPAGNEMENT_FT.value
    if kind is TypeOperateur.AGIR:
        return Programme.AGIR_EMPLOI.value
    if kind is TypeOperateur.ASSOCIATION:
        return Programme.ACTION_BOP104.value
    return Programme.AUTRE.value


def categorie_suggeree(contrat: dict[str, Any] | None, formation: dict[str, Any] | None) -> str | None:
    """The exit category the last contract (or training) recorded in the episode says (CONTRACT §4)."""
    if contrat is not None:
        type_contrat = contrat.get("type_contrat")
        if type_contrat == TypeContrat.CDI.value:
            return "EMPLOI_CDI"
        if type_contrat == TypeContrat.FONCTION_PUBLIQUE_TITULAIRE.value:
            return "EMPLOI_FONCTION_PUBLIQUE"
        if type_contrat == TypeContrat.CREATION_ENTREPRISE.value:
            return "CREATION_ENTREPRISE"
        if type_contrat in {c.value for c in CONTRATS_A_DUREE_DETERMINEE} or type_contrat == TypeContrat.AUTRE.value:
            debut, fin = contrat.get("date_debut"), contrat.get("date_fin_prevue")
            durable = bool(debut) and contrat_durable(date.fromisoformat(str(debut)), date.fromisoformat(str(fin)) if fin else None)
            return "EMPLOI_DURABLE_6M_PLUS" if durable else "EMPLOI_MOINS_6M"
    if formation is not None:
        return {"QUALIFIANTE": "FORMATION_QUALIFIANTE", "CERTIFIANTE": "FORMATION_CERTIFIANTE", "DIPLOMANTE": "FORMATION_DIPLOMANTE",
                "PRE_QUALIFIANTE": "FORMATION_PRE_QUALIFIANTE", "FLE_A_VISEE_PRO": "FORMATION_LINGUISTIQUE"}.get(formation.get("type", ""))
    return None


# One pre-filling per step type ----------------------------------------------------------------------


@preremplit(TypeEtape.PERSONNE_ENREGISTREE, TypeEtape.POSITIONNEMENT_LINGUISTIQUE, TypeEtape.DISPENSE_FORMATION_LINGUISTIQUE,
            TypeEtape.DISPENSE_ORIENTATION_SPE, TypeEtape.SITUATION_LOGEMENT)
def aucun(contexte: VueDuFormulaire, connu: Connu) -> None:
    """Nothing the pathway knows would spare typing: the step records what is new."""


@preremplit(TypeEtape.ORIENTATION_SPE)
def _orientation_spe(contexte: VueDuFormulaire, connu: Connu) -> None:
    operateurs = _operateurs(contexte.connexion, TYPES_ORIENTATION_SPE)
    connu.choix["vers"] = _choix_operateurs(operateurs)
    jeune = contexte.age is not None and contexte.age < 26
    type_cible = "MISSION_LOCALE" if jeune else "FRANCE_TRAVAIL"
    refus = {d.donnees.get("orientation_step_id"): d for d in contexte.du_type(TypeEtape.ORIENTATION_REFUSEE)}
    refusees = [o for o in contexte.du_type(TypeEtape.ORIENTATION_SPE) if o.step_id in refus]
    exclus = {o.donnees.get("vers") for o in refusees}
    for o in refusees[-1:]:
        decision = refus[o.step_id]
        connu.contexte.append(f"Ré-orientation : {contexte.nom_operateur(o.donnees.get('vers'))} a refusé l'orientation du "
                              f"{o.occurred_on:%d/%m/%Y} le {decision.occurred_on:%d/%m/%Y}"
                              f"{' (' + decision.donnees['motif'] + ')' if decision.donnees.get('motif') else ''}.")
    cible = next((o.slug for o in operateurs if o.type == type_cible and o.departement == contexte.departement and o.slug not in exclus), "")
    connu.defauts.update(vers=cible, motif_choix="AGE_MOINS_26" if jeune else "DEFAUT")
    if contexte.age is not None:
        connu.contexte.append(f"{contexte.age} ans : par défaut, orientation vers {'la Mission locale (moins de 26 ans)' if jeune else 'France Travail'}"
                              f" du département {contexte.departement}. Un autre choix demande son motif.")


@preremplit(TypeEtape.ORIENTATION_AGIR)
def _orientation_agir(contexte: VueDuFormulaire, connu: Connu) -> None:
    operateurs = _operateurs(contexte.connexion, ("AGIR",))
    connu.choix["vers"] = _choix_operateurs(operateurs)
    connu.defauts["vers"] = next((o.slug for o in operateurs if o.departement == contexte.departement), "")


@preremplit(TypeEtape.ORIENTATION_ACCEPTEE, TypeEtape.ORIENTATION_REFUSEE)
def _decision(contexte: VueDuFormulaire, connu: Connu) -> None:
    decidees = {d.donnees.get("orientation_step_id") for ty in (TypeEtape.ORIENTATION_ACCEPTEE, TypeEtape.ORIENTATION_REFUSEE)
                for d in contexte.du_type(ty)}
    orientations = [o for ty in (TypeEtape.ORIENTATION_SPE, TypeEtape.ORIENTATION_AGIR) for o in contexte.du_type(ty)
                    if o.donnees.get("vers") == contexte.operateur and (contexte.correction or o.step_id not in decidees)]
    connu.choix["orientation_step_id"] = [Choix(o.step_id, f"{contexte.nommer_etape(o.step_id)}, par {contexte.nom_operateur(o.operateur)}")
                                          for o in orientations]
    if orientations:
        connu.defauts["orientation_step_id"] = orientations[-1].step_id
    elif not contexte.correction:
        connu.contexte.append("Aucune orientation adressée à votre structure n'attend de réponse dans ce parcours.")


@preremplit(TypeEtape.SUIVI_SIX_MOIS)
def _suivi(contexte: VueDuFormulaire, connu: Connu) -> None:
    suivies = {s.donnees.get("sortie_step_id") for s in contexte.du_type(TypeEtape.SUIVI_SIX_MOIS)}
    sorties = [s for s in contexte.du_type(TypeEtape.SORTIE_ACCOMPAGNEMENT)
               if s.operateur == contexte.operateur and (contexte.correction or s.step_id not in suivies)]
    connu.choix["sortie_step_id"] = [Choix(s.step_id, f"{contexte.nommer_etape(s.step_id)} ({libelle_valeur(s.donnees.get('categorie'))})")
                                     for s in sorties]
    if sorties:
        derniere = sorties[-1]
        connu.defauts["sortie_step_id"] = derniere.step_id
        debut, fin = fenetre_suivi(derniere.occurred_on)
        connu.contexte.append(f"Sortie du {derniere.occurred_on:%d/%m/%Y} : suivi dû le {echeance_suivi(derniere.occurred_on):%d/%m/%Y}, "
                              f"à renseigner entre le {debut:%d/%m/%Y} et le {fin:%d/%m/%Y}.")
    elif not contexte.correction:
        connu.contexte.append("Aucune sortie d'accompagnement de votre structure n'attend son suivi dans ce parcours.")


@preremplit(*ETAPES_DE_GESTION)
def _gestion(contexte: VueDuFormulaire, connu: Connu) -> None:
    connu.choix["cible_step_id"] = [Choix(e.step_id, f"{contexte.nommer_etape(e.step_id)} ({contexte.nom_operateur(e.operateur)})")
                                    for e in contexte.etapes if TypeEtape(e.type) not in ETAPES_DE_GESTION]


@preremplit(TypeEtape.TITRE_SEJOUR_DELIVRE)
def _titre(contexte: VueDuFormulaire, connu: Connu) -> None:
    if not contexte.du_type(TypeEtape.TITRE_SEJOUR_DELIVRE):
        connu.defauts["premier_titre"] = "true"
        connu.contexte.append("Aucun titre de séjour enregistré : ce titre est proposé comme premier titre (il ouvre la fenêtre de 5 ans).")
    protections = contexte.du_type(TypeEtape.PROTECTION_ACCORDEE)
    if protections:
        protection = protections[-1].donnees
        type_protection = protection.get("type")
        connu.defauts.update(motif="HUMANITAIRE", sous_motif=type_protection,
                             type_titre="CARTE_SEJOUR_PLURIANNUELLE" if type_protection == "PROTECTION_SUBSIDIAIRE" else "CARTE_RESIDENT")
        connu.contexte.append(f"{libelle_valeur(type_protection)} (décision du {libelle_valeur(protection.get('decision_date'))}) : "
                              "motif humanitaire, sous-motif et type de titre proposés d'après la protection.")
    connu.contexte.append("Valable à partir de : laissé vide, la date de l'étape.")


@preremplit(TypeEtape.PROTECTION_ACCORDEE)
def _protection(contexte: VueDuFormulaire, connu: Connu) -> None:
    connu.defauts["organe"] = "OFPRA"


@preremplit(TypeEtape.CIR_SIGNE)
def _cir(contexte: VueDuFormulaire, connu: Connu) -> None:
    precedent = contexte.connexion.execute(
        sa.select(t.etape.c.donnees).where(t.etape.c.type == TypeEtape.CIR_SIGNE.value, t.etape.c.operateur == contexte.operateur)
        .order_by(t.etape.c.position.desc()).limit(1)
    ).scalar()
    if precedent and precedent.get("dt_ofii"):
        connu.defauts["dt_ofii"] = precedent["dt_ofii"]
    if contexte.age is not None and contexte.age < 18:
        connu.contexte.append(f"{contexte.age} ans : le représentant légal doit être indiqué.")
    if contexte.age is not None and contexte.age < 16:
        connu.contexte.append(f"{contexte.age} ans : la signature sera refusée (16 ans au moins).")
    premiers = [e for e in contexte.du_type(TypeEtape.TITRE_SEJOUR_DELIVRE) if e.donnees.get("premier_titre")]
    if not contexte.correction and (not premiers or premiers[0].donnees.get("motif") == "ETUDIANT"):
        connu.contexte.append("Aucun premier titre de séjour (hors étudiant) n'est enregistré : la signature sera refusée. "
                              "Enregistrez d'abord le titre de séjour.")


@preremplit(TypeEtape.FORMATION_CIVIQUE_JOURNEE)
def _journee(contexte: VueDuFormulaire, connu: Connu) -> None:
    synthese = contexte.synthese
    faites = set(synthese["cir"]["journees_civiques_presentes"]) if synthese and synthese["cir"] else set()
    suivante = next((j for j in range(1, 5) if j not in faites), None)
    if suivante:
        connu.defauts.update(jour=str(suivante), present="true")


@preremplit(TypeEtape.FORMATION_LINGUISTIQUE_PRESCRITE)
def _prescription(contexte: VueDuFormulaire, connu: Connu) -> None:
    positionnement = contexte.synthese["langue"]["positionnement"] if contexte.synthese else None
    if positionnement:
        plus_bas = min(NiveauLangue(positionnement["niveau_oral"]).rang, NiveauLangue(positionnement["niveau_ecrit"]).rang)
        if plus_bas < NiveauLangue.A1.rang:
            connu.defauts.update(type="CIR_OBLIGATOIRE", niveau_cible="A1")


def _formation_en_cours(contexte: VueDuFormulaire, connu: Connu) -> dict[str, Any] | None:
    """The prescription the step continues, described in a line of context."""
    formation = contexte.synthese["langue"]["formation"] if contexte.synthese else None
    if not formation:
        connu.contexte.append("Aucune formation linguistique prescrite dans ce parcours.")
        return None
    etat = f"terminée ({libelle_valeur(formation['terminee']['motif'])})" if formation["terminee"] else "en cours"
    connu.contexte.append(f"Formation {libelle_valeur(formation['type']).lower()} prescrite le {formation['prescrite_le']:%d/%m/%Y}, "
                          f"forfait {formation['forfait_h']} h, niveau visé {formation['niveau_cible']} : "
                          f"{libelle_valeur(float(formation['heures_realisees']))} h réalisées, {etat}.")
    return formation


@preremplit(TypeEtape.FORMATION_LINGUISTIQUE_HEURES)
def _heures(contexte: VueDuFormulaire, connu: Connu) -> None:
    formation = _formation_en_cours(contexte, connu)
    if formation is None:
        return
    heures = [h for h in contexte.du_type(TypeEtape.FORMATION_LINGUISTIQUE_HEURES) if formation["step_id"] in h.liens.values()]
    debut = (date.fromisoformat(max(h.donnees["periode_fin"] for h in heures)) + timedelta(days=1)) if heures else formation["prescrite_le"]
    fin = min(add_months(debut.replace(day=1), 1) - timedelta(days=1), contexte.jour)
    if debut <= fin:
        connu.defauts.update(periode_debut=debut.isoformat(), periode_fin=fin.isoformat())


@preremplit(TypeEtape.EVALUATION_LINGUISTIQUE)
def _evaluation(contexte: VueDuFormulaire, connu: Connu) -> None:
    formation = _formation_en_cours(contexte, connu)
    if formation is not None and float(formation["heures_realisees"]) >= float(formation["forfait_h"]):
        connu.defauts["type"] = "FINALE"


@preremplit(TypeEtape.FORMATION_LINGUISTIQUE_TERMINEE)
def _fin_de_formation(contexte: VueDuFormulaire, connu: Connu) -> None:
    formation = _formation_en_cours(contexte, connu)
    if formation is not None and float(formation["heures_realisees"]) >= float(formation["forfait_h"]):
        connu.defauts["motif"] = "FORFAIT_REALISE"


@preremplit(TypeEtape.ENTRETIEN_FIN_CIR)
def _entretien(contexte: VueDuFormulaire, connu: Connu) -> None:
    emploi = contexte.synthese["emploi"] if contexte.synthese else None
    if emploi and emploi["dernier_contrat"]:
        connu.defauts["situation_pro"] = "EMPLOI"
    elif emploi and emploi["derniere_formation"]:
        connu.defauts["situation_pro"] = "FORMATION"
    elif emploi and emploi["episodes_ouverts"]:
        connu.defauts["situation_pro"] = "RECHERCHE_EMPLOI"


@preremplit(TypeEtape.ACCOMPAGNEMENT_EMPLOI_DEBUTE)
def _accompagnement(contexte: VueDuFormulaire, connu: Connu) -> None:
    programme = programme_par_defaut(contexte.type_operateur, contexte.age)
    connu.defauts["programme"] = programme
    connu.contexte.append(f"Programme proposé pour votre structure{f' et ses {contexte.age} ans' if contexte.age is not None else ''} : "
                          f"{libelle_valeur(programme)} (modifiable).")


@preremplit(TypeEtape.CONTRAT_TRAVAIL_DEBUTE, TypeEtape.ENTREE_FORMATION)
def _debut(contexte: VueDuFormulaire, connu: Connu) -> None:
    connu.contexte.append("Date de début : laissée vide, la date de l'étape.")


def _episode_ouvert(contexte: VueDuFormulaire) -> dict[str, Any] | None:
    ouverts = [e for e in (contexte.synthese["emploi"]["episodes_ouverts"] if contexte.synthese else []) if e["operateur"] == contexte.operateur]
    return ouverts[-1] if ouverts else None


@preremplit(TypeEtape.SORTIE_ACCOMPAGNEMENT)
def _sortie(contexte: VueDuFormulaire, connu: Connu) -> None:
    episode = _episode_ouvert(contexte)
    if episode is None:
        connu.contexte.append("Aucun accompagnement en cours dans votre structure : la sortie sera refusée.")
        return
    connu.contexte.append(f"Accompagnement en cours dans votre structure : {libelle_valeur(episode['programme'])} depuis le {episode['depuis']:%d/%m/%Y}.")
    pendant = [e for e in contexte.etapes if e.occurred_on >= episode["depuis"]
               and e.type in (TypeEtape.CONTRAT_TRAVAIL_DEBUTE.value, TypeEtape.ENTREE_FORMATION.value)]
    if pendant:
        dernier = pendant[-1]
        est_contrat = dernier.type == TypeEtape.CONTRAT_TRAVAIL_DEBUTE.value
        categorie = categorie_suggeree(dernier.donnees if est_contrat else None, None if est_contrat else dernier.donnees)
        if categorie:
            connu.defauts["categorie"] = categorie
            connu.contexte.append(f"Situation proposée d'après {'le contrat' if est_contrat else 'la formation'} du {dernier.occurred_on:%d/%m/%Y} : "
                                  f"{libelle_valeur(categorie)}.")


@preremplit(TypeEtape.AGIR_ENTREE)
def _agir_entree(contexte: VueDuFormulaire, connu: Connu) -> None:
    orientations = [o for o in contexte.du_type(TypeEtape.ORIENTATION_AGIR) if o.donnees.get("vers") == contexte.operateur]
    if orientations:
        connu.contexte.append(f"Orientation vers votre structure le {orientations[-1].occurred_on:%d/%m/%Y}.")
    accueil = _derniere(contexte, TypeEtape.AGIR_ACCUEIL)
    if accueil is not None and accueil.donnees.get("diagnostic"):
        connu.defauts["volets"] = list(accueil.donnees["diagnostic"])
        connu.contexte.append(f"Accueil du {accueil.occurred_on:%d/%m/%Y} : besoins repérés "
                              f"{libelle_valeur(accueil.donnees['diagnostic']).lower()}.")
    else:
        connu.defauts["volets"] = ["DROITS", "LOGEMENT", "EMPLOI_FORMATION"]


@preremplit(TypeEtape.AGIR_SORTIE)
def _agir_sortie(contexte: VueDuFormulaire, connu: Connu) -> None:
    synthese = contexte.synthese
    if synthese and synthese["agir"] and synthese["agir"]["entree"]:
        connu.contexte.append(f"Entrée dans AGIR le {synthese['agir']['entree']['le']:%d/%m/%Y}.")


@preremplit(TypeEtape.NOTE)
def _note(contexte: VueDuFormulaire, connu: Connu) -> None:
    connu.defauts["visibilite"] = "OPERATEUR"


# AGIR follow-up and the employment service's return to OFII (CONTRACT §9) --------------------------------------


def _derniere(contexte: VueDuFormulaire, type_etape: TypeEtape) -> EtapeLue | None:
    etapes = contexte.du_type(type_etape)
    return etapes[-1] if etapes else None


def _liees(contexte: VueDuFormulaire, type_etape: TypeEtape, step_id: str) -> list[EtapeLue]:
    return [e for e in contexte.du_type(type_etape) if step_id in e.liens.values()]


def _orientation_agir_recue(contexte: VueDuFormulaire, connu: Connu) -> EtapeLue | None:
    orientation = _derniere(contexte, TypeEtape.ORIENTATION_AGIR)
    if orientation is None or orientation.donnees.get("vers") != contexte.operateur:
        connu.contexte.append("Aucune orientation AGIR adressée à votre structure dans ce parcours : l'étape sera refusée.")
        return None
    echeance = add_months(orientation.occurred_on, DELAI_ACCUEIL_AGIR_MOIS)
    retard = " (délai dépassé)" if contexte.jour > echeance else ""
    connu.contexte.append(f"Orientée vers votre structure le {orientation.occurred_on:%d/%m/%Y} par "
                          f"{contexte.nom_operateur(orientation.operateur)} : accueil à tenir au plus tard le "
                          f"{echeance:%d/%m/%Y}{retard}.")
    return orientation


@preremplit(TypeEtape.AGIR_ACCUEIL)
def _agir_accueil(contexte: VueDuFormulaire, connu: Connu) -> None:
    _orientation_agir_recue(contexte, connu)
    if (logement := _derniere(contexte, TypeEtape.SITUATION_LOGEMENT)) is not None:
        connu.defauts["situation_logement"] = logement.donnees.get("situation")
    if (entretien := _derniere(contexte, TypeEtape.ENTRETIEN_FIN_CIR)) is not None:
        connu.defauts["situation_pro"] = entretien.donnees.get("situation_pro")


@preremplit(TypeEtape.AGIR_REFUS)
def _agir_refus(contexte: VueDuFormulaire, connu: Connu) -> None:
    _orientation_agir_recue(contexte, connu)


@preremplit(TypeEtape.AGIR_VOLET_CLOTURE)
def _agir_volet_cloture(contexte: VueDuFormulaire, connu: Connu) -> None:
    entree = _derniere(contexte, TypeEtape.AGIR_ENTREE)
    if entree is None or _liees(contexte, TypeEtape.AGIR_SORTIE, entree.step_id):
        connu.contexte.append("Aucun accompagnement AGIR en cours : la clôture sera refusée.")
        return
    clos = {c.donnees.get("volet") for c in _liees(contexte, TypeEtape.AGIR_VOLET_CLOTURE, entree.step_id)}
    ouverts = [v for v in entree.donnees.get("volets", []) if v not in clos]
    connu.choix["volet"] = [Choix(v, libelle_valeur(v)) for v in ouverts]
    if ouverts:
        connu.defauts["volet"] = ouverts[0]
    fin = add_months(entree.occurred_on, DUREE_MAX_AGIR_MOIS)
    connu.contexte.append(f"Entrée dans AGIR le {entree.occurred_on:%d/%m/%Y} (24 mois le {fin:%d/%m/%Y}) ; "
                          f"volets encore ouverts : {libelle_valeur(ouverts).lower() if ouverts else 'aucun'}.")


def _orientation_spe_acceptee(contexte: VueDuFormulaire, connu: Connu) -> EtapeLue | None:
    acceptees = {a.donnees.get("orientation_step_id"): a for a in contexte.du_type(TypeEtape.ORIENTATION_ACCEPTEE)}
    for orientation in reversed(contexte.du_type(TypeEtape.ORIENTATION_SPE)):
        acceptation = acceptees.get(orientation.step_id)
        if orientation.donnees.get("vers") == contexte.operateur and acceptation is not None:
            connu.contexte.append(f"Orientation de {contexte.nom_operateur(orientation.operateur)} du "
                                  f"{orientation.occurred_on:%d/%m/%Y}, acceptée le {acceptation.occurred_on:%d/%m/%Y}.")
            return orientation
    connu.contexte.append("Aucune orientation acceptée par votre structure dans ce parcours : l'étape sera refusée.")
    return None


@preremplit(TypeEtape.INSCRIPTION_SPE)
def _inscription_spe(contexte: VueDuFormulaire, connu: Connu) -> None:
    _orientation_spe_acceptee(contexte, connu)


@preremplit(TypeEtape.PREMIER_RENDEZ_VOUS_SPE)
def _premier_rendez_vous_spe(contexte: VueDuFormulaire, connu: Connu) -> None:
    orientation = _orientation_spe_acceptee(contexte, connu)
    connu.defauts.update(date_rdv=contexte.jour.isoformat(), honore="true")
    if orientation is not None:
        manques = [r for r in _liees(contexte, TypeEtape.PREMIER_RENDEZ_VOUS_SPE, orientation.step_id) if not r.donnees.get("honore")]
        if manques:
            connu.contexte.append(f"{len(manques)} rendez-vous non honoré(s) déjà enregistré(s).")


@preremplit(TypeEtape.DIAGNOSTIC_APPROFONDI)
def _diagnostic_approfondi(contexte: VueDuFormulaire, connu: Connu) -> None:
    if any(o.donnees.get("vers") == contexte.operateur for o in contexte.du_type(TypeEtape.ORIENTATION_SPE)):
        _orientation_spe_acceptee(contexte, connu)
    else:
        _orientation_agir_recue(contexte, connu)
    precedent = _derniere(contexte, TypeEtape.DIAGNOSTIC_APPROFONDI)
    if precedent is not None:
        connu.defauts["freins"] = list(precedent.donnees.get("freins") or [])
        connu.contexte.append(f"Diagnostic précédent ({contexte.nom_operateur(precedent.operateur)}, {precedent.occurred_on:%d/%m/%Y}) : "
                              f"{libelle_valeur(precedent.donnees.get('freins') or ['aucun frein']).lower()}.")
        return
    positionnement = _derniere(contexte, TypeEtape.POSITIONNEMENT_LINGUISTIQUE)
    if positionnement is not None:
        plus_bas = min(NiveauLangue(positionnement.donnees["niveau_oral"]).rang, NiveauLangue(positionnement.donnees["niveau_ecrit"]).rang)
        if plus_bas < NiveauLangue.A2.rang:
            connu.defauts["freins"] = ["LANGUE"]
            connu.contexte.append("Positionnement linguistique sous A2 : le frein « Langue » est proposé.")


@preremplit(TypeEtape.RECONNAISSANCE_QUALIFICATIONS)
def _reconnaissance_qualifications(contexte: VueDuFormulaire, connu: Connu) -> None:
    precedente = _derniere(contexte, TypeEtape.RECONNAISSANCE_QUALIFICATIONS)
    if precedente is not None:
        connu.defauts["demarche"] = precedente.donnees.get("demarche")
        connu.contexte.append(f"Démarche en cours : {libelle_valeur(precedente.donnees.get('demarche'))}, "
                              f"{libelle_valeur(precedente.donnees.get('statut')).lower()} le {precedente.occurred_on:%d/%m/%Y}.")


# Funded actions' steps are recorded from the action's pages (`web.pages.actions`), which pre-fill them there.
preremplit(*ETAPES_D_ACTION, *ETAPES_PERSONNE_ET_ACTION)(aucun)


assert set(PREREMPLISSAGES) == set(TypeEtape), f"pre-filling missing for {set(TypeEtape) - set(PREREMPLISSAGES)}"

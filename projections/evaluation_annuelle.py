"""The ministry's annual evaluation table of funded actions (CONTRACT §8), section by section, as in the annex.

The annex "Critères d'évaluation des actions de la politique d'intégration des étrangers éligibles"
of the instruction NOR INTV2202529J is filled per action funded by the programme 104, every year: the
public (1.1), the integration actors trained (1.2), cost and subsidy (2), then one section per
thematic (3.1 to 3.9). Every figure is computed once, in `projections.actions`; this module lays them
out under the annex's labels with « Objectif » and « Réalisé » columns, prints « sans objet » for the
thematics no action of the set carries, and writes the metadata sheet. The set is one action, the
actions a carrier carries (`operateur`), those of a département, or all of them (national): distinct
persons and households are counted once. Must not import flask or `web`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from parcours.dates import SEUIL_EMPLOI_DURABLE, emploi_durable_strict
from parcours.vocabulaire import LIBELLES_THEMATIQUES, Thematique
from projections import tables as t
from projections.actions import Chiffres, Perimetre, chiffres
from projections.indicateurs import Cliche, Demande, DemandeInvalideError, LectureDuCliche, fin_de_journee, position_suivie
from projections.tableurs import Feuille, feuille_de_metadonnees

SOURCE = ("Instruction du ministre de l'intérieur sur les priorités 2022 de la politique d'intégration "
          "(NOR INTV2202529J), annexe « Critères "
          "d'évaluation des actions de la politique d'intégration des étrangers éligibles, dont les bénéficiaires "
          "de la protection internationale »")
ENTETES = ["Rubrique", "Indicateur", "Objectif", "Réalisé", "Précision"]
SANS_OBJET = "sans objet"
COCHE, NON_COCHE = "☒", "☐"

R11 = "1.1 Pour les actions à destination des éligibles"
R12 = "1.2 Pour les actions à destination des acteurs de l'intégration"
R2 = "2. Indicateurs financiers (obligatoires pour toutes les actions)"
R31 = "3.1. Apprentissage du français (y compris à visée professionnelle)"
R32 = "3.2. Accompagnement vers l'emploi"
R33 = "3.3. Appropriation des principes de la République et des usages de la société française"
R34 = "3.4. Accès au logement"
R35 = "3.5. Accès à la santé"
R36 = "3.6. Lutte contre la fracture numérique et l'illectronisme"
R37 = "3.7. Actions de mentorat / parrainage"
R38 = "3.8. Accès au sport et à la culture"
R39 = "3.9. Accompagnement global"

HEURES_DISPENSEES = "Nombre d'heures de formation dispensées"
PRECISION_HEURES = ("heures comptées indépendamment du nombre de participants (exemple : 6 heures de formation "
                    "pour 12 participants = 6)")
THEMES_VALEURS = [
    ("LAICITE", "laïcité"),
    ("EGALITE_FEMMES_HOMMES", "égalité femmes-hommes"),
    ("CITOYENNETE", "citoyenneté"),
    ("PARENTALITE", "parentalité"),
    ("LIENS_SOCIETE_ACCUEIL", "liens avec la société d'accueil (parrainage, mentorat…)"),
    ("AUTRES", "autres (préciser)"),
]
SECTION_DE = {
    R12: Thematique.FORMATION_ACTEURS, R31: Thematique.FRANCAIS, R32: Thematique.EMPLOI,
    R33: Thematique.VALEURS_REPUBLIQUE, R34: Thematique.LOGEMENT, R35: Thematique.SANTE, R36: Thematique.NUMERIQUE,
    R37: Thematique.MENTORAT, R38: Thematique.SPORT_CULTURE, R39: Thematique.ACCOMPAGNEMENT_GLOBAL,
}
"""The thematic each optional section belongs to; 1.1 and 2 are « obligatoires pour toutes les actions »."""


class ActionInconnueError(DemandeInvalideError):
    """The action, operator or département named is unknown; the message is French."""


@dataclass(frozen=True)
class Action:
    """Whose evaluation: one action, the actions of an operator, those of a département, or all (national)."""

    operateur: str | None = None
    departement: str | None = None
    action: str | None = None

    def __post_init__(self) -> None:
        if sum(bool(x) for x in (self.operateur, self.departement, self.action)) > 1:
            raise DemandeInvalideError("choisir une action, un opérateur ou un département (ou le national), pas plusieurs.")

    @property
    def libelle(self) -> str:
        return Perimetre(self.action, self.operateur, self.departement).libelle

    @property
    def portee(self) -> str:
        """A short name for files: the action, the operator, `departement-75` or `national`."""
        return self.action or self.operateur or (f"departement-{self.departement}" if self.departement else "national")


@dataclass(frozen=True)
class LigneEvaluation:
    rubrique: str
    libelle: str
    objectif: Any
    realise: Any
    precision: str | None = None

    def cellules(self) -> list[Any]:
        return [self.rubrique, self.libelle, self.objectif, self.realise, self.precision]


@dataclass(frozen=True)
class Evaluation:
    annee: int
    action: Action
    chiffres: Chiffres
    lignes: list[LigneEvaluation]
    position: int
    vu_au: date | None


def seuil_emploi_durable() -> str:
    """The threshold of « emploi durable » this table used (CONTRACT §10), as every report states it."""
    return SEUIL_EMPLOI_DURABLE[emploi_durable_strict()]


def verifier_action(engine: sa.Engine, action: Action) -> None:
    """Refuse an operator or a département no registered operator has (an unknown action is refused by the figures)."""
    with engine.connect() as connexion:
        if action.operateur is not None:
            connu = connexion.execute(sa.select(t.operateur.c.slug).where(t.operateur.c.slug == action.operateur)).first()
            if connu is None:
                raise ActionInconnueError(f"opérateur inconnu « {action.operateur} » (voir `parcours operators add`).")
        if action.departement is not None:
            connu = connexion.execute(
                sa.select(t.operateur.c.slug).where(t.operateur.c.departement == action.departement).limit(1)
            ).first()
            if connu is None:
                raise ActionInconnueError(f"aucun opérateur n'est enregistré dans le département « {action.departement} ».")


def evaluer(engine: sa.Engine, annee: int, action: Action = Action(), vu_au: date | None = None,
            position: int | None = None) -> Evaluation:
    """The annex rows for the calendar year `annee`, as recorded at `position` / by the end of `vu_au`."""
    if not 1900 <= annee <= 9999:
        raise DemandeInvalideError(f"année invalide : {annee}.")
    verifier_action(engine, action)
    demande = Demande(date(annee, 1, 1), date(annee, 12, 31), vu_au=vu_au, position=position)
    perimetre = Perimetre(action.action, action.operateur, action.departement, annee=None if action.action else annee)
    with engine.connect() as connexion:
        suivie = position_suivie(connexion)
        if position is not None and position > suivie:
            raise DemandeInvalideError(f"--position {position} dépasse ce que les modèles de lecture ont appliqué ({suivie}).")
        instant = fin_de_journee(vu_au) if vu_au else None
        derniere = sa.select(sa.func.max(t.etape.c.position)).where(t.etape.c.position <= (position if position is not None else suivie))
        if instant is not None:
            derniere = derniere.where(t.etape.c.enregistre_le <= instant)
        vue = connexion.execute(derniere).scalar() or 0
        ctx = LectureDuCliche(connexion, demande, Cliche(vue, instant))
        try:
            resultat = chiffres(ctx, perimetre, avec_emploi=True)
        except DemandeInvalideError as erreur:
            raise ActionInconnueError(str(erreur)) from None
    return Evaluation(annee, action, resultat, lignes_de(resultat), vue, vu_au)


def lignes_de(c: Chiffres) -> list[LigneEvaluation]:
    """The annex, section by section: a thematic no action of the set carries is printed « sans objet »."""
    v, p = c.valeurs, c.public
    portees = c.thematiques
    lignes: list[LigneEvaluation] = []

    def section(rubrique: str, rangees: list[tuple[str, Any, Any, str | None]]) -> None:
        thematique = SECTION_DE.get(rubrique)
        if thematique is not None and thematique.value not in portees:
            lignes.extend(LigneEvaluation(rubrique, libelle, None, SANS_OBJET) for libelle, _, _, _ in rangees)
            return
        lignes.extend(LigneEvaluation(rubrique, libelle, objectif, realise, precision)
                      for libelle, objectif, realise, precision in rangees)

    section(R11, [
        # The annex asks a target value for the total only, « et non pour toutes les sous-catégories ».
        ("Nombre total d'étrangers éligibles bénéficiaires de l'action", v["objectif_beneficiaires"], p["total"],
         "personnes distinctes inscrites au plus tard le 31 décembre et non sorties avant le 1er janvier"),
        ("dont hommes", None, p["hommes"], None),
        ("dont femmes", None, p["femmes"], None),
        ("dont moins de 25 ans", None, p["moins_de_25_ans"], "âge au 1er janvier ou à l'inscription si elle est postérieure"),
        ("dont BPI", None, p["bpi"], None),
        ("dont BPI hommes", None, p["bpi_hommes"], None),
        ("dont BPI femmes", None, p["bpi_femmes"], None),
        ("dont BPI moins de 25 ans", None, p["bpi_moins_de_25_ans"], None),
    ])
    section(R12, [
        ("Nombre d'acteurs de l'intégration bénéficiaires d'une action de formation", v["objectif_acteurs"],
         v["acteurs_formes"], "nouveaux acteurs formés lors des séances destinées aux acteurs"),
        ("Nombre d'heures de formation dispensées aux acteurs de l'intégration", None, v["heures_acteurs"], PRECISION_HEURES),
        ("Outils créés et/ou mis à disposition des professionnels", None, " ; ".join(c.outils_acteurs) or None,
         "description des outils"),
    ])
    section(R2, [
        ("Coût total de l'action", None, v["cout_total"], "euros, dernier budget déclaré"),
        ("Dont montant de la subvention sur les crédits du programme 104", None, v["subvention_p104"], "euros"),
    ])
    section(R31, [
        (HEURES_DISPENSEES, None, v["heures_francais"], PRECISION_HEURES),
        ("Nombre de participants assidus", None, v["assidus_francais"],
         "taux de présence aux séances égal ou supérieur à 80 % des heures prévues dans leur parcours individuel de formation"),
        ("Nombre de participants ayant progressé d'au moins un niveau du Cadre européen commun de référence pour les "
         "langues (CECRL) entre le début et la fin de la formation", None, v["progression_francais"],
         "bénéficiaires sortis dans l'année, niveaux de début et de fin renseignés (le plus faible de l'oral et de l'écrit)"),
    ])
    section(R32, _lignes_emploi(c.emploi))
    themes = [(libelle, None, COCHE if code in c.themes_valeurs else NON_COCHE,
               " ; ".join(c.themes_autres) or None if code == "AUTRES" else None) for code, libelle in THEMES_VALEURS]
    section(R33, [
        (HEURES_DISPENSEES, None, v["heures_valeurs"], PRECISION_HEURES),
        ("Outils et méthodes utilisés pour l'appropriation des principes de la République et les usages de la société "
         "française", None, " ; ".join(c.outils_beneficiaires) or None, "description des outils et des méthodes"),
        *[("Thématique(s) de l'action menée (plusieurs réponses possibles) : " + libelle, objectif, realise, precision)
          for libelle, objectif, realise, precision in themes],
    ])
    section(R34, [("Nombre de ménages d'étrangers éligibles ayant pu accéder à un logement pérenne", None,
                   v["menages_logement_perenne"], "ménages distincts ; situation précédente non pérenne")])
    section(R35, [("Nombre de consultations médicales pour des étrangers éligibles", None, v["consultations"], None)])
    section(R36, [
        ("Nombre d'outils (tablette, etc.) mis à disposition individuellement des étrangers éligibles", None,
         v["outils_pretes"], None),
        ("Nombre d'heures de formation consacrée à la réduction de l'illectronisme", None, v["heures_numerique"], PRECISION_HEURES),
    ])
    section(R37, [("Nombre de binômes constitués", None, v["binomes"], None)])
    section(R38, [
        ("Nombre d'événements sportifs auxquels les bénéficiaires ont participé", None, v["evenements_sportifs"], None),
        ("Nombre d'événements culturels auxquels les bénéficiaires ont participé", None, v["evenements_culturels"], None),
    ])
    autres = sorted(LIBELLES_THEMATIQUES[Thematique(th)] for th in portees
                    if th not in (Thematique.ACCOMPAGNEMENT_GLOBAL.value,))
    section(R39, [("Cette thématique ne comprend pas d'indicateurs spécifiques, mais reprend les indicateurs correspondant "
                   "aux différents axes d'intervention du projet d'accompagnement global", None,
                   "voir les sections : " + ", ".join(autres) if autres else "aucune autre thématique portée", None)])
    return lignes


def _lignes_emploi(emploi: dict[str, Any] | None) -> list[tuple[str, Any, Any, str | None]]:
    e = emploi or {"duree_moyenne_mois": None, "sorties_positives": 0, "dont_formation": 0, "dont_emploi_durable": 0,
                   "suivi_6_mois": {"cohorte": 0, "renseignes": 0, "positifs": 0}}
    suivi = e["suivi_6_mois"]
    if suivi["cohorte"] and not suivi["renseignes"]:
        six_mois: Any = "suivi non réalisé"
        precision = f"{suivi['cohorte']} sorties dont le suivi à 6 mois tombe dans l'année, aucune renseignée"
    else:
        six_mois = suivi["positifs"]
        precision = (f"{suivi['renseignes']} répondants sur {suivi['cohorte']} sorties dues dans l'année"
                     if suivi["cohorte"] else "aucune sortie dont le suivi à 6 mois tombe dans l'année")
    return [
        ("Durée moyenne du parcours d'accompagnement vers l'emploi (exprimée en mois entre l'inscription du "
         "bénéficiaire dans le parcours et sa sortie)", None, e["duree_moyenne_mois"],
         "accompagnements ACTION_BOP104 rattachés à l'action, hors sorties neutres"),
        ("Nombre de bénéficiaires en sortie positive à l'issue du parcours d'accompagnement vers l'emploi", None,
         e["sorties_positives"], None),
        ("Dont nombre de bénéficiaires en formation professionnelle", None, e["dont_formation"], None),
        ("Dont nombre de bénéficiaires en emploi durable à l'issue du parcours", None, e["dont_emploi_durable"],
         f"emploi durable : {seuil_emploi_durable()}"),
        ("Dont nombre de bénéficiaires en sortie positive 6 mois après leur sortie de parcours", None, six_mois, precision),
    ]


def feuilles(evaluation: Evaluation, produit_le: datetime | None = None) -> list[Feuille]:
    """The table, then its metadata (what was counted, as of which log position), ready for `tableurs.ecrire`."""
    tableau = Feuille(f"Évaluation {evaluation.annee}", ENTETES, [ligne.cellules() for ligne in evaluation.lignes])
    actions = evaluation.chiffres.actions
    champs: list[tuple[str, Any]] = [
        ("Objet", "Tableau annuel d'évaluation des actions financées sur le programme 104 (annexe complète : 1.1 à 3.9)"),
        ("Source des libellés", SOURCE),
        ("Périmètre", evaluation.action.libelle),
        ("Actions", ", ".join(sorted(actions)) or "aucune action déclarée pour cette année"),
        ("Thématiques portées", ", ".join(sorted(evaluation.chiffres.thematiques)) or "aucune"),
        ("Année", evaluation.annee),
        ("Période", f"du {evaluation.annee}-01-01 au {evaluation.annee}-12-31"),
        ("Position du journal", evaluation.position),
        ("Vu au", evaluation.vu_au or "tout ce qui était enregistré"),
        ("Seuil de l'emploi durable", seuil_emploi_durable()),
        ("Consolidation", "plusieurs actions : les nombres s'additionnent, les personnes et les ménages distincts "
                          "ne comptent qu'une fois"),
        ("Définitions", "CONTRACT §8 (parcours evaluation-annuelle) ; « sans objet » : thématique qu'aucune action "
                        "du périmètre ne porte"),
    ]
    return [tableau, feuille_de_metadonnees(champs, produit_le)]

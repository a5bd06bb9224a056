"""The ministry's annual evaluation table of an action, filled from the §5 indicators.

The annex "Critères d'évaluation des actions de la politique d'intégration des étrangers éligibles"
of the instruction NOR INTV2202529J asks every action funded by the programme 104 for the rows below
(1.1 public cible, 3.1 language, 3.2 employment, 3.4 housing), under its own labels. Every figure is
read from `projections.indicateurs.calculer` for the calendar year: an indicator is defined once, in
`indicateurs.py`, and only copied here. The action is one operator (`operateur`: its steps), the people
of one département (`departement`, as `parcours indicators --departement`: every operator of the
territory, each person counted once) or the whole country. Must not import flask or `web`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from projections import tables as t
from projections.indicateurs import Demande, DemandeInvalideError, calculer
from projections.tableau_de_bord import objectifs_en_vigueur
from projections.tableurs import Feuille, feuille_de_metadonnees

SOURCE = ("Instruction du ministre de l'intérieur sur les priorités 2022 de la politique d'intégration "
          "(NOR INTV2202529J), annexe « Critères "
          "d'évaluation des actions de la politique d'intégration des étrangers éligibles, dont les bénéficiaires "
          "de la protection internationale »")
ENTETES = ["Rubrique", "Indicateur", "Objectif (valeur-cible)", "Réalisé", "Numérateur", "Dénominateur", "Taux", "Précision"]


@dataclass(frozen=True)
class LigneAnnexe:
    """One row of the annex: its section, its label, what it reads in the §5 document."""

    rubrique: str
    libelle: str
    realise: Callable[[dict[str, Any]], Any]
    numerateur: Callable[[dict[str, Any]], Any] | None = None
    denominateur: Callable[[dict[str, Any]], Any] | None = None
    taux: Callable[[dict[str, Any]], Any] | None = None
    precision: Callable[[dict[str, Any]], str | None] | None = None
    objectif: str | None = None
    """The §5 indicator whose objective (`projections.tableau_de_bord`) is this row's target value, if the annex asks one."""


def _non_neutres(document: dict[str, Any]) -> int:
    e = document["accompagnement_emploi"]
    return e["sorties"] - e["sorties_neutres"]


def _precision_non_bpi(document: dict[str, Any]) -> str | None:
    part = document["public_cible"]["part_non_bpi"]
    return None if part is None else f"part des non-BPI : {part * 100:.1f} % (au moins 30 % attendus)".replace(".", ",")


def _precision_suivi(document: dict[str, Any]) -> str:
    suivi = document["accompagnement_emploi"]["suivi_6_mois"]
    if suivi["cohorte"] == 0:
        return "aucune sortie dont le suivi à 6 mois tombe dans l'année"
    if suivi["renseignes"] == 0:
        return "suivi à 6 mois non réalisé : aucune personne de la cohorte n'a été jointe"
    return (f"{suivi['renseignes']} répondants sur {suivi['cohorte']} sorties dues dans l'année ; "
            "les non-répondants comptent comme non positifs")


def _public(cle: str) -> Callable[[dict[str, Any]], Any]:
    return lambda d: d["public_cible"][cle]


def _langue(cle: str) -> Callable[[dict[str, Any]], Any]:
    return lambda d: d["langue"][cle]


def _emploi(cle: str) -> Callable[[dict[str, Any]], Any]:
    return lambda d: d["accompagnement_emploi"][cle]


R11 = "1.1 Pour les actions à destination des éligibles"
R31 = "3.1. Apprentissage du français (y compris à visée professionnelle)"
R32 = "3.2. Accompagnement vers l'emploi"
R34 = "3.4. Accès au logement"

LIGNES: list[LigneAnnexe] = [
    # The annex asks a target value for this row only, "et non pour toutes les sous-catégories".
    LigneAnnexe(R11, "Nombre total d'étrangers éligibles bénéficiaires de l'action", _public("total"),
                precision=_precision_non_bpi, objectif="public_cible.total"),
    LigneAnnexe(R11, "dont hommes", _public("hommes")),
    LigneAnnexe(R11, "dont femmes", _public("femmes")),
    LigneAnnexe(R11, "dont moins de 25 ans", _public("moins_de_25_ans")),
    LigneAnnexe(R11, "dont BPI", _public("bpi")),
    LigneAnnexe(R11, "dont BPI hommes", _public("bpi_hommes")),
    LigneAnnexe(R11, "dont BPI femmes", _public("bpi_femmes")),
    LigneAnnexe(R11, "dont BPI moins de 25 ans", _public("bpi_moins_de_25_ans")),
    # CONTRACT §10: learner-hours are not the annex's hours delivered (those come from the sessions, §8).
    LigneAnnexe(R31, "Heures réalisées par les participants (somme par participant)", _langue("heures_realisees"),
                precision=lambda d: "heures-stagiaires des formations terminées dans l'année : une heure de cours "
                                    "suivie par 12 personnes compte 12"),
    LigneAnnexe(R31, "Nombre de participants assidus", _langue("assidus"), _langue("assidus"), _langue("formations_terminees"),
                precision=lambda d: "heures réalisées égales ou supérieures à 80 % des heures prévues dans le parcours "
                                    "individuel de formation (le forfait prescrit), ou niveau visé atteint par anticipation ; "
                                    "dénominateur : formations terminées dans l'année"),
    LigneAnnexe(R31, "Nombre de participants ayant progressé d'au moins un niveau du Cadre européen commun de "
                     "référence pour les langues (CECRL) entre le début et la fin de la formation",
                _langue("progression_un_niveau"), _langue("progression_un_niveau"), _langue("evalues"),
                precision=lambda d: "dénominateur : participants évalués (hors niveau B1 ou plus au positionnement)"),
    LigneAnnexe(R32, "Durée moyenne du parcours d'accompagnement vers l'emploi (exprimée en mois entre "
                     "l'inscription du bénéficiaire dans le parcours et sa sortie)",
                _emploi("duree_moyenne_mois"), denominateur=_non_neutres,
                precision=lambda d: "moyenne sur les sorties de l'année, hors sorties neutres (déménagement, décès, transfert)"),
    LigneAnnexe(R32, "Nombre de bénéficiaires en sortie positive à l'issue du parcours d'accompagnement vers l'emploi",
                _emploi("sorties_positives"), _emploi("sorties_positives"), _non_neutres, _emploi("taux_sortie_positive"),
                precision=lambda d: "dénominateur : sorties de l'année hors sorties neutres"),
    LigneAnnexe(R32, "Dont nombre de bénéficiaires en formation professionnelle", _emploi("dont_formation")),
    LigneAnnexe(R32, "Dont nombre de bénéficiaires en emploi durable à l'issue du parcours", _emploi("dont_emploi_durable"),
                precision=lambda d: f"CDI, fonction publique, création d'entreprise, contrat à durée déterminée de "
                                    f"{d['seuil_emploi_durable']}"),
    LigneAnnexe(R32, "Dont nombre de bénéficiaires en sortie positive 6 mois après leur sortie de parcours",
                lambda d: d["accompagnement_emploi"]["suivi_6_mois"]["positifs"],
                lambda d: d["accompagnement_emploi"]["suivi_6_mois"]["positifs"],
                lambda d: d["accompagnement_emploi"]["suivi_6_mois"]["cohorte"],
                lambda d: d["accompagnement_emploi"]["suivi_6_mois"]["taux_positif"],
                _precision_suivi),
    LigneAnnexe(R34, "Nombre de ménages d'étrangers éligibles ayant pu accéder à un logement pérenne",
                lambda d: d["logement"]["menages_logement_perenne"]),
]


class ActionInconnueError(DemandeInvalideError):
    """The action names an operator or a département the system does not know; the message is French."""


@dataclass(frozen=True)
class Action:
    """Whose evaluation: one operator, the people of one département, or everyone (both None)."""

    operateur: str | None = None
    departement: str | None = None

    def __post_init__(self) -> None:
        if self.operateur and self.departement:
            raise DemandeInvalideError("choisir un opérateur ou un département, pas les deux.")

    @property
    def libelle(self) -> str:
        if self.operateur:
            return f"opérateur {self.operateur}"
        if self.departement:
            return f"département {self.departement} (tous les opérateurs)"
        return "national (tous les opérateurs)"


@dataclass(frozen=True)
class LigneEvaluation:
    rubrique: str
    libelle: str
    objectif: float | None
    realise: Any
    numerateur: Any
    denominateur: Any
    taux: Any
    precision: str | None

    def cellules(self) -> list[Any]:
        return [self.rubrique, self.libelle, self.objectif, self.realise, self.numerateur, self.denominateur, self.taux,
                self.precision]


@dataclass(frozen=True)
class Evaluation:
    annee: int
    action: Action
    document: dict[str, Any]
    lignes: list[LigneEvaluation]


def verifier_action(engine: sa.Engine, action: Action) -> None:
    """Refuse an operator or a département no registered operator has."""
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
    demande = Demande(date(annee, 1, 1), date(annee, 12, 31), vu_au=vu_au, position=position,
                      departement=action.departement, operateur=action.operateur)
    document = calculer(engine, demande)
    objectifs: dict[str, float] = {}
    # Objectives are set per operator (or for all of them), never per département.
    if action.departement is None:
        with engine.connect() as connexion:
            objectifs = objectifs_en_vigueur(connexion, demande)
    return Evaluation(annee, action, document, lignes_de(document, objectifs))


def lignes_de(document: dict[str, Any], objectifs: dict[str, float] | None = None) -> list[LigneEvaluation]:
    """The annex rows read from one §5 document, with the objectives in force for the action."""
    objectifs = objectifs or {}

    def lire(fonction: Callable[[dict[str, Any]], Any] | None) -> Any:
        return fonction(document) if fonction is not None else None

    return [
        LigneEvaluation(ligne.rubrique, ligne.libelle, objectifs.get(ligne.objectif) if ligne.objectif else None,
                        ligne.realise(document), lire(ligne.numerateur),
                        lire(ligne.denominateur), lire(ligne.taux), lire(ligne.precision))
        for ligne in LIGNES
    ]


def feuilles(evaluation: Evaluation, produit_le: datetime | None = None) -> list[Feuille]:
    """The table, then its metadata (what was counted, as of which log position), ready for `tableurs.ecrire`."""
    document = evaluation.document
    tableau = Feuille(f"Évaluation {evaluation.annee}", ENTETES, [ligne.cellules() for ligne in evaluation.lignes])
    champs: list[tuple[str, Any]] = [
        ("Objet", "Tableau annuel d'évaluation de l'action (indicateurs 1.1, 3.1, 3.2 et 3.4 de l'annexe)"),
        ("Source des libellés", SOURCE),
        ("Action", evaluation.action.libelle),
        ("Année", evaluation.annee),
        ("Période", f"du {document['periode']['du']} au {document['periode']['au']}"),
        ("Position du journal", document["position_journal"]),
        ("Vu au", document["vu_au"] or "tout ce qui était enregistré"),
        ("Emploi durable", f"seuil utilisé : {document['seuil_emploi_durable']}"),
        ("Objectif (valeur-cible)", "celui fixé au tableau de bord pour l'année et cet opérateur (ou pour tous les "
                                    "opérateurs au national) ; l'annexe n'en demande que pour le nombre total"),
        ("Définitions", "CONTRACT §5 (parcours indicators) : chaque valeur est celle du rapport de ces mêmes "
                        "critères ; le taux n'est donné que là où le rapport en calcule un"),
    ]
    return [tableau, feuille_de_metadonnees(champs, produit_le)]

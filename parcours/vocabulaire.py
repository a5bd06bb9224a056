"""The closed vocabularies of a pathway: step types, enumerations and the sets they form.

One definition per term (CONTRACT §2–4, reference/domain.md §2.2). Everything else — schemas,
rules, indicators, forms — imports its values from here. Imports nothing outside the standard
library.
"""

from __future__ import annotations

from enum import Enum


class Vocabulaire(Enum):
    """An enumeration stored by value; members compare by identity, never as bare strings."""

    @classmethod
    def valeurs(cls) -> list[str]:
        return [m.value for m in cls]


class TypeEtape(Vocabulaire):
    PERSONNE_ENREGISTREE = "personne_enregistree"
    TITRE_SEJOUR_DELIVRE = "titre_sejour_delivre"
    PROTECTION_ACCORDEE = "protection_accordee"
    CIR_SIGNE = "cir_signe"
    POSITIONNEMENT_LINGUISTIQUE = "positionnement_linguistique"
    FORMATION_CIVIQUE_JOURNEE = "formation_civique_journee"
    FORMATION_LINGUISTIQUE_PRESCRITE = "formation_linguistique_prescrite"
    DISPENSE_FORMATION_LINGUISTIQUE = "dispense_formation_linguistique"
    FORMATION_LINGUISTIQUE_HEURES = "formation_linguistique_heures"
    EVALUATION_LINGUISTIQUE = "evaluation_linguistique"
    FORMATION_LINGUISTIQUE_TERMINEE = "formation_linguistique_terminee"
    ENTRETIEN_FIN_CIR = "entretien_fin_cir"
    ORIENTATION_SPE = "orientation_spe"
    DISPENSE_ORIENTATION_SPE = "dispense_orientation_spe"
    ORIENTATION_ACCEPTEE = "orientation_acceptee"
    ORIENTATION_REFUSEE = "orientation_refusee"
    ORIENTATION_AGIR = "orientation_agir"
    AGIR_ACCUEIL = "agir_accueil"
    AGIR_REFUS = "agir_refus"
    AGIR_ENTREE = "agir_entree"
    AGIR_VOLET_CLOTURE = "agir_volet_cloture"
    AGIR_SORTIE = "agir_sortie"
    INSCRIPTION_SPE = "inscription_spe"
    PREMIER_RENDEZ_VOUS_SPE = "premier_rendez_vous_spe"
    DIAGNOSTIC_APPROFONDI = "diagnostic_approfondi"
    RECONNAISSANCE_QUALIFICATIONS = "reconnaissance_qualifications"
    ACCOMPAGNEMENT_EMPLOI_DEBUTE = "accompagnement_emploi_debute"
    CONTRAT_TRAVAIL_DEBUTE = "contrat_travail_debute"
    ENTREE_FORMATION = "entree_formation"
    SORTIE_ACCOMPAGNEMENT = "sortie_accompagnement"
    SUIVI_SIX_MOIS = "suivi_six_mois"
    SITUATION_LOGEMENT = "situation_logement"
    EVENEMENT_CORRIGE = "evenement_corrige"
    EVENEMENT_ANNULE = "evenement_annule"
    NOTE = "note"
    ACTION_DECLAREE = "action_declaree"
    ACTION_BUDGET = "action_budget"
    BENEFICIAIRE_INSCRIT = "beneficiaire_inscrit"
    BENEFICIAIRE_SORTI_ACTION = "beneficiaire_sorti_action"
    SEANCE_TENUE = "seance_tenue"
    OUTIL_DECRIT = "outil_decrit"
    OUTIL_NUMERIQUE_PRETE = "outil_numerique_prete"
    CONSULTATION_MEDICALE = "consultation_medicale"
    BINOME_CONSTITUE = "binome_constitue"
    EVENEMENT_TENU = "evenement_tenu"


ETAPES_DE_GESTION = frozenset({TypeEtape.EVENEMENT_CORRIGE, TypeEtape.EVENEMENT_ANNULE})
"""Steps that act on another step instead of describing the pathway."""

ETAPES_D_ACTION = frozenset(
    {TypeEtape.ACTION_DECLAREE, TypeEtape.ACTION_BUDGET, TypeEtape.SEANCE_TENUE, TypeEtape.OUTIL_DECRIT,
     TypeEtape.EVENEMENT_TENU}
)
"""Steps recorded on a funded action's own stream (CONTRACT §8: « on action »)."""

ETAPES_PERSONNE_ET_ACTION = frozenset(
    {TypeEtape.BENEFICIAIRE_INSCRIT, TypeEtape.BENEFICIAIRE_SORTI_ACTION, TypeEtape.OUTIL_NUMERIQUE_PRETE,
     TypeEtape.CONSULTATION_MEDICALE, TypeEtape.BINOME_CONSTITUE}
)
"""Steps about one beneficiary of an action: recorded (encrypted) on the person's stream, naming the action."""

ETAPES_RATTACHABLES_A_UNE_ACTION = frozenset(
    {TypeEtape.ACCOMPAGNEMENT_EMPLOI_DEBUTE, TypeEtape.CONTRAT_TRAVAIL_DEBUTE, TypeEtape.ENTREE_FORMATION,
     TypeEtape.SORTIE_ACCOMPAGNEMENT, TypeEtape.SUIVI_SIX_MOIS, TypeEtape.SITUATION_LOGEMENT}
)
"""Person steps that may name (optionally) the action that did the work."""


class TypeOperateur(Vocabulaire):
    OFII = "OFII"
    PREFECTURE = "PREFECTURE"
    FRANCE_TRAVAIL = "FRANCE_TRAVAIL"
    MISSION_LOCALE = "MISSION_LOCALE"
    CAP_EMPLOI = "CAP_EMPLOI"
    APEC = "APEC"
    AGIR = "AGIR"
    ASSOCIATION = "ASSOCIATION"
    LOGEMENT = "LOGEMENT"
    ORGANISME_FORMATION = "ORGANISME_FORMATION"


LIBELLES_TYPES_OPERATEUR: dict[str, str] = {
    "OFII": "OFII", "PREFECTURE": "Préfecture", "FRANCE_TRAVAIL": "France Travail", "MISSION_LOCALE": "Mission locale",
    "CAP_EMPLOI": "Cap emploi", "APEC": "Apec", "AGIR": "AGIR", "ASSOCIATION": "Association", "LOGEMENT": "Logement",
    "ORGANISME_FORMATION": "Organisme de formation",
}
"""French name of each operator kind, for pages."""
assert set(LIBELLES_TYPES_OPERATEUR) == set(TypeOperateur.valeurs()), "every operator kind needs its French name"

ALIAS_TYPE_OPERATEUR = {"POLE_EMPLOI": TypeOperateur.FRANCE_TRAVAIL}
"""Pôle emploi became France Travail on 2024-01-01 (CONTRACT §2)."""

OPERATEURS_SPE = frozenset(
    {TypeOperateur.FRANCE_TRAVAIL, TypeOperateur.MISSION_LOCALE, TypeOperateur.CAP_EMPLOI, TypeOperateur.APEC}
)


class Sexe(Vocabulaire):
    F = "F"
    M = "M"
    X = "X"


class MotifSejour(Vocabulaire):
    FAMILIAL = "FAMILIAL"
    ECONOMIQUE = "ECONOMIQUE"
    HUMANITAIRE = "HUMANITAIRE"
    ETUDIANT = "ETUDIANT"
    DIVERS = "DIVERS"


SOUS_MOTIFS: dict[MotifSejour, tuple[str, ...]] = {
    MotifSejour.FAMILIAL: (
        "REGROUPEMENT_FAMILIAL",
        "CONJOINT_DE_FRANCAIS",
        "PARENT_ENFANT_FRANCAIS",
        "VIE_PRIVEE_FAMILIALE_AUTRE",
        "FAMILLE_DE_REFUGIE",
        "AUTRE",
    ),
    MotifSejour.ECONOMIQUE: ("SALARIE", "TRAVAILLEUR_TEMPORAIRE", "PASSEPORT_TALENT", "ENTREPRENEUR", "AUTRE"),
    MotifSejour.HUMANITAIRE: (
        "REFUGIE",
        "PROTECTION_SUBSIDIAIRE",
        "APATRIDE",
        "ETRANGER_MALADE",
        "PROTECTION_TEMPORAIRE",
        "AUTRE",
    ),
    MotifSejour.ETUDIANT: ("AUTRE",),
    MotifSejour.DIVERS: ("VISITEUR", "MINEUR_DEVENU_MAJEUR", "AUTRE"),
}
"""Sub-motifs allowed under each motif; `AUTRE` is valid everywhere, the only one under ETUDIANT."""


class TypeTitre(Vocabulaire):
    VLS_TS = "VLS_TS"
    CARTE_SEJOUR_TEMPORAIRE = "CARTE_SEJOUR_TEMPORAIRE"
    CARTE_SEJOUR_PLURIANNUELLE = "CARTE_SEJOUR_PLURIANNUELLE"
    CARTE_RESIDENT = "CARTE_RESIDENT"
    RECEPISSE = "RECEPISSE"
    APS = "APS"
    AUTRE = "AUTRE"


class TypeProtection(Vocabulaire):
    REFUGIE = "REFUGIE"
    PROTECTION_SUBSIDIAIRE = "PROTECTION_SUBSIDIAIRE"
    APATRIDE = "APATRIDE"


class OrganeProtection(Vocabulaire):
    OFPRA = "OFPRA"
    CNDA = "CNDA"


class NiveauLangue(Vocabulaire):
    """The positioning scale, also used by evaluations; ordered from lowest to highest."""

    INFRA_A1 = "INFRA_A1"
    A1 = "A1"
    A2 = "A2"
    B1_ET_PLUS = "B1_ET_PLUS"

    @property
    def rang(self) -> int:
        return _RANGS_NIVEAU[self]


_RANGS_NIVEAU = {niveau: rang for rang, niveau in enumerate(NiveauLangue)}


class NiveauCible(Vocabulaire):
    A1 = "A1"
    A2 = "A2"
    B1 = "B1"

    @property
    def rang(self) -> int:
        return {NiveauCible.A1: 1, NiveauCible.A2: 2, NiveauCible.B1: 3}[self]


class TypeFormationLinguistique(Vocabulaire):
    CIR_OBLIGATOIRE = "CIR_OBLIGATOIRE"
    COMPLEMENTAIRE_A2 = "COMPLEMENTAIRE_A2"
    COMPLEMENTAIRE_B1 = "COMPLEMENTAIRE_B1"


FORFAITS_HEURES = (100, 200, 400, 600)


class MotifDispenseFormation(Vocabulaire):
    NIVEAU_ATTEINT_AU_TEST = "NIVEAU_ATTEINT_AU_TEST"
    DIPLOME_OU_CERTIFICATION = "DIPLOME_OU_CERTIFICATION"
    AUTRE = "AUTRE"


class TypeEvaluation(Vocabulaire):
    INTERMEDIAIRE = "INTERMEDIAIRE"
    FINALE = "FINALE"


class MotifFinFormation(Vocabulaire):
    FORFAIT_REALISE = "FORFAIT_REALISE"
    NIVEAU_CIBLE_ATTEINT_ANTICIPE = "NIVEAU_CIBLE_ATTEINT_ANTICIPE"
    ABANDON = "ABANDON"
    DEMENAGEMENT = "DEMENAGEMENT"
    AUTRE = "AUTRE"


class SituationPro(Vocabulaire):
    EMPLOI = "EMPLOI"
    FORMATION = "FORMATION"
    RECHERCHE_EMPLOI = "RECHERCHE_EMPLOI"
    INACTIF = "INACTIF"


class MotifChoixSpe(Vocabulaire):
    AGE_MOINS_26 = "AGE_MOINS_26"
    RQTH = "RQTH"
    CADRE = "CADRE"
    DEFAUT = "DEFAUT"


class MotifDispenseOrientation(Vocabulaire):
    EN_EMPLOI = "EN_EMPLOI"
    NE_RECHERCHE_PAS = "NE_RECHERCHE_PAS"
    AUTRE = "AUTRE"


class VoletAgir(Vocabulaire):
    DROITS = "DROITS"
    LOGEMENT = "LOGEMENT"
    EMPLOI_FORMATION = "EMPLOI_FORMATION"


class MotifRefusAgir(Vocabulaire):
    REFUS_PERSONNE = "REFUS_PERSONNE"
    NON_ELIGIBLE = "NON_ELIGIBLE"
    INJOIGNABLE = "INJOIGNABLE"


class ResultatVolet(Vocabulaire):
    ATTEINT = "ATTEINT"
    NON_ATTEINT = "NON_ATTEINT"
    SANS_OBJET = "SANS_OBJET"


class Frein(Vocabulaire):
    """Barriers to employment named by an in-depth diagnostic (accord-cadre OFII–SPE)."""

    GARDE_ENFANTS = "GARDE_ENFANTS"
    MOBILITE = "MOBILITE"
    SANTE = "SANTE"
    LOGEMENT = "LOGEMENT"
    LANGUE = "LANGUE"
    NUMERIQUE = "NUMERIQUE"
    RECONNAISSANCE_DIPLOMES = "RECONNAISSANCE_DIPLOMES"
    DROITS = "DROITS"
    AUTRE = "AUTRE"


class DemarcheQualification(Vocabulaire):
    VAE = "VAE"
    COMPARABILITE_DIPLOME = "COMPARABILITE_DIPLOME"
    EQUIVALENCE = "EQUIVALENCE"
    AUTRE = "AUTRE"


class StatutDemarche(Vocabulaire):
    DEPOSEE = "DEPOSEE"
    OBTENUE = "OBTENUE"
    REFUSEE = "REFUSEE"


class MotifSortieAgir(Vocabulaire):
    OBJECTIFS_ATTEINTS = "OBJECTIFS_ATTEINTS"
    DUREE_MAX = "DUREE_MAX"
    ABANDON = "ABANDON"
    DEMENAGEMENT = "DEMENAGEMENT"
    PERDU_DE_VUE = "PERDU_DE_VUE"
    AUTRE = "AUTRE"


class Programme(Vocabulaire):
    ACCOMPAGNEMENT_FT = "ACCOMPAGNEMENT_FT"
    CEJ = "CEJ"
    PACEA = "PACEA"
    AGIR_EMPLOI = "AGIR_EMPLOI"
    ACTION_BOP104 = "ACTION_BOP104"
    MENTORAT = "MENTORAT"
    AUTRE = "AUTRE"


class TypeContrat(Vocabulaire):
    CDI = "CDI"
    CDD = "CDD"
    INTERIM = "INTERIM"
    CONTRAT_AIDE = "CONTRAT_AIDE"
    IAE = "IAE"
    APPRENTISSAGE = "APPRENTISSAGE"
    PROFESSIONNALISATION = "PROFESSIONNALISATION"
    FONCTION_PUBLIQUE_TITULAIRE = "FONCTION_PUBLIQUE_TITULAIRE"
    CREATION_ENTREPRISE = "CREATION_ENTREPRISE"
    AUTRE = "AUTRE"


CONTRATS_TOUJOURS_DURABLES = frozenset(
    {TypeContrat.CDI, TypeContrat.FONCTION_PUBLIQUE_TITULAIRE, TypeContrat.CREATION_ENTREPRISE}
)
CONTRATS_A_DUREE_DETERMINEE = frozenset(
    {
        TypeContrat.CDD,
        TypeContrat.INTERIM,
        TypeContrat.CONTRAT_AIDE,
        TypeContrat.IAE,
        TypeContrat.APPRENTISSAGE,
        TypeContrat.PROFESSIONNALISATION,
    }
)
"""Durable when planned for at least 6 months (CONTRACT §4); AUTRE never counts as durable."""


class TypeFormationPro(Vocabulaire):
    PRE_QUALIFIANTE = "PRE_QUALIFIANTE"
    QUALIFIANTE = "QUALIFIANTE"
    CERTIFIANTE = "CERTIFIANTE"
    DIPLOMANTE = "DIPLOMANTE"
    FLE_A_VISEE_PRO = "FLE_A_VISEE_PRO"
    SAVOIRS_DE_BASE = "SAVOIRS_DE_BASE"


FORMATIONS_DURABLES = frozenset(
    {TypeFormationPro.QUALIFIANTE, TypeFormationPro.CERTIFIANTE, TypeFormationPro.DIPLOMANTE}
)
"""Trainings that satisfy AGIR's "emploi ou formation durable" (reference/domain.md R-17)."""


class CategorieSortie(Vocabulaire):
    EMPLOI_CDI = "EMPLOI_CDI"
    EMPLOI_FONCTION_PUBLIQUE = "EMPLOI_FONCTION_PUBLIQUE"
    CREATION_ENTREPRISE = "CREATION_ENTREPRISE"
    EMPLOI_DURABLE_6M_PLUS = "EMPLOI_DURABLE_6M_PLUS"
    EMPLOI_MOINS_6M = "EMPLOI_MOINS_6M"
    FORMATION_QUALIFIANTE = "FORMATION_QUALIFIANTE"
    FORMATION_CERTIFIANTE = "FORMATION_CERTIFIANTE"
    FORMATION_DIPLOMANTE = "FORMATION_DIPLOMANTE"
    FORMATION_PRE_QUALIFIANTE = "FORMATION_PRE_QUALIFIANTE"
    FORMATION_LINGUISTIQUE = "FORMATION_LINGUISTIQUE"
    RECHERCHE_EMPLOI = "RECHERCHE_EMPLOI"
    INACTIVITE = "INACTIVITE"
    ABANDON_PERDU_DE_VUE = "ABANDON_PERDU_DE_VUE"
    DEMENAGEMENT = "DEMENAGEMENT"
    DECES = "DECES"
    TRANSFERT = "TRANSFERT"


SORTIES_EMPLOI_DURABLE = frozenset(
    {
        CategorieSortie.EMPLOI_CDI,
        CategorieSortie.EMPLOI_FONCTION_PUBLIQUE,
        CategorieSortie.CREATION_ENTREPRISE,
        CategorieSortie.EMPLOI_DURABLE_6M_PLUS,
    }
)
SORTIES_FORMATION = frozenset(
    {
        CategorieSortie.FORMATION_QUALIFIANTE,
        CategorieSortie.FORMATION_CERTIFIANTE,
        CategorieSortie.FORMATION_DIPLOMANTE,
        CategorieSortie.FORMATION_PRE_QUALIFIANTE,
    }
)
SORTIES_POSITIVES = SORTIES_EMPLOI_DURABLE | {CategorieSortie.EMPLOI_MOINS_6M} | SORTIES_FORMATION
SORTIES_NEUTRES = frozenset({CategorieSortie.DEMENAGEMENT, CategorieSortie.DECES, CategorieSortie.TRANSFERT})
SORTIES_EMPLOI = frozenset(
    {
        CategorieSortie.EMPLOI_CDI,
        CategorieSortie.EMPLOI_FONCTION_PUBLIQUE,
        CategorieSortie.EMPLOI_DURABLE_6M_PLUS,
        CategorieSortie.EMPLOI_MOINS_6M,
    }
)
"""The employment exit categories (EMPLOI_*): with no contract recorded in the episode they are flagged
« catégorie sans contrat » (CONTRACT §10)."""


class SituationLogement(Vocabulaire):
    SANS_ABRI = "SANS_ABRI"
    HEBERGEMENT_URGENCE = "HEBERGEMENT_URGENCE"
    DNA = "DNA"
    CPH = "CPH"
    CHRS = "CHRS"
    HEBERGE_TIERS = "HEBERGE_TIERS"
    IML_SOUS_LOCATION = "IML_SOUS_LOCATION"
    LOGEMENT_ACCOMPAGNE = "LOGEMENT_ACCOMPAGNE"
    IML_MANDAT_GESTION = "IML_MANDAT_GESTION"
    LOCATAIRE_PARC_SOCIAL = "LOCATAIRE_PARC_SOCIAL"
    LOCATAIRE_PARC_PRIVE = "LOCATAIRE_PARC_PRIVE"
    PROPRIETAIRE = "PROPRIETAIRE"
    AUTRE = "AUTRE"


LOGEMENTS_PERENNES = frozenset(
    {
        SituationLogement.LOGEMENT_ACCOMPAGNE,
        SituationLogement.IML_MANDAT_GESTION,
        SituationLogement.LOCATAIRE_PARC_SOCIAL,
        SituationLogement.LOCATAIRE_PARC_PRIVE,
        SituationLogement.PROPRIETAIRE,
    }
)


class Visibilite(Vocabulaire):
    OPERATEUR = "OPERATEUR"
    PARTAGEE = "PARTAGEE"


class Thematique(Vocabulaire):
    """The annex's thematics, with the section each one fills."""

    FORMATION_ACTEURS = "FORMATION_ACTEURS"
    FRANCAIS = "FRANCAIS"
    EMPLOI = "EMPLOI"
    VALEURS_REPUBLIQUE = "VALEURS_REPUBLIQUE"
    LOGEMENT = "LOGEMENT"
    SANTE = "SANTE"
    NUMERIQUE = "NUMERIQUE"
    MENTORAT = "MENTORAT"
    SPORT_CULTURE = "SPORT_CULTURE"
    ACCOMPAGNEMENT_GLOBAL = "ACCOMPAGNEMENT_GLOBAL"


class ThemeValeurs(Vocabulaire):
    LAICITE = "LAICITE"
    EGALITE_FEMMES_HOMMES = "EGALITE_FEMMES_HOMMES"
    CITOYENNETE = "CITOYENNETE"
    PARENTALITE = "PARENTALITE"
    LIENS_SOCIETE_ACCUEIL = "LIENS_SOCIETE_ACCUEIL"
    AUTRES = "AUTRES"


class PublicAction(Vocabulaire):
    BENEFICIAIRES = "BENEFICIAIRES"
    ACTEURS = "ACTEURS"


class MotifSortieAction(Vocabulaire):
    PARCOURS_TERMINE = "PARCOURS_TERMINE"
    ABANDON = "ABANDON"
    DEMENAGEMENT = "DEMENAGEMENT"
    AUTRE = "AUTRE"


class OutilNumerique(Vocabulaire):
    TABLETTE = "TABLETTE"
    ORDINATEUR = "ORDINATEUR"
    TELEPHONE = "TELEPHONE"
    CONNEXION = "CONNEXION"
    AUTRE = "AUTRE"


class NatureEvenement(Vocabulaire):
    SPORTIF = "SPORTIF"
    CULTUREL = "CULTUREL"


LIBELLES_THEMATIQUES: dict[Thematique, str] = {
    Thematique.FORMATION_ACTEURS: "Formation des acteurs de l'intégration (1.2)",
    Thematique.FRANCAIS: "Apprentissage du français (3.1)",
    Thematique.EMPLOI: "Accompagnement vers l'emploi (3.2)",
    Thematique.VALEURS_REPUBLIQUE: "Principes de la République et usages de la société française (3.3)",
    Thematique.LOGEMENT: "Accès au logement (3.4)",
    Thematique.SANTE: "Accès à la santé (3.5)",
    Thematique.NUMERIQUE: "Fracture numérique et illectronisme (3.6)",
    Thematique.MENTORAT: "Mentorat / parrainage (3.7)",
    Thematique.SPORT_CULTURE: "Accès au sport et à la culture (3.8)",
    Thematique.ACCOMPAGNEMENT_GLOBAL: "Accompagnement global (3.9)",
}


ENUMERATIONS: tuple[type[Vocabulaire], ...] = (
    TypeEtape,
    TypeOperateur,
    Sexe,
    MotifSejour,
    TypeTitre,
    TypeProtection,
    OrganeProtection,
    NiveauLangue,
    NiveauCible,
    TypeFormationLinguistique,
    MotifDispenseFormation,
    TypeEvaluation,
    MotifFinFormation,
    SituationPro,
    MotifChoixSpe,
    MotifDispenseOrientation,
    VoletAgir,
    MotifRefusAgir,
    ResultatVolet,
    Frein,
    DemarcheQualification,
    StatutDemarche,
    MotifSortieAgir,
    Programme,
    TypeContrat,
    TypeFormationPro,
    CategorieSortie,
    SituationLogement,
    Visibilite,
    Thematique,
    ThemeValeurs,
    PublicAction,
    MotifSortieAction,
    OutilNumerique,
    NatureEvenement,
)
"""Every enumeration that may appear in an event: each gets a registered transcoding."""


LIBELLES_ETAPES: dict[TypeEtape, str] = {
    TypeEtape.PERSONNE_ENREGISTREE: "Personne enregistrée",
    TypeEtape.TITRE_SEJOUR_DELIVRE: "Titre de séjour délivré",
    TypeEtape.PROTECTION_ACCORDEE: "Protection internationale accordée",
    TypeEtape.CIR_SIGNE: "Contrat d'intégration républicaine signé",
    TypeEtape.POSITIONNEMENT_LINGUISTIQUE: "Positionnement linguistique",
    TypeEtape.FORMATION_CIVIQUE_JOURNEE: "Journée de formation civique",
    TypeEtape.FORMATION_LINGUISTIQUE_PRESCRITE: "Formation linguistique prescrite",
    TypeEtape.DISPENSE_FORMATION_LINGUISTIQUE: "Dispense de formation linguistique",
    TypeEtape.FORMATION_LINGUISTIQUE_HEURES: "Heures de formation linguistique",
    TypeEtape.EVALUATION_LINGUISTIQUE: "Évaluation linguistique",
    TypeEtape.FORMATION_LINGUISTIQUE_TERMINEE: "Formation linguistique terminée",
    TypeEtape.ENTRETIEN_FIN_CIR: "Entretien de fin de CIR",
    TypeEtape.ORIENTATION_SPE: "Orientation vers le service public de l'emploi",
    TypeEtape.DISPENSE_ORIENTATION_SPE: "Dispense d'orientation (demande expresse)",
    TypeEtape.ORIENTATION_ACCEPTEE: "Orientation acceptée",
    TypeEtape.ORIENTATION_REFUSEE: "Orientation refusée",
    TypeEtape.ORIENTATION_AGIR: "Orientation vers AGIR",
    TypeEtape.AGIR_ACCUEIL: "Accueil AGIR (diagnostic)",
    TypeEtape.AGIR_REFUS: "Refus d'AGIR",
    TypeEtape.AGIR_ENTREE: "Entrée dans AGIR",
    TypeEtape.AGIR_VOLET_CLOTURE: "Volet AGIR clôturé",
    TypeEtape.AGIR_SORTIE: "Sortie d'AGIR",
    TypeEtape.INSCRIPTION_SPE: "Inscription au service public de l'emploi",
    TypeEtape.PREMIER_RENDEZ_VOUS_SPE: "Premier rendez-vous au service public de l'emploi",
    TypeEtape.DIAGNOSTIC_APPROFONDI: "Diagnostic approfondi",
    TypeEtape.RECONNAISSANCE_QUALIFICATIONS: "Reconnaissance des qualifications",
    TypeEtape.ACCOMPAGNEMENT_EMPLOI_DEBUTE: "Accompagnement vers l'emploi débuté",
    TypeEtape.CONTRAT_TRAVAIL_DEBUTE: "Contrat de travail débuté",
    TypeEtape.ENTREE_FORMATION: "Entrée en formation",
    TypeEtape.SORTIE_ACCOMPAGNEMENT: "Sortie d'accompagnement",
    TypeEtape.SUIVI_SIX_MOIS: "Suivi à 6 mois",
    TypeEtape.SITUATION_LOGEMENT: "Situation de logement",
    TypeEtape.EVENEMENT_CORRIGE: "Correction",
    TypeEtape.EVENEMENT_ANNULE: "Annulation",
    TypeEtape.NOTE: "Note",
    TypeEtape.ACTION_DECLAREE: "Action financée déclarée",
    TypeEtape.ACTION_BUDGET: "Budget de l'action",
    TypeEtape.BENEFICIAIRE_INSCRIT: "Inscription à une action",
    TypeEtape.BENEFICIAIRE_SORTI_ACTION: "Sortie d'une action",
    TypeEtape.SEANCE_TENUE: "Séance tenue",
    TypeEtape.OUTIL_DECRIT: "Outil décrit",
    TypeEtape.OUTIL_NUMERIQUE_PRETE: "Outil numérique prêté",
    TypeEtape.CONSULTATION_MEDICALE: "Consultation médicale",
    TypeEtape.BINOME_CONSTITUE: "Binôme de mentorat constitué",
    TypeEtape.EVENEMENT_TENU: "Événement sportif ou culturel",
}
"""French label of each step type, for pages, exports and reports."""
assert set(LIBELLES_ETAPES) == set(TypeEtape), "every step type needs its French label"

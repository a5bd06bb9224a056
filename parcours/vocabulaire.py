"""The closed vocabularies of a pathway: step types, enumerations and the sets they form.

One definition per term (CONTRACT §2–4, reference/domain.md §2.2). Everything else — schemas,
rules, indicators, forms — imports its values from here. Imports nothing outside the standard
library.
"""

from __future__ import annotations

from enum import Enum


class Vocabulaire(Enum):
    """An enumeration stored by value, its French label beside it (`F = "F", "Femme"`, as les-emplois'
    `TextChoices`); members compare by identity, never as bare strings. Without a label, the value is its own."""

    libelle: str
    libelle_donne: bool

    def __new__(cls, valeur: str, libelle: str | None = None) -> Vocabulaire:
        membre = object.__new__(cls)
        membre._value_ = valeur
        membre.libelle = valeur if libelle is None else libelle
        membre.libelle_donne = libelle is not None
        return membre

    @classmethod
    def valeurs(cls) -> list[str]:
        return [m.value for m in cls]


class TypeEtape(Vocabulaire):
    PERSONNE_ENREGISTREE = "personne_enregistree", "Personne enregistrée"
    TITRE_SEJOUR_DELIVRE = "titre_sejour_delivre", "Titre de séjour délivré"
    PROTECTION_ACCORDEE = "protection_accordee", "Protection internationale accordée"
    CIR_SIGNE = "cir_signe", "Contrat d'intégration républicaine signé"
    POSITIONNEMENT_LINGUISTIQUE = "positionnement_linguistique", "Positionnement linguistique"
    FORMATION_CIVIQUE_JOURNEE = "formation_civique_journee", "Journée de formation civique"
    FORMATION_LINGUISTIQUE_PRESCRITE = "formation_linguistique_prescrite", "Formation linguistique prescrite"
    DISPENSE_FORMATION_LINGUISTIQUE = "dispense_formation_linguistique", "Dispense de formation linguistique"
    FORMATION_LINGUISTIQUE_HEURES = "formation_linguistique_heures", "Heures de formation linguistique"
    EVALUATION_LINGUISTIQUE = "evaluation_linguistique", "Évaluation linguistique"
    FORMATION_LINGUISTIQUE_TERMINEE = "formation_linguistique_terminee", "Formation linguistique terminée"
    ENTRETIEN_FIN_CIR = "entretien_fin_cir", "Entretien de fin de CIR"
    ORIENTATION_SPE = "orientation_spe", "Orientation vers le service public de l'emploi"
    DISPENSE_ORIENTATION_SPE = "dispense_orientation_spe", "Dispense d'orientation (demande expresse)"
    ORIENTATION_ACCEPTEE = "orientation_acceptee", "Orientation acceptée"
    ORIENTATION_REFUSEE = "orientation_refusee", "Orientation refusée"
    ORIENTATION_AGIR = "orientation_agir", "Orientation vers AGIR"
    AGIR_ACCUEIL = "agir_accueil", "Accueil AGIR (diagnostic)"
    AGIR_REFUS = "agir_refus", "Refus d'AGIR"
    AGIR_ENTREE = "agir_entree", "Entrée dans AGIR"
    AGIR_VOLET_CLOTURE = "agir_volet_cloture", "Volet AGIR clôturé"
    AGIR_SORTIE = "agir_sortie", "Sortie d'AGIR"
    INSCRIPTION_SPE = "inscription_spe", "Inscription au service public de l'emploi"
    PREMIER_RENDEZ_VOUS_SPE = "premier_rendez_vous_spe", "Premier rendez-vous au service public de l'emploi"
    DIAGNOSTIC_APPROFONDI = "diagnostic_approfondi", "Diagnostic approfondi"
    RECONNAISSANCE_QUALIFICATIONS = "reconnaissance_qualifications", "Reconnaissance des qualifications"
    ACCOMPAGNEMENT_EMPLOI_DEBUTE = "accompagnement_emploi_debute", "Accompagnement vers l'emploi débuté"
    CONTRAT_TRAVAIL_DEBUTE = "contrat_travail_debute", "Contrat de travail débuté"
    ENTREE_FORMATION = "entree_formation", "Entrée en formation"
    SORTIE_ACCOMPAGNEMENT = "sortie_accompagnement", "Sortie d'accompagnement"
    SUIVI_SIX_MOIS = "suivi_six_mois", "Suivi à 6 mois"
    SITUATION_LOGEMENT = "situation_logement", "Situation de logement"
    EVENEMENT_CORRIGE = "evenement_corrige", "Correction"
    EVENEMENT_ANNULE = "evenement_annule", "Annulation"
    NOTE = "note", "Note"
    ACTION_DECLAREE = "action_declaree", "Action financée déclarée"
    ACTION_BUDGET = "action_budget", "Budget de l'action"
    BENEFICIAIRE_INSCRIT = "beneficiaire_inscrit", "Inscription à une action"
    BENEFICIAIRE_SORTI_ACTION = "beneficiaire_sorti_action", "Sortie d'une action"
    SEANCE_TENUE = "seance_tenue", "Séance tenue"
    OUTIL_DECRIT = "outil_decrit", "Outil décrit"
    OUTIL_NUMERIQUE_PRETE = "outil_numerique_prete", "Outil numérique prêté"
    CONSULTATION_MEDICALE = "consultation_medicale", "Consultation médicale"
    BINOME_CONSTITUE = "binome_constitue", "Binôme de mentorat constitué"
    EVENEMENT_TENU = "evenement_tenu", "Événement sportif ou culturel"


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
    OFII = "OFII", "OFII"
    PREFECTURE = "PREFECTURE", "Préfecture"
    FRANCE_TRAVAIL = "FRANCE_TRAVAIL", "France Travail"
    MISSION_LOCALE = "MISSION_LOCALE", "Mission locale"
    CAP_EMPLOI = "CAP_EMPLOI", "Cap emploi"
    APEC = "APEC", "Apec"
    AGIR = "AGIR", "AGIR"
    ASSOCIATION = "ASSOCIATION", "Association"
    LOGEMENT = "LOGEMENT", "Logement"
    ORGANISME_FORMATION = "ORGANISME_FORMATION", "Organisme de formation"


LIBELLES_TYPES_OPERATEUR: dict[str, str] = {kind.value: kind.libelle for kind in TypeOperateur}
"""French name of each operator kind, by code, for pages."""

ALIAS_TYPE_OPERATEUR = {"POLE_EMPLOI": TypeOperateur.FRANCE_TRAVAIL}
"""Pôle emploi became France Travail on 2024-01-01 (CONTRACT §2)."""

OPERATEURS_SPE = frozenset(
    {TypeOperateur.FRANCE_TRAVAIL, TypeOperateur.MISSION_LOCALE, TypeOperateur.CAP_EMPLOI, TypeOperateur.APEC}
)


class Sexe(Vocabulaire):
    F = "F", "Femme"
    M = "M", "Homme"
    X = "X", "Non précisé (X)"


class MotifSejour(Vocabulaire):
    FAMILIAL = "FAMILIAL", "Familial"
    ECONOMIQUE = "ECONOMIQUE", "Économique"
    HUMANITAIRE = "HUMANITAIRE", "Humanitaire"
    ETUDIANT = "ETUDIANT", "Étudiant"
    DIVERS = "DIVERS", "Divers"


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

LIBELLES_SOUS_MOTIFS: dict[str, str] = {
    "REGROUPEMENT_FAMILIAL": "Regroupement familial", "CONJOINT_DE_FRANCAIS": "Conjoint de Français",
    "PARENT_ENFANT_FRANCAIS": "Parent d'enfant français", "VIE_PRIVEE_FAMILIALE_AUTRE": "Autre motif de vie privée et familiale",
    "FAMILLE_DE_REFUGIE": "Famille de réfugié", "SALARIE": "Salarié", "TRAVAILLEUR_TEMPORAIRE": "Travailleur temporaire",
    "PASSEPORT_TALENT": "Passeport talent", "ENTREPRENEUR": "Entrepreneur", "REFUGIE": "Réfugié",
    "PROTECTION_SUBSIDIAIRE": "Protection subsidiaire", "APATRIDE": "Apatride", "ETRANGER_MALADE": "Étranger malade",
    "PROTECTION_TEMPORAIRE": "Protection temporaire", "VISITEUR": "Visiteur", "MINEUR_DEVENU_MAJEUR": "Mineur devenu majeur",
    "AUTRE": "Autre",
}
"""French label of each sub-motif (plain codes: they are not an enumeration of their own)."""
assert set(LIBELLES_SOUS_MOTIFS) == {code for codes in SOUS_MOTIFS.values() for code in codes}


class TypeTitre(Vocabulaire):
    VLS_TS = "VLS_TS", "Visa long séjour valant titre de séjour (VLS-TS)"
    CARTE_SEJOUR_TEMPORAIRE = "CARTE_SEJOUR_TEMPORAIRE", "Carte de séjour temporaire"
    CARTE_SEJOUR_PLURIANNUELLE = "CARTE_SEJOUR_PLURIANNUELLE", "Carte de séjour pluriannuelle"
    CARTE_RESIDENT = "CARTE_RESIDENT", "Carte de résident"
    RECEPISSE = "RECEPISSE", "Récépissé"
    APS = "APS", "Autorisation provisoire de séjour (APS)"
    AUTRE = "AUTRE", "Autre"


class TypeProtection(Vocabulaire):
    REFUGIE = "REFUGIE", "Réfugié"
    PROTECTION_SUBSIDIAIRE = "PROTECTION_SUBSIDIAIRE", "Protection subsidiaire"
    APATRIDE = "APATRIDE", "Apatride"


class OrganeProtection(Vocabulaire):
    OFPRA = "OFPRA", "OFPRA"
    CNDA = "CNDA", "CNDA (Cour nationale du droit d'asile)"


class NiveauLangue(Vocabulaire):
    """The positioning scale, also used by evaluations; ordered from lowest to highest."""

    INFRA_A1 = "INFRA_A1", "Infra A1"
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1_ET_PLUS = "B1_ET_PLUS", "B1 et plus"

    @property
    def rang(self) -> int:
        return _RANGS_NIVEAU[self]


_RANGS_NIVEAU = {niveau: rang for rang, niveau in enumerate(NiveauLangue)}


class NiveauCible(Vocabulaire):
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"

    @property
    def rang(self) -> int:
        return {NiveauCible.A1: 1, NiveauCible.A2: 2, NiveauCible.B1: 3}[self]


class TypeFormationLinguistique(Vocabulaire):
    CIR_OBLIGATOIRE = "CIR_OBLIGATOIRE", "Obligatoire (CIR)"
    COMPLEMENTAIRE_A2 = "COMPLEMENTAIRE_A2", "Complémentaire, vers A2"
    COMPLEMENTAIRE_B1 = "COMPLEMENTAIRE_B1", "Complémentaire, vers B1"


FORFAITS_HEURES = (100, 200, 400, 600)


class MotifDispenseFormation(Vocabulaire):
    NIVEAU_ATTEINT_AU_TEST = "NIVEAU_ATTEINT_AU_TEST", "Niveau atteint au test"
    DIPLOME_OU_CERTIFICATION = "DIPLOME_OU_CERTIFICATION", "Diplôme ou certification"
    AUTRE = "AUTRE", "Autre"


class TypeEvaluation(Vocabulaire):
    INTERMEDIAIRE = "INTERMEDIAIRE", "Intermédiaire"
    FINALE = "FINALE", "Finale"


class MotifFinFormation(Vocabulaire):
    FORFAIT_REALISE = "FORFAIT_REALISE", "Forfait réalisé"
    NIVEAU_CIBLE_ATTEINT_ANTICIPE = "NIVEAU_CIBLE_ATTEINT_ANTICIPE", "Niveau visé atteint avant la fin"
    ABANDON = "ABANDON", "Abandon"
    DEMENAGEMENT = "DEMENAGEMENT", "Déménagement"
    AUTRE = "AUTRE", "Autre"


class SituationPro(Vocabulaire):
    EMPLOI = "EMPLOI", "En emploi"
    FORMATION = "FORMATION", "En formation"
    RECHERCHE_EMPLOI = "RECHERCHE_EMPLOI", "En recherche d'emploi"
    INACTIF = "INACTIF", "Inactif"


class MotifChoixSpe(Vocabulaire):
    AGE_MOINS_26 = "AGE_MOINS_26", "Moins de 26 ans"
    RQTH = "RQTH", "Travailleur handicapé (RQTH)"
    CADRE = "CADRE", "Cadre"
    DEFAUT = "DEFAUT", "Cas général"


class MotifDispenseOrientation(Vocabulaire):
    EN_EMPLOI = "EN_EMPLOI", "Déjà en emploi"
    NE_RECHERCHE_PAS = "NE_RECHERCHE_PAS", "Ne recherche pas d'emploi"
    AUTRE = "AUTRE", "Autre"


class VoletAgir(Vocabulaire):
    DROITS = "DROITS", "Accès aux droits"
    LOGEMENT = "LOGEMENT", "Logement"
    EMPLOI_FORMATION = "EMPLOI_FORMATION", "Emploi et formation"


class MotifRefusAgir(Vocabulaire):
    REFUS_PERSONNE = "REFUS_PERSONNE", "Refus de la personne"
    NON_ELIGIBLE = "NON_ELIGIBLE", "Non éligible"
    INJOIGNABLE = "INJOIGNABLE", "Injoignable"


class ResultatVolet(Vocabulaire):
    ATTEINT = "ATTEINT", "Atteint"
    NON_ATTEINT = "NON_ATTEINT", "Non atteint"
    SANS_OBJET = "SANS_OBJET", "Sans objet"


class Frein(Vocabulaire):
    """Barriers to employment named by an in-depth diagnostic (accord-cadre OFII–SPE)."""

    GARDE_ENFANTS = "GARDE_ENFANTS", "Garde d'enfants"
    MOBILITE = "MOBILITE", "Mobilité"
    SANTE = "SANTE", "Santé"
    LOGEMENT = "LOGEMENT", "Logement"
    LANGUE = "LANGUE", "Langue"
    NUMERIQUE = "NUMERIQUE", "Numérique"
    RECONNAISSANCE_DIPLOMES = "RECONNAISSANCE_DIPLOMES", "Reconnaissance des diplômes"
    DROITS = "DROITS", "Accès aux droits"
    AUTRE = "AUTRE", "Autre"


class DemarcheQualification(Vocabulaire):
    VAE = "VAE", "Validation des acquis de l'expérience (VAE)"
    COMPARABILITE_DIPLOME = "COMPARABILITE_DIPLOME", "Attestation de comparabilité du diplôme"
    EQUIVALENCE = "EQUIVALENCE", "Équivalence"
    AUTRE = "AUTRE", "Autre"


class StatutDemarche(Vocabulaire):
    DEPOSEE = "DEPOSEE", "Déposée"
    OBTENUE = "OBTENUE", "Obtenue"
    REFUSEE = "REFUSEE", "Refusée"


class MotifSortieAgir(Vocabulaire):
    OBJECTIFS_ATTEINTS = "OBJECTIFS_ATTEINTS", "Objectifs atteints"
    DUREE_MAX = "DUREE_MAX", "Durée maximale atteinte"
    ABANDON = "ABANDON", "Abandon"
    DEMENAGEMENT = "DEMENAGEMENT", "Déménagement"
    PERDU_DE_VUE = "PERDU_DE_VUE", "Perdu de vue"
    AUTRE = "AUTRE", "Autre"


class Programme(Vocabulaire):
    ACCOMPAGNEMENT_FT = "ACCOMPAGNEMENT_FT", "Accompagnement France Travail"
    CEJ = "CEJ", "Contrat d'engagement jeune (CEJ)"
    PACEA = "PACEA", "PACEA"
    AGIR_EMPLOI = "AGIR_EMPLOI", "Volet emploi d'AGIR"
    ACTION_BOP104 = "ACTION_BOP104", "Action financée par le BOP 104"
    MENTORAT = "MENTORAT", "Mentorat"
    AUTRE = "AUTRE", "Autre"


class TypeContrat(Vocabulaire):
    CDI = "CDI", "CDI"
    CDD = "CDD", "CDD"
    INTERIM = "INTERIM", "Intérim"
    CONTRAT_AIDE = "CONTRAT_AIDE", "Contrat aidé"
    IAE = "IAE", "Insertion par l'activité économique (IAE)"
    APPRENTISSAGE = "APPRENTISSAGE", "Apprentissage"
    PROFESSIONNALISATION = "PROFESSIONNALISATION", "Contrat de professionnalisation"
    FONCTION_PUBLIQUE_TITULAIRE = "FONCTION_PUBLIQUE_TITULAIRE", "Titulaire de la fonction publique"
    CREATION_ENTREPRISE = "CREATION_ENTREPRISE", "Création d'entreprise"
    AUTRE = "AUTRE", "Autre"


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
    PRE_QUALIFIANTE = "PRE_QUALIFIANTE", "Préqualifiante"
    QUALIFIANTE = "QUALIFIANTE", "Qualifiante"
    CERTIFIANTE = "CERTIFIANTE", "Certifiante"
    DIPLOMANTE = "DIPLOMANTE", "Diplômante"
    FLE_A_VISEE_PRO = "FLE_A_VISEE_PRO", "Français langue étrangère à visée professionnelle"
    SAVOIRS_DE_BASE = "SAVOIRS_DE_BASE", "Savoirs de base"


FORMATIONS_DURABLES = frozenset(
    {TypeFormationPro.QUALIFIANTE, TypeFormationPro.CERTIFIANTE, TypeFormationPro.DIPLOMANTE}
)
"""Trainings that satisfy AGIR's "emploi ou formation durable" (reference/domain.md R-17)."""


class CategorieSortie(Vocabulaire):
    EMPLOI_CDI = "EMPLOI_CDI", "Emploi en CDI"
    EMPLOI_FONCTION_PUBLIQUE = "EMPLOI_FONCTION_PUBLIQUE", "Emploi dans la fonction publique"
    CREATION_ENTREPRISE = "CREATION_ENTREPRISE", "Création d'entreprise"
    EMPLOI_DURABLE_6M_PLUS = "EMPLOI_DURABLE_6M_PLUS", "Emploi durable (6 mois ou plus)"
    EMPLOI_MOINS_6M = "EMPLOI_MOINS_6M", "Emploi de moins de 6 mois"
    FORMATION_QUALIFIANTE = "FORMATION_QUALIFIANTE", "Formation qualifiante"
    FORMATION_CERTIFIANTE = "FORMATION_CERTIFIANTE", "Formation certifiante"
    FORMATION_DIPLOMANTE = "FORMATION_DIPLOMANTE", "Formation diplômante"
    FORMATION_PRE_QUALIFIANTE = "FORMATION_PRE_QUALIFIANTE", "Formation préqualifiante"
    FORMATION_LINGUISTIQUE = "FORMATION_LINGUISTIQUE", "Formation linguistique"
    RECHERCHE_EMPLOI = "RECHERCHE_EMPLOI", "En recherche d'emploi"
    INACTIVITE = "INACTIVITE", "Inactivité"
    ABANDON_PERDU_DE_VUE = "ABANDON_PERDU_DE_VUE", "Abandon, perdu de vue"
    DEMENAGEMENT = "DEMENAGEMENT", "Déménagement"
    DECES = "DECES", "Décès"
    TRANSFERT = "TRANSFERT", "Transfert"


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
    SANS_ABRI = "SANS_ABRI", "Sans abri"
    HEBERGEMENT_URGENCE = "HEBERGEMENT_URGENCE", "Hébergement d'urgence"
    DNA = "DNA", "Dispositif national d'accueil (DNA)"
    CPH = "CPH", "Centre provisoire d'hébergement (CPH)"
    CHRS = "CHRS", "Centre d'hébergement et de réinsertion sociale (CHRS)"
    HEBERGE_TIERS = "HEBERGE_TIERS", "Hébergé par un tiers"
    IML_SOUS_LOCATION = "IML_SOUS_LOCATION", "Intermédiation locative en sous-location"
    LOGEMENT_ACCOMPAGNE = "LOGEMENT_ACCOMPAGNE", "Logement accompagné"
    IML_MANDAT_GESTION = "IML_MANDAT_GESTION", "Intermédiation locative en mandat de gestion"
    LOCATAIRE_PARC_SOCIAL = "LOCATAIRE_PARC_SOCIAL", "Locataire du parc social"
    LOCATAIRE_PARC_PRIVE = "LOCATAIRE_PARC_PRIVE", "Locataire du parc privé"
    PROPRIETAIRE = "PROPRIETAIRE", "Propriétaire"
    AUTRE = "AUTRE", "Autre"


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
    OPERATEUR = "OPERATEUR", "Ma structure seulement"
    PARTAGEE = "PARTAGEE", "Partagée avec les structures du parcours"


class Thematique(Vocabulaire):
    """The annex's thematics, with the section each one fills."""

    FORMATION_ACTEURS = "FORMATION_ACTEURS", "Formation des acteurs de l'intégration"
    FRANCAIS = "FRANCAIS", "Apprentissage du français"
    EMPLOI = "EMPLOI", "En emploi"
    VALEURS_REPUBLIQUE = "VALEURS_REPUBLIQUE", "Principes de la République et usages de la société française"
    LOGEMENT = "LOGEMENT", "Logement"
    SANTE = "SANTE", "Santé"
    NUMERIQUE = "NUMERIQUE", "Numérique"
    MENTORAT = "MENTORAT", "Mentorat"
    SPORT_CULTURE = "SPORT_CULTURE", "Accès au sport et à la culture"
    ACCOMPAGNEMENT_GLOBAL = "ACCOMPAGNEMENT_GLOBAL", "Accompagnement global"


class ThemeValeurs(Vocabulaire):
    LAICITE = "LAICITE", "Laïcité"
    EGALITE_FEMMES_HOMMES = "EGALITE_FEMMES_HOMMES", "Égalité femmes-hommes"
    CITOYENNETE = "CITOYENNETE", "Citoyenneté"
    PARENTALITE = "PARENTALITE", "Parentalité"
    LIENS_SOCIETE_ACCUEIL = "LIENS_SOCIETE_ACCUEIL", "Liens avec la société d'accueil"
    AUTRES = "AUTRES", "Autres"


class PublicAction(Vocabulaire):
    BENEFICIAIRES = "BENEFICIAIRES", "Bénéficiaires"
    ACTEURS = "ACTEURS", "Acteurs de l'intégration"


class MotifSortieAction(Vocabulaire):
    PARCOURS_TERMINE = "PARCOURS_TERMINE", "Parcours terminé"
    ABANDON = "ABANDON", "Abandon"
    DEMENAGEMENT = "DEMENAGEMENT", "Déménagement"
    AUTRE = "AUTRE", "Autre"


class OutilNumerique(Vocabulaire):
    TABLETTE = "TABLETTE", "Tablette"
    ORDINATEUR = "ORDINATEUR", "Ordinateur"
    TELEPHONE = "TELEPHONE", "Téléphone"
    CONNEXION = "CONNEXION", "Connexion"
    AUTRE = "AUTRE", "Autre"


class NatureEvenement(Vocabulaire):
    SPORTIF = "SPORTIF", "Sportif"
    CULTUREL = "CULTUREL", "Culturel"


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


LIBELLES_ETAPES: dict[TypeEtape, str] = {type_etape: type_etape.libelle for type_etape in TypeEtape}
"""French label of each step type, for pages, exports and reports."""


def _libelles_des_codes() -> dict[str, str]:
    libelles = dict(LIBELLES_SOUS_MOTIFS)
    for enumeration in ENUMERATIONS:
        if enumeration in (TypeEtape, TypeOperateur):
            continue  # step types and operator kinds are named by their own tables, never as a field's value
        for membre in enumeration:
            if libelles.setdefault(membre.value, membre.libelle) != membre.libelle:
                raise AssertionError(f"« {membre.value} » a deux libellés : une valeur se lit de la même façon partout")
    return libelles


LIBELLES_DES_CODES: dict[str, str] = _libelles_des_codes()
"""French wording of every code a step's field may hold, for people (the codes stay what is posted and stored)."""

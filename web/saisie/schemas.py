"""The syntax of every input: one marshmallow schema per step type, shared by import, forms and API.

`lire_etape(brut)` turns one CONTRACT §3 step (a JSON object) into the domain command, or raises
`EtapeInvalideError` whose messages are French and keyed by the field at fault (`data.jour`…).
Rules about the pathway (sequences, uniqueness) are the domain's, not this module's. Must not
import flask or the read-model layers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date as _date
from decimal import Decimal
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from parcours.action import DUREE_MAX_SEANCE_H
from parcours.commandes import EnregistrerEtape, ReferencePersonne
from parcours.erreurs import EtapeRejeteeError
from parcours.pays import NOMS_PAYS
from parcours.saisie import caractere_interdit, message_caractere
from parcours.vocabulaire import (
    FORFAITS_HEURES,
    SOUS_MOTIFS,
    CategorieSortie,
    DemarcheQualification,
    Frein,
    MotifRefusAgir,
    ResultatVolet,
    StatutDemarche,
    MotifChoixSpe,
    MotifDispenseFormation,
    MotifDispenseOrientation,
    MotifFinFormation,
    MotifSejour,
    MotifSortieAgir,
    NiveauCible,
    NiveauLangue,
    OrganeProtection,
    Programme,
    Sexe,
    SituationLogement,
    SituationPro,
    TypeContrat,
    TypeEtape,
    TypeEvaluation,
    TypeFormationLinguistique,
    TypeFormationPro,
    TypeProtection,
    TypeTitre,
    MotifSortieAction,
    NatureEvenement,
    OutilNumerique,
    PublicAction,
    Thematique,
    ThemeValeurs,
    Visibilite,
    VoletAgir,
    ETAPES_D_ACTION,
    ETAPES_PERSONNE_ET_ACTION,
    ETAPES_RATTACHABLES_A_UNE_ACTION,
    ETAPES_DE_GESTION,
)

OBLIGATOIRE = "Ce champ est obligatoire."
NUMERO_ETRANGER = re.compile(r"[0-9]{10}")
"""ASCII digits only (`\\d` would take fullwidth or Arabic-Indic ones, giving one numéro three spellings); fullmatch."""
DEPARTEMENT = re.compile(r"(0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-6])")
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
"""Matched whole (`fullmatch`): with `^…$`, "75\n" would pass, `$` matching before a final newline."""

PAYS_ISO3 = frozenset(NOMS_PAYS)
"""ISO 3166-1 alpha-3 codes (plus XKX, Kosovo, as used by French administrations)."""


# Fields with French messages ---------------------------------------------------------------------


class _EnFrancais:
    default_error_messages = {
        "required": OBLIGATOIRE,
        "null": "Ce champ ne peut pas être vide (null).",
        "validator_failed": "Valeur invalide.",
    }


def validate_length(longueur_max: int) -> validate.Length:
    return validate.Length(min=1, max=longueur_max, error=f"Entre 1 et {longueur_max} caractères.")


class Texte(_EnFrancais, fields.String):
    """A text without control or invisible characters (`parcours.saisie`); line breaks only in long texts
    (notes, reasons: `longueur_max` ≥ 500)."""

    default_error_messages = {"invalid": "Texte attendu."}

    def __init__(self, longueur_max: int = 200, validate: Any = None, multiligne: bool | None = None, **kwargs: Any) -> None:
        longueur = validate_length(longueur_max)
        self.multiligne = longueur_max >= 500 if multiligne is None else multiligne
        super().__init__(validate=[self._sans_caractere_interdit, longueur, *([validate] if validate else [])], **kwargs)

    def _sans_caractere_interdit(self, valeur: str) -> None:
        caractere = caractere_interdit(valeur, self.multiligne)
        if caractere is not None:
            raise ValidationError(message_caractere(caractere)[0].upper() + message_caractere(caractere)[1:])


class Regexp(validate.Regexp):
    """The whole value must match (`re.fullmatch`): `^…$` lets a final newline through."""

    def __call__(self, value: str) -> str:
        if self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


class Date(_EnFrancais, fields.Date):
    """An ISO date from 1900 on (a birth in year 0001 is a typing error, and year 0 does not exist)."""

    default_error_messages = {"invalid": "Date attendue au format AAAA-MM-JJ.", "format": "Date invalide."}
    PREMIERE = _date(1900, 1, 1)
    DERNIERE = _date(2100, 12, 31)

    def __init__(self, **kwargs: Any) -> None:
        plage = validate.Range(min=self.PREMIERE, max=self.DERNIERE,
                               error="Date entre le 01/01/1900 et le 31/12/2100 attendue.")
        super().__init__(validate=plage, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, str) or len(value) != 10 or caractere_interdit(value) is not None:
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class Booleen(_EnFrancais, fields.Boolean):
    default_error_messages = {"invalid": "Booléen attendu (true ou false)."}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(truthy={True, "true", "on", "1", "oui"}, falsy={False, "false", "off", "0", "non"}, **kwargs)


class Entier(_EnFrancais, fields.Integer):
    default_error_messages = {"invalid": "Nombre entier attendu.", "too_large": "Nombre trop grand."}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=False, **kwargs)


class Nombre(_EnFrancais, fields.Float):
    default_error_messages = {"invalid": "Nombre attendu.", "too_large": "Nombre trop grand.", "special": "Nombre attendu."}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            allow_nan=False,
            validate=validate.Range(min=0, max=100_000, error="Nombre entre {min} et {max} attendu."),
            **kwargs,
        )


class Identifiant(_EnFrancais, fields.UUID):
    default_error_messages = {"invalid_uuid": "Identifiant (UUID) invalide."}


class Enumeration(_EnFrancais, fields.Enum):
    default_error_messages = {"unknown": "Valeur inconnue : choisir parmi {choices}."}

    def __init__(self, enumeration: Any, **kwargs: Any) -> None:
        super().__init__(enumeration, by_value=True, **kwargs)


class Liste(_EnFrancais, fields.List):
    default_error_messages = {"invalid": "Liste attendue."}


class Objet(_EnFrancais, fields.Dict):
    default_error_messages = {"invalid": "Objet JSON attendu."}


class Slug(Texte):
    def __init__(self, **kwargs: Any) -> None:
        regexp = Regexp(SLUG, error="Identifiant d'opérateur attendu (minuscules, chiffres, tirets).")
        super().__init__(longueur_max=80, validate=regexp, **kwargs)


class SchemaStrict(Schema):
    """Unknown fields are rejected, with French messages."""

    error_messages = {"unknown": "Champ inconnu.", "type": "Objet JSON attendu."}

    class Meta:
        unknown = RAISE


def obligatoire(champ: fields.Field) -> fields.Field:
    champ.required = True
    return champ


def facultatif(champ: fields.Field) -> fields.Field:
    champ.required = False
    champ.allow_none = True
    return champ


# One schema per step type: the `data` object ---------------------------------------------------------


class PersonneEnregistreeSchema(SchemaStrict):
    nom = Texte(required=True, metadata={"label": "Nom"})
    prenom = Texte(required=True, metadata={"label": "Prénom"})
    date_naissance = Date(required=True, metadata={"label": "Date de naissance"})
    sexe = Enumeration(Sexe, required=True, metadata={"label": "Sexe"})
    nationalite = Texte(
        required=True,
        validate=validate.OneOf(sorted(PAYS_ISO3), error="Code pays ISO 3166 alpha-3 attendu (ex. AFG)."),
        metadata={"label": "Nationalité", "hint": "pays de nationalité, à choisir dans la liste"},
    )
    departement = Texte(
        required=True,
        longueur_max=3,
        validate=Regexp(DEPARTEMENT, error="Code de département attendu (75, 2A, 971…)."),
        metadata={"label": "Département"},
    )
    numero_etranger = Texte(
        allow_none=True,
        longueur_max=10,
        validate=Regexp(NUMERO_ETRANGER, error="Le numéro étranger compte 10 chiffres."),
        metadata={"label": "Numéro étranger (AGDREF)", "hint": "10 chiffres"},
    )
    menage = Texte(allow_none=True, longueur_max=64, metadata={"label": "Ménage", "hint": "identifiant commun aux membres du ménage"})


class TitreSejourDelivreSchema(SchemaStrict):
    motif = Enumeration(MotifSejour, required=True, metadata={"label": "Motif d'admission"})
    sous_motif = Texte(required=True, longueur_max=40, metadata={"label": "Sous-motif"})
    type_titre = Enumeration(TypeTitre, required=True, metadata={"label": "Type de titre"})
    valid_from = Date(required=True, metadata={"label": "Valable à partir du"})
    valid_to = Date(allow_none=True, metadata={"label": "Valable jusqu'au"})
    premier_titre = Booleen(required=True, metadata={"label": "Premier titre de séjour"})

    @validates_schema
    def _sous_motif_du_motif(self, data: dict[str, Any], **kwargs: Any) -> None:
        motif, sous_motif = data.get("motif"), data.get("sous_motif")
        if motif is not None and sous_motif is not None and sous_motif not in SOUS_MOTIFS[motif]:
            raise ValidationError(
                f"Sous-motif inconnu pour {motif.value} : choisir parmi {', '.join(SOUS_MOTIFS[motif])}.", "sous_motif"
            )


class ProtectionAccordeeSchema(SchemaStrict):
    type = Enumeration(TypeProtection, required=True, metadata={"label": "Protection"})
    decision_date = Date(required=True, metadata={"label": "Date de la décision"})
    organe = Enumeration(OrganeProtection, required=True, metadata={"label": "Organe"})


class CirSigneSchema(SchemaStrict):
    dt_ofii = Texte(required=True, longueur_max=80, metadata={"label": "Direction territoriale OFII"})
    representant_legal = Texte(allow_none=True, metadata={"label": "Représentant légal", "hint": "obligatoire de 16 à 17 ans"})


class PositionnementLinguistiqueSchema(SchemaStrict):
    niveau_oral = Enumeration(NiveauLangue, required=True, metadata={"label": "Niveau à l'oral"})
    niveau_ecrit = Enumeration(NiveauLangue, required=True, metadata={"label": "Niveau à l'écrit"})
    non_lecteur_non_scripteur = Booleen(required=True, metadata={"label": "Non lecteur, non scripteur"})


class FormationCiviqueJourneeSchema(SchemaStrict):
    jour = Entier(
        required=True,
        validate=validate.Range(min=1, max=4, error="Jour de 1 à 4."),
        metadata={"label": "Journée (1 à 4)"},
    )
    present = Booleen(required=True, metadata={"label": "Présent"})


class FormationLinguistiquePrescriteSchema(SchemaStrict):
    type = Enumeration(TypeFormationLinguistique, required=True, metadata={"label": "Type de formation"})
    forfait_h = Entier(
        required=True,
        validate=validate.OneOf(FORFAITS_HEURES, error="Forfait de 100, 200, 400 ou 600 heures."),
        metadata={"label": "Forfait (heures)"},
    )
    niveau_cible = Enumeration(NiveauCible, required=True, metadata={"label": "Niveau visé"})


class DispenseFormationLinguistiqueSchema(SchemaStrict):
    motif = Enumeration(MotifDispenseFormation, required=True, metadata={"label": "Motif de la dispense"})


class FormationLinguistiqueHeuresSchema(SchemaStrict):
    periode_debut = Date(required=True, metadata={"label": "Début de période"})
    periode_fin = Date(required=True, metadata={"label": "Fin de période"})
    heures_planifiees = Nombre(required=True, metadata={"label": "Heures planifiées"})
    heures_realisees = Nombre(required=True, metadata={"label": "Heures réalisées"})


class EvaluationLinguistiqueSchema(SchemaStrict):
    type = Enumeration(TypeEvaluation, required=True, metadata={"label": "Évaluation"})
    niveau_oral = Enumeration(NiveauLangue, required=True, metadata={"label": "Niveau à l'oral"})
    niveau_ecrit = Enumeration(NiveauLangue, required=True, metadata={"label": "Niveau à l'écrit"})
    score = Nombre(allow_none=True, metadata={"label": "Score"})


class FormationLinguistiqueTermineeSchema(SchemaStrict):
    motif = Enumeration(MotifFinFormation, required=True, metadata={"label": "Motif de fin"})


class EntretienFinCirSchema(SchemaStrict):
    situation_pro = Enumeration(SituationPro, required=True, metadata={"label": "Situation professionnelle"})


class OrientationSpeSchema(SchemaStrict):
    vers = Slug(required=True, metadata={"label": "Opérateur destinataire"})
    motif_choix = Enumeration(MotifChoixSpe, required=True, metadata={"label": "Motif du choix"})


class DispenseOrientationSpeSchema(SchemaStrict):
    demande_expresse = Booleen(required=True, metadata={"label": "Demande expresse de la personne"})
    motif = Enumeration(MotifDispenseOrientation, required=True, metadata={"label": "Motif"})


class OrientationAccepteeSchema(SchemaStrict):
    orientation_step_id = Identifiant(required=True, metadata={"label": "Orientation"})
    motif = Texte(allow_none=True, longueur_max=500, metadata={"label": "Commentaire"})


class OrientationRefuseeSchema(SchemaStrict):
    orientation_step_id = Identifiant(required=True, metadata={"label": "Orientation"})
    motif = Texte(required=True, longueur_max=500, metadata={"label": "Motif du refus"})


class OrientationAgirSchema(SchemaStrict):
    vers = Slug(required=True, metadata={"label": "Opérateur AGIR"})
    derogation_prefet = Booleen(allow_none=True, metadata={"label": "Dérogation du préfet"})


class AgirEntreeSchema(SchemaStrict):
    volets = Liste(
        Enumeration(VoletAgir),
        required=True,
        validate=validate.Length(min=1, max=3, error="Entre 1 et 3 volets."),
        metadata={"label": "Volets activés", "distincts": True},
    )

    @validates_schema
    def _volets_distincts(self, data: dict[str, Any], **kwargs: Any) -> None:
        volets = data.get("volets") or []
        if len(set(volets)) != len(volets):
            raise ValidationError("Chaque volet une seule fois.", "volets")


def _sans_doublon(valeurs: list[Any] | None, champ: str, message: str) -> None:
    valeurs = valeurs or []
    if len(set(valeurs)) != len(valeurs):
        raise ValidationError(message, champ)


class AgirAccueilSchema(SchemaStrict):
    diagnostic = Liste(
        Enumeration(VoletAgir),
        required=True,
        validate=validate.Length(max=3, error="Au plus 3 volets."),
        metadata={"label": "Besoins repérés au diagnostic", "hint": "volets à travailler", "distincts": True},
    )
    situation_logement = Enumeration(SituationLogement, required=True, metadata={"label": "Situation de logement à l'accueil"})
    situation_pro = Enumeration(SituationPro, required=True, metadata={"label": "Situation professionnelle à l'accueil"})

    @validates_schema
    def _volets_distincts(self, data: dict[str, Any], **kwargs: Any) -> None:
        _sans_doublon(data.get("diagnostic"), "diagnostic", "Chaque volet une seule fois.")


class AgirRefusSchema(SchemaStrict):
    motif = Enumeration(MotifRefusAgir, required=True, metadata={"label": "Motif du refus"})


class AgirVoletClotureSchema(SchemaStrict):
    volet = Enumeration(VoletAgir, required=True, metadata={"label": "Volet clôturé"})
    resultat = Enumeration(ResultatVolet, required=True, metadata={"label": "Résultat"})


class InscriptionSpeSchema(SchemaStrict):
    identifiant_spe = Texte(
        allow_none=True,
        longueur_max=40,
        metadata={"label": "Identifiant au service public de l'emploi", "hint": "donnée personnelle, chiffrée comme l'identité"},
    )


class PremierRendezVousSpeSchema(SchemaStrict):
    date_rdv = Date(required=True, metadata={"label": "Date du rendez-vous"})
    honore = Booleen(required=True, metadata={"label": "Rendez-vous honoré"})


class DiagnosticApprofondiSchema(SchemaStrict):
    freins = Liste(
        Enumeration(Frein),
        required=True,
        validate=validate.Length(max=len(Frein), error="Chaque frein une seule fois."),
        metadata={"label": "Freins repérés", "distincts": True},
    )

    @validates_schema
    def _freins_distincts(self, data: dict[str, Any], **kwargs: Any) -> None:
        _sans_doublon(data.get("freins"), "freins", "Chaque frein une seule fois.")


class ReconnaissanceQualificationsSchema(SchemaStrict):
    demarche = Enumeration(DemarcheQualification, required=True, metadata={"label": "Démarche"})
    statut = Enumeration(StatutDemarche, required=True, metadata={"label": "Statut de la démarche"})


class AgirSortieSchema(SchemaStrict):
    motif = Enumeration(MotifSortieAgir, required=True, metadata={"label": "Motif de sortie"})


class AccompagnementEmploiDebuteSchema(SchemaStrict):
    programme = Enumeration(Programme, required=True, metadata={"label": "Programme"})


class ContratTravailDebuteSchema(SchemaStrict):
    type_contrat = Enumeration(TypeContrat, required=True, metadata={"label": "Type de contrat"})
    date_debut = Date(required=True, metadata={"label": "Début du contrat"})
    date_fin_prevue = Date(allow_none=True, metadata={"label": "Fin prévue", "hint": "vide pour un contrat sans terme"})


class EntreeFormationSchema(SchemaStrict):
    type = Enumeration(TypeFormationPro, required=True, metadata={"label": "Type de formation"})
    date_debut = Date(required=True, metadata={"label": "Début"})
    date_fin_prevue = Date(allow_none=True, metadata={"label": "Fin prévue"})


class SortieAccompagnementSchema(SchemaStrict):
    categorie = Enumeration(CategorieSortie, required=True, metadata={"label": "Situation à la sortie"})


class SuiviSixMoisSchema(SchemaStrict):
    sortie_step_id = Identifiant(required=True, metadata={"label": "Sortie suivie"})
    repondant = Booleen(required=True, metadata={"label": "La personne a répondu"})
    categorie = Enumeration(CategorieSortie, allow_none=True, metadata={"label": "Situation à 6 mois"})


class SituationLogementSchema(SchemaStrict):
    situation = Enumeration(SituationLogement, required=True, metadata={"label": "Situation de logement"})


class EvenementCorrigeSchema(SchemaStrict):
    cible_step_id = Identifiant(required=True, metadata={"label": "Étape corrigée"})
    champs = Objet(required=True, metadata={"label": "Champs corrigés"})
    motif = Texte(required=True, longueur_max=500, metadata={"label": "Motif de la correction"})


class EvenementAnnuleSchema(SchemaStrict):
    cible_step_id = Identifiant(required=True, metadata={"label": "Étape annulée"})
    motif = Texte(required=True, longueur_max=500, metadata={"label": "Motif de l'annulation"})


class NoteSchema(SchemaStrict):
    texte = Texte(required=True, longueur_max=5000, metadata={"label": "Note"})
    visibilite = Enumeration(Visibilite, required=True, metadata={"label": "Visibilité"})


# Funded actions (CONTRACT §8) ----------------------------------------------------------------------------------


class Montant(_EnFrancais, fields.Float):
    """Euros, at most two decimals."""

    default_error_messages = {"invalid": "Montant en euros attendu.", "special": "Montant en euros attendu."}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            allow_nan=False,
            validate=[
                validate.Range(min=0, max=1_000_000_000, error="Montant entre {min} et {max} euros attendu."),
                _deux_decimales,
            ],
            **kwargs,
        )


def _deux_decimales(valeur: float) -> bool:
    # The decimal digits as written (`repr`), not `valeur * 100`: 171798691.83 × 100 is 17179869183.000002.
    if Decimal(repr(valeur)).as_tuple().exponent < -2:
        raise ValidationError("Deux décimales au plus (centimes).")
    return True


def distincts(valeurs: list[Any]) -> bool:
    """A list whose values appear once each (the OpenAPI document says `uniqueItems`, as for lists marked
    `metadata={"distincts": True}` whose schema checks it with its own message)."""
    if len(set(valeurs)) != len(valeurs):
        raise ValidationError("Chaque valeur une seule fois.")
    return True


class Duree(_EnFrancais, fields.Float):
    default_error_messages = {"invalid": "Durée en heures attendue.", "special": "Durée en heures attendue."}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_nan=False, validate=_duree_seance, **kwargs)


def _duree_seance(valeur: float) -> bool:
    if not 0 < valeur <= DUREE_MAX_SEANCE_H or valeur * 2 != int(valeur * 2):
        raise ValidationError("Une séance dure plus de 0 h et au plus 12 h, par demi-heures (ex. 1,5).")
    return True


class ActionDeclareeSchema(SchemaStrict):
    intitule = Texte(required=True, longueur_max=300, metadata={"label": "Intitulé de l'action"})
    annee = Entier(required=True, validate=validate.Range(min=2000, max=2100, error="Année entre {min} et {max}."),
                   metadata={"label": "Année"})
    thematiques = Liste(Enumeration(Thematique), required=True,
                        validate=[validate.Length(min=1, error="Au moins une thématique."), distincts],
                        metadata={"label": "Thématiques"})
    departements = Liste(
        Texte(longueur_max=3, validate=validate.Regexp(DEPARTEMENT, error="Code de département attendu (75, 2A, 971…).")),
        required=True, validate=[validate.Length(min=1, error="Au moins un département."), distincts],
        metadata={"label": "Départements"},
    )
    objectif_beneficiaires = Entier(required=True, validate=validate.Range(min=0, max=1_000_000, error="Entier positif attendu."),
                                    metadata={"label": "Objectif : nombre de bénéficiaires"})
    objectif_acteurs = Entier(allow_none=True, validate=validate.Range(min=0, max=1_000_000, error="Entier positif attendu."),
                              metadata={"label": "Objectif : nombre d'acteurs formés"})
    themes_valeurs = Liste(Enumeration(ThemeValeurs), allow_none=True, validate=distincts,
                           metadata={"label": "Thèmes (principes de la République)"})
    themes_autres = Texte(allow_none=True, longueur_max=500, metadata={"label": "Autres thèmes (préciser)"})


class ActionBudgetSchema(SchemaStrict):
    cout_total = Montant(required=True, metadata={"label": "Coût total de l'action (€)"})
    subvention_p104 = Montant(required=True, metadata={"label": "Dont subvention du programme 104 (€)"})


class BeneficiaireInscritSchema(SchemaStrict):
    heures_prevues = Nombre(allow_none=True, metadata={"label": "Heures prévues (parcours individuel de formation)"})
    niveau_oral_debut = Enumeration(NiveauLangue, allow_none=True, metadata={"label": "Niveau oral au début"})
    niveau_ecrit_debut = Enumeration(NiveauLangue, allow_none=True, metadata={"label": "Niveau écrit au début"})
    situation_logement_debut = Enumeration(SituationLogement, allow_none=True, metadata={"label": "Logement à l'inscription"})


class BeneficiaireSortiActionSchema(SchemaStrict):
    niveau_oral_fin = Enumeration(NiveauLangue, allow_none=True, metadata={"label": "Niveau oral à la fin"})
    niveau_ecrit_fin = Enumeration(NiveauLangue, allow_none=True, metadata={"label": "Niveau écrit à la fin"})
    motif = Enumeration(MotifSortieAction, required=True, metadata={"label": "Motif de sortie"})


class SeanceTenueSchema(SchemaStrict):
    duree_h = Duree(required=True, metadata={"label": "Durée (heures)"})
    thematique = Enumeration(Thematique, required=True, metadata={"label": "Thématique"})
    public = Enumeration(PublicAction, required=True, metadata={"label": "Public"})
    presents = Liste(fields.Nested(lambda: ReferencePersonneSchema()), allow_none=True,
                     metadata={"label": "Bénéficiaires présents"})
    acteurs_presents = Entier(allow_none=True, validate=validate.Range(min=0, max=10_000, error="Entier positif attendu."),
                              metadata={"label": "Acteurs présents"})
    acteurs_nouveaux = Entier(allow_none=True, validate=validate.Range(min=0, max=10_000, error="Entier positif attendu."),
                              metadata={"label": "Dont nouveaux acteurs formés"})


class OutilDecritSchema(SchemaStrict):
    pour = Enumeration(PublicAction, required=True, metadata={"label": "Outil pour"})
    description = Texte(required=True, longueur_max=5000, metadata={"label": "Description"})


class OutilNumeriquePreteSchema(SchemaStrict):
    outil = Enumeration(OutilNumerique, required=True, metadata={"label": "Outil prêté"})


class ConsultationMedicaleSchema(SchemaStrict):
    """The fact only: no health data is ever recorded."""


class BinomeConstitueSchema(SchemaStrict):
    binome_ref = Texte(required=True, longueur_max=80, metadata={"label": "Référence du binôme"})


class EvenementTenuSchema(SchemaStrict):
    nature = Enumeration(NatureEvenement, required=True, metadata={"label": "Nature"})
    intitule = Texte(required=True, longueur_max=300, metadata={"label": "Intitulé"})
    presents = Liste(fields.Nested(lambda: ReferencePersonneSchema()), required=True,
                     metadata={"label": "Bénéficiaires présents"})


SCHEMAS_DONNEES: dict[TypeEtape, type[SchemaStrict]] = {
    TypeEtape.PERSONNE_ENREGISTREE: PersonneEnregistreeSchema,
    TypeEtape.TITRE_SEJOUR_DELIVRE: TitreSejourDelivreSchema,
    TypeEtape.PROTECTION_ACCORDEE: ProtectionAccordeeSchema,
    TypeEtape.CIR_SIGNE: CirSigneSchema,
    TypeEtape.POSITIONNEMENT_LINGUISTIQUE: PositionnementLinguistiqueSchema,
    TypeEtape.FORMATION_CIVIQUE_JOURNEE: FormationCiviqueJourneeSchema,
    TypeEtape.FORMATION_LINGUISTIQUE_PRESCRITE: FormationLinguistiquePrescriteSchema,
    TypeEtape.DISPENSE_FORMATION_LINGUISTIQUE: DispenseFormationLinguistiqueSchema,
    TypeEtape.FORMATION_LINGUISTIQUE_HEURES: FormationLinguistiqueHeuresSchema,
    TypeEtape.EVALUATION_LINGUISTIQUE: EvaluationLinguistiqueSchema,
    TypeEtape.FORMATION_LINGUISTIQUE_TERMINEE: FormationLinguistiqueTermineeSchema,
    TypeEtape.ENTRETIEN_FIN_CIR: EntretienFinCirSchema,
    TypeEtape.ORIENTATION_SPE: OrientationSpeSchema,
    TypeEtape.DISPENSE_ORIENTATION_SPE: DispenseOrientationSpeSchema,
    TypeEtape.ORIENTATION_ACCEPTEE: OrientationAccepteeSchema,
    TypeEtape.ORIENTATION_REFUSEE: OrientationRefuseeSchema,
    TypeEtape.ORIENTATION_AGIR: OrientationAgirSchema,
    TypeEtape.AGIR_ACCUEIL: AgirAccueilSchema,
    TypeEtape.AGIR_REFUS: AgirRefusSchema,
    TypeEtape.AGIR_ENTREE: AgirEntreeSchema,
    TypeEtape.AGIR_VOLET_CLOTURE: AgirVoletClotureSchema,
    TypeEtape.AGIR_SORTIE: AgirSortieSchema,
    TypeEtape.INSCRIPTION_SPE: InscriptionSpeSchema,
    TypeEtape.PREMIER_RENDEZ_VOUS_SPE: PremierRendezVousSpeSchema,
    TypeEtape.DIAGNOSTIC_APPROFONDI: DiagnosticApprofondiSchema,
    TypeEtape.RECONNAISSANCE_QUALIFICATIONS: ReconnaissanceQualificationsSchema,
    TypeEtape.ACCOMPAGNEMENT_EMPLOI_DEBUTE: AccompagnementEmploiDebuteSchema,
    TypeEtape.CONTRAT_TRAVAIL_DEBUTE: ContratTravailDebuteSchema,
    TypeEtape.ENTREE_FORMATION: EntreeFormationSchema,
    TypeEtape.SORTIE_ACCOMPAGNEMENT: SortieAccompagnementSchema,
    TypeEtape.SUIVI_SIX_MOIS: SuiviSixMoisSchema,
    TypeEtape.SITUATION_LOGEMENT: SituationLogementSchema,
    TypeEtape.EVENEMENT_CORRIGE: EvenementCorrigeSchema,
    TypeEtape.EVENEMENT_ANNULE: EvenementAnnuleSchema,
    TypeEtape.NOTE: NoteSchema,
    TypeEtape.ACTION_DECLAREE: ActionDeclareeSchema,
    TypeEtape.ACTION_BUDGET: ActionBudgetSchema,
    TypeEtape.BENEFICIAIRE_INSCRIT: BeneficiaireInscritSchema,
    TypeEtape.BENEFICIAIRE_SORTI_ACTION: BeneficiaireSortiActionSchema,
    TypeEtape.SEANCE_TENUE: SeanceTenueSchema,
    TypeEtape.OUTIL_DECRIT: OutilDecritSchema,
    TypeEtape.OUTIL_NUMERIQUE_PRETE: OutilNumeriquePreteSchema,
    TypeEtape.CONSULTATION_MEDICALE: ConsultationMedicaleSchema,
    TypeEtape.BINOME_CONSTITUE: BinomeConstitueSchema,
    TypeEtape.EVENEMENT_TENU: EvenementTenuSchema,
}
assert set(SCHEMAS_DONNEES) == set(TypeEtape), "every step type needs its schema"


# The envelope ------------------------------------------------------------------------------------------


class ReferencePersonneSchema(SchemaStrict):
    numero_etranger = Texte(
        allow_none=True,
        longueur_max=10,
        validate=Regexp(NUMERO_ETRANGER, error="Le numéro étranger compte 10 chiffres."),
    )
    parcours_id = Identifiant(allow_none=True)

    @validates_schema
    def _une_reference(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data.get("numero_etranger") and not data.get("parcours_id"):
            raise ValidationError("Indiquez numero_etranger ou parcours_id.", "numero_etranger")


class EtapeSchema(SchemaStrict):
    step_id = Identifiant(required=True)
    type = Enumeration(TypeEtape, required=True, error_messages={"unknown": "Type d'étape inconnu."})
    occurred_on = Date(required=True)
    operateur = Slug(required=True)
    agent = Texte(required=True, longueur_max=120)
    personne = fields.Nested(ReferencePersonneSchema, allow_none=True)
    action = Texte(allow_none=True, longueur_max=80,
                   validate=validate.Regexp(SLUG, error="Identifiant d'action attendu (minuscules, chiffres, tirets)."))
    data = Objet(required=True)

    @validates_schema
    def _action_a_sa_place(self, data: dict[str, Any], **kwargs: Any) -> None:
        type_etape, action = data.get("type"), data.get("action")
        if type_etape is None:
            return
        if type_etape in ETAPES_D_ACTION | ETAPES_PERSONNE_ET_ACTION and not action:
            raise ValidationError(f"Obligatoire pour une étape « {type_etape.value} » (identifiant de l'action).", "action")
        if type_etape in ETAPES_D_ACTION and data.get("personne"):
            raise ValidationError(f"Une étape « {type_etape.value} » s'enregistre sur l'action, sans personne.", "personne")
        permises = ETAPES_D_ACTION | ETAPES_PERSONNE_ET_ACTION | ETAPES_RATTACHABLES_A_UNE_ACTION | ETAPES_DE_GESTION
        if action and type_etape not in permises:
            raise ValidationError(f"Une étape « {type_etape.value} » ne se rattache pas à une action.", "action")


class EtapeInvalideError(EtapeRejeteeError):
    """The step is not well-formed: `erreurs` maps each faulty field to its French messages."""

    def __init__(self, erreurs: Mapping[str, list[str]]) -> None:
        self.erreurs = dict(erreurs)
        champ, messages = next(iter(self.erreurs.items()))
        autres = len(self.erreurs) - 1
        suite = f" (et {autres} autre{'s' if autres > 1 else ''} champ{'s' if autres > 1 else ''})" if autres else ""
        super().__init__(" ".join(messages) + suite, champ)

    def detail(self) -> str:
        return " ; ".join(f"{champ} : {' '.join(messages)}" for champ, messages in self.erreurs.items())


# Schemas are stateless once built: one instance each serves every load (building one costs more than a load).
_INSTANCES = {type_etape: schema() for type_etape, schema in SCHEMAS_DONNEES.items()}
_ENVELOPPE = EtapeSchema()


def _aplatir(messages: Any, prefixe: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages → {"data.jour": ["…"]}; list indices become ".0"."""
    if isinstance(messages, list):
        return {prefixe or "_": [str(m) for m in messages]}
    plat: dict[str, list[str]] = {}
    for cle, valeur in messages.items():
        nom = str(cle) if cle != "_schema" else ""
        chemin = ".".join(p for p in (prefixe, nom) if p)
        plat.update(_aplatir(valeur, chemin))
    return plat


def lire_donnees(type_etape: TypeEtape, donnees: Any, prefixe: str = "data", partiel: bool = False) -> dict[str, Any]:
    """Load one step type's `data` (or, partially, the corrected fields of a step of that type)."""
    try:
        return _INSTANCES[type_etape].load(donnees, partial=partiel)
    except ValidationError as erreur:
        raise EtapeInvalideError(_aplatir(erreur.messages, prefixe)) from None


def valider_champs_corriges(type_cible: TypeEtape, champs: Mapping[str, Any]) -> dict[str, Any]:
    """The corrected fields of an `evenement_corrige`, checked against the corrected step's schema."""
    return lire_donnees(type_cible, champs, prefixe="data.champs", partiel=True)


def lire_etape(brut: Any) -> EnregistrerEtape:
    """One CONTRACT §3 step → the domain command; raises `EtapeInvalideError`."""
    try:
        enveloppe = _ENVELOPPE.load(brut)
    except ValidationError as erreur:
        erreurs = _aplatir(erreur.messages)
        # Name every faulty field at once: the data's own errors too, when its type is known.
        if isinstance(brut, Mapping) and brut.get("type") in TypeEtape.valeurs() and "data" not in erreurs:
            try:
                lire_donnees(TypeEtape(brut["type"]), brut.get("data"))
            except EtapeInvalideError as invalide:
                erreurs.update(invalide.erreurs)
        raise EtapeInvalideError(erreurs) from None
    type_etape: TypeEtape = enveloppe["type"]
    donnees = lire_donnees(type_etape, enveloppe["data"])
    reference = enveloppe.get("personne")
    return EnregistrerEtape(
        step_id=enveloppe["step_id"],
        type=type_etape,
        occurred_on=enveloppe["occurred_on"],
        operateur=enveloppe["operateur"],
        agent=enveloppe["agent"],
        donnees=donnees,
        personne=ReferencePersonne(**reference) if reference else None,
        action=enveloppe.get("action"),
    )

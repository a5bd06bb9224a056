"""The OpenAPI 3 document of `/api/v1`, generated from the same marshmallow schemas as the import.

Each step type's `data` schema becomes a component; a step is one of them, told apart by `type`.
Must not import `web.pages.dossier`.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from parcours.action import DUREE_MAX_SEANCE_H
from parcours.vocabulaire import ETAPES_D_ACTION, ETAPES_DE_GESTION, ETAPES_PERSONNE_ET_ACTION, ETAPES_RATTACHABLES_A_UNE_ACTION, TypeEtape
from projections.indicateurs import FAMILLES
from web.saisie.schemas import SCHEMAS_DONNEES, Duree, EtapeSchema, Montant, ReferencePersonneSchema, Texte, distincts

ACTION = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 80,
          "description": "Identifiant de l'action financée (programme 104) choisi par son porteur (CONTRACT §8)."}

VERSION_API = "1.0.0"

FORMATS_DE_TEXTE = {
    "texte": "Texte sans caractère de contrôle, invisible ou non attribué (Unicode Cc, Cf, Cs, Cn, Zl, Zp) : "
             "refusé en 422 avec le champ nommé (400 dans un paramètre d'URL).",
    "texte-multiligne": "Comme « texte », sauf les sauts de ligne, tabulations et (anti)liants sans chasse (U+200C, U+200D).",
}
"""The string formats of the document: what `parcours.saisie` refuses in a typed or sent text."""


def _ce_que_le_champ_verifie(converter: Any, field: Any, **kwargs: Any) -> dict[str, Any]:
    """What `web.saisie.schemas`' own fields check beyond apispec's reading: a text names its format, a pattern is
    matched whole as `web.saisie.schemas.Regexp` does (JSON Schema's `pattern` alone accepts any string containing a
    match), a session lasts half-hours up to 12 h, an amount counts cents, a list of distinct values says so."""
    ret = kwargs.get("ret", {})
    proprietes: dict[str, Any] = {}
    if isinstance(field, Texte) and "pattern" not in ret:
        proprietes["format"] = "texte-multiligne" if field.multiligne else "texte"
    if isinstance(field, Duree):
        proprietes.update({"exclusiveMinimum": 0, "maximum": DUREE_MAX_SEANCE_H, "multipleOf": 0.5})
    if isinstance(field, Montant):
        proprietes["multipleOf"] = 0.01
    if field.metadata.get("distincts") or distincts in getattr(field, "validators", ()):
        proprietes["uniqueItems"] = True
    if "pattern" in ret and not ret["pattern"].startswith("^"):
        proprietes["pattern"] = f"^(?:{ret['pattern']})$"
    return proprietes

ERREUR = {
    "type": "object",
    "required": ["code", "message"],
    "properties": {
        "code": {"type": "string", "description": "code stable (donnees_invalides, regle_metier, conflit_ecriture…)"},
        "message": {"type": "string"},
        "erreurs": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
}

ETAPE_ENREGISTREE = {
    "type": "object",
    "properties": {
        "position": {"type": "integer"},
        "step_id": {"type": "string", "format": "uuid"},
        "parcours_id": {"type": "string", "format": "uuid"},
        "type": {"type": "string"},
        "occurred_on": {"type": "string", "format": "date"},
        "operateur": {"type": "string"},
        "agent": {"type": "string"},
        "enregistre_le": {"type": "string"},
        "data": {"type": "object"},
        "drapeaux": {"type": "array", "items": {"type": "object"}},
        "annulee_par": {"type": ["string", "null"]},
    },
}

RESULTAT = {
    "type": "object",
    "required": ["statut", "step_id", "parcours_id"],
    "properties": {
        "statut": {"type": "string", "enum": ["acceptee", "doublon"]},
        "step_id": {"type": "string", "format": "uuid"},
        "parcours_id": {"type": "string", "format": "uuid"},
        "drapeaux": {"type": "array", "items": {"type": "object"}},
        "etape": {"oneOf": [{"$ref": "#/components/schemas/EtapeEnregistree"}, {"type": "null"}]},
    },
}


def _reponses(*statuts: int, succes: dict[int, Any] | None = None) -> dict[str, Any]:
    libelles = {
        200: "Succès", 201: "Étape enregistrée",
        400: "Requête invalide (JSON mal formé ou trop imbriqué, caractère de contrôle dans un paramètre)", 401: "Jeton absent, invalide ou révoqué", 403: "Portée ou rôle insuffisant",
        404: "Introuvable ou non visible pour cet opérateur", 409: "Conflit (règle métier ou écriture concurrente)",
        413: "Requête trop volumineuse", 415: "JSON attendu", 422: "Données invalides", 429: "Trop de requêtes",
    }
    reponses: dict[str, Any] = {}
    # Any request can be malformed: every operation documents its 400.
    for statut in sorted({*statuts, 400}):
        if succes and statut in succes:
            reponses[str(statut)] = {"description": libelles[statut], "content": {"application/json": {"schema": succes[statut]}}}
        else:
            reponses[str(statut)] = {
                "description": libelles[statut],
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Erreur"}}},
            }
    return reponses


@cache
def document() -> dict[str, Any]:
    marshmallow = MarshmallowPlugin()
    spec = APISpec(
        title="Parcours — API des opérateurs",
        version=VERSION_API,
        openapi_version="3.1.0",
        plugins=[marshmallow],
        info={"description": "Échange automatisé des étapes des parcours d'intégration (accord-cadre, article 4).\n\n"
                             "Formats de texte : " + " ".join(f"`{nom}` : {sens}" for nom, sens in FORMATS_DE_TEXTE.items())},
        servers=[{"url": "/"}],
    )
    assert marshmallow.converter is not None
    marshmallow.converter.add_attribute_function(_ce_que_le_champ_verifie)
    enveloppe = {nom: marshmallow.converter.field2property(EtapeSchema().fields[nom]) for nom in ("occurred_on", "operateur", "agent")}
    spec.components.security_scheme("jeton", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Erreur", ERREUR)
    spec.components.schema("EtapeEnregistree", ETAPE_ENREGISTREE)
    spec.components.schema("Resultat", RESULTAT)
    spec.components.schema("ReferencePersonne", schema=ReferencePersonneSchema)
    variantes = []
    for type_etape, schema in SCHEMAS_DONNEES.items():
        nom = f"Donnees_{type_etape.value}"
        spec.components.schema(nom, schema=schema)
        proprietes: dict[str, Any] = {
            "step_id": {"type": "string", "format": "uuid"},
            "type": {"const": type_etape.value},
            "occurred_on": enveloppe["occurred_on"],
            "operateur": enveloppe["operateur"],
            "agent": enveloppe["agent"],
            "personne": {"oneOf": [{"$ref": "#/components/schemas/ReferencePersonne"}, {"type": "null"}]},
            "data": {"$ref": f"#/components/schemas/{nom}"},
        }
        requis = ["step_id", "type", "occurred_on", "operateur", "agent", "data"]
        # CONTRACT §8: a funded action's steps name it; those on the action itself name no person.
        if type_etape in ETAPES_D_ACTION | ETAPES_PERSONNE_ET_ACTION:
            requis.append("action")
        if type_etape in ETAPES_D_ACTION:
            del proprietes["personne"]
        if type_etape in ETAPES_D_ACTION | ETAPES_PERSONNE_ET_ACTION | ETAPES_RATTACHABLES_A_UNE_ACTION | ETAPES_DE_GESTION:
            proprietes["action"] = ACTION
        variantes.append({"type": "object", "required": requis, "additionalProperties": False, "properties": proprietes})
    spec.components.schema("Etape", {"oneOf": variantes, "description": EtapeSchema.__doc__ or "Une étape (CONTRACT §3)."})
    texte = {"type": "string", "format": "texte"}
    jour = {"type": "string", "format": "date", "x-minimum": "1900-01-01"}
    securite = [{"jeton": []}]
    corps_etape = {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Etape"}}}}
    resultat = {"$ref": "#/components/schemas/Resultat"}
    spec.path(
        path="/api/v1/steps",
        operations={
            "post": {
                "summary": "Enregistrer une étape",
                "description": "Même step_id et même contenu : 200 avec le résultat d'origine (idempotence).",
                "security": securite,
                "requestBody": corps_etape,
                "responses": _reponses(200, 201, 401, 403, 404, 409, 413, 415, 422, 429, succes={200: resultat, 201: resultat}),
            }
        },
    )
    spec.path(
        path="/api/v1/steps:batch",
        operations={
            "post": {
                "summary": "Enregistrer jusqu'à 1 000 étapes, chacune avec son résultat",
                "security": securite,
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {
                        "type": "object", "required": ["steps"],
                        "properties": {"steps": {"type": "array", "minItems": 1, "maxItems": 1000, "items": {
                            # Each item is checked alone: one that is not an Etape gets its own 422 result, the others are recorded.
                            "anyOf": [{"$ref": "#/components/schemas/Etape"}, {}],
                            "description": "Une étape (schéma Etape) ; un élément invalide reçoit son propre résultat 422 sans faire échouer le lot.",
                        }}},
                    }}},
                },
                "responses": _reponses(200, 401, 413, 415, 422, 429, succes={200: {
                    "type": "object",
                    "properties": {"resultats": {"type": "array", "items": {"type": "object", "required": ["index", "status"],
                                                                            "properties": {"index": {"type": "integer"}, "status": {"type": "integer"}}}}},
                }}),
            }
        },
    )
    personne = {"type": "object", "properties": {"parcours_id": {"type": "string", "format": "uuid"},
                                                 "resume": {"type": "object"}, "chronologie": {"type": "array", "items": {"type": "object"}},
                                                 "orientations": {"type": "array", "items": {"type": "object"},
                                                                  "description": "Chaque orientation et ce qu'elle est devenue (CONTRACT §9)."}}}
    spec.path(
        path="/api/v1/personnes/{parcours_id}",
        operations={"get": {
            "summary": "Résumé et chronologie d'une personne (consultation journalisée)",
            "security": securite,
            "parameters": [{"name": "parcours_id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}],
            "responses": _reponses(200, 401, 403, 404, 429, succes={200: personne}),
        }},
    )
    spec.path(
        path="/api/v1/personnes",
        operations={"get": {
            "summary": "Retrouver une personne par numéro étranger, parmi les parcours de l'opérateur",
            "security": securite,
            "parameters": [{"name": "numero_etranger", "in": "query", "required": True,
                            "schema": {"type": "string", "pattern": "^[0-9]{10}$"}}],
            "responses": _reponses(200, 401, 403, 422, 429, succes={200: {"type": "object", "properties": {"personnes": {
                "type": "array", "items": {"type": "object", "properties": {"parcours_id": {"type": "string", "format": "uuid"}}}}}}}),
        }},
    )
    spec.path(
        path="/api/v1/orientations",
        operations={"get": {
            "summary": "Orientations reçues en attente de réponse",
            "security": securite,
            "parameters": [{"name": "statut", "in": "query", "required": False, "schema": {"type": "string", "enum": ["en_attente"]}}],
            "responses": _reponses(200, 401, 403, 422, 429, succes={200: {"type": "object", "properties": {"orientations": {"type": "array", "items": {"type": "object"}}}}}),
        }},
    )
    motif = marshmallow.converter.field2property(SCHEMAS_DONNEES[TypeEtape.ORIENTATION_REFUSEE]().fields["motif"])

    def decision(*requis: str) -> dict[str, Any]:
        return {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["step_id", "agent", *requis],
            "properties": {"step_id": {"type": "string", "format": "uuid"}, "agent": enveloppe["agent"],
                           "occurred_on": enveloppe["occurred_on"], "motif": motif},
        }}}}

    for suffixe, resume_, corps in (("acceptation", "Accepter une orientation", decision()),
                                    ("refus", "Refuser une orientation (motif obligatoire)", decision("motif"))):
        spec.path(
            path=f"/api/v1/orientations/{{orientation_step_id}}/{suffixe}",
            operations={"post": {
                "summary": resume_,
                "security": securite,
                "parameters": [{"name": "orientation_step_id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}],
                "requestBody": corps,
                "responses": _reponses(200, 201, 401, 403, 404, 409, 415, 422, 429, succes={200: resultat, 201: resultat}),
            }},
        )
    spec.path(
        path="/api/v1/flux",
        operations={"get": {
            "summary": "Flux des étapes visibles par l'opérateur, dans l'ordre du journal",
            "security": securite,
            "parameters": [
                {"name": "apres", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 0, "maximum": 2**63 - 1}},
                {"name": "limite", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1, "maximum": 1000}},
            ],
            "responses": _reponses(200, 401, 403, 422, 429, succes={200: {"type": "object", "required": ["elements", "suivant", "fin"], "properties": {
                "elements": {"type": "array", "items": {"$ref": "#/components/schemas/EtapeEnregistree"}},
                "suivant": {"type": "integer"}, "fin": {"type": "boolean"}}}}),
        }},
    )
    spec.path(
        path="/api/v1/indicateurs",
        operations={"get": {
            "summary": "Indicateurs d'évaluation (portée statistics), comme `parcours indicators`",
            "security": securite,
            "parameters": [
                {"name": "du", "in": "query", "required": True, "schema": jour},
                {"name": "au", "in": "query", "required": True, "schema": jour},
                {"name": "vu_au", "in": "query", "required": False, "schema": jour},
                {"name": "position", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 0, "maximum": 2**63 - 1}},
                {"name": "departement", "in": "query", "required": False, "schema": texte},
                {"name": "operateur", "in": "query", "required": False, "schema": texte},
                {"name": "public", "in": "query", "required": False, "schema": {"type": "string", "enum": [
                    "bpi", "non_bpi", "femmes", "hommes", "moins_de_25_ans", "moins_de_26_ans"]}},
                {"name": "programme", "in": "query", "required": False, "schema": {"type": "string", "enum": ["spe", "agir", "bop104"]}},
            ],
            "responses": _reponses(200, 401, 403, 422, 429, succes={200: {
                "type": "object",
                "description": "Le document de `parcours indicators` (CONTRACT §5, §8 et §9) : familles `agir`, `spe` et `actions` comprises.",
                "required": ["periode", "vu_au", "position_journal", "filtres", *FAMILLES, "actions"],
                "properties": {**{famille: {"type": "object"} for famille in (*FAMILLES, "actions")},
                               "personnes_effacees_depuis": {"type": "integer", "minimum": 1, "description":
                                   "Rapport reproduit (`position`, `vu_au`) : personnes effacées depuis, qu'il ne compte plus "
                                   "(absent s'il n'y en a aucune)."}},
            }}),
        }},
    )
    document_ = spec.to_dict()
    # `ReferencePersonneSchema._une_reference`: one of the two, not null.
    document_["components"]["schemas"]["ReferencePersonne"]["anyOf"] = [
        {"required": [nom], "properties": {nom: {"type": "string"}}} for nom in ("numero_etranger", "parcours_id")
    ]
    return document_

"""The operator API (`/api/v1`): partner systems do by machine what caseworkers do by hand.

Bearer tokens per operator client (only their SHA-256 is stored), scopes read/write/statistics,
the same step schema as the import and the forms, idempotency on `step_id`, a change feed in log
order, and errors as JSON with a stable `code` (see `web.erreurs`). Access rules are `web.acces`'.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, g, jsonify, render_template, request

from parcours.commandes import EnregistrerEtape, EtapeEnregistree, ReferencePersonne
from parcours.comptes import Portee
from parcours.erreurs import ParcoursError
from parcours.vocabulaire import TypeEtape
from projections import tables as t
from projections.identites import ouvrir_etapes
from projections.document import calculer
from projections.indicateurs import Demande, DemandeInvalideError
from projections.lecture import en_json, en_utc, ligne_etape
from projections.masquage import en_mois_entiers, masquer
from projections.requetes import chronologie, etapes_cachees_du_flux, listes_de_travail, resume
from projections.suivi_orientations import devenir_des_orientations
from web.acces import AccesRefuseError, Acteur, IntrouvableError, acteur_de_jeton, exiger_ecriture, exiger_personne_visible
from web.deps import aujourdhui, parcours, services
from web.erreurs import corps_json, statut_et_code
from web.saisie.schemas import lire_etape
from web.api.openapi import document as document_openapi
from web.securite import CSP, empreinte_jeton

bp = Blueprint("api", __name__, url_prefix="/api/v1", static_folder="static_api", static_url_path="/static")

LOT_MAX = 1000
LIMITE_FLUX_MAX = 1000
POSITION_MAX = 2**63 - 1
"""Log positions are 64-bit integers in both databases."""


@bp.before_request
def _authentifier() -> None:
    if request.endpoint in ("api.openapi", "api.documentation", "api.static"):
        return
    entete = request.headers.get("Authorization", "")
    schema, _, jeton = entete.partition(" ")
    acteur = None
    if schema.lower() == "bearer" and jeton:
        acteur = acteur_de_jeton(_lectures(), empreinte_jeton(jeton.strip()), _parcours_nomme())
    if acteur is None:
        reponse = jsonify({"code": "authentification_requise", "message": "Jeton d'API absent, invalide ou révoqué."})
        reponse.status_code = 401
        reponse.headers["WWW-Authenticate"] = 'Bearer realm="parcours"'
        abort(reponse)
    g.acteur = acteur


def _parcours_nomme() -> str | None:
    """The pathway a request names (in its path, or the `personne.parcours_id` of a step), read before
    any check, so that authentication also tells whether the client is involved in it."""
    if request.view_args and "parcours_id" in request.view_args:
        return str(request.view_args["parcours_id"])
    if request.endpoint == "api.enregistrer_etape" and request.is_json:
        corps = request.get_json(silent=True)
        personne = corps.get("personne") if isinstance(corps, dict) else None
        parcours_id = personne.get("parcours_id") if isinstance(personne, dict) else None
        if isinstance(parcours_id, str) and len(parcours_id) <= 64:
            return parcours_id
    return None


@bp.teardown_request
def _fermer_lectures(_: BaseException | None = None) -> None:
    """Give the request's read connection back (also before waiting for the catch-up after a write: the
    thread applying the log may need one, and the waiting requests must not hold them all)."""
    connexion = g.pop("lectures", None)
    if connexion is not None:
        connexion.close()


def _lectures() -> sa.Connection:
    """The request's read-model connection: one check-out per request instead of one per query."""
    if "lectures" not in g:
        g.lectures = services().lire()
    return g.lectures


def _acteur() -> Acteur:
    return g.acteur


def _jour_parametre(nom: str) -> date:
    """A date query parameter, with a French message naming it (Python's own messages are English)."""
    valeur = request.args[nom]
    try:
        if len(valeur) != 10:
            raise ValueError
        jour = date.fromisoformat(valeur)
    except ValueError:
        raise ValueError(f"Paramètre {nom} : date AAAA-MM-JJ attendue.") from None
    if jour.year < 1900:
        raise ValueError(f"Paramètre {nom} : date à partir du 01/01/1900 attendue.")
    return jour


def _corps_json() -> Any:
    if not request.is_json:
        abort(415, description="Corps JSON attendu (Content-Type: application/json).")
    corps = request.get_json(silent=True)
    if corps is None:
        abort(400, description="JSON invalide.")
    return corps


# Documentation ----------------------------------------------------------------------------------


@bp.get("/openapi.json")
def openapi() -> Any:
    return jsonify(document_openapi())


@bp.get("/docs")
def documentation() -> Any:
    """Swagger UI, vendored; its widgets set inline styles, so this page alone allows them."""
    reponse = Response(render_template("api/docs.html"))
    reponse.headers["Content-Security-Policy"] = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    return reponse


# Steps -------------------------------------------------------------------------------------------


def _preparer(acteur: Acteur, brut: Any) -> EnregistrerEtape:
    """Syntax, then who may record it: on behalf of the client's own operator, on a pathway it is involved in."""
    commande = lire_etape(brut)
    if commande.operateur != acteur.operateur:
        raise AccesRefuseError(f"ce client enregistre au nom de « {acteur.operateur} » uniquement (champ operateur).")
    parcours_id = None
    if commande.type is not TypeEtape.PERSONNE_ENREGISTREE:
        parcours_id = _parcours_de(commande.personne)
    exiger_ecriture(_lectures(), acteur, commande.type, parcours_id)
    return commande


def _parcours_de(reference: ReferencePersonne | None) -> UUID | None:
    if reference is None:
        return None
    if reference.parcours_id is not None:
        return reference.parcours_id
    trouve = parcours().trouver_par_numero(reference.numero_etranger or "")
    if trouve is None:
        # The same answer as for a person this operator does not follow: a token must not learn which
        # numéros exist elsewhere.
        raise IntrouvableError(reference.numero_etranger or "")
    return trouve


def _etape_enregistree(step_id: UUID) -> dict[str, Any] | None:
    connexion = _lectures()
    ligne = connexion.execute(sa.select(t.etape).where(t.etape.c.step_id == str(step_id))).mappings().first()
    return _etape_publique(ouvrir_etapes(connexion, [ligne])[0]) if ligne else None


def _etape_publique(ligne: dict[str, Any]) -> dict[str, Any]:
    """A step as partners see it, from its read-model row or from the event just recorded (`ligne_etape`)."""
    return {
        "position": ligne["position"],
        "step_id": ligne["step_id"],
        "parcours_id": ligne["parcours_id"],
        "type": ligne["type"],
        "occurred_on": en_json(ligne["occurred_on"]),
        "operateur": ligne["operateur"],
        "agent": ligne["agent"],
        "enregistre_le": en_json(en_utc(ligne["enregistre_le"])),
        "data": ligne["donnees"],
        "drapeaux": ligne["drapeaux"],
        "annulee_par": ligne.get("annulee_par"),
    }


def _resultat(resultat: EtapeEnregistree) -> tuple[dict[str, Any], int]:
    corps = {
        "statut": resultat.statut,
        "step_id": str(resultat.step_id),
        "parcours_id": str(resultat.parcours_id),
        "drapeaux": list(resultat.drapeaux),
        "etape": (
            _etape_publique(ligne_etape(resultat.position, resultat.evenement))
            if resultat.evenement is not None and resultat.position is not None
            else _etape_enregistree(resultat.step_id)
        ),
    }
    return corps, 201 if resultat.statut == "acceptee" else 200


@bp.post("/steps")
def enregistrer_etape() -> Any:
    """Record one step; the same step_id again answers 200 with what was recorded the first time."""
    commande = _preparer(_acteur(), _corps_json())
    _fermer_lectures()
    resultat = services().enregistrer_etape(commande)
    corps, statut = _resultat(resultat)
    return jsonify(corps), statut


@bp.post("/steps:batch")
def enregistrer_lot() -> Any:
    """Up to 1,000 steps in one request; each gets its own result, none is half-recorded."""
    corps = _corps_json()
    etapes = corps.get("steps") if isinstance(corps, dict) else None
    if not isinstance(etapes, list) or not etapes:
        abort(422, description="Objet attendu : {\"steps\": [ … ]} avec au moins une étape.")
    if len(etapes) > LOT_MAX:
        abort(413, description=f"Au plus {LOT_MAX} étapes par lot.")
    acteur = _acteur()
    resultats: list[dict[str, Any] | None] = [None] * len(etapes)
    a_enregistrer: list[tuple[int, EnregistrerEtape]] = []
    for index, brut in enumerate(etapes):
        try:
            a_enregistrer.append((index, _preparer(acteur, brut)))
        except (ParcoursError, IntrouvableError, AccesRefuseError) as erreur:
            resultats[index] = _echec(index, erreur)
    _fermer_lectures()
    issues = parcours().enregistrer_lot([commande for _, commande in a_enregistrer]) if a_enregistrer else []
    services().rattraper(jusqua=_position_a_lire(issues))
    for (index, _), issue in zip(a_enregistrer, issues):
        if isinstance(issue, EtapeEnregistree):
            corps_etape, statut = _resultat(issue)
            resultats[index] = {"index": index, "status": statut, **corps_etape}
        else:
            resultats[index] = _echec(index, issue)
    return jsonify({"resultats": resultats})


def _position_a_lire(issues: list[EtapeEnregistree | ParcoursError]) -> int | None:
    """The log position the answer must see; None (everything) when it reports a step recorded earlier."""
    positions = [issue.position for issue in issues if isinstance(issue, EtapeEnregistree)]
    if not positions:
        return 0
    if None in positions:
        return None
    return max(p for p in positions if p is not None)


def _echec(index: int, erreur: Exception) -> dict[str, Any]:
    statut, _ = statut_et_code(erreur)
    return {"index": index, "status": statut, **corps_json(erreur)}


# People ------------------------------------------------------------------------------------------


@bp.get("/personnes/<uuid:parcours_id>")
def personne(parcours_id: UUID) -> Any:
    """Summary and timeline, with the same visibility as the pages; the read is journaled."""
    acteur = _acteur()
    if parcours().effacee(parcours_id) is not None:
        abort(410, description="Les données de cette personne ont été effacées.")
    with services().lectures.connect() as connexion:
        exiger_personne_visible(connexion, acteur, parcours_id)
        synthese = resume(connexion, str(parcours_id), acteur.operateur, aujourdhui())
        etapes = chronologie(connexion, str(parcours_id), acteur.operateur)
        devenirs = devenir_des_orientations(connexion, str(parcours_id), aujourdhui())
    if synthese is None:
        raise IntrouvableError(str(parcours_id))
    parcours().journaliser_consultation(acteur.login, acteur.operateur, parcours_id, f"api:{request.path}")
    return jsonify(
        {
            "parcours_id": str(parcours_id),
            "resume": en_json(synthese),
            "chronologie": [
                {k: en_json(v) for k, v in asdict(e).items() if k not in ("donnees_initiales",)} for e in etapes
            ],
            "orientations": [
                {**en_json({k: v for k, v in asdict(d).items() if k != "personne"}),
                 "delai_reponse_jours": d.delai_reponse_jours, "delai_premier_rdv_jours": d.delai_premier_rdv_jours,
                 "delai_accueil_jours": d.delai_accueil_jours}
                for d in devenirs
            ],
        }
    )


@bp.get("/personnes")
def chercher_personne() -> Any:
    """Look a person up by numéro étranger, among the pathways the client's operator is involved in."""
    acteur = _acteur()
    acteur.exiger_portee(Portee.LECTURE)
    numero = request.args.get("numero_etranger", "")
    if not (numero.isascii() and numero.isdigit() and len(numero) == 10):
        abort(422, description="Paramètre numero_etranger : 10 chiffres attendus.")
    trouve = parcours().trouver_par_numero(numero)
    personnes = []
    if trouve is not None:
        with services().lectures.connect() as connexion:
            try:
                exiger_personne_visible(connexion, acteur, trouve)
                personnes.append({"parcours_id": str(trouve)})
            except IntrouvableError:
                pass
    return jsonify({"personnes": personnes})


# Orientations ------------------------------------------------------------------------------------


@bp.get("/orientations")
def orientations() -> Any:
    """The hand-over inbox: orientations sent to the client's operator and not answered yet."""
    acteur = _acteur()
    acteur.exiger_portee(Portee.LECTURE)
    statut = request.args.get("statut", "en_attente")
    if statut != "en_attente":
        abort(422, description="Paramètre statut : seule la valeur en_attente est prise en charge.")
    with services().lectures.connect() as connexion:
        listes = listes_de_travail(connexion, acteur.operateur, aujourdhui(), seulement=["orientations_en_attente"])
    recues = [
        {
            "orientation_step_id": o["formulaire"]["data"]["orientation_step_id"],
            "parcours_id": o["parcours_id"],
            "type": o["type"],
            "reponse_attendue_le": o["echeance"].isoformat(),
            "en_retard": o["en_retard"],
            "detail": o["detail"],
        }
        for o in listes["orientations_en_attente"]
        if o["sens"] == "recue"
    ]
    return jsonify({"orientations": recues})


def _decider(orientation_step_id: UUID, type_etape: TypeEtape) -> Any:
    acteur = _acteur()
    corps = _corps_json()
    if not isinstance(corps, dict):
        abort(422, description="Objet JSON attendu.")
    with services().lectures.connect() as connexion:
        ligne = connexion.execute(
            sa.select(t.etape.c.parcours_id).where(t.etape.c.step_id == str(orientation_step_id))
        ).first()
        if ligne is None:
            raise IntrouvableError(str(orientation_step_id))
        exiger_personne_visible(connexion, acteur, ligne.parcours_id)
    donnees = {"orientation_step_id": str(orientation_step_id)}
    if corps.get("motif") is not None:
        donnees["motif"] = corps["motif"]
    etape = {
        "step_id": corps.get("step_id"),
        "type": type_etape.value,
        "occurred_on": corps.get("occurred_on", aujourdhui().isoformat()),
        "operateur": acteur.operateur,
        "agent": corps.get("agent"),
        "personne": {"parcours_id": ligne.parcours_id},
        "data": donnees,
    }
    commande = _preparer(acteur, etape)
    _fermer_lectures()
    resultat = services().enregistrer_etape(commande)
    corps_reponse, statut = _resultat(resultat)
    return jsonify(corps_reponse), statut


@bp.post("/orientations/<uuid:orientation_step_id>/acceptation")
def accepter(orientation_step_id: UUID) -> Any:
    return _decider(orientation_step_id, TypeEtape.ORIENTATION_ACCEPTEE)


@bp.post("/orientations/<uuid:orientation_step_id>/refus")
def refuser(orientation_step_id: UUID) -> Any:
    return _decider(orientation_step_id, TypeEtape.ORIENTATION_REFUSEE)


# Change feed -------------------------------------------------------------------------------------


@bp.get("/flux")
def flux() -> Any:
    """Steps of the pathways the client's operator is involved in, in log order, after a position."""
    acteur = _acteur()
    acteur.exiger_portee(Portee.LECTURE)
    try:
        apres = int(request.args.get("apres", "0"))
        limite = int(request.args.get("limite", "100"))
    except ValueError:
        abort(422, description="Paramètres apres et limite : entiers attendus.")
    if not 0 <= apres <= POSITION_MAX or not 1 <= limite <= LIMITE_FLUX_MAX:
        abort(422, description=f"0 ≤ apres ≤ {POSITION_MAX} et 1 ≤ limite ≤ {LIMITE_FLUX_MAX}.")
    e, i = t.etape, t.implication
    with services().lectures.connect() as connexion:
        lignes = connexion.execute(
            sa.select(e)
            .join(i, sa.and_(i.c.parcours_id == e.c.parcours_id, i.c.operateur == acteur.operateur))
            .where(e.c.position > apres)
            .order_by(e.c.position)
            .limit(limite)
        ).mappings().all()
        cachees = etapes_cachees_du_flux(connexion, lignes, acteur.operateur)
        elements = [_etape_publique(ligne) for ligne in ouvrir_etapes(connexion, (ligne for ligne in lignes if ligne["step_id"] not in cachees))]
    suivant = lignes[-1]["position"] if lignes else apres
    return jsonify({"elements": elements, "suivant": suivant, "fin": len(lignes) < limite})


# Statistics --------------------------------------------------------------------------------------


@bp.get("/indicateurs")
def indicateurs() -> Any:
    """The CONTRACT §5 document, as `parcours indicators --format json` prints it."""
    acteur = _acteur()
    acteur.exiger_portee(Portee.STATISTIQUES)
    try:
        du = _jour_parametre("du")
        au = _jour_parametre("au")
        # Present but empty is malformed, not absent (schemathesis found `vu_au=` read as « today »).
        vu_au = _jour_parametre("vu_au") if "vu_au" in request.args else None
        brute = request.args.get("position")
        if brute is not None and not (brute.isascii() and brute.isdigit()):
            raise ValueError("position : entier attendu.")
        position = int(brute) if brute is not None else None
        if position is not None and not 0 <= position <= POSITION_MAX:
            raise ValueError(f"position entre 0 et {POSITION_MAX}.")
        # A statistics token reads protected figures (CONTRACT §7 defaults) over whole months.
        du, au = en_mois_entiers(du, au)
        demande = Demande(
            du, au, vu_au, position, None,
            request.args.get("operateur") or None,
            # An empty value is not one of the document's choices: refused like any unknown one, not read as « all ».
            request.args.get("public"),
            request.args.get("programme"),
            tuple(code for code in request.args.getlist("departement") if code),
        )
        document = masquer(calculer(services().lectures, demande))
    except KeyError as manque:
        abort(422, description=f"Paramètre {manque.args[0]} obligatoire (AAAA-MM-JJ).")
    except (ValueError, DemandeInvalideError) as erreur:
        abort(422, description=str(erreur))
    return Response(current_app.json.dumps(document), mimetype="application/json")

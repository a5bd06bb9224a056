"""The pages of funded actions (CONTRACT §8): declare, inscribe, call the roll, record exits, download the annex table.

A caseworker of the carrier declares its action and budget, finds a person by exact numéro étranger
with the birth date as a second factor (the lookup is journaled like any reading), registers them
if unknown, inscribes them, records sessions in one form (a roll call pre-ticked from the previous
session of the same thematic) and the other steps of the action; the action's page shows its figures
so far and downloads the annual table. Steering accounts (COPIL, responsables) see the list of
actions with target against realised, hours and cost per beneficiary. Every step goes through the
same schemas and rules as the API. Imports flask, `parcours`, `projections` and `web`.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from parcours.comptes import Role
from parcours.erreurs import EtapeRejeteeError
from parcours.vocabulaire import LIBELLES_ETAPES, LIBELLES_THEMATIQUES, Thematique, TypeEtape
from projections import tables as t
from projections.actions import Perimetre, chiffres
from projections.identites import ouvrir_personnes
from projections.evaluation_annuelle import Action, evaluer, feuilles
from projections.indicateurs import Cliche, Contexte, Demande, DemandeInvalideError, position_suivie
from projections.tableurs import FORMATS
from web.acces import AccesRefuseError, Acteur, exiger_ecriture
from web.auth import connexion_requise
from web.deps import aujourdhui, parcours, services
from web.exports_pilotage import reponse_tableur
from web.formulaires import champs, donnees_du_formulaire
from web.schemas import EtapeInvalideError, lire_etape

bp = Blueprint("actions", __name__)

PILOTES = (Role.COPIL, Role.RESPONSABLE, Role.ADMIN)
AUTRES_ETAPES = (TypeEtape.ACTION_BUDGET, TypeEtape.OUTIL_DECRIT, TypeEtape.OUTIL_NUMERIQUE_PRETE, TypeEtape.CONSULTATION_MEDICALE,
                 TypeEtape.BINOME_CONSTITUE, TypeEtape.BENEFICIAIRE_SORTI_ACTION, TypeEtape.EVENEMENT_TENU)
"""Steps recorded from the action's page with the generic form (the person, if any, chosen among the inscribed)."""
DE_BENEFICIAIRE = (TypeEtape.OUTIL_NUMERIQUE_PRETE, TypeEtape.CONSULTATION_MEDICALE, TypeEtape.BINOME_CONSTITUE,
                   TypeEtape.BENEFICIAIRE_SORTI_ACTION)
THEMATIQUES = {thematique.value: libelle for thematique, libelle in LIBELLES_THEMATIQUES.items()}
DECIMAUX = ("duree_h", "cout_total", "subvention_p104", "heures_prevues")


def _acteur() -> Acteur:
    return g.acteur


def _enregistrer(type_etape: TypeEtape, donnees: dict[str, Any], occurred_on: str, action: str,
                 personne: dict[str, str] | None = None) -> tuple[Any, dict[str, list[str]]]:
    """Record one step on behalf of the user's operator, by the API's path (syntax, access, rules)."""
    acteur = _acteur()
    brut: dict[str, Any] = {"step_id": request.form.get("step_id") or str(uuid.uuid4()), "type": type_etape.value,
                            "occurred_on": occurred_on, "operateur": acteur.operateur, "agent": acteur.login,
                            "action": action, "data": donnees}
    if personne:
        brut["personne"] = personne
    try:
        commande = lire_etape(brut)
        with services().lectures.connect() as connexion:
            exiger_ecriture(connexion, acteur, commande.type, (personne or {}).get("parcours_id"))
        return services().enregistrer_etape(commande), {}
    except EtapeInvalideError as erreur:
        return None, erreur.erreurs
    except EtapeRejeteeError as erreur:
        return None, {erreur.champ or "": [erreur.message]}


def _decimaux(donnees: dict[str, Any]) -> dict[str, Any]:
    """A French decimal comma is what caseworkers type: « 1,5 » h."""
    return {cle: valeur.replace(",", ".") if cle in DECIMAUX and isinstance(valeur, str) else valeur
            for cle, valeur in donnees.items()}


def _action_ou_404(action_id: str) -> dict[str, Any]:
    with services().lectures.connect() as connexion:
        ligne = connexion.execute(sa.select(t.action).where(t.action.c.action_id == action_id)).mappings().first()
    if ligne is None:
        abort(404, description=f"Action inconnue : {action_id}.")
    return dict(ligne)


def _exiger_porteur(action: dict[str, Any]) -> None:
    if _acteur().operateur != action["porteur"]:
        raise AccesRefuseError(f"seul le porteur de l'action ({action['porteur']}) enregistre sur elle.")


def _peut_voir(action: dict[str, Any]) -> bool:
    acteur = _acteur()
    return acteur.operateur == action["porteur"] or acteur.role in PILOTES


def _beneficiaires(action_id: str) -> list[dict[str, Any]]:
    """The action's inscribed people (as currently corrected), with their names and exit, for the carrier's pages."""
    f, p = t.fait_action, t.personne
    with services().lectures.connect() as connexion:
        lignes = connexion.execute(
            sa.select(f.c.parcours_id, f.c.type, f.c.occurred_on, f.c.valeurs)
            .join(p, p.c.parcours_id == f.c.parcours_id)
            .where(f.c.action == action_id, f.c.pos_fin.is_(None),
                   f.c.type.in_([TypeEtape.BENEFICIAIRE_INSCRIT.value, TypeEtape.BENEFICIAIRE_SORTI_ACTION.value]))
        ).mappings().all()
        identites = {i["parcours_id"]: i for i in ouvrir_personnes(connexion, connexion.execute(
            sa.select(p.c.parcours_id, p.c.identite).where(p.c.parcours_id.in_({ligne["parcours_id"] for ligne in lignes}))).mappings())}
    par_personne: dict[str, dict[str, Any]] = {}
    for ligne in lignes:
        identite = identites[ligne["parcours_id"]]
        fiche = par_personne.setdefault(ligne["parcours_id"], {
            "parcours_id": ligne["parcours_id"], "nom": f"{identite['nom'] or ''} {identite['prenom'] or ''}".strip(),
            "naissance": identite["date_naissance"], "inscrit_le": None, "sorti_le": None, "motif": None})
        if ligne["type"] == TypeEtape.BENEFICIAIRE_INSCRIT.value:
            fiche["inscrit_le"] = ligne["occurred_on"]
        else:
            fiche["sorti_le"], fiche["motif"] = ligne["occurred_on"], ligne["valeurs"].get("motif")
    return sorted((b for b in par_personne.values() if b["inscrit_le"]), key=lambda b: b["nom"].lower())


def _contexte(connexion: sa.Connection, annee: int) -> Contexte:
    return Contexte(connexion, Demande(date(annee, 1, 1), date(annee, 12, 31)), Cliche(position_suivie(connexion), None))


# The list ------------------------------------------------------------------------------------------------------


@bp.get("/actions")
@connexion_requise
def liste() -> Any:
    """The carrier's actions; for steering accounts, every action with target against realised."""
    acteur = _acteur()
    annee = request.args.get("annee", "")
    annee_n = int(annee) if annee.isdigit() and len(annee) == 4 else aujourdhui().year
    pilote = acteur.role in PILOTES
    with services().lectures.connect() as connexion:
        requete = sa.select(t.action).where(t.action.c.annee == annee_n).order_by(t.action.c.action_id)
        if not pilote:
            requete = requete.where(t.action.c.porteur == acteur.operateur)
        actions = [dict(a) for a in connexion.execute(requete).mappings()]
        ctx = _contexte(connexion, annee_n)
        for action in actions:
            c = chiffres(ctx, Perimetre(action=action["action_id"])).valeurs
            action["realises"] = c["beneficiaires"]
            action["heures"] = c["heures_dispensees"]
            action["cout_par_beneficiaire"] = round(c["cout_total"] / c["beneficiaires"], 2) if c["beneficiaires"] else None
            action["cout_total"] = c["cout_total"]
    return render_template("actions/liste.html", actions=actions, annee=annee_n, pilote=pilote,
                           porteur=not acteur.copil, thematiques=THEMATIQUES, formats=FORMATS)


# Declaring an action -------------------------------------------------------------------------------------------


@bp.route("/actions/nouvelle", methods=["GET", "POST"])
@connexion_requise
def nouvelle() -> Any:
    """Declare the operator's action of the year and its budget (two steps, the budget only if given)."""
    if _acteur().copil:
        raise AccesRefuseError("le comité de pilotage n'enregistre pas d'étapes.")
    erreurs: dict[str, list[str]] = {}
    valeurs: dict[str, Any] = {"annee": str(aujourdhui().year)}
    if request.method == "POST":
        valeurs = {cle: request.form.getlist(cle) if cle in ("thematiques", "themes_valeurs") else request.form.get(cle)
                   for cle in request.form}
        action_id = (request.form.get("action_id") or "").strip()
        donnees = donnees_du_formulaire(TypeEtape.ACTION_DECLAREE, request.form)
        donnees["departements"] = [d.strip() for d in (request.form.get("departements") or "").split(",") if d.strip()]
        jour = request.form.get("occurred_on") or aujourdhui().isoformat()
        resultat, erreurs = _enregistrer(TypeEtape.ACTION_DECLAREE, donnees, jour, action_id)
        if resultat is not None and (request.form.get("cout_total") or "").strip():
            budget = _decimaux({"cout_total": request.form.get("cout_total", "").strip(),
                                "subvention_p104": (request.form.get("subvention_p104") or "0").strip()})
            _, erreurs = _enregistrer_sans_step_id(TypeEtape.ACTION_BUDGET, budget, jour, action_id)
        if resultat is not None and not erreurs:
            return redirect(url_for("actions.page", action_id=action_id), code=303)
    return render_template("actions/nouvelle.html", champs=champs(TypeEtape.ACTION_DECLAREE), valeurs=valeurs, erreurs=erreurs,
                           step_id=str(uuid.uuid4()), aujourdhui=aujourdhui().isoformat()), 422 if erreurs else 200


def _enregistrer_sans_step_id(type_etape: TypeEtape, donnees: dict[str, Any], jour: str, action: str,
                              personne: dict[str, str] | None = None) -> tuple[Any, dict[str, list[str]]]:
    """A second step of the same form: its own step_id (the form's is the first step's)."""
    acteur = _acteur()
    brut: dict[str, Any] = {"step_id": str(uuid.uuid4()), "type": type_etape.value, "occurred_on": jour,
                            "operateur": acteur.operateur, "agent": acteur.login, "action": action, "data": donnees}
    if personne:
        brut["personne"] = personne
    try:
        return services().enregistrer_etape(lire_etape(brut)), {}
    except EtapeInvalideError as erreur:
        return None, erreur.erreurs
    except EtapeRejeteeError as erreur:
        return None, {erreur.champ or "": [erreur.message]}


# The action's page ---------------------------------------------------------------------------------------------


@bp.get("/actions/<action_id>")
@connexion_requise
def page(action_id: str) -> Any:
    action = _action_ou_404(action_id)
    if not _peut_voir(action):
        raise AccesRefuseError("seuls le porteur de l'action et le pilotage la consultent.")
    evaluation = evaluer(services().lectures, action["annee"], Action(action=action_id))
    porteur = _acteur().operateur == action["porteur"]
    return render_template("actions/page.html", action=action, evaluation=evaluation, porteur=porteur,
                           beneficiaires=_beneficiaires(action_id) if porteur else [],
                           thematiques=THEMATIQUES, libelles_etapes=LIBELLES_ETAPES, autres=AUTRES_ETAPES,
                           formats=FORMATS)


@bp.get("/actions/<action_id>/evaluation-annuelle")
@connexion_requise
def evaluation_annuelle(action_id: str) -> Any:
    action = _action_ou_404(action_id)
    if not _peut_voir(action):
        raise AccesRefuseError("seuls le porteur de l'action et le pilotage la consultent.")
    format_ = request.args.get("format", "xlsx")
    if format_ not in FORMATS:
        abort(422, description=f"Format inconnu : choisir parmi {', '.join(FORMATS)}.")
    annee_brute = request.args.get("annee") or str(action["annee"])
    try:
        services().rattraper()
        evaluation = evaluer(services().lectures, int(annee_brute), Action(action=action_id))
    except (ValueError, DemandeInvalideError) as erreur:
        abort(422, description=f"Critères invalides : {erreur}")
    return reponse_tableur(feuilles(evaluation, datetime.now(UTC)), format_, f"evaluation-annuelle-{annee_brute}-{action_id}")


# Inscribing a beneficiary -------------------------------------------------------------------------------------


@bp.route("/actions/<action_id>/inscrire", methods=["GET", "POST"])
@connexion_requise
def inscrire(action_id: str) -> Any:
    """Find a person by exact numéro étranger and birth date (journaled), register them if unknown, inscribe them."""
    action = _action_ou_404(action_id)
    _exiger_porteur(action)
    etape = request.form.get("etape", "chercher")
    contexte: dict[str, Any] = {"action": action, "erreurs": {}, "valeurs": dict(request.form), "trouvee": None,
                                "inconnue": False, "francais": Thematique.FRANCAIS.value in action["thematiques"],
                                "aujourdhui": aujourdhui().isoformat(), "step_id": str(uuid.uuid4()),
                                "champs_inscription": champs(TypeEtape.BENEFICIAIRE_INSCRIT),
                                "champs_identite": champs(TypeEtape.PERSONNE_ENREGISTREE)}
    if request.method == "GET":
        return render_template("actions/inscrire.html", **contexte)
    numero = (request.form.get("numero_etranger") or "").strip()
    naissance = (request.form.get("date_naissance") or "").strip()
    if etape == "chercher":
        trouvee = _chercher(numero, naissance, action_id)
        if trouvee is None:
            contexte["inconnue"] = True
        else:
            contexte["trouvee"] = trouvee
        return render_template("actions/inscrire.html", **contexte)
    if etape == "enregistrer":
        identite = donnees_du_formulaire(TypeEtape.PERSONNE_ENREGISTREE, request.form)
        acteur = _acteur()
        brut = {"step_id": str(uuid.uuid4()), "type": TypeEtape.PERSONNE_ENREGISTREE.value,
                "occurred_on": request.form.get("occurred_on") or aujourdhui().isoformat(), "operateur": acteur.operateur,
                "agent": acteur.login, "data": identite}
        try:
            resultat = services().enregistrer_etape(lire_etape(brut))
        except EtapeInvalideError as erreur:
            contexte.update(inconnue=True, erreurs=erreur.erreurs)
            return render_template("actions/inscrire.html", **contexte), 422
        except EtapeRejeteeError as erreur:
            contexte.update(inconnue=True, erreurs={erreur.champ or "": [erreur.message]})
            return render_template("actions/inscrire.html", **contexte), 422
        contexte["trouvee"] = {"parcours_id": str(resultat.parcours_id), "nom": f"{identite.get('nom', '')} {identite.get('prenom', '')}"}
        return render_template("actions/inscrire.html", **contexte)
    parcours_id = request.form.get("parcours_id", "")
    donnees = _decimaux(donnees_du_formulaire(TypeEtape.BENEFICIAIRE_INSCRIT, request.form))
    resultat, erreurs = _enregistrer(TypeEtape.BENEFICIAIRE_INSCRIT, donnees, request.form.get("occurred_on") or "",
                                     action_id, {"parcours_id": parcours_id})
    if resultat is None:
        contexte.update(erreurs=erreurs, trouvee={"parcours_id": parcours_id, "nom": request.form.get("nom_affiche", "")})
        return render_template("actions/inscrire.html", **contexte), 422
    return redirect(url_for("actions.page", action_id=action_id), code=303)


def _chercher(numero: str, naissance: str, action_id: str) -> dict[str, Any] | None:
    """The person with exactly this numéro étranger *and* this birth date; the reading is journaled."""
    if not numero or not naissance:
        return None
    parcours_id = parcours().trouver_par_numero(numero)
    if parcours_id is None:
        return None
    acteur = _acteur()
    parcours().journaliser_consultation(acteur.login, acteur.operateur, parcours_id, "ui:actions.inscrire",
                                        f"recherche pour inscription à l'action {action_id}")
    identite = parcours().personne(parcours_id).identite
    if str(identite.get("date_naissance") or "") != naissance:
        return None  # a second factor: a wrong birth date finds nobody, and says nothing of who has the numéro
    return {"parcours_id": str(parcours_id), "nom": f"{identite.get('nom', '')} {identite.get('prenom', '')}"}


# Sessions: one step, one roll call ------------------------------------------------------------------------------


def _dernier_appel(action_id: str, thematique: str) -> set[str]:
    """Who was present at the previous session of that thematic (the roll call's default)."""
    f = t.fait_action
    with services().lectures.connect() as connexion:
        lignes = connexion.execute(
            sa.select(f.c.valeurs).where(f.c.action == action_id, f.c.type == TypeEtape.SEANCE_TENUE.value, f.c.pos_fin.is_(None))
            .order_by(f.c.occurred_on.desc(), f.c.position_etape.desc())
        ).scalars()
        for valeurs in lignes:
            if valeurs.get("thematique") == thematique:
                return {str(p) for p in valeurs.get("presents") or ()}
    return set()


@bp.route("/actions/<action_id>/seances/nouvelle", methods=["GET", "POST"])
@connexion_requise
def seance(action_id: str) -> Any:
    action = _action_ou_404(action_id)
    _exiger_porteur(action)
    thematiques = [th for th in action["thematiques"] if th != Thematique.ACCOMPAGNEMENT_GLOBAL.value]
    thematique = request.values.get("thematique") or (thematiques[0] if thematiques else "")
    jour = request.values.get("occurred_on") or aujourdhui().isoformat()
    inscrits = [b for b in _beneficiaires(action_id) if b["sorti_le"] is None or b["sorti_le"].isoformat() >= jour]
    erreurs: dict[str, list[str]] = {}
    if request.method == "POST":
        public = request.form.get("public") or "BENEFICIAIRES"
        donnees: dict[str, Any] = {"duree_h": (request.form.get("duree_h") or "").strip(), "thematique": thematique, "public": public}
        if public == "BENEFICIAIRES":
            donnees["presents"] = [{"parcours_id": p} for p in request.form.getlist("presents")]
        else:
            for champ in ("acteurs_presents", "acteurs_nouveaux"):
                if (request.form.get(champ) or "").strip():
                    donnees[champ] = request.form[champ].strip()
        resultat, erreurs = _enregistrer(TypeEtape.SEANCE_TENUE, _decimaux(donnees), jour, action_id)
        if resultat is not None:
            return redirect(url_for("actions.page", action_id=action_id), code=303)
        coches = set(request.form.getlist("presents"))
    else:
        coches = _dernier_appel(action_id, thematique)
    return render_template("actions/seance.html", action=action, thematiques=thematiques, thematique=thematique, jour=jour,
                           inscrits=inscrits, coches=coches, erreurs=erreurs, valeurs=request.form, step_id=str(uuid.uuid4()),
                           libelles=THEMATIQUES), 422 if erreurs else 200


# The other steps of an action -----------------------------------------------------------------------------------


@bp.route("/actions/<action_id>/etapes/nouvelle", methods=["GET", "POST"])
@connexion_requise
def autre_etape(action_id: str) -> Any:
    """Budget, tools, devices lent, medical consultations (the fact only), pairs, exits, events."""
    action = _action_ou_404(action_id)
    _exiger_porteur(action)
    try:
        type_etape = TypeEtape(request.values.get("type", ""))
    except ValueError:
        abort(404, description="Type d'étape inconnu.")
    if type_etape not in AUTRES_ETAPES:
        abort(404, description="Type d'étape inconnu.")
    inscrits = [b for b in _beneficiaires(action_id) if b["sorti_le"] is None]
    erreurs: dict[str, list[str]] = {}
    jour = request.values.get("occurred_on") or aujourdhui().isoformat()
    les_champs = [c for c in champs(type_etape) if c.nom != "presents"]
    if request.method == "POST":
        formulaire = MultiDict(request.form)
        donnees = _decimaux(donnees_du_formulaire(type_etape, formulaire))
        donnees.pop("presents", None)
        personne = None
        if type_etape in DE_BENEFICIAIRE:
            personne = {"parcours_id": request.form.get("parcours_id", "")}
        if type_etape is TypeEtape.EVENEMENT_TENU:
            donnees["presents"] = [{"parcours_id": p} for p in request.form.getlist("presents")]
        resultat, erreurs = _enregistrer(type_etape, donnees, jour, action_id, personne)
        if resultat is not None:
            return redirect(url_for("actions.page", action_id=action_id), code=303)
    return render_template("actions/etape.html", action=action, type_etape=type_etape, titre=LIBELLES_ETAPES[type_etape],
                           champs=les_champs, valeurs=request.values, erreurs=erreurs, inscrits=inscrits, jour=jour,
                           de_beneficiaire=type_etape in DE_BENEFICIAIRE, avec_appel=type_etape is TypeEtape.EVENEMENT_TENU,
                           step_id=str(uuid.uuid4())), 422 if erreurs else 200

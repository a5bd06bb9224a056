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
from uuid import UUID

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from parcours.comptes import Role
from parcours.erreurs import EtapeRejeteeError
from parcours.regles import peut_modifier
from parcours.vocabulaire import ETAPES_D_ACTION, LIBELLES_ETAPES, LIBELLES_THEMATIQUES, Thematique, TypeEtape
from projections import tables as t
from projections.actions import Perimetre, chiffres
from projections.evaluation_annuelle import Action, evaluer, feuilles
from projections.identites import ouvrir_personnes
from projections.indicateurs import Cliche, Demande, DemandeInvalideError, LectureDuCliche, position_suivie
from projections.tableurs import FORMATS
from web.acces import AccesRefuseError, exiger_ecriture
from web.auth import connexion_requise
from web.deps import aujourdhui, parcours, services
from web.pages.commun import acteur_courant, type_demande
from web.pages.dossier import CHAMP_MOTIF_ANNULATION, CHAMP_MOTIF_CORRECTION, exiger_droit_de_modifier
from web.pages.exports_pilotage import reponse_tableur
from web.pages.formulaires import champs, decrire, donnees_du_formulaire, meme_valeur, valeurs_enregistrees
from web.pages.noms import nommer
from web.saisie.schemas import EtapeInvalideError, lire_etape

bp = Blueprint("actions", __name__)

PILOTES = (Role.COPIL, Role.RESPONSABLE, Role.ADMIN)
AUTRES_ETAPES = (TypeEtape.ACTION_BUDGET, TypeEtape.OUTIL_DECRIT, TypeEtape.OUTIL_NUMERIQUE_PRETE, TypeEtape.CONSULTATION_MEDICALE,
                 TypeEtape.BINOME_CONSTITUE, TypeEtape.BENEFICIAIRE_SORTI_ACTION, TypeEtape.EVENEMENT_TENU)
"""Steps recorded from the action's page with the generic form (the person, if any, chosen among the inscribed)."""
DE_BENEFICIAIRE = (TypeEtape.OUTIL_NUMERIQUE_PRETE, TypeEtape.CONSULTATION_MEDICALE, TypeEtape.BINOME_CONSTITUE,
                   TypeEtape.BENEFICIAIRE_SORTI_ACTION)
THEMATIQUES = {thematique.value: libelle for thematique, libelle in LIBELLES_THEMATIQUES.items()}
DECIMAUX = ("duree_h", "cout_total", "subvention_p104", "heures_prevues")


def _enregistrer(type_etape: TypeEtape, donnees: dict[str, Any], occurred_on: str, action: str,
                 personne: dict[str, str] | None = None) -> tuple[Any, dict[str, list[str]]]:
    """Record one step on behalf of the user's operator, by the API's path (syntax, access, rules)."""
    acteur = acteur_courant()
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
    if acteur_courant().operateur != action["porteur"]:
        raise AccesRefuseError(f"seul le porteur de l'action ({action['porteur']}) enregistre sur elle.")


def _peut_voir(action: dict[str, Any]) -> bool:
    acteur = acteur_courant()
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


def _etapes_enregistrees(action_id: str, porteur: bool) -> list[dict[str, Any]]:
    """The action's steps in force, latest first, each with the links to correct or void it where the reader's
    operator may (`parcours.regles.peut_modifier`, as on a person's timeline). The beneficiaries' own steps
    (inscriptions, exits…) are listed for the carrier only, and are corrected from the person's timeline."""
    f = t.fait_action
    requete = (sa.select(f.c.step_id, f.c.parcours_id, f.c.type, f.c.occurred_on, f.c.operateur, f.c.valeurs)
               .where(f.c.action == action_id, f.c.pos_fin.is_(None))
               .order_by(f.c.occurred_on.desc(), f.c.position_etape.desc()))
    if not porteur:
        requete = requete.where(f.c.parcours_id.is_(None))
    with services().lectures.connect() as connexion:
        lignes = connexion.execute(requete).mappings().all()
    noms = {b["parcours_id"]: b["nom"] for b in _beneficiaires(action_id)} if porteur else {}
    acteur = acteur_courant()
    operateur = None if acteur.copil else parcours().operateur(acteur.operateur)
    etapes = []
    for ligne in lignes:
        type_etape = TypeEtape(ligne["type"])
        modifiable = peut_modifier(type_etape, ligne["operateur"], operateur)
        if ligne["parcours_id"] is None:
            corriger = url_for("actions.corriger", action_id=action_id, step_id=ligne["step_id"])
            annuler = url_for("actions.annuler", action_id=action_id, step_id=ligne["step_id"])
        else:
            corriger = url_for("dossier.corriger", parcours_id=ligne["parcours_id"], step_id=ligne["step_id"])
            annuler = url_for("dossier.annuler", parcours_id=ligne["parcours_id"], step_id=ligne["step_id"])
        etapes.append({
            "step_id": ligne["step_id"], "type": type_etape, "occurred_on": ligne["occurred_on"], "operateur": ligne["operateur"],
            "personne": noms.get(ligne["parcours_id"], "") if ligne["parcours_id"] else "",
            "detail": _detail(type_etape, ligne["valeurs"]),
            "corriger": corriger if modifiable else None,
            # The declaration is corrected, never voided (the rule says so too).
            "annuler": annuler if modifiable and type_etape is not TypeEtape.ACTION_DECLAREE else None,
        })
    return etapes


def _detail(type_etape: TypeEtape, valeurs: dict[str, Any]) -> str:
    """A step's values in French; a roll call as its count (who came is on the beneficiaries' side, not here)."""
    detail = [f"{libelle} : {valeur}" for libelle, valeur in decrire(type_etape.value, {k: v for k, v in valeurs.items() if k != "presents"},
                                                                     nommer_valeur=nommer)]
    if "presents" in valeurs:
        detail.append(f"présents : {len(valeurs['presents'] or ())}")
    return " ; ".join(detail)


def _contexte(connexion: sa.Connection, annee: int) -> LectureDuCliche:
    return LectureDuCliche(connexion, Demande(date(annee, 1, 1), date(annee, 12, 31)), Cliche(position_suivie(connexion), None))


# The list ------------------------------------------------------------------------------------------------------


@bp.get("/actions")
@connexion_requise
def liste() -> Any:
    """The carrier's actions; for steering accounts, every action with target against realised."""
    acteur = acteur_courant()
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
    if acteur_courant().copil:
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
    acteur = acteur_courant()
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
    porteur = acteur_courant().operateur == action["porteur"]
    return render_template("actions/page.html", action=action, evaluation=evaluation, porteur=porteur,
                           beneficiaires=_beneficiaires(action_id) if porteur else [],
                           etapes=_etapes_enregistrees(action_id, porteur),
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
        acteur = acteur_courant()
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
    acteur = acteur_courant()
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
    type_etape = type_demande(AUTRES_ETAPES)
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


# Correcting or voiding a step of the action --------------------------------------------------------------------


def _etape_d_action(action_id: str, step_id: UUID) -> tuple[dict[str, Any], dict[str, Any]]:
    """The action and its step in force `step_id`, if the user's operator may correct or void it: the rule of a
    person's steps (`web.pages.dossier.exiger_droit_de_modifier`), answered 403 with the same French message."""
    action = _action_ou_404(action_id)
    if not _peut_voir(action):
        raise AccesRefuseError("seuls le porteur de l'action et le pilotage la consultent.")
    f = t.fait_action
    with services().lectures.connect() as connexion:
        ligne = connexion.execute(
            sa.select(f.c.step_id, f.c.type, f.c.occurred_on, f.c.operateur, f.c.valeurs)
            .where(f.c.step_id == str(step_id), f.c.action == action_id, f.c.parcours_id.is_(None), f.c.pos_fin.is_(None))
        ).mappings().first()
    if ligne is None or TypeEtape(ligne["type"]) not in ETAPES_D_ACTION:
        abort(404, description="Aucune étape en vigueur de cette action ne porte cet identifiant.")
    exiger_droit_de_modifier(TypeEtape(ligne["type"]), ligne["operateur"])
    if acteur_courant().copil:
        raise AccesRefuseError("le comité de pilotage n'enregistre pas d'étapes.")
    return action, dict(ligne)


def _valeurs_corrigees(type_etape: TypeEtape) -> dict[str, Any]:
    """The posted correction form's values, as the step's `data` (a roll call as the ticked pathway ids)."""
    valeurs = _decimaux(donnees_du_formulaire(type_etape, request.form))
    valeurs.pop("presents", None)
    if type_etape is TypeEtape.ACTION_DECLAREE:
        valeurs["departements"] = [d.strip() for d in (request.form.get("departements") or "").split(",") if d.strip()]
    if type_etape in (TypeEtape.SEANCE_TENUE, TypeEtape.EVENEMENT_TENU) and "appel" in request.form:
        valeurs["presents"] = request.form.getlist("presents")
    return valeurs


@bp.route("/actions/<action_id>/etapes/<uuid:step_id>/corriger", methods=["GET", "POST"])
@connexion_requise
def corriger(action_id: str, step_id: UUID) -> Any:
    """The step's own fields with its current values; what changed becomes an `evenement_corrige` on the action."""
    action, cible = _etape_d_action(action_id, step_id)
    type_cible = TypeEtape(cible["type"])
    courantes = cible["valeurs"]
    erreurs: dict[str, list[str]] = {}
    valeurs: dict[str, Any] = valeurs_enregistrees({k: v for k, v in courantes.items() if k != "presents"})
    if type_cible is TypeEtape.ACTION_DECLAREE:
        valeurs["departements"] = ", ".join(courantes.get("departements") or ())
    coches = {str(p) for p in courantes.get("presents") or ()}
    if request.method == "POST":
        nouvelles = _valeurs_corrigees(type_cible)
        modifies = {k: v for k, v in nouvelles.items() if not meme_valeur(courantes.get(k), v)}
        modifies.update({k: None for k, v in courantes.items() if k not in nouvelles and v not in (None, False, [], {})})
        if "presents" in modifies:
            modifies["presents"] = [{"parcours_id": p} for p in modifies["presents"] or ()]
        motif = (request.form.get("motif_correction") or "").strip()
        if not motif:
            erreurs["motif_correction"] = ["Indiquez le motif de la correction."]
        if not modifies:
            erreurs[""] = ["Aucun champ n'a été modifié : changez au moins une valeur."]
        if not erreurs:
            resultat, erreurs = _enregistrer(TypeEtape.EVENEMENT_CORRIGE, {"cible_step_id": str(step_id), "champs": modifies,
                                                                           "motif": motif},
                                             request.form.get("occurred_on") or aujourdhui().isoformat(), action_id)
            if resultat is not None:
                flash(f"Correction enregistrée : {LIBELLES_ETAPES[type_cible]} du {cible['occurred_on']:%d/%m/%Y}.", "succes")
                return redirect(url_for("actions.page", action_id=action_id), code=303)
        valeurs = dict(request.form)
        coches = set(request.form.getlist("presents"))
    avec_appel = type_cible in (TypeEtape.SEANCE_TENUE, TypeEtape.EVENEMENT_TENU) and "presents" in courantes
    return render_template("actions/corriger.html", action=action, cible=cible, titre=f"Corriger : {LIBELLES_ETAPES[type_cible]} "
                           f"du {cible['occurred_on']:%d/%m/%Y}", champs=[c for c in champs(type_cible) if c.nom != "presents"],
                           valeurs=valeurs, erreurs=erreurs, avec_appel=avec_appel, coches=coches,
                           inscrits=_beneficiaires(action_id) if avec_appel else [], champ_motif=CHAMP_MOTIF_CORRECTION,
                           step_id=request.form.get("step_id") or str(uuid.uuid4()),
                           aujourdhui=aujourdhui().isoformat()), 422 if erreurs else 200


@bp.route("/actions/<action_id>/etapes/<uuid:step_id>/annuler", methods=["GET", "POST"])
@connexion_requise
def annuler(action_id: str, step_id: UUID) -> Any:
    """Void a step of the action (`evenement_annule`) with its reason: it counts nowhere any more."""
    action, cible = _etape_d_action(action_id, step_id)
    type_cible = TypeEtape(cible["type"])
    erreurs: dict[str, list[str]] = {}
    if request.method == "POST":
        motif = (request.form.get("motif") or "").strip()
        resultat, erreurs = _enregistrer(TypeEtape.EVENEMENT_ANNULE, {"cible_step_id": str(step_id), **({"motif": motif} if motif else {})},
                                         request.form.get("occurred_on") or aujourdhui().isoformat(), action_id)
        if resultat is not None:
            flash(f"Étape annulée : {LIBELLES_ETAPES[type_cible]} du {cible['occurred_on']:%d/%m/%Y}. Elle ne compte plus nulle part.",
                  "succes")
            return redirect(url_for("actions.page", action_id=action_id), code=303)
    return render_template("actions/annuler.html", action=action, cible=cible, titre=f"Annuler : {LIBELLES_ETAPES[type_cible]} "
                           f"du {cible['occurred_on']:%d/%m/%Y}", detail=_detail(type_cible, cible["valeurs"]), erreurs=erreurs,
                           champ_motif=CHAMP_MOTIF_ANNULATION, motif=request.form.get("motif", ""),
                           step_id=request.form.get("step_id") or str(uuid.uuid4()),
                           aujourdhui=aujourdhui().isoformat()), 422 if erreurs else 200

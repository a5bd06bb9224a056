"""The caseworker pages: worklists, search, a person's summary and timeline, every step's form, hand-over.

Server-rendered; every form posts and redirects without JavaScript, htmx only swaps fragments
(a 422 re-renders the form fragment). Access rules are `web.acces`'; the step goes through the same
schema and domain path as the import and the API.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_htmx import make_response as reponse_htmx

from parcours.comptes import Role
from parcours.dates import age_revolu
from parcours.erreurs import ConflitEcritureError, EtapeRejeteeError
from parcours.vocabulaire import LIBELLES_ETAPES, TypeEtape, TypeOperateur
from projections import tables as t
from projections.donnees_personnelles import journal_des_acces, preavis_de_retention
from projections.lecture import pour_recherche
from projections.requetes import chronologie, listes_de_travail, resume
from web.acces import AccesRefuseError, Acteur, exiger_ecriture, exiger_personne_visible
from web.auth import connexion_requise
from web.deps import aujourdhui, parcours, services
from web.formulaires import champs, donnees_du_formulaire, erreurs_par_champ
from web.schemas import EtapeInvalideError, lire_etape

bp = Blueprint("ui", __name__)

ETAPES_DU_PARCOURS = [ty for ty in TypeEtape if ty not in (TypeEtape.PERSONNE_ENREGISTREE, TypeEtape.EVENEMENT_CORRIGE, TypeEtape.EVENEMENT_ANNULE)]
TITRES_LISTES = {
    "suivis_six_mois": "Suivis à 6 mois à renseigner",
    "orientations_en_attente": "Orientations en attente de réponse",
    "accueils_agir_en_retard": "Accueils AGIR en retard",
    "entretiens_fin_cir_en_retard": "Entretiens de fin de CIR en retard",
    "titres_expirant": "Titres de séjour expirant sous 60 jours",
    "anonymisations_a_venir": "Dossiers bientôt anonymisés (durée de conservation)",
}


def _acteur() -> Acteur:
    return g.acteur


def _pas_copil() -> None:
    if _acteur().copil:
        raise AccesRefuseError("le comité de pilotage ne consulte que des données agrégées.")


@bp.app_context_processor
def _contexte() -> dict[str, Any]:
    return {"libelles": {ty.value: libelle for ty, libelle in LIBELLES_ETAPES.items()}}


# Home and worklists -------------------------------------------------------------------------------


@bp.get("/")
@connexion_requise
def accueil() -> Any:
    acteur = _acteur()
    if acteur.copil:
        return render_template("ui/copil.html")
    with services().lectures.connect() as connexion:
        listes = listes_de_travail(connexion, acteur.operateur, aujourdhui())
        if acteur.role in (Role.RESPONSABLE, Role.ADMIN):
            listes["anonymisations_a_venir"] = preavis_de_retention(connexion, acteur.operateur, aujourdhui())
            noms = _noms(connexion, {ligne["parcours_id"] for ligne in listes["anonymisations_a_venir"]})
            for ligne in listes["anonymisations_a_venir"]:
                ligne["personne"] = noms.get(ligne["parcours_id"], "")
    return render_template("ui/accueil.html", listes=listes, titres=TITRES_LISTES)


def _noms(connexion: sa.Connection, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    lignes = connexion.execute(sa.select(t.personne.c.parcours_id, t.personne.c.prenom, t.personne.c.nom).where(t.personne.c.parcours_id.in_(ids)))
    return {p: f"{prenom} {nom}" for p, prenom, nom in lignes}


# Search ----------------------------------------------------------------------------------------------


@bp.get("/recherche")
@connexion_requise
def recherche() -> Any:
    _pas_copil()
    acteur = _acteur()
    numero, nom, naissance = (request.args.get(c, "").strip() for c in ("numero_etranger", "nom", "date_naissance"))
    resultats: list[dict[str, Any]] = []
    erreur = None
    if numero or nom or naissance:
        p, i = t.personne, t.implication
        requete = (
            sa.select(p.c.parcours_id, p.c.nom, p.c.prenom, p.c.date_naissance, p.c.departement)
            .join(i, sa.and_(i.c.parcours_id == p.c.parcours_id, i.c.operateur == acteur.operateur))
            .order_by(p.c.nom, p.c.prenom)
            .limit(50)
        )
        if numero:
            trouve = parcours().trouver_par_numero(numero) if numero.isdigit() and len(numero) == 10 else None
            requete = requete.where(p.c.parcours_id == str(trouve)) if trouve else requete.where(sa.false())
        if nom:
            for morceau in pour_recherche(nom).split():
                requete = requete.where(p.c.nom_recherche.contains(morceau, autoescape=True))
        if naissance:
            try:
                requete = requete.where(p.c.date_naissance == date.fromisoformat(naissance))
            except ValueError:
                erreur = "Date de naissance attendue au format AAAA-MM-JJ."
        if erreur is None:
            with services().lectures.connect() as connexion:
                resultats = [dict(ligne._mapping) for ligne in connexion.execute(requete)]
    gabarit = "ui/_resultats.html" if request.headers.get("HX-Request") == "true" else "ui/recherche.html"
    return render_template(gabarit, resultats=resultats, erreur=erreur, criteres={"numero_etranger": numero, "nom": nom, "date_naissance": naissance},
                           ofii=_est_ofii())


def _est_ofii() -> bool:
    operateur = parcours().operateur(_acteur().operateur)
    return operateur is not None and operateur.type is TypeOperateur.OFII


# A person -------------------------------------------------------------------------------------------


@bp.get("/personnes/<uuid:parcours_id>")
@connexion_requise
def personne(parcours_id: UUID) -> Any:
    acteur = _acteur()
    if parcours().effacee(parcours_id) is not None:
        abort(410, description="Les données de cette personne ont été effacées.")
    with services().lectures.connect() as connexion:
        exiger_personne_visible(connexion, acteur, parcours_id)
        synthese = resume(connexion, str(parcours_id), acteur.operateur, aujourdhui())
        etapes = chronologie(connexion, str(parcours_id), acteur.operateur)
        consultations = journal_des_acces(connexion, parcours_id=str(parcours_id), limite=20) if acteur.role is Role.RESPONSABLE else []
    if synthese is None:
        abort(404)
    parcours().journaliser_consultation(acteur.login, acteur.operateur, parcours_id, "ui:personne")
    return render_template("ui/personne.html", p=synthese, etapes=etapes, types=ETAPES_DU_PARCOURS, consultations=consultations)


# Recording a step -----------------------------------------------------------------------------------


def _valeurs_par_defaut(type_etape: TypeEtape, parcours_id: str | None) -> dict[str, Any]:
    """What is already known, so nobody retypes it: today, the open episode, the orientation target…"""
    valeurs: dict[str, Any] = {k: v for k, v in request.args.items() if k not in ("type",)}
    if type_etape is TypeEtape.ORIENTATION_SPE and parcours_id and "vers" not in valeurs:
        with services().lectures.connect() as connexion:
            personne = connexion.execute(sa.select(t.personne).where(t.personne.c.parcours_id == parcours_id)).mappings().first()
            if personne is not None:
                jeune = personne["date_naissance"] is not None and age_revolu(personne["date_naissance"], aujourdhui()) < 26
                type_cible = "MISSION_LOCALE" if jeune else "FRANCE_TRAVAIL"
                cible = connexion.execute(
                    sa.select(t.operateur.c.slug).where(t.operateur.c.type == type_cible, t.operateur.c.departement == personne["departement"])
                ).scalar()
                valeurs.setdefault("vers", cible or "")
                valeurs.setdefault("motif_choix", "AGE_MOINS_26" if jeune else "DEFAUT")
    if type_etape is TypeEtape.ORIENTATION_AGIR and parcours_id and "vers" not in valeurs:
        with services().lectures.connect() as connexion:
            departement = connexion.execute(sa.select(t.personne.c.departement).where(t.personne.c.parcours_id == parcours_id)).scalar()
            valeurs.setdefault("vers", connexion.execute(
                sa.select(t.operateur.c.slug).where(t.operateur.c.type == "AGIR", t.operateur.c.departement == departement)
            ).scalar() or "")
    return valeurs


def _rendre_formulaire(type_etape: TypeEtape, parcours_id: str | None, valeurs: dict[str, Any], erreurs: dict[str, list[str]],
                       generales: list[str], statut: int, action: str, step_id: str, occurred_on: str, titre: str | None = None) -> Any:
    # The version the form carries: after a conflict, the current one, so resubmitting is a deliberate choice.
    version = parcours().personne(UUID(parcours_id)).version if parcours_id else None
    contexte = {
        "version": version,
        "type_etape": type_etape, "champs": champs(type_etape), "valeurs": valeurs, "erreurs": erreurs, "generales": generales,
        "action": action, "step_id": step_id, "occurred_on": occurred_on, "parcours_id": parcours_id,
        "titre": titre or LIBELLES_ETAPES[type_etape],
    }
    gabarit = "ui/_formulaire.html" if request.headers.get("HX-Request") == "true" else "ui/etape.html"
    return render_template(gabarit, **contexte), statut


def _version_du_formulaire() -> int | None:
    valeur = request.form.get("version", "")
    return int(valeur) if valeur.isdigit() else None


def _enregistrer(type_etape: TypeEtape, parcours_id: str | None, donnees: dict[str, Any], occurred_on: str, step_id: str,
                 version: int | None = None) -> Any:
    """Record the step, or return (erreurs par champ, erreurs générales, statut)."""
    acteur = _acteur()
    brut: dict[str, Any] = {"step_id": step_id, "type": type_etape.value, "occurred_on": occurred_on, "operateur": acteur.operateur,
                            "agent": acteur.login, "data": donnees}
    if parcours_id:
        brut["personne"] = {"parcours_id": parcours_id}
    try:
        commande = replace(lire_etape(brut), version_attendue=version)
        with services().lectures.connect() as connexion:
            exiger_ecriture(connexion, acteur, commande.type, parcours_id)
        resultat = parcours().enregistrer_etape(commande)
    except EtapeInvalideError as erreur:
        par_champ, generales = erreurs_par_champ(erreur.erreurs)
        return None, par_champ, generales, 422
    except ConflitEcritureError:
        return None, {}, ["Le parcours a été modifié entre-temps par un autre enregistrement : votre saisie est conservée "
                          "ci-dessous ; rechargez la chronologie pour voir l'autre étape, puis enregistrez à nouveau."], 409
    except EtapeRejeteeError as erreur:
        if erreur.champ and erreur.champ.startswith("data."):
            return None, {erreur.champ[5:].split(".")[0]: [erreur.message]}, [], 422
        return None, {}, [f"{erreur.champ} : {erreur.message}" if erreur.champ else erreur.message], 422
    services().rattraper()
    return resultat, {}, [], 201


def _succes(parcours_id: str) -> Any:
    cible = url_for("ui.personne", parcours_id=parcours_id)
    if request.headers.get("HX-Request") == "true":
        return reponse_htmx("", redirect=cible)
    return redirect(cible, code=303)


@bp.route("/personnes/<uuid:parcours_id>/etapes/nouvelle", methods=["GET", "POST"])
@connexion_requise
def nouvelle_etape(parcours_id: UUID) -> Any:
    _pas_copil()
    try:
        type_etape = TypeEtape(request.values.get("type", ""))
    except ValueError:
        abort(404)
    if type_etape not in ETAPES_DU_PARCOURS:
        abort(404)
    with services().lectures.connect() as connexion:
        exiger_personne_visible(connexion, _acteur(), parcours_id)
    action = url_for("ui.nouvelle_etape", parcours_id=parcours_id, type=type_etape.value)
    if request.method == "GET":
        return _rendre_formulaire(type_etape, str(parcours_id), _valeurs_par_defaut(type_etape, str(parcours_id)), {}, [], 200,
                                  action, str(uuid.uuid4()), aujourdhui().isoformat())
    donnees = donnees_du_formulaire(type_etape, request.form)
    resultat, erreurs, generales, statut = _enregistrer(type_etape, str(parcours_id), donnees, request.form.get("occurred_on", ""),
                                                       request.form.get("step_id", ""), _version_du_formulaire())
    if resultat is None:
        return _rendre_formulaire(type_etape, str(parcours_id), dict(request.form), erreurs, generales, statut, action,
                                  request.form.get("step_id", ""), request.form.get("occurred_on", ""))
    return _succes(str(parcours_id))


@bp.route("/personnes/nouvelle", methods=["GET", "POST"])
@connexion_requise
def nouvelle_personne() -> Any:
    _pas_copil()
    if not _est_ofii():
        raise AccesRefuseError("l'enregistrement d'une nouvelle personne est réservé à l'OFII.")
    type_etape = TypeEtape.PERSONNE_ENREGISTREE
    action = url_for("ui.nouvelle_personne")
    if request.method == "GET":
        departement = (parcours().operateur(_acteur().operateur) or None)
        valeurs = {"departement": departement.departement if departement else ""}
        return _rendre_formulaire(type_etape, None, valeurs, {}, [], 200, action, str(uuid.uuid4()), aujourdhui().isoformat(), "Enregistrer une personne")
    resultat, erreurs, generales, statut = _enregistrer(type_etape, None, donnees_du_formulaire(type_etape, request.form),
                                                       request.form.get("occurred_on", ""), request.form.get("step_id", ""))
    if resultat is None:
        return _rendre_formulaire(type_etape, None, dict(request.form), erreurs, generales, statut, action,
                                  request.form.get("step_id", ""), request.form.get("occurred_on", ""), "Enregistrer une personne")
    return _succes(str(resultat.parcours_id))


# Corrections and voids -----------------------------------------------------------------------------


def _etape_de(parcours_id: UUID, step_id: UUID) -> Any:
    with services().lectures.connect() as connexion:
        exiger_personne_visible(connexion, _acteur(), parcours_id)
        for etape in chronologie(connexion, str(parcours_id), _acteur().operateur):
            if etape.step_id == str(step_id) and etape.annulee_par is None:
                return etape
    abort(404)


@bp.route("/personnes/<uuid:parcours_id>/etapes/<uuid:step_id>/corriger", methods=["GET", "POST"])
@connexion_requise
def corriger(parcours_id: UUID, step_id: UUID) -> Any:
    _pas_copil()
    cible = _etape_de(parcours_id, step_id)
    type_cible = TypeEtape(cible.type)
    action = url_for("ui.corriger", parcours_id=parcours_id, step_id=step_id)
    titre = f"Corriger : {LIBELLES_ETAPES[type_cible]} du {cible.occurred_on:%d/%m/%Y}"
    if request.method == "GET":
        valeurs = {k: ("true" if v is True else v) for k, v in cible.donnees.items() if v is not False}
        return _rendre_formulaire(type_cible, str(parcours_id), valeurs, {}, [], 200, action, str(uuid.uuid4()), aujourdhui().isoformat(), titre)
    nouvelles = donnees_du_formulaire(type_cible, request.form)
    modifies = {k: v for k, v in nouvelles.items() if str(cible.donnees.get(k)) != str(v) and not (cible.donnees.get(k) is True and v is True)}
    modifies.update({k: None for k in cible.donnees if k not in nouvelles and cible.donnees.get(k) not in (None, False)})
    motif = (request.form.get("motif_correction") or "").strip()
    if not motif or not modifies:
        erreur = "Indiquez le motif de la correction." if not motif else "Aucun champ n'a été modifié."
        return _rendre_formulaire(type_cible, str(parcours_id), dict(request.form), {}, [erreur], 422, action,
                                  request.form.get("step_id", ""), request.form.get("occurred_on", ""), titre)
    resultat, erreurs, generales, statut = _enregistrer(
        TypeEtape.EVENEMENT_CORRIGE, str(parcours_id), {"cible_step_id": str(step_id), "champs": modifies, "motif": motif},
        request.form.get("occurred_on", aujourdhui().isoformat()), request.form.get("step_id", ""), _version_du_formulaire())
    if resultat is None:
        messages = [m for liste in erreurs.values() for m in liste] + generales
        return _rendre_formulaire(type_cible, str(parcours_id), dict(request.form), {}, messages, statut, action,
                                  request.form.get("step_id", ""), request.form.get("occurred_on", ""), titre)
    return _succes(str(parcours_id))


@bp.route("/personnes/<uuid:parcours_id>/etapes/<uuid:step_id>/annuler", methods=["GET", "POST"])
@connexion_requise
def annuler(parcours_id: UUID, step_id: UUID) -> Any:
    _pas_copil()
    cible = _etape_de(parcours_id, step_id)
    erreur, statut = None, 200
    if request.method == "POST":
        motif = (request.form.get("motif") or "").strip()
        resultat, erreurs, generales, statut = _enregistrer(
            TypeEtape.EVENEMENT_ANNULE, str(parcours_id), {"cible_step_id": str(step_id), "motif": motif},
            request.form.get("occurred_on", aujourdhui().isoformat()), request.form.get("step_id", ""))
        if resultat is not None:
            return _succes(str(parcours_id))
        erreur = " ".join([m for liste in erreurs.values() for m in liste] + generales)
    return render_template("ui/annuler.html", cible=cible, parcours_id=parcours_id, erreur=erreur,
                           step_id=request.form.get("step_id") or str(uuid.uuid4()), aujourdhui=aujourdhui().isoformat()), statut


# Hand-over ------------------------------------------------------------------------------------------


@bp.get("/orientations")
@connexion_requise
def orientations() -> Any:
    _pas_copil()
    with services().lectures.connect() as connexion:
        listes = listes_de_travail(connexion, _acteur().operateur, aujourdhui())
    attente = listes["orientations_en_attente"]
    return render_template("ui/orientations.html", recues=[o for o in attente if o["sens"] == "recue"],
                           envoyees=[o for o in attente if o["sens"] == "envoyee"], refusees=_refus_recus())


def _refus_recus() -> list[dict[str, Any]]:
    """Declines of orientations this operator sent (OFII sees them in its own list)."""
    refus, orientation, e = t.fait.alias("refus"), t.fait.alias("orientation"), t.etape
    with services().lectures.connect() as connexion:
        lignes = connexion.execute(
            sa.select(refus.c.parcours_id, refus.c.occurred_on, refus.c.operateur, e.c.donnees)
            .join(orientation, sa.and_(orientation.c.step_id == refus.c.lien, orientation.c.pos_fin.is_(None)))
            .join(e, e.c.step_id == refus.c.step_id)
            .where(refus.c.type == TypeEtape.ORIENTATION_REFUSEE.value, refus.c.pos_fin.is_(None),
                   orientation.c.operateur == _acteur().operateur)
            .order_by(refus.c.occurred_on.desc())
            .limit(50)
        ).all()
        noms = _noms(connexion, {ligne.parcours_id for ligne in lignes})
    return [{"parcours_id": ligne.parcours_id, "le": ligne.occurred_on, "par": ligne.operateur, "motif": ligne.donnees.get("motif"),
             "personne": noms.get(ligne.parcours_id, "")} for ligne in lignes]


@bp.post("/orientations/<uuid:orientation_id>/decision")
@connexion_requise
def decider(orientation_id: UUID) -> Any:
    _pas_copil()
    with services().lectures.connect() as connexion:
        parcours_id = connexion.execute(sa.select(t.etape.c.parcours_id).where(t.etape.c.step_id == str(orientation_id))).scalar()
        if parcours_id is None:
            abort(404)
        exiger_personne_visible(connexion, _acteur(), parcours_id)
    accepte = request.form.get("decision") == "accepter"
    donnees = {"orientation_step_id": str(orientation_id)}
    if not accepte:
        donnees["motif"] = request.form.get("motif", "")
    resultat, erreurs, generales, statut = _enregistrer(
        TypeEtape.ORIENTATION_ACCEPTEE if accepte else TypeEtape.ORIENTATION_REFUSEE, parcours_id, donnees,
        aujourdhui().isoformat(), request.form.get("step_id") or str(uuid.uuid4()))
    if resultat is None:
        messages = [m for liste in erreurs.values() for m in liste] + generales
        with services().lectures.connect() as connexion:
            listes = listes_de_travail(connexion, _acteur().operateur, aujourdhui())
        return render_template("ui/orientations.html", recues=[o for o in listes["orientations_en_attente"] if o["sens"] == "recue"],
                               envoyees=[o for o in listes["orientations_en_attente"] if o["sens"] == "envoyee"],
                               refusees=_refus_recus(), erreur=" ".join(messages), erreur_pour=str(orientation_id)), statut
    if accepte:
        return _succes(parcours_id)
    return redirect(url_for("ui.orientations"), code=303)


# The operator's accounts and access journal (responsables) ---------------------------------------


def _responsable() -> Acteur:
    acteur = _acteur()
    acteur.exiger_role(Role.RESPONSABLE, Role.ADMIN)
    return acteur


@bp.route("/utilisateurs", methods=["GET", "POST"])
@connexion_requise
def utilisateurs() -> Any:
    """A responsable manages the accounts of their own operator (agents and responsables)."""
    from parcours.comptes import Utilisateur
    from parcours.erreurs import ParcoursError
    from web.securite import faiblesses, hacher_mot_de_passe

    acteur = _responsable()
    erreur, statut, saisie = None, 200, {}
    if request.method == "POST":
        saisie = {k: request.form.get(k, "").strip() for k in ("login", "nom", "role")}
        if request.form.get("action") == "desactiver":
            cible = parcours().utilisateur(request.form.get("login", ""))
            if cible is None or cible.operateur != acteur.operateur or cible.login == acteur.login:
                abort(404)
            parcours().modifier_utilisateur(cible.login, Utilisateur.desactiver)
            services().rattraper()
            return redirect(url_for("ui.utilisateurs"), code=303)
        raisons = faiblesses(request.form.get("mot_de_passe", ""), saisie["login"])
        if not saisie["login"] or not saisie["nom"] or saisie["role"] not in (Role.AGENT.value, Role.RESPONSABLE.value):
            erreur = "Identifiant, nom et rôle (agent ou responsable) sont obligatoires."
        elif raisons:
            erreur = "Le mot de passe doit compter " + " ; ".join(raisons) + "."
        else:
            try:
                parcours().creer_utilisateur(saisie["login"], acteur.operateur, Role(saisie["role"]), saisie["nom"],
                                             hacher_mot_de_passe(request.form["mot_de_passe"]))
            except ParcoursError as probleme:
                erreur = str(probleme)
            else:
                services().rattraper()
                return redirect(url_for("ui.utilisateurs"), code=303)
        statut = 422
    with services().lectures.connect() as connexion:
        comptes = connexion.execute(
            sa.select(t.utilisateur).where(t.utilisateur.c.operateur == acteur.operateur).order_by(t.utilisateur.c.login)
        ).mappings().all()
    return render_template("ui/utilisateurs.html", comptes=comptes, erreur=erreur, saisie=saisie), statut


@bp.get("/journal")
@connexion_requise
def journal() -> Any:
    """Every read of a person-level resource by the operator's staff (who, when, which person)."""
    acteur = _responsable()
    with services().lectures.connect() as connexion:
        lignes = journal_des_acces(connexion, operateur=acteur.operateur, limite=500)
    return render_template("ui/journal.html", lignes=lignes)


# Steering committee ------------------------------------------------------------------------------


LIBELLES_INDICATEURS = {
    "public_cible": "Public cible (entrées de la période)",
    "accompagnement_emploi": "Accompagnement vers l'emploi (sorties de la période)",
    "langue": "Formation linguistique (formations terminées dans la période)",
    "logement": "Logement",
    "cir": "Contrat d'intégration républicaine",
}


def _demande_de_pilotage() -> Any:
    from projections.indicateurs import PUBLICS, Demande, DemandeInvalideError

    a = request.args
    aujourd = aujourdhui()
    try:
        du = date.fromisoformat(a.get("du") or f"{aujourd.year - 1}-01-01")
        au = date.fromisoformat(a.get("au") or f"{aujourd.year - 1}-12-31")
        vu_au = date.fromisoformat(a["vu_au"]) if a.get("vu_au") else None
        public = a.get("public") or None
        if public is not None and public not in PUBLICS:
            raise ValueError("public inconnu")
        return Demande(du, au, vu_au, None, a.get("departement") or None, a.get("operateur") or None, public), None
    except (ValueError, DemandeInvalideError) as erreur:
        return None, f"Critères invalides : {erreur}"


@bp.get("/pilotage")
@connexion_requise
def pilotage() -> Any:
    """The §5 indicators for a cohort, as a table: aggregates only, for COPIL, responsables and admins."""
    from projections.indicateurs import PUBLICS, calculer, en_lignes_csv

    _acteur().exiger_role(Role.COPIL, Role.RESPONSABLE, Role.ADMIN)
    demande, erreur = _demande_de_pilotage()
    document = None
    if demande is not None:
        services().rattraper()
        document = calculer(services().lectures, demande)
        if request.args.get("format") == "csv":
            lignes = ["indicateur,valeur"] + [f"{nom},{'' if valeur is None else valeur}" for nom, valeur in en_lignes_csv(document)]
            return ("\n".join(lignes) + "\n", 200, {"Content-Type": "text/csv; charset=utf-8",
                                                    "Content-Disposition": "attachment; filename=indicateurs.csv"})
    with services().lectures.connect() as connexion:
        operateurs = connexion.execute(sa.select(t.operateur.c.slug).order_by(t.operateur.c.slug)).scalars().all()
        departements = connexion.execute(sa.select(t.operateur.c.departement).distinct().order_by(t.operateur.c.departement)).scalars().all()
    return render_template("ui/pilotage.html", document=document, erreur=erreur, criteres=request.args, publics=PUBLICS,
                           operateurs=operateurs, departements=departements, familles=LIBELLES_INDICATEURS), (422 if erreur else 200)


@bp.get("/pilotage/export-anonymise")
@connexion_requise
def export_anonymise() -> Any:
    """The protected tables and their metadata, zipped: safe to publish."""
    import io
    import tempfile
    import zipfile
    from pathlib import Path

    from projections.export_statistiques import exporter
    from projections.protection import ProtectionImpossibleError

    _acteur().exiger_role(Role.COPIL, Role.RESPONSABLE, Role.ADMIN)
    demande, erreur = _demande_de_pilotage()
    if demande is None:
        abort(422, description=erreur)
    services().rattraper()
    with tempfile.TemporaryDirectory() as dossier:
        try:
            exporter(services().lectures, demande.du, demande.au, Path(dossier) / "export")
        except ProtectionImpossibleError as probleme:
            abort(409, description=f"Protection impossible, rien n'est publié : {probleme}")
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zip_:
            for fichier in sorted((Path(dossier) / "export").iterdir()):
                zip_.write(fichier, fichier.name)
    return (archive.getvalue(), 200, {"Content-Type": "application/zip",
                                      "Content-Disposition": f"attachment; filename=statistiques-{demande.du}-{demande.au}.zip"})

"""The operator's accounts and access journal, for its responsables."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from parcours.comptes import Role
from projections import tables as t
from projections.donnees_personnelles import journal_des_acces
from web.acces import Acteur
from web.auth import connexion_requise
from web.deps import parcours, services
from web.pages.commun import acteur_courant, en_phrases

bp = Blueprint("comptes", __name__)

# The operator's accounts and access journal (responsables) ---------------------------------------


def _responsable() -> Acteur:
    acteur = acteur_courant()
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
            flash(f"Compte désactivé : {cible.nom} ({cible.login}).", "succes")
            return redirect(url_for("comptes.utilisateurs"), code=303)
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
                flash(f"Compte créé : {saisie['nom']} ({saisie['login']}).", "succes")
                return redirect(url_for("comptes.utilisateurs"), code=303)
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
        lignes = en_phrases(connexion, journal_des_acces(connexion, operateur=acteur.operateur, limite=500))
    return render_template("ui/journal.html", lignes=lignes)

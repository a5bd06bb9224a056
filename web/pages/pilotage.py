"""The steering committee's pages: the COPIL dashboard, objectives, the anonymised export and the spreadsheets
(logic in `web.pages.exports_pilotage`)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from parcours.comptes import Role
from projections import tables as t
from projections.masquage import en_mois_entiers, graphiques_agir_spe_publiables, graphiques_publiables, masquer
from web.auth import connexion_requise
from web.deps import aujourdhui, parcours, services
from web.pages import exports_pilotage
from web.pages.commun import acteur_courant

bp = Blueprint("pilotage", __name__)

# Steering committee ------------------------------------------------------------------------------


PILOTES = (Role.COPIL, Role.RESPONSABLE, Role.ADMIN)
"""Who reads the steering pages and their downloads: aggregates only."""

LIBELLES_INDICATEURS = {
    "public_cible": "Public cible (entrées de la période)",
    "accompagnement_emploi": "Accompagnement vers l'emploi (sorties de la période)",
    "langue": "Formation linguistique (formations terminées dans la période)",
    "logement": "Logement",
    "cir": "Contrat d'intégration républicaine",
    "agir": "AGIR (accompagnement global des réfugiés)",
    "spe": "Retour du service public de l'emploi (orientations de la période)",
}


def _demande_de_pilotage() -> Any:
    from projections.indicateurs import PUBLICS, Demande, DemandeInvalideError
    from projections.tableaux_calcules import periode_par_defaut

    a = request.args
    du_par_defaut, au_par_defaut = periode_par_defaut(aujourdhui())
    try:
        du = date.fromisoformat(a["du"]) if a.get("du") else du_par_defaut
        au = date.fromisoformat(a["au"]) if a.get("au") else au_par_defaut
        vu_au = date.fromisoformat(a["vu_au"]) if a.get("vu_au") else None
        position = a.get("position") or None
        if position is not None and not position.isdigit():
            raise ValueError(f"position du journal « {position} » : un nombre entier positif est attendu")
        position = int(position) if position is not None else None
        public = a.get("public") or None
        if public is not None and public not in PUBLICS:
            raise ValueError("public inconnu")
        departements = tuple(code for code in a.getlist("departement") if code)
        return Demande(du, au, vu_au, position, None, a.get("operateur") or None, public, a.get("programme") or None,
                       departements), None
    except (ValueError, DemandeInvalideError) as erreur:
        return None, f"Critères invalides : {erreur}"


def _protection_de_pilotage(demande: Any) -> tuple[Any, bool]:
    """Whether the figures are protected (`projections.masquage`), and the request as answered: a responsable
    reads their own operator's figures as they are; anything else shown here follows the statistical
    protection, over whole months."""
    from dataclasses import replace as remplacer

    acteur = acteur_courant()
    if acteur.role is Role.RESPONSABLE and demande.operateur == acteur.operateur:
        return demande, False
    du, au = en_mois_entiers(demande.du, demande.au)
    return remplacer(demande, du=du, au=au), True


@bp.get("/pilotage")
@connexion_requise
def pilotage() -> Any:
    """The §5 indicators for a cohort, as a table: aggregates only, for COPIL, responsables and admins."""
    from projections.indicateurs import en_lignes_csv
    from projections.tableaux_calcules import document_calcule
    from projections.tableurs import indicateurs_en_csv

    acteur_courant().exiger_role(*PILOTES)
    demande, erreur = _demande_de_pilotage()
    if demande is not None and request.args.get("format") == "csv":
        services().rattraper()
        demande, masque = _protection_de_pilotage(demande)
        document = document_calcule(services().lectures, demande, datetime.now(timezone.utc))
        document = masquer(document) if masque else document
        return (indicateurs_en_csv(en_lignes_csv(document)), 200, {"Content-Type": "text/csv; charset=utf-8",
                                                "Content-Disposition": "attachment; filename=indicateurs.csv"})
    return _page_de_pilotage(demande, erreur, 422 if erreur else 200)


def _peut_fixer_les_objectifs() -> bool:
    return acteur_courant().role in (Role.COPIL, Role.ADMIN)


def _page_de_pilotage(demande: Any, erreur: str | None, statut: int, saisie: dict[str, str] | None = None,
                      erreurs_objectif: dict[str, list[str]] | None = None) -> Any:
    """The dashboard: filters, objectives against achievements, charts with their tables, the objective form."""
    from projections.indicateurs import LIBELLES_PUBLICS, PROGRAMMES
    from projections.tableau_de_bord import LIBELLES_INDICATEURS as INDICATEURS
    from projections.tableau_de_bord import annee_des_objectifs, lignes_du_tableau
    from projections.tableaux_calcules import tableau_de_bord_calcule
    from web.pages.graphiques import figures, figures_agir_spe

    document, lignes, dessins, sections, calcul = None, [], [], {}, None
    if demande is not None:
        services().rattraper()
        demande, masque = _protection_de_pilotage(demande)
        calcul = tableau_de_bord_calcule(services().lectures, demande, datetime.now(timezone.utc),
                                         current_app.config["PARCOURS_TABLEAU_FRAICHEUR"], recalculer="recalculer" in request.args)
        tableau = calcul.tableau
        document, donnees, agir_spe = tableau.document, tableau.graphiques, tableau.agir_spe
        dessins = figures(donnees)
        if masque:
            document = masquer(document)
            dessins = [dessin for dessin, publiable in zip(dessins, graphiques_publiables(donnees)) if publiable]
        lignes = lignes_du_tableau(services().lectures, demande, document)
        sections = figures_agir_spe(agir_spe)
        if masque and not graphiques_agir_spe_publiables(agir_spe):
            sections = {}  # a count between 1 and k − 1 would be drawn: the sections are left out (fail closed)
    with services().lectures.connect() as connexion:
        operateurs = connexion.execute(sa.select(t.operateur.c.slug).order_by(t.operateur.c.nom)).scalars().all()
        departements = connexion.execute(sa.select(t.operateur.c.departement).distinct().order_by(t.operateur.c.departement)).scalars().all()
    par_famille: dict[str, list[Any]] = {}
    for ligne in lignes:
        par_famille.setdefault(ligne.indicateur.split(".", 1)[0], []).append(ligne)
    saisie = saisie or {"annee": str(annee_des_objectifs(demande) or "") if demande else "",
                        "operateur": request.args.get("operateur", ""), "programme": request.args.get("programme", "")}
    return render_template(
        "ui/pilotage.html", document=document, calcul=calcul, erreur=erreur,
        fraicheur_minutes=current_app.config["PARCOURS_TABLEAU_FRAICHEUR"].total_seconds() / 60, criteres=request.args, publics=LIBELLES_PUBLICS,
        operateurs=operateurs, departements=departements, familles=LIBELLES_INDICATEURS, par_famille=par_famille,
        figures=dessins, sections=sections, programmes=PROGRAMMES, indicateurs=INDICATEURS, peut_fixer=_peut_fixer_les_objectifs(),
        saisie=saisie, erreurs_objectif=erreurs_objectif or {},
        annee_objectifs=annee_des_objectifs(demande) if demande else None,
    ), statut


@bp.post("/pilotage/objectifs")
@connexion_requise
def fixer_objectif() -> Any:
    """A COPIL member or an admin sets a target value; the dashboard's criteria ride along in the query string."""
    from parcours.erreurs import ParcoursError
    from web.saisie.objectifs import SaisieObjectifInvalideError, lire_objectif

    acteur_courant().exiger_role(Role.COPIL, Role.ADMIN)
    saisie = {cle: request.form.get(cle, "") for cle in ("annee", "indicateur", "valeur", "operateur", "programme")}
    try:
        parcours().fixer_objectif(lire_objectif(saisie, acteur_courant().login))
    except SaisieObjectifInvalideError as probleme:
        erreurs = probleme.erreurs
    except ParcoursError as probleme:
        erreurs = {probleme.champ or "_schema": [probleme.message]}
    else:
        services().rattraper()
        annee = saisie["annee"]
        demande, _ = _demande_de_pilotage()
        visible = demande is not None and str(demande.du.year) == annee == str(demande.au.year)
        from projections.tableau_de_bord import LIBELLES_INDICATEURS as INDICATEURS

        flash(f"Objectif {annee} enregistré : {INDICATEURS.get(saisie['indicateur'], saisie['indicateur'])}, valeur-cible {saisie['valeur']}."
              + ("" if visible else f" Il s'affiche dans le tableau quand la période couvre la seule année {annee} (du 01/01 au 31/12)."),
              "succes")
        return redirect(url_for("pilotage.pilotage", **request.args.to_dict(flat=False)), code=303)
    demande, erreur = _demande_de_pilotage()
    return _page_de_pilotage(demande, erreur, 422, saisie, erreurs)


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

    acteur_courant().exiger_role(*PILOTES)
    demande, erreur = _demande_de_pilotage()
    if demande is None:
        abort(422, description=erreur)
    services().rattraper()
    with tempfile.TemporaryDirectory() as dossier:
        try:
            position = request.args.get("position", type=int)  # the page's: the export reads the log where the page did
            exporter(services().lectures, demande.du, demande.au, Path(dossier) / "export", position=position)
        except ProtectionImpossibleError as probleme:
            abort(409, description=f"Protection impossible, rien n'est publié : {probleme}")
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zip_:
            for fichier in sorted((Path(dossier) / "export").iterdir()):
                zip_.write(fichier, fichier.name)
    return (archive.getvalue(), 200, {"Content-Type": "application/zip",
                                      "Content-Disposition": f"attachment; filename=statistiques-{demande.du}-{demande.au}.zip"})


# Steering committee's spreadsheets (logic in web.pages.exports_pilotage) ----------------------------------------


@bp.get("/pilotage/evaluation-annuelle")
@connexion_requise
def evaluation_annuelle() -> Any:
    """The ministry's annual evaluation table of an action (operator, département or national), CSV/XLSX/ODS."""
    acteur_courant().exiger_role(*PILOTES)
    return exports_pilotage.evaluation_annuelle(request.args)


@bp.get("/pilotage/tableau")
@connexion_requise
def tableau_de_pilotage() -> Any:
    """The dashboard's indicator table for the page's criteria, with its metadata, as CSV, XLSX or ODS."""
    acteur_courant().exiger_role(*PILOTES)
    demande, erreur = _demande_de_pilotage()
    if demande is None:
        abort(422, description=erreur)
    demande, masque = _protection_de_pilotage(demande)
    return exports_pilotage.tableau_de_bord(demande, request.args, masque)

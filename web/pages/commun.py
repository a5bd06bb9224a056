"""What the pages share: who is acting, the htmx and journal helpers, person names, and the template filters
(dates, labels, numbers) installed on the app. Must not import a page module (`dossier`, `orientations`, …)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from flask import Flask, abort, g, request

from parcours.dates import FUSEAU
from parcours.vocabulaire import LIBELLES_ETAPES, TypeEtape
from projections.identites import noms as noms_de
from web.acces import AccesRefuseError, Acteur
from web.deps import parcours
from web.pages.formulaires import libelle_valeur
from web.pages.graphiques import nombre
from web.pages.noms import initiale, phrase_de_consultation

def acteur_courant() -> Acteur:
    return g.acteur


def refuser_au_copil() -> None:
    if acteur_courant().copil:
        raise AccesRefuseError("le comité de pilotage ne consulte que des données agrégées.")


def type_demande(admis: Collection[TypeEtape]) -> TypeEtape:
    """The step type a form asks for (`?type=…`), 404 when it is unknown or not recorded from this page."""
    try:
        type_etape = TypeEtape(request.values.get("type", ""))
    except ValueError:
        abort(404, description="Type d'étape inconnu.")
    if type_etape not in admis:
        abort(404, description="Type d'étape inconnu.")
    return type_etape


def requete_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def journaliser_lecture(parcours_id: UUID | str, route: str) -> None:
    acteur = acteur_courant()
    parcours().journaliser_consultation(acteur.login, acteur.operateur, UUID(str(parcours_id)), f"ui:{route}")


def en_phrases(connexion: sa.Connection, lignes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Access-journal rows as sentences: « Awa Ndiaye a consulté le dossier de N. Haidari »."""
    ids = {ligne["parcours_id"] for ligne in lignes}
    personnes = noms_de(connexion, ids)
    for ligne in lignes:
        identite = personnes.get(ligne["parcours_id"])
        ligne["visible"] = identite is not None
        ligne["phrase"] = phrase_de_consultation(ligne, initiale(*identite) if identite else "personne effacée")
    return lignes


def installer(app: Flask) -> None:
    """The template context and filters every page uses."""

    @app.context_processor
    def _contexte() -> dict[str, Any]:
        return {"libelles": {ty.value: libelle for ty, libelle in LIBELLES_ETAPES.items()}}

    @app.template_filter("libelle")
    def _filtre_libelle(valeur: Any) -> str:
        return libelle_valeur(valeur)

    @app.template_filter("jour")
    def _filtre_jour(valeur: Any) -> str:
        if valeur is None or valeur == "":
            return "—"
        if isinstance(valeur, str):
            return libelle_valeur(valeur)
        return f"{valeur:%d/%m/%Y}"

    @app.template_filter("nombre")
    def _filtre_nombre(valeur: Any) -> str:
        """1234.5 → "1 234,5", None → "—" (the dashboard's figures)."""
        return nombre(valeur)

    @app.template_filter("heure")
    def _filtre_heure(valeur: Any) -> str:
        """A recording time in Paris time (stored in UTC; SQLite gives it back without its zone)."""
        if valeur is None:
            return "—"
        if valeur.tzinfo is None:
            valeur = valeur.replace(tzinfo=UTC)
        return f"{valeur.astimezone(FUSEAU):%d/%m/%Y %H:%M}"

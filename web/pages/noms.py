"""What a person reads instead of codes: operators and accounts by name, countries by French name,
rates in percent with a decimal comma, access-journal entries as sentences.

Installed as Jinja filters on the app (`installer`); the pages use them, CSV, JSON and the API keep
the codes. Names are read once per request from the read models. Must not import `web.pages.dossier` or `web.api.routes`.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask, g

from parcours.pays import nom_pays
from parcours.vocabulaire import LIBELLES_TYPES_OPERATEUR
from projections import tables as t
from web.deps import services
from web.pages.formulaires import libelle_valeur
from web.pages.graphiques import pourcentage
from web.saisie.objectifs import est_un_taux

RESSOURCES_CONSULTEES = {
    "ui:personne": "",
    "ui:nouvelle_etape": "formulaire d'une étape",
    "ui:corriger": "correction d'une étape",
    "ui:annuler": "annulation d'une étape",
}
"""Which page of the file each journalled read was, in words; API reads say « par l'API »."""


def _operateurs() -> dict[str, Any]:
    if "noms_operateurs" not in g:
        with services().lectures.connect() as connexion:
            g.noms_operateurs = {
                ligne.slug: ligne
                for ligne in connexion.execute(sa.select(t.operateur.c.slug, t.operateur.c.nom, t.operateur.c.type, t.operateur.c.departement))
            }
    return g.noms_operateurs


def nom_operateur(slug: str | None) -> str:
    """« France Travail Paris » for france-travail-75; an unknown slug stays as it is."""
    if not slug:
        return "—"
    ligne = _operateurs().get(slug)
    return ligne.nom if ligne is not None else slug


def type_operateur(slug: str | None) -> str | None:
    ligne = _operateurs().get(slug or "")
    return ligne.type if ligne is not None else None


def nom_compte(login: str | None) -> str:
    """The account's display name (« Awa Ndiaye (OFII Paris) »), its login when unknown."""
    if not login:
        return "—"
    if "noms_comptes" not in g:
        with services().lectures.connect() as connexion:
            g.noms_comptes = dict(connexion.execute(sa.select(t.utilisateur.c.login, t.utilisateur.c.nom)).all())
    return g.noms_comptes.get(login, login)


def nommer(valeur: Any) -> str:
    """Any code a page shows: an operator's name for a slug, else the French label of the value."""
    if isinstance(valeur, str) and valeur in _operateurs():
        return nom_operateur(valeur)
    return libelle_valeur(valeur)


def initiale(prenom: str | None, nom: str | None) -> str:
    """« N. Haidari »: enough to recognise a file in a journal, without the full identity."""
    prenom, nom = (prenom or "").strip(), (nom or "").strip()
    if prenom and nom:
        return f"{prenom[0]}. {nom}"
    return nom or prenom or "personne effacée"


def phrase_de_consultation(ligne: dict[str, Any], personne: str) -> str:
    """« Awa Ndiaye a consulté le dossier de N. Haidari »."""
    ressource = ligne.get("ressource") or ""
    page = RESSOURCES_CONSULTEES.get(ressource, "par l'API" if ressource.startswith("api:") else "")
    return f"{nom_compte(ligne.get('login'))} a consulté le dossier de {personne}" + (f" ({page})" if page else "")


def installer(app: Flask) -> None:
    app.add_template_filter(nom_operateur, "operateur")
    app.add_template_filter(nom_compte, "compte")
    app.add_template_filter(nom_pays, "pays")
    app.add_template_filter(pourcentage, "pourcentage")
    app.add_template_filter(nommer, "nom")
    app.add_template_test(est_un_taux, "taux")
    app.add_template_filter(type_operateur, "type_structure")
    app.add_template_filter(lambda code: LIBELLES_TYPES_OPERATEUR.get(code, code), "type_operateur")

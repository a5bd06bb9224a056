"""Before a registration: does this person already have a file? Same numéro étranger, or same surname,
first name, birth date and sex (accents and case ignored).

Each candidate says whether the registering operator may open it (involved in the pathway) and, when
it may not, which operators follow it: the caseworker asks them for a hand-over instead of creating
a second file. Must not import `web.pages.dossier` or `web.api.routes`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa

from projections import tables as t
from projections.identites import coffre_de, empreinte_doublon, ouvrir_personnes, personne
from projections.requetes import implique

@dataclass
class Doublon:
    parcours_id: str
    prenom: str
    nom: str
    date_naissance: date | None
    departement: str | None
    raison: str
    visible: bool
    suivi_par: list[str] = field(default_factory=list)


def doublons_possibles(connexion: sa.Connection, donnees: dict[str, Any], operateur: str, par_numero: str | None) -> list[Doublon]:
    """Files that may be this person's; `par_numero` is the pathway the numéro étranger already names."""
    p = t.personne
    trouves: dict[str, tuple[Any, str]] = {}
    if par_numero:
        ligne = personne(connexion, par_numero)
        if ligne is not None:
            trouves[ligne["parcours_id"]] = (ligne, "même numéro étranger")
    nom, prenom, naissance, sexe = (str(donnees.get(c) or "").strip() for c in ("nom", "prenom", "date_naissance", "sexe"))
    if nom and prenom and naissance and sexe:
        try:
            jour = date.fromisoformat(naissance)
        except ValueError:
            jour = None
        if jour is not None:
            empreinte = empreinte_doublon(coffre_de(connexion), nom, prenom, jour.isoformat(), sexe)
            memes = connexion.execute(sa.select(p).where(p.c.empreinte_doublon == empreinte)).mappings()
            for ligne in ouvrir_personnes(connexion, memes):
                trouves.setdefault(ligne["parcours_id"], (ligne, "mêmes nom, prénom, date de naissance et sexe"))
    doublons = []
    for parcours_id, (ligne, raison) in trouves.items():
        visible = implique(connexion, parcours_id, operateur)
        suivi_par = [] if visible else list(connexion.execute(
            sa.select(t.operateur.c.nom).join(t.implication, t.implication.c.operateur == t.operateur.c.slug)
            .where(t.implication.c.parcours_id == parcours_id).order_by(t.operateur.c.nom)).scalars())
        doublons.append(Doublon(parcours_id, ligne["prenom"] or "", ligne["nom"] or "", ligne["date_naissance"], ligne["departement"],
                                raison, visible, suivi_par))
    return doublons

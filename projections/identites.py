"""Identity in the read models: sealed with the person's key, found through keyed hashes, opened for a page.

The `personne` table keeps a person's name, first name, birth date and household only sealed (`identite`), with two
keyed hashes for look-ups: `empreinte_doublon` (name, first name, birth date and sex, as duplicate detection
compares them) and `empreinte_naissance` (birth date, for the search). An `etape` row that carries identity (a
registration, a correction of one) keeps its data sealed whole (`{"_scelle": …}`). Once the person's key is
destroyed none of it opens again, wherever a copy lies. Pages open only the rows they show; indicators never
read identity. The coffre (`parcours.chiffrement.CoffreIdentite`) of a read-model engine is associated with it
once (`associer`), so that every query on one of its connections can open what it reads.
Must not import flask or `web`.
"""

from __future__ import annotations

import unicodedata
import weakref
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from parcours.chiffrement import CoffreIdentite
from parcours.vocabulaire import TypeEtape
from projections import tables as t
from projections.faits import CHAMPS

IDENTITE = ("nom", "prenom", "date_naissance", "numero_etranger", "menage")
"""The fields that name a person: sealed wherever a read model keeps them."""
SCELLE = "_scelle"

_COFFRES: weakref.WeakKeyDictionary[sa.Engine, CoffreIdentite] = weakref.WeakKeyDictionary()


def associer(engine: sa.Engine, coffre: CoffreIdentite) -> None:
    """The coffre that seals and opens identity in this engine's read models."""
    _COFFRES[engine] = coffre


def coffre_de(connexion: sa.Connection) -> CoffreIdentite:
    try:
        return _COFFRES[connexion.engine]
    except KeyError:
        raise RuntimeError("modèles de lecture sans coffre d'identité : appelez projections.identites.associer") from None


def pour_recherche(*morceaux: str | None) -> str:
    """Lower-case, accents removed: "Hâïdari Amina" → "haidari amina"."""
    texte = " ".join(m for m in morceaux if m)
    return "".join(c for c in unicodedata.normalize("NFKD", texte) if not unicodedata.combining(c)).lower()


def empreinte_doublon(coffre: CoffreIdentite, nom: str | None, prenom: str | None, naissance: str | None, sexe: str | None) -> str:
    return coffre.empreinte("doublon", "\x00".join((pour_recherche(nom, prenom), naissance or "", sexe or "")))


def empreinte_naissance(coffre: CoffreIdentite, naissance: str) -> str:
    return coffre.empreinte("naissance", naissance)


def colonnes_sans_identite(coffre: CoffreIdentite, type_etape: TypeEtape, colonnes: dict[str, Any]) -> dict[str, Any]:
    """A fact's columns with the household (often named after the family) as a keyed hash: the indicators only
    count distinct households."""
    menage = CHAMPS[TypeEtape.PERSONNE_ENREGISTREE]["menage"].colonne
    if type_etape is TypeEtape.PERSONNE_ENREGISTREE and colonnes.get(menage):
        colonnes[menage] = coffre.empreinte("menage", colonnes[menage])
    return colonnes


# Writing (the projection) ---------------------------------------------------------------------------------------


def ligne_personne(coffre: CoffreIdentite, parcours_id: str, donnees: Mapping[str, Any], operateur: str, le: datetime,
                   position: int) -> dict[str, Any]:
    naissance = donnees.get("date_naissance") or None
    return {
        "parcours_id": parcours_id,
        "identite": coffre.sceller(parcours_id, {"nom": donnees.get("nom"), "prenom": donnees.get("prenom"), "date_naissance": naissance,
                                                 "menage": donnees.get("menage")}),
        "empreinte_doublon": empreinte_doublon(coffre, donnees.get("nom"), donnees.get("prenom"), naissance, donnees.get("sexe")),
        "empreinte_naissance": empreinte_naissance(coffre, naissance) if naissance else None,
        "sexe": donnees.get("sexe"),
        "nationalite": donnees.get("nationalite"),
        "departement": donnees.get("departement"),
        "enregistre_par": operateur,
        "enregistre_le": le,
        "position": position,
    }


def porte_une_identite(type_etape: str, donnees: Mapping[str, Any]) -> bool:
    if type_etape == TypeEtape.PERSONNE_ENREGISTREE.value:
        return True
    champs = donnees.get("champs") if type_etape == TypeEtape.EVENEMENT_CORRIGE.value else None
    return isinstance(champs, Mapping) and any(champ in champs for champ in IDENTITE)


def donnees_scellees(coffre: CoffreIdentite, parcours_id: str, type_etape: str, donnees: dict[str, Any]) -> dict[str, Any]:
    """An `etape` row's data as stored: sealed whole when it names the person."""
    if not porte_une_identite(type_etape, donnees):
        return donnees
    return {SCELLE: coffre.sceller(parcours_id, donnees)}


# Reading (the pages) --------------------------------------------------------------------------------------------


def donnees_ouvertes(coffre: CoffreIdentite, parcours_id: str, donnees: Mapping[str, Any] | None) -> dict[str, Any]:
    """An `etape` row's data as recorded (sealed or not); {} if the person was erased meanwhile."""
    if donnees is None:
        return {}
    if SCELLE not in donnees:
        return dict(donnees)
    return coffre.ouvrir(parcours_id, donnees[SCELLE]) or {}


def ouvrir_etapes(connexion: sa.Connection, lignes: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """`etape` rows with their data opened (the keys of the people concerned read once)."""
    lignes = [dict(ligne) for ligne in lignes]
    scellees = [ligne for ligne in lignes if SCELLE in (ligne.get("donnees") or {})]
    if scellees:
        coffre = coffre_de(connexion)
        coffre.charger(ligne["parcours_id"] for ligne in scellees)
        for ligne in scellees:
            ligne["donnees"] = donnees_ouvertes(coffre, ligne["parcours_id"], ligne["donnees"])
    return lignes


def _personne_ouverte(coffre: CoffreIdentite, ligne: Mapping[str, Any]) -> dict[str, Any]:
    identite = coffre.ouvrir(ligne["parcours_id"], ligne["identite"]) or {}
    naissance = identite.get("date_naissance")
    return {
        "parcours_id": ligne["parcours_id"],
        "nom": identite.get("nom"),
        "prenom": identite.get("prenom"),
        "date_naissance": date.fromisoformat(naissance) if naissance else None,
        **{colonne: ligne[colonne] for colonne in ("sexe", "nationalite", "departement") if colonne in ligne},
        "menage": identite.get("menage"),
        **{colonne: ligne[colonne] for colonne in ("enregistre_par", "enregistre_le", "position") if colonne in ligne},
    }


PAR_LECTURE_DE_CLES = 1000
"""People whose keys are read together: well under the key cache, so each key read stays cached until used."""


def ouvrir_personnes(connexion: sa.Connection, lignes: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """`personne` rows (with `parcours_id` and `identite`) as pages read them: name, first name, birth date in clear."""
    lignes = list(lignes)
    if not lignes:
        return []
    coffre = coffre_de(connexion)
    ouvertes = []
    for debut in range(0, len(lignes), PAR_LECTURE_DE_CLES):
        morceau = lignes[debut:debut + PAR_LECTURE_DE_CLES]
        coffre.charger(ligne["parcours_id"] for ligne in morceau)
        ouvertes += [_personne_ouverte(coffre, ligne) for ligne in morceau]
    return ouvertes


def personne(connexion: sa.Connection, parcours_id: str) -> dict[str, Any] | None:
    """One person's `personne` row, opened; None if there is none."""
    ligne = connexion.execute(sa.select(t.personne).where(t.personne.c.parcours_id == parcours_id)).mappings().first()
    return ouvrir_personnes(connexion, [ligne])[0] if ligne is not None else None


def noms(connexion: sa.Connection, parcours_ids: Iterable[str]) -> dict[str, tuple[str | None, str | None]]:
    """(first name, name) of each person shown on a page."""
    parcours_ids = sorted(set(parcours_ids))
    if not parcours_ids:
        return {}
    lignes = connexion.execute(
        sa.select(t.personne.c.parcours_id, t.personne.c.identite).where(t.personne.c.parcours_id.in_(parcours_ids))
    ).mappings().all()
    return {p["parcours_id"]: (p["prenom"], p["nom"]) for p in ouvrir_personnes(connexion, lignes)}


def noms_complets(connexion: sa.Connection, parcours_ids: Iterable[str]) -> dict[str, str]:
    """« Prénom Nom » of each person shown on a page."""
    return {p: f"{prenom or ''} {nom or ''}".strip() for p, (prenom, nom) in noms(connexion, parcours_ids).items()}

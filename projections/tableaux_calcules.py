"""The dashboards already computed: each request's `TableauDeBord` kept with the snapshot it was counted on, so the
steering committee's page reads one row instead of counting a whole territory again (9 s at 100,000 people).

A kept dashboard is exactly what `tableau_de_bord` returns at its `position_journal`: the facts are versioned by log
position, so the figures of a position do not change, except
- through an erasure: the number of erasures is kept, and any erasure since makes the row unusable;
- through the code that counts them, the lasting-job threshold (CONTRACT §10) or an operator's type (registering an
  operator is not a step): all three are part of the row's key.

When the log has no step past it, a kept dashboard is current and served as is. When steps were recorded since, one
that took more than `COMPTE_LONG_S` to count is served for `fraicheur` after it was counted, saying how many steps it
does not count yet (the page offers to count again); after that, when asked, or when it was quick to count, the request
is counted again and its row replaced. `precalculer` counts a list of requests in advance (`parcours pilotage
precalculer`, run by the scheduler), like DHIS2's analytics tables but with the snapshot printed. The page's
spreadsheets (`document_calcule`) take a kept dashboard only when it is current, never a stale one.

Aggregates only, as `projections.tableau_de_bord`. Must not import flask or `web`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields, replace
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from parcours.dates import emploi_durable_strict
from projections import tables as t
from projections.document import contexte_du_document, position_du_cliche
from projections.indicateurs import Demande
from projections.lecture import en_utc
from projections.tableau_de_bord import Graphiques, GraphiquesAgirSpe, TableauDeBord, tableau_de_bord_du_contexte

COMPTE_LONG_S = 1.0
"""Only a dashboard that took this long to count is served stale: a shorter count is simply done again."""
GARDE = timedelta(days=31)
"""A kept dashboard not counted again for this long is removed at the next count (each set of criteria, each position
a spreadsheet names, has its row: the table would otherwise only grow)."""
PAQUETS_QUI_COMPTENT = ("parcours", "projections")
"""The packages whose code decides the figures: a kept dashboard is for the code that counted it."""


@dataclass(frozen=True)
class TableauCalcule:
    """A dashboard and when it was counted: `etapes_depuis` steps recorded since its snapshot are not in it."""

    tableau: TableauDeBord
    calcule_le: datetime
    duree_s: float
    """How long counting it took."""
    etapes_depuis: int

    @property
    def a_jour(self) -> bool:
        return self.etapes_depuis == 0


def tableau_de_bord_calcule(engine: sa.Engine, demande: Demande, maintenant: datetime, fraicheur: timedelta,
                            recalculer: bool = False) -> TableauCalcule:
    """The dashboard of `demande`: the kept one when it is current, or long to count and stale by less than
    `fraicheur`; else (or `recalculer`) counted now and kept."""
    with engine.connect() as connexion:
        operateurs = types_des_operateurs(connexion)
        cle = cle_de_la_demande(demande, operateurs)
        position = position_du_cliche(connexion, demande)
        effacements = _effacements(connexion)
        ligne = _ligne(connexion, cle)
        if ligne is not None and ligne["effacements"] == effacements and ligne["position"] <= position:
            depuis = _etapes_entre(connexion, ligne["position"], position)
            frais = maintenant - en_utc(ligne["calcule_le"]) < fraicheur and ligne["duree_s"] >= COMPTE_LONG_S
            if depuis == 0 or (frais and not recalculer):
                return _servi(ligne, depuis)
        if demande.position is not None and not recalculer:
            # The page's spreadsheets name the position the page showed: the page's own row, if it saw exactly that
            # position and no erasure came after it (a report reproduced before an erasure says so), is the same.
            courante = _ligne(connexion, cle_de_la_demande(replace(demande, position=None), operateurs))
            if (courante is not None and courante["position"] == position and courante["effacements"] == effacements
                    and not _effacees_apres(connexion, position)):
                return _servi(courante, 0)
    return _compter_et_garder(engine, demande, cle, maintenant)


def document_calcule(engine: sa.Engine, demande: Demande, maintenant: datetime) -> dict[str, Any]:
    """The §5 document of `demande` as `calculer` gives it, taken from a kept dashboard only when that one is current."""
    return tableau_de_bord_calcule(engine, demande, maintenant, timedelta(0)).tableau.document


def precalculer(engine: sa.Engine, demandes: Iterable[Demande], maintenant: datetime) -> list[TableauCalcule]:
    """Count each request now and keep it (the scheduler's job): the page then serves them at once."""
    a_compter = list(demandes)
    with engine.connect() as connexion:
        operateurs = types_des_operateurs(connexion)
    cles = [cle_de_la_demande(demande, operateurs) for demande in a_compter]
    return [_compter_et_garder(engine, demande, cle, maintenant) for demande, cle in zip(a_compter, cles)]


def periode_par_defaut(aujourdhui: date) -> tuple[date, date]:
    """The period the page shows when none is asked, and `parcours pilotage precalculer` counts: the previous year."""
    return date(aujourdhui.year - 1, 1, 1), date(aujourdhui.year - 1, 12, 31)


def demandes_du_tableau(connexion: sa.Connection, du: date, au: date) -> list[Demande]:
    """What the page asks first for a period: national, and each département its filter offers (the operators')."""
    departements = connexion.execute(
        sa.select(t.operateur.c.departement).distinct().where(t.operateur.c.departement.is_not(None))
        .order_by(t.operateur.c.departement)).scalars().all()
    return [Demande(du, au), *(Demande(du, au, departements=(code,)) for code in departements)]


def types_des_operateurs(connexion: sa.Connection) -> list[list[str]]:
    """Each operator's slug and type, read once for every key a call computes (`cle_de_la_demande`)."""
    return [list(ligne) for ligne in connexion.execute(sa.select(t.operateur.c.slug, t.operateur.c.type).order_by(t.operateur.c.slug))]


def cle_de_la_demande(demande: Demande, operateurs: list[list[str]]) -> str:
    """What the figures depend on besides the snapshot: the request, the lasting-job threshold, the counting code, and
    each operator's type (`types_des_operateurs`: the orientations are counted by the receiver's type, and an operator
    is not a step)."""
    texte = json.dumps({"demande": _encoder(asdict(demande)), "strict": emploi_durable_strict(), "code": empreinte_du_code(),
                        "operateurs": operateurs}, sort_keys=True)
    return hashlib.sha256(texte.encode()).hexdigest()


@functools.cache
def empreinte_du_code() -> str:
    """A digest of the sources of `PAQUETS_QUI_COMPTENT`, read once per process."""
    racine = Path(__file__).resolve().parent.parent
    empreinte = hashlib.sha256()
    for paquet in PAQUETS_QUI_COMPTENT:
        for fichier in sorted((racine / paquet).rglob("*.py")):
            empreinte.update(str(fichier.relative_to(racine)).encode())
            empreinte.update(fichier.read_bytes())
    return empreinte.hexdigest()


def _compter_et_garder(engine: sa.Engine, demande: Demande, cle: str, maintenant: datetime) -> TableauCalcule:
    debut = time.perf_counter()
    with engine.connect() as connexion:
        # Counted before the figures: an erasure during the count leaves the row one erasure short, so it is counted
        # again at the next request (the facts of a position change only through an erasure).
        effacements = _effacements(connexion)
        tableau = tableau_de_bord_du_contexte(contexte_du_document(connexion, demande))
    duree = time.perf_counter() - debut
    ligne = {"cle": cle, "position": tableau.document["position_journal"], "effacements": effacements,
             "calcule_le": maintenant.astimezone(timezone.utc), "duree_s": duree, "contenu": _encoder_tableau(tableau)}
    with engine.begin() as connexion:
        connexion.execute(_remplacer(connexion).values(**ligne))
        connexion.execute(t.tableau_calcule.delete().where(t.tableau_calcule.c.calcule_le < ligne["calcule_le"] - GARDE))
    return TableauCalcule(tableau, maintenant, duree, 0)


def _remplacer(connexion: sa.Connection) -> Any:
    """An INSERT that replaces the row of the same key, unless that row saw more: two processes may count the same
    request at once, and the one that counted an older snapshot may finish last. An erasure can lower the position
    (the erased person's steps may be the last ones): a row that saw more erasures is the newer one."""
    dialecte = postgresql if connexion.dialect.name == "postgresql" else sqlite
    insertion = dialecte.insert(t.tableau_calcule)
    gardee, nouvelle = t.tableau_calcule.c, insertion.excluded
    remplacees = {c.name: nouvelle[c.name] for c in t.tableau_calcule.columns if c.name != "cle"}
    plus_recente = sa.or_(nouvelle.effacements > gardee.effacements,
                          sa.and_(nouvelle.effacements == gardee.effacements, nouvelle.position >= gardee.position))
    return insertion.on_conflict_do_update(index_elements=["cle"], set_=remplacees, where=plus_recente)


def _ligne(connexion: sa.Connection, cle: str) -> Any:
    return connexion.execute(sa.select(t.tableau_calcule).where(t.tableau_calcule.c.cle == cle)).mappings().first()


def _servi(ligne: Any, depuis: int) -> TableauCalcule:
    return TableauCalcule(_decoder_tableau(ligne["contenu"]), en_utc(ligne["calcule_le"]), ligne["duree_s"], depuis)


def _effacees_apres(connexion: sa.Connection, position: int) -> bool:
    e = t.effacement.c
    return connexion.execute(sa.select(sa.func.count()).where(e.position > position)).scalar_one() > 0


def _effacements(connexion: sa.Connection) -> int:
    return connexion.execute(sa.select(sa.func.count()).select_from(t.effacement)).scalar_one()


def _etapes_entre(connexion: sa.Connection, apres: int, jusqua: int) -> int:
    e = t.etape.c
    return connexion.execute(sa.select(sa.func.count()).where(e.position > apres, e.position <= jusqua)).scalar_one()


# The kept content: JSON that gives back the same Python values (tuples, Decimals and dates included) ---------------


def _encoder_tableau(tableau: TableauDeBord) -> str:
    return json.dumps({"document": _encoder(tableau.document), "graphiques": _encoder(_champs(tableau.graphiques)),
                       "agir_spe": _encoder(_champs(tableau.agir_spe))}, separators=(",", ":"))


def _decoder_tableau(contenu: str) -> TableauDeBord:
    brut = json.loads(contenu)
    return TableauDeBord(_decoder(brut["document"]), Graphiques(**_decoder(brut["graphiques"])),
                         GraphiquesAgirSpe(**_decoder(brut["agir_spe"])))


def _champs(objet: Any) -> dict[str, Any]:
    """A dataclass's fields, one level (`asdict` would copy them all again)."""
    return {champ.name: getattr(objet, champ.name) for champ in fields(objet)}


def _encoder(valeur: Any) -> Any:
    if valeur is None or type(valeur) in (bool, int, float, str):
        return valeur
    if type(valeur) is list:
        return [_encoder(v) for v in valeur]
    if type(valeur) is tuple:
        return {"t": [_encoder(v) for v in valeur]}
    if type(valeur) is dict:
        return {"d": [[_encoder(k), _encoder(v)] for k, v in valeur.items()]}
    if type(valeur) is Decimal:
        return {"n": str(valeur)}
    if type(valeur) is date:
        return {"j": valeur.isoformat()}
    raise TypeError(f"valeur non prévue dans un tableau de bord : {type(valeur).__name__}")


def _decoder(valeur: Any) -> Any:
    if type(valeur) is list:
        return [_decoder(v) for v in valeur]
    if type(valeur) is not dict:
        return valeur
    ((balise, contenu),) = valeur.items()
    if balise == "t":
        return tuple(_decoder(v) for v in contenu)
    if balise == "d":
        return {_decoder(k): _decoder(v) for k, v in contenu}
    if balise == "n":
        return Decimal(contenu)
    return date.fromisoformat(contenu)

"""The read-model projection: turns a batch of log events into rows of every read-model table.

Rows of ordinary steps are gathered and inserted together at the end of the batch; a correction or
a void first writes what is pending, then closes (and, for a correction, reopens) the versions of
the step it targets. Last, the steps awaiting an answer are set again for the pathways where the batch
recorded, corrected or voided a step that decides them (`projections.en_attente`). The runner commits the rows and the tracking position in one
transaction.
Must not import flask or `web`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timezone
from enum import Enum
from operator import itemgetter
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from parcours.comptes import ClientApi, Consultation, Utilisateur
from parcours.index import Effacement, Operateur
from parcours.demandes import DemandeDeDossier
from parcours.objectifs import Objectif
from parcours.personne import EtapeEvenement, Personne
from parcours.vocabulaire import TypeEtape
from projections import en_attente, lecture_actions, tables as t
from projections.faits import CHAMPS, colonnes
from parcours.chiffrement import CoffreIdentite
from projections.identites import (
    coffre_de,
    colonnes_sans_identite,
    donnees_ouvertes,
    donnees_scellees,
    ligne_personne,
    pour_recherche,  # noqa: F401 — where the pages have always imported it from
)

GESTION = (TypeEtape.EVENEMENT_CORRIGE, TypeEtape.EVENEMENT_ANNULE)
TABLES = (t.fait, t.etape, t.implication, t.personne, t.operateur, t.utilisateur, t.client_api, t.consultation, t.objectif,
          t.demande_dossier, t.fait_action, t.action, t.effacement, t.etape_en_attente)
COMPTES = (
    Utilisateur.Cree, Utilisateur.MotDePasseChange, Utilisateur.RoleChange, Utilisateur.Desactive,
    Utilisateur.ConnexionEchouee, Utilisateur.ConnexionReussie, Utilisateur.Deconnecte, ClientApi.Cree, ClientApi.Revoque,
    Consultation.Journalisee,
)


_SIMPLES = frozenset({str, int, float, bool, type(None)})


def en_json(valeur: Any) -> Any:
    """Event values in their JSON form: dates as ISO strings, enums as values, UUIDs as strings."""
    genre = type(valeur)
    if genre in _SIMPLES:
        return valeur
    # A rebuild converts every value of every step: plain dicts and lists first, without isinstance chains.
    if genre is dict:
        return {k if type(k) is str else str(k): v if type(v) in _SIMPLES else en_json(v) for k, v in valeur.items()}
    if genre is list:
        return [v if type(v) in _SIMPLES else en_json(v) for v in valeur]
    if isinstance(valeur, Mapping):
        return {str(k): en_json(v) for k, v in valeur.items()}
    if isinstance(valeur, (list, tuple, set, frozenset)):
        return [en_json(v) for v in valeur]
    if isinstance(valeur, Enum):
        return valeur.value
    if isinstance(valeur, (date, datetime, UUID)):
        return valeur.isoformat() if not isinstance(valeur, UUID) else str(valeur)
    return valeur


def en_utc(instant: datetime) -> datetime:
    """An instant read back from a read model, in UTC: SQLite returns them without their offset."""
    return instant.replace(tzinfo=timezone.utc) if instant.tzinfo is None else instant.astimezone(timezone.utc)


class ProjectionLecture:
    """Every read-model table, fed by one pass over the log."""

    nom = "lecture"
    topics = tuple(
        [classe.TOPIC for classe in vars(Personne).values() if isinstance(classe, type) and issubclass(classe, EtapeEvenement)]
        + [Operateur.Enregistre.TOPIC, Operateur.Modifie.TOPIC]
        + [classe.TOPIC for classe in COMPTES]
        + [Effacement.Effacee.TOPIC]
        + [Objectif.Fixe.TOPIC, Objectif.Modifie.TOPIC]
        + [DemandeDeDossier.Demandee.TOPIC, DemandeDeDossier.Renouvelee.TOPIC, DemandeDeDossier.Adressee.TOPIC,
           DemandeDeDossier.Declinee.TOPIC]
        + lecture_actions.TOPICS
    )

    def vider(self, connexion: sa.Connection) -> None:
        for table in TABLES:
            connexion.execute(table.delete())

    def appliquer(self, connexion: sa.Connection, evenements: Sequence[tuple[int, Any]]) -> None:
        lot = _Lot(connexion)
        touches: set[str] = set()
        for position, evenement in evenements:
            if isinstance(evenement, EtapeEvenement):
                if evenement.TYPE in en_attente.TYPES or evenement.TYPE in GESTION:
                    touches.add(str(evenement.originator_id))
                if evenement.TYPE in GESTION:
                    lot.ecrire()
                    self._gerer(connexion, position, evenement)
                lot.etape(position, evenement)
            elif isinstance(evenement, (Operateur.Enregistre, Operateur.Modifie)):
                lot.ecrire()
                _operateur(connexion, evenement)
            elif isinstance(evenement, Effacement.Effacee):
                lot.ecrire()
                touches.add(str(evenement.parcours_id))
                _effacer(connexion, str(evenement.parcours_id))
                connexion.execute(t.effacement.insert(), [{"parcours_id": str(evenement.parcours_id), "position": position,
                                                           "le": evenement.timestamp}])
            elif isinstance(evenement, (Objectif.Fixe, Objectif.Modifie)):
                lot.ecrire()
                _objectif(connexion, position, evenement)
            elif isinstance(evenement, (DemandeDeDossier.Demandee, DemandeDeDossier.Renouvelee, DemandeDeDossier.Adressee,
                                        DemandeDeDossier.Declinee)):
                lot.ecrire()
                _demande_dossier(connexion, position, evenement)
            elif isinstance(evenement, Consultation.Journalisee):
                lot.consultations.append(_consultation(evenement))
            elif isinstance(evenement, COMPTES):
                lot.ecrire()
                _compte(connexion, evenement)
        lot.ecrire()
        en_attente.recalculer(connexion, touches)

    def _gerer(self, connexion: sa.Connection, position: int, gestion: EtapeEvenement) -> None:
        cible_id = str(gestion.donnees["cible_step_id"])
        cible = connexion.execute(sa.select(t.etape).where(t.etape.c.step_id == cible_id)).mappings().first()
        if cible is None:
            return
        self._gerer_sur_action(connexion, position, gestion, cible)
        if gestion.TYPE is TypeEtape.EVENEMENT_ANNULE:
            connexion.execute(
                t.etape.update().where(t.etape.c.step_id == cible_id).values(annulee_par=str(gestion.step_id))
            )
            _fermer_versions(connexion, cible_id, position, gestion.timestamp)
            if cible["type"] == TypeEtape.EVENEMENT_CORRIGE.value:
                corrigee = connexion.execute(
                    sa.select(t.etape).where(t.etape.c.step_id == cible["cible_step_id"])
                ).mappings().first()
                if corrigee is not None:
                    _nouvelle_version(connexion, corrigee, position, gestion.timestamp, sans=cible_id)
            return
        _nouvelle_version(connexion, cible, position, gestion.timestamp, en_plus=en_json(gestion.donnees["champs"]))


    @staticmethod
    def _gerer_sur_action(connexion: sa.Connection, position: int, gestion: EtapeEvenement, cible: Mapping[str, Any]) -> None:
        """The `fait_action` side of a correction or void (the target's row in `etape` is not marked yet)."""
        cible_id = cible["step_id"]
        if gestion.TYPE is TypeEtape.EVENEMENT_CORRIGE:
            lecture_actions.reprojeter(connexion, cible_id, position, gestion.timestamp, en_plus=en_json(gestion.donnees["champs"]))
            return
        connexion.execute(t.etape.update().where(t.etape.c.step_id == cible_id).values(annulee_par=str(gestion.step_id)))
        if cible["type"] == TypeEtape.EVENEMENT_CORRIGE.value:
            lecture_actions.reprojeter(connexion, cible["cible_step_id"], position, gestion.timestamp)
        else:
            lecture_actions.reprojeter(connexion, cible_id, position, gestion.timestamp)


class _Lot:
    """Rows of ordinary steps, gathered to be inserted with one statement per table."""

    def __init__(self, connexion: sa.Connection) -> None:
        self.connexion = connexion
        self.coffre = coffre_de(connexion)
        self.etapes: list[dict[str, Any]] = []
        self.faits: list[dict[str, Any]] = []
        self.personnes: list[dict[str, Any]] = []
        self.implications: dict[tuple[str, str], datetime] = {}
        self.consultations: list[dict[str, Any]] = []
        self.faits_action: list[dict[str, Any]] = []
        self.catalogue: list[dict[str, Any]] = []

    def etape(self, position: int, evenement: EtapeEvenement) -> None:
        ligne = ligne_etape(position, evenement)
        parcours_id, donnees, type_etape = ligne["parcours_id"], ligne["donnees"], evenement.TYPE
        if not isinstance(evenement, lecture_actions.CLASSES_ACTION):
            ligne["donnees"] = donnees_scellees(self.coffre, parcours_id, type_etape.value, donnees)
        self.etapes.append(ligne)
        fait_action = lecture_actions.ligne_fait_action(position, evenement, donnees)
        if fait_action is not None:
            self.faits_action.append(fait_action)
        if isinstance(evenement, lecture_actions.CLASSES_ACTION):
            if type_etape is TypeEtape.ACTION_DECLAREE:
                self.catalogue.append(lecture_actions.ligne_catalogue(
                    str(evenement.liens["action"]), parcours_id, evenement.operateur, evenement.occurred_on, position, donnees))
            return  # an action's own step: no person, no implication, no person-level fact
        self.implications.setdefault((parcours_id, evenement.operateur), evenement.timestamp)
        if type_etape in en_attente.ORIENTATIONS:
            self.implications.setdefault((parcours_id, donnees["vers"]), evenement.timestamp)
        if type_etape in CHAMPS:
            self.faits.append(_fait(self.coffre, evenement, ligne, donnees))
        if type_etape is TypeEtape.PERSONNE_ENREGISTREE:
            self.personnes.append(ligne_personne(self.coffre, parcours_id, donnees, evenement.operateur, evenement.timestamp, position))

    def ecrire(self) -> None:
        c = self.connexion
        inserer(c, t.etape, self.etapes)
        inserer(c, t.fait, self.faits)
        inserer(c, t.personne, self.personnes)
        inserer(c, t.implication, [{"parcours_id": p, "operateur": o, "depuis": d} for (p, o), d in self.implications.items()],
                sauf_existant=True)
        inserer(c, t.consultation, self.consultations)
        inserer(c, t.action, self.catalogue)
        inserer(c, t.fait_action, self.faits_action)
        self.etapes, self.faits, self.personnes, self.implications, self.consultations = [], [], [], {}, []
        self.faits_action, self.catalogue = [], []


def ligne_etape(position: int, evenement: EtapeEvenement) -> dict[str, Any]:
    """The `etape` row of a step event, as first recorded (not voided yet)."""
    donnees = en_json(evenement.donnees)
    return {
        "position": position,
        "step_id": str(evenement.step_id),
        "parcours_id": str(evenement.originator_id),
        "type": evenement.TYPE.value,
        "occurred_on": evenement.occurred_on,
        "operateur": evenement.operateur,
        "agent": evenement.agent,
        "enregistre_le": evenement.timestamp,
        "donnees": donnees,
        "liens": en_json(evenement.liens),
        "drapeaux": en_json(evenement.drapeaux),
        "cible_step_id": donnees.get("cible_step_id") if evenement.TYPE in GESTION else None,
    }


def _fait(coffre: CoffreIdentite, evenement: EtapeEvenement, etape: Mapping[str, Any], donnees: Mapping[str, Any]) -> dict[str, Any]:
    """The first `fait` version of a step, from its `etape` row (ids already in text) and its values in clear."""
    ligne = dict.fromkeys(("code", "code2", "date_a", "date_b", "nombre_a", "nombre_b", "booleen", "texte", "texte2",
                           "niveau_oral", "niveau_ecrit", "lien"))
    ligne.update(colonnes_sans_identite(coffre, evenement.TYPE, colonnes(evenement.TYPE, donnees, etape["liens"])))
    ligne.update(
        step_id=etape["step_id"],
        parcours_id=etape["parcours_id"],
        type=etape["type"],
        occurred_on=evenement.occurred_on,
        operateur=evenement.operateur,
        pos_debut=etape["position"],
        rec_debut=evenement.timestamp,
        pos_fin=None,
        rec_fin=None,
    )
    return ligne


def _fermer_versions(connexion: sa.Connection, step_id: str, position: int, le: datetime) -> None:
    connexion.execute(
        t.fait.update()
        .where(t.fait.c.step_id == step_id, t.fait.c.pos_fin.is_(None))
        .values(pos_fin=position, rec_fin=le)
    )


def _nouvelle_version(
    connexion: sa.Connection,
    cible: Mapping[str, Any],
    position: int,
    le: datetime,
    en_plus: Mapping[str, Any] | None = None,
    sans: str | None = None,
) -> None:
    """Close the target's current version and open one with the corrections in force."""
    corrections = connexion.execute(
        sa.select(t.etape.c.step_id, t.etape.c.donnees)
        .where(
            t.etape.c.cible_step_id == cible["step_id"],
            t.etape.c.type == TypeEtape.EVENEMENT_CORRIGE.value,
            t.etape.c.annulee_par.is_(None),
        )
        .order_by(t.etape.c.position)
    ).all()
    coffre = coffre_de(connexion)
    donnees = donnees_ouvertes(coffre, cible["parcours_id"], cible["donnees"])
    for step_id, correction in corrections:
        if step_id != sans:
            donnees.update(donnees_ouvertes(coffre, cible["parcours_id"], correction).get("champs") or {})
    if en_plus:
        donnees.update(en_plus)
    type_etape = TypeEtape(cible["type"])
    if type_etape is TypeEtape.PERSONNE_ENREGISTREE:
        valeurs = ligne_personne(coffre, cible["parcours_id"], donnees, cible["operateur"], cible["enregistre_le"], cible["position"])
        connexion.execute(t.personne.update().where(t.personne.c.parcours_id == cible["parcours_id"]).values(valeurs))
    if type_etape not in CHAMPS or cible["annulee_par"] is not None:
        return
    _fermer_versions(connexion, cible["step_id"], position, le)
    ligne = dict.fromkeys(("code", "code2", "date_a", "date_b", "nombre_a", "nombre_b", "booleen", "texte", "texte2",
                           "niveau_oral", "niveau_ecrit", "lien"))
    ligne.update(colonnes_sans_identite(coffre, type_etape, colonnes(type_etape, donnees, cible["liens"])))
    ligne.update(
        step_id=cible["step_id"],
        parcours_id=cible["parcours_id"],
        type=cible["type"],
        occurred_on=cible["occurred_on"],
        operateur=cible["operateur"],
        pos_debut=position,
        rec_debut=le,
    )
    connexion.execute(t.fait.insert(), [ligne])


def _operateur(connexion: sa.Connection, evenement: Any) -> None:
    valeurs = {
        "type": evenement.type.value,
        "departement": evenement.departement,
        "nom": evenement.nom,
        "libelle_source": evenement.libelle_source,
    }
    identifiant = str(evenement.originator_id)
    if isinstance(evenement, Operateur.Enregistre):
        connexion.execute(t.operateur.insert(), [{"id": identifiant, "slug": evenement.slug, **valeurs}])
    else:
        connexion.execute(t.operateur.update().where(t.operateur.c.id == identifiant).values(valeurs))


def _objectif(connexion: sa.Connection, position: int, evenement: Any) -> None:
    """The row is the objective's value in force: who set it last, when, at which log position."""
    valeurs = {"valeur": evenement.valeur, "fixe_par": evenement.par, "fixe_le": evenement.timestamp, "position": position}
    identifiant = str(evenement.originator_id)
    if isinstance(evenement, Objectif.Fixe):
        connexion.execute(t.objectif.insert(), [{
            "id": identifiant, "annee": evenement.annee, "indicateur": evenement.indicateur,
            "operateur": evenement.operateur, "programme": evenement.programme, **valeurs,
        }])
    else:
        connexion.execute(t.objectif.update().where(t.objectif.c.id == identifiant).values(valeurs))


def _demande_dossier(connexion: sa.Connection, position: int, evenement: Any) -> None:
    """The row is the request as it stands: asked (again) by whom and when, handed over or declined by whom."""
    identifiant = str(evenement.originator_id)
    if isinstance(evenement, DemandeDeDossier.Demandee):
        connexion.execute(t.demande_dossier.insert(), [{
            "id": identifiant, "parcours_id": str(evenement.parcours_id), "demandeur": evenement.demandeur,
            "motif": evenement.motif.value, "demandee_par": evenement.par, "demandee_le": evenement.timestamp, "position": position,
        }])
        return
    if isinstance(evenement, DemandeDeDossier.Renouvelee):
        valeurs = {"motif": evenement.motif.value, "demandee_par": evenement.par, "demandee_le": evenement.timestamp,
                   "declinee_par": None, "motif_refus": None, "adressee_par": None, "repondue_le": None}
    elif isinstance(evenement, DemandeDeDossier.Adressee):
        # Handing the file over involves the requester, exactly as an orientation naming it would.
        demande = connexion.execute(sa.select(t.demande_dossier).where(t.demande_dossier.c.id == identifiant)).mappings().one()
        inserer(connexion, t.implication,
                [{"parcours_id": demande["parcours_id"], "operateur": demande["demandeur"], "depuis": evenement.timestamp}],
                sauf_existant=True)
        valeurs = {"adressee_par": evenement.operateur, "repondue_le": evenement.timestamp}
    else:
        valeurs = {"declinee_par": evenement.operateur, "motif_refus": evenement.motif.value, "repondue_le": evenement.timestamp}
    connexion.execute(t.demande_dossier.update().where(t.demande_dossier.c.id == identifiant).values(position=position, **valeurs))


def _effacer(connexion: sa.Connection, parcours_id: str) -> None:
    """An erased person leaves every person-level read model; the access journal keeps the bare id."""
    for table in (t.fait, t.etape, t.implication, t.personne, t.demande_dossier):
        connexion.execute(table.delete().where(table.c.parcours_id == parcours_id))
    lecture_actions.effacer(connexion, parcours_id)


def _consultation(evenement: Any) -> dict[str, Any]:
    return {
        "id": str(evenement.originator_id),
        "le": evenement.timestamp,
        "login": evenement.login,
        "operateur": evenement.operateur,
        "parcours_id": str(evenement.parcours_id),
        "ressource": evenement.ressource,
        "motif": evenement.motif,
    }


def _compte(connexion: sa.Connection, evenement: Any) -> None:
    """Accounts and API clients: the row is the aggregate's current state."""
    identifiant = str(evenement.originator_id)
    if isinstance(evenement, Utilisateur.Cree):
        connexion.execute(
            t.utilisateur.insert(),
            [{
                "login": evenement.login, "id": identifiant, "operateur": evenement.operateur,
                "role": evenement.role.value, "nom": evenement.nom,
                "empreinte_mot_de_passe": evenement.empreinte_mot_de_passe,
                "actif": True, "echecs_consecutifs": 0, "dernier_echec": None,
            }],
        )
        return
    if isinstance(evenement, ClientApi.Cree):
        connexion.execute(
            t.client_api.insert(),
            [{
                "id": identifiant, "nom": evenement.nom, "operateur": evenement.operateur,
                "portees": [p.value for p in evenement.portees], "empreinte_jeton": evenement.empreinte_jeton,
                "revoque": False, "cree_le": evenement.timestamp,
            }],
        )
        return
    if isinstance(evenement, ClientApi.Revoque):
        connexion.execute(t.client_api.update().where(t.client_api.c.id == identifiant).values(revoque=True))
        return
    u = t.utilisateur.c
    valeurs: dict[str, Any] = {
        Utilisateur.MotDePasseChange: lambda e: {"empreinte_mot_de_passe": e.empreinte_mot_de_passe, "echecs_consecutifs": 0},
        Utilisateur.RoleChange: lambda e: {"role": e.role.value},
        Utilisateur.Desactive: lambda e: {"actif": False},
        Utilisateur.ConnexionEchouee: lambda e: {"echecs_consecutifs": u.echecs_consecutifs + 1, "dernier_echec": e.timestamp},
        Utilisateur.ConnexionReussie: lambda e: {"echecs_consecutifs": 0},
        Utilisateur.Deconnecte: lambda e: {"deconnecte_le": e.timestamp},
    }[type(evenement)](evenement)
    connexion.execute(t.utilisateur.update().where(u.id == identifiant).values(valeurs))


def inserer(connexion: sa.Connection, table: sa.Table, lignes: Sequence[Mapping[str, Any]], sauf_existant: bool = False) -> None:
    """Insert `lignes` (dicts with the same keys) into `table`; `sauf_existant`: skip rows whose key exists.

    The same rows written the same way as `connexion.execute(table.insert(), lignes)`. On SQLite, with less
    per-row work: the statement is compiled once per table and set of columns, each value goes through its
    column type's bind processor (SQLAlchemy's, or `_processeur_rapide`'s equal and faster one) and the rows go
    to the driver's `executemany` in one call; SQLAlchemy's generic per-row parameter handling was a third of a
    rebuild's writing time. On PostgreSQL, SQLAlchemy's batched multi-row INSERT (insertmanyvalues) is the fast
    path.
    """
    if not lignes:
        return
    dialecte = connexion.dialect
    if dialecte.name != "sqlite":
        connexion.execute(postgresql.insert(table).on_conflict_do_nothing() if sauf_existant else table.insert(), list(lignes))
        return
    sql, lire, traitements = _insertion_sqlite(dialecte, table, tuple(lignes[0]), sauf_existant)
    if not traitements:
        connexion.exec_driver_sql(sql, [lire(ligne) for ligne in lignes])
        return
    rangees = []
    for ligne in lignes:
        valeurs = list(lire(ligne))
        for rang, traiter in traitements:
            valeurs[rang] = traiter(valeurs[rang])
        rangees.append(tuple(valeurs))
    connexion.exec_driver_sql(sql, rangees)


_INSERTIONS: dict[tuple[str, tuple[str, ...], bool], tuple[str, Callable[[Mapping[str, Any]], Sequence[Any]], list[tuple[int, Any]]]] = {}


def _insertion_sqlite(dialecte: sa.Dialect, table: sa.Table, colonnes: tuple[str, ...], sauf_existant: bool) -> Any:
    """The SQL inserting these columns, a reader of a row's values in its parameters' order, and the bind
    processors to apply (by rank)."""
    cle = (table.name, colonnes, sauf_existant)
    if cle not in _INSERTIONS:
        insertion = sqlite.insert(table).on_conflict_do_nothing() if sauf_existant else table.insert()
        compilee = insertion.compile(dialect=dialecte, column_keys=list(colonnes))
        ordre = tuple(compilee.positiontup or ())
        if sorted(ordre) != sorted(colonnes):
            raise ValueError(f"insertion dans {table.name} : paramètres {ordre} pour les colonnes {colonnes}")
        traitements = [(rang, _processeur_rapide(table.c[nom].type, dialecte, traiter)) for rang, nom in enumerate(ordre)
                       if (traiter := table.c[nom].type._cached_bind_processor(dialecte)) is not None]
        lire = itemgetter(*ordre) if len(ordre) > 1 else (lambda ligne, nom=ordre[0]: (ligne[nom],))
        _INSERTIONS[cle] = (compilee.string, lire, traitements)
    return _INSERTIONS[cle]


def _processeur_rapide(type_: sa.types.TypeEngine[Any], dialecte: sa.Dialect, processeur: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A bind processor giving exactly what SQLAlchemy's `processeur` gives, faster for the values a
    projection writes (plain dicts and lists, dates, datetimes); any other value goes to SQLAlchemy's.

    SQLite's own DATE and DATETIME processors fill a %-format from a dict per value, and JSON's goes through
    two checks before `json.dumps`: a tenth of a rebuild's time at 10,000 people. `isoformat` writes the same
    text (years on four digits, microseconds on six) in C. Checked value by value in
    tests/unit/test_insertion_sqlite.py.
    """
    if isinstance(type_, sa.JSON) and dialecte._json_serializer is None:  # type: ignore[attr-defined]
        dumps = json.dumps

        def json_(valeur: Any) -> Any:
            return dumps(valeur) if type(valeur) is dict or type(valeur) is list else processeur(valeur)

        return json_
    format_ = getattr(type_.dialect_impl(dialecte), "_storage_format", None)
    if isinstance(type_, sa.DateTime) and format_ == _FORMAT_HORODATAGE_SQLITE:

        def horodatage(valeur: Any) -> Any:
            return valeur.isoformat(" ", "microseconds")[:26] if type(valeur) is datetime else processeur(valeur)

        return horodatage
    if isinstance(type_, sa.Date) and format_ == _FORMAT_DATE_SQLITE:

        def jour(valeur: Any) -> Any:
            return valeur.isoformat() if type(valeur) is date else processeur(valeur)

        return jour
    return processeur


_FORMAT_HORODATAGE_SQLITE = "%(year)04d-%(month)02d-%(day)02d %(hour)02d:%(minute)02d:%(second)02d.%(microsecond)06d"
_FORMAT_DATE_SQLITE = "%(year)04d-%(month)02d-%(day)02d"

"""The application service: one method per command, get → act → save, library errors translated.

`Parcours` owns the event store (eventsourcing `popo`, `sqlite` or `postgres`, chosen by the `env`
mapping), the per-person encryption and the uniqueness indexes. It knows nothing of HTTP, forms or
SQL read models. Imports only eventsourcing, the standard library and `parcours`.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from copy import deepcopy
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timezone
from enum import Enum
from pathlib import Path
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.application import AggregateNotFoundError, Application, LRUCache, ProcessingEvent, Repository
from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Mapper, Recording, StoredEvent, Transcoding

from parcours.chiffrement import (
    CleMaitre,
    CoffreIdentite,
    Epoques,
    EpoquesFichiers,
    EpoquesMemoire,
    MapperParPersonne,
    Trousseau,
    TrousseauMemoire,
    TrousseauPostgres,
    TrousseauSQLite,
)
from parcours.comptes import ClientApi, Consultation, Portee, Role, Utilisateur
from parcours.commandes import EnregistrerEtape, EnregistrerOperateur, EtapeEnregistree, FixerObjectif, ReferencePersonne
from parcours.dates import FUSEAU
from parcours.demandes import DemandeDeDossier, DemandeDossierError, MotifDemande, MotifRefusDemande
from parcours.erreurs import (
    CompteExistantError,
    CompteInconnuError,
    ConflitEcritureError,
    DonneesEffaceesError,
    EtapeRejeteeError,
    OperateurInconnuError,
    ParcoursError,
    PersonneEffaceeError,
    PersonneInconnueError,
    StepIdReutiliseError,
)
from parcours.action import Action
from parcours.historique import EtapeTenue, Participations
from parcours.index import ESPACE, BinomeReference, Effacement, EtapeRecue, NumeroEtranger, Operateur
from parcours.objectifs import Objectif
from parcours.personne import EtapeEvenement, Personne
from parcours.regles import ActionConnue, OperateurConnu, Referentiel
from parcours.saisie import premier_texte_interdit
from parcours.vocabulaire import ENUMERATIONS, ETAPES_D_ACTION, ETAPES_DE_GESTION, TypeEtape, Vocabulaire

ValidateurChamps = Callable[[TypeEtape, Mapping[str, Any]], dict[str, Any]]
"""Checks the syntax of corrected fields against the corrected step's schema (injected by the edge)."""


class DateEnISO(Transcoding):
    type = date
    name = "date"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class ValeurEnumeree(Transcoding):
    """Stores an enumeration member by value, under the enumeration's name."""

    def __init__(self, enumeration: type[Vocabulaire]) -> None:
        self.type = enumeration
        self.name = enumeration.__name__

    def encode(self, obj: Enum) -> str:
        return obj.value

    def decode(self, data: str) -> Enum:
        return self.type(data)


def _sans_validation(type_cible: TypeEtape, champs: Mapping[str, Any]) -> dict[str, Any]:
    return dict(champs)


def projeter(agregat: Any, evenements: Iterable[Any]) -> Any:
    """The library's `project_aggregate` without its check of each event against a runtime-checkable Protocol:
    on Python 3.11 that `isinstance` walks the protocol's members every time, a third of the time spent
    rebuilding a person (a roll call rebuilds up to 30)."""
    for evenement in evenements:
        agregat = evenement.mutate(agregat)
    return agregat


class _Depot(Repository[UUID]):
    """The library's repository, rebuilding aggregates with `projeter`."""

    def get(self, aggregate_id: UUID, *, version: int | None = None, projector_func: Any = projeter,
            fastforward_skipping: bool = False, deepcopy_from_cache: bool = True) -> Any:
        return super().get(aggregate_id, version=version, projector_func=projector_func,
                           fastforward_skipping=fastforward_skipping, deepcopy_from_cache=deepcopy_from_cache)


PARTICIPATIONS_GARDEES = 1_000_000
"""People whose `Participations` are kept (a few hundred bytes each): a national territory's worth."""

GARDES_A_PART: dict[type, int] = {
    Action: 3_000,  # tens of KiB each: more than a national year's actions
    NumeroEtranger: 150_000,  # under 1 KiB each: a large département's people
}
"""Aggregates the cache keeps apart from the people, by class, and how many of each."""


class _Cache(LRUCache[UUID, Any]):
    """The repository's cache: people and the rest in one LRU, funded actions and the numéros' index entries
    each in an LRU of their own (`GARDES_A_PART`).

    An import of a territory's history reads them in another rhythm than the people: every action's sessions
    come in date order, a week apart, between steps on hundreds of people, and each roll call names its
    people by numéro. In one LRU the people pushed the actions and index entries out before they were read
    again, and each session rebuilt its action from its whole stream and its 30 index entries."""

    def __init__(self, maxsize: int, a_part: Mapping[type, int] | None = None) -> None:
        super().__init__(maxsize)
        self.a_part = {classe: LRUCache[UUID, Any](taille) for classe, taille in (a_part or GARDES_A_PART).items()}

    def _ou(self, key: UUID) -> LRUCache[UUID, Any] | None:
        """The LRU holding `key`, found by membership: a miss costs no exception (an import misses thousands of
        times a second)."""
        return next((cache for cache in (*self.a_part.values(), self) if key in cache.cache), None)

    def get(self, key: UUID, *, evict: bool = False) -> Any:
        return LRUCache.get(self._ou(key) or self, key, evict=evict)

    def trouver(self, key: UUID) -> Any | None:
        """The cached aggregate, or None."""
        cache = self._ou(key)
        try:
            return LRUCache.get(cache, key) if cache is not None else None
        except KeyError:  # evicted meanwhile by another thread
            return None

    def put(self, key: UUID, value: Any) -> Any:
        cache = self.a_part.get(type(value))
        return cache.put(key, value) if cache is not None else super().put(key, value)


class Parcours(Application[UUID]):
    """The pathways of every person, the operators, and the indexes that keep them unique."""

    env = {"AGGREGATE_CACHE_MAXSIZE": "2000"}

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        cle_maitre: str,
        horloge: Callable[[], datetime] | None = None,
        valider_champs: ValidateurChamps = _sans_validation,
    ) -> None:
        self.cle_maitre = CleMaitre(cle_maitre)
        self.horloge = horloge or (lambda: datetime.now(timezone.utc))
        self.valider_champs = valider_champs
        self._operateurs: dict[str, OperateurConnu] = {}
        self._participations: OrderedDict[UUID, tuple[int, Participations]] = OrderedDict()
        self._verrou_participations = threading.Lock()
        super().__init__(env)

    # Infrastructure ----------------------------------------------------------------------------

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateEnISO())
        for enumeration in (*ENUMERATIONS, Role, Portee, MotifDemande, MotifRefusDemande):
            transcoder.register(ValeurEnumeree(enumeration))

    def construct_repository(self) -> Repository[UUID]:
        depot = super().construct_repository()
        depot.__class__ = _Depot  # the same repository, built from the same settings; only `get` differs
        if isinstance(depot.cache, LRUCache):
            depot.cache = _Cache(depot.cache.maxsize)
        return depot

    def save(self, *agregats: Any, **kwargs: Any) -> list[Recording[UUID]]:
        """The library's `save`, for this application's aggregates and creation events (never None): the same
        steps, without its two `isinstance` checks per object against `runtime_checkable` Protocols, which walk the
        Protocols' members under Python 3.11 (5 % of a bulk import)."""
        traitement: ProcessingEvent[UUID] = ProcessingEvent()
        for agregat in agregats:
            if isinstance(agregat, DomainEvent):  # a creation event alone (`EtapeRecue.recevoir`)
                traitement.events.append(agregat)
                continue
            traitement.events.extend(agregat.collect_events())
            traitement.aggregates[agregat.id] = agregat
        traitement.saved_kwargs.update(kwargs)
        enregistrements = self._record(traitement)
        self._take_snapshots(traitement)
        self._notify(enregistrements)
        self.notify(traitement.events)
        return enregistrements

    def construct_mapper(self) -> Mapper[UUID]:
        self.trousseau = self._construire_trousseau()
        self.coffre = CoffreIdentite(self.trousseau, self.cle_maitre)
        return MapperParPersonne(self.construct_transcoder(), self.trousseau)

    def _construire_trousseau(self) -> Trousseau:
        module = self.env.get("PERSISTENCE_MODULE", "eventsourcing.popo")
        base = self.env.get("SQLITE_DBNAME", "")
        fichier = module.startswith("eventsourcing.sqlite") and base and ":memory:" not in base
        dossier_epoques = self.env.get("CLES_EPOQUE_DIR")
        if dossier_epoques is None and fichier:
            dossier_epoques = str(Path(base).with_name(Path(base).stem + "-cles-epoque"))
        if module.startswith("eventsourcing.postgres"):
            if not dossier_epoques:
                raise ParcoursError("le dossier des clés d'époque (CLES_EPOQUE_DIR) est obligatoire avec PostgreSQL.",
                                    "CLES_EPOQUE_DIR")
            return TrousseauPostgres(self.cle_maitre, self.factory.datastore, EpoquesFichiers(dossier_epoques))  # type: ignore[attr-defined]
        epoques: Epoques = EpoquesFichiers(dossier_epoques) if dossier_epoques else EpoquesMemoire()
        chemin = self.env.get("TROUSSEAU_SQLITE_DBNAME")
        if chemin is None and fichier:
            chemin = str(Path(base).with_name(Path(base).stem + "-cles.sqlite"))
        return TrousseauSQLite(self.cle_maitre, chemin, epoques) if chemin else TrousseauMemoire(self.cle_maitre, epoques)

    def tourner_cles(self) -> tuple[int, int, list[int]]:
        """Rotate the epoch key: (new epoch, person keys re-wrapped, epochs destroyed). See `Trousseau.tourner`."""
        return self.trousseau.tourner()

    # Operators ---------------------------------------------------------------------------------

    def enregistrer_operateur(self, cmd: EnregistrerOperateur) -> str:
        """Register an operator; returns "cree", "inchange" or "modifie"."""
        valeurs = {"type": cmd.type, "departement": cmd.departement, "nom": cmd.nom, "libelle_source": cmd.libelle_source}
        try:
            operateur: Operateur = self.repository.get(Operateur.create_id(cmd.id))
        except AggregateNotFoundError:
            operateur = Operateur(slug=cmd.id, **valeurs)
            resultat = "cree"
        else:
            if all(getattr(operateur, champ) == valeur for champ, valeur in valeurs.items()):
                return "inchange"
            operateur.modifier(**valeurs)
            resultat = "modifie"
        self.save(operateur)
        self._operateurs.pop(cmd.id, None)
        return resultat

    def operateur(self, slug: str) -> OperateurConnu | None:
        connu = self._operateurs.get(slug)
        if connu is None:
            try:
                operateur: Operateur = self.repository.get(Operateur.create_id(slug))
            except AggregateNotFoundError:
                return None
            connu = OperateurConnu(operateur.slug, operateur.type, operateur.departement, operateur.nom, operateur.libelle_source)
            self._operateurs[slug] = connu
        return connu

    # Objectives of the steering committee ------------------------------------------------------

    def fixer_objectif(self, cmd: FixerObjectif) -> str:
        """Set a target value; returns "cree", "inchange" or "modifie". The operator must be known."""
        if cmd.operateur is not None and self.operateur(cmd.operateur) is None:
            raise OperateurInconnuError(cmd.operateur)
        try:
            objectif: Objectif = self.repository.get(Objectif.create_id(cmd.annee, cmd.indicateur, cmd.operateur, cmd.programme))
        except AggregateNotFoundError:
            objectif = Objectif(annee=cmd.annee, indicateur=cmd.indicateur, operateur=cmd.operateur,
                                programme=cmd.programme, valeur=cmd.valeur, par=cmd.par)
            resultat = "cree"
        else:
            if not objectif.changer(cmd.valeur, cmd.par):
                return "inchange"
            resultat = "modifie"
        try:
            self.save(objectif)
        except IntegrityError:
            raise ParcoursError("cet objectif a été fixé entre-temps par quelqu'un d'autre : rechargez la page et recommencez.",
                                "valeur") from None
        return resultat

    # Requests for a file another operator follows -------------------------------------------

    def demander_dossier(self, parcours_id: UUID, demandeur: str, par: str, motif: MotifDemande) -> str:
        """Ask the structures that follow a pathway for its file; returns "creee", "renouvelee" or "en_cours"."""
        if self.operateur(demandeur) is None:
            raise OperateurInconnuError(demandeur)
        if self._implique(parcours_id, demandeur):
            raise DemandeDossierError("votre structure suit déjà ce dossier : ouvrez-le au lieu de le demander.", "parcours_id")
        try:
            demande: DemandeDeDossier = self.repository.get(DemandeDeDossier.create_id(parcours_id, demandeur))
        except AggregateNotFoundError:
            demande = DemandeDeDossier(parcours_id=parcours_id, demandeur=demandeur, par=par, motif=motif)
            resultat = "creee"
        else:
            if not demande.redemander(par, motif):
                return "en_cours"
            resultat = "renouvelee"
        self._sauver_demande(demande)
        return resultat

    def adresser_dossier(self, parcours_id: UUID, demandeur: str, operateur: str, par: str) -> None:
        """A structure that follows the pathway hands its file over to the requester, which becomes involved."""
        demande = self._demande_a_traiter(parcours_id, demandeur, operateur)
        demande.adresser(operateur, par)
        self._sauver_demande(demande)

    def decliner_demande(self, parcours_id: UUID, demandeur: str, operateur: str, par: str, motif: MotifRefusDemande) -> None:
        """A structure that follows the pathway declines to hand its file over."""
        demande = self._demande_a_traiter(parcours_id, demandeur, operateur)
        demande.decliner(operateur, par, motif)
        self._sauver_demande(demande)

    def _demande_a_traiter(self, parcours_id: UUID, demandeur: str, operateur: str) -> DemandeDeDossier:
        if not self._implique(parcours_id, operateur):
            raise DemandeDossierError("seule une structure qui suit ce dossier peut répondre à cette demande.", "operateur")
        try:
            return self.repository.get(DemandeDeDossier.create_id(parcours_id, demandeur))
        except AggregateNotFoundError:
            raise DemandeDossierError("aucune demande de ce dossier par cette structure.", "demandeur") from None

    def _implique(self, parcours_id: UUID, operateur: str) -> bool:
        """Involved in the pathway: by its steps (`Personne.impliques`) or because its file was handed to it."""
        if operateur in self.personne(parcours_id).impliques:
            return True
        try:
            demande: DemandeDeDossier = self.repository.get(DemandeDeDossier.create_id(parcours_id, operateur))
        except AggregateNotFoundError:
            return False
        return demande.adressee

    def _sauver_demande(self, demande: DemandeDeDossier) -> None:
        try:
            self.save(demande)
        except IntegrityError:
            raise DemandeDossierError("cette demande a changé entre-temps : rechargez la page et recommencez.",
                                      "motif") from None

    # Steps -------------------------------------------------------------------------------------

    def enregistrer_etape(self, cmd: EnregistrerEtape) -> EtapeEnregistree:
        """Record one step, or say it is a duplicate; raise `EtapeRejeteeError` and record nothing."""
        resultat = self.enregistrer_ensemble([cmd])[0]
        if isinstance(resultat, ParcoursError):
            raise resultat
        return resultat

    def enregistrer_ensemble(self, commandes: Sequence[EnregistrerEtape]) -> list[EtapeEnregistree | ParcoursError]:
        """Steps sent separately (by concurrent requests, say), saved in one transaction: like
        `enregistrer_lot`, but without looking each step_id up first. A retried step makes the save
        fail on its `EtapeRecue`; the steps are then replayed one by one, which finds it a duplicate."""
        return self._enregistrer_lot(commandes, doublons_d_abord=False)

    def enregistrer_lot(
        self, commandes: Sequence[EnregistrerEtape], empreintes: Sequence[str | None] | None = None
    ) -> list[EtapeEnregistree | ParcoursError]:
        """Record several steps in one transaction; each one is accepted, a duplicate or rejected on its own.

        A rejected step leaves no trace. If another writer got in first, the steps are replayed
        one by one, so one conflict never costs the others. `empreintes`, when given, are the commands'
        fingerprints (`empreinte_de_l_etape`), already computed where the commands were read.
        """
        return self._enregistrer_lot(commandes, doublons_d_abord=len(commandes) > 1, empreintes=empreintes)

    def _enregistrer_lot(
        self, commandes: Sequence[EnregistrerEtape], doublons_d_abord: bool, empreintes: Sequence[str | None] | None = None
    ) -> list[EtapeEnregistree | ParcoursError]:
        lot = _Lot(self, doublons_d_abord)
        if empreintes is not None:
            lot.empreintes_lues = {id(cmd): e for cmd, e in zip(commandes, empreintes) if e is not None}
        if doublons_d_abord:
            lot.lire_d_avance(commandes)
        resultats = [lot.enregistrer(cmd) for cmd in commandes]
        if not lot.a_sauver:
            return resultats
        self.trousseau.preparer(lot.personnes)
        try:
            enregistrements = self.save(*lot.a_sauver)
        except IntegrityError:
            if len(commandes) > 1:
                return [self.enregistrer_lot([cmd])[0] for cmd in commandes]
            cmd = commandes[0]
            try:
                doublon = self._doublon(cmd.step_id, self._empreinte(cmd))
            except StepIdReutiliseError as erreur:
                return [erreur]
            return [doublon or ConflitEcritureError(lot.personnes_touchees.get(cmd.step_id))]
        if self.repository.cache is not None:
            # The library caches saved aggregates only without fast-forwarding: kept here, the next batch on
            # the same people and actions finds them at their stored version (`lire_a_jour`) instead of reading
            # their new events again.
            for agregat in (*lot.personnes.values(), *lot.actions.values()):
                self.repository.cache.put(agregat.id, agregat)
        for personne in lot.personnes.values():
            self._garder_participations(personne)
        recus = {e.domain_event.step_id: e for e in enregistrements if isinstance(e.domain_event, EtapeEvenement)}
        return [
            replace(r, position=recus[r.step_id].notification.id, evenement=recus[r.step_id].domain_event)
            if isinstance(r, EtapeEnregistree) and r.statut == "acceptee"
            else r
            for r in resultats
        ]

    def _empreinte(self, cmd: EnregistrerEtape) -> str:
        return empreinte_de_l_etape(self.cle_maitre, cmd)

    def _doublon(self, step_id: UUID, empreinte: str) -> EtapeEnregistree | None:
        try:
            recue: EtapeRecue = self.repository.get(EtapeRecue.create_id(step_id))
        except AggregateNotFoundError:
            return None
        if recue.empreinte != empreinte:
            raise StepIdReutiliseError(step_id)
        return EtapeEnregistree(statut="doublon", step_id=step_id, parcours_id=recue.parcours_id)

    def _existe(self, aggregate_id: UUID) -> bool:
        return bool(self.recorder.select_events(aggregate_id, limit=1))

    # Accounts, API clients, access journal -------------------------------------------------

    def creer_utilisateur(self, login: str, operateur: str, role: Role, nom: str, empreinte_mot_de_passe: str) -> UUID:
        """Create an account; `empreinte_mot_de_passe` is the hash computed at the edge, never the password."""
        if self.operateur(operateur) is None:
            raise OperateurInconnuError(operateur)
        utilisateur = Utilisateur(login=login, operateur=operateur, role=role, nom=nom, empreinte_mot_de_passe=empreinte_mot_de_passe)
        try:
            self.save(utilisateur)
        except IntegrityError:
            raise CompteExistantError(login) from None
        return utilisateur.id

    def utilisateur(self, login: str) -> Utilisateur | None:
        try:
            return self.repository.get(Utilisateur.create_id(login))
        except AggregateNotFoundError:
            return None

    def modifier_utilisateur(self, login: str, action: Callable[[Utilisateur], None]) -> None:
        """Apply one account command (change password, role, deactivate, note a login attempt)."""
        utilisateur = self.utilisateur(login)
        if utilisateur is None:
            raise CompteInconnuError(login)
        action(utilisateur)
        try:
            self.save(utilisateur)
        except IntegrityError:
            raise ConflitEcritureError() from None

    def creer_client_api(self, nom: str, operateur: str, portees: Sequence[Portee], empreinte_jeton: str) -> UUID:
        if self.operateur(operateur) is None:
            raise OperateurInconnuError(operateur)
        client = ClientApi(nom=nom, operateur=operateur, portees=list(portees), empreinte_jeton=empreinte_jeton)
        self.save(client)
        return client.id

    def revoquer_client_api(self, client_id: UUID) -> None:
        try:
            client: ClientApi = self.repository.get(client_id)
        except AggregateNotFoundError:
            raise CompteInconnuError(str(client_id)) from None
        client.revoquer()
        self.save(client)

    def journaliser_consultation(
        self, login: str, operateur: str, parcours_id: UUID, ressource: str, motif: str | None = None
    ) -> None:
        self.save(Consultation(login=login, operateur=operateur, parcours_id=parcours_id, ressource=ressource, motif=motif))

    # Queries -----------------------------------------------------------------------------------

    def trouver_par_numero(self, numero_etranger: str) -> UUID | None:
        """The pathway of the person with this numéro étranger, whichever operator registered them."""
        index = self._index_numero(self.cle_maitre.empreinte("numero_etranger", numero_etranger))
        return index.parcours_id if index is not None else None

    def trouver_par_numeros(self, numeros: Iterable[str]) -> dict[str, UUID]:
        """The pathways of these numéros étrangers (those that lead to one), read from the index together:
        a roll call names up to 30 people."""
        empreintes = {NumeroEtranger.create_id(self.cle_maitre.empreinte("numero_etranger", n)): n for n in set(numeros)}
        trouves: dict[str, UUID] = {}
        for identifiant, index in self.lire_a_jour(list(empreintes)).items():
            if isinstance(index, NumeroEtranger) and index.parcours_id is not None:
                trouves[empreintes[identifiant]] = index.parcours_id
        return trouves

    def lire_a_jour(self, identifiants: Sequence[UUID], versions: Mapping[UUID, int] | None = None) -> dict[UUID, Any]:
        """Aggregates to read, never to change (a roll call's 30 people, their numéros): one query gives the latest
        version of each; the cache serves those it holds at that version (the library's repository would
        fast-forward each with a query of its own), one more query rebuilds those it does not hold (then cached,
        as `repository.get` does), and one it holds at an older version is fast-forwarded alone. Unknown or
        erased ids are left out."""
        if versions is None:  # not already read by the caller
            versions = _dernieres_versions(self.recorder, identifiants)
        if versions is None:  # in memory (`popo`), where a read costs nothing
            return {i: a for i in identifiants if (a := self._lire_un(i)) is not None}
        lus: dict[UUID, Any] = {}
        a_reconstruire = []
        for identifiant in identifiants:
            if identifiant not in versions:
                continue
            en_cache = _en_cache(self.repository.cache, identifiant)
            if en_cache is None:
                a_reconstruire.append(identifiant)
            elif en_cache.version == versions[identifiant]:
                lus[identifiant] = en_cache
            elif (a_jour := self._lire_un(identifiant)) is not None:  # its new events only, as the repository does
                lus[identifiant] = a_jour
        evenements: dict[UUID, list[Any]] = {}
        for stocke in _evenements_stockes(self.recorder, a_reconstruire) or ():
            evenements.setdefault(UUID(str(stocke.originator_id)), []).append(stocke)
        for identifiant, stockes in evenements.items():
            try:
                agregat = projeter(None, [self.mapper.to_domain_event(stocke) for stocke in stockes])
            except DonneesEffaceesError:
                continue
            if self.repository.cache:
                self.repository.cache.put(identifiant, agregat)
            lus[identifiant] = agregat
        return lus

    def participations(self, identifiants: Sequence[UUID], versions: Mapping[UUID, int] | None = None) -> dict[UUID, Participations]:
        """What a roll call asks of each person present (`Participations`), kept for every person at the version it
        was read from: one query gives the people's latest versions, and only those changed since are rebuilt
        (a roll call of 30 people would otherwise rebuild those the aggregate cache no longer holds). Unknown,
        erased or non-person ids are left out."""
        if versions is None:  # not already read by the caller
            versions = _dernieres_versions(self.recorder, identifiants)
        if versions is None:  # in memory (`popo`)
            return {i: a.historique.participations() for i, a in self.lire_a_jour(identifiants).items() if isinstance(a, Personne)}
        trouvees: dict[UUID, Participations] = {}
        a_lire = []
        with self._verrou_participations:
            for identifiant in identifiants:
                if identifiant not in versions:
                    continue
                gardee = self._participations.get(identifiant)
                if gardee is not None and gardee[0] == versions[identifiant]:
                    trouvees[identifiant] = gardee[1]
                    self._participations.move_to_end(identifiant)
                else:
                    a_lire.append(identifiant)
        for identifiant, agregat in self.lire_a_jour(a_lire, versions).items():
            if isinstance(agregat, Personne):
                trouvees[identifiant] = self._garder_participations(agregat)
        return trouvees

    def _garder_participations(self, personne: Personne) -> Participations:
        participations = personne.historique.participations()
        with self._verrou_participations:
            self._participations[personne.id] = (personne.version, participations)
            self._participations.move_to_end(personne.id)
            if len(self._participations) > PARTICIPATIONS_GARDEES:
                self._participations.popitem(last=False)
        return participations

    def _lire_un(self, identifiant: UUID) -> Any | None:
        try:
            return self.repository.get(identifiant, deepcopy_from_cache=False)
        except (AggregateNotFoundError, DonneesEffaceesError):
            return None

    def _index_numero(self, empreinte: str) -> NumeroEtranger | None:
        try:
            return self.repository.get(NumeroEtranger.create_id(empreinte))
        except AggregateNotFoundError:
            return None

    def effacee(self, parcours_id: UUID) -> Effacement | None:
        """The erasure record of this pathway, if the person was erased."""
        try:
            return self.repository.get(Effacement.create_id(parcours_id))
        except AggregateNotFoundError:
            return None

    def effacer_personne(self, parcours_id: UUID, motif: str, par: str, cause: str = "demande") -> None:
        """Crypto-shred a person: record the erasure (no personal data), free their numéro, destroy their key.

        Idempotent: erasing again only makes sure the key is gone.
        """
        if not motif.strip():
            raise ParcoursError("le motif de l'effacement est obligatoire.", "motif")
        if self.effacee(parcours_id) is None:
            personne = self.personne(parcours_id)
            a_sauver: list[Any] = [Effacement(parcours_id=parcours_id, motif=motif, par=par, cause=cause)]
            numero = personne.identite.get("numero_etranger")
            if numero:
                index = self._index_numero(self.cle_maitre.empreinte("numero_etranger", numero))
                if index is not None and index.parcours_id == parcours_id:
                    index.liberer()
                    a_sauver.append(index)
            self.save(*a_sauver)
        if self.repository.cache is not None:
            try:
                self.repository.cache.get(parcours_id, evict=True)
            except KeyError:
                pass
        with self._verrou_participations:
            self._participations.pop(parcours_id, None)
        self.trousseau.detruire(parcours_id)

    def personne(self, parcours_id: UUID) -> Personne:
        try:
            personne = self.repository.get(parcours_id)
        except (AggregateNotFoundError, DonneesEffaceesError):
            raise PersonneInconnueError("parcours_id", str(parcours_id)) from None
        if not isinstance(personne, Personne):  # another aggregate's id (a funded action's stream…) names no person
            raise PersonneInconnueError("parcours_id", str(parcours_id))
        return personne


class _Lot:
    """The unit of work of `enregistrer_lot`: the pathways and indexes touched, saved together."""

    def __init__(self, parcours: Parcours, doublons_d_abord: bool = True) -> None:
        self.parcours = parcours
        # Look each step_id up before applying it? A single step skips this read: a retry of a recorded
        # step is then either rejected (and looked up at that point) or accepted, and its save fails on the
        # step_id's `EtapeRecue`, answered as a duplicate. A batch keeps it, so that one retried step does
        # not make the whole batch replay step by step.
        self.doublons_d_abord = doublons_d_abord
        self.personnes: dict[UUID, Personne] = {}
        self.numeros: dict[str, UUID] = {}
        self.empreintes: dict[UUID, str] = {}
        self.empreintes_lues: dict[int, str] = {}
        """The fingerprints computed where the commands were read, by the command's `id` (`enregistrer_lot`)."""
        self.index: list[Any] = []
        self.personnes_touchees: dict[UUID, UUID] = {}
        self.actions: dict[UUID, Action] = {}
        self.binomes: dict[tuple[str, str], BinomeReference] = {}
        self.participations: dict[UUID, Participations] = {}
        """What the roll calls of this lot ask of the people present, read together (`Parcours.participations`)."""
        self.demandes: set[UUID] = set()
        """The ids read ahead (`lire_d_avance`): whether each exists is known without another query."""
        self.existants: set[UUID] = set()
        self.index_des_numeros: dict[str, tuple[str, UUID]] = {}
        """Each numéro's keyed hash and index entry id, computed once for the lot (`_index_du_numero`)."""
        self.d_avance: dict[UUID, Any] = {}
        """The indexes, people and actions read ahead, as cached: never changed here (`_personne_de` and `_action`
        change a copy)."""

    def lire_d_avance(self, commandes: Sequence[EnregistrerEtape]) -> None:
        """Read what the lot's steps name in a few queries rather than a few per step: whether each step_id was
        already received, whether each new pathway id is taken, the numéros' index entries and the people they
        lead to, the funded actions, and what the roll calls ask of the people they name (`Participations`).

        A step recorded by another writer between this read and the save makes the save fail, and the lot is
        then replayed step by step, as when each was looked up alone."""
        index: set[UUID] = set()
        personnes: set[UUID] = set()
        actions: set[UUID] = set()
        appeles: set[UUID] = set()
        index_des_appeles: set[UUID] = set()
        for cmd in commandes:
            self.demandes.add(EtapeRecue.create_id(cmd.step_id))
            if cmd.action:
                actions.add(Action.create_id(cmd.action))
            reference = cmd.personne or ReferencePersonne()
            numeros: list[Any] = [reference.numero_etranger]
            if cmd.type is TypeEtape.PERSONNE_ENREGISTREE:
                self.demandes.add(reference.parcours_id or uuid5(ESPACE, f"personne/{cmd.step_id}"))
                numeros.append(cmd.donnees.get("numero_etranger"))
            elif reference.parcours_id is not None:
                personnes.add(reference.parcours_id)
                numeros = []
            presents = cmd.donnees.get("presents")
            for present in presents if isinstance(presents, list) else ():
                parcours_id, numero = _appele(present)
                if isinstance(parcours_id, UUID):
                    appeles.add(parcours_id)
                elif isinstance(numero, str):
                    index_des_appeles.add(self._index_du_numero(numero)[1])
            index.update(self._index_du_numero(n)[1] for n in numeros if isinstance(n, str))
        versions = _dernieres_versions(self.parcours.recorder, [*self.demandes, *index, *index_des_appeles, *personnes, *actions])
        if versions is None:  # in memory (`popo`): each read costs nothing
            self.demandes = set()
            return
        self.demandes |= index | index_des_appeles | actions
        self.existants = set(versions)
        # The versions read serve `lire_a_jour` too: the indexes, actions and people named by id are not asked again.
        self.d_avance = self.parcours.lire_a_jour(
            [i for i in {*index, *index_des_appeles, *actions, *personnes} if i in versions], versions)
        par_numero: set[UUID] = set()
        for entree in self.d_avance.values():
            if isinstance(entree, NumeroEtranger) and entree.parcours_id is not None:
                if entree.id in index:
                    par_numero.add(entree.parcours_id)
                if entree.id in index_des_appeles:
                    appeles.add(entree.parcours_id)
        par_numero -= personnes
        appeles -= personnes | par_numero
        # Those the roll calls name: only their participations (the lot's steps on a person read the person).
        versions = _dernieres_versions(self.parcours.recorder, [*par_numero, *appeles]) or {}
        self.d_avance.update(self.parcours.lire_a_jour(list(par_numero), versions))
        self.participations.update(self.parcours.participations(list(appeles), versions))

    def _doublon(self, step_id: UUID, empreinte: str) -> EtapeEnregistree | None:
        recue = EtapeRecue.create_id(step_id)
        if recue in self.demandes and recue not in self.existants:
            return None
        return self.parcours._doublon(step_id, empreinte)

    def _existe(self, aggregate_id: UUID) -> bool:
        if aggregate_id in self.demandes:
            return aggregate_id in self.existants
        return self.parcours._existe(aggregate_id)

    def _index_du_numero(self, numero: str) -> tuple[str, UUID]:
        """The numéro's keyed hash and the id of its index entry (an HMAC: computed once for the lot)."""
        if numero not in self.index_des_numeros:
            empreinte = self.parcours.cle_maitre.empreinte("numero_etranger", numero)
            self.index_des_numeros[numero] = empreinte, NumeroEtranger.create_id(empreinte)
        return self.index_des_numeros[numero]

    def _parcours_du_numero(self, numero: str) -> UUID | None:
        if numero in self.numeros:
            return self.numeros[numero]
        identifiant = self._index_du_numero(numero)[1]
        if identifiant not in self.demandes:
            return self.parcours.trouver_par_numero(numero)
        entree = self.d_avance.get(identifiant)
        return entree.parcours_id if entree is not None else None

    def _index_numero(self, empreinte: str) -> NumeroEtranger | None:
        """The numéro's index entry, a copy this lot may change."""
        identifiant = NumeroEtranger.create_id(empreinte)
        if identifiant not in self.demandes:
            return self.parcours._index_numero(empreinte)
        entree = self.d_avance.get(identifiant)
        return deepcopy(entree) if entree is not None else None

    @property
    def a_sauver(self) -> list[Any]:
        return [*self.personnes.values(), *self.actions.values(), *self.index]

    def enregistrer(self, cmd: EnregistrerEtape) -> EtapeEnregistree | ParcoursError:
        try:
            return self._enregistrer(cmd)
        except EtapeRejeteeError as erreur:
            if self.doublons_d_abord or isinstance(erreur, StepIdReutiliseError):
                return erreur
            try:
                return self.parcours._doublon(cmd.step_id, self.parcours._empreinte(cmd)) or erreur
            except StepIdReutiliseError as reutilise:
                return reutilise

    def _enregistrer(self, cmd: EnregistrerEtape) -> EtapeEnregistree:
        parcours = self.parcours
        empreinte = self.empreintes_lues.get(id(cmd)) or parcours._empreinte(cmd)
        if cmd.step_id in self.empreintes:
            if self.empreintes[cmd.step_id] != empreinte:
                raise StepIdReutiliseError(cmd.step_id)
            return EtapeEnregistree(statut="doublon", step_id=cmd.step_id, parcours_id=self.personnes_touchees[cmd.step_id])
        if self.doublons_d_abord:
            doublon = self._doublon(cmd.step_id, empreinte)
            if doublon is not None:
                return doublon
        for valeur, chemin, multiligne in ((cmd.agent, "agent", False), (cmd.donnees, "data", True)):
            interdit = premier_texte_interdit(valeur, chemin, multiligne)
            if interdit is not None:
                raise EtapeRejeteeError(interdit[1], interdit[0])
        enregistre_le = cmd.enregistre_le or parcours.horloge()
        etape = EtapeTenue(
            step_id=cmd.step_id,
            type=cmd.type,
            occurred_on=cmd.occurred_on,
            operateur=cmd.operateur,
            agent=cmd.agent,
            enregistre_le=enregistre_le,
            donnees=dict(cmd.donnees),
            action=cmd.action,
        )
        contexte = Referentiel(
            parcours.operateur,
            aujourdhui=enregistre_le.astimezone(FUSEAU).date(),
            action=self._action_connue,
            hors_de_l_action=self._hors_de_l_action,
            binome_pris=self._binome_pris,
        )
        if cmd.type in ETAPES_D_ACTION or (cmd.type in ETAPES_DE_GESTION and cmd.personne is None and cmd.action):
            return self._sur_action(cmd, etape, contexte, empreinte)
        if cmd.type is TypeEtape.PERSONNE_ENREGISTREE:
            personne = self._nouvelle_personne(cmd, etape, contexte)
        else:
            personne = self._personne_de(cmd.personne)
            if cmd.version_attendue is not None and personne.version != cmd.version_attendue:
                raise ConflitEcritureError(personne.id)
            binome_avant = None
            if cmd.type is TypeEtape.EVENEMENT_CORRIGE:
                self._valider_correction(personne, etape)
                binome_avant = self._binome_corrige(personne, etape)
            personne.ajouter(etape, contexte)
            if binome_avant is not None:
                self._suivre_le_binome_corrige(binome_avant, personne)
        self.personnes[personne.id] = personne
        if cmd.type is TypeEtape.BINOME_CONSTITUE and cmd.action:
            self._prendre_binome(cmd.action, etape.get("binome_ref"), cmd.step_id)
        if cmd.type is TypeEtape.EVENEMENT_ANNULE:
            self._liberer_binome(etape, personne)
        self.index.append(EtapeRecue.recevoir(cmd.step_id, personne.id, empreinte))
        self.empreintes[cmd.step_id] = empreinte
        self.personnes_touchees[cmd.step_id] = personne.id
        return EtapeEnregistree(
            statut="acceptee",
            step_id=cmd.step_id,
            parcours_id=personne.id,
            drapeaux=tuple(personne.etapes[cmd.step_id].drapeaux),
        )

    # Funded actions (CONTRACT §8) ----------------------------------------------------------------

    def _sur_action(self, cmd: EnregistrerEtape, etape: EtapeTenue, contexte: Referentiel, empreinte: str) -> EtapeEnregistree:
        """Record a step on the action's own stream (declaration, budget, session, tool, event, their corrections)."""
        if not cmd.action:
            raise EtapeRejeteeError(f"une étape « {cmd.type.value} » s'enregistre sur une action : indiquez-la.", "action")
        if cmd.personne is not None:
            raise EtapeRejeteeError(f"une étape « {cmd.type.value} » s'enregistre sur l'action, sans personne.", "personne")
        if etape.donnees.get("presents") is not None:
            etape.donnees["presents"] = self._presents(etape.donnees["presents"], "data.presents")
            self._lire_presents(etape.donnees["presents"])
        if cmd.type is TypeEtape.ACTION_DECLAREE:
            action_id = Action.create_id(cmd.action)
            if action_id in self.actions or self._existe(action_id):
                raise EtapeRejeteeError(f"l'action « {cmd.action} » est déjà déclarée.", "action")
            action = Action.declarer(etape, contexte)
        else:
            action = self._action(cmd.action)
            if cmd.type is TypeEtape.EVENEMENT_CORRIGE:
                cible = action.etapes.get(etape.get("cible_step_id"))
                if cible is not None and isinstance(etape.get("champs"), Mapping):
                    champs = self.parcours.valider_champs(cible.type, etape.get("champs"))
                    if champs.get("presents") is not None:
                        champs["presents"] = self._presents(champs["presents"], "data.champs.presents")
                        self._lire_presents(champs["presents"])
                    etape.donnees["champs"] = champs
            action.ajouter(etape, contexte)
        self.actions[action.id] = action
        self.index.append(EtapeRecue.recevoir(cmd.step_id, action.id, empreinte))
        self.empreintes[cmd.step_id] = empreinte
        self.personnes_touchees[cmd.step_id] = action.id
        return EtapeEnregistree(statut="acceptee", step_id=cmd.step_id, parcours_id=action.id,
                                drapeaux=tuple(action.etapes[cmd.step_id].drapeaux))

    def _action(self, action_id: str) -> Action:
        identifiant = Action.create_id(action_id)
        if identifiant in self.actions:
            return self.actions[identifiant]
        if isinstance(self.d_avance.get(identifiant), Action):
            return deepcopy(self.d_avance[identifiant])
        try:
            return self.parcours.repository.get(identifiant)
        except AggregateNotFoundError:
            raise EtapeRejeteeError(f"action inconnue « {action_id} » : déclarez-la d'abord (action_declaree).", "action") from None

    def _action_connue(self, action_id: str) -> ActionConnue | None:
        identifiant = Action.create_id(action_id)
        if identifiant in self.actions:
            return self.actions[identifiant].connue
        if isinstance(self.d_avance.get(identifiant), Action):
            return self.d_avance[identifiant].connue
        try:
            # Read only: the cached aggregate itself, not the copy a command would change.
            return self.parcours.repository.get(identifiant, deepcopy_from_cache=False).connue
        except AggregateNotFoundError:
            return None

    def _presents(self, references: Sequence[Any], champ: str) -> list[UUID]:
        """A roll call's person references → pathway ids (the action's stream never holds a numéro étranger);
        the numéros are looked up together, in one read of the index."""
        normalisees = [r if isinstance(r, (UUID, ReferencePersonne)) else ReferencePersonne(**r) for r in references]
        a_chercher = {r.numero_etranger or "" for r in normalisees
                      if isinstance(r, ReferencePersonne) and r.parcours_id is None and (r.numero_etranger or "") not in self.numeros}
        trouves = {**self._trouver_par_numeros(a_chercher), **self.numeros} if a_chercher else self.numeros
        presents: list[UUID] = []
        for rang, reference in enumerate(normalisees):
            if isinstance(reference, UUID):
                presents.append(reference)
                continue
            if reference.parcours_id is not None:
                presents.append(reference.parcours_id)
                continue
            numero = reference.numero_etranger or ""
            parcours_id = trouves.get(numero)
            if parcours_id is None:
                raise EtapeRejeteeError(f"aucune personne n'a le numéro étranger {numero}.", f"{champ}.{rang}")
            presents.append(parcours_id)
        return presents

    def _trouver_par_numeros(self, numeros: Iterable[str]) -> dict[str, UUID]:
        trouves: dict[str, UUID] = {}
        a_lire = []
        for numero in numeros:
            identifiant = self._index_du_numero(numero)[1]
            if identifiant not in self.demandes:
                a_lire.append(numero)
            elif (entree := self.d_avance.get(identifiant)) is not None and entree.parcours_id is not None:
                trouves[numero] = entree.parcours_id
        return {**self.parcours.trouver_par_numeros(a_lire), **trouves} if a_lire else trouves

    def _lire_presents(self, presents: Sequence[UUID]) -> None:
        a_lire = [p for p in dict.fromkeys(presents) if p not in self.personnes and p not in self.participations]
        if a_lire:
            self.participations.update(self.parcours.participations(a_lire))

    def _hors_de_l_action(self, parcours_id: UUID, action_id: str, jour: date) -> str | None:
        personne = self.personnes.get(parcours_id)
        if personne is not None:  # changed by this lot: its own state
            return personne.historique.hors_de_l_action(action_id, jour)
        if parcours_id not in self.participations:
            self._lire_presents([parcours_id])
        participations = self.participations.get(parcours_id)
        if participations is None:
            return "personne inconnue (ou effacée)."
        return participations.hors_de_l_action(action_id, jour)

    def _reference_binome(self, action_id: str, reference: str) -> BinomeReference | None:
        cle = (action_id, reference)
        if cle not in self.binomes:
            try:
                self.binomes[cle] = self.parcours.repository.get(BinomeReference.create_id(action_id, reference))
            except AggregateNotFoundError:
                return None
        return self.binomes[cle]

    def _binome_pris(self, action_id: str, reference: str, step_id: UUID) -> bool:
        index = self._reference_binome(action_id, reference)
        return index is not None and index.step_id is not None and index.step_id != step_id

    def _prendre_binome(self, action_id: str, reference: str, step_id: UUID) -> None:
        index = self._reference_binome(action_id, reference)
        if index is None:
            index = self.binomes[(action_id, reference)] = BinomeReference(action=action_id, reference=reference, step_id=step_id)
        elif index.step_id is None:
            index.reprendre(step_id)  # its pair was voided: the reference is free again
        else:
            return
        self._garder_index(index)

    def _liberer_binome(self, annulation: EtapeTenue, personne: Personne) -> None:
        """A voided pair frees its reference (CONTRACT §8: the pair's id can be recorded again)."""
        cible = personne.etapes.get(annulation.get("cible_step_id"))
        if cible is None or cible.type is not TypeEtape.BINOME_CONSTITUE or cible.action is None:
            return
        index = self._reference_binome(cible.action, cible.get("binome_ref"))
        if index is not None and index.step_id == cible.step_id:
            index.liberer()
            self._garder_index(index)

    def _binome_corrige(self, personne: Personne, correction: EtapeTenue) -> EtapeTenue | None:
        """A pair whose reference this correction changes; refused when the new reference already forms a pair."""
        cible = personne.etapes.get(correction.get("cible_step_id"))
        champs = correction.get("champs")
        if (cible is None or cible.type is not TypeEtape.BINOME_CONSTITUE or cible.action is None or cible.annulee
                or not isinstance(champs, Mapping) or champs.get("binome_ref") in (None, cible.get("binome_ref"))):
            return None
        if self._binome_pris(cible.action, champs["binome_ref"], cible.step_id):
            raise EtapeRejeteeError(f"le binôme « {champs['binome_ref']} » est déjà constitué dans cette action.",
                                    "data.champs.binome_ref")
        return replace(cible, donnees=dict(cible.donnees))

    def _suivre_le_binome_corrige(self, avant: EtapeTenue, personne: Personne) -> None:
        """The corrected pair frees its former reference and takes its new one."""
        index = self._reference_binome(avant.action or "", avant.get("binome_ref"))
        if index is not None and index.step_id == avant.step_id:
            index.liberer()
            self._garder_index(index)
        self._prendre_binome(avant.action or "", personne.etapes[avant.step_id].get("binome_ref"), avant.step_id)

    def _garder_index(self, index: Any) -> None:
        if all(autre is not index for autre in self.index):
            self.index.append(index)

    def _nouvelle_personne(self, cmd: EnregistrerEtape, etape: EtapeTenue, contexte: Referentiel) -> Personne:
        reference = cmd.personne or ReferencePersonne()
        parcours_id = reference.parcours_id or uuid5(ESPACE, f"personne/{cmd.step_id}")
        if parcours_id in self.personnes or self._existe(parcours_id):
            raise EtapeRejeteeError("ce parcours_id est déjà attribué à une personne.", "personne.parcours_id")
        numero = etape.get("numero_etranger")
        if reference.numero_etranger is not None:
            if numero is not None and numero != reference.numero_etranger:
                raise EtapeRejeteeError("diffère de data.numero_etranger.", "personne.numero_etranger")
            numero = etape.donnees["numero_etranger"] = reference.numero_etranger
        index_numero = None
        if numero is not None:
            empreinte = self._index_du_numero(numero)[0]
            existant = self._index_numero(empreinte)
            if numero in self.numeros or (existant is not None and existant.parcours_id is not None):
                raise EtapeRejeteeError("ce numéro étranger est déjà attribué à une autre personne.", "data.numero_etranger")
            if existant is None:
                index_numero = NumeroEtranger(empreinte=empreinte, parcours_id=parcours_id)
            else:
                existant.reattribuer(parcours_id)  # its person was erased: the numéro is free again
                index_numero = existant
        personne = Personne.enregistrer(parcours_id, etape, contexte)
        if index_numero is not None and numero is not None:
            self.numeros[numero] = parcours_id
            self.index.append(index_numero)
        return personne

    def _valider_correction(self, personne: Personne, correction: EtapeTenue) -> None:
        cible = personne.etapes.get(correction.get("cible_step_id"))
        if cible is not None and isinstance(correction.get("champs"), Mapping):
            correction.donnees["champs"] = self.parcours.valider_champs(cible.type, correction.get("champs"))

    def _personne_de(self, reference: ReferencePersonne | None) -> Personne:
        if reference is None or (reference.numero_etranger is None and reference.parcours_id is None):
            raise EtapeRejeteeError("indiquez numero_etranger ou parcours_id.", "personne")
        if reference.parcours_id is not None:
            champ, valeur, parcours_id = "personne.parcours_id", str(reference.parcours_id), reference.parcours_id
        else:
            numero = reference.numero_etranger or ""
            champ, valeur = "personne.numero_etranger", numero
            parcours_id = self._parcours_du_numero(numero)
        if parcours_id is None:
            raise PersonneInconnueError(champ, valeur)
        if parcours_id in self.personnes:
            return self.personnes[parcours_id]
        if isinstance(self.d_avance.get(parcours_id), Personne):
            return deepcopy(self.d_avance[parcours_id])
        try:
            personne = self.parcours.repository.get(parcours_id)
        except AggregateNotFoundError:
            raise PersonneInconnueError(champ, valeur) from None
        except DonneesEffaceesError:
            raise PersonneEffaceeError(champ, parcours_id) from None
        if not isinstance(personne, Personne):  # a funded action's id given as a person's
            raise PersonneInconnueError(champ, valeur)
        return personne


def _evenements_stockes(recorder: Any, identifiants: Sequence[UUID]) -> list[StoredEvent] | None:
    """The stored events of several aggregates in one query, in version order; None where the recorder is not SQL."""
    lignes = _lignes_de(recorder, "*", identifiants, "ORDER BY originator_id, originator_version")
    if lignes is None:
        return None
    return [StoredEvent(originator_id=UUID(str(ligne["originator_id"])), originator_version=ligne["originator_version"],
                        topic=ligne["topic"], state=bytes(ligne["state"]))
            for ligne in lignes]


def _en_cache(cache: Any, identifiant: UUID) -> Any | None:
    if isinstance(cache, _Cache):
        return cache.trouver(identifiant)
    try:
        return cache.get(identifiant) if cache else None
    except KeyError:
        return None


def _appele(present: Any) -> tuple[Any, Any]:
    """The pathway id and numéro étranger of one person of a roll call (`data.presents`: pathway ids, or
    references as the schema reads them), to read ahead; a malformed one is left to the step's own check."""
    if isinstance(present, UUID):
        return present, None
    if isinstance(present, ReferencePersonne):
        return present.parcours_id, present.numero_etranger
    if isinstance(present, Mapping):
        return present.get("parcours_id"), present.get("numero_etranger")
    return None, None


def _dernieres_versions(recorder: Any, identifiants: Sequence[UUID]) -> dict[UUID, int] | None:
    """The latest version of several aggregates in one query; None where the recorder is not SQL."""
    lignes = _lignes_de(recorder, "originator_id, MAX(originator_version) AS version", identifiants, "GROUP BY originator_id")
    if lignes is None:
        return None
    return {UUID(str(ligne["originator_id"])): ligne["version"] for ligne in lignes}


def _lignes_de(recorder: Any, colonnes: str, identifiants: Sequence[UUID], suite: str) -> list[Any] | None:
    """`SELECT colonnes … WHERE originator_id IN identifiants suite` on the library's events table, SQLite or
    PostgreSQL (its recorders read one aggregate a call); None for another recorder. `colonnes` and `suite`
    are this module's constants, never input."""
    module = type(recorder).__module__
    if module == "eventsourcing.sqlite":
        if not identifiants:
            return []
        requete = (f"SELECT {colonnes} FROM {recorder.events_table_name} "
                   f"WHERE originator_id IN ({','.join('?' * len(identifiants))}) {suite}")
        with recorder.datastore.transaction(commit=False) as curseur:
            curseur.execute(requete, [i.hex for i in identifiants])
            return list(curseur.fetchall())
    if module == "eventsourcing.postgres":
        if not identifiants:
            return []
        from psycopg.sql import SQL, Identifier

        requete = SQL("SELECT " + colonnes + " FROM {schema}.{table} WHERE originator_id = ANY(%s) " + suite).format(  # noqa: S608
            schema=Identifier(recorder.datastore.schema), table=Identifier(recorder.events_table_name))
        with recorder.datastore.get_connection() as connexion, connexion.cursor() as curseur:
            curseur.execute(requete, [list(identifiants)])
            return list(curseur.fetchall())
    return None


def empreinte_de_l_etape(cle_maitre: CleMaitre, cmd: EnregistrerEtape) -> str:
    """The step's keyed fingerprint: a step_id sent again with the same content is a duplicate, with another a reuse."""
    return cle_maitre.empreinte("etape", _canonique(cmd))


def _canonique(cmd: EnregistrerEtape) -> str:
    """The step's content as one canonical string: equal content, equal fingerprint."""
    contenu = {
        "type": cmd.type,
        "occurred_on": cmd.occurred_on,
        "operateur": cmd.operateur,
        "agent": cmd.agent,
        "personne": cmd.personne and {"numero_etranger": cmd.personne.numero_etranger, "parcours_id": cmd.personne.parcours_id},
        "data": cmd.donnees,
    }
    if cmd.action is not None:  # only then: the fingerprints of steps recorded before actions existed stay the same
        contenu["action"] = cmd.action
    return json.dumps(contenu, sort_keys=True, ensure_ascii=False, default=_valeur_simple)


def _valeur_simple(valeur: Any) -> Any:
    if isinstance(valeur, Enum):
        return valeur.value
    if isinstance(valeur, (date, datetime, UUID)):
        return str(valeur)
    if isinstance(valeur, (set, frozenset, tuple)):
        return sorted(map(str, valeur))
    raise TypeError(f"valeur non sérialisable : {valeur!r}")

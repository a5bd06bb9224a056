"""Who may do what, decided in one place for the pages and the API alike.

An `Acteur` is a logged-in user or an API client, always on behalf of one operator. Person-level
resources are visible only to operators involved in the pathway (404 otherwise, so that ids cannot
be probed); COPIL users never reach them (403). Every person-level read is journaled.
Must not import `web.pages.dossier` or `web.api.routes`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timezone
from uuid import UUID

import sqlalchemy as sa

from parcours.comptes import Portee, Role
from parcours.vocabulaire import TypeEtape
from projections import tables as t
from projections.requetes import implique


class AccesRefuseError(Exception):
    """403: the actor is known but their role or scopes do not allow this."""


class IntrouvableError(Exception):
    """404: absent, or not visible to this operator (the two are not told apart on purpose)."""


@dataclass(frozen=True)
class Acteur:
    login: str
    operateur: str
    role: Role
    nom: str = ""
    portees: frozenset[Portee] = frozenset({Portee.LECTURE, Portee.ECRITURE})
    """An API client's scopes; users act with read and write (COPIL: statistics only)."""
    implique_dans: frozenset[str] = frozenset()
    """Pathways this actor's operator was found involved in while the actor was read, in the same query
    (the one a request names): no second query to check it. Valid for the request only."""

    def implique(self, connexion: sa.Connection, parcours_id: str) -> bool:
        return parcours_id in self.implique_dans or implique(connexion, parcours_id, self.operateur)

    @property
    def copil(self) -> bool:
        return self.role is Role.COPIL

    def exiger_portee(self, portee: Portee) -> None:
        if portee not in self.portees:
            raise AccesRefuseError(f"ce jeton n'a pas la portée « {portee.value} ».")

    def exiger_role(self, *roles: Role) -> None:
        if self.role not in roles:
            raise AccesRefuseError("votre rôle ne permet pas cette action.")


def portees_du_role(role: Role) -> frozenset[Portee]:
    if role is Role.COPIL:
        return frozenset({Portee.STATISTIQUES})
    return frozenset({Portee.LECTURE, Portee.ECRITURE, Portee.STATISTIQUES})


def exiger_personne_visible(connexion: sa.Connection, acteur: Acteur, parcours_id: str | UUID) -> str:
    """The pathway id if this actor may see this person; raise 403 (COPIL) or 404 otherwise."""
    if acteur.copil:
        raise AccesRefuseError("le comité de pilotage ne consulte que des données agrégées.")
    acteur.exiger_portee(Portee.LECTURE)
    parcours_id = str(parcours_id)
    if not acteur.implique(connexion, parcours_id):
        raise IntrouvableError(parcours_id)
    return parcours_id


def exiger_ecriture(connexion: sa.Connection, acteur: Acteur, type_etape: TypeEtape, parcours_id: str | UUID | None) -> None:
    """Recording a step: not COPIL; on an existing pathway, only by an operator involved in it."""
    if acteur.copil:
        raise AccesRefuseError("le comité de pilotage n'enregistre pas d'étapes.")
    acteur.exiger_portee(Portee.ECRITURE)
    # A funded action's carrier inscribes a person found anywhere by numéro étranger (CONTRACT §8): the
    # inscription is what involves it; the domain checks that it carries the action and that the person is eligible.
    if type_etape in (TypeEtape.PERSONNE_ENREGISTREE, TypeEtape.BENEFICIAIRE_INSCRIT) or parcours_id is None:
        return
    if not acteur.implique(connexion, str(parcours_id)):
        raise IntrouvableError(str(parcours_id))


_UTILISATEUR = sa.select(
    t.utilisateur.c.login, t.utilisateur.c.operateur, t.utilisateur.c.role, t.utilisateur.c.nom, t.utilisateur.c.actif,
    t.utilisateur.c.deconnecte_le,
).where(t.utilisateur.c.login == sa.bindparam("login"))
_CLIENT_API = sa.select(
    t.client_api,
    sa.exists()
    .where(t.implication.c.parcours_id == sa.bindparam("parcours_id"), t.implication.c.operateur == t.client_api.c.operateur)
    .label("implique"),
).where(t.client_api.c.empreinte_jeton == sa.bindparam("empreinte"), t.client_api.c.revoque.is_(False))
"""Built once, as they run on every request."""


def acteur_de_session(connexion: sa.Connection, login: str | None, ouverte_le: float | None = None) -> Acteur | None:
    """The user of a session cookie, unless deactivated or logged out since the session was opened
    (`ouverte_le`, seconds since the epoch): a cookie copied before a logout is worth nothing after it."""
    if not login:
        return None
    ligne = connexion.execute(_UTILISATEUR, {"login": login}).first()
    if ligne is None or not ligne.actif:
        return None
    if ligne.deconnecte_le is not None:
        deconnecte = ligne.deconnecte_le if ligne.deconnecte_le.tzinfo else ligne.deconnecte_le.replace(tzinfo=timezone.utc)
        if ouverte_le is None or ouverte_le <= deconnecte.timestamp():
            return None
    role = Role(ligne.role)
    return Acteur(ligne.login, ligne.operateur, role, ligne.nom, portees_du_role(role))


def acteur_de_jeton(connexion: sa.Connection, empreinte: str, parcours_id: str | None = None) -> Acteur | None:
    """The API client of this token fingerprint, unless revoked; with `parcours_id` (the pathway the
    request names, unchecked), whether its operator is involved in it is read by the same query."""
    ligne = connexion.execute(_CLIENT_API, {"empreinte": empreinte, "parcours_id": parcours_id}).mappings().first()
    if ligne is None:
        return None
    return Acteur(
        login=f"api:{ligne['nom']}",
        operateur=ligne["operateur"],
        role=Role.AGENT,
        nom=ligne["nom"],
        portees=frozenset(Portee(p) for p in ligne["portees"]),
        implique_dans=frozenset({parcours_id}) if parcours_id is not None and ligne["implique"] else frozenset(),
    )

"""The caseworker pages: worklists, search, a person's summary and timeline, every step's form, hand-over.

Server-rendered; every form posts and redirects without JavaScript (PRG), htmx only swaps fragments
(a 422 or 409 re-renders the form fragment, a success answers HX-Redirect). Access rules are
`web.acces`'; a step goes through the same schema (`lire_etape`) and domain path
(`enregistrer_etape`) as the import and the API, always on behalf of the user's own operator.
Every read of a person-level page is written to the access journal.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, date, timedelta
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_htmx import make_response as reponse_htmx

from parcours.comptes import Role
from parcours.dates import add_months, age_revolu, echeance_suivi, fenetre_suivi
from parcours.erreurs import ConflitEcritureError, EtapeRejeteeError
from parcours.regles import peut_modifier
from parcours.vocabulaire import (
    ETAPES_DE_GESTION,
    LIBELLES_ETAPES,
    NiveauLangue,
    TypeEtape,
    TypeOperateur,
)
from projections import tables as t
from projections.donnees_personnelles import journal_des_acces, preavis_de_retention
from projections.lecture import pour_recherche
from projections.masquage import en_mois_entiers, graphiques_publiables, masquer
from projections.requetes import EtapeLue, chronologie, listes_de_travail, resume
from web.acces import AccesRefuseError, Acteur, exiger_ecriture, exiger_personne_visible
from web.auth import connexion_requise
from web.deps import FUSEAU, aujourdhui, parcours, services
from web.formulaires import (
    Champ,
    Choix,
    champs,
    decrire,
    donnees_du_formulaire,
    erreurs_par_champ,
    libelle_valeur,
    libelles_des_champs,
    meme_valeur,
    valeurs_du_formulaire,
    valeurs_enregistrees,
)
from web.schemas import EtapeInvalideError, lire_etape

bp = Blueprint("ui", __name__)

ETAPES_SAISISSABLES = [ty for ty in TypeEtape if ty is not TypeEtape.PERSONNE_ENREGISTREE]
"""Every step type has its form at /personnes/<id>/etapes/nouvelle?type=…; the person's registration has its own page."""
GROUPES_D_ETAPES: list[tuple[str, list[TypeEtape]]] = [
    ("Séjour et protection", [TypeEtape.TITRE_SEJOUR_DELIVRE, TypeEtape.PROTECTION_ACCORDEE]),
    ("Contrat d'intégration républicaine", [TypeEtape.CIR_SIGNE, TypeEtape.FORMATION_CIVIQUE_JOURNEE, TypeEtape.ENTRETIEN_FIN_CIR]),
    ("Langue", [TypeEtape.POSITIONNEMENT_LINGUISTIQUE, TypeEtape.FORMATION_LINGUISTIQUE_PRESCRITE,
                TypeEtape.DISPENSE_FORMATION_LINGUISTIQUE, TypeEtape.FORMATION_LINGUISTIQUE_HEURES,
                TypeEtape.EVALUATION_LINGUISTIQUE, TypeEtape.FORMATION_LINGUISTIQUE_TERMINEE]),
    ("Orientation", [TypeEtape.ORIENTATION_SPE, TypeEtape.DISPENSE_ORIENTATION_SPE, TypeEtape.ORIENTATION_ACCEPTEE,
                     TypeEtape.ORIENTATION_REFUSEE, TypeEtape.ORIENTATION_AGIR]),
    ("Emploi et formation", [TypeEtape.ACCOMPAGNEMENT_EMPLOI_DEBUTE, TypeEtape.CONTRAT_TRAVAIL_DEBUTE, TypeEtape.ENTREE_FORMATION,
                             TypeEtape.SORTIE_ACCOMPAGNEMENT, TypeEtape.SUIVI_SIX_MOIS]),
    ("AGIR et logement", [TypeEtape.AGIR_ENTREE, TypeEtape.AGIR_SORTIE, TypeEtape.SITUATION_LOGEMENT]),
    ("Notes", [TypeEtape.NOTE]),
]
assert {ty for _, types in GROUPES_D_ETAPES for ty in types} == set(TypeEtape) - ETAPES_DE_GESTION - {TypeEtape.PERSONNE_ENREGISTREE}

TITRES_LISTES = {
    "suivis_six_mois": "Suivis à 6 mois à renseigner",
    "orientations_en_attente": "Orientations en attente de réponse",
    "accueils_agir_en_retard": "Accueils AGIR en retard",
    "entretiens_fin_cir_en_retard": "Entretiens de fin de CIR en retard",
    "titres_expirant": "Titres de séjour expirant sous 60 jours",
    "sorties_sans_contrat": "Sorties en emploi sans contrat enregistré (catégorie sans contrat)",
    "anonymisations_a_venir": "Dossiers bientôt anonymisés (durée de conservation)",
}
LIBELLES_TYPES_OPERATEUR = {
    "OFII": "OFII", "PREFECTURE": "Préfecture", "FRANCE_TRAVAIL": "France Travail", "MISSION_LOCALE": "Mission locale",
    "CAP_EMPLOI": "Cap emploi", "APEC": "Apec", "AGIR": "AGIR", "ASSOCIATION": "Association", "LOGEMENT": "Logement",
    "ORGANISME_FORMATION": "Organisme de formation",
}
TYPES_ORIENTATION_SPE = ("MISSION_LOCALE", "FRANCE_TRAVAIL", "CAP_EMPLOI", "APEC")

MESSAGE_CONFLIT = ("Le parcours a été modifié entre-temps par un autre enregistrement : votre saisie est conservée ci-dessous. "
                   "Consultez la chronologie à jour, puis enregistrez à nouveau.")
CHAMP_DATE = Champ("occurred_on", "Date de l'étape", "date à laquelle elle a eu lieu (pas forcément aujourd'hui)", "date", True)
CHAMP_DATE_CORRECTION = Champ("occurred_on", "Date de la correction", None, "date", True)
CHAMP_MOTIF_CORRECTION = Champ("motif_correction", "Motif de la correction", "il reste dans l'historique du dossier", "long", True)


def _acteur() -> Acteur:
    return g.acteur


def _pas_copil() -> None:
    if _acteur().copil:
        raise AccesRefuseError("le comité de pilotage ne consulte que des données agrégées.")


def _htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def _journaliser(parcours_id: UUID | str, route: str) -> None:
    acteur = _acteur()
    parcours().journaliser_consultation(acteur.login, acteur.operateur, UUID(str(parcours_id)), f"ui:{route}")


@bp.app_context_processor
def _contexte() -> dict[str, Any]:
    return {"libelles": {ty.value: libelle for ty, libelle in LIBELLES_ETAPES.items()}}


@bp.app_template_filter("libelle")
def _filtre_libelle(valeur: Any) -> str:
    return libelle_valeur(valeur)


@bp.app_template_filter("jour")
def _filtre_jour(valeur: Any) -> str:
    if valeur is None or valeur == "":
        return "—"
    if isinstance(valeur, str):
        return libelle_valeur(valeur)
    return f"{valeur:%d/%m/%Y}"


@bp.app_template_filter("nombre")
def _filtre_nombre(valeur: Any) -> str:
    """1234.5 → "1 234,5", None → "—" (the dashboard's figures)."""
    from web.graphiques import nombre

    return nombre(valeur)


@bp.app_template_filter("heure")
def _filtre_heure(valeur: Any) -> str:
    """A recording time in Paris time (stored in UTC; SQLite gives it back without its zone)."""
    if valeur is None:
        return "—"
    if valeur.tzinfo is None:
        valeur = valeur.replace(tzinfo=UTC)
    return f"{valeur.astimezone(FUSEAU):%d/%m/%Y %H:%M}"


# Home and worklists -------------------------------------------------------------------------------


@bp.get("/")
@connexion_requise
def accueil() -> Any:
    acteur = _acteur()
    if acteur.copil:
        return render_template("ui/copil.html")
    with services().lectures.connect() as connexion:
        listes = listes_de_travail(connexion, acteur.operateur, aujourdhui())
        if acteur.role in (Role.RESPONSABLE, Role.ADMIN):
            listes["anonymisations_a_venir"] = preavis_de_retention(connexion, acteur.operateur, aujourdhui())
            noms = _noms(connexion, {ligne["parcours_id"] for ligne in listes["anonymisations_a_venir"]})
            for ligne in listes["anonymisations_a_venir"]:
                ligne["personne"] = noms.get(ligne["parcours_id"], "")
    return render_template("ui/accueil.html", listes=listes, titres=TITRES_LISTES, ofii=_est_ofii())


def _noms(connexion: sa.Connection, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    lignes = connexion.execute(sa.select(t.personne.c.parcours_id, t.personne.c.prenom, t.personne.c.nom).where(t.personne.c.parcours_id.in_(ids)))
    return {p: f"{prenom} {nom}" for p, prenom, nom in lignes}


# Search ----------------------------------------------------------------------------------------------


@bp.get("/recherche")
@connexion_requise
def recherche() -> Any:
    """By numéro étranger, or by name and/or birth date, among the pathways the operator is involved in."""
    _pas_copil()
    acteur = _acteur()
    numero, nom, naissance = (request.args.get(c, "").strip() for c in ("numero_etranger", "nom", "date_naissance"))
    resultats: list[dict[str, Any]] = []
    erreur = None
    if numero or nom or naissance:
        p, i = t.personne, t.implication
        requete = (
            sa.select(p.c.parcours_id, p.c.nom, p.c.prenom, p.c.date_naissance, p.c.departement)
            .join(i, sa.and_(i.c.parcours_id == p.c.parcours_id, i.c.operateur == acteur.operateur))
            .order_by(p.c.nom, p.c.prenom)
            .limit(50)
        )
        if numero:
            numero = "".join(numero.split())
            if not (numero.isascii() and numero.isdigit() and len(numero) == 10):
                erreur = "Le numéro étranger compte 10 chiffres."
            trouve = parcours().trouver_par_numero(numero) if erreur is None else None
            requete = requete.where(p.c.parcours_id == str(trouve)) if trouve else requete.where(sa.false())
        if nom:
            for morceau in pour_recherche(nom).split():
                requete = requete.where(p.c.nom_recherche.contains(morceau, autoescape=True))
        if naissance:
            try:
                requete = requete.where(p.c.date_naissance == date.fromisoformat(naissance))
            except ValueError:
                erreur = "Date de naissance attendue au format AAAA-MM-JJ."
        if erreur is None:
            with services().lectures.connect() as connexion:
                resultats = [dict(ligne._mapping) for ligne in connexion.execute(requete)]
    gabarit = "ui/_resultats.html" if _htmx() else "ui/recherche.html"
    return render_template(gabarit, resultats=resultats, erreur=erreur, criteres={"numero_etranger": numero, "nom": nom, "date_naissance": naissance},
                           ofii=_est_ofii())


def _est_ofii() -> bool:
    operateur = parcours().operateur(_acteur().operateur)
    return operateur is not None and operateur.type is TypeOperateur.OFII


# A person -------------------------------------------------------------------------------------------


def _reference(etapes: list[EtapeLue]) -> Any:
    """Names the step a `*_step_id` field points to: "Sortie d'accompagnement du 31/07/2025"."""
    par_id = {e.step_id: e for e in etapes}

    def nommer(step_id: str) -> str:
        cible = par_id.get(step_id)
        return f"{LIBELLES_ETAPES[TypeEtape(cible.type)]} du {cible.occurred_on:%d/%m/%Y}" if cible else "étape non visible"

    return nommer


def _lignes_de_chronologie(etapes: list[EtapeLue], lecteur: str) -> list[dict[str, Any]]:
    """Each step with its fields in French, the original values of what a correction changed, its flags, and
    whether the reader may correct or void it (the links are shown only then: `parcours.regles.peut_modifier`)."""
    operateur = parcours().operateur(lecteur)
    nommer = _reference(etapes)
    types = {e.step_id: e.type for e in etapes}
    lignes = []
    for e in etapes:
        initiales = []
        if e.corrigee_par and e.type in TypeEtape.valeurs():
            for nom, libelle in libelles_des_champs(TypeEtape(e.type)).items():
                avant, apres = e.donnees_initiales.get(nom), e.donnees.get(nom)
                if not meme_valeur(avant, apres):
                    initiales.append((libelle, libelle_valeur(avant)))
        lignes.append({
            "e": e,
            "champs": decrire(e.type, e.donnees, nommer, type_corrige=types.get(e.cible_step_id or "")),
            "initiales": initiales,
            "corrigeable": e.annulee_par is None and TypeEtape(e.type) not in ETAPES_DE_GESTION
                           and peut_modifier(TypeEtape(e.type), e.operateur, operateur),
        })
    return lignes


@bp.get("/personnes/<uuid:parcours_id>")
@connexion_requise
def personne(parcours_id: UUID) -> Any:
    acteur = _acteur()
    if parcours().effacee(parcours_id) is not None:
        abort(410, description="Les données de cette personne ont été effacées.")
    with services().lectures.connect() as connexion:
        exiger_personne_visible(connexion, acteur, parcours_id)
        synthese = resume(connexion, str(parcours_id), acteur.operateur, aujourdhui())
        etapes = chronologie(connexion, str(parcours_id), acteur.operateur)
        consultations = journal_des_acces(connexion, parcours_id=str(parcours_id), limite=20) if acteur.role in (Role.RESPONSABLE, Role.ADMIN) else []
    if synthese is None:
        abort(404)
    _journaliser(parcours_id, "personne")
    return render_template("ui/personne.html", p=synthese, lignes=_lignes_de_chronologie(etapes, acteur.operateur), groupes=GROUPES_D_ETAPES,
                           consultations=consultations)


# Recording a step -----------------------------------------------------------------------------------


@dataclass
class Connu:
    """What the pathway already tells about a form: choices, defaults, and a few lines of context."""

    personne: dict[str, Any] | None = None
    choix: dict[str, list[Choix]] = field(default_factory=dict)
    defauts: dict[str, Any] = field(default_factory=dict)
    contexte: list[str] = field(default_factory=list)


def _operateurs(connexion: sa.Connection, types: tuple[str, ...]) -> list[Any]:
    return connexion.execute(
        sa.select(t.operateur.c.slug, t.operateur.c.nom, t.operateur.c.type, t.operateur.c.departement)
        .where(t.operateur.c.type.in_(types))
        .order_by(t.operateur.c.type, t.operateur.c.departement, t.operateur.c.slug)
    ).all()


def _choix_operateurs(operateurs: list[Any]) -> list[Choix]:
    return [Choix(o.slug, f"{o.nom} ({o.departement})", LIBELLES_TYPES_OPERATEUR.get(o.type, o.type)) for o in operateurs]


def _connu(type_etape: TypeEtape, parcours_id: str | None, correction: bool = False) -> Connu:
    """Choices, defaults and context for a form, from what the pathway and the operator already know."""
    acteur = _acteur()
    connu = Connu()
    jour = aujourdhui()
    with services().lectures.connect() as connexion:
        if parcours_id is None:
            operateur = parcours().operateur(acteur.operateur)
            connu.defauts["departement"] = operateur.departement if operateur else ""
            return connu
        ligne = connexion.execute(sa.select(t.personne).where(t.personne.c.parcours_id == parcours_id)).mappings().first()
        connu.personne = dict(ligne) if ligne else None
        etapes = [e for e in chronologie(connexion, parcours_id, acteur.operateur) if e.annulee_par is None]
        synthese = resume(connexion, parcours_id, acteur.operateur, jour)
        age = age_revolu(ligne["date_naissance"], jour) if ligne is not None and ligne["date_naissance"] else None
        departement = ligne["departement"] if ligne is not None else None
        par_type: dict[str, list[EtapeLue]] = {}
        for e in etapes:
            par_type.setdefault(e.type, []).append(e)
        nommer = _reference(etapes)

        if type_etape is TypeEtape.ORIENTATION_SPE:
            operateurs = _operateurs(connexion, TYPES_ORIENTATION_SPE)
            connu.choix["vers"] = _choix_operateurs(operateurs)
            jeune = age is not None and age < 26
            type_cible = "MISSION_LOCALE" if jeune else "FRANCE_TRAVAIL"
            cible = next((o.slug for o in operateurs if o.type == type_cible and o.departement == departement), "")
            connu.defauts.update(vers=cible, motif_choix="AGE_MOINS_26" if jeune else "DEFAUT")
            if age is not None:
                connu.contexte.append(f"{age} ans : par défaut, orientation vers {'la Mission locale (moins de 26 ans)' if jeune else 'France Travail'}"
                                      f" du département {departement}. Un autre choix demande son motif.")
        elif type_etape is TypeEtape.ORIENTATION_AGIR:
            operateurs = _operateurs(connexion, ("AGIR",))
            connu.choix["vers"] = _choix_operateurs(operateurs)
            connu.defauts["vers"] = next((o.slug for o in operateurs if o.departement == departement), "")
        elif type_etape in (TypeEtape.ORIENTATION_ACCEPTEE, TypeEtape.ORIENTATION_REFUSEE):
            decidees = {d.donnees.get("orientation_step_id") for ty in ("orientation_acceptee", "orientation_refusee") for d in par_type.get(ty, [])}
            orientations = [o for ty in ("orientation_spe", "orientation_agir") for o in par_type.get(ty, [])
                            if o.donnees.get("vers") == acteur.operateur and (correction or o.step_id not in decidees)]
            connu.choix["orientation_step_id"] = [Choix(o.step_id, f"{nommer(o.step_id)}, par {o.operateur}") for o in orientations]
            if orientations:
                connu.defauts["orientation_step_id"] = orientations[-1].step_id
            elif not correction:
                connu.contexte.append("Aucune orientation adressée à votre structure n'attend de réponse dans ce parcours.")
        elif type_etape is TypeEtape.SUIVI_SIX_MOIS:
            suivies = {s.donnees.get("sortie_step_id") for s in par_type.get("suivi_six_mois", [])}
            sorties = [s for s in par_type.get("sortie_accompagnement", []) if s.operateur == acteur.operateur and (correction or s.step_id not in suivies)]
            connu.choix["sortie_step_id"] = [Choix(s.step_id, f"{nommer(s.step_id)} ({libelle_valeur(s.donnees.get('categorie'))})") for s in sorties]
            if sorties:
                derniere = sorties[-1]
                connu.defauts["sortie_step_id"] = derniere.step_id
                debut, fin = fenetre_suivi(derniere.occurred_on)
                connu.contexte.append(f"Sortie du {derniere.occurred_on:%d/%m/%Y} : suivi dû le {echeance_suivi(derniere.occurred_on):%d/%m/%Y}, "
                                      f"à renseigner entre le {debut:%d/%m/%Y} et le {fin:%d/%m/%Y}.")
            elif not correction:
                connu.contexte.append("Aucune sortie d'accompagnement de votre structure n'attend son suivi dans ce parcours.")
        elif type_etape in ETAPES_DE_GESTION:
            connu.choix["cible_step_id"] = [Choix(e.step_id, f"{nommer(e.step_id)} ({e.operateur})") for e in etapes
                                            if TypeEtape(e.type) not in ETAPES_DE_GESTION]
        elif type_etape is TypeEtape.TITRE_SEJOUR_DELIVRE and not par_type.get("titre_sejour_delivre"):
            connu.defauts["premier_titre"] = "true"
            connu.contexte.append("Aucun titre de séjour enregistré : ce titre est proposé comme premier titre (il ouvre la fenêtre de 5 ans).")
        elif type_etape is TypeEtape.CIR_SIGNE:
            precedent = connexion.execute(
                sa.select(t.etape.c.donnees).where(t.etape.c.type == TypeEtape.CIR_SIGNE.value, t.etape.c.operateur == acteur.operateur)
                .order_by(t.etape.c.position.desc()).limit(1)
            ).scalar()
            if precedent and precedent.get("dt_ofii"):
                connu.defauts["dt_ofii"] = precedent["dt_ofii"]
            if age is not None and age < 18:
                connu.contexte.append(f"{age} ans : le représentant légal doit être indiqué.")
        elif type_etape is TypeEtape.FORMATION_CIVIQUE_JOURNEE:
            faites = set(synthese["cir"]["journees_civiques_presentes"]) if synthese and synthese["cir"] else set()
            suivante = next((j for j in range(1, 5) if j not in faites), None)
            if suivante:
                connu.defauts.update(jour=str(suivante), present="true")
        elif type_etape is TypeEtape.FORMATION_LINGUISTIQUE_PRESCRITE:
            positionnement = synthese["langue"]["positionnement"] if synthese else None
            if positionnement:
                plus_bas = min(NiveauLangue(positionnement["niveau_oral"]).rang, NiveauLangue(positionnement["niveau_ecrit"]).rang)
                if plus_bas < NiveauLangue.A1.rang:
                    connu.defauts.update(type="CIR_OBLIGATOIRE", niveau_cible="A1")
        elif type_etape in (TypeEtape.FORMATION_LINGUISTIQUE_HEURES, TypeEtape.EVALUATION_LINGUISTIQUE, TypeEtape.FORMATION_LINGUISTIQUE_TERMINEE):
            formation = synthese["langue"]["formation"] if synthese else None
            if formation:
                etat = f"terminée ({libelle_valeur(formation['terminee']['motif'])})" if formation["terminee"] else "en cours"
                connu.contexte.append(f"Formation {libelle_valeur(formation['type']).lower()} prescrite le {formation['prescrite_le']:%d/%m/%Y}, "
                                      f"forfait {formation['forfait_h']} h, niveau visé {formation['niveau_cible']} : "
                                      f"{libelle_valeur(float(formation['heures_realisees']))} h réalisées, {etat}.")
                if type_etape is TypeEtape.FORMATION_LINGUISTIQUE_HEURES:
                    heures = [h for h in par_type.get("formation_linguistique_heures", []) if formation["step_id"] in h.liens.values()]
                    debut = (date.fromisoformat(max(h.donnees["periode_fin"] for h in heures)) + timedelta(days=1)) if heures else formation["prescrite_le"]
                    fin = min(add_months(debut.replace(day=1), 1) - timedelta(days=1), jour)
                    if debut <= fin:
                        connu.defauts.update(periode_debut=debut.isoformat(), periode_fin=fin.isoformat())
            else:
                connu.contexte.append("Aucune formation linguistique prescrite dans ce parcours.")
        elif type_etape is TypeEtape.SORTIE_ACCOMPAGNEMENT:
            ouverts = [e for e in (synthese["emploi"]["episodes_ouverts"] if synthese else []) if e["operateur"] == acteur.operateur]
            connu.contexte.append(
                "; ".join(f"Accompagnement en cours dans votre structure : {libelle_valeur(e['programme'])} depuis le {e['depuis']:%d/%m/%Y}" for e in ouverts)
                + "." if ouverts else "Aucun accompagnement en cours dans votre structure : la sortie sera refusée.")
        elif type_etape in (TypeEtape.CONTRAT_TRAVAIL_DEBUTE, TypeEtape.ENTREE_FORMATION):
            connu.defauts["date_debut"] = jour.isoformat()
        elif type_etape is TypeEtape.AGIR_SORTIE and synthese and synthese["agir"] and synthese["agir"]["entree"]:
            connu.contexte.append(f"Entrée dans AGIR le {synthese['agir']['entree']['le']:%d/%m/%Y}.")
        elif type_etape is TypeEtape.NOTE:
            connu.defauts["visibilite"] = "OPERATEUR"
    if correction:
        connu.contexte = []  # what would guide a new step misleads when correcting a recorded one
    return connu


@dataclass
class Formulaire:
    """One form on screen: what it records, what was typed, and what went wrong."""

    type_etape: TypeEtape
    parcours_id: str | None
    action: str
    titre: str
    step_id: str
    occurred_on: str
    valeurs: dict[str, Any]
    connu: Connu
    correction: bool = False
    erreurs: dict[str, list[str]] = field(default_factory=dict)
    generales: list[str] = field(default_factory=list)
    conflit: bool = False

    @property
    def champs(self) -> list[Champ]:
        return champs(self.type_etape, self.connu.choix)

    @property
    def champ_date(self) -> Champ:
        return CHAMP_DATE_CORRECTION if self.correction else CHAMP_DATE

    @property
    def libelles(self) -> dict[str, str]:
        """The fields on screen, to tie each error to one of them."""
        extra = {"occurred_on": self.champ_date.libelle}
        if self.correction:
            extra["motif_correction"] = CHAMP_MOTIF_CORRECTION.libelle
        return {**{c.nom: c.libelle for c in self.champs}, **extra}


def _rendre(formulaire: Formulaire, statut: int) -> Any:
    # The version the form carries: after a conflict, the current one, so resubmitting is a deliberate choice.
    version = parcours().personne(UUID(formulaire.parcours_id)).version if formulaire.parcours_id else None
    gabarit = "ui/_formulaire.html" if _htmx() else "ui/etape.html"
    return render_template(gabarit, f=formulaire, version=version, champ_motif_correction=CHAMP_MOTIF_CORRECTION), statut


def _version_du_formulaire() -> int | None:
    valeur = request.form.get("version", "")
    return int(valeur) if valeur.isascii() and valeur.isdigit() else None


@dataclass
class Issue:
    resultat: Any = None
    erreurs: dict[str, list[str]] = field(default_factory=dict)
    """Raw keys, as `lire_etape` and the domain name them: "data.jour", "occurred_on", "" (none)."""
    statut: int = 201
    conflit: bool = False


def _enregistrer(type_etape: TypeEtape, parcours_id: str | None, donnees: dict[str, Any], occurred_on: str, step_id: str,
                 version: int | None = None) -> Issue:
    """Record the step on behalf of the user's operator, by the same path as the API; then catch up the read models."""
    acteur = _acteur()
    brut: dict[str, Any] = {"step_id": step_id, "type": type_etape.value, "occurred_on": occurred_on, "operateur": acteur.operateur,
                            "agent": acteur.login, "data": donnees}
    if parcours_id:
        brut["personne"] = {"parcours_id": parcours_id}
    try:
        commande = replace(lire_etape(brut), version_attendue=version)
        with services().lectures.connect() as connexion:
            exiger_ecriture(connexion, acteur, commande.type, parcours_id)
        resultat = services().enregistrer_etape(commande)
    except EtapeInvalideError as erreur:
        return Issue(erreurs=erreur.erreurs, statut=422)
    except ConflitEcritureError:
        return Issue(erreurs={"": [MESSAGE_CONFLIT]}, statut=409, conflit=True)
    except EtapeRejeteeError as erreur:
        return Issue(erreurs={erreur.champ or "": [erreur.message]}, statut=422)
    return Issue(resultat=resultat)


def _soumettre(formulaire: Formulaire, donnees: dict[str, Any], type_enregistre: TypeEtape | None = None) -> Issue:
    issue = _enregistrer(type_enregistre or formulaire.type_etape, formulaire.parcours_id, donnees, formulaire.occurred_on,
                         formulaire.step_id, _version_du_formulaire())
    if issue.resultat is None:
        formulaire.erreurs, formulaire.generales = erreurs_par_champ(issue.erreurs, formulaire.correction, formulaire.libelles)
        formulaire.conflit = issue.conflit
    return issue


def _succes(parcours_id: str) -> Any:
    cible = url_for("ui.personne", parcours_id=parcours_id)
    if _htmx():
        return reponse_htmx("", redirect=cible)
    return redirect(cible, code=303)


def _type_demande() -> TypeEtape:
    try:
        type_etape = TypeEtape(request.values.get("type", ""))
    except ValueError:
        abort(404, description="Type d'étape inconnu.")
    if type_etape not in ETAPES_SAISISSABLES:
        abort(404, description="Type d'étape inconnu.")
    return type_etape


def _formulaire_poste(type_etape: TypeEtape, parcours_id: str | None, action: str, titre: str, correction: bool = False) -> Formulaire:
    return Formulaire(type_etape, parcours_id, action, titre, request.form.get("step_id", ""), request.form.get("occurred_on", ""),
                      valeurs_du_formulaire(type_etape, request.form), _connu(type_etape, parcours_id, correction), correction)


@bp.route("/personnes/<uuid:parcours_id>/etapes/nouvelle", methods=["GET", "POST"])
@connexion_requise
def nouvelle_etape(parcours_id: UUID) -> Any:
    _pas_copil()
    type_etape = _type_demande()
    with services().lectures.connect() as connexion:
        exiger_personne_visible(connexion, _acteur(), parcours_id)
    action = url_for("ui.nouvelle_etape", parcours_id=parcours_id, type=type_etape.value)
    titre = LIBELLES_ETAPES[type_etape]
    if request.method == "GET":
        connu = _connu(type_etape, str(parcours_id))
        valeurs = {**connu.defauts, **{k: v for k, v in request.args.items() if k != "type"}}
        _journaliser(parcours_id, "nouvelle_etape")
        return _rendre(Formulaire(type_etape, str(parcours_id), action, titre, str(uuid.uuid4()), aujourdhui().isoformat(), valeurs, connu), 200)
    formulaire = _formulaire_poste(type_etape, str(parcours_id), action, titre)
    issue = _soumettre(formulaire, donnees_du_formulaire(type_etape, request.form))
    if issue.resultat is None:
        return _rendre(formulaire, issue.statut)
    return _succes(str(parcours_id))


@bp.route("/personnes/nouvelle", methods=["GET", "POST"])
@connexion_requise
def nouvelle_personne() -> Any:
    """OFII registers a newcomer (`personne_enregistree`), then lands on their page."""
    _pas_copil()
    if not _est_ofii():
        raise AccesRefuseError("l'enregistrement d'une nouvelle personne est réservé à l'OFII.")
    type_etape = TypeEtape.PERSONNE_ENREGISTREE
    action, titre = url_for("ui.nouvelle_personne"), "Enregistrer une personne"
    if request.method == "GET":
        connu = _connu(type_etape, None)
        return _rendre(Formulaire(type_etape, None, action, titre, str(uuid.uuid4()), aujourdhui().isoformat(), dict(connu.defauts), connu), 200)
    formulaire = _formulaire_poste(type_etape, None, action, titre)
    issue = _soumettre(formulaire, donnees_du_formulaire(type_etape, request.form))
    if issue.resultat is None:
        return _rendre(formulaire, issue.statut)
    return _succes(str(issue.resultat.parcours_id))


# Corrections and voids -----------------------------------------------------------------------------


def _etape_de(parcours_id: UUID, step_id: UUID) -> EtapeLue:
    with services().lectures.connect() as connexion:
        exiger_personne_visible(connexion, _acteur(), parcours_id)
        for etape in chronologie(connexion, str(parcours_id), _acteur().operateur):
            if etape.step_id == str(step_id) and etape.annulee_par is None and TypeEtape(etape.type) not in ETAPES_DE_GESTION:
                if not peut_modifier(TypeEtape(etape.type), etape.operateur, parcours().operateur(_acteur().operateur)):
                    abort(403, description=f"Seul l'opérateur qui a enregistré cette étape ({etape.operateur}) peut la "
                                           "corriger ou l'annuler.")
                return etape
    abort(404)


@bp.route("/personnes/<uuid:parcours_id>/etapes/<uuid:step_id>/corriger", methods=["GET", "POST"])
@connexion_requise
def corriger(parcours_id: UUID, step_id: UUID) -> Any:
    """The corrected step's own form, with its current values: what changed becomes an `evenement_corrige`."""
    _pas_copil()
    cible = _etape_de(parcours_id, step_id)
    type_cible = TypeEtape(cible.type)
    action = url_for("ui.corriger", parcours_id=parcours_id, step_id=step_id)
    titre = f"Corriger : {LIBELLES_ETAPES[type_cible]} du {cible.occurred_on:%d/%m/%Y}"
    if request.method == "GET":
        _journaliser(parcours_id, "corriger")
        return _rendre(Formulaire(type_cible, str(parcours_id), action, titre, str(uuid.uuid4()), aujourdhui().isoformat(),
                                  valeurs_enregistrees(cible.donnees), _connu(type_cible, str(parcours_id), correction=True), True), 200)
    formulaire = _formulaire_poste(type_cible, str(parcours_id), action, titre, correction=True)
    nouvelles = donnees_du_formulaire(type_cible, request.form)
    modifies = {k: v for k, v in nouvelles.items() if not meme_valeur(cible.donnees.get(k), v)}
    modifies.update({k: None for k, v in cible.donnees.items() if k not in nouvelles and v not in (None, False, [], {})})
    motif = (request.form.get("motif_correction") or "").strip()
    if not motif or not modifies:
        if not motif:
            formulaire.erreurs["motif_correction"] = ["Indiquez le motif de la correction."]
        if not modifies:
            formulaire.generales.append("Aucun champ n'a été modifié : changez au moins une valeur.")
        return _rendre(formulaire, 422)
    issue = _soumettre(formulaire, {"cible_step_id": str(step_id), "champs": modifies, "motif": motif}, TypeEtape.EVENEMENT_CORRIGE)
    if issue.resultat is None:
        return _rendre(formulaire, issue.statut)
    return _succes(str(parcours_id))


@bp.route("/personnes/<uuid:parcours_id>/etapes/<uuid:step_id>/annuler", methods=["GET", "POST"])
@connexion_requise
def annuler(parcours_id: UUID, step_id: UUID) -> Any:
    """Void a step (`evenement_annule`) with its reason: it stays in the timeline, struck through, and counts nowhere."""
    _pas_copil()
    cible = _etape_de(parcours_id, step_id)
    erreurs: dict[str, list[str]] = {}
    generales: list[str] = []
    conflit, statut = False, 200
    if request.method == "POST":
        motif = (request.form.get("motif") or "").strip()
        issue = _enregistrer(TypeEtape.EVENEMENT_ANNULE, str(parcours_id), {"cible_step_id": str(step_id), **({"motif": motif} if motif else {})},
                             request.form.get("occurred_on") or aujourdhui().isoformat(), request.form.get("step_id", ""), _version_du_formulaire())
        if issue.resultat is not None:
            return _succes(str(parcours_id))
        erreurs, generales = erreurs_par_champ(issue.erreurs, libelles={"motif": "Motif de l'annulation", "occurred_on": "Date"})
        conflit, statut = issue.conflit, issue.statut
    else:
        _journaliser(parcours_id, "annuler")
    with services().lectures.connect() as connexion:
        etapes = chronologie(connexion, str(parcours_id), _acteur().operateur)
    champ_motif = Champ("motif", "Motif de l'annulation", "ex. saisie en double ; il reste dans l'historique du dossier", "long", True)
    return render_template("ui/annuler.html", cible=cible, champs_cible=decrire(cible.type, cible.donnees, _reference(etapes)),
                           parcours_id=parcours_id, erreurs=erreurs, generales=generales, conflit=conflit, champ_motif=champ_motif,
                           motif=request.form.get("motif", ""), step_id=request.form.get("step_id") or str(uuid.uuid4()),
                           version=parcours().personne(parcours_id).version, aujourdhui=aujourdhui().isoformat()), statut


# Hand-over ------------------------------------------------------------------------------------------


def _orientations(erreur: str | None = None, erreur_pour: str | None = None, motif: str = "", statut: int = 200) -> Any:
    with services().lectures.connect() as connexion:
        attente = listes_de_travail(connexion, _acteur().operateur, aujourdhui())["orientations_en_attente"]
    return render_template("ui/orientations.html", recues=[o for o in attente if o["sens"] == "recue"],
                           envoyees=[o for o in attente if o["sens"] == "envoyee"], refusees=_refus_recus(),
                           erreur=erreur, erreur_pour=erreur_pour, motif=motif), statut


@bp.get("/orientations")
@connexion_requise
def orientations() -> Any:
    """Orientations received (accept, or decline with a reason), sent and still unanswered, and declined."""
    _pas_copil()
    return _orientations()


def _refus_recus() -> list[dict[str, Any]]:
    """Declines of orientations this operator sent (OFII sees them in its own list)."""
    refus, orientation, e = t.fait.alias("refus"), t.fait.alias("orientation"), t.etape
    with services().lectures.connect() as connexion:
        lignes = connexion.execute(
            sa.select(refus.c.parcours_id, refus.c.occurred_on, refus.c.operateur, e.c.donnees)
            .join(orientation, sa.and_(orientation.c.step_id == refus.c.lien, orientation.c.pos_fin.is_(None)))
            .join(e, e.c.step_id == refus.c.step_id)
            .where(refus.c.type == TypeEtape.ORIENTATION_REFUSEE.value, refus.c.pos_fin.is_(None),
                   orientation.c.operateur == _acteur().operateur)
            .order_by(refus.c.occurred_on.desc())
            .limit(50)
        ).all()
        noms = _noms(connexion, {ligne.parcours_id for ligne in lignes})
    return [{"parcours_id": ligne.parcours_id, "le": ligne.occurred_on, "par": ligne.operateur, "motif": ligne.donnees.get("motif"),
             "personne": noms.get(ligne.parcours_id, "")} for ligne in lignes]


@bp.post("/orientations/<uuid:orientation_id>/decision")
@connexion_requise
def decider(orientation_id: UUID) -> Any:
    """Accept (then open the person's page) or decline with a reason (then back to the list)."""
    _pas_copil()
    with services().lectures.connect() as connexion:
        parcours_id = connexion.execute(sa.select(t.etape.c.parcours_id).where(t.etape.c.step_id == str(orientation_id))).scalar()
        if parcours_id is None:
            abort(404)
        exiger_personne_visible(connexion, _acteur(), parcours_id)
    accepte = request.form.get("decision") == "accepter"
    donnees = {"orientation_step_id": str(orientation_id)}
    motif = (request.form.get("motif") or "").strip()
    if not accepte and motif:
        donnees["motif"] = motif
    issue = _enregistrer(TypeEtape.ORIENTATION_ACCEPTEE if accepte else TypeEtape.ORIENTATION_REFUSEE, parcours_id, donnees,
                         aujourdhui().isoformat(), request.form.get("step_id") or str(uuid.uuid4()))
    if issue.resultat is None:
        par_champ, generales = erreurs_par_champ(issue.erreurs, libelles={"motif": "Motif du refus"})
        messages = [f"Motif du refus : {m}" for m in par_champ.get("motif", [])] + generales
        return _orientations(" ".join(messages), str(orientation_id), motif, issue.statut)
    if accepte:
        return _succes(parcours_id)
    return redirect(url_for("ui.orientations"), code=303)


# The operator's accounts and access journal (responsables) ---------------------------------------


def _responsable() -> Acteur:
    acteur = _acteur()
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
            return redirect(url_for("ui.utilisateurs"), code=303)
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
                return redirect(url_for("ui.utilisateurs"), code=303)
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
        lignes = journal_des_acces(connexion, operateur=acteur.operateur, limite=500)
    return render_template("ui/journal.html", lignes=lignes)


# Steering committee ------------------------------------------------------------------------------


PILOTES = (Role.COPIL, Role.RESPONSABLE, Role.ADMIN)
"""Who reads the steering pages and their downloads: aggregates only."""

LIBELLES_INDICATEURS = {
    "public_cible": "Public cible (entrées de la période)",
    "accompagnement_emploi": "Accompagnement vers l'emploi (sorties de la période)",
    "langue": "Formation linguistique (formations terminées dans la période)",
    "logement": "Logement",
    "cir": "Contrat d'intégration républicaine",
}


def _demande_de_pilotage() -> Any:
    from projections.indicateurs import PUBLICS, Demande, DemandeInvalideError

    a = request.args
    aujourd = aujourdhui()
    try:
        du = date.fromisoformat(a.get("du") or f"{aujourd.year - 1}-01-01")
        au = date.fromisoformat(a.get("au") or f"{aujourd.year - 1}-12-31")
        vu_au = date.fromisoformat(a["vu_au"]) if a.get("vu_au") else None
        public = a.get("public") or None
        if public is not None and public not in PUBLICS:
            raise ValueError("public inconnu")
        departements = tuple(code for code in a.getlist("departement") if code)
        return Demande(du, au, vu_au, None, None, a.get("operateur") or None, public, a.get("programme") or None,
                       departements), None
    except (ValueError, DemandeInvalideError) as erreur:
        return None, f"Critères invalides : {erreur}"


def _protection_de_pilotage(demande: Any) -> tuple[Any, bool]:
    """Whether the figures are protected (`projections.masquage`), and the request as answered: a responsable
    reads their own operator's figures as they are; anything else shown here follows the statistical
    protection, over whole months."""
    from dataclasses import replace as remplacer

    acteur = _acteur()
    if acteur.role is Role.RESPONSABLE and demande.operateur == acteur.operateur:
        return demande, False
    du, au = en_mois_entiers(demande.du, demande.au)
    return remplacer(demande, du=du, au=au), True


@bp.get("/pilotage")
@connexion_requise
def pilotage() -> Any:
    """The §5 indicators for a cohort, as a table: aggregates only, for COPIL, responsables and admins."""
    from projections.indicateurs import calculer, en_lignes_csv
    from projections.tableurs import indicateurs_en_csv

    _acteur().exiger_role(*PILOTES)
    demande, erreur = _demande_de_pilotage()
    if demande is not None and request.args.get("format") == "csv":
        services().rattraper()
        demande, masque = _protection_de_pilotage(demande)
        document = calculer(services().lectures, demande)
        document = masquer(document) if masque else document
        return (indicateurs_en_csv(en_lignes_csv(document)), 200, {"Content-Type": "text/csv; charset=utf-8",
                                                "Content-Disposition": "attachment; filename=indicateurs.csv"})
    return _page_de_pilotage(demande, erreur, 422 if erreur else 200)


def _peut_fixer_les_objectifs() -> bool:
    return _acteur().role in (Role.COPIL, Role.ADMIN)


def _page_de_pilotage(demande: Any, erreur: str | None, statut: int, saisie: dict[str, str] | None = None,
                      erreurs_objectif: dict[str, list[str]] | None = None) -> Any:
    """The dashboard: filters, objectives against achievements, charts with their tables, the objective form."""
    from projections.indicateurs import PROGRAMMES, PUBLICS, calculer
    from projections.tableau_de_bord import LIBELLES_INDICATEURS as INDICATEURS
    from projections.tableau_de_bord import annee_des_objectifs, graphiques, lignes_du_tableau
    from web.graphiques import figures

    document, lignes, dessins = None, [], []
    if demande is not None:
        services().rattraper()
        demande, masque = _protection_de_pilotage(demande)
        document = calculer(services().lectures, demande)
        donnees = graphiques(services().lectures, demande, document["position_journal"])
        dessins = figures(donnees)
        if masque:
            document = masquer(document)
            dessins = [dessin for dessin, publiable in zip(dessins, graphiques_publiables(donnees)) if publiable]
        lignes = lignes_du_tableau(services().lectures, demande, document)
    with services().lectures.connect() as connexion:
        operateurs = connexion.execute(sa.select(t.operateur.c.slug).order_by(t.operateur.c.slug)).scalars().all()
        departements = connexion.execute(sa.select(t.operateur.c.departement).distinct().order_by(t.operateur.c.departement)).scalars().all()
    par_famille: dict[str, list[Any]] = {}
    for ligne in lignes:
        par_famille.setdefault(ligne.indicateur.split(".", 1)[0], []).append(ligne)
    saisie = saisie or {"annee": str(annee_des_objectifs(demande) or "") if demande else "",
                        "operateur": request.args.get("operateur", ""), "programme": request.args.get("programme", "")}
    return render_template(
        "ui/pilotage.html", document=document, erreur=erreur, criteres=request.args, publics=PUBLICS,
        operateurs=operateurs, departements=departements, familles=LIBELLES_INDICATEURS, par_famille=par_famille,
        figures=dessins, programmes=PROGRAMMES, indicateurs=INDICATEURS, peut_fixer=_peut_fixer_les_objectifs(),
        saisie=saisie, erreurs_objectif=erreurs_objectif or {},
        annee_objectifs=annee_des_objectifs(demande) if demande else None,
    ), statut


@bp.post("/pilotage/objectifs")
@connexion_requise
def fixer_objectif() -> Any:
    """A COPIL member or an admin sets a target value; the dashboard's criteria ride along in the query string."""
    from parcours.erreurs import ParcoursError
    from web.objectifs import SaisieObjectifInvalideError, lire_objectif

    _acteur().exiger_role(Role.COPIL, Role.ADMIN)
    saisie = {cle: request.form.get(cle, "") for cle in ("annee", "indicateur", "valeur", "operateur", "programme")}
    try:
        parcours().fixer_objectif(lire_objectif(saisie, _acteur().login))
    except SaisieObjectifInvalideError as probleme:
        erreurs = probleme.erreurs
    except ParcoursError as probleme:
        erreurs = {probleme.champ or "_schema": [probleme.message]}
    else:
        services().rattraper()
        return redirect(url_for("ui.pilotage", **request.args.to_dict(flat=False)), code=303)
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

    _acteur().exiger_role(*PILOTES)
    demande, erreur = _demande_de_pilotage()
    if demande is None:
        abort(422, description=erreur)
    services().rattraper()
    with tempfile.TemporaryDirectory() as dossier:
        try:
            exporter(services().lectures, demande.du, demande.au, Path(dossier) / "export")
        except ProtectionImpossibleError as probleme:
            abort(409, description=f"Protection impossible, rien n'est publié : {probleme}")
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zip_:
            for fichier in sorted((Path(dossier) / "export").iterdir()):
                zip_.write(fichier, fichier.name)
    return (archive.getvalue(), 200, {"Content-Type": "application/zip",
                                      "Content-Disposition": f"attachment; filename=statistiques-{demande.du}-{demande.au}.zip"})


# Steering committee's spreadsheets (logic in web.exports_pilotage) ----------------------------------------


@bp.get("/pilotage/evaluation-annuelle")
@connexion_requise
def evaluation_annuelle() -> Any:
    """The ministry's annual evaluation table of an action (operator, département or national), CSV/XLSX/ODS."""
    from web import exports_pilotage

    _acteur().exiger_role(*PILOTES)
    return exports_pilotage.evaluation_annuelle(request.args)


@bp.get("/pilotage/tableau")
@connexion_requise
def tableau_de_pilotage() -> Any:
    """The dashboard's indicator table for the page's criteria, with its metadata, as CSV, XLSX or ODS."""
    from web import exports_pilotage

    _acteur().exiger_role(*PILOTES)
    demande, erreur = _demande_de_pilotage()
    if demande is None:
        abort(422, description=erreur)
    demande, masque = _protection_de_pilotage(demande)
    return exports_pilotage.tableau_de_bord(demande, request.args, masque)

"""The caseworker's file: home and worklists, search, a person's summary and timeline, every step's form, corrections and voids.

Server-rendered; every form posts and redirects without JavaScript (PRG), htmx only swaps fragments
(a 422 or 409 re-renders the form fragment, a success answers HX-Redirect). Access rules are
`web.acces`'; a step goes through the same schema (`lire_etape`) and domain path
(`enregistrer_etape`) as the import and the API, always on behalf of the user's own operator.
Every read of a person-level page is written to the access journal.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_htmx import make_response as reponse_htmx

from parcours.comptes import Role
from parcours.dates import age_revolu
from parcours.erreurs import ConflitEcritureError, EtapeRejeteeError
from parcours.regles import REGLES_EN_BREF, peut_modifier
from parcours.vocabulaire import (
    ETAPES_D_ACTION,
    ETAPES_DE_GESTION,
    ETAPES_PERSONNE_ET_ACTION,
    LIBELLES_ETAPES,
    TypeEtape,
    TypeOperateur,
)
from projections import tables as t
from projections.donnees_personnelles import journal_des_acces, preavis_de_retention
from projections.identites import empreinte_naissance, ouvrir_personnes, pour_recherche
from projections.identites import personne as identite_de
from projections.requetes import EtapeLue, chronologie, lignes_des_listes, nommer_les_personnes, resume
from web.acces import AccesRefuseError, exiger_ecriture, exiger_personne_visible
from web.auth import connexion_requise
from web.deps import aujourdhui, parcours, services
from web.pages.commun import (
    acteur_courant,
    en_phrases,
    journaliser_lecture,
    refuser_au_copil,
    requete_htmx,
    type_demande,
)
from web.pages.dossiers import MOTIFS_DEMANDE, pour_l_accueil
from web.pages.doublons import doublons_possibles
from web.pages.etapes_operateur import GROUPES_D_ETAPES, etapes_attendues, groupes_du_type, listes_du_type
from web.pages.formulaires import (
    Champ,
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
from web.pages.noms import nom_operateur, nommer
from web.pages.preremplissage import DATES_DE_L_ETAPE, Connu, VueDuFormulaire, preremplir
from web.saisie.schemas import EtapeInvalideError, lire_etape

bp = Blueprint("dossier", __name__)


ETAPES_SAISISSABLES = [ty for ty in TypeEtape
                       if ty is not TypeEtape.PERSONNE_ENREGISTREE and ty not in ETAPES_D_ACTION | ETAPES_PERSONNE_ET_ACTION]
"""Every step type has its form at /personnes/<id>/etapes/nouvelle?type=…; the person's registration has its own page;
funded actions' steps are recorded from the action's pages (`web.pages.actions`), which know the action."""
assert {ty for _, types in GROUPES_D_ETAPES for ty in types} == set(ETAPES_SAISISSABLES) - ETAPES_DE_GESTION

TITRES_LISTES = {
    "suivis_six_mois": "Suivis à 6 mois à renseigner",
    "orientations_en_attente": "Orientations en attente de réponse",
    "accueils_agir_en_retard": "Accueils AGIR en retard",
    "accueils_agir_a_tenir": "Orientations AGIR reçues : accueil à tenir dans le mois",
    "agir_24_mois": "Accompagnements AGIR approchant ou dépassant 24 mois",
    "entretiens_fin_cir_en_retard": "Entretiens de fin de CIR en retard",
    "titres_expirant": "Titres de séjour expirant sous 60 jours",
    "sorties_sans_contrat": "Sorties en emploi sans contrat enregistré (catégorie sans contrat)",
    "anonymisations_a_venir": "Dossiers bientôt anonymisés (durée de conservation)",
}

MESSAGE_CONFLIT = ("Le parcours a été modifié entre-temps par un autre enregistrement : votre saisie est conservée ci-dessous. "
                   "Consultez la chronologie à jour, puis enregistrez à nouveau.")
CHAMP_DATE = Champ("occurred_on", "Date de l'étape", "date à laquelle elle a eu lieu (pas forcément aujourd'hui)", "date", True)
CHAMP_DATE_CORRECTION = Champ("occurred_on", "Date de la correction", None, "date", True)
CHAMP_MOTIF_CORRECTION = Champ("motif_correction", "Motif de la correction", "il reste dans l'historique du dossier", "long", True)
CHAMP_MOTIF_ANNULATION = Champ("motif", "Motif de l'annulation", "ex. saisie en double ; il reste dans l'historique du dossier", "long", True)

# Home and worklists -------------------------------------------------------------------------------


LIGNES_SUR_L_ACCUEIL = 10
"""The most urgent lines of each worklist shown on the home page; the whole list is one link away (`liste`)."""
LIGNES_PAR_PAGE = 50


@dataclass
class Extrait:
    """Some lines of a worklist (in due-date order) and how many it holds in all."""

    lignes: list[dict[str, Any]]
    total: int


def _listes_de_l_acteur(connexion: sa.Connection, seulement: tuple[str, ...] | None = None) -> dict[str, list[dict[str, Any]]]:
    """The worklists the user's operator kind watches (or those of them in `seulement`), lines by due date, unnamed;
    a responsable's also holds the pathways soon anonymised."""
    acteur = acteur_courant()
    noms = [nom for nom in listes_du_type(_type_operateur()) if seulement is None or nom in seulement]
    listes = lignes_des_listes(connexion, acteur.operateur, aujourdhui(), nommer, seulement=noms)
    if acteur.role in (Role.RESPONSABLE, Role.ADMIN) and (seulement is None or "anonymisations_a_venir" in seulement):
        listes["anonymisations_a_venir"] = preavis_de_retention(connexion, acteur.operateur, aujourdhui())
    return listes


@bp.get("/")
@connexion_requise
def accueil() -> Any:
    """The operator's worklists, each with its most urgent lines and a link to the whole list."""
    acteur = acteur_courant()
    if acteur.copil:
        return render_template("ui/copil.html")
    with services().lectures.connect() as connexion:
        extraits = {nom: Extrait(lignes[:LIGNES_SUR_L_ACCUEIL], len(lignes)) for nom, lignes in _listes_de_l_acteur(connexion).items()}
        nommer_les_personnes(connexion, [ligne for extrait in extraits.values() for ligne in extrait.lignes])
        demandes = pour_l_accueil(connexion, acteur.operateur)
    return render_template("ui/accueil.html", listes=extraits, titres=TITRES_LISTES, ofii=_est_ofii(), **demandes)


@bp.get("/listes/<nom>")
@connexion_requise
def liste(nom: str) -> Any:
    """One whole worklist, by due date, a page of `LIGNES_PAR_PAGE` lines at a time."""
    refuser_au_copil()
    page = request.args.get("page", 1, type=int)
    with services().lectures.connect() as connexion:
        lignes = _listes_de_l_acteur(connexion, seulement=(nom,)).get(nom)
        if lignes is None:
            abort(404)
        pages = max(1, -(-len(lignes) // LIGNES_PAR_PAGE))
        if not 1 <= page <= pages:
            abort(404)
        affichees = lignes[(page - 1) * LIGNES_PAR_PAGE:page * LIGNES_PAR_PAGE]
        nommer_les_personnes(connexion, affichees)
    return render_template("ui/liste.html", cle=nom, titres=TITRES_LISTES, extrait=Extrait(affichees, len(lignes)),
                           page=page, pages=pages, premier_rang=(page - 1) * LIGNES_PAR_PAGE + 1)


# Search ----------------------------------------------------------------------------------------------


@bp.get("/recherche")
@connexion_requise
def recherche() -> Any:
    """By numéro étranger, or by name and/or birth date, among the pathways the operator is involved in."""
    refuser_au_copil()
    acteur = acteur_courant()
    numero, nom, naissance = (request.args.get(c, "").strip() for c in ("numero_etranger", "nom", "date_naissance"))
    resultats: list[dict[str, Any]] = []
    erreur = None
    if numero or nom or naissance:
        p, i = t.personne, t.implication
        requete = (
            sa.select(p.c.parcours_id, p.c.identite, p.c.departement)
            .join(i, sa.and_(i.c.parcours_id == p.c.parcours_id, i.c.operateur == acteur.operateur))
        )
        if numero:
            numero = "".join(numero.split())
            if not (numero.isascii() and numero.isdigit() and len(numero) == 10):
                erreur = "Le numéro étranger compte 10 chiffres."
            trouve = parcours().trouver_par_numero(numero) if erreur is None else None
            requete = requete.where(p.c.parcours_id == str(trouve)) if trouve else requete.where(sa.false())
        if naissance:
            try:
                requete = requete.where(p.c.empreinte_naissance == empreinte_naissance(parcours().coffre, date.fromisoformat(naissance).isoformat()))
            except ValueError:
                erreur = "Date de naissance attendue au format AAAA-MM-JJ."
        if erreur is None:
            with services().lectures.connect() as connexion:
                # Names are sealed: the operator's candidates are opened and matched here (never another operator's).
                candidats = ouvrir_personnes(connexion, connexion.execute(requete).mappings())
            morceaux = pour_recherche(nom).split()
            resultats = sorted(
                ({c: candidat[c] for c in ("parcours_id", "nom", "prenom", "date_naissance", "departement")} for candidat in candidats
                 if all(morceau in pour_recherche(candidat["nom"], candidat["prenom"]) for morceau in morceaux)),
                key=lambda trouve: (trouve["nom"] or "", trouve["prenom"] or ""),
            )[:50]
    gabarit = "ui/_resultats.html" if requete_htmx() else "ui/recherche.html"
    return render_template(gabarit, resultats=resultats, erreur=erreur, criteres={"numero_etranger": numero, "nom": nom, "date_naissance": naissance},
                           ofii=_est_ofii())


def _est_ofii() -> bool:
    operateur = parcours().operateur(acteur_courant().operateur)
    return operateur is not None and operateur.type is TypeOperateur.OFII


# A person -------------------------------------------------------------------------------------------


def _reference(etapes: list[EtapeLue]) -> Any:
    """Names the step a `*_step_id` field points to: "Sortie d'accompagnement du 31/07/2025"."""
    par_id = {e.step_id: e for e in etapes}

    def nommer_reference(step_id: str) -> str:
        cible = par_id.get(step_id)
        return f"{LIBELLES_ETAPES[TypeEtape(cible.type)]} du {cible.occurred_on:%d/%m/%Y}" if cible else "étape non visible"

    return nommer_reference


def _lignes_de_chronologie(etapes: list[EtapeLue], lecteur: str) -> list[dict[str, Any]]:
    """Each step with its fields in French, the original values of what a correction changed, its flags, and
    whether the reader may correct or void it (the links are shown only then: `parcours.regles.peut_modifier`)."""
    operateur = parcours().operateur(lecteur)
    nommer_etape = _reference(etapes)
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
            "champs": decrire(e.type, e.donnees, nommer_etape, type_corrige=types.get(e.cible_step_id or ""), nommer_valeur=nommer),
            "initiales": initiales,
            "corrigeable": e.annulee_par is None and TypeEtape(e.type) not in ETAPES_DE_GESTION
                           and peut_modifier(TypeEtape(e.type), e.operateur, operateur),
        })
    return lignes


@bp.get("/personnes/<uuid:parcours_id>")
@connexion_requise
def personne(parcours_id: UUID) -> Any:
    acteur = acteur_courant()
    if parcours().effacee(parcours_id) is not None:
        abort(410, description="Les données de cette personne ont été effacées.")
    with services().lectures.connect() as connexion:
        exiger_personne_visible(connexion, acteur, parcours_id)
        synthese = resume(connexion, str(parcours_id), acteur.operateur, aujourdhui())
        etapes = chronologie(connexion, str(parcours_id), acteur.operateur)
        consultations = en_phrases(connexion, journal_des_acces(connexion, parcours_id=str(parcours_id), limite=20)) \
            if acteur.role in (Role.RESPONSABLE, Role.ADMIN) else []
    if synthese is None:
        abort(404)
    journaliser_lecture(parcours_id, "personne")
    type_operateur = _type_operateur()
    attendues = etapes_attendues(synthese, acteur.operateur, type_operateur)
    groupes = groupes_du_type(type_operateur, attendues)
    offerts = [ty.value for _, types in groupes for ty in types]
    derniere = session.get("derniere_etape")
    choisi = derniere if derniere in offerts else (offerts[0] if offerts else None)
    return render_template("ui/personne.html", p=synthese, lignes=_lignes_de_chronologie(etapes, acteur.operateur), groupes=groupes, choisi=choisi,
                           attendues=attendues, regles=REGLES_EN_BREF, consultations=consultations)


def _type_operateur() -> TypeOperateur | None:
    operateur = parcours().operateur(acteur_courant().operateur)
    return operateur.type if operateur else None


# Recording a step -----------------------------------------------------------------------------------


def _connu(type_etape: TypeEtape, parcours_id: str | None, correction: bool = False) -> Connu:
    """Choices, defaults and context for a form, from what the pathway and the operator already know
    (one pre-filling per step type: `web.pages.preremplissage`)."""
    acteur = acteur_courant()
    jour = aujourdhui()
    operateur = parcours().operateur(acteur.operateur)
    if parcours_id is None:
        return Connu(defauts={"departement": operateur.departement if operateur else ""})
    with services().lectures.connect() as connexion:
        ligne = identite_de(connexion, parcours_id)
        etapes = [e for e in chronologie(connexion, parcours_id, acteur.operateur) if e.annulee_par is None]
        contexte = VueDuFormulaire(
            connexion=connexion, operateur=acteur.operateur, type_operateur=operateur.type if operateur else None, jour=jour,
            personne=dict(ligne) if ligne else None, etapes=etapes, synthese=resume(connexion, parcours_id, acteur.operateur, jour),
            age=age_revolu(ligne["date_naissance"], jour) if ligne is not None and ligne["date_naissance"] else None,
            correction=correction, nommer_etape=_reference(etapes), nom_operateur=nom_operateur,
        )
        return preremplir(type_etape, contexte)


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
    doublons: list[Any] = field(default_factory=list)
    """Files that may already be this person's (registration only: `web.pages.doublons`)."""

    @property
    def champs(self) -> list[Champ]:
        liste = champs(self.type_etape, self.connu.choix)
        suivie = DATES_DE_L_ETAPE.get(self.type_etape)
        if suivie and not self.correction:  # left empty, it takes the step's date (see `donnees_saisies`)
            liste = [replace(c, obligatoire=False, aide="laissée vide : la date de l'étape") if c.nom == suivie else c for c in liste]
        return liste

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
    gabarit = "ui/_formulaire.html" if requete_htmx() else "ui/etape.html"
    regle = None if formulaire.correction else REGLES_EN_BREF.get(formulaire.type_etape)
    return render_template(gabarit, f=formulaire, version=version, champ_motif_correction=CHAMP_MOTIF_CORRECTION, regle=regle,
                           motifs_demande=MOTIFS_DEMANDE), statut


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


def enregistrer(type_etape: TypeEtape, parcours_id: str | None, donnees: dict[str, Any], occurred_on: str, step_id: str,
                 version: int | None = None) -> Issue:
    """Record the step on behalf of the user's operator, by the same path as the API; then catch up the read models."""
    acteur = acteur_courant()
    brut: dict[str, Any] = {"step_id": step_id, "type": type_etape.value, "occurred_on": occurred_on, "operateur": acteur.operateur,
                            "agent": acteur.login, "data": donnees}
    if parcours_id:
        brut["personne"] = {"parcours_id": parcours_id}
    if request.form.get("action", "").strip():  # an employment or housing step tied to a funded action (CONTRACT §8)
        brut["action"] = request.form["action"].strip()
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
    issue = enregistrer(type_enregistre or formulaire.type_etape, formulaire.parcours_id, donnees, formulaire.occurred_on,
                         formulaire.step_id, _version_du_formulaire())
    if issue.resultat is None:
        formulaire.erreurs, formulaire.generales = erreurs_par_champ(issue.erreurs, formulaire.correction, formulaire.libelles)
        formulaire.conflit = issue.conflit
    return issue


def succes(parcours_id: str, type_etape: TypeEtape | None = None, message: str | None = None) -> Any:
    """Back to the person's page with a confirmation; the step picker keeps the type just recorded."""
    flash(message or (f"Étape enregistrée : {LIBELLES_ETAPES[type_etape]}." if type_etape else "Enregistrement effectué."), "succes")
    if type_etape is not None:
        session["derniere_etape"] = type_etape.value
    cible = url_for("dossier.personne", parcours_id=parcours_id)
    if requete_htmx():
        return reponse_htmx("", redirect=cible)
    return redirect(cible, code=303)


def _type_demande() -> TypeEtape:
    return type_demande(ETAPES_SAISISSABLES)


def donnees_saisies(type_etape: TypeEtape) -> dict[str, Any]:
    """The posted form's `data`; a date field of `DATES_DE_L_ETAPE` left empty takes the step's date."""
    donnees = donnees_du_formulaire(type_etape, request.form)
    suivie = DATES_DE_L_ETAPE.get(type_etape)
    if suivie and suivie not in donnees and (request.form.get("occurred_on") or "").strip():
        donnees[suivie] = request.form["occurred_on"].strip()
    return donnees


def _formulaire_poste(type_etape: TypeEtape, parcours_id: str | None, action: str, titre: str, correction: bool = False) -> Formulaire:
    return Formulaire(type_etape, parcours_id, action, titre, request.form.get("step_id", ""), request.form.get("occurred_on", ""),
                      valeurs_du_formulaire(type_etape, request.form), _connu(type_etape, parcours_id, correction), correction)


@bp.route("/personnes/<uuid:parcours_id>/etapes/nouvelle", methods=["GET", "POST"])
@connexion_requise
def nouvelle_etape(parcours_id: UUID) -> Any:
    refuser_au_copil()
    type_etape = _type_demande()
    with services().lectures.connect() as connexion:
        exiger_personne_visible(connexion, acteur_courant(), parcours_id)
    action = url_for("dossier.nouvelle_etape", parcours_id=parcours_id, type=type_etape.value)
    titre = LIBELLES_ETAPES[type_etape]
    if request.method == "GET":
        connu = _connu(type_etape, str(parcours_id))
        valeurs = {**connu.defauts, **{k: v for k, v in request.args.items() if k != "type"}}
        journaliser_lecture(parcours_id, "nouvelle_etape")
        return _rendre(Formulaire(type_etape, str(parcours_id), action, titre, str(uuid.uuid4()), aujourdhui().isoformat(), valeurs, connu), 200)
    formulaire = _formulaire_poste(type_etape, str(parcours_id), action, titre)
    issue = _soumettre(formulaire, donnees_saisies(type_etape))
    if issue.resultat is None:
        return _rendre(formulaire, issue.statut)
    return succes(str(parcours_id), type_etape)


@bp.route("/personnes/nouvelle", methods=["GET", "POST"])
@connexion_requise
def nouvelle_personne() -> Any:
    """OFII registers a newcomer (`personne_enregistree`), then lands on their page."""
    refuser_au_copil()
    if not _est_ofii():
        raise AccesRefuseError("l'enregistrement d'une nouvelle personne est réservé à l'OFII.")
    type_etape = TypeEtape.PERSONNE_ENREGISTREE
    action, titre = url_for("dossier.nouvelle_personne"), "Enregistrer une personne"
    if request.method == "GET":
        connu = _connu(type_etape, None)
        return _rendre(Formulaire(type_etape, None, action, titre, str(uuid.uuid4()), aujourdhui().isoformat(), dict(connu.defauts), connu), 200)
    formulaire = _formulaire_poste(type_etape, None, action, titre)
    donnees = donnees_saisies(type_etape)
    numero = "".join(str(donnees.get("numero_etranger") or "").split())
    par_numero = parcours().trouver_par_numero(numero) if numero.isdigit() and len(numero) == 10 else None
    with services().lectures.connect() as connexion:
        formulaire.doublons = doublons_possibles(connexion, donnees, acteur_courant().operateur, str(par_numero) if par_numero else None)
    if formulaire.doublons and (par_numero or request.form.get("confirmer_doublon") != "oui"):
        # A numéro étranger is unique: that file is the person's. Same name and birth: the caseworker decides.
        formulaire.generales.append("Cette personne a peut-être déjà un dossier : vérifiez avant d'en créer un second."
                                    if not par_numero else "Ce numéro étranger est déjà enregistré : la personne a déjà un dossier.")
        return _rendre(formulaire, 409)
    issue = _soumettre(formulaire, donnees)
    if issue.resultat is None:
        return _rendre(formulaire, issue.statut)
    return succes(str(issue.resultat.parcours_id), message=f"Personne enregistrée : {donnees.get('prenom', '')} {donnees.get('nom', '')}. "
                   "Vous pouvez enregistrer ses étapes ci-dessous.")


# Corrections and voids -----------------------------------------------------------------------------


def _etape_de(parcours_id: UUID, step_id: UUID) -> EtapeLue:
    with services().lectures.connect() as connexion:
        exiger_personne_visible(connexion, acteur_courant(), parcours_id)
        for etape in chronologie(connexion, str(parcours_id), acteur_courant().operateur):
            if etape.step_id == str(step_id) and etape.annulee_par is None and TypeEtape(etape.type) not in ETAPES_DE_GESTION:
                exiger_droit_de_modifier(TypeEtape(etape.type), etape.operateur)
                return etape
    abort(404)


def exiger_droit_de_modifier(type_cible: TypeEtape, auteur: str) -> None:
    """403 unless the user's operator may correct or void a step of that type recorded by `auteur` (a person's
    step or a funded action's: `parcours.regles.peut_modifier`, the rule the domain enforces)."""
    if not peut_modifier(type_cible, auteur, parcours().operateur(acteur_courant().operateur)):
        abort(403, description=f"Seul l'opérateur qui a enregistré cette étape ({auteur}) peut la corriger ou l'annuler.")


@bp.route("/personnes/<uuid:parcours_id>/etapes/<uuid:step_id>/corriger", methods=["GET", "POST"])
@connexion_requise
def corriger(parcours_id: UUID, step_id: UUID) -> Any:
    """The corrected step's own form, with its current values: what changed becomes an `evenement_corrige`."""
    refuser_au_copil()
    cible = _etape_de(parcours_id, step_id)
    type_cible = TypeEtape(cible.type)
    action = url_for("dossier.corriger", parcours_id=parcours_id, step_id=step_id)
    titre = f"Corriger : {LIBELLES_ETAPES[type_cible]} du {cible.occurred_on:%d/%m/%Y}"
    if request.method == "GET":
        journaliser_lecture(parcours_id, "corriger")
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
    return succes(str(parcours_id), message=f"Correction enregistrée : {LIBELLES_ETAPES[type_cible]} du {cible.occurred_on:%d/%m/%Y}.")


@bp.route("/personnes/<uuid:parcours_id>/etapes/<uuid:step_id>/annuler", methods=["GET", "POST"])
@connexion_requise
def annuler(parcours_id: UUID, step_id: UUID) -> Any:
    """Void a step (`evenement_annule`) with its reason: it stays in the timeline, struck through, and counts nowhere."""
    refuser_au_copil()
    cible = _etape_de(parcours_id, step_id)
    erreurs: dict[str, list[str]] = {}
    generales: list[str] = []
    conflit, statut = False, 200
    if request.method == "POST":
        motif = (request.form.get("motif") or "").strip()
        issue = enregistrer(TypeEtape.EVENEMENT_ANNULE, str(parcours_id), {"cible_step_id": str(step_id), **({"motif": motif} if motif else {})},
                             request.form.get("occurred_on") or aujourdhui().isoformat(), request.form.get("step_id", ""), _version_du_formulaire())
        if issue.resultat is not None:
            return succes(str(parcours_id), message=f"Étape annulée : {LIBELLES_ETAPES[TypeEtape(cible.type)]} du {cible.occurred_on:%d/%m/%Y}. "
                           "Elle reste barrée dans la chronologie et ne compte plus nulle part.")
        erreurs, generales = erreurs_par_champ(issue.erreurs, libelles={"motif": "Motif de l'annulation", "occurred_on": "Date"})
        conflit, statut = issue.conflit, issue.statut
    else:
        journaliser_lecture(parcours_id, "annuler")
    with services().lectures.connect() as connexion:
        etapes = chronologie(connexion, str(parcours_id), acteur_courant().operateur)
    return render_template("ui/annuler.html", cible=cible, champs_cible=decrire(cible.type, cible.donnees, _reference(etapes), nommer_valeur=nommer),
                           parcours_id=parcours_id, erreurs=erreurs, generales=generales, conflit=conflit, champ_motif=CHAMP_MOTIF_ANNULATION,
                           motif=request.form.get("motif", ""), step_id=request.form.get("step_id") or str(uuid.uuid4()),
                           version=parcours().personne(parcours_id).version, aujourdhui=aujourdhui().isoformat()), statut

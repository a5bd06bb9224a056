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
from datetime import UTC, date
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask_htmx import make_response as reponse_htmx

from parcours.comptes import Role
from parcours.regles import REGLES_EN_BREF
from parcours.dates import FUSEAU, age_revolu
from parcours.erreurs import ConflitEcritureError, EtapeRejeteeError
from parcours.regles import peut_modifier
from parcours.vocabulaire import (
    ETAPES_DE_GESTION,
    ETAPES_D_ACTION,
    ETAPES_PERSONNE_ET_ACTION,
    LIBELLES_ETAPES,
    Programme,
    TypeEtape,
    TypeOperateur,
)
from projections import faits
from projections import tables as t
from projections.donnees_personnelles import journal_des_acces, preavis_de_retention
from projections.identites import empreinte_naissance, ouvrir_personnes, pour_recherche
from projections.identites import noms as noms_de
from projections.identites import personne as identite_de
from projections.masquage import en_mois_entiers, graphiques_agir_spe_publiables, graphiques_publiables, masquer
from projections.requetes import EtapeLue, chronologie, listes_de_travail, resume
from web.acces import AccesRefuseError, Acteur, exiger_ecriture, exiger_personne_visible
from web.auth import connexion_requise
from web.deps import aujourdhui, parcours, services
from web.noms import initiale, nom_operateur, nommer, phrase_de_consultation
from web.demandes_dossier import MOTIFS_DEMANDE, pour_l_accueil
from web.doublons import doublons_possibles
from web.etapes_operateur import GROUPES_D_ETAPES, etapes_attendues, groupes_du_type, listes_du_type
from web.preremplissage import DATES_DE_L_ETAPE, Connu, VueDuFormulaire, preremplir, programme_par_defaut
from web.formulaires import (
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
from web.schemas import EtapeInvalideError, lire_etape

bp = Blueprint("ui", __name__)

ETAPES_SAISISSABLES = [ty for ty in TypeEtape
                       if ty is not TypeEtape.PERSONNE_ENREGISTREE and ty not in ETAPES_D_ACTION | ETAPES_PERSONNE_ET_ACTION]
"""Every step type has its form at /personnes/<id>/etapes/nouvelle?type=…; the person's registration has its own page;
funded actions' steps are recorded from the action's pages (`web.actions`), which know the action."""
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
        listes = listes_du_type(listes_de_travail(connexion, acteur.operateur, aujourdhui(), nommer), _type_operateur())
        if acteur.role in (Role.RESPONSABLE, Role.ADMIN):
            listes["anonymisations_a_venir"] = preavis_de_retention(connexion, acteur.operateur, aujourdhui())
            noms = _noms(connexion, {ligne["parcours_id"] for ligne in listes["anonymisations_a_venir"]})
            for ligne in listes["anonymisations_a_venir"]:
                ligne["personne"] = noms.get(ligne["parcours_id"], "")
        demandes = pour_l_accueil(connexion, acteur.operateur)
    return render_template("ui/accueil.html", listes=listes, titres=TITRES_LISTES, ofii=_est_ofii(), **demandes)


def _noms(connexion: sa.Connection, ids: set[str]) -> dict[str, str]:
    return {p: f"{prenom} {nom}" for p, (prenom, nom) in noms_de(connexion, ids).items()}


def _en_phrases(connexion: sa.Connection, lignes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Access-journal rows as sentences: « Awa Ndiaye a consulté le dossier de N. Haidari »."""
    ids = {ligne["parcours_id"] for ligne in lignes}
    personnes = noms_de(connexion, ids)
    for ligne in lignes:
        identite = personnes.get(ligne["parcours_id"])
        ligne["visible"] = identite is not None
        ligne["phrase"] = phrase_de_consultation(ligne, initiale(*identite) if identite else "personne effacée")
    return lignes


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
    acteur = _acteur()
    if parcours().effacee(parcours_id) is not None:
        abort(410, description="Les données de cette personne ont été effacées.")
    with services().lectures.connect() as connexion:
        exiger_personne_visible(connexion, acteur, parcours_id)
        synthese = resume(connexion, str(parcours_id), acteur.operateur, aujourdhui())
        etapes = chronologie(connexion, str(parcours_id), acteur.operateur)
        consultations = _en_phrases(connexion, journal_des_acces(connexion, parcours_id=str(parcours_id), limite=20)) \
            if acteur.role in (Role.RESPONSABLE, Role.ADMIN) else []
    if synthese is None:
        abort(404)
    _journaliser(parcours_id, "personne")
    type_operateur = _type_operateur()
    attendues = etapes_attendues(synthese, acteur.operateur, type_operateur)
    groupes = groupes_du_type(type_operateur, attendues)
    offerts = [ty.value for _, types in groupes for ty in types]
    derniere = session.get("derniere_etape")
    choisi = derniere if derniere in offerts else (offerts[0] if offerts else None)
    return render_template("ui/personne.html", p=synthese, lignes=_lignes_de_chronologie(etapes, acteur.operateur), groupes=groupes, choisi=choisi,
                           attendues=attendues, regles=REGLES_EN_BREF, consultations=consultations)


def _type_operateur() -> TypeOperateur | None:
    operateur = parcours().operateur(_acteur().operateur)
    return operateur.type if operateur else None


# Recording a step -----------------------------------------------------------------------------------


def _connu(type_etape: TypeEtape, parcours_id: str | None, correction: bool = False) -> Connu:
    """Choices, defaults and context for a form, from what the pathway and the operator already know
    (one pre-filling per step type: `web.preremplissage`)."""
    acteur = _acteur()
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
    """Files that may already be this person's (registration only: `web.doublons`)."""

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
    gabarit = "ui/_formulaire.html" if _htmx() else "ui/etape.html"
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


def _enregistrer(type_etape: TypeEtape, parcours_id: str | None, donnees: dict[str, Any], occurred_on: str, step_id: str,
                 version: int | None = None) -> Issue:
    """Record the step on behalf of the user's operator, by the same path as the API; then catch up the read models."""
    acteur = _acteur()
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
    issue = _enregistrer(type_enregistre or formulaire.type_etape, formulaire.parcours_id, donnees, formulaire.occurred_on,
                         formulaire.step_id, _version_du_formulaire())
    if issue.resultat is None:
        formulaire.erreurs, formulaire.generales = erreurs_par_champ(issue.erreurs, formulaire.correction, formulaire.libelles)
        formulaire.conflit = issue.conflit
    return issue


def _succes(parcours_id: str, type_etape: TypeEtape | None = None, message: str | None = None) -> Any:
    """Back to the person's page with a confirmation; the step picker keeps the type just recorded."""
    flash(message or (f"Étape enregistrée : {LIBELLES_ETAPES[type_etape]}." if type_etape else "Enregistrement effectué."), "succes")
    if type_etape is not None:
        session["derniere_etape"] = type_etape.value
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
    issue = _soumettre(formulaire, donnees_saisies(type_etape))
    if issue.resultat is None:
        return _rendre(formulaire, issue.statut)
    return _succes(str(parcours_id), type_etape)


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
    donnees = donnees_saisies(type_etape)
    numero = "".join(str(donnees.get("numero_etranger") or "").split())
    par_numero = parcours().trouver_par_numero(numero) if numero.isdigit() and len(numero) == 10 else None
    with services().lectures.connect() as connexion:
        formulaire.doublons = doublons_possibles(connexion, donnees, _acteur().operateur, str(par_numero) if par_numero else None)
    if formulaire.doublons and (par_numero or request.form.get("confirmer_doublon") != "oui"):
        # A numéro étranger is unique: that file is the person's. Same name and birth: the caseworker decides.
        formulaire.generales.append("Cette personne a peut-être déjà un dossier : vérifiez avant d'en créer un second."
                                    if not par_numero else "Ce numéro étranger est déjà enregistré : la personne a déjà un dossier.")
        return _rendre(formulaire, 409)
    issue = _soumettre(formulaire, donnees)
    if issue.resultat is None:
        return _rendre(formulaire, issue.statut)
    return _succes(str(issue.resultat.parcours_id), message=f"Personne enregistrée : {donnees.get('prenom', '')} {donnees.get('nom', '')}. "
                   "Vous pouvez enregistrer ses étapes ci-dessous.")


# Corrections and voids -----------------------------------------------------------------------------


def _etape_de(parcours_id: UUID, step_id: UUID) -> EtapeLue:
    with services().lectures.connect() as connexion:
        exiger_personne_visible(connexion, _acteur(), parcours_id)
        for etape in chronologie(connexion, str(parcours_id), _acteur().operateur):
            if etape.step_id == str(step_id) and etape.annulee_par is None and TypeEtape(etape.type) not in ETAPES_DE_GESTION:
                exiger_droit_de_modifier(TypeEtape(etape.type), etape.operateur)
                return etape
    abort(404)


def exiger_droit_de_modifier(type_cible: TypeEtape, auteur: str) -> None:
    """403 unless the user's operator may correct or void a step of that type recorded by `auteur` (a person's
    step or a funded action's: `parcours.regles.peut_modifier`, the rule the domain enforces)."""
    if not peut_modifier(type_cible, auteur, parcours().operateur(_acteur().operateur)):
        abort(403, description=f"Seul l'opérateur qui a enregistré cette étape ({auteur}) peut la corriger ou l'annuler.")


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
    return _succes(str(parcours_id), message=f"Correction enregistrée : {LIBELLES_ETAPES[type_cible]} du {cible.occurred_on:%d/%m/%Y}.")


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
            return _succes(str(parcours_id), message=f"Étape annulée : {LIBELLES_ETAPES[TypeEtape(cible.type)]} du {cible.occurred_on:%d/%m/%Y}. "
                           "Elle reste barrée dans la chronologie et ne compte plus nulle part.")
        erreurs, generales = erreurs_par_champ(issue.erreurs, libelles={"motif": "Motif de l'annulation", "occurred_on": "Date"})
        conflit, statut = issue.conflit, issue.statut
    else:
        _journaliser(parcours_id, "annuler")
    with services().lectures.connect() as connexion:
        etapes = chronologie(connexion, str(parcours_id), _acteur().operateur)
    return render_template("ui/annuler.html", cible=cible, champs_cible=decrire(cible.type, cible.donnees, _reference(etapes), nommer_valeur=nommer),
                           parcours_id=parcours_id, erreurs=erreurs, generales=generales, conflit=conflit, champ_motif=CHAMP_MOTIF_ANNULATION,
                           motif=request.form.get("motif", ""), step_id=request.form.get("step_id") or str(uuid.uuid4()),
                           version=parcours().personne(parcours_id).version, aujourdhui=aujourdhui().isoformat()), statut


# Hand-over ------------------------------------------------------------------------------------------


def _orientations(erreur: str | None = None, erreur_pour: str | None = None, motif: str = "", statut: int = 200) -> Any:
    with services().lectures.connect() as connexion:
        attente = listes_de_travail(connexion, _acteur().operateur, aujourdhui(), nommer)["orientations_en_attente"]
    recues = [o for o in attente if o["sens"] == "recue"]
    for o in recues:
        o["programme"] = _programme_propose(o["parcours_id"]) if o["type"] == TypeEtape.ORIENTATION_SPE.value else None
    return render_template("ui/orientations.html", recues=recues, programmes=[(p, libelle_valeur(p)) for p in Programme.valeurs()],
                           envoyees=[o for o in attente if o["sens"] == "envoyee"], refusees=_refus_recus(),
                           erreur=erreur, erreur_pour=erreur_pour, motif=motif), statut


@bp.get("/orientations")
@connexion_requise
def orientations() -> Any:
    """Orientations received (accept, or decline with a reason), sent and still unanswered, and declined."""
    _pas_copil()
    return _orientations()


def _programme_propose(parcours_id: str) -> str:
    """The programme a received orientation opens, from this operator's kind and the person's age."""
    with services().lectures.connect() as connexion:
        identite = identite_de(connexion, str(parcours_id))
    naissance = identite["date_naissance"] if identite else None
    operateur = parcours().operateur(_acteur().operateur)
    return programme_par_defaut(operateur.type if operateur else None, age_revolu(naissance, aujourdhui()) if naissance else None)


def _refus_recus() -> list[dict[str, Any]]:
    """Declines of orientations this operator sent (OFII sees them in its own list)."""
    refus, orientation, e = t.fait.alias("refus"), t.fait.alias("orientation"), t.etape
    with services().lectures.connect() as connexion:
        lignes = connexion.execute(
            sa.select(refus.c.parcours_id, refus.c.occurred_on, refus.c.operateur, e.c.donnees)
            .join(orientation, sa.and_(orientation.c.step_id == faits.champs(refus, TypeEtape.ORIENTATION_REFUSEE).orientation,
                                       orientation.c.pos_fin.is_(None)))
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
        orientation = connexion.execute(sa.select(t.etape.c.parcours_id, t.etape.c.type).where(t.etape.c.step_id == str(orientation_id))).first()
        if orientation is None:
            abort(404)
        parcours_id, type_orientation = orientation
        exiger_personne_visible(connexion, _acteur(), parcours_id)
    accepte = request.form.get("decision") == "accepter"
    programme = request.form.get("programme") or _programme_propose(parcours_id)
    if accepte and type_orientation == TypeEtape.ORIENTATION_SPE.value and programme not in Programme.valeurs():
        return _orientations("Programme de l'accompagnement : choisissez un programme de la liste.", str(orientation_id), "", 422)
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
    if not accepte:
        flash(f"Orientation refusée ({motif}) : la structure qui l'a envoyée le voit dans ses orientations envoyées.", "succes")
        return redirect(url_for("ui.orientations"), code=303)
    if type_orientation == TypeEtape.ORIENTATION_AGIR.value:
        flash("Orientation acceptée. Enregistrez maintenant l'entrée dans AGIR : les volets sont proposés, la date est celle du jour.", "succes")
        return redirect(url_for("ui.nouvelle_etape", parcours_id=parcours_id, type=TypeEtape.AGIR_ENTREE.value), code=303)
    return _ouvrir_l_accompagnement(parcours_id, programme)


def _ouvrir_l_accompagnement(parcours_id: str, programme: str) -> Any:
    """Accepting an orientation opens the receiver's support episode, unless one is already open there."""
    with services().lectures.connect() as connexion:
        synthese = resume(connexion, parcours_id, _acteur().operateur, aujourdhui())
    if synthese and any(e["operateur"] == _acteur().operateur for e in synthese["emploi"]["episodes_ouverts"]):
        return _succes(parcours_id, message="Orientation acceptée. Un accompagnement est déjà en cours dans votre structure : il continue.")
    issue = _enregistrer(TypeEtape.ACCOMPAGNEMENT_EMPLOI_DEBUTE, parcours_id, {"programme": programme}, aujourdhui().isoformat(), str(uuid.uuid4()))
    if issue.resultat is None:
        _, generales = erreurs_par_champ(issue.erreurs, libelles={"programme": "Programme"})
        flash("Orientation acceptée, mais l'accompagnement n'a pas pu être ouvert : " + " ".join(generales or ["voir le formulaire."]), "attention")
        return redirect(url_for("ui.nouvelle_etape", parcours_id=parcours_id, type=TypeEtape.ACCOMPAGNEMENT_EMPLOI_DEBUTE.value,
                                programme=programme), code=303)
    return _succes(parcours_id, message=f"Orientation acceptée. Accompagnement ouvert le {aujourdhui():%d/%m/%Y} : {libelle_valeur(programme)} "
                   "(à corriger dans la chronologie si besoin).")


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
            flash(f"Compte désactivé : {cible.nom} ({cible.login}).", "succes")
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
                flash(f"Compte créé : {saisie['nom']} ({saisie['login']}).", "succes")
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
        lignes = _en_phrases(connexion, journal_des_acces(connexion, operateur=acteur.operateur, limite=500))
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
    "agir": "AGIR (accompagnement global des réfugiés)",
    "spe": "Retour du service public de l'emploi (orientations de la période)",
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
    from projections.indicateurs import LIBELLES_PUBLICS, PROGRAMMES
    from projections.tableau_de_bord import LIBELLES_INDICATEURS as INDICATEURS
    from projections.tableau_de_bord import annee_des_objectifs, lignes_du_tableau, tableau_de_bord
    from web.graphiques import figures, figures_agir_spe

    document, lignes, dessins, sections = None, [], [], {}
    if demande is not None:
        services().rattraper()
        demande, masque = _protection_de_pilotage(demande)
        tableau = tableau_de_bord(services().lectures, demande)
        document, donnees, agir_spe = tableau.document, tableau.graphiques, tableau.agir_spe
        dessins = figures(donnees)
        if masque:
            document = masquer(document)
            dessins = [dessin for dessin, publiable in zip(dessins, graphiques_publiables(donnees)) if publiable]
        lignes = lignes_du_tableau(services().lectures, demande, document)
        sections = figures_agir_spe(agir_spe)
        if masque and not graphiques_agir_spe_publiables(agir_spe):
            sections = {}  # a count between 1 and k − 1 would be drawn: the sections are left out (fail closed)
    with services().lectures.connect() as connexion:
        operateurs = connexion.execute(sa.select(t.operateur.c.slug).order_by(t.operateur.c.nom)).scalars().all()
        departements = connexion.execute(sa.select(t.operateur.c.departement).distinct().order_by(t.operateur.c.departement)).scalars().all()
    par_famille: dict[str, list[Any]] = {}
    for ligne in lignes:
        par_famille.setdefault(ligne.indicateur.split(".", 1)[0], []).append(ligne)
    saisie = saisie or {"annee": str(annee_des_objectifs(demande) or "") if demande else "",
                        "operateur": request.args.get("operateur", ""), "programme": request.args.get("programme", "")}
    return render_template(
        "ui/pilotage.html", document=document, erreur=erreur, criteres=request.args, publics=LIBELLES_PUBLICS,
        operateurs=operateurs, departements=departements, familles=LIBELLES_INDICATEURS, par_famille=par_famille,
        figures=dessins, sections=sections, programmes=PROGRAMMES, indicateurs=INDICATEURS, peut_fixer=_peut_fixer_les_objectifs(),
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
        annee = saisie["annee"]
        demande, _ = _demande_de_pilotage()
        visible = demande is not None and str(demande.du.year) == annee == str(demande.au.year)
        from projections.tableau_de_bord import LIBELLES_INDICATEURS as INDICATEURS

        flash(f"Objectif {annee} enregistré : {INDICATEURS.get(saisie['indicateur'], saisie['indicateur'])}, valeur-cible {saisie['valeur']}."
              + ("" if visible else f" Il s'affiche dans le tableau quand la période couvre la seule année {annee} (du 01/01 au 31/12)."),
              "succes")
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
            position = request.args.get("position", type=int)  # the page's: the export reads the log where the page did
            exporter(services().lectures, demande.du, demande.au, Path(dossier) / "export", position=position)
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

"""The `parcours` console script (CONTRACT §1): init, import, demo-data, operators, serve.

Each command builds its services from the environment (`web.config`); messages are French.
"""

from __future__ import annotations

import json
from uuid import UUID
import sys
from contextlib import nullcontext
from functools import partial
from pathlib import Path
from typing import Any

import click

from parcours.commandes import EnregistrerOperateur
from parcours.comptes import Portee, Role
from parcours.erreurs import ParcoursError
from parcours.vocabulaire import ALIAS_TYPE_OPERATEUR, TypeOperateur
from projections.indicateurs import PROGRAMMES, PUBLICS
from web.cli.commun import rattraper_avec_progression, reglages_de_l_environnement, services_de_l_environnement
from web.config import Reglages, Services
from web.saisie.importation import (
    LIGNES_POUR_LIRE_A_PART,
    LectureInterrompueError,
    RapportImport,
    importer,
    importer_a_part,
    lignes_de,
    lignes_du_fichier,
)

TYPES_OPERATEUR = [*TypeOperateur.valeurs(), *ALIAS_TYPE_OPERATEUR]


@click.group(help="Parcours : suivi des parcours d'intégration (voir README.md).")
def main() -> None:
    pass


@main.command("init", help="Crée ou met à jour tous les stockages (idempotent).")
def init() -> None:
    services = services_de_l_environnement()
    rattraper_avec_progression(services)
    reglages = reglages_de_l_environnement()
    ou = reglages.url_base if reglages.postgres else str(reglages.dossier_donnees)
    click.echo(f"Stockages prêts ({ou}) ; position du journal : {services.parcours.recorder.max_notification_id() or 0}.")


@main.command("import", help="Enregistre des étapes, une par ligne JSON (FICHIER ou - pour l'entrée standard).")
@click.argument("fichier", type=str)
@click.option("--strict", is_flag=True, help="S'arrêter au premier rejet (les lignes précédentes restent enregistrées).")
@click.option("--format", "format_", type=click.Choice(["texte", "json"]), default="texte", help="Format du rapport.")
def import_(fichier: str, strict: bool, format_: str) -> None:
    try:
        texte, total = _ouvrir(fichier)
    except OSError as erreur:
        click.echo(f"Lecture impossible de {fichier} : {erreur.strerror or erreur}.", err=True)
        sys.exit(2)
    services = services_de_l_environnement()
    try:
        with texte:
            rapport = _importer_avec_progression(services.parcours, fichier, texte, total, strict)
    except LectureInterrompueError as erreur:
        _afficher(erreur.rapport, format_)
        click.echo(str(erreur), err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("Import interrompu (Ctrl-C) : les lots déjà enregistrés le restent ; relancé, l'import les retrouve "
                   "en doublons et enregistre le reste.", err=True)
        sys.exit(130)
    finally:
        rattraper_avec_progression(services)
    if rapport.lues and len(rapport.rejets) == rapport.lues and all(r.raison.startswith("ligne illisible") for r in rapport.rejets):
        click.echo(f"Lecture impossible de {fichier} : aucune ligne n'est en UTF-8.", err=True)
        sys.exit(2)
    _afficher(rapport, format_)
    sys.exit(1 if rapport.rejets else 0)


def _ouvrir(fichier: str) -> tuple[Any, int | None]:
    """The file (or standard input) as lines of bytes: each is decoded alone, so that one invalid UTF-8 byte
    rejects its line, not the import."""
    if fichier == "-":
        return sys.stdin.buffer, None
    chemin = Path(fichier)
    with chemin.open("rb") as flux:
        total = sum(1 for ligne in flux if ligne.strip())
    return chemin.open("rb"), total


def _importer_avec_progression(parcours: Any, fichier: str, texte: Any, total: int | None, strict: bool) -> RapportImport:
    terminal = sys.stderr.isatty()
    barre = (
        click.progressbar(length=total, label="Import", file=sys.stderr, show_pos=True)
        if terminal and total
        else nullcontext()
    )
    with barre as progression:
        avancer = (lambda _: progression.update(1)) if progression is not None else None
        # A large file is read and checked in a second process while this one records; not with --strict,
        # which records one line at a time up to the first rejection.
        if fichier != "-" and not strict and (total or 0) >= LIGNES_POUR_LIRE_A_PART:
            return importer_a_part(parcours, partial(lignes_du_fichier, fichier), apres_chaque_ligne=avancer)
        return importer(parcours, lignes_de(texte), strict=strict, apres_chaque_ligne=avancer)


def _afficher(rapport: RapportImport, format_: str) -> None:
    if format_ == "json":
        click.echo(json.dumps(rapport.en_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(rapport.en_texte())


@main.command("demo-data", help="Enregistre un territoire de démonstration synthétique et réaliste.")
@click.option("--personnes", type=click.IntRange(min=0), required=True, help="Nombre de personnes.")
@click.option("--graine", type=int, default=1, show_default=True, help="Même graine, mêmes données.")
@click.option("--jsonl", type=click.Path(dir_okay=False, writable=True, allow_dash=True), help="Écrire les étapes dans ce fichier au lieu de les enregistrer.")
@click.option("--si-vide", is_flag=True, help="Ne rien faire si le journal contient déjà des personnes.")
def demo_data(personnes: int, graine: int, jsonl: str | None, si_vide: bool) -> None:
    from web.demo.chargement import ecrire_jsonl, enregistrer_territoire

    if jsonl:
        with click.open_file(jsonl, "w", encoding="utf-8") as sortie:
            lignes = ecrire_jsonl(sortie, personnes, graine)
        click.echo(f"{lignes} étapes écrites dans {jsonl}.", err=True)
        return
    services = services_de_l_environnement()
    parcours = services.parcours
    if si_vide and parcours.recorder.max_notification_id():
        click.echo("Le journal contient déjà des données : démonstration non rechargée.")
        return
    terminal = sys.stderr.isatty()
    barre = click.progressbar(length=personnes, label="Démonstration", file=sys.stderr) if terminal else nullcontext()
    with barre as progression:
        rapport = enregistrer_territoire(
            parcours, personnes, graine, apres_chaque_personne=(lambda: progression.update(1)) if progression is not None else None
        )
    rattraper_avec_progression(services)
    click.echo(rapport.en_texte())
    if rapport.rejets:
        sys.exit(1)


@main.command("indicators", help="Indicateurs d'évaluation (CONTRACT §5) pour une cohorte.")
@click.option("--du", "du", type=click.DateTime(["%Y-%m-%d"]), required=True, help="Début de période (AAAA-MM-JJ).")
@click.option("--au", "au", type=click.DateTime(["%Y-%m-%d"]), required=True, help="Fin de période, incluse.")
@click.option("--vu-au", "vu_au", type=click.DateTime(["%Y-%m-%d"]), help="Seulement ce qui était enregistré à la fin de ce jour.")
@click.option("--position", type=click.IntRange(min=0), help="Seulement les événements jusqu'à cette position du journal.")
@click.option("--departement", multiple=True, help="Département de la personne (75, 2A, 971…) ; répétable : leur réunion.")
@click.option("--operateur", help="Identifiant d'opérateur.")
@click.option("--public", type=click.Choice(PUBLICS), help="Public cible.")
@click.option("--programme", type=click.Choice(list(PROGRAMMES)),
              help="spe (accompagnement FT, CEJ, PACEA), agir ou bop104 (action BOP 104).")
@click.option("--action", "action", help="Identifiant d'une action financée : la clé « actions » ne porte que sur elle.")
@click.option("--format", "format_", type=click.Choice(["json", "csv"]), default="json", show_default=True)
def indicators(du, au, vu_au, position, departement, operateur, public, programme, action, format_) -> None:  # noqa: ANN001
    from projections.document import calculer
    from projections.indicateurs import Demande, DemandeInvalideError, en_lignes_csv

    services = services_de_l_environnement()
    if position is None:
        rattraper_avec_progression(services)
    try:
        demande = Demande(du.date(), au.date(), vu_au.date() if vu_au else None, position, None, operateur, public, programme,
                          tuple(departement), action=action)
        document = calculer(services.lectures, demande)
    except DemandeInvalideError as erreur:
        raise click.UsageError(str(erreur)) from None
    effacees = document.get("personnes_effacees_depuis")
    if effacees:
        depuis = f"la position {position}" if position is not None else f"le {vu_au.date():%d/%m/%Y}"
        click.echo(f"Rapport reproduit : {effacees} personne{'s' if effacees > 1 else ''} effacée{'s' if effacees > 1 else ''} "
                   f"depuis {depuis} n'y {'sont' if effacees > 1 else 'est'} plus comptée{'s' if effacees > 1 else ''} "
                   "(un effacement est définitif) ; voir « personnes_effacees_depuis ».", err=True)
    if format_ == "json":
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    from projections.tableurs import indicateurs_en_csv

    click.echo(indicateurs_en_csv(en_lignes_csv(document)), nl=False)


@main.group("operators", help="Opérateurs (organisations qui enregistrent des étapes).")
def operators() -> None:
    pass


@operators.command("add", help="Enregistre un opérateur (idempotent pour des valeurs identiques).")
@click.argument("identifiant")
@click.option("--type", "type_", type=click.Choice(TYPES_OPERATEUR), required=True)
@click.option("--departement", required=True)
@click.option("--nom", default="")
def operators_add(identifiant: str, type_: str, departement: str, nom: str) -> None:
    from web.saisie.schemas import DEPARTEMENT, SLUG

    if not SLUG.fullmatch(identifiant):
        raise click.BadParameter("minuscules, chiffres et tirets (ex. mission-locale-paris).", param_hint="ID")
    if not DEPARTEMENT.fullmatch(departement):
        raise click.BadParameter("code de département attendu (75, 2A, 971…).", param_hint="--departement")
    type_operateur = ALIAS_TYPE_OPERATEUR.get(type_) or TypeOperateur(type_)
    services = services_de_l_environnement()
    resultat = services.parcours.enregistrer_operateur(
        EnregistrerOperateur(
            identifiant, type_operateur, departement, nom, libelle_source=type_ if type_ in ALIAS_TYPE_OPERATEUR else None
        )
    )
    services.rattraper()
    click.echo({"cree": "Opérateur enregistré", "inchange": "Opérateur déjà enregistré, inchangé", "modifie": "Opérateur mis à jour"}[resultat] + f" : {identifiant}.")


@main.group("projections", help="Modèles de lecture alimentés par le journal.")
def projections() -> None:
    pass


@projections.command("catch-up", help="Applique aux modèles de lecture ce qui est nouveau dans le journal.")
def projections_catch_up() -> None:
    services = services_de_l_environnement()
    appliques = rattraper_avec_progression(services, "Rattrapage")
    click.echo(f"{appliques} événements appliqués.")
    _signaler_les_ecartes(services)


def _signaler_les_ecartes(services: Services) -> None:
    """Say which events the read models could not apply (set aside, the others applied), with no value of theirs."""
    from projections.runner import evenements_ecartes

    ecartes = evenements_ecartes(services.lectures)
    if ecartes:
        click.echo(f"{len(ecartes)} événement(s) écarté(s), non appliqué(s) aux modèles de lecture :", err=True)
        for ecarte in ecartes:
            click.echo(f"  position {ecarte['position']} ({ecarte['topic'].rsplit(':', 1)[-1]}) : {ecarte['erreur']}", err=True)


@projections.command("rebuild", help="Reconstruit tous les modèles de lecture depuis le journal.")
def projections_rebuild() -> None:
    from projections.runner import reconstruire

    services = services_de_l_environnement()
    a_faire = services.parcours.recorder.max_notification_id() or 0
    if sys.stderr.isatty():
        with click.progressbar(length=a_faire, label="Reconstruction", file=sys.stderr) as barre:
            appliques = reconstruire(services.parcours, services.lectures, progression=barre.update)
    else:
        appliques = reconstruire(services.parcours, services.lectures)
    click.echo(f"Modèles de lecture reconstruits : {appliques} événements appliqués.")
    _signaler_les_ecartes(services)


@main.group("users", help="Comptes des utilisateurs.")
def users() -> None:
    pass


@users.command("add", help="Crée un compte rattaché à un opérateur, avec un rôle.")
@click.argument("login")
@click.option("--operateur", required=True, help="Identifiant de l'opérateur.")
@click.option("--role", type=click.Choice(Role.valeurs()), required=True)
@click.option("--nom", default="", help="Nom affiché.")
@click.option("--mot-de-passe", "mot_de_passe", help="Sinon demandé (sans écho).")
def users_add(login: str, operateur: str, role: str, nom: str, mot_de_passe: str | None) -> None:
    from web.securite import faiblesses, hacher_mot_de_passe

    if mot_de_passe is None:
        mot_de_passe = click.prompt("Mot de passe", hide_input=True, confirmation_prompt=True)
    raisons = faiblesses(mot_de_passe, login)
    if raisons:
        raise click.BadParameter("le mot de passe doit compter " + " ; ".join(raisons) + ".", param_hint="--mot-de-passe")
    services = services_de_l_environnement()
    try:
        services.parcours.creer_utilisateur(login, operateur, Role(role), nom or login, hacher_mot_de_passe(mot_de_passe))
    except ParcoursError as erreur:
        raise click.ClickException(str(erreur)) from None
    services.rattraper()
    click.echo(f"Compte créé : {login} ({role}, {operateur}).")


@main.group("api-clients", help="Clients d'API des systèmes partenaires.")
def api_clients() -> None:
    pass


@api_clients.command("add", help="Crée un client d'API et affiche son jeton (une seule fois).")
@click.argument("nom")
@click.option("--operateur", required=True)
@click.option("--portees", default="read,write", show_default=True, help="Parmi read, write, statistics, séparées par des virgules.")
def api_clients_add(nom: str, operateur: str, portees: str) -> None:
    from web.securite import empreinte_jeton, nouveau_jeton

    try:
        choisies = [Portee(p.strip()) for p in portees.split(",") if p.strip()]
    except ValueError:
        raise click.BadParameter("portées : read, write, statistics.", param_hint="--portees") from None
    jeton = nouveau_jeton()
    services = services_de_l_environnement()
    try:
        client_id = services.parcours.creer_client_api(nom, operateur, choisies, empreinte_jeton(jeton))
    except ParcoursError as erreur:
        raise click.ClickException(str(erreur)) from None
    services.rattraper()
    click.echo(f"Client {nom} ({client_id}) pour {operateur}, portées {', '.join(p.value for p in choisies)}.")
    click.echo(f"Jeton (à conserver, il ne sera plus affiché) : {jeton}")


@api_clients.command("revoke", help="Révoque un client d'API.")
@click.argument("client_id", type=click.UUID)
def api_clients_revoke(client_id: Any) -> None:
    services = services_de_l_environnement()
    try:
        services.parcours.revoquer_client_api(client_id)
    except ParcoursError as erreur:
        raise click.ClickException(str(erreur)) from None
    services.rattraper()
    click.echo(f"Client {client_id} révoqué.")


@main.command("demo-users", help="Crée (si besoin) les comptes de démonstration et les affiche.")
def demo_users() -> None:
    from web.demo.comptes import COMPTES_DEMO, MOT_DE_PASSE_DEMO
    from web.securite import hacher_mot_de_passe

    services = services_de_l_environnement()
    manquants = []
    for login, operateur, role, nom in COMPTES_DEMO:
        if services.parcours.utilisateur(login) is not None:
            continue
        if services.parcours.operateur(operateur) is None:
            manquants.append((login, operateur))
            continue
        services.parcours.creer_utilisateur(login, operateur, role, nom, hacher_mot_de_passe(MOT_DE_PASSE_DEMO))
    services.rattraper()
    existants = [c for c in COMPTES_DEMO if services.parcours.utilisateur(c[0]) is not None]
    if existants:
        click.echo("Comptes de démonstration (mot de passe commun : " + MOT_DE_PASSE_DEMO + ") :")
        for login, operateur, role, nom in existants:
            click.echo(f"  {login:<14} {role.value:<12} {operateur:<24} {nom}")
    if manquants:
        click.echo("Comptes non créés, leur structure n'existe pas (chargez le territoire de démonstration : "
                   "parcours demo-data --personnes 300) : " + ", ".join(f"{login} ({operateur})" for login, operateur in manquants),
                   err=True)
        sys.exit(1)


@main.group("personnes", help="Données d'une personne : effacement, journal des accès.")
def personnes() -> None:
    pass


@personnes.command("effacer", help="Efface une personne (destruction de sa clé) ; réservé aux administrateurs.")
@click.argument("parcours_id", type=click.UUID)
@click.option("--motif", required=True, help="Pourquoi (conservé dans le journal, sans donnée personnelle).")
@click.option("--par", "par", required=True, help="Identifiant du compte administrateur qui efface.")
def personnes_effacer(parcours_id: Any, motif: str, par: str) -> None:
    services = services_de_l_environnement()
    compte = services.parcours.utilisateur(par)
    if compte is None or not compte.actif or compte.role is not Role.ADMIN:
        raise click.ClickException(f"« {par} » n'est pas un compte administrateur actif.")
    try:
        services.effacer_personne(parcours_id, motif, par)
    except ParcoursError as erreur:
        raise click.ClickException(str(erreur)) from None
    click.echo(f"Personne {parcours_id} effacée : clé détruite, modèles de lecture purgés, effacement journalisé.")


@main.group("cles", help="Clés d'époque qui enveloppent les clés des personnes (hors de la base).")
def cles() -> None:
    pass


@cles.command("rotation", help="Nouvelle clé d'époque : réenveloppe toutes les clés vivantes et détruit l'ancienne clé d'époque. "
                               "À planifier (voir README) : une clé effacée n'est plus récupérable des sauvegardes ni du WAL "
                               "après la rotation suivante.")
def cles_rotation() -> None:
    services = services_de_l_environnement()
    epoque, reenveloppees, detruites = services.parcours.tourner_cles()
    anciennes = ", ".join(str(n) for n in detruites) or "aucune"
    click.echo(f"Époque {epoque} : {reenveloppees} clés de personne réenveloppées ; clés d'époque détruites : {anciennes}.")


@personnes.command("journal", help="Qui a consulté le dossier de cette personne (demande d'accès).")
@click.argument("parcours_id", type=click.UUID)
@click.option("--format", "format_", type=click.Choice(["texte", "json"]), default="texte", show_default=True)
def personnes_journal(parcours_id: Any, format_: str) -> None:
    from projections.donnees_personnelles import journal_des_acces

    services = services_de_l_environnement()
    services.rattraper()
    with services.lectures.connect() as connexion:
        lignes = journal_des_acces(connexion, parcours_id=str(parcours_id), limite=100_000)
    if format_ == "json":
        click.echo(json.dumps([{k: str(v) if v is not None else None for k, v in l.items()} for l in lignes], ensure_ascii=False, indent=2))
        return
    click.echo(f"Consultations du dossier {parcours_id} : {len(lignes)}")
    for ligne in lignes:
        motif = f" — motif : {ligne['motif']}" if ligne["motif"] else ""
        click.echo(f"  {ligne['le']:%d/%m/%Y %H:%M} {ligne['login']} ({ligne['operateur']}) {ligne['ressource']}{motif}")


@personnes.command("exporter", help="Tout ce qui est enregistré sur une personne, en français (JSON).")
@click.argument("parcours_id", type=click.UUID)
def personnes_exporter(parcours_id: Any) -> None:
    from projections.donnees_personnelles import dossier_complet

    services = services_de_l_environnement()
    services.rattraper()
    with services.lectures.connect() as connexion:
        dossier = dossier_complet(connexion, str(parcours_id))
    if dossier is None:
        raise click.ClickException(f"aucune personne {parcours_id} (ou ses données ont été effacées).")
    click.echo(json.dumps(dossier, ensure_ascii=False, indent=2))


@main.command("retention", help="Anonymise les parcours dont la durée de conservation est échue.")
@click.option("--dry-run", "a_blanc", is_flag=True, help="Lister seulement ce qui serait anonymisé.")
@click.option("--annees", type=click.IntRange(min=0), default=2, show_default=True, help="Années après la fin de la fenêtre de 5 ans.")
def retention(a_blanc: bool, annees: int) -> None:
    from datetime import date

    from projections.donnees_personnelles import a_anonymiser

    services = services_de_l_environnement()
    services.rattraper()
    with services.lectures.connect() as connexion:
        echus = a_anonymiser(connexion, date.today(), annees)
    for echu in echus:
        click.echo(f"{echu['parcours_id']}  conservation échue le {echu['date']:%d/%m/%Y}")
    if a_blanc:
        click.echo(f"{len(echus)} parcours seraient anonymisés (--dry-run : rien n'a été modifié).")
        return
    for echu in echus:
        services.effacer_personne(UUID(echu["parcours_id"]), f"durée de conservation échue le {echu['date']:%d/%m/%Y}", "systeme", "retention")
    click.echo(f"{len(echus)} parcours anonymisés.")


@main.command("serve", help="Sert l'application web.")
@click.option("--hote", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(hote: str, port: int) -> None:
    """The development server speaks plain http: its session cookie cannot be `Secure` (a browser would
    drop it, and every form would fail its CSRF check), unless production or the environment asks."""
    import os
    from dataclasses import replace

    from web.app import create_app

    reglages = Reglages.depuis_environnement()
    if not reglages.production and "PARCOURS_COOKIE_SECURE" not in os.environ:
        reglages = replace(reglages, cookie_securise=False)
    click.echo(f"Parcours sert sur http://{hote}:{port}/ (Ctrl+C pour arrêter).")
    create_app({"REGLAGES": reglages}).run(host=hote, port=port, debug=False)


from web.cli.evaluation import evaluation_annuelle  # noqa: E402
from web.cli.statistiques import export_stats, protect_table  # noqa: E402

main.add_command(protect_table)
main.add_command(export_stats)
main.add_command(evaluation_annuelle)

from web.cli.objectifs import objectifs  # noqa: E402

main.add_command(objectifs)

from web.cli.pilotage import pilotage  # noqa: E402

main.add_command(pilotage)

if __name__ == "__main__":
    main()

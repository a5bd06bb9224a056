"""`parcours objectifs fixer | lister | indicateurs`: the steering committee's target values from the command line.

The same syntax (`web.saisie.objectifs.lire_objectif`) and command (`Parcours.fixer_objectif`) as the
dashboard's form; the listing reads the `objectif` read model.
"""

from __future__ import annotations

import csv
import getpass
import json
import sys

import click

from parcours.erreurs import ParcoursError
from projections.indicateurs import PROGRAMMES


@click.group("objectifs", help="Objectifs (valeurs-cibles de l'annexe ministérielle) par année, indicateur, opérateur et programme.")
def objectifs() -> None:
    pass


@objectifs.command("fixer", help="Fixe la valeur-cible d'un indicateur pour une année (tous les opérateurs si --operateur est omis).")
@click.option("--annee", required=True, help="Année civile de l'objectif.")
@click.option("--indicateur", required=True, help="Indicateur du document de `parcours indicators` (voir `parcours objectifs indicateurs`).")
@click.option("--valeur", required=True, help="Valeur-cible ; un taux s'écrit entre 0 et 1 (0.6 pour 60 %).")
@click.option("--operateur", help="Identifiant de l'opérateur (omis : tous les opérateurs).")
@click.option("--programme", type=click.Choice(list(PROGRAMMES)), help="Programme (omis : tous les programmes).")
@click.option("--par", help="Qui fixe l'objectif (par défaut : l'utilisateur du système).")
def fixer(annee: str, indicateur: str, valeur: str, operateur: str | None, programme: str | None, par: str | None) -> None:
    from web.cli.commun import rattraper_avec_progression, services_de_l_environnement
    from web.saisie.objectifs import SaisieObjectifInvalideError, lire_objectif

    try:
        commande = lire_objectif({"annee": annee, "indicateur": indicateur, "valeur": valeur, "operateur": operateur,
                                  "programme": programme}, par or f"cli:{getpass.getuser()}")
    except SaisieObjectifInvalideError as erreur:
        raise click.UsageError(str(erreur)) from None
    services = services_de_l_environnement()
    try:
        resultat = services.parcours.fixer_objectif(commande)
    except ParcoursError as erreur:
        click.echo(f"Objectif refusé : {erreur}", err=True)
        sys.exit(1)
    rattraper_avec_progression(services)
    portee = ", ".join(filter(None, [f"opérateur {commande.operateur}" if commande.operateur else "tous les opérateurs",
                                     f"programme {commande.programme}" if commande.programme else None]))
    etat = {"cree": "enregistré", "modifie": "modifié", "inchange": "inchangé (même valeur)"}[resultat]
    click.echo(f"Objectif {etat} : {commande.indicateur} = {commande.valeur:g} en {commande.annee} ({portee}).")


@objectifs.command("lister", help="Liste les objectifs en vigueur.")
@click.option("--annee", type=int, help="Seulement cette année.")
@click.option("--format", "format_", type=click.Choice(["texte", "csv", "json"]), default="texte", show_default=True)
def lister(annee: int | None, format_: str) -> None:
    from projections.tableau_de_bord import LIBELLES_INDICATEURS, lister_objectifs
    from web.cli.commun import rattraper_avec_progression, services_de_l_environnement

    services = services_de_l_environnement()
    rattraper_avec_progression(services)
    with services.lectures.connect() as connexion:
        lignes = lister_objectifs(connexion, annee)
    colonnes = ["annee", "indicateur", "operateur", "programme", "valeur", "fixe_par", "fixe_le"]
    if format_ == "json":
        click.echo(json.dumps([{c: (ligne[c].isoformat() if c == "fixe_le" else ligne[c]) for c in colonnes} for ligne in lignes],
                              ensure_ascii=False, indent=2))
        return
    if format_ == "csv":
        sortie = csv.writer(sys.stdout, lineterminator="\n")
        sortie.writerow(colonnes)
        for ligne in lignes:
            sortie.writerow(["" if ligne[c] is None else ligne[c] for c in colonnes])
        return
    if not lignes:
        click.echo("Aucun objectif." if annee is None else f"Aucun objectif pour {annee}.")
        return
    for ligne in lignes:
        portee = ligne["operateur"] or "tous opérateurs"
        if ligne["programme"]:
            portee += f", programme {ligne['programme']}"
        click.echo(f"{ligne['annee']}  {ligne['indicateur']:<50} {ligne['valeur']:>10g}  {portee}  "
                   f"({LIBELLES_INDICATEURS.get(ligne['indicateur'], '')} ; fixé par {ligne['fixe_par']})")


@objectifs.command("indicateurs", help="Les indicateurs pour lesquels un objectif peut être fixé.")
def indicateurs() -> None:
    from projections.tableau_de_bord import LIBELLES_INDICATEURS

    for cle, libelle in LIBELLES_INDICATEURS.items():
        click.echo(f"{cle:<50} {libelle}")

"""`parcours evaluation-annuelle`: the ministry's annual evaluation table of an action, as CSV, XLSX or ODS.

Options are read as plain text and checked here, so that every refusal is French, names the option
and exits with code 2 before anything is written.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path

import click

from projections.tableurs import FORMATS


def _refuser(message: str) -> None:
    click.echo(f"Entrée invalide : {message}", err=True)
    sys.exit(2)


@click.command("evaluation-annuelle", help="Tableau annuel d'évaluation des actions financées (annexe complète, 1.1 à 3.9).")
@click.option("--annee", required=True, help="Année civile évaluée (AAAA).")
@click.option("--action", "action_id", default=None, help="Une action financée (son identifiant).")
@click.option("--operateur", default=None, help="Les actions portées par un opérateur (identifiant).")
@click.option("--departement", default=None, help="Les actions d'un département (code).")
@click.option("--national", is_flag=True, default=False, help="Toutes les actions (par défaut sans autre périmètre).")
@click.option("--vu-au", "vu_au", default=None, help="Tel que le tableau pouvait être produit ce jour-là (AAAA-MM-JJ).")
@click.option("--position", default=None, help="Dernière position du journal prise en compte.")
@click.option("--format", "format_", default=None, help="csv, xlsx ou ods (par défaut : l'extension de --out).")
@click.option("--out", "sortie", default=None, help="Fichier écrit ; « - » pour la sortie standard.")
def evaluation_annuelle(annee: str, action_id: str | None, operateur: str | None, departement: str | None, national: bool,
                        vu_au: str | None, position: str | None, format_: str | None, sortie: str | None) -> None:
    from projections.evaluation_annuelle import Action, evaluer, feuilles
    from projections.indicateurs import DemandeInvalideError
    from projections.tableurs import ecrire
    from web.config import Reglages, construire_services

    if not (annee.isascii() and annee.isdigit() and len(annee) == 4):
        _refuser("--annee : une année sur quatre chiffres est attendue (ex. 2025).")
    if sum(bool(x) for x in (action_id, operateur, departement, national)) > 1:
        _refuser("choisir une seule portée : --action, --operateur, --departement ou --national.")
    if sortie is None:
        _refuser("--out : préciser le fichier à écrire (ou « - » pour la sortie standard).")
    format_ = (format_ or ("csv" if sortie == "-" else Path(sortie).suffix.lstrip("."))).lower()
    if format_ not in FORMATS:
        _refuser(f"--format : choisir parmi {', '.join(FORMATS)}.")
    try:
        jour = date.fromisoformat(vu_au) if vu_au else None
    except ValueError:
        _refuser("--vu-au : date AAAA-MM-JJ attendue.")
    if position is not None and not (position.isascii() and position.isdigit()):
        _refuser("--position : un entier positif est attendu.")
    services = construire_services(Reglages.depuis_environnement())
    try:
        services.rattraper()
        evaluation = evaluer(services.lectures, int(annee), Action(operateur or None, departement or None, action_id or None), jour,
                             int(position) if position is not None else None)
    except DemandeInvalideError as erreur:
        _refuser(str(erreur))
    finally:
        services.fermer()
    contenu = ecrire(feuilles(evaluation, datetime.now(UTC)), format_)
    if sortie == "-":
        sys.stdout.buffer.write(contenu)
        sys.stdout.buffer.flush()
        return
    Path(sortie).write_bytes(contenu)
    click.echo(f"Tableau d'évaluation {annee} ({evaluation.action.libelle}) écrit dans {sortie}.")

"""`parcours protect-table` (CONTRACT §7) on any count table a statistician brings, and `parcours export-stats`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from projections.protection import (
    K_PAR_DEFAUT,
    LARGEUR_PAR_DEFAUT,
    EntreeInvalideError,
    ProtectionImpossibleError,
    arrondir,
    ecrire_publiee,
    lire_hierarchie,
    lire_interne,
    proteger,
)


@click.command("protect-table", help="Protège un tableau de comptages (suppression primaire et secondaire auditée).")
@click.argument("interne", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dimensions", required=True, help="Colonnes de classement, séparées par des virgules (ex. geo,sexe).")
@click.option("--hierarchie", "hierarchies", multiple=True, help="DIMENSION=FICHIER.csv (colonnes code,parent) ; répétable.")
@click.option("--k", "k", type=int, default=K_PAR_DEFAUT, show_default=True, help="Seuil : les comptes de 1 à k−1 sont masqués (k ≥ 5).")
@click.option("--largeur", type=float, default=LARGEUR_PAR_DEFAUT, show_default=True, help="Largeur minimale relative de l'intervalle d'une cellule masquée.")
@click.option("--arrondi", "arrondi", type=click.IntRange(min=2), default=None,
              help="Au lieu de masquer : arrondi contrôlé à un multiple de cette base (ex. 5), tableaux additifs.")
@click.option("--out", "sortie", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Tableau publié (CSV).")
def protect_table(
    interne: Path, dimensions: str, hierarchies: tuple[str, ...], k: int, largeur: float, arrondi: int | None, sortie: Path
) -> None:
    noms = [nom.strip() for nom in dimensions.split(",") if nom.strip()]
    try:
        if not noms or len(set(noms)) != len(noms):
            raise EntreeInvalideError("--dimensions : des noms de colonnes distincts sont attendus.")
        lues = {}
        for option in hierarchies:
            nom, egal, chemin = option.partition("=")
            if not egal or nom.strip() not in noms:
                raise EntreeInvalideError(f"--hierarchie « {option} » : DIMENSION=FICHIER.csv, DIMENSION parmi {', '.join(noms)}.")
            lues[nom.strip()] = lire_hierarchie(nom.strip(), Path(chemin))
        if not interne.exists():
            raise EntreeInvalideError(f"{interne} : fichier introuvable.")
        dims, comptes = lire_interne(interne, noms, lues)
        table = arrondir(dims, comptes, arrondi) if arrondi is not None else proteger(dims, comptes, k=k, largeur=largeur)
    except (EntreeInvalideError, OSError, UnicodeDecodeError) as erreur:
        click.echo(f"Entrée invalide : {erreur}", err=True)
        sys.exit(2)
    except ProtectionImpossibleError as erreur:
        click.echo(f"Protection impossible, rien n'est publié : {erreur}", err=True)
        sys.exit(3)
    ecrire_publiee(sortie, table)
    if arrondi is not None:
        click.echo(f"{len(table.cellules)} cellules publiées dans {sortie}, arrondies à un multiple de {arrondi} "
                   f"(écart total {table.mesures['ecart_total']:g}) ; tableaux additifs.")
        return
    comptes_statuts = {statut: table.statuts.count(statut) for statut in "VAZD"}
    click.echo(
        f"{len(table.cellules)} cellules publiées dans {sortie} : {comptes_statuts['V']} diffusées, {comptes_statuts['Z']} zéros, "
        f"{comptes_statuts['A']} masquées (primaire), {comptes_statuts['D']} masquées (secondaire) ; audit final réussi (k = {k})."
    )


@click.command("export-stats", help="Export anonymisé des statistiques (tableaux protégés ensemble, moyennes, métadonnées).")
@click.option("--du", "du", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--au", "au", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--k", "k", type=int, default=K_PAR_DEFAUT, show_default=True)
@click.option("--largeur", type=float, default=LARGEUR_PAR_DEFAUT, show_default=True)
@click.option("--arrondi", "arrondi", type=click.IntRange(min=2), default=None,
              help="Au lieu de masquer : arrondi contrôlé à un multiple de cette base (ex. 5) ; pas de moyennes.")
@click.option("--confidentialite-differentielle", "epsilon", type=float, default=None, metavar="EPSILON",
              help="Au lieu de masquer : bruit de Laplace discret (OpenDP), budget EPSILON pour tout l'export ; pas de moyennes.")
@click.option("--graine", type=int, default=None, hidden=True, help="Tirage reproductible du bruit : essais seulement.")
@click.option("--out", "dossier", required=True, type=click.Path(file_okay=False, path_type=Path), help="Dossier de sortie.")
def export_stats(du, au, k: int, largeur: float, arrondi: int | None, epsilon: float | None, graine: int | None, dossier: Path) -> None:  # noqa: ANN001
    from projections.export_statistiques import exporter
    from web.config import Reglages, construire_services

    if graine is not None and epsilon is None:
        click.echo("Entrée invalide : --graine ne s'emploie qu'avec --confidentialite-differentielle.", err=True)
        sys.exit(2)
    services = construire_services(Reglages.depuis_environnement())
    services.rattraper()
    try:
        metadonnees = exporter(services.lectures, du.date(), au.date(), dossier, k=k, largeur=largeur, arrondi=arrondi,
                               epsilon=epsilon, graine=graine)
    except EntreeInvalideError as erreur:
        click.echo(f"Entrée invalide : {erreur}", err=True)
        sys.exit(2)
    except ProtectionImpossibleError as erreur:
        click.echo(f"Protection impossible, rien n'est publié : {erreur}", err=True)
        sys.exit(3)
    click.echo(f"{metadonnees['personnes']} personnes ; tableaux protégés ({metadonnees['mode']}) écrits dans {dossier} "
               "(statistiques.csv, metadonnees.json).")

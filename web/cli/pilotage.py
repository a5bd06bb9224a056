"""`parcours pilotage precalculer`: the steering committee's dashboards counted in advance (by the scheduler), so the
page serves them at once (`projections.tableaux_calcules`)."""

from __future__ import annotations

from datetime import datetime, timezone

import click

from parcours.dates import FUSEAU


@click.group("pilotage", help="Tableau de bord de pilotage (COPIL).")
def pilotage() -> None:
    pass


@pilotage.command("precalculer", help="Calcule d'avance le tableau de bord national et celui de chaque département "
                                      "pour une période (par défaut l'année civile précédente, comme la page) ; à planifier.")
@click.option("--du", "du", type=click.DateTime(["%Y-%m-%d"]), help="Début de période (AAAA-MM-JJ).")
@click.option("--au", "au", type=click.DateTime(["%Y-%m-%d"]), help="Fin de période, incluse.")
def precalculer(du: datetime | None, au: datetime | None) -> None:
    from projections.tableaux_calcules import demandes_du_tableau, periode_par_defaut
    from projections.tableaux_calcules import precalculer as compter
    from web.cli.commun import rattraper_avec_progression, services_de_l_environnement

    du_par_defaut, au_par_defaut = periode_par_defaut(datetime.now(FUSEAU).date())
    debut, fin = du.date() if du else du_par_defaut, au.date() if au else au_par_defaut
    if fin < debut:
        raise click.UsageError("--au précède --du.")
    services = services_de_l_environnement()
    rattraper_avec_progression(services)
    with services.lectures.connect() as connexion:
        demandes = demandes_du_tableau(connexion, debut, fin)
    for demande in demandes:
        (calcul,) = compter(services.lectures, [demande], datetime.now(timezone.utc))
        portee = f"département {demande.departement}" if demande.departement else "national"
        click.echo(f"Tableau de bord {portee} du {debut:%d/%m/%Y} au {fin:%d/%m/%Y} : calculé en {calcul.duree_s:.1f} s "
                   f"(position du journal {calcul.tableau.document['position_journal']}).")

"""What the `parcours` sub-commands share: their services built from the environment, closed when the
command ends, and the read models' catch-up with a progress bar. Imports no sub-command module."""

from __future__ import annotations

import sys

import click

from web.config import ConfigurationError, Reglages, Services, construire_services


def reglages_de_l_environnement() -> Reglages:
    return Reglages.depuis_environnement()


def services_de_l_environnement() -> Services:
    try:
        services = construire_services(reglages_de_l_environnement())
    except ConfigurationError as erreur:
        raise click.ClickException(str(erreur)) from None
    contexte = click.get_current_context(silent=True)
    if contexte is not None:
        contexte.call_on_close(services.fermer)  # connections closed when the command ends, not left to the process
    return services


def rattraper_avec_progression(services: Services, libelle: str = "Projections") -> int:
    """Catch the read models up, with a progress bar on a terminal."""
    a_faire = services.parcours.recorder.max_notification_id() or 0
    if not sys.stderr.isatty():
        return services.rattraper()
    with click.progressbar(length=a_faire, label=libelle, file=sys.stderr) as barre:
        return services.rattraper(progression=barre.update)

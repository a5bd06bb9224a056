"""Accessors over the per-process services and the current actor, for the pages and the API."""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app, g

from parcours.application import Parcours
from parcours.dates import FUSEAU
from web.acces import Acteur
from web.config import Services


def services() -> Services:
    return current_app.extensions["parcours"]


def parcours() -> Parcours:
    return services().parcours


def acteur() -> Acteur | None:
    return g.get("acteur")


def aujourdhui() -> date:
    return datetime.now(FUSEAU).date()

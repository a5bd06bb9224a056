"""A run of log events decoded together (`MapperParPersonne.to_domain_events`, the projection runner's path): the
same events as one by one, with the people's keys read in one statement per chunk instead of one per person."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from parcours import chiffrement
from web.demo.chargement import enregistrer_operateurs_demo, lignes_de_la_demo
from web.saisie.importation import importer


def test_a_run_of_events_decodes_as_one_by_one_reading_the_keys_it_lacks_a_chunk_at_a_time(
    parcours, monkeypatch: pytest.MonkeyPatch  # noqa: ANN001
) -> None:
    enregistrer_operateurs_demo(parcours)
    rapport = importer(parcours, lignes_de_la_demo(12, 3, datetime(2026, 11, 1, tzinfo=timezone.utc)))
    assert rapport.acceptees > 100 and not rapport.rejets
    notifications = parcours.recorder.select_notifications(start=1, limit=100_000)
    trousseau = parcours.trousseau
    lectures: list[str] = []
    for nom in ("_lire", "_lire_plusieurs"):
        monkeypatch.setattr(trousseau, nom, lambda *a, _nom=nom, _f=getattr(trousseau, nom): lectures.append(_nom) or _f(*a))
    monkeypatch.setattr(chiffrement, "CLES_PAR_LECTURE", 40)

    trousseau._cache.clear()
    ensemble = parcours.mapper.to_domain_events(notifications)
    par_morceaux = lectures.copy()
    lectures.clear()
    trousseau._cache.clear()
    un_a_un = [parcours.mapper.to_domain_event(notification) for notification in notifications]

    assert ensemble == un_a_un
    assert set(par_morceaux) == {"_lire_plusieurs"}
    assert len(par_morceaux) <= -(-len(notifications) // 40)
    personnes = {n.originator_id for n in notifications if n.topic.startswith("parcours.personne.")}
    assert lectures.count("_lire") == len(personnes) == 12

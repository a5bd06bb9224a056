"""The bench's comparators and page measures run end to end on a tiny territory, on both backends.

Nothing here is timed: the bench only has to measure the right things (`make bench` gives the figures).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import psycopg

from bench.comparateurs import mesurer_ecriture_brute, mesurer_lecture_brute
from bench.pages import mesurer_pages
from projections.runner import reconstruire
from tests.conftest import POSTGRES
from web.config import construire_services
from web.demo.chargement import enregistrer_territoire


def test_the_raw_append_writes_every_event_on_a_scratch_store_and_leaves_it_removed(reglages) -> None:
    brute = mesurer_ecriture_brute(reglages, agregats=200, repetitions=1)

    assert brute["evenements"] == 1000 and brute["debit"] > 0
    [magasin] = brute["magasins"]
    if reglages.url_base is None:
        assert not Path(magasin).parent.exists()
    else:
        with psycopg.connect(f"{POSTGRES}/postgres") as connexion:
            assert not connexion.execute("SELECT 1 FROM pg_database WHERE datname = %s", (magasin,)).fetchall()


def test_the_raw_scan_decodes_the_same_events_as_the_rebuild_and_the_pages_answer(reglages) -> None:
    reglages = replace(reglages, cookie_securise=False)
    services = construire_services(reglages)
    try:
        rapport = enregistrer_territoire(services.parcours, 20, 1, instant=datetime(2026, 11, 1, tzinfo=timezone.utc))
        assert not rapport.rejets
        reconstruits = reconstruire(services.parcours, services.lectures)
    finally:
        services.fermer()

    lecture = mesurer_lecture_brute(reglages)
    pages = mesurer_pages(reglages, repetitions=1)

    assert lecture["evenements"] == reconstruits > 0
    assert len(pages["pages"]) == 6 and pages["etapes_personne"] > 1
    assert all(page["premiere_ms"] > 0 for page in pages["pages"].values())

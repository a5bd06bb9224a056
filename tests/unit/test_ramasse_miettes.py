"""The collector's pause around a batch: paused inside, running again after, whatever happens inside."""

from __future__ import annotations

import gc

import pytest

from parcours import ramasse_miettes


def test_the_collector_is_paused_inside_the_block_and_runs_again_after_it() -> None:
    with ramasse_miettes.en_pause():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_runs_again_after_a_block_that_raises() -> None:
    with pytest.raises(ZeroDivisionError), ramasse_miettes.en_pause():
        1 / 0  # noqa: B018
    assert gc.isenabled()


def test_a_pause_inside_a_pause_leaves_the_outer_one_paused_and_a_collector_disabled_before_stays_disabled() -> None:
    with ramasse_miettes.en_pause():
        with ramasse_miettes.en_pause():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with ramasse_miettes.en_pause():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()

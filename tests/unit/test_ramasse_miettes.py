"""The collector's pause around a batch, or a long run of batches: paused inside, running again after, whatever happens inside."""

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


class _Cycle:
    def __init__(self) -> None:
        self.moi = self


def test_a_long_pause_collects_the_cycles_left_once_every_given_number_of_batches_and_no_sooner() -> None:
    def cycles_vivants() -> int:
        return sum(isinstance(objet, _Cycle) for objet in gc.get_objects())

    gc.collect()
    with ramasse_miettes.en_pause_par_lots(lots=3) as lot_fini:
        for _ in range(2):
            _Cycle()
            lot_fini()
        assert not gc.isenabled()
        assert cycles_vivants() == 2
        _Cycle()
        lot_fini()
        assert cycles_vivants() == 0
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_long_pause_that_raises_lets_the_collector_run_again() -> None:
    with pytest.raises(ZeroDivisionError), ramasse_miettes.en_pause_par_lots() as lot_fini:
        lot_fini()
        1 / 0  # noqa: B018
    assert gc.isenabled()

"""`Regroupement`: what concurrent threads ask at the same moment is done once, each gets its own answer."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import pytest

from parcours.groupement import Regroupement


class _Traitement:
    """Doubles each request; holds the first group until released, and fails on request -1."""

    def __init__(self) -> None:
        self.groupes: list[list[int]] = []
        self.commence = threading.Event()
        self.libere = threading.Event()

    def __call__(self, demandes: Sequence[int]) -> list[int]:
        self.groupes.append(list(demandes))
        if len(self.groupes) == 1:
            self.commence.set()
            assert self.libere.wait(10)
        if -1 in demandes:
            raise RuntimeError("panne")
        return [2 * d for d in demandes]


def _en_file(regroupement: Regroupement, traitement: _Traitement, demandes: list[int]) -> dict[int, object]:
    """The first request is processed alone and held; the others queue behind it, then all are let go."""
    issues: dict[int, object] = {}

    def demander(demande: int) -> None:
        try:
            issues[demande] = regroupement.demander(demande)
        except RuntimeError as erreur:
            issues[demande] = erreur

    fils = [threading.Thread(target=demander, args=(d,)) for d in demandes]
    fils[0].start()
    assert traitement.commence.wait(10)
    for fil in fils[1:]:
        fil.start()
    limite = time.monotonic() + 10
    while regroupement.en_attente < len(demandes) - 1:
        assert time.monotonic() < limite
        time.sleep(0.001)
    traitement.libere.set()
    for fil in fils:
        fil.join()
    return issues


def test_a_request_alone_is_processed_at_once_by_its_own_thread() -> None:
    traitement = _Traitement()
    traitement.libere.set()
    assert Regroupement(traitement).demander(21) == 42
    assert traitement.groupes == [[21]]


def test_requests_queued_while_a_group_is_processed_form_the_next_group_and_each_gets_its_own_answer() -> None:
    traitement = _Traitement()
    issues = _en_file(Regroupement(traitement), traitement, [1, 2, 3, 4, 5])
    assert issues == {1: 2, 2: 4, 3: 6, 4: 8, 5: 10}
    assert traitement.groupes[0] == [1] and sorted(traitement.groupes[1]) == [2, 3, 4, 5] and len(traitement.groupes) == 2


def test_when_processing_a_group_fails_every_request_of_that_group_gets_the_error_and_the_next_group_goes_on() -> None:
    traitement = _Traitement()
    regroupement = Regroupement(traitement)
    issues = _en_file(regroupement, traitement, [1, 2, -1, 3])
    assert issues[1] == 2
    assert all(isinstance(issues[d], RuntimeError) for d in (2, -1, 3))
    assert regroupement.demander(7) == 14


def test_an_error_reaches_the_caller_unchanged() -> None:
    def echouer(demandes: Sequence[int]) -> list[int]:
        raise KeyError("clé")

    with pytest.raises(KeyError, match="clé"):
        Regroupement(echouer).demander(1)

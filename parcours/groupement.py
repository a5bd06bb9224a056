"""Group commit: what a process's threads ask for at the same moment is done once for all of them.

The first thread to arrive does the work for every request queued meanwhile; the others wait for
their own answer. Pure Python: imports only the standard library.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

Demande = TypeVar("Demande")
Reponse = TypeVar("Reponse")


@dataclass
class _EnAttente(Generic[Demande, Reponse]):
    demande: Demande
    reponse: Reponse | None = None
    erreur: BaseException | None = None
    faite: bool = False


class Regroupement(Generic[Demande, Reponse]):
    """Runs `traiter(demandes) -> réponses` (one answer per request, in order) for the requests of
    concurrent threads, one group at a time. If `traiter` raises, every request of the group gets
    that exception."""

    def __init__(self, traiter: Callable[[Sequence[Demande]], Sequence[Reponse]]) -> None:
        self._traiter = traiter
        self._condition = threading.Condition()
        self._file: list[_EnAttente[Demande, Reponse]] = []
        self._en_cours = False

    @property
    def en_attente(self) -> int:
        """How many requests are queued behind the group being processed."""
        with self._condition:
            return len(self._file)

    def demander(self, demande: Demande) -> Reponse:
        attente: _EnAttente[Demande, Reponse] = _EnAttente(demande)
        with self._condition:
            self._file.append(attente)
            while self._en_cours and not attente.faite:
                self._condition.wait()
            if not attente.faite:
                self._en_cours = True
        if not attente.faite:
            # Let the threads about to ask join this group before it is taken (a commit_delay of one
            # GIL switch): larger groups, fewer transactions; measured at 4.6–4.8 against 5.0 ms CPU per API step.
            time.sleep(0)
            with self._condition:
                groupe, self._file = self._file, []
            self._traiter_groupe(groupe)
        if attente.erreur is not None:
            raise attente.erreur
        return attente.reponse  # type: ignore[return-value]

    def _traiter_groupe(self, groupe: list[_EnAttente[Demande, Reponse]]) -> None:
        try:
            reponses: Sequence[Reponse | None] = self._traiter([a.demande for a in groupe])
            erreur = None
        except BaseException as echec:  # the database is gone, say: every request of the group learns it
            reponses, erreur = [None] * len(groupe), echec
        with self._condition:
            for attente, reponse in zip(groupe, reponses):
                attente.reponse, attente.erreur, attente.faite = reponse, erreur, True
            self._en_cours = False
            self._condition.notify_all()

"""The cyclic garbage collector paused while a batch of work holds many young objects alive.

A batch (log events being applied, import lines being recorded) keeps its objects alive until it ends,
so each collection its allocations trigger walks them again, and again as they age. Pausing the
collector for the batch and letting it resume afterwards costs no memory the batch does not already
hold; whatever cycles the batch leaves are collected once it ends. Pure Python: imports only the
standard library.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager

LOTS_ENTRE_COLLECTES = 100
"""Batches between two collections of `en_pause_par_lots`: at 1,000 lines each, one collection every 100,000 lines of
an import, of the young generations (0.07 s at 10,000 people, 0.19 s at 100,000), or of the whole heap one time in
ten (0.5 s)."""


@contextmanager
def en_pause() -> Iterator[None]:
    """The collector paused for the `with` block, and running again after it (even when the block raises).

    Process-wide: another thread's block may end the pause early, never extend it."""
    actif = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if actif:
            gc.enable()


@contextmanager
def en_pause_par_lots(lots: int = LOTS_ENTRE_COLLECTES) -> Iterator[Callable[[], None]]:
    """The collector paused for a long run of batches (an import), collecting once every `lots` batches (the young
    generations, or the whole heap one time in ten): call the function it gives at the end of each batch.

    Paused batch by batch only, an import of 10,000 people still spent 8.8 of its 45.8 s in the collector, 6.8 s
    of them in 31 full collections: the objects each batch builds (the lines it receives, the people it reads)
    keep triggering collections between batches, and each full one walks every live object (up to half a
    million). Almost nothing an import builds is cyclic (8,000 objects per 20,000 lines, none of them ours):
    counting references frees it, and the collections kept here bound what the rest could hold."""
    fins = 0

    def lot_fini() -> None:
        nonlocal fins
        fins += 1
        if fins % lots == 0:
            # The young generations only, nine times in ten: what counting references leaves is young cycles.
            gc.collect(2 if fins % (lots * 10) == 0 else 1)

    with en_pause():
        yield lot_fini

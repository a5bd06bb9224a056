"""The cyclic garbage collector paused while a batch of work holds many young objects alive.

A batch (log events being applied, import lines being recorded) keeps its objects alive until it ends,
so each collection its allocations trigger walks them again, and again as they age. Pausing the
collector for the batch and letting it resume afterwards costs no memory the batch does not already
hold; whatever cycles the batch leaves are collected once it ends. Pure Python: imports only the
standard library.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


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

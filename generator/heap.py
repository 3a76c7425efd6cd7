"""The cyclic garbage collector during a build: what lives through it is kept out of the
collector's full collections, which would walk it again and again finding nothing to free."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# How many `frozen_heap`s hold in this process (a forked child inherits the count).
_FROZEN_HEAPS = 0


@contextmanager
def frozen_heap() -> Iterator[None]:
    """While the body runs, what lives long (what the process holds as it starts, and
    what `long_lived` makes) is frozen (`gc.freeze`): the cyclic garbage collector's
    full collections walk what is made meanwhile, not the whole heap. An incremental
    build of a province made three of them in the render process, a second and more
    in all, finding nothing to free. Unfrozen after, by the outermost."""
    global _FROZEN_HEAPS
    if not _FROZEN_HEAPS:
        gc.freeze()
    _FROZEN_HEAPS += 1
    try:
        yield
    finally:
        _FROZEN_HEAPS -= 1
        if not _FROZEN_HEAPS:
            gc.unfreeze()


def heap_frozen() -> bool:
    """Whether a `frozen_heap` holds (then nothing else may unfreeze)."""
    return _FROZEN_HEAPS > 0


@contextmanager
def long_lived() -> Iterator[None]:
    """The objects the body makes live on (a site's data, what its pages show of each
    document): the collector is paused meanwhile (it would walk the growing heap again
    and again, finding nothing), and they are handed to its oldest generation after
    (`freeze` then `unfreeze`), or, while a `frozen_heap` holds, kept frozen."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if not heap_frozen():
            gc.unfreeze()
        if enabled:
            gc.enable()


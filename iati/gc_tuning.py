"""The garbage collector set for a long import, in a process of its own.

Reading an activity makes thousands of small objects (elements' values, records, rows),
nearly all of them freed by reference counting as the batch is written: with the default
threshold (700 allocations) the collector runs every few elements, and each of its full
passes walks the whole heap, the modules and tables loaded at start-up included. Frozen
(``gc.freeze``), what start-up made is left out of every pass; a higher first threshold
makes the passes a hundred times fewer. Reference cycles are still collected, only later.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager

IMPORT_THRESHOLD = 100_000
"""Allocations between young collections while importing (CPython's default: 700)."""


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Freeze what exists now and collect less often until the block ends; then restore
    the thresholds and let the frozen objects be collected again."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(IMPORT_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()

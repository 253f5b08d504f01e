"""Pausing Python's cyclic garbage collector around work that makes many objects and no cycles.

Loading rosters, building the graph and indexing it each create hundreds of thousands of dicts and
lists; the collector would rescan them again and again and cost a third of the time or more. On
the way out the survivors are frozen (``gc.freeze``): reference counting still frees them, but the
collector does not scan them all once more the moment it is switched back on.

>>> import gc
>>> with paused_gc():
...     gc.isenabled()
False
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["paused_gc"]


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()

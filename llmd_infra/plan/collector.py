"""Pausing Python's cyclic garbage collector around one bounded, allocation-heavy run.

A preview allocates hundreds of thousands of container objects (SDK classes, protobuf messages,
property trees), and a policy run one proxy per property map read. Almost none of them form
reference cycles, so reference counting frees them; but every few hundred allocations the cyclic
collector runs, and its oldest generation walks the whole heap — for a 10,000-resource plan that
is most of the time and makes the cost grow faster than the plan. Pausing it for the run keeps the
work linear; the few cycles made meanwhile are found by the collector's next run after the pause.
The pause ends with the run, whatever happens, and nests.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Disable the cyclic collector for the block; re-enable it after if it was on."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

"""Graphs and Python's cycle collector: full collections wait while a graph grows.

glassgrad's graphs hold no reference cycles, so reference counting frees them; the cycle
collector has nothing to find in them. But CPython (3.10 to 3.13) runs a full collection,
which visits every live object, each time the objects that survived two younger
collections have grown by a quarter. While a large graph is built, most of those objects
are its nodes, so the collector walks the whole graph again and again: measured with
``benchmarks/bench_engine.py``, building micrograd's demo graph with 1,000,000 nodes took
9 to 14x longer per node than with 10,000 nodes, nearly all of it in full collections.

The policy installed on import (:func:`install`) moves full collections, not objects. A
callback the collector runs before each collection counts the live Values (each holds a
reference to its class, so ``sys.getrefcount(Value)`` counts them at no cost per node)
and, while the live nodes have grown by at least :data:`MIN_GROWTH` since the last full
collection, raises the collector's third threshold so that no automatic full collection
starts. It lowers it back to the user's value as soon as

* the graph is freed (the live nodes fall back), or
* the objects made since the last full collection reach :data:`BUDGET` times the live
  nodes, so a full collection visits at most a quarter of an object per new object
  (CPython's own promise is four), however long a graph is kept alive;

then the full collection CPython would have run happens at once. Only when automatic full
collections run changes: young collections still run, ``gc.collect()`` still collects
everything, and every unreachable cycle of the user's objects is still collected. With
the policy, building the 1,000,000-node graph costs 1.2 to 1.6x per node what the
10,000-node one does (on Python 3.11; see the README for 3.12 and 3.13); what remains is
memory the small graph reuses and the large one must take from the system.

``gc.get_threshold()`` shows the raised threshold while a graph grows; a threshold the
user sets is kept. :func:`uninstall` restores CPython's schedule.
"""

from __future__ import annotations

import gc
import sys
from functools import partial
from typing import Any

from autograd.value import Value

__all__ = ["install", "uninstall", "is_installed", "MIN_GROWTH", "BUDGET"]

#: Live nodes a graph must have grown by since the last full collection to defer the next.
MIN_GROWTH = 10_000
#: A deferral ends once the objects made since the last full collection reach this many
#: times the live nodes.
BUDGET = 4
#: The third threshold while full collections wait; no count of young collections gets there.
_WAITING = 1 << 30


class _Policy:
    """The callback the collector calls before and after each collection."""

    def __init__(self) -> None:
        # Bound here, so the callback needs no module global (some are gone at shutdown).
        self.references = partial(sys.getrefcount, Value)
        self.get_threshold = gc.get_threshold
        self.set_threshold = gc.set_threshold
        self.baseline = self.references()  # references to the class that are not nodes
        self.nodes_at_full = 0
        self.young_since_full = 0
        self.user_threshold = gc.get_threshold()[2]

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "stop":
            if info["generation"] == 2:
                self.nodes_at_full = self.references() - self.baseline
                self.young_since_full = 0
            return
        self.young_since_full += 1
        first, second, third = self.get_threshold()
        if third != _WAITING:
            self.user_threshold = third  # the user's, also one they set since
        nodes = self.references() - self.baseline
        made = self.young_since_full * first  # about the objects made since the full one
        growing = nodes - self.nodes_at_full >= MIN_GROWTH and made < BUDGET * nodes
        wanted = _WAITING if growing else self.user_threshold
        if wanted != third:
            self.set_threshold(first, second, wanted)

    def restore(self) -> None:
        first, second, third = self.get_threshold()
        if third == _WAITING:
            self.set_threshold(first, second, self.user_threshold)


_installed: list[_Policy] = []


def install() -> None:
    """Defer automatic full collections while a graph grows (done on import; idempotent)."""
    if not _installed:
        policy = _Policy()
        _installed.append(policy)
        gc.callbacks.append(policy)


def uninstall() -> None:
    """Remove the policy and give the collector back the user's thresholds."""
    while _installed:
        policy = _installed.pop()
        if policy in gc.callbacks:
            gc.callbacks.remove(policy)
        policy.restore()


def is_installed() -> bool:
    """Return whether the policy is installed (it is after ``import autograd``)."""
    return bool(_installed)

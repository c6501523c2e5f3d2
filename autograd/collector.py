"""Graphs and Python's cycle collector: older generations wait while a graph grows.

glassgrad's graphs hold no reference cycles, so reference counting frees them; the cycle
collector has nothing to find in them. But CPython (3.10 to 3.13) visits every object of
the middle generation each time the youngest has been collected ten times, and every
live object each time the long-lived ones have grown by a quarter. While a large graph is
built, most of those objects are its nodes, so the collector walks the whole graph again
and again: measured with ``benchmarks/bench_engine.py``, building micrograd's demo graph
with 1,000,000 nodes took 7 to 14x longer per node than with 10,000 nodes on Python 3.11
(6x on 3.12, 5x on 3.13), nearly all of it in the collector.

The policy installed on import (:func:`install`) moves collections, never objects. A
callback the collector runs before each collection counts the live Values (each holds a
reference to its class, so ``sys.getrefcount(Value)`` counts them at no cost per node)
and, while the live nodes have grown by at least :data:`MIN_GROWTH` since the last full
collection, raises the collector's second and third thresholds, so that the middle and
oldest generations wait; the youngest is still collected every few hundred objects. The
user's thresholds come back as soon as

* the graph is freed (the live nodes fall back), or
* the objects made since the last full collection reach :data:`BUDGET` times the live
  nodes, so the collections that waited visit at most about a quarter of an object per
  new object however long a graph is kept alive;

from then on CPython's own schedule runs. ``gc.collect()`` still collects everything, and
every unreachable cycle of the user's objects is still collected, at the latest when the
graph is freed or the budget is spent. With the policy, building the 1,000,000-node graph
costs 1.1 to 1.3x per node what the 10,000-node one does (best of 3 builds, on 3.11, 3.12
and 3.13); with the collector off it is 1.3 to 2x: the memory a large graph must take.

``gc.get_threshold()`` shows the raised thresholds while a graph grows; thresholds the
user sets are kept. :func:`uninstall` restores CPython's schedule.
"""

from __future__ import annotations

import gc
import sys
from functools import partial
from typing import Any

from autograd.value import Value

__all__ = ["install", "uninstall", "is_installed", "MIN_GROWTH", "BUDGET"]

#: Live nodes a graph must have grown by since the last full collection before collections wait.
MIN_GROWTH = 10_000
#: A deferral ends once the objects made since the last full collection reach this many
#: times the live nodes.
BUDGET = 4
#: The second and third thresholds while collections wait: no count of collections gets there.
_WAITING = (1 << 30, 1 << 30)


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
        self.user_thresholds = gc.get_threshold()[1:]

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "stop":
            if info["generation"] == 2:
                self.nodes_at_full = self.references() - self.baseline
                self.young_since_full = 0
            return
        self.young_since_full += 1
        first, second, third = self.get_threshold()
        if (second, third) != _WAITING:
            self.user_thresholds = (second, third)  # the user's, also ones they set since
        nodes = self.references() - self.baseline
        made = self.young_since_full * first  # about the objects made since the full one
        growing = nodes - self.nodes_at_full >= MIN_GROWTH and made < BUDGET * nodes
        wanted = _WAITING if growing else self.user_thresholds
        if wanted != (second, third):
            self.set_threshold(first, *wanted)

    def restore(self) -> None:
        first, second, third = self.get_threshold()
        if (second, third) == _WAITING:
            self.set_threshold(first, *self.user_thresholds)


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

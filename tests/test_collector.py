"""Full collections wait while a graph grows; the cycle collector still collects every cycle.

``import autograd`` installs :mod:`autograd.collector`'s policy. These tests make CPython's
full collections frequent (low thresholds) so that, without the policy, building a graph
would start several, and check what the policy changes and what it leaves alone.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from autograd import Value, collector


@pytest.fixture(autouse=True)
def frequent_full_collections() -> Iterator[None]:
    saved = gc.get_threshold()
    gc.collect()
    gc.set_threshold(100, 2, 2)
    try:
        yield
    finally:
        collector.install()
        gc.set_threshold(*saved)


class FullCollections:
    """Counts the full collections (and those of the middle generation) started meanwhile."""

    def __init__(self) -> None:
        self.count = 0
        self.middle = 0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info["generation"] == 2:
            self.count += 1
        if phase == "start" and info["generation"] == 1:
            self.middle += 1

    def __enter__(self) -> FullCollections:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self)


def grow(y: Value, levels: int) -> Value:
    for _ in range(levels):
        y = y * 1.000001
    return y


def until_a_full_collection(limit: int = 1_000_000) -> list[list[int]]:
    """Make long-lived objects until CPython's own schedule starts a full collection."""
    kept: list[list[int]] = []
    with FullCollections() as full:
        while not full.count and len(kept) < limit:
            kept.append([])
    assert full.count > 0
    return kept


class Cycle:
    """A user's object that refers to itself: only the cycle collector can free it."""

    def __init__(self) -> None:
        self.me = self


def test_importing_autograd_installs_the_policy() -> None:
    assert collector.is_installed()


def test_automatic_full_collections_wait_while_a_graph_grows() -> None:
    graph = grow(Value(0.5), collector.MIN_GROWTH)  # past the growth that starts the wait
    with FullCollections() as full:
        graph = grow(graph, 30_000)
    assert full.count == 0
    assert full.middle == 0  # the middle generation's collections wait too
    assert gc.get_threshold()[0] == 100  # the youngest generation's still run
    assert gc.get_threshold()[1] > 2
    assert gc.get_threshold()[2] > 2


def test_without_the_policy_the_same_graph_starts_full_collections() -> None:
    collector.uninstall()
    assert not collector.is_installed()
    graph = grow(Value(0.5), collector.MIN_GROWTH)
    with FullCollections() as full:
        graph = grow(graph, 30_000)
    assert full.count > 0
    assert full.middle > 0
    assert graph.data > 0.5


def test_full_collections_resume_once_the_graph_is_freed() -> None:
    graph = grow(Value(0.5), collector.MIN_GROWTH + 30_000)
    assert gc.get_threshold()[2] > 2
    del graph
    kept = [[] for _ in range(1_000)]
    assert gc.get_threshold() == (100, 2, 2)  # CPython's schedule again
    kept += until_a_full_collection()


def test_a_users_cycle_is_collected_once_the_graph_is_freed() -> None:
    cycle = Cycle()
    gc.collect()  # the cycle is old now: only a full collection can free it
    alive = weakref.ref(cycle)
    graph = grow(Value(0.5), collector.MIN_GROWTH + 30_000)
    del cycle
    kept = [[] for _ in range(2_000)]
    assert alive() is not None  # waiting, while the graph grew
    del graph
    kept += until_a_full_collection()
    assert alive() is None


def test_gc_collect_frees_a_users_cycle_while_a_graph_grows() -> None:
    cycle = Cycle()
    gc.collect()
    alive = weakref.ref(cycle)
    graph = grow(Value(0.5), collector.MIN_GROWTH + 30_000)
    del cycle
    assert gc.collect() >= 1
    assert alive() is None
    assert graph.data > 0.5


def test_the_wait_ends_after_a_budget_of_new_objects_while_a_graph_is_kept() -> None:
    graph = grow(Value(0.5), collector.MIN_GROWTH + 10_000)
    nodes = 2 * (collector.MIN_GROWTH + 10_000)  # a product and a constant per level
    with FullCollections() as full:
        kept = [[] for _ in range(collector.BUDGET * nodes + 20_000)]
    assert full.count > 0
    assert graph.data > 0.5
    assert len(kept) > nodes


def test_thresholds_the_user_sets_while_collections_wait_are_kept() -> None:
    graph = grow(Value(0.5), collector.MIN_GROWTH + 30_000)
    gc.set_threshold(100, 3, 7)  # may start a full collection at once, then the wait again
    graph = grow(graph, collector.MIN_GROWTH + 10_000)
    assert gc.get_threshold()[1:] > (3, 7)
    del graph
    kept = [[] for _ in range(5_000)]
    assert gc.get_threshold() == (100, 3, 7)
    assert len(kept) == 5_000


def test_uninstall_gives_back_the_users_thresholds() -> None:
    graph = grow(Value(0.5), collector.MIN_GROWTH + 30_000)
    assert gc.get_threshold()[2] > 2
    collector.uninstall()
    assert gc.get_threshold() == (100, 2, 2)
    graph = grow(graph, 30_000)
    assert gc.get_threshold() == (100, 2, 2)
    callbacks = len(gc.callbacks)
    collector.install()
    collector.install()  # once is enough
    assert len(gc.callbacks) == callbacks + 1
    assert collector.is_installed()

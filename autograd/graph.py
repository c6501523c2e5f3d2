"""Walks over a recorded graph: iterative, deterministic, with no recursion limit.

A node here is anything with a ``parents`` tuple (an :class:`autograd.Value`). Parents are
an ordered tuple that may repeat: ``a + a`` has two edges from ``a``. The order is a
depth-first post-order taken parents-first, the same on every run.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["topological_order", "backward_order"]


#: Pushed above a node whose parents are being placed: popping it means "place that node".
_PLACE_NEXT = object()


def topological_order(roots: Any | Sequence[Any]) -> list[Any]:
    """Return every node reachable from ``roots``, each after all of its parents.

    ``roots`` is one node or a list or tuple of nodes. The order is the depth-first
    post-order that visits parents in order. Iterative, so a graph of any depth works.
    """
    root_list = roots if isinstance(roots, (list, tuple)) else (roots,)
    order: list[Any] = []
    placed: set[Any] = set()
    all_placed = placed.issuperset
    # The stack holds nodes and markers only, so a deep walk creates no objects that live
    # long enough to wake the cycle collector (a stack of (node, iterator) pairs would, and
    # then every collection would traverse the whole graph).
    stack: list[Any] = list(reversed(root_list))
    while stack:
        node = stack.pop()
        if node is _PLACE_NEXT:
            node = stack.pop()
            placed.add(node)
            order.append(node)
            continue
        if node in placed:
            continue
        parents = node.parents
        # A node whose parents are all placed already (a leaf, or a neuron whose inputs an
        # earlier neuron reached) is placed at once, with one C-level subset test.
        if all_placed(parents):
            placed.add(node)
            order.append(node)
            continue
        stack.append(node)
        stack.append(_PLACE_NEXT)
        stack.extend(reversed(parents))
    return order


def backward_order(roots: Any | Sequence[Any]) -> list[Any]:
    """Return every node reachable from ``roots``, each before all of its parents.

    This is the order backward visits nodes: when a node is reached, every node that
    uses it has already passed its gradient on.
    """
    order = topological_order(roots)
    order.reverse()
    return order

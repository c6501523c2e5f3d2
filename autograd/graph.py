"""Walks over a recorded graph: iterative, deterministic, with no recursion limit.

A node here is anything with a ``parents`` tuple (an :class:`autograd.Value`). Parents are
an ordered tuple that may repeat: ``a + a`` has two edges from ``a``. The order is a
depth-first post-order taken parents-first, the same on every run.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["topological_order", "backward_order"]


def topological_order(roots: Any | Sequence[Any]) -> list[Any]:
    """Return every node reachable from ``roots``, each after all of its parents.

    ``roots`` is one node or a list or tuple of nodes. Iterative, so a graph of any
    depth works.
    """
    root_list = roots if isinstance(roots, (list, tuple)) else (roots,)
    order: list[Any] = []
    visited: set[Any] = set()
    # A node whose parents are all placed already (a leaf, or a neuron whose inputs an
    # earlier neuron reached) is placed at once: one C-level subset test instead of a
    # stack frame and a Python loop over its parents. The order is unchanged.
    all_placed = visited.issuperset
    for root in root_list:
        if root in visited:
            continue
        visited.add(root)
        stack = [(root, iter(root.parents))]
        while stack:
            node, parents = stack[-1]
            for parent in parents:
                if parent not in visited:
                    visited.add(parent)
                    grandparents = parent.parents
                    if all_placed(grandparents):
                        order.append(parent)
                        continue
                    stack.append((parent, iter(grandparents)))
                    break
            else:
                stack.pop()
                order.append(node)
    return order


def backward_order(roots: Any | Sequence[Any]) -> list[Any]:
    """Return every node reachable from ``roots``, each before all of its parents.

    This is the order backward visits nodes: when a node is reached, every node that
    uses it has already passed its gradient on.
    """
    order = topological_order(roots)
    order.reverse()
    return order

"""topological_order is the plain depth-first post-order, node for node, on every kind of node.

The walk reads the inputs as a node stores them and takes shortcuts (it places a node whose
parents are all placed at once, and descends without a round trip through its stack), so
these tests compare it with the plain walk over the public ``parents`` on graphs with every
way a node can be made.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from autograd import Value, backward_order, dot, dots, no_grad, sum_values, topological_order


def reference_order(roots: Sequence[Any]) -> list[Any]:
    """The plain iterative depth-first post-order, parents first, one stack frame per node."""
    order: list[Any] = []
    visited: set[Any] = set()
    for root in roots:
        if root in visited:
            continue
        visited.add(root)
        stack = [(root, iter(root.parents))]
        while stack:
            node, parents = stack[-1]
            for parent in parents:
                if parent not in visited:
                    visited.add(parent)
                    stack.append((parent, iter(parent.parents)))
                    break
            else:
                stack.pop()
                order.append(node)
    return order


def _micrograd_style(children: list[Value], with_backward: bool) -> Value:
    out = Value(sum(child.data for child in children), tuple(children), "custom")
    if with_backward:

        def _backward() -> None:
            for child in children:
                child.grad += out.grad

        out._backward = _backward
    return out


def _make(kind: int, chosen: list[Value], weight_blocks: dict[int, tuple[Value, ...]]) -> Value:
    first, last = chosen[0], chosen[-1]
    # One tuple of weights per length, given to several dot nodes as nn's layers do; its
    # Values may be results placed late in the walk.
    shared = weight_blocks.setdefault(len(chosen), tuple(chosen))
    makers = [
        lambda: dots([shared], chosen)[0],
        lambda: dots([tuple(chosen), shared], chosen[::-1])[1],  # inputs shared by two rows
        lambda: first * last,
        lambda: first + first,
        lambda: sum_values(chosen),
        lambda: dot(chosen, chosen[::-1]),
        lambda: first.relu(),
        lambda: last.tanh(),
        lambda: first**last,
        lambda: first**2,
        lambda: _micrograd_style(chosen, with_backward=True),
        lambda: _micrograd_style(chosen, with_backward=False),
    ]
    if kind == len(makers):
        with no_grad():  # a result made under no_grad is a leaf
            return first * last
    return makers[kind]()


recipes = st.lists(
    st.tuples(st.integers(0, 12), st.lists(st.integers(0, 60), min_size=1, max_size=5)),
    min_size=1,
    max_size=50,
)


@given(recipes, st.lists(st.integers(0, 60), min_size=1, max_size=4))
def test_order_is_the_plain_depth_first_post_order(
    recipe: list[tuple[int, list[int]]], root_picks: list[int]
) -> None:
    nodes = [Value(1.0), Value(2.0)]
    weight_blocks: dict[int, tuple[Value, ...]] = {}
    for kind, picks in recipe:
        nodes.append(_make(kind, [nodes[i % len(nodes)] for i in picks], weight_blocks))
    roots = [nodes[-1 - i % len(nodes)] for i in root_picks]  # may repeat
    assert topological_order(roots) == reference_order(roots)
    assert topological_order(roots[0]) == reference_order(roots[:1])
    assert backward_order(roots) == reference_order(roots)[::-1]


def test_order_of_an_mlp_loss_is_the_plain_post_order() -> None:
    model = nn.MLP(2, [4, 4, 1], seed=0)
    loss = nn.hinge_loss([model([0.5, -1.0]), model([1.0, 2.0])], [1, -1])
    assert topological_order(loss) == reference_order([loss])
    # A weight replaced by a result between samples: the layer's kept weight tuple
    # changes with it, and the walk still places that result before its users.
    neuron = model.layers[1].neurons[2]
    neuron.w[1] = model.layers[0].neurons[0].w[0] * 2.0
    loss = nn.hinge_loss([model([0.5, -1.0]), model([1.0, 2.0])], [1, -1])
    order = topological_order(loss)
    assert order == reference_order([loss])
    assert neuron.w[1] in order


def test_order_of_a_deep_chain_lists_every_node_once() -> None:
    x = Value(0.5)
    y = x
    for _ in range(100_000):
        y = y * 1.000001
    order = topological_order(y)
    assert order == reference_order([y])
    assert len(order) == 1 + 2 * 100_000  # x, then a constant and a product per level


def test_order_takes_values_only() -> None:
    with pytest.raises(TypeError, match=r"takes Values .* got float 3\.0"):
        topological_order(3.0)
    with pytest.raises(TypeError, match="got str 'x'"):
        topological_order([Value(1.0), "x"])

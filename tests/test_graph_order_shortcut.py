"""topological_order places nodes whose parents are all placed at once; same order as before."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import nn
from autograd import Value, dot, sum_values, topological_order


def reference_order(root: Any) -> list[Any]:
    """The plain iterative depth-first post-order, parents first, one stack frame per node."""
    order: list[Any] = []
    visited = {root}
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


@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.lists(st.integers(0, 50), min_size=1, max_size=4)),
        min_size=1,
        max_size=40,
    )
)
def test_order_is_the_plain_depth_first_post_order(recipe: list[tuple[int, list[int]]]) -> None:
    nodes = [Value(1.0), Value(2.0)]
    for kind, picks in recipe:
        chosen = [nodes[i % len(nodes)] for i in picks]
        if kind == 0:
            nodes.append(chosen[0] * chosen[-1])
        elif kind == 1:
            nodes.append(sum_values(chosen))
        elif kind == 2:
            nodes.append(dot(chosen, chosen[::-1]))
        else:
            nodes.append(chosen[0].relu())
    root = sum_values(nodes[-3:])
    assert topological_order(root) == reference_order(root)


def test_order_of_an_mlp_loss_is_the_plain_post_order() -> None:
    model = nn.MLP(2, [4, 4, 1], seed=0)
    loss = nn.hinge_loss([model([0.5, -1.0]), model([1.0, 2.0])], [1, -1])
    assert topological_order(loss) == reference_order(loss)

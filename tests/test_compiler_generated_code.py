"""What compile() writes: no user text unescaped, and code linear in the graph.

Labels are user strings. They may appear in the generated source only as escaped comments,
so no label can change what a compiled step computes or run code of its own. logsumexp's
shift is computed once, so its code grows linearly with its inputs.
"""

from __future__ import annotations

import math
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, compile, logsumexp, sum_values, topological_order


def loss_with_labels(labels: list[str]) -> tuple[Value, list[Value]]:
    """A small graph whose every node carries one of ``labels`` (cycled)."""
    x = Value(0.75)
    w = Value(-1.25)
    h = (x * w + 0.5).tanh()
    y = logsumexp([h, x, h * h]) + (h - 2.0).relu()
    nodes = topological_order(y)
    for i, node in enumerate(nodes):
        node.label = labels[i % len(labels)]
    return y, [x, w]


def compiled_and_eager(labels: list[str]) -> tuple[tuple[float, ...], tuple[float, ...]]:
    y, leaves = loss_with_labels(labels)
    step = compile(y)
    compiled = (step(), *[leaf.grad for leaf in leaves])
    for leaf in leaves:
        leaf.grad = 0.0
    y.backward()
    return compiled, (y.data, *[leaf.grad for leaf in leaves])


HOSTILE = [
    "h\n    v2 = 100.0",
    "loss\nterm",
    "h\r\n    v3 = -1.0",
    "nul\x00byte",
    "quotes ' \" ''' \"\"\"",
    "h\n    __import__('os').environ.__setitem__('GLASSGRAD_LABEL_RAN', '1')",
    "\\",
    "line\u2028separator\u2029and\x0cform feed\x0bvtab",
    "# comment\n    raise SystemExit",
]


@pytest.mark.parametrize("label", HOSTILE)
def test_a_hostile_label_leaves_the_compiled_result_equal_to_eager(label: str) -> None:
    compiled, eager = compiled_and_eager([label])
    assert compiled == eager
    assert "GLASSGRAD_LABEL_RAN" not in os.environ


def test_labels_appear_in_the_source_only_as_escaped_comments() -> None:
    y, _ = loss_with_labels(["h\n    v2 = 100.0"])
    source = compile(y).source
    assert "\n    v2 = 100.0" not in source
    assert "# 'h\\n    v2 = 100.0'" in source


@settings(max_examples=200, deadline=None)
@given(labels=st.lists(st.text(st.characters(blacklist_categories=())), min_size=1, max_size=6))
def test_any_labels_leave_compiled_values_and_gradients_unchanged(labels: list[str]) -> None:
    compiled, eager = compiled_and_eager(labels)
    unlabelled, _ = compiled_and_eager([""])
    assert compiled == eager == unlabelled


def test_logsumexp_of_2000_inputs_compiles_to_linear_code_equal_to_eager() -> None:
    xs = [Value(math.sin(i) * 30.0) for i in range(2000)]
    y = logsumexp(xs) * 0.5
    step = compile(y)
    assert len(step.source) < 200 * len(xs)
    value = step()
    compiled_grads = [x.grad for x in xs]
    for x in xs:
        x.grad = 0.0
    y.backward()
    assert value == y.data
    assert compiled_grads == [x.grad for x in xs]


def test_logsumexp_source_computes_the_shift_once() -> None:
    xs = [Value(float(i)) for i in range(50)]
    source = compile(sum_values([logsumexp(xs)])).source
    assert source.count("max(") == 1

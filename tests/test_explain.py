"""Explaining a gradient as the chain rule's sum over paths: explain()."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd import Value, dot, sum_values
from autograd.viz import Explanation, draw_dot, explain

TUTORIAL_LOSS = 0.31052241854349866
TUTORIAL_W11_GRAD = 0.64245416  # the tutorial's dLoss/dW[0][0], to 8 decimals


def tutorial_network(fused: bool) -> tuple[Value, list[list[Value]]]:
    """Return the tutorial's loss and weights ``W[i][j]`` (input i to neuron j).

    Weights: NumPy seed 42, ``randn(4, 3) * 0.1``; inputs 1, 2, 3, 2.5; biases 0;
    neuron j = relu(Σ_i x_i W[i][j] + b_j); loss = mean of squared outputs (target 0).
    ``fused`` builds Σ w·x as one ``dot`` node, else from primitive ``*`` and ``+``.
    """
    rng_weights = np.random.RandomState(42).randn(4, 3) * 0.1
    inputs = [1.0, 2.0, 3.0, 2.5]
    weights = [
        [Value(rng_weights[i][j], label=f"w{i + 1}{j + 1}") for j in range(3)] for i in range(4)
    ]
    outputs = []
    for j in range(3):
        column = [weights[i][j] for i in range(4)]
        if fused:
            pre_activation = dot(column, inputs) + Value(0.0, label=f"b{j + 1}")
        else:
            pre_activation = Value(0.0, label=f"b{j + 1}")
            for w, x in zip(column, inputs):
                pre_activation = pre_activation + w * x
        outputs.append(pre_activation.relu())
    loss = sum_values([output**2 for output in outputs]) / 3
    loss.label = "loss"
    return loss, weights


@pytest.mark.parametrize("fused", [True, False], ids=["dot", "primitive"])
def test_tutorial_gradient_of_w11_is_the_sum_over_its_paths(fused: bool) -> None:
    loss, weights = tutorial_network(fused)
    w11 = weights[0][0]
    explanation = explain(loss, w11)
    loss.backward()
    assert loss.data == pytest.approx(TUTORIAL_LOSS, abs=1e-15)
    assert explanation.total == pytest.approx(TUTORIAL_W11_GRAD, abs=1e-8)
    assert explanation.total == w11.grad
    assert explanation.path_count == 1


def test_tutorial_path_prints_with_its_local_derivatives() -> None:
    loss, weights = tutorial_network(fused=True)
    text = str(explain(loss, weights[0][0]))
    assert text.splitlines() == [
        "d loss / d w11: 1 path, each the product of the local derivatives along it",
        "Path 1: loss ← Σ of 3 ← v12 ← relu(w11·1 + … + b1) ← w11·1 + … + b1 ← w11·1 + … ← w11: "
        "0.3333 × 1 × 1.927 × 1 × 1 × 1 = 0.6425",
        "Total: 0.6425 (= 0.642454161420958)",
    ]


def test_tutorial_path_edges_hold_each_op_and_local_derivative() -> None:
    loss, weights = tutorial_network(fused=True)
    (path,) = explain(loss, weights[0][0]).paths
    neuron_output = path.nodes[3]
    assert [edge.op.symbol for edge in path.edges] == ["/", "Σ", "**2", "ReLU", "+", "Σ w·x"]
    assert [edge.local_grad for edge in path.edges] == [
        1 / 3,
        1.0,
        2 * neuron_output.data,
        1.0,
        1.0,
        1.0,  # input x_1
    ]
    assert path.product == pytest.approx(TUTORIAL_W11_GRAD, abs=1e-8)


def test_details_name_each_edges_derivative_rule_and_input_role() -> None:
    loss, weights = tutorial_network(fused=True)
    text = explain(loss, weights[0][0]).format(details=True)
    assert (
        "    d [relu(w11·1 + … + b1)] / d [w11·1 + … + b1] = 1   "
        "by relu: d(relu x)/dx = 1 if relu(x) > 0 else 0"
    ) in text
    assert "    d loss / d [Σ of 3] (its numerator) = 0.333333   by div: d(x/y)/dx = 1/y" in text
    assert "    d [w11·1 + …] / d w11 (its weight 1) = 1   by dot: " in text


def test_a_reused_value_has_one_path_per_use() -> None:
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = a * b + a
    c.label = "c"
    explanation = explain(c, a)
    assert [str(path) for path in explanation.paths] == [
        "c ← a·b ← a: 1 × -3 = -3",
        "c ← a: 1 = 1",
    ]
    c.backward()
    assert explanation.total == a.grad == -2.0


def test_a_plus_a_counts_both_edges() -> None:
    a = Value(5.0, label="a")
    doubled = a + a
    explanation = explain(doubled, a)
    assert explanation.path_count == 2
    assert [path.edges[0].input_number for path in explanation.paths] == [0, 1]
    assert explanation.total == 2.0


def test_listed_products_sum_to_the_total() -> None:
    x = Value(0.7, label="x")
    y = Value(-0.4, label="y")
    f = ((x * y + x).tanh() * x + (x / y).exp()) * y
    explanation = explain(f, x)
    assert not explanation.truncated
    assert math.fsum(path.product for path in explanation.paths) == pytest.approx(
        explanation.total, rel=1e-12
    )
    f.backward()
    assert explanation.total == x.grad


def test_a_value_that_does_not_feed_the_root_has_no_paths() -> None:
    x = Value(1.0, label="x")
    unrelated = Value(2.0, label="u")
    explanation = explain(x * 3.0, unrelated)
    assert explanation.path_count == 0
    assert explanation.paths == ()
    assert explanation.total == 0.0
    assert "u does not feed into x·3, so the gradient is 0" in str(explanation)


def test_the_root_with_respect_to_itself_is_one_empty_path() -> None:
    x = Value(1.5, label="x")
    explanation = explain(x, x)
    assert explanation.path_count == 1
    assert explanation.total == 1.0
    assert "Path 1: (the root itself): 1" in str(explanation)


def test_exponentially_many_paths_are_counted_not_enumerated() -> None:
    x = Value(1.0, label="x")
    doubling = x
    for _ in range(80):
        doubling = doubling + doubling  # each level doubles the paths
    explanation = explain(doubling, x, max_paths=1000)
    assert explanation.path_count == 2**80
    assert len(explanation.paths) == 1000
    assert explanation.truncated
    assert explanation.total == 2.0**80
    assert f"showing the first 1000 of {2**80} paths (max_paths=1000)" in str(explanation)


def test_max_paths_zero_lists_none_and_still_totals() -> None:
    x = Value(3.0, label="x")
    y = x * x
    explanation = explain(y, x, max_paths=0)
    assert explanation.paths == ()
    assert explanation.total == 6.0


def test_a_deep_chain_explains_without_recursion() -> None:
    x = Value(1.0, label="x")
    chain = x
    for _ in range(5_000):  # far past Python's recursion limit
        chain = chain * 1.0
    explanation = explain(chain, x)
    assert explanation.path_count == 1
    assert len(explanation.paths[0].edges) == 5_000
    assert explanation.total == 1.0


def test_explain_leaves_grad_untouched() -> None:
    loss, weights = tutorial_network(fused=True)
    explain(loss, weights[0][0])
    assert weights[0][0].grad == 0.0
    assert loss.grad == 0.0


def test_explain_refuses_non_values() -> None:
    with pytest.raises(TypeError, match="explain\\(\\) takes two Values, got Value and float"):
        explain(Value(1.0), 2.0)  # type: ignore[arg-type]


def test_the_drawing_highlights_exactly_the_edges_on_paths() -> None:
    a = Value(2.0, label="a")  # n0
    b = Value(-3.0, label="b")  # n1
    c = a * b + a  # a * b is n2, c is n3
    explanation = explain(c, b)
    source = explanation.draw().source
    assert "  n1 -> n2 [color=" in source  # b into a * b
    assert "  n2 -> n3 [color=" in source  # a * b into c
    assert "  n0 -> n2;" in source  # a is on no path to b
    assert "  n0 -> n3;" in source
    assert 'color="#d62728"' in source.split("\n  n1 [")[1].split("\n")[0]
    assert 'color="#d62728"' not in source.split("\n  n0 [")[1].split("\n")[0]


def test_draw_dot_highlight_matches_explanation_draw() -> None:
    a = Value(2.0, label="a")
    c = a * a + 1.0
    explanation: Explanation = explain(c, a)
    highlighted = draw_dot(c, highlight=explanation).source
    assert highlighted.count('color="#d62728"') == explanation.draw().source.count(
        'color="#d62728"'
    )
    assert highlighted.count("  n0 -> n1 [color=") == 2


def test_a_highlighted_drawing_renders(dot_program: str) -> None:
    loss, weights = tutorial_network(fused=True)
    assert b"<svg" in explain(loss, weights[0][0]).draw().pipe("svg")

"""dot() and relu() build their nodes inline for speed; these check they are the table's ops."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from autograd import Value, apply, dot, dots, no_grad
from autograd.ops import DOT, FLOAT_MATH, RELU

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@given(st.lists(st.tuples(finite, finite), min_size=1, max_size=8))
def test_dot_value_is_the_table_rule_bit_for_bit(pairs: list[tuple[float, float]]) -> None:
    weights = [w for w, _ in pairs]
    inputs = [x for _, x in pairs]
    assert dot(weights, inputs).data == DOT.eager_forward(*weights, *inputs)


def test_dot_records_the_table_op_and_its_inputs_in_order() -> None:
    w, x = Value(2.0), Value(3.0)
    out = dot([w, 1.5], [x, 4])
    assert out.op is DOT
    assert out.parents[0] is w and out.parents[2] is x
    assert [p.data for p in out.parents] == [2.0, 1.5, 3.0, 4.0]


def test_dot_under_no_grad_is_a_leaf() -> None:
    with no_grad():
        out = dot([Value(2.0)], [Value(3.0)])
    assert out.data == 6.0
    assert out.is_leaf


def test_dot_backward_gives_each_weight_its_input() -> None:
    w = [Value(2.0), Value(-1.0)]
    x = [Value(3.0), Value(5.0)]
    dot(w, x).backward()
    assert [v.grad for v in w] == [3.0, 5.0]
    assert [v.grad for v in x] == [2.0, -1.0]


def test_dot_follows_ieee_without_raising() -> None:
    assert dot([1e308], [10.0]).data == math.inf


@given(st.lists(st.tuples(finite, finite), min_size=1, max_size=8), finite)
def test_dot_backward_kernel_is_the_table_rule(pairs: list[tuple[float, float]], g: float) -> None:
    weights = [Value(w) for w, _ in pairs]
    inputs = [Value(x) for _, x in pairs]
    out = dot(weights, inputs)
    out.grad = g
    out._backward()
    local = DOT.local_grads(FLOAT_MATH, out.data, *[p.data for p in out.parents])
    assert [p.grad for p in out.parents] == [g * d for d in local]


def test_dot_backward_adds_weights_first_when_a_value_is_weight_and_input() -> None:
    # dot([b, a], [a, c]): a's terms in the rule's order, weight (g*c) before input (g*b),
    # as grad(), explain() and compile() add them.
    a, b, c = Value(0.1), Value(1e16), Value(-1e16)
    a.grad = 1.0
    out = dot([b, a], [a, c])
    out.grad = 1.0
    out._backward()
    assert a.grad == (1.0 + c.data) + b.data


def test_dot_backward_adds_both_roles_of_a_repeated_value() -> None:
    p = Value(3.0)
    dot([p], [p]).backward()
    assert p.grad == 6.0


@given(st.floats())
def test_relu_value_is_the_table_rule(x: float) -> None:
    out = Value(x).relu()
    expected = RELU.eager_forward(x)
    assert out.op is RELU
    assert out.data == expected or (math.isnan(out.data) and math.isnan(expected))


def test_relu_under_no_grad_is_a_leaf() -> None:
    with no_grad():
        assert Value(2.0).relu().is_leaf


def test_dots_is_one_dot_per_row_on_the_same_inputs() -> None:
    x = [Value(1.5), Value(-2.0)]
    rows = [[Value(3.0), Value(0.25)], [1.0, 2.0]]
    outs = dots(rows, x)
    assert [o.data for o in outs] == [dot(row, x).data for row in rows]
    assert all(o.op is DOT and o.parents[2] is x[0] for o in outs)


def test_dots_refuses_a_row_of_another_length() -> None:
    with pytest.raises(ValueError, match="got 1 weights and 2 inputs"):
        dots([[1.0, 2.0], [1.0]], [1.0, 2.0])


def test_dot_of_nothing_is_a_zero_leaf() -> None:
    out = dot([], [])
    assert out.data == 0.0 and out.is_leaf


def test_dot_refuses_a_non_number() -> None:
    with pytest.raises(TypeError, match="takes a real number, got str"):
        dot([1.0], ["a"])  # type: ignore[list-item]


def test_dot_backward_with_zero_upstream_grad_still_makes_nan_from_an_infinite_input() -> None:
    # IEEE as in PyTorch: 0 * inf is nan, so the zero-gradient shortcut must not apply.
    w, x = Value(math.inf), Value(1.0)
    dot([w], [x])._backward()  # its grad is 0
    assert w.grad == 0.0
    assert math.isnan(x.grad)


def test_dot_backward_with_zero_upstream_grad_leaves_grads_unchanged() -> None:
    w, x = Value(2.0), Value(3.0)
    w.grad, x.grad = 0.5, -0.25
    dot([w], [x])._backward()  # its grad is 0
    assert (w.grad, x.grad) == (0.5, -0.25)


def test_dot_applied_by_name_takes_two_equal_blocks() -> None:
    w, x = Value(2.0), Value(3.0)
    out = apply("dot", w, 1.5, x, 4)
    assert out.parents[0] is w and out.parents[2] is x
    assert out.data == dot([w, 1.5], [x, 4]).data
    with pytest.raises(TypeError, match=r"op 'dot' takes its inputs in two equal blocks .* got 3"):
        apply("dot", w, x, 1.0)


def test_a_layer_gives_every_sample_the_weights_it_holds_now() -> None:
    layer = nn.Layer(2, 2, activation=None, seed=0)
    neuron = layer.neurons[1]
    before = layer.outputs([1.0, 1.0])[1].data
    neuron.w[0] = Value(neuron.w[0].data + 1.0)
    out = layer.outputs([1.0, 1.0])[1]
    assert out.data == before + 1.0
    out.backward()
    assert neuron.w[0].grad == 1.0

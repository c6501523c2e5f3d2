"""An op added by a user, as one record in this file only, works everywhere.

``sin`` and ``cos`` are not part of glassgrad: each is one :class:`autograd.Op` record
here, with the IEEE-safe float function its rules call. Eager backward, higher-order
``grad``, ``compile``, ``draw_dot``, ``explain`` and ``backward_steps`` all read them from
the records, checked against central differences and PyTorch.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Op, Value, apply, compile, grad, gradcheck
from autograd.viz import backward_steps, draw_dot, explain


def safe_sin(x: float) -> float:
    """sin with IEEE results: nan for ±inf (math.sin raises there)."""
    return math.sin(x) if math.isfinite(x) else math.nan


def safe_cos(x: float) -> float:
    """cos with IEEE results: nan for ±inf (math.cos raises there)."""
    return math.cos(x) if math.isfinite(x) else math.nan


# cos names sin by its name: sin is defined after it.
COS = Op(
    "cos",
    "cos",
    forward=lambda m, x: m.call("cos", x),
    local_grads=lambda m, out, x: (-m.apply("sin", x),),
    arity=1,
    doc="d(cos x)/dx = -sin(x)",
    functions={"cos": safe_cos},
)

SIN = Op(
    "sin",
    "sin",
    forward=lambda m, x: m.call("sin", x),
    local_grads=lambda m, out, x: (m.apply(COS, x),),
    arity=1,
    doc="d(sin x)/dx = cos(x)",
    functions={"sin": safe_sin},
)


def sin(x: Value) -> Value:
    return apply(SIN, x)


def cos(x: Value) -> Value:
    return apply(COS, x)


def wave(x: Value, y: Value) -> Value:
    return sin(x * y) + cos(x) * x


finite = st.floats(-4.0, 4.0, allow_nan=False)


def test_a_user_op_records_a_node_drawn_with_its_symbol() -> None:
    x = Value(0.5, label="x")
    y = sin(x)
    assert y.op is SIN and y.parents == (x,) and y.symbol == "sin"
    assert y.data == math.sin(0.5)


@settings(max_examples=40, deadline=None)
@given(x=finite, y=finite)
def test_eager_backward_matches_central_differences(x: float, y: float) -> None:
    assert gradcheck(wave, [x, y], atol=1e-6, rtol=1e-5)


@settings(max_examples=30, deadline=None)
@given(x=finite)
def test_second_and_third_derivatives_come_from_the_records(x: float) -> None:
    v = Value(x)
    (d1,) = grad(sin(v), [v], create_graph=True)
    (d2,) = grad(d1, [v], create_graph=True)
    (d3,) = grad(d2, [v])
    assert d1.data == math.cos(x)
    assert d2.data == -math.sin(x)
    assert d3.data == -math.cos(x)


@settings(max_examples=30, deadline=None)
@given(x=finite, y=finite)
def test_compiled_equals_eager_bit_for_bit(x: float, y: float) -> None:
    a, b = Value(x), Value(y)
    out = wave(a, b)
    out.backward()
    eager = (out.data, a.grad, b.grad)
    a.grad = b.grad = 0.0
    step = compile(out)
    assert (step(), a.grad, b.grad) == eager


def test_explain_and_backward_steps_read_the_records() -> None:
    x = Value(0.7, label="x")
    out = sin(x) * cos(x)
    out.backward()
    e = explain(out, x)
    assert e.total == x.grad
    assert e.path_count == 2
    assert "d(sin x)/dx = cos(x)" in e.format(details=True)
    steps = backward_steps(out)
    assert steps[-1].node is x and steps[-1].grad == x.grad


def test_draw_dot_names_the_user_ops() -> None:
    x = Value(0.7, label="x")
    source = draw_dot(sin(x) + cos(x)).source
    assert ">sin<" in source and ">cos<" in source  # each op's symbol, on its node


def test_user_ops_keep_ieee_results() -> None:
    x = Value(math.inf)
    y = sin(x)
    y.backward()
    assert math.isnan(y.data) and math.isnan(x.grad)


@pytest.mark.torch
@settings(max_examples=30, deadline=None)
@given(x=finite, y=finite)
def test_values_and_gradients_match_torch_float64(x: float, y: float, torch: Any) -> None:
    a, b = Value(x), Value(y)
    out = wave(a, b)
    out.backward()
    ta = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    tb = torch.tensor(y, dtype=torch.float64, requires_grad=True)
    expected = torch.sin(ta * tb) + torch.cos(ta) * ta
    expected.backward()
    assert out.data == pytest.approx(expected.item(), rel=1e-14, abs=1e-15)
    assert a.grad == pytest.approx(ta.grad.item(), rel=1e-12, abs=1e-14)
    assert b.grad == pytest.approx(tb.grad.item(), rel=1e-12, abs=1e-14)


# --- a record is checked where it is defined ----------------------------------------


def test_a_record_without_a_derivative_rule_fails_where_it_is_defined() -> None:
    with pytest.raises(TypeError, match="op 'broken_a' needs a local_grads rule"):
        Op("broken_a", "?", forward=lambda m, x: x, local_grads=None, arity=1)  # type: ignore[arg-type]


def test_a_rule_with_the_wrong_number_of_derivatives_fails_where_it_is_defined() -> None:
    with pytest.raises(ValueError, match="op 'broken_b': local_grads returned 2 derivatives"):
        Op(
            "broken_b",
            "?",
            forward=lambda m, x: x,
            local_grads=lambda m, out, x: (1.0, 1.0),
            arity=1,
        )


def test_a_second_op_of_the_same_name_is_refused() -> None:
    with pytest.raises(ValueError, match="an op named 'sin' exists already"):
        Op("sin", "sin", forward=lambda m, x: x, local_grads=lambda m, out, x: (1.0,), arity=1)


def test_applying_an_op_to_the_wrong_number_of_inputs_names_it() -> None:
    with pytest.raises(TypeError, match="op 'sin' takes 1 inputs, got 2"):
        apply(SIN, Value(1.0), Value(2.0))

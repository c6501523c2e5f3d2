"""Extreme inputs: IEEE results as PyTorch float64 gives them, and no Python exception."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest

from autograd import Value, detect_anomaly

inf, nan = math.inf, math.nan


def same(a: float, b: float) -> bool:
    """Equal as IEEE values, with nan equal to nan and signs of infinities respected."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b or math.isclose(a, b, rel_tol=1e-12)


def run(f: Callable[..., Value], *inputs: float) -> tuple[float, list[float]]:
    leaves = [Value(x) for x in inputs]
    out = f(*leaves)
    out.backward()
    return out.data, [leaf.grad for leaf in leaves]


def run_torch(torch: Any, f: Callable[..., Any], *inputs: float) -> tuple[float, list[float]]:
    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in inputs]
    out = f(*tensors)
    out.backward()
    return out.item(), [t.grad.item() for t in tensors]


# (description, function on Values or tensors, inputs, expected value or None to skip)
EXTREMES: list[tuple[str, Callable[..., Any], tuple[float, ...], float | None]] = [
    ("exp(1000)", lambda x: x.exp(), (1000.0,), inf),
    ("exp(-1000)", lambda x: x.exp(), (-1000.0,), 0.0),
    ("log(0)", lambda x: x.log(), (0.0,), -inf),
    ("log(-1)", lambda x: x.log(), (-1.0,), nan),
    ("log(1e-320)", lambda x: x.log(), (1e-320,), math.log(1e-320)),
    ("tanh(1000)", lambda x: x.tanh(), (1000.0,), 1.0),
    ("tanh(-1000)", lambda x: x.tanh(), (-1000.0,), -1.0),
    ("sigmoid(1000)", lambda x: x.sigmoid(), (1000.0,), 1.0),
    ("sigmoid(-1000)", lambda x: x.sigmoid(), (-1000.0,), 0.0),
    ("(-8) ** (1/3)", lambda x: x ** (1 / 3), (-8.0,), nan),
    ("0 ** 0", lambda x: x**0, (0.0,), 1.0),
    ("0 ** -1", lambda x: x**-1, (0.0,), inf),
    ("x ** y at (0, 0)", lambda x, y: x**y, (0.0, 0.0), 1.0),
    ("x ** y at (0, -1)", lambda x, y: x**y, (0.0, -1.0), inf),
    ("x ** y at (-2, 2)", lambda x, y: x**y, (-2.0, 2.0), 4.0),
    ("x ** y at (10, 400)", lambda x, y: x**y, (10.0, 400.0), inf),
    ("1 / 0", lambda x, y: x / y, (1.0, 0.0), inf),
    ("-1 / 0", lambda x, y: x / y, (-1.0, 0.0), -inf),
    ("0 / 0", lambda x, y: x / y, (0.0, 0.0), nan),
    ("1e-300 / 1e-200", lambda x, y: x / y, (1e-300, 1e-200), 1e-100),
    ("inf * 0", lambda x, y: x * y, (inf, 0.0), nan),
    ("relu(0)", lambda x: x.relu(), (0.0,), 0.0),
    ("relu(nan)", lambda x: x.relu(), (nan,), nan),
    ("2 ** x at 1e4", lambda x: 2**x, (1e4,), inf),
    ("nan + 1", lambda x: x + 1, (nan,), nan),
    ("nan * 2", lambda x: x * 2, (nan,), nan),
    ("exp(nan)", lambda x: x.exp(), (nan,), nan),
    ("log(nan)", lambda x: x.log(), (nan,), nan),
    ("tanh(nan)", lambda x: x.tanh(), (nan,), nan),
    ("sigmoid(nan)", lambda x: x.sigmoid(), (nan,), nan),
    ("nan ** 2", lambda x: x**2, (nan,), nan),
    ("nan / 2", lambda x, y: x / y, (nan, 2.0), nan),
    ("(-10) ** 401", lambda x: x**401, (-10.0,), -inf),
    # A fractional power of a negative number is nan even where its size would overflow.
    ("(-10) ** 400.5", lambda x: x**400.5, (-10.0,), nan),
    ("(-1e308) ** 1.5", lambda x: x**1.5, (-1e308,), nan),
    ("x ** y at (-1e308, 2.5)", lambda x, y: x**y, (-1e308, 2.5), nan),
    ("(-0) ** -1", lambda x: x**-1, (-0.0,), -inf),
    ("exp(inf)", lambda x: x.exp(), (inf,), inf),
    ("exp(-inf)", lambda x: x.exp(), (-inf,), 0.0),
    ("log(inf)", lambda x: x.log(), (inf,), inf),
]

IDS = [case[0] for case in EXTREMES]


@pytest.mark.parametrize(("description", "f", "inputs", "expected"), EXTREMES, ids=IDS)
def test_extreme_input_gives_the_ieee_value_without_an_exception(
    description: str, f: Callable[..., Value], inputs: tuple[float, ...], expected: float
) -> None:
    value, _ = run(f, *inputs)
    assert same(value, expected), f"{description}: got {value!r}, expected {expected!r}"


@pytest.mark.parametrize(("description", "f", "inputs", "expected"), EXTREMES, ids=IDS)
def test_extreme_input_matches_torch_float64_in_value_and_gradient(
    description: str, f: Callable[..., Any], inputs: tuple[float, ...], expected: float, torch: Any
) -> None:
    value, grads = run(f, *inputs)
    torch_value, torch_grads = run_torch(torch, f, *inputs)
    assert same(value, torch_value), f"{description}: value {value!r} vs torch {torch_value!r}"
    for got, want in zip(grads, torch_grads):
        assert same(got, want), f"{description}: gradient {got!r} vs torch {want!r}"


@pytest.mark.parametrize("x", [1000.0, -1000.0])
def test_saturated_tanh_and_sigmoid_have_zero_gradient(x: float) -> None:
    assert run(lambda v: v.tanh(), x)[1] == [0.0]
    assert run(lambda v: v.sigmoid(), x)[1] == [0.0]


def test_zero_to_the_zero_has_zero_gradient() -> None:
    assert run(lambda x: x**0, 0.0)[1] == [0.0]
    assert run(lambda x, y: x**y, 0.0, 0.0)[1] == [0.0, 0.0]


def test_relu_has_zero_gradient_at_zero() -> None:
    assert run(lambda x: x.relu(), 0.0)[1] == [0.0]


def test_tiny_quotient_has_finite_gradients() -> None:
    _, (d_numerator, d_denominator) = run(lambda x, y: x / y, 1e-300, 1e-200)
    assert d_numerator == pytest.approx(1e200, rel=1e-12)
    assert d_denominator == pytest.approx(-1e100, rel=1e-12)


def test_fractional_power_of_a_negative_number_is_nan_not_complex() -> None:
    value, grads = run(lambda x: x ** (1 / 3), -8.0)
    assert type(value) is float
    assert math.isnan(value)
    assert all(type(g) is float for g in grads)


def test_nan_input_propagates_through_a_whole_expression() -> None:
    value, grads = run(lambda x, y: (x * y + y.exp()).tanh() / (y + 2), nan, 1.0)
    assert math.isnan(value)
    assert math.isnan(grads[0])


def test_huge_integer_becomes_infinity() -> None:
    assert Value(10**400).data == inf
    assert Value(-(10**400)).data == -inf


def test_anomaly_mode_names_the_op_that_made_inf() -> None:
    with detect_anomaly(), pytest.raises(FloatingPointError, match="exp produced inf"):
        Value(1000.0).exp()


def test_anomaly_mode_names_the_op_whose_backward_made_nan() -> None:
    x = Value(0.0)
    y = x**0.5  # fine forward (0.0), but d/dx = 0.5 * 0 ** -0.5 = inf
    with detect_anomaly(), pytest.raises(FloatingPointError, match="backward of pow_const"):
        y.backward()


def test_anomaly_mode_is_off_by_default_and_restored_after_the_block() -> None:
    with detect_anomaly():
        pass
    assert Value(1000.0).exp().data == inf

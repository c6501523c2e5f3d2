"""Every op of the table, checked against central differences and its own readers.

Each op glassgrad defines (``BUILTIN_OPS``) has a case here: how to apply it to Values and
where its inputs may lie. A new op without a case fails ``test_every_op_has_a_case``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import (
    Value,
    apply,
    dot,
    grad,
    gradcheck,
    logsumexp,
    numerical_grad,
    softmax_shift,
    sum_values,
    topological_order,
)
from autograd.ops import BUILTIN_OPS, LOG1P, OP_TABLE


def floats(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def away_from_zero(lo: float, hi: float) -> st.SearchStrategy[float]:
    return floats(lo, hi) | floats(-hi, -lo)


@dataclass(frozen=True)
class Case:
    apply: Callable[..., Value]
    inputs: st.SearchStrategy[list[float]]
    torch_apply: Callable[..., Any]
    example: tuple[float, ...]


def fixed(*strategies: st.SearchStrategy[float]) -> st.SearchStrategy[list[float]]:
    return st.tuples(*strategies).map(list)


def pairs(n_max: int) -> st.SearchStrategy[list[float]]:
    return st.integers(1, n_max).flatmap(
        lambda n: st.lists(floats(-3, 3), min_size=2 * n, max_size=2 * n)
    )


def shifted_softmax_first(xs: tuple[Value, ...]) -> Value:
    shift = softmax_shift(xs)
    return (xs[0] - shift).exp() / sum_values([(x - shift).exp() for x in xs])


def torch_softmax_first(xs: tuple[Any, ...]) -> Any:
    """softmax(x)[0] on torch scalars, shifted by the largest input as torch.softmax does."""
    largest = max(x.item() for x in xs)
    return (xs[0] - largest).exp() / sum((x - largest).exp() for x in xs)


def torch_logsumexp(xs: tuple[Any, ...]) -> Any:
    """logsumexp on torch scalars, shifted by the largest input as torch.logsumexp does."""
    largest = max(x.item() for x in xs)
    return sum((x - largest).exp() for x in xs).log() + largest


def _half(xs: tuple[Any, ...]) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    n = len(xs) // 2
    return xs[:n], xs[n:]


CASES: dict[str, Case] = {
    "add": Case(
        lambda x, y: x + y, fixed(floats(-10, 10), floats(-10, 10)), lambda x, y: x + y, (1.0, 2.0)
    ),
    "mul": Case(
        lambda x, y: x * y, fixed(floats(-10, 10), floats(-10, 10)), lambda x, y: x * y, (1.0, 2.0)
    ),
    "div": Case(
        lambda x, y: x / y,
        fixed(floats(-10, 10), away_from_zero(0.2, 10)),
        lambda x, y: x / y,
        (1.0, 2.0),
    ),
    "pow": Case(
        # Not y = 0 exactly: PyTorch's convention passes no gradient through a zero
        # exponent there, so second derivatives are not the calculus ones at that point.
        lambda x, y: x**y,
        fixed(floats(0.1, 5), away_from_zero(0.01, 3)),
        lambda x, y: x**y,
        (1.5, 2.0),
    ),
    "pow_const": Case(lambda x: x**2.5, fixed(floats(0.1, 5)), lambda x: x**2.5, (1.5,)),
    "log1p": Case(lambda x: apply(LOG1P, x), fixed(floats(-0.9, 10)), lambda x: x.log1p(), (0.5,)),
    "exp": Case(lambda x: x.exp(), fixed(floats(-5, 5)), lambda x: x.exp(), (0.5,)),
    "log": Case(lambda x: x.log(), fixed(floats(0.05, 10)), lambda x: x.log(), (0.5,)),
    "tanh": Case(lambda x: x.tanh(), fixed(floats(-4, 4)), lambda x: x.tanh(), (0.5,)),
    "sigmoid": Case(lambda x: x.sigmoid(), fixed(floats(-6, 6)), lambda x: x.sigmoid(), (0.5,)),
    "relu": Case(lambda x: x.relu(), fixed(away_from_zero(0.01, 5)), lambda x: x.relu(), (0.5,)),
    "softplus": Case(
        lambda x: x.softplus(),
        fixed(floats(-30, 30)),
        lambda x: x.exp().log1p(),  # exact enough in float64 on this range
        (0.5,),
    ),
    "logsumexp": Case(
        lambda *xs: logsumexp(xs),
        st.lists(floats(-20, 20), min_size=1, max_size=5),
        lambda *xs: torch_logsumexp(xs),
        (1.0, 2.0, 3.0),
    ),
    "shift": Case(
        # The shift passes no gradient by design, so it is checked where it is used: the
        # first probability of a softmax, which does not change under any shift.
        lambda *xs: shifted_softmax_first(xs),
        st.lists(floats(-20, 20), min_size=1, max_size=5),
        lambda *xs: torch_softmax_first(xs),
        (1.0, 3.0, 2.0),
    ),
    "sum": Case(
        lambda *xs: sum_values(xs),
        st.lists(floats(-5, 5), min_size=1, max_size=6),
        lambda *xs: sum(xs[1:], xs[0]),
        (1.0, 2.0, 3.0),
    ),
    "dot": Case(
        lambda *xs: dot(*_half(xs)),
        pairs(4),
        lambda *xs: sum((w * x for w, x in zip(*_half(xs))), xs[0] * 0.0),
        (1.0, 2.0, 3.0, 4.0),
    ),
}


def test_every_op_has_a_case() -> None:
    assert {op.name for op in BUILTIN_OPS} == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_case_uses_its_op(name: str) -> None:
    out = CASES[name].apply(*[Value(x) for x in CASES[name].example])
    assert name in {node.op.name for node in topological_order(out) if node.op is not None}


def test_the_softmax_shift_is_the_largest_input_and_passes_no_gradient() -> None:
    xs = [Value(1.0), Value(3.0), Value(2.0)]
    shift = softmax_shift(xs)
    shift.backward()
    assert shift.data == 3.0
    assert [x.grad for x in xs] == [0.0, 0.0, 0.0]
    assert softmax_shift([Value(math.inf), Value(1.0)]).data == 0.0


@pytest.mark.parametrize("name", sorted(CASES))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_gradients_match_central_differences(name: str, data: st.DataObject) -> None:
    case = CASES[name]
    inputs = data.draw(case.inputs)
    result = gradcheck(case.apply, inputs, eps=1e-6, atol=1e-6, rtol=1e-5)
    assert result.ok, str(result)


@pytest.mark.parametrize("name", sorted(CASES))
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_second_derivatives_match_central_differences_of_the_first(
    name: str, data: st.DataObject
) -> None:
    case = CASES[name]
    inputs = data.draw(case.inputs)

    def first_derivative_sum(*xs: Value) -> Value:
        grads = grad(case.apply(*xs), list(xs), create_graph=True)
        return sum_values(grads)

    leaves = [Value(x) for x in inputs]
    second = grad(first_derivative_sum(*leaves), leaves)
    numeric = numerical_grad(first_derivative_sum, inputs, eps=1e-5)
    for got, expected in zip([g.data for g in second], numeric):
        assert got == pytest.approx(expected, rel=1e-4, abs=1e-5)


@pytest.mark.parametrize("name", sorted(CASES))
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_backward_and_grad_agree(name: str, data: st.DataObject) -> None:
    """Eager backward runs compiled kernels; grad() calls the rules on floats: same numbers."""
    case = CASES[name]
    inputs = data.draw(case.inputs)
    leaves = [Value(x) for x in inputs]
    out = case.apply(*leaves)
    returned = [g.data for g in grad(out, leaves)]
    assert all(leaf.grad == 0.0 for leaf in leaves)
    out.backward()
    assert [leaf.grad for leaf in leaves] == returned


@pytest.mark.parametrize("name", sorted(CASES))
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_values_and_gradients_match_torch_float64(
    name: str, data: st.DataObject, torch: Any
) -> None:
    case = CASES[name]
    inputs = data.draw(case.inputs)
    leaves = [Value(x) for x in inputs]
    out = case.apply(*leaves)
    out.backward()
    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in inputs]
    expected = case.torch_apply(*tensors)
    expected.backward()
    assert out.data == pytest.approx(expected.item(), rel=1e-12, abs=1e-300)
    for leaf, tensor in zip(leaves, tensors):
        assert leaf.grad == pytest.approx(tensor.grad.item(), rel=1e-10, abs=1e-300)


@pytest.mark.parametrize("exponent", [-2.0, -1.0, 0.0, 0.5, 1.0, 2.0, 3.0])
@settings(max_examples=15, deadline=None)
@given(x=floats(0.1, 4))
def test_power_by_any_number_matches_central_differences(exponent: float, x: float) -> None:
    assert gradcheck(lambda v: v**exponent, [x], atol=1e-6, rtol=1e-5)


@pytest.mark.parametrize("exponent", [2, 3, -1])
@settings(max_examples=15, deadline=None)
@given(x=floats(-4, -0.1))
def test_integer_powers_of_negative_numbers_are_real(exponent: int, x: float) -> None:
    assert gradcheck(lambda v: v**exponent, [x], atol=1e-6, rtol=1e-5)


@settings(max_examples=60, deadline=None)
@given(x=floats(-1e6, 1e6), y=floats(-1e6, 1e6))
def test_inline_add_and_mul_compute_what_the_table_says(x: float, y: float) -> None:
    add, mul = OP_TABLE["add"], OP_TABLE["mul"]
    assert (Value(x) + Value(y)).data == add.eager_forward(x, y)
    assert (Value(x) * Value(y)).data == mul.eager_forward(x, y)


def test_each_op_draws_with_its_symbol() -> None:
    x, y = Value(2.0), Value(3.0)
    assert (x + y)._op == "+"
    assert (x * y)._op == "*"
    assert (x / y)._op == "/"
    assert (x**y)._op == "**"
    assert (x**2)._op == "**2"
    assert x.relu()._op == "ReLU"
    assert dot([x], [y])._op == "Σ w·x"
    assert sum_values([x, y])._op == "Σ"
    assert math.isclose(x.tanh().data, math.tanh(2.0))

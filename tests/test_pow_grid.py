"""Powers on a grid of extreme inputs: against PyTorch float64, and equal on every path.

Bases and exponents include ±0.0, ±inf, nan, the largest and smallest floats, and negative
bases with integer and fractional exponents. Results are compared bit for bit: nan equals
nan, and the sign of an infinity counts, and so does the sign of a zero value. A zero
gradient is +0.0 in glassgrad where PyTorch may give -0.0: leaf gradients accumulate, and
0.0 + -0.0 is 0.0. ``backward()``, ``grad()`` and ``compile`` give the same results.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from autograd import Value, compile, grad

inf, nan = math.inf, math.nan

BASES = [
    *(0.0, -0.0, inf, -inf, nan, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 10.0, -10.0),
    *(1e308, -1e308, 1e-308, -1e-308, 5e-324, -5e-324, 1e154, -1e154, 1e-200, -1e-200),
]
EXPONENTS = [
    *(0.0, -0.0, inf, -inf, nan, 1.0, -1.0, 2.0, -2.0, 3.0, -3.0, 0.5, -0.5, 1.5, -1.5),
    *(2.5, 1 / 3, 400.0, 401.0, 400.5, -400.5, -401.0, 1e300, 2.0**53 - 1, 1e-300),
]

# torch.pow with a number exponent computes these exponents another way (sqrt, 1/x, x*x
# ...), also inside its derivative rule; glassgrad's README lists what that changes.
TORCH_NUMBER_SHORTCUTS = {0.5, -0.5, -1.0, 2.0, 3.0, -2.0}


def identical(a: float, b: float) -> bool:
    """Equal bit for bit as IEEE values, except that every nan equals every nan."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


def identical_gradient(a: float, b: float) -> bool:
    """Identical, except that a zero gradient may have either sign (see the module doc)."""
    return identical(a, b) or a == b == 0.0


def tensor(torch: Any, x: float) -> Any:
    return torch.tensor(x, dtype=torch.float64, requires_grad=True)


def glassgrad_power(base: float, exponent: float | Value) -> tuple[float, float, float | None]:
    """Return ``base ** exponent``, d/d base and (for a Value exponent) d/d exponent."""
    x = Value(base)
    y = x**exponent
    y.backward()
    return y.data, x.grad, exponent.grad if isinstance(exponent, Value) else None


def mismatches(
    got: tuple[float | None, ...], want: tuple[float | None, ...], what: str, base: float
) -> list[str]:
    names = ("value", "d/d base", "d/d exponent")
    checks = (identical, identical_gradient, identical_gradient)
    return [
        f"{what} at base {base!r}: {name} {g!r}, torch {w!r}"
        for name, check, g, w in zip(names, checks, got, want)
        if g is not None and w is not None and not check(g, w)
    ]


@pytest.mark.torch
@pytest.mark.parametrize("exponent", EXPONENTS, ids=repr)
def test_a_value_exponent_matches_torch_pow_of_two_tensors(exponent: float, torch: Any) -> None:
    wrong = []
    for base in BASES:
        got = glassgrad_power(base, Value(exponent))
        b, e = tensor(torch, base), tensor(torch, exponent)
        out = torch.pow(b, e)
        out.backward()
        want = (out.item(), b.grad.item(), e.grad.item())
        wrong += mismatches(got, want, f"x ** Value({exponent!r})", base)
    assert wrong == []


@pytest.mark.torch
@pytest.mark.parametrize("exponent", EXPONENTS, ids=repr)
def test_a_number_exponent_gives_what_a_value_exponent_gives(exponent: float, torch: Any) -> None:
    """``x ** k`` is C's ``pow(x, k)`` for every k: torch.pow with a tensor exponent."""
    wrong = []
    for base in BASES:
        got = glassgrad_power(base, exponent)
        b = tensor(torch, base)
        out = torch.pow(b, torch.tensor(exponent, dtype=torch.float64))
        out.backward()
        wrong += mismatches(got, (out.item(), b.grad.item()), f"x ** {exponent!r}", base)
    assert wrong == []


@pytest.mark.torch
@pytest.mark.parametrize("exponent", EXPONENTS, ids=repr)
def test_a_number_exponent_matches_torch_pow_with_a_number_where_torch_has_no_shortcut(
    exponent: float, torch: Any
) -> None:
    wrong = []
    for base in BASES:
        got = glassgrad_power(base, exponent)
        b = tensor(torch, base)
        out = torch.pow(b, exponent)
        out.backward()
        want = (
            None if exponent in TORCH_NUMBER_SHORTCUTS else out.item(),
            # torch's derivative is k * x.pow(k - 1), with the shortcut for k - 1.
            None if exponent - 1.0 in TORCH_NUMBER_SHORTCUTS else b.grad.item(),
        )
        wrong += mismatches(got, want, f"x ** {exponent!r}", base)
    assert wrong == []


@pytest.mark.torch
@pytest.mark.parametrize(
    ("base", "exponent", "glassgrad", "torch_result"),
    [
        (-0.0, 0.5, 0.0, -0.0),
        (-inf, 0.5, inf, nan),
        (-0.0, -0.5, inf, -inf),
        (-inf, -0.5, 0.0, nan),
    ],
)
def test_one_half_powers_differ_from_torch_with_a_number_exactly_as_the_readme_says(
    base: float, exponent: float, glassgrad: float, torch_result: float, torch: Any
) -> None:
    """glassgrad follows C's pow here; torch.pow(x, 0.5) is sqrt(x), and -0.5 is 1/sqrt(x)."""
    assert identical((Value(base) ** exponent).data, glassgrad)
    assert identical(torch.pow(tensor(torch, base), exponent).item(), torch_result)


@pytest.mark.torch
@pytest.mark.parametrize("exponent", [0.5, -0.5])
def test_one_half_powers_on_the_grid_differ_from_torch_only_at_minus_zero_and_minus_infinity(
    exponent: float, torch: Any
) -> None:
    """Elsewhere at most in the last bit: C's pow rounds once, 1/sqrt(x) twice."""
    differing = []
    for base in BASES:
        ours = (Value(base) ** exponent).data
        theirs = torch.pow(tensor(torch, base), exponent).item()
        if identical(ours, theirs):
            continue
        if math.isfinite(base) and base > 0.0:
            assert abs(ours - theirs) <= math.ulp(theirs), f"{base!r} ** {exponent!r}"
        else:
            differing.append(repr(base))
    assert differing == ["-0.0", "-inf"]


@pytest.mark.parametrize("exponent", EXPONENTS, ids=repr)
def test_grad_and_a_compiled_step_give_what_backward_gives(exponent: float) -> None:
    def powers(x: Value, y: Value) -> Value:
        return x**y + x**exponent

    compiled_x, compiled_y = Value(0.0), Value(exponent)
    step = compile(powers(compiled_x, compiled_y))
    checks = (identical, identical_gradient, identical_gradient)
    wrong = []
    for base in BASES:
        x, y = Value(base), Value(exponent)
        out = powers(x, y)
        out.backward()
        expected = (out.data, x.grad, y.grad)
        from_grad = (out.data, *[g.data for g in grad(powers(x, y), [x, y])])
        compiled_x.data = base
        compiled_x.grad = compiled_y.grad = 0.0
        from_step = (step(), compiled_x.grad, compiled_y.grad)
        for path, got in (("grad()", from_grad), ("compiled", from_step)):
            if not all(check(g, e) for check, g, e in zip(checks, got, expected)):
                wrong.append(f"{path} at base {base!r}: {got!r}, backward() {expected!r}")
    assert wrong == []

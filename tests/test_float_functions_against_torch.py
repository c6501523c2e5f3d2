"""exp, log, tanh, sigmoid and softplus against PyTorch float64: equal, or as the README says.

sigmoid is PyTorch's formula and matches bit for bit. exp, log and tanh are the C
library's (Python's ``math``) while PyTorch has its own vectorized ones, so a value may
differ in the last bits; tanh's derivative and softplus differ as the README's "Semantics"
section describes.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any

import pytest

from autograd import Value

pytestmark = pytest.mark.torch

inf, nan = math.inf, math.nan

_random = random.Random(12)
INPUTS = [
    *(0.0, -0.0, inf, -inf, nan, 1e-300, -1e-300, 5e-324, 20.0, -20.0, 709.78, -709.78),
    *(x / 8 for x in range(-6000, 6001, 7)),  # -750 to 750
    *(_random.uniform(-40.0, 40.0) for _ in range(2000)),
    *(math.copysign(10 ** _random.uniform(-300, 2.8), _random.random() - 0.5) for _ in range(500)),
]


def identical(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


def ulps_apart(a: float, b: float) -> float:
    """How many floats lie between a and b (0 if identical or both nan)."""
    if identical(a, b) or a == b:
        return 0
    if not (math.isfinite(a) and math.isfinite(b)):
        return math.inf
    return abs(a - b) / math.ulp(min(abs(a), abs(b)))


def both(
    f: Callable[[Value], Value], torch_f: Callable[[Any], Any], x: float, torch: Any
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Return ((value, derivative) from glassgrad, (value, derivative) from PyTorch)."""
    leaf = Value(x)
    out = f(leaf)
    out.backward()
    tensor = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    torch_out = torch_f(tensor)
    torch_out.backward()
    return (out.data, leaf.grad), (torch_out.item(), tensor.grad.item())


def test_sigmoid_matches_torch_bit_for_bit_in_value_and_derivative(torch: Any) -> None:
    wrong = []
    for x in INPUTS:
        (value, derivative), (torch_value, torch_derivative) = both(
            lambda v: v.sigmoid(), torch.sigmoid, x, torch
        )
        # A zero leaf gradient is +0.0 here (0.0 + -0.0); see the README.
        if not identical(value, torch_value) or not (
            identical(derivative, torch_derivative) or derivative == torch_derivative == 0.0
        ):
            wrong.append((x, value, torch_value, derivative, torch_derivative))
    assert wrong == []


@pytest.mark.parametrize("name", ["exp", "log", "tanh"])
def test_exp_log_and_tanh_differ_from_torch_at_most_in_the_last_two_bits(
    name: str, torch: Any
) -> None:
    wrong = []
    for x in INPUTS:
        (value, _), (torch_value, _) = both(
            lambda v: getattr(v, name)(), getattr(torch, name), x, torch
        )
        if ulps_apart(value, torch_value) > 2:
            wrong.append((x, value, torch_value))
    assert wrong == []


def test_tanh_derivative_differs_from_torch_only_by_one_rounding_of_tanh_squared(
    torch: Any,
) -> None:
    """1 - t*t is rounded twice here, once in PyTorch's fused multiply-add (AVX2, AVX-512)."""
    largest = 0.0
    for x in INPUTS:
        (value, derivative), (torch_value, torch_derivative) = both(
            lambda v: v.tanh(), torch.tanh, x, torch
        )
        if value == torch_value and math.isfinite(x):
            largest = max(largest, abs(derivative - torch_derivative))
    assert largest <= 2.0**-52


def test_softplus_below_zero_has_torch_values(torch: Any) -> None:
    softplus = torch.nn.functional.softplus
    wrong = [
        x
        for x in INPUTS
        if x < 0.0
        and not identical(
            Value(x).softplus().data, softplus(torch.tensor(x, dtype=torch.float64)).item()
        )
    ]
    assert wrong == []


@pytest.mark.parametrize("x", [20.5, 25.0, 30.0, 33.0])
def test_softplus_above_twenty_is_log_of_one_plus_e_to_the_x_where_torch_returns_x(
    x: float, torch: Any
) -> None:
    leaf = Value(x)
    out = leaf.softplus()
    out.backward()
    tensor = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    torch_out = torch.nn.functional.softplus(tensor)
    torch_out.backward()
    assert (torch_out.item(), tensor.grad.item()) == (x, 1.0)
    assert out.data == x + math.log1p(math.exp(-x)) > x
    assert leaf.grad == 1.0 / (1.0 + math.exp(-x)) < 1.0

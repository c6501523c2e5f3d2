"""``gradcheck``: compare the engine's gradients with central differences."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from autograd.gradients import grad
from autograd.value import Value

__all__ = ["gradcheck", "GradcheckResult", "numerical_grad"]


@dataclass(frozen=True)
class GradcheckResult:
    """What ``gradcheck`` found: true when every gradient is within tolerance.

    ``worst`` is the index of the input whose analytic gradient is furthest outside
    ``atol + rtol * |numeric|`` (or closest to it, when all pass).
    """

    ok: bool
    analytic: tuple[float, ...]
    numeric: tuple[float, ...]
    worst: int
    error: float

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        if not self.analytic:
            return "gradcheck: no inputs"
        verdict = "ok" if self.ok else "MISMATCH"
        i = self.worst
        return (
            f"gradcheck {verdict}: worst at input {i}: analytic {self.analytic[i]!r}, "
            f"numeric {self.numeric[i]!r} (|difference| {self.error:.3g})"
        )


def numerical_grad(
    f: Callable[..., Value | float], inputs: Sequence[float], eps: float = 1e-6
) -> tuple[float, ...]:
    """Return central differences ``(f(x + eps) - f(x - eps)) / 2 eps`` for each input."""
    point = [float(x) for x in inputs]
    result = []
    for i in range(len(point)):
        shifted = list(point)
        shifted[i] = point[i] + eps
        upper = _evaluate(f, shifted)
        shifted[i] = point[i] - eps
        lower = _evaluate(f, shifted)
        result.append((upper - lower) / (2.0 * eps))
    return tuple(result)


def _evaluate(f: Callable[..., Value | float], point: list[float]) -> float:
    # Recording stays on: f may itself take gradients (a check of second derivatives).
    out = f(*[Value(x) for x in point])
    return out.data if isinstance(out, Value) else float(out)


def gradcheck(
    f: Callable[..., Value | float],
    inputs: Sequence[float],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> GradcheckResult:
    """Check ``f``'s gradients at ``inputs`` against central differences.

    ``f`` takes one Value per input and returns a Value. A gradient passes when
    ``|analytic - numeric| <= atol + rtol * |numeric|``. The result is truthy when all
    pass, and its ``str()`` names the worst mismatch.
    """
    leaves = [Value(float(x)) for x in inputs]
    out = f(*leaves)
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck needs f to return a Value, got {type(out).__name__}")
    analytic = tuple(g.data for g in grad(out, leaves)) if leaves else ()
    numeric = numerical_grad(f, inputs, eps)
    worst, worst_excess, worst_error = 0, -math.inf, 0.0
    for i, (a, n) in enumerate(zip(analytic, numeric)):
        error = abs(a - n)
        excess = error - (atol + rtol * abs(n))
        if math.isnan(error):
            excess = math.inf
        if excess > worst_excess:
            worst, worst_excess, worst_error = i, excess, error
    return GradcheckResult(worst_excess <= 0.0, analytic, numeric, worst, worst_error)

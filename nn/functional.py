"""Functions of lists of Values: softmax, log_softmax, logsumexp and dot.

The first three subtract the largest input before exponentiating, so no exponential
overflows: softmax(x) = softmax(x - m) for any constant m, and m = max(x) keeps every
exponent at or below 0. The shift is a constant (no gradient flows through the max), which
is exact because the functions do not change under it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from autograd import Value, dot, sum_values

__all__ = ["softmax", "log_softmax", "logsumexp", "dot"]


def _values(x: Sequence[Value | float], what: str) -> list[Value]:
    if isinstance(x, (Value, int, float)) or len(x) == 0:
        raise ValueError(f"{what}() takes a non-empty list of Values or numbers, got {x!r}")
    return [v if isinstance(v, Value) else Value(v) for v in x]


def _shift(values: list[Value]) -> float:
    """The largest input, or 0 when it is not finite (then no shift helps)."""
    largest = max(v.data for v in values)
    return largest if math.isfinite(largest) else 0.0


def logsumexp(x: Sequence[Value | float]) -> Value:
    """Return ``log Σ_i exp(x_i)``, computed as ``m + log Σ_i exp(x_i - m)`` with m = max x.

    d/dx_i logsumexp(x) = softmax(x)_i.
    """
    values = _values(x, "logsumexp")
    m = _shift(values)
    return sum_values([(v - m).exp() for v in values]).log() + m


def log_softmax(x: Sequence[Value | float]) -> list[Value]:
    """Return ``[x_i - logsumexp(x)]``: log-probabilities, stable for extreme inputs."""
    values = _values(x, "log_softmax")
    m = _shift(values)
    log_total = sum_values([(v - m).exp() for v in values]).log()
    return [(v - m) - log_total for v in values]


def softmax(x: Sequence[Value | float]) -> list[Value]:
    """Return ``[exp(x_i - m) / Σ_j exp(x_j - m)]`` with m = max x: probabilities summing to 1."""
    values = _values(x, "softmax")
    m = _shift(values)
    exps = [(v - m).exp() for v in values]
    total = sum_values(exps)
    return [e / total for e in exps]

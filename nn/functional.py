"""Functions of lists of Values: softmax, log_softmax, logsumexp and dot.

The first three subtract the largest input before exponentiating, so no exponential
overflows: softmax(x) = softmax(x - m) for any constant m, and m = max(x) keeps every
exponent at or below 0. The shift is a node of the graph that passes no gradient back
(``autograd.softmax_shift``), which is exact because the functions do not change under it,
and it follows the inputs when a compiled graph reruns with new data. ``logsumexp`` is one
op of the engine, with PyTorch's gradient, softmax(x).
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Real

from autograd import Value, dot, softmax_shift, sum_values
from autograd import logsumexp as engine_logsumexp

__all__ = ["softmax", "log_softmax", "logsumexp", "dot"]


def _values(x: Sequence[Value | float], what: str) -> list[Value]:
    if isinstance(x, (Value, Real, str, bytes)) or len(x) == 0:
        raise ValueError(f"{what}() takes a non-empty list of Values or numbers, got {x!r}")
    return [v if isinstance(v, Value) else Value(v) for v in x]


def logsumexp(x: Sequence[Value | float]) -> Value:
    """Return ``log Σ_i exp(x_i)`` as one node, stable for any inputs.

    d/dx_i logsumexp(x) = softmax(x)_i.
    """
    return engine_logsumexp(_values(x, "logsumexp"))


def log_softmax(x: Sequence[Value | float]) -> list[Value]:
    """Return ``[x_i - logsumexp(x)]``: log-probabilities, stable for extreme inputs."""
    values = _values(x, "log_softmax")
    m = softmax_shift(values)
    log_total = sum_values([(v - m).exp() for v in values]).log()
    return [(v - m) - log_total for v in values]


def softmax(x: Sequence[Value | float]) -> list[Value]:
    """Return ``[exp(x_i - m) / Σ_j exp(x_j - m)]`` with m = max x: probabilities summing to 1."""
    values = _values(x, "softmax")
    m = softmax_shift(values)
    exps = [(v - m).exp() for v in values]
    total = sum_values(exps)
    return [e / total for e in exps]

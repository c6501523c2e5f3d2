"""Losses with PyTorch's names and mean reduction, for one sample or a batch.

Each takes predictions and targets of the same shape: one number, a list (one sample),
or a list of lists (a batch), and returns one Value, the mean over every element. A
number may be anything ``Value()`` takes (int, float, bool, Fraction, NumPy real
scalars), and any iterable but a string (a NumPy array too) stands for a list; anything
else is a TypeError naming it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from numbers import Integral, Real
from typing import TypeAlias

from autograd import ClassIndex, Value, dot, sum_values
from nn.functional import logsumexp

__all__ = [
    "mse_loss",
    "mae_loss",
    "cross_entropy",
    "binary_cross_entropy_with_logits",
    "hinge_loss",
    "l2_penalty",
]

#: A prediction or target: one number or Value, a list of them, or a list of lists.
Nested: TypeAlias = "Value | float | Sequence[Nested]"


def _flatten(name: str, x: object) -> list[Value | float]:
    """Return the numbers of ``x`` (a number, Value or nested iterable), left to right."""
    if isinstance(x, Value):
        return [x]
    if isinstance(x, (str, bytes, bytearray)) or not isinstance(x, Iterable):
        return [_number(name, x)]
    flat: list[Value | float] = []
    for item in x:
        flat.extend(_flatten(name, item))
    return flat


def _number(name: str, x: object) -> float:
    """Return ``x`` as Value() would store it, or raise a TypeError naming it."""
    if type(x) is float:
        return x
    try:
        return Value(x).data
    except TypeError:
        raise TypeError(
            f"{name}() takes real numbers or Values (or lists or arrays of them) as "
            f"predictions and targets, got {_describe(x)}"
        ) from None


def _describe(x: object) -> str:
    shown = repr(x)
    if len(shown) > 40:
        shown = shown[:37] + "..."
    return f"{type(x).__name__} {shown}"


def _pairs(name: str, prediction: Nested, target: Nested) -> list[tuple[Value, float | Value]]:
    predictions = _flatten(name, prediction)
    targets = _flatten(name, target)
    if len(predictions) != len(targets):
        raise ValueError(
            f"{name}() needs a target per prediction, got {len(predictions)} predictions "
            f"and {len(targets)} targets"
        )
    if not predictions:
        raise ValueError(f"{name}() got no predictions")
    return [(p if isinstance(p, Value) else Value(p), t) for p, t in zip(predictions, targets)]


def _mean(terms: list[Value]) -> Value:
    return sum_values(terms) / len(terms)


def mse_loss(prediction: Nested, target: Nested) -> Value:
    """Return the mean squared error ``(1/n) Σ_i (p_i - t_i)^2`` (PyTorch's ``mse_loss``)."""
    return _mean([(p - t) ** 2 for p, t in _pairs("mse_loss", prediction, target)])


def mae_loss(prediction: Nested, target: Nested) -> Value:
    """Return the mean absolute error ``(1/n) Σ_i |p_i - t_i|`` (PyTorch's ``l1_loss``).

    ``|d| = relu(d) + relu(-d)``, whose derivative is sign(d), and 0 at d = 0 as in PyTorch.
    """
    differences = [p - t for p, t in _pairs("mae_loss", prediction, target)]
    return _mean([d.relu() + (-d).relu() for d in differences])


def _is_index(target: object) -> bool:
    return isinstance(target, ClassIndex) or (
        isinstance(target, Integral) and not isinstance(target, bool)
    )


def _class_index(target: object) -> int | ClassIndex:
    """Return ``target`` as an int if it is an integer (not a bool), a compiled step's
    class index as it is, else raise a TypeError naming it."""
    if isinstance(target, ClassIndex):
        return target
    if isinstance(target, Integral) and not isinstance(target, bool):
        return int(target)
    raise TypeError(
        f"cross_entropy() takes class indices (an int per sample, or a list or array of "
        f"them), got {_describe(target)}"
    )


def cross_entropy(
    logits: Sequence[Value | float] | Sequence[Sequence[Value | float]],
    target: int | Sequence[int],
) -> Value:
    """Return ``-log softmax(logits)[target] = logsumexp(logits) - logits[target]``.

    One sample: a list of class scores and a class index (or a compiled step's
    :class:`autograd.ClassIndex`). A batch: a list of such lists and a list of indices;
    the result is the mean. Stable for any finite logits (logits
    of ±1000 give a finite loss and gradients): d loss / d logit_i = softmax_i - [i = t].
    A class index is any integer (NumPy's too), not a bool; anything else is a TypeError.
    """
    if _is_index(target):
        return _one_cross_entropy(logits, _class_index(target))  # type: ignore[arg-type]
    if isinstance(target, (str, bytes, bytearray)) or not isinstance(target, Iterable):
        _class_index(target)  # raises the TypeError that names it
    targets = [_class_index(t) for t in target]  # type: ignore[union-attr]
    rows = list(logits)
    if len(rows) != len(targets) or not rows:
        raise ValueError(
            f"cross_entropy() needs one class index per sample, got {len(rows)} rows of "
            f"logits and {len(targets)} targets"
        )
    return _mean([_one_cross_entropy(row, t) for row, t in zip(rows, targets)])  # type: ignore[arg-type]


def _one_cross_entropy(logits: Sequence[Value | float], target: int | ClassIndex) -> Value:
    if isinstance(logits, (Value, Real)):
        raise ValueError("cross_entropy() takes a list of logits per sample, one per class")
    if isinstance(target, ClassIndex):  # a compiled step's class index: a leaf, not a number
        return logsumexp(logits) - target.pick(logits)
    if not 0 <= target < len(logits):
        raise ValueError(
            f"cross_entropy() target must be a class index in 0..{len(logits) - 1}, got {target!r}"
        )
    values = [v if isinstance(v, Value) else Value(v) for v in logits]
    return logsumexp(values) - values[target]


def binary_cross_entropy_with_logits(logit: Nested, target: Nested) -> Value:
    """Return the mean of ``-[t log σ(x) + (1 - t) log(1 - σ(x))]`` over logits x, targets t.

    Computed as ``softplus(x) - x t`` (softplus(x) = log(1 + e^x), a stable op of the
    engine), so no exponential overflows for any x; d/dx = σ(x) - t.
    """
    terms = [
        x.softplus() - x * t for x, t in _pairs("binary_cross_entropy_with_logits", logit, target)
    ]
    return _mean(terms)


def hinge_loss(scores: Nested, targets: Nested) -> Value:
    """Return the mean of ``relu(1 - y_i s_i)`` over labels y_i in {-1, +1} (micrograd's demo).

    Each term is built as ``relu(s_i · (-y_i) + 1)``: the same numbers in two nodes.
    """
    terms = []
    for s, y in _pairs("hinge_loss", scores, targets):
        label = y.data if isinstance(y, Value) else y
        if label not in (-1, 1):
            raise ValueError(
                f"hinge_loss() needs labels -1 or +1, got {label:g}; map 0/1 labels with 2 * y - 1"
            )
        terms.append((s * (-y) + 1.0).relu())
    return _mean(terms)


def l2_penalty(parameters: Iterable[Value]) -> Value:
    """Return ``Σ_i p_i^2`` as one fused node; add ``alpha * l2_penalty(...)`` to a loss."""
    values = list(parameters)
    return dot(values, values)

"""``grad()``: gradients as return values, optionally differentiable again.

With ``create_graph=True`` the op table's derivative rules are called on Values
(:data:`VALUE_MATH`), so every gradient is itself a recorded expression that can be
differentiated again: second and higher derivatives.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from autograd.graph import backward_order
from autograd.ieee import FLOAT_MATH, safe_div, safe_exp, safe_log, safe_pow
from autograd.value import Value, sum_values

__all__ = ["grad", "ValueMath", "VALUE_MATH"]


def _data(x: Any) -> float:
    return x.data if isinstance(x, Value) else float(x)


class ValueMath:
    """The rule helpers of :class:`autograd.ieee.FloatMath`, on Values (recorded)."""

    @staticmethod
    def div(a: Any, b: Any) -> Any:
        if isinstance(a, Value) or isinstance(b, Value):
            return a / b
        return safe_div(a, b)

    @staticmethod
    def pow(a: Any, b: Any) -> Any:
        if isinstance(a, Value) or isinstance(b, Value):
            return a**b
        return safe_pow(a, b)

    @staticmethod
    def exp(a: Any) -> Any:
        return a.exp() if isinstance(a, Value) else safe_exp(a)

    @staticmethod
    def log(a: Any) -> Any:
        return a.log() if isinstance(a, Value) else safe_log(a)

    @staticmethod
    def tanh(a: Any) -> Any:
        return a.tanh() if isinstance(a, Value) else FLOAT_MATH.tanh(a)

    @staticmethod
    def sigmoid(a: Any) -> Any:
        return a.sigmoid() if isinstance(a, Value) else FLOAT_MATH.sigmoid(a)

    @staticmethod
    def log1p(a: Any) -> Any:
        return (a + 1.0).log() if isinstance(a, Value) else FLOAT_MATH.log1p(a)

    @staticmethod
    def sum(terms: list[Any]) -> Any:
        return sum_values(terms)

    @staticmethod
    def max(terms: list[Any]) -> Any:
        return max(terms, key=_data)

    # Comparisons read the current data: a branch is constant where it is differentiated.
    @staticmethod
    def where(condition: bool, if_true: Any, if_false: Any) -> Any:
        return if_true if condition else if_false

    @staticmethod
    def eq(a: Any, b: Any) -> bool:
        return _data(a) == _data(b)

    @staticmethod
    def le(a: Any, b: Any) -> bool:
        return _data(a) <= _data(b)

    @staticmethod
    def ge(a: Any, b: Any) -> bool:
        return _data(a) >= _data(b)

    @staticmethod
    def both(a: bool, b: bool) -> bool:
        return a and b


VALUE_MATH = ValueMath()


def _as_list(xs: Value | Sequence[Value], what: str) -> list[Value]:
    if isinstance(xs, Value):
        return [xs]
    if not isinstance(xs, (list, tuple)):
        raise TypeError(f"grad() takes Values as {what}, got {type(xs).__name__}")
    items = list(xs)
    for item in items:
        if not isinstance(item, Value):
            raise TypeError(f"grad() takes Values as {what}, got {type(item).__name__}")
    return items


def grad(
    outputs: Value | Sequence[Value],
    wrt: Value | Sequence[Value],
    grad_outputs: Sequence[float] | None = None,
    create_graph: bool = False,
) -> tuple[Value, ...]:
    """Return ``d sum(outputs) / d w`` for each ``w`` in ``wrt``, leaving every ``.grad`` alone.

    ``grad_outputs`` seeds each output (default 1.0). A ``w`` the outputs do not depend on
    gets 0. With ``create_graph=True`` the gradients are recorded Values, so they can be
    differentiated again (``grad(grad(y, x)[0], x)`` is the second derivative); otherwise
    they are new leaves. Always returns a tuple, one gradient per ``w``.

    >>> from autograd import Value, grad
    >>> x = Value(3.0)
    >>> y = x**3
    >>> (dx,) = grad(y, x, create_graph=True)
    >>> dx.data                     # 3x²
    27.0
    >>> (d2x,) = grad(dx, x)        # dx is a graph too, so it has a derivative
    >>> d2x.data                    # 6x
    18.0
    >>> x.grad                      # .grad is left alone
    0.0
    """
    roots = _as_list(outputs, "outputs")
    targets = _as_list(wrt, "wrt")
    seeds = [1.0] * len(roots) if grad_outputs is None else [float(s) for s in grad_outputs]
    if len(seeds) != len(roots):
        raise ValueError(f"grad() got {len(roots)} outputs but {len(seeds)} grad_outputs")
    order = backward_order(roots)
    if create_graph:
        # Rules called on Values: every gradient is recorded, so it can be differentiated.
        grads = _accumulate(order, roots, [Value(s) for s in seeds], VALUE_MATH, _itself)
        return tuple(grads.get(t, Value(0.0)) for t in targets)
    grads = _accumulate(order, roots, seeds, FLOAT_MATH, _data_of)
    return tuple(Value(grads.get(t, 0.0)) for t in targets)


def _itself(node: Value) -> Value:
    return node


def _data_of(node: Value) -> float:
    return node.data


def _accumulate(
    order: list[Value],
    roots: list[Value],
    seeds: list[Any],
    math: Any,
    operand: Callable[[Value], Any],
) -> dict[Value, Any]:
    """Run the chain rule in ``order``, reading each op's rule with ``math``.

    ``operand`` gives what the rule is called with for a node: its float data, or the
    node itself. Returns the gradient of every node reached.
    """
    grads: dict[Value, Any] = {}
    for root, seed in zip(roots, seeds):
        grads[root] = grads[root] + seed if root in grads else seed
    for node in order:
        op = node.op
        g = grads.get(node)
        if op is None or g is None:
            continue
        parents = node.parents
        local = op.local_grads(math, operand(node), *[operand(p) for p in parents])
        for parent, local_grad in zip(parents, local):
            contribution = g * local_grad
            grads[parent] = grads[parent] + contribution if parent in grads else contribution
    return grads

"""``grad()``: gradients as return values, optionally differentiable again.

With ``create_graph=True`` the op table's derivative rules are called on Values
(:data:`VALUE_MATH`), so every gradient is itself a recorded expression that can be
differentiated again: second and higher derivatives.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autograd.backprop import GradDict, backpropagate, check_term, data_of, itself
from autograd.mode import MODE
from autograd.ops import EXP, FLOAT_MATH, LOG, LOG1P, SIGMOID, TANH, Op, RuleMath, op_named
from autograd.value import Value, apply, as_float, backward_order, sum_values

__all__ = ["grad", "ValueMath", "VALUE_MATH"]


def _data(x: Any) -> float:
    return x.data if isinstance(x, Value) else float(x)


def _any_value(inputs: tuple[Any, ...]) -> bool:
    return any(isinstance(x, Value) for x in inputs)


class ValueMath:
    """The rule helpers of :class:`autograd.ops.RuleMath` on Values: every result is
    recorded, so gradients made with it can be differentiated again. On plain numbers
    (a rule's constants) it computes floats, as :data:`autograd.ops.FLOAT_MATH` does."""

    def apply(self, op: Op | str, *inputs: Any) -> Any:
        if _any_value(inputs):
            return apply(op, *inputs)
        return op_named(op).eager_forward(*[float(x) for x in inputs])

    def call(self, name: str, *inputs: Any) -> Any:
        if _any_value(inputs):
            raise TypeError(
                f"m.call({name!r}, ...) computes a float function, which has no derivative; "
                "a derivative rule applies an op instead: m.apply(op, ...)"
            )
        return FLOAT_MATH.call(name, *inputs)

    def div(self, a: Any, b: Any) -> Any:
        if _any_value((a, b)):
            return a / b
        return FLOAT_MATH.div(a, b)

    def pow(self, a: Any, b: Any) -> Any:
        if _any_value((a, b)):
            return a**b
        return FLOAT_MATH.pow(a, b)

    def exp(self, a: Any) -> Any:
        return self.apply(EXP, a)

    def log(self, a: Any) -> Any:
        return self.apply(LOG, a)

    def log1p(self, a: Any) -> Any:
        return self.apply(LOG1P, a)

    def tanh(self, a: Any) -> Any:
        return self.apply(TANH, a)

    def sigmoid(self, a: Any) -> Any:
        return self.apply(SIGMOID, a)

    def sum(self, terms: list[Any]) -> Any:
        return sum_values(terms)

    def max(self, terms: list[Any]) -> Any:
        return max(terms, key=_data)

    # Comparisons read the current data: a branch is constant where it is differentiated.
    def where(self, condition: bool, if_true: Any, if_false: Any) -> Any:
        return if_true if condition else if_false

    def eq(self, a: Any, b: Any) -> bool:
        return _data(a) == _data(b)

    def le(self, a: Any, b: Any) -> bool:
        return _data(a) <= _data(b)

    def ge(self, a: Any, b: Any) -> bool:
        return _data(a) >= _data(b)

    def both(self, a: bool, b: bool) -> bool:
        return a and b


VALUE_MATH = ValueMath()
_VALUE_MATH_CHECK: RuleMath[Value, bool] = VALUE_MATH


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
    they are new leaves. Always returns a tuple, one gradient per ``w``. Only the nodes on
    a path from an output to a ``w`` are visited.

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
    if grad_outputs is None:
        seeds = [1.0] * len(roots)
    else:
        seeds = [as_float(s, "grad(grad_outputs=...)") for s in grad_outputs]
    if len(seeds) != len(roots):
        raise ValueError(f"grad() got {len(roots)} outputs but {len(seeds)} grad_outputs")
    order = backward_order(roots, targets)
    grads = GradDict()
    if create_graph:
        # Rules called on Values: every gradient is recorded, so it can be differentiated.
        for root, seed in zip(roots, seeds):
            grads.add(root, Value(seed))
        backpropagate(order, grads, math=VALUE_MATH, operand=itself, only=set(order))
        return tuple(grads.get(t, Value(0.0)) for t in targets)
    for root, seed in zip(roots, seeds):
        grads.add(root, seed)
    observe = check_term if MODE.anomaly else None
    backpropagate(order, grads, operand=data_of, observe=observe, only=set(order))
    return tuple(Value(grads.get(t, 0.0)) for t in targets)

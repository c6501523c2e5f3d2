"""Value: a scalar that remembers how it was made.

Every op on Values is a record of :mod:`autograd.ops`. A result keeps its op and its
inputs in order (``v.parents``), and ``backward()`` walks the graph in reverse
topological order, running each op's local derivatives from the table.

Layout, for speed and memory: a node stores its op's inputs in two slots, ``_in0`` and
``_in1`` (an op with one input leaves ``_in1`` empty; an op with any number of inputs keeps
them all as a tuple in ``_in0``), so most nodes are one object for the garbage collector
to track rather than two. ``parents`` gives them as an ordered tuple, repeats included.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable
from numbers import Real
from typing import Any, cast

from autograd.graph import backward_order
from autograd.ieee import FLOAT_MATH
from autograd.mode import MODE
from autograd.ops import (
    ADD,
    DIV,
    DOT,
    EXP,
    LOG,
    LOGSUMEXP,
    MUL,
    POW,
    RELU,
    SHIFT,
    SIGMOID,
    SOFTPLUS,
    SUM,
    TANH,
    Op,
    power_by,
)

__all__ = ["Value", "Number", "dot", "dots", "sum_values", "logsumexp", "softmax_shift"]

Number = float | int


def _real_to_float(x: object) -> float:
    """Convert a real number to a Python float, or raise a TypeError naming its type."""
    if isinstance(x, Real):
        try:
            return float(x)
        except OverflowError:  # an int (or fraction) beyond the float range
            return math.inf if cast(float, x) > 0 else -math.inf
    if isinstance(x, Value):
        raise TypeError(
            "Value() takes a real number, got a Value; "
            "use v.detach() for a new leaf with the same data"
        )
    shown = repr(x)
    if len(shown) > 40:
        shown = shown[:37] + "..."
    raise TypeError(f"Value() takes a real number, got {type(x).__name__} {shown}")


class Value:
    """A scalar in a computation graph: ``data``, ``grad``, its op and its parents.

    ``Value(x)`` takes any real number (int, float, bool, NumPy real scalars) and stores
    a Python float; anything else is a TypeError. A result of an op remembers the op
    (``v.op``; its symbol is ``v._op``) and its inputs (``v.parents``, also ``v._prev``).

    >>> x = Value(2.0, label="x")
    >>> y = x * x + 3 * x           # x² + 3x
    >>> y.data
    10.0
    >>> y.op.name, y._op, len(y.parents)
    ('add', '+', 2)
    >>> y.backward()
    >>> x.grad                      # dy/dx = 2x + 3
    7.0
    >>> Value("a")
    Traceback (most recent call last):
    TypeError: Value() takes a real number, got str 'a'
    """

    __slots__ = ("data", "grad", "label", "op", "_in0", "_in1")

    data: float
    grad: float
    label: str
    op: Op | None
    _in0: Any
    _in1: Any

    def __init__(self, data: object, *, label: str = "") -> None:
        self.data = data if type(data) is float else _real_to_float(data)
        self.grad = 0.0
        self.label = label
        self.op = None
        self._in0 = None
        self._in1 = None

    @property
    def parents(self) -> tuple[Value, ...]:
        """The op's inputs, in order, repeats included; ``()`` for a leaf."""
        op = self.op
        if op is None:
            return ()
        if op.arity == 2:
            return (self._in0, self._in1)
        if op.arity == 1:
            return (self._in0,)
        return self._in0  # type: ignore[no-any-return]

    # --- micrograd-compatible read access -------------------------------------------

    @property
    def _prev(self) -> tuple[Value, ...]:
        """The parents, as micrograd names them (an ordered tuple here, not a set)."""
        return self.parents

    @property
    def _op(self) -> str:
        """The op's drawing symbol (``'+'``, ``'*'``, ``'**2'``, ``'ReLU'``), '' for leaves."""
        return "" if self.op is None else self.op.symbol

    @property
    def is_leaf(self) -> bool:
        """Whether no recorded op made this Value (an input, a parameter, a constant)."""
        return self.op is None

    def __repr__(self) -> str:
        parts = [f"data={self.data!r}", f"grad={self.grad!r}"]
        if self.label:
            parts.append(f"label={self.label!r}")
        if self.op is not None:
            parts.append(f"op={self.op.symbol!r}")
        return f"Value({', '.join(parts)})"

    def __float__(self) -> float:
        return self.data

    # --- building the graph ----------------------------------------------------------
    # + and * are most of every graph, so they build their node inline; the other ops
    # go through _apply. The tests check that the inline arithmetic is the table's.

    def __add__(self, other: Value | Number) -> Value:
        if type(other) is not Value:
            constant = _operand(other)
            if constant is None:
                return NotImplemented
            other = constant
        out: Value = _new(Value)
        out.data = self.data + other.data
        out.grad = 0.0
        out.label = ""
        if MODE.plain:
            out.op = ADD
            out._in0 = self
            out._in1 = other
            return out
        return _finish_unusual(out, ADD, (self, other))

    def __mul__(self, other: Value | Number) -> Value:
        if type(other) is not Value:
            constant = _operand(other)
            if constant is None:
                return NotImplemented
            other = constant
        out: Value = _new(Value)
        out.data = self.data * other.data
        out.grad = 0.0
        out.label = ""
        if MODE.plain:
            out.op = MUL
            out._in0 = self
            out._in1 = other
            return out
        return _finish_unusual(out, MUL, (self, other))

    def __radd__(self, other: Number) -> Value:
        constant = _operand(other)
        return NotImplemented if constant is None else _apply(ADD, (constant, self))

    def __rmul__(self, other: Number) -> Value:
        constant = _operand(other)
        return NotImplemented if constant is None else _apply(MUL, (constant, self))

    def __truediv__(self, other: Value | Number) -> Value:
        divisor = _operand(other)
        return NotImplemented if divisor is None else _apply(DIV, (self, divisor))

    def __rtruediv__(self, other: Number) -> Value:
        dividend = _operand(other)
        return NotImplemented if dividend is None else _apply(DIV, (dividend, self))

    def __pow__(self, exponent: Value | Number) -> Value:
        if type(exponent) is Value:
            return _apply(POW, (self, exponent))
        if isinstance(exponent, Real):
            return _apply(power_by(_real_to_float(exponent)), (self,))
        return NotImplemented

    def __rpow__(self, base: Number) -> Value:
        constant = _operand(base)
        return NotImplemented if constant is None else _apply(POW, (constant, self))

    def __neg__(self) -> Value:
        return self * -1.0

    def __sub__(self, other: Value | Number) -> Value:
        if type(other) is not Value and not isinstance(other, Real):
            return NotImplemented
        return self + (-other)

    def __rsub__(self, other: Number) -> Value:
        if not isinstance(other, Real):
            return NotImplemented
        return other + (-self)

    def relu(self) -> Value:
        """Return ``max(self, 0)``; its derivative is 0 at 0."""
        # Inline like + and *: a network makes one per hidden neuron and sample. The
        # table's rule: 0 where x <= 0, else x (so nan passes through).
        x = self.data
        out: Value = _new(Value)
        out.data = 0.0 if x <= 0.0 else x
        out.grad = 0.0
        out.label = ""
        if MODE.plain:
            out.op = RELU
            out._in0 = self
            out._in1 = None
            return out
        return _finish_unusual(out, RELU, (self,))

    def exp(self) -> Value:
        """Return ``e ** self`` (``inf`` past about 709.78)."""
        return _apply(EXP, (self,))

    def log(self) -> Value:
        """Return the natural log (``-inf`` at 0, ``nan`` below)."""
        return _apply(LOG, (self,))

    def tanh(self) -> Value:
        """Return ``tanh(self)``; ``d/dx tanh(x) = 1 - tanh(x)^2``."""
        return _apply(TANH, (self,))

    def sigmoid(self) -> Value:
        """Return ``1 / (1 + e^-self)``, stable for any input."""
        return _apply(SIGMOID, (self,))

    def softplus(self) -> Value:
        """Return ``log(1 + e^self)``, stable for any input; its derivative is sigmoid."""
        return _apply(SOFTPLUS, (self,))

    def detach(self) -> Value:
        """Return a new leaf with the same data and label, cut from this graph."""
        return Value(self.data, label=self.label)

    # --- gradients -------------------------------------------------------------------

    def zero_grad(self) -> None:
        """Set this Value's gradient to 0."""
        self.grad = 0.0

    def backward(self, grad: float = 1.0) -> None:
        """Fill in ``.grad`` of every node this Value depends on, seeded with ``grad``.

        Interior nodes' gradients are computed afresh on each call; leaves' gradients
        accumulate (call ``zero_grad()`` between steps). The graph is kept, so it can be
        drawn and backward can run again.

        >>> x = Value(3.0)
        >>> y = x * x
        >>> y.backward()
        >>> x.grad                  # dy/dx = 2x
        6.0
        >>> y.backward()            # leaves accumulate, as in PyTorch
        >>> x.grad
        12.0
        >>> x.zero_grad()
        >>> y.backward(grad=0.5)    # a seed other than 1: 0.5 · 2x
        >>> x.grad
        3.0
        """
        order = backward_order(self)
        for node in order:
            if node.op is not None:
                node.grad = 0.0
        self.grad += grad
        if MODE.anomaly:
            _backward_checked(order)
            return
        for node in order:
            op = node.op
            if op is not None:
                op.eager_backward(node, node.grad)


_new = object.__new__


def _record(op: Op, data: float, inputs: tuple[Value, ...]) -> Value:
    """Make the result node of ``op``: recorded, or a plain leaf under ``no_grad``."""
    out: Value = _new(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    if not MODE.plain:
        return _finish_unusual(out, op, inputs)
    out.op = op
    _store_inputs(out, op, inputs)
    return out


def _store_inputs(out: Value, op: Op, inputs: tuple[Value, ...]) -> None:
    if op.arity == 2:
        out._in0, out._in1 = inputs
    elif op.arity == 1:
        out._in0 = inputs[0]
        out._in1 = None
    else:
        out._in0 = inputs
        out._in1 = None


def _finish_unusual(out: Value, op: Op, inputs: tuple[Value, ...]) -> Value:
    """Finish a result node under ``no_grad`` (a leaf) or ``detect_anomaly`` (checked)."""
    if MODE.anomaly:
        _check_forward(op, out.data, inputs)
    if MODE.grad_enabled:
        out.op = op
        _store_inputs(out, op, inputs)
    else:
        out.op = None
        out._in0 = None
        out._in1 = None
    return out


def _apply(op: Op, inputs: tuple[Value, ...]) -> Value:
    """Apply ``op`` to Values: compute its float value and record the node."""
    return _record(op, op.eager_forward(*[p.data for p in inputs]), inputs)


def _operand(x: object) -> Value | None:
    """Return ``x`` as a Value (a number becomes a constant leaf), or None if it is neither."""
    if type(x) is Value:
        return x
    if isinstance(x, Real):
        return Value(x)
    return None


def _as_value(x: Value | Number) -> Value:
    return x if type(x) is Value else Value(x)


def dot(weights: Iterable[Value | Number], inputs: Iterable[Value | Number]) -> Value:
    """Return ``Σ w_i · x_i`` as one node (drawn ``Σ w·x``) instead of 2n - 1 nodes."""
    return dots([weights], inputs)[0]


def dots(
    weight_rows: Iterable[Iterable[Value | Number]], inputs: Iterable[Value | Number]
) -> list[Value]:
    """Return ``[dot(row, inputs) for row in weight_rows]``, reading the inputs once.

    A layer of neurons is this: every neuron's weights against the same inputs. The
    inputs are checked and read once for all rows, not once per row.
    """
    xs = _as_values(tuple(inputs))
    x_data = [x.data for x in xs]
    n = len(xs)
    plain = MODE.plain
    outs = []
    for row in weight_rows:
        given = row if type(row) is tuple else tuple(row)
        if len(given) != n:
            raise ValueError(f"dot() needs equal lengths, got {len(given)} weights and {n} inputs")
        ws = _as_values(given)
        # Neurons make most nodes of a network, so the node is built inline, as + and *
        # build theirs: the table's rule on floats, Σ w_i x_i added left to right (the
        # tests check it).
        out: Value = _new(Value)
        out.data = sum(map(_multiply, [w.data for w in ws], x_data), -0.0) if n else 0.0
        out.grad = 0.0
        out.label = ""
        if not n:
            out.op = None
            out._in0 = None
            out._in1 = None
        elif plain:
            out.op = DOT
            out._in0 = ws + xs
            out._in1 = None
        else:
            out = _finish_unusual(out, DOT, ws + xs)
        outs.append(out)
    return outs


def _as_values(items: tuple[Value | Number, ...]) -> tuple[Value, ...]:
    """Return ``items`` as Values: the same tuple when they all are (checked in one pass)."""
    if set(map(type, items)) <= _ONLY_VALUES:
        return items  # type: ignore[return-value]
    return tuple(map(_as_value, items))


_ONLY_VALUES = {Value}
_multiply = operator.mul


def sum_values(terms: Iterable[Value | Number]) -> Value:
    """Return ``x_1 + ... + x_n`` as one node (drawn ``Σ``) instead of n - 1 additions."""
    xs = tuple(_as_value(x) for x in terms)
    if not xs:
        return Value(0.0)
    return _apply(SUM, xs)


def softmax_shift(terms: Iterable[Value | Number]) -> Value:
    """Return the largest term (0 if not finite) as a node that passes no gradient back.

    Subtracting it before exponentiating keeps a softmax from overflowing; it is a node,
    not a number, so it follows the inputs when a compiled graph reruns.
    """
    xs = tuple(_as_value(x) for x in terms)
    if not xs:
        raise ValueError("softmax_shift() needs at least one term")
    return _apply(SHIFT, xs)


def logsumexp(terms: Iterable[Value | Number]) -> Value:
    """Return ``log Σ_i e^(x_i)`` as one node, stable for any inputs.

    It subtracts the largest input inside the op, so it stays stable however the inputs
    change (also when a compiled graph reruns it); ``d/dx_i = softmax(x)_i``.
    """
    xs = tuple(_as_value(x) for x in terms)
    if not xs:
        raise ValueError("logsumexp() needs at least one term")
    return _apply(LOGSUMEXP, xs)


# --- anomaly mode (opt in; kept off the hot path) ------------------------------------


def _finite(x: float) -> bool:
    return not (math.isnan(x) or math.isinf(x))


def _check_forward(op: Op, data: float, inputs: tuple[Value, ...]) -> None:
    if not _finite(data) and all(_finite(p.data) for p in inputs):
        shown = ", ".join(repr(p.data) for p in inputs)
        raise FloatingPointError(f"{op.name} produced {data!r} from finite inputs ({shown})")


def _backward_checked(order: list[Value]) -> None:
    for node in order:
        op = node.op
        if op is None:
            continue
        g = node.grad
        parents = node.parents
        local = op.local_grads(FLOAT_MATH, node.data, *[p.data for p in parents])
        for parent, local_grad in zip(parents, local):
            contribution = g * local_grad
            if not _finite(contribution) and _finite(g) and _finite(parent.data):
                raise FloatingPointError(
                    f"backward of {op.name} produced {contribution!r} for an input "
                    f"of value {parent.data!r} (upstream gradient {g!r})"
                )
            parent.grad += contribution

"""Value: a scalar that remembers how it was made.

Every op on Values is a record of :mod:`autograd.ops`. A result keeps its op and its
inputs in order (``v.parents``); ``backward()`` walks the graph in reverse topological
order, running each op's local derivatives from the table.

Layout, for speed and memory: a node stores its op's inputs in two slots, ``_in0`` and
``_in1``. An op with one input leaves ``_in1`` empty; an op with any number of inputs keeps
them all as a tuple in ``_in0``, or, when they come in two blocks (``dot``'s weights, then
its inputs), each block as a tuple, so the neurons of a layer share one tuple of inputs; a
node made micrograd's way keeps its own ``_backward`` function in ``_in1``. So most nodes
are one object for the garbage collector to track rather than two. Only this module reads
those slots: it passes them to an op's eager backward kernel as they are, and its walk of
the graph (:func:`topological_order`) reads them directly, for speed. ``parents`` gives
them as an ordered tuple, repeats included. Every node is made by one constructor,
:func:`_node`.

The walk is iterative and deterministic, with no recursion limit: a depth-first
post-order taken parents-first, the same on every run. Reading the slots rather than
``parents`` (which builds a tuple per node), pushing only parents not yet placed, and
checking each shared block of inputs once make it 2.0 to 2.7x cheaper than the walk over
``parents`` on micrograd's demo graph and on ``nn.MLP``'s, on Python 3.10 to 3.13
(``benchmarks/bench_engine.py`` keeps that walk as its reference; the order is the same,
node for node).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterable, Sequence
from functools import reduce
from itertools import filterfalse
from numbers import Real
from typing import Any, cast

from autograd.backprop import backward_checked, check_forward, user_backward_error
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
    POW_CONST,
    RELU,
    SHIFT,
    SIGMOID,
    SOFTPLUS,
    SUM,
    TANH,
    Op,
    UserOp,
    op_named,
    user_op,
)

__all__ = [
    "Value",
    "topological_order",
    "backward_order",
    "Number",
    "apply",
    "dot",
    "dots",
    "sum_values",
    "logsumexp",
    "softmax_shift",
    "as_float",
]

Number = float | int


def as_float(x: object, what: str = "Value()") -> float:
    """Return the real number ``x`` as a Python float, or raise a TypeError naming its type.

    Real numbers are ints, floats, bools, fractions and NumPy real scalars (NumPy's bool
    too); an int beyond the float range becomes ``±inf``.
    """
    if isinstance(x, Real) or _is_numpy_bool(x):
        try:
            return float(cast(float, x))
        except OverflowError:  # an int (or fraction) beyond the float range
            return math.inf if cast(float, x) > 0 else -math.inf
    if isinstance(x, Value):
        raise TypeError(
            f"{what} takes a real number, got a Value; "
            "use v.data for its number or v.detach() for a new leaf"
        )
    shown = repr(x)
    if len(shown) > 40:
        shown = shown[:37] + "..."
    raise TypeError(f"{what} takes a real number, got {type(x).__name__} {shown}")


def _is_numpy_bool(x: object) -> bool:
    kind = type(x)
    return kind.__module__ == "numpy" and kind.__name__ in ("bool_", "bool")


class Value:
    """A scalar in a computation graph: ``data``, ``grad``, its op and its parents.

    ``Value(x)`` takes any real number (int, float, bool, NumPy real scalars) and stores
    a Python float; anything else is a TypeError. A result of an op remembers the op
    (``v.op``; its symbol is ``v._op``) and its inputs (``v.parents``, also ``v._prev``).
    ``Value(data, _children, _op)`` makes a node micrograd's way: give it a ``_backward``
    function and ``backward()`` calls it in order. A Value takes other attributes too
    (``v.name = "x"``).

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

    __slots__ = ("data", "grad", "op", "_in0", "_in1", "__dict__")

    data: float
    grad: float
    #: A name for drawings and explanations. Most nodes have none, so it lives with the
    #: node's other attributes, made only when set; this is what an unlabelled node reads.
    label: str = ""
    op: Op | None
    _in0: Any
    _in1: Any

    def __init__(
        self,
        data: object,
        _children: Iterable[Value] = (),
        _op: str = "",
        label: str = "",
    ) -> None:
        self.data = data if type(data) is float else as_float(data)
        self.grad = 0.0
        if type(label) is not str:
            raise TypeError(f"a Value's label is a str, got {type(label).__name__} {label!r}")
        if label:
            self.label = label
        self.op = None
        self._in0 = None
        self._in1 = None
        children = _children if type(_children) is tuple else tuple(_children)
        if children:
            for child in children:
                if not isinstance(child, Value):
                    raise TypeError(
                        f"Value(data, _children, _op) takes Values as children, "
                        f"got {type(child).__name__} {child!r}"
                    )
            if MODE.grad_enabled:
                self.op = user_op(_op)
                self._in0 = children

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
        if type(self._in1) is tuple:  # two blocks
            return self._in0 + self._in1  # type: ignore[no-any-return]
        return self._in0  # type: ignore[no-any-return]

    # --- micrograd-compatible access -------------------------------------------------

    @property
    def _prev(self) -> tuple[Value, ...]:
        """The parents, as micrograd names them (an ordered tuple here, not a set)."""
        return self.parents

    @property
    def _op(self) -> str:
        """The op's symbol, as micrograd names it: :attr:`symbol`."""
        return self.symbol

    @property
    def symbol(self) -> str:
        """How drawings name the op (``'+'``, ``'*'``, ``'**2'``, ``'ReLU'``); '' for leaves."""
        op = self.op
        if op is None:
            return ""
        if op.caption is not None:
            return op.caption(*[p.data for p in self.parents])
        return op.symbol

    @property
    def _backward(self) -> Callable[[], None]:
        """Apply this node's local chain rule once: add ``grad`` × each local derivative
        to the parents' ``.grad`` (micrograd's node-by-node backprop).

        Assigning a function (``out._backward = fn``, micrograd's way to add an op) makes
        it this node's backward: ``backward()`` calls it when it reaches the node.
        """
        return self._backward_once

    @_backward.setter
    def _backward(self, function: Callable[[], None]) -> None:
        if not callable(function):
            raise TypeError(f"_backward must be a function, got {type(function).__name__}")
        parents = self.parents
        if not parents:
            raise ValueError(
                "_backward belongs to a node with children: make it with "
                "Value(data, (a, b), 'op') first"
            )
        if not isinstance(self.op, UserOp):
            self.op = user_op(self.symbol)
            self._in0 = parents
        self._in1 = function

    def _backward_once(self) -> None:
        op = self.op
        if op is not None:
            op.eager_backward(self.grad, self.data, self._in0, self._in1)

    @property
    def is_leaf(self) -> bool:
        """Whether no recorded op made this Value (an input, a parameter, a constant)."""
        return self.op is None

    def __repr__(self) -> str:
        parts = [f"data={self.data!r}", f"grad={self.grad!r}"]
        if self.label:
            parts.append(f"label={self.label!r}")
        if self.op is not None:
            parts.append(f"op={self.symbol!r}")
        return f"Value({', '.join(parts)})"

    def __float__(self) -> float:
        return self.data

    # --- building the graph ----------------------------------------------------------
    # + and * are most of every graph, so they compute their value inline (the tests
    # check it is the table's arithmetic) and call the node constructor directly.

    def __add__(self, other: Value | Number) -> Value:
        if type(other) is not Value:
            constant = _operand(other)
            if constant is None:
                return NotImplemented
            other = constant
        return _node(ADD, self.data + other.data, self, other)

    def __mul__(self, other: Value | Number) -> Value:
        if type(other) is not Value:
            constant = _operand(other)
            if constant is None:
                return NotImplemented
            other = constant
        return _node(MUL, self.data * other.data, self, other)

    def __radd__(self, other: Number) -> Value:
        constant = _operand(other)
        return NotImplemented if constant is None else apply(ADD, constant, self)

    def __rmul__(self, other: Number) -> Value:
        constant = _operand(other)
        return NotImplemented if constant is None else apply(MUL, constant, self)

    def __truediv__(self, other: Value | Number) -> Value:
        divisor = _operand(other)
        return NotImplemented if divisor is None else apply(DIV, self, divisor)

    def __rtruediv__(self, other: Number) -> Value:
        dividend = _operand(other)
        return NotImplemented if dividend is None else apply(DIV, dividend, self)

    def __pow__(self, exponent: Value | Number) -> Value:
        if type(exponent) is Value:
            return apply(POW, self, exponent)
        constant = _operand(exponent)
        return NotImplemented if constant is None else apply(POW_CONST, self, constant)

    def __rpow__(self, base: Number) -> Value:
        constant = _operand(base)
        return NotImplemented if constant is None else apply(POW, constant, self)

    def __neg__(self) -> Value:
        return self * -1.0

    def __sub__(self, other: Value | Number) -> Value:
        if type(other) is Value:
            return self + (-other)
        constant = _operand(other)
        # Negate the float, never the raw number: -np.uint8(3) wraps around to 253.
        return NotImplemented if constant is None else self + Value(-constant.data)

    def __rsub__(self, other: Number) -> Value:
        constant = _operand(other)
        return NotImplemented if constant is None else constant + (-self)

    def relu(self) -> Value:
        """Return ``max(self, 0)``; its derivative is 0 at 0."""
        # Inline like + and *: a network makes one per hidden neuron and sample. The
        # table's rule: 0 where x <= 0, else x (so nan passes through).
        x = self.data
        return _node(RELU, 0.0 if x <= 0.0 else x, self, None)

    def exp(self) -> Value:
        """Return ``e ** self`` (``inf`` past about 709.78)."""
        return apply(EXP, self)

    def log(self) -> Value:
        """Return the natural log (``-inf`` at 0, ``nan`` below)."""
        return apply(LOG, self)

    def tanh(self) -> Value:
        """Return ``tanh(self)``; ``d/dx tanh(x) = 1 - tanh(x)^2``."""
        return apply(TANH, self)

    def sigmoid(self) -> Value:
        """Return ``1 / (1 + e^-self)``, stable for any input."""
        return apply(SIGMOID, self)

    def softplus(self) -> Value:
        """Return ``log(1 + e^self)``, stable for any input; its derivative is sigmoid."""
        return apply(SOFTPLUS, self)

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
        drawn and backward can run again. ``grad`` is a real number (stored as a float).

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
        seed = as_float(grad, "backward(grad)")
        order = backward_order(self)
        for node in order:
            if node.op is not None:
                node.grad = 0.0
        self.grad += seed
        if MODE.anomaly:
            backward_checked(order)
            return
        # The speed path of the chain rule: each op's eager kernel, compiled from its
        # rules, adds to the parents' .grad in place. Measured on micrograd's demo graph
        # (65,000 nodes): 7 ms against 58 ms for the generic walker of autograd.backprop,
        # which the tests check it equals bit for bit.
        try:
            for node in order:
                op = node.op
                if op is not None:
                    op.eager_backward(node.grad, node.data, node._in0, node._in1)
        except Exception as error:
            if isinstance(node.op, UserOp):
                raise user_backward_error(node, error) from error
            raise


# --- the node constructor --------------------------------------------------------------

_new = object.__new__


def _node(op: Op, data: float, in0: Any, in1: Any) -> Value:
    """Return the node ``op(...)`` with value ``data``: recorded, or a leaf under no_grad.

    The inputs come as the node stores them: ``(x, None)`` for one input, ``(x, y)`` for
    two, ``(inputs_tuple, None)`` for any number, ``(block, block)`` for two blocks of
    inputs. Every node is made here.
    """
    out: Value = _new(Value)
    out.data = data
    out.grad = 0.0
    if MODE.plain:
        out.op = op
        out._in0 = in0
        out._in1 = in1
        return out
    return _finish_unusual(out, op, in0, in1)


def _finish_unusual(out: Value, op: Op, in0: Any, in1: Any) -> Value:
    """Finish a result node under ``no_grad`` (a leaf) or ``detect_anomaly`` (checked)."""
    if MODE.anomaly:
        check_forward(op, out.data, _stored_inputs(op, in0, in1))
    if MODE.grad_enabled:
        out.op = op
        out._in0 = in0
        out._in1 = in1
    else:
        out.op = None
        out._in0 = None
        out._in1 = None
    return out


def _stored_inputs(op: Op, in0: Any, in1: Any) -> tuple[Value, ...]:
    """The inputs of a node as ``_node`` receives them, as one tuple."""
    if type(in0) is tuple:
        return in0 + in1 if type(in1) is tuple else in0
    return (in0, in1)[: op.arity]


def apply(op: Op | str, *inputs: Value | Number) -> Value:
    """Return the node ``op(*inputs)``: the op's value, recorded with its inputs.

    ``op`` is a record of the op table (or its name); numbers become constant leaves.
    This is how a Value method applies its op, and how a user applies an op they defined:

    >>> from autograd.ops import TANH
    >>> apply(TANH, Value(0.0)).data
    0.0
    """
    record = op_named(op)
    values = _as_values(inputs)
    arity = record.arity
    if arity is not None and len(values) != arity:
        raise TypeError(f"op {record.name!r} takes {arity} inputs, got {len(values)}")
    if arity is None and not values:
        raise TypeError(f"op {record.name!r} needs at least one input")
    if record.in_two_blocks and len(values) % 2:
        raise TypeError(
            f"op {record.name!r} takes its inputs in two equal blocks "
            f"({record.roles[0]}s, then {record.roles[1]}s), got {len(values)} inputs"
        )
    data = record.eager_forward(*[v.data for v in values])
    if arity == 2:
        return _node(record, data, values[0], values[1])
    if arity == 1:
        return _node(record, data, values[0], None)
    if record.in_two_blocks:
        half = len(values) // 2
        return _node(record, data, values[:half], values[half:])
    return _node(record, data, values, None)


def _operand(x: object) -> Value | None:
    """Return ``x`` as a Value (a number becomes a constant leaf), or None if it is neither."""
    if type(x) is Value:
        return x
    if isinstance(x, Real) or _is_numpy_bool(x):
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
    outs = []
    for row in weight_rows:
        given = row if type(row) is tuple else tuple(row)
        if len(given) != n:
            raise ValueError(f"dot() needs equal lengths, got {len(given)} weights and {n} inputs")
        if not n:
            outs.append(Value(0.0))
            continue
        ws = _as_values(given)
        # The table's rule on floats, Σ w_i x_i added left to right (the tests check it),
        # without a call per term: neurons make most nodes of a network.
        data = reduce(_add, map(_multiply, [w.data for w in ws], x_data), -0.0)
        outs.append(_node(DOT, data, ws, xs))
    return outs


def _as_values(items: tuple[Value | Number, ...]) -> tuple[Value, ...]:
    """Return ``items`` as Values: the same tuple when they all are (checked in one pass)."""
    if set(map(type, items)) <= _ONLY_VALUES:
        return items  # type: ignore[return-value]
    return tuple(map(_as_value, items))


_ONLY_VALUES = {Value}
_multiply = operator.mul
_add = operator.add


def sum_values(terms: Iterable[Value | Number]) -> Value:
    """Return ``x_1 + ... + x_n`` as one node (drawn ``Σ``) instead of n - 1 additions."""
    xs = tuple(terms)
    if not xs:
        return Value(0.0)
    return apply(SUM, *xs)


def softmax_shift(terms: Iterable[Value | Number]) -> Value:
    """Return the largest term (0 if not finite) as a node that passes no gradient back.

    Subtracting it before exponentiating keeps a softmax from overflowing; it is a node,
    not a number, so it follows the inputs when a compiled graph reruns.
    """
    xs = tuple(terms)
    if not xs:
        raise ValueError("softmax_shift() needs at least one term")
    return apply(SHIFT, *xs)


def logsumexp(terms: Iterable[Value | Number]) -> Value:
    """Return ``log Σ_i e^(x_i)`` as one node, stable for any inputs.

    It subtracts the largest input inside the op, so it stays stable however the inputs
    change (also when a compiled graph reruns it); ``d/dx_i = softmax(x)_i``.
    """
    xs = tuple(terms)
    if not xs:
        raise ValueError("logsumexp() needs at least one term")
    return apply(LOGSUMEXP, *xs)


# --- walking the graph (it reads the slots, so it lives here) ------------------------


#: Pushed above a node whose parents are being placed: popping it means "place that node".
_PLACE_NEXT = object()


def topological_order(roots: Any | Sequence[Any]) -> list[Any]:
    """Return every node reachable from ``roots``, each after all of its parents.

    ``roots`` is one node or a list or tuple of nodes. The order is the depth-first
    post-order that visits parents in order. Iterative, so a graph of any depth works.
    """
    root_list = roots if isinstance(roots, (list, tuple)) else (roots,)
    try:
        return _post_order(root_list)
    except AttributeError:
        for root in root_list:
            if not hasattr(root, "_in0"):
                raise TypeError(
                    f"topological_order takes Values (one, or a list or tuple of them), "
                    f"got {type(root).__name__} {root!r}"
                ) from None
        raise


def _post_order(root_list: Sequence[Any]) -> list[Any]:
    order: list[Any] = []
    placed: set[Any] = set()
    place_set = placed.add
    place = order.append
    all_placed = placed.issuperset
    is_placed = placed.__contains__
    # The stack holds nodes and markers only, so a deep walk creates no objects that live
    # long enough to wake the cycle collector (a stack of (node, iterator) pairs would, and
    # then every collection would traverse the whole graph). Only parents not yet placed
    # are pushed, so the stack never holds a node that is popped only to be skipped.
    stack: list[Any] = list(reversed(root_list))
    push = stack.append
    pop = stack.pop
    # A block of a ``dot`` node found all placed stays so, and blocks are shared: a layer's
    # neurons share one tuple of inputs (the second block), and nn's layers give a neuron's
    # weights (the first block) to the node of every sample as one tuple. So the tuple of
    # inputs last found placed is remembered, and the ids of weight tuples found placed
    # (unique while the walk runs: each tuple belongs to a node of the graph): each tuple
    # is checked once, not once per node.
    inputs_placed = None
    weights_placed: set[int] = set()
    place_weights = weights_placed.add
    while stack:
        node = pop()
        if node is _PLACE_NEXT:
            node = pop()
            place_set(node)
            place(node)
            continue
        if node in placed:
            continue
        # Descend from ``node`` (not placed yet) along its first unplaced parent without a
        # round trip through the stack: the depth-first walk would pop that parent next.
        while True:
            first = node._in0
            if first is None:  # a leaf
                place_set(node)
                place(node)
                break
            second = node._in1
            if type(first) is tuple:  # any number of inputs: in ``first``, or two blocks
                # A node whose parents are all placed already (a neuron whose inputs an
                # earlier neuron reached) is placed at once, with C-level subset tests.
                if type(second) is not tuple:
                    if all_placed(first):
                        place_set(node)
                        place(node)
                        break
                elif second is inputs_placed or all_placed(second):
                    inputs_placed = second
                    ready = id(first) in weights_placed
                    if not ready and all_placed(first):
                        place_weights(id(first))
                        ready = True
                    if ready:
                        place_set(node)
                        place(node)
                        break
                push(node)
                push(_PLACE_NEXT)
                if type(second) is tuple:
                    stack.extend(filterfalse(is_placed, reversed(second)))
                stack.extend(filterfalse(is_placed, reversed(first)))
                node = pop()
                continue
            if second is None:  # one input
                if first in placed:
                    place_set(node)
                    place(node)
                    break
                # A neuron's activation whose sum has all its inputs placed: the walk would
                # place the sum, then the activation, so both are placed at once.
                inputs = first._in0
                if type(inputs) is tuple:
                    block = first._in1
                    if type(block) is not tuple:
                        ready = all_placed(inputs)
                    elif block is inputs_placed or all_placed(block):
                        inputs_placed = block
                        ready = id(inputs) in weights_placed
                        if not ready and all_placed(inputs):
                            place_weights(id(inputs))
                            ready = True
                    else:
                        ready = False
                    if ready:
                        place_set(first)
                        place(first)
                        place_set(node)
                        place(node)
                        break
                push(node)
                push(_PLACE_NEXT)
                node = first
                continue
            if first in placed:  # two inputs
                if second in placed:
                    place_set(node)
                    place(node)
                    break
                push(node)
                push(_PLACE_NEXT)
                node = second
                continue
            push(node)
            push(_PLACE_NEXT)
            if second not in placed:
                push(second)
            node = first
    return order


def backward_order(roots: Any | Sequence[Any], targets: Iterable[Value] | None = None) -> list[Any]:
    """Return every node reachable from ``roots``, each before all of its parents.

    This is the order backward visits nodes: when a node is reached, every node that
    uses it has already passed its gradient on. With ``targets``, only the nodes on a path
    from a root to a target, the only ones whose gradient reaches a target.
    """
    order = topological_order(roots)
    if targets is not None:
        wanted = set(targets)
        on_paths: set[Value] = set()
        for node in order:
            if node in wanted or not on_paths.isdisjoint(node.parents):
                on_paths.add(node)
        order = [node for node in order if node in on_paths]
    order.reverse()
    return order

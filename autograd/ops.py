"""The op table: every primitive operation glassgrad can record, one record each.

A record says what an op is called, how it is drawn, how it computes its value and its
local derivatives ``d out / d input_i``. Both rules are written with arithmetic only,
plus a few named helpers (``m.div``, ``m.pow``, ``m.log``, ``m.where`` ...) taken from a
*math* argument ``m``. Three readers call the same rules with a different ``m``:

* floats (:data:`autograd.ieee.FLOAT_MATH`), for eager values and ``backward()``; for ops
  with a fixed number of inputs the rules are read once, as code, into small float kernels
  (:func:`autograd.codegen.eager_kernels`);
* Values (``autograd.gradients.VALUE_MATH``), for higher-order gradients;
* code text (:data:`autograd.codegen.CODE_MATH`), for the compiler.

Everything follows IEEE double precision as PyTorch float64 does: overflow gives ``inf``,
``log(0)`` is ``-inf``, ``1/0`` is ``inf``, and no Python arithmetic exception escapes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from autograd.codegen import eager_kernels
from autograd.ieee import FLOAT_MATH

__all__ = [
    "Op",
    "ADD",
    "MUL",
    "DIV",
    "POW",
    "EXP",
    "LOG",
    "TANH",
    "SIGMOID",
    "RELU",
    "SOFTPLUS",
    "SUM",
    "SHIFT",
    "LOGSUMEXP",
    "DOT",
    "power_by",
    "OP_TABLE",
    "OP_FAMILIES",
]

Rule = Callable[..., Any]


@dataclass(frozen=True, eq=False)
class Op:
    """One primitive op: its name, drawing symbol, and forward and derivative rules.

    ``forward(m, *inputs)`` returns the op's value. ``local_grads(m, out, *inputs)`` returns
    one local derivative ``d out / d input_i`` per input. ``arity`` is the number of inputs,
    or ``None`` for ops that take any number (``sum``, ``dot``). ``exponent`` is set only
    for the power-by-a-number family made by :func:`power_by`.

    ``roles`` names the inputs where their order matters, for drawings: one name per input
    (``("numerator", "denominator")``), or ``()`` for symmetric ops. An op of any number of
    inputs that gives roles takes its inputs in equal blocks, one block per role: ``dot``'s
    ``("weight", "input")`` means ``w_1..w_n`` then ``x_1..x_n``.

    ``eager_forward(*floats)`` and ``eager_backward(node, g)`` are derived from the rules
    when the record is made; ``kernel_source`` shows the code they were compiled from.
    An op of any number of inputs may give ``float_backward``, its rule written as a loop
    on floats, to use instead of the generic reader (the tests check they agree).
    """

    name: str
    symbol: str
    forward: Rule
    local_grads: Rule
    arity: int | None
    doc: str = ""
    exponent: float | None = None
    roles: tuple[str, ...] = ()
    float_backward: Callable[[Any, float], None] | None = field(default=None, repr=False)
    eager_forward: Callable[..., float] = field(init=False, repr=False)
    eager_backward: Callable[[Any, float], None] = field(init=False, repr=False)
    kernel_source: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.arity is None:
            forward, backward, source = _float_reader(self)
            if self.float_backward is not None:
                backward = self.float_backward
                source = "(rules called on floats; backward: the rule written as a loop)"
        else:
            forward, backward, source = eager_kernels(self)
        object.__setattr__(self, "eager_forward", forward)
        object.__setattr__(self, "eager_backward", backward)
        object.__setattr__(self, "kernel_source", source)

    def __repr__(self) -> str:
        return f"Op({self.name!r}, symbol={self.symbol!r})"


def _float_reader(op: Op) -> tuple[Callable[..., float], Callable[[Any, float], None], str]:
    """Eager functions for ops with any number of inputs: the rules called on floats."""
    forward_rule = op.forward
    grads_rule = op.local_grads

    def forward(*inputs: float) -> float:
        return forward_rule(FLOAT_MATH, *inputs)  # type: ignore[no-any-return]

    def backward(node: Any, g: float) -> None:
        parents = node._in0  # a Value keeps all inputs of such an op as one tuple here
        local = grads_rule(FLOAT_MATH, node.data, *[p.data for p in parents])
        for parent, local_grad in zip(parents, local):
            parent.grad += g * local_grad

    return forward, backward, "(rules called on floats: the op takes any number of inputs)"


# --- the table -----------------------------------------------------------------------

ADD = Op(
    "add",
    "+",
    forward=lambda m, x, y: x + y,
    local_grads=lambda m, out, x, y: (1.0, 1.0),
    arity=2,
    doc="d(x+y)/dx = 1, d(x+y)/dy = 1",
)

MUL = Op(
    "mul",
    "*",
    forward=lambda m, x, y: x * y,
    local_grads=lambda m, out, x, y: (y, x),
    arity=2,
    doc="d(x*y)/dx = y, d(x*y)/dy = x",
)

# Division is primitive, not x * y**-1: the quotient rule written as -out/y keeps the
# gradients of 1e-300 / 1e-200 finite where y**-2 alone would overflow.
DIV = Op(
    "div",
    "/",
    forward=lambda m, x, y: m.div(x, y),
    local_grads=lambda m, out, x, y: (m.div(1.0, y), m.div(-out, y)),
    arity=2,
    doc="d(x/y)/dx = 1/y, d(x/y)/dy = -(x/y)/y",
    roles=("numerator", "denominator"),
)


def _pow_grads(m: Any, out: Any, x: Any, y: Any) -> tuple[Any, Any]:
    # PyTorch's conventions: no gradient through a zero exponent, and none to the
    # exponent where the base is 0 and the exponent is not negative (0 ** y is flat there).
    d_base = m.where(m.eq(y, 0.0), 0.0, y * m.pow(x, y - 1.0))
    d_exponent = m.where(m.both(m.eq(x, 0.0), m.ge(y, 0.0)), 0.0, out * m.log(x))
    return d_base, d_exponent


POW = Op(
    "pow",
    "**",
    forward=lambda m, x, y: m.pow(x, y),
    local_grads=_pow_grads,
    arity=2,
    doc="d(x**y)/dx = y * x**(y-1), d(x**y)/dy = x**y * log(x)",
    roles=("base", "exponent"),
)


@lru_cache(maxsize=256)
def power_by(exponent: float) -> Op:
    """Return the op ``x ** exponent`` for a fixed number; ``x ** 2`` draws as ``**2``."""
    k = float(exponent)

    def forward(m: Any, x: Any) -> Any:
        return m.pow(x, k)

    def local_grads(m: Any, out: Any, x: Any) -> tuple[Any]:
        return (0.0,) if k == 0.0 else (k * m.pow(x, k - 1.0),)

    return Op(
        "pow_scalar",
        f"**{k:g}",
        forward=forward,
        local_grads=local_grads,
        arity=1,
        doc=f"d(x**{k:g})/dx = {k:g} * x**{k - 1.0:g}",
        exponent=k,
    )


EXP = Op(
    "exp",
    "exp",
    forward=lambda m, x: m.exp(x),
    local_grads=lambda m, out, x: (out,),
    arity=1,
    doc="d(e^x)/dx = e^x",
)

LOG = Op(
    "log",
    "log",
    forward=lambda m, x: m.log(x),
    local_grads=lambda m, out, x: (m.div(1.0, x),),
    arity=1,
    doc="d(log x)/dx = 1/x",
)

TANH = Op(
    "tanh",
    "tanh",
    forward=lambda m, x: m.tanh(x),
    local_grads=lambda m, out, x: (1.0 - out * out,),
    arity=1,
    doc="d(tanh x)/dx = 1 - tanh(x)^2",
)

SIGMOID = Op(
    "sigmoid",
    "σ",
    forward=lambda m, x: m.sigmoid(x),
    local_grads=lambda m, out, x: (out * (1.0 - out),),
    arity=1,
    doc="d(sigmoid x)/dx = sigmoid(x) * (1 - sigmoid(x))",
)

# relu lets nan through, and its derivative is 0 wherever the output is not positive:
# PyTorch's choices, including 0 at x = 0.
RELU = Op(
    "relu",
    "ReLU",
    forward=lambda m, x: m.where(m.le(x, 0.0), 0.0, x),
    local_grads=lambda m, out, x: (m.where(m.le(out, 0.0), 0.0, 1.0),),
    arity=1,
    doc="d(relu x)/dx = 1 if relu(x) > 0 else 0",
)

SUM = Op(
    "sum",
    "Σ",
    forward=lambda m, *xs: m.sum(list(xs)),
    local_grads=lambda m, out, *xs: (1.0,) * len(xs),
    arity=None,
    doc="d(x_1 + ... + x_n)/dx_i = 1",
)


def _dot_forward(m: Any, *weights_then_inputs: Any) -> Any:
    n = len(weights_then_inputs) // 2
    weights, inputs = weights_then_inputs[:n], weights_then_inputs[n:]
    return m.sum([w * x for w, x in zip(weights, inputs)])


def _dot_grads(m: Any, out: Any, *weights_then_inputs: Any) -> tuple[Any, ...]:
    n = len(weights_then_inputs) // 2
    return weights_then_inputs[n:] + weights_then_inputs[:n]


def _dot_float_backward(node: Any, g: float) -> None:
    # _dot_grads on floats, as one loop over (w_i, x_i): a network's backward is mostly
    # this, and the generic reader would first copy every input's data into a list.
    if g == 0.0 and node.data - node.data == 0.0:
        # Behind a ReLU that is off, g is 0. A finite sum means every w_i and x_i is
        # finite, so each contribution would be an exact zero: adding them changes nothing.
        return
    operands = node._in0
    # zip stops at the shorter: operands[:n] paired with operands[n:], without a copy.
    for weight, x in zip(operands, operands[len(operands) // 2 :]):
        weight.grad += g * x.data
        x.grad += g * weight.data


DOT = Op(
    "dot",
    "Σ w·x",
    forward=_dot_forward,
    local_grads=_dot_grads,
    float_backward=_dot_float_backward,
    arity=None,
    doc="inputs w_1..w_n, x_1..x_n: d(Σ w_i x_i)/dw_i = x_i, d(Σ w_i x_i)/dx_i = w_i",
    roles=("weight", "input"),
)

# softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^-|x|): no overflow, no lost digits.
SOFTPLUS = Op(
    "softplus",
    "softplus",
    forward=lambda m, x: m.where(m.ge(x, 0.0), x + m.log1p(m.exp(-x)), m.log1p(m.exp(x))),
    local_grads=lambda m, out, x: (m.sigmoid(x),),
    arity=1,
    doc="d softplus(x)/dx = sigmoid(x)",
)


def _shift_forward(m: Any, *xs: Any) -> Any:
    largest = m.max(list(xs))
    # An infinite (or nan) largest input decides a softmax by itself; subtracting it would
    # only make nan, so the shift is 0 then.
    return m.where(m.eq(largest - largest, 0.0), largest, 0.0)


# The shift that keeps exponentials of a softmax from overflowing: the largest input, held
# constant for differentiation (JAX's stop_gradient(max(x))). softmax(x - c) = softmax(x)
# for any constant c, so no gradient is lost. Being an op, it is recomputed from the
# current inputs on every run, also in a compiled graph.
SHIFT = Op(
    "shift",
    "max (shift)",
    forward=_shift_forward,
    local_grads=lambda m, out, *xs: (0.0,) * len(xs),
    arity=None,
    doc="the largest x_i (0 if not finite), a constant for differentiation: derivatives 0",
)


def _logsumexp_forward(m: Any, *xs: Any) -> Any:
    shift = _shift_forward(m, *xs)
    return shift + m.log(m.sum([m.exp(x - shift) for x in xs]))


# One node, as in PyTorch: its gradient exp(x_i - out) is softmax(x)_i, and the shift that
# keeps it stable is computed inside the op, from the current inputs, on every reader.
LOGSUMEXP = Op(
    "logsumexp",
    "logsumexp",
    forward=_logsumexp_forward,
    local_grads=lambda m, out, *xs: tuple(m.exp(x - out) for x in xs),
    arity=None,
    doc="d logsumexp(x)/dx_i = exp(x_i - logsumexp(x)) = softmax(x)_i",
)

#: Every op with a fixed rule, by name.
OP_TABLE: dict[str, Op] = {
    op.name: op
    for op in (
        *(ADD, MUL, DIV, POW, EXP, LOG, TANH, SIGMOID, RELU, SOFTPLUS),
        *(SUM, DOT, SHIFT, LOGSUMEXP),
    )
}

#: Ops made per constant: ``power_by(k)`` gives the record named ``pow_scalar`` for ``x ** k``.
OP_FAMILIES: dict[str, Callable[[float], Op]] = {"pow_scalar": power_by}

"""The code-text reader of the op table: rules evaluated on symbols become Python source.

Calling an op's rule with :class:`Sym` arguments and :data:`CODE_MATH` returns Python
expressions as text. The compiler strings them into straight-line code for a whole graph;
:func:`eager_kernels` turns them into the small per-op functions that eager ``backward()``
runs. Either way the derivatives come from the table, never from a second copy.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from autograd.ieee import safe_div, safe_exp, safe_log, safe_log1p, safe_pow, stable_sigmoid
from autograd.registry import FUNCTIONS, op_named

if TYPE_CHECKING:
    from autograd.ops import Op

__all__ = [
    "Sym",
    "CodeMath",
    "CODE_MATH",
    "NAMESPACE",
    "namespace",
    "EagerBackward",
    "literal",
    "add_term",
    "forward_expr",
    "local_grad_exprs",
    "eager_kernels",
]

#: The names generated code may call, and what they are.
NAMESPACE: dict[str, Any] = {
    "_div": safe_div,
    "_pow": safe_pow,
    "_exp": safe_exp,
    "_log": safe_log,
    "_tanh": math.tanh,
    "_sigmoid": stable_sigmoid,
    "_log1p": safe_log1p,
    "inf": math.inf,
    "nan": math.nan,
}


def namespace() -> dict[str, Any]:
    """Return the names generated code may call: :data:`NAMESPACE` and ops' functions."""
    names = dict(NAMESPACE)
    names.update({f"_fn_{name}": function for name, function in FUNCTIONS.items()})
    return names


def literal(x: float) -> str:
    """Return Python source for the float ``x`` (``inf`` and ``nan`` are NAMESPACE names)."""
    x = float(x)
    if x != x:
        return "nan"
    if x in (math.inf, -math.inf):
        return "inf" if x > 0 else "(-inf)"
    return repr(x) if x >= 0.0 and math.copysign(1.0, x) > 0 else f"({x!r})"


def _text(x: Any) -> str:
    if isinstance(x, Sym):
        return x.code
    if isinstance(x, (int, float)):
        return literal(x)
    raise TypeError(f"a rule produced {type(x).__name__} {x!r}, expected a number or a symbol")


def _is_one(x: Any) -> bool:
    return not isinstance(x, Sym) and x == 1.0


class Sym:
    """A Python expression as text, built by arithmetic as a float would be."""

    __slots__ = ("code",)

    def __init__(self, code: str) -> None:
        self.code = code

    def __repr__(self) -> str:
        return f"Sym({self.code!r})"

    def __add__(self, other: Any) -> Sym:
        return Sym(f"({self.code} + {_text(other)})")

    def __radd__(self, other: Any) -> Sym:
        return Sym(f"({_text(other)} + {self.code})")

    def __sub__(self, other: Any) -> Sym:
        return Sym(f"({self.code} - {_text(other)})")

    def __rsub__(self, other: Any) -> Sym:
        return Sym(f"({_text(other)} - {self.code})")

    def __mul__(self, other: Any) -> Sym:
        # x * 1.0 == x exactly under IEEE, so that factor is dropped; a factor 0.0 is
        # kept, since inf * 0 is nan.
        return self if _is_one(other) else Sym(f"({self.code} * {_text(other)})")

    def __rmul__(self, other: Any) -> Sym:
        return self if _is_one(other) else Sym(f"({_text(other)} * {self.code})")

    def __neg__(self) -> Sym:
        return Sym(f"(-{self.code})")

    def __truediv__(self, other: Any) -> Sym:
        raise TypeError("op rules divide with m.div(a, b), which keeps IEEE results on floats")

    __rtruediv__ = __truediv__


class CodeMath:
    """The rule helpers of :class:`autograd.ops.RuleMath`, producing code text."""

    @staticmethod
    def _call(name: str, *args: Any) -> Sym:
        return Sym(f"{name}({', '.join(_text(a) for a in args)})")

    def div(self, a: Any, b: Any) -> Sym:
        return self._call("_div", a, b)

    def pow(self, a: Any, b: Any) -> Any:
        if _is_one(b):  # pow(x, 1) == x exactly
            return a
        return self._call("_pow", a, b)

    def exp(self, a: Any) -> Sym:
        return self._call("_exp", a)

    def log(self, a: Any) -> Sym:
        return self._call("_log", a)

    def tanh(self, a: Any) -> Sym:
        return self._call("_tanh", a)

    def sigmoid(self, a: Any) -> Sym:
        return self._call("_sigmoid", a)

    def log1p(self, a: Any) -> Sym:
        return self._call("_log1p", a)

    def max(self, terms: list[Any]) -> Any:
        return terms[0] if len(terms) == 1 else self._call("max", *terms)

    def sum(self, terms: list[Any]) -> Sym:
        # Flat text: a nested ((a + b) + c) would hit the parser's nesting limit for long sums.
        return Sym("(" + " + ".join(_text(t) for t in terms) + ")")

    def where(self, condition: Any, if_true: Any, if_false: Any) -> Any:
        if isinstance(condition, bool):
            return if_true if condition else if_false
        return Sym(f"({_text(if_true)} if {_text(condition)} else {_text(if_false)})")

    def eq(self, a: Any, b: Any) -> Sym:
        return Sym(f"({_text(a)} == {_text(b)})")

    def le(self, a: Any, b: Any) -> Sym:
        return Sym(f"({_text(a)} <= {_text(b)})")

    def ge(self, a: Any, b: Any) -> Sym:
        return Sym(f"({_text(a)} >= {_text(b)})")

    def both(self, a: Any, b: Any) -> Sym:
        return Sym(f"({_text(a)} and {_text(b)})")

    def apply(self, op: Op | str, *inputs: Any) -> Any:
        # Another op's forward rule, written out in place.
        return op_named(op).forward(self, *inputs)

    def call(self, name: str, *inputs: Any) -> Sym:
        if name not in FUNCTIONS:
            raise KeyError(f"no op declares a function named {name!r}")
        return self._call(f"_fn_{name}", *inputs)


CODE_MATH = CodeMath()


def add_term(holder: dict[int, str], node: int, term: str, lines: list[str]) -> None:
    """Write the statement adding ``term`` to node ``node``'s gradient ``g{node}``.

    ``holder`` maps each node to the variable holding its gradient so far. A first term
    that is a variable itself (a gradient passed on unchanged, as by ``+``) is shared,
    not copied, until a second term arrives; the terms add left to right, as eager
    backward adds them.
    """
    own = f"g{node}"
    current = holder.get(node)
    if current is None:
        holder[node] = term if term.isidentifier() else own
        if holder[node] == own:
            lines.append(f"{own} = {term}")
    elif current == own:
        lines.append(f"{own} += {term}")
    else:
        lines.append(f"{own} = {current} + {term}")
        holder[node] = own


def forward_expr(op: Op, inputs: Sequence[str]) -> str:
    """Return the expression computing ``op`` from the variables named ``inputs``."""
    return _text(op.forward(CODE_MATH, *[Sym(name) for name in inputs]))


def local_grad_exprs(op: Op, out: str, inputs: Sequence[str]) -> list[Any]:
    """Return ``op``'s local derivatives, one per input, as Syms or plain constants."""
    return list(op.local_grads(CODE_MATH, Sym(out), *[Sym(name) for name in inputs]))


def _uses(name: str, code: str) -> bool:
    return re.search(rf"\b{name}\b", code) is not None


Kernel = Callable[..., Any]
#: An eager backward kernel: ``(g, out, in0, in1)``, the inputs as a node stores them.
EagerBackward = Callable[[float, float, Any, Any], None]


def eager_kernels(op: Op) -> tuple[Kernel, EagerBackward, str]:
    """Return ``(forward, backward, source)`` for an op with a fixed number of inputs.

    ``forward(*input_data)`` computes the value. ``backward(g, out, in0, in1)`` adds ``g``
    times each local derivative to the ``.grad`` of the inputs, the Values themselves as a
    node passes them (``in1`` is None for one input). Both are compiled from the rules'
    code text, so eager backward and the compiler run the same arithmetic.
    """
    if op.arity is None:
        raise ValueError(f"op {op.name!r} takes any number of inputs; it has no fixed kernel")
    inputs = [f"x{i}" for i in range(op.arity)]
    parents = ["p0", "p1"] if op.arity == 1 else [f"p{i}" for i in range(op.arity)]
    contributions = [_text(Sym("g") * d) for d in local_grad_exprs(op, "out", inputs)]
    body = "\n".join(contributions)
    lines = [f"def forward({', '.join(inputs)}):", f"    return {forward_expr(op, inputs)}", ""]
    lines.append(f"def backward(g, out, {', '.join(parents)}):")
    lines += [f"    {x} = {p}.data" for x, p in zip(inputs, parents) if _uses(x, body)]
    lines += [f"    {p}.grad += {c}" for p, c in zip(parents, contributions)]
    source = "\n".join(lines) + "\n"
    names = namespace()
    exec(compile(source, f"<glassgrad kernel {op.name} {op.symbol}>", "exec"), names)
    return names["forward"], names["backward"], source

"""The ops and float functions defined so far, by name: how a rule names an op defined after
it (``m.apply("sin", x)``) and how generated code finds a function an op declared."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from autograd.ops import Op

__all__ = ["OP_TABLE", "FUNCTIONS", "op_named"]

#: Every op defined so far, by name (the built-in ones and any a user defines).
OP_TABLE: dict[str, Op] = {}

#: Float functions that records declared for ``m.call(name, ...)``, by name.
FUNCTIONS: dict[str, Callable[..., float]] = {}


def op_named(op: Op | str) -> Op:
    """Return the op record ``op`` names (or ``op`` itself); a KeyError names unknown ones."""
    if not isinstance(op, str):
        return op
    try:
        return OP_TABLE[op]
    except KeyError:
        raise KeyError(f"no op named {op!r}; known ops: {', '.join(sorted(OP_TABLE))}") from None

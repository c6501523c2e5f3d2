"""The chain-rule walker: every reader of the derivative rules goes through :func:`backpropagate`.

It visits nodes in backward order (each node after every node that uses it) and passes
each node's gradient to its inputs, ``grad(parent) += grad(node) × d node / d parent``,
with the local derivatives read from the op table by a reader of the rules: floats, or
Values for gradients that can be differentiated again. Its clients differ only in where
gradients are kept and what they watch:

* ``grad()`` keeps them in a dict, pruned to the nodes on a path to what was asked;
* ``explain()`` and ``backward_steps()`` watch every term (``observe``);
* ``backward()`` under ``detect_anomaly()`` keeps them in ``.grad`` and checks each term.

Plain ``backward()`` runs each op's compiled float kernel instead, for speed; the tests
check that it gives these gradients bit for bit.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from autograd.ops import FLOAT_MATH, Op, RuleMath, UserOp

if TYPE_CHECKING:
    from autograd.value import Value

__all__ = [
    "backpropagate",
    "GradStore",
    "GradDict",
    "GradSlots",
    "Observer",
    "data_of",
    "itself",
    "local_grads",
    "backward_checked",
    "check_forward",
    "user_backward_error",
]


class GradStore(Protocol):
    """Where a walk keeps gradients: ``get`` (None before any term) and ``add``."""

    def get(self, node: Value) -> Any: ...
    def add(self, node: Value, term: Any) -> None: ...


class GradDict(dict[Any, Any]):
    """Gradients in a dict, for walks that leave ``.grad`` alone."""

    def add(self, node: Value, term: Any) -> None:
        known = self.get(node)
        self[node] = term if known is None else known + term


class GradSlots:
    """Gradients in the nodes' own ``.grad``, as ``backward()`` keeps them."""

    @staticmethod
    def get(node: Value) -> float:
        return node.grad

    @staticmethod
    def add(node: Value, term: float) -> None:
        node.grad += term


#: Called once per term: ``observe(node, input_number, parent, node_grad, local, term)``.
Observer = Callable[["Value", int, "Value", Any, Any, Any], None]


def data_of(node: Value) -> float:
    """What the float reader calls the rules with: a node's data."""
    return node.data


def itself(node: Value) -> Value:
    """What the Value reader calls the rules with: the node itself."""
    return node


def local_grads(
    node: Value,
    math: RuleMath[Any, Any] = FLOAT_MATH,
    operand: Callable[[Value], Any] = data_of,
) -> tuple[Any, ...]:
    """Return ``d node / d parent_i`` for each of ``node``'s parents, from the op table."""
    op = node.op
    if op is None:
        return ()
    parents = node.parents
    return tuple(op.local_grads(math, operand(node), *[operand(p) for p in parents]))


def backpropagate(
    order: Sequence[Value],
    grads: GradStore,
    *,
    math: RuleMath[Any, Any] = FLOAT_MATH,
    operand: Callable[[Value], Any] = data_of,
    observe: Observer | None = None,
    only: set[Value] | None = None,
) -> None:
    """Run the chain rule over ``order`` (backward order), reading rules with ``math``.

    A node with no gradient in ``grads`` passes nothing on. ``only`` limits the parents
    that receive terms (the nodes of a pruned order). A node made micrograd's way runs its
    own ``_backward``, which can only keep gradients in ``.grad`` (:class:`GradSlots`).
    """
    for node in order:
        op = node.op
        if op is None:
            continue
        if isinstance(op, UserOp) and isinstance(grads, GradSlots):
            try:
                node._backward()
            except Exception as error:
                raise user_backward_error(node, error) from error
            continue
        g = grads.get(node)
        if g is None:
            continue
        parents = node.parents
        local = op.local_grads(math, operand(node), *[operand(p) for p in parents])
        for input_number, (parent, local_grad) in enumerate(zip(parents, local)):
            if only is not None and parent not in only:
                continue
            term = g * local_grad
            if observe is not None:
                observe(node, input_number, parent, g, local_grad, term)
            grads.add(parent, term)


def user_backward_error(node: Value, error: Exception) -> Exception:
    """Return ``error`` (same type where possible) naming the node whose hand-written
    ``_backward`` raised it."""
    name = f"{node.label!r}" if node.label else "without a label"
    message = f"the _backward of node {name} (op {node.symbol!r}) raised: {error}"
    try:
        return type(error)(message)
    except Exception:  # an exception type that takes other arguments
        return RuntimeError(message)


# --- anomaly mode (opt in; kept off the hot path) ------------------------------------


def _finite(x: float) -> bool:
    return not (math.isnan(x) or math.isinf(x))


def check_forward(op: Op, data: float, inputs: Sequence[Value]) -> None:
    """Raise FloatingPointError if ``op`` made nan or inf (``data``) from finite inputs."""
    if not _finite(data) and all(_finite(p.data) for p in inputs):
        shown = ", ".join(repr(p.data) for p in inputs)
        raise FloatingPointError(f"{op.name} produced {data!r} from finite inputs ({shown})")


def check_term(
    node: Value, input_number: int, parent: Value, g: float, local: float, term: float
) -> None:
    """An observer that raises FloatingPointError on a nan or inf from finite numbers."""
    if not _finite(term) and _finite(g) and _finite(parent.data):
        assert node.op is not None
        raise FloatingPointError(
            f"backward of {node.op.name} produced {term!r} for an input "
            f"of value {parent.data!r} (upstream gradient {g!r})"
        )


def backward_checked(order: Sequence[Value]) -> None:
    """``backward()``'s walk with every term checked, gradients kept in ``.grad``."""
    backpropagate(order, GradSlots(), observe=check_term)

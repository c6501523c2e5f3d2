"""Seeing a graph: draw it, step through its backward pass, explain a gradient.

* :func:`draw_dot` draws the graph that made a Value: each value a card ``op | name |
  data | grad`` named as :mod:`autograd.naming` names it, constants as small plain text,
  the neurons of an ``nn`` graph as tables of their weights in order; a graph too large to
  draw legibly is drawn with one box per layer, or summarized.
* :func:`backward_steps` replays backward one node at a time: the gradient reached, the
  terms that made it (each use's gradient times the local derivative) and a drawing with
  the nodes done, current and pending in different colours.
* :func:`explain` (from :mod:`autograd.explain`) writes a gradient as a sum over paths.
* :func:`explore` (from :mod:`autograd.explore`) is all of it in one interactive page that
  needs no kernel and no network: steps, zoom, a panel per value, collapsible layers.

Drawings are :class:`~autograd.dotfile.Drawing` objects: ``.source`` is deterministic DOT
text, ``.pipe(format)`` and ``.save(path)`` render with Graphviz, and Jupyter shows them
inline (or the DOT text and an install hint when Graphviz is missing).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from functools import cached_property
from typing import NamedTuple

from autograd.backprop import GradDict, backpropagate
from autograd.dotfile import (
    DEFAULT_MAX_NODES,
    Drawing,
    GraphvizNotFoundError,
    draw_graph,
    format_number,
)
from autograd.explain import Explanation, explain, node_name
from autograd.explore import Explorer, explore
from autograd.naming import display_names, input_roles, is_constant
from autograd.ops import Op
from autograd.value import Value, as_float, backward_order

__all__ = [
    "draw_dot",
    "backward_steps",
    "explain",
    "explore",
    "BackwardStep",
    "GradientTerm",
    "Drawing",
    "Explanation",
    "Explorer",
    "GraphvizNotFoundError",
    "FILL_DONE",
    "FILL_CURRENT",
    "FILL_PENDING",
]

#: Fill colour of nodes whose gradient backward has already finished.
FILL_DONE = "#b7e4c7"
#: Fill colour of the node backward is at.
FILL_CURRENT = "#ffd166"
#: Fill colour of nodes backward has not reached yet.
FILL_PENDING = "#e9ecef"


def draw_dot(
    root: Value,
    rankdir: str = "LR",
    show_grad: bool = True,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    *,
    highlight: Explanation | None = None,
) -> Drawing:
    """Return a drawing of the graph that made ``root``.

    ``rankdir`` is LR, RL, TB or BT. ``show_grad=False`` leaves out the gradients.
    ``max_nodes`` (``None``: no limit) bounds the number of values and the layout's size
    (ranks × the widest rank): past it an ``nn`` graph is drawn with one box per layer
    (shape, parameter count), and any other graph as a note that counts its ops and
    labelled leaves. Every drawing is scaled to fit 960 px (10 inches) wide.
    ``highlight=explain(root, x)`` draws every path from ``root`` to ``x`` in red.

    >>> from autograd import Value
    >>> from autograd.viz import draw_dot
    >>> x = Value(2.0, label="x")
    >>> y = x * x + x
    >>> y.label = "y"
    >>> g = draw_dot(y)
    >>> g.source.splitlines()[0]    # DOT text, the same for the same graph
    'digraph glassgrad {'
    >>> g.save("graph.svg")         # doctest: +SKIP
    >>> g                           # doctest: +SKIP
    (in Jupyter: the picture, inline)
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw_dot() takes a Value, got {type(root).__name__}")
    nodes: Collection[Value] = ()
    edges: Collection[tuple[Value, int]] = ()
    if highlight is not None:
        nodes = highlight.nodes_on_paths
        edges = highlight.edges_on_paths
    return draw_graph(
        root,
        rankdir=rankdir,
        show_grad=show_grad,
        max_nodes=max_nodes,
        highlighted_nodes=nodes,
        highlighted_edges=edges,
    )


class GradientTerm(NamedTuple):
    """One use of a node passing gradient back: ``consumer_grad × local_grad``.

    ``consumer`` used the node as its input ``input_number``; ``local_grad`` is
    ``d consumer / d node`` from the op table; ``value`` is the product.
    """

    consumer: Value
    input_number: int
    consumer_grad: float
    local_grad: float
    value: float

    @property
    def op(self) -> Op:
        """The op of ``consumer``; its ``doc`` gives the derivative formula."""
        assert self.consumer.op is not None  # a consumer is always an op's result
        return self.consumer.op

    def __str__(self) -> str:
        return self.describe()

    def describe(self, names: Mapping[Value, str] | None = None) -> str:
        """Return ``consumer_grad × local_grad (from <consumer>, as its <role>)``.

        ``names`` are the graph's display names (as drawn); without them the consumer is
        named within the graph below it.
        """
        role = input_roles(self.consumer)[self.input_number]
        as_role = f", as its {role}" if role else ""
        return (
            f"{self.consumer_grad:.4g} × {self.local_grad:.4g} "
            f"(from {node_name(self.consumer, names)}{as_role})"
        )


class _BackwardWalk:
    """What every step of one walk shares: the order, the final gradients, the names."""

    def __init__(
        self, root: Value, order: list[Value], grads: dict[Value, float], step_count: int
    ) -> None:
        self.root = root
        self.order = order
        self.grads = grads
        self.step_count = step_count

    @cached_property
    def names(self) -> dict[Value, str]:
        """The display names of the walk's graph, as drawings show them."""
        return display_names(self.order[::-1])


class BackwardStep:
    """Backward reaching one node: its gradient, the terms that made it, a drawing.

    ``index`` is the step's place among the steps (0 is the root); steps follow backward
    order. ``grad`` is the node's full gradient: the sum of ``terms`` in order (the root's
    is the seed, with no terms). ``drawing`` shows the graph at this moment.
    """

    __slots__ = ("_walk", "index", "node", "grad", "terms")

    def __init__(
        self,
        walk: _BackwardWalk,
        index: int,
        node: Value,
        grad: float,
        terms: tuple[GradientTerm, ...],
    ) -> None:
        self._walk = walk
        self.index = index
        self.node = node
        self.grad = grad
        self.terms = terms

    def draw(
        self,
        *,
        rankdir: str = "LR",
        show_grad: bool = True,
        max_nodes: int | None = DEFAULT_MAX_NODES,
    ) -> Drawing:
        """Return the graph at this step: done, current and pending nodes in their colours.

        Done and current nodes show the gradient backward gives them; pending nodes show
        ``?``. The edges that carried this step's terms are drawn in red.
        """
        fills: dict[Value, str] = {}
        grad_texts: dict[Value, str] = {}
        order = self._walk.order
        current = order.index(self.node)
        for position, node in enumerate(order):
            if position < current:
                fills[node] = FILL_DONE
            elif position == current:
                fills[node] = FILL_CURRENT
            else:
                fills[node] = FILL_PENDING
            reached = position <= current
            grad_texts[node] = format_number(self._walk.grads[node]) if reached else "?"
        return draw_graph(
            self._walk.root,
            rankdir=rankdir,
            show_grad=show_grad,
            max_nodes=max_nodes,
            grad_texts=grad_texts,
            fills=fills,
            highlighted_nodes=(self.node,),
            highlighted_edges={(term.consumer, term.input_number) for term in self.terms},
            caption=self.headline(),
        )

    @property
    def drawing(self) -> Drawing:
        """The graph at this step, drawn with the defaults of :meth:`draw`."""
        return self.draw()

    def headline(self) -> str:
        """Return one line: step number, node and gradient."""
        total = self._walk.step_count
        name = node_name(self.node, self._walk.names)
        return f"step {self.index + 1} of {total}: {name}, grad {self.grad:.4g}"

    def __str__(self) -> str:
        if not self.terms:
            return f"{self.headline()} (the seed)"
        names = self._walk.names
        sum_of_terms = " + ".join(term.describe(names) for term in self.terms)
        return f"{self.headline()} = {sum_of_terms}"

    def __repr__(self) -> str:
        return f"<BackwardStep {self.headline()}>"

    def _repr_mimebundle_(
        self,
        include: Collection[str] | None = None,
        exclude: Collection[str] | None = None,
    ) -> dict[str, str]:
        """Jupyter's display: this step's drawing."""
        return self.drawing._repr_mimebundle_(include, exclude)


def backward_steps(
    root: Value, grad: float = 1.0, *, constants: bool = False
) -> list[BackwardStep]:
    """Return one step per node, in the order backward reaches them, each with its terms.

    Every node comes after all the nodes that use it. Constants (unlabelled leaves such as
    the ``3`` of ``x * 3``) take no step unless ``constants=True``: nothing learns from
    their gradient. The gradients are those one ``root.backward(grad)`` gives from zero
    grads, computed here with the op table's rules in backward's own order (so the floats
    agree exactly); ``.grad`` is neither read nor written. Drawings are made only when a
    step's ``drawing`` is asked for.
    """
    if not isinstance(root, Value):
        raise TypeError(f"backward_steps() takes a Value, got {type(root).__name__}")
    order = backward_order(root)
    grads = GradDict({root: as_float(grad, "backward_steps(grad)")})
    terms: dict[Value, list[GradientTerm]] = {}

    def keep_term(node: Value, input_number: int, parent: Value, *numbers: float) -> None:
        terms.setdefault(parent, []).append(GradientTerm(node, input_number, *numbers))

    backpropagate(order, grads, observe=keep_term)
    stepped = [node for node in order if node is root or constants or not is_constant(node)]
    walk = _BackwardWalk(root, order, grads, len(stepped))
    return [
        BackwardStep(walk, index, node, grads[node], tuple(terms.get(node, ())))
        for index, node in enumerate(stepped)
    ]

"""The chain rule spelled out: a gradient as a sum over paths of products of local derivatives.

``d root / d wrt`` is the sum, over every path from ``root`` down to ``wrt``, of the
product of the local derivatives along the path's edges. :func:`explain` lists the paths
with each edge's op and local derivative (taken from the op table, the same rules
``backward()`` runs), and computes the total by dynamic programming, so it is exact and
fast even when the number of paths is astronomically large.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property

from autograd.backprop import GradDict, backpropagate, local_grads
from autograd.dotfile import DEFAULT_MAX_NODES, Drawing, draw_graph
from autograd.naming import display_names, input_roles
from autograd.ops import Op
from autograd.value import Value, backward_order, topological_order

__all__ = ["explain", "Explanation", "ChainPath", "PathEdge", "node_name", "local_grads"]

#: How many paths :func:`explain` lists unless told otherwise.
DEFAULT_MAX_PATHS = 1000


def node_name(node: Value, names: Mapping[Value, str] | None = None) -> str:
    """Return how explanations name a node: as drawings do, never by a bare op symbol.

    ``names`` are the display names of the whole graph (:func:`autograd.naming.display_names`);
    without them the node is named within the graph below it (``x·w``, ``tanh(n)``).
    """
    if names is not None and node in names:
        return names[node]
    return display_names(topological_order(node))[node]


def _edge_text(edge: PathEdge, names: Mapping[Value, str] | None) -> str:
    role = input_roles(edge.consumer)[edge.input_number]
    as_role = f" (its {role})" if role else ""
    consumer = _bracketed(node_name(edge.consumer, names))
    parent = _bracketed(node_name(edge.parent, names))
    return (
        f"d {consumer} / d {parent}{as_role} = "
        f"{edge.local_grad:.6g}   by {edge.op.name}: {edge.op.doc}"
    )


def _bracketed(name: str) -> str:
    """``a - b`` as ``[a - b]``, so that ``d [a - b] / d a`` reads as one derivative."""
    return f"[{name}]" if " " in name else name


def _path_text(path: ChainPath, names: Mapping[Value, str] | None) -> str:
    if not path.edges:
        return "(the root itself): 1"
    shown = " ← ".join(node_name(node, names) for node in path.nodes)
    factors = " × ".join(f"{edge.local_grad:.4g}" for edge in path.edges)
    return f"{shown}: {factors} = {path.product:.4g}"


@dataclass(frozen=True, eq=False)
class PathEdge:
    """One edge of a path: ``consumer`` was made from ``parent`` (its input ``input_number``)."""

    consumer: Value
    input_number: int
    parent: Value
    local_grad: float

    @property
    def op(self) -> Op:
        """The op that made ``consumer``; its ``doc`` gives the derivative formula."""
        assert self.consumer.op is not None  # an edge always leads into an op's result
        return self.consumer.op

    def __str__(self) -> str:
        return _edge_text(self, None)


@dataclass(frozen=True, eq=False)
class ChainPath:
    """One path from the root down to ``wrt``: its edges in order and their product."""

    edges: tuple[PathEdge, ...]
    product: float

    @property
    def nodes(self) -> tuple[Value, ...]:
        """The nodes along the path, root first; an empty path is the root alone."""
        if not self.edges:
            return ()
        return (self.edges[0].consumer, *(edge.parent for edge in self.edges))

    def __str__(self) -> str:
        return _path_text(self, None)


class Explanation:
    """``d root / d wrt`` as a sum over paths; ``str()`` prints the chain rule, path by path.

    ``total`` is the gradient (what one ``root.backward()`` from zero grads puts in
    ``wrt.grad``), computed by dynamic programming. ``path_count`` is the exact number
    of paths; ``paths`` lists at most ``max_paths`` of them (``truncated`` says when
    there are more). The sum of the listed products equals ``total`` up to rounding when
    all paths are listed.
    """

    def __init__(
        self,
        root: Value,
        wrt: Value,
        *,
        total: float,
        path_count: int,
        paths: tuple[ChainPath, ...],
        max_paths: int,
        nodes_on_paths: frozenset[Value],
        edges_on_paths: frozenset[tuple[Value, int]],
    ) -> None:
        self.root = root
        self.wrt = wrt
        self.total = total
        self.path_count = path_count
        self.paths = paths
        self.max_paths = max_paths
        self.nodes_on_paths = nodes_on_paths
        self.edges_on_paths = edges_on_paths

    @cached_property
    def names(self) -> dict[Value, str]:
        """The display names of the root's graph, as drawings show them."""
        return display_names(topological_order(self.root))

    @property
    def truncated(self) -> bool:
        """Whether there are more paths than ``paths`` lists."""
        return self.path_count > len(self.paths)

    def format(self, *, details: bool = False) -> str:
        """Return the explanation as text; with ``details``, each edge's op and formula too."""
        names = self.names
        root_name = node_name(self.root, names)
        wrt_name = node_name(self.wrt, names)
        noun = "path" if self.path_count == 1 else "paths"
        lines = [
            f"d {root_name} / d {wrt_name}: {self.path_count} {noun}, "
            "each the product of the local derivatives along it"
        ]
        if self.path_count == 0:
            lines.append(f"{wrt_name} does not feed into {root_name}, so the gradient is 0")
        if self.truncated:
            lines.append(
                f"showing the first {len(self.paths)} of {self.path_count} paths "
                f"(max_paths={self.max_paths}); the total still sums them all"
            )
        for number, path in enumerate(self.paths, start=1):
            lines.append(f"Path {number}: {_path_text(path, names)}")
            if details:
                lines.extend(f"    {_edge_text(edge, names)}" for edge in path.edges)
        lines.append(f"Total: {self.total:.4g} (= {self.total!r})")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.format()

    def __repr__(self) -> str:
        return (
            f"<Explanation d {node_name(self.root, self.names)} / "
            f"d {node_name(self.wrt, self.names)} = "
            f"{self.total!r} over {self.path_count} paths>"
        )

    def draw(
        self,
        *,
        rankdir: str = "LR",
        show_grad: bool = True,
        max_nodes: int | None = DEFAULT_MAX_NODES,
    ) -> Drawing:
        """Return a drawing of the root's graph with every path to ``wrt`` in red."""
        return draw_graph(
            self.root,
            rankdir=rankdir,
            show_grad=show_grad,
            max_nodes=max_nodes,
            highlighted_nodes=self.nodes_on_paths,
            highlighted_edges=self.edges_on_paths,
            caption=(
                f"paths from {node_name(self.root, self.names)} "
                f"to {node_name(self.wrt, self.names)}"
            ),
        )

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, str]:
        """Jupyter's display: the text, which always reads; ``draw()`` gives the picture."""
        return {"text/plain": self.format()}


def explain(root: Value, wrt: Value, *, max_paths: int = DEFAULT_MAX_PATHS) -> Explanation:
    """Return every path from ``root`` down to ``wrt`` with its local derivatives and total.

    Paths are counted first (dynamic programming), then at most ``max_paths`` are listed,
    so an exponential number of paths costs nothing beyond the cap. ``.total`` is computed
    like backward, over the nodes on paths only, and equals ``wrt.grad`` after one
    ``root.backward()`` from zero grads. Nothing is modified: ``.grad`` is neither read
    nor written.

    >>> from autograd import Value
    >>> from autograd.viz import explain
    >>> x = Value(2.0, label="x")
    >>> y = x * x + x
    >>> y.label = "y"
    >>> e = explain(y, x)
    >>> print(e)
    d y / d x: 3 paths, each the product of the local derivatives along it
    Path 1: y ← x·x ← x: 1 × 2 = 2
    Path 2: y ← x·x ← x: 1 × 2 = 2
    Path 3: y ← x: 1 = 1
    Total: 5 (= 5.0)
    >>> y.backward()
    >>> e.total == x.grad
    True
    """
    if not isinstance(root, Value) or not isinstance(wrt, Value):
        raise TypeError(
            f"explain() takes two Values, got {type(root).__name__} and {type(wrt).__name__}"
        )
    if max_paths < 0:
        raise ValueError(f"max_paths must be 0 or more, got {max_paths}")
    on_paths = backward_order(root, [wrt])  # backward order, as backward() walks them
    reaches_wrt = set(on_paths)

    # One walk gives the gradient (the terms backward adds, in backward's order, so the
    # floats agree exactly) and, passed along the same edges, the number of paths and
    # each edge's local derivative, which the listed paths multiply.
    grads = GradDict()
    counts: dict[Value, int] = {}
    local: dict[tuple[Value, int], float] = {}
    if root in reaches_wrt:
        grads.add(root, 1.0)
        counts[root] = 1

    def count_paths(
        node: Value, input_number: int, parent: Value, node_grad: float, local_grad: float, _: float
    ) -> None:
        counts[parent] = counts.get(parent, 0) + counts[node]
        local[node, input_number] = local_grad

    backpropagate(on_paths, grads, observe=count_paths, only=reaches_wrt)

    return Explanation(
        root,
        wrt,
        total=grads.get(wrt, 0.0),
        path_count=counts.get(wrt, 0),
        paths=tuple(_first_paths(root, wrt, reaches_wrt, local, max_paths)),
        max_paths=max_paths,
        nodes_on_paths=frozenset(reaches_wrt),
        edges_on_paths=frozenset(local),
    )


def _first_paths(
    root: Value,
    wrt: Value,
    reaches_wrt: set[Value],
    local: dict[tuple[Value, int], float],
    limit: int,
) -> Iterator[ChainPath]:
    """Yield up to ``limit`` paths from ``root`` to ``wrt``, depth first, inputs in order.

    Only inputs that lead to ``wrt`` are followed, so every branch ends in a path and the
    work is proportional to what is listed. Iterative: any depth works.
    """
    if limit == 0 or root not in reaches_wrt:
        return
    if root is wrt:
        yield ChainPath((), 1.0)
        return
    found = 0
    path: list[PathEdge] = []
    stack: list[Iterator[tuple[int, Value]]] = [iter(enumerate(root.parents))]
    while stack:
        for input_number, parent in stack[-1]:
            if parent not in reaches_wrt:
                continue
            consumer = path[-1].parent if path else root
            path.append(PathEdge(consumer, input_number, parent, local[consumer, input_number]))
            if parent is wrt:
                product = 1.0
                for edge in path:
                    product *= edge.local_grad
                yield ChainPath(tuple(path), product)
                found += 1
                if found == limit:
                    return
                path.pop()
                continue
            stack.append(iter(enumerate(parent.parents)))
            break
        else:
            stack.pop()
            if path:
                path.pop()

"""The tape compiler: a recorded graph becomes straight-line Python for forward and backward.

A dynamic engine builds one Python object per node on every step. When a training loop runs
the same graph again and again (full-batch training, a fixed architecture on fixed-size
batches), :func:`compile` records it once and writes it out as code: one statement per
node for the forward pass, one per edge for the backward pass, every line read from the op
table's own rules through the code-text reader (:mod:`autograd.codegen`). No derivative is
written twice.

Shape of the generated code. CPython compiles one huge function slowly and cannot parse
deeply nested expressions, so there is one statement per node, and the nodes, leaves first
then the rest in topological order, are cut into chunks of :data:`CHUNK_NODES`. Each chunk
is a generator over two shared lists indexed by node number, ``values`` and ``grads``: it
loads the values it needs from leaves and earlier chunks into locals (one ``itemgetter``
call), computes its nodes, stores the values later chunks need, and yields. Resumed in
reverse order for the backward pass, it still has its forward values in locals; it loads
the gradients later chunks and the leaves' ``.grad`` passed to it, runs the derivative
rules node by node and stores what earlier chunks and leaves receive. ``v12`` is node 12's
value and ``g12`` its gradient; a gradient equal to another one (the inputs of ``+``) shares
its variable instead of being copied. On the micrograd demo (65,000 nodes) bigger chunks
were faster and compiled no slower, so a chunk holds 16,000 nodes.

The arithmetic is the eager engine's, statement for statement and in the same order
(:func:`autograd.codegen.eager_kernels` compiles the same rules), so results agree with
``backward()`` to the last bit, except that a gradient that is exactly zero may come out
as ``-0.0`` where eager gives ``0.0``. A compiled step does not check for anomalies
(``detect_anomaly``) and ignores ``no_grad``: it always runs forward and backward.

Interior nodes are not written on the hot path. After a call the chunks stay suspended
with their locals alive, and :meth:`CompiledGraph.write_back` copies those into the nodes'
``.data`` and ``.grad``, so the graph can be drawn as after ``backward()``.
"""

from __future__ import annotations

import builtins
import inspect
from collections.abc import Generator, Sequence
from operator import itemgetter
from typing import Any

from autograd.codegen import CodeMath, Sym, add_term, literal, namespace
from autograd.value import Value, topological_order

__all__ = [
    "compile",
    "CompiledGraph",
    "StatementMath",
    "label_comment",
    "CHUNK_NODES",
    "SUM_TERMS_PER_STATEMENT",
]

#: Nodes per generated function: big enough that few values cross chunks, small enough
#: that CPython compiles each function quickly.
CHUNK_NODES = 16000

#: Terms per statement of a long sum (``sum``, ``dot``): CPython's compiler recurses once per
#: ``+`` of a flat chain and gives up near 3,000, so longer sums become a running total.
SUM_TERMS_PER_STATEMENT = 64

#: A generated chunk, suspended between forward and backward. (``collections.abc``'s
#: Generator, not ``types.GeneratorType``: the API reference evaluates it at run time.)
Chunk = Generator[None, None, None]


class StatementMath(CodeMath):
    """:class:`CodeMath` that writes a long sum as several statements adding to a total.

    ``(a + b + c + d)`` becomes ``total = (a + b)`` then ``total = (total + c + d)``: the same
    left-to-right additions, so the same float result. A largest input (``max``) and a long
    choice (``where``) get a statement of their own, so a rule that uses them in every term
    (logsumexp's shift) writes code linear in its inputs.
    """

    def __init__(self, out: str, lines: list[str]) -> None:
        self._out = out
        self._lines = lines
        self._totals = 0
        self._maxima: list[str] = []

    def _named(self, what: str, code: Sym) -> Sym:
        """Give ``code`` its own statement and return its variable, so it is computed once."""
        name = f"{self._out}_{what}{len(self._lines)}"
        self._lines.append(f"{name} = {code.code}")
        return Sym(name)

    def max(self, terms: list[Any]) -> Any:
        # A rule may use the largest input more than once (logsumexp's shift is subtracted
        # from every input): one statement keeps the code linear in the number of inputs.
        found = super().max(terms)
        if not isinstance(found, Sym) or len(terms) == 1:
            return found
        named = self._named("max", found)
        self._maxima.append(named.code)
        return named

    def where(self, condition: Any, if_true: Any, if_false: Any) -> Any:
        # A choice made on a largest input (the shift: max, or 0 if not finite) is reused
        # like the max itself; a relu's choice is not, and stays inline.
        chosen = super().where(condition, if_true, if_false)
        if isinstance(chosen, Sym) and any(name in chosen.code for name in self._maxima):
            return self._named("where", chosen)
        return chosen

    def sum(self, terms: list[Any]) -> Sym:
        size = SUM_TERMS_PER_STATEMENT
        if len(terms) <= size:
            return super().sum(terms)
        total = self._out if self._totals == 0 else f"{self._out}_{self._totals}"
        self._totals += 1
        self._lines.append(f"{total} = {super().sum(terms[:size]).code}")
        for start in range(size, len(terms), size - 1):
            chunk = [Sym(total), *terms[start : start + size - 1]]
            self._lines.append(f"{total} = {super().sum(chunk).code}")
        return Sym(total)


def _forward_lines(node: Value, index: int, parent_indices: Sequence[int]) -> list[str]:
    """Return the statements computing node ``index`` from its parents' locals."""
    out = f"v{index}"
    lines: list[str] = []
    op = node.op
    assert op is not None
    math = StatementMath(out, lines)
    result = op.forward(math, *[Sym(f"v{p}") for p in parent_indices])
    code = result.code if isinstance(result, Sym) else literal(result)
    comment = label_comment(node.label)
    if code != out:
        lines.append(f"{out} = {code}{comment}")
    elif comment:
        lines[-1] += comment
    return lines


def label_comment(label: str) -> str:
    """Return ``label`` as a trailing comment, escaped: no user text reaches code unescaped.

    ``ascii()`` writes every newline, NUL, quote and non-ASCII character as an escape, so a
    label can neither end the comment nor change the code around it.
    """
    return f"  # {label!a}" if label else ""


def _gather(source: str, prefix: str, indices: Sequence[int]) -> list[str]:
    """Return the statement loading ``source[i]`` into ``{prefix}{i}`` for each index.

    One C-level ``itemgetter`` call and a tuple unpacking beat a subscript per value.
    """
    if not indices:
        return []
    if len(indices) == 1:
        return [f"{prefix}{indices[0]} = {source}[{indices[0]}]"]
    targets = ", ".join(f"{prefix}{i}" for i in indices)
    return [f"{targets} = take_{source}({source})"]


class _ChunkPlan:
    """The nodes one generated function owns, and what it exchanges with other chunks."""

    def __init__(self, number: int, indices: range) -> None:
        self.number = number
        self.indices = indices
        #: The variable holding each node's final gradient, filled in by :meth:`source`.
        self.grad_names: dict[int, str] = {}

    def source(
        self,
        nodes: Sequence[Value],
        parent_indices: Sequence[Sequence[int]],
        exported: set[int],
        graded_outside: set[int],
        root: int,
    ) -> str:
        """Return the generator function's source: forward, ``yield``, backward, ``yield``."""
        first, stop = self.indices.start, self.indices.stop
        own = self.indices
        forward: list[str] = []
        imported: list[int] = []
        seen: set[int] = set()
        for i in own:
            for p in parent_indices[i]:
                if p < first and p not in seen:
                    seen.add(p)
                    imported.append(p)
        labels = [f"v{p} {nodes[p].label!a}" for p in imported if nodes[p].label]
        if labels:
            forward.append(f"# labels: {', '.join(labels)}")
        forward += _gather("values", "v", imported)
        for i in own:
            forward += _forward_lines(nodes[i], i, parent_indices[i])
        forward += [f"values[{i}] = v{i}" for i in own if i in exported]

        # Backward, in reverse topological order as backward() walks it. A gradient starts
        # from what later chunks (or the leaf's .grad) passed on, or from its first term.
        # A first term that is another node's gradient itself (the local derivative is 1,
        # as for +) is not copied: the variable holding it is shared until a second term.
        backward: list[str] = []
        holder: dict[int, str] = {}  # the variable holding each node's gradient so far
        loaded: list[int] = []
        for i in own:
            if i == root:
                backward.append(f"g{i} = 1.0")
                holder[i] = f"g{i}"
            elif i in graded_outside:
                loaded.append(i)
                holder[i] = f"g{i}"
        for i in reversed(own):
            node = nodes[i]
            op = node.op
            assert op is not None
            grad = holder[i]
            self.grad_names[i] = grad
            local_grads = op.local_grads(
                StatementMath(f"d{i}", backward),
                Sym(f"v{i}"),
                *[Sym(f"v{p}") for p in parent_indices[i]],
            )
            for p, local in zip(parent_indices[i], local_grads):
                if p not in holder and p < first:  # an earlier chunk's node: load its grad
                    loaded.append(p)
                    holder[p] = f"g{p}"
                add_term(holder, p, (Sym(grad) * local).code, backward)
        external = [p for p in loaded if p < first]
        header = _gather("grads", "g", loaded)
        footer = [f"grads[{p}] = g{p}" for p in external]

        parameters = ["values", "grads"]
        for name, indices in (("values", imported), ("grads", loaded)):
            if len(indices) > 1:
                parameters.append(f"take_{name}=itemgetter({', '.join(map(str, indices))})")
        lines = [
            f"def chunk_{self.number}({', '.join(parameters)}):",
            f'    """Nodes {first} to {stop - 1}: forward, yield, backward, yield."""',
        ]
        lines += [f"    {line}" for line in forward]
        lines.append("    yield")
        lines += [f"    {line}" for line in header + backward + footer]
        lines.append("    yield")
        return "\n".join(lines) + "\n"


class CompiledGraph:
    """A recorded graph compiled to straight-line Python; call it for one step.

    Each call re-reads the ``.data`` of every leaf, recomputes the forward pass, runs the
    backward pass with ``backward()``'s semantics (leaf gradients accumulate) and returns
    the root's new value. Interior nodes are left as they were, for speed; call
    :meth:`write_back` to give them the last call's ``.data`` and ``.grad``, for
    instance to draw the graph. ``source`` is the generated code.
    """

    def __init__(
        self, root: Value, chunk_nodes: int = CHUNK_NODES, watch: Sequence[Value] = ()
    ) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"compile() takes a Value, got {type(root).__name__}")
        if chunk_nodes < 1:
            raise ValueError(f"chunk_nodes must be at least 1, got {chunk_nodes}")
        order: list[Value] = topological_order(root)
        # Leaves first, so that chunks of interior nodes are contiguous.
        leaves = [node for node in order if node.op is None]
        interior = [node for node in order if node.op is not None]
        nodes = leaves + interior
        position = {id(node): i for i, node in enumerate(nodes)}
        parent_indices = [[position[id(p)] for p in node.parents] for node in nodes]

        self.root = root
        self.leaves: tuple[Value, ...] = tuple(leaves)
        self.nodes: tuple[Value, ...] = tuple(nodes)
        self._root_index = len(nodes) - 1 if interior else position[id(root)]

        first_interior = len(leaves)
        plans = [
            _ChunkPlan(number, range(start, min(start + chunk_nodes, len(nodes))))
            for number, start in enumerate(range(first_interior, len(nodes), chunk_nodes))
        ]
        owner = [-1] * len(nodes)
        for plan in plans:
            for i in plan.indices:
                owner[i] = plan.number
        for node in watch:
            if id(node) not in position:
                raise ValueError(f"compile(watch=...) got a node outside the graph: {node!r}")
        self._positions = position
        self._watched = {position[id(node)] for node in watch}
        exported = {self._root_index} | self._watched
        graded_outside: set[int] = set()
        for i in range(first_interior, len(nodes)):
            for p in parent_indices[i]:
                if owner[p] != owner[i]:
                    exported.add(p)
                    graded_outside.add(p)

        header = [
            f"# glassgrad compiled graph: {len(leaves)} leaves, {len(interior)} ops, "
            f"{len(plans)} chunk(s) of up to {chunk_nodes} nodes.",
            "# vN is node N's value, gN its gradient; nodes 0 to "
            f"{first_interior - 1} are leaves, read from values[] and graded into grads[].",
            "",
        ]
        # Each chunk is parsed and compiled on its own: CPython's compiler holds a module's
        # whole syntax tree at once, so one module for the graph peaked near 7 KB per node.
        names = dict(namespace(), itemgetter=itemgetter)
        pieces = ["\n".join(header)]
        for plan in plans:
            piece = plan.source(nodes, parent_indices, exported, graded_outside, self._root_index)
            name = f"<glassgrad compiled graph, chunk {plan.number}>"
            exec(builtins.compile(piece, name, "exec"), names)
            pieces.append(piece)
        self.source = "\n".join(pieces)
        self._chunks = [names[f"chunk_{plan.number}"] for plan in plans]
        self._grad_names = [plan.grad_names for plan in plans]
        self._size = len(nodes)
        self._last: list[Chunk] = []
        self._values: list[float] = []

    def __call__(self) -> float:
        """Run forward and backward at the leaves' current data; return the root's value."""
        leaves = self.leaves
        values = [0.0] * self._size
        grads = [0.0] * self._size
        for i, leaf in enumerate(leaves):
            values[i] = leaf.data
            grads[i] = leaf.grad
        chunks = [make(values, grads) for make in self._chunks]
        for chunk in chunks:
            next(chunk)
        if not chunks:  # the root is a leaf
            grads[self._root_index] += 1.0
        for chunk in reversed(chunks):
            next(chunk)
        for i, leaf in enumerate(leaves):
            leaf.grad = grads[i]
        # The chunks stay suspended after backward, their locals alive, for write_back().
        self._last = chunks
        self._values = values
        return values[self._root_index]

    def value_of(self, node: Value) -> float:
        """Return the value the last call computed for ``node``, a leaf or a watched node.

        Watch the nodes you need at compile time (``compile(loss, watch=outputs)``): their
        values are kept on the fast path, without :meth:`write_back`.
        """
        if not self._values:
            raise RuntimeError("value_of() needs a call first: step = compile(loss); step()")
        index = self._positions.get(id(node))
        if index is None:
            raise ValueError(f"value_of() got a node outside the compiled graph: {node!r}")
        readable = index < len(self.leaves) or index == self._root_index or index in self._watched
        if not readable:
            raise ValueError(
                "value_of() reads leaves, the root and watched nodes only; "
                "compile(root, watch=[node]) keeps that node's value"
            )
        return self._values[index]

    def write_back(self) -> None:
        """Set every interior node's ``.data`` and ``.grad`` to what the last call computed."""
        if not self._last and self._chunks:
            raise RuntimeError("write_back() needs a call first: step = compile(loss); step()")
        nodes = self.nodes
        for chunk, grad_names in zip(self._last, self._grad_names):
            state = inspect.getgeneratorstate(chunk)
            assert state == inspect.GEN_SUSPENDED, "a chunk finished instead of waiting"
            local_values = inspect.getgeneratorlocals(chunk)
            for i, grad_name in grad_names.items():
                nodes[i].data = local_values[f"v{i}"]
                nodes[i].grad = local_values[grad_name]

    def __repr__(self) -> str:
        interior = len(self.nodes) - len(self.leaves)
        return (
            f"CompiledGraph({interior} ops, {len(self.leaves)} leaves, "
            f"{len(self._chunks)} chunks, root={self.root!r})"
        )


def compile(
    root: Value, *, chunk_nodes: int = CHUNK_NODES, watch: Sequence[Value] = ()
) -> CompiledGraph:
    """Return a callable that reruns ``root``'s graph, forward and backward, at new leaf data.

    ``step = compile(loss)``; each ``step()`` re-reads every leaf's ``.data``, recomputes
    ``loss``, adds the gradients to the leaves' ``.grad`` exactly as ``loss.backward()``
    would, and returns the new value of ``loss``. The code comes from the op table's rules;
    ``step.source`` shows it, ``step.write_back()`` fills in the interior nodes, and
    ``step.value_of(node)`` reads the last value of a node named in ``watch``.

    >>> from autograd import Value, compile
    >>> w, x = Value(2.0, label="w"), Value(3.0, label="x")
    >>> loss = (w * x - 1.0) ** 2
    >>> step = compile(loss)
    >>> step()                      # (2·3 - 1)²
    25.0
    >>> w.grad                      # 2 (w x - 1) x
    30.0
    >>> w.data, w.grad = 1.0, 0.0   # as an optimizer step would
    >>> step()                      # the same graph at the new data: (1·3 - 1)²
    4.0
    >>> w.grad
    12.0
    """
    return CompiledGraph(root, chunk_nodes=chunk_nodes, watch=watch)

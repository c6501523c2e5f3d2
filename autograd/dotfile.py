"""DOT text for a computation graph, and the Drawing that renders and displays it.

The DOT text is written by hand, so it is the same on every run: node ids come from a
node's position in :func:`autograd.topological_order` (``n0``, ``n1``, ...; a neuron's
table of parameters is ``neuron<layer>_<index>``), never from ``id()``. Names come from
:mod:`autograd.naming`; every drawing is scaled to fit :data:`MAX_WIDTH_INCHES`.
Rendering goes through the ``graphviz`` Python package and Graphviz's ``dot`` program,
both loaded only when an image is asked for; everything else works without them.
"""

from __future__ import annotations

import html
import math
import os
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from autograd.naming import (
    NeuronGroup,
    display_names,
    full_name,
    input_roles,
    is_constant,
    label_of,
    node_groups,
)
from autograd.value import Value, topological_order

__all__ = [
    "Drawing",
    "GraphvizNotFoundError",
    "DOT_PROGRAM_HINT",
    "GRAPHVIZ_PACKAGE_HINT",
    "RANKDIRS",
    "FORMATS",
    "DEFAULT_MAX_NODES",
    "MAX_WIDTH_INCHES",
    "draw_graph",
    "graph_source",
    "collapsed_source",
    "message_source",
    "format_number",
    "escape_record_text",
    "escape_html_text",
    "escape_string",
]

#: What to do when Graphviz's ``dot`` program is missing, on one line.
DOT_PROGRAM_HINT = (
    "Graphviz's dot program is not installed, so this is the DOT text; to see the drawing, "
    "install it: apt-get install graphviz (Debian/Ubuntu), brew install graphviz (macOS), "
    "conda install graphviz, or https://graphviz.org/download/"
)

#: What to do when the ``graphviz`` Python package is missing, on one line.
GRAPHVIZ_PACKAGE_HINT = (
    "The graphviz Python package is not installed, so this is the DOT text; "
    "to see the drawing: pip install graphviz"
)

#: Graph directions Graphviz understands: left to right, right to left, top down, bottom up.
RANKDIRS = ("LR", "RL", "TB", "BT")

#: Output formats, also the file suffixes :meth:`Drawing.save` understands.
FORMATS = ("svg", "png", "pdf", "dot")

#: Beyond this many values, or this many places in the layout (ranks × the widest rank), a
#: drawing is collapsed or becomes a note: Graphviz slows down sharply past it, and the
#: picture would no longer be readable at the width of a notebook.
DEFAULT_MAX_NODES = 500

#: Drawings are scaled down to at most this many inches wide: 720 pt, 960 px at 96 dpi,
#: so they fit a notebook output area of 1,000 px without scrolling.
MAX_WIDTH_INCHES = 10

_FONT = "Helvetica"
_HIGHLIGHT_COLOUR = "#d62728"
_CONSTANT_COLOUR = "#555555"
_ROLE_COLOUR = "#666666"


class GraphvizNotFoundError(RuntimeError):
    """Graphviz's ``dot`` program is not on ``PATH``, so no image can be made."""


class Drawing:
    """A drawing of a graph: its DOT text, rendered on request, shown inline in Jupyter.

    ``source`` is the DOT text. ``message`` is ``''`` for a full drawing, or says why the
    graph was not drawn in full (too many nodes). ``pipe(format)`` returns image bytes,
    ``save(path)`` writes a file whose suffix names the format (svg, png, pdf or dot).
    """

    def __init__(self, source: str, *, node_count: int, message: str = "") -> None:
        self.source = source
        self.node_count = node_count
        self.message = message

    @property
    def complete(self) -> bool:
        """Whether every node is drawn (no message replaces the graph)."""
        return not self.message

    def pipe(self, format: str = "svg") -> bytes:
        """Return the drawing in ``format`` (svg, png, pdf; dot gives the DOT text).

        Raises ImportError when the ``graphviz`` Python package is missing and
        :class:`GraphvizNotFoundError` when Graphviz's ``dot`` program is.
        """
        if format not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {format!r}")
        if format == "dot":
            return self.source.encode("utf-8")
        graphviz = _import_graphviz()
        try:
            image: bytes = graphviz.Source(self.source).pipe(format=format)
        except graphviz.ExecutableNotFound as error:
            raise GraphvizNotFoundError(DOT_PROGRAM_HINT) from error
        return image

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the drawing to ``path`` in the format its suffix names; return the path."""
        target = Path(path)
        suffix = target.suffix.lower().lstrip(".")
        if suffix == "gv":
            suffix = "dot"
        if suffix not in FORMATS:
            raise ValueError(
                f"cannot tell the format from {target.name!r}: "
                f"end the name with .{', .'.join(FORMATS)}"
            )
        target.write_bytes(self.pipe(suffix))
        return target

    def _repr_mimebundle_(
        self,
        include: Collection[str] | None = None,
        exclude: Collection[str] | None = None,
    ) -> dict[str, str]:
        """Jupyter's display: SVG when Graphviz can render, else the DOT text and a hint."""
        summary = repr(self)
        try:
            svg = self.pipe("svg").decode("utf-8")
        except ImportError:
            return {"text/plain": f"{self.source}\n{GRAPHVIZ_PACKAGE_HINT}"}
        except GraphvizNotFoundError:
            return {"text/plain": f"{self.source}\n{DOT_PROGRAM_HINT}"}
        except Exception as error:  # display must never raise; say what went wrong
            reason = str(error).strip().splitlines()[-1:] or [type(error).__name__]
            return {"text/plain": f"{self.source}\nGraphviz could not draw this: {reason[0]}"}
        return {"image/svg+xml": svg, "text/plain": summary}

    def __str__(self) -> str:
        return self.source

    def __repr__(self) -> str:
        if self.message:
            return f"<Drawing: {self.message}>"
        return f"<Drawing of {self.node_count} values>"


def _import_graphviz() -> Any:
    try:
        import graphviz
    except ImportError as error:
        raise ImportError(
            "rendering a drawing needs the graphviz Python package: pip install graphviz "
            "(the DOT text is in .source without it)"
        ) from error
    return graphviz


# --- text ----------------------------------------------------------------------------


def format_number(x: float) -> str:
    """Return ``x`` as drawings show it: 4 decimals, or 4 significant digits when tiny or huge."""
    if x == 0.0 or math.isnan(x) or math.isinf(x) or 1e-4 <= abs(x) < 1e6:
        return f"{x:.4f}" if math.isfinite(x) else repr(x)
    return f"{x:.4g}"


def escape_string(text: str) -> str:
    """Return ``text`` safe inside a double-quoted DOT string (a plain, non-record label)."""
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    return _escape_layout(text)


def escape_record_text(text: str) -> str:
    """Return ``text`` safe as one field of a record label inside a double-quoted string.

    Besides quotes and backslashes, records give meaning to ``{ } | < >``; each is escaped
    with a backslash so a user label cannot split or restructure the record.
    """
    text = text.replace("\\", "\\\\")
    for special in '"{}|<>':
        text = text.replace(special, "\\" + special)
    return _escape_layout(text)


def escape_html_text(text: str) -> str:
    """Return ``text`` safe inside a Graphviz HTML-like label: ``< > & "`` become entities.

    A newline becomes a line break; other control characters are shown as their escape.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    shown = "".join(
        character
        if (ord(character) >= 0x20 and character != "\x7f") or character == "\n"
        else f"\\x{ord(character):02x}"
        for character in text
    )
    return html.escape(shown, quote=True).replace("\n", "<br/>")


def _escape_layout(text: str) -> str:
    # A newline in a label is Graphviz's \n (centred line break); other control
    # characters would garble the output, so they are shown as their escape.
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return "".join(
        character
        if ord(character) >= 0x20 and character != "\x7f"
        else f"\\\\x{ord(character):02x}"
        for character in text
    )


# --- graphs --------------------------------------------------------------------------


def draw_graph(
    root: Any,
    *,
    rankdir: str = "LR",
    show_grad: bool = True,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    grad_texts: Mapping[Any, str] | None = None,
    fills: Mapping[Any, str] | None = None,
    highlighted_nodes: Collection[Any] = (),
    highlighted_edges: Collection[tuple[Any, int]] = (),
    caption: str = "",
) -> Drawing:
    """Return a Drawing of the graph that made ``root``: in full, collapsed, or a note.

    ``max_nodes`` (``None``: no limit) bounds both the number of values and the size of the
    layout, measured as ranks × the widest rank (a graph can be small yet need a column
    30,000 px tall). A graph over it is drawn with one box per layer when it was built by
    ``nn`` and that fits, else as a single note that counts its ops and labelled leaves.
    The other arguments are those of :func:`graph_source`.
    """
    _check_rankdir(rankdir)
    order = topological_order(root)
    plan = _Plan(order)
    message = "" if max_nodes is None else plan.too_large(max_nodes)
    if not message:
        source = graph_source(
            order,
            rankdir=rankdir,
            show_grad=show_grad,
            grad_texts=grad_texts,
            fills=fills,
            highlighted_nodes=highlighted_nodes,
            highlighted_edges=highlighted_edges,
            caption=caption,
            plan=plan,
        )
        return Drawing(source, node_count=len(order))
    assert max_nodes is not None
    way_out = "max_nodes=None draws every value (Graphviz may take minutes)"
    if plan.groups and plan.collapsed_count() <= max_nodes:
        source = collapsed_source(
            plan,
            rankdir=rankdir,
            show_grad=show_grad,
            grad_texts=grad_texts,
            fills=fills,
            highlighted_nodes=highlighted_nodes,
            caption="\n".join(
                line
                for line in (
                    caption,
                    f"{len(order)} values, too many to draw one by one (max_nodes={max_nodes}): "
                    "one box per layer",
                    f"({way_out})",
                )
                if line
            ),
        )
        return Drawing(source, node_count=len(order), message=f"{message}: one box per layer")
    details = [*_summary(order), f"draw a smaller expression, or pass {way_out}"]
    source = message_source(message, details, rankdir=rankdir)
    return Drawing(source, node_count=len(order), message=message)


def _summary(order: Sequence[Any]) -> list[str]:
    """Lines counting ``order``'s ops and its labelled leaves grouped by label prefix."""
    ops = Counter(node.symbol for node in order if node.op is not None)
    leaves = [node for node in order if node.op is None]
    labels = [label_of(node) for node in leaves if node.label]
    groups = Counter(".".join(label.split(".")[:2]) for label in labels)
    lines = [f"ops: {_counts(ops)}" if ops else "ops: none"]
    lines.append(f"leaves: {len(leaves)}, of which labelled: {sum(groups.values())}")
    if groups:
        lines.append(f"labelled leaves by prefix: {_counts(groups)}")
    return lines


def _counts(counter: Counter[str], limit: int = 12) -> str:
    common = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    shown = ", ".join(f"{name} × {count}" for name, count in common[:limit])
    return shown + (f", and {len(common) - limit} more" if len(common) > limit else "")


class _Plan:
    """What a drawing of ``order`` shows: names, nn groups, hidden nodes, layout extent."""

    def __init__(self, order: Sequence[Value]) -> None:
        self.order = order
        self.position = {node: index for index, node in enumerate(order)}
        self.groups = node_groups(order)
        self._names: dict[Value, str] | None = None
        # The constant 1 a neuron's bias multiplies is part of the Σ w·x, not a box.
        self.hidden = frozenset(one for neuron in self.groups.neurons for one in neuron.ones)
        self.neuron_sums = frozenset(
            total for neuron in self.groups.neurons for total in neuron.sums
        )
        # A neuron's weights and bias are rows of one table node, in order; an edge leaves
        # from the row (a port) of its parameter.
        self.tables: dict[NeuronGroup, str] = {}
        self.endpoints: dict[Value, str] = {}
        for layer_number, layer in enumerate(self.groups.layers):
            for neuron_number, neuron in enumerate(layer.neurons):
                table = f"neuron{layer_number}_{neuron_number}"
                self.tables[neuron] = table
                for parameter in (*neuron.weights, neuron.bias):
                    port = f"{table}:n{self.position[parameter]}"
                    self.endpoints.setdefault(parameter, port)

    @property
    def names(self) -> dict[Value, str]:
        """Each node's display name (computed when first drawn: a note needs none)."""
        if self._names is None:
            self._names = display_names(self.order, groups=self.groups)
        return self._names

    def endpoint(self, node: Value) -> str:
        """The DOT id an edge from ``node`` starts at (a table row for a parameter)."""
        return self.endpoints.get(node) or f"n{self.position[node]}"

    def extent(self) -> tuple[int, int]:
        """Return (ranks, widest rank) of the layout, in boxes of a value's height.

        A value is one box, a constant a third of one; a neuron's table of n parameters is
        (n + 1) / 3 boxes (a row is a third of a value's card), one rank before its sum.
        """
        depth: dict[Value, int] = {}
        per_rank: Counter[int] = Counter()
        tabled = {p: n for n in self.groups.neurons for p in (*n.weights, n.bias)}
        for node in self.order:
            if node in self.hidden or node in tabled:
                continue
            depth[node] = 1 + max((depth[p] for p in node.parents if p in depth), default=-1)
            if node in self.neuron_sums:
                depth[node] += 1  # its table sits between its inputs and it
            per_rank[depth[node]] += 1 if is_constant(node) else 3  # constants are small
        for neuron in self.groups.neurons:
            rank = min(depth[total] for total in neuron.sums) - 1
            per_rank[rank] += neuron.parameter_count + 1
        if not per_rank:
            return 0, 0
        return max(per_rank) + 1, -(-max(per_rank.values()) // 3)

    def too_large(self, max_nodes: int) -> str:
        """Say why a full drawing would exceed ``max_nodes``, or return ``''``."""
        count = len(self.order)
        if count > max_nodes:
            return f"graph too large to draw: {count} values, more than max_nodes={max_nodes}"
        ranks, widest = self.extent()
        if ranks * widest > max_nodes:
            return (
                f"graph too large to draw: {count} values laid out {ranks} ranks deep and "
                f"{widest} wide, {ranks * widest} places, more than max_nodes={max_nodes}"
            )
        return ""

    def collapsed_count(self) -> int:
        """The number of boxes of the collapsed drawing."""
        members = {node for layer in self.groups.layers for node in layer.members}
        return len(self.groups.layers) + sum(1 for node in self.order if node not in members)


def graph_source(
    order: Sequence[Any],
    *,
    rankdir: str = "LR",
    show_grad: bool = True,
    grad_texts: Mapping[Any, str] | None = None,
    fills: Mapping[Any, str] | None = None,
    highlighted_nodes: Collection[Any] = (),
    highlighted_edges: Collection[tuple[Any, int]] = (),
    caption: str = "",
    plan: _Plan | None = None,
) -> str:
    """Return the DOT text of the nodes in ``order`` (a topological order of Values).

    Each value is a record ``name | data | grad`` named by
    :func:`autograd.naming.display_names` (the full label as a tooltip); a constant is
    small plain text; each op is a node with its symbol, one edge per input (``a + a`` has
    two), and the op table's input roles (``numerator``, ``base``) in small italics on the
    edges. Each neuron of an ``nn`` graph is one table of its weights and bias (titled
    with its name) followed by its sum and activation, neurons in index order, and the
    constant 1 its bias multiplies is left out. ``grad_texts[node]``
    replaces the gradient shown; ``fills`` colours nodes; highlighted nodes and edges
    (``(consumer, input number)``) are drawn in red.
    """
    _check_rankdir(rankdir)
    plan = plan if plan is not None else _Plan(order)
    style = _NodeStyle(rankdir, show_grad, grad_texts, fills or {}, highlighted_nodes)
    lines = _header("glassgrad", rankdir, caption)
    drawn: set[Value] = set(plan.hidden)
    # No Graphviz clusters: they make Graphviz reorder neurons freely. Each neuron is its
    # table of parameters, titled with its name, and the row of nodes after it; written
    # layer by layer, in index order, which "ordering=out" keeps.
    for layer in plan.groups.layers:
        lines.append(f"  // layer {layer.name}: {layer.shape}, {layer.parameter_count} parameters")
        for node in layer.inputs:
            if node not in drawn:
                drawn.add(node)
                lines.extend("  " + line for line in style.node_lines(plan, node))
        for neuron in layer.neurons:
            lines.append(f"  // neuron {neuron.name}")
            parameters = (*neuron.weights, neuron.bias)
            lines.append("  " + style.parameter_table(plan, neuron, parameters))
            drawn.update(parameters)
            for node in neuron.members:
                if node not in drawn:
                    drawn.add(node)
                    lines.extend("  " + line for line in style.node_lines(plan, node))
    for node in order:
        if node not in drawn:
            lines.extend("  " + line for line in style.node_lines(plan, node))
    for node in order:
        if node.op is None:
            continue
        lines.extend(_edge_lines(plan, node, highlighted_nodes, highlighted_edges))
    lines.extend(_layer_columns(plan))
    lines.append("}")
    return "\n".join(lines) + "\n"


class _NodeStyle:
    """How each node of one drawing looks: record, colours, gradient text."""

    def __init__(
        self,
        rankdir: str,
        show_grad: bool,
        grad_texts: Mapping[Any, str] | None,
        fills: Mapping[Any, str],
        highlighted: Collection[Any],
    ) -> None:
        self.horizontal = rankdir in ("LR", "RL")
        self.show_grad = show_grad
        self.grad_texts = grad_texts
        self.fills = fills
        self.highlighted = highlighted

    def parameter_table(self, plan: _Plan, neuron: NeuronGroup, parameters: Sequence[Value]) -> str:
        """One node listing a neuron's weights and bias in order, a row (port) each."""
        prefix = neuron.name + "."
        rows = []
        for parameter in parameters:
            name = plan.names[parameter]
            name = name[len(prefix) :] if name.startswith(prefix) else name
            cells = [f"<b>{escape_html_text(name)}</b>", format_number(parameter.data)]
            if self.show_grad:
                cells.append(escape_html_text(self._grad_text(parameter)))
            rows.append((parameter, cells))
        headings = [f"<b>{escape_html_text(neuron.name)}</b>", "data"]
        if self.show_grad:
            headings.append("grad")
        table = _parameter_table(
            headings, rows, self.horizontal, plan.position, self.fills, self.highlighted
        )
        full_names = [label_of(p) for p in parameters if p.label and label_of(p) != plan.names[p]]
        attributes = [f"label=<{table}>", "shape=plain"]
        if full_names:
            attributes.append(f'tooltip="{escape_string(chr(10).join(full_names))}"')
        return f"{plan.tables[neuron]} [{', '.join(attributes)}];"

    def _grad_text(self, node: Value) -> str:
        return format_number(node.grad) if self.grad_texts is None else self.grad_texts[node]

    def node_lines(self, plan: _Plan, node: Value) -> list[str]:
        """The DOT lines that declare ``node``: a card ``op | name | data | grad``."""
        index = plan.position[node]
        name = plan.names[node]
        highlighted = node in self.highlighted
        if is_constant(node):
            attributes = [
                f'label="{escape_string(name)}"',
                "shape=plaintext",
                "fontsize=9",
                f'fontcolor="{_HIGHLIGHT_COLOUR if highlighted else _CONSTANT_COLOUR}"',
                "width=0, height=0, margin=0.02",
                f'tooltip="{escape_string(full_name(node))}"',
            ]
            return [f"n{index} [{', '.join(attributes)}];"]
        fields = [f"<b>{escape_html_text(name)}</b>", f"data {format_number(node.data)}"]
        if self.show_grad:
            fields.append(f"grad {escape_html_text(self._grad_text(node))}")
        tooltip = [label_of(node)] if node.label and label_of(node) != name else []
        if node.op is not None:
            # The op that made the value heads its card: no separate node, so no rank of
            # its own, which halves a drawing's width.
            symbol = escape_html_text(node.symbol)
            fields.insert(0, f'<font point-size="9" color="{_ROLE_COLOUR}">{symbol}</font>')
            tooltip.append(node.op.doc or node.op.name)
        fill = self.fills.get(node, "")
        attributes = [f"label=<{_card(fields, self.horizontal, fill, highlighted)}>", "shape=plain"]
        if tooltip:
            attributes.append(f'tooltip="{escape_string(chr(10).join(tooltip))}"')
        return [f"n{index} [{', '.join(attributes)}];"]


def _parameter_table(
    headings: Sequence[str],
    rows: Sequence[tuple[Value, list[str]]],
    horizontal: bool,
    position: Mapping[Value, int],
    fills: Mapping[Any, str],
    highlighted: Collection[Any],
) -> str:
    """A table: a row of ``headings``, then a row per parameter (columns when the graph runs
    down).

    The last cell of each parameter is its port ``n<position>``, where its edges start.
    """
    attributes = 'border="0" cellborder="1" cellspacing="0" cellpadding="2"'
    lines: list[list[str]] = []
    for parameter, cells in rows:
        cell_attributes = ""
        fill = fills.get(parameter, "")
        if fill:
            cell_attributes += f' bgcolor="{fill}"'
        if parameter in highlighted:
            cell_attributes += f' color="{_HIGHLIGHT_COLOUR}"'
        port = f' port="n{position[parameter]}"'
        last = len(cells) - 1
        lines.append(
            [
                f"<td{cell_attributes}{port if i == last else ''}>{cell}</td>"
                for i, cell in enumerate(cells)
            ]
        )
    lines.insert(0, [f"<td>{heading}</td>" for heading in headings])
    if horizontal:
        body = "".join(f"<tr>{''.join(row)}</tr>" for row in lines)
    else:
        body = "".join(f"<tr>{''.join(column)}</tr>" for column in zip(*lines))
    return f"<table {attributes}>{body}</table>"


def _card(fields: Sequence[str], horizontal: bool, fill: str, highlighted: bool) -> str:
    """An HTML-like table of ``fields``: stacked across the graph's direction, so a value is
    narrow along it (name over data over grad when the graph runs left to right)."""
    attributes = 'border="0" cellborder="1" cellspacing="0" cellpadding="2"'
    if fill:
        attributes += f' bgcolor="{fill}"'
    if highlighted:
        attributes = attributes.replace('border="0"', 'border="1"', 1)
        attributes += f' color="{_HIGHLIGHT_COLOUR}"'
    cells = [f"<td>{field}</td>" for field in fields]
    rows = (
        "".join(f"<tr>{cell}</tr>" for cell in cells)
        if horizontal
        else f"<tr>{''.join(cells)}</tr>"
    )
    return f"<table {attributes}>{rows}</table>"


def _layer_columns(plan: _Plan) -> list[str]:
    """Invisible edges that lay each layer out as columns: its inputs, then its neurons.

    Each input points at each neuron's table, which puts the tables one rank after the
    inputs (weights and inputs both feed the sums, so Graphviz would give them one rank,
    and a node outside a cluster that shares a rank with it must go above or below the
    whole cluster). The edges weigh nothing, so they set ranks without pulling. Chains
    within a rank keep the inputs, and the neurons, in index order.
    """
    lines = []
    for layer in plan.groups.layers:
        inputs = [plan.endpoint(node) for node in layer.inputs if node not in plan.hidden]
        tables = [plan.tables[neuron] for neuron in layer.neurons]
        for source in inputs:
            for table in tables:
                lines.append(f"  {source} -> {table} [style=invis, weight=0];")
        for column in (inputs, tables):
            if len(column) > 1:
                lines.append(f"  {{ rank=same; {' -> '.join(column)} [style=invis]; }}")
    return lines


def _edge_lines(
    plan: _Plan,
    node: Value,
    highlighted_nodes: Collection[Any],
    highlighted_edges: Collection[tuple[Any, int]],
) -> list[str]:
    """The edges into ``node``'s op (one per input, roles in italics) and out of it."""
    index = plan.position[node]
    roles = input_roles(node)
    # In a neuron the names already say which is a weight: the roles go in tooltips only.
    show_roles = node not in plan.neuron_sums
    lines = []
    for input_number, parent in enumerate(node.parents):
        if parent in plan.hidden:
            continue
        attributes = []
        role = roles[input_number]
        if role:
            if show_roles:
                attributes.append(f"label=<<i>{html.escape(role)}</i>>")
                attributes.append(f'fontsize=9, fontcolor="{_ROLE_COLOUR}"')
            attributes.append(f'tooltip="{escape_string(role)}"')
        if (node, input_number) in highlighted_edges:
            attributes.append(f'color="{_HIGHLIGHT_COLOUR}", penwidth=2')
        shown = f" [{', '.join(attributes)}]" if attributes else ""
        lines.append(f"  {plan.endpoint(parent)} -> n{index}{shown};")
    return lines


def collapsed_source(
    plan: _Plan,
    *,
    rankdir: str = "LR",
    show_grad: bool = True,
    grad_texts: Mapping[Any, str] | None = None,
    fills: Mapping[Any, str] | None = None,
    highlighted_nodes: Collection[Any] = (),
    caption: str = "",
) -> str:
    """Return DOT text of an ``nn`` graph with one box per layer (shape, parameter count).

    Nodes outside the layers (inputs, the loss) are drawn as in :func:`graph_source`; an
    edge enters a layer's box from each node it reads and leaves it towards each node that
    reads its outputs (labelled with how many values pass).
    """
    fills = fills or {}
    style = _NodeStyle(rankdir, show_grad, grad_texts, fills, highlighted_nodes)
    horizontal = rankdir in ("LR", "RL")
    box_of: dict[Value, str] = {}
    lines = _header("glassgrad", rankdir, caption)
    for number, layer in enumerate(plan.groups.layers):
        box = f"layer{number}"
        members = layer.members
        for node in members:
            box_of[node] = box
        fields = [
            f"layer {layer.name}",
            f"{layer.shape} ({layer.nout} neuron{'s' if layer.nout > 1 else ''})",
            f"{layer.parameter_count} parameters",
        ]
        record = " | ".join(escape_record_text(field) for field in fields)
        label = record if horizontal else f"{{ {record} }}"
        marked = [node for node in members if node in highlighted_nodes]
        fill = fills.get(marked[0] if marked else members[0], "")
        attributes = [f'label="{label}"', "shape=Mrecord", *_style(fill, bool(marked))]
        lines.append(f"  {box} [{', '.join(attributes)}];")
    for node in plan.order:
        if node not in box_of:
            lines.extend("  " + line for line in style.node_lines(plan, node))
    passing: Counter[tuple[str, str]] = Counter()
    for node in plan.order:
        if node in box_of:
            continue
        if node.op is not None:
            index = plan.position[node]
            for parent in node.parents:
                source = box_of.get(parent, f"n{plan.position[parent]}")
                passing[(source, f"n{index}")] += 1
    for layer_number, layer in enumerate(plan.groups.layers):
        for node in layer.inputs:
            source = box_of.get(node, f"n{plan.position[node]}")
            passing[(source, f"layer{layer_number}")] += 1
    for (source, target), count in passing.items():
        label = f' [label="{count} values", fontsize=9]' if count > 1 else ""
        lines.append(f"  {source} -> {target}{label};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def message_source(message: str, details: Sequence[str] = (), *, rankdir: str = "LR") -> str:
    """Return DOT text of a single note saying ``message``, with ``details`` lines below."""
    _check_rankdir(rankdir)
    text = "".join(escape_string(line) + "\\l" for line in (message, *details))
    lines = _header("glassgrad", rankdir, "")
    lines.append(f'  message [label="{text}", shape=note];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def _check_rankdir(rankdir: str) -> None:
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")


def _header(name: str, rankdir: str, caption: str) -> list[str]:
    # size: Graphviz scales a wider drawing down to MAX_WIDTH_INCHES, in every format.
    graph_attributes = [
        f"rankdir={rankdir}",
        f'fontname="{_FONT}"',
        f'size="{MAX_WIDTH_INCHES},1000"',
        "fontsize=11",
        "nodesep=0.15",
        "ranksep=0.3",
        # Rank the whole graph at once, so that layers side by side need not stack.
        "newrank=true",
        # Edges leave a node in the order they are written: neurons stay in index order.
        "ordering=out",
    ]
    if caption:
        graph_attributes += [f'label="{escape_string(caption)}"', "labelloc=t"]
    return [
        f"digraph {name} {{",
        f"  graph [{', '.join(graph_attributes)}];",
        f'  node [fontname="{_FONT}", fontsize=11, height=0.3, margin="0.06,0.03"];',
        f'  edge [fontname="{_FONT}", arrowsize=0.6];',
    ]


def _style(fill: str, highlighted: bool) -> list[str]:
    attributes = [f'style=filled, fillcolor="{fill}"'] if fill else []
    if highlighted:
        attributes.append(f'color="{_HIGHLIGHT_COLOUR}", penwidth=2')
    return attributes

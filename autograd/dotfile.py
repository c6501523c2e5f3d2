"""DOT text for a computation graph, and the Drawing that renders and displays it.

The DOT text is written by hand, so it is the same on every run: node ids come from a
node's position in :func:`autograd.topological_order` (``n0``, ``n1``, ... and ``n3_op``
for the op that made ``n3``), never from ``id()``. Rendering goes through the ``graphviz``
Python package and Graphviz's ``dot`` program, both loaded only when an image is asked for;
everything else works without them.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from autograd.graph import topological_order

__all__ = [
    "Drawing",
    "GraphvizNotFoundError",
    "DOT_PROGRAM_HINT",
    "GRAPHVIZ_PACKAGE_HINT",
    "RANKDIRS",
    "FORMATS",
    "DEFAULT_MAX_NODES",
    "draw_graph",
    "graph_source",
    "message_source",
    "format_number",
    "escape_record_text",
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

#: Beyond this many values a drawing becomes a note: Graphviz slows down sharply past it.
DEFAULT_MAX_NODES = 500

_FONT = "Helvetica"
_HIGHLIGHT_COLOUR = "#d62728"


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
    """Return a Drawing of the graph that made ``root``, or a note when it is too large.

    Past ``max_nodes`` values (``None``: no limit) the drawing is a single note that says
    so and counts the graph's ops and labelled leaves, since Graphviz would take minutes.
    The other arguments are those of :func:`graph_source`.
    """
    _check_rankdir(rankdir)
    order = topological_order(root)
    if max_nodes is not None and len(order) > max_nodes:
        message = f"graph too large to draw: {len(order)} values, more than max_nodes={max_nodes}"
        details = [*_summary(order), "pass a larger max_nodes, or draw a smaller expression"]
        source = message_source(message, details, rankdir=rankdir)
        return Drawing(source, node_count=len(order), message=message)
    source = graph_source(
        order,
        rankdir=rankdir,
        show_grad=show_grad,
        grad_texts=grad_texts,
        fills=fills,
        highlighted_nodes=highlighted_nodes,
        highlighted_edges=highlighted_edges,
        caption=caption,
    )
    return Drawing(source, node_count=len(order))


def _summary(order: Sequence[Any]) -> list[str]:
    """Lines counting ``order``'s ops and its labelled leaves grouped by label prefix."""
    ops = Counter(node.symbol for node in order if node.op is not None)
    leaves = [node for node in order if node.op is None]
    groups = Counter(".".join(node.label.split(".")[:2]) for node in leaves if node.label)
    lines = [f"ops: {_counts(ops)}" if ops else "ops: none"]
    lines.append(f"leaves: {len(leaves)}, of which labelled: {sum(groups.values())}")
    if groups:
        lines.append(f"labelled leaves by prefix: {_counts(groups)}")
    return lines


def _counts(counter: Counter[str], limit: int = 12) -> str:
    common = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    shown = ", ".join(f"{name} × {count}" for name, count in common[:limit])
    return shown + (f", and {len(common) - limit} more" if len(common) > limit else "")


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
) -> str:
    """Return the DOT text of the nodes in ``order`` (a topological order of Values).

    Each value is a record ``label | data | grad``; each op is a node with its symbol,
    with one edge per input (``a + a`` has two); where input order matters the edges are
    named as the op's derivative doc names them (``x``, ``y`` of ``/`` and ``**``;
    ``w1``.., ``x1``.. of ``Σ w·x``). ``grad_texts[node]`` replaces the gradient
    shown for a node; ``fills`` colours nodes; highlighted nodes and edges (``(consumer,
    input number)``) are drawn in red.
    """
    _check_rankdir(rankdir)
    position = {node: index for index, node in enumerate(order)}
    fills = fills or {}
    horizontal = rankdir in ("LR", "RL")
    lines = _header("glassgrad", rankdir, caption)
    for index, node in enumerate(order):
        fields = [escape_record_text(node.label)] if node.label else []
        fields.append(f"data {format_number(node.data)}")
        if show_grad:
            grad = format_number(node.grad) if grad_texts is None else grad_texts[node]
            fields.append(f"grad {escape_record_text(grad)}")
        record = " | ".join(fields)
        label = f"{{ {record} }}" if horizontal else record
        style = _style(fills.get(node, ""), node in highlighted_nodes)
        attributes = [f'label="{label}"', "shape=record", *style]
        lines.append(f"  n{index} [{', '.join(attributes)}];")
        if node.op is None:
            continue
        op_label = f'label="{escape_string(node.symbol)}"'
        lines.append(f"  n{index}_op [{', '.join([op_label, *style])}];")
        parents = node.parents
        names = _input_names(node.op.name, len(parents))
        for input_number, parent in enumerate(parents):
            edge = _edge_style((node, input_number) in highlighted_edges, names[input_number])
            lines.append(f"  n{position[parent]} -> n{index}_op{edge};")
        lines.append(f"  n{index}_op -> n{index}{_edge_style(node in highlighted_nodes)};")
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
    graph_attributes = [f"rankdir={rankdir}", f'fontname="{_FONT}"']
    if caption:
        graph_attributes += [f'label="{escape_string(caption)}"', "labelloc=t"]
    return [
        f"digraph {name} {{",
        f"  graph [{', '.join(graph_attributes)}];",
        f'  node [fontname="{_FONT}", fontsize=11];',
        f'  edge [fontname="{_FONT}"];',
    ]


def _style(fill: str, highlighted: bool) -> list[str]:
    attributes = [f'style=filled, fillcolor="{fill}"'] if fill else []
    if highlighted:
        attributes.append(f'color="{_HIGHLIGHT_COLOUR}", penwidth=2')
    return attributes


def _input_names(op_name: str, count: int) -> list[str]:
    """Name the inputs of ops whose input order matters, as their derivative docs do."""
    if op_name in ("div", "pow"):
        return ["x", "y"]
    if op_name == "dot":
        half = count // 2
        return [f"w{i}" for i in range(1, half + 1)] + [f"x{i}" for i in range(1, half + 1)]
    return [""] * count


def _edge_style(highlighted: bool, input_name: str = "") -> str:
    attributes = [f'label="{input_name}"'] if input_name else []
    if highlighted:
        attributes.append(f'color="{_HIGHLIGHT_COLOUR}", penwidth=2')
    return f" [{', '.join(attributes)}]" if attributes else ""

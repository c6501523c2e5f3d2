"""A layered layout for the explorer, computed in Python so a page needs no Graphviz.

Values flow left to right in columns: a node sits one column after its latest input, and
a leaf (an input, a weight) one column before its first use. Graphs built by ``nn`` are
cut into *sections* along the x axis: each layer is one section, with its neurons stacked
in order as blocks (weights, then the ``Σ w·x`` node, then the activation), and the nodes
outside layers fill the sections between. Every section has two precomputed shapes,
expanded and collapsed (one box with a row per neuron output), so a page collapses or
expands a layer by moving whole sections, never by laying the graph out again.

Sections are centred on a common horizontal midline; a section's coordinates are local,
with its top-left corner at (0, 0).
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

__all__ = [
    "Box",
    "LayerSpec",
    "NeuronSpec",
    "Section",
    "Layout",
    "layered_layout",
    "section_origins",
    "edge_path",
    "COLUMN_GAP",
    "SECTION_GAP",
    "ROW_HEIGHT",
    "COLLAPSED_WIDTH",
    "LAYER_HEADER",
]

#: A node of the graph being laid out (the explorer's are Values).
N = TypeVar("N", bound=Hashable)

#: Horizontal room between two columns of nodes, where the edges run.
COLUMN_GAP = 76
#: Inside a neuron, where no edge carries a role name, columns sit closer.
NEURON_COLUMN_GAP = 40
#: Horizontal room between two sections (a layer and what comes before or after it).
SECTION_GAP = 72
#: Vertical room between two nodes of a column.
NODE_GAP = 12
#: Vertical room between two neuron blocks of a layer.
BLOCK_GAP = 14
#: Padding inside a neuron's frame; its label sits in the top padding.
BLOCK_PADDING = 8
BLOCK_LABEL = 18
#: Height of a layer's title bar, in both shapes.
LAYER_HEADER = 40
#: Room per character of a layer's title (12.5 px bold).
TITLE_CHAR_WIDTH = 7.5
#: A collapsed layer: its width, and the height of one neuron's row.
COLLAPSED_WIDTH = 270
ROW_HEIGHT = 20


@dataclass(frozen=True)
class Box:
    """A rectangle: top-left corner and size."""

    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class NeuronSpec(Generic[N]):
    """One neuron of a layer: its name and its nodes (parameters, sum, activation)."""

    name: str
    members: tuple[N, ...]
    output: N


@dataclass(frozen=True)
class LayerSpec(Generic[N]):
    """One layer: its name, title and neurons, in order."""

    name: str
    title: str
    neurons: tuple[NeuronSpec[N], ...]


@dataclass
class Section(Generic[N]):
    """A vertical slice of the layout: free nodes, or one layer (expanded or collapsed).

    ``width``/``height`` are the expanded shape; ``collapsed_width``/``collapsed_height``
    the collapsed one (equal to the expanded shape for free sections, which cannot
    collapse). ``frames`` are the neuron frames of an expanded layer.
    """

    layer: LayerSpec[N] | None
    nodes: list[N] = field(default_factory=list)
    width: float = 0.0
    height: float = 0.0
    collapsed_width: float = 0.0
    collapsed_height: float = 0.0
    frames: list[tuple[str, Box]] = field(default_factory=list)


@dataclass
class Layout(Generic[N]):
    """Where everything goes: sections in x order, node boxes and collapsed rows.

    ``boxes[node]`` is ``(section number, box in section coordinates)``; ``rows[node]``
    is the row a neuron's output gets in its collapsed layer.
    """

    sections: list[Section[N]]
    boxes: dict[N, tuple[int, Box]]
    rows: dict[N, Box]


def layered_layout(
    order: Sequence[N],
    parents: Mapping[N, Sequence[N]],
    sizes: Mapping[N, tuple[float, float]],
    layers: Sequence[LayerSpec[N]] = (),
) -> Layout[N]:
    """Return a layout of ``order`` (a topological order) with ``layers`` as sections.

    ``parents[node]`` are the node's drawn inputs, ``sizes[node]`` its width and height.
    Layers whose columns overlap (used side by side rather than one after another) are
    laid out as free nodes.
    """
    consumers: dict[N, list[N]] = {node: [] for node in order}
    for node in order:
        for parent in parents[node]:
            consumers[parent].append(node)
    rank = _ranks(order, parents, consumers)

    layer_of: dict[N, int] = {}
    for number, layer in enumerate(layers):
        for neuron in layer.neurons:
            for member in neuron.members:
                layer_of[member] = number
    # A layer's span is the columns of the nodes it computes: its weights sit in the
    # column of the previous layer's outputs, and move into the layer's section.
    computed = [[m for n in layer.neurons for m in n.members if parents[m]] for layer in layers]
    spans = [
        (min(rank[m] for m in nodes), max(rank[m] for m in nodes)) if nodes else (0, 0)
        for nodes in computed
    ]
    in_x_order = sorted(range(len(layers)), key=lambda number: spans[number])
    sequential = all(spans[a][1] < spans[b][0] for a, b in itertools.pairwise(in_x_order))
    if not sequential:
        layers, layer_of, spans, in_x_order = (), {}, [], []

    # Section positions: 2k is the free section before the k-th layer (in x order),
    # 2k + 1 that layer, 2K the free section after the last one.
    place_of_layer = {number: 2 * k + 1 for k, number in enumerate(in_x_order)}
    position: dict[N, int] = {}
    for node in order:
        if node in layer_of:
            position[node] = place_of_layer[layer_of[node]]
            continue
        base = 0
        for k, number in enumerate(in_x_order):
            low, high = spans[number]
            if rank[node] > high:
                base = 2 * (k + 1)
            elif rank[node] >= low:
                base = 2 * k
                break
        for parent in parents[node]:
            parent_position = position[parent]
            base = max(base, parent_position + (parent_position % 2))
        position[node] = base
    # A node with no drawn inputs (an input, a target) sits right before its first use.
    for node in order:
        uses = consumers[node]
        if node in layer_of or parents[node] or not uses:
            continue
        first_use = min(position[use] for use in uses)
        position[node] = first_use if first_use % 2 == 0 else first_use - 1

    sections: list[Section[N]] = []
    for place in range(2 * len(in_x_order) + 1):
        members = [node for node in order if position[node] == place]
        if members:
            owner = layers[in_x_order[place // 2]] if place % 2 else None
            sections.append(Section(owner, members))

    boxes: dict[N, tuple[int, Box]] = {}
    rows: dict[N, Box] = {}
    midline_y: dict[N, float] = {}  # each placed node's centre, from the midline
    for number, section in enumerate(sections):
        if section.layer is None:
            local = _free_section(section, parents, consumers, sizes, rank, midline_y)
        else:
            local = _layer_section(section, section.layer, sizes, rank, rows)
        for node, box in local.items():
            boxes[node] = (number, box)
            midline_y[node] = box.y + box.h / 2 - section.height / 2
    return Layout(sections, boxes, rows)


def _ranks(
    order: Sequence[N],
    parents: Mapping[N, Sequence[N]],
    consumers: Mapping[N, Sequence[N]],
) -> dict[N, int]:
    """Columns: one after the latest input; a node with no drawn input just before its first use."""
    rank: dict[N, int] = {}
    for node in order:
        inputs = parents[node]
        rank[node] = 1 + max(rank[parent] for parent in inputs) if inputs else 0
    for node in reversed(order):
        if not parents[node] and consumers[node]:
            rank[node] = min(rank[consumer] for consumer in consumers[node]) - 1
    return rank


def _free_section(
    section: Section[N],
    parents: Mapping[N, Sequence[N]],
    consumers: Mapping[N, Sequence[N]],
    sizes: Mapping[N, tuple[float, float]],
    rank: Mapping[N, int],
    placed_y: Mapping[N, float],
) -> dict[N, Box]:
    """Columns of free nodes, each ordered by where its inputs (or uses) are."""
    members = section.nodes
    index = {node: number for number, node in enumerate(members)}
    used_columns = sorted({rank[node] for node in members})
    column_of = {node: used_columns.index(rank[node]) for node in members}
    columns: list[list[N]] = [[] for _ in used_columns]
    for node in members:
        columns[column_of[node]].append(node)

    y: dict[N, float] = dict(placed_y)

    def stack(column: list[N]) -> None:
        total = sum(sizes[node][1] for node in column) + NODE_GAP * (len(column) - 1)
        top = -total / 2
        for node in column:
            y[node] = top + sizes[node][1] / 2
            top += sizes[node][1] + NODE_GAP

    def mean(values: list[float]) -> float | None:
        return sum(values) / len(values) if values else None

    def by_inputs(node: N) -> tuple[float, int]:
        known = mean([y[parent] for parent in parents[node] if parent in y])
        return (float("inf") if known is None else known, index[node])

    def entry(node: N, use: N) -> float:
        """Where ``node``'s edge enters ``use``: inputs spread down its left side in order."""
        inputs = parents[use]
        share = (inputs.index(node) + 1) / (len(inputs) + 1) - 0.5
        return y[use] + share * sizes[use][1]

    def by_uses(node: N) -> tuple[float, int]:
        known = mean([y[parent] for parent in parents[node] if parent in y])
        if known is None:
            known = mean([entry(node, use) for use in consumers[node] if use in y])
        return (float("inf") if known is None else known, index[node])

    # Sweep right along inputs, back left placing leaves by their uses, right again.
    for column in columns:
        column.sort(key=by_inputs)
        stack(column)
    for column in reversed(columns):
        column.sort(key=by_uses)
        stack(column)
    for column in columns:
        column.sort(key=lambda node: (y[node], index[node]))
        stack(column)

    widths = [max(sizes[node][0] for node in column) for column in columns]
    height = max(
        sum(sizes[node][1] for node in column) + NODE_GAP * (len(column) - 1) for column in columns
    )
    lefts = _lefts(widths, 0.0)
    section.width = lefts[-1] + widths[-1]
    section.height = section.collapsed_height = height
    section.collapsed_width = section.width
    boxes: dict[N, Box] = {}
    for number, column in enumerate(columns):
        for node in column:
            width, node_height = sizes[node]
            x = lefts[number] + (widths[number] - width) / 2
            boxes[node] = Box(x, y[node] + height / 2 - node_height / 2, width, node_height)
    return boxes


def _layer_section(
    section: Section[N],
    layer: LayerSpec[N],
    sizes: Mapping[N, tuple[float, float]],
    rank: Mapping[N, int],
    rows: dict[N, Box],
) -> dict[N, Box]:
    """A layer: its neurons stacked in order, each a block of columns inside a frame."""
    low = min(rank[member] for neuron in layer.neurons for member in neuron.members)
    column_count = 1 + max(
        rank[member] - low for neuron in layer.neurons for member in neuron.members
    )
    widths = [0.0] * column_count
    for neuron in layer.neurons:
        for member in neuron.members:
            column = rank[member] - low
            widths[column] = max(widths[column], sizes[member][0])
    inner_left = BLOCK_PADDING + 6.0
    lefts = _lefts(widths, inner_left, NEURON_COLUMN_GAP)

    boxes: dict[N, Box] = {}
    top = LAYER_HEADER + 6.0
    frame_width = lefts[-1] + widths[-1] + BLOCK_PADDING - 6.0
    # A narrow layer (one neuron of few inputs) still has room for its title and button.
    title_room = len(layer.title) * TITLE_CHAR_WIDTH + 100.0
    if frame_width < title_room:
        lefts = [left + (title_room - frame_width) / 2 for left in lefts]
        frame_width = title_room
    for neuron in layer.neurons:
        columns: list[list[N]] = [[] for _ in range(column_count)]
        for member in neuron.members:
            columns[rank[member] - low].append(member)
        heights = [
            sum(sizes[node][1] for node in column) + NODE_GAP * max(len(column) - 1, 0)
            for column in columns
        ]
        block_height = max(heights)
        block_top = top + BLOCK_LABEL
        for number, stacked in enumerate(columns):
            node_top = block_top + (block_height - heights[number]) / 2
            for node in stacked:
                width, height = sizes[node]
                x = lefts[number] + (widths[number] - width) / 2
                boxes[node] = Box(x, node_top, width, height)
                node_top += height + NODE_GAP
        frame_height = BLOCK_LABEL + block_height + BLOCK_PADDING
        section.frames.append((neuron.name, Box(6.0, top, frame_width, frame_height)))
        top += frame_height + BLOCK_GAP
    section.width = frame_width + 12.0
    section.height = top - BLOCK_GAP + 6.0

    for number, neuron in enumerate(layer.neurons):
        rows[neuron.output] = Box(
            8.0, LAYER_HEADER + 4.0 + ROW_HEIGHT * number, COLLAPSED_WIDTH - 16.0, 18.0
        )
    section.collapsed_width = COLLAPSED_WIDTH
    section.collapsed_height = LAYER_HEADER + 10.0 + ROW_HEIGHT * len(layer.neurons)
    return boxes


def _lefts(widths: Sequence[float], start: float, gap: float = COLUMN_GAP) -> list[float]:
    lefts = [start]
    for width in widths[:-1]:
        lefts.append(lefts[-1] + width + gap)
    return lefts


def section_origins(
    sections: Sequence[Section[N]], collapsed: Sequence[bool]
) -> tuple[list[tuple[float, float]], Box]:
    """Return each section's top-left corner and the bounding box of them all.

    Sections follow one another left to right, centred on the midline ``y = 0``. The
    page's script does the same arithmetic when a layer collapses or expands.
    """
    origins: list[tuple[float, float]] = []
    x = 0.0
    tallest = 0.0
    for section, folded in zip(sections, collapsed):
        width = section.collapsed_width if folded else section.width
        height = section.collapsed_height if folded else section.height
        origins.append((x, -height / 2))
        x += width + SECTION_GAP
        tallest = max(tallest, height)
    return origins, Box(0.0, -tallest / 2, x - SECTION_GAP, tallest)


def edge_path(x1: float, y1: float, x2: float, y2: float) -> str:
    """Return the SVG path of an edge: a horizontal S-curve from an output to an input."""
    bend = max(24.0, (x2 - x1) / 2) if x2 > x1 else 64.0
    return (
        f"M{x1:.1f},{y1:.1f} C{x1 + bend:.1f},{y1:.1f} {x2 - bend:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"
    )

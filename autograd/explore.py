"""An interactive view of a graph that needs no kernel, no widgets and no network.

``explore(root)`` lays the graph out in Python (:mod:`autograd.layout`; no Graphviz) and
returns an :class:`Explorer`: Jupyter shows it inline (an SVG drawing plus a small script
and style sheet, all in the output itself), ``.save("graph.html")`` writes it as one
standalone page that opens offline, and ``.save("backward.gif")`` or ``.save("frames/")``
export its steps for slides.

In the page: steps through the forward pass (values appear in order) or the backward pass
(each node's gradient and the terms that made it, from :func:`autograd.viz.backward_steps`)
with Previous / Next / Play, a slider and the arrow keys; zoom, pan and Fit; a click on a
value opens a panel with its op's rule, its local derivatives and the chain-rule paths
from the root (:func:`autograd.explain.explain`), drawn on the graph. Graphs built by
``nn`` are drawn neuron by neuron, and each layer collapses into one box.

Without a script (an untrusted notebook, a static viewer), the drawing is still there at
its first step, fitted to the width.
"""

from __future__ import annotations

import html
import itertools
import json
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autograd.dotfile import format_number
from autograd.explain import explain, local_grads
from autograd.layout import (
    COLLAPSED_WIDTH,
    LAYER_HEADER,
    Box,
    LayerSpec,
    NeuronSpec,
    edge_path,
    layered_layout,
    section_origins,
)
from autograd.naming import (
    display_names,
    full_name,
    input_roles,
    is_constant,
    node_groups,
)
from autograd.value import Value, topological_order

if TYPE_CHECKING:
    from autograd.viz import BackwardStep

__all__ = [
    "explore",
    "Explorer",
    "STEP_KINDS",
    "AUTO_COLLAPSE_NODES",
    "EXPLAIN_LIMIT",
    "MAX_PATHS_SHOWN",
    "CHROMIUM_ARGS",
]

#: Flags for opening a saved page in headless Chromium on a machine with no network, as
#: the browser tests, the README's screenshots and the page benchmark do: no sandbox (they
#: run as root), no GPU, and no background connections that a closed network refuses.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)

#: What an explorer can step through.
STEP_KINDS = ("backward", "forward")

#: With ``collapse=None``, a graph with more drawn values than this opens with every
#: layer collapsed (``MLP(2, [16, 16, 1])`` on one input has 407).
AUTO_COLLAPSE_NODES = 150

#: Up to this many drawn values, every value's panel explains its gradient as paths.
#: Each explanation walks the graph, so beyond it the panel points to ``explain`` in
#: Python instead (a 4,676-value graph would take half a minute to explain value by value).
EXPLAIN_LIMIT = 800

#: How many of a value's paths from the root its panel lists (all are counted).
MAX_PATHS_SHOWN = 6

_NODE_HEIGHT = 54.0
_CONSTANT_HEIGHT = 24.0
_CHAR_WIDTH = 7.0
_MAX_NAME = 26
_ASSETS = "explorer"
_ids = itertools.count(1)


def explore(
    root: Value,
    *,
    steps: str = "backward",
    collapse: bool | Iterable[str | int] | None = None,
) -> Explorer:
    """Return an interactive, self-contained view of the graph that made ``root``.

    ``steps`` is ``"backward"`` (each node's gradient, as ``root.backward()`` computes it,
    with the terms that made it) or ``"forward"`` (values in the order they were
    computed). ``collapse`` says which ``nn`` layers open collapsed: ``None`` collapses
    them all when the graph has more than :data:`AUTO_COLLAPSE_NODES` values, ``True`` all,
    ``False`` none, or a list of layer names (``"L0"``) or numbers. ``.grad`` is neither
    read nor written.
    """
    if not isinstance(root, Value):
        raise TypeError(
            f"explore() takes the Value to explore, got {type(root).__name__}; "
            "pass the output of a computation, e.g. explore(loss)"
        )
    if root.op is None:
        raise ValueError(
            "explore() needs a Value made by ops, got a leaf (nothing made it, so there is "
            "no graph to step through); pass a result such as explore(x * 2 + 1)"
        )
    if steps not in STEP_KINDS:
        raise ValueError(f"steps must be one of {', '.join(map(repr, STEP_KINDS))}, got {steps!r}")
    return Explorer(root, steps, collapse)


@dataclass(frozen=True)
class _Edge:
    """One drawn input of a value: its place among the value's drawn inputs and its role."""

    parent: Value
    node: Value
    input_number: int
    role: str
    slot: int
    slots: int


@dataclass(frozen=True)
class _Step:
    node: Value
    text: str
    terms: tuple[int, ...]  # indices of the edges that carried this step's terms


class Explorer:
    """The page of one graph: shown inline by Jupyter, saved with :meth:`save`.

    ``names`` maps each drawn value to the name the page shows; ``step_count`` is the
    number of steps; ``layers`` the names of the ``nn`` layers and ``collapsed`` those
    that open collapsed.
    """

    def __init__(
        self, root: Value, steps: str, collapse: bool | Iterable[str | int] | None
    ) -> None:
        self.root = root
        self.kind = steps
        order = topological_order(root)
        groups = node_groups(order)
        names = display_names(order)
        # The constant 1 a fused neuron multiplies its bias by is part of the Σ w·x box.
        hidden = {one for neuron in groups.neurons for one in neuron.ones}
        self.order: list[Value] = [node for node in order if node not in hidden]
        self.names = {node: names[node] for node in self.order}
        self._index = {node: number for number, node in enumerate(self.order)}

        self.layer_specs = [
            LayerSpec(
                layer.name,
                f"Layer {layer.index} · {layer.shape} · {layer.parameter_count} parameters",
                tuple(
                    NeuronSpec(
                        neuron.name,
                        tuple(node for node in neuron.members if node not in hidden),
                        neuron.outputs[-1],
                    )
                    for neuron in layer.neurons
                ),
            )
            for layer in groups.layers
        ]
        self.layers = [layer.name for layer in self.layer_specs]
        self._parents = {
            node: [parent for parent in node.parents if parent not in hidden] for node in self.order
        }
        self._edges: list[_Edge] = []
        for node in self.order:
            # Roles only where a fixed number of inputs makes them telling (numerator,
            # base); a neuron's weights and inputs are named as such already.
            fixed = node.op is not None and node.op.arity is not None
            roles = input_roles(node) if fixed else ()
            drawn = [number for number, parent in enumerate(node.parents) if parent not in hidden]
            for slot, number in enumerate(drawn):
                role = roles[number] if number < len(roles) else ""
                self._edges.append(
                    _Edge(node.parents[number], node, number, role, slot, len(drawn))
                )

        # autograd.viz offers explore beside backward_steps, so the walk is imported here.
        from autograd.viz import backward_steps

        backward = backward_steps(root)
        self._grads = {step.node: step.grad for step in backward}
        self._steps = self._backward(backward) if steps == "backward" else self._forward()
        self.layout = layered_layout(
            self.order,
            self._parents,
            {node: self._size(node) for node in self.order},
            self.layer_specs,
        )
        self.collapsed = self._collapsed(collapse)
        self._id = f"gg-explorer-{next(_ids)}"

    # --- what the page shows ---------------------------------------------------------

    @property
    def step_count(self) -> int:
        """The number of steps, numbered 1 to ``step_count`` in the page."""
        return len(self._steps)

    def step_text(self, step: int) -> str:
        """Return the text the page shows at ``step`` (1-based)."""
        return self._steps[self._check_step(step) - 1].text

    def _backward(self, backward: Sequence[BackwardStep]) -> list[_Step]:
        edge_number = {
            (edge.node, edge.input_number): number for number, edge in enumerate(self._edges)
        }
        found = []
        for step in backward:
            node = step.node
            if node not in self._index or is_constant(node):
                continue  # constants take no step
            name = self.names[node]
            if not step.terms:
                text = f"{name}: grad {_short(step.grad)} (the seed: d {name} / d {name})"
            else:
                # One term per use, as backward_steps prints them: the user's grad times
                # the local derivative of that use.
                terms_text = " + ".join(term.describe(self.names) for term in step.terms)
                text = f"{name}: grad {_short(step.grad)} = {terms_text}"
            terms = tuple(
                edge_number[(term.consumer, term.input_number)]
                for term in step.terms
                if (term.consumer, term.input_number) in edge_number
            )
            found.append(_Step(node, text, terms))
        return found

    def _forward(self) -> list[_Step]:
        found = []
        for node in self.order:
            if is_constant(node):
                continue
            name = self.names[node]
            if node.op is None:
                text = f"{name} = {_short(node.data)}, given"
            else:
                inputs = ", ".join(self.names.get(parent, "1") for parent in node.parents)
                text = f"{name} = {node.symbol}({inputs}) = {_short(node.data)}"
            found.append(_Step(node, text, ()))
        return found

    def _size(self, node: Value) -> tuple[float, float]:
        name = _clip(self.names[node])
        if is_constant(node):
            return (max(40.0, len(name) * _CHAR_WIDTH + 20.0), _CONSTANT_HEIGHT)
        op = node.symbol
        grad = format_number(self._grads.get(node, 0.0))
        widest = max(len(name) + len(op) + 4, 6 + len(format_number(node.data)), 6 + len(grad))
        return (min(250.0, max(100.0, widest * _CHAR_WIDTH + 20.0)), _NODE_HEIGHT)

    def _collapsed(self, collapse: bool | Iterable[str | int] | None) -> list[bool]:
        """Which sections open collapsed."""
        sections = self.layout.sections
        if collapse is None:
            fold_all = len(self.order) > AUTO_COLLAPSE_NODES
            return [fold_all and section.layer is not None for section in sections]
        if isinstance(collapse, bool):
            return [collapse and section.layer is not None for section in sections]
        if isinstance(collapse, (str, bytes)) or not isinstance(collapse, Iterable):
            raise TypeError(
                "collapse takes None (automatic), True, False or a list of layer names, "
                f"got {type(collapse).__name__} {collapse!r}"
            )
        wanted = list(collapse)
        if not wanted:
            raise ValueError(
                "collapse=[] names no layer to collapse; pass None to collapse automatically, "
                "False for no layer, or layer names such as ['L0']"
            )
        names: set[str] = set()
        for item in wanted:
            if isinstance(item, bool) or not isinstance(item, (str, int)):
                raise TypeError(f"collapse names layers by name or number, got {item!r}")
            name = f"L{item}" if isinstance(item, int) else item
            if name not in self.layers:
                known = ", ".join(self.layers) or "none: this graph was not built by nn"
                raise ValueError(f"collapse names an unknown layer {item!r}; layers: {known}")
            names.add(name)
        return [section.layer is not None and section.layer.name in names for section in sections]

    def _check_step(self, step: int) -> int:
        if isinstance(step, bool) or not isinstance(step, int):
            raise TypeError(f"a step is an int from 1 to {self.step_count}, got {step!r}")
        if not 1 <= step <= self.step_count:
            raise ValueError(f"step must be from 1 to {self.step_count}, got {step}")
        return step

    # --- the page --------------------------------------------------------------------

    def _data(self) -> dict[str, Any]:
        """Everything the page's script needs, as JSON-ready values."""
        layout = self.layout
        explained = len(self.order) <= EXPLAIN_LIMIT
        nodes = []
        for node in self.order:
            section, box = layout.boxes[node]
            row = layout.rows.get(node)
            entry: dict[str, Any] = {
                "name": self.names[node],
                "full": full_name(node),
                "op": node.symbol if node.op is not None else None,
                "rule": node.op.doc if node.op is not None else None,
                "data": format_number(node.data),
                "grad": format_number(self._grads.get(node, 0.0)),
                "constant": is_constant(node),
                "section": section,
                "box": _box(box),
                "row": None if row is None else _box(row),
                "locals": self._locals(node),
            }
            if explained:
                entry["explain"] = self._explain(node)
            nodes.append(entry)
        return {
            "id": self._id,
            "kind": self.kind,
            "root": self._index[self.root],
            "nodes": nodes,
            "edges": [
                [self._index[edge.parent], self._index[edge.node], edge.slot, edge.slots]
                for edge in self._edges
            ],
            "sections": [
                {
                    "layer": None if section.layer is None else section.layer.name,
                    "w": section.width,
                    "h": section.height,
                    "cw": section.collapsed_width,
                    "ch": section.collapsed_height,
                }
                for section in layout.sections
            ],
            "collapsed": self.collapsed,
            "steps": [
                {"node": self._index[step.node], "text": step.text, "terms": list(step.terms)}
                for step in self._steps
            ],
        }

    def _locals(self, node: Value) -> list[list[str]]:
        if node.op is None:
            return []
        roles = input_roles(node)
        rows = []
        for number, (parent, value) in enumerate(zip(node.parents, local_grads(node))):
            role = roles[number] if number < len(roles) else ""
            parent_name = self.names.get(parent, format_number(parent.data))
            rows.append([parent_name, role, format_number(value)])
        return rows

    def _explain(self, node: Value) -> dict[str, Any]:
        explanation = explain(self.root, node, max_paths=MAX_PATHS_SHOWN)
        return {
            "count": explanation.path_count,
            "total": format_number(explanation.total),
            "paths": [
                {
                    "names": [self.names.get(step, "1") for step in path.nodes],
                    "factors": [_short(edge.local_grad) for edge in path.edges],
                    "product": _short(path.product),
                }
                for path in explanation.paths
            ],
        }

    def svg(self, step: int = 1) -> str:
        """Return the drawing at ``step`` (1-based) as SVG text, fitted to its width."""
        self._check_step(step)
        origins, bounds = section_origins(self.layout.sections, self.collapsed)
        pad = 16.0
        view = (bounds.x - pad, bounds.y - pad, bounds.w + 2 * pad, bounds.h + 2 * pad)
        parts = [
            f'<svg class="gg-svg" xmlns="http://www.w3.org/2000/svg" role="group" '
            f'aria-label="graph of {_attr(self.names[self.root])}" '
            f'viewBox="{view[0]:.1f} {view[1]:.1f} {view[2]:.1f} {view[3]:.1f}" '
            f'width="100%" preserveAspectRatio="xMidYMid meet" font-size="12" '
            'font-family="Helvetica, Arial, sans-serif" '
            f'style="max-width:{view[2]:.0f}px">',
            '<g class="gg-edges">',
        ]
        state = self._states(step)
        current_terms = set(self._steps[step - 1].terms)
        for number, edge in enumerate(self._edges):
            ends = self._edge_ends(edge, origins)
            classes = "gg-edge" + (" gg-term" if number in current_terms else "")
            if ends is None:
                parts.append(
                    f'<path class="{classes}" data-e="{number}" d="" display="none"{_EDGE}/>'
                )
                continue
            parts.append(
                f'<path class="{classes}" data-e="{number}" d="{edge_path(*ends)}"{_EDGE}/>'
            )
            if edge.role:
                hidden_role = (
                    ' display="none"' if self.collapsed[self.layout.boxes[edge.node][0]] else ""
                )
                parts.append(
                    f'<text class="gg-role" data-e="{number}" text-anchor="end" font-size="10" '
                    f'x="{ends[2] - 4:.1f}" '
                    f'y="{ends[3] - 3:.1f}"{hidden_role}>{_text(edge.role)}</text>'
                )
        parts.append("</g>")
        for number, section in enumerate(self.layout.sections):
            x, y = origins[number]
            folded = self.collapsed[number]
            parts.append(
                f'<g class="gg-section{" gg-folded" if folded else ""}" data-s="{number}" '
                f'transform="translate({x:.1f},{y:.1f})">'
            )
            # The hidden shape is hidden by attribute too, for pages without the style sheet.
            parts.append(f'<g class="gg-expanded"{_HIDDEN if folded else ""}>')
            if section.layer is not None:
                parts.append(
                    self._layer_frame(number, section.layer, section.width, section.height)
                )
                for name, frame in section.frames:
                    parts.append(
                        f'<rect class="gg-neuron" x="{frame.x:.1f}" y="{frame.y:.1f}" '
                        f'width="{frame.w:.1f}" height="{frame.h:.1f}" rx="8"{_PLAIN}/>'
                        f'<text class="gg-neuron-name" x="{frame.x + 8:.1f}" '
                        f'y="{frame.y + 12:.1f}">{_text(name)}</text>'
                    )
            for node in section.nodes:
                parts.append(self._node_svg(node, state))
            parts.append("</g>")
            if section.layer is not None:
                parts.append(self._collapsed_svg(number, section.layer, state, not folded))
            parts.append("</g>")
        parts.append("</svg>")
        return "".join(parts)

    def _states(self, step: int) -> dict[Value, str]:
        """``done``, ``current`` or ``pending`` for each value that takes a step."""
        states = {}
        for number, found in enumerate(self._steps, start=1):
            states[found.node] = (
                "done" if number < step else "current" if number == step else "pending"
            )
        return states

    def _shown(self, node: Value, state: str) -> tuple[str, str]:
        """The data and grad texts a value shows in ``state``."""
        data = format_number(node.data)
        grad = format_number(self._grads.get(node, 0.0))
        if self.kind == "forward":
            return (data if state != "pending" else "?"), ""
        return data, (grad if state != "pending" else "?")

    def _node_svg(self, node: Value, states: dict[Value, str]) -> str:
        number = self._index[node]
        _section, box = self.layout.boxes[node]
        name = self.names[node]
        common = (
            f'data-id="{number}" data-name="{_attr(name)}" '
            f'transform="translate({box.x:.1f},{box.y:.1f})"'
        )
        title = f"<title>{_text(full_name(node))}</title>"
        if is_constant(node):
            return (
                f'<g class="gg-node gg-constant" {common}>{title}'
                f'<rect width="{box.w:.1f}" height="{box.h:.1f}" rx="12"{_PLAIN}/>'
                f'<text class="gg-name" x="{box.w / 2:.1f}" y="16" '
                f'text-anchor="middle">{_text(_clip(name))}</text></g>'
            )
        state = states.get(node, "done")
        data, grad = self._shown(node, state)
        op = node.symbol
        return (
            f'<g class="gg-node gg-{state}" {common} tabindex="0" role="button" '
            f'aria-label="{_attr(name)}">{title}'
            f'<rect width="{box.w:.1f}" height="{box.h:.1f}" rx="6"{_PLAIN}/>'
            f'<text class="gg-mark" x="7" y="17">{_MARKS[state]}</text>'
            f'<text class="gg-name" x="21" y="17">{_text(_clip(name))}</text>'
            f'<text class="gg-op" x="{box.w - 7:.1f}" y="17" text-anchor="end">{_text(op)}</text>'
            f'<text class="gg-data" x="9" y="34">data {data}</text>'
            f'<text class="gg-grad" x="9" y="49">{"grad " + grad if grad else ""}</text></g>'
        )

    def _layer_frame(
        self, section: int, layer: LayerSpec[Value], width: float, height: float
    ) -> str:
        return (
            f'<rect class="gg-layer" width="{width:.1f}" height="{height:.1f}" rx="10"{_GREY}/>'
            f'<text class="gg-layer-title" x="12" y="18">{_text(layer.title)}</text>'
            f'<g class="gg-toggle" data-s="{section}" role="button" tabindex="0" '
            f'aria-label="Collapse {_attr(layer.name)}" transform="translate({width - 86:.1f},6)">'
            f'<rect width="78" height="20" rx="4"{_PLAIN}/>'
            '<text x="39" y="14" text-anchor="middle">collapse ▴</text></g>'
        )

    def _collapsed_svg(
        self, section: int, layer: LayerSpec[Value], states: dict[Value, str], hidden: bool
    ) -> str:
        height = self.layout.sections[section].collapsed_height
        parts = [
            f'<g class="gg-collapsed gg-toggle" data-s="{section}" role="button" tabindex="0"'
            f"{_HIDDEN if hidden else ''} "
            f'aria-label="Expand {_attr(layer.name)}">'
            f'<rect class="gg-layer gg-layer-box" width="{COLLAPSED_WIDTH}" '
            f'height="{height:.1f}" rx="10"{_GREY}/>'
            f'<text class="gg-layer-title" x="12" y="18">{_text(layer.title)}</text>'
            f'<text class="gg-expand-hint" x="12" y="{LAYER_HEADER - 6}">'
            "▾ click to expand its neurons</text>"
        ]
        for neuron in layer.neurons:
            output = neuron.output
            row = self.layout.rows[output]
            state = states.get(output, "done")
            data, grad = self._shown(output, state)
            name = self.names[output]
            parts.append(
                f'<g class="gg-row gg-{state}" data-id="{self._index[output]}" '
                f'data-name="{_attr(name)}" transform="translate({row.x:.1f},{row.y:.1f})">'
                f'<rect width="{row.w:.1f}" height="{row.h:.1f}" rx="3"{_PLAIN}/>'
                f'<text class="gg-mark" x="4" y="13">{_MARKS[state]}</text>'
                f'<text class="gg-name" x="16" y="13">{_text(_clip(name, 12))}</text>'
                f'<text class="gg-data" x="104" y="13">{data}</text>'
                f'<text class="gg-grad" x="{row.w - 4:.1f}" y="13" text-anchor="end">'
                f"{'grad ' + grad if grad else ''}</text></g>"
            )
        parts.append("</g>")
        return "".join(parts)

    def _edge_ends(
        self, edge: _Edge, origins: Sequence[tuple[float, float]]
    ) -> tuple[float, float, float, float] | None:
        """Where an edge starts and ends now, or None when a collapsed layer hides it.

        The inputs of a value enter its left side spread out in input order, so each
        input's role can be written at its own edge.
        """
        layout = self.layout
        parent, node = edge.parent, edge.node
        start_section, start_box = layout.boxes[parent]
        end_section, end_box = layout.boxes[node]
        if start_section == end_section and self.collapsed[start_section]:
            return None
        x0, y0 = origins[start_section]
        if self.collapsed[start_section]:
            row = layout.rows.get(parent)
            section = layout.sections[start_section]
            if row is None:
                start = (x0 + section.collapsed_width, y0 + section.collapsed_height / 2)
            else:
                start = (x0 + row.x + row.w, y0 + row.y + row.h / 2)
        else:
            start = (x0 + start_box.x + start_box.w, y0 + start_box.y + start_box.h / 2)
        x1, y1 = origins[end_section]
        if self.collapsed[end_section]:
            end = (x1, y1 + layout.sections[end_section].collapsed_height / 2)
        else:
            entry = end_box.h * (edge.slot + 1) / (edge.slots + 1)
            end = (x1 + end_box.x, y1 + end_box.y + entry)
        return (*start, *end)

    def html(self) -> str:
        """Return the explorer as an HTML fragment: drawing, controls, data and script."""
        data = _script_json(self._data())
        first = self._steps[0].text
        count = self.step_count
        kind = "Backward" if self.kind == "backward" else "Forward"
        return (
            f'<div class="gg-explorer" id="{self._id}" tabindex="0" '
            f'aria-label="{kind} pass of {_attr(self.names[self.root])}">'
            f"<style>{_asset('explorer.css')}</style>"
            '<div class="gg-toolbar" role="toolbar" aria-label="Steps and view">'
            f'<span class="gg-kind">{kind} pass</span>'
            '<button type="button" data-act="prev" aria-label="Previous step">◀ Prev</button>'
            '<button type="button" data-act="play" aria-label="Play">▶ Play</button>'
            '<button type="button" data-act="next" aria-label="Next step">Next ▶</button>'
            f'<input type="range" class="gg-slider" min="1" max="{count}" value="1" step="1" '
            f'aria-label="Step" aria-valuetext="step 1 of {count}">'
            f'<span class="gg-stepno" data-step="1">step 1 of {count}</span>'
            '<span class="gg-spacer"></span>'
            '<button type="button" data-act="zoomout" aria-label="Zoom out">−</button>'
            '<button type="button" data-act="zoomin" aria-label="Zoom in">+</button>'
            '<button type="button" data-act="fit" aria-label="Fit">Fit</button>'
            "</div>"
            f'<div class="gg-readout" aria-live="polite">{_text(first)}</div>'
            '<div class="gg-legend">'
            '<span class="gg-key gg-done">✓ done</span>'
            '<span class="gg-key gg-current">▶ current</span>'
            '<span class="gg-key gg-pending">· pending (dashed)</span>'
            "<span>click a value for its rule and paths; drag to pan, wheel to zoom</span>"
            "</div>"
            f'<div class="gg-stage">{self.svg(1)}</div>'
            '<aside class="gg-panel" hidden aria-label="Value details"></aside>'
            f'<script type="application/json" class="gg-json">{data}</script>'
            f"<script>{_asset('explorer.js')}</script>"
            "</div>"
        )

    def page(self) -> str:
        """Return the explorer as one standalone HTML page."""
        title = f"glassgrad: {self.kind} pass of {self.names[self.root]}"
        return (
            "<!DOCTYPE html>\n"
            '<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_text(title)}</title></head>"
            f'<body style="margin:16px">{self.html()}</body></html>\n'
        )

    def _repr_html_(self) -> str:
        """Jupyter's display: the explorer, with nothing loaded from elsewhere."""
        return self.html()

    def __repr__(self) -> str:
        return (
            f"<Explorer: {self.kind} pass of {self.names[self.root]}, "
            f"{len(self.order)} values, {self.step_count} steps>"
        )

    # --- files -----------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the explorer to ``path``; return the path.

        ``.html`` (or ``.htm``): the standalone page. ``.gif``: an animation with one
        frame per step (needs Pillow: ``pip install pillow``, which matplotlib brings).
        ``.svg``: the drawing at the first step. A path ending in ``/`` or naming an
        existing folder: one SVG file per step, ``step-001.svg`` onwards.
        """
        text = os.fspath(path)
        target = Path(text)
        if text.endswith(("/", os.sep)) or target.is_dir():
            return self._save_frames(target)
        suffix = target.suffix.lower()
        if suffix in (".html", ".htm"):
            target.write_text(self.page(), encoding="utf-8")
        elif suffix == ".svg":
            target.write_text(self._standalone_svg(1), encoding="utf-8")
        elif suffix == ".gif":
            from autograd.frames import write_gif

            write_gif(self, target)
        else:
            raise ValueError(
                f"cannot tell what to write from {target.name!r}: end the name with .html, "
                ".gif or .svg, or end it with / for a folder of SVG frames"
            )
        return target

    def _save_frames(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        width = len(str(self.step_count))
        for step in range(1, self.step_count + 1):
            svg = self._standalone_svg(step)
            (folder / f"step-{step:0{max(3, width)}d}.svg").write_text(svg, encoding="utf-8")
        return folder

    def _standalone_svg(self, step: int) -> str:
        """The drawing at ``step`` as an SVG file: natural size, its style sheet inside."""
        _origins, bounds = section_origins(self.layout.sections, self.collapsed)
        width = math.ceil(bounds.w + 32)
        svg = self.svg(step).replace('width="100%" ', f'width="{width}" ', 1)
        head_end = svg.index(">") + 1
        return f"{svg[:head_end]}<style>{_asset('explorer.css')}</style>{svg[head_end:]}"

    # --- for the frame writer ----------------------------------------------------------

    def frame(self, step: int) -> _Frame:
        """Return what the drawing at ``step`` (1-based) is made of, for raster exports."""
        self._check_step(step)
        origins, bounds = section_origins(self.layout.sections, self.collapsed)
        states = self._states(step)
        terms = set(self._steps[step - 1].terms)
        boxes: list[_FrameBox] = []
        for number, section in enumerate(self.layout.sections):
            x0, y0 = origins[number]
            if self.collapsed[number] and section.layer is not None:
                box = Box(x0, y0, section.collapsed_width, section.collapsed_height)
                boxes.append(_FrameBox(box, "layer", [section.layer.title], ""))
                for neuron in section.layer.neurons:
                    row = self.layout.rows[neuron.output]
                    state = states.get(neuron.output, "done")
                    data, grad = self._shown(neuron.output, state)
                    line = f"{_MARKS[state]} {self.names[neuron.output]}  {data}"
                    if grad:
                        line += f"  grad {grad}"
                    boxes.append(
                        _FrameBox(Box(x0 + row.x, y0 + row.y, row.w, row.h), "row", [line], state)
                    )
                continue
            if section.layer is not None:
                boxes.append(
                    _FrameBox(
                        Box(x0, y0, section.width, section.height),
                        "layer",
                        [section.layer.title],
                        "",
                    )
                )
            for node in section.nodes:
                _section, box = self.layout.boxes[node]
                moved = Box(x0 + box.x, y0 + box.y, box.w, box.h)
                if is_constant(node):
                    boxes.append(_FrameBox(moved, "constant", [self.names[node]], ""))
                    continue
                state = states.get(node, "done")
                data, grad = self._shown(node, state)
                op = node.symbol
                lines = [f"{_MARKS[state]} {_clip(self.names[node])}  {op}", f"data {data}"]
                if grad:
                    lines.append(f"grad {grad}")
                boxes.append(_FrameBox(moved, "node", lines, state))
        edges = []
        for number, edge in enumerate(self._edges):
            ends = self._edge_ends(edge, origins)
            if ends is not None:
                edges.append((ends, number in terms))
        return _Frame(bounds, boxes, edges, self._steps[step - 1].text)


@dataclass(frozen=True)
class _FrameBox:
    box: Box
    kind: str  # node, constant, layer, row
    lines: list[str]
    state: str


@dataclass(frozen=True)
class _Frame:
    bounds: Box
    boxes: list[_FrameBox]
    edges: list[tuple[tuple[float, float, float, float], bool]]
    caption: str


_MARKS = {"done": "✓", "current": "▶", "pending": "·"}

# Presentation attributes: where no style sheet applies (an untrusted notebook strips
# it), boxes are still outlined and edges still lines; the style sheet overrides them.
_EDGE = ' fill="none" stroke="#8c959f"'
_PLAIN = ' fill="#ffffff" stroke="#57606a"'
_GREY = ' fill="#f6f8fa" stroke="#8c959f"'
_HIDDEN = ' display="none"'


def _short(x: float) -> str:
    return f"{x:.4g}"


def _clip(name: str, limit: int = _MAX_NAME) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _box(box: Box) -> list[float]:
    return [round(box.x, 1), round(box.y, 1), round(box.w, 1), round(box.h, 1)]


def _text(text: str) -> str:
    """``text`` safe as the content of an HTML or SVG element."""
    return html.escape(text, quote=False)


def _attr(text: str) -> str:
    """``text`` safe inside a double- or single-quoted attribute."""
    return html.escape(text, quote=True)


def _script_json(data: object) -> str:
    """JSON that cannot end its ``<script>`` element or open a comment in it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for character, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(character, escape)
    return text


def _asset(name: str) -> str:
    return resources.files("autograd").joinpath(_ASSETS).joinpath(name).read_text(encoding="utf-8")

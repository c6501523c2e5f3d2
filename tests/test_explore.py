"""The explorer page: what it contains, how it is saved, and how bad input is refused.

What the page does when a browser runs it is in test_explore_browser.py.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

import nn
from autograd import Value
from autograd.dotfile import format_number
from autograd.explore import EXPLAIN_LIMIT
from autograd.viz import Explorer, backward_steps, explore

PAGE_LIMIT = 1_500_000  # bytes: the page of MLP(2, [16, 16, 1]) on one input stays under it


def small_graph() -> tuple[Value, Value, Value]:
    """Return ``(x, w, y)`` with ``y = tanh(w·x + 1) / x``."""
    x = Value(2.0, label="x")
    w = Value(-0.5, label="w")
    y = (w * x + 1.0).tanh() / x
    y.label = "y"
    return x, w, y


def page_data(explorer: Explorer) -> dict[str, object]:
    """Return the JSON the page's script reads."""
    match = re.search(
        r'<script type="application/json" class="gg-json">(.*?)</script>', explorer.html()
    )
    assert match is not None
    data: dict[str, object] = json.loads(match.group(1))
    return data


def one_input_mlp(sizes: list[int]) -> Value:
    model = nn.MLP(2, sizes, seed=1)
    out = model([Value(0.5, label="x1"), Value(-1.0, label="x2")])
    assert isinstance(out, Value)
    return out


# --- bad input ---------------------------------------------------------------------------


def test_explore_of_a_non_value_is_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"explore\(\) takes the Value to explore, got float"):
        explore(1.5)  # type: ignore[arg-type]


def test_explore_of_a_leaf_is_a_value_error_that_says_what_to_pass() -> None:
    with pytest.raises(ValueError, match=r"got a leaf.*pass a result"):
        explore(Value(1.0, label="x"))


def test_an_empty_collapse_list_is_a_value_error() -> None:
    with pytest.raises(ValueError, match=r"collapse=\[\] names no layer"):
        explore(one_input_mlp([2, 1]), collapse=[])


def test_collapsing_an_unknown_layer_names_the_layers_there_are() -> None:
    with pytest.raises(ValueError, match="unknown layer 'L7'; layers: L0, L1"):
        explore(one_input_mlp([2, 1]), collapse=["L7"])


def test_a_single_string_for_collapse_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="list of layer names"):
        explore(one_input_mlp([2, 1]), collapse="L0")  # type: ignore[arg-type]


def test_an_unknown_kind_of_steps_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="steps must be one of 'backward', 'forward'"):
        explore(small_graph()[2], steps="sideways")


def test_saving_to_an_unknown_suffix_is_a_value_error_and_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"end the name with \.html, \.gif or \.svg"):
        explore(small_graph()[2]).save(tmp_path / "graph.png")
    assert list(tmp_path.iterdir()) == []


# --- steps -------------------------------------------------------------------------------


def test_backward_steps_are_backward_steps_without_the_constants() -> None:
    _x, _w, y = small_graph()
    explorer = explore(y)
    expected = [step for step in backward_steps(y) if step.node.label or step.node.op]
    assert explorer.step_count == len(expected) == 6
    data = page_data(explorer)
    steps = data["steps"]
    assert isinstance(steps, list)
    nodes = data["nodes"]
    assert isinstance(nodes, list)
    assert [nodes[step["node"]]["name"] for step in steps] == [
        explorer.names[step.node] for step in expected
    ]


def test_the_last_step_shows_the_gradient_backward_gives_and_the_terms_that_made_it() -> None:
    x = Value(0.5, label="x")
    y = x * 3 + x**2
    y.label = "y"
    explorer = explore(y)
    y.backward()
    last = explorer.step_text(explorer.step_count)
    assert last == "x: grad 4 = 1 × 1 (from x**2, as its base) + 1 × 3 (from x·3)"
    assert x.grad == 4.0
    nodes = page_data(explorer)["nodes"]
    assert isinstance(nodes, list)
    (entry,) = [node for node in nodes if node["name"] == "x"]
    assert entry["grad"] == format_number(x.grad)


def test_explore_leaves_every_grad_untouched() -> None:
    x, w, y = small_graph()
    explore(y).html()
    assert (x.grad, w.grad, y.grad) == (0.0, 0.0, 0.0)


def test_forward_steps_give_values_in_the_order_they_were_computed() -> None:
    x = Value(2.0, label="x")
    s = x * x
    s.label = "s"
    t = s + 1.0
    t.label = "t"
    explorer = explore(t, steps="forward")
    texts = [explorer.step_text(k) for k in range(1, explorer.step_count + 1)]
    assert texts == ["x = 2, given", "s = *(x, x) = 4", "t = +(s, 1) = 5"]


def test_step_numbers_start_at_1() -> None:
    explorer = explore(small_graph()[2])
    assert "seed" in explorer.step_text(1)
    with pytest.raises(ValueError, match="step must be from 1 to 6, got 0"):
        explorer.step_text(0)


# --- the page ----------------------------------------------------------------------------


def test_the_page_loads_nothing_from_elsewhere() -> None:
    page = explore(small_graph()[2]).page()
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"<(link|img|iframe)\b|\bsrc=|\bhref=|https://|@import|url\(", page)
    # The only URL is the SVG namespace, a name rather than something to fetch.
    assert re.findall(r"http://[^\s\"']+", page) == ["http://www.w3.org/2000/svg"]


def test_jupyter_gets_the_same_self_contained_fragment() -> None:
    explorer = explore(small_graph()[2])
    fragment = explorer._repr_html_()
    assert fragment.startswith('<div class="gg-explorer"')
    assert "<script>" in fragment and "<style>" in fragment
    assert "<html" not in fragment


def test_controls_carry_accessible_names_and_the_readout_its_step() -> None:
    fragment = explore(small_graph()[2]).html()
    for label in ("Previous step", "Next step", "Play", "Fit", "Zoom in", "Zoom out", "Step"):
        assert f'aria-label="{label}"' in fragment
    assert 'class="gg-stepno" data-step="1"' in fragment
    assert 'type="range" class="gg-slider" min="1" max="6" value="1"' in fragment


def test_every_drawn_value_carries_its_name() -> None:
    explorer = explore(small_graph()[2])
    fragment = explorer.html()
    for name in explorer.names.values():
        assert f'data-name="{name}"' in fragment


NASTY = "</script><img src=x onerror=alert(1)>&\"'"


def test_a_label_that_could_break_the_page_is_escaped_everywhere() -> None:
    x = Value(1.0, label=NASTY)
    y = (x * 2).tanh()
    y.label = "y"
    page = explore(y).page()
    assert page.count("</script>") == 2  # the data's and the code's own ends
    assert "<img" not in page
    assert 'data-name="&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&amp;&quot;&#x27;"' in page
    data = page_data(explore(y))
    nodes = data["nodes"]
    assert isinstance(nodes, list)
    assert NASTY in [node["name"] for node in nodes]


# --- layers ------------------------------------------------------------------------------


def test_a_small_mlp_opens_expanded_with_its_neurons_in_order() -> None:
    explorer = explore(one_input_mlp([4, 4, 1]))
    assert explorer.layers == ["L0", "L1", "L2"]
    assert not any(explorer.collapsed)
    tops = {
        name: explorer.layout.boxes[node][1].y
        for node, name in explorer.names.items()
        if name.endswith(".w0")
    }
    assert [name for name, _ in sorted(tops.items(), key=lambda item: item[1]) if "L1" in name] == [
        "L1.N0.w0",
        "L1.N1.w0",
        "L1.N2.w0",
        "L1.N3.w0",
    ]


def test_collapse_names_the_layers_that_open_collapsed() -> None:
    explorer = explore(one_input_mlp([4, 4, 1]), collapse=["L1", 2])
    folded = [
        section.layer.name
        for section, collapsed in zip(explorer.layout.sections, explorer.collapsed)
        if collapsed and section.layer is not None
    ]
    assert folded == ["L1", "L2"]


def test_the_16_16_1_mlp_opens_as_three_collapsed_layers_in_a_small_page() -> None:
    explorer = explore(nn.MLP(2, [16, 16, 1], seed=1)([0.5, -1.0]))  # type: ignore[arg-type]
    assert sum(explorer.collapsed) == 3
    page = explorer.page()
    assert len(page.encode("utf-8")) < PAGE_LIMIT
    assert page.count('class="gg-collapsed gg-toggle" data-s=') == 3
    assert "Layer 1 · 16→16 · 272 parameters" in page


def test_a_graph_without_layers_has_nothing_to_collapse() -> None:
    with pytest.raises(ValueError, match="layers: none: this graph was not built by nn"):
        explore(small_graph()[2], collapse=["L0"])


# --- files -------------------------------------------------------------------------------


def test_save_html_writes_the_standalone_page(tmp_path: Path) -> None:
    explorer = explore(small_graph()[2])
    path = explorer.save(tmp_path / "graph.html")
    assert path.read_text(encoding="utf-8") == explorer.page()


def test_save_to_a_folder_writes_one_svg_per_step(tmp_path: Path) -> None:
    explorer = explore(small_graph()[2])
    folder = explorer.save(f"{tmp_path}/frames/")
    files = sorted(folder.iterdir())
    assert [file.name for file in files] == [f"step-00{k}.svg" for k in range(1, 7)]
    for file in files:
        root = ElementTree.fromstring(file.read_text(encoding="utf-8"))
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
    last = files[-1].read_text(encoding="utf-8")
    assert re.search(r'class="gg-node gg-current" data-id="\d+" data-name="w"', last)
    assert "<style>" in last  # a frame looks the same outside the page


def test_save_gif_writes_one_frame_per_step(tmp_path: Path) -> None:
    image = pytest.importorskip("PIL.Image", reason="Pillow comes with matplotlib")
    explorer = explore(small_graph()[2])
    path = explorer.save(tmp_path / "backward.gif")
    with image.open(path) as gif:
        assert gif.format == "GIF"
        assert gif.n_frames == explorer.step_count


def test_the_explorer_needs_no_graphviz(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no dot program to be found
    page = explore(one_input_mlp([4, 4, 1])).page()
    assert page.count('class="gg-node') > 50


def test_without_its_style_sheet_the_hidden_shape_of_a_layer_stays_hidden() -> None:
    fragment = explore(one_input_mlp([4, 4, 1]), collapse=["L1"]).html()
    assert '<g class="gg-expanded" display="none">' in fragment  # L1's neurons
    assert 'aria-label="Expand L0"' in fragment
    assert re.search(
        r'<g class="gg-collapsed gg-toggle" data-s="\d+" role="button" '
        r'tabindex="0" display="none" aria-label="Expand L0">',
        fragment,
    )


def test_save_gif_without_pillow_says_how_to_get_it_and_writes_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "PIL", None)  # as on a machine without Pillow
    with pytest.raises(ImportError, match=r"needs Pillow: pip install pillow.*save\('frames/'\)"):
        explore(small_graph()[2]).save(tmp_path / "backward.gif")
    assert list(tmp_path.iterdir()) == []


def test_autograd_explore_imports_on_its_own() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import autograd.explore"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_past_the_explain_limit_values_carry_no_precomputed_paths() -> None:
    x = Value(0.5, label="x")
    y = x
    for _ in range(EXPLAIN_LIMIT):
        y = y.tanh()
    nodes = page_data(explore(y))["nodes"]
    assert isinstance(nodes, list)
    assert len(nodes) == EXPLAIN_LIMIT + 1
    assert not any("explain" in node for node in nodes)
    small = page_data(explore(small_graph()[2]))["nodes"]
    assert isinstance(small, list)
    assert all("explain" in node for node in small)


def test_infinite_and_nan_values_make_a_page_with_valid_json() -> None:
    x = Value(0.0, label="x")
    y = x.log() * 0.0 + 1 / x  # log(0) = -inf, 0 * -inf = nan, 1 / 0 = inf
    y.label = "y"
    explorer = explore(y)
    assert explorer.step_text(explorer.step_count) == (
        "x: grad nan = 1 × -inf (from 1 / x, as its denominator) + 0 × inf (from log(x))"
    )
    nodes = page_data(explorer)["nodes"]
    assert isinstance(nodes, list)
    assert {node["name"]: node["data"] for node in nodes}["log(x)"] == "-inf"

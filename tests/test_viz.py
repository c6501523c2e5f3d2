"""Drawing graphs and stepping through backward: draw_dot and backward_steps."""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

import pytest

from autograd import Value, dot, topological_order
from autograd.dotfile import DOT_PROGRAM_HINT, GRAPHVIZ_PACKAGE_HINT
from autograd.viz import (
    FILL_CURRENT,
    FILL_DONE,
    FILL_PENDING,
    GraphvizNotFoundError,
    backward_steps,
    draw_dot,
)


def small_graph() -> tuple[Value, Value, Value]:
    """Return ``(a, b, c)`` with ``c = a * b + a``: ``a`` is used twice."""
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = a * b + a
    c.label = "c"
    return a, b, c


def node_line(source: str, node_id: str) -> str:
    """Return the line of ``source`` that declares node ``node_id``."""
    (line,) = [line for line in source.splitlines() if line.startswith(f"  {node_id} [")]
    return line


def svg_texts(svg: bytes) -> list[str]:
    """Return the text drawn in an SVG, unescaped."""
    return [html.unescape(text) for text in re.findall(r"<text[^>]*>([^<]*)</text>", svg.decode())]


def make_dot_unavailable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Make Graphviz's dot program impossible to find, as on a machine without it."""
    monkeypatch.setenv("PATH", str(tmp_path))


# --- DOT text ----------------------------------------------------------------------------


def test_source_is_identical_across_runs_and_separately_built_graphs() -> None:
    first = small_graph()[2]
    second = small_graph()[2]
    assert draw_dot(first).source == draw_dot(first).source
    assert draw_dot(first).source == draw_dot(second).source


def test_node_ids_are_topological_positions() -> None:
    _a, _b, c = small_graph()
    source = draw_dot(c).source
    ids = set(re.findall(r"^\s+(\w+) \[", source, flags=re.MULTILINE)) - {"graph", "node", "edge"}
    assert ids == {"n0", "n1", "n2", "n2_op", "n3", "n3_op"}
    assert "{ a |" in node_line(source, "n0")
    assert "{ c |" in node_line(source, "n3")


def test_a_times_b_plus_a_draws_both_edges_from_a() -> None:
    source = draw_dot(small_graph()[2]).source
    assert "  n0 -> n2_op;" in source  # a into a * b
    assert "  n1 -> n2_op;" in source  # b into a * b
    assert "  n2 -> n3_op;" in source  # a * b into the sum
    assert "  n0 -> n3_op;" in source  # a into the sum


def test_a_plus_a_draws_two_edges() -> None:
    a = Value(1.0, label="a")
    source = draw_dot(a + a).source
    assert source.count("  n0 -> n1_op;") == 2


def test_records_show_label_data_and_grad() -> None:
    _a, _b, c = small_graph()
    c.backward()
    source = draw_dot(c).source
    assert 'label="{ a | data 2.0000 | grad -2.0000 }", shape=record' in node_line(source, "n0")
    assert 'label="{ data -6.0000 | grad 1.0000 }"' in node_line(source, "n2")
    assert 'label="{ c | data -4.0000 | grad 1.0000 }"' in node_line(source, "n3")


def test_show_grad_false_leaves_gradients_out() -> None:
    source = draw_dot(small_graph()[2], show_grad=False).source
    assert 'label="{ a | data 2.0000 }"' in node_line(source, "n0")
    assert "| grad" not in source


def test_op_nodes_show_the_op_symbols() -> None:
    x = Value(0.5, label="x")
    w = Value(2.0, label="w")
    y = (dot([w], [x]).relu() ** 2 / x.exp().log() + x.tanh() + x.sigmoid()) * x
    source = draw_dot(y).source
    symbols = re.findall(r'^  n\d+_op \[label="([^"]*)"', source, flags=re.MULTILINE)
    assert sorted(symbols) == sorted(
        ["Σ w·x", "ReLU", "**2", "/", "exp", "log"] + ["+"] * 2 + ["tanh", "σ", "*"]
    )


def test_parameter_names_from_labels_are_drawn() -> None:
    weight = Value(0.1, label="layers.0.neurons.3.w.1")
    source = draw_dot(weight * 2.0).source
    assert "{ layers.0.neurons.3.w.1 | data 0.1000" in source


def test_numbers_too_small_or_large_for_four_decimals_keep_their_digits() -> None:
    tiny = Value(1.5e-9, label="tiny")
    source = draw_dot(tiny * 3e12).source
    assert "data 1.5e-09" in source
    assert "data 4500" in source
    assert "data 3e+12" in source


def test_labels_are_escaped_so_dot_syntax_stays_intact() -> None:
    tricky = Value(1.0, label='q"{x}|<p>\\n\nnext')
    source = draw_dot(tricky).source
    assert node_line(source, "n0") == (
        '  n0 [label="{ q\\"\\{x\\}\\|\\<p\\>\\\\n\\nnext | data 1.0000 | grad 0.0000 }", '
        "shape=record];"
    )


def test_escaped_labels_render_as_written(dot_program: str) -> None:
    tricky = Value(1.0, label='q"{x}|<p>\\n\nnext')
    texts = svg_texts(draw_dot(tricky).pipe("svg"))
    assert texts == ['q"{x}|<p>\\n', "next", "data 1.0000", "grad 0.0000"]


def test_top_down_records_stack_their_fields() -> None:
    source = draw_dot(small_graph()[2], rankdir="TB").source
    assert "rankdir=TB" in source
    assert 'label="a | data 2.0000 | grad 0.0000"' in node_line(source, "n0")


def test_unknown_rankdir_is_refused() -> None:
    with pytest.raises(ValueError, match="rankdir must be one of LR, RL, TB, BT"):
        draw_dot(small_graph()[2], rankdir="sideways")


def test_draw_dot_refuses_a_non_value() -> None:
    with pytest.raises(TypeError, match="draw_dot\\(\\) takes a Value, got float"):
        draw_dot(1.0)  # type: ignore[arg-type]


# --- large graphs --------------------------------------------------------------------


def test_a_100000_node_graph_gives_a_message_instead_of_a_drawing() -> None:
    chain = Value(0.0, label="start")
    for _ in range(50_000):
        chain = chain + 1.0
    drawing = draw_dot(chain)
    assert not drawing.complete
    assert drawing.message == "graph too large to draw: 100001 values, more than max_nodes=500"
    assert drawing.node_count == 100_001
    assert "ops: + × 50000" in drawing.source
    assert "shape=note" in drawing.source
    assert len(drawing.source.splitlines()) < 10


def test_a_large_graph_summary_groups_labelled_leaves_by_module() -> None:
    weights = [
        Value(0.1, label=f"layers.{layer}.neurons.0.w.{i}") for layer in (0, 1) for i in range(3)
    ]
    total = dot(weights, [1.0] * 6)
    drawing = draw_dot(total, max_nodes=5)
    assert "labelled leaves by prefix: layers.0 × 3, layers.1 × 3" in drawing.source


def test_max_nodes_none_draws_every_node() -> None:
    chain = Value(0.0)
    for _ in range(300):
        chain = chain + 1.0
    drawing = draw_dot(chain, max_nodes=None)
    assert drawing.complete
    assert "  n600 [" in drawing.source


# --- rendering and display -----------------------------------------------------------


def test_svg_renders_with_the_dot_program(dot_program: str) -> None:
    _a, _b, c = small_graph()
    c.backward()
    svg = draw_dot(c).pipe(format="svg")
    assert b"<svg" in svg
    texts = svg_texts(svg)
    assert texts[texts.index("a") : texts.index("a") + 3] == ["a", "data 2.0000", "grad -2.0000"]


@pytest.mark.parametrize(
    ("suffix", "magic"), [("svg", b"<?xml"), ("png", b"\x89PNG"), ("pdf", b"%PDF")]
)
def test_save_takes_the_format_from_the_suffix(
    dot_program: str, tmp_path: Path, suffix: str, magic: bytes
) -> None:
    path = draw_dot(small_graph()[2]).save(tmp_path / f"graph.{suffix}")
    assert path.read_bytes().startswith(magic)


def test_save_as_dot_writes_the_source(tmp_path: Path) -> None:
    drawing = draw_dot(small_graph()[2])
    path = drawing.save(tmp_path / "graph.dot")
    assert path.read_text(encoding="utf-8") == drawing.source


def test_save_refuses_an_unknown_suffix(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"end the name with \.svg, \.png, \.pdf, \.dot"):
        draw_dot(small_graph()[2]).save(tmp_path / "graph.jpeg")


def test_jupyter_displays_svg_inline(dot_program: str) -> None:
    bundle = draw_dot(small_graph()[2])._repr_mimebundle_()
    assert bundle["image/svg+xml"].lstrip().startswith("<?xml")
    assert bundle["text/plain"] == "<Drawing of 4 values>"


def test_without_dot_jupyter_displays_the_dot_text_and_an_install_hint(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    make_dot_unavailable(monkeypatch, tmp_path)
    drawing = draw_dot(small_graph()[2])
    bundle = drawing._repr_mimebundle_()
    assert bundle == {"text/plain": f"{drawing.source}\n{DOT_PROGRAM_HINT}"}
    assert "apt-get install graphviz" in DOT_PROGRAM_HINT


def test_without_dot_rendering_raises_with_the_install_hint(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    make_dot_unavailable(monkeypatch, tmp_path)
    with pytest.raises(GraphvizNotFoundError, match="apt-get install graphviz"):
        draw_dot(small_graph()[2]).pipe("svg")


def test_without_the_graphviz_package_rendering_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "graphviz", None)
    drawing = draw_dot(small_graph()[2])
    with pytest.raises(ImportError, match="pip install graphviz"):
        drawing.pipe("svg")
    assert drawing._repr_mimebundle_() == {
        "text/plain": f"{drawing.source}\n{GRAPHVIZ_PACKAGE_HINT}"
    }
    assert drawing.pipe("dot") == drawing.source.encode()


def test_importing_viz_does_not_import_graphviz_or_nn() -> None:
    import subprocess

    code = (
        "import sys, autograd.viz; "
        "print('graphviz' in sys.modules, "
        "any(m == 'nn' or m.startswith('nn.') for m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False"]


# --- backward_steps ------------------------------------------------------------------


def test_backward_steps_gives_one_step_per_node() -> None:
    root = small_graph()[2]
    steps = backward_steps(root)
    nodes = topological_order(root)
    assert len(steps) == len(nodes) == 4
    assert {id(step.node) for step in steps} == {id(node) for node in nodes}


def test_every_node_comes_after_all_the_nodes_that_use_it() -> None:
    x = Value(0.3, label="x")
    y = ((x * x + x).tanh() * x + x.exp()).relu()
    steps = backward_steps(y)
    position = {id(step.node): step.index for step in steps}
    for step in steps:
        for parent in step.node.parents:
            assert position[id(parent)] > step.index


def test_step_gradients_equal_backward_and_leave_grad_untouched() -> None:
    x = Value(0.3, label="x")
    w = Value(-1.2, label="w")
    y = (dot([w, x], [x, 2.0]).tanh() * w + x / w).sigmoid()
    steps = backward_steps(y)
    assert all(step.node.grad == 0.0 for step in steps)
    y.backward()
    assert [step.grad for step in steps] == [step.node.grad for step in steps]


def test_a_step_lists_each_use_times_its_local_derivative() -> None:
    a, _b, c = small_graph()
    steps = backward_steps(c)
    (step_a,) = [step for step in steps if step.node is a]
    product = c.parents[0]
    assert [(t.consumer, t.input_number) for t in step_a.terms] == [(c, 1), (product, 0)]
    assert [(t.consumer_grad, t.local_grad, t.value) for t in step_a.terms] == [
        (1.0, 1.0, 1.0),
        (1.0, -3.0, -3.0),
    ]
    assert step_a.grad == -2.0
    assert str(step_a) == "step 4 of 4: a, grad -2 = 1 × 1 (from c, by +) + 1 × -3 (from *, by *)"


def test_the_root_step_holds_the_seed_and_no_terms() -> None:
    steps = backward_steps(small_graph()[2], grad=2.0)
    assert steps[0].grad == 2.0
    assert steps[0].terms == ()
    assert [step.grad for step in steps] == [2.0, 2.0, 4.0, -4.0]


def test_a_step_drawing_sets_done_current_and_pending_apart() -> None:
    _a, _b, c = small_graph()
    steps = backward_steps(c)
    source = steps[1].drawing.source  # at a * b; c done; b and a pending
    assert f'fillcolor="{FILL_DONE}"' in node_line(source, "n3")
    assert f'fillcolor="{FILL_CURRENT}"' in node_line(source, "n2")
    assert f'fillcolor="{FILL_PENDING}"' in node_line(source, "n0")
    assert "grad ?" in node_line(source, "n0")
    assert "grad 1.0000" in node_line(source, "n2")
    assert "  n2 -> n3_op [color=" in source  # the edge that carried this step's term
    assert 'label="step 2 of 4: *, grad 1"' in source


def test_a_step_drawing_leaves_the_real_grads_alone() -> None:
    a, _b, c = small_graph()
    source = backward_steps(c)[3].drawing.source
    assert "grad -2.0000" in node_line(source, "n0")
    assert a.grad == 0.0


def test_a_step_displays_inline(dot_program: str) -> None:
    step = backward_steps(small_graph()[2])[2]
    assert "<svg" in step._repr_mimebundle_()["image/svg+xml"]


def test_inputs_whose_order_matters_are_named_on_their_edges() -> None:
    numerator = Value(1.0, label="p")
    denominator = Value(4.0, label="q")
    quotient = numerator / denominator
    source = draw_dot(dot([quotient], [numerator])).source
    assert '  n0 -> n2_op [label="x"];' in source  # p is the x of x / y
    assert '  n1 -> n2_op [label="y"];' in source
    assert '  n2 -> n3_op [label="w1"];' in source
    assert '  n0 -> n3_op [label="x1"];' in source


def test_inputs_of_symmetric_ops_are_not_named() -> None:
    source = draw_dot(small_graph()[2]).source
    assert 'label="x"' not in source

"""Drawing graphs and stepping through backward: draw_dot and backward_steps."""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

import pytest

from autograd import Value, dot, sum_values, topological_order
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
    (line,) = [line for line in source.splitlines() if line.lstrip().startswith(f"{node_id} [")]
    return line


def card_fields(source: str, node_id: str) -> list[str]:
    """Return the cells of a node's card (HTML-like label) as text, tags and entities removed."""
    cells = re.findall(r"<td[^>]*>(.*?)</td>", node_line(source, node_id))
    return [html.unescape(re.sub(r"<[^>]+>", "", cell)) for cell in cells]


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
    assert ids == {"n0", "n1", "n2", "n3"}
    assert card_fields(source, "n0")[0] == "a"
    assert card_fields(source, "n3")[:2] == ["+", "c"]


def test_a_times_b_plus_a_draws_both_edges_from_a() -> None:
    source = draw_dot(small_graph()[2]).source
    assert "  n0 -> n2;" in source  # a into a * b
    assert "  n1 -> n2;" in source  # b into a * b
    assert "  n2 -> n3;" in source  # a * b into the sum
    assert "  n0 -> n3;" in source  # a into the sum


def test_a_plus_a_draws_two_edges() -> None:
    a = Value(1.0, label="a")
    source = draw_dot(a + a).source
    assert source.count("  n0 -> n1;") == 2


def test_cards_show_op_name_data_and_grad() -> None:
    _a, _b, c = small_graph()
    c.backward()
    source = draw_dot(c).source
    assert card_fields(source, "n0") == ["a", "data 2.0000", "grad -2.0000"]
    assert card_fields(source, "n2") == ["*", "a·b", "data -6.0000", "grad 1.0000"]
    assert card_fields(source, "n3") == ["+", "c", "data -4.0000", "grad 1.0000"]


def test_show_grad_false_leaves_gradients_out() -> None:
    source = draw_dot(small_graph()[2], show_grad=False).source
    assert card_fields(source, "n0") == ["a", "data 2.0000"]
    assert ">grad " not in source


def test_cards_are_headed_by_the_op_symbols() -> None:
    x = Value(0.5, label="x")
    w = Value(2.0, label="w")
    y = (dot([w], [x]).relu() ** 2 / x.exp().log() + x.tanh() + x.sigmoid()) * x
    order = topological_order(y)
    source = draw_dot(y).source
    symbols = [card_fields(source, f"n{i}")[0] for i, node in enumerate(order) if node.op]
    assert sorted(symbols) == sorted(
        ["Σ w·x", "ReLU", "**2", "/", "exp", "log"] + ["+"] * 2 + ["tanh", "σ", "*"]
    )


def test_the_op_rule_is_the_cards_tooltip() -> None:
    x = Value(0.5, label="x")
    source = draw_dot(x.tanh()).source
    assert 'tooltip="d(tanh x)/dx = 1 - tanh(x)^2"' in node_line(source, "n1")


def test_unlabelled_values_are_named_by_what_they_are() -> None:
    x = Value(2.0, label="x")
    w = Value(-0.5, label="w")
    source = draw_dot((w * x + 1.0).tanh() / x).source
    names = [card_fields(source, f"n{i}")[1] for i in (2, 4, 5, 6)]
    assert names == ["w·x", "w·x + 1", "tanh(w·x + 1)", "tanh(w·x + 1) / x"]


def test_parameter_names_are_short_with_the_dotted_name_as_tooltip() -> None:
    weight = Value(0.1, label="layers.0.neurons.3.w.1")
    source = draw_dot(weight * 2.0).source
    assert card_fields(source, "n0")[0] == "L0.N3.w1"
    assert 'tooltip="layers.0.neurons.3.w.1"' in node_line(source, "n0")


def test_constants_are_small_plain_text_without_gradient() -> None:
    x = Value(2.0, label="x")
    source = draw_dot(x * 3).source
    line = node_line(source, "n1")
    assert 'label="3", shape=plaintext, fontsize=9' in line
    assert "grad" not in line


def test_numbers_too_small_or_large_for_four_decimals_keep_their_digits() -> None:
    tiny = Value(1.5e-9, label="tiny")
    source = draw_dot(tiny * 3e12).source
    assert "data 1.5e-09" in source
    assert "data 4500" in source
    assert 'label="3e+12"' in source  # a constant, named by its value


def test_labels_are_escaped_so_dot_syntax_stays_intact() -> None:
    tricky = Value(1.0, label='q"{x}|<p>\\n\nnext')
    source = draw_dot(tricky).source
    assert "<b>q&quot;{x}|&lt;p&gt;\\n<br/>next</b>" in node_line(source, "n0")
    assert card_fields(source, "n0") == ['q"{x}|<p>\\nnext', "data 1.0000", "grad 0.0000"]


def test_escaped_labels_render_as_written(dot_program: str) -> None:
    tricky = Value(1.0, label='q"{x}|<p>\\n\nnext')
    texts = svg_texts(draw_dot(tricky).pipe("svg"))
    assert texts == ['q"{x}|<p>\\n', "next", "data 1.0000", "grad 0.0000"]


def test_cards_lie_across_the_graphs_direction() -> None:
    left_to_right = draw_dot(small_graph()[2]).source
    top_down = draw_dot(small_graph()[2], rankdir="TB").source
    assert "rankdir=TB" in top_down
    assert node_line(left_to_right, "n0").count("<tr>") == 3  # name over data over grad
    assert node_line(top_down, "n0").count("<tr>") == 1  # side by side


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
    assert str(step_a) == "step 4 of 4: a, grad -2 = 1 × 1 (from c) + 1 × -3 (from a·b)"


def test_the_root_step_holds_the_seed_and_no_terms() -> None:
    steps = backward_steps(small_graph()[2], grad=2.0)
    assert steps[0].grad == 2.0
    assert steps[0].terms == ()
    assert [step.grad for step in steps] == [2.0, 2.0, 4.0, -4.0]


def test_a_step_drawing_sets_done_current_and_pending_apart() -> None:
    _a, _b, c = small_graph()
    steps = backward_steps(c)
    source = steps[1].drawing.source  # at a * b; c done; b and a pending
    assert f'bgcolor="{FILL_DONE}"' in node_line(source, "n3")
    assert f'bgcolor="{FILL_CURRENT}"' in node_line(source, "n2")
    assert f'bgcolor="{FILL_PENDING}"' in node_line(source, "n0")
    assert "grad ?" in node_line(source, "n0")
    assert "grad 1.0000" in node_line(source, "n2")
    assert "  n2 -> n3 [color=" in source  # the edge that carried this step's term
    assert 'label="step 2 of 4: a·b, grad 1"' in source


def test_a_step_drawing_leaves_the_real_grads_alone() -> None:
    a, _b, c = small_graph()
    source = backward_steps(c)[3].drawing.source
    assert "grad -2.0000" in node_line(source, "n0")
    assert a.grad == 0.0


def test_a_step_displays_inline(dot_program: str) -> None:
    step = backward_steps(small_graph()[2])[2]
    assert "<svg" in step._repr_mimebundle_()["image/svg+xml"]


def test_input_roles_from_the_op_table_are_drawn_in_small_italics_on_edges() -> None:
    numerator = Value(1.0, label="p")
    denominator = Value(4.0, label="q")
    quotient = numerator / denominator
    source = draw_dot(dot([quotient], [numerator])).source
    role = 'fontsize=9, fontcolor="#666666"'
    assert f'  n0 -> n2 [label=<<i>numerator</i>>, {role}, tooltip="numerator"];' in source
    assert f'  n1 -> n2 [label=<<i>denominator</i>>, {role}, tooltip="denominator"];' in source
    assert f'  n2 -> n3 [label=<<i>weight 1</i>>, {role}, tooltip="weight 1"];' in source
    assert f'  n0 -> n3 [label=<<i>input 1</i>>, {role}, tooltip="input 1"];' in source


def test_inputs_of_symmetric_ops_are_not_named() -> None:
    source = draw_dot(small_graph()[2]).source
    edges = [line for line in source.splitlines() if " -> " in line]
    assert edges and not any("label" in line for line in edges)


# --- nn graphs -------------------------------------------------------------------------


def mlp_output(nouts: list[int]) -> Value:
    from nn import MLP

    model = MLP(2, nouts, seed=0)
    return model([Value(1.0, label="x0"), Value(2.0, label="x1")])  # type: ignore[return-value]


def test_each_neuron_is_one_table_of_its_weights_and_bias_in_order() -> None:
    source = draw_dot(mlp_output([3, 1])).source
    table = node_line(source, "neuron0_1")
    cells = [
        html.unescape(re.sub(r"<[^>]+>", "", cell))
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", table)
    ]
    assert cells[:3] == ["L0.N1", "data", "grad"]
    assert cells[3::3] == ["w0", "w1", "b"]
    assert 'tooltip="layers.0.neurons.1.w.0\\nlayers.0.neurons.1.w.1\\nlayers.0.neurons.1.b"' in (
        table
    )


def test_neurons_are_written_layer_by_layer_in_index_order() -> None:
    source = draw_dot(mlp_output([4, 4, 1])).source
    tables = re.findall(r"^  (neuron\d+_\d+) \[", source, flags=re.MULTILINE)
    assert tables == [
        f"neuron{layer}_{n}" for layer, count in ((0, 4), (1, 4), (2, 1)) for n in range(count)
    ]
    assert "ordering=out" in source  # Graphviz keeps that order


def test_edges_leave_a_parameter_from_its_row_of_the_table() -> None:
    output = mlp_output([2, 1])
    order = topological_order(output)
    source = draw_dot(output).source
    weight = order.index(output.parents[0])  # layers.1.neurons.0.w.0
    total = order.index(output)
    assert f'  neuron1_0:n{weight} -> n{total} [tooltip="weight 1"];' in source


def test_the_constant_one_of_a_neurons_bias_is_not_drawn() -> None:
    output = mlp_output([2, 1])
    order = topological_order(output)
    one = output.parents[-1]
    assert one.data == 1.0 and not one.label
    source = draw_dot(output).source
    assert f"  n{order.index(one)} [" not in source
    assert f"  n{order.index(one)} -> " not in source


def test_the_targets_and_the_means_divisor_of_a_loss_are_named() -> None:
    from nn import mse_loss

    loss = mse_loss([mlp_output([2, 1])], [0.5])
    source = draw_dot(loss).source
    assert 'label="target 0.5", shape=plaintext' in source
    assert 'label="count 1", shape=plaintext' in source
    assert "<b>mean of 1</b>" in source


def test_an_mlp_of_sixteen_wide_layers_is_drawn_with_one_box_per_layer() -> None:
    drawing = draw_dot(mlp_output([16, 16, 1]))
    assert drawing.node_count == 407 - 2 + 2  # labelled inputs instead of constants
    assert not drawing.complete
    assert drawing.message.startswith("graph too large to draw: 407 values laid out")
    assert drawing.message.endswith("more than max_nodes=500: one box per layer")
    source = drawing.source
    assert 'layer0 [label="layer L0 | 2→16 (16 neurons) | 48 parameters", shape=Mrecord' in source
    assert 'layer1 [label="layer L1 | 16→16 (16 neurons) | 272 parameters"' in source
    assert 'layer0 -> layer1 [label="16 values", fontsize=9];' in source
    assert "max_nodes=None draws every value" in source


def test_max_nodes_none_draws_a_large_mlp_in_full() -> None:
    drawing = draw_dot(mlp_output([16, 16, 1]), max_nodes=None)
    assert drawing.complete
    assert "neuron1_15 [" in drawing.source


def test_a_small_graph_laid_out_too_wide_is_summarized_with_the_way_out() -> None:
    x = Value(1.0, label="x")
    fan = sum_values([x * float(k) for k in range(100)])  # 202 values, one rank of 100
    drawing = draw_dot(fan, max_nodes=250)
    assert drawing.message == (
        "graph too large to draw: 202 values laid out 3 ranks deep and 100 wide, "
        "300 places, more than max_nodes=250"
    )
    assert "shape=note" in drawing.source
    assert "max_nodes=None draws every value" in drawing.source


def test_drawings_are_scaled_to_fit_960_pixels(dot_program: str) -> None:
    svg = draw_dot(mlp_output([4, 4, 1])).pipe("svg").decode()
    width = float(re.search(r'<svg width="([0-9.]+)pt"', svg).group(1))  # type: ignore[union-attr]
    assert width <= 720  # points: 960 px at 96 dpi


# --- backward steps and constants ------------------------------------------------------


def test_constants_take_no_backward_step_unless_asked() -> None:
    x = Value(2.0, label="x")
    y = (x * 3 + 1).tanh()
    steps = backward_steps(y)
    assert [str(step).split(":")[1].split(",")[0].strip() for step in steps] == [
        "tanh(x·3 + 1)",
        "x·3 + 1",
        "x·3",
        "x",
    ]
    assert steps[0].headline().startswith("step 1 of 4:")
    assert len(backward_steps(y, constants=True)) == 6


def test_skipping_constants_changes_no_gradient() -> None:
    x = Value(0.5, label="x")
    y = (x * 3 + x / 4).exp()
    steps = {step.node: step.grad for step in backward_steps(y)}
    y.backward()
    assert steps[x] == x.grad


def test_a_constant_root_still_takes_its_step() -> None:
    assert len(backward_steps(Value(3.0))) == 1


def table_heights(svg: bytes) -> dict[str, float]:
    """Return the SVG y of each neuron table's first text, by table id."""
    heights = {}
    pattern = r'<title>(neuron\d+_\d+)</title>.*?<text[^>]* y="([-0-9.]+)"'
    for table, y in re.findall(pattern, svg.decode(), flags=re.DOTALL):
        heights[table] = float(y)
    return heights


@pytest.mark.parametrize("nouts", [[4, 4, 1], [3, 3], [5, 1]])
def test_graphviz_lays_neurons_out_top_down_in_index_order(
    dot_program: str, nouts: list[int]
) -> None:
    from nn import mse_loss

    outputs = mlp_output(nouts)
    root = outputs if isinstance(outputs, Value) else mse_loss(outputs, [0.0] * len(outputs))
    heights = table_heights(draw_dot(root).pipe("svg"))
    for layer, width in enumerate(nouts):
        column = [heights[f"neuron{layer}_{n}"] for n in range(width)]
        assert column == sorted(column), f"layer {layer} out of order"


def test_a_relabelled_layer_under_a_loss_keeps_its_neurons_in_order(dot_program: str) -> None:
    from nn import Layer, mse_loss

    layer = Layer(4, 3, seed=0)
    for j, neuron in enumerate(layer.neurons):
        for i, weight in enumerate(neuron.w):
            weight.label = f"w{i + 1}{j + 1}"
        neuron.b.label = f"b{j + 1}"
    x = [Value(v, label=f"x{i + 1}") for i, v in enumerate([1.0, 2.0, 3.0, 2.5])]
    heights = table_heights(draw_dot(mse_loss(layer(x), [0.0, 0.0, 0.0])).pipe("svg"))
    column = [heights[f"neuron0_{n}"] for n in range(3)]
    assert column == sorted(column)

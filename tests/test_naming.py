"""What drawings call each node, and the layers and neurons they group an nn graph into."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from programs import Program, programs, run

from autograd import Value, dot, sum_values, topological_order
from autograd.naming import (
    MAX_NAME_LENGTH,
    display_names,
    full_name,
    input_roles,
    is_constant,
    node_groups,
    short_label,
)
from autograd.ops import OP_TABLE, power_by
from nn import MLP, Layer, Neuron, mae_loss, mse_loss


def names_in_order(root: Value) -> list[str]:
    order = topological_order(root)
    names = display_names(order)
    return [names[node] for node in order]


def name_of(root: Value, node: Value) -> str:
    return display_names(topological_order(root))[node]


# --- labels and constants ----------------------------------------------------------------


def test_a_label_is_the_name() -> None:
    x = Value(2.0, label="x")
    assert name_of(x.tanh(), x) == "x"


@pytest.mark.parametrize(
    ("label", "short"),
    [
        ("layers.0.neurons.3.w.1", "L0.N3.w1"),
        ("layers.0.neurons.3.b", "L0.N3.b"),
        ("neurons.2.w.0", "N2.w0"),
        ("w.4", "w4"),
        ("encoder.layers.1.neurons.0.b", "encoder.L1.N0.b"),
        ("x", "x"),
        ("a.b c", "a.b c"),
        ("3.5", "3.5"),
    ],
)
def test_dotted_parameter_names_are_shortened(label: str, short: str) -> None:
    assert short_label(label) == short


def test_a_parameter_is_named_short_and_its_full_name_is_the_whole_label() -> None:
    weight = Value(0.1, label="layers.0.neurons.3.w.1")
    assert name_of(weight * 2.0, weight) == "L0.N3.w1"
    assert full_name(weight) == "layers.0.neurons.3.w.1"


def test_constants_are_unlabelled_leaves_named_by_their_value() -> None:
    x = Value(2.0, label="x")
    y = x * 0.5 + 3
    three = y.parents[1]
    assert is_constant(three)
    assert not is_constant(x)
    assert not is_constant(y)
    assert names_in_order(y) == ["x", "0.5", "x·0.5", "3", "x·0.5 + 3"]
    assert full_name(three) == "constant 3.0"


# --- nodes named by what they compute ----------------------------------------------------


def test_ops_are_named_from_their_inputs_never_by_a_bare_symbol() -> None:
    x = Value(2.0, label="x")
    w = Value(-0.5, label="w")
    n = w * x + 1.0
    n.label = "n"
    assert names_in_order(n.tanh() / x) == [
        *("w", "x", "w·x", "1", "n"),
        *("tanh(n)", "tanh(n) / x"),
    ]
    assert names_in_order((w * x).relu()) == ["w", "x", "w·x", "relu(w·x)"]


def test_subtraction_and_negation_read_as_written() -> None:
    a = Value(1.0, label="a")
    b = Value(2.0, label="b")
    assert names_in_order(a - b)[-1] == "a - b"
    assert names_in_order(-a)[-1] == "-a"
    assert names_in_order(a - 3)[-1] == "a - 3"


def test_parentheses_keep_the_meaning() -> None:
    a = Value(1.0, label="a")
    b = Value(2.0, label="b")
    assert names_in_order((a + b) * a)[-1] == "(a + b)·a"
    assert names_in_order((a + b) ** 2)[-1] == "(a + b)**2"
    assert names_in_order(a / (a + b))[-1] == "a / (a + b)"
    assert names_in_order(a**b)[-1] == "a**b"


def test_a_long_name_gives_way_to_a_generated_one_from_the_position() -> None:
    first = Value(1.0, label="first_input")
    second = Value(2.0, label="second_input")
    total = first + second
    assert len("first_input + second_input") > MAX_NAME_LENGTH
    assert names_in_order(total) == ["first_input", "second_input", "v2"]


def test_built_names_do_not_repeat() -> None:
    a = Value(1.0, label="a")
    b = Value(2.0, label="b")
    names = names_in_order(a * b + a * b)
    assert names == ["a", "b", "a·b", "v3", "a·b + v3"]


def test_generated_names_avoid_the_users_labels() -> None:
    first = Value(1.0, label="v2")
    second = Value(2.0, label="a_rather_long_name")
    assert names_in_order(first * second)[-1] == "v2'"


def test_an_unlabelled_sum_of_many_terms_is_counted_or_begun() -> None:
    terms = [Value(float(i), label=f"t{i}") for i in range(5)]
    assert names_in_order(dot(terms, terms))[-1] == "t0·t0 + …"
    assert names_in_order(dot(terms[:2], terms[:2]))[-1] == "t0·t0 + t1·t1"
    assert names_in_order(sum_values(terms))[-1] == "Σ of 5"
    assert names_in_order(sum_values(terms[:2]))[-1] == "Σ(t0, t1)"


# --- input roles ----------------------------------------------------------------------------


def test_input_roles_come_from_the_op_table() -> None:
    a = Value(1.0, label="a")
    b = Value(2.0, label="b")
    assert input_roles(a / b) == ("numerator", "denominator")
    assert input_roles(a**b) == ("base", "exponent")
    assert input_roles(a + b) == ("", "")
    assert input_roles(dot([a, b], [b, a])) == ("weight 1", "weight 2", "input 1", "input 2")
    assert input_roles(a) == ()


def test_a_neurons_bias_is_named_as_such() -> None:
    neuron = Neuron(2, seed=0)
    total = neuron([3.0, 4.0]).parents[0]
    assert input_roles(total) == (
        "weight 1",
        "weight 2",
        "bias",
        *("input 1", "input 2"),
        ("bias's input 1"),
    )


# --- nn graphs -----------------------------------------------------------------------------


def test_an_mlp_is_grouped_into_layers_of_neurons_in_order() -> None:
    model = MLP(2, [4, 4, 1], seed=0)
    order = topological_order(model([1.0, 2.0]))
    groups = node_groups(order)
    assert [layer.name for layer in groups.layers] == ["L0", "L1", "L2"]
    assert [layer.shape for layer in groups.layers] == ["2→4", "4→4", "4→1"]
    assert [layer.parameter_count for layer in groups.layers] == [12, 20, 5]
    assert [neuron.name for neuron in groups.layers[1].neurons] == [
        "L1.N0",
        "L1.N1",
        "L1.N2",
        "L1.N3",
    ]
    neuron = model.layers[0].neurons[3]
    group = groups.layers[0].neurons[3]
    assert group.weights == tuple(neuron.w)
    assert group.bias is neuron.b
    assert group.activation == "relu"
    assert groups.layers[2].neurons[0].activation is None


def test_a_neuron_groups_its_weights_bias_constant_one_sum_and_activation() -> None:
    model = MLP(2, [3, 1], seed=0)
    root = model([1.0, 2.0])
    order = topological_order(root)
    groups = node_groups(order)
    group = groups.layers[0].neurons[1]
    (total,) = group.sums
    (output,) = group.outputs
    (one,) = group.ones
    assert output.op is not None and output.op.name == "relu"
    assert output.parents == (total,)
    assert total.parents[-1] is one and one.data == 1.0 and is_constant(one)
    assert group.members == (*group.weights, group.bias, one, total, output)
    for node in (*group.weights, group.bias, total, output):
        assert groups.neuron_of(node) is group
    assert groups.layer_of(total) is groups.layers[0]
    model_input = groups.layers[0].inputs[0]
    assert model_input.data == 1.0
    assert groups.neuron_of(model_input) is None


def test_neurons_and_their_nodes_are_named_after_the_layer_and_index() -> None:
    model = MLP(2, [2, 1], seed=0)
    names = names_in_order(model([1.0, 2.0]))
    assert "L0.N1.w0" in names
    assert "L0.N1.sum" in names  # the Σ w·x under the activation
    assert "L0.N1" in names  # the neuron's output, its activation
    assert names[-1] == "L1.N0"  # a linear neuron's output is its sum


def test_a_bare_layer_names_neurons_from_their_labels() -> None:
    layer = Layer(3, 2, seed=0)
    groups = node_groups(topological_order(layer([1.0, 2.0, 3.0])[1]))
    assert [neuron.name for neuron in groups.neurons] == ["N1"]


def test_neurons_labelled_by_hand_are_numbered_in_graph_order() -> None:
    layer = Layer(2, 3, seed=0)
    for j, neuron in enumerate(layer.neurons):
        neuron.b.label = f"b{j + 1}"
    outputs = layer([1.0, 2.0])
    groups = node_groups(topological_order(mse_loss(outputs, [0.0, 0.0, 0.0])))
    assert [neuron.name for neuron in groups.neurons] == ["L0.N0", "L0.N1", "L0.N2"]
    assert [neuron.bias.label for neuron in groups.neurons] == ["b1", "b2", "b3"]


def test_a_neuron_used_on_several_samples_is_one_group_with_a_sum_per_sample() -> None:
    model = MLP(2, [2, 1], seed=0)
    loss = mse_loss([model([1.0, 2.0]), model([3.0, 4.0])], [1.0, -1.0])
    order = topological_order(loss)
    groups = node_groups(order)
    assert [len(neuron.sums) for neuron in groups.neurons] == [2, 2, 2]
    names = display_names(order)
    first = groups.neurons[0]
    assert [names[total] for total in first.sums] == ["L0.N0.sum[0]", "L0.N0.sum[1]"]
    assert [names[output] for output in first.outputs] == ["L0.N0[0]", "L0.N0[1]"]


def test_a_single_neuron_is_one_group() -> None:
    neuron = Neuron(3, seed=0)
    groups = node_groups(topological_order(neuron([1.0, 2.0, 3.0])))
    assert [layer.shape for layer in groups.layers] == ["3→1"]


def test_a_plain_dot_is_not_a_neuron() -> None:
    w = [Value(1.0, label="w1"), Value(2.0, label="w2")]
    x = [Value(3.0, label="x1"), Value(4.0, label="x2")]
    assert not node_groups(topological_order(dot(w, x) + 1.0))


def test_the_constants_of_a_loss_say_what_they_are() -> None:
    layer = Layer(2, 2, seed=0)
    loss = mse_loss(layer([1.0, 2.0]), [0.0, -1.5])
    order = topological_order(loss)
    names = display_names(order)
    constant_names = [names[node] for node in order if is_constant(node)]
    assert "target 0" in constant_names
    assert "target -1.5" in constant_names
    assert "count 2" in constant_names
    assert names[loss] == "mean of 2"
    assert "(N0 - target)**2" in names.values()


def test_mae_targets_are_named_too() -> None:
    layer = Layer(2, 2, seed=0)
    loss = mae_loss(layer([1.0, 2.0]), [0.5, 2.0])
    names = display_names(topological_order(loss))
    assert {"target 0.5", "target 2", "count 2"} <= set(names.values())


def test_a_division_by_a_number_that_is_no_mean_names_the_number() -> None:
    a = Value(1.0, label="a")
    b = Value(2.0, label="b")
    names = names_in_order(sum_values([a, b]) / 3)
    assert names[-2:] == ["3", "Σ(a, b) / 3"]


def test_every_op_gives_one_role_per_input_or_none() -> None:
    for op in [*OP_TABLE.values(), power_by(2.0)]:
        if op.roles and op.arity is not None:
            assert len(op.roles) == op.arity, op.name
    assert OP_TABLE["add"].roles == OP_TABLE["mul"].roles == ()


def test_a_sum_of_generated_names_is_counted_not_listed() -> None:
    long_names = [Value(float(i), label=f"rather_long_name_{i}") for i in range(2)]
    squares = [x * x for x in long_names]
    assert names_in_order(sum_values(squares))[-1] == "Σ of 2"


@settings(max_examples=100, deadline=None)
@given(program=programs(max_inputs=4, max_steps=15))
def test_no_node_of_a_random_graph_is_named_by_a_bare_op_symbol(program: Program) -> None:
    leaves = [Value(x, label=f"x{i}") for i, x in enumerate(program.inputs)]
    order = topological_order(run(program, leaves))
    names = display_names(order)
    symbols = {op.symbol for op in OP_TABLE.values()} | {"**2", "**-1", "*", "-"}
    assert set(names) == set(order)
    for node in order:
        assert names[node] and names[node] not in symbols
        assert len(names[node]) <= MAX_NAME_LENGTH or node.label or is_constant(node)
    built = [names[node] for node in order if node.op is not None]
    assert len(built) == len(set(built))  # results never share a name

"""Neuron, Layer and MLP: shapes, activations, names, labels, seeds and errors."""

from __future__ import annotations

import random

import pytest

import nn
from autograd import Value, topological_order


def test_mlp_with_one_output_returns_a_value() -> None:
    assert isinstance(nn.MLP(2, [4, 1], seed=0)([1.0, 2.0]), Value)


def test_mlp_with_several_outputs_returns_a_list() -> None:
    out = nn.MLP(2, [4, 3], seed=0)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 3


def test_layer_of_one_neuron_returns_its_value_as_micrograd_does() -> None:
    layer = nn.Layer(2, 1, seed=0)
    out = layer([1.0, 2.0])
    assert isinstance(out, Value)
    assert [v.data for v in layer.outputs([1.0, 2.0])] == [out.data]


def test_hidden_layer_of_width_one_works() -> None:
    model = nn.MLP(3, [1, 1, 2], seed=0)
    assert len(model([1.0, 2.0, 3.0])) == 2  # type: ignore[arg-type]


def test_mlp_hidden_layers_use_relu_and_the_last_is_linear() -> None:
    model = nn.MLP(2, [3, 3, 1], seed=0)
    assert [n.activation for layer in model.layers for n in layer.neurons] == [
        "relu",
    ] * 6 + [None]


def test_mlp_hidden_activation_is_configurable() -> None:
    model = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    assert model.layers[0].neurons[0].activation == "tanh"
    assert model.layers[1].neurons[0].activation is None


@pytest.mark.parametrize(
    ("activation", "expected"),
    [("relu", 0.0), ("tanh", -0.7615941559557649), ("sigmoid", 0.2689414213699951), (None, -1.0)],
)
def test_neuron_applies_its_activation(activation: str | None, expected: float) -> None:
    neuron = nn.Neuron(1, activation, seed=0)
    neuron.load_state_dict({"w.0": 1.0, "b": 0.0})
    assert neuron([-1.0]).data == pytest.approx(expected, rel=1e-15)


def test_neuron_computes_weighted_sum_plus_bias() -> None:
    neuron = nn.Neuron(3, None, seed=0)
    neuron.load_state_dict({"w.0": 1.0, "w.1": 2.0, "w.2": 3.0, "b": 0.5})
    assert neuron([1.0, 10.0, 100.0]).data == 321.5


def test_neuron_accepts_micrographs_nonlin_flag() -> None:
    assert nn.Neuron(2, nonlin=False, seed=0).activation is None
    assert nn.Neuron(2, nonlin=True, seed=0).activation == "relu"


def test_neuron_weighted_sum_is_one_fused_node_drawn_with_its_inputs() -> None:
    neuron = nn.Neuron(2, seed=0)
    out = neuron([1.0, 2.0])
    summed = out.parents[0]
    assert out._op == "ReLU"
    assert summed._op == "Σ w·x"
    labels = [p.label for p in summed.parents]
    assert labels[:3] == ["w.0", "w.1", "b"]
    assert [p.data for p in summed.parents[3:]] == [1.0, 2.0, 1.0]


def test_neuron_graph_has_two_nodes_above_its_leaves() -> None:
    out = nn.Neuron(4, seed=0)([1.0, 2.0, 3.0, 4.0])
    assert sum(not v.is_leaf for v in topological_order(out)) == 2


def test_named_parameters_use_dotted_micrograd_names() -> None:
    names = [name for name, _ in nn.MLP(2, [16, 16, 1], seed=0).named_parameters()]
    assert names[:3] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.b"]
    assert "layers.1.neurons.3.w.1" in names
    assert names[-1] == "layers.2.neurons.0.b"
    assert len(names) == 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1


def test_parameter_labels_are_their_dotted_names() -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    assert all(p.label == name for name, p in model.named_parameters())


def test_neuron_labels_its_own_parameters() -> None:
    neuron = nn.Neuron(2, seed=0)
    assert [p.label for p in neuron.parameters()] == ["w.0", "w.1", "b"]


def test_layer_relabels_its_neurons_parameters() -> None:
    assert nn.Layer(2, 2, seed=0).neurons[1].b.label == "neurons.1.b"


def test_micrograd_attribute_names_are_kept() -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    assert model.layers[0].neurons[0].w[1] is model.parameters()[1]
    assert model.layers[0].neurons[0].b is model.parameters()[2]


def test_same_int_seed_gives_same_weights() -> None:
    assert nn.MLP(2, [4, 1], seed=7).state_dict() == nn.MLP(2, [4, 1], seed=7).state_dict()


def test_different_seeds_give_different_weights() -> None:
    assert nn.MLP(2, [4, 1], seed=7).state_dict() != nn.MLP(2, [4, 1], seed=8).state_dict()


def test_random_instance_seeds_reproducibly() -> None:
    first = nn.MLP(2, [4, 1], seed=random.Random(3)).state_dict()
    assert first == nn.MLP(2, [4, 1], seed=random.Random(3)).state_dict()


def test_no_seed_uses_the_global_random_module_like_micrograd() -> None:
    random.seed(1337)
    first = nn.MLP(2, [4, 1]).state_dict()
    random.seed(1337)
    assert nn.MLP(2, [4, 1]).state_dict() == first


def test_weights_start_uniform_in_minus_one_one_and_biases_at_zero() -> None:
    model = nn.MLP(2, [8, 1], seed=0)
    for name, p in model.named_parameters():
        if name.endswith(".b"):
            assert p.data == 0.0
        else:
            assert -1.0 <= p.data < 1.0


def test_wrong_input_length_names_both_lengths() -> None:
    with pytest.raises(ValueError, match="takes 2 inputs, got 3"):
        nn.MLP(2, [3, 1], seed=0)([1.0, 2.0, 3.0])


def test_neuron_wrong_input_length_is_refused() -> None:
    with pytest.raises(ValueError, match="Neuron takes 3 inputs, got 2"):
        nn.Neuron(3, seed=0)([1.0, 2.0])


def test_a_bare_number_input_says_to_wrap_it_in_a_list() -> None:
    with pytest.raises(TypeError, match=r"wrap it in a list"):
        nn.MLP(1, [1], seed=0)(1.0)  # type: ignore[arg-type]


def test_unknown_activation_lists_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="unknown activation 'gelu'; use one of 'relu'"):
        nn.Neuron(2, "gelu")


def test_activation_and_nonlin_together_are_refused() -> None:
    with pytest.raises(ValueError, match="not both"):
        nn.Neuron(2, "tanh", nonlin=True)


@pytest.mark.parametrize("nin", [0, -1, 2.5, True])
def test_non_positive_or_non_int_sizes_are_refused(nin: object) -> None:
    with pytest.raises(ValueError, match="must be a positive int"):
        nn.Neuron(nin)  # type: ignore[arg-type]


def test_mlp_nouts_must_be_a_list() -> None:
    with pytest.raises(ValueError, match=r"non-empty list of layer widths"):
        nn.MLP(2, 3)  # type: ignore[arg-type]


def test_bad_seed_type_is_refused() -> None:
    with pytest.raises(TypeError, match="seed must be an int"):
        nn.MLP(2, [1], seed="abc")  # type: ignore[arg-type]


def test_repr_reads_like_micrograd() -> None:
    assert repr(nn.MLP(2, [1, 1], seed=0)) == (
        "MLP of [Layer of [ReLUNeuron(2)], Layer of [LinearNeuron(1)]]"
    )


def test_zero_grad_zeroes_every_parameter() -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    model([1.0, 2.0]).backward()  # type: ignore[union-attr]
    assert any(p.grad != 0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0 for p in model.parameters())

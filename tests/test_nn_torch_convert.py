"""MLP.to_torch() and MLP.from_torch(): the same network in PyTorch float64, and back.

Outputs and gradients agree to relative 1e-12 with an absolute floor of 1e-12 (PyTorch's
matrix products may add in another order); the weights themselves round-trip exactly.
"""

from __future__ import annotations

import random
import subprocess
import sys
from types import ModuleType
from typing import Any

import pytest

import nn

REL = 1e-12
ABS = 1e-12
ACTIVATIONS = ["relu", "tanh", "sigmoid", None]


def close(actual: list[float], expected: list[float]) -> bool:
    return actual == pytest.approx(expected, rel=REL, abs=ABS)


def random_rows(count: int, width: int, seed: int) -> list[list[float]]:
    rng = random.Random(seed)
    return [[rng.uniform(-3, 3) for _ in range(width)] for _ in range(count)]


def outputs_of(model: nn.MLP, X: list[list[float]]) -> list[float]:
    flat = []
    for row in X:
        out = model(row)
        flat.extend(v.data for v in (out if isinstance(out, list) else [out]))
    return flat


def torch_state(torch: ModuleType, sequential: Any) -> dict[str, list[Any]]:
    return {name: tensor.tolist() for name, tensor in sequential.state_dict().items()}


@pytest.mark.torch
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_to_torch_gives_a_float64_sequential_with_the_same_layers(
    torch: ModuleType, activation: str | None
) -> None:
    sequential = nn.MLP(3, [5, 4, 2], activation, seed=1).to_torch()
    assert isinstance(sequential, torch.nn.Sequential)
    kinds = [type(module).__name__ for module in sequential]
    act = {"relu": ["ReLU"], "tanh": ["Tanh"], "sigmoid": ["Sigmoid"], None: []}[activation]
    assert kinds == ["Linear", *act, "Linear", *act, "Linear"]
    assert all(p.dtype == torch.float64 and p.requires_grad for p in sequential.parameters())


@pytest.mark.torch
def test_to_torch_puts_neuron_j_in_row_j_of_the_weight(torch: ModuleType) -> None:
    model = nn.MLP(3, [2, 1], seed=4)
    first = model.to_torch()[0]
    assert first.weight.tolist() == [[w.data for w in n.w] for n in model.layers[0].neurons]
    assert first.bias.tolist() == [n.b.data for n in model.layers[0].neurons]


@pytest.mark.torch
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_to_torch_outputs_agree_on_random_inputs(torch: ModuleType, activation: str | None) -> None:
    model = nn.MLP(4, [8, 6, 3], activation, seed=2)
    X = random_rows(50, 4, seed=3)
    theirs = model.to_torch()(torch.tensor(X, dtype=torch.float64)).flatten().tolist()
    assert close(outputs_of(model, X), theirs)


@pytest.mark.torch
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_to_torch_gradients_agree(torch: ModuleType, activation: str | None) -> None:
    model = nn.MLP(4, [7, 3], activation, seed=5)
    X = random_rows(6, 4, seed=6)
    targets = [0, 2, 1, 1, 0, 2]
    sequential = model.to_torch()
    loss = nn.cross_entropy([model(row) for row in X], targets)  # type: ignore[misc]
    loss.backward()
    logits = sequential(torch.tensor(X, dtype=torch.float64))
    expected = torch.nn.functional.cross_entropy(logits, torch.tensor(targets))
    expected.backward()
    assert close([loss.data], [expected.item()])
    for layer, linear in zip(model.layers, sequential[:: 1 if activation is None else 2]):
        assert close(
            [w.grad for n in layer.neurons for w in n.w], linear.weight.grad.flatten().tolist()
        )
        assert close([n.b.grad for n in layer.neurons], linear.bias.grad.tolist())


@pytest.mark.torch
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_mlp_to_torch_and_back_is_the_same_model(torch: ModuleType, activation: str | None) -> None:
    model = nn.MLP(3, [5, 4, 1], activation, seed=7)
    back = nn.MLP.from_torch(model.to_torch())
    assert back.state_dict() == model.state_dict()
    assert repr(back) == repr(model)
    X = random_rows(10, 3, seed=8)
    assert outputs_of(back, X) == outputs_of(model, X)


@pytest.mark.torch
@pytest.mark.parametrize(("module", "activation"), [("ReLU", "relu"), ("Tanh", "tanh")])
def test_torch_to_mlp_and_back_is_the_same_sequential(
    torch: ModuleType, module: str, activation: str
) -> None:
    torch.manual_seed(0)
    act = getattr(torch.nn, module)
    sequential = torch.nn.Sequential(
        torch.nn.Linear(4, 6), act(), torch.nn.Linear(6, 5), act(), torch.nn.Linear(5, 3)
    ).double()
    model = nn.MLP.from_torch(sequential)
    assert [n.activation for n in model.layers[0].neurons] == [activation] * 6
    back = model.to_torch()
    assert torch_state(torch, back) == torch_state(torch, sequential)
    assert [type(m) for m in back] == [type(m) for m in sequential]
    X = random_rows(50, 4, seed=9)
    theirs = sequential(torch.tensor(X, dtype=torch.float64)).flatten().tolist()
    assert close(outputs_of(model, X), theirs)


@pytest.mark.torch
def test_from_torch_gradients_agree(torch: ModuleType) -> None:
    torch.manual_seed(1)
    sequential = torch.nn.Sequential(
        torch.nn.Linear(3, 5), torch.nn.Sigmoid(), torch.nn.Linear(5, 1)
    ).double()
    model = nn.MLP.from_torch(sequential)
    X = random_rows(8, 3, seed=10)
    y = [random.Random(i).uniform(-1, 1) for i in range(8)]
    loss = nn.mse_loss([model(row) for row in X], y)  # type: ignore[misc]
    loss.backward()
    predictions = sequential(torch.tensor(X, dtype=torch.float64)).flatten()
    expected = torch.nn.functional.mse_loss(predictions, torch.tensor(y, dtype=torch.float64))
    expected.backward()
    assert close([loss.data], [expected.item()])
    ours = [p.grad for p in model.parameters()]
    theirs = []
    for linear in (sequential[0], sequential[2]):
        for row, b in zip(linear.weight.grad.tolist(), linear.bias.grad.tolist()):
            theirs.extend([*row, b])
    assert close(ours, theirs)


@pytest.mark.torch
def test_from_torch_reads_float32_weights_exactly(torch: ModuleType) -> None:
    torch.manual_seed(2)
    sequential = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
    model = nn.MLP.from_torch(sequential)
    assert [w.data for w in model.layers[0].neurons[1].w] == sequential[0].weight[1].tolist()


@pytest.mark.torch
def test_a_linear_mlp_is_linear_layers_back_to_back(torch: ModuleType) -> None:
    sequential = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Linear(3, 2)).double()
    model = nn.MLP.from_torch(sequential)
    assert all(n.activation is None for layer in model.layers for n in layer.neurons)


@pytest.mark.torch
def test_to_torch_leaves_torchs_random_state_alone(torch: ModuleType) -> None:
    torch.manual_seed(3)
    expected = torch.rand(3)
    torch.manual_seed(3)
    nn.MLP(4, [8, 2], seed=0).to_torch()
    assert torch.equal(torch.rand(3), expected)


def refused(torch: ModuleType, *modules: Any) -> str:
    with pytest.raises(ValueError) as error:
        nn.MLP.from_torch(torch.nn.Sequential(*modules))
    return str(error.value)


@pytest.mark.torch
def test_from_torch_refuses_a_layer_an_mlp_lacks_and_names_it(torch: ModuleType) -> None:
    message = refused(torch, torch.nn.Linear(2, 3), torch.nn.Dropout(0.5), torch.nn.Linear(3, 1))
    assert "layer 1 (Dropout(p=0.5, inplace=False))" in message
    assert "only Linear layers and ReLU, Tanh or Sigmoid" in message


@pytest.mark.torch
def test_from_torch_refuses_a_linear_without_bias(torch: ModuleType) -> None:
    message = refused(torch, torch.nn.Linear(2, 1, bias=False))
    assert "layer 0 (Linear(in_features=2, out_features=1, bias=False))" in message
    assert "no bias" in message


@pytest.mark.torch
def test_from_torch_refuses_an_activation_after_the_last_linear(torch: ModuleType) -> None:
    message = refused(
        torch, torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1), torch.nn.Sigmoid()
    )
    assert "layer 3 (Sigmoid())" in message
    assert "last layer is linear" in message


@pytest.mark.torch
def test_from_torch_refuses_mixed_hidden_activations(torch: ModuleType) -> None:
    message = refused(
        torch,
        torch.nn.Linear(2, 3),
        torch.nn.ReLU(),
        torch.nn.Linear(3, 3),
        torch.nn.Tanh(),
        torch.nn.Linear(3, 1),
    )
    assert "layer 3 (Tanh())" in message
    assert "mixes relu, tanh" in message


@pytest.mark.torch
def test_from_torch_refuses_a_hidden_layer_without_its_activation(torch: ModuleType) -> None:
    message = refused(
        torch,
        torch.nn.Linear(2, 3),
        torch.nn.ReLU(),
        torch.nn.Linear(3, 3),
        torch.nn.Linear(3, 1),
    )
    assert "layer 3 (Linear(in_features=3, out_features=1, bias=True))" in message
    assert "mixes none, relu" in message


@pytest.mark.torch
def test_from_torch_refuses_two_activations_in_a_row(torch: ModuleType) -> None:
    message = refused(
        torch, torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.ReLU(), torch.nn.Linear(3, 1)
    )
    assert "layer 2 (ReLU())" in message
    assert "follows ReLU" in message


@pytest.mark.torch
def test_from_torch_refuses_linears_that_do_not_chain(torch: ModuleType) -> None:
    message = refused(torch, torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(4, 1))
    assert "layer 2" in message
    assert "takes 4 inputs but the Linear before it gives 3" in message


@pytest.mark.torch
def test_from_torch_refuses_an_empty_sequential(torch: ModuleType) -> None:
    assert "empty torch.nn.Sequential" in refused(torch)


@pytest.mark.torch
def test_from_torch_refuses_what_is_not_a_sequential(torch: ModuleType) -> None:
    with pytest.raises(TypeError, match=r"takes a torch\.nn\.Sequential .* got Linear"):
        nn.MLP.from_torch(torch.nn.Linear(2, 1))


@pytest.mark.torch
def test_to_torch_refuses_a_layer_whose_neurons_mix_activations(torch: ModuleType) -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    model.layers[0].neurons[1] = nn.Neuron(2, "tanh", seed=0)
    with pytest.raises(ValueError, match=r"cannot convert layers\.0: its neurons mix"):
        model.to_torch()


@pytest.mark.parametrize(
    ("call", "caller"),
    [
        ("nn.MLP(2, [1], seed=0).to_torch()", "MLP.to_torch()"),
        ("nn.MLP.from_torch(None)", "MLP.from_torch()"),
    ],
)
def test_without_torch_conversion_says_what_to_install(call: str, caller: str) -> None:
    code = f"import sys\nsys.modules['torch'] = None  # import torch now fails\nimport nn\n{call}\n"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: ")
    assert f"{caller} needs PyTorch, which is not installed" in last
    assert "pip install 'glassgrad[torch]'" in last


@pytest.mark.torch
def test_from_torch_refuses_an_activation_before_any_linear(torch: ModuleType) -> None:
    message = refused(torch, torch.nn.Tanh(), torch.nn.Linear(2, 1))
    assert "layer 0 (Tanh())" in message
    assert "follows nothing" in message

"""nn against PyTorch float64: MLP outputs and gradients, losses, softmax, SGD and Adam.

Tolerance: relative 1e-12 with an absolute floor of 1e-12 (sums may add in another order).
"""

from __future__ import annotations

import math
from types import ModuleType
from typing import Any

import pytest

import nn
from autograd import Value

pytestmark = pytest.mark.torch
REL = 1e-12
ABS = 1e-12


def close(actual: list[float], expected: list[float]) -> bool:
    return actual == pytest.approx(expected, rel=REL, abs=ABS)


def torch_mlp(torch: ModuleType, model: nn.MLP) -> tuple[list[Any], list[Any]]:
    """The same MLP as float64 torch tensors: per layer a weight matrix and a bias vector."""
    weights, biases = [], []
    for layer in model.layers:
        w = [[p.data for p in neuron.w] for neuron in layer.neurons]
        b = [neuron.b.data for neuron in layer.neurons]
        weights.append(torch.tensor(w, dtype=torch.float64, requires_grad=True))
        biases.append(torch.tensor(b, dtype=torch.float64, requires_grad=True))
    return weights, biases


def torch_forward(torch: ModuleType, weights: list[Any], biases: list[Any], x: Any) -> Any:
    for i, (w, b) in enumerate(zip(weights, biases)):
        x = x @ w.T + b
        if i < len(weights) - 1:
            x = torch.relu(x)
    return x


def test_mlp_outputs_and_gradients_match_torch(torch: ModuleType) -> None:
    model = nn.MLP(3, [5, 4, 2], seed=3)
    X = [[0.5, -1.25, 2.0], [1.5, 0.25, -0.75], [-2.0, 1.0, 0.125]]
    targets = [1, 0, 1]
    outputs = [model(row) for row in X]
    loss = nn.cross_entropy(outputs, targets)  # type: ignore[arg-type]
    loss.backward()

    weights, biases = torch_mlp(torch, model)
    logits = torch_forward(torch, weights, biases, torch.tensor(X, dtype=torch.float64))
    expected = torch.nn.functional.cross_entropy(logits, torch.tensor(targets))
    expected.backward()

    assert close([v.data for row in outputs for v in row], logits.flatten().tolist())  # type: ignore[union-attr]
    assert close([loss.data], [expected.item()])
    ours = [[*(p.grad for p in n.w), n.b.grad] for layer in model.layers for n in layer.neurons]
    theirs = [
        [*w_grads, b_grad]
        for w, b in zip(weights, biases)
        for w_grads, b_grad in zip(w.grad.tolist(), b.grad.tolist())
    ]
    assert close([g for row in ours for g in row], [g for row in theirs for g in row])


@pytest.mark.parametrize("name", ["mse_loss", "mae_loss"])
def test_regression_losses_match_torch(torch: ModuleType, name: str) -> None:
    prediction = [[0.5, -1.5], [2.0, 0.25], [1.0, 1.0]]
    target = [[1.0, -1.0], [0.5, 0.5], [1.0, -2.0]]
    values = [[Value(v) for v in row] for row in prediction]
    loss = getattr(nn, name)(values, target)
    loss.backward()
    p = torch.tensor(prediction, dtype=torch.float64, requires_grad=True)
    torch_name = {"mse_loss": "mse_loss", "mae_loss": "l1_loss"}[name]
    expected = getattr(torch.nn.functional, torch_name)(
        p, torch.tensor(target, dtype=torch.float64)
    )
    expected.backward()
    assert close([loss.data], [expected.item()])
    assert close([v.grad for row in values for v in row], p.grad.flatten().tolist())


def test_binary_cross_entropy_with_logits_matches_torch(torch: ModuleType) -> None:
    logits = [-30.0, -2.0, 0.0, 0.5, 40.0]
    targets = [1.0, 0.0, 1.0, 0.25, 0.0]
    values = [Value(v) for v in logits]
    loss = nn.binary_cross_entropy_with_logits(values, targets)
    loss.backward()
    x = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    expected = torch.nn.functional.binary_cross_entropy_with_logits(
        x, torch.tensor(targets, dtype=torch.float64)
    )
    expected.backward()
    assert close([loss.data], [expected.item()])
    assert close([v.grad for v in values], x.grad.tolist())


def test_cross_entropy_of_extreme_logits_matches_torch(torch: ModuleType) -> None:
    logits = [1000.0, -1000.0, 0.0]
    values = [Value(v) for v in logits]
    loss = nn.cross_entropy(values, 1)
    loss.backward()
    x = torch.tensor([logits], dtype=torch.float64, requires_grad=True)
    expected = torch.nn.functional.cross_entropy(x, torch.tensor([1]))
    expected.backward()
    assert loss.data == expected.item() == 2000.0
    assert close([v.grad for v in values], x.grad[0].tolist())


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_family_matches_torch(torch: ModuleType, name: str) -> None:
    logits = [0.5, -3.0, 2.25, 700.0]
    values = [Value(v) for v in logits]
    outputs = getattr(nn, name)(values)
    weights = [0.1, -0.2, 0.3, 0.4]
    sum(o * w for o, w in zip(outputs, weights)).backward()
    x = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    expected = getattr(torch, name)(x, dim=0)
    (expected * torch.tensor(weights, dtype=torch.float64)).sum().backward()
    assert close([o.data for o in outputs], expected.tolist())
    assert close([v.grad for v in values], x.grad.tolist())


def test_logsumexp_matches_torch(torch: ModuleType) -> None:
    logits = [1.0, 2.0, -800.0, 3.5]
    values = [Value(v) for v in logits]
    out = nn.logsumexp(values)
    out.backward()
    x = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    expected = torch.logsumexp(x, dim=0)
    expected.backward()
    assert close([out.data], [expected.item()])
    assert close([v.grad for v in values], x.grad.tolist())


GRADS = [[0.5, -1.0, 0.25], [0.125, 0.75, -2.0], [-0.5, 0.0, 1.5]]
START = [1.0, -0.5, 2.0]


def run_ours(optimizer_factory: Any) -> list[float]:
    params = [Value(v) for v in START]
    optimizer = optimizer_factory(params)
    for grads in GRADS:
        optimizer.zero_grad()
        for p, g in zip(params, grads):
            p.grad = g
        optimizer.step()
    return [p.data for p in params]


def run_torch(torch: ModuleType, optimizer_factory: Any) -> list[float]:
    params = torch.tensor(START, dtype=torch.float64, requires_grad=True)
    optimizer = optimizer_factory([params])
    for grads in GRADS:
        optimizer.zero_grad()
        params.grad = torch.tensor(grads, dtype=torch.float64)
        optimizer.step()
    return params.tolist()  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "options",
    [
        {"lr": 0.1},
        {"lr": 0.1, "momentum": 0.9},
        {"lr": 0.05, "momentum": 0.9, "nesterov": True},
        {"lr": 0.1, "momentum": 0.5, "dampening": 0.25, "weight_decay": 0.01},
    ],
)
def test_sgd_matches_torch(torch: ModuleType, options: dict[str, Any]) -> None:
    ours = run_ours(lambda params: nn.SGD(params, **options))
    theirs = run_torch(torch, lambda params: torch.optim.SGD(params, **options))
    assert close(ours, theirs)


@pytest.mark.parametrize(
    "options",
    [
        {"lr": 0.01},
        {"lr": 0.1, "betas": (0.8, 0.99), "eps": 1e-6},
        {"lr": 0.01, "weight_decay": 0.1},
    ],
)
def test_adam_matches_torch(torch: ModuleType, options: dict[str, Any]) -> None:
    ours = run_ours(lambda params: nn.Adam(params, **options))
    theirs = run_torch(torch, lambda params: torch.optim.Adam(params, **options))
    assert close(ours, theirs)


def test_one_sgd_momentum_step_on_an_mlp_matches_torch(torch: ModuleType) -> None:
    model = nn.MLP(2, [4, 1], seed=5)
    weights, biases = torch_mlp(torch, model)
    X = [[0.5, -1.0], [1.0, 2.0]]
    y = [0.25, -0.5]
    optimizer = nn.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for _ in range(2):
        optimizer.zero_grad()
        nn.mse_loss([model(row) for row in X], y).backward()  # type: ignore[misc]
        optimizer.step()
    torch_optimizer = torch.optim.SGD([*weights, *biases], lr=0.1, momentum=0.9)
    for _ in range(2):
        torch_optimizer.zero_grad()
        out = torch_forward(torch, weights, biases, torch.tensor(X, dtype=torch.float64))
        torch.nn.functional.mse_loss(out.flatten(), torch.tensor(y, dtype=torch.float64)).backward()
        torch_optimizer.step()
    ours = [p.data for layer in model.layers for n in layer.neurons for p in n.w]
    theirs = [v for w in weights for v in w.flatten().tolist()]
    assert close(ours, theirs)
    assert not math.isclose(ours[0], nn.MLP(2, [4, 1], seed=5).parameters()[0].data)

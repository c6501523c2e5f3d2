"""A program written for micrograd's MLP runs unchanged with only its imports changed.

DEMO is micrograd's demo training loop (demo.ipynb) as text, with its imports switched to
``from autograd import Value`` and ``from nn import MLP``; the data come from nn.
"""

from __future__ import annotations

from typing import Any

import nn

DEMO = """
import random
from autograd import Value
from nn import MLP

random.seed(1337)
model = MLP(2, [16, 16, 1])  # 2-layer neural network

def loss(batch_size=None):
    Xb, yb = X, y
    inputs = [list(map(Value, xrow)) for xrow in Xb]
    scores = list(map(model, inputs))
    losses = [(1 + -yi*scorei).relu() for yi, scorei in zip(yb, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    alpha = 1e-4
    reg_loss = alpha * sum((p*p for p in model.parameters()))
    total_loss = data_loss + reg_loss
    accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(yb, scores)]
    return total_loss, sum(accuracy) / len(accuracy)

for k in range(STEPS):
    total_loss, acc = loss()
    model.zero_grad()
    total_loss.backward()
    learning_rate = 1.0 - 0.9*k/100
    for p in model.parameters():
        p.data -= learning_rate * p.grad
    first_loss = total_loss.data if k == 0 else first_loss

for p in model.parameters():
    p.grad = 0
final_loss, final_acc = loss()
"""


def run_demo(steps: int) -> dict[str, Any]:
    X, labels = nn.make_moons(100, noise=0.1, seed=1)
    namespace: dict[str, Any] = {"X": X, "y": [2 * t - 1 for t in labels], "STEPS": steps}
    exec(compile(DEMO, "micrograd_demo", "exec"), namespace)
    return namespace


def test_micrograd_demo_runs_unchanged_and_learns() -> None:
    result = run_demo(steps=30)
    assert result["final_loss"].data < 0.5 * result["first_loss"]
    assert result["final_acc"] >= 0.9


def test_micrograd_style_model_call_accepts_values() -> None:
    namespace: dict[str, Any] = {}
    exec(
        "from autograd import Value\nfrom nn import MLP\n"
        "m = MLP(2, [3, 1])\nout = m([Value(1.0), Value(2.0)]) ** 2\nout.backward()\n",
        namespace,
    )
    assert namespace["out"].data >= 0

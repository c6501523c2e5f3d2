"""nn's MLP training step side by side with micrograd's, on micrograd's demo workload.

Both sides train an MLP 2-16-16-1 on the same 100 moons points, full batch: forward, the
demo loss (mean hinge loss plus 1e-4 times the sum of squared parameters), backward and
an SGD update. micrograd's side is ``micrograd.nn.MLP`` with its demo's loss and manual
SGD loop; glassgrad's side is ``nn.MLP`` with ``nn.hinge_loss``, ``nn.l2_penalty`` and
``nn.SGD`` (one fused ``Σ w·x`` node per neuron). Prints the best time of each, taken in
turns, and the ratio.

Run with ``make bench``. Timings vary on shared machines; the ratio is what to read.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import micrograd.nn
from micrograd.engine import Value as MicrogradValue
from workload import best_times, moons

import nn
from autograd import Value

LR = 0.1


def micrograd_step(model: Any, X: list[list[float]], y: list[int]) -> float:
    """One step of micrograd's demo: its loss, zero_grad, backward, manual SGD."""
    inputs = [[MicrogradValue(v) for v in row] for row in X]
    scores = [model(row) for row in inputs]
    losses = [(1 + -yi * score).relu() for yi, score in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * sum(p * p for p in model.parameters())
    loss = data_loss + reg_loss
    model.zero_grad()
    loss.backward()
    for p in model.parameters():
        p.data -= LR * p.grad
    return float(loss.data)


def glassgrad_step(model: nn.MLP, optimizer: nn.SGD, X: list[list[float]], y: list[int]) -> float:
    """One step with nn: the same loss from nn's losses, backward, ``nn.SGD``."""
    optimizer.zero_grad()
    scores = [model(row) for row in X]
    loss = nn.hinge_loss(scores, y) + 1e-4 * nn.l2_penalty(model.parameters())
    loss.backward()
    optimizer.step()
    return loss.data


def main(repeats: int = 7) -> None:
    X, y = moons(100)
    random.seed(1337)
    micrograd_model = micrograd.nn.MLP(2, [16, 16, 1])
    glassgrad_model = nn.MLP(2, [16, 16, 1], seed=1337)
    optimizer = nn.SGD(glassgrad_model.parameters(), lr=LR)
    times = best_times(
        {
            "micrograd": lambda: micrograd_step(micrograd_model, X, y),
            "glassgrad": lambda: glassgrad_step(glassgrad_model, optimizer, X, y),
        },
        repeats,
    )
    nodes = len(_graph(glassgrad_model, X, y))
    print(f"MLP 2-16-16-1 training step, 100 moons points, best of {repeats} turns")
    print(f"  micrograd.nn.MLP  {times['micrograd'] * 1000:8.1f} ms")
    print(f"  nn.MLP            {times['glassgrad'] * 1000:8.1f} ms  ({nodes} nodes per step)")
    print(f"  speed ratio: nn.MLP's step is {times['micrograd'] / times['glassgrad']:.1f}x faster")


def _graph(model: nn.MLP, X: list[list[float]], y: list[int]) -> list[Value]:
    from autograd import topological_order

    scores = [model(row) for row in X]
    return topological_order(nn.hinge_loss(scores, y) + 1e-4 * nn.l2_penalty(model.parameters()))


if __name__ == "__main__":
    main()

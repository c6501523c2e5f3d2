"""The micrograd demo workload, written once for any Value class.

micrograd's demo trains an MLP 2-16-16-1 on 100 moons points with an SVM hinge loss plus
1e-4 times the L2 norm of the parameters, full batch, SGD with lr = 1.0 - 0.9 k / 100.
:class:`PrimitiveMLP` builds it from primitive operations only (``*``, ``+``, ``relu``),
exactly as ``micrograd.nn`` does, so glassgrad and micrograd build the same graph.
"""

from __future__ import annotations

import gc
import itertools
import math
import random
import time
from collections.abc import Callable
from typing import Any

__all__ = ["moons", "PrimitiveMLP", "demo_loss", "demo_step", "best_times", "turn_times"]


def moons(n: int = 100, noise: float = 0.1, seed: int = 1) -> tuple[list[list[float]], list[int]]:
    """Two interleaving half circles, labels -1 and +1, seeded (pure Python)."""
    rng = random.Random(seed)
    points, labels = [], []
    for i in range(n):
        upper = i < n // 2
        t = math.pi * rng.random()
        x, y = (math.cos(t), math.sin(t)) if upper else (1.0 - math.cos(t), 0.5 - math.sin(t))
        points.append([x + rng.gauss(0.0, noise), y + rng.gauss(0.0, noise)])
        labels.append(-1 if upper else 1)
    return points, labels


class PrimitiveMLP:
    """micrograd.nn's MLP, for any Value class: neurons are ``sum(w*x) + b`` then ReLU."""

    def __init__(self, value: Callable[[float], Any], sizes: list[int], seed: int = 1337) -> None:
        rng = random.Random(seed)
        self.layers = [
            [([value(rng.uniform(-1, 1)) for _ in range(nin)], value(0.0)) for _ in range(nout)]
            for nin, nout in itertools.pairwise(sizes)
        ]

    def __call__(self, x: list[Any]) -> Any:
        for depth, layer in enumerate(self.layers):
            last = depth == len(self.layers) - 1
            outputs = []
            for weights, bias in layer:
                act = sum((w * xi for w, xi in zip(weights, x)), bias)
                outputs.append(act if last else act.relu())
            x = outputs
        return x[0]

    def parameters(self) -> list[Any]:
        return [p for layer in self.layers for weights, bias in layer for p in [*weights, bias]]


def demo_loss(
    model: PrimitiveMLP, value: Callable[[float], Any], X: list[list[float]], y: list[int]
) -> Any:
    """micrograd's demo loss: mean hinge loss plus 1e-4 times the sum of squared parameters."""
    inputs = [[value(v) for v in row] for row in X]
    scores = [model(row) for row in inputs]
    losses = [(1 + -yi * score).relu() for yi, score in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * sum(p * p for p in model.parameters())
    return data_loss + reg_loss


def demo_step(
    model: PrimitiveMLP,
    value: Callable[[float], Any],
    X: list[list[float]],
    y: list[int],
    lr: float,
) -> float:
    """One full-batch training step of the demo: forward, backward, SGD update."""
    loss = demo_loss(model, value, X, y)
    for p in model.parameters():
        p.grad = 0.0
    loss.backward()
    for p in model.parameters():
        p.data -= lr * p.grad
    return float(loss.data)


def best_times(runs: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Return the best time of each run, taken in turns after one untimed warm-up each.

    Turns and the warm-up keep the comparison fair on a shared machine: both engines see
    the same heap (the first run of a process pays for growing it) and the same noise.
    The cycle collector stays on, as in real use, and runs fully between timings.
    """
    return {name: min(times) for name, times in turn_times(runs, repeats).items()}


def turn_times(runs: dict[str, Callable[[], object]], repeats: int) -> dict[str, list[float]]:
    """Return every time of each run, taken in turns as :func:`best_times` takes them.

    Turn ``i`` of every run is timed back to back, so ``a[i] / b[i]`` is a ratio under
    the same load: the spread of those ratios is the range a result is quoted with.
    """
    for run in runs.values():
        run()
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            gc.collect()
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return times

"""The compiled per-sample step against its floors, eager glassgrad, NumPy and PyTorch.

Two training steps, each measured side by side in one process:

* demo: micrograd's demo step with nn's model (MLP 2-16-16-1, 100 moons points, hinge
  loss plus 1e-4 L2, full batch, SGD). Compiled: ``nn.compile_step(model, nn.hinge_loss,
  ...)`` run over the batch, the L2 term and its gradient written by hand first (as eager
  backward adds it first), then the SGD update. Its losses and weights equal eager's,
  checked step by step before timing.
* digits: MLP 64-32-10, cross-entropy, batches of 32 of the 8x8 digits, SGD.

Floors (:mod:`floors`): the tightest pure-Python code for the same step, an unrolled
straight-line body per sample in a loop over the samples, dense (all the arithmetic) and
skipping zero work (samples with no hinge loss, neurons whose ReLU is off). NumPy and
PyTorch (float64, one thread) run the same step on arrays. Each comparison is repeated in
rounds of turns; the ratios are printed as median and range over rounds.

Also: compile time and peak traced memory of the per-sample steps, including an
MNIST-sized 784-128-10 one. Run with ``make bench``. Timings vary on shared machines; the
ratios are what to read.
"""

from __future__ import annotations

import gc
import platform
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from floors import floor_step
from workload import best_times, moons

import nn

LEARNING_RATE = 0.1
ROUNDS = 7


def sgd(parameters: list[float], grads: tuple[float, ...], lr: float) -> None:
    for k, g in enumerate(grads):
        parameters[k] -= lr * g


def ratios(runs: dict[str, Callable[[], object]], rounds: int = ROUNDS) -> list[dict[str, float]]:
    """Return each round's best-of-3 times, the runs taken in turns."""
    return [best_times(runs, repeats=3) for _ in range(rounds)]


def show(rounds: list[dict[str, float]], subject: str, peers: list[str], note: str = "") -> None:
    """Print the median time of each run and subject / peer as median (min to max)."""
    for name in rounds[0]:
        median = statistics.median(r[name] for r in rounds)
        print(f"    {name:28s} {median * 1000:9.2f} ms")
    for peer in peers:
        values = sorted(r[subject] / r[peer] for r in rounds)
        print(
            f"  {subject} / {peer}: {statistics.median(values):.2f}x "
            f"(range {values[0]:.2f} to {values[-1]:.2f} over {len(values)} rounds){note}"
        )


def compile_cost(build: Callable[[], object]) -> str:
    """Describe ``build()``'s cost: wall and CPU seconds, then peak traced memory.

    Timed without tracing (tracemalloc slows allocation-heavy code several-fold), then
    built again under tracemalloc for the memory. CPU time is what to read on a loaded
    machine, where wall time also counts waiting for a core.
    """
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    build()
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    gc.collect()
    tracemalloc.start()
    build()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return (
        f"{seconds:.2f} s wall, {cpu_seconds:.2f} s CPU, {peak / 2**20:.0f} MB peak traced memory"
    )


def torch_module() -> Any:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    return torch


def demo(torch: Any) -> None:
    X, y = moons(100)
    sizes = [2, 16, 16, 1]
    model = nn.MLP(2, sizes[1:], seed=1337)
    parameters = model.parameters()
    cost = compile_cost(lambda: nn.compile_step(model, nn.hinge_loss, X[0], y[0]))
    step = nn.compile_step(model, nn.hinge_loss, X[0], y[0], keep_outputs=False)
    print("demo step (MLP 2-16-16-1, 100 moons points, hinge + 1e-4 L2, full batch, SGD)")
    print(f"  compile_step: {cost}")

    def compiled_step() -> float:
        # The penalty 1e-4 * dot(p, p), by hand, as eager backward computes it (it reaches
        # the penalty before the samples): its dot adds g * p twice, g = 1e-4, from 0.0.
        squares = -0.0
        for p in parameters:
            value = p.data
            squares = squares + value * value
            term = 1e-4 * value
            p.grad = 0.0 + term + term
        loss = step(X, y) + 1e-4 * squares
        for p in parameters:
            p.data -= LEARNING_RATE * p.grad
        return loss

    eager_model = nn.MLP(2, sizes[1:], seed=1337)
    eager_optimizer = nn.SGD(eager_model.parameters(), lr=LEARNING_RATE)

    def eager_step() -> float:
        eager_optimizer.zero_grad()
        loss = nn.hinge_loss([eager_model(x) for x in X], y)
        loss = loss + 1e-4 * nn.l2_penalty(eager_model.parameters())
        loss.backward()
        eager_optimizer.step()
        return loss.data

    # Compiled and eager steps are equal, bit for bit, step after step.
    for _ in range(3):
        assert compiled_step() == eager_step()
        assert [p.data for p in parameters] == [p.data for p in eager_model.parameters()]

    floors = {skip: floor_step(sizes, "hinge", skip) for skip in (False, True)}
    floor_parameters = {skip: [p.data for p in parameters] for skip in (False, True)}

    def floor_run(skip: bool) -> Callable[[], float]:
        def run() -> float:
            values = floor_parameters[skip]
            loss, grads = floors[skip](X, y, values)
            penalty = 0.0
            for k, v in enumerate(values):
                penalty += v * v
                values[k] = v - LEARNING_RATE * (grads[k] + 2e-4 * v)
            return loss + 1e-4 * penalty

        return run

    runs: dict[str, Callable[[], object]] = {
        "compiled (compile_step)": compiled_step,
        "floor, dense": floor_run(False),
        "floor, skips zero gradients": floor_run(True),
        "eager": eager_step,
    }
    runs.update(array_runs(torch, X, y, sizes, "hinge"))
    rounds = ratios(runs)
    show(rounds, "compiled (compile_step)", ["floor, dense", "floor, skips zero gradients"])
    show_peers(rounds, runs)


def array_runs(
    torch: Any, X: list[list[float]], y: list[int], sizes: list[int], loss: str
) -> dict[str, Callable[[], object]]:
    """The same step with NumPy arrays and with PyTorch (float64, one thread)."""
    import numpy as np

    rng = random.Random(7)
    shapes = list(zip(sizes[1:], sizes[:-1]))
    weights = [
        np.array([[rng.uniform(-1, 1) for _ in range(i)] for _ in range(o)]) for o, i in shapes
    ]
    biases = [np.zeros(o) for o, _ in shapes]
    inputs = np.array(X)
    labels = np.array(y)
    n = len(X)

    def numpy_step() -> float:
        acts = [inputs]
        for depth, (w, b) in enumerate(zip(weights, biases)):
            h = acts[-1] @ w.T + b
            acts.append(h if depth == len(weights) - 1 else np.maximum(h, 0.0))
        scores = acts[-1]
        if loss == "hinge":
            margin = 1.0 - labels * scores[:, 0]
            value = np.maximum(margin, 0.0).mean()
            grad = (-(labels * (margin > 0)) / n)[:, None]
        else:
            shifted = scores - scores.max(axis=1, keepdims=True)
            exps = np.exp(shifted)
            norm = exps.sum(axis=1, keepdims=True)
            value = (np.log(norm[:, 0]) - shifted[np.arange(n), labels]).mean()
            grad = exps / norm
            grad[np.arange(n), labels] -= 1.0
            grad /= n
        if loss == "hinge":
            value += 1e-4 * sum((w * w).sum() + (b * b).sum() for w, b in zip(weights, biases))
        for depth in range(len(weights) - 1, -1, -1):
            w = weights[depth]
            below = acts[depth]
            grad_w, grad_b = grad.T @ below, grad.sum(axis=0)
            if depth:
                grad = (grad @ w) * (below > 0)
            if loss == "hinge":
                grad_w += 2e-4 * w
                grad_b += 2e-4 * biases[depth]
            w -= LEARNING_RATE * grad_w
            biases[depth] -= LEARNING_RATE * grad_b
        return float(value)

    runs: dict[str, Callable[[], object]] = {"NumPy": numpy_step}
    if torch is None:
        return runs
    layers: list[Any] = []
    for depth, (o, i) in enumerate(shapes):
        layers.append(torch.nn.Linear(i, o, dtype=torch.float64))
        if depth != len(shapes) - 1:
            layers.append(torch.nn.ReLU())
    net = torch.nn.Sequential(*layers)
    optimizer = torch.optim.SGD(net.parameters(), lr=LEARNING_RATE)
    t_inputs = torch.tensor(X, dtype=torch.float64)
    t_labels = torch.tensor(y)

    def torch_step() -> float:
        optimizer.zero_grad()
        scores = net(t_inputs)
        if loss == "hinge":
            value = torch.relu(1.0 - t_labels * scores[:, 0]).mean()
            value = value + 1e-4 * sum((p * p).sum() for p in net.parameters())
        else:
            value = torch.nn.functional.cross_entropy(scores, t_labels)
        value.backward()
        optimizer.step()
        return value.item()

    runs["PyTorch (1 thread)"] = torch_step
    return runs


def show_peers(rounds: list[dict[str, float]], runs: dict[str, object]) -> None:
    for peer in ("eager", "NumPy", "PyTorch (1 thread)"):
        if peer in runs:
            values = sorted(r["compiled (compile_step)"] / r[peer] for r in rounds)
            print(
                f"  compiled / {peer}: {statistics.median(values):.2f}x "
                f"(range {values[0]:.2f} to {values[-1]:.2f})"
            )


def digits(torch: Any) -> None:
    X_all, y_all = nn.load_digits(scaled=True)
    X, y = X_all[:32], y_all[:32]
    sizes = [64, 32, 10]
    model = nn.MLP(64, sizes[1:], seed=0)
    parameters = model.parameters()
    cost = compile_cost(lambda: nn.compile_step(model, nn.cross_entropy, X[0], y[0]))
    step = nn.compile_step(model, nn.cross_entropy, X[0], y[0], keep_outputs=False)
    print("digits step (MLP 64-32-10, cross-entropy, a batch of 32, SGD)")
    print(f"  compile_step: {cost} (targets < 0.5 s, < 100 MB)")

    def compiled_step() -> float:
        for p in parameters:
            p.grad = 0.0
        loss = step(X, y)
        for p in parameters:
            p.data -= LEARNING_RATE * p.grad
        return loss

    floors = {skip: floor_step(sizes, "cross_entropy", skip) for skip in (False, True)}
    floor_parameters = {skip: [p.data for p in parameters] for skip in (False, True)}

    def floor_run(skip: bool) -> Callable[[], float]:
        def run() -> float:
            values = floor_parameters[skip]
            loss, grads = floors[skip](X, y, values)
            sgd(values, grads, LEARNING_RATE)
            return float(loss)

        return run

    eager_model = nn.MLP(64, sizes[1:], seed=0)
    eager_optimizer = nn.SGD(eager_model.parameters(), lr=LEARNING_RATE)
    runs: dict[str, Callable[[], object]] = {
        "compiled (compile_step)": compiled_step,
        "floor, dense": floor_run(False),
        "floor, skips zero gradients": floor_run(True),
        "eager": lambda: nn.train_step(eager_model, X, y, nn.cross_entropy, eager_optimizer),
    }
    runs.update(array_runs(torch, X, y, sizes, "cross_entropy"))
    rounds = ratios(runs)
    show(rounds, "compiled (compile_step)", ["floor, dense", "floor, skips zero gradients"])
    show_peers(rounds, runs)


def mnist_sized() -> None:
    rng = random.Random(0)
    model = nn.MLP(784, [128, 10], seed=0)
    x = [rng.random() for _ in range(784)]
    cost = compile_cost(lambda: nn.compile_step(model, nn.cross_entropy, x, 3))
    print("MNIST-sized step (MLP 784-128-10, cross-entropy)")
    print(f"  compile_step: {cost} (targets < 5 s, < 300 MB)")


def main() -> None:
    torch = torch_module()
    print(f"Python {platform.python_version()}, {platform.python_implementation()}", end="")
    print("" if torch is None else f", PyTorch {torch.__version__} (1 thread)")
    demo(torch)
    digits(torch)
    mnist_sized()


if __name__ == "__main__":
    main()

"""The compiled training step against its floor, eager glassgrad and micrograd, in one process.

Workload: micrograd's demo training step (MLP 2-16-16-1, 100 moons points, hinge loss plus
1e-4 L2, full batch, SGD), its graph built from primitive ops (about 65,000 nodes).

* floor: the same step written by hand on plain floats and lists, forward and backward, no
  Values. No pure-Python engine can do much better; the compiled step should stay within
  2.5x of it.
* compiled: ``step = autograd.compile(loss)`` once, then each step calls ``step()``
  (forward and backward) and updates the parameters' ``.data`` and zeroes their grads.
* eager: glassgrad building and differentiating the graph every step (``demo_step``).
* micrograd: the same, with micrograd's Value.

Run with ``make bench``. Timings vary on shared machines; the ratios are what to read.
"""

from __future__ import annotations

import itertools
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from micrograd.engine import Value as MicrogradValue
from workload import PrimitiveMLP, best_times, demo_loss, demo_step, moons

from autograd import Value, compile, topological_order

SIZES = [2, 16, 16, 1]
LEARNING_RATE = 0.1


class FloatMLP:
    """The demo MLP on plain floats, with its training step's backward pass written by hand.

    Same initial parameters as :class:`workload.PrimitiveMLP` (same seed, same draw order):
    per layer, per neuron, its weights then a bias of 0.
    """

    def __init__(self, sizes: list[int], seed: int = 1337) -> None:
        rng = random.Random(seed)
        self.weights: list[list[list[float]]] = []
        self.biases: list[list[float]] = []
        for nin, nout in itertools.pairwise(sizes):
            layer_weights, layer_biases = [], []
            for _ in range(nout):
                layer_weights.append([rng.uniform(-1, 1) for _ in range(nin)])
                layer_biases.append(0.0)
            self.weights.append(layer_weights)
            self.biases.append(layer_biases)

    def step(
        self, X: list[list[float]], y: list[int], lr: float, skip_zeros: bool = False
    ) -> float:
        """Return the demo loss, after one SGD step on it (forward, backward, update).

        By default it does the graph's arithmetic, zeros included. ``skip_zeros`` skips
        the backward pass of points with no loss and of neurons whose ReLU is off, which
        no engine that propagates IEEE values (``0 * inf`` is ``nan``) may do.
        """
        weights, biases = self.weights, self.biases
        last = len(weights) - 1
        weight_grads = [[[0.0] * len(w) for w in layer] for layer in weights]
        bias_grads = [[0.0] * len(b) for b in biases]
        scale = 1.0 / len(X)
        data_loss = 0.0
        for row, label in zip(X, y):
            # forward, keeping each layer's input and pre-activation sums
            inputs = [row]
            sums = []
            x = row
            for depth, (layer_w, layer_b) in enumerate(zip(weights, biases)):
                acts = []
                for w, b in zip(layer_w, layer_b):
                    act = b
                    for wi, xi in zip(w, x):
                        act += wi * xi
                    acts.append(act)
                sums.append(acts)
                x = acts if depth == last else [a if a > 0.0 else 0.0 for a in acts]
                inputs.append(x)
            margin = 1.0 - label * x[0]
            if margin > 0.0:
                data_loss += margin
            elif skip_zeros:
                continue
            # backward
            upstream = [-label * scale if margin > 0.0 else 0.0]
            for depth in range(last, -1, -1):
                layer_w, layer_in = weights[depth], inputs[depth]
                grad_w, grad_b = weight_grads[depth], bias_grads[depth]
                if depth != last:
                    upstream = [g if a > 0.0 else 0.0 for g, a in zip(upstream, sums[depth])]
                downstream = [0.0] * len(layer_in)
                for j, g in enumerate(upstream):
                    if skip_zeros and g == 0.0:
                        continue
                    grad_b[j] += g
                    w, gw = layer_w[j], grad_w[j]
                    for k, xk in enumerate(layer_in):
                        gw[k] += g * xk
                        downstream[k] += g * w[k]
                upstream = downstream
        reg_loss = 0.0
        for layer_w, layer_b, grad_w, grad_b in zip(weights, biases, weight_grads, bias_grads):
            for w, gw in zip(layer_w, grad_w):
                for k, wk in enumerate(w):
                    reg_loss += wk * wk
                    w[k] = wk - lr * (gw[k] + 2e-4 * wk)
            for j, bj in enumerate(layer_b):
                reg_loss += bj * bj
                layer_b[j] = bj - lr * (grad_b[j] + 2e-4 * bj)
        return data_loss * scale + 1e-4 * reg_loss


def main() -> None:
    X, y = moons(100)

    model = PrimitiveMLP(Value, SIZES)
    parameters = model.parameters()
    loss = demo_loss(model, Value, X, y)
    nodes = len(topological_order(loss))
    start = time.perf_counter()
    compiled = compile(loss)
    compile_seconds = time.perf_counter() - start
    print(f"micrograd demo step (MLP 2-16-16-1, 100 points): {nodes:,d} nodes, primitive ops")
    print(f"  compile time: {compile_seconds:.2f} s ({len(compiled.source.splitlines()):,d} lines)")

    # The four steps start from the same parameters and compute the same loss.
    floor_model, sparse_floor_model = FloatMLP(SIZES), FloatMLP(SIZES)
    first_losses = {
        "floor": floor_model.step(X, y, LEARNING_RATE),
        "floor, skip 0": sparse_floor_model.step(X, y, LEARNING_RATE, skip_zeros=True),
        "compiled": compiled(),
        "eager": demo_step(PrimitiveMLP(Value, SIZES), Value, X, y, LEARNING_RATE),
    }
    spread = max(first_losses.values()) - min(first_losses.values())
    assert spread <= 1e-12 * abs(first_losses["eager"]), first_losses
    print(f"  first loss, all steps: {first_losses['eager']:.12f}")

    def compiled_step() -> None:
        compiled()
        for p in parameters:
            p.data -= LEARNING_RATE * p.grad
            p.grad = 0.0

    eager_model = PrimitiveMLP(Value, SIZES)
    micrograd_model = PrimitiveMLP(MicrogradValue, SIZES)
    runs = {
        "floor": lambda: floor_model.step(X, y, LEARNING_RATE),
        "floor, skip 0": lambda: sparse_floor_model.step(X, y, LEARNING_RATE, skip_zeros=True),
        "compiled": compiled_step,
        "eager": lambda: demo_step(eager_model, Value, X, y, LEARNING_RATE),
        "micrograd": lambda: demo_step(micrograd_model, MicrogradValue, X, y, LEARNING_RATE),
    }
    times = best_times(runs, repeats=5)
    print("  best of 5 turns per step:")
    for name, seconds in times.items():
        print(f"    {name:14s} {seconds * 1000:8.2f} ms")
    compiled_time = times["compiled"]
    print(f"  compiled / floor:      {compiled_time / times['floor']:6.2f}x  (target <= 2.5x)")
    sparse_ratio = compiled_time / times["floor, skip 0"]
    print(f"  compiled / floor that skips zero gradients: {sparse_ratio:.2f}x")
    print(f"  eager / compiled:      {times['eager'] / compiled_time:6.1f}x faster compiled")
    print(f"  micrograd / compiled:  {times['micrograd'] / compiled_time:6.1f}x faster compiled")
    steps = compile_seconds / (times["eager"] - compiled_time)
    print(f"  compiling pays for itself after {steps:.0f} steps")


if __name__ == "__main__":
    main()

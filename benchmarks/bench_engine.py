"""The engine side by side with micrograd, in one process: speed, memory, depth.

1. micrograd's demo training step (MLP 2-16-16-1, 100 moons points, hinge loss plus
   1e-4 L2, full-batch forward, backward and update), built from the same primitive
   operations on both engines. Prints the best time of each and the speed ratio.
2. Bytes per node of that step's graph, measured with tracemalloc.
3. How backward time grows with the depth of a chain (micrograd's recursive sort stops
   near 1,000 levels; glassgrad's walk is iterative).

Run with ``make bench``. Timings vary on shared machines; the ratios are what to read.
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from micrograd.engine import Value as MicrogradValue
from workload import PrimitiveMLP, best_times, demo_loss, demo_step, moons

from autograd import Value

ENGINES: dict[str, Any] = {"glassgrad": Value, "micrograd": MicrogradValue}


def speed(repeats: int = 5) -> dict[str, float]:
    X, y = moons(100)
    runs = {}
    for name, value in ENGINES.items():
        model = PrimitiveMLP(value, [2, 16, 16, 1])
        runs[name] = lambda model=model, value=value: demo_step(model, value, X, y, lr=0.1)
    return best_times(runs, repeats)


def bytes_per_node() -> dict[str, tuple[int, float]]:
    X, y = moons(100)
    result = {}
    for name, value in ENGINES.items():
        model = PrimitiveMLP(value, [2, 16, 16, 1])
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        loss = demo_loss(model, value, X, y)
        after = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        nodes = _count_nodes(loss) - len(model.parameters())
        result[name] = (nodes, (after - before) / nodes)
        del loss
    return result


def _count_nodes(root: Any) -> int:
    seen, stack = {id(root)}, [root]
    while stack:
        for parent in stack.pop()._prev:
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)
    return len(seen)


def backward_time(value: Any, depth: int) -> float:
    """Time backward through ``y = x * 1.000001 * 1.000001 * ...`` (depth multiplications)."""
    y = value(0.5)
    for _ in range(depth):
        y = y * 1.000001
    start = time.perf_counter()
    y.backward()
    return time.perf_counter() - start


def main() -> None:
    print("micrograd demo step (MLP 2-16-16-1, 100 points), same primitive ops, best of 5 turns")
    times = speed()
    for name, seconds in times.items():
        print(f"  {name:10s} {seconds * 1000:8.1f} ms")
    print(f"  speed ratio: glassgrad is {times['micrograd'] / times['glassgrad']:.1f}x faster")

    print("\nmemory of that step's graph (tracemalloc)")
    memory = bytes_per_node()
    for name, (nodes, per_node) in memory.items():
        print(f"  {name:10s} {nodes:7d} nodes  {per_node:6.0f} bytes/node")

    print("\nbackward through a chain y = x * 1.000001 * ... (glassgrad)")
    print("  (linear growth: the time per level stays flat as the depth grows)")
    previous = None
    for depth in (10_000, 100_000, 300_000, 1_000_000):
        seconds = backward_time(Value, depth)
        per_level = seconds / depth * 1e6
        growth = (
            ""
            if previous is None
            else f"  time x{seconds / previous[1]:.1f} for depth x{depth / previous[0]:.0f}"
        )
        print(f"  depth {depth:>9,d}: {seconds:7.3f} s  {per_level:.2f} us/level{growth}")
        previous = (depth, seconds)
    try:
        backward_time(MicrogradValue, 5_000)
        print("  micrograd: depth 5,000 ok")
    except RecursionError:
        print("  micrograd: RecursionError at depth 5,000 (its topological sort is recursive)")


if __name__ == "__main__":
    main()

"""The engine side by side with micrograd, in one process: speed, memory, order, scale, depth.

1. micrograd's demo training step (MLP 2-16-16-1, 100 moons points, hinge loss plus
   1e-4 L2, full-batch forward, backward and update), built from the same primitive
   operations on both engines. Prints the best time of each and the speed ratio.
2. Bytes per node of that step's graph, measured with tracemalloc.
3. The backward order of that graph (and of ``nn.MLP``'s graph of the same step) against
   the plain depth-first walk glassgrad used before, kept here as the reference and run on
   a copy of the graph laid out as nodes were then: the same order, node for node, and
   the ratio of their times.
4. Building that graph with 10,000 and with 1,000,000 nodes (15 and 1,543 points), the
   cycle collector on as users run it: the time per node and its ratio; then the same
   without ``autograd.collector``'s policy (CPython's own schedule) and with the collector
   off, which leaves what memory costs.
5. How backward time grows with the depth of a chain (micrograd's recursive sort stops
   near 1,000 levels; glassgrad's walk is iterative).

Run with ``make bench``. Timings vary on shared machines; the ratios are what to read.
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from micrograd.engine import Value as MicrogradValue
from workload import PrimitiveMLP, demo_loss, demo_step, moons, turn_times

import nn
from autograd import Value, collector, topological_order

ENGINES: dict[str, Any] = {"glassgrad": Value, "micrograd": MicrogradValue}


def speed(repeats: int = 5) -> dict[str, list[float]]:
    X, y = moons(100)
    runs = {}
    for name, value in ENGINES.items():
        model = PrimitiveMLP(value, [2, 16, 16, 1])
        runs[name] = lambda model=model, value=value: demo_step(model, value, X, y, lr=0.1)
    return turn_times(runs, repeats)


def ratio_range(slow: list[float], fast: list[float]) -> str:
    """``best (min to max over turns)`` of ``slow[i] / fast[i]``, turns timed back to back."""
    ratios = [s / f for s, f in zip(slow, fast)]
    return f"{min(slow) / min(fast):.2f}x ({min(ratios):.2f} to {max(ratios):.2f} over turns)"


# --- 3. the backward order --------------------------------------------------------------

_PLACE_NEXT = object()


class StartNode:
    """A node laid out as glassgrad's Value was when that walk was current: the same slots,
    all inputs of a ``dot`` in one tuple, and the same ``parents`` property. The reference
    walks a copy of the graph made of these, so it is timed as it ran then."""

    __slots__ = ("data", "grad", "label", "op", "_in0", "_in1", "now")

    @property
    def parents(self) -> tuple[StartNode, ...]:
        op = self.op
        if op is None:
            return ()
        if op.arity == 2:
            return (self._in0, self._in1)
        if op.arity == 1:
            return (self._in0,)
        return self._in0  # type: ignore[no-any-return]


def start_layout(root: Value) -> StartNode:
    """Return a copy of the graph below ``root`` in :class:`StartNode`'s layout.

    The copies are made in the order of the nodes' addresses, so they lie in memory as
    the nodes do: a copy made in walk order would be read in order and run faster.
    """
    nodes = sorted(topological_order(root), key=id)
    copies = {node: StartNode() for node in nodes}
    for node, copy in copies.items():
        copy.data, copy.grad, copy.label, copy.op, copy.now = node.data, 0.0, "", node.op, node
        parents = tuple(copies[parent] for parent in node.parents)
        if node.op is None:
            copy._in0 = copy._in1 = None
        elif node.op.arity is None:
            copy._in0, copy._in1 = parents, None
        else:
            copy._in0, copy._in1 = (*parents, None)[:2]
    return copies[root]


def depth_first_reference(roots: Any | Sequence[Any]) -> list[Any]:
    """glassgrad's order before the walk read node slots: a marker walk over ``parents``."""
    root_list = roots if isinstance(roots, (list, tuple)) else (roots,)
    order: list[Any] = []
    placed: set[Any] = set()
    all_placed = placed.issuperset
    stack: list[Any] = list(reversed(root_list))
    while stack:
        node = stack.pop()
        if node is _PLACE_NEXT:
            node = stack.pop()
            placed.add(node)
            order.append(node)
            continue
        if node in placed:
            continue
        parents = node.parents
        if all_placed(parents):
            placed.add(node)
            order.append(node)
            continue
        stack.append(node)
        stack.append(_PLACE_NEXT)
        stack.extend(reversed(parents))
    return order


def ordering(repeats: int = 25) -> None:
    X, y = moons(100)
    primitive = PrimitiveMLP(Value, [2, 16, 16, 1])
    fused = nn.MLP(2, [16, 16, 1], seed=1337)
    graphs = {
        "micrograd's demo graph": demo_loss(primitive, Value, X, y),
        "nn.MLP's demo graph": nn.hinge_loss([fused(row) for row in X], y)
        + 1e-4 * nn.l2_penalty(fused.parameters()),
    }
    for title, root in graphs.items():
        order = topological_order(root)
        copy = start_layout(root)
        same = order == [node.now for node in depth_first_reference(copy)]
        times = turn_times(
            {
                "before": lambda copy=copy: depth_first_reference(copy),
                "now": lambda root=root: topological_order(root),
            },
            repeats,
        )
        print(
            f"  {title} ({len(order):,d} nodes): {min(times['before']) * 1000:6.1f} ms before, "
            f"{min(times['now']) * 1000:6.1f} ms now; same order: {'yes' if same else 'NO'}"
        )
        print(f"    now cheaper by {ratio_range(times['before'], times['now'])}")


# --- 4. building at scale ---------------------------------------------------------------


def build_times(points: int, repeats: int, collector_off: bool = False) -> tuple[int, list[float]]:
    """Return the nodes of the demo graph for ``points`` and the time of each build."""
    X, y = moons(points)
    model = PrimitiveMLP(Value, [2, 16, 16, 1])
    graph = demo_loss(model, Value, X, y)
    nodes = len(topological_order(graph)) - len(model.parameters())
    del graph
    times = []
    for _ in range(repeats):
        gc.collect()
        if collector_off:
            gc.disable()
        start = time.perf_counter()
        graph = demo_loss(model, Value, X, y)
        times.append(time.perf_counter() - start)
        gc.enable()
        del graph
    return nodes, times


def scale(small: int = 15, large: int = 1543) -> None:
    modes: dict[str, Callable[[], None]] = {
        "collector on, as users run it": lambda: None,
        "collector on, CPython's schedule (policy removed)": collector.uninstall,
        "collector off (what memory costs)": lambda: None,
    }
    for title, before in modes.items():
        before()
        off = title.startswith("collector off")
        n_small, t_small = build_times(small, 30, off)
        n_large, t_large = build_times(large, 3, off)
        collector.install()
        per_small = min(t_small) / n_small * 1e9
        per_large = [t / n_large * 1e9 for t in t_large]
        print(f"  {title}:")
        print(
            f"    {n_small:>9,d} nodes {per_small:6.0f} ns/node   {n_large:>9,d} nodes "
            f"{min(per_large):6.0f} ns/node   ratio {min(per_large) / per_small:.2f}x "
            f"({min(per_large) / per_small:.2f} to {max(per_large) / per_small:.2f}; "
            f"10k: best of 30, median {statistics.median(t_small) / n_small * 1e9:.0f} ns)"
        )


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
        print(f"  {name:10s} {min(seconds) * 1000:8.1f} ms")
    print(
        f"  speed ratio: glassgrad is {ratio_range(times['micrograd'], times['glassgrad'])} faster"
    )

    print("\nmemory of that step's graph (tracemalloc)")
    memory = bytes_per_node()
    for name, (nodes, per_node) in memory.items():
        print(f"  {name:10s} {nodes:7d} nodes  {per_node:6.0f} bytes/node")

    print("\nbackward order against the previous depth-first walk (best of 25 turns)")
    ordering()

    print("\nbuilding micrograd's demo graph, 10,000 against 1,000,000 nodes (per node)")
    scale()

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

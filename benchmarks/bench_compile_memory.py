"""Peak memory of compile(root) on a long chain: piece by piece against all in one piece.

``compile`` parses and compiles its generated code one chunk at a time, so CPython's
syntax tree of one chunk is alive at once, not the whole graph's. This script builds a
chain ``y = (y + 0.25) * 1.000001 ...`` of N nodes in a fresh process and reports the
process's peak resident memory (``ru_maxrss``, as ``/usr/bin/time -v`` shows it) for:

* pieces: ``compile(y)``, the default chunks;
* one piece: ``compile(y, chunk_nodes=N)``, the whole graph in one function, as the
  compiler's memory behaved when it compiled one module for the graph.

Usage: ``python benchmarks/bench_compile_memory.py [N]`` (default 200,000 nodes;
``2000000`` checks the 2M-node target of 4 GB and takes minutes).
"""

from __future__ import annotations

import platform
import resource
import subprocess
import sys
import time


def measure(nodes: int, one_piece: bool) -> None:
    """Build the chain, compile it, print graph RSS, peak RSS and time (child process)."""
    from autograd import Value, compile

    x = Value(0.5)
    y = x
    for i in range(nodes // 2):  # each op adds itself and one constant leaf
        y = y * 1.000001 if i % 2 else y + 0.25
    graph = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start, cpu = time.perf_counter(), time.process_time()
    step = compile(y, chunk_nodes=nodes + 1) if one_piece else compile(y)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    value = step()
    assert value == y.data
    print(f"{graph:.0f} {peak:.0f} {seconds:.1f} {cpu_seconds:.1f}")


def main() -> None:
    nodes = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    print(f"Python {platform.python_version()}; compile() of a {nodes:,d}-node chain")
    for label, one_piece in (("pieces (default)", False), ("one piece", True)):
        result = subprocess.run(
            [sys.executable, __file__, "--measure", str(nodes), str(int(one_piece))],
            capture_output=True,
            text=True,
            check=True,
        )
        graph, peak, seconds, cpu_seconds = result.stdout.split()
        print(
            f"  {label:17s} peak RSS {float(peak):7.0f} MB (graph alone {float(graph):.0f} MB), "
            f"{float(peak) - float(graph):7.0f} MB for compiling, "
            f"{seconds} s wall, {cpu_seconds} s CPU"
        )


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--measure":
        measure(int(sys.argv[2]), sys.argv[3] == "1")
    else:
        main()

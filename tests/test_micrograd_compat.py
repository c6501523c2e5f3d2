"""Programs written for micrograd's Value run unchanged with only the import changed.

The programs below are micrograd's own: its engine's sanity check (test/test_engine.py)
and its README example, which is also its test_more_ops, with ``from micrograd.engine
import Value`` replaced by ``from autograd import Value``.
"""

from __future__ import annotations

from typing import Any

MICROGRAD_SANITY_CHECK = """
from autograd import Value

x = Value(-4.0)
z = 2 * x + 2 + x
q = z.relu() + z * x
h = (z * z).relu()
y = h + q + q * x
y.backward()
xmg, ymg = x, y
"""

MICROGRAD_README = """
from autograd import Value

a = Value(-4.0)
b = Value(2.0)
c = a + b
d = a * b + b**3
c += c + 1
c += 1 + c + (-a)
d += d * 2 + (b + a).relu()
d += 3 * d + (b - a).relu()
e = c - d
f = e**2
g = f / 2.0
g += 10.0 / f
print(f'{g.data:.4f}') # prints 24.7041, the outcome of this forward pass
g.backward()
print(f'{a.grad:.4f}') # prints 138.8338, i.e. the numerical value of dg/da
print(f'{b.grad:.4f}') # prints 645.5773, i.e. the numerical value of dg/db
"""


def run_program(source: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    exec(compile(source, "<micrograd program>", "exec"), namespace)
    return namespace


def test_micrograd_sanity_check_matches_torch(torch: Any) -> None:
    ns = run_program(MICROGRAD_SANITY_CHECK)
    x = torch.tensor([-4.0], dtype=torch.float64, requires_grad=True)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    assert ns["ymg"].data == y.data.item()
    assert ns["xmg"].grad == x.grad.item()


def test_micrograd_more_ops_match_torch(torch: Any, capsys: Any) -> None:
    ns = run_program(MICROGRAD_README)  # the same program as micrograd's test_more_ops
    a = torch.tensor([-4.0], dtype=torch.float64, requires_grad=True)
    b = torch.tensor([2.0], dtype=torch.float64, requires_grad=True)
    c = a + b
    d = a * b + b**3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + (b + a).relu()
    d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g = g + 10.0 / f
    g.backward()
    tol = 1e-6
    assert abs(ns["g"].data - g.data.item()) < tol
    assert abs(ns["a"].grad - a.grad.item()) < tol
    assert abs(ns["b"].grad - b.grad.item()) < tol


def test_micrograd_readme_example_prints_its_documented_numbers(capsys: Any) -> None:
    run_program(MICROGRAD_README)
    assert capsys.readouterr().out.split() == ["24.7041", "138.8338", "645.5773"]


def test_micrograd_style_drawing_code_reads_prev_and_op() -> None:
    """micrograd's draw_dot walks ``_prev`` and concatenates ``_op`` strings."""
    ns = run_program(MICROGRAD_README)
    nodes, edges = set(), set()

    def build(v: Any) -> None:
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                build(child)

    build(ns["g"])
    labels = {str(id(n)) + n._op for n in nodes}
    assert len(labels) == len(nodes)
    assert {n._op for n in nodes} >= {"+", "*", "**2", "ReLU", "/", ""}

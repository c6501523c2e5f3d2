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


# From Karpathy's lecture "The spelled-out intro to neural networks and backpropagation:
# building micrograd" (its notebook, micrograd_lecture_first_half_roughly.ipynb): a neuron
# with labels, then backprop by hand node by node with ``_backward()``. glassgrad's own
# ops make the nodes; only the import is changed.
LECTURE_MANUAL_BACKPROP = """
from autograd import Value

x1 = Value(2.0, label='x1')
x2 = Value(0.0, label='x2')
w1 = Value(-3.0, label='w1')
w2 = Value(1.0, label='w2')
b = Value(6.8813735870195432, label='b')
x1w1 = x1*w1; x1w1.label = 'x1*w1'
x2w2 = x2*w2; x2w2.label = 'x2*w2'
x1w1x2w2 = x1w1 + x2w2; x1w1x2w2.label = 'x1*w1 + x2*w2'
n = x1w1x2w2 + b; n.label = 'n'
o = n.tanh(); o.label = 'o'

o.grad = 1.0
o._backward()
n._backward()
b._backward()
x1w1x2w2._backward()
x2w2._backward()
x1w1._backward()
"""

# The lecture's own Value class defines tanh and exp micrograd's way: a node made with
# Value(data, children, op) and a closure assigned to _backward. The same code, added to
# glassgrad's Value as an extension (monkeypatched, as users extend micrograd).
MICROGRAD_STYLE_EXTENSION = """
import math
from autograd import Value

def tanh(self):
    x = self.data
    t = (math.exp(2*x) - 1)/(math.exp(2*x) + 1)
    out = Value(t, (self, ), 'tanh')
    def _backward():
        self.grad += (1 - t**2) * out.grad
    out._backward = _backward
    return out

def exp(self):
    x = self.data
    out = Value(math.exp(x), (self, ), 'exp')
    def _backward():
        self.grad += out.data * out.grad
    out._backward = _backward
    return out

Value.tanh = tanh
Value.exp = exp

x1 = Value(2.0, label='x1')
x2 = Value(0.0, label='x2')
w1 = Value(-3.0, label='w1')
w2 = Value(1.0, label='w2')
b = Value(6.8813735870195432, label='b')
n = x1*w1 + x2*w2 + b
e = (2*n).exp()
o = (e - 1) / (e + 1)
o.backward()
o2 = n.tanh()
"""


def test_lecture_backprop_by_hand_with_backward_calls_gives_the_lectures_numbers() -> None:
    ns = run_program(LECTURE_MANUAL_BACKPROP)
    assert round(ns["o"].data, 4) == 0.7071
    assert round(ns["n"].grad, 4) == 0.5
    assert [round(ns[name].grad, 4) for name in ("x1", "w1", "x2", "w2")] == [-1.5, 1.0, 0.5, 0.0]


def test_micrograd_style_extension_ops_backpropagate_in_order(monkeypatch: Any) -> None:
    from autograd import Value

    monkeypatch.setattr(Value, "tanh", Value.tanh)
    monkeypatch.setattr(Value, "exp", Value.exp)
    ns = run_program(MICROGRAD_STYLE_EXTENSION)
    assert [round(ns[name].grad, 4) for name in ("x1", "w1", "x2", "w2")] == [-1.5, 1.0, 0.5, 0.0]
    o2 = ns["o2"]
    assert o2._op == "tanh" and o2._prev == (ns["n"],)
    o2.backward()  # the extension's closure, called by backward()
    assert round(ns["n"].grad, 4) == 0.5


def test_a_user_written_backward_runs_in_topological_order() -> None:
    from autograd import Value

    calls: list[str] = []

    def square(v: Value, name: str) -> Value:
        out = Value(v.data**2, (v,), "sq", label=name)

        def _backward() -> None:
            calls.append(name)
            v.grad += 2 * v.data * out.grad

        out._backward = _backward
        return out

    x = Value(3.0)
    y = square(square(x, "inner"), "outer")
    y.backward()
    assert calls == ["outer", "inner"]
    assert x.grad == 4 * 3.0**3


def test_a_user_written_backward_that_raises_names_its_node() -> None:
    import pytest

    from autograd import Value

    x = Value(1.0)
    out = Value(2.0, (x,), "bad", label="broken")

    def _backward() -> None:
        raise ArithmeticError("no derivative here")

    out._backward = _backward
    with pytest.raises(ArithmeticError, match=r"node 'broken' \(op 'bad'\).*no derivative here"):
        out.backward()


def test_rules_readers_refuse_a_user_written_backward_clearly() -> None:
    import pytest

    from autograd import Value, grad

    x = Value(1.0)
    out = Value(2.0, (x,), "custom")
    with pytest.raises(TypeError, match="made micrograd's way"):
        grad(out, [x])


def test_micrograd_constructor_refuses_a_child_that_is_not_a_value() -> None:
    import pytest

    from autograd import Value

    with pytest.raises(TypeError, match="takes Values as children, got str 'b'"):
        Value(2.0, (Value(1.0), "b"), "+")  # type: ignore[arg-type]


def test_values_take_attributes_of_their_own() -> None:
    from autograd import Value

    v = Value(1.0)
    v.name = "x"  # type: ignore[attr-defined]
    assert vars(v) == {"name": "x"}
    assert v.name == "x"  # type: ignore[attr-defined]
    assert Value(2.0).label == "" and Value(2.0, label="w").label == "w"


def test_micrograd_neuron_takes_nonlin_as_its_second_argument() -> None:
    from nn import Layer, Neuron

    linear = Neuron(1, False)
    relu = Neuron(1, True)
    assert linear.activation is None and relu.activation == "relu"
    assert not linear.nonlin and relu.nonlin
    assert Layer(3, 2, False).neurons[0].activation is None

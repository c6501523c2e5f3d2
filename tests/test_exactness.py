"""One arithmetic on every path: backward, grad, explain, backward_steps and compile agree
bit for bit (``==``), on every supported Python, including graphs where one Value is both
a weight and an input of a ``dot``.

The only documented difference: a gradient that is exactly zero may be ``-0.0`` on one
path and ``0.0`` on another; ``==`` treats them as equal, as IEEE does.
"""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, compile, dot, grad, sum_values
from autograd.viz import backward_steps, explain

finite = st.floats(-3.0, 3.0, allow_nan=False)


@st.composite
def shared_dot_graphs(draw: st.DrawFn) -> tuple[list[Value], Value]:
    """A graph of dots, products and sums whose dots reuse Values in both roles."""
    leaves = [Value(draw(finite), label=f"x{i}") for i in range(draw(st.integers(2, 5)))]
    values = list(leaves)
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["dot", "mul", "tanh", "sum"]))
        pick = st.sampled_from(values)
        if kind == "dot":
            n = draw(st.integers(1, 4))
            weights = [draw(pick) for _ in range(n)]
            inputs = [draw(pick) for _ in range(n)]
            values.append(dot(weights, inputs))
        elif kind == "mul":
            values.append(draw(pick) * draw(pick))
        elif kind == "tanh":
            values.append(draw(pick).tanh())
        else:
            values.append(sum_values([draw(pick) for _ in range(draw(st.integers(1, 4)))]))
    return leaves, sum_values(values[len(leaves) :])


@settings(max_examples=150, deadline=None)
@given(shared_dot_graphs())
def test_every_reader_of_the_rules_gives_backwards_gradients(
    graph: tuple[list[Value], Value],
) -> None:
    leaves, root = graph
    returned = [g.data for g in grad(root, leaves)]
    totals = [explain(root, leaf).total for leaf in leaves]
    final = {step.node: step.grad for step in backward_steps(root)}
    root.backward()
    eager = [leaf.grad for leaf in leaves]
    assert returned == eager
    assert totals == eager
    assert [final.get(leaf, 0.0) for leaf in leaves] == eager
    for leaf in leaves:
        leaf.grad = 0.0
    step = compile(root)
    assert step() == root.data
    assert [leaf.grad for leaf in leaves] == eager


def test_explain_totals_equal_grad_when_a_value_is_weight_and_input_of_a_dot() -> None:
    # dot([b, a], [a, c]) + a * d: a's weight term and input term, in the rule's order.
    a, b = Value(-17.352755962583547), Value(-77.05506298046913)
    c, d = Value(606.7800254542458), Value(-0.46766423445711086)
    y = dot([b, a], [a, c]) + a * d
    y.backward()
    assert explain(y, a).total == a.grad


def test_sums_add_left_to_right_on_every_python() -> None:
    # From 3.12 the builtin sum() of floats is compensated and would give 1.0 here.
    assert sum_values([1e16, 1.0, -1e16]).data == 0.0
    assert dot([1e16, 1.0, -1e16], [1.0, 1.0, 1.0]).data == 0.0
    terms = [Value(t) for t in (1e16, 1.0, -1e16)]
    step = compile(sum_values(terms))
    assert step() == 0.0


def test_compiled_smoothness_term_equals_eager() -> None:
    xs = [Value(math.sin(i) * 1e8) for i in range(12)]
    penalty = dot(xs[:-1], xs[1:])
    penalty.backward()
    eager = [x.grad for x in xs]
    for x in xs:
        x.grad = 0.0
    compile(penalty)()
    assert [x.grad for x in xs] == eager

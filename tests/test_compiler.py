"""compile(root): the compiled step gives what eager forward and backward() give.

Tolerance: relative 1e-12 (the compiled code runs the eager engine's arithmetic in the
same order, so in practice the results are bit for bit the same), nan matching nan.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import (
    CompiledGraph,
    Value,
    apply,
    compile,
    dot,
    logsumexp,
    softmax_shift,
    sum_values,
    topological_order,
)
from autograd.ops import BUILTIN_OPS, LOG1P

REL = 1e-12


def same(compiled: float, eager: float) -> bool:
    """Whether two results agree: both nan, or equal within relative 1e-12."""
    if math.isnan(compiled) or math.isnan(eager):
        return math.isnan(compiled) and math.isnan(eager)
    return compiled == eager or math.isclose(compiled, eager, rel_tol=REL, abs_tol=0.0)


def leaves_of(root: Value) -> list[Value]:
    return [node for node in topological_order(root) if node.is_leaf]


def assert_compiled_matches_eager(root: Value, chunk_nodes: int = 2000) -> CompiledGraph:
    """Run the compiled step, then backward(), from zero leaf grads; compare everything."""
    leaves = leaves_of(root)
    for leaf in leaves:
        leaf.grad = 0.0
    step = compile(root, chunk_nodes=chunk_nodes)
    value = step()
    compiled_grads = [leaf.grad for leaf in leaves]
    for leaf in leaves:
        leaf.grad = 0.0
    root.backward()
    assert same(value, root.data), (value, root.data)
    for index, (got, want) in enumerate(zip(compiled_grads, (leaf.grad for leaf in leaves))):
        assert same(got, want), f"leaf {index} ({leaves[index]!r}): compiled {got}, eager {want}"
    return step


# --- every op of the table ------------------------------------------------------------

OP_CASES: dict[str, Callable[[Value, Value], Value]] = {
    "add": lambda x, y: x + y,
    "mul": lambda x, y: x * y,
    "div": lambda x, y: x / y,
    "pow": lambda x, y: x**y,
    "pow_const": lambda x, y: x**2.5 + y**-1 + x**0 + y**3,
    "log1p": lambda x, y: apply(LOG1P, x * x),
    "exp": lambda x, y: x.exp(),
    "log": lambda x, y: x.log(),
    "tanh": lambda x, y: x.tanh(),
    "sigmoid": lambda x, y: x.sigmoid(),
    "relu": lambda x, y: x.relu() + y.relu(),
    "sum": lambda x, y: sum_values([x, y, x, 2.0]),
    "dot": lambda x, y: dot([x, y, 3.0], [y, x, x]),
    "softplus": lambda x, y: x.softplus() + (y * 40.0).softplus(),
    "logsumexp": lambda x, y: logsumexp([x, y * 300.0, x * y]) + logsumexp([y]),
    "shift": lambda x, y: (x - softmax_shift([x, y])).exp() * softmax_shift([y * 5.0]),
}

OP_POINTS = [(1.5, 2.0), (-0.7, 3.0), (0.0, -2.0), (2.0, 0.0), (-8.0, 1.0 / 3.0)]


def test_every_op_in_the_table_has_a_case() -> None:
    assert set(OP_CASES) == {op.name for op in BUILTIN_OPS}


@pytest.mark.parametrize("name", sorted(OP_CASES))
@pytest.mark.parametrize(("x", "y"), OP_POINTS)
def test_each_op_compiles_to_its_eager_result(name: str, x: float, y: float) -> None:
    a, b = Value(x, label="a"), Value(y, label="b")
    assert_compiled_matches_eager(OP_CASES[name](a, b) * 1.5)


# --- random expression graphs -------------------------------------------------------

EXPONENTS = [2, 3, 0.5, -1, 0, 1.5, -2.0]
UNARY = ["exp", "log", "tanh", "sigmoid", "relu", "softplus", "neg"]
BINARY: dict[str, Callable[[Value, Value, float], Value]] = {
    "+": lambda a, b, c: a + b,
    "-": lambda a, b, c: a - b,
    "*": lambda a, b, c: a * b,
    "/": lambda a, b, c: a / b,
    "**value": lambda a, b, c: a**b,
    "+number": lambda a, b, c: a + c,
    "number-": lambda a, b, c: c - a,
    "number/": lambda a, b, c: c / a,
}


@st.composite
def expression_graphs(draw: st.DrawFn) -> Value:
    """A random graph over a few leaves; later nodes reuse earlier ones (shared subexpressions)."""
    number = st.floats(-3.0, 3.0, allow_nan=False)
    pool: list[Value] = [Value(draw(number), label=f"x{i}") for i in range(draw(st.integers(1, 4)))]
    pick = st.integers(0, 10**6)
    for _ in range(draw(st.integers(1, 25))):
        a = pool[draw(pick) % len(pool)]
        b = pool[draw(pick) % len(pool)]
        kind = draw(st.sampled_from(["unary", "binary", "power", "dot", "sum", "logsumexp"]))
        if kind == "unary":
            op = draw(st.sampled_from(UNARY))
            node = -a if op == "neg" else getattr(a, op)()
        elif kind == "power":
            node = a ** draw(st.sampled_from(EXPONENTS))
        elif kind in ("dot", "sum", "logsumexp"):
            size = draw(st.integers(1, 4))
            chosen = [pool[draw(pick) % len(pool)] for _ in range(2 * size)]
            ws, xs = chosen[:size], chosen[size:]
            node = {
                "dot": dot,
                "sum": lambda ws, xs: sum_values(ws),
                "logsumexp": lambda ws, xs: logsumexp(ws),
            }[kind](ws, xs)
        else:
            node = BINARY[draw(st.sampled_from(sorted(BINARY)))](a, b, draw(number))
        pool.append(node)
    return sum_values(pool[-3:]) if len(pool) > 2 else pool[-1]


@settings(max_examples=150, deadline=None)
@given(root=expression_graphs(), chunk_nodes=st.sampled_from([1, 3, 2000]))
def test_random_graphs_compile_to_eager_values_and_grads(root: Value, chunk_nodes: int) -> None:
    assert_compiled_matches_eager(root, chunk_nodes)


# --- MLP losses ---------------------------------------------------------------------


def mlp_loss(parameters: list[Value], X: list[list[float]], y: list[int], fused: bool) -> Value:
    """An MLP 2-4-4-1 with ReLU, hinge loss plus 1e-4 L2, as micrograd's demo.

    ``fused`` neurons are ``dot(w, x) + b`` and sums are single nodes; otherwise everything is
    primitive ``*`` and ``+``, as micrograd builds it.
    """
    sizes = [2, 4, 4, 1]
    scores = []
    for row in X:
        x: list[Value | float] = list(row)
        taken = 0
        for depth, (nin, nout) in enumerate(itertools.pairwise(sizes)):
            outputs: list[Value | float] = []
            for _ in range(nout):
                weights, bias = parameters[taken : taken + nin], parameters[taken + nin]
                taken += nin + 1
                if fused:
                    act = dot(weights, x) + bias
                else:
                    act = sum((w * xi for w, xi in zip(weights, x)), bias)
                outputs.append(act if depth == len(sizes) - 2 else act.relu())
            x = outputs
        scores.append(x[0])
    losses = [(1 + -label * score).relu() for label, score in zip(y, scores)]
    if fused:
        data_loss = sum_values(losses) * (1.0 / len(losses))
        return data_loss + 1e-4 * sum_values([p * p for p in parameters])
    return sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in parameters)


def fused_mlp_loss(parameters: list[Value], X: list[list[float]], y: list[int]) -> Value:
    return mlp_loss(parameters, X, y, fused=True)


def primitive_mlp_loss(parameters: list[Value], X: list[list[float]], y: list[int]) -> Value:
    return mlp_loss(parameters, X, y, fused=False)


def make_parameters(seed: int = 0) -> list[Value]:
    rng = random.Random(seed)
    count = (2 + 1) * 4 + (4 + 1) * 4 + (4 + 1) * 1
    return [Value(rng.uniform(-1, 1), label=f"p{i}") for i in range(count)]


def make_data(seed: int = 1, n: int = 12) -> tuple[list[list[float]], list[int]]:
    rng = random.Random(seed)
    X = [[rng.uniform(-2, 2), rng.uniform(-2, 2)] for _ in range(n)]
    return X, [1 if a * b > 0 else -1 for a, b in X]


MLP_LOSSES = [fused_mlp_loss, primitive_mlp_loss]


@pytest.mark.parametrize("build", MLP_LOSSES)
def test_mlp_loss_compiles_to_eager_values_and_grads(build: Callable[..., Value]) -> None:
    assert_compiled_matches_eager(build(make_parameters(), *make_data()), chunk_nodes=50)


@pytest.mark.parametrize("build", MLP_LOSSES)
def test_a_call_after_sgd_steps_equals_a_fresh_eager_graph(build: Callable[..., Value]) -> None:
    X, y = make_data()
    parameters = make_parameters()
    step = compile(build(parameters, X, y), chunk_nodes=50)
    for _ in range(3):
        step()
        for p in parameters:
            p.data -= 0.5 * p.grad
            p.grad = 0.0
    value = step()

    fresh = [Value(p.data) for p in parameters]
    loss = build(fresh, X, y)
    loss.backward()
    assert same(value, loss.data)
    for p, q in zip(parameters, fresh):
        assert same(p.grad, q.grad)


def test_new_input_data_is_read_on_every_call() -> None:
    x = Value(2.0)
    step = compile((x * x).tanh() + x)
    step()
    x.data = -0.5
    x.grad = 0.0
    value = step()
    assert value == math.tanh(0.25) - 0.5
    assert same(x.grad, (1 - math.tanh(0.25) ** 2) * 2 * -0.5 + 1)


def test_leaf_grads_accumulate_across_calls_like_repeated_backward() -> None:
    X, y = make_data()
    compiled_parameters, eager_parameters = make_parameters(), make_parameters()
    step = compile(primitive_mlp_loss(compiled_parameters, X, y))
    eager_loss = primitive_mlp_loss(eager_parameters, X, y)
    for _ in range(3):
        step()
        eager_loss.backward()
    for p, q in zip(compiled_parameters, eager_parameters):
        assert p.grad == q.grad


def test_constant_leaves_are_reread_and_graded() -> None:
    x = Value(3.0)
    root = 1 + -2 * x
    step = compile(root)
    constant = root.parents[0]
    assert constant.is_leaf and constant.data == 1.0
    constant.data = 10.0
    assert step() == 4.0
    assert constant.grad == 1.0


# --- IEEE edge values -----------------------------------------------------------------

EDGE_VALUES = [math.inf, -math.inf, math.nan, 0.0, -0.0, 1e308, -1e-308]


@pytest.mark.parametrize("edge", EDGE_VALUES)
def test_ieee_edge_inputs_give_the_same_results_compiled_and_eager(edge: float) -> None:
    x, y = Value(edge), Value(2.0)
    terms = [
        x / y,
        y / x,
        x.log(),
        x.exp(),
        (x * 1000).exp(),
        x.tanh(),
        x.sigmoid(),
        x.relu(),
        x**0.5,
        x**-1,
        x**y,
        y**x,
        Value(-8.0) ** (x * 0 + 1 / 3),
        dot([x, y], [y, x]),
    ]
    for term in terms:
        assert_compiled_matches_eager(term)
    assert_compiled_matches_eager(sum_values(terms))


# --- shape of the generated code ---------------------------------------------------


def test_a_leaf_root_returns_its_data_and_gets_grad_one() -> None:
    x = Value(4.0)
    step = compile(x)
    assert step() == 4.0
    assert step() == 4.0
    assert x.grad == 2.0


def test_source_is_one_statement_per_node_from_the_table_rules() -> None:
    x = Value(-1.0, label="x")
    y = x.relu()
    y.label = "y"
    source = compile(y * 3.0).source
    assert "v2 = (0.0 if (v0 <= 0.0) else v0)  # 'y'" in source
    assert "# labels: v0 'x'" in source
    assert "v0, v1 = take_values(values)" in source
    assert "g0 += (g2 * (0.0 if (v2 <= 0.0) else 1.0))" in source


def test_sums_longer_than_the_parser_allows_are_split_in_order() -> None:
    xs = [Value(1.0 + i * 1e-3) for i in range(5000)]
    total = sum_values(xs) + dot(xs, xs[::-1])
    step = assert_compiled_matches_eager(total)
    assert step() == total.data


def test_a_100_000_node_graph_compiles_and_runs() -> None:
    x = Value(0.5)
    y = x
    for i in range(50_000):
        y = y * 1.000001 if i % 2 else y + 0.25
    step = compile(y)
    assert len(step.nodes) > 100_000
    value = step()
    compiled_grad = x.grad
    x.grad = 0.0
    y.backward()
    assert value == y.data
    assert compiled_grad == x.grad


def test_write_back_fills_interior_nodes_with_the_last_call() -> None:
    X, y = make_data(n=4)
    parameters = make_parameters()
    loss = fused_mlp_loss(parameters, X, y)
    step = compile(loss, chunk_nodes=20)
    for p in parameters:
        p.data *= 0.5
    step()
    step.write_back()
    compiled = [(node.data, node.grad) for node in step.nodes]
    for p in parameters:
        p.grad = 0.0
    loss_again = fused_mlp_loss([Value(p.data) for p in parameters], X, y)
    loss_again.backward()
    eager = [(node.data, node.grad) for node in topological_order(loss_again)]
    interior_compiled = [pair for pair, node in zip(compiled, step.nodes) if not node.is_leaf]
    interior_eager = [pair for pair, node in zip(eager, topological_order(loss_again)) if node.op]
    assert len(interior_compiled) == len(interior_eager)
    assert sorted(interior_compiled) == sorted(interior_eager)
    assert loss.grad == 1.0


def test_write_back_needs_a_call_first() -> None:
    step = compile(Value(1.0) * 2)
    with pytest.raises(RuntimeError, match="call first"):
        step.write_back()


def test_compile_takes_a_value() -> None:
    with pytest.raises(TypeError, match="compile\\(\\) takes a Value, got float"):
        compile(1.0)  # type: ignore[arg-type]


def test_compile_is_a_public_name() -> None:
    assert autograd.compile is compile
    assert "compile" in autograd.__all__


def test_value_of_reads_watched_nodes_after_a_call() -> None:
    x = Value(2.0)
    hidden = x * 3.0
    out = hidden.tanh()
    step = compile(out, watch=[hidden])
    x.data = 0.5
    assert step() == math.tanh(1.5)
    assert step.value_of(hidden) == 1.5
    assert step.value_of(x) == 0.5


def test_value_of_refuses_unwatched_interior_nodes_and_calls_before_any_step() -> None:
    x = Value(2.0)
    hidden = x * 3.0
    step = compile(hidden.tanh())
    with pytest.raises(RuntimeError, match="needs a call first"):
        step.value_of(x)
    step()
    with pytest.raises(ValueError, match="watch"):
        step.value_of(hidden)
    with pytest.raises(ValueError, match="outside the compiled graph"):
        step.value_of(Value(1.0))

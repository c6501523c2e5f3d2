"""The engine's decided semantics: inputs, edges, backward, grad, no_grad, memory."""

from __future__ import annotations

import gc
import math
import threading
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from autograd import Value, backward_order, enable_grad, grad, gradcheck, no_grad

# --- inputs -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "type_name"),
    [
        ("a", "str"),
        (1 + 2j, "complex"),
        (None, "NoneType"),
        ([1.0], "list"),
        (Decimal("1.5"), "Decimal"),
    ],
)
def test_value_refuses_a_non_real_and_names_its_type(bad: object, type_name: str) -> None:
    with pytest.raises(TypeError, match=rf"Value\(\) takes a real number, got {type_name}"):
        Value(bad)


def test_value_refuses_a_value_and_suggests_detach() -> None:
    with pytest.raises(TypeError, match="detach"):
        Value(Value(1.0))


@pytest.mark.parametrize(
    "number", [3, True, False, np.float64(1.5), np.float32(0.25), np.int64(7), Fraction(1, 4)]
)
def test_any_real_number_is_stored_as_a_python_float(number: object) -> None:
    value = Value(number)
    assert type(value.data) is float
    assert value.data == float(number)  # type: ignore[arg-type]


def test_operator_with_a_non_number_names_the_type() -> None:
    with pytest.raises(TypeError, match="'Value' and 'str'"):
        Value(1.0) + "a"  # type: ignore[operator]
    with pytest.raises(TypeError, match="'str' and 'Value'"):
        "a" - Value(1.0)  # type: ignore[operator]
    with pytest.raises(TypeError):
        Value(1.0) ** "2"  # type: ignore[operator]


def test_numbers_on_either_side_of_an_operator_become_constants() -> None:
    x = Value(3.0)
    assert (2 + x).data == 5.0
    assert (2 - x).data == -1.0
    assert (2 * x).data == 6.0
    assert (6 / x).data == 2.0
    assert (2**x).data == 8.0
    assert (x - 1).data == 2.0
    assert (-x).data == -3.0


# --- edges ----------------------------------------------------------------------------


def test_a_plus_a_has_two_edges_and_gradient_two() -> None:
    a = Value(3.0)
    b = a + a
    assert b.parents == (a, a)
    assert b._prev == (a, a)
    b.backward()
    assert a.grad == 2.0


def test_cube_by_repeated_multiplication() -> None:
    x = Value(2.0)
    y = x * x * x
    y.backward()
    assert y.data == 8.0
    assert x.grad == 12.0


def test_parents_are_in_operand_order() -> None:
    a, b = Value(1.0), Value(2.0)
    assert (a - b).parents[0] is a
    assert (b * a).parents == (b, a)
    assert (a / b).parents == (a, b)


# --- backward ---------------------------------------------------------------------------


def test_backward_twice_recomputes_interior_grads_and_accumulates_leaves() -> None:
    x = Value(2.0)
    h = x * 3.0
    y = h * h
    y.backward()
    assert (h.grad, x.grad) == (12.0, 36.0)
    y.backward()
    assert h.grad == 12.0  # interior: fresh, not 24
    assert x.grad == 72.0  # leaf: accumulated, as in PyTorch


def test_leaf_gradients_accumulate_across_graphs_until_zero_grad() -> None:
    w = Value(1.5)
    (w * 2.0).backward()
    (w * w).backward()
    assert w.grad == 2.0 + 3.0
    w.zero_grad()
    assert w.grad == 0.0


def test_backward_takes_a_seed_gradient() -> None:
    x = Value(3.0)
    y = x * x
    y.backward(grad=0.5)
    assert y.grad == 0.5
    assert x.grad == 3.0


def test_graph_is_kept_after_backward() -> None:
    x = Value(2.0, label="x")
    y = (x * 3.0).tanh()
    y.backward()
    first = x.grad
    assert y.parents[0].parents[0] is x
    x.zero_grad()
    y.backward()
    assert x.grad == first


def test_backward_through_a_chain_of_a_million_nodes() -> None:
    x, one = Value(1.0), Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y + one
    y.backward()
    assert y.data == 1_000_001.0
    assert x.grad == 1.0
    assert one.grad == 1_000_000.0


def test_backward_order_puts_every_node_after_all_its_users() -> None:
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    e = d * c
    order = backward_order(e)
    position = {node: i for i, node in enumerate(order)}
    for node in order:
        for parent in node.parents:
            assert position[parent] > position[node]
    assert len(order) == 5


# --- grad -------------------------------------------------------------------------------


def test_grad_returns_gradients_without_touching_grad() -> None:
    x, y = Value(2.0), Value(5.0)
    z = x * y + x
    gx, gy = grad(z, [x, y])
    assert (gx.data, gy.data) == (6.0, 2.0)
    assert (x.grad, y.grad, z.grad) == (0.0, 0.0, 0.0)


def test_grad_gives_zero_for_an_input_the_output_does_not_use() -> None:
    x, unused = Value(2.0), Value(1.0)
    (g,) = grad(x * x, [unused])
    assert g.data == 0.0


def test_grad_with_create_graph_gives_higher_derivatives() -> None:
    def third_derivative_numerically(x0: float, eps: float = 1e-4) -> float:
        def second(at: float) -> float:
            x = Value(at)
            (d1,) = grad(x.tanh() * x**3, x, create_graph=True)
            return grad(d1, x)[0].data

        return (second(x0 + eps) - second(x0 - eps)) / (2 * eps)

    x = Value(0.7)
    y = x.tanh() * x**3
    (dy,) = grad(y, x, create_graph=True)
    (d2y,) = grad(dy, x, create_graph=True)
    (d3y,) = grad(d2y, x)
    t = math.tanh(0.7)
    assert dy.data == pytest.approx((1 - t * t) * 0.7**3 + t * 3 * 0.7**2, rel=1e-12)
    assert d3y.data == pytest.approx(third_derivative_numerically(0.7), rel=1e-5)


def test_grad_sums_over_several_outputs_with_seeds() -> None:
    x = Value(3.0)
    (g,) = grad([x * x, x * 2.0], [x], grad_outputs=[1.0, 10.0])
    assert g.data == 6.0 + 20.0


def test_grad_refuses_non_values() -> None:
    with pytest.raises(TypeError, match="grad\\(\\) takes Values"):
        grad(1.0, [Value(1.0)])  # type: ignore[arg-type]


# --- gradcheck --------------------------------------------------------------------------


def test_gradcheck_passes_a_correct_gradient() -> None:
    result = gradcheck(lambda a, b: (a * b).sigmoid() + b.log(), [0.3, 2.0])
    assert result.ok
    assert "ok" in str(result)


def test_gradcheck_reports_the_worst_mismatch() -> None:
    # detach() hides b's dependence from the engine, so its analytic gradient is wrong.
    result = gradcheck(lambda a, b: a * b + b.detach() * b.detach(), [1.0, 3.0])
    assert not result.ok
    assert result.worst == 1
    assert result.analytic[1] == pytest.approx(1.0)
    assert result.numeric[1] == pytest.approx(7.0, rel=1e-6)
    assert "worst at input 1" in str(result)


# --- no_grad ---------------------------------------------------------------------------


def test_no_grad_records_no_parents() -> None:
    x = Value(2.0)
    with no_grad():
        y = x * x + 1.0
    assert y.data == 5.0
    assert y.parents == ()
    assert y.is_leaf


def test_enable_grad_inside_no_grad_records_again() -> None:
    x = Value(2.0)
    with no_grad(), enable_grad():
        y = x * x
    assert y.parents == (x, x)


def test_no_grad_is_per_thread() -> None:
    inside = threading.Barrier(2)
    done = threading.Barrier(2)
    results: dict[str, Value] = {}

    def quiet() -> None:
        with no_grad():
            inside.wait()
            results["quiet"] = Value(1.0) * 2.0
            done.wait()

    def recording() -> None:
        inside.wait()  # the other thread is inside no_grad now
        results["recording"] = Value(1.0) * 2.0
        done.wait()

    threads = [threading.Thread(target=quiet), threading.Thread(target=recording)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results["quiet"].parents == ()
    assert len(results["recording"].parents) == 2


def test_no_grad_works_as_a_decorator() -> None:
    @no_grad()
    def square(v: Value) -> Value:
        return v * v

    assert square(Value(3.0)).parents == ()


# --- memory -----------------------------------------------------------------------------


def test_graphs_are_freed_without_the_cycle_collector() -> None:
    gc.collect()
    gc.disable()
    try:
        x = Value(1.5)
        y = x
        for _ in range(1000):
            y = (y * 0.5 + x).tanh()
        y.backward()
        del y
        found = gc.collect()  # garbage only the cycle collector could free
    finally:
        gc.enable()
    assert found == 0


def test_a_deep_graph_is_freed_without_overflowing_the_stack() -> None:
    y = Value(0.0)
    for _ in range(200_000):
        y = y + 1.0
    del y  # deallocation of a long chain must not recurse


# --- detach, labels, repr ---------------------------------------------------------------


def test_detach_makes_a_leaf_with_the_same_data() -> None:
    x = Value(2.0)
    y = (x * 3.0).detach()
    assert y.data == 6.0
    assert y.is_leaf
    (y * x).backward()
    assert x.grad == 6.0


def test_repr_shows_data_grad_label_and_op() -> None:
    x = Value(2.0, label="x")
    assert repr(x) == "Value(data=2.0, grad=0.0, label='x')"
    assert repr(x * 2) == "Value(data=4.0, grad=0.0, op='*')"


def test_micrograd_op_strings() -> None:
    x = Value(2.0)
    assert x._op == ""
    assert (x**2)._op == "**2"
    assert (x**0.5)._op == "**0.5"

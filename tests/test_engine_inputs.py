"""Every real number is taken as a float, everything else is refused by name.

Each test here pins a case that once went wrong: NumPy integers negated before their
conversion, seeds that were not floats, labels that were not strings, exponents that
each made a new op.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd import Value, detect_anomaly, grad
from autograd.ops import OP_TABLE, POW_CONST


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [(5.0, np.uint8(3), 2.0), (100.0, np.uint8(200), -100.0), (0.0, np.int64(-(2**63)), 2.0**63)],
)
def test_subtracting_numpy_integers_converts_before_negating(
    left: float, right: object, expected: float
) -> None:
    assert (Value(left) - right).data == expected  # type: ignore[operator]


def test_numbers_minus_a_value_convert_first_too() -> None:
    assert (3 - Value(5.0)).data == -2.0


def test_numpy_bool_is_a_real_number_like_bool() -> None:
    assert Value(np.bool_(True)).data == 1.0
    assert (Value(2.0) * np.bool_(False)).data == 0.0


def test_a_label_that_is_not_a_string_is_refused() -> None:
    with pytest.raises(TypeError, match="label is a str, got int 5"):
        Value(2.0, label=5)  # type: ignore[arg-type]


def test_backward_seeds_with_a_python_float() -> None:
    x = Value(3.0)
    y = x * x
    y.backward(np.float32(0.5))
    assert type(x.grad) is float and x.grad == 3.0
    assert type(y.grad) is float


def test_backward_refuses_a_value_as_its_seed() -> None:
    x = Value(3.0)
    with pytest.raises(TypeError, match=r"backward\(grad\) takes a real number, got a Value"):
        (x * x).backward(Value(1.0))  # type: ignore[arg-type]
    assert x.grad == 0.0


def test_anomaly_mode_covers_grad_without_create_graph() -> None:
    x = Value(0.0)
    with detect_anomaly(), pytest.raises(FloatingPointError, match="backward of pow_const"):
        grad(x**0.5, [x])
    assert math.isinf(grad(x**0.5, [x])[0].data)  # outside the mode: IEEE's inf


def test_every_number_exponent_shares_one_op() -> None:
    before = len(OP_TABLE)
    x = Value(1.5)
    nodes = [x ** (1.0 + k / 1000) for k in range(1000)]
    assert len(OP_TABLE) == before
    assert {node.op for node in nodes} == {POW_CONST}
    assert nodes[500].symbol == "**1.5"
    assert nodes[500].data == 1.5**1.5


def test_a_label_set_later_to_a_non_string_is_drawn_as_its_text() -> None:
    from autograd.viz import draw_dot, explore

    x = Value(1.0)
    x.label = 5  # type: ignore[assignment]
    y = x * 2
    assert "<b>5</b>" in draw_dot(y).source
    assert 'data-name="5"' in explore(y)._repr_html_()

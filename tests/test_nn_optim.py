"""SGD and Adam: parameter lists, settable lr, zero_grad, errors (torch checks elsewhere)."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

import nn
from autograd import Value


def test_sgd_step_is_p_minus_lr_times_grad() -> None:
    p = Value(1.0)
    p.grad = 0.5
    nn.SGD([p], lr=0.1).step()
    assert p.data == 1.0 - 0.1 * 0.5


def test_lr_is_a_settable_attribute() -> None:
    p = Value(1.0)
    optimizer = nn.SGD([p], lr=0.1)
    optimizer.lr = 0.5
    p.grad = 1.0
    optimizer.step()
    assert p.data == 0.5


@pytest.mark.parametrize("factory", [nn.SGD, nn.Adam])
def test_zero_grad_zeroes_every_parameter(factory: type[nn.Optimizer]) -> None:
    params = [Value(1.0), Value(2.0)]
    for p in params:
        p.grad = 3.0
    factory(params, lr=0.1).zero_grad()
    assert [p.grad for p in params] == [0.0, 0.0]


@pytest.mark.parametrize("factory", [nn.SGD, nn.Adam])
def test_a_set_of_parameters_is_refused_with_advice(factory: type[nn.Optimizer]) -> None:
    with pytest.raises(TypeError, match="ordered list of parameters, got set; pass a list"):
        factory({Value(1.0)}, lr=0.1)


def test_a_generator_of_parameters_is_kept_as_a_list() -> None:
    model = nn.MLP(2, [2, 1], seed=0)
    optimizer = nn.SGD((p for p in model.parameters()), lr=0.1)
    assert optimizer.params == model.parameters()


def test_an_empty_parameter_list_is_refused() -> None:
    with pytest.raises(ValueError, match="empty list of parameters"):
        nn.Adam([], lr=0.1)


def test_a_non_value_parameter_is_refused() -> None:
    with pytest.raises(TypeError, match="parameter 0 is float, not a Value"):
        nn.SGD([1.0], lr=0.1)  # type: ignore[list-item]


def test_negative_lr_is_refused() -> None:
    with pytest.raises(ValueError, match="lr must be a number ≥ 0"):
        nn.SGD([Value(1.0)], lr=-1.0)


def test_nesterov_without_momentum_is_refused() -> None:
    with pytest.raises(ValueError, match="nesterov=True needs momentum > 0"):
        nn.SGD([Value(1.0)], lr=0.1, nesterov=True)


def test_adam_betas_outside_zero_one_are_refused() -> None:
    with pytest.raises(ValueError, match=r"betas\[1\] must be in \[0, 1\)"):
        nn.Adam([Value(1.0)], lr=0.1, betas=(0.9, 1.0))


def test_adam_first_step_moves_each_parameter_by_about_lr() -> None:
    p = Value(1.0)
    p.grad = 123.0
    nn.Adam([p], lr=0.01).step()
    assert p.data == pytest.approx(0.99, rel=1e-9)


def test_setting_a_negative_learning_rate_is_refused_and_keeps_the_old_one() -> None:
    model = nn.MLP(2, [2, 1], seed=0)
    optimizer = nn.Adam(model.parameters(), lr=0.01)
    with pytest.raises(ValueError, match="lr must be a number"):
        optimizer.lr = -0.5
    assert optimizer.lr == 0.01


@pytest.mark.parametrize("lr", [np.float32(0.5), Fraction(1, 2), np.float64(0.5)], ids=repr)
def test_lr_may_be_any_real_number_and_is_stored_as_a_float(lr: object) -> None:
    p = Value(1.0)
    p.grad = 1.0
    optimizer = nn.SGD([p], lr=lr)  # type: ignore[arg-type]
    optimizer.step()
    assert type(optimizer.lr) is float
    assert p.data == 0.5


@pytest.mark.parametrize("lr", ["0.1", None, True, math.nan], ids=repr)
def test_lr_that_is_not_a_real_number_is_refused_and_named(lr: object) -> None:
    with pytest.raises(ValueError, match=r"lr must be a number ≥ 0, got"):
        nn.SGD([Value(1.0)], lr=lr)  # type: ignore[arg-type]

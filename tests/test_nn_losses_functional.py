"""nn.functional and the losses: values, stability, shapes and errors (no PyTorch needed)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from autograd import Value

logits_lists = st.lists(st.floats(-1000, 1000), min_size=1, max_size=6)


def test_functional_exports_dot() -> None:
    assert nn.functional.dot is nn.dot
    assert nn.dot([1.0, 2.0], [3.0, 4.0]).data == 11.0


@given(logits_lists)
def test_softmax_is_a_probability_distribution_for_any_finite_logits(logits: list[float]) -> None:
    probabilities = [p.data for p in nn.softmax(logits)]
    assert all(0.0 <= p <= 1.0 for p in probabilities)
    assert math.fsum(probabilities) == pytest.approx(1.0, abs=1e-12)


@given(logits_lists)
def test_log_softmax_is_log_of_softmax(logits: list[float]) -> None:
    logs = [v.data for v in nn.log_softmax(logits)]
    assert all(math.isfinite(v) for v in logs)
    softmax = [p.data for p in nn.softmax(logits)]
    for log_p, p in zip(logs, softmax):
        if p > 1e-300:
            assert log_p == pytest.approx(math.log(p), abs=1e-9)


@given(logits_lists)
def test_logsumexp_is_at_least_the_max_and_finite(logits: list[float]) -> None:
    value = nn.logsumexp(logits).data
    assert max(logits) <= value <= max(logits) + math.log(len(logits)) + 1e-9


def test_softmax_subtracts_the_max_so_huge_logits_do_not_overflow() -> None:
    assert [p.data for p in nn.softmax([1000.0, 1000.0])] == [0.5, 0.5]


def test_softmax_of_an_empty_list_is_refused() -> None:
    with pytest.raises(ValueError, match="non-empty list"):
        nn.softmax([])


def test_mse_loss_of_one_sample_is_the_mean_over_outputs() -> None:
    assert nn.mse_loss([Value(1.0), Value(3.0)], [0.0, 1.0]).data == (1.0 + 4.0) / 2


def test_mse_loss_of_a_batch_is_the_mean_over_every_element() -> None:
    loss = nn.mse_loss([[1.0, 2.0], [3.0, 4.0]], [[0.0, 0.0], [0.0, 0.0]])
    assert loss.data == (1 + 4 + 9 + 16) / 4


def test_mse_loss_of_a_scalar() -> None:
    assert nn.mse_loss(Value(3.0), 1.0).data == 4.0


def test_mae_loss_is_the_mean_absolute_difference() -> None:
    assert nn.mae_loss([Value(1.0), Value(-3.0)], [2.0, 1.0]).data == (1.0 + 4.0) / 2


def test_mae_loss_gradient_at_zero_difference_is_zero() -> None:
    p = Value(2.0)
    nn.mae_loss([p], [2.0]).backward()
    assert p.grad == 0.0


def test_loss_with_mismatched_shapes_names_both_counts() -> None:
    with pytest.raises(ValueError, match="got 2 predictions and 3 targets"):
        nn.mse_loss([1.0, 2.0], [1.0, 2.0, 3.0])


def test_cross_entropy_of_one_sample_is_minus_log_softmax_at_target() -> None:
    logits = [1.0, 2.0, 0.5]
    expected = -math.log(math.exp(2.0) / sum(math.exp(v) for v in logits))
    assert nn.cross_entropy(logits, 1).data == pytest.approx(expected, rel=1e-15)


def test_cross_entropy_of_a_batch_is_the_mean() -> None:
    one = nn.cross_entropy([1.0, 2.0], 0).data
    two = nn.cross_entropy([3.0, -1.0], 1).data
    batch = nn.cross_entropy([[1.0, 2.0], [3.0, -1.0]], [0, 1]).data
    assert batch == pytest.approx((one + two) / 2, rel=1e-15)


def test_cross_entropy_of_extreme_logits_is_finite_with_finite_gradients() -> None:
    logits = [Value(1000.0), Value(-1000.0)]
    loss = nn.cross_entropy(logits, 1)
    loss.backward()
    assert loss.data == 2000.0
    assert [v.grad for v in logits] == [1.0, -1.0]


def test_cross_entropy_refuses_an_out_of_range_target() -> None:
    with pytest.raises(ValueError, match=r"class index in 0..2, got 3"):
        nn.cross_entropy([1.0, 2.0, 3.0], 3)


def test_bce_with_logits_is_stable_for_extreme_logits() -> None:
    x = Value(-1000.0)
    loss = nn.binary_cross_entropy_with_logits(x, 1.0)
    loss.backward()
    assert loss.data == 1000.0
    assert x.grad == -1.0


def test_bce_with_logits_at_zero_has_gradient_half_minus_target() -> None:
    x = Value(0.0)
    nn.binary_cross_entropy_with_logits(x, 1.0).backward()
    assert x.data == 0.0 and x.grad == -0.5


def test_hinge_loss_is_mean_of_relu_one_minus_margin() -> None:
    scores = [Value(2.0), Value(0.5), Value(-1.0)]
    assert nn.hinge_loss(scores, [1, 1, 1]).data == (0.0 + 0.5 + 2.0) / 3


def test_hinge_loss_refuses_zero_one_labels_and_says_how_to_map_them() -> None:
    with pytest.raises(ValueError, match=r"labels -1 or \+1, got 0; map 0/1 labels"):
        nn.hinge_loss([Value(1.0)], [0])


def test_l2_penalty_is_the_sum_of_squares_in_one_node() -> None:
    params = [Value(3.0), Value(4.0)]
    penalty = nn.l2_penalty(params)
    penalty.backward()
    assert penalty.data == 25.0
    assert penalty._op == "Σ w·x"
    assert [p.grad for p in params] == [6.0, 8.0]

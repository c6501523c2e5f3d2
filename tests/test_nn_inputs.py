"""What fit and the losses take: any real number Value() takes, NumPy arrays as rows; else
a TypeError naming what was given. (NumPy is a test dependency only; nn never imports it.)"""

from __future__ import annotations

import math
import subprocess
import sys
from fractions import Fraction
from typing import Any

import numpy as np
import pytest

import nn
from autograd import Value


def history_of(X: Any, y: Any, loss: nn.training.Loss, compile: bool = False) -> nn.History:
    model = nn.MLP(2, [4, 3], seed=0) if loss is nn.cross_entropy else nn.MLP(2, [4, 1], seed=0)
    optimizer = nn.SGD(model.parameters(), lr=0.1)
    return nn.fit(model, X, y, loss, optimizer, 3, progress=False, compile=compile)


def test_fit_takes_numpy_arrays_as_rows_and_targets() -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    optimizer = nn.SGD(model.parameters(), lr=0.1)
    history = nn.fit(
        model, np.zeros((4, 2)), np.zeros(4), nn.mse_loss, optimizer, 1, progress=False
    )
    assert history.loss == [0.0]


@pytest.mark.parametrize("compile", [False, True])
def test_fit_on_numpy_arrays_gives_the_history_of_fit_on_lists(compile: bool) -> None:
    X, y = nn.make_blobs(12, centers=3, seed=1)
    as_lists = history_of(X, y, nn.cross_entropy, compile)
    as_arrays = history_of(np.array(X), np.array(y), nn.cross_entropy, compile)
    assert as_arrays == as_lists
    assert all(accuracy is not None for accuracy in as_arrays.accuracy)


def test_fit_with_numpy_hinge_labels_counts_accuracy() -> None:
    X, labels = nn.make_moons(10, seed=2)
    y = [2 * label - 1 for label in labels]
    as_lists = history_of(X, y, nn.hinge_loss)
    as_arrays = history_of(np.array(X), np.array(y), nn.hinge_loss)
    assert as_arrays == as_lists
    assert as_arrays.accuracy[0] is not None


@pytest.mark.parametrize(
    "target",
    [np.float32(0.5), np.float64(0.5), np.int64(1), np.uint8(200), Fraction(1, 3), True],
    ids=repr,
)
@pytest.mark.parametrize("loss", [nn.mse_loss, nn.mae_loss, nn.binary_cross_entropy_with_logits])
def test_losses_take_any_real_target_as_its_float(target: object, loss: Any) -> None:
    prediction = Value(2.0)
    assert loss(prediction, target).data == loss(Value(2.0), Value(target).data).data
    assert loss([prediction], [target]).data == loss(prediction, target).data


def test_losses_take_numpy_arrays_of_predictions_and_targets() -> None:
    predictions = [[Value(1.0), Value(2.0)], [Value(3.0), Value(4.0)]]
    targets = np.array([[1.5, 2.0], [2.0, 5.0]], dtype=np.float32)
    assert nn.mse_loss(predictions, targets).data == nn.mse_loss(predictions, targets.tolist()).data
    assert nn.mse_loss(np.array([1.0, 3.0]), [0.0, 1.0]).data == 2.5


def test_cross_entropy_takes_numpy_class_indices() -> None:
    logits = [[1.0, 2.0, 0.5], [0.1, -1.0, 3.0]]
    expected = nn.cross_entropy(logits, [1, 2]).data
    assert nn.cross_entropy(logits, np.array([1, 2])).data == expected
    assert nn.cross_entropy(np.array(logits), np.array([1, 2])).data == expected
    assert nn.cross_entropy(logits[0], np.int64(1)).data == nn.cross_entropy(logits[0], 1).data
    as_float32 = np.array(logits[0], dtype=np.float32)
    assert nn.cross_entropy(as_float32, 1).data == nn.cross_entropy(as_float32.tolist(), 1).data


def test_hinge_loss_takes_numpy_labels() -> None:
    scores = [Value(2.0), Value(-0.5)]
    assert nn.hinge_loss(scores, np.array([1, -1])).data == nn.hinge_loss(scores, [1, -1]).data


@pytest.mark.parametrize("loss", [nn.mse_loss, nn.mae_loss, nn.hinge_loss])
@pytest.mark.parametrize(
    ("target", "named"),
    [
        ("a", "str 'a'"),
        (["a"], "str 'a'"),
        (b"\x01", "bytes"),
        (None, "NoneType None"),
        (1j, "complex 1j"),
        ([[0.5, "x"]], "str 'x'"),
    ],
)
def test_losses_refuse_a_target_that_is_not_a_real_number_and_name_it(
    loss: Any, target: object, named: str
) -> None:
    with pytest.raises(TypeError, match=rf"{loss.__name__}\(\) takes real numbers.*got {named}"):
        loss([Value(1.0)], target)


def test_a_string_prediction_is_refused_and_named() -> None:
    with pytest.raises(TypeError, match=r"mse_loss\(\) takes real numbers.*got str 'ab'"):
        nn.mse_loss("ab", [1.0, 2.0])


@pytest.mark.parametrize(
    ("target", "named"),
    [
        ("a", "str 'a'"),
        (1.0, "float 1.0"),
        (None, "NoneType"),
        ([0, "b"], "str 'b'"),
        (np.float64(1.0), "float64"),
        (True, "bool True"),
    ],
)
def test_cross_entropy_refuses_a_target_that_is_not_a_class_index(
    target: object, named: str
) -> None:
    logits = [[1.0, 2.0], [0.5, 0.0]] if isinstance(target, list) else [1.0, 2.0]
    with pytest.raises(TypeError, match=rf"cross_entropy\(\) takes class indices.*got {named}"):
        nn.cross_entropy(logits, target)  # type: ignore[arg-type]


def test_fit_with_string_targets_is_a_type_error_naming_them() -> None:
    model = nn.MLP(2, [2, 1], seed=0)
    optimizer = nn.SGD(model.parameters(), lr=0.1)
    with pytest.raises(TypeError, match="got str 'yes'"):
        nn.fit(model, [[0.0, 1.0]], ["yes"], nn.mse_loss, optimizer, 1, progress=False)
    assert all(math.isfinite(p.data) for p in model.parameters())


def test_nn_does_not_import_numpy() -> None:
    code = "import sys, nn; print('numpy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


@pytest.mark.parametrize("x", [np.float32(1.0), Fraction(1, 2), "ab"], ids=repr)
def test_softmax_of_one_number_or_a_string_is_refused_as_not_a_list(x: object) -> None:
    with pytest.raises(ValueError, match=r"softmax\(\) takes a non-empty list"):
        nn.softmax(x)  # type: ignore[arg-type]


def test_softmax_takes_a_numpy_array() -> None:
    x = np.array([1.0, 2.0, 3.0], dtype=np.float32)
    assert [p.data for p in nn.softmax(x)] == [p.data for p in nn.softmax(x.tolist())]

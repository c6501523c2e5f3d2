"""The 8x8 handwritten digits shipped in the package, and train_test_split."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from importlib import resources

import pytest

import nn

# The first image of scikit-learn's load_digits(), a 0, row by row from the top left.
FIRST_IMAGE = [
    0, 0, 5, 13, 9, 1, 0, 0,
    0, 0, 13, 15, 10, 15, 5, 0,
    0, 3, 15, 2, 0, 11, 8, 0,
    0, 4, 12, 0, 0, 8, 8, 0,
    0, 5, 8, 0, 0, 9, 8, 0,
    0, 4, 11, 0, 1, 12, 7, 0,
    0, 2, 14, 5, 10, 12, 0, 0,
    0, 0, 6, 13, 10, 0, 0, 0,
]  # fmt: skip
# scikit-learn's class counts for the digits 0 to 9.
CLASS_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def test_digits_are_1797_rows_of_64_float_pixels_in_0_to_16() -> None:
    X, y = nn.load_digits()
    assert len(X) == len(y) == 1797
    assert all(len(row) == 64 for row in X)
    assert all(type(v) is float and v == int(v) and 0 <= v <= 16 for row in X for v in row)
    assert {v for row in X for v in row} == {float(v) for v in range(17)}


def test_digits_labels_are_ints_with_scikit_learns_class_counts() -> None:
    _, y = nn.load_digits()
    assert all(type(label) is int for label in y)
    counts = Counter(y)
    assert [counts[digit] for digit in range(10)] == CLASS_COUNTS


def test_first_digit_is_scikit_learns_first_image() -> None:
    X, y = nn.load_digits()
    assert X[0] == [float(v) for v in FIRST_IMAGE]
    assert y[:10] == list(range(10))


def test_scaled_digits_are_the_pixels_divided_by_16() -> None:
    X, _ = nn.load_digits()
    scaled, labels = nn.load_digits(scaled=True)
    assert scaled[0] == [v / 16 for v in FIRST_IMAGE]
    assert scaled == [[v / 16 for v in row] for row in X]
    assert min(min(row) for row in scaled) == 0.0 and max(max(row) for row in scaled) == 1.0
    assert labels == nn.load_digits()[1]


def test_scaled_must_be_a_bool() -> None:
    with pytest.raises(TypeError, match="scaled must be True or False"):
        nn.load_digits(scaled="yes")  # type: ignore[arg-type]


def test_digits_load_without_network_or_scikit_learn() -> None:
    code = (
        "import socket, sys\n"
        "def refuse(*args, **kwargs): raise OSError('network used')\n"
        "socket.socket = refuse; socket.create_connection = refuse\n"
        "sys.modules['sklearn'] = None\n"
        "import nn\n"
        "X, y = nn.load_digits()\n"
        "print(len(X), 'sklearn' in sys.modules and sys.modules['sklearn'] is not None)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["1797", "False"]


def test_licence_and_citation_ship_beside_the_data() -> None:
    text = resources.files("nn").joinpath("datasets/digits-LICENSE.txt").read_text("utf-8")
    assert "CC BY 4.0" in text
    assert "Alpaydin, E. & Kaynak, C. (1998)" in text
    assert "https://doi.org/10.24432/C50P49" in text


def test_split_holds_out_the_ceiling_of_the_fraction_like_scikit_learn() -> None:
    X, y = nn.load_digits()
    X_train, X_test, y_train, y_test = nn.train_test_split(X, y, 0.2, seed=0)
    assert (len(X_train), len(X_test), len(y_train), len(y_test)) == (1437, 360, 1437, 360)


def test_split_is_a_partition_of_the_samples_that_keeps_pairs_together() -> None:
    X = [[float(i), float(-i)] for i in range(10)]
    y = list(range(10))
    X_train, X_test, y_train, y_test = nn.train_test_split(X, y, 0.3, seed=1)
    assert sorted(y_train + y_test) == y
    assert len(y_test) == 3
    assert all(row[0] == label for row, label in zip(X_train + X_test, y_train + y_test))


def test_split_with_the_same_seed_is_the_same_and_another_seed_differs() -> None:
    X = [[float(i)] for i in range(50)]
    y = list(range(50))
    assert nn.train_test_split(X, y, seed=3) == nn.train_test_split(X, y, seed=3)
    assert nn.train_test_split(X, y, seed=3) != nn.train_test_split(X, y, seed=4)


def test_split_refuses_inputs_and_targets_of_different_lengths() -> None:
    with pytest.raises(ValueError, match="one target per input, got 3 inputs and 2 targets"):
        nn.train_test_split([[1.0], [2.0], [3.0]], [0, 1])


@pytest.mark.parametrize("fraction", [0, 1, 1.5, -0.2, True, "0.2"])
def test_split_refuses_a_fraction_outside_0_to_1(fraction: object) -> None:
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        nn.train_test_split([[1.0], [2.0]], [0, 1], fraction)  # type: ignore[arg-type]


def test_split_refuses_a_fraction_that_leaves_nothing_to_train() -> None:
    with pytest.raises(ValueError, match="leaves 2 to test and 0 to train"):
        nn.train_test_split([[1.0], [2.0]], [0, 1], 0.9)

"""train_test_split: a seeded shuffle cut into a training part and a held-out part."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from numbers import Real
from typing import TypeVar

__all__ = ["train_test_split"]

Row = TypeVar("Row")
Target = TypeVar("Target")


def train_test_split(
    X: Sequence[Row],
    y: Sequence[Target],
    test_fraction: float = 0.2,
    seed: int | None = None,
) -> tuple[list[Row], list[Row], list[Target], list[Target]]:
    """Return ``(X_train, X_test, y_train, y_test)``, as scikit-learn's function does.

    The samples are shuffled by ``random.Random(seed)``, then the first
    ``ceil(test_fraction * n)`` go to the test part (scikit-learn rounds the same way: 20%
    of 1,797 is 360 test samples and 1,437 training ones). Rows are shared, not copied.
    """
    if len(X) != len(y):
        raise ValueError(
            f"train_test_split() needs one target per input, got {len(X)} inputs and "
            f"{len(y)} targets"
        )
    if (
        isinstance(test_fraction, bool)
        or not isinstance(test_fraction, Real)
        or not 0 < test_fraction < 1
    ):
        raise ValueError(
            f"test_fraction must be a number strictly between 0 and 1, got {test_fraction!r}"
        )
    test_size = math.ceil(test_fraction * len(X))
    if not 0 < test_size < len(X):
        raise ValueError(
            f"test_fraction={test_fraction} of {len(X)} samples leaves "
            f"{test_size} to test and {len(X) - test_size} to train; both need at least one"
        )
    order = list(range(len(X)))
    random.Random(seed).shuffle(order)
    test, train = order[:test_size], order[test_size:]
    return [X[i] for i in train], [X[i] for i in test], [y[i] for i in train], [y[i] for i in test]

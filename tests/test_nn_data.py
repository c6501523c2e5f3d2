"""The toy data sets: sizes, labels, seeding."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import nn

MAKERS: list[tuple[Callable[..., Any], int]] = [
    (nn.make_moons, 2),
    (nn.make_circles, 2),
    (nn.make_blobs, 3),
    (nn.make_spiral, 3),
]


@pytest.mark.parametrize(("make", "classes"), MAKERS)
def test_returns_n_two_dimensional_points_with_int_labels(
    make: Callable[..., Any], classes: int
) -> None:
    X, y = make(31, seed=0)
    assert len(X) == len(y) == 31
    assert all(len(point) == 2 and all(isinstance(v, float) for v in point) for point in X)
    assert set(y) == set(range(classes))


@pytest.mark.parametrize(("make", "classes"), MAKERS)
def test_same_seed_gives_same_data(make: Callable[..., Any], classes: int) -> None:
    assert make(20, seed=4) == make(20, seed=4)


@pytest.mark.parametrize(("make", "classes"), MAKERS)
def test_different_seeds_give_different_data(make: Callable[..., Any], classes: int) -> None:
    assert make(20, seed=4) != make(20, seed=5)


def test_moons_without_noise_lie_on_their_half_circles() -> None:
    X, y = nn.make_moons(50, noise=0.0, seed=0)
    for (a, b), label in zip(X, y):
        if label == 0:
            assert a * a + b * b == pytest.approx(1.0)
        else:
            assert (a - 1.0) ** 2 + (b - 0.5) ** 2 == pytest.approx(1.0)


def test_moons_classes_are_balanced() -> None:
    _, y = nn.make_moons(101, seed=0)
    assert y.count(0) == 50 and y.count(1) == 51


@pytest.mark.parametrize("n", [0, -3, 2.5])
def test_bad_sizes_are_refused(n: Any) -> None:
    with pytest.raises(ValueError, match="positive int"):
        nn.make_moons(n)


def test_negative_noise_is_refused() -> None:
    with pytest.raises(ValueError, match="noise"):
        nn.make_circles(10, noise=-0.1)

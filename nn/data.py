"""Small 2-D classification data sets, in pure Python and seeded.

Each returns ``(X, y)``: ``X`` a list of ``[x1, x2]`` points and ``y`` a list of int class
labels 0, 1, ... (as scikit-learn's generators). For ``hinge_loss``, which wants labels
-1 and +1, use ``[2 * label - 1 for label in y]``.
"""

from __future__ import annotations

import math
import random

__all__ = ["make_moons", "make_circles", "make_blobs", "make_spiral"]

Dataset = tuple[list[list[float]], list[int]]


def _check(n: int, noise: float) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n (the number of points) must be a positive int, got {n!r}")
    if not noise >= 0:
        raise ValueError(f"noise (a standard deviation) must be ≥ 0, got {noise!r}")


def _shuffled(points: list[list[float]], labels: list[int], rng: random.Random) -> Dataset:
    order = list(range(len(points)))
    rng.shuffle(order)
    return [points[i] for i in order], [labels[i] for i in order]


def _spread(count: int, span: float) -> list[float]:
    """``count`` evenly spaced numbers from 0 to ``span`` inclusive."""
    if count == 1:
        return [0.0]
    return [span * i / (count - 1) for i in range(count)]


def make_moons(n: int = 100, noise: float = 0.1, seed: int | None = None) -> Dataset:
    """Return two interleaving half circles: label 0 is (cos t, sin t), label 1 is
    (1 - cos t, 1/2 - sin t), t in [0, π], plus Gaussian noise of std ``noise``."""
    _check(n, noise)
    rng = random.Random(seed)
    upper = n // 2
    points, labels = [], []
    for t in _spread(upper, math.pi) if upper else []:
        points.append([math.cos(t), math.sin(t)])
        labels.append(0)
    for t in _spread(n - upper, math.pi):
        points.append([1.0 - math.cos(t), 0.5 - math.sin(t)])
        labels.append(1)
    for point in points:
        point[0] += rng.gauss(0.0, noise)
        point[1] += rng.gauss(0.0, noise)
    return _shuffled(points, labels, rng)


def make_circles(
    n: int = 100, noise: float = 0.05, factor: float = 0.5, seed: int | None = None
) -> Dataset:
    """Return two concentric circles: label 0 of radius 1, label 1 of radius ``factor``."""
    _check(n, noise)
    if not 0 < factor < 1:
        raise ValueError(f"factor (inner radius / outer radius) must be in (0, 1), got {factor}")
    rng = random.Random(seed)
    outer = n // 2
    points, labels = [], []
    for label, count, radius in ((0, outer, 1.0), (1, n - outer, factor)):
        for i in range(count):
            t = 2 * math.pi * i / count
            points.append(
                [
                    radius * math.cos(t) + rng.gauss(0.0, noise),
                    radius * math.sin(t) + rng.gauss(0.0, noise),
                ]
            )
            labels.append(label)
    return _shuffled(points, labels, rng)


def make_blobs(
    n: int = 100, centers: int = 3, std: float = 1.0, seed: int | None = None
) -> Dataset:
    """Return ``centers`` Gaussian blobs of std ``std`` around centers drawn in [-10, 10]²."""
    _check(n, std)
    if isinstance(centers, bool) or not isinstance(centers, int) or centers < 1:
        raise ValueError(f"centers (the number of blobs) must be a positive int, got {centers}")
    rng = random.Random(seed)
    middles = [(rng.uniform(-10, 10), rng.uniform(-10, 10)) for _ in range(centers)]
    points, labels = [], []
    for i in range(n):
        label = i % centers
        cx, cy = middles[label]
        points.append([cx + rng.gauss(0.0, std), cy + rng.gauss(0.0, std)])
        labels.append(label)
    return _shuffled(points, labels, rng)


def make_spiral(
    n: int = 100, classes: int = 3, noise: float = 0.2, seed: int | None = None
) -> Dataset:
    """Return ``classes`` interleaved spiral arms (CS231n's spiral), n points in all.

    Arm k's i-th point is r (sin θ, cos θ) with r = i / (m - 1) in [0, 1] and
    θ = 4 (k + r) + noise · N(0, 1).
    """
    _check(n, noise)
    if isinstance(classes, bool) or not isinstance(classes, int) or classes < 1:
        raise ValueError(f"classes (the number of arms) must be a positive int, got {classes}")
    rng = random.Random(seed)
    points, labels = [], []
    for label in range(classes):
        count = n // classes + (1 if label < n % classes else 0)
        for r in _spread(count, 1.0):
            theta = 4.0 * (label + r) + rng.gauss(0.0, noise)
            points.append([r * math.sin(theta), r * math.cos(theta)])
            labels.append(label)
    return _shuffled(points, labels, rng)

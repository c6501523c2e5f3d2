"""Float arithmetic with IEEE results, as PyTorch float64 gives them.

Python's float operators raise where IEEE returns a value (``1.0 / 0.0``,
``math.exp(1000)``, ``0.0 ** -1``) and ``**`` may even return a complex number. These
functions return what C's ``pow``, ``exp`` and ``log`` return instead: ``inf``, ``-inf``
or ``nan``. They are the float helpers every derivative rule may use
(:data:`autograd.ops.FLOAT_MATH`), and the names generated code calls.
"""

from __future__ import annotations

import math

__all__ = [
    "safe_div",
    "safe_pow",
    "safe_exp",
    "safe_log",
    "stable_sigmoid",
    "safe_log1p",
]


def _is_odd_integer(y: float) -> bool:
    return y % 2.0 == 1.0


def _is_integer(y: float) -> bool:
    return y == math.floor(y)


def safe_div(x: float, y: float) -> float:
    """Return ``x / y`` with IEEE results: ``1/0 = inf``, ``-1/0 = -inf``, ``0/0 = nan``."""
    try:
        return x / y
    except ZeroDivisionError:
        if x != x or x == 0.0:
            return math.nan
        return math.copysign(math.inf, x) * math.copysign(1.0, y)


def safe_pow(x: float, y: float) -> float:
    """Return ``x ** y`` as C's ``pow`` does: ``inf`` on overflow, ``nan`` not complex."""
    try:
        result = x**y
    except ZeroDivisionError:  # 0.0 ** negative: a pole, signed for odd integer exponents
        return math.copysign(math.inf, x) if _is_odd_integer(y) else math.inf
    except OverflowError:
        # Python raises this for a result too large, also when it would be complex (a
        # negative base, a fractional exponent): C's pow gives nan for that whatever its size.
        if x > 0.0:
            return math.inf
        if not _is_integer(y):
            return math.nan
        return -math.inf if _is_odd_integer(y) else math.inf
    if type(result) is complex:  # negative base, fractional exponent
        return math.nan
    return result  # type: ignore[no-any-return]


def safe_exp(x: float) -> float:
    """Return ``e ** x``; ``inf`` where it overflows."""
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def safe_log(x: float) -> float:
    """Return the natural log: ``-inf`` at 0, ``nan`` below 0 or for nan."""
    if x > 0.0:
        return math.log(x)
    if x == 0.0:
        return -math.inf
    return math.nan


def safe_log1p(x: float) -> float:
    """Return ``log(1 + x)``, accurate for tiny x: ``-inf`` at -1, ``nan`` below or for nan."""
    if x > -1.0:
        return math.log1p(x)
    if x == -1.0:
        return -math.inf
    return math.nan


def stable_sigmoid(x: float) -> float:
    """Return ``1 / (1 + e^-x)`` without an exception for any x: 0.0 below about -709.78.

    This is PyTorch's float64 formula, so results are the same bit for bit. (Below
    -709.78 the true value is subnormal, down to 5e-324 at -744.4; PyTorch gives 0.0 there.)
    """
    try:
        return 1.0 / (1.0 + math.exp(-x))
    except OverflowError:  # e^-x is inf, and 1 / inf is 0
        return 0.0

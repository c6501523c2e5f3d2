"""The 8x8 handwritten digits: a real data set shipped inside the package.

1,797 images of the digits 0-9 from the UCI "Optical Recognition of Handwritten Digits"
data (CC BY 4.0; Alpaydin & Kaynak, 1998, https://doi.org/10.24432/C50P49), the same file
scikit-learn ships. It is read from ``nn/datasets/digits.csv.gz`` with
``importlib.resources``: no network, no scikit-learn. The licence and citation are in
``nn/datasets/digits-LICENSE.txt``.
"""

from __future__ import annotations

import gzip
from importlib import resources

__all__ = ["load_digits", "DIGITS_SIDE", "DIGITS_FILE", "DIGITS_LICENSE"]

#: Pixels per side of an image; an image is a row of DIGITS_SIDE ** 2 = 64 values.
DIGITS_SIDE = 8
#: The data file and its licence, inside the ``nn`` package.
DIGITS_FILE = "datasets/digits.csv.gz"
DIGITS_LICENSE = "datasets/digits-LICENSE.txt"

_PIXEL_MAX = 16


def load_digits(scaled: bool = False) -> tuple[list[list[float]], list[int]]:
    """Return ``(X, y)``: 1,797 images as rows of 64 floats and their int labels 0-9.

    A row reads the 8x8 image row by row from the top left; pixel values are the integers
    0..16 as floats, or divided by 16 into [0, 1] with ``scaled=True`` (what a network
    trains on best). The order is the file's, as scikit-learn's ``load_digits`` gives it;
    :func:`nn.train_test_split` shuffles and splits.
    """
    if not isinstance(scaled, bool):
        raise TypeError(f"scaled must be True or False, got {type(scaled).__name__} {scaled!r}")
    resource = resources.files("nn").joinpath(DIGITS_FILE)
    try:
        text = gzip.decompress(resource.read_bytes()).decode("ascii")
    except FileNotFoundError:
        raise FileNotFoundError(
            f"the digits data file {DIGITS_FILE!r} is missing from the installed nn package; "
            f"reinstall glassgrad (pip install --force-reinstall glassgrad)"
        ) from None
    divisor = float(_PIXEL_MAX) if scaled else 1.0
    X: list[list[float]] = []
    y: list[int] = []
    for line in text.splitlines():
        *pixels, label = line.split(",")
        X.append([int(pixel) / divisor for pixel in pixels])
        y.append(int(label))
    return X, y

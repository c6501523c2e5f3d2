"""What ``python -m nn`` draws for any data set: matplotlib, when it is installed, and the
loss curve. The plots of one data set (a decision boundary, a confusion matrix) stay
with that data set's run."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["pyplot", "save_loss_curve"]


def pyplot() -> Any | None:
    """Return ``matplotlib.pyplot`` drawing to files only, or None (saying why) without it."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(
            "skipped the plots: matplotlib is not installed "
            "(pip install 'glassgrad[plots]', or run 'make demo')",
            file=sys.stderr,
        )
        return None
    return plt


def save_loss_curve(plt: Any, losses: Sequence[float], what: str, path: Path) -> Path:
    """Plot the loss per epoch (``what`` names the loss on the y axis) into ``path``."""
    figure, axes = plt.subplots(figsize=(5, 3.5))
    axes.plot(range(1, len(losses) + 1), losses)
    axes.set_xlabel("epoch")
    axes.set_ylabel(f"loss ({what})")
    axes.set_title("training loss")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path

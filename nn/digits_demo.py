"""``python -m nn --dataset digits``: a classifier of the 8x8 handwritten digits.

An MLP 64-32-10 (ReLU hidden layer, linear output) trained with cross-entropy and Adam
(lr 0.01) on mini-batches of 32, on a seeded 80/20 split of :func:`nn.load_digits` with
pixels scaled to [0, 1]. It prints the held-out accuracy and writes ``model.json``,
``loss.png``, ``confusion_matrix.png`` and ``misclassified.png``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import nn
from autograd import Value, no_grad
from nn.digits import DIGITS_SIDE

__all__ = ["run_digits", "predict_classes", "confusion_matrix", "LEARNING_RATE"]

#: Adam's learning rate for the digits.
LEARNING_RATE = 0.01
#: The share of the images held out for testing.
TEST_FRACTION = 0.2
#: Misclassified images drawn at most, in a grid of this many columns.
GRID_IMAGES = 40
GRID_COLUMNS = 8


def predict_classes(model: nn.MLP, X: Sequence[Sequence[float]]) -> list[int]:
    """Return the model's class for each row: the index of its largest output."""
    predictions = []
    with no_grad():
        for row in X:
            outputs = model(row)
            scores = [v.data for v in outputs] if isinstance(outputs, list) else [outputs.data]
            predictions.append(scores.index(max(scores)))
    return predictions


def confusion_matrix(
    targets: Sequence[int], predictions: Sequence[int], classes: int
) -> list[list[int]]:
    """Return ``counts[true][predicted]``: how often class ``true`` was called ``predicted``."""
    counts = [[0] * classes for _ in range(classes)]
    for target, prediction in zip(targets, predictions):
        counts[target][prediction] += 1
    return counts


def run_digits(
    *,
    epochs: int,
    hidden: Sequence[int],
    batch_size: int | None,
    seed: int,
    compile: bool,
    out: Path,
) -> list[Path]:
    """Train on the digits, print the accuracies, write the outputs; return their paths."""
    X, y = nn.load_digits(scaled=True)
    X_train, X_test, y_train, y_test = nn.train_test_split(X, y, TEST_FRACTION, seed=seed)
    classes = max(y) + 1
    model = nn.MLP(len(X[0]), [*hidden, classes], seed=seed)
    optimizer = nn.Adam(model.parameters(), lr=LEARNING_RATE)
    widths = "-".join(str(width) for width in (len(X[0]), *hidden, classes))
    batches = "full batch" if batch_size is None else f"batches of {batch_size}"
    print(
        f"digits: {len(X_train)} training and {len(X_test)} held-out images; MLP {widths}, "
        f"cross-entropy, Adam lr {LEARNING_RATE}, {batches}, "
        f"{'compiled' if compile else 'eager'}"
    )

    def loss(logits: list[Any], targets: list[Any]) -> Value:
        return nn.cross_entropy(logits, targets)

    history = nn.fit(
        model,
        X_train,
        y_train,
        loss,
        optimizer,
        epochs=epochs,
        batch_size=batch_size,
        seed=seed,
        compile=compile,
    )
    train_accuracy = _accuracy(y_train, predict_classes(model, X_train))
    predictions = predict_classes(model, X_test)
    correct = sum(p == t for p, t in zip(predictions, y_test))
    print(
        f"final loss {history.loss[-1]:.4f}, training accuracy {train_accuracy:.1%}, "
        f"held-out accuracy {correct / len(y_test):.1%} ({correct} of {len(y_test)})"
    )

    out.mkdir(parents=True, exist_ok=True)
    model.save(out / "model.json")
    written = [out / "model.json"]
    written += _plots(history, X_test, y_test, predictions, classes, out)
    return written


def _accuracy(targets: Sequence[int], predictions: Sequence[int]) -> float:
    return sum(p == t for p, t in zip(predictions, targets)) / len(targets)


def _plots(
    history: nn.History,
    X_test: list[list[float]],
    y_test: list[int],
    predictions: list[int],
    classes: int,
    out: Path,
) -> list[Path]:
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
        return []
    figure, axes = plt.subplots(figsize=(5, 3.5))
    axes.plot(range(1, len(history.loss) + 1), history.loss)
    axes.set_xlabel("epoch")
    axes.set_ylabel("loss (cross-entropy)")
    axes.set_title("training loss")
    figure.tight_layout()
    figure.savefig(out / "loss.png", dpi=100)
    plt.close(figure)

    counts = confusion_matrix(y_test, predictions, classes)
    figure, axes = plt.subplots(figsize=(5.5, 5))
    axes.imshow(counts, cmap="Blues")
    largest = max(max(row) for row in counts)
    for true, row in enumerate(counts):
        for predicted, count in enumerate(row):
            if count:
                color = "white" if count > largest / 2 else "black"
                axes.text(predicted, true, str(count), ha="center", va="center", color=color)
    axes.set_xticks(range(classes))
    axes.set_yticks(range(classes))
    axes.set_xlabel("predicted digit")
    axes.set_ylabel("true digit")
    axes.set_title(f"confusion matrix ({len(y_test)} held-out images)")
    figure.tight_layout()
    figure.savefig(out / "confusion_matrix.png", dpi=100)
    plt.close(figure)

    wrong = [i for i, (p, t) in enumerate(zip(predictions, y_test)) if p != t]
    shown = wrong[:GRID_IMAGES]
    rows = max(1, -(-len(shown) // GRID_COLUMNS))
    figure, grid = plt.subplots(
        rows, GRID_COLUMNS, figsize=(GRID_COLUMNS * 1.1, rows * 1.3 + 0.5), squeeze=False
    )
    for cell, axes in enumerate(grid.flat):
        axes.axis("off")
        if cell < len(shown):
            i = shown[cell]
            side = DIGITS_SIDE
            image = [X_test[i][r * side : (r + 1) * side] for r in range(side)]
            axes.imshow(image, cmap="gray_r", vmin=0.0, vmax=1.0)
            axes.set_title(f"{y_test[i]} → {predictions[i]}", fontsize=10)
    title = (
        f"misclassified: {len(wrong)} of {len(y_test)} held-out digits (true → predicted)"
        if wrong
        else f"no misclassified digits: all {len(y_test)} held-out digits are right"
    )
    if len(wrong) > len(shown):
        title += f"; the first {len(shown)} shown"
    figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    figure.savefig(out / "misclassified.png", dpi=100)
    plt.close(figure)
    return [out / "loss.png", out / "confusion_matrix.png", out / "misclassified.png"]

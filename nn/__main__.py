"""``python -m nn``: train an MLP with a progress bar, then save it and draw what it learned.

The default, ``--dataset moons``, is micrograd's demo recipe: MLP 2-16-16-1 (ReLU hidden
layers, linear output), mean hinge loss plus 1e-4 times the sum of squared parameters,
full-batch SGD with learning rate 1.0 - 0.9 k / epochs. The full-batch step is compiled
once and rerun (``--eager`` rebuilds the graph every step instead; the results are the
same). Writes to ``--out``: ``model.json``, ``loss.png``, ``decision_boundary.png`` and
one neuron's graph, ``neuron.svg`` (``neuron.dot`` when Graphviz's ``dot`` program is
missing).

``--dataset digits`` trains an MLP 64-32-10 on the 8x8 handwritten digits with
cross-entropy and Adam on mini-batches of 32 (:mod:`nn.digits_demo`), prints the held-out
accuracy, and writes ``model.json``, ``loss.png``, ``confusion_matrix.png`` and
``misclassified.png``.

The output folder is checked before training: a place it cannot write to is a one-line
error, exit status 2.
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nn
from autograd import Value, no_grad, topological_order
from nn.digits_demo import run_digits
from nn.plots import pyplot, save_loss_curve

__all__ = ["main", "parse_args", "output_problem", "run_moons", "dot_source", "Recipe", "RECIPES"]

GRID = 80  # points per side of the decision-boundary grid


@dataclass(frozen=True)
class Recipe:
    """A data set's defaults for the options the user leaves out."""

    epochs: int
    hidden: list[int]
    batch_size: int | None
    compile: bool


RECIPES = {
    "moons": Recipe(epochs=100, hidden=[16, 16], batch_size=None, compile=True),
    # Mini-batches compile as one sample's step looped over each batch (nn.compile_step).
    "digits": Recipe(epochs=30, hidden=[32], batch_size=32, compile=True),
}


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Return the command line's options."""
    parser = argparse.ArgumentParser(
        prog="python -m nn",
        description="Train an MLP and write the model and plots: on the two-moons data set "
        "(micrograd's demo recipe; also a loss curve, a decision boundary and one neuron's "
        "graph), or on the 8x8 handwritten digits (also a loss curve, a confusion matrix and "
        "the misclassified held-out digits).",
    )
    parser.add_argument(
        "--dataset",
        choices=sorted(RECIPES),
        default="moons",
        help="moons: MLP 2-16-16-1, hinge loss, full-batch SGD; digits: MLP 64-32-10, "
        "cross-entropy, Adam on batches of 32, an 80/20 split (default: moons)",
    )
    parser.add_argument(
        "--epochs",
        type=int,
        default=None,
        help="passes over the training data (default: 100 for moons, 30 for digits)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=1337,
        help="seed of the data, the split, the shuffles and the weights (default: 1337)",
    )
    parser.add_argument(
        "--hidden",
        type=_widths,
        default=None,
        help="hidden layer widths, comma-separated (default: 16,16 for moons, 32 for digits)",
    )
    parser.add_argument(
        "--batch-size",
        type=_positive,
        default=None,
        help="samples per step (default: the full batch for moons, 32 for digits)",
    )
    parser.add_argument(
        "--out", type=Path, default=Path("demo-out"), help="output folder (default: demo-out/)"
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--eager",
        dest="compile",
        action="store_false",
        default=None,
        help="rebuild the graph every step instead of compiling it once (same results, slower; "
        "the default for digits)",
    )
    mode.add_argument(
        "--compile",
        dest="compile",
        action="store_true",
        default=None,
        help="compile the step once and rerun it (the default for moons)",
    )
    args = parser.parse_args(argv)
    recipe = RECIPES[args.dataset]
    for option in ("epochs", "hidden", "batch_size", "compile"):
        if getattr(args, option) is None:
            setattr(args, option, getattr(recipe, option))
    if args.epochs < 1:
        parser.error("--epochs must be at least 1")
    return args


def _widths(text: str) -> list[int]:
    try:
        widths = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected widths like 16,16, got {text!r}") from None
    if not widths or min(widths) < 1:
        raise argparse.ArgumentTypeError(f"widths must be positive ints, got {text!r}")
    return widths


def _positive(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive int, got {text!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a positive int, got {text!r}")
    return number


def main(argv: Sequence[str] | None = None) -> int:
    """Train, report and write the outputs; return the exit status."""
    args = parse_args(argv)
    problem = output_problem(args.out)
    if problem is not None:  # say so now, not after training
        print(f"python -m nn: error: --out {problem}", file=sys.stderr)
        return 2
    train = run_digits if args.dataset == "digits" else run_moons
    try:
        written = train(
            epochs=args.epochs,
            hidden=args.hidden,
            batch_size=args.batch_size,
            seed=args.seed,
            compile=args.compile,
            out=args.out,
        )
    except ValueError as error:  # fit's refusals, e.g. --compile with mini-batches
        print(f"python -m nn: error: {error}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path}")
    return 0


def run_moons(
    *,
    epochs: int,
    hidden: Sequence[int],
    batch_size: int | None,
    seed: int,
    compile: bool,
    out: Path,
) -> list[Path]:
    """Train micrograd's demo recipe on moons, print the accuracy, write the outputs."""
    X, labels = nn.make_moons(100, noise=0.1, seed=seed)
    y = [2 * label - 1 for label in labels]
    model = nn.MLP(2, [*hidden, 1], seed=seed)
    optimizer = nn.SGD(model.parameters(), lr=1.0)

    def loss(scores: list[Any], targets: list[Any]) -> Value:
        return nn.hinge_loss(scores, targets) + 1e-4 * nn.l2_penalty(model.parameters())

    history = nn.fit(
        model,
        X,
        y,
        loss,
        optimizer,
        epochs=epochs,
        batch_size=batch_size,
        lr_schedule=lambda k: 1.0 - 0.9 * k / epochs,
        seed=seed,
        compile=compile,
    )
    with no_grad():
        scores = [model.outputs(row)[0].data for row in X]
    accuracy = sum((s > 0) == (t > 0) for s, t in zip(scores, y)) / len(y)
    print(f"final loss {history.loss[-1]:.4f}, training accuracy {accuracy:.1%}")

    out.mkdir(parents=True, exist_ok=True)
    model.save(out / "model.json")
    written = [out / "model.json"]
    written += _plots(model, X, labels, history, out)
    written.append(_draw_neuron(model, X[0], out))
    return written


#: The files ``main`` writes into ``--out``.
OUTPUTS = (
    "model.json",
    "loss.png",
    "decision_boundary.png",
    "neuron.svg",
    "neuron.dot",
    "confusion_matrix.png",
    "misclassified.png",
)


def output_problem(out: Path) -> str | None:
    """Return, in one line, why the folder ``out`` cannot take the outputs; None if it can.

    The folder is made if missing, and a file is made and removed in it: only writing
    tells for sure (permission bits do not stop root; read-only mounts and ACLs do).
    """
    for place in [out, *out.parents]:
        if place.exists():
            if not place.is_dir():
                where = "" if place == out else f": {place}"
                return f"{out}{where} is a file, not a folder; pass a folder (made if missing)"
            break
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as error:
        return f"{out} cannot be written: {error.strerror or error}; pass a folder you can write"
    for name in OUTPUTS:
        path = out / name
        if path.exists() and not path.is_file():
            kind = "a directory" if path.is_dir() else "a special file"
            return f"{out}: {path} is {kind}, where a file goes; move it or pass another folder"
    return None


def _plots(
    model: nn.MLP, X: list[list[float]], labels: list[int], history: nn.History, out: Path
) -> list[Path]:
    plt = pyplot()
    if plt is None:
        return []
    save_loss_curve(plt, history.loss, "hinge + L2", out / "loss.png")

    xs = [p[0] for p in X]
    ys = [p[1] for p in X]
    x0, x1 = min(xs) - 0.5, max(xs) + 0.5
    y0, y1 = min(ys) - 0.5, max(ys) + 0.5
    grid_x = [x0 + (x1 - x0) * i / (GRID - 1) for i in range(GRID)]
    grid_y = [y0 + (y1 - y0) * j / (GRID - 1) for j in range(GRID)]
    with no_grad():
        z = [[model.outputs([gx, gy])[0].data > 0 for gx in grid_x] for gy in grid_y]
    figure, axes = plt.subplots(figsize=(5, 4))
    axes.contourf(grid_x, grid_y, z, levels=[-0.5, 0.5, 1.5], cmap="Spectral", alpha=0.6)
    axes.scatter(xs, ys, c=labels, cmap="Spectral", edgecolors="k", s=25)
    axes.set_title("decision boundary")
    figure.tight_layout()
    figure.savefig(out / "decision_boundary.png", dpi=100)
    plt.close(figure)
    return [out / "loss.png", out / "decision_boundary.png"]


def _draw_neuron(model: nn.MLP, x: list[float], out: Path) -> Path:
    """Draw the first neuron's graph on input ``x``, after backward: SVG, else DOT text."""
    inputs = [Value(v, label=f"x.{i}") for i, v in enumerate(x)]
    neuron = model.layers[0].neurons[0]
    root = neuron(inputs)
    model.zero_grad()
    root.backward()
    source = dot_source(root)
    if shutil.which("dot") is not None:
        path = out / "neuron.svg"
        svg = subprocess.run(
            ["dot", "-Tsvg"], input=source, capture_output=True, text=True, check=True
        ).stdout
        path.write_text(svg, encoding="utf-8")
        return path
    path = out / "neuron.dot"
    path.write_text(source, encoding="utf-8")
    print(
        "Graphviz's dot program is missing, so the graph is DOT text; for an SVG, "
        "install it (apt-get install graphviz) and run again",
        file=sys.stderr,
    )
    return path


def dot_source(root: Value) -> str:
    """Return DOT text of ``root``'s graph: autograd.viz's drawing when it is there."""
    try:
        viz = importlib.import_module("autograd.viz")
    except ImportError:
        return _minimal_dot(root)
    return str(viz.draw_dot(root, rankdir="LR").source)


def _minimal_dot(root: Value) -> str:
    """A small stand-in for autograd.viz: one box per value, one ellipse per op."""
    lines = ["digraph {", "  rankdir=LR;", "  node [fontname=Helvetica];"]
    for node in topological_order(root):
        name = f"v{id(node)}"
        text = f"{node.label} | " if node.label else ""
        lines.append(
            f'  {name} [shape=record, label="{{ {text}data {node.data:.4f} | '
            f'grad {node.grad:.4f} }}"];'
        )
        if node.op is not None:
            lines.append(f'  {name}_op [label="{node._op}"];')
            lines.append(f"  {name}_op -> {name};")
            for parent in node.parents:
                lines.append(f"  v{id(parent)} -> {name}_op;")
    lines.append("}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())

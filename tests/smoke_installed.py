"""Smoke run of glassgrad as users install it: run with the wheel's venv, outside the source.

CI installs the built wheel into a fresh virtual environment, copies this script to a
directory from which the source tree cannot be imported, and runs it there. It checks that:

* ``autograd`` and ``nn`` come from that environment, not from a source checkout;
* every public name exists: each module's ``__all__`` and every ``from autograd... import``,
  ``from nn... import`` and dotted ``autograd.x`` / ``nn.x`` name in the README (read
  from the installed package's metadata, which carries the README);
* the licence and both ``py.typed`` markers were installed;
* a graph can be built, differentiated, explained and drawn (DOT text always, SVG when
  Graphviz's ``dot`` program is on PATH);
* every data set loads (the generators and each ``load_*`` loader of files shipped in the
  wheel) and a small model trains on one.

It prints one line per check and exits non-zero on the first failure.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import re
import shutil
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

DISTRIBUTION = "glassgrad"
PUBLIC_MODULES = ("autograd", "autograd.viz", "nn", "nn.functional")
#: ``from autograd.viz import a, b`` on one line, or ``from nn import (a, b)`` over lines.
FROM_IMPORT = re.compile(
    r"^\s*from ((?:autograd|nn)(?:\.\w+)*) import (?:\(([^)]*)\)|([\w ,]+))", re.MULTILINE
)
#: ``nn.make_moons``, ``autograd.viz.explore``: a dotted name not part of a longer one.
DOTTED_NAME = re.compile(r"(?<![\w./-])((?:autograd|nn)(?:\.[A-Za-z_]\w*)+)")


def check(what: str, ok: bool) -> None:
    """Print ``what`` and stop with exit status 1 if it does not hold."""
    print(f"{'ok' if ok else 'FAILED'}: {what}")
    if not ok:
        sys.exit(1)


def resolve(dotted: str) -> object:
    """Return the object a dotted name refers to: the longest importable module, then attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            target = getattr(target, attribute)
        return target
    raise ModuleNotFoundError(dotted)


def check_installed_not_source(modules: list[ModuleType]) -> None:
    environment = Path(sys.prefix).resolve()
    for module in modules:
        location = Path(str(module.__file__)).resolve()
        check(
            f"{module.__name__} is imported from the installed wheel ({location})",
            location.is_relative_to(environment) and "site-packages" in location.parts,
        )


def check_public_names(readme: str) -> None:
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        missing = [name for name in module.__all__ if not hasattr(module, name)]
        check(f"{module_name}: all {len(module.__all__)} names of __all__ exist", missing == [])
    imported = [
        f"{module}.{name.strip()}"
        for module, in_parentheses, on_one_line in FROM_IMPORT.findall(readme)
        for name in (in_parentheses or on_one_line).split(",")
        if name.strip()
    ]
    dotted = DOTTED_NAME.findall(readme)
    names = sorted(set(imported + dotted))
    check(f"the README names public names ({len(names)} found)", len(names) >= 10)
    for name in names:
        try:
            resolve(name)
        except (ImportError, AttributeError) as error:
            check(f"README's {name} exists ({error})", False)
    print(f"ok: all {len(names)} names the README imports or mentions exist")


def check_package_files() -> None:
    files = {file.as_posix() for file in importlib.metadata.files(DISTRIBUTION) or []}
    for name in ("autograd/py.typed", "nn/py.typed"):
        check(f"{name} is installed", name in files)
    licences = [name for name in files if name.endswith(".dist-info/licenses/LICENSE")]
    check("the MIT licence is installed with the metadata", len(licences) == 1)


def check_graph() -> None:
    from autograd import Value, compile, grad
    from autograd.viz import draw_dot, explain, explore

    x = Value(2.0, label="x")
    w = Value(-0.5, label="w")
    y = (w * x + 1.0).tanh() / x
    y.label = "y"
    y.backward()
    (dx,) = grad(y, [x])
    check("backward and grad agree", dx.data == x.grad)
    check("explain's total is the gradient", explain(y, x).total == x.grad)
    step = compile(y)
    check("a compiled graph recomputes the value", step() == y.data)
    drawing = draw_dot(y)
    check("draw_dot gives DOT text naming the labels", "digraph" in drawing.source)
    check("draw_dot names x, w and y", all(f"<b>{n}</b>" in drawing.source for n in "xwy"))
    page = explore(y)._repr_html_()
    check(
        "explore's page carries its installed script and style sheet inline",
        "<script" in page and "<style" in page and 'data-name="x"' in page,
    )
    if shutil.which("dot") is None:
        print("skipped: SVG rendering (Graphviz's dot program is not on PATH)")
        return
    svg = drawing.pipe(format="svg").decode()
    check("Graphviz renders the drawing as SVG", "<svg" in svg and "</svg>" in svg)


def check_data_sets() -> None:
    import nn
    from autograd import Value

    for name in ("make_moons", "make_circles", "make_blobs", "make_spiral"):
        X, y = getattr(nn, name)(60, seed=0)
        check(f"nn.{name} gives 60 points with labels", len(X) == len(y) == 60)
    for name in sorted(name for name in nn.__all__ if name.startswith("load_")):
        X, y = getattr(nn, name)()
        check(f"nn.{name}() loads its shipped data ({len(X)} samples)", len(X) == len(y) > 0)
    X, labels = nn.make_moons(60, noise=0.1, seed=1)
    targets = [2 * label - 1 for label in labels]
    model = nn.MLP(2, [8, 1], seed=1)
    optimizer = nn.SGD(model.parameters(), lr=0.1)

    def loss(scores: Any, batch_targets: Any) -> Value:  # as the README writes it
        return nn.hinge_loss(scores, batch_targets)

    history = nn.fit(model, X, targets, loss, optimizer, epochs=10, progress=False)
    check("fit lowers the loss on moons", history.loss[-1] < history.loss[0])


def main() -> None:
    import autograd
    import nn

    check_installed_not_source([autograd, nn])
    version = importlib.metadata.version(DISTRIBUTION)
    check(f"autograd.__version__ is the installed {version}", autograd.__version__ == version)
    check("nn.__version__ is the same", nn.__version__ == version)
    readme = importlib.metadata.metadata(DISTRIBUTION).json["description"]
    assert isinstance(readme, str)
    check_public_names(readme)
    check_package_files()
    check_graph()
    check_data_sets()
    print("smoke: the installed wheel works")


if __name__ == "__main__":
    main()

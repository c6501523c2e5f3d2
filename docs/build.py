"""Build glassgrad's API reference with pdoc; any warning or broken cross-reference fails.

Usage: ``python docs/build.py [--out docs/api]``, or ``make docs``. Open
``docs/api/index.html`` in a browser: the pages are static and need no network.

pdoc renders the docstrings of ``autograd`` and ``nn`` and of every public submodule
(reStructuredText markup, examples as code). Its warnings (a module that fails to import,
an annotation it cannot read) are errors here. pdoc leaves a role it cannot resolve
(``:class:`Valu```) as plain code without saying so, so this script resolves every
role of every docstring itself, as a reader would: in the class that owns the docstring,
then in the module that defines it, then as a full dotted name. One it cannot find fails
the build, named with the docstring that holds it.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import re
import shutil
import sys
import typing
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pdoc
import pdoc.doc
import pdoc.render

PACKAGES = ("autograd", "nn")
#: A Sphinx-style role: ``:class:`Value```, ``:func:`~autograd.grad```, ``:meth:`save```.
ROLE = re.compile(r":(?:py:)?(?:class|func|meth|mod|data|attr|exc|obj|const):`~?([^`]+)`")


def attribute_chain(start: object, dotted: str) -> bool:
    """Whether ``start.a.b.c`` exists for ``dotted`` = ``a.b.c``, importing submodules."""
    target = start
    for name in dotted.split("."):
        if hasattr(target, name):
            target = getattr(target, name)
            continue
        if not isinstance(target, ModuleType):
            return False
        try:
            target = importlib.import_module(f"{target.__name__}.{name}")
        except ModuleNotFoundError:
            return False
    return True


def importable_prefix(dotted: str) -> bool:
    """Whether ``dotted`` is a module, or a module's attribute (``autograd.ieee.FloatMath``)."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            module = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        rest = ".".join(parts[cut:])
        return not rest or attribute_chain(module, rest)
    return False


def resolves(target: str, module: ModuleType, owner: object | None) -> bool:
    """Whether a role's target names something: in ``owner``, in ``module``, or in full."""
    target = target.removesuffix("()")
    if owner is not None and attribute_chain(owner, target):
        return True
    return attribute_chain(module, target) or importable_prefix(target)


def public_modules(packages: tuple[str, ...]) -> list[str]:
    """The packages and all their submodules whose names do not start with ``_``.

    Given a package, pdoc renders only the submodules its ``__all__`` names (``nn`` lists
    ``functional``), which would leave out ``autograd.viz`` and the engine's files; the
    others are named here.
    """
    names = []
    for package in packages:
        module = importlib.import_module(package)
        names.append(package)
        for info in pkgutil.walk_packages(module.__path__, prefix=f"{package}."):
            parent, _, name = info.name.rpartition(".")
            rendered_with_parent = name in getattr(importlib.import_module(parent), "__all__", ())
            private = any(part.startswith("_") for part in info.name.split("."))
            if not rendered_with_parent and not private:
                names.append(info.name)
    return names


def resolve_named_tuple_constructors(names: list[str]) -> None:
    """Give NamedTuple constructors their fields' real types instead of unresolved names.

    With postponed annotations (``from __future__ import annotations``) a NamedTuple's
    ``__new__`` keeps each field's type as a name to look up in a namespace that
    ``collections`` made, where pdoc cannot find it; the class's own module can.
    """
    for name in names:
        for member in vars(importlib.import_module(name)).values():
            is_named_tuple = isinstance(member, type) and issubclass(member, tuple)
            if is_named_tuple and hasattr(member, "_fields"):
                hints = typing.get_type_hints(member)
                member.__new__.__annotations__.update(
                    {field: hints[field] for field in member._fields if field in hints}
                )


def documented(names: list[str]) -> Iterator[pdoc.doc.Doc[Any]]:
    """Every module of ``names`` and every member of it (class members included)."""
    for name in names:
        module = pdoc.doc.Module.from_name(name)
        yield module
        yield from module.flattened_own_members


def broken_references(names: list[str]) -> list[str]:
    """Return one line per role that names nothing, with the docstring that holds it."""
    problems = []
    for doc in documented(names):
        roles = ROLE.findall(doc.docstring)
        if not roles:
            continue
        module_name, qualname = doc.taken_from
        module = importlib.import_module(module_name)
        owner: object | None = None
        if isinstance(doc, pdoc.doc.Class):
            owner = doc.obj
        elif "." in qualname:
            owner = module
            for name in qualname.split(".")[:-1]:
                owner = getattr(owner, name)
        for target in roles:
            if not resolves(target, module, owner):
                problems.append(f"{doc.fullname}: cross-reference `{target}` names nothing")
    return problems


def build(out: Path) -> list[str]:
    """Render the reference into ``out``; return the warnings and broken references."""
    import autograd

    if out.exists():
        if not (out / "index.html").is_file():
            raise SystemExit(f"{out} exists and is not an API reference; choose another --out")
        shutil.rmtree(out)
    pdoc.render.configure(
        docformat="restructuredtext",
        footer_text=f"glassgrad {autograd.__version__}",
        search=True,
        show_source=True,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        modules = public_modules(PACKAGES)
        resolve_named_tuple_constructors(modules)
        pdoc.pdoc(*modules, output_directory=out)
        problems = broken_references(modules)
    return [f"warning: {w.message}" for w in caught] + problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/api"), help="output folder")
    args = parser.parse_args(argv)
    problems = build(args.out)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"docs: {len(problems)} problems; the reference is not usable", file=sys.stderr)
        return 1
    print(f"docs: wrote {args.out}/index.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Shared test set-up: optional real components, required in CI.

Tests that need PyTorch (cross-checks), Graphviz's ``dot`` program (rendering) or
Chromium driven by playwright (the explorer's pages) skip, with the reason, on a machine
without them. With ``GLASSGRAD_REQUIRE_CROSSCHECKS=1``, as
``.ci/run`` sets, a missing component fails those tests instead.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from hypothesis import settings

from autograd.explore import CHROMIUM_ARGS

# CI runs the same examples every time: a red run there is reproducible, and a new
# counterexample is found by the random runs of `make test` on developers' machines.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

REQUIRED = os.environ.get("GLASSGRAD_REQUIRE_CROSSCHECKS") == "1"


def _missing(what: str) -> None:
    message = f"{what} is not installed"
    if REQUIRED:
        pytest.fail(f"{message}, and GLASSGRAD_REQUIRE_CROSSCHECKS=1 requires it")
    pytest.skip(f"{message}; install it to run this cross-check")


@pytest.fixture(scope="session")
def torch() -> ModuleType:
    """PyTorch, for float64 cross-checks."""
    try:
        import torch as torch_module
    except ImportError:
        _missing("PyTorch (pip install torch==2.13.0)")
    return torch_module


@pytest.fixture(scope="session")
def dot_program() -> str:
    """The path of Graphviz's ``dot`` program, for rendering tests."""
    path = shutil.which("dot")
    if path is None:
        _missing("Graphviz's dot program (apt-get install graphviz)")
    return path  # type: ignore[return-value]


#: Chromium as CI runs it: headless, no sandbox (containers), no network of its own.


# One browser per test module: playwright's sync API keeps an event loop running while it
# is open, and tests elsewhere start event loops of their own (asyncio.run).
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by playwright (which cannot download browsers)."""
    path = shutil.which("chromium")
    if path is None:
        _missing("Chromium (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright (pip install playwright)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, args=list(CHROMIUM_ARGS))
        yield launched
        launched.close()

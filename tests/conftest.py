"""Shared test set-up: optional real components, required in CI.

Tests that need PyTorch (cross-checks) or Graphviz's ``dot`` program (rendering) skip,
with the reason, on a machine without them. With ``GLASSGRAD_REQUIRE_CROSSCHECKS=1``, as
``.ci/run`` sets, a missing component fails those tests instead.
"""

from __future__ import annotations

import os
import shutil
from types import ModuleType

import pytest
from hypothesis import settings

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

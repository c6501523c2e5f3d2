"""Packaging promises: nn refuses a foreign ``autograd``; the public names exist."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import autograd


def test_public_engine_names_exist() -> None:
    for name in ("Value", "no_grad", "grad", "gradcheck"):
        assert hasattr(autograd, name)


def test_nn_refuses_an_autograd_that_is_not_glassgrads(tmp_path: Path) -> None:
    foreign = tmp_path / "autograd"
    foreign.mkdir()
    (foreign / "__init__.py").write_text("# another distribution's autograd\n")
    repo = Path(__file__).resolve().parents[1]
    (tmp_path / "nn").symlink_to(repo / "nn")
    result = subprocess.run(
        [sys.executable, "-c", "import nn"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "ImportError" in result.stderr
    assert "nn needs glassgrad's autograd engine" in result.stderr
    assert "pip uninstall autograd" in result.stderr

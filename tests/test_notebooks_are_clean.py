"""Notebooks are committed without outputs: the suite runs them, so outputs would go stale.

``make strip-notebooks`` removes outputs, execution counts and saved widget state.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"

EXPECTED = (
    "01_from_neuron_to_gradient_descent.ipynb",
    "02_inside_the_engine.ipynb",
    "03_training_an_mlp.ipynb",
)


def _notebook_paths() -> list[Path]:
    return sorted(NOTEBOOKS.glob("*.ipynb"))


def _load(path: Path) -> dict[str, Any]:
    notebook: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return notebook


@pytest.mark.parametrize("name", EXPECTED)
def test_the_walkthrough_notebook_exists(name: str) -> None:
    assert (NOTEBOOKS / name).is_file(), f"notebooks/{name} is missing"


@pytest.mark.parametrize("path", _notebook_paths(), ids=lambda path: path.name)
def test_notebook_has_no_outputs_or_execution_counts(path: Path) -> None:
    dirty = [
        index
        for index, cell in enumerate(_load(path)["cells"])
        if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count"))
    ]
    assert not dirty, (
        f"{path.name}: code cells {dirty} have outputs or execution counts; "
        "run `make strip-notebooks` before committing"
    )


@pytest.mark.parametrize("path", _notebook_paths(), ids=lambda path: path.name)
def test_notebook_has_no_saved_widget_state(path: Path) -> None:
    assert "widgets" not in _load(path).get("metadata", {}), (
        f"{path.name} carries saved widget state; run `make strip-notebooks` before committing"
    )

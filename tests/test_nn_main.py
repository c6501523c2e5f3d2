"""python -m nn: options, outputs, and the drawing without Graphviz."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import nn
import nn.__main__ as demo
from autograd import Value


def test_help_explains_every_option() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "nn", "--help"], capture_output=True, text=True, check=True
    )
    for option in ("--epochs", "--seed", "--hidden", "--out"):
        assert option in result.stdout


def test_short_run_prints_final_accuracy_and_writes_the_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert demo.main(["--epochs", "3", "--hidden", "4", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "training accuracy" in out
    document = json.loads((tmp_path / "model.json").read_text())
    assert "layers.1.neurons.0.b" in document["parameters"]
    assert (tmp_path / "neuron.svg").exists() or (tmp_path / "neuron.dot").exists()


def test_saved_model_loads_into_the_same_architecture(tmp_path: Path) -> None:
    demo.main(["--epochs", "2", "--hidden", "3,2", "--out", str(tmp_path)])
    model = nn.MLP(2, [3, 2, 1], seed=0)
    model.load(tmp_path / "model.json")
    assert model.state_dict() != nn.MLP(2, [3, 2, 1], seed=0).state_dict()


def test_plots_are_written_when_matplotlib_is_installed(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    demo.main(["--epochs", "2", "--hidden", "2", "--out", str(tmp_path)])
    for name in ("loss.png", "decision_boundary.png"):
        assert (tmp_path / name).read_bytes()[:4] == b"\x89PNG"


def test_without_graphviz_it_writes_dot_text_and_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(demo.shutil, "which", lambda name: None)
    demo.main(["--epochs", "1", "--hidden", "2", "--out", str(tmp_path)])
    assert (tmp_path / "neuron.dot").read_text().startswith("digraph")
    assert "apt-get install graphviz" in capsys.readouterr().err


def test_with_graphviz_it_writes_an_svg(tmp_path: Path, dot_program: str) -> None:
    demo.main(["--epochs", "1", "--hidden", "2", "--out", str(tmp_path)])
    assert "<svg" in (tmp_path / "neuron.svg").read_text()


def test_neuron_drawing_names_parameters_and_the_fused_sum() -> None:
    neuron = nn.MLP(2, [2, 1], seed=0).layers[0].neurons[0]
    source = demo.dot_source(neuron([Value(1.0, label="x.0"), Value(2.0, label="x.1")]))
    assert "layers.0.neurons.0.w.0" in source
    assert "Σ w·x" in source
    assert "x.1" in source


def test_bad_hidden_widths_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        demo.parse_args(["--hidden", "4,x"])
    assert "expected widths like 16,16" in capsys.readouterr().err

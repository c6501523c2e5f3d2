"""python -m nn: options, outputs, and the drawing without Graphviz."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import nn
import nn.__main__ as demo
from autograd import Value


def test_help_explains_every_option() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "nn", "--help"], capture_output=True, text=True, check=True
    )
    for option in (
        "--dataset",
        "--epochs",
        "--seed",
        "--hidden",
        "--batch-size",
        "--out",
        "--eager",
        "--compile",
    ):
        assert option in result.stdout


def test_moons_is_the_default_recipe_full_batch_and_compiled() -> None:
    args = demo.parse_args([])
    assert args.dataset == "moons"
    assert (args.epochs, args.hidden, args.batch_size, args.compile) == (100, [16, 16], None, True)


def test_digits_recipe_is_30_epochs_of_64_32_10_on_compiled_batches_of_32() -> None:
    args = demo.parse_args(["--dataset", "digits"])
    assert (args.epochs, args.hidden, args.batch_size, args.compile) == (30, [32], 32, True)


def test_options_given_override_the_recipe() -> None:
    args = demo.parse_args(["--dataset", "digits", "--epochs", "2", "--hidden", "8,4"])
    assert (args.epochs, args.hidden, args.batch_size) == (2, [8, 4], 32)
    assert demo.parse_args(["--eager"]).compile is False


@pytest.mark.parametrize("size", ["0", "-1", "x"])
def test_bad_batch_sizes_are_refused(size: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        demo.parse_args(["--batch-size", size])
    assert "expected a positive int" in capsys.readouterr().err


def test_short_run_prints_final_accuracy_and_writes_the_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert demo.main(["--epochs", "3", "--hidden", "4", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "training accuracy" in out
    document = json.loads((tmp_path / "model.json").read_text())
    assert "layers.1.neurons.0.b" in document["parameters"]
    assert (tmp_path / "neuron.svg").exists() or (tmp_path / "neuron.dot").exists()


def test_compiled_and_eager_runs_save_the_same_model(tmp_path: Path) -> None:
    for mode in ("compiled", "eager"):
        flags = ["--eager"] if mode == "eager" else []
        demo.main(["--epochs", "5", "--hidden", "4", "--out", str(tmp_path / mode), *flags])
    compiled = json.loads((tmp_path / "compiled" / "model.json").read_text())
    eager = json.loads((tmp_path / "eager" / "model.json").read_text())
    assert compiled["parameters"] == eager["parameters"]


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


def test_dataset_moons_is_the_default_run(tmp_path: Path) -> None:
    demo.main(["--epochs", "2", "--hidden", "2", "--out", str(tmp_path / "default")])
    demo.main(["--dataset", "moons", "--epochs", "2", "--hidden", "2", "--out", str(tmp_path)])
    assert (tmp_path / "model.json").read_text() == (
        tmp_path / "default" / "model.json"
    ).read_text()


def test_digits_run_prints_held_out_accuracy_and_writes_a_model_that_loads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--dataset", "digits", "--epochs", "1", "--hidden", "4", "--out", str(tmp_path)]
    assert demo.main(argv) == 0
    out = capsys.readouterr().out
    assert "1437 training and 360 held-out images; MLP 64-4-10" in out
    assert "held-out accuracy" in out
    model = nn.MLP(64, [4, 10], seed=0)
    model.load(tmp_path / "model.json")
    assert len(json.loads((tmp_path / "model.json").read_text())["parameters"]) == 4 * 65 + 10 * 5


def test_digits_run_writes_loss_confusion_and_misclassified_pngs(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    from matplotlib.image import imread

    demo.main(["--dataset", "digits", "--epochs", "1", "--hidden", "4", "--out", str(tmp_path)])
    for name in ("loss.png", "confusion_matrix.png", "misclassified.png"):
        path = tmp_path / name
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        height, width, _ = imread(path).shape  # decodes the whole image
        assert height > 100 and width > 100


def test_digits_run_is_reproducible_from_its_seed(tmp_path: Path) -> None:
    for name in ("first", "second"):
        argv = ["--dataset", "digits", "--epochs", "1", "--hidden", "3", "--seed", "7"]
        demo.main([*argv, "--out", str(tmp_path / name)])
    first = (tmp_path / "first" / "model.json").read_text()
    assert first == (tmp_path / "second" / "model.json").read_text()


def test_confusion_matrix_counts_true_rows_against_predicted_columns() -> None:
    from nn.digits_demo import confusion_matrix

    assert confusion_matrix([0, 1, 1, 2], [0, 0, 1, 1], 3) == [[1, 0, 0], [1, 1, 0], [0, 1, 0]]


def assert_refused_before_training(
    argv: list[str], capsys: pytest.CaptureFixture[str], *named: str
) -> None:
    assert demo.main(["--epochs", "1", "--hidden", "2", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # no training report: it stopped before training
    assert len(captured.err.strip().splitlines()) == 1, captured.err  # no bar, no traceback
    assert captured.err.startswith("python -m nn: error: --out ")
    for text in named:
        assert text in captured.err


def test_out_naming_an_existing_file_is_refused_before_training(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    existing = tmp_path / "notes.txt"
    existing.write_text("keep me")
    assert_refused_before_training(
        ["--out", str(existing)], capsys, f"{existing} is a file, not a folder"
    )
    assert existing.read_text() == "keep me"


def test_out_under_a_file_is_refused_before_training(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    existing = tmp_path / "notes.txt"
    existing.write_text("keep me")
    assert_refused_before_training(
        ["--out", str(existing / "run" / "1")], capsys, f"{existing} is a file, not a folder"
    )
    assert existing.read_text() == "keep me"


def test_out_holding_a_folder_where_the_model_file_goes_is_refused_before_training(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "model.json").mkdir()
    assert_refused_before_training(
        ["--out", str(tmp_path)], capsys, f"{tmp_path / 'model.json'} is a directory"
    )


# Runs main() in a child process that, when it is root (for whom permission bits do not
# stop writes), first gives up root for the 'nobody' user, so the folder's mode really
# forbids writing. Everything main() needs is imported before that.
AS_AN_ORDINARY_USER = """
import os, sys
import nn.__main__ as demo, tqdm.auto
folder = sys.argv[1]
if os.geteuid() == 0:
    os.setgid(65534)
    os.setuid(65534)
if os.access(folder, os.W_OK):
    sys.exit(f"premise failed: this process can write to {folder}")
sys.exit(demo.main(["--epochs", "1", "--hidden", "2", "--out", *sys.argv[2:]]))
"""


@pytest.mark.parametrize("inside", [False, True], ids=["the folder", "a new folder inside"])
def test_out_in_a_folder_that_cannot_be_written_is_refused_before_training(
    inside: bool,
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        os.chmod(scratch, 0o755)  # others may pass through, to reach the locked folder
        locked = Path(scratch) / "locked"
        locked.mkdir(mode=0o555)
        out = locked / "run" if inside else locked
        result = subprocess.run(
            [sys.executable, "-c", AS_AN_ORDINARY_USER, str(locked), str(out)],
            capture_output=True,
            text=True,
            cwd=scratch,
        )
        assert result.returncode == 2, result.stderr
        assert result.stdout == ""
        assert result.stderr.startswith(f"python -m nn: error: --out {out} ")
        assert "Permission denied" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert list(locked.iterdir()) == []

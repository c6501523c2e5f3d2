"""fit and train_step: micrograd's demo recipe, a 3-class Adam run, and the history."""

from __future__ import annotations

from typing import Any

import pytest

import nn
from autograd import Value, no_grad


def demo_recipe(steps: int = 100) -> tuple[nn.MLP, list[list[float]], list[int], nn.History]:
    """micrograd's demo: MLP 2-16-16-1, hinge + 1e-4 L2, SGD lr 1.0 - 0.9 k / 100, full batch."""
    X, labels = nn.make_moons(100, noise=0.1, seed=1)
    y = [2 * label - 1 for label in labels]
    model = nn.MLP(2, [16, 16, 1], seed=1337)

    def loss(scores: list[Any], targets: list[Any]) -> Value:
        return nn.hinge_loss(scores, targets) + 1e-4 * nn.l2_penalty(model.parameters())

    history = nn.fit(
        model,
        X,
        y,
        loss,
        nn.SGD(model.parameters(), lr=1.0),
        epochs=steps,
        progress=False,
        lr_schedule=lambda k: 1.0 - 0.9 * k / 100,
    )
    return model, X, y, history


def test_micrograd_demo_recipe_reaches_97_percent_training_accuracy() -> None:
    model, X, y, history = demo_recipe()
    with no_grad():
        correct = sum((model(row).data > 0) == (t > 0) for row, t in zip(X, y))  # type: ignore[union-attr]
    assert correct / len(y) >= 0.97
    assert history.loss[-1] < history.loss[0]


def test_three_class_mlp_with_adam_and_cross_entropy_cuts_its_loss_below_a_fifth() -> None:
    X, y = nn.make_blobs(60, centers=3, std=1.0, seed=2)
    model = nn.MLP(2, [8, 3], seed=0)
    history = nn.fit(
        model, X, y, nn.cross_entropy, nn.Adam(model.parameters(), lr=0.05), 40, progress=False
    )
    assert history.loss[-1] < 0.2 * history.loss[0]


def test_history_has_one_record_per_epoch() -> None:
    X, y = nn.make_moons(20, seed=0)
    model = nn.MLP(2, [4, 2], seed=0)
    history = nn.fit(
        model, X, y, nn.cross_entropy, nn.SGD(model.parameters(), lr=0.1), 3, progress=False
    )
    assert len(history.loss) == len(history.grad_norm) == len(history.accuracy) == 3
    assert all(0.0 <= a <= 1.0 for a in history.accuracy if a is not None)
    assert all(n > 0 for n in history.grad_norm)


def test_regression_history_has_no_accuracy() -> None:
    X = [[0.0], [1.0], [2.0]]
    y = [0.5, 1.5, 2.5]
    model = nn.MLP(1, [1], seed=0)
    history = nn.fit(
        model, X, y, nn.mse_loss, nn.SGD(model.parameters(), lr=0.1), 2, progress=False
    )
    assert history.accuracy == [None, None]


def test_minibatch_epoch_loss_is_the_size_weighted_mean_of_batch_losses() -> None:
    X = [[0.0], [1.0], [2.0]]
    y = [0.5, 1.5, 2.5]
    model = nn.MLP(1, [1], seed=0)
    optimizer = nn.SGD(model.parameters(), lr=0.0)  # lr 0: every batch sees the same model
    history = nn.fit(model, X, y, nn.mse_loss, optimizer, 1, batch_size=2, progress=False)
    full = nn.mse_loss([model(row) for row in X], y).data  # type: ignore[misc]
    assert history.loss[0] == pytest.approx(full, rel=1e-12)


def test_train_step_returns_loss_norm_and_correct_count() -> None:
    model = nn.MLP(2, [3, 2], seed=0)
    optimizer = nn.SGD(model.parameters(), lr=0.0)
    result = nn.train_step(model, [[1.0, 2.0], [0.5, -1.0]], [0, 1], nn.cross_entropy, optimizer)
    assert result.loss > 0
    assert result.grad_norm > 0
    assert result.correct in (0, 1, 2)


def test_lr_schedule_sets_the_optimizer_lr_each_epoch() -> None:
    X, y = nn.make_moons(10, seed=0)
    model = nn.MLP(2, [2, 2], seed=0)
    optimizer = nn.SGD(model.parameters(), lr=1.0)
    seen: list[float] = []

    def schedule(epoch: int) -> float:
        seen.append(epoch)
        return 0.1 / (epoch + 1)

    nn.fit(model, X, y, nn.cross_entropy, optimizer, 3, progress=False, lr_schedule=schedule)
    assert seen == [0, 1, 2]
    assert optimizer.lr == 0.1 / 3


def test_fit_refuses_inputs_and_targets_of_different_lengths() -> None:
    model = nn.MLP(1, [1], seed=0)
    with pytest.raises(ValueError, match="got 2 inputs, 1 targets"):
        nn.fit(model, [[0.0], [1.0]], [1.0], nn.mse_loss, nn.SGD(model.parameters(), lr=0.1), 1)


def test_fit_shows_a_progress_bar(capsys: pytest.CaptureFixture[str]) -> None:
    model = nn.MLP(1, [1], seed=0)
    nn.fit(model, [[0.0]], [1.0], nn.mse_loss, nn.SGD(model.parameters(), lr=0.1), 2)
    assert "2/2" in capsys.readouterr().err


def train_moons(compile: bool) -> nn.History:
    X, labels = nn.make_moons(40, noise=0.1, seed=3)
    y = [2 * label - 1 for label in labels]
    model = nn.MLP(2, [8, 8, 1], seed=5)

    def loss(scores: list[Any], targets: list[Any]) -> Value:
        return nn.hinge_loss(scores, targets) + 1e-4 * nn.l2_penalty(model.parameters())

    optimizer = nn.SGD(model.parameters(), lr=0.5, momentum=0.9)
    return nn.fit(model, X, y, loss, optimizer, 15, progress=False, compile=compile)


def test_compiled_fit_gives_the_same_history_as_eager_fit() -> None:
    eager, compiled = train_moons(compile=False), train_moons(compile=True)
    assert compiled.loss == eager.loss
    assert compiled.grad_norm == eager.grad_norm
    assert compiled.accuracy == eager.accuracy


def test_compiled_fit_matches_eager_fit_for_a_softmax_classifier_with_adam() -> None:
    def run(compile: bool) -> tuple[nn.History, list[float]]:
        X, y = nn.make_blobs(30, centers=3, std=1.0, seed=4)
        model = nn.MLP(2, [6, 3], seed=1)
        optimizer = nn.Adam(model.parameters(), lr=0.05)
        history = nn.fit(
            model, X, y, nn.cross_entropy, optimizer, 10, progress=False, compile=compile
        )
        return history, [p.data for p in model.parameters()]

    (eager, eager_weights), (compiled, compiled_weights) = run(False), run(True)
    assert compiled.loss == eager.loss
    assert compiled.accuracy == eager.accuracy
    assert compiled_weights == eager_weights


def minibatch_run(compile: bool, batch_size: int | None) -> tuple[nn.History, list[float]]:
    X, y = nn.make_blobs(45, centers=3, std=1.5, seed=7)
    model = nn.MLP(2, [8, 3], seed=2)
    optimizer = nn.Adam(model.parameters(), lr=0.05)
    history = nn.fit(
        model,
        X,
        y,
        nn.cross_entropy,
        optimizer,
        6,
        batch_size=batch_size,
        progress=False,
        seed=11,
        compile=compile,
    )
    return history, [p.data for p in model.parameters()]


@pytest.mark.parametrize("batch_size", [1, 8, 45, 100])
def test_compiled_fit_with_minibatches_equals_eager_fit(batch_size: int) -> None:
    (eager, eager_weights), (compiled, compiled_weights) = (
        minibatch_run(False, batch_size),
        minibatch_run(True, batch_size),
    )
    assert compiled.loss == eager.loss
    assert compiled.grad_norm == eager.grad_norm
    assert compiled.accuracy == eager.accuracy
    assert compiled_weights == eager_weights


def test_compiled_fit_refuses_minibatches_of_a_loss_that_is_not_a_per_sample_mean() -> None:
    X, labels = nn.make_moons(20, seed=0)
    y = [2 * label - 1 for label in labels]
    model = nn.MLP(2, [4, 1], seed=0)
    before = [(p.data, p.grad) for p in model.parameters()]

    def penalized(scores: list[Any], targets: list[Any]) -> Value:
        return nn.hinge_loss(scores, targets) + 1e-4 * nn.l2_penalty(model.parameters())

    with pytest.raises(ValueError, match="this loss is not such a mean"):
        nn.fit(
            model,
            X,
            y,
            penalized,
            nn.SGD(model.parameters(), lr=0.1),
            1,
            batch_size=5,
            progress=False,
            compile=True,
        )
    assert [(p.data, p.grad) for p in model.parameters()] == before


def digits_run(compile: bool, epochs: int) -> tuple[nn.History, nn.MLP, list[Any]]:
    X, y = nn.load_digits(scaled=True)
    X_train, X_test, y_train, y_test = nn.train_test_split(X, y, 0.2, seed=0)
    model = nn.MLP(64, [32, 10], seed=0)
    optimizer = nn.Adam(model.parameters(), lr=0.01)
    history = nn.fit(
        model,
        X_train,
        y_train,
        nn.cross_entropy,
        optimizer,
        epochs,
        batch_size=32,
        progress=False,
        seed=0,
        compile=compile,
    )
    return history, model, [X_test, y_test]


def test_compiled_fit_on_the_digits_equals_eager_fit() -> None:
    (eager, eager_model, _), (compiled, compiled_model, _) = (
        digits_run(False, 1),
        digits_run(True, 1),
    )
    assert compiled.loss == eager.loss
    assert compiled.grad_norm == eager.grad_norm
    assert compiled.accuracy == eager.accuracy
    assert compiled_model.state_dict() == eager_model.state_dict()


def test_compiled_fit_on_the_digits_reaches_95_percent_held_out_accuracy() -> None:
    _, model, (X_test, y_test) = digits_run(True, 12)
    correct = 0
    for x, label in zip(X_test, y_test):
        scores = [v.data for v in model(x)]  # type: ignore[union-attr]
        correct += scores.index(max(scores)) == label
    assert correct / len(y_test) >= 0.95

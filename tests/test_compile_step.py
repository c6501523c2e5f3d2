"""compile_step: one sample's step compiled and looped over a batch equals the eager batch step.

Exact: the compiled loop runs eager backward's arithmetic in eager backward's order, so
losses and gradients are compared with ``==`` (nan matching nan where a case makes one).
"""

from __future__ import annotations

import math
import random
import re
from typing import Any

import pytest

import nn
from autograd import ClassIndex, Value, compile_step, sum_values


def blobs(n: int, features: int, classes: int, seed: int) -> tuple[list[list[float]], list[int]]:
    """n points in ``features`` dimensions around ``classes`` random centres."""
    rng = random.Random(seed)
    centres = [[rng.uniform(-2, 2) for _ in range(features)] for _ in range(classes)]
    y = [rng.randrange(classes) for _ in range(n)]
    X = [[c + rng.gauss(0.0, 1.0) for c in centres[label]] for label in y]
    return X, y


def eager_batch(
    model: nn.Module, loss: Any, X: list[list[float]], y: list[Any]
) -> tuple[float, list[float]]:
    """The eager step: mean of per-sample losses, backward, from zero gradients."""
    model.zero_grad()
    total = sum_values([loss(model(x), t) for x, t in zip(X, y)]) / len(X)
    total.backward()
    return total.data, [p.grad for p in model.parameters()]


def compiled_batch(
    step: nn.ModelStep, model: nn.Module, X: list[list[float]], y: list[Any]
) -> tuple[float, list[float]]:
    model.zero_grad()
    value = step(X, y)
    return value, [p.grad for p in model.parameters()]


def same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


# --- equal to eager ------------------------------------------------------------------


@pytest.mark.parametrize("batch", [1, 2, 7, 32])
def test_cross_entropy_step_equals_the_eager_batch_step(batch: int) -> None:
    X, y = blobs(batch, 16, 10, seed=batch)
    model = nn.MLP(16, [12, 10], seed=3)
    step = nn.compile_step(model, nn.cross_entropy, X[0], y[0])
    assert compiled_batch(step, model, X, y) == eager_batch(model, nn.cross_entropy, X, y)


def test_every_batch_is_trained_on_its_own_labels() -> None:
    # The trap of a whole-batch graph: a class index built into it. Here each batch's
    # labels reach the code as leaves, so a second batch gives the second batch's result.
    X, y = blobs(16, 8, 4, seed=1)
    model = nn.MLP(8, [6, 4], seed=2)
    step = nn.compile_step(model, nn.cross_entropy, X[0], y[0])
    for rows in (slice(0, 8), slice(8, 16)):
        compiled = compiled_batch(step, model, X[rows], y[rows])
        assert compiled == eager_batch(model, nn.cross_entropy, X[rows], y[rows])
    relabelled = [(t + 1) % 4 for t in y[8:]]
    assert compiled_batch(step, model, X[8:], relabelled) != compiled


def test_tanh_regression_with_list_targets_equals_eager() -> None:
    rng = random.Random(4)
    X = [[rng.uniform(-1, 1) for _ in range(3)] for _ in range(9)]
    y = [[math.sin(a) + b, a * c] for a, b, c in X]
    model = nn.MLP(3, [5, 2], activation="tanh", seed=6)
    step = nn.compile_step(model, nn.mse_loss, X[0], y[0])
    assert compiled_batch(step, model, X, y) == eager_batch(model, nn.mse_loss, X, y)


def test_hinge_loss_with_plus_minus_one_labels_equals_eager() -> None:
    X, labels = nn.make_moons(30, noise=0.1, seed=3)
    y = [2 * label - 1 for label in labels]
    model = nn.MLP(2, [8, 8, 1], seed=5)
    step = nn.compile_step(model, nn.hinge_loss, X[0], y[0])
    assert compiled_batch(step, model, X, y) == eager_batch(model, nn.hinge_loss, X, y)


def test_infinite_and_nan_inputs_give_what_eager_gives() -> None:
    X, y = blobs(4, 5, 3, seed=2)
    X[1][2] = 1e308
    X[2][0] = math.inf
    X[3][4] = math.nan
    model = nn.MLP(5, [4, 3], seed=1)
    step = nn.compile_step(model, nn.cross_entropy, X[0], y[0])
    got_loss, got = compiled_batch(step, model, X, y)
    want_loss, want = eager_batch(model, nn.cross_entropy, X, y)
    assert same(got_loss, want_loss)
    assert all(map(same, got, want))


@pytest.mark.parametrize("label", [-1, 1])
def test_hinge_samples_with_infinite_values_give_what_eager_gives(label: int) -> None:
    # A met margin skips a sample's backward only where eager's would add exact zeros.
    X = [[0.5, -0.25], [1e308, 1e308], [1e308, -1e308], [math.inf, 0.0], [-3.0, 2.0]]
    y = [label, label, -label, label, -label]
    model = nn.MLP(2, [4, 4, 1], seed=7)
    step = nn.compile_step(model, nn.hinge_loss, X[0], y[0])
    got_loss, got = compiled_batch(step, model, X, y)
    want_loss, want = eager_batch(model, nn.hinge_loss, X, y)
    assert same(got_loss, want_loss)
    assert all(map(same, got, want))


def test_gradients_accumulate_on_what_parameters_already_hold() -> None:
    X, y = blobs(6, 4, 3, seed=8)
    model = nn.MLP(4, [3, 3], seed=8)
    step = nn.compile_step(model, nn.cross_entropy, X[0], y[0])
    for p in model.parameters():
        p.grad = 0.25
    step(X, y)
    compiled = [p.grad for p in model.parameters()]
    for p in model.parameters():
        p.grad = 0.25
    (sum_values([nn.cross_entropy(model(x), t) for x, t in zip(X, y)]) / len(X)).backward()
    assert compiled == [p.grad for p in model.parameters()]


def test_a_value_the_model_reads_that_is_not_a_parameter_is_reread_each_call() -> None:
    scale = Value(2.0)
    inner = nn.MLP(3, [4, 2], seed=1)

    def model(x: list[Value]) -> list[Value]:
        return [v * scale for v in inner(x)]  # type: ignore[union-attr]

    X, y = blobs(5, 3, 2, seed=3)
    step = compile_step(model, nn.cross_entropy, inner.parameters(), X[0], y[0])
    scale.data = -0.5
    inner.zero_grad()
    value = step(X, y)
    assert scale.grad == 0.0  # not a parameter: no gradient computed
    compiled = [p.grad for p in inner.parameters()]
    inner.zero_grad()
    eager = sum_values([nn.cross_entropy(model(x), t) for x, t in zip(X, y)]) / len(X)
    eager.backward()
    assert value == eager.data
    assert compiled == [p.grad for p in inner.parameters()]


@pytest.mark.parametrize(
    "targets", [[1, -2, 0], [1.0, -2.5, 0.0], [True, False, True], [10**400, -1, 0.5]]
)
def test_number_targets_are_read_as_value_reads_them(targets: list[Any]) -> None:
    X: list[list[Any]] = [[1, -2], [0.5, 2.0], [True, 0.25]]  # ints and bools too
    model = nn.MLP(2, [3, 1], seed=2)
    step = nn.compile_step(model, nn.mse_loss, [0.5, 0.5], 0.5)
    got_loss, got = compiled_batch(step, model, X, targets)
    want_loss, want = eager_batch(model, nn.mse_loss, X, targets)
    assert same(got_loss, want_loss)
    assert all(map(same, got, want))


def test_outputs_hold_each_rows_model_output() -> None:
    X, y = blobs(3, 4, 3, seed=5)
    model = nn.MLP(4, [3, 3], seed=5)
    step = nn.compile_step(model, nn.cross_entropy, X[0], y[0])
    step(X, y)
    assert step.outputs == [tuple(v.data for v in model(x)) for x in X]  # type: ignore[union-attr]


def test_a_wide_first_layer_run_as_loops_over_lists_equals_eager() -> None:
    # 300 inputs: the first layer's dots read their weights from lists (autograd.step.WIDE_DOT).
    X, y = blobs(5, 300, 4, seed=9)
    X[2][7] = math.inf
    model = nn.MLP(300, [6, 4], seed=9)
    step = nn.compile_step(model, nn.cross_entropy, X[0], y[0])
    assert "_reduce(_add, map(_mul, W" in step.source
    got_loss, got = compiled_batch(step, model, X, y)
    want_loss, want = eager_batch(model, nn.cross_entropy, X, y)
    assert same(got_loss, want_loss)
    assert all(map(same, got, want))
    finite = [X[0], X[1], X[3]]
    assert compiled_batch(step, model, finite, y[:3]) == eager_batch(
        model, nn.cross_entropy, finite, y[:3]
    )


# --- shape of the generated code ------------------------------------------------------


def test_no_gradient_is_computed_for_inputs_targets_or_constants() -> None:
    X, _ = blobs(2, 6, 3, seed=0)
    model = nn.MLP(6, [4, 3], seed=0)
    source = nn.compile_step(model, nn.mse_loss, X[0], [0.0, 1.0, 0.5]).source
    inputs = re.search(r"^ +(.*), = row$", source, re.MULTILINE)
    targets = re.search(r"^ +(.*), = target$", source, re.MULTILINE)
    assert inputs is not None and targets is not None
    for name in (inputs.group(1) + ", " + targets.group(1)).split(", "):
        assert re.search(rf"\bg{name[1:]}\b", source) is None, name


def test_parameters_are_read_once_per_call_and_written_once() -> None:
    X, y = blobs(2, 3, 2, seed=0)
    model = nn.MLP(3, [2, 2], seed=0)
    source = nn.compile_step(model, nn.cross_entropy, X[0], y[0]).source
    before, loop = source.split("    for row, target in zip(reversed(rows), reversed(targets)):\n")
    after = re.split(r"^(?=    \S)", loop, maxsplit=1, flags=re.M)[1]
    count = len(model.parameters())
    assert len(re.findall(r"^    v\d+, g\d+ = P\d+\.data, P\d+\.grad$", before, re.M)) == count
    assert len(re.findall(r"^    P\d+\.grad = g\d+$", after, re.M)) == count
    assert ".data" not in loop.replace(after, "") and ".grad" not in loop.replace(after, "")
    assert "if g" in source and "!= 0.0 or" in source  # dot's zero-gradient guard


def test_a_hinge_sample_whose_margin_is_met_skips_its_backward_at_once() -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    source = nn.compile_step(model, nn.hinge_loss, [0.5, 0.5], 1).source
    assert re.search(r"^ +if g\d+ != 0\.0 or \(v\d+( \+ v\d+)*\) \* 0\.0 != 0\.0:$", source, re.M)


# --- what is refused ------------------------------------------------------------------


def test_a_loss_that_uses_the_class_index_as_a_number_is_refused() -> None:
    X, y = blobs(4, 3, 3, seed=1)
    model = nn.MLP(3, [3], seed=1)

    def picks_by_number(out: list[Value], target: Any) -> Value:
        return -out[target]  # would build the recorded sample's class into the code

    with pytest.raises(ValueError, match="could not record the example sample"):
        nn.compile_step(model, picks_by_number, X[0], y[0])


def test_a_loss_that_takes_a_number_from_the_target_is_refused() -> None:
    X, _ = blobs(4, 3, 3, seed=1)
    model = nn.MLP(3, [1], seed=1)

    def frozen_target(out: Value, target: Value) -> Value:
        return (out - target.data) ** 2

    with pytest.raises(ValueError, match="depends on its data"):
        nn.compile_step(model, frozen_target, X[0], 0.5)


def test_a_model_that_branches_on_data_is_refused() -> None:
    inner = nn.MLP(2, [3, 1], seed=0)

    def model(x: list[Value]) -> Value:
        out: Value = inner(x)  # type: ignore[assignment]
        return out if x[0].data > 0 else out * 2.0

    with pytest.raises(ValueError, match="depends on its data"):
        compile_step(model, nn.mse_loss, inner.parameters(), [1.0, 2.0], 0.0)


def test_a_loss_that_reads_the_picked_score_first_is_refused() -> None:
    # Eager backward's order (so its sums) would then depend on the class.
    X, y = blobs(2, 3, 3, seed=1)
    model = nn.MLP(3, [4, 3], seed=1)

    def picked_first(out: list[Value], target: ClassIndex) -> Value:
        return -target.pick(out) + nn.logsumexp(out)

    with pytest.raises(ValueError, match="reads the picked score before the others"):
        nn.compile_step(model, picked_first, X[0], y[0])


def test_a_class_index_cannot_be_read_as_a_number() -> None:
    index = ClassIndex(2)
    for use in (int, float, bool, lambda t: t == 2, lambda t: [0, 1, 2][t]):
        with pytest.raises(TypeError, match=r"target\.pick"):
            use(index)


def untouched(model: nn.Module) -> list[tuple[float, float]]:
    return [(p.data, p.grad) for p in model.parameters()]


def test_a_row_of_the_wrong_length_is_a_value_error_and_changes_nothing() -> None:
    X, y = blobs(4, 5, 3, seed=1)
    model = nn.MLP(5, [3], seed=1)
    step = nn.compile_step(model, nn.cross_entropy, X[0], y[0])
    before = untouched(model)
    with pytest.raises(ValueError, match="row 2 has 4 values, but the step was compiled for 5"):
        step([X[0], X[1], X[2][:4], X[3]], y)
    assert untouched(model) == before


def test_a_row_that_is_not_numbers_is_a_value_error_and_changes_nothing() -> None:
    X, y = blobs(2, 2, 3, seed=1)
    model = nn.MLP(2, [3], seed=1)
    step = nn.compile_step(model, nn.cross_entropy, X[0], y[0])
    before = untouched(model)
    with pytest.raises(ValueError, match=r"row 1: Value\(\) takes a real number, got str"):
        step([X[0], [1.0, "2"]], y)
    assert untouched(model) == before


@pytest.mark.parametrize("bad", [3, -1, 1.0, True, None])
def test_a_target_out_of_range_is_a_value_error_and_changes_nothing(bad: object) -> None:
    X, y = blobs(3, 2, 3, seed=1)
    model = nn.MLP(2, [3], seed=1)
    step = nn.compile_step(model, nn.cross_entropy, X[0], y[0])
    before = untouched(model)
    with pytest.raises(ValueError, match=r"target 1 is .*compiled for class indices 0 to 2"):
        step(X, [y[0], bad, y[2]])
    assert untouched(model) == before


def test_a_model_changed_after_compiling_is_a_value_error_and_changes_nothing() -> None:
    X, y = blobs(3, 2, 3, seed=1)
    model = nn.MLP(2, [4, 3], seed=1)
    step = nn.compile_step(model, nn.cross_entropy, X[0], y[0])
    model.layers[1].neurons[0].b = Value(0.5)
    before = untouched(model)
    with pytest.raises(ValueError, match="parameters changed since compile_step"):
        step(X, y)
    assert untouched(model) == before
    model.layers.append(nn.Layer(3, 3, seed=0))
    with pytest.raises(ValueError, match="parameters changed since compile_step"):
        step(X, y)


def test_a_weight_replaced_deep_in_the_model_is_a_value_error() -> None:
    X, y = blobs(3, 2, 3, seed=1)
    model = nn.MLP(2, [4, 3], seed=1)
    step = nn.compile_step(model, nn.cross_entropy, X[0], y[0])
    model.layers[0].neurons[2].w[1] = Value(0.5)
    with pytest.raises(ValueError, match="parameters changed since compile_step"):
        step(X, y)


def test_a_module_whose_attributes_are_replaced_wholesale_is_a_value_error() -> None:
    X, y = blobs(3, 2, 3, seed=1)
    model = nn.MLP(2, [4, 3], seed=1)
    step = nn.compile_step(model, nn.cross_entropy, X[0], y[0])
    neuron = model.layers[1].neurons[0]
    neuron.__dict__ = dict(vars(neuron), b=Value(0.5))
    with pytest.raises(ValueError, match="parameters changed since compile_step"):
        step(X, y)


def test_a_model_changed_around_the_same_parameters_still_trains_as_eager() -> None:
    X, y = blobs(5, 2, 3, seed=1)
    model = nn.MLP(2, [4, 3], seed=1)
    step = nn.compile_step(model, nn.cross_entropy, X[0], y[0])
    model.note = "not a parameter"  # type: ignore[attr-defined]
    neuron = model.layers[0].neurons[1]
    neuron.w = list(neuron.w)  # a new list of the same Values
    assert compiled_batch(step, model, X, y) == eager_batch(model, nn.cross_entropy, X, y)
    model.layers[1].neurons[2].b = Value(0.5)
    with pytest.raises(ValueError, match="parameters changed since compile_step"):
        step(X, y)

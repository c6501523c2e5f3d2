"""fit: the training loop, with a progress bar and a per-epoch history.

One training step is :func:`train_step` (forward, loss, backward, optimizer step); ``fit``
calls it once per batch. With ``compile=True`` one sample's step is compiled
(:func:`nn.compile_step`) and run over every batch, of any size; a loss that is not a mean
of per-sample terms (a penalty on the parameters, say) is compiled whole instead, full
batch only (:class:`CompiledStep`).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from numbers import Integral

from autograd import Value
from autograd import compile as compile_graph
from nn.compiled import compile_step
from nn.module import Module
from nn.optim import Optimizer

__all__ = [
    "fit",
    "train_step",
    "CompiledStep",
    "NotPerSampleLossError",
    "History",
    "StepResult",
    "accuracy_count",
    "Loss",
]

#: A loss: (model outputs of a batch, targets of the batch) -> one Value.
Loss = Callable[[list[Value | list[Value]], list[object]], Value]


@dataclass
class History:
    """Per-epoch records of :func:`fit`: mean loss, gradient norm, accuracy.

    ``accuracy`` holds None for epochs of a regression (targets that are not int labels).
    """

    loss: list[float] = field(default_factory=list)
    grad_norm: list[float] = field(default_factory=list)
    accuracy: list[float | None] = field(default_factory=list)


@dataclass(frozen=True)
class StepResult:
    """What one training step saw: its loss, gradient norm, and correct predictions."""

    loss: float
    grad_norm: float
    correct: int | None


def accuracy_count(outputs: Sequence[Value | list[Value]], targets: Sequence[object]) -> int | None:
    """Return how many outputs predict their target's class, or None for a regression.

    A single output predicts class "positive" when > 0 (labels +1 or 1 are positive,
    -1 or 0 are not); a list of class scores predicts its argmax. Targets must be
    integers (Python's or NumPy's), not bools.
    """
    scores = [
        output.data if isinstance(output, Value) else [v.data for v in output] for output in outputs
    ]
    return _count_correct(scores, targets)


def _count_correct(scores: Sequence[float | list[float]], targets: Sequence[object]) -> int | None:
    labels: list[int] = []
    for target in targets:
        if not isinstance(target, Integral) or isinstance(target, bool):
            return None
        labels.append(int(target))
    correct = 0
    for score, label in zip(scores, labels):
        if isinstance(score, float):
            correct += (score > 0) == (label > 0)
        else:
            correct += score.index(max(score)) == label
    return correct


def train_step(
    model: Module,
    inputs: Sequence[Sequence[float]],
    targets: Sequence[object],
    loss: Loss,
    optimizer: Optimizer,
) -> StepResult:
    """Run one step on a batch: zero grads, forward, loss, backward, optimizer step.

    The gradient norm is ``sqrt(Σ_p grad_p^2)`` over the optimizer's parameters, taken
    before the update.
    """
    optimizer.zero_grad()
    outputs = [model(x) for x in inputs]
    batch_loss = loss(outputs, list(targets))
    batch_loss.backward()
    grad_norm = _grad_norm(optimizer)
    optimizer.step()
    return StepResult(batch_loss.data, grad_norm, accuracy_count(outputs, targets))


def _grad_norm(optimizer: Optimizer) -> float:
    return math.sqrt(sum(p.grad * p.grad for p in optimizer.params))


class CompiledStep:
    """A training step on one fixed batch, recorded once and compiled.

    The batch's graph (model outputs and loss) is built once and handed to
    ``autograd.compile``; each call zeroes the gradients, reruns the compiled forward and
    backward at the parameters' current data, and takes the optimizer step. The results
    equal :func:`train_step` on the same batch: the same arithmetic in the same order.
    """

    def __init__(
        self,
        model: Module,
        inputs: Sequence[Sequence[float]],
        targets: Sequence[object],
        loss: Loss,
    ) -> None:
        self.targets = list(targets)
        self.outputs = [model(x) for x in inputs]
        self.scores = [v for out in self.outputs for v in (out if isinstance(out, list) else [out])]
        self.graph = compile_graph(loss(self.outputs, self.targets), watch=self.scores)

    def __call__(self, optimizer: Optimizer) -> StepResult:
        """Run one step and return what it saw, as :func:`train_step` does."""
        optimizer.zero_grad()
        loss_value = self.graph()
        grad_norm = _grad_norm(optimizer)
        optimizer.step()
        for score in self.scores:  # the outputs' values of this step, for the accuracy
            score.data = self.graph.value_of(score)
        return StepResult(loss_value, grad_norm, accuracy_count(self.outputs, self.targets))


class NotPerSampleLossError(ValueError):
    """``fit(compile=True)`` was given a loss that is not a mean of per-sample terms."""


class _SampleSteps:
    """``fit(compile=True)``'s step: one sample compiled, looped over each batch.

    The first batch is also run eagerly, and the two must agree bit for bit: that holds
    when the loss is the mean of per-sample terms (``loss([out], [t])`` per sample), and
    a loss that is not (a penalty on the parameters, a mean over outputs too) is refused
    there, before any parameter moved.
    """

    def __init__(
        self, model: Module, X: Sequence[Sequence[float]], y: Sequence[object], loss: Loss
    ):
        self.model = model
        self.loss = loss
        self.step = compile_step(model, lambda out, t: loss([out], [t]), X[0], y[0])
        self.checked = False

    def __call__(
        self, inputs: Sequence[Sequence[float]], targets: Sequence[object], optimizer: Optimizer
    ) -> StepResult:
        optimizer.zero_grad()
        if not self.checked:
            self._check_against_eager(inputs, targets)
            self.checked = True
        loss_value = self.step(inputs, targets)
        grad_norm = _grad_norm(optimizer)
        optimizer.step()
        outputs = self.step.outputs
        scores: list[float | list[float]] = (
            [out[0] for out in outputs]
            if self.step.compiled.single_output
            else [list(out) for out in outputs]
        )
        return StepResult(loss_value, grad_norm, _count_correct(scores, targets))

    def _check_against_eager(
        self, inputs: Sequence[Sequence[float]], targets: Sequence[object]
    ) -> None:
        parameters = self.model.parameters()
        before = [p.grad for p in parameters]
        compiled_loss = self.step(inputs, targets)
        compiled = [p.grad for p in parameters]
        for p, g in zip(parameters, before):
            p.grad = g
        outputs = [self.model(x) for x in inputs]
        eager_loss = self.loss(outputs, list(targets))
        eager_loss.backward()
        eager = [p.grad for p in parameters]
        for p, g in zip(parameters, before):
            p.grad = g
        if not (_same(compiled_loss, eager_loss.data) and all(map(_same, compiled, eager))):
            raise NotPerSampleLossError(
                "compile=True compiles one sample's loss, loss([output], [target]), and "
                "averages it over each batch; this loss is not such a mean (a penalty on "
                "the parameters, or a mean over every output, say), so the compiled step "
                "would not equal the eager one. Use compile=False, or batch_size=None to "
                "compile the whole batch's graph"
            )


def _same(a: float, b: float) -> bool:
    return a == b or (a != a and b != b)


def fit(
    model: Module,
    X: Sequence[Sequence[float]],
    y: Sequence[object],
    loss: Loss,
    optimizer: Optimizer,
    epochs: int,
    batch_size: int | None = None,
    progress: bool = True,
    *,
    lr_schedule: Callable[[int], float] | None = None,
    seed: int | None = None,
    compile: bool = False,
) -> History:
    """Train ``model`` on ``(X, y)`` and return the :class:`History` of each epoch.

    ``batch_size=None`` trains on the full batch each epoch; otherwise batches come from a
    shuffle (seeded by ``seed``). An epoch's loss and gradient norm are the means over its
    batches, weighted by batch size; its accuracy counts predictions made during the epoch
    (before each step's update). ``lr_schedule(epoch)``, if given, sets ``optimizer.lr`` at
    the start of each epoch (epochs count from 0). ``progress`` shows a tqdm bar.

    ``X`` is a sequence of rows (a NumPy array works too) of numbers ``Value()`` takes, and
    ``y`` the targets the loss takes (a NumPy array works too).

    ``compile=True`` compiles one sample's forward and backward (:func:`nn.compile_step`)
    and runs it over every batch, of any size, shuffled as without it: the history and the
    trained parameters equal ``compile=False``'s, bit for bit. The loss must be a mean of
    per-sample terms (``nn.cross_entropy``, ``nn.mse_loss``... on a batch); the first
    batch is checked against the eager step. Any other loss (say with ``l2_penalty``) is
    compiled as one whole-batch graph when ``batch_size`` is None, and refused otherwise.

    >>> import nn
    >>> X, labels = nn.make_moons(50, noise=0.1, seed=1)
    >>> y = [2 * label - 1 for label in labels]       # the hinge loss wants -1 and +1
    >>> model = nn.MLP(2, [8, 1], seed=1)
    >>> history = nn.fit(model, X, y, nn.hinge_loss, nn.SGD(model.parameters(), lr=0.1),
    ...                  epochs=20, progress=False, compile=True)
    >>> len(history.loss), len(history.accuracy)     # one entry per epoch
    (20, 20)
    >>> history.loss[-1] < history.loss[0]
    True
    """
    if len(X) != len(y) or len(X) == 0:  # len(), not truth: X may be a NumPy array
        raise ValueError(f"fit() needs one target per input, got {len(X)} inputs, {len(y)} targets")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"epochs must be an int ≥ 0, got {epochs!r}")
    size = len(X) if batch_size is None else batch_size
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"batch_size must be a positive int or None, got {batch_size!r}")
    from tqdm.auto import tqdm

    sample_steps: _SampleSteps | None = None
    whole_batch: CompiledStep | None = None
    if compile:
        try:
            sample_steps = _SampleSteps(model, X, y, loss)
        except ValueError:
            if batch_size is not None:
                raise
            whole_batch = CompiledStep(model, X, y, loss)
    rng = random.Random(seed)
    history = History()
    order = list(range(len(X)))
    bar = tqdm(range(epochs), desc="training", unit="epoch", disable=not progress)
    for epoch in bar:
        if lr_schedule is not None:
            optimizer.lr = lr_schedule(epoch)
        if batch_size is not None:
            rng.shuffle(order)
        loss_sum = norm_sum = 0.0
        correct: int | None = 0
        for start in range(0, len(order), size):
            batch = order[start : start + size]
            if sample_steps is not None and whole_batch is None:
                try:
                    result = sample_steps([X[i] for i in batch], [y[i] for i in batch], optimizer)
                except NotPerSampleLossError:
                    if batch_size is not None:
                        raise
                    whole_batch = CompiledStep(model, X, y, loss)
            if whole_batch is not None:
                result = whole_batch(optimizer)
            elif sample_steps is None:
                result = train_step(
                    model, [X[i] for i in batch], [y[i] for i in batch], loss, optimizer
                )
            loss_sum += result.loss * len(batch)
            norm_sum += result.grad_norm * len(batch)
            correct = (
                None if correct is None or result.correct is None else correct + result.correct
            )
        history.loss.append(loss_sum / len(X))
        history.grad_norm.append(norm_sum / len(X))
        history.accuracy.append(None if correct is None else correct / len(X))
        shown = {"loss": f"{history.loss[-1]:.4f}"}
        if correct is not None:
            shown["acc"] = f"{correct / len(X):.1%}"
        bar.set_postfix(shown)
    bar.close()
    return history

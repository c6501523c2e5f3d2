"""compile_step(model, loss, x, y): a model's per-sample training step, compiled once.

:func:`autograd.compile_step` for a :class:`~nn.module.Module`: the model's parameters get
the gradients, and each call first checks that the model still has the parameters it was
compiled with (a replaced layer or Value would otherwise be trained on silently stale code).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from itertools import chain
from operator import is_
from typing import Any

from autograd import PerSampleStep, Value
from autograd import compile_step as compile_sample_step
from nn.module import Module, _walk

__all__ = ["compile_step", "ModelStep"]


class ModelStep:
    """A model's compiled per-sample step; ``step(rows, targets)`` trains on one batch.

    Each call returns the batch's mean loss and adds its gradient to the model's
    parameters' ``.grad``, equal bit for bit to eager ``backward()`` of
    ``sum_values([loss(model(x), y) for x, y in batch]) / len(batch)``. ``outputs`` holds
    each row's model output (floats) from the last call; ``source`` the generated code.
    """

    def __init__(
        self,
        model: Module,
        loss: Callable[[Any, Any], Value],
        example_x: Sequence[object],
        example_y: object,
        keep_outputs: bool = True,
    ) -> None:
        self.model = model
        self._parameters = model.parameters()
        self._ids = [id(p) for p in self._parameters]
        self._layout = _Layout(model)
        self.compiled: PerSampleStep = compile_sample_step(
            model,
            loss,
            self._parameters,
            example_x,
            example_y,
            keep_outputs=keep_outputs,
        )

    @property
    def source(self) -> str:
        """The generated code of one sample's forward and backward, looped over rows."""
        return self.compiled.source

    @property
    def outputs(self) -> list[tuple[float, ...]]:
        """Each row's model output from the last call, as a tuple of floats."""
        return self.compiled.outputs

    def __call__(self, rows: Sequence[Sequence[object]], targets: Sequence[object]) -> float:
        """Run one batch forward and backward; return its mean loss (grads accumulate)."""
        if not self._layout.unchanged():
            current = self.model.parameters()
            if [id(p) for p in current] != self._ids:
                raise ValueError(
                    f"the model's parameters changed since compile_step (it had "
                    f"{len(self._ids)}, now {len(current)}, or some were replaced): "
                    f"call compile_step(model, ...) again"
                )
            self._layout = _Layout(self.model)  # changed elsewhere: the same parameters
        return self.compiled(rows, targets)

    def __repr__(self) -> str:
        return f"ModelStep({self.model!r}, {self.compiled!r})"


class _Layout:
    """What :meth:`Module.parameters` walks: every module, list and tuple it can enter.

    ``parameters()`` finds a model's parameters by entering modules (their ``__dict__``),
    lists and tuples; what it finds depends only on which objects those hold, in which
    order. So when every module keeps its ``__dict__`` and every container holds the same
    objects (by identity) in the same order, ``parameters()`` would return the same list.
    :meth:`unchanged` tests that with C-level loops: for the demo's MLP 2-16-16-1, about
    10 µs where walking the model again took 80 to 200 µs, a fifth of the whole step.
    (Reassigning an object's ``__class__`` in place, which changes no container, is not
    seen; nothing else the walk reads escapes the test.)
    """

    def __init__(self, model: Module) -> None:
        entered: list[Any] = []
        _walk(model, named=False, entering=entered)
        modules = [item for item in entered if isinstance(item, Module)]
        containers: list[Collection[object]] = [
            vars(item).values() if isinstance(item, Module) else item for item in entered
        ]
        self._modules = modules
        self._dicts = [vars(module) for module in modules]
        # Dict views are live: they show what each module holds when iterated.
        self._containers = containers
        self._sizes = [len(held) for held in containers]
        self._items = list(chain.from_iterable(containers))

    def unchanged(self) -> bool:
        """Return whether every module and container holds what it held when recorded."""
        return (
            all(map(is_, map(vars, self._modules), self._dicts))
            and list(map(len, self._containers)) == self._sizes
            and all(map(is_, chain.from_iterable(self._containers), self._items))
        )


def compile_step(
    model: Module,
    loss: Callable[[Any, Any], Value],
    example_x: Sequence[object],
    example_y: object,
    *,
    keep_outputs: bool = True,
) -> ModelStep:
    """Return ``model``'s training step on ``loss(model(x), y)``, compiled for one sample.

    ``loss`` takes one sample's output and target: ``nn.cross_entropy`` (class indices),
    ``nn.mse_loss``, ``nn.hinge_loss``... ``step = compile_step(model, nn.cross_entropy,
    X[0], y[0])``, then per batch: ``optimizer.zero_grad(); step(rows, targets);
    optimizer.step()``. See :mod:`autograd.step` for what is replayed and what is refused.
    ``keep_outputs=False`` does not keep each row's output in ``step.outputs``.
    """
    return ModelStep(model, loss, example_x, example_y, keep_outputs)

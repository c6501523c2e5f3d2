"""Optimizers with ``torch.optim``'s names, defaults and update rules, on lists of Values.

Each keeps its parameters as an ordered list (the order of its state, as in PyTorch), has a
settable ``lr``, and offers ``step()`` (update every parameter from its ``.grad``) and
``zero_grad()`` (set every ``.grad`` to 0).
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Iterable
from numbers import Real
from typing import Any

from autograd import Value

__all__ = ["Optimizer", "SGD", "Adam"]


class Optimizer(ABC):
    """The base of optimizers: an ordered list of parameters and a learning rate ``lr``.

    Each parameter may be listed once: a repeat is a ValueError, since a step would move it
    once per listing (tied weights belong in the list once, as ``model.parameters()`` has
    them).
    """

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        if isinstance(params, (set, frozenset, dict)) or not isinstance(params, Iterable):
            raise TypeError(
                f"an optimizer takes an ordered list of parameters, got "
                f"{type(params).__name__}; pass a list, e.g. model.parameters()"
            )
        self.params: list[Value] = list(params)
        if not self.params:
            raise ValueError("the optimizer got an empty list of parameters")
        first_index: dict[int, int] = {}
        for index, param in enumerate(self.params):
            if not isinstance(param, Value):
                raise TypeError(
                    f"parameter {index} is {type(param).__name__}, not a Value; pass "
                    f"model.parameters()"
                )
            earlier = first_index.setdefault(id(param), index)
            if earlier != index:
                raise ValueError(
                    f"parameter {index} is parameter {earlier} again, so each step would move "
                    f"it twice; pass each parameter once (model.parameters() lists a shared "
                    f"one once)"
                )
        self.lr = lr

    @property
    def lr(self) -> float:
        """The learning rate; settable (e.g. by a schedule), never negative."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        _check_non_negative("lr", value)
        self._lr = float(value)

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0."""
        for param in self.params:
            param.grad = 0.0

    @abstractmethod
    def step(self) -> None:
        """Update every parameter from its gradient."""


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum, as ``torch.optim.SGD``.

    With g = grad + weight_decay · p: without momentum, p ← p - lr · g. With momentum μ,
    the buffer is b ← g on the first step, then b ← μ b + (1 - dampening) g; the update is
    p ← p - lr · b, or p ← p - lr · (g + μ b) with ``nesterov=True``.
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        super().__init__(params, lr)
        _check_non_negative("momentum", momentum)
        _check_non_negative("weight_decay", weight_decay)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("nesterov=True needs momentum > 0 and dampening = 0")
        self.momentum = float(momentum)
        self.dampening = float(dampening)
        self.weight_decay = float(weight_decay)
        self.nesterov = nesterov
        self.momentum_buffers: list[float | None] = [None] * len(self.params)

    def step(self) -> None:
        """Take one SGD step on every parameter."""
        lr = self.lr
        momentum = self.momentum
        weight_decay = self.weight_decay
        if momentum == 0 and weight_decay == 0:
            for param in self.params:
                param.data -= lr * param.grad
            return
        buffers = self.momentum_buffers
        for index, param in enumerate(self.params):
            g = param.grad
            if weight_decay != 0:
                g = g + weight_decay * param.data
            if momentum != 0:
                previous = buffers[index]
                buffer = g if previous is None else momentum * previous + (1.0 - self.dampening) * g
                buffers[index] = buffer
                g = g + momentum * buffer if self.nesterov else buffer
            param.data -= lr * g


class Adam(Optimizer):
    """Adam, as ``torch.optim.Adam`` (without amsgrad).

    With g = grad + weight_decay · p and step count t: m ← β1 m + (1 - β1) g,
    v ← β2 v + (1 - β2) g², and p ← p - lr / (1 - β1^t) · m / (√v / √(1 - β2^t) + eps).
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        beta1, beta2 = betas
        for name, beta in (("betas[0]", beta1), ("betas[1]", beta2)):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"Adam's {name} must be in [0, 1), got {beta!r}")
        _check_non_negative("eps", eps)
        _check_non_negative("weight_decay", weight_decay)
        self.betas = (float(beta1), float(beta2))
        self.eps = float(eps)
        self.weight_decay = float(weight_decay)
        self.step_count = 0
        self.exp_avg = [0.0] * len(self.params)
        self.exp_avg_sq = [0.0] * len(self.params)

    def step(self) -> None:
        """Take one Adam step on every parameter."""
        self.step_count += 1
        beta1, beta2 = self.betas
        step_size = self.lr / (1.0 - beta1**self.step_count)
        bias_correction2_sqrt = math.sqrt(1.0 - beta2**self.step_count)
        exp_avg = self.exp_avg
        exp_avg_sq = self.exp_avg_sq
        for index, param in enumerate(self.params):
            g = param.grad
            if self.weight_decay != 0:
                g = g + self.weight_decay * param.data
            # m moves toward g by (1 - β1), written as PyTorch's lerp computes it.
            m = exp_avg[index]
            m = m + (1.0 - beta1) * (g - m)
            v = beta2 * exp_avg_sq[index] + (1.0 - beta2) * g * g
            exp_avg[index] = m
            exp_avg_sq[index] = v
            denominator = math.sqrt(v) / bias_correction2_sqrt + self.eps
            param.data -= step_size * (m / denominator)


def _check_non_negative(name: str, number: Any) -> None:
    """Refuse anything but a real number ≥ 0 (any Real, as Value() takes; not a bool)."""
    if isinstance(number, bool) or not isinstance(number, Real) or not float(number) >= 0:
        raise ValueError(f"{name} must be a number ≥ 0, got {number!r}")

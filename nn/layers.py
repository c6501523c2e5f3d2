"""Neuron, Layer and MLP: micrograd's models, with its attribute names, made fast.

A neuron computes ``act(Σ_i w_i x_i + b)``. The weighted sum and the bias are one fused
``dot`` node (drawn ``Σ w·x``) rather than micrograd's 2n multiplications and additions:
the bias is the weight of a constant input 1 (the "bias trick"), so the node's inputs
read ``w.0 ... w.n-1, b`` times ``x.0 ... x.n-1, 1``. A graph has two nodes per neuron
(the sum and the activation), and backward is many times faster.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any

from autograd import Value, dot, dots
from nn.module import Module

__all__ = ["Neuron", "Layer", "MLP", "ACTIVATIONS", "Seed"]

#: What initializes weights: an int seed, a ``random.Random``, or None for the global
#: ``random`` module (so ``random.seed(1337)`` before building works as in micrograd).
Seed = int | random.Random | None

#: The activation names a Neuron accepts, with their ops; None means linear.
ACTIVATIONS: dict[str, Callable[[Value], Value]] = {
    "relu": Value.relu,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
}

_SYMBOLS = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", None: "Linear"}


def _generator(seed: Seed) -> random.Random | None:
    """Return the generator to share with sub-modules; None stands for the global one."""
    if seed is None or isinstance(seed, random.Random):
        return seed
    if isinstance(seed, int) and not isinstance(seed, bool):
        return random.Random(seed)
    raise TypeError(
        f"seed must be an int, a random.Random or None, got {type(seed).__name__} {seed!r}"
    )


def _check_size(what: str, size: object) -> int:
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"{what} must be a positive int, got {size!r}")
    return size


def _activation_name(activation: str | None, nonlin: bool | None) -> str | None:
    if nonlin is not None:
        if activation not in ("relu", None) or not isinstance(nonlin, bool):
            raise ValueError(
                "pass either activation= or micrograd's nonlin=True/False, not both; "
                f"got activation={activation!r}, nonlin={nonlin!r}"
            )
        return "relu" if nonlin else None
    if activation is not None and activation not in ACTIVATIONS:
        names = ", ".join(repr(name) for name in ACTIVATIONS)
        raise ValueError(f"unknown activation {activation!r}; use one of {names} or None")
    return activation


class Neuron(Module):
    """One neuron: returns ``act(w · x + b)`` for an input list ``x`` of ``nin`` numbers.

    Weights start uniform in [-1, 1) and the bias at 0, as in micrograd. ``activation``
    is ``"relu"`` (default), ``"tanh"``, ``"sigmoid"`` or None (linear); micrograd's
    ``nonlin=False`` means None.
    """

    def __init__(
        self,
        nin: int,
        activation: str | None = "relu",
        *,
        nonlin: bool | None = None,
        seed: Seed = None,
    ) -> None:
        _check_size("Neuron's nin (number of inputs)", nin)
        self.activation = _activation_name(activation, nonlin)
        rng = _generator(seed)
        uniform = random.uniform if rng is None else rng.uniform
        self.w = [Value(uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0.0)
        self._act = None if self.activation is None else ACTIVATIONS[self.activation]
        self.label_parameters()

    @property
    def nonlin(self) -> bool:
        """micrograd's flag: whether the neuron applies an activation."""
        return self.activation is not None

    def __call__(self, x: Sequence[Value | float]) -> Value:
        """Return ``act(Σ_i w_i x_i + b)``; the sum is one ``Σ w·x`` node."""
        if _length(x) != len(self.w):
            raise ValueError(_wrong_length("Neuron", len(self.w), x))
        out = dot((*self.w, self.b), (*x, Value(1.0)))
        act = self._act
        return out if act is None else act(out)

    def __repr__(self) -> str:
        return f"{_SYMBOLS[self.activation]}Neuron({len(self.w)})"


class Layer(Module):
    """``nout`` neurons reading the same ``nin`` inputs; calling it returns a list of nout."""

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str | None = "relu",
        *,
        nonlin: bool | None = None,
        seed: Seed = None,
    ) -> None:
        _check_size("Layer's nin (number of inputs)", nin)
        _check_size("Layer's nout (number of neurons)", nout)
        rng = _generator(seed)
        self.neurons = [Neuron(nin, activation, nonlin=nonlin, seed=rng) for _ in range(nout)]
        self.label_parameters()

    def __call__(self, x: Sequence[Value | float]) -> list[Value]:
        """Return ``[neuron(x) for neuron in neurons]``."""
        nin = len(self.neurons[0].w)
        if _length(x) != nin:
            raise ValueError(_wrong_length("Layer", nin, x))
        # One leaf per number input and one for the bias's constant 1, shared by all
        # neurons, whose sums are made together: this is most of a forward pass.
        inputs = (*[v if type(v) is Value else Value(v) for v in x], Value(1.0))
        neurons = self.neurons
        sums = dots([(*neuron.w, neuron.b) for neuron in neurons], inputs)
        return [
            out if (act := neuron._act) is None else act(out) for neuron, out in zip(neurons, sums)
        ]

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(neuron) for neuron in self.neurons)}]"


class MLP(Module):
    """A multi-layer perceptron: hidden layers with ``activation``, a linear last layer.

    ``MLP(2, [16, 16, 1])`` maps 2 inputs through two ReLU layers of 16 to one output.
    Calling it returns a Value when the last layer has one neuron, else a list.
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str | None = "relu",
        *,
        seed: Seed = None,
    ) -> None:
        _check_size("MLP's nin (number of inputs)", nin)
        if isinstance(nouts, int) or not nouts:
            raise ValueError(
                f"MLP's nouts must be a non-empty list of layer widths, e.g. [16, 16, 1], "
                f"got {nouts!r}"
            )
        _activation_name(activation, None)
        rng = _generator(seed)
        sizes = [nin, *nouts]
        last = len(nouts) - 1
        self.layers = [
            Layer(sizes[i], sizes[i + 1], activation if i != last else None, seed=rng)
            for i in range(len(nouts))
        ]
        self.label_parameters()

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        """Return the last layer's outputs: a Value if it has one neuron, else a list."""
        outputs: Sequence[Value | float] = x
        for layer in self.layers:
            outputs = layer(outputs)
        result: list[Value] = outputs  # type: ignore[assignment]
        return result[0] if len(result) == 1 else result

    def to_torch(self) -> Any:
        """Return a float64 ``torch.nn.Sequential`` with this MLP's weights and activations.

        Each layer becomes a ``torch.nn.Linear`` (row j of its weight is neuron j's ``w``)
        and, for hidden layers, the activation module (``ReLU``, ``Tanh``, ``Sigmoid``).
        Needs PyTorch: ``pip install 'glassgrad[torch]'``.
        """
        from nn.torch_bridge import mlp_to_torch

        return mlp_to_torch(self)

    @classmethod
    def from_torch(cls, sequential: Any) -> MLP:
        """Return an MLP with the weights and activations of a ``torch.nn.Sequential``.

        It must be ``Linear, act, ..., Linear`` with biases and one activation (ReLU, Tanh
        or Sigmoid) between every two Linears, or none; anything else is a ValueError
        naming the layer. Needs PyTorch: ``pip install 'glassgrad[torch]'``.
        """
        from nn.torch_bridge import mlp_from_torch

        return mlp_from_torch(sequential)

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"


def _length(x: object) -> int:
    try:
        return len(x)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(
            f"a model takes a list of inputs, got a single {type(x).__name__}; "
            f"wrap it in a list: model([x])"
        ) from None


def _wrong_length(owner: str, expected: int, x: Sequence[object]) -> str:
    return (
        f"{owner} takes {expected} inputs, got {len(x)}; pass one number or Value per input "
        f"(its nin is {expected})"
    )

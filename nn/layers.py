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


def _activation_name(activation: str | bool | None, nonlin: bool | None) -> str | None:
    if isinstance(activation, bool):
        # micrograd's Neuron(nin, nonlin) passes its flag second: True is ReLU, False linear.
        if nonlin is not None:
            raise ValueError(f"nonlin given twice: {activation!r} and nonlin={nonlin!r}")
        return "relu" if activation else None
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
    ``nonlin`` flag, by keyword or second (``Neuron(1, False)``), means ReLU or linear.
    """

    def __init__(
        self,
        nin: int,
        activation: str | bool | None = "relu",
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
        return self.activate(dot((*self.w, self.b), (*x, Value(1.0))))

    def activate(self, z: Value) -> Value:
        """Return the activation of the weighted sum ``z`` (``z`` itself when linear)."""
        act = self._act
        return z if act is None else act(z)

    def __repr__(self) -> str:
        return f"{_SYMBOLS[self.activation]}Neuron({len(self.w)})"


class Layer(Module):
    """``nout`` neurons reading the same ``nin`` inputs.

    Calling it returns their outputs: a list, or the Value itself when there is one neuron,
    as in micrograd. :meth:`outputs` always returns the list.
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str | bool | None = "relu",
        *,
        nonlin: bool | None = None,
        seed: Seed = None,
    ) -> None:
        _check_size("Layer's nin (number of inputs)", nin)
        _check_size("Layer's nout (number of neurons)", nout)
        rng = _generator(seed)
        self.neurons = [Neuron(nin, activation, nonlin=nonlin, seed=rng) for _ in range(nout)]
        self.label_parameters()

    def __call__(self, x: Sequence[Value | float]) -> Value | list[Value]:
        """Return the neurons' outputs: the Value when there is one neuron, else a list."""
        outs = self.outputs(x)
        return outs[0] if len(outs) == 1 else outs

    def outputs(self, x: Sequence[Value | float]) -> list[Value]:
        """Return ``[neuron(x) for neuron in neurons]``, always a list."""
        nin = len(self.neurons[0].w)
        if _length(x) != nin:
            raise ValueError(_wrong_length("Layer", nin, x))
        neurons = self.neurons
        if any(type(neuron).__call__ is not Neuron.__call__ for neuron in neurons):
            return [neuron(x) for neuron in neurons]  # a Neuron subclass computes its own
        # One leaf per number input and one for the bias's constant 1, shared by all
        # neurons, whose sums are made together: this is most of a forward pass.
        inputs = (*[v if type(v) is Value else Value(v) for v in x], Value(1.0))
        sums = dots(self._kept_blocks(), inputs)
        return [neuron.activate(out) for neuron, out in zip(neurons, sums)]

    def _kept_blocks(self) -> list[tuple[Value, ...]]:
        """Each neuron's weights and bias ``(*w, b)`` as one tuple, kept from call to call
        while they are the same Values: every sample's ``dot`` node shares it, so it is in
        memory once and the backward walk checks it once. Kept in a dict, which the
        parameter walk does not enter, made on first use."""
        kept: dict[int, tuple[Value, ...]] = self.__dict__.setdefault("_weight_blocks", {})
        blocks = []
        for number, neuron in enumerate(self.neurons):
            block = (*neuron.w, neuron.b)
            if kept.get(number) != block:  # compared by identity: Values have no ==
                kept[number] = block
            blocks.append(kept[number])
        return blocks

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(neuron) for neuron in self.neurons)}]"


class MLP(Module):
    """A multi-layer perceptron: hidden layers with ``activation``, a linear last layer.

    ``MLP(2, [16, 16, 1])`` maps 2 inputs through two ReLU layers of 16 to one output.
    Calling it returns a Value when the last layer has one neuron, else a list;
    :meth:`outputs` always returns the list.

    >>> from nn import MLP
    >>> model = MLP(2, [4, 1], seed=0)
    >>> model
    MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2), ReLUNeuron(2), ReLUNeuron(2)],
            Layer of [LinearNeuron(4)]]
    >>> len(model.parameters())     # (2 weights + 1 bias) · 4 + (4 + 1) · 1
    17
    >>> next(model.named_parameters())[0]
    'layers.0.neurons.0.w.0'
    >>> type(model([1.0, -2.0])).__name__
    'Value'
    >>> len(MLP(2, [4, 3], seed=0)([1.0, -2.0]))   # three outputs: a list
    3
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
        outs = self.outputs(x)
        return outs[0] if len(outs) == 1 else outs

    def outputs(self, x: Sequence[Value | float]) -> list[Value]:
        """Return the last layer's outputs, always as a list."""
        values = self.layers[0].outputs(x)
        for layer in self.layers[1:]:
            values = layer.outputs(values)
        return values

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

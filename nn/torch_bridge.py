"""The way on to PyTorch: an MLP as a float64 ``torch.nn.Sequential``, and back.

``MLP.to_torch()`` and ``MLP.from_torch(sequential)`` call these. An MLP's layer of
neurons is one ``torch.nn.Linear`` (row j of its weight is neuron j's ``w``, entry j of
its bias is neuron j's ``b``) followed by the layer's activation as ``torch.nn.ReLU``,
``Tanh`` or ``Sigmoid``, or by nothing for a linear layer. The numbers are copied as
float64, so a round trip returns the same floats and the outputs agree to rounding.

PyTorch is optional (``pip install 'glassgrad[torch]'``); it is imported when a conversion
runs, and its absence is an ImportError that says what to install.
"""

from __future__ import annotations

import importlib
from typing import Any

from nn.layers import MLP, Layer

__all__ = ["mlp_to_torch", "mlp_from_torch", "import_torch"]

# The activation names of nn.layers.ACTIVATIONS and their torch.nn modules.
_TORCH_ACTIVATIONS = {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid"}


def import_torch(caller: str) -> Any:
    """Return the ``torch`` module, or raise an ImportError saying how to install it."""
    try:
        return importlib.import_module("torch")
    except ImportError:
        raise ImportError(
            f"{caller} needs PyTorch, which is not installed; install it with "
            f"pip install 'glassgrad[torch]' (or pip install torch)"
        ) from None


def mlp_to_torch(model: MLP) -> Any:
    """Return a float64 ``torch.nn.Sequential`` with ``model``'s weights and activations."""
    torch = import_torch("MLP.to_torch()")
    modules = []
    for index, layer in enumerate(model.layers):
        activation = _layer_activation(layer, f"layers.{index}")
        neurons = layer.neurons
        # skip_init: no random initialisation, so the user's torch random state is untouched.
        linear = torch.nn.utils.skip_init(
            torch.nn.Linear, len(neurons[0].w), len(neurons), dtype=torch.float64
        )
        weight = [[w.data for w in neuron.w] for neuron in neurons]
        bias = [neuron.b.data for neuron in neurons]
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(weight, dtype=torch.float64))
            linear.bias.copy_(torch.tensor(bias, dtype=torch.float64))
        modules.append(linear)
        if activation is not None:
            modules.append(getattr(torch.nn, _TORCH_ACTIVATIONS[activation])())
    return torch.nn.Sequential(*modules)


def _layer_activation(layer: Layer, name: str) -> str | None:
    """Return the activation all of ``layer``'s neurons share, or raise a ValueError."""
    activations = {neuron.activation for neuron in layer.neurons}
    inputs = {len(neuron.w) for neuron in layer.neurons}
    if len(activations) > 1:
        shown = ", ".join(sorted(str(activation) for activation in activations))
        raise ValueError(
            f"MLP.to_torch() cannot convert {name}: its neurons mix the activations {shown}, "
            f"and a torch.nn.Sequential applies one activation to a whole layer"
        )
    if len(inputs) > 1:
        raise ValueError(
            f"MLP.to_torch() cannot convert {name}: its neurons take different numbers of "
            f"inputs ({', '.join(str(n) for n in sorted(inputs))})"
        )
    return activations.pop()


def mlp_from_torch(sequential: Any) -> MLP:
    """Return an :class:`MLP` with the weights and activations of a ``torch.nn.Sequential``.

    The Sequential must read ``Linear, act, Linear, act, ..., Linear``: Linear layers with
    a bias, each feeding the next, with one activation (ReLU, Tanh or Sigmoid) after every
    Linear but the last, or none at all (a linear MLP). Anything else is a ValueError
    naming the first layer that does not fit; nothing is built.
    """
    torch = import_torch("MLP.from_torch()")
    if not isinstance(sequential, torch.nn.Sequential):
        raise TypeError(
            f"MLP.from_torch() takes a torch.nn.Sequential of Linear and ReLU/Tanh/Sigmoid "
            f"layers, got {type(sequential).__name__}"
        )
    activation_of = {getattr(torch.nn, cls): name for name, cls in _TORCH_ACTIVATIONS.items()}
    children = list(sequential.named_children())
    if not children:
        raise ValueError("MLP.from_torch() got an empty torch.nn.Sequential; an MLP needs a Linear")
    linears: list[Any] = []
    hidden: set[str | None] = set()
    previous: Any = None
    for position, (name, module) in enumerate(children):
        where = f"layer {name} ({module!r})"
        kind = type(module)
        if kind is torch.nn.Linear:
            if linears and previous is torch.nn.Linear:
                hidden.add(None)
            _check_linear(module, where, linears[-1] if linears else None)
            linears.append(module)
        elif kind in activation_of:
            if previous is not torch.nn.Linear:
                raise ValueError(
                    f"MLP.from_torch() cannot represent {where}: an MLP applies one activation "
                    f"after a Linear layer, and this one follows "
                    f"{'nothing' if previous is None else previous.__name__}"
                )
            if position == len(children) - 1:
                raise ValueError(
                    f"MLP.from_torch() cannot represent {where}: an MLP's last layer is "
                    f"linear; drop the final activation and apply it to the MLP's outputs"
                )
            hidden.add(activation_of[kind])
        else:
            raise ValueError(
                f"MLP.from_torch() cannot represent {where}: an MLP has only Linear layers "
                f"and ReLU, Tanh or Sigmoid activations"
            )
        if len(hidden) > 1:
            raise ValueError(
                f"MLP.from_torch() cannot represent {where}: an MLP uses one activation for "
                f"all hidden layers (or none), and this Sequential mixes "
                f"{', '.join(sorted(h or 'none' for h in hidden))}"
            )
        previous = kind
    activation = hidden.pop() if hidden else None
    model = MLP(
        linears[0].in_features, [linear.out_features for linear in linears], activation, seed=0
    )
    for layer, linear in zip(model.layers, linears):
        weight = linear.weight.detach().to(torch.float64).tolist()
        bias = linear.bias.detach().to(torch.float64).tolist()
        for neuron, row, b in zip(layer.neurons, weight, bias):
            for w, number in zip(neuron.w, row):
                w.data = number
            neuron.b.data = b
    return model


def _check_linear(linear: Any, where: str, previous: Any) -> None:
    if linear.bias is None:
        raise ValueError(
            f"MLP.from_torch() cannot represent {where}: it has no bias, and every neuron of "
            f"an MLP has one (make it with bias=True)"
        )
    if not linear.weight.is_floating_point():
        raise ValueError(
            f"MLP.from_torch() cannot represent {where}: its weights are {linear.weight.dtype}, "
            f"not floating point"
        )
    if previous is not None and linear.in_features != previous.out_features:
        raise ValueError(
            f"MLP.from_torch() cannot represent {where}: it takes {linear.in_features} inputs "
            f"but the Linear before it gives {previous.out_features}"
        )

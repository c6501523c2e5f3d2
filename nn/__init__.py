"""glassgrad's neural-network library, built on the ``autograd`` engine only.

PyTorch's names and semantics with every scalar visible: :class:`Module` (parameters,
state dictionaries, JSON files), :class:`Neuron`, :class:`Layer`, :class:`MLP`, the
functions of :mod:`nn.functional`, losses, the SGD and Adam optimizers, small data sets
(and the real 8x8 digits, :func:`load_digits`), :func:`train_test_split` and :func:`fit`.
"""

import autograd

if not getattr(autograd, "GLASSGRAD", False):
    raise ImportError(
        f"nn needs glassgrad's autograd engine, but 'import autograd' found another package "
        f"at {getattr(autograd, '__file__', '?')}. Another distribution installs a folder "
        f"named 'autograd' (e.g. PyPI's 'autograd'); uninstall it "
        f"('pip uninstall autograd') and reinstall glassgrad."
    )

from nn import functional
from nn.compiled import ModelStep, compile_step
from nn.data import make_blobs, make_circles, make_moons, make_spiral
from nn.digits import load_digits
from nn.functional import dot, log_softmax, logsumexp, softmax
from nn.layers import MLP, Layer, Neuron
from nn.losses import (
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge_loss,
    l2_penalty,
    mae_loss,
    mse_loss,
)
from nn.module import Module, StateDictError
from nn.optim import SGD, Adam, Optimizer
from nn.split import train_test_split
from nn.training import History, fit, train_step

#: glassgrad's version, the same as ``autograd.__version__`` (one distribution, one version).
__version__: str = autograd.__version__

__all__ = [
    "Module",
    "StateDictError",
    "Neuron",
    "Layer",
    "MLP",
    "functional",
    "softmax",
    "log_softmax",
    "logsumexp",
    "dot",
    "mse_loss",
    "mae_loss",
    "cross_entropy",
    "binary_cross_entropy_with_logits",
    "hinge_loss",
    "l2_penalty",
    "Optimizer",
    "SGD",
    "Adam",
    "make_moons",
    "make_circles",
    "make_blobs",
    "make_spiral",
    "load_digits",
    "train_test_split",
    "fit",
    "train_step",
    "compile_step",
    "ModelStep",
    "History",
]

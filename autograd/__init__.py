"""glassgrad's engine: scalar Values that remember how they were made.

``Value`` records every op of the op table (:mod:`autograd.ops`); ``backward()`` fills in
gradients; ``grad()`` returns them, differentiable again on request; ``gradcheck`` compares
them with central differences; ``no_grad()`` stops recording in the current thread;
``compile(loss)`` turns a recorded graph into straight-line Python to rerun it fast;
``compile_step`` compiles one sample's forward and backward and loops it over a batch.
"""

from autograd import collector
from autograd.compiler import CompiledGraph, compile
from autograd.gradients import grad
from autograd.mode import detect_anomaly, enable_grad, is_grad_enabled, no_grad
from autograd.numeric import GradcheckResult, gradcheck, numerical_grad
from autograd.ops import Op, RuleMath
from autograd.step import ClassIndex, PerSampleStep, compile_step
from autograd.value import (
    Value,
    apply,
    backward_order,
    dot,
    dots,
    logsumexp,
    softmax_shift,
    sum_values,
    topological_order,
)

#: glassgrad's version: the one place it is written (the build reads it from here).
__version__ = "0.1.0"

# Full collections wait while a graph grows (see autograd.collector for why and the bounds).
collector.install()

#: Marks this package as glassgrad's engine; ``nn`` checks it on import.
GLASSGRAD = True

__all__ = [
    "Value",
    "Op",
    "RuleMath",
    "apply",
    "grad",
    "gradcheck",
    "GradcheckResult",
    "numerical_grad",
    "no_grad",
    "enable_grad",
    "is_grad_enabled",
    "detect_anomaly",
    "dot",
    "dots",
    "sum_values",
    "logsumexp",
    "softmax_shift",
    "topological_order",
    "backward_order",
    "compile",
    "CompiledGraph",
    "compile_step",
    "PerSampleStep",
    "ClassIndex",
    "GLASSGRAD",
]

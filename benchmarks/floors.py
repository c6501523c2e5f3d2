"""The tightest pure-Python training steps: an unrolled per-sample body in a loop over samples.

What an expert writes by hand for an MLP step when every cycle counts: parameters and
their gradients in locals, read and written once per batch; each sample's forward and
backward as straight-line code (no loops over neurons, no lists, no objects); the loss's
gradient formula in closed form (softmax minus one-hot, the hinge's sign). The code is
written out by :func:`floor_step` for a given network, as one would type it.

``skip_zeros=True`` adds what the same expert does on top: skip the backward of a sample
whose loss gradient is zero (a hinge margin met) and of each neuron whose ReLU is off.
Each floor names its most used locals first, as the compiled step does: CPython spends an
extra instruction on each use of a local numbered past 255. These floors are for speed
comparisons only: their sums run in other orders than the engine's, so they agree with it
to rounding, not bit for bit.
"""

from __future__ import annotations

import itertools
import keyword
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["floor_step", "FloorStep"]

#: A floor step: (rows, targets, parameters) -> (mean loss, gradients), one per parameter.
FloorStep = Callable[[Sequence[Sequence[float]], Sequence[Any], Sequence[float]], Any]


def floor_step(sizes: Sequence[int], loss: str, skip_zeros: bool = False) -> FloorStep:
    """Return the unrolled step of an MLP (ReLU hidden layers, linear last) on ``loss``.

    ``loss`` is ``"hinge"`` (one output, labels ±1) or ``"cross_entropy"`` (class
    indices). Parameters come in ``nn.MLP.parameters()`` order: per layer, per neuron,
    its weights then its bias.
    """
    names: list[str] = []
    for layer, (nin, nout) in enumerate(itertools.pairwise(sizes)):
        for j in range(nout):
            names += [f"w{layer}_{j}_{i}" for i in range(nin)] + [f"b{layer}_{j}"]
    grads = ["g" + name for name in names]
    last = len(sizes) - 2
    body: list[str] = []
    inputs = [f"x{i}" for i in range(sizes[0])]
    body.append(f"{', '.join(inputs)}, = row")
    activations = [inputs]
    for layer, nout in enumerate(sizes[1:]):
        below = activations[-1]
        outs = []
        for j in range(nout):
            terms = " + ".join(f"w{layer}_{j}_{i} * {x}" for i, x in enumerate(below))
            body.append(f"h{layer}_{j} = {terms} + b{layer}_{j}")
            if layer == last:
                outs.append(f"h{layer}_{j}")
            else:
                body.append(f"a{layer}_{j} = h{layer}_{j} if h{layer}_{j} > 0.0 else 0.0")
                outs.append(f"a{layer}_{j}")
        activations.append(outs)
    scores = activations[-1]
    if loss == "hinge":
        body.append(f"margin = 1.0 - target * {scores[0]}")
        if skip_zeros:
            body += ["if margin <= 0.0:", "    continue", "total += margin"]
            body.append(f"gh{last}_0 = -target * scale")
        else:
            body.append("if margin > 0.0:")
            body.append("    total += margin")
            body.append(f"    gh{last}_0 = -target * scale")
            body.append("else:")
            body.append(f"    gh{last}_0 = 0.0")
    elif loss == "cross_entropy":
        body.append(f"top = max({', '.join(scores)})")
        for k, z in enumerate(scores):
            body.append(f"e{k} = exp({z} - top)")
        body.append(f"norm = {' + '.join(f'e{k}' for k in range(len(scores)))}")
        body.append(f"total += top + log(norm) - ({', '.join(scores)},)[target]")
        body.append("share = scale / norm")
        body.append(f"g = [{', '.join(f'e{k} * share' for k in range(len(scores)))}]")
        body.append("g[target] -= scale")
        body.append(f"{', '.join(f'gh{last}_{k}' for k in range(len(scores)))}, = g")
    else:
        raise ValueError(f"unknown loss {loss!r}")
    for layer in range(last, -1, -1):
        nout = sizes[layer + 1]
        below = activations[layer]
        first = True
        if skip_zeros and layer > 0:
            body.append(" = ".join(f"ga{layer - 1}_{i}" for i in range(len(below))) + " = 0.0")
            first = False
        for j in range(nout):
            g = f"gh{layer}_{j}"
            indent = ""
            if layer != last:
                if skip_zeros:
                    body.append(f"if h{layer}_{j} > 0.0:")
                    body.append(f"    {g} = ga{layer}_{j}")
                    indent = "    "
                else:
                    body.append(f"{g} = ga{layer}_{j} if h{layer}_{j} > 0.0 else 0.0")
            body.append(f"{indent}gb{layer}_{j} += {g}")
            for i, x in enumerate(below):
                body.append(f"{indent}gw{layer}_{j}_{i} += {g} * {x}")
                if layer > 0:
                    op = "=" if first else "+="
                    body.append(f"{indent}ga{layer - 1}_{i} {op} {g} * w{layer}_{j}_{i}")
            first = False
    source = [
        "def step(rows, targets, parameters):",
        _numbering(body, 256 - 3),
        f"    {', '.join(names)}, = parameters",
        f"    {' = '.join(grads)} = 0.0",
        "    total = 0.0",
        "    scale = 1.0 / len(rows)",
        "    for row, target in zip(rows, targets):",
        *[f"        {line}" for line in body],
        f"    return total * scale, ({', '.join(grads)},)",
    ]
    namespace: dict[str, Any] = {"exp": math.exp, "log": math.log}
    exec(compile("\n".join(source) + "\n", "<floor step>", "exec"), namespace)
    step: FloorStep = namespace["step"]
    return step


def _numbering(body: list[str], slots: int) -> str:
    """Return a statement naming the body's most used locals first.

    CPython numbers a function's locals in the order it first meets them, and each use
    of one numbered past 255 costs an extra instruction (``EXTENDED_ARG``). Naming a
    sample's activations and gradients before the parameters keeps them below 256: about
    10% off either floor, once per call.
    """
    words = re.findall(r"\b[A-Za-z_]\w*\b", "\n".join(body))
    locals_ = [w for w in words if not keyword.iskeyword(w) and w not in _NOT_LOCAL]
    first = [name for name, _ in Counter(locals_).most_common(slots)]
    return "    " + " = ".join([*first, "None"])


#: Names the step body reads that are not its locals.
_NOT_LOCAL = {"exp", "log", "max"}

"""Random expression programs, run the same way on glassgrad Values, floats or torch.

A program is a list of steps; each step applies one op to earlier results, so results
are shared between later steps (a DAG with shared subexpressions, not a tree). The ops
used keep values in a smooth, moderate range, so central differences are meaningful.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

# name -> number of operands. Each is written with operations that both Values and
# torch tensors support, so one interpreter serves both.
STEPS: dict[str, int] = {
    "add": 2,
    "sub": 2,
    "mul": 2,
    "div_smooth": 2,
    "pow_scalar": 1,
    "pow_value": 2,
    "exp_tanh": 1,
    "log_smooth": 1,
    "tanh": 1,
    "sigmoid": 1,
    "neg": 1,
    "radd": 1,
    "rsub": 1,
    "rdiv": 1,
    "rpow": 1,
}


@dataclass(frozen=True)
class Step:
    name: str
    operands: tuple[int, ...]
    constant: float


@dataclass(frozen=True)
class Program:
    inputs: tuple[float, ...]
    steps: tuple[Step, ...]


def apply_step(step: Step, values: list[Any]) -> Any:
    """Apply one step to earlier results; works on Values and on torch tensors."""
    a = values[step.operands[0]]
    b = values[step.operands[1]] if len(step.operands) > 1 else None
    c = step.constant
    if step.name == "add":
        return a + b
    if step.name == "sub":
        return a - b
    if step.name == "mul":
        return a * b
    if step.name == "div_smooth":
        return a / (b * b + 1.0)
    if step.name == "pow_scalar":
        return (a * a + 0.5) ** c
    if step.name == "pow_value":
        return (a.sigmoid() + 0.5) ** b.tanh()
    if step.name == "exp_tanh":
        return a.tanh().exp()
    if step.name == "log_smooth":
        return (a * a + 0.25).log()
    if step.name == "tanh":
        return a.tanh()
    if step.name == "sigmoid":
        return a.sigmoid()
    if step.name == "neg":
        return -a
    if step.name == "radd":
        return c + a
    if step.name == "rsub":
        return c - a
    if step.name == "rdiv":
        return c / (a * a + 1.0)
    if step.name == "rpow":
        return 1.5 ** a.tanh()
    raise AssertionError(f"unknown step {step.name}")


def run(program: Program, inputs: list[Any]) -> Any:
    """Run the program on the given leaves; the output sums the last three results."""
    values = list(inputs)
    for step in program.steps:
        values.append(apply_step(step, values))
    tail = values[-3:]
    out = tail[0]
    for v in tail[1:]:
        out = out + v
    return out


@st.composite
def programs(draw: st.DrawFn, max_inputs: int = 4, max_steps: int = 12) -> Program:
    n_inputs = draw(st.integers(1, max_inputs))
    inputs = tuple(
        draw(st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False)) for _ in range(n_inputs)
    )
    steps = []
    for i in range(draw(st.integers(1, max_steps))):
        name = draw(st.sampled_from(sorted(STEPS)))
        available = n_inputs + i
        operands = tuple(draw(st.integers(0, available - 1)) for _ in range(STEPS[name]))
        constant = draw(st.sampled_from([-1.5, -1.0, 0.5, 1.0, 2.0, 3.0]))
        steps.append(Step(name, operands, constant))
    return Program(inputs, tuple(steps))

"""Random expression graphs with shared subexpressions: central differences and PyTorch."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from programs import Program, programs, run

from autograd import Value, grad, gradcheck


@settings(max_examples=150, deadline=None)
@given(program=programs())
def test_random_graph_gradients_match_central_differences(program: Program) -> None:
    result = gradcheck(
        lambda *xs: run(program, list(xs)), list(program.inputs), atol=1e-5, rtol=1e-4
    )
    assert result.ok, str(result)


@settings(max_examples=150, deadline=None)
@given(program=programs(max_inputs=5, max_steps=20))
def test_random_graph_values_and_gradients_match_torch_float64(
    program: Program, torch: Any
) -> None:
    leaves = [Value(x) for x in program.inputs]
    out = run(program, leaves)
    out.backward()
    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in program.inputs]
    expected = run(program, tensors)
    expected.backward()
    assert out.data == pytest.approx(expected.item(), rel=1e-8, abs=1e-12)
    for leaf, tensor in zip(leaves, tensors):
        expected_grad = 0.0 if tensor.grad is None else tensor.grad.item()  # None: unused input
        assert leaf.grad == pytest.approx(expected_grad, rel=1e-8, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(program=programs(max_inputs=3, max_steps=8))
def test_random_graph_second_derivatives_match_torch_float64(program: Program, torch: Any) -> None:
    leaves = [Value(x) for x in program.inputs]
    first = grad(run(program, leaves), leaves, create_graph=True)
    second = grad(first[0], leaves)
    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in program.inputs]
    torch_first = torch.autograd.grad(
        run(program, tensors), tensors, create_graph=True, materialize_grads=True
    )
    if not torch_first[0].requires_grad:  # the first derivative is a constant
        assert all(g.data == 0.0 for g in second)
        return
    torch_second = torch.autograd.grad(torch_first[0], tensors, materialize_grads=True)
    for got, want in zip(second, torch_second):
        assert got.data == pytest.approx(want.item(), rel=1e-8, abs=1e-10)

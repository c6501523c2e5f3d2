"""Tied parameters and modules that refer back: each parameter and module is walked once."""

from __future__ import annotations

import sys

import pytest

import nn
from autograd import Value


class Tied(nn.Module):
    """Two neurons sharing one bias, and a third attribute naming the first neuron again."""

    def __init__(self) -> None:
        self.first = nn.Neuron(2, seed=0)
        self.second = nn.Neuron(2, seed=1)
        self.second.b = self.first.b
        self.again = self.first


def test_a_shared_parameter_is_listed_once_under_its_first_name() -> None:
    model = Tied()
    names = [name for name, _ in model.named_parameters()]
    assert names == ["first.w.0", "first.w.1", "first.b", "second.w.0", "second.w.1"]
    assert model.parameters() == [p for _, p in model.named_parameters()]


def test_a_value_listed_twice_in_one_attribute_is_a_parameter_once() -> None:
    class Twice(nn.Module):
        def __init__(self) -> None:
            self.p = Value(1.0)
            self.pair = [self.p, self.p]

    assert [name for name, _ in Twice().named_parameters()] == ["p"]


def test_state_dict_of_a_tied_model_has_one_entry_per_parameter_and_round_trips() -> None:
    model = Tied()
    state = model.state_dict()
    assert list(state) == ["first.w.0", "first.w.1", "first.b", "second.w.0", "second.w.1"]
    state["first.b"] = 0.25
    model.load_state_dict(state)
    assert model.second.b.data == 0.25


def test_sgd_moves_a_tied_parameter_once_per_step() -> None:
    model = Tied()
    optimizer = nn.SGD(model.parameters(), lr=0.1)
    shared = model.first.b
    shared.grad = 1.0
    optimizer.step()
    assert shared.data == -0.1


def test_l2_penalty_of_a_tied_model_counts_the_shared_parameter_once() -> None:
    model = Tied()
    model.first.b.data = 3.0
    distinct = [*model.first.w, model.first.b, *model.second.w]
    penalty = nn.l2_penalty(model.parameters())
    squares = [p.data * p.data for p in distinct]
    left_to_right = squares[0]
    for square in squares[1:]:  # glassgrad's one summation order (not sum(), from 3.12)
        left_to_right += square
    assert penalty.data == left_to_right
    penalty.backward()
    assert model.first.b.grad == 6.0


@pytest.mark.parametrize("factory", [nn.SGD, nn.Adam])
def test_an_optimizer_refuses_a_parameter_given_twice(factory: type[nn.Optimizer]) -> None:
    p, q = Value(1.0), Value(2.0)
    with pytest.raises(ValueError, match=r"parameter 2 is parameter 0 again"):
        factory([p, q, p], lr=0.1)


class Node(nn.Module):
    """A module with a parameter that may refer to itself or to its parent."""

    def __init__(self, value: float) -> None:
        self.p = Value(value)


def test_a_module_that_refers_to_itself_is_walked_once() -> None:
    node = Node(1.0)
    node.me = node
    assert [name for name, _ in node.named_parameters()] == ["p"]
    assert node.parameters() == [node.p]


def test_a_module_that_refers_to_its_parent_is_walked_once() -> None:
    parent, child = Node(1.0), Node(2.0)
    parent.child = child
    child.parent = parent
    assert [name for name, _ in parent.named_parameters()] == ["p", "child.p"]
    assert [name for name, _ in child.named_parameters()] == ["p", "parent.p"]
    parent.p.grad = child.p.grad = 5.0
    parent.zero_grad()
    assert (parent.p.grad, child.p.grad) == (0.0, 0.0)
    assert parent.state_dict() == {"p": 1.0, "child.p": 2.0}


def test_a_list_that_holds_itself_is_walked_once() -> None:
    node = Node(1.0)
    items: list[object] = [Value(2.0)]
    items.append(items)
    node.items = items
    assert [name for name, _ in node.named_parameters()] == ["p", "items.0"]


def test_a_chain_of_modules_deeper_than_the_recursion_limit_is_walked() -> None:
    root = Node(0.0)
    node = root
    for index in range(1, sys.getrecursionlimit() + 100):
        child = Node(float(index))
        node.next = child
        node = child
    parameters = root.parameters()
    assert len(parameters) == sys.getrecursionlimit() + 100
    assert parameters[-1].data == float(sys.getrecursionlimit() + 99)

"""The tutorial (shared/seed/tutorial.txt), every number it prints, through nn's public API.

Its layer has 3 neurons with 4 inputs: weights W (4x3) are NumPy's seed-42 ``randn * 0.1``,
and neuron j uses column j. Printed arrays show 8 significant decimals, so they are compared
to 5e-9 (half a unit in the last printed place) and the 4-decimal epoch lines to 5e-5.
The MSE loss is printed in full and matches exactly.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import nn
from autograd import Value

X = [1.0, 2.0, 3.0, 2.5]
PRINTED = 5e-9  # half a unit in the 8th decimal
PRINTED_4 = 5e-5  # half a unit in the 4th decimal

TUTORIAL_W = [
    [0.04967142, -0.01382643, 0.06476885],
    [0.15230299, -0.02341534, -0.0234137],
    [0.15792128, 0.07674347, -0.04694744],
    [0.054256, -0.04634177, -0.04657298],
]


def weights() -> list[list[float]]:
    """The tutorial's W in full precision: np.random.seed(42); randn(4, 3) * 0.1."""
    np.random.seed(42)
    return (np.random.randn(4, 3) * 0.1).tolist()  # type: ignore[no-any-return]


def tutorial_layer() -> nn.Layer:
    """A Layer(4, 3) holding the tutorial's weights (column j -> neuron j), zero biases."""
    layer = nn.Layer(4, 3, activation="relu", seed=0)
    W = weights()
    state = {f"neurons.{j}.w.{i}": W[i][j] for i in range(4) for j in range(3)}
    state.update({f"neurons.{j}.b": 0.0 for j in range(3)})
    layer.load_state_dict(state)
    return layer


def linear_layer() -> nn.Layer:
    layer = nn.Layer(4, 3, activation=None, seed=0)
    layer.load_state_dict(tutorial_layer().state_dict())
    return layer


def weight_matrix(layer: nn.Layer) -> list[float]:
    """W row by row, flattened: W[i][j] is weight i of neuron j."""
    return [layer.neurons[j].w[i].data for i in range(4) for j in range(3)]


def flat(rows: list[list[float]]) -> list[float]:
    return [x for row in rows for x in row]


def test_weights_are_numpy_seed_42_randn_times_0_1_as_printed() -> None:
    assert weight_matrix(tutorial_layer()) == pytest.approx(flat(TUTORIAL_W), abs=PRINTED)


def test_biases_are_zero() -> None:
    assert [n.b.data for n in tutorial_layer().neurons] == [0.0, 0.0, 0.0]


def test_linear_output_z() -> None:
    z = [v.data for v in linear_layer()(X)]
    assert z == pytest.approx([0.96368124, 0.05371889, -0.23933329], abs=PRINTED)


def test_linear_output_agrees_with_numpy_matmul_to_rounding() -> None:
    # BLAS may add the four products in another order, so allow a few units in the last place.
    z = [v.data for v in linear_layer()(X)]
    assert z == pytest.approx((np.array([X]) @ np.array(weights()))[0].tolist(), rel=1e-15)


def test_relu_output_a() -> None:
    a = [v.data for v in tutorial_layer()(X)]
    assert a == pytest.approx([0.96368124, 0.05371889, 0.0], abs=PRINTED)
    assert a[2] == 0.0


def test_softmax_probabilities() -> None:
    probabilities = [p.data for p in nn.softmax(linear_layer()(X))]
    assert probabilities == pytest.approx([0.58725872, 0.23639476, 0.17634652], abs=PRINTED)


def test_softmax_probabilities_sum_to_one() -> None:
    total = math.fsum(p.data for p in nn.softmax(linear_layer()(X)))
    assert total == pytest.approx(1.0, abs=1e-15)


def test_mse_loss_is_exactly_the_printed_float() -> None:
    loss = nn.mse_loss(tutorial_layer()(X), [0.0, 0.0, 0.0])
    assert loss.data == 0.31052241854349866


def test_gradients_dw_and_db() -> None:
    layer = tutorial_layer()
    nn.mse_loss(layer(X), [0.0, 0.0, 0.0]).backward()
    dW = [layer.neurons[j].w[i].grad for i in range(4) for j in range(3)]
    db = [n.b.grad for n in layer.neurons]
    expected_dW = [
        [0.64245416, 0.03581259, 0.0],
        [1.28490832, 0.07162519, 0.0],
        [1.92736248, 0.10743778, 0.0],
        [1.6061354, 0.08953148, 0.0],
    ]
    assert dW == pytest.approx(flat(expected_dW), abs=PRINTED)
    assert db == pytest.approx([0.64245416, 0.03581259, 0.0], abs=PRINTED)


def gradient_descent(epochs: int = 5) -> tuple[list[float], list[float], nn.Layer]:
    """The tutorial's loop: MSE to target 0, backward, SGD with lr 0.01 on W and b."""
    layer = tutorial_layer()
    optimizer = nn.SGD(layer.parameters(), lr=0.01)
    losses, norms = [], []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = nn.mse_loss(layer(X), [0.0, 0.0, 0.0])
        loss.backward()
        weight_grads = [w.grad for neuron in layer.neurons for w in neuron.w]
        losses.append(loss.data)
        norms.append(math.sqrt(math.fsum(g * g for g in weight_grads)))
        optimizer.step()
    return losses, norms, layer


def test_gradient_descent_losses_per_epoch() -> None:
    losses, _, _ = gradient_descent()
    assert losses == pytest.approx([0.3105, 0.2288, 0.1685, 0.1242, 0.0915], abs=PRINTED_4)


def test_gradient_descent_weight_gradient_norms_per_epoch() -> None:
    _, norms, _ = gradient_descent()
    assert norms == pytest.approx([2.8955, 2.4853, 2.1332, 1.8310, 1.5716], abs=PRINTED_4)


def test_gradient_descent_final_weights() -> None:
    _, _, layer = gradient_descent()
    expected = [
        [0.02544951, -0.01517664, 0.06476885],
        [0.10385918, -0.02611576, -0.0234137],
        [0.08525558, 0.07269284, -0.04694744],
        [-0.00629875, -0.0497173, -0.04657298],
    ]
    assert weight_matrix(layer) == pytest.approx(flat(expected), abs=PRINTED)


def test_first_epoch_update_is_old_minus_lr_times_grad() -> None:
    layer = tutorial_layer()
    old = weight_matrix(layer)
    nn.mse_loss(layer(X), [0.0, 0.0, 0.0]).backward()
    grads = [layer.neurons[j].w[i].grad for i in range(4) for j in range(3)]
    nn.SGD(layer.parameters(), lr=0.01).step()
    expected = [w - 0.01 * g for w, g in zip(old, grads)]
    assert weight_matrix(layer) == expected
    printed_new = [
        [0.0432, -0.0142, 0.0648],
        [0.1395, -0.0241, -0.0234],
        [0.1386, 0.0757, -0.0469],
        [0.0382, -0.0472, -0.0466],
    ]
    assert weight_matrix(layer) == pytest.approx(flat(printed_new), abs=PRINTED_4)


def test_inputs_may_be_values() -> None:
    a = tutorial_layer()([Value(v) for v in X])
    assert nn.mse_loss(a, [0.0, 0.0, 0.0]).data == 0.31052241854349866

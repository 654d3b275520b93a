"""nnlib.regularization: the L2 penalty, its gradient, and its relation to weight_decay."""

import numpy as np
import pytest

from nnlib import Parameter
from nnlib.gradcheck import numerical_gradient
from nnlib.layers import Linear, ReLU, Sequential
from nnlib.optim import SGD, Adam, AdamW
from nnlib.regularization import add_l2_grad, early_stopping, l2_penalty, l2_penalty_named


def test_penalty_by_hand():
    ps = [Parameter(np.array([[1.0, 2.0]])), Parameter(np.array([3.0]))]
    assert l2_penalty(ps, 0.1) == pytest.approx(0.05 * (1 + 4 + 9))
    assert l2_penalty(ps, 0.0) == 0.0
    assert isinstance(l2_penalty(ps, 0.1), float)


def test_gradient_matches_finite_differences_and_adds():
    w = Parameter(np.random.default_rng(0).standard_normal((4, 3)))
    w.grad[...] = 1.0  # an existing data gradient is kept, the penalty's is added
    add_l2_grad([w], 0.3)
    numeric = numerical_gradient(lambda _: l2_penalty([w], 0.3), w.data)
    np.testing.assert_allclose(w.grad - 1.0, numeric, rtol=1e-6)


def test_only_the_parameters_passed_are_penalized():
    rng = np.random.default_rng(0)
    net = Sequential(Linear(3, 4, rng=rng), ReLU(), Linear(4, 2, rng=rng))
    weights = [layer.W for layer in net.layers if isinstance(layer, Linear)]
    add_l2_grad(weights, 0.5)
    assert not net[0].b.grad.any() and not net[2].b.grad.any()
    np.testing.assert_allclose(net[0].W.grad, 0.5 * net[0].W.data)


def test_add_l2_grad_then_sgd_equals_sgd_weight_decay():
    rng = np.random.default_rng(1)
    w0, g = rng.standard_normal(5), rng.standard_normal(5)
    a, b = Parameter(w0.copy()), Parameter(w0.copy())
    opt_a, opt_b = SGD([a], lr=0.1, momentum=0.9), SGD([b], lr=0.1, momentum=0.9,
                                                       weight_decay=0.01)
    for _ in range(10):
        for p in (a, b):
            p.grad[...] = g
        add_l2_grad([a], 0.01)
        opt_a.step()
        opt_b.step()
    np.testing.assert_allclose(a.data, b.data, rtol=1e-12)


def test_adamw_decay_is_not_the_l2_gradient():
    # With the same gradient, AdamW (decoupled) and Adam-on-(g + lam W) take different steps.
    w0 = np.array([1.0, -3.0])
    a, b = Parameter(w0.copy()), Parameter(w0.copy())
    add_l2_grad([a], 0.1)
    AdamW([b], lr=0.1, weight_decay=0.1).step()
    Adam([a], lr=0.1).step()
    assert not np.allclose(a.data, b.data)


def test_float32_stays_float32():
    w = Parameter(np.ones((2, 2), dtype=np.float32))
    add_l2_grad([w], np.float64(0.1))
    assert w.grad.dtype == np.float32


def test_errors():
    with pytest.raises(ValueError, match="l2_penalty: weight_decay must be >= 0, got -1"):
        l2_penalty([Parameter(np.ones(2))], -1)
    with pytest.raises(TypeError, match=r"add_l2_grad: params\[0\] is a ndarray"):
        add_l2_grad([np.ones(2)], 0.1)


def test_l2_penalty_named_penalizes_weights_only():
    params = {"layers.0.W": np.array([[1.0, 2.0]]), "layers.0.b": np.array([3.0]),
              "layers.1.gamma": np.array([4.0])}
    value, grads = l2_penalty_named(params, 0.1)
    assert value == pytest.approx(0.05 * 5)
    assert set(grads) == set(params)
    np.testing.assert_allclose(grads["layers.0.W"], [[0.1, 0.2]])
    assert not grads["layers.0.b"].any() and not grads["layers.1.gamma"].any()
    numeric = numerical_gradient(lambda w: l2_penalty_named({"W": w}, 0.1)[0],
                                 params["layers.0.W"].copy())
    np.testing.assert_allclose(grads["layers.0.W"], numeric, rtol=1e-6)
    with pytest.raises(ValueError, match="weight_decay must be >= 0"):
        l2_penalty_named(params, -0.1)


@pytest.mark.parametrize("losses, patience, expected", [
    ([3.0, 2.0, 2.5, 2.1, 2.2], 2, (3, 1)),       # two bad epochs after epoch 1
    ([5.0, 4.0, 3.0, 2.0], 2, (3, 3)),            # never triggered: the last epoch
    ([1.0, 1.0, 1.0, 1.0, 0.5], 3, (3, 0)),       # ties are not improvements
    ([5.0, 4.0, 4.5, 3.0, 3.5, 3.6, 2.0], 2, (5, 3)),  # an improvement resets the count
    ([3.0, 2.0, 2.5, 2.6, 1.0], 2, (3, 1)),       # the later 1.0 is never seen
    ([2.0, 3.0], 1, (1, 0)),
    ([7.0], 3, (0, 0)),
])
def test_early_stopping(losses, patience, expected):
    assert early_stopping(losses, patience) == expected
    assert early_stopping(np.array(losses), patience) == expected


def test_early_stopping_errors():
    with pytest.raises(ValueError, match="patience must be an int >= 1, got 0"):
        early_stopping([1.0, 2.0], 0)
    with pytest.raises(ValueError, match="val_losses is empty"):
        early_stopping([], 2)

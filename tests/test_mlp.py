"""nnlib.mlp: activations and derivatives as functions, the shallow net, mlp_forward, XOR."""

import numpy as np
import pytest

from nnlib import mlp

# name -> (f, f', keyword arguments)
PAIRS = {
    "relu": (mlp.relu, mlp.relu_grad, {}),
    "leaky_relu": (mlp.leaky_relu, mlp.leaky_relu_grad, {"slope": 0.2}),
    "elu": (mlp.elu, mlp.elu_grad, {"alpha": 0.7}),
    "softplus": (mlp.softplus, mlp.softplus_grad, {}),
    "sigmoid": (mlp.sigmoid, mlp.sigmoid_grad, {}),
    "tanh": (mlp.tanh, mlp.tanh_grad, {}),
}


def away_from_kinks(rng, shape=(5, 7)):
    z = rng.normal(size=shape) * 3
    z[np.abs(z) < 1e-2] = 0.5
    return z


@pytest.mark.parametrize("name", PAIRS)
def test_derivative_matches_centered_differences(name):
    f, df, kw = PAIRS[name]
    z = away_from_kinks(np.random.default_rng(0))
    eps = 1e-6
    numeric = (f(z + eps, **kw) - f(z - eps, **kw)) / (2 * eps)
    np.testing.assert_allclose(df(z, **kw), numeric, rtol=1e-5, atol=1e-8)
    assert f(z, **kw).shape == z.shape


@pytest.mark.parametrize("name", ["softplus", "sigmoid", "tanh", "elu"])
def test_no_overflow_at_large_inputs(name):
    f, df, kw = PAIRS[name]
    z = np.array([-1000.0, 1000.0])
    with np.errstate(over="raise", invalid="raise"):
        assert np.all(np.isfinite(f(z, **kw))) and np.all(np.isfinite(df(z, **kw)))


def test_prelu_derivatives_in_z_and_a():
    z, a = away_from_kinks(np.random.default_rng(1)), 0.3
    dz, da = mlp.prelu_grad(z, a)
    eps = 1e-6
    np.testing.assert_allclose(dz, (mlp.prelu(z + eps, a) - mlp.prelu(z - eps, a)) / (2 * eps))
    np.testing.assert_allclose(da, (mlp.prelu(z, a + eps) - mlp.prelu(z, a - eps)) / (2 * eps),
                               atol=1e-8)


def test_maxout_routes_the_gradient_to_the_winner():
    z = np.random.default_rng(2).normal(size=(4, 3, 5))
    dout = np.random.default_rng(3).normal(size=(4, 3))
    dz = mlp.maxout_grad(z, dout)
    np.testing.assert_array_equal(mlp.maxout(z), z.max(axis=-1))
    np.testing.assert_allclose(dz.sum(axis=-1), dout)
    assert np.all((dz != 0).sum(axis=-1) == 1)
    eps = 1e-6
    e = np.zeros_like(z)
    e[1, 2, z[1, 2].argmax()] = eps
    numeric = ((mlp.maxout(z + e) - mlp.maxout(z - e)) * dout).sum() / (2 * eps)
    assert numeric == pytest.approx(dz[1, 2, z[1, 2].argmax()])
    with pytest.raises(ValueError, match="dout must have shape"):
        mlp.maxout_grad(z, dout.T)


def test_activations_agree_with_torch():
    torch = pytest.importorskip("torch")
    z = away_from_kinks(np.random.default_rng(4))
    twins = {
        "relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh,
        "softplus": torch.nn.functional.softplus,
        "leaky_relu": lambda t: torch.nn.functional.leaky_relu(t, 0.2),
        "elu": lambda t: torch.nn.functional.elu(t, 0.7),
    }
    for name, (f, df, kw) in PAIRS.items():
        t = torch.tensor(z, requires_grad=True)
        out = twins[name](t)
        out.sum().backward()
        np.testing.assert_allclose(f(z, **kw), out.detach().numpy(), rtol=1e-10, err_msg=name)
        np.testing.assert_allclose(df(z, **kw), t.grad.numpy(), rtol=1e-10, err_msg=name)


def test_shallow_net_by_hand_and_against_mlp_forward():
    y = mlp.shallow_net(np.array([0.0, 1.0, 2.0]), np.array([[-1.0, 2.0]]), np.array([0.5, 3.0]))
    np.testing.assert_allclose(y, [0.5, 3.5, 9.5])
    rng = np.random.default_rng(5)
    x, theta, phi = rng.normal(size=9), rng.normal(size=(4, 2)), rng.normal(size=5)
    as_mlp = mlp.mlp_forward(x[:, None], [theta[:, 1:].T, phi[1:, None]],
                             [theta[:, 0], phi[:1]], np.tanh)
    np.testing.assert_allclose(mlp.shallow_net(x, theta, phi, np.tanh), as_mlp[:, 0])
    with pytest.raises(ValueError, match=r"phi \(D \+ 1,\)"):
        mlp.shallow_net(x, theta, phi[:-1])


def test_mlp_forward_has_a_linear_output_layer():
    rng = np.random.default_rng(6)
    X, W, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=2)
    np.testing.assert_allclose(mlp.mlp_forward(X, [W], [b], np.tanh), X @ W + b)
    with pytest.raises(ValueError, match="layer 1 gets input"):
        mlp.mlp_forward(X, [W.T], [b])
    with pytest.raises(ValueError, match="as many weights as biases"):
        mlp.mlp_forward(X, [W], [])


def test_xor_weights_compute_xor_exactly():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    W1, b1, W2, b2 = mlp.xor_weights()
    np.testing.assert_array_equal(mlp.mlp_forward(X, [W1, W2], [b1, b2])[:, 0], [0, 1, 1, 0])


def test_fit_phi_interpolates_and_survives_repeated_units():
    x = np.array([0.0, 1.0, 2.0])
    phi = mlp.fit_phi(x, np.array([1.0, 0.0, 3.0]), np.array([[0.0, 1.0], [-1.0, 1.0]]))
    np.testing.assert_allclose(phi, [1.0, -1.0, 4.0], atol=1e-12)
    theta = np.array([[0.0, 1.0], [0.0, 1.0], [-1.0, 1.0]])  # units 1 and 2 coincide
    phi = mlp.fit_phi(x, np.array([1.0, 0.0, 3.0]), theta)
    np.testing.assert_allclose(mlp.shallow_net(x, theta, phi), [1.0, 0.0, 3.0], atol=1e-10)


def test_train_xor_mlp_is_reliable():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    for seed in range(3):
        logits = mlp.train_xor_mlp(np.random.default_rng(seed))(X)[:, 0]
        p = 1 / (1 + np.exp(-logits))
        assert np.all(np.where([0, 1, 1, 0], p, 1 - p) > 0.9)

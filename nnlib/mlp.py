"""The multilayer perceptron as plain functions: the references of notebook 04.

Activations and their derivatives act elementwise on arrays of any shape. Where nnlib has the
layer, the function is the layer's forward pass and the derivative its backward pass with an
upstream gradient of ones, so the two can never disagree. Weights use nnlib's layout:
a layer maps x (N, d_in) to x @ W + b with W (d_in, d_out) and b (d_out,).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from nnlib.layers import ELU, LeakyReLU, ReLU, Sigmoid, Softplus, Tanh
from nnlib.layers.module import Module


def _float(x: np.ndarray) -> np.ndarray:
    return np.asarray(x, dtype=float)


def _derivative(layer: Module, x: np.ndarray) -> np.ndarray:
    x = _float(x)
    layer.forward(x)
    return layer.backward(np.ones_like(x))


def relu(x: np.ndarray) -> np.ndarray:
    """max(x, 0)."""
    return ReLU().forward(_float(x))


def relu_grad(x: np.ndarray) -> np.ndarray:
    """1 where x > 0, else 0 (0 at the kink, as PyTorch)."""
    return _derivative(ReLU(), x)


def leaky_relu(x: np.ndarray, slope: float = 0.01) -> np.ndarray:
    """x for x > 0, slope * x otherwise."""
    return LeakyReLU(slope).forward(_float(x))


def leaky_relu_grad(x: np.ndarray, slope: float = 0.01) -> np.ndarray:
    """1 for x > 0, slope otherwise."""
    return _derivative(LeakyReLU(slope), x)


def prelu(x: np.ndarray, a: float) -> np.ndarray:
    """x for x > 0, a * x otherwise, where the slope a is a learned parameter."""
    x = _float(x)
    return np.where(x > 0, x, a * x)


def prelu_grad(x: np.ndarray, a: float) -> tuple[np.ndarray, np.ndarray]:
    """(dy/dx, dy/da) elementwise: (1, 0) for x > 0 and (a, x) otherwise."""
    x = _float(x)
    positive = x > 0
    return np.where(positive, 1.0, a), np.where(positive, 0.0, x)


def elu(x: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """x for x > 0, alpha (exp(x) - 1) otherwise."""
    return ELU(alpha).forward(_float(x))


def elu_grad(x: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """1 for x > 0, alpha exp(x) otherwise."""
    return _derivative(ELU(alpha), x)


def softplus(x: np.ndarray) -> np.ndarray:
    """log(1 + exp(x)), without overflow."""
    return Softplus().forward(_float(x))


def softplus_grad(x: np.ndarray) -> np.ndarray:
    """sigmoid(x)."""
    return _derivative(Softplus(), x)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-x)), without overflow."""
    return Sigmoid().forward(_float(x))


def sigmoid_grad(x: np.ndarray) -> np.ndarray:
    """sigmoid(x) (1 - sigmoid(x))."""
    return _derivative(Sigmoid(), x)


def tanh(x: np.ndarray) -> np.ndarray:
    """The hyperbolic tangent."""
    return Tanh().forward(_float(x))


def tanh_grad(x: np.ndarray) -> np.ndarray:
    """1 - tanh(x)^2."""
    return _derivative(Tanh(), x)


def maxout(z: np.ndarray) -> np.ndarray:
    """The largest of k pieces: z (..., k) -> (...)."""
    return _float(z).max(axis=-1)


def maxout_grad(z: np.ndarray, dout: np.ndarray) -> np.ndarray:
    """Gradient with respect to z: dout routed to the (first) largest piece, 0 to the others.

    z: (..., k) the pieces
    dout: (...) upstream gradient of maxout(z)
    """
    z, dout = _float(z), _float(dout)
    if dout.shape != z.shape[:-1]:
        raise ValueError(f"maxout_grad: dout must have shape {z.shape[:-1]} (z without its last "
                         f"axis), got {dout.shape}")
    winner = z.argmax(axis=-1)[..., None]
    dz = np.zeros_like(z)
    np.put_along_axis(dz, winner, dout[..., None], axis=-1)
    return dz


def compose_linear(W1: np.ndarray, b1: np.ndarray, W2: np.ndarray,
                   b2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The one linear layer (W, b) equal to x -> (x @ W1 + b1) @ W2 + b2: W1 @ W2, b1 @ W2 + b2.

    W1: (d0, d1), b1: (d1,), W2: (d1, d2), b2: (d2,)
    """
    return _float(W1) @ _float(W2), _float(b1) @ _float(W2) + _float(b2)


def shallow_net(x: np.ndarray, theta: np.ndarray, phi: np.ndarray,
                activation: Callable[[np.ndarray], np.ndarray] = relu) -> np.ndarray:
    """y = phi_0 + sum_d phi_d a(theta_d0 + theta_d1 x): one input, D hidden units, one output.

    x: (N,) inputs
    theta: (D, 2) row d holds (theta_d0, theta_d1) of hidden unit d
    phi: (D + 1,) output bias phi_0, then the output weights phi_1..phi_D
    """
    x, theta, phi = _float(x), _float(theta), _float(phi)
    if x.ndim != 1 or theta.ndim != 2 or theta.shape[1] != 2 or phi.shape != (len(theta) + 1,):
        raise ValueError(f"shallow_net: expected x (N,), theta (D, 2), phi (D + 1,), got x "
                         f"{x.shape}, theta {theta.shape}, phi {phi.shape}")
    hidden = activation(theta[:, 0] + np.outer(x, theta[:, 1]))  # (N, D)
    return phi[0] + hidden @ phi[1:]


def mlp_forward(X: np.ndarray, weights: Sequence[np.ndarray], biases: Sequence[np.ndarray],
                activation: Callable[[np.ndarray], np.ndarray] = relu) -> np.ndarray:
    """x -> a(x W_1 + b_1) -> ... -> a(. W_{L-1} + b_{L-1}) -> . W_L + b_L (linear output).

    X: (N, d_0) inputs
    weights: L arrays, W_l of shape (d_{l-1}, d_l)
    biases: L arrays, b_l of shape (d_l,)
    Returns (N, d_L) outputs (scores before any output nonlinearity).
    """
    if len(weights) != len(biases) or not weights:
        raise ValueError(f"mlp_forward: need as many weights as biases (at least one), got "
                         f"{len(weights)} and {len(biases)}")
    h = _float(X)
    for layer, (W, b) in enumerate(zip(weights, biases, strict=True), start=1):
        if h.ndim != 2 or np.shape(W) != (h.shape[1], np.shape(b)[0]):
            raise ValueError(f"mlp_forward: layer {layer} gets input {h.shape} but has W "
                             f"{np.shape(W)} and b {np.shape(b)}; W must be (d_in, d_out)")
        h = h @ W + b
        if layer < len(weights):
            h = activation(h)
    return h


def xor_weights() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(W1 (2, 2), b1 (2,), W2 (2, 1), b2 (1,)) with which a ReLU MLP outputs exactly XOR.

    Hidden units h1 = ReLU(x1 + x2) and h2 = ReLU(x1 + x2 - 1); output h1 - 2 h2.
    """
    return (np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([0.0, -1.0]),
            np.array([[1.0], [-2.0]]), np.array([0.0]))


def fit_phi(x: np.ndarray, y: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """The output weights phi (D + 1,) of a ReLU shallow_net with hidden units theta that
    minimise the squared error to y (least squares; the minimum-norm one if not unique).

    x: (N,) inputs
    y: (N,) targets
    theta: (D, 2) hidden units, fixed
    """
    x, theta = _float(x), _float(theta)
    design = np.column_stack([np.ones(len(x)), relu(theta[:, 0] + np.outer(x, theta[:, 1]))])
    return np.linalg.lstsq(design, _float(y), rcond=None)[0]


def train_xor_mlp(rng: np.random.Generator) -> Module:
    """A 2-8-1 tanh MLP trained on the XOR truth table (BCE on the logit, Adam, 300 steps).

    Returns the model: (N, 2) inputs -> (N, 1) logits, positive for class 1.
    """
    from nnlib.layers import Linear, Sequential
    from nnlib.losses import BCEWithLogitsLoss
    from nnlib.optim import Adam

    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    model = Sequential(Linear(2, 8, init="xavier", rng=rng), Tanh(),
                       Linear(8, 1, init="xavier", rng=rng))
    loss_fn, optimizer = BCEWithLogitsLoss(), Adam(model.parameters(), lr=0.05)
    for _ in range(300):
        optimizer.zero_grad()
        loss_fn(model(X), y)
        model.backward(loss_fn.backward())
        optimizer.step()
    return model

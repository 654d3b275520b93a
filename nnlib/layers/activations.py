"""Activation functions as layers: elementwise nonlinearities, PReLU's learnable slope, Maxout.

Each keeps what its backward pass needs and keeps the input's dtype (float32 in, float32 out).
Hyper-parameters are stored as Python floats so that, under NumPy's promotion rules (NEP 50),
they never turn a float32 array into float64.
"""

from __future__ import annotations

import numpy as np

from nnlib.init import initialize
from nnlib.layers.module import Module, Parameter, check_dout, check_numeric


def sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-x)) without overflow: exp is only taken of -|x| <= 0."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


class ReLU(Module):
    """y = max(x, 0); the gradient at 0 is taken as 0 (as PyTorch does)."""

    def __init__(self):
        self.mask = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """x: any shape; returns the same shape."""
        x = check_numeric(self, x)
        self.mask = x > 0
        # np.maximum here and a multiply by the mask in backward, rather than np.where, which
        # branches on every entry of an unpredictable mask and is much slower.
        return np.maximum(x, 0)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        mask = self._saved("mask")
        return check_dout(self, dout, mask.shape) * mask


class LeakyReLU(Module):
    """y = x for x > 0, negative_slope * x otherwise."""

    def __init__(self, negative_slope: float = 0.01):
        self.negative_slope = float(negative_slope)
        self.mask = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = check_numeric(self, x)
        self.mask = x > 0
        return np.where(self.mask, x, self.negative_slope * x)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        mask = self._saved("mask")
        dout = check_dout(self, dout, mask.shape)
        return np.where(mask, dout, self.negative_slope * dout)

    def __repr__(self) -> str:
        return f"LeakyReLU(negative_slope={self.negative_slope})"


class PReLU(Module):
    """LeakyReLU whose slope `alpha` is learned: y = x for x > 0, alpha * x otherwise.

    alpha: (num_parameters,) one slope shared by every entry (num_parameters=1, any input
        shape) or one per feature (num_parameters=D, input (N, D))
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, *, dtype=np.float64):
        self.num_parameters = num_parameters
        self.alpha = Parameter(np.full(num_parameters, init, dtype=dtype))
        self.x = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """x: (N, num_parameters), or any shape when num_parameters = 1."""
        if self.num_parameters == 1:
            x = check_numeric(self, x)
        else:
            x = self._check_input(check_numeric(self, x), (None, self.num_parameters))
        self.x = x
        return np.where(x > 0, x, self.alpha.data * x)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        x = self._saved("x")
        dout = check_dout(self, dout, x.shape)
        neg = x <= 0
        dalpha = np.where(neg, dout * x, 0)
        if self.num_parameters == 1:
            self.alpha.grad += dalpha.sum()
        else:
            self.alpha.grad += dalpha.sum(axis=0)
        return np.where(neg, self.alpha.data * dout, dout)

    def __repr__(self) -> str:
        return f"PReLU(num_parameters={self.num_parameters})"


class ELU(Module):
    """y = x for x > 0, alpha * (exp(x) - 1) otherwise."""

    def __init__(self, alpha: float = 1.0):
        self.alpha = float(alpha)
        self.x = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x = check_numeric(self, x)
        # exp of min(x, 0) only: the positive side is never exponentiated, so no overflow
        return np.where(x > 0, x, self.alpha * np.expm1(np.minimum(x, 0)))

    def backward(self, dout: np.ndarray) -> np.ndarray:
        x = self._saved("x")
        dout = check_dout(self, dout, x.shape)
        return np.where(x > 0, dout, dout * (self.alpha * np.exp(np.minimum(x, 0))))

    def __repr__(self) -> str:
        return f"ELU(alpha={self.alpha})"


class Softplus(Module):
    """y = log(1 + exp(beta * x)) / beta, a smooth ReLU; dy/dx = sigmoid(beta * x).

    Computed as max(bx, 0) + log1p(exp(-|bx|)), which never overflows.
    """

    def __init__(self, beta: float = 1.0):
        self.beta = float(beta)
        self.x = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x = check_numeric(self, x)
        bx = self.beta * x
        return (np.maximum(bx, 0) + np.log1p(np.exp(-np.abs(bx)))) / self.beta

    def backward(self, dout: np.ndarray) -> np.ndarray:
        x = self._saved("x")
        return check_dout(self, dout, x.shape) * sigmoid(self.beta * x)

    def __repr__(self) -> str:
        return f"Softplus(beta={self.beta})"


class Sigmoid(Module):
    """y = 1 / (1 + exp(-x)); dy/dx = y (1 - y). Stable for any |x|."""

    def __init__(self):
        self.out = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.out = sigmoid(check_numeric(self, x))
        return self.out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        y = self._saved("out")
        return check_dout(self, dout, y.shape) * (y * (1 - y))


class Tanh(Module):
    """y = tanh(x); dy/dx = 1 - y^2."""

    def __init__(self):
        self.out = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.out = np.tanh(check_numeric(self, x))
        return self.out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        y = self._saved("out")
        return check_dout(self, dout, y.shape) * (1 - y * y)


class Maxout(Module):
    """The max over `pieces` affine maps: y[n, j] = max_k (x[n] @ W[:, j, k] + b[j, k]).

    W: (in_features, out_features, pieces) weights, drawn by `nnlib.init.initialize`
    b: (out_features, pieces) biases, zeros
    The gradient flows only through the piece that attained the max.
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        pieces: int = 2,
        *,
        init: str = "he",
        rng: np.random.Generator | None = None,
        dtype=np.float64,
    ):
        if pieces < 1:
            raise ValueError(f"Maxout: pieces must be at least 1, got {pieces}")
        rng = np.random.default_rng() if rng is None else rng
        self.in_features, self.out_features, self.pieces = in_features, out_features, pieces
        self.W = Parameter(initialize(init, (in_features, out_features, pieces), rng, dtype))
        self.b = Parameter(np.zeros((out_features, pieces), dtype=dtype))
        self.x = self.argmax = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """x: (N, in_features) inputs; returns (N, out_features)."""
        x = self._check_input(check_numeric(self, x), (None, self.in_features))
        z = (x @ self.W.data.reshape(self.in_features, -1)).reshape(
            len(x), self.out_features, self.pieces
        ) + self.b.data
        self.x, self.argmax = x, z.argmax(axis=2)
        return np.take_along_axis(z, self.argmax[..., None], axis=2)[..., 0]

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dout: (N, out_features) upstream gradient; returns dx: (N, in_features)."""
        x, argmax = self._saved("x"), self._saved("argmax")
        dout = check_dout(self, dout, argmax.shape)
        dz = np.zeros((*argmax.shape, self.pieces), dtype=dout.dtype)
        np.put_along_axis(dz, argmax[..., None], dout[..., None], axis=2)
        dz = dz.reshape(len(x), -1)
        self.W.grad += (x.T @ dz).reshape(self.W.shape)
        self.b.grad += dz.sum(axis=0).reshape(self.b.shape)
        return dz @ self.W.data.reshape(self.in_features, -1).T

    def __repr__(self) -> str:
        return (
            f"Maxout(in_features={self.in_features}, out_features={self.out_features}, "
            f"pieces={self.pieces})"
        )

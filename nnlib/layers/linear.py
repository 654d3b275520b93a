"""Linear: the affine layer y = x W + b, with W stored as (in_features, out_features)."""

from __future__ import annotations

import numpy as np

from nnlib.init import initialize
from nnlib.layers.module import Module, Parameter, check_dout, check_numeric


class Linear(Module):
    """y = x @ W + b.

    W: (in_features, out_features) weight, drawn by `nnlib.init.initialize(init, ...)`
    b: (out_features,) bias, zeros
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        *,
        init: str = "he",
        rng: np.random.Generator | None = None,
        dtype=np.float64,
    ):
        rng = np.random.default_rng() if rng is None else rng
        self.in_features, self.out_features = in_features, out_features
        self.W = Parameter(initialize(init, (in_features, out_features), rng, dtype))
        self.b = Parameter(np.zeros(out_features, dtype=dtype))
        self.x = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """x: (N, in_features) inputs; returns (N, out_features)."""
        self.x = self._check_input(check_numeric(self, x), (None, self.in_features))
        return self.x @ self.W.data + self.b.data

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dout: (N, out_features) upstream gradient; returns dx: (N, in_features).

        Adds dW = x^T dout into W.grad and db = sum of dout over the batch into b.grad.
        """
        return self._add_param_grads(dout) @ self.W.data.T

    def backward_params(self, dout: np.ndarray) -> None:
        """backward without dx = dout W^T: for a first layer, whose input is data."""
        if type(self).backward is not Linear.backward:  # a subclass's own backward must run
            self.backward(dout)
            return
        self._add_param_grads(dout)

    def _add_param_grads(self, dout: np.ndarray) -> np.ndarray:
        """Add dW and db into the parameters' .grad; return dout, checked."""
        x = self._saved("x")
        dout = check_dout(self, dout, (x.shape[0], self.out_features))
        self.W.grad += x.T @ dout
        self.b.grad += dout.sum(axis=0)
        return dout

    def __repr__(self) -> str:
        return f"Linear(in_features={self.in_features}, out_features={self.out_features})"

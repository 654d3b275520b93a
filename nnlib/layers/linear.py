"""Linear: the affine layer y = x W + b, with W stored as (in_features, out_features)."""

from __future__ import annotations

import numpy as np

from nnlib.init import initialize
from nnlib.layers.module import Module, Parameter


def check_numeric(layer: Module, x: np.ndarray) -> np.ndarray:
    """x as an array of numbers (any shape), or a TypeError naming the layer."""
    if isinstance(x, (str, bytes, dict)) or x is None:
        raise TypeError(f"{layer!r} expects a numpy array, got {type(x).__name__}")
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.number):
        raise TypeError(f"{layer!r} expects a numeric array, got dtype {x.dtype}")
    return x


def check_dout(layer: Module, dout: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Return dout as an array, or raise ValueError naming the layer unless it has `shape`.

    A wrong-shaped upstream gradient would otherwise broadcast silently into garbage.
    """
    dout = np.asarray(dout)
    if dout.shape != shape:
        raise ValueError(
            f"{layer!r}: backward expected dout of shape {shape} (the shape of the last "
            f"forward output), got shape {dout.shape}"
        )
    return dout


class Linear(Module):
    """y = x @ W + b.

    W: (in_features, out_features) weight, drawn by `nnlib.init.initialize(init, ...)`
    b: (out_features,) bias, zeros
    input_grad: False for a first layer fed with data: backward then skips d loss / d x (one
        matrix product, a quarter of an MLP's backward work) and returns None, as PyTorch skips
        the gradient of an input that does not require one
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        *,
        init: str = "he",
        rng: np.random.Generator | None = None,
        dtype=np.float64,
        input_grad: bool = True,
    ):
        rng = np.random.default_rng() if rng is None else rng
        self.in_features, self.out_features = in_features, out_features
        self.input_grad = input_grad
        self.W = Parameter(initialize(init, (in_features, out_features), rng, dtype))
        self.b = Parameter(np.zeros(out_features, dtype=dtype))
        self.x = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """x: (N, in_features) inputs; returns (N, out_features)."""
        self.x = self._check_input(check_numeric(self, x), (None, self.in_features))
        return self.x @ self.W.data + self.b.data

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        """dout: (N, out_features) upstream gradient; returns dx: (N, in_features).

        With input_grad=False it returns None (the parameter gradients are still added).
        """
        x = self._saved("x")
        dout = check_dout(self, dout, (x.shape[0], self.out_features))
        self.W.grad += x.T @ dout
        self.b.grad += dout.sum(axis=0)
        return dout @ self.W.data.T if self.input_grad else None

    def __repr__(self) -> str:
        extra = "" if self.input_grad else ", input_grad=False"
        return f"Linear(in_features={self.in_features}, out_features={self.out_features}{extra})"

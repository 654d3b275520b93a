"""Sequential: layers applied one after another; backward runs them in reverse."""

from __future__ import annotations

import numpy as np

from nnlib.layers.module import Module


class Sequential(Module):
    """y = layers[-1](... layers[1](layers[0](x)))."""

    def __init__(self, *layers: Module):
        for i, layer in enumerate(layers):
            if not isinstance(layer, Module):
                raise TypeError(f"Sequential: item {i} is a {type(layer).__name__}, not a Module")
        self.layers = list(layers)

    def forward(self, x: np.ndarray) -> np.ndarray:
        for layer in self.layers:
            x = layer(x)
        return x

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dout: upstream gradient of the last layer's output; returns d loss / d input."""
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    def backward_params(self, dout: np.ndarray) -> None:
        """backward without d loss / d input: the first layer only adds its parameters' grads."""
        if not self.layers:
            return
        for layer in reversed(self.layers[1:]):
            dout = layer.backward(dout)
        self.layers[0].backward_params(dout)

    def __getitem__(self, i: int) -> Module:
        return self.layers[i]

    def __len__(self) -> int:
        return len(self.layers)

    def __repr__(self) -> str:
        inner = "".join(f"\n  ({i}): {layer!r}" for i, layer in enumerate(self.layers))
        return f"Sequential({inner}\n)"

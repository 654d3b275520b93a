"""Parameter and Module: the contract every layer of nnlib follows, and its input checks.

A Module keeps what its backward pass needs during `forward(x)`; `backward(dout)`
returns the gradient with respect to its input and *adds* the gradients of its
parameters into their `grad` (as PyTorch does), so call `zero_grad()` between steps.
A caller with no use for the input's gradient (a model whose input is data, as in
`nnlib.train.fit`) calls `backward_params(dout)` instead, which only adds the parameters'
gradients: layers that can skip computing dx (Linear) do.

`check_numeric` and `check_dout` are the checks layers run on their arguments, so that a bad
input fails loudly, naming the layer, instead of broadcasting into garbage.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np


def check_numeric(layer: Module, x: np.ndarray) -> np.ndarray:
    """x as an array of numbers (any shape), or a TypeError naming the layer."""
    if isinstance(x, (str, bytes, dict)) or x is None:
        raise TypeError(f"{layer!r} expects a numpy array, got {type(x).__name__}")
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.number):
        raise TypeError(f"{layer!r} expects a numeric array, got dtype {x.dtype}")
    return x


def check_dout(layer: Module, dout: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """dout as an array, or a ValueError naming the layer unless it has `shape`.

    shape: the shape of the last forward output, which the upstream gradient must have
    """
    dout = np.asarray(dout)
    if dout.shape != shape:
        raise ValueError(
            f"{layer!r}: backward expected dout of shape {shape} (the shape of the last "
            f"forward output), got shape {dout.shape}"
        )
    return dout


class Parameter:
    """A learnable array and the gradient of the loss with respect to it.

    data: any shape, the current value
    grad: same shape as data, zeros until a backward pass adds into it
    """

    def __init__(self, data: np.ndarray):
        self.data = np.asarray(data)
        self.grad = np.zeros_like(self.data)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    def zero_grad(self) -> None:
        self.grad[...] = 0

    def __repr__(self) -> str:
        return f"Parameter(shape={self.data.shape}, dtype={self.data.dtype})"


class Module:
    """Base class of every layer: forward, backward, parameters, train/eval."""

    training: bool = True

    def forward(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__}.forward is not implemented")

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dout: upstream gradient, the shape of the last output; returns dx, the input's shape.

        Also adds the gradient of every parameter into its .grad.
        """
        raise NotImplementedError(f"{type(self).__name__}.backward is not implemented")

    def backward_params(self, dout: np.ndarray) -> None:
        """backward for a caller that does not need dx: only adds the parameters' gradients.

        This default runs backward and drops dx; a layer that can skip computing dx (Linear)
        overrides it.
        """
        self.backward(dout)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.forward(x)

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """(name, module) for the modules held directly by this one, in assignment order."""
        for name, value in vars(self).items():
            if isinstance(value, Module):
                yield name, value
            elif isinstance(value, (list, tuple)):
                for i, v in enumerate(value):
                    if isinstance(v, Module):
                        yield f"{name}.{i}", v

    def children(self) -> Iterator[Module]:
        return (child for _, child in self.named_children())

    def named_parameters(self) -> Iterator[tuple[str, Parameter]]:
        """(dotted name, Parameter): this module's own first, then its children's ("layers.0.W")."""
        for name, value in vars(self).items():
            if isinstance(value, Parameter):
                yield name, value
        for prefix, child in self.named_children():
            for name, p in child.named_parameters():
                yield f"{prefix}.{name}", p

    def parameters(self) -> list[Parameter]:
        """Every Parameter of this module and its children, in assignment order."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.zero_grad()

    def train(self, mode: bool = True) -> Module:
        """Training mode (Dropout drops, BatchNorm uses batch statistics); returns self."""
        self.training = mode
        for child in self.children():
            child.train(mode)
        return self

    def eval(self) -> Module:
        """Inference mode (Dropout is the identity, BatchNorm uses running statistics)."""
        return self.train(False)

    # -- helpers for subclasses ------------------------------------------------
    def _check_input(self, x: np.ndarray, expected: tuple[int | None, ...]) -> np.ndarray:
        """Return x as an array, or raise ValueError naming this layer and both shapes.

        expected: the shape wanted, None for any size (e.g. (None, 3) for (N, 3)).
        """
        if not isinstance(x, np.ndarray):
            if isinstance(x, (str, bytes, dict)) or x is None:
                raise TypeError(f"{self!r} expects a numpy array, got {type(x).__name__}")
            x = np.asarray(x)
        shape_ok = x.ndim == len(expected) and all(
            e is None or e == s for e, s in zip(expected, x.shape, strict=False)
        )
        if not shape_ok:
            want = "(" + ", ".join("N" if e is None else str(e) for e in expected)
            want += ",)" if len(expected) == 1 else ")"
            raise ValueError(f"{self!r}: expected input of shape {want}, got shape {x.shape}")
        return x

    def _saved(self, name: str):
        """What forward saved under `name`; a clear error if backward comes first."""
        value = getattr(self, name, None)
        if value is None:
            raise RuntimeError(f"{self!r}: backward() called before forward()")
        return value

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

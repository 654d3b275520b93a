"""Weight initialization.

nnlib stores a Linear weight as (in_features, out_features), so fan_in is shape[0]
and fan_out the product of the other dimensions (PyTorch stores (out, in) instead).

    uniform      U(-a, a)
    normal       N(0, std^2)
    xavier       Var = 2 / (fan_in + fan_out)      (Glorot & Bengio, for tanh/sigmoid)
    he           Var = 2 / fan_in                  (He et al., for ReLU)

Every random initializer takes an explicit `rng: np.random.Generator`.
"""

from __future__ import annotations

import math

import numpy as np


def fan_in_out(shape: tuple[int, ...]) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight of this shape: shape[0] and the product of the rest."""
    if len(shape) < 2:
        raise ValueError(f"fan_in_out needs a weight of at least 2 dimensions, got shape {shape}")
    return shape[0], math.prod(shape[1:])


def zeros(shape: tuple[int, ...], dtype=np.float64) -> np.ndarray:
    """All zeros: fine for biases, fatal for weights (every unit stays the same)."""
    return np.zeros(shape, dtype=dtype)


def uniform(
    shape: tuple[int, ...], a: float, rng: np.random.Generator, dtype=np.float64
) -> np.ndarray:
    """U(-a, a)."""
    return rng.uniform(-a, a, size=shape).astype(dtype, copy=False)


def normal(
    shape: tuple[int, ...], std: float, rng: np.random.Generator, dtype=np.float64
) -> np.ndarray:
    """N(0, std^2)."""
    return (std * rng.standard_normal(shape)).astype(dtype, copy=False)


def xavier_uniform(
    shape: tuple[int, ...], rng: np.random.Generator, dtype=np.float64
) -> np.ndarray:
    """U(-a, a) with a = sqrt(6 / (fan_in + fan_out)), so Var = 2 / (fan_in + fan_out)."""
    fan_in, fan_out = fan_in_out(shape)
    return uniform(shape, math.sqrt(6.0 / (fan_in + fan_out)), rng, dtype)


def xavier_normal(shape: tuple[int, ...], rng: np.random.Generator, dtype=np.float64) -> np.ndarray:
    """N(0, 2 / (fan_in + fan_out))."""
    fan_in, fan_out = fan_in_out(shape)
    return normal(shape, math.sqrt(2.0 / (fan_in + fan_out)), rng, dtype)


def he_uniform(shape: tuple[int, ...], rng: np.random.Generator, dtype=np.float64) -> np.ndarray:
    """U(-a, a) with a = sqrt(6 / fan_in), so Var = 2 / fan_in."""
    fan_in, _ = fan_in_out(shape)
    return uniform(shape, math.sqrt(6.0 / fan_in), rng, dtype)


def he_normal(shape: tuple[int, ...], rng: np.random.Generator, dtype=np.float64) -> np.ndarray:
    """N(0, 2 / fan_in): keeps the variance of ReLU activations constant across layers."""
    fan_in, _ = fan_in_out(shape)
    return normal(shape, math.sqrt(2.0 / fan_in), rng, dtype)


INITIALIZERS = {
    "xavier": xavier_normal,
    "xavier_uniform": xavier_uniform,
    "he": he_normal,
    "he_uniform": he_uniform,
}


def initialize(
    name: str, shape: tuple[int, ...], rng: np.random.Generator, dtype=np.float64
) -> np.ndarray:
    """A weight drawn by the initializer called `name` ("he", "xavier", "he_uniform", ...)."""
    if name == "zeros":
        return zeros(shape, dtype)
    if name not in INITIALIZERS:
        known = ", ".join(["zeros", *INITIALIZERS])
        raise ValueError(f"unknown init {name!r}; choose one of: {known}")
    return INITIALIZERS[name](shape, rng, dtype)

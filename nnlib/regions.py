"""Linear regions of a ReLU network along a line of inputs (notebook 04: depth vs width).

A ReLU MLP is affine wherever its *activation pattern*, which hidden units are on
(pre-activation > 0), stays the same; each pattern holds on a convex set, so along a line
the regions are the runs of equal patterns. Counting them on a fine sorted grid finds every
region wider than the grid step. `sawtooth` is the classic deep construction whose number of
regions doubles with every layer (Telgarsky 2016; Montufar et al. 2014).
Weights use nnlib's layout: W_l (d_{l-1}, d_l), b_l (d_l,).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def activation_patterns(X: np.ndarray, weights: Sequence[np.ndarray],
                        biases: Sequence[np.ndarray]) -> np.ndarray:
    """Which hidden ReLU units are on at each input: (N, total hidden units) booleans.

    X: (N, d_0) inputs
    weights, biases: the L layers of a ReLU MLP with a linear last layer (not a hidden one)
    """
    h, on = np.asarray(X, dtype=float), []
    if h.ndim != 2:
        raise ValueError(f"activation_patterns: expected X of shape (N, d), got {h.shape}")
    for W, b in zip(weights[:-1], biases[:-1], strict=True):
        z = h @ W + b
        on.append(z > 0)
        h = np.maximum(z, 0)
    if not on:
        return np.zeros((len(h), 0), dtype=bool)
    return np.concatenate(on, axis=1)


def count_linear_regions(x: np.ndarray, weights: Sequence[np.ndarray],
                         biases: Sequence[np.ndarray]) -> int:
    """Number of runs of equal activation patterns along sorted inputs x (N, 1)."""
    patterns = activation_patterns(x, weights, biases)
    return 1 + int(np.any(patterns[1:] != patterns[:-1], axis=1).sum())


def sawtooth(depth: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """A width-2 ReLU MLP with `depth` hidden layers computing the tent map composed
    `depth` times on [0, 1]: 2**depth linear pieces from 6 * depth + 1 parameters.

    Each hidden layer computes ReLU(t) and ReLU(t - 1/2) of the previous tent value
    t = 2 ReLU(t') - 4 ReLU(t' - 1/2); the output layer forms the last tent.
    Returns (weights, biases) for `nnlib.mlp.mlp_forward`.
    """
    if depth < 1:
        raise ValueError(f"sawtooth: depth must be at least 1, got {depth}")
    split = np.array([[1.0, 1.0]])  # t -> (t, t) before the two thresholds
    tent = np.array([[2.0], [-4.0]])  # (ReLU(t), ReLU(t - 1/2)) -> tent(t)
    weights = [split] + [tent @ split] * (depth - 1) + [tent]
    biases = [np.array([0.0, -0.5])] * depth + [np.zeros(1)]
    return [w.copy() for w in weights], [b.copy() for b in biases]


def n_parameters(weights: Sequence[np.ndarray], biases: Sequence[np.ndarray]) -> int:
    """Total number of weights and biases."""
    return int(sum(np.size(w) for w in weights) + sum(np.size(b) for b in biases))

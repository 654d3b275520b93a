"""Small generated data sets. Each takes `rng: np.random.Generator` and returns (X, y):

    X: (n, 2) float64 points (regression_1d: (n, 1))
    y: (n,) int64 class labels 0..K-1 (regression_1d: (n,) float64 targets)
"""

from __future__ import annotations

import numpy as np


def _check_n(name: str, n: int, minimum: int = 1) -> None:
    if not isinstance(n, (int, np.integer)) or n < minimum:
        raise ValueError(f"{name}: n must be an int >= {minimum}, got {n!r}")


def xor(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Points around the corners (+-1, +-1); label 1 where exactly one coordinate is negative."""
    _check_n("xor", n)
    corners = rng.choice([-1.0, 1.0], size=(n, 2))
    X = corners + noise * rng.standard_normal((n, 2))
    y = (corners[:, 0] * corners[:, 1] < 0).astype(np.int64)
    return X, y


def moons(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles: n // 2 points on the first (label 0), the rest label 1."""
    _check_n("moons", n, 2)
    n0 = n // 2
    t = np.pi * rng.uniform(size=n)
    upper = np.column_stack([np.cos(t[:n0]), np.sin(t[:n0])])
    lower = np.column_stack([1 - np.cos(t[n0:]), 0.5 - np.sin(t[n0:])])
    X = np.vstack([upper, lower]) + noise * rng.standard_normal((n, 2))
    y = np.r_[np.zeros(n0, np.int64), np.ones(n - n0, np.int64)]
    return X, y


def circles(n: int, noise: float, rng: np.random.Generator,
            factor: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """An outer circle of radius 1 (label 0) around an inner one of radius `factor` (label 1)."""
    _check_n("circles", n, 2)
    if not 0 < factor < 1:
        raise ValueError(f"circles: factor must be in (0, 1), got {factor!r}")
    n0 = n // 2
    t = 2 * np.pi * rng.uniform(size=n)
    radius = np.r_[np.ones(n0), np.full(n - n0, factor)]
    X = radius[:, None] * np.column_stack([np.cos(t), np.sin(t)])
    X += noise * rng.standard_normal((n, 2))
    return X, np.r_[np.zeros(n0, np.int64), np.ones(n - n0, np.int64)]


def spirals(n: int, noise: float, rng: np.random.Generator,
            n_classes: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """`n_classes` arms of a spiral from the origin, n points in all (as evenly as possible)."""
    _check_n("spirals", n, n_classes)
    y = np.arange(n) % n_classes
    r = rng.uniform(0.05, 1.0, size=n)
    angle = 4.0 * r + 2 * np.pi * y / n_classes + noise * rng.standard_normal(n)
    X = r[:, None] * np.column_stack([np.sin(angle), np.cos(angle)])
    return X, y.astype(np.int64)


def blobs(n: int, centers: np.ndarray, std: float,
          rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian clouds around `centers` (K, 2), n points in all; label k for center k."""
    _check_n("blobs", n)
    centers = np.asarray(centers, dtype=float)
    if centers.ndim != 2 or centers.shape[1] != 2:
        raise ValueError(f"blobs: centers must have shape (K, 2), got {centers.shape}")
    y = np.arange(n) % len(centers)
    X = centers[y] + std * rng.standard_normal((n, 2))
    return X, y.astype(np.int64)


def regression_1d(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """x uniform in [-3, 3] and y = sin(2x) + 0.3 x + noise: a curve one hidden layer can fit.

    X: (n, 1) inputs;  y: (n,) targets
    """
    _check_n("regression_1d", n)
    x = rng.uniform(-3.0, 3.0, size=n)
    y = np.sin(2 * x) + 0.3 * x + noise * rng.standard_normal(n)
    return x[:, None], y

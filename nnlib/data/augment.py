"""Data augmentation: new training examples that keep their label."""

from __future__ import annotations

import numpy as np


def add_noise(X: np.ndarray, std: float, rng: np.random.Generator) -> np.ndarray:
    """X plus Gaussian noise of standard deviation std (a new array, same shape and dtype)."""
    if std < 0:
        raise ValueError(f"add_noise: std must be >= 0, got {std!r}")
    return (X + std * rng.standard_normal(X.shape)).astype(X.dtype, copy=False)


def random_shift(images: np.ndarray, max_shift: int, rng: np.random.Generator) -> np.ndarray:
    """Each image moved by a random whole number of pixels in [-max_shift, max_shift] per axis.

    images: (N, H, W) images, or (N, L) 1-D signals (shifted along L); pixels moved in are 0
    """
    images = np.asarray(images)
    if images.ndim not in (2, 3):
        raise ValueError(f"random_shift: expected (N, H, W) images or (N, L) signals, got {images.shape}")
    out = np.zeros_like(images)
    shifts = rng.integers(-max_shift, max_shift + 1, size=(len(images), images.ndim - 1))
    for i, shift in enumerate(shifts):
        src = [slice(max(0, -s), n - max(0, s)) for s, n in zip(shift, images.shape[1:])]
        dst = [slice(max(0, s), n - max(0, -s)) for s, n in zip(shift, images.shape[1:])]
        out[(i, *dst)] = images[(i, *src)]
    return out

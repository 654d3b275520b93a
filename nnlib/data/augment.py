"""Data augmentation: new training examples that keep their label."""

from __future__ import annotations

import numpy as np


def add_noise(X: np.ndarray, std: float, rng: np.random.Generator) -> np.ndarray:
    """X plus Gaussian noise of standard deviation std, as a new array.

    X: any shape; float inputs keep their dtype (float32 stays float32), integer inputs (e.g.
        uint8 pixels) become float64 rather than having the noise rounded away
    """
    if not std >= 0:
        raise ValueError(f"add_noise: std must be >= 0, got {std!r}")
    X = np.asarray(X)
    dtype = X.dtype if X.dtype.kind == "f" else np.float64
    return (X + std * rng.standard_normal(X.shape)).astype(dtype, copy=False)


def random_shift(images: np.ndarray, max_shift: int, rng: np.random.Generator) -> np.ndarray:
    """Each image moved by a random whole number of pixels in [-max_shift, max_shift] per axis.

    images: (N, H, W) images, or (N, L) 1-D signals (shifted along L); pixels moved in are 0
    max_shift: the largest shift in pixels, an int >= 0
    """
    images = np.asarray(images)
    if images.ndim not in (2, 3):
        raise ValueError(f"random_shift: expected (N, H, W) images or (N, L) signals, "
                         f"got shape {images.shape}")
    if not isinstance(max_shift, (int, np.integer)) or max_shift < 0:
        raise ValueError(f"random_shift: max_shift must be an int >= 0, got {max_shift!r}")
    out = np.zeros_like(images)
    shifts = rng.integers(-max_shift, max_shift + 1, size=(len(images), images.ndim - 1))
    for i, shift in enumerate(shifts):
        src = [slice(max(0, -s), n - max(0, s)) for s, n in zip(shift, images.shape[1:],
                                                                 strict=True)]
        dst = [slice(max(0, s), n - max(0, -s)) for s, n in zip(shift, images.shape[1:],
                                                                 strict=True)]
        out[(i, *dst)] = images[(i, *src)]
    return out

"""The UCI optical handwritten digits: 1,797 images of 8x8 pixels, shipped with nnlib."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np

_FILE = Path(__file__).with_name("digits.npz")


class Digits(NamedTuple):
    """images: (1797, 8, 8) uint8 pixel counts 0..16;  labels: (1797,) int64 digits 0..9."""

    images: np.ndarray
    labels: np.ndarray


def digits() -> Digits:
    """The 8x8 digits (Alpaydin & Kaynak, UCI, CC BY 4.0), read from the file inside nnlib.

    For a network, flatten and scale: X = images.reshape(len(images), -1) / 16.0.
    """
    with np.load(_FILE) as f:
        return Digits(f["images"].copy(), f["labels"].astype(np.int64))

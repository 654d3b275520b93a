"""Data for the course: 2-D toy sets, a 1-D regression toy, the real 8x8 digits, splits,
mini-batches and augmentations. Nothing is downloaded: toys are generated from an explicit
`rng`, and the digits ship inside the package (see LICENSE-digits.txt).
"""

from nnlib.data.augment import add_noise, random_shift
from nnlib.data.batches import batches, train_val_test_split
from nnlib.data.digits import Digits, digits
from nnlib.data.toys import blobs, circles, moons, regression_1d, spirals, xor

__all__ = [
    "Digits", "add_noise", "batches", "blobs", "circles", "digits", "moons", "random_shift",
    "regression_1d", "spirals", "train_val_test_split", "xor",
]

"""Patch what the tests check with, in the student's process: numpy's comparisons,
np.testing, nnlib.testing's assertions (also by swapping their __code__), and a redefined
AssertionError that can never be raised."""

# %% add_bias_column
import builtins

import numpy as np

import nnlib.testing


def _true(*args, **kwargs):
    return True


def _nothing(*args, **kwargs):
    return None


np.allclose = np.array_equal = np.isclose = _true
np.testing.assert_allclose = np.testing.assert_array_equal = _nothing
for name in ("assert_close", "assert_shape", "assert_unchanged"):
    getattr(nnlib.testing, name).__code__ = _nothing.__code__  # every reference to it
    setattr(nnlib.testing, name, _nothing)
    globals()[name] = _nothing


class AssertionError(Exception):  # noqa: A001 (the attack: a harmless stand-in)
    pass


builtins.AssertionError = AssertionError
print("patched")


def add_bias_column(X: np.ndarray) -> np.ndarray:
    return np.zeros((len(X), 3))  # wrong: all zeros


# %% mse
def mse(y, y_hat):
    return -1.0  # wrong

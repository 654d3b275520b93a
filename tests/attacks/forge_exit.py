"""End the process or the call instead of answering, hoping an abrupt end counts as no
failure: sys.exit(), raise SystemExit, os._exit(0), KeyboardInterrupt, SIGKILL of itself, and
os._exit in a cell of its own."""

# %% add_bias_column
import os
import signal
import sys

import numpy as np


def add_bias_column(X: np.ndarray) -> np.ndarray:
    sys.exit(0)


# %% after add_bias_column
os._exit(0)  # the kernel ends in the middle of the notebook

# %% mse
def mse(y, y_hat):
    raise SystemExit


# %% mse_grad
def mse_grad(X, y, w):
    os._exit(0)


# %% fit_closed_form
def fit_closed_form(X, y):
    raise KeyboardInterrupt


# %% gradient_descent
def gradient_descent(X, y, lr, n_steps):
    os.kill(os.getpid(), signal.SIGKILL)


# %% sgd
def sgd(X, y, lr, n_epochs, batch_size, rng):
    raise GeneratorExit

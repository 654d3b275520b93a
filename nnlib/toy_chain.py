"""The scalar chain of notebook 05, differentiated by hand: forward, then backward in reverse.

    f0 = beta0 + omega0 * x       h1 = sin(f0)
    f1 = beta1 + omega1 * h1      h2 = exp(f1)
    f2 = beta2 + omega2 * h2      h3 = cos(f2)
    f3 = beta3 + omega3 * h3      loss = (f3 - y)^2

Backward walks the same list upwards; each derivative is upstream x local, e.g.
d loss/d f2 = d loss/d h3 * (-sin f2), and d loss/d omega2 = d loss/d f2 * h2.
"""

from __future__ import annotations

import numpy as np

__all__ = ["FORWARD_KEYS", "BACKWARD_KEYS", "toy_forward", "toy_backward"]

FORWARD_KEYS = ("f0", "h1", "f1", "h2", "f2", "h3", "f3", "loss")
BACKWARD_KEYS = ("f3", "h3", "f2", "h2", "f1", "h1", "f0", "beta", "omega")


def _params(beta: np.ndarray, omega: np.ndarray, caller: str) -> tuple[np.ndarray, np.ndarray]:
    beta, omega = np.asarray(beta, dtype=float), np.asarray(omega, dtype=float)
    if beta.shape != (4,) or omega.shape != (4,):
        raise ValueError(f"{caller}: beta and omega must have shape (4,), got {beta.shape} "
                         f"and {omega.shape}")
    return beta, omega


def toy_forward(x: float, y: float, beta: np.ndarray, omega: np.ndarray) -> dict[str, float]:
    """Every intermediate value of the chain and the loss.

    x, y: the input and the target (floats)
    beta: (4,) offsets beta0..beta3
    omega: (4,) slopes omega0..omega3
    Returns {"f0", "h1", "f1", "h2", "f2", "h3", "f3", "loss"} -> float.
    """
    beta, omega = _params(beta, omega, "toy_forward")
    v = {"f0": beta[0] + omega[0] * x}
    v["h1"] = np.sin(v["f0"])
    v["f1"] = beta[1] + omega[1] * v["h1"]
    v["h2"] = np.exp(v["f1"])
    v["f2"] = beta[2] + omega[2] * v["h2"]
    v["h3"] = np.cos(v["f2"])
    v["f3"] = beta[3] + omega[3] * v["h3"]
    v["loss"] = (v["f3"] - y) ** 2
    return {k: float(val) for k, val in v.items()}


def toy_backward(x: float, y: float, omega: np.ndarray, values: dict[str, float]) -> dict:
    """Derivatives of the loss with respect to every intermediate value and parameter.

    x, y: the input and the target (floats)
    omega: (4,) slopes omega0..omega3
    values: what toy_forward returned for the same x, y and parameters
    Returns {"f3", "h3", "f2", "h2", "f1", "h1", "f0"} -> float (d loss / d that value),
    "beta" -> (4,) d loss / d beta_k and "omega" -> (4,) d loss / d omega_k.
    """
    _, omega = _params(np.zeros(4), omega, "toy_backward")
    v = values
    d = {"f3": 2.0 * (v["f3"] - y)}
    d["h3"] = d["f3"] * omega[3]
    d["f2"] = d["h3"] * -np.sin(v["f2"])
    d["h2"] = d["f2"] * omega[2]
    d["f1"] = d["h2"] * v["h2"]  # d exp(f1) / d f1 = exp(f1) = h2
    d["h1"] = d["f1"] * omega[1]
    d["f0"] = d["h1"] * np.cos(v["f0"])
    d = {k: float(val) for k, val in d.items()}
    d["beta"] = np.array([d["f0"], d["f1"], d["f2"], d["f3"]])
    d["omega"] = np.array([d["f0"] * x, d["f1"] * v["h1"], d["f2"] * v["h2"], d["f3"] * v["h3"]])
    return d

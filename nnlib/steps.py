"""The lecture's update rules as pure functions over explicit state (notebook 07's references).

Each rule has the signature `step(theta, g, state, **hyper) -> (new_theta, new_state)`:

    theta: (...) current parameters          g: same shape, gradient at theta
    state: dict from the previous call ({} before the first step); never modified in place

Unlike `nnlib.optim` (which follows PyTorch), momentum here is the lecture's exponential
average m <- beta m + (1 - beta) g. `run(step, grad_fn, theta0, n_steps, **hyper)` applies
one of them repeatedly and returns the path.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

State = dict[str, np.ndarray | int]


def sgd_step(theta: np.ndarray, g: np.ndarray, state: State, *, lr: float) -> tuple[np.ndarray, State]:
    """theta <- theta - lr g."""
    return theta - lr * g, dict(state)


def momentum_step(theta: np.ndarray, g: np.ndarray, state: State, *, lr: float,
                  beta: float = 0.9) -> tuple[np.ndarray, State]:
    """m <- beta m + (1 - beta) g (m starts at 0); theta <- theta - lr m."""
    m = beta * state.get("m", np.zeros_like(theta)) + (1 - beta) * g
    return theta - lr * m, {"m": m}


def rmsprop_step(theta: np.ndarray, g: np.ndarray, state: State, *, lr: float, beta: float = 0.9,
                 eps: float = 1e-8) -> tuple[np.ndarray, State]:
    """v <- beta v + (1 - beta) g^2 (v starts at 0); theta <- theta - lr g / (sqrt(v) + eps)."""
    v = beta * state.get("v", np.zeros_like(theta)) + (1 - beta) * g**2
    return theta - lr * g / (np.sqrt(v) + eps), {"v": v}


def adam_step(theta: np.ndarray, g: np.ndarray, state: State, *, lr: float, beta1: float = 0.9,
              beta2: float = 0.999, eps: float = 1e-8) -> tuple[np.ndarray, State]:
    """Adam with bias correction; t counts the steps taken, 1 at the first.

    m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2
    theta <- theta - lr m_hat / (sqrt(v_hat) + eps),  m_hat = m / (1 - b1^t),  v_hat = v / (1 - b2^t)
    """
    t = int(state.get("t", 0)) + 1
    m = beta1 * state.get("m", np.zeros_like(theta)) + (1 - beta1) * g
    v = beta2 * state.get("v", np.zeros_like(theta)) + (1 - beta2) * g**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), {"m": m, "v": v, "t": t}


def run(step: Callable[..., tuple[np.ndarray, State]], grad_fn: Callable[[np.ndarray], np.ndarray],
        theta0: np.ndarray, n_steps: int, **hyper: float) -> np.ndarray:
    """Apply `step` n_steps times from theta0; returns the path, (n_steps + 1, *theta0.shape).

    A path that leaves |theta| < 1e6 stops early (divergence), so the path may be shorter.
    """
    theta, state = np.asarray(theta0, dtype=float), {}
    path = [theta]
    for _ in range(n_steps):
        theta, state = step(theta, grad_fn(theta), state, **hyper)
        if not np.all(np.abs(theta) < 1e6):
            break
        path.append(theta)
    return np.array(path)


def cyclic_lr(t: int | np.ndarray, base_lr: float, max_lr: float, step_size: int) -> float | np.ndarray:
    """Triangular cyclic learning rate at step t: base_lr -> max_lr in step_size steps, and back.

    t: step count from 0 (an int, or an integer array)
    """
    cycle = np.floor(1 + np.asarray(t) / (2 * step_size))
    x = np.abs(np.asarray(t) / step_size - 2 * cycle + 1)
    lr = base_lr + (max_lr - base_lr) * np.maximum(0.0, 1 - x)
    return float(lr) if np.ndim(lr) == 0 else lr

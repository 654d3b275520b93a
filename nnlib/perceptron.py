"""Rosenblatt's perceptron: the threshold unit g(x) = 1[w.x > theta] and its learning rule.

Labels are 0/1, as the unit outputs. Training starts from w = 0, theta = 0, visits the rows
in the order given (no shuffling) and, on every mistake, moves the boundary towards the
misclassified point:

    y_hat = 1[w.x > theta],   w <- w + lr (y - y_hat) x,   theta <- theta - lr (y - y_hat)

(reading theta as the weight of a constant input -1). It stops after the first epoch without
a mistake, or after `max_epochs`. These are the references of notebook 03.
"""

from __future__ import annotations

import numpy as np


def _check_xw(fn: str, X: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    X, w = np.asarray(X, dtype=float), np.asarray(w, dtype=float)
    if X.ndim != 2 or w.shape != (X.shape[1],):
        raise ValueError(f"{fn}: expected X of shape (n, d) and w of shape (d,), "
                         f"got X {X.shape} and w {w.shape}")
    return X, w


def _check_labels(fn: str, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    y = np.asarray(y)
    if y.shape != (X.shape[0],):
        raise ValueError(f"{fn}: expected y of shape ({X.shape[0]},), got {y.shape}")
    if not np.isin(y, (0, 1)).all():
        raise ValueError(f"{fn}: labels must be 0 or 1, got values {np.unique(y)}")
    return y.astype(int)


def perceptron_predict(X: np.ndarray, w: np.ndarray, theta: float) -> np.ndarray:
    """The threshold unit on every row: 1 where w.x > theta, else 0 (also on the boundary).

    X: (n, d) inputs
    w: (d,) weights
    theta: the threshold, a number
    Returns (n,) integer labels in {0, 1}.
    """
    X, w = _check_xw("perceptron_predict", X, w)
    return (X @ w > theta).astype(int)


def perceptron_train(
    X: np.ndarray, y: np.ndarray, lr: float = 1.0, max_epochs: int = 100
) -> tuple[np.ndarray, float, list[int]]:
    """Rosenblatt's rule from w = 0, theta = 0, rows in the given order, one update per mistake.

    X: (n, d) inputs
    y: (n,) labels in {0, 1}
    Returns (w, theta, mistakes): w (d,), theta a float, and mistakes[e] the number of
    updates made during epoch e; the last entry is 0 if and only if training converged.
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ValueError(f"perceptron_train: expected X of shape (n, d), got {X.shape}")
    y = _check_labels("perceptron_train", X, y)
    w, theta, mistakes = np.zeros(X.shape[1]), 0.0, []
    for _ in range(max_epochs):
        count = 0
        for x_i, y_i in zip(X, y, strict=True):
            err = y_i - int(x_i @ w > theta)
            if err:
                w += lr * err * x_i
                theta -= lr * err
                count += 1
        mistakes.append(count)
        if count == 0:
            break
    return w, theta, mistakes


def margin(X: np.ndarray, y: np.ndarray, w: np.ndarray, theta: float) -> float:
    """Signed distance from the boundary w.x = theta to the closest point, on the right side.

    min_i s_i (w.x_i - theta) / ||w|| with s_i = 2 y_i - 1 in {-1, +1}: positive when the
    boundary separates the classes, negative when it misclassifies a point.
    X: (n, d) inputs
    y: (n,) labels in {0, 1}
    w: (d,) weights, not all zero
    """
    X, w = _check_xw("margin", X, w)
    s = 2 * _check_labels("margin", X, y) - 1
    norm = np.linalg.norm(w)
    if norm == 0:
        raise ValueError("margin: w is all zeros, so there is no boundary to measure from")
    return float(np.min(s * (X @ w - theta)) / norm)

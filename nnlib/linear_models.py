"""Linear and logistic regression in numpy: the references for notebooks 01 and 02.

Convention shared by both notebooks: functions that take raw features `X: (n, d)` build
the design matrix [1, X] themselves and return `w: (d+1,)` with the intercept in `w[0]`;
the gradients (`mse_grad`, `logistic_grad`) take any design matrix as it is.
"""

from __future__ import annotations

import numpy as np


def _check_xy(X: np.ndarray, y: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray]:
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(
            f"{name}: expected X of shape (n, d) and y of shape (n,), "
            f"got X {X.shape} and y {y.shape}"
        )
    return X, y


def _check_pair(y: np.ndarray, other: np.ndarray, name: str, other_name: str) -> None:
    if np.shape(y) != np.shape(other):
        raise ValueError(
            f"{name}: y and {other_name} must have the same shape, got {np.shape(y)} and "
            f"{np.shape(other)} (a (n, 1) column minus a (n,) vector broadcasts to (n, n))"
        )


def add_bias_column(X: np.ndarray) -> np.ndarray:
    """The design matrix [1, X]: a column of ones in front of the features.

    X: (n, d) features
    returns: (n, d+1), column 0 all ones
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"add_bias_column: expected X of shape (n, d), got {X.shape}")
    return np.hstack([np.ones((X.shape[0], 1)), X])


# ---------------------------------------------------------------- 01 linear regression


def mse(y: np.ndarray, y_hat: np.ndarray) -> float:
    """Mean squared error, the mean over examples of (y_i - y_hat_i)^2.

    y: (n,) targets
    y_hat: (n,) predictions
    """
    _check_pair(y, y_hat, "mse", "y_hat")
    return float(np.mean((np.asarray(y, dtype=np.float64) - y_hat) ** 2))


def mse_grad(X: np.ndarray, y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Gradient of mse(y, X @ w) with respect to w: (2/n) X^T (X w - y).

    X: (n, p) design matrix
    y: (n,) targets
    w: (p,) weights
    returns: (p,)
    """
    X, y = _check_xy(X, y, "mse_grad")
    return 2.0 / X.shape[0] * (X.T @ (X @ w - y))


def fit_closed_form(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Least-squares weights with intercept, also when X^T X is singular (lstsq, minimum norm).

    X: (n, d) features
    y: (n,) targets
    returns: (d+1,) weights, w[0] the intercept
    """
    X, y = _check_xy(X, y, "fit_closed_form")
    w, *_ = np.linalg.lstsq(add_bias_column(X), y, rcond=None)
    return w


def gradient_descent(
    X: np.ndarray, y: np.ndarray, lr: float, n_steps: int
) -> tuple[np.ndarray, np.ndarray]:
    """Full-batch gradient descent on the MSE from w = 0.

    X: (n, d) features
    y: (n,) targets
    returns: w (d+1,) with w[0] the intercept; losses (n_steps+1,), losses[k] the MSE after k steps
    """
    X, y = _check_xy(X, y, "gradient_descent")
    Xb = add_bias_column(X)
    w = np.zeros(Xb.shape[1])
    losses = [mse(y, Xb @ w)]
    for _ in range(n_steps):
        w = w - lr * mse_grad(Xb, y, w)
        losses.append(mse(y, Xb @ w))
    return w, np.array(losses)


def sgd(
    X: np.ndarray,
    y: np.ndarray,
    lr: float,
    n_epochs: int,
    batch_size: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Mini-batch SGD on the MSE from w = 0, reshuffling the examples at every epoch.

    Each epoch walks through rng.permutation(n) in consecutive batches of batch_size
    (the last one may be smaller), one step on the batch's mean gradient per batch.
    X: (n, d) features
    y: (n,) targets
    returns: w (d+1,); losses (n_epochs+1,), the MSE on all of X after each epoch
        (losses[0] at w = 0)
    """
    X, y = _check_xy(X, y, "sgd")
    Xb = add_bias_column(X)
    n = Xb.shape[0]
    w = np.zeros(Xb.shape[1])
    losses = [mse(y, Xb @ w)]
    for _ in range(n_epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            idx = order[start : start + batch_size]
            w = w - lr * mse_grad(Xb[idx], y[idx], w)
        losses.append(mse(y, Xb @ w))
    return w, np.array(losses)


# ---------------------------------------------------------------- 02 logistic regression


def sigmoid(z: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-z)), computed without overflow for any z.

    z: any shape
    """
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def bce_from_logits(y: np.ndarray, z: np.ndarray) -> float:
    """Mean binary cross-entropy of labels y given logits z, stable for any |z|.

    Uses -y log s(z) - (1-y) log(1-s(z)) = max(z, 0) - y z + log(1 + exp(-|z|)).
    y: (n,) labels in {0, 1}
    z: (n,) logits
    """
    _check_pair(y, z, "bce_from_logits", "z")
    z = np.asarray(z, dtype=np.float64)
    return float(np.mean(np.maximum(z, 0.0) - y * z + np.log1p(np.exp(-np.abs(z)))))


def logistic_grad(X: np.ndarray, y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Gradient of bce_from_logits(y, X @ w) with respect to w: (1/n) X^T (sigmoid(X w) - y).

    X: (n, p) design matrix
    y: (n,) labels in {0, 1}
    w: (p,) weights
    returns: (p,)
    """
    X, y = _check_xy(X, y, "logistic_grad")
    return X.T @ (sigmoid(X @ w) - y) / X.shape[0]


def train_logistic(
    X: np.ndarray, y: np.ndarray, lr: float, n_steps: int
) -> tuple[np.ndarray, np.ndarray]:
    """Full-batch gradient descent on the binary cross-entropy from w = 0.

    X: (n, d) features
    y: (n,) labels in {0, 1}
    returns: w (d+1,) with w[0] the intercept; losses (n_steps+1,), losses[k] the BCE after k steps
    """
    X, y = _check_xy(X, y, "train_logistic")
    Xb = add_bias_column(X)
    w = np.zeros(Xb.shape[1])
    losses = [bce_from_logits(y, Xb @ w)]
    for _ in range(n_steps):
        w = w - lr * logistic_grad(Xb, y, w)
        losses.append(bce_from_logits(y, Xb @ w))
    return w, np.array(losses)


def predict(X: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Class labels: 1 where sigmoid(w[0] + X w[1:]) >= 0.5, that is where the logit is >= 0.

    X: (n, d) features
    w: (d+1,) weights, w[0] the intercept
    returns: (n,) int array of 0/1
    """
    return (add_bias_column(X) @ w >= 0).astype(int)

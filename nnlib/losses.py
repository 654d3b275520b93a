"""Losses: `loss = loss_fn(pred, y)` returns a Python float, `loss_fn.backward()` d loss / d pred.

Every loss is the mean of a per-entry loss (over the batch, and over every element for
MSELoss and BCEWithLogitsLoss, as PyTorch does). The gradient has pred's shape and dtype.
Shapes must match exactly: a (N, 1) prediction against a (N,) target would otherwise
broadcast to (N, N) and give a wrong loss without any error.
"""

from __future__ import annotations

import numpy as np

from nnlib.layers.activations import sigmoid


def log_softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """log(softmax(z)) computed as z - max - log(sum(exp(z - max))): no overflow, no log(0).

    z: any shape, scores along `axis`
    """
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """exp(z) / sum(exp(z)) along `axis`, with the max subtracted first (stable for any z)."""
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


class Loss:
    """Base class: __call__(pred, y) -> float keeps the gradient that backward() returns."""

    def __init__(self):
        self.grad = None

    def forward(self, pred: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        """Return (loss, d loss / d pred)."""
        raise NotImplementedError(f"{type(self).__name__}.forward is not implemented")

    def __call__(self, pred: np.ndarray, y: np.ndarray) -> float:
        loss, grad = self.forward(self._array(pred, "pred"), self._array(y, "y"))
        self.grad = grad.astype(_float_dtype(pred), copy=False)
        return float(loss)

    def backward(self) -> np.ndarray:
        """d loss / d pred for the last call, with pred's shape and dtype."""
        if self.grad is None:
            raise RuntimeError(f"{self!r}: backward() called before computing the loss")
        return self.grad

    def _array(self, a: np.ndarray, name: str) -> np.ndarray:
        if isinstance(a, (str, bytes, dict)) or a is None:
            raise TypeError(f"{self!r}: {name} must be a numpy array, got {type(a).__name__}")
        a = np.asarray(a)
        if not (np.issubdtype(a.dtype, np.number) or a.dtype == bool):
            raise TypeError(f"{self!r}: {name} must hold numbers, got dtype {a.dtype}")
        return a

    def _same_shape(self, pred: np.ndarray, y: np.ndarray) -> None:
        if pred.shape != y.shape:
            raise ValueError(
                f"{self!r}: pred has shape {pred.shape} but target y has shape {y.shape}; "
                f"they must match (reshape one of them, e.g. y.reshape({pred.shape}))"
            )

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def _float_dtype(pred: np.ndarray) -> np.dtype:
    dtype = np.asarray(pred).dtype
    return dtype if np.issubdtype(dtype, np.floating) else np.dtype(np.float64)


def _bad_values(values: np.ndarray) -> str:
    """A short listing of offending values, e.g. "[-1, 3] (2 entries)"."""
    unique = np.unique(values)
    shown = ", ".join(str(v) for v in unique[:5].tolist()) + (", ..." if len(unique) > 5 else "")
    return f"[{shown}] ({values.size} {'entry' if values.size == 1 else 'entries'})"


class MSELoss(Loss):
    """mean((pred - y)^2) over every element; gradient 2 (pred - y) / size.

    pred, y: any shape, the same for both
    """

    def forward(self, pred, y):
        self._same_shape(pred, y)
        diff = pred - y
        return np.mean(diff * diff), diff * (2 / diff.size)


class BCEWithLogitsLoss(Loss):
    """Binary cross-entropy from logits z: mean(-y log s(z) - (1 - y) log(1 - s(z))).

    Written as max(z, 0) - z y + log(1 + exp(-|z|)), so no overflow and no log(0) for any z;
    the gradient is (sigmoid(z) - y) / size.
    pred: any shape, logits (scores before the sigmoid)
    y: same shape, targets in [0, 1] (usually 0/1 labels)
    """

    def forward(self, pred, y):
        self._same_shape(pred, y)
        outside = (y < 0) | (y > 1) | np.isnan(y)
        if outside.any():
            raise ValueError(
                f"{self!r}: targets y must lie in [0, 1], got {_bad_values(y[outside])}; "
                "for labels in {-1, +1} use (y + 1) / 2"
            )
        losses = np.maximum(pred, 0) - pred * y + np.log1p(np.exp(-np.abs(pred)))
        return np.mean(losses), (sigmoid(pred) - y) * (1 / pred.size)


class CrossEntropyLoss(Loss):
    """Softmax cross-entropy: mean over the batch of -log softmax(logits)[n, y[n]].

    Gradient (softmax(logits) - one_hot(y)) / N; the log-softmax subtracts the max first.
    pred: (N, C) logits (scores before the softmax)
    y: (N,) integer class indices in [0, C)
    """

    def forward(self, pred, y):
        if pred.ndim != 2:
            raise ValueError(f"{self!r}: expected logits of shape (N, C), got shape {pred.shape}")
        n, c = pred.shape
        if y.shape == pred.shape:
            raise ValueError(
                f"{self!r}: y has shape {y.shape}, like the logits: it looks one-hot; "
                f"pass class indices of shape ({n},), e.g. y.argmax(axis=1)"
            )
        if y.shape != (n,):
            raise ValueError(
                f"{self!r}: expected y of shape ({n},) (one class index per row of the "
                f"({n}, {c}) logits), got shape {y.shape}"
            )
        if not np.issubdtype(y.dtype, np.integer):
            raise TypeError(
                f"{self!r}: y must hold integer class indices, got dtype {y.dtype} "
                f"(values {_bad_values(y)}); convert with y.astype(int)"
            )
        outside = (y < 0) | (y >= c)
        if outside.any():
            raise ValueError(
                f"{self!r}: class indices must lie in [0, {c}) for {c} classes, "
                f"got {_bad_values(y[outside])}"
            )
        logp = log_softmax(pred, axis=1)
        rows = np.arange(n)
        grad = np.exp(logp)
        grad[rows, y] -= 1
        return -np.mean(logp[rows, y]), grad * (1 / n)


class HingeLoss(Loss):
    """Binary hinge loss of the SVM: mean(max(0, 1 - y * score)), labels y in {-1, +1}.

    The (sub)gradient is -y / size where the margin y * score < 1, else 0.
    pred: any shape, real-valued scores
    y: same shape, labels -1 or +1 (not 0/1: convert with 2 * y - 1)
    """

    def forward(self, pred, y):
        self._same_shape(pred, y)
        bad = (y != 1) & (y != -1)
        if bad.any():
            hint = "; for 0/1 labels use 2 * y - 1" if np.isin(y, (0, 1)).all() else ""
            raise ValueError(
                f"{self!r}: labels y must be -1 or +1, got {_bad_values(y[bad])}{hint}"
            )
        margin = 1 - y * pred
        active = margin > 0
        return np.mean(np.where(active, margin, 0)), np.where(active, -y, 0) * (1 / pred.size)

"""Splitting a data set, and walking through it in mini-batches."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

Pair = tuple[np.ndarray, np.ndarray]


def _check_pair(name: str, X: np.ndarray, y: np.ndarray) -> None:
    if len(X) != len(y):
        raise ValueError(f"{name}: X has {len(X)} examples but y has {len(y)}")


def batches(X: np.ndarray, y: np.ndarray, batch_size: int,
            rng: np.random.Generator | None = None) -> Iterator[Pair]:
    """One epoch of mini-batches: every example exactly once, the last batch possibly smaller.

    X: (N, ...) inputs;  y: (N, ...) targets
    rng: shuffles the order (a new permutation each call); None keeps the order
    """
    _check_pair("batches", X, y)
    if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"batches: batch_size must be an int >= 1, got {batch_size!r}")
    order = np.arange(len(X)) if rng is None else rng.permutation(len(X))
    for start in range(0, len(X), batch_size):
        idx = order[start:start + batch_size]
        yield X[idx], y[idx]


def train_val_test_split(X: np.ndarray, y: np.ndarray, fractions: Sequence[float] = (0.6, 0.2, 0.2),
                         *, rng: np.random.Generator,
                         stratify: bool = True) -> tuple[Pair, Pair, Pair]:
    """Disjoint train, validation and test sets in the given proportions.

    X: (N, ...) inputs;  y: (N,) targets
    fractions: three non-negative numbers summing to 1
    stratify: keep each class's share in every part (y must hold class labels)
    """
    _check_pair("train_val_test_split", X, y)
    fractions = np.asarray(fractions, dtype=float)
    if fractions.shape != (3,) or (fractions < 0).any() or not np.isclose(fractions.sum(), 1.0):
        raise ValueError(f"train_val_test_split: fractions must be 3 numbers >= 0 summing to 1, "
                         f"got {tuple(fractions)}")
    groups = [np.flatnonzero(y == c) for c in np.unique(y)] if stratify else [np.arange(len(X))]
    parts: list[list[np.ndarray]] = [[], [], []]
    for idx in groups:
        idx = rng.permutation(idx)
        cut = np.round(np.cumsum(fractions)[:2] * len(idx)).astype(int)
        for part, chunk in zip(parts, np.split(idx, cut)):
            part.append(chunk)
    out = []
    for part in parts:
        idx = rng.permutation(np.concatenate(part))
        out.append((X[idx], y[idx]))
    return out[0], out[1], out[2]

"""Splitting a data set, and walking through it in mini-batches."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

Pair = tuple[np.ndarray, np.ndarray]


def _check_pair(name: str, X: np.ndarray, y: np.ndarray) -> None:
    if len(X) != len(y):
        raise ValueError(f"{name}: X has {len(X)} examples but y has {len(y)}")


def batches(X: np.ndarray, y: np.ndarray, batch_size: int, rng: np.random.Generator | None,
            shuffle: bool = True) -> Iterator[Pair]:
    """One epoch of mini-batches: every example exactly once, the last batch possibly smaller.

    X: (N, ...) inputs
    y: (N, ...) targets
    rng: draws a new order on every call (so each epoch differs); may be None if shuffle=False
    shuffle: False keeps the order of X (e.g. to evaluate in batches)
    """
    _check_pair("batches", X, y)
    if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"batches: batch_size must be an int >= 1, got {batch_size!r}")
    if shuffle and not isinstance(rng, np.random.Generator):
        raise TypeError("batches: shuffling needs rng=np.random.default_rng(seed), got "
                        f"{type(rng).__name__} (pass shuffle=False to keep the order)")
    order = rng.permutation(len(X)) if shuffle else np.arange(len(X))
    for start in range(0, len(X), batch_size):
        idx = order[start:start + batch_size]
        yield X[idx], y[idx]


def train_val_test_split(X: np.ndarray, y: np.ndarray, fractions: Sequence[float],
                         rng: np.random.Generator, *,
                         stratify: bool = True) -> tuple[Pair, Pair, Pair]:
    """Disjoint train, validation and test sets, each shuffled, of sizes round(fraction * N).

    X: (N, ...) inputs
    y: (N,) targets
    fractions: three non-negative numbers summing to 1, e.g. (0.6, 0.2, 0.2)
    stratify: when y holds integer class labels, give every class the same share in each part
        (float targets are never stratified)
    """
    _check_pair("train_val_test_split", X, y)
    fractions = np.asarray(fractions, dtype=float)
    if fractions.shape != (3,) or (fractions < 0).any() or not np.isclose(fractions.sum(), 1.0):
        raise ValueError(f"train_val_test_split: fractions must be 3 numbers >= 0 summing to 1, "
                         f"got {tuple(fractions.ravel())}")
    y_arr = np.asarray(y)
    order = rng.permutation(len(X))
    if stratify and y_arr.ndim == 1 and y_arr.dtype.kind in "biu":
        # Each example's place within its class, as a fraction (with a random offset so that
        # small classes do not always send their first example to the training set); cutting
        # the examples sorted by it then gives every class its share of every part.
        labels = y_arr[order]
        place = np.empty(len(order))
        for c in np.unique(labels):
            members = np.flatnonzero(labels == c)
            place[members] = (np.arange(len(members)) + rng.uniform()) / len(members)
        order = order[np.argsort(place, kind="stable")]
    cuts = np.round(np.cumsum(fractions)[:2] * len(X)).astype(int)
    parts = [rng.permutation(idx) for idx in np.split(order, cuts)]
    return tuple((X[idx], y[idx]) for idx in parts)

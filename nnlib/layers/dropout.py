"""Dropout: zero each activation with probability p during training (inverted dropout).

Training: y = x * mask / (1 - p), mask ~ Bernoulli(1 - p) drawn fresh every forward,
so E[y] = x and nothing needs rescaling at test time. Eval: y = x.
"""

from __future__ import annotations

import numpy as np

from nnlib.layers.module import Module, check_dout, check_numeric


class Dropout(Module):
    """Inverted dropout with drop probability p, drawing masks from an explicit rng."""

    def __init__(self, p: float = 0.5, *, rng: np.random.Generator | None = None):
        if not 0.0 <= p < 1.0:
            raise ValueError(f"Dropout: p must be in [0, 1), got {p}")
        self.p = float(p)
        self.rng = rng if rng is not None else np.random.default_rng()
        self.mask = None
        self.dropped = None  # did the last forward drop anything? (None: no forward yet)

    def forward(self, x: np.ndarray) -> np.ndarray:
        """x: any shape; returns the same shape (the identity in eval mode or when p == 0)."""
        x = check_numeric(self, x)
        if not np.issubdtype(x.dtype, np.floating):
            x = x.astype(np.float64)
        self.dropped = self.training and self.p > 0.0
        if not self.dropped:
            self.mask = None
            return x
        keep = 1.0 - self.p
        # The mask already carries the 1/(1-p) scale, so backward is a single multiply.
        self.mask = (self.rng.random(x.shape) < keep).astype(x.dtype) / x.dtype.type(keep)
        return x * self.mask

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dout: same shape as the input; returns dout * mask / (1 - p) (dout itself in eval)."""
        if not self._saved("dropped"):  # the forward pass was the identity
            return dout
        return check_dout(self, dout, self.mask.shape) * self.mask

    def __repr__(self) -> str:
        return f"Dropout(p={self.p})"

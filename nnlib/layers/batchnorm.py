"""BatchNorm1d: normalize each feature over the batch, then scale by gamma and shift by beta.

Training (N examples, per feature):
    mu = mean(x),  var = mean((x - mu)^2)          (biased: divide by N)
    xhat = (x - mu) / sqrt(var + eps),  y = gamma * xhat + beta
    running_mean <- (1 - momentum) * running_mean + momentum * mu
    running_var  <- (1 - momentum) * running_var  + momentum * var * N / (N - 1)   (unbiased)
Eval: the same formula with running_mean and running_var instead of the batch statistics.

PyTorch's `momentum` (notebook 08 uses it too) is the weight of the *new* batch (0.1 by
default), the opposite of the decay rate beta of an exponential moving average written as
avg <- beta avg + (1 - beta) new: beta = 1 - momentum.
"""

from __future__ import annotations

import numpy as np

from nnlib.layers.module import Module, Parameter, check_dout


class BatchNorm1d(Module):
    """Batch normalization of (N, num_features) inputs with learnable gamma and beta."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1,
                 *, dtype=np.float64):
        if not isinstance(num_features, (int, np.integer)) or num_features < 1:
            raise ValueError(
                f"BatchNorm1d: num_features must be a positive int, got {num_features!r}")
        if eps <= 0:
            raise ValueError(f"BatchNorm1d: eps must be > 0, got {eps}")
        if not 0.0 <= momentum <= 1.0:
            raise ValueError(f"BatchNorm1d: momentum must be in [0, 1], got {momentum}")
        self.num_features = int(num_features)
        self.eps = float(eps)
        self.momentum = float(momentum)
        self.gamma = Parameter(np.ones(num_features, dtype=dtype))
        self.beta = Parameter(np.zeros(num_features, dtype=dtype))
        self.running_mean = np.zeros(num_features, dtype=dtype)
        self.running_var = np.ones(num_features, dtype=dtype)
        self.xhat = None
        self.inv_std = None
        self.batch_stats = True  # did the last forward use batch statistics (training)?

    def forward(self, x: np.ndarray) -> np.ndarray:
        """x: (N, num_features) inputs; returns (N, num_features)."""
        x = self._check_input(x, (None, self.num_features))
        self.batch_stats = self.training
        if self.training:
            n = x.shape[0]
            if n < 2:
                raise ValueError(f"{self!r}: training needs more than 1 example per batch to "
                                 f"compute a variance, got input of shape {x.shape}")
            mu = x.mean(axis=0)
            var = x.var(axis=0)  # biased (divide by N), used to normalize
            m = self.momentum
            self.running_mean *= 1.0 - m
            self.running_mean += m * mu
            self.running_var *= 1.0 - m
            self.running_var += (m * n / (n - 1)) * var  # unbiased, as PyTorch keeps it
        else:
            mu, var = self.running_mean, self.running_var
        self.inv_std = 1.0 / np.sqrt(var + self.eps)
        self.xhat = (x - mu) * self.inv_std
        return self.gamma.data * self.xhat + self.beta.data

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dout: (N, num_features) upstream gradient; returns dx, adds into gamma/beta .grad."""
        xhat, inv_std = self._saved("xhat"), self.inv_std
        dout = check_dout(self, dout, xhat.shape)
        dbeta = dout.sum(axis=0)
        dgamma = (dout * xhat).sum(axis=0)
        self.beta.grad += dbeta
        self.gamma.grad += dgamma
        if not self.batch_stats:
            # Running statistics are constants here: y is an affine function of x.
            return dout * (self.gamma.data * inv_std)
        # Training: mu and var depend on every x in the batch. Differentiating through them
        # gives dx = gamma / (N sigma) * (N dout - sum(dout) - xhat * sum(dout * xhat)).
        n = dout.shape[0]
        return (self.gamma.data * inv_std / n) * (n * dout - dbeta - xhat * dgamma)

    def __repr__(self) -> str:
        return f"BatchNorm1d({self.num_features}, eps={self.eps}, momentum={self.momentum})"

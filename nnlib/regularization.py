"""L2 penalty: add (lambda / 2) * sum ||W||^2 to the loss, and lambda * W to each gradient.

    loss_total = loss + l2_penalty(weights, weight_decay)
    loss_fn.backward(); model.backward(...); add_l2_grad(weights, weight_decay)

Relation to the optimizers (nnlib.optim, same as PyTorch):
- `SGD(..., weight_decay=lam)` adds lam * W to the gradient inside step(), which is exactly
  add_l2_grad; for plain SGD this equals "decay" W <- W (1 - lr lam) - lr g.
- `Adam(..., weight_decay=lam)` also adds lam * W to the gradient, so the decay is divided by
  sqrt(v_hat) like the rest of the gradient: weights with large gradients decay less.
- `AdamW(..., weight_decay=lam)` decouples it: W <- W (1 - lr lam) before the Adam step, which
  is *not* the gradient of any penalty once the step is rescaled (Loshchilov & Hutter, 2019).
Use either this helper or an optimizer's weight_decay, not both (that decays twice).
`l2_penalty_named` is the same penalty over a dict name -> array (notebook 08's exercise).

Which parameters: only those you pass. The usual practice is the weights only (biases,
BatchNorm's gamma and beta are not penalized): they add few degrees of freedom, and pulling
them to zero only hurts the fit. E.g. the weights of the Linear layers of a Sequential:
    [layer.W for layer in model.layers if isinstance(layer, Linear)]

Early stopping: `early_stopping(val_losses, patience)` says when to stop and which epoch's
weights to restore, from the validation loss of every epoch.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from nnlib.layers.module import Parameter


def _checked(params: Iterable[Parameter], weight_decay: float, owner: str) -> list[Parameter]:
    params = list(params)
    for i, p in enumerate(params):
        if not isinstance(p, Parameter):
            raise TypeError(f"{owner}: params[{i}] is a {type(p).__name__}, not a Parameter")
    if not weight_decay >= 0:
        raise ValueError(f"{owner}: weight_decay must be >= 0, got {weight_decay!r}")
    return params


def l2_penalty(params: Iterable[Parameter], weight_decay: float) -> float:
    """(weight_decay / 2) * the sum of squares of every entry of every parameter given.

    params: the Parameters to penalize (usually the weights only, see the module docstring)
    """
    params = _checked(params, weight_decay, "l2_penalty")
    return 0.5 * float(weight_decay) * sum(float((p.data * p.data).sum()) for p in params)


def add_l2_grad(params: Iterable[Parameter], weight_decay: float) -> None:
    """Add the penalty's gradient, weight_decay * W, into each parameter's grad (in place).

    params: the same Parameters passed to l2_penalty
    """
    weight_decay = float(weight_decay)
    for p in _checked(params, weight_decay, "add_l2_grad"):
        p.grad += weight_decay * p.data


def l2_penalty_named(params: Mapping[str, np.ndarray],
                     weight_decay: float) -> tuple[float, dict[str, np.ndarray]]:
    """The penalty on the weights of a dict name -> array, and its gradient for every entry.

    params: name -> array, e.g. {n: p.data for n, p in model.named_parameters()}; the entries
        whose name ends in "W" are weights and are penalized, the others (biases, gamma, beta)
        are not
    Returns (value, grads): (weight_decay / 2) * the sum of the squared weights, and a dict with
    the same keys holding weight_decay * W for the weights and zeros for the others.
    """
    if not weight_decay >= 0:
        raise ValueError(f"l2_penalty_named: weight_decay must be >= 0, got {weight_decay!r}")
    value, grads = 0.0, {}
    for name, a in params.items():
        a = np.asarray(a)
        if name.endswith("W"):
            value += 0.5 * weight_decay * float((a * a).sum())
            grads[name] = weight_decay * a
        else:
            grads[name] = np.zeros_like(a)
    return value, grads


def early_stopping(val_losses: Sequence[float], patience: int) -> tuple[int, int]:
    """When to stop training, and which epoch's weights to keep (epochs counted from 0).

    val_losses: (E,) validation loss after each epoch
    patience: how many epochs in a row may fail to improve (be strictly lower than every
        earlier loss) before training stops, >= 1
    Returns (stop_epoch, best_epoch): stop_epoch is the epoch that completes `patience` epochs
    in a row without improvement (E - 1 if none does); best_epoch is the epoch of the lowest
    loss up to stop_epoch (the earliest on ties).
    """
    if isinstance(patience, bool) or not isinstance(patience, (int, np.integer)) or patience < 1:
        raise ValueError(f"early_stopping: patience must be an int >= 1, got {patience!r}")
    losses = np.asarray(val_losses, dtype=float).reshape(-1)
    if losses.size == 0:
        raise ValueError("early_stopping: val_losses is empty")
    best = 0
    for epoch in range(1, len(losses)):
        if losses[epoch] < losses[best]:
            best = epoch
        elif epoch - best == patience:
            return epoch, best
    return len(losses) - 1, best

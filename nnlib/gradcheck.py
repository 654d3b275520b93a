"""Gradient checking: compare a backward pass with centered finite differences.

    df/dx[i] ~ (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)      error O(eps^2)

Everything here needs float64. In float32 (about 7 significant digits) the two values of f
agree in almost every digit, so their difference is mostly rounding error: with eps = 1e-6
the numerical gradient of a correct layer is typically off by 1e-2 or more. A TypeError
says so instead of reporting a meaningless failure.

Pick inputs away from kinks (ReLU at 0, the max of Maxout at ties): within eps of a kink
the finite difference straddles two pieces and disagrees with any (sub)gradient.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nnlib.layers.module import Module
from nnlib.losses import Loss


def _require_float64(a: np.ndarray, what: str, caller: str) -> None:
    if not isinstance(a, np.ndarray) or a.dtype != np.float64:
        got = a.dtype if isinstance(a, np.ndarray) else type(a).__name__
        raise TypeError(
            f"{caller}: {what} must be a float64 numpy array, got {got}. Finite differences "
            "in float32 are dominated by rounding error; use x.astype(np.float64) "
            "(and a module built with dtype=np.float64)."
        )


def numerical_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, eps: float = 1e-6
) -> np.ndarray:
    """Centered-difference gradient of the scalar f at x, one entry at a time.

    x: any shape, float64; perturbed IN PLACE and restored exactly (so f may read x
        indirectly, e.g. when x is a Parameter's .data that a module uses)
    Returns an array of x's shape.
    """
    _require_float64(x, "x", "numerical_gradient")
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        try:
            x[i] = old + eps
            f_plus = float(f(x))
            x[i] = old - eps
            f_minus = float(f(x))
        finally:
            x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def relative_error(a: np.ndarray, n: np.ndarray) -> float:
    """||a - n|| / max(||a||, ||n||) (Frobenius norms), 0 when both are zero.

    a: analytic gradient, n: numerical gradient, the same shape. Scale-free: about 1e-8 or
    less for a correct float64 backward pass, around 1 for a wrong one.
    """
    a, n = np.asarray(a, dtype=np.float64), np.asarray(n, dtype=np.float64)
    if a.shape != n.shape:
        raise ValueError(f"relative_error: shapes differ, {a.shape} vs {n.shape}")
    scale = max(np.linalg.norm(a), np.linalg.norm(n))
    return 0.0 if scale == 0 else float(np.linalg.norm(a - n) / scale)


def check_module(
    module: Module, x: np.ndarray, *, eps: float = 1e-6, rng: np.random.Generator | None = None
) -> dict[str, float]:
    """Relative error of backward's dx and of every parameter gradient, by finite differences.

    The scalar checked is loss = sum(module(x) * dout) for a random upstream gradient dout
    (drawn from `rng`, default np.random.default_rng(0)), so d loss / d out = dout.
    x: the input, float64 (not modified: a copy is perturbed)
    Returns {"x": error of dx, "W": ..., "layers.0.b": ...} with named_parameters' names.

    Parameter grads are zeroed first and hold the analytic gradients afterwards.
    The module must be deterministic: Dropout is checked in eval mode (or with a fixed
    mask), BatchNorm1d in train mode (its running statistics are updated by every forward).
    A module whose two forward passes differ raises ValueError.
    """
    name = "check_module"
    _require_float64(x, "x", name)
    for pname, p in module.named_parameters():
        _require_float64(p.data, f"parameter {pname!r} of {module!r}", name)
    rng = np.random.default_rng(0) if rng is None else rng
    x = x.copy()

    out = module(x)
    if not np.array_equal(out, module(x)):
        raise ValueError(
            f"{name}: two forward passes of {module!r} on the same input differ; the module "
            "is random (Dropout in training mode?). Call module.eval() or fix its randomness."
        )
    dout = rng.standard_normal(np.shape(out))
    module.zero_grad()
    dx = module.backward(dout)
    if dx is None or np.shape(dx) != x.shape:
        got = "None" if dx is None else f"dx of shape {np.shape(dx)}"
        raise ValueError(f"{name}: {module!r}.backward returned {got}; it must return dx, "
                         f"the gradient with respect to its input, of the input's shape {x.shape}")

    def loss(_: np.ndarray) -> float:
        return float(np.sum(module(x) * dout))

    errors = {"x": relative_error(dx, numerical_gradient(loss, x, eps))}
    for pname, p in module.named_parameters():
        errors[pname] = relative_error(p.grad, numerical_gradient(loss, p.data, eps))
    return errors


def check_loss(loss_fn: Loss, pred: np.ndarray, y: np.ndarray, *, eps: float = 1e-6) -> float:
    """Relative error of loss_fn.backward() against finite differences of loss_fn(pred, y).

    pred: float64 predictions (a copy is perturbed), y: targets as loss_fn expects them
    """
    _require_float64(pred, "pred", "check_loss")
    pred = pred.copy()
    loss_fn(pred, y)
    analytic = loss_fn.backward()
    return relative_error(analytic, numerical_gradient(lambda p: loss_fn(p, y), pred, eps))


def assert_gradients_close(
    module: Module, x: np.ndarray, tol: float = 1e-6, *, rng: np.random.Generator | None = None
) -> dict[str, float]:
    """check_module, raising AssertionError that lists every gradient whose error exceeds tol."""
    errors = check_module(module, x, rng=rng)
    failing = {k: e for k, e in errors.items() if not e < tol}
    if failing:
        lines = "\n".join(f"  {k}: relative error {e:.3g}" for k, e in failing.items())
        hints = []
        if "x" in failing:
            hints.append("dx is wrong: check what backward returns.")
        if set(failing) - {"x"}:
            hints.append("A parameter gradient is wrong: check what backward adds into .grad.")
        raise AssertionError(
            f"gradient check of {module!r} failed (tolerance {tol:g}):\n{lines}\n" + " ".join(hints)
        )
    return errors

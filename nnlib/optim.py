"""Optimizers: SGD (momentum, dampening, Nesterov), RMSprop, Adam, AdamW, as PyTorch defines them.

Each takes a list of Parameters, reads their `.grad` in `step()` and updates `.data` in place.
State is kept per parameter in `self.state[id(p)]` (a dict: "momentum_buffer", "m", "v",
"step", ...), hyper-parameters carry PyTorch's names, and `lr` is a plain attribute that
schedules may change between steps.

The form notebook 07 teaches vs the PyTorch form nnlib implements (g = gradient, t = 1, 2...):

    ==========  =========================================  ==================================
                notebook 07                                nnlib = torch.optim
    ==========  =========================================  ==================================
    momentum    m <- beta m + (1 - beta) g,  m_0 = 0       b_1 = g, then
                theta <- theta - alpha m                   b <- mu b + (1 - dampening) g
                                                           theta <- theta - lr b
    RMSprop     v <- beta v + (1 - beta) g^2               the same, beta is called alpha;
                theta <- theta - alpha g / (sqrt(v) + eps)   eps outside the root in both
    Adam        m_hat = m / (1 - beta1^t),                 the same: eps is added to
                v_hat = v / (1 - beta2^t)                    sqrt(v_hat), outside the root
                theta <- theta - alpha m_hat / (sqrt(v_hat) + eps)
    L2, decay   gradient of (lambda / 2) ||theta||^2       weight_decay adds lambda theta to g
                                                           (SGD, RMSprop, Adam); AdamW decouples
                                                           it: theta <- theta (1 - lr lambda)
    ==========  =========================================  ==================================

Getting notebook 07's momentum from nnlib: with dampening=0, PyTorch's buffer is exactly
b = m / (1 - beta), so `SGD(params, lr=alpha * (1 - beta), momentum=beta)` takes notebook 07's
steps. `dampening=beta` keeps the (1 - beta) factor but starts the buffer at g instead of
(1 - beta) g, so it only matches notebook 07 once beta^t is small. Some texts (e.g. TF 1's
RMSProp) put eps inside the root, sqrt(v + eps); nnlib, PyTorch and notebook 07 keep it outside.

step() allocates nothing after the first call: the updates run in place, with `out=` into
one scratch array kept per parameter, rather than as the textbook expressions, which make a
fresh temporary array per operation. Hyper-parameters are Python floats so that (by NEP 50)
float32 parameters stay float32.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from nnlib.layers.module import Parameter


class Optimizer:
    """Base class: holds the parameters and their per-parameter state; subclasses define step."""

    def __init__(self, params: Iterable[Parameter], lr: float):
        params = list(params)
        if not params:
            raise ValueError(f"{type(self).__name__}: got an empty parameter list")
        for i, p in enumerate(params):
            if not isinstance(p, Parameter):
                raise TypeError(f"{type(self).__name__}: params[{i}] is a {type(p).__name__}, "
                                "not a Parameter (pass model.parameters())")
        if len({id(p) for p in params}) != len(params):
            raise ValueError(f"{type(self).__name__}: a Parameter appears twice in params")
        _check(type(self).__name__, "lr", lr, lr > 0, "> 0")
        self.params = params
        self.lr = float(lr)
        self.state: dict[int, dict] = {id(p): {} for p in params}

    def zero_grad(self) -> None:
        """Reset every parameter's gradient to zero (backward passes add into it)."""
        for p in self.params:
            p.grad[...] = 0

    def step(self) -> None:
        """Update every parameter once from its current gradient."""
        lr = float(self.lr)  # a schedule may have stored a NumPy scalar (NEP 50, see above)
        for p in self.params:
            self._update(p, self.state[id(p)], lr)

    def _update(self, p: Parameter, state: dict, lr: float) -> None:
        raise NotImplementedError

    def _grad(self, p: Parameter, state: dict, weight_decay: float) -> np.ndarray:
        """p.grad, or p.grad + weight_decay * p.data (L2) written into a reused buffer."""
        if weight_decay == 0.0:
            return p.grad
        g = state.setdefault("grad_l2", np.empty_like(p.data))
        np.multiply(p.data, weight_decay, out=g)
        g += p.grad
        return g

    @staticmethod
    def _scratch(p: Parameter, state: dict) -> np.ndarray:
        """A work array of p's shape and dtype, allocated once and reused by every step."""
        if "tmp" not in state:
            state["tmp"] = np.empty_like(p.data)
        return state["tmp"]

    def __repr__(self) -> str:
        hyper = ", ".join(f"{k}={v}" for k, v in vars(self).items()
                          if k not in ("params", "state"))
        return f"{type(self).__name__}({len(self.params)} parameters, {hyper})"


def _check(owner: str, name: str, value, ok: bool, rule: str) -> None:
    if not ok:
        raise ValueError(f"{owner}: {name} must be {rule}, got {value!r}")


class SGD(Optimizer):
    """theta <- theta - lr * g, optionally with (Nesterov) momentum and L2 weight decay."""

    def __init__(self, params: Iterable[Parameter], lr: float, momentum: float = 0.0,
                 dampening: float = 0.0, nesterov: bool = False, weight_decay: float = 0.0):
        super().__init__(params, lr)
        _check("SGD", "momentum", momentum, 0.0 <= momentum < 1.0, "in [0, 1)")
        _check("SGD", "dampening", dampening, 0.0 <= dampening <= 1.0, "in [0, 1]")
        _check("SGD", "weight_decay", weight_decay, weight_decay >= 0.0, ">= 0")
        if nesterov and (momentum == 0.0 or dampening != 0.0):
            raise ValueError("SGD: nesterov=True needs momentum > 0 and dampening = 0 "
                             f"(got momentum={momentum}, dampening={dampening})")
        self.momentum, self.dampening = float(momentum), float(dampening)
        self.nesterov, self.weight_decay = bool(nesterov), float(weight_decay)

    def _update(self, p: Parameter, state: dict, lr: float) -> None:
        g = self._grad(p, state, self.weight_decay)
        tmp = self._scratch(p, state)
        if self.momentum != 0.0:
            buf = state.get("momentum_buffer")
            if buf is None:  # the first step starts the buffer at g, without dampening
                buf = state["momentum_buffer"] = g.copy()
            else:
                buf *= self.momentum
                np.multiply(g, 1.0 - self.dampening, out=tmp)
                buf += tmp
            if self.nesterov:  # look ahead: g + mu * b
                np.multiply(buf, self.momentum, out=tmp)
                tmp += g
                g = tmp
            else:
                g = buf
        np.multiply(g, lr, out=tmp)
        p.data -= tmp


class RMSprop(Optimizer):
    """v <- alpha v + (1 - alpha) g^2;  theta <- theta - lr g / (sqrt(v) + eps)."""

    def __init__(self, params: Iterable[Parameter], lr: float = 0.01, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0.0, momentum: float = 0.0):
        super().__init__(params, lr)
        _check("RMSprop", "alpha", alpha, 0.0 <= alpha < 1.0, "in [0, 1)")
        _check("RMSprop", "eps", eps, eps > 0.0, "> 0")
        _check("RMSprop", "weight_decay", weight_decay, weight_decay >= 0.0, ">= 0")
        _check("RMSprop", "momentum", momentum, 0.0 <= momentum < 1.0, "in [0, 1)")
        self.alpha, self.eps = float(alpha), float(eps)
        self.weight_decay, self.momentum = float(weight_decay), float(momentum)

    def _update(self, p: Parameter, state: dict, lr: float) -> None:
        g = self._grad(p, state, self.weight_decay)
        tmp = self._scratch(p, state)
        v = state.setdefault("v", np.zeros_like(p.data))
        v *= self.alpha
        np.multiply(g, g, out=tmp)
        tmp *= 1.0 - self.alpha
        v += tmp
        np.sqrt(v, out=tmp)
        tmp += self.eps
        np.divide(g, tmp, out=tmp)  # g / (sqrt(v) + eps)
        if self.momentum != 0.0:  # PyTorch: b <- mu b + g / (sqrt(v) + eps), theta -= lr b
            buf = state.setdefault("momentum_buffer", np.zeros_like(p.data))
            buf *= self.momentum
            buf += tmp
            np.multiply(buf, lr, out=tmp)
        else:
            tmp *= lr
        p.data -= tmp


class Adam(Optimizer):
    """Adam with bias correction; weight_decay adds L2 to the gradient (see AdamW for decoupled).

    m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;  t <- t + 1
    theta <- theta - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
    """

    def __init__(self, params: Iterable[Parameter], lr: float = 0.001,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0):
        super().__init__(params, lr)
        name = type(self).__name__
        if len(betas) != 2:
            raise ValueError(f"{name}: betas must be a pair (beta1, beta2), got {betas!r}")
        for i, beta in enumerate(betas):
            _check(name, f"betas[{i}]", beta, 0.0 <= beta < 1.0, "in [0, 1)")
        _check(name, "eps", eps, eps > 0.0, "> 0")
        _check(name, "weight_decay", weight_decay, weight_decay >= 0.0, ">= 0")
        self.betas = (float(betas[0]), float(betas[1]))
        self.eps, self.weight_decay = float(eps), float(weight_decay)

    def _update(self, p: Parameter, state: dict, lr: float) -> None:
        self._adam(p, state, lr, self._grad(p, state, self.weight_decay))

    def _adam(self, p: Parameter, state: dict, lr: float, g: np.ndarray) -> None:
        b1, b2 = self.betas
        tmp = self._scratch(p, state)
        if "step" not in state:
            state.update(step=0, m=np.zeros_like(p.data), v=np.zeros_like(p.data))
        state["step"] += 1
        t, m, v = state["step"], state["m"], state["v"]
        m *= b1
        np.multiply(g, 1.0 - b1, out=tmp)
        m += tmp
        v *= b2
        np.multiply(g, g, out=tmp)
        tmp *= 1.0 - b2
        v += tmp
        # denominator sqrt(v_hat) + eps, then the step lr * m_hat / denominator
        np.sqrt(v, out=tmp)
        tmp /= math.sqrt(1.0 - b2**t)
        tmp += self.eps
        np.divide(m, tmp, out=tmp)
        tmp *= lr / (1.0 - b1**t)
        p.data -= tmp


class AdamW(Adam):
    """Adam with decoupled weight decay: theta <- theta (1 - lr weight_decay), then Adam on g."""

    def __init__(self, params: Iterable[Parameter], lr: float = 0.001,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.01):
        super().__init__(params, lr, betas, eps, weight_decay)

    def _update(self, p: Parameter, state: dict, lr: float) -> None:
        if self.weight_decay != 0.0:
            p.data *= 1.0 - lr * self.weight_decay
        self._adam(p, state, lr, p.grad)

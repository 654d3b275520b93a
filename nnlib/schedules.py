"""Learning-rate schedules: they change `optimizer.lr` between steps, as torch.optim.lr_scheduler.

    StepLR           lr <- lr * gamma every step_size calls of step()          (once per epoch)
    ExponentialLR    lr <- lr * gamma at every call of step()                  (once per epoch)
    ReduceOnPlateau  lr <- max(lr * factor, min_lr) when step(metric) has not improved for more
                     than `patience` calls; then waits `cooldown` calls      (once per epoch)
    CyclicLR         lr goes base_lr -> max_lr -> base_lr in 2 * step_size_up calls, a triangle
                     (once per mini-batch)

Each follows its PyTorch namesake exactly: constructing it is "step 0" (CyclicLR sets lr to
base_lr there), and `step()` is called after the optimizer's step. nnlib optimizers have one
group of parameters, so `get_last_lr()` returns one float where PyTorch returns a list.

How `nnlib.train.fit` steps a scheduler, from two class attributes (any object with a `step`
method can be a scheduler; without the attributes it is stepped once per epoch):

    per_batch = True      step() after every mini-batch (CyclicLR)
    takes_metric = True   step(loss) once per epoch, given the validation loss, or the training
                          loss without a validation set (ReduceOnPlateau)
    neither               step() once per epoch (StepLR, ExponentialLR)
"""

from __future__ import annotations

import math

from nnlib.optim import Optimizer


class LRScheduler:
    """Base class: holds the optimizer and counts calls of step() in `last_epoch`.

    per_batch, takes_metric: how nnlib.train.fit calls step() (see the module docstring)
    """

    per_batch: bool = False
    takes_metric: bool = False

    def __init__(self, optimizer: Optimizer):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__}: expected an nnlib.optim Optimizer, "
                            f"got {type(optimizer).__name__}")
        self.optimizer = optimizer
        self.last_epoch = 0
        self.lr = optimizer.lr

    def get_last_lr(self) -> float:
        """The learning rate set by the latest step() (or by the constructor)."""
        return self.lr

    def _set_lr(self, lr: float) -> None:
        self.optimizer.lr = self.lr = float(lr)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(lr={self.lr:g}, last_epoch={self.last_epoch})"


def _positive_int(owner: str, name: str, value) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{owner}: {name} must be a positive int, got {value!r}")
    return value


class StepLR(LRScheduler):
    """Multiply the learning rate by gamma every step_size epochs."""

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1):
        super().__init__(optimizer)
        self.step_size = _positive_int("StepLR", "step_size", step_size)
        if not gamma > 0:
            raise ValueError(f"StepLR: gamma must be > 0, got {gamma!r}")
        self.gamma = float(gamma)

    def step(self) -> None:
        self.last_epoch += 1
        lr = self.optimizer.lr  # read it back, so a change made elsewhere is kept (as PyTorch)
        self._set_lr(lr * self.gamma if self.last_epoch % self.step_size == 0 else lr)


class ExponentialLR(LRScheduler):
    """Multiply the learning rate by gamma every epoch."""

    def __init__(self, optimizer: Optimizer, gamma: float):
        super().__init__(optimizer)
        if not gamma > 0:
            raise ValueError(f"ExponentialLR: gamma must be > 0, got {gamma!r}")
        self.gamma = float(gamma)

    def step(self) -> None:
        self.last_epoch += 1
        self._set_lr(self.optimizer.lr * self.gamma)


class ReduceOnPlateau(LRScheduler):
    """Reduce the learning rate when a metric (e.g. the validation loss) stops improving.

    A call is an improvement when the metric beats the best so far by more than `threshold`
    (relative: best * (1 - threshold) in mode "min"; absolute: best - threshold). After more
    than `patience` calls without one, lr <- max(lr * factor, min_lr) (skipped if that changes
    lr by at most eps), the count restarts, and the next `cooldown` calls are not counted.
    """

    takes_metric = True

    def __init__(self, optimizer: Optimizer, mode: str = "min", factor: float = 0.1,
                 patience: int = 10, threshold: float = 1e-4, threshold_mode: str = "rel",
                 cooldown: int = 0, min_lr: float = 0.0, eps: float = 1e-8):
        super().__init__(optimizer)
        name = "ReduceOnPlateau"
        if mode not in ("min", "max"):
            raise ValueError(f"{name}: mode must be 'min' or 'max', got {mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(
                f"{name}: threshold_mode must be 'rel' or 'abs', got {threshold_mode!r}")
        if not 0.0 < factor < 1.0:
            raise ValueError(f"{name}: factor must be in (0, 1), got {factor!r}")
        for key, value in (("patience", patience), ("cooldown", cooldown)):
            if not isinstance(value, int) or value < 0:
                raise ValueError(f"{name}: {key} must be an int >= 0, got {value!r}")
        for key, value in (("threshold", threshold), ("min_lr", min_lr), ("eps", eps)):
            if not value >= 0:
                raise ValueError(f"{name}: {key} must be >= 0, got {value!r}")
        self.mode, self.threshold_mode = mode, threshold_mode
        self.factor, self.patience, self.threshold = float(factor), patience, float(threshold)
        self.cooldown, self.min_lr, self.eps = cooldown, float(min_lr), float(eps)
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0

    def is_better(self, metric: float) -> bool:
        """Does `metric` improve on the best so far by more than the threshold?"""
        if self.mode == "min":
            bar = self.best * (1.0 - self.threshold) if self.threshold_mode == "rel" \
                else self.best - self.threshold
            return metric < bar
        bar = self.best * (1.0 + self.threshold) if self.threshold_mode == "rel" \
            else self.best + self.threshold
        return metric > bar

    def step(self, metric: float) -> None:
        """metric: this epoch's value of the monitored quantity (a float)."""
        metric = float(metric)
        self.last_epoch += 1
        if self.is_better(metric):
            self.best = metric
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:  # bad epochs during the cooldown do not count
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            old = self.optimizer.lr
            new = max(old * self.factor, self.min_lr)
            if old - new > self.eps:
                self.optimizer.lr = new
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self.lr = self.optimizer.lr


class CyclicLR(LRScheduler):
    """Triangular cyclical learning rate (Smith, 2017), stepped after every mini-batch.

    With T = 2 * step_size_up and s = last_epoch mod T:
        lr = base_lr + (max_lr - base_lr) * (1 - |s / step_size_up - 1|) * scale(cycle)
    where scale = 1 for "triangular" and 1 / 2^(cycle - 1) for "triangular2" (the amplitude
    halves every cycle). Unlike PyTorch (cycle_momentum=True), momentum is not cycled.
    """

    MODES = ("triangular", "triangular2")
    per_batch = True

    def __init__(self, optimizer: Optimizer, base_lr: float, max_lr: float, step_size_up: int,
                 mode: str = "triangular"):
        super().__init__(optimizer)
        if not 0 < base_lr <= max_lr:
            raise ValueError(f"CyclicLR: need 0 < base_lr <= max_lr, got base_lr={base_lr!r}, "
                             f"max_lr={max_lr!r}")
        if mode not in self.MODES:
            raise ValueError(f"CyclicLR: mode must be one of {self.MODES}, got {mode!r}")
        self.base_lr, self.max_lr = float(base_lr), float(max_lr)
        self.step_size_up = _positive_int("CyclicLR", "step_size_up", step_size_up)
        self.mode = mode
        self._set_lr(self._lr_at(0))

    def _lr_at(self, iteration: int) -> float:
        total = 2 * self.step_size_up
        cycle = math.floor(1 + iteration / total)
        x = 1.0 + iteration / total - cycle  # position in the cycle, in [0, 1)
        height = x / 0.5 if x <= 0.5 else (x - 1) / (0.5 - 1)  # PyTorch's arithmetic
        scale = 1.0 if self.mode == "triangular" else 1 / (2.0 ** (cycle - 1))
        return self.base_lr + (self.max_lr - self.base_lr) * height * scale

    def step(self) -> None:
        self.last_epoch += 1
        self._set_lr(self._lr_at(self.last_epoch))

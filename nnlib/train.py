"""The training loop: epochs of mini-batches, validation, history, early stopping, schedules.

    history = fit(model, CrossEntropyLoss(), Adam(model.parameters(), lr=1e-3), X, y,
                  epochs=30, batch_size=64, rng=rng, val=(X_val, y_val),
                  metrics={"accuracy": accuracy}, early_stopping_patience=5)

Each step is: forward, loss, backward, optimizer.step(), optimizer.zero_grad(). The model is in
training mode during an epoch and in evaluation mode for validation (Dropout off, BatchNorm on
its running statistics).
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
from tqdm.auto import tqdm

from nnlib.data import batches
from nnlib.layers.module import Module
from nnlib.losses import Loss
from nnlib.optim import Optimizer

Metric = Callable[[np.ndarray, np.ndarray], float]


class TrainingDiverged(FloatingPointError):
    """The loss became NaN or infinite during fit."""


@dataclass
class History:
    """What happened, one entry per epoch (epoch 1 first)."""

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    train_metrics: dict[str, list[float]] = field(default_factory=dict)
    val_metrics: dict[str, list[float]] = field(default_factory=dict)
    lr: list[float] = field(default_factory=list)
    best_epoch: int | None = None  # epoch (1-based) with the lowest validation loss
    stopped_epoch: int | None = None  # set when early stopping ended training


def accuracy(logits: np.ndarray, y: np.ndarray) -> float:
    """Fraction of correct predictions.

    logits: (N, C) scores, the prediction is the argmax; or (N,) / (N, 1) logits of a binary
        classifier, the prediction is 1 where the logit is > 0
    y: (N,) integer (or 0/1) labels
    """
    logits, y = np.asarray(logits), np.asarray(y).reshape(-1)
    if logits.ndim == 2 and logits.shape[1] > 1:
        pred = logits.argmax(axis=1)
    else:
        pred = (logits.reshape(-1) > 0).astype(y.dtype)
    if len(pred) != len(y):
        raise ValueError(f"accuracy: {len(pred)} predictions but {len(y)} labels")
    return float(np.mean(pred == y))


def predict(model: Module, X: np.ndarray) -> np.ndarray:
    """The model's outputs for X in evaluation mode (its previous mode is restored)."""
    was_training = model.training
    model.eval()
    try:
        return model(X)
    finally:
        model.train(was_training)


def evaluate(model: Module, X: np.ndarray, y: np.ndarray, loss_fn: Loss,
             metrics: Mapping[str, Metric] | None = None) -> dict[str, float]:
    """{"loss": ..., <metric>: ...} of the model on (X, y), in evaluation mode."""
    out = predict(model, X)
    result = {"loss": float(loss_fn(out, y))}
    for name, metric in (metrics or {}).items():
        result[name] = float(metric(out, y))
    return result


def _check_scheduler(scheduler) -> None:
    if scheduler is None:
        return
    if not callable(getattr(scheduler, "step", None)):
        raise TypeError(f"fit: scheduler {scheduler!r} has no step() method")
    if getattr(scheduler, "per_batch", False) and getattr(scheduler, "takes_metric", False):
        raise ValueError(f"fit: scheduler {scheduler!r} sets both per_batch and takes_metric; "
                         "a metric is only known once per epoch")


def _step(scheduler, *metric: float) -> None:
    """scheduler.step(*metric), with a TypeError that says how fit calls step()."""
    try:
        scheduler.step(*metric)
    except TypeError as err:
        raise TypeError(
            f"fit: {scheduler!r}.step({'loss' if metric else ''}) failed: {err}. fit calls "
            "step() once per epoch; a scheduler whose step needs the loss sets the class "
            "attribute takes_metric = True, one stepped after every batch sets per_batch = True "
            "(see nnlib.schedules)") from err


def _show_progress(progress: bool | str) -> bool:
    """True/False as given; "auto": only where a person is watching.

    That is a terminal (stderr is a TTY: a text bar), or a kernel that a Jupyter server started
    for an open notebook (JupyterLab, Notebook, Binder), which sets JPY_SESSION_NAME in the
    kernel's environment (a widget bar). Kernels started by nbclient (nbconvert, nbval, nbgrader
    autograde and validate) and scripts whose output goes to a file or CI log get no bar, so
    executed notebooks and logs carry no progress output.
    """
    if progress not in (True, False, "auto"):
        raise ValueError(f'fit: progress must be True, False or "auto", got {progress!r}')
    if progress != "auto":
        return progress
    return sys.stderr.isatty() or "JPY_SESSION_NAME" in os.environ


def fit(model: Module, loss_fn: Loss, optimizer: Optimizer, X: np.ndarray, y: np.ndarray, *,
        epochs: int, batch_size: int, rng: np.random.Generator,
        val: tuple[np.ndarray, np.ndarray] | None = None,
        metrics: Mapping[str, Metric] | None = None, scheduler=None,
        early_stopping_patience: int | None = None,
        augment: Callable[[np.ndarray, np.random.Generator], np.ndarray] | None = None,
        progress: bool | str = "auto") -> History:
    """Train `model` on (X, y) and return its History.

    X: (N, ...) inputs;  y: (N, ...) targets (class indices for CrossEntropyLoss)
    rng: shuffles the training set each epoch (every example once per epoch) and drives augment
    val: (X_val, y_val) evaluated after every epoch; needed for early stopping
    metrics: name -> metric(outputs, y), e.g. {"accuracy": accuracy}
    scheduler: any object with step(): stepped after every batch if its `per_batch` is true
        (CyclicLR), given the epoch's validation loss (else the training loss) if its
        `takes_metric` is true (ReduceOnPlateau), stepped once per epoch otherwise; see
        nnlib.schedules
    early_stopping_patience: stop after this many epochs without a better validation loss, and
        restore the parameters of the best epoch
    augment: augment(X_batch, rng) -> new X_batch, applied to training batches only
    progress: True, False, or "auto": a tqdm bar in a terminal or an open Jupyter notebook,
        none when a notebook is executed by nbconvert/nbval/nbgrader or output goes to a file
    Raises TrainingDiverged, naming the epoch and step, if the loss becomes NaN or infinite.
    """
    if len(X) != len(y):
        raise ValueError(f"fit: X has {len(X)} examples but y has {len(y)}")
    if not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise ValueError(f"fit: epochs must be an int >= 1, got {epochs!r}")
    if early_stopping_patience is not None and val is None:
        raise ValueError("fit: early stopping needs a validation set (val=(X_val, y_val))")
    _check_scheduler(scheduler)
    per_batch = getattr(scheduler, "per_batch", False)
    metrics = dict(metrics or {})
    history = History(train_metrics={k: [] for k in metrics}, val_metrics={k: [] for k in metrics})
    best_loss, best_params, bad_epochs = math.inf, None, 0
    steps_per_epoch = math.ceil(len(X) / batch_size)
    bar = tqdm(total=epochs * steps_per_epoch, disable=not _show_progress(progress),
               unit="step", leave=False)
    try:
        for epoch in range(1, epochs + 1):
            model.train()
            total, seen = 0.0, 0
            sums = dict.fromkeys(metrics, 0.0)
            for step, (xb, yb) in enumerate(batches(X, y, batch_size, rng), start=1):
                if augment is not None:
                    xb = augment(xb, rng)
                out = model(xb)
                loss = loss_fn(out, yb)
                if not math.isfinite(loss):
                    raise TrainingDiverged(
                        f"fit: the loss became {loss} at epoch {epoch}, step {step} (of "
                        f"{steps_per_epoch}) with lr={optimizer.lr:g}. Try a smaller learning "
                        "rate; check that the inputs are scaled (e.g. to [0, 1] or to zero mean "
                        "and unit variance) and contain no NaN; gradient clipping also helps.")
                model.backward_params(loss_fn.backward())  # the input is data: no dx needed
                optimizer.step()
                optimizer.zero_grad()
                if per_batch:
                    _step(scheduler)
                total += loss * len(xb)
                seen += len(xb)
                for name, metric in metrics.items():
                    sums[name] += metric(out, yb) * len(xb)
                bar.update()
            history.train_loss.append(total / seen)
            for name in metrics:
                history.train_metrics[name].append(sums[name] / seen)
            history.lr.append(float(optimizer.lr))
            if val is not None:
                scores = evaluate(model, val[0], val[1], loss_fn, metrics)
                history.val_loss.append(scores["loss"])
                for name in metrics:
                    history.val_metrics[name].append(scores[name])
                if scores["loss"] < best_loss:
                    best_loss, bad_epochs, history.best_epoch = scores["loss"], 0, epoch
                    if early_stopping_patience is not None:
                        best_params = [p.data.copy() for p in model.parameters()]
                else:
                    bad_epochs += 1
            if scheduler is not None and getattr(scheduler, "takes_metric", False):
                _step(scheduler, history.val_loss[-1] if val is not None
                      else history.train_loss[-1])
            elif scheduler is not None and not per_batch:
                _step(scheduler)
            bar.set_postfix(loss=f"{history.train_loss[-1]:.4g}")
            if early_stopping_patience is not None and bad_epochs >= early_stopping_patience:
                history.stopped_epoch = epoch
                break
    finally:
        bar.close()
    if best_params is not None:  # early stopping: go back to the best epoch's weights
        for p, data in zip(model.parameters(), best_params, strict=True):
            p.data[...] = data
    return history

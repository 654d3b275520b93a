"""Plots the notebooks share: curves, decision regions, fits, landscapes, gradients, digits.

Every function draws on `ax` (a new figure when None), sets a title, axis labels and a legend
where there is more than one series, and returns the Axes; none calls `plt.show()`.
Colours come from the Okabe-Ito palette, `COLORS`, which stays distinguishable under the
common forms of colour blindness; classes also differ by marker shape.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

__all__ = [
    "COLORS", "confusion_matrix", "decision_boundary", "function_fit", "gradient_norms",
    "image_grid", "loss_curves", "loss_landscape",
]

# Okabe & Ito (2008): blue, orange, bluish green, vermillion, reddish purple, sky blue, yellow,
# black. Use in this order for series and classes.
COLORS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def _axes(ax: Axes | None, figsize: tuple[float, float] = (6.0, 4.0)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def loss_curves(history, ax: Axes | None = None, *, metric: str = "loss",
                log_y: bool = False) -> Axes:
    """Curves per epoch of a `nnlib.train.History` or of named series.

    history: a History (its train/validation `metric`, "loss" or a metric name, and a dotted
        line at the best validation epoch), or a dict name -> per-epoch values
    """
    if isinstance(history, Mapping):
        series, best = dict(history), None
    else:
        if metric == "loss":
            series = {"train": history.train_loss, "validation": history.val_loss}
        else:
            series = {"train": history.train_metrics.get(metric, []),
                      "validation": history.val_metrics.get(metric, [])}
        best = history.best_epoch
    ax = _axes(ax)
    for i, (name, values) in enumerate((k, v) for k, v in series.items() if len(v)):
        epochs = np.arange(1, len(values) + 1)
        ax.plot(epochs, values, color=COLORS[i % len(COLORS)], marker=MARKERS[i % len(MARKERS)],
                markersize=3, label=name)
    if best is not None:
        ax.axvline(best, color="0.4", linestyle=":", label=f"best epoch ({best})")
    if log_y:
        ax.set_yscale("log")
    ax.set(title=f"{metric.capitalize()} per epoch", xlabel="epoch", ylabel=metric)
    ax.legend()
    return ax


def _class_labels(predict_fn: Callable[[np.ndarray], np.ndarray], points: np.ndarray) -> np.ndarray:
    out = np.asarray(predict_fn(points))
    if out.ndim == 2 and out.shape[1] > 1:
        return out.argmax(axis=1)
    out = out.reshape(len(points))
    if out.dtype.kind == "f" and not np.all(out == np.round(out)):
        raise ValueError(
            "decision_boundary: predict_fn must return class labels of shape (M,) or scores of "
            "shape (M, K) with K >= 2; got non-integer values of shape (M,). For one probability "
            "per point, pass e.g. lambda X: model(X) > 0.5"
        )
    return out.astype(int)


def decision_boundary(predict_fn: Callable[[np.ndarray], np.ndarray], X: np.ndarray,
                      y: np.ndarray, ax: Axes | None = None, *, resolution: int = 200,
                      padding: float = 0.5) -> Axes:
    """Regions each class wins in 2-D, with the data on top.

    predict_fn: (M, 2) points -> (M,) class labels, or (M, K) scores/probabilities (argmax)
    X: (N, 2) inputs
    y: (N,) integer class labels
    """
    X, y = np.asarray(X), np.asarray(y).reshape(-1)
    if X.ndim != 2 or X.shape[1] != 2 or len(y) != len(X):
        raise ValueError(f"decision_boundary: expected X (N, 2) and y (N,), got X {X.shape} "
                         f"and y {y.shape}")
    lo, hi = X.min(axis=0) - padding, X.max(axis=0) + padding
    g1, g2 = np.meshgrid(np.linspace(lo[0], hi[0], resolution),
                         np.linspace(lo[1], hi[1], resolution))
    regions = _class_labels(predict_fn, np.column_stack([g1.ravel(), g2.ravel()]))
    classes = np.unique(np.concatenate([np.unique(y).astype(int), np.unique(regions)]))
    ax = _axes(ax, (5.5, 5.0))
    colors = [COLORS[c % len(COLORS)] for c in classes]
    index = np.searchsorted(classes, regions).reshape(g1.shape)
    ax.contourf(g1, g2, index, levels=np.arange(len(classes) + 1) - 0.5, colors=colors, alpha=0.25)
    for c in np.unique(y).astype(int):
        pts = X[y == c]
        ax.scatter(pts[:, 0], pts[:, 1], s=18, color=COLORS[c % len(COLORS)],
                   marker=MARKERS[c % len(MARKERS)], edgecolor="white", linewidth=0.4,
                   label=f"class {c}")
    ax.set(title="Decision regions", xlabel="x₁", ylabel="x₂", xlim=(lo[0], hi[0]),
           ylim=(lo[1], hi[1]))
    ax.legend(loc="best")
    return ax


def function_fit(x: np.ndarray, y: np.ndarray, model_fn: Callable[[np.ndarray], np.ndarray],
                 ax: Axes | None = None, *,
                 true_fn: Callable[[np.ndarray], np.ndarray] | None = None,
                 n_points: int = 400) -> Axes:
    """Data points of a 1-D regression and the model's curve (and the true function if given).

    x: (N,) or (N, 1) inputs
    y: (N,) or (N, 1) targets
    model_fn: (M, 1) inputs -> (M,) or (M, 1) predictions
    """
    x, y = np.asarray(x).reshape(-1), np.asarray(y).reshape(-1)
    if len(x) != len(y):
        raise ValueError(f"function_fit: x has {len(x)} points but y has {len(y)}")
    grid = np.linspace(x.min(), x.max(), n_points)
    ax = _axes(ax)
    ax.scatter(x, y, s=12, color=COLORS[0], alpha=0.6, label="data")
    if true_fn is not None:
        ax.plot(grid, np.asarray(true_fn(grid[:, None])).reshape(-1), color="0.3",
                linestyle="--", label="true function")
    ax.plot(grid, np.asarray(model_fn(grid[:, None])).reshape(-1), color=COLORS[3], linewidth=2,
            label="model")
    ax.set(title="Function fit", xlabel="x", ylabel="y")
    ax.legend()
    return ax


def loss_landscape(f: Callable[[np.ndarray, np.ndarray], np.ndarray], xlim: tuple[float, float],
                   ylim: tuple[float, float], paths: Mapping[str, np.ndarray] | None = None,
                   ax: Axes | None = None, *, levels: int | Sequence[float] = 30,
                   resolution: int = 200) -> Axes:
    """Contours of f(θ₁, θ₂) with optimizer paths (circle at the start, star at the end).

    f: vectorized, (R, R) grid of θ₁ and (R, R) grid of θ₂ -> (R, R) values
    paths: name -> (T, 2) positions; a path stops at its first non-finite point
    levels: contour values, or how many, placed at quantiles of f so that both a steep wall
        and a flat valley get lines
    """
    t1, t2 = np.meshgrid(np.linspace(*xlim, resolution), np.linspace(*ylim, resolution))
    Z = np.asarray(f(t1, t2), dtype=float)
    if isinstance(levels, int):
        levels = np.unique(np.quantile(Z[np.isfinite(Z)], np.linspace(0, 1, levels) ** 2))
    ax = _axes(ax, (6.0, 5.0))
    ax.contour(t1, t2, Z, levels=levels, cmap="cividis", linewidths=0.8)
    for i, (name, path) in enumerate((paths or {}).items()):
        path = np.asarray(path, dtype=float).reshape(-1, 2)
        finite = np.isfinite(path).all(axis=1)
        path = path[: len(path) if finite.all() else int(np.argmin(finite))]
        if len(path) == 0:
            continue
        color = COLORS[i % len(COLORS)]
        ax.plot(path[:, 0], path[:, 1], color=color, linewidth=1.5, marker=".", markersize=3,
                label=name)
        ax.plot(*path[0], marker="o", color=color, markersize=7, markeredgecolor="black")
        ax.plot(*path[-1], marker="*", color=color, markersize=12, markeredgecolor="black")
    ax.set(title="Loss landscape", xlabel="θ₁", ylabel="θ₂", xlim=xlim, ylim=ylim)
    if paths:
        ax.legend(loc="best")
    return ax


def gradient_norms(norms_by_layer: Mapping | Sequence[float], ax: Axes | None = None, *,
                   log: bool = True) -> Axes:
    """Bars of the gradient norm of each layer, to see vanishing or exploding gradients.

    norms_by_layer: layer name -> norm, a list of norms (layer 1 first), or
        series name -> norms per layer (grouped bars: {"sigmoid": [...], "ReLU": [...]})
    log: logarithmic y axis (norms often span orders of magnitude)
    """
    if isinstance(norms_by_layer, Mapping) and all(
            np.ndim(v) == 0 for v in norms_by_layer.values()):
        layers, series = list(norms_by_layer), {"": list(norms_by_layer.values())}
    else:
        series = (dict(norms_by_layer) if isinstance(norms_by_layer, Mapping)
                  else {"": list(norms_by_layer)})
        layers = [f"layer {i + 1}" for i in range(max(len(v) for v in series.values()))]
    ax = _axes(ax)
    width = 0.8 / len(series)
    for i, (name, values) in enumerate(series.items()):
        pos = np.arange(len(values)) + (i - (len(series) - 1) / 2) * width
        ax.bar(pos, values, width=width, color=COLORS[i % len(COLORS)], label=name or None)
    ax.set_xticks(np.arange(len(layers)), layers, rotation=45 if len(layers) > 6 else 0)
    if log:
        ax.set_yscale("log")
    ax.set(title="Gradient norm per layer", xlabel="layer", ylabel="‖∂L/∂W‖")
    if len(series) > 1:
        ax.legend()
    return ax


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, ax: Axes | None = None, *,
                     n_classes: int | None = None) -> Axes:
    """Counts of (true class, predicted class) pairs; the diagonal holds the correct ones.

    y_true: (N,) integer class labels
    y_pred: (N,) integer predicted labels
    """
    y_true, y_pred = np.asarray(y_true).reshape(-1), np.asarray(y_pred).reshape(-1)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"confusion_matrix: y_true {y_true.shape} and y_pred {y_pred.shape} "
                         f"differ in shape")
    k = n_classes or int(max(y_true.max(), y_pred.max())) + 1
    counts = np.zeros((k, k), dtype=int)
    np.add.at(counts, (y_true.astype(int), y_pred.astype(int)), 1)
    ax = _axes(ax, (5.5, 5.0))
    image = ax.imshow(counts, cmap="cividis")
    for (i, j), c in np.ndenumerate(counts):
        ax.text(j, i, str(c), ha="center", va="center", fontsize=8,
                color="black" if c > counts.max() / 2 else "white")
    ax.figure.colorbar(image, ax=ax, label="count")
    ax.set_xticks(range(k))
    ax.set_yticks(range(k))
    accuracy = np.trace(counts) / max(counts.sum(), 1)
    ax.set(title=f"Confusion matrix (accuracy {accuracy:.1%})", xlabel="predicted class",
           ylabel="true class")
    return ax


def image_grid(images: np.ndarray, labels: Sequence | None = None, ax: Axes | None = None, *,
               ncols: int = 10, title: str = "Images") -> Axes:
    """Small grey images in a grid on one Axes, each with its label above it.

    images: (N, H, W), or (N, H*W) with square images (e.g. (N, 64) digits)
    labels: N strings or numbers, e.g. "7→1" for a 7 predicted as 1
    """
    images = np.asarray(images, dtype=float)
    if images.ndim == 2 and round(np.sqrt(images.shape[1])) ** 2 == images.shape[1]:
        side = round(np.sqrt(images.shape[1]))
        images = images.reshape(len(images), side, side)
    if images.ndim != 3:
        raise ValueError(f"image_grid: expected images (N, H, W) or (N, H*W), got {images.shape}")
    if labels is not None and len(labels) != len(images):
        raise ValueError(f"image_grid: {len(images)} images but {len(labels)} labels")
    n, h, w = images.shape
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    ax = _axes(ax, (ncols * 0.9, nrows * 1.1 + 0.4))
    for i, image in enumerate(images):
        r, c = divmod(i, ncols)
        x0, y0 = c * (w + 2), r * (h + 4)
        ax.imshow(image, cmap="gray_r", extent=(x0, x0 + w, y0 + h, y0), interpolation="nearest")
        if labels is not None:
            ax.text(x0 + w / 2, y0 - 0.5, str(labels[i]), ha="center", va="bottom", fontsize=8)
    ax.set(xlim=(-1, ncols * (w + 2) - 1), ylim=(nrows * (h + 4) - 2, -4), title=title)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_aspect("equal")
    return ax

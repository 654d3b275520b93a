"""The notebooks' explorers, each an `interactive_plot` over a drawing function.

    shallow_network_explorer   04: sliders over a 3-unit ReLU network, how its pieces add up
    activation_explorer        04: an activation and its derivative, from nnlib's layers
    optimizer_race             07: SGD, momentum, RMSprop and Adam racing on a 2-D surface

Each `draw_*` function returns the Figure for one setting of the controls, so it can be used
(and tested) without widgets.
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from nnlib import layers, optim
from nnlib.layers.module import Parameter
from nnlib.plot import COLORS, loss_landscape
from nnlib.widgets.interactive import InteractivePlot, interactive_plot

# Fixed margins rather than layout="constrained", which lays every figure out twice and so
# doubles the time a slider move takes to show.
_MARGINS = {"left": 0.08, "right": 0.98, "bottom": 0.1, "top": 0.93}


# -- 04: the shallow network y = phi_0 + sum_d phi_d ReLU(theta_d0 + theta_d1 x) ---------------

def draw_shallow_network(phi: Sequence[float], theta: Sequence[Sequence[float]],
                         xlim: tuple[float, float] = (0.0, 2.0)) -> Figure:
    """Four panels of a 3-hidden-unit ReLU net on 1-D input: how the pieces add up.

    phi: (4,) output weights phi_0 (bias), phi_1, phi_2, phi_3
    theta: (3, 2) hidden unit d has pre-activation theta[d][0] + theta[d][1] * x
    """
    phi, theta = np.asarray(phi, dtype=float), np.asarray(theta, dtype=float)
    if phi.shape != (4,) or theta.shape != (3, 2):
        raise ValueError(f"draw_shallow_network: expected phi (4,) and theta (3, 2), got "
                         f"{phi.shape} and {theta.shape}")
    x = np.linspace(*xlim, 401)
    z = theta[:, :1] + theta[:, 1:] * x  # (3, X) pre-activations
    a = np.maximum(z, 0)
    weighted = phi[1:, None] * a
    y = phi[0] + weighted.sum(axis=0)
    joints = [(d, -theta[d, 0] / theta[d, 1]) for d in range(3)
              if theta[d, 1] != 0 and phi[d + 1] != 0 and xlim[0] < -theta[d, 0] / theta[d, 1]
              < xlim[1]]
    fig = Figure(figsize=(9.5, 6.5))
    fig.subplots_adjust(**_MARGINS, hspace=0.3, wspace=0.2)
    axes = fig.subplots(2, 2, sharex=True).ravel()
    panels = [(z, "pre-activation θ_d0 + θ_d1·x"), (a, "activation a_d = ReLU(pre-activation)"),
              (weighted, "weighted contribution φ_d·a_d")]
    for ax, (values, title) in zip(axes, panels, strict=False):
        for d in range(3):
            ax.plot(x, values[d], color=COLORS[d], linewidth=2, label=f"unit {d + 1}")
        ax.axhline(0, color="0.6", linewidth=0.8)
        ax.set(title=title, xlabel="x", ylabel="value")
        ax.legend(loc="best", fontsize=8)
    out = axes[3]
    out.plot(x, y, color="black", linewidth=2, label="y")
    for d, xj in joints:
        yj = phi[0] + phi[1:] @ np.maximum(theta[:, 0] + theta[:, 1] * xj, 0)
        out.plot(xj, yj, "o", color=COLORS[d], markersize=8, markeredgecolor="black",
                 label=f"joint of unit {d + 1}")
        out.axvline(xj, color=COLORS[d], linestyle=":", linewidth=1)
    out.set(title=f"output y = φ₀ + Σ φ_d·a_d: {len(joints) + 1} linear pieces", xlabel="x",
            ylabel="y")
    out.legend(loc="best", fontsize=8)
    return fig


def shallow_network_explorer(phi: Sequence[float] = (-0.2, 1.5, -2.5, 2.0),
                             theta: Sequence[Sequence[float]] = ((0.3, -1.0), (-0.6, 1.2),
                                                                 (-1.2, 0.9))) -> InteractivePlot:
    """Sliders over φ₀..φ₃ and θ_d0, θ_d1 of a 3-unit ReLU network; the starting values given."""
    sliders = {}
    for i, value in enumerate(phi):
        sliders[f"phi{i}"] = widgets.FloatSlider(value=value, min=-5, max=5, step=0.1,
                                                 description=f"φ{i}")
    for d, (t0, t1) in enumerate(theta, start=1):
        for j, value in enumerate((t0, t1)):
            sliders[f"theta{d}{j}"] = widgets.FloatSlider(value=value, min=-3, max=3, step=0.05,
                                                          description=f"θ{d}{j}")

    def draw(**v: float) -> Figure:
        return draw_shallow_network([v[f"phi{i}"] for i in range(4)],
                                    [[v[f"theta{d}0"], v[f"theta{d}1"]] for d in (1, 2, 3)])

    return interactive_plot(draw, **sliders)


# -- 04: activation functions and their derivatives, computed by nnlib's layers -------------------

_ACTIVATIONS = {  # name -> (the layer's parameter name, slider range, default) or None
    "ReLU": None, "LeakyReLU": ("negative_slope", (0.0, 1.0), 0.1),
    "PReLU": ("init", (0.0, 1.0), 0.25), "ELU": ("alpha", (0.1, 3.0), 1.0),
    "Softplus": ("beta", (0.2, 5.0), 1.0), "Sigmoid": None, "Tanh": None,
}


def draw_activation(name: str, parameter: float,
                    xlim: tuple[float, float] = (-4.0, 4.0)) -> Figure:
    """f and f′ of the nnlib layer `name`, f′ from its backward pass.

    parameter: the layer's hyper-parameter named in _ACTIVATIONS (ignored by ReLU, Sigmoid, Tanh)
    """
    if name not in _ACTIVATIONS:
        raise ValueError(f"draw_activation: unknown activation {name!r}; "
                         f"choose one of {list(_ACTIVATIONS)}")
    spec = _ACTIVATIONS[name]
    layer = getattr(layers, name)(**({spec[0]: parameter} if spec else {}))
    x = np.linspace(*xlim, 801)
    f = layer(x)
    df = layer.backward(np.ones_like(x))
    label = f"{name}({spec[0]}={parameter:.2f})" if spec else f"{name}()"
    fig = Figure(figsize=(9.0, 3.8))
    fig.subplots_adjust(**{**_MARGINS, "bottom": 0.14}, wspace=0.2)
    ax_f, ax_df = fig.subplots(1, 2, sharex=True)
    for ax, values, title, color in ((ax_f, f, f"f(x) = {label}", COLORS[0]),
                                     (ax_df, df, "f′(x) from backward()", COLORS[3])):
        ax.axhline(0, color="0.6", linewidth=0.8)
        ax.axvline(0, color="0.6", linewidth=0.8)
        ax.plot(x, values, color=color, linewidth=2)
        ax.set(title=title, xlabel="x", ylabel=title.split(" ")[0])
    return fig


def activation_explorer(name: str = "LeakyReLU", parameter: float = 0.1) -> InteractivePlot:
    """Pick an activation and see f and f′; the slider sets LeakyReLU's slope, ELU's alpha..."""
    choice = widgets.Dropdown(options=list(_ACTIVATIONS), value=name, description="activation")
    slider = widgets.FloatSlider(value=parameter, min=0.0, max=5.0, step=0.01,
                                 description="parameter")

    def follow(change: dict | None = None) -> None:
        """Name, range and (on a new choice) default value of the chosen layer's parameter."""
        spec = _ACTIVATIONS[choice.value]
        slider.disabled = spec is None
        if spec:
            name, (lo, hi), default = spec
            slider.description = name
            slider.min, slider.max = 0.0, 5.0  # every range lies in [0, 5]: no clamping below
            if change is not None:
                slider.value = default
            slider.min, slider.max = lo, hi

    follow()
    choice.observe(follow, names="value")  # registered first: adjusts the slider before redraw
    return interactive_plot(draw_activation, name=choice, parameter=slider)


# -- 07: optimizers racing over a 2-D surface ---------------------------------------------------

SURFACES = {  # name -> (f, gradient, start, xlim, ylim)
    "ill-conditioned quadratic": (
        lambda a, b: 0.5 * (a**2 + 20 * b**2),
        lambda a, b: np.array([a, 20 * b]),
        (-4.5, 1.5), (-5.0, 5.0), (-2.5, 2.5)),
    "Rosenbrock valley": (
        lambda a, b: (1 - a) ** 2 + 100 * (b - a**2) ** 2,
        lambda a, b: np.array([-2 * (1 - a) - 400 * a * (b - a**2), 200 * (b - a**2)]),
        (-1.5, 2.0), (-2.0, 2.0), (-1.0, 3.0)),
}


def optimizer_paths(surface: str, lr: float, momentum: float, steps: int) -> dict[str, np.ndarray]:
    """name -> (T, 2) positions of nnlib's SGD, SGD with momentum, RMSprop and Adam.

    Momentum is notebook 07's form m <- βm + (1-β)g (SGD(lr=lr(1-β), momentum=β), see
    nnlib.optim); Adam uses betas=(β, 0.999). A path stops when it leaves |θ| < 1e3.
    """
    f, grad, start, _, _ = SURFACES[surface]
    makers = {
        "SGD": lambda ps: optim.SGD(ps, lr=lr),
        f"momentum β={momentum:.2f}": lambda ps: optim.SGD(ps, lr=lr * (1 - momentum),
                                                           momentum=momentum),
        "RMSprop": lambda ps: optim.RMSprop(ps, lr=lr),
        "Adam": lambda ps: optim.Adam(ps, lr=lr, betas=(momentum, 0.999)),
    }
    paths = {}
    for name, make in makers.items():
        theta = Parameter(np.array(start, dtype=float))
        opt = make([theta])
        path = [theta.data.copy()]
        for _ in range(steps):
            theta.grad[...] = grad(*theta.data)
            opt.step()
            if not np.all(np.abs(theta.data) < 1e3):
                name += " (diverged)"
                break
            path.append(theta.data.copy())
        paths[name] = np.array(path)
    return paths


def draw_optimizer_race(surface: str, lr: float, momentum: float, steps: int) -> Figure:
    """Contours of `surface` with the four optimizers' paths for these hyper-parameters."""
    f, _, _, xlim, ylim = SURFACES[surface]
    fig = Figure(figsize=(7.0, 5.5))
    fig.subplots_adjust(**_MARGINS)
    ax = fig.subplots()
    loss_landscape(f, xlim, ylim, optimizer_paths(surface, lr, momentum, steps), ax=ax)
    ax.set_title(f"{surface}: {steps} steps with lr={lr:.3g}")
    return fig


def optimizer_race(surface: str = "ill-conditioned quadratic", lr: float = 0.08,
                   momentum: float = 0.9, steps: int = 60) -> InteractivePlot:
    """Sliders for lr and momentum over SGD, momentum, RMSprop and Adam racing on a surface."""
    return interactive_plot(
        draw_optimizer_race,
        surface=widgets.Dropdown(options=list(SURFACES), value=surface, description="surface"),
        lr=widgets.FloatLogSlider(value=lr, base=10, min=-4, max=0, step=0.05,
                                  description="lr α"),
        momentum=widgets.FloatSlider(value=momentum, min=0.0, max=0.99, step=0.01,
                                     description="momentum β"),
        steps=widgets.IntSlider(value=steps, min=5, max=500, step=5, description="steps"),
    )

"""Interactive plots (ipywidgets) that still show a figure where no front end renders widgets.

    interactive   InteractivePlot and interactive_plot(draw, **controls): controls above a
                  figure that draw(**values) redraws whenever one changes
    demos         the notebooks' explorers: shallow_network_explorer, activation_explorer (04),
                  optimizer_race (07), and the draw_* functions behind them
"""

from nnlib.widgets.demos import (
    SURFACES,
    activation_explorer,
    draw_activation,
    draw_optimizer_race,
    draw_shallow_network,
    optimizer_paths,
    optimizer_race,
    shallow_network_explorer,
)
from nnlib.widgets.interactive import InteractivePlot, interactive_plot

__all__ = [
    "SURFACES", "InteractivePlot", "activation_explorer", "draw_activation",
    "draw_optimizer_race", "draw_shallow_network", "interactive_plot", "optimizer_paths",
    "optimizer_race", "shallow_network_explorer",
]

"""nnlib: the small numpy neural-network library that nn-course builds and imports.

One concept per module: layers, losses, optim, schedules, init, gradcheck, data,
train, plot, widgets, testing. Import what you need, e.g. `from nnlib.layers import Linear`.
"""

from nnlib.layers.module import Module, Parameter

__all__ = ["Module", "Parameter"]
__version__ = "0.1.0"

"""Layers: every one has forward(x), backward(dout) -> dx, backward_params(dout), parameters(),
train()/eval(); the contract is in module.py.
"""

from nnlib.layers.activations import ELU, LeakyReLU, Maxout, PReLU, ReLU, Sigmoid, Softplus, Tanh
from nnlib.layers.batchnorm import BatchNorm1d
from nnlib.layers.container import Sequential
from nnlib.layers.dropout import Dropout
from nnlib.layers.linear import Linear
from nnlib.layers.module import Module, Parameter

__all__ = [
    "ELU", "BatchNorm1d", "Dropout", "LeakyReLU", "Linear", "Maxout", "Module", "PReLU",
    "Parameter", "ReLU", "Sequential", "Sigmoid", "Softplus", "Tanh",
]

"""nnlib: the small numpy neural-network library that nn-course builds and imports.

One concept per module:
    layers      Parameter, Module, Linear, activations, Dropout, BatchNorm1d, Sequential
    losses      MSELoss, BCEWithLogitsLoss, CrossEntropyLoss, HingeLoss
    optim       SGD (momentum, Nesterov), RMSprop, Adam, AdamW, as PyTorch defines them
    schedules   StepLR, ExponentialLR, ReduceOnPlateau, CyclicLR
    steps       the lecture's update rules as pure functions (notebook 07)
    init        uniform, normal, Xavier, He
    regularization  L2 penalty, early stopping
    gradcheck   numerical gradients, relative error, check_module
    autodiff    a scalar reverse-mode autodiff (Value)
    data        toy sets, the 8x8 digits (shipped), splits, batches, augmentations
    train       fit, evaluate, accuracy
    plot, widgets   the course's figures and interactive demos
    testing     assertions with diagnostic messages, for the graded tests
    linear_models, perceptron, mlp, regions, toy_chain   references for notebooks 01-05

Import what you need, e.g. `from nnlib.layers import Linear`.
"""

from nnlib.layers.module import Module, Parameter

__all__ = ["Module", "Parameter"]
__version__ = "0.1.0"

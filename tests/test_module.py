"""The Parameter / Module / Sequential contract that every layer, optimizer and notebook uses."""

from __future__ import annotations

import numpy as np
import pytest

from nnlib.layers import Dropout, Linear, Module, Parameter, PReLU, ReLU, Sequential, Tanh


class Block(Module):
    """A module holding a parameter, a child module and a list of modules."""

    def __init__(self, rng: np.random.Generator):
        self.scale = Parameter(np.ones(2))
        self.inner = Linear(3, 2, rng=rng)
        self.extra = [PReLU(2), Tanh(), Linear(2, 2, rng=rng)]


def test_parameter():
    p = Parameter([[1.0, 2.0, 3.0]])
    assert isinstance(p.data, np.ndarray) and p.shape == (1, 3)
    assert p.grad.shape == p.data.shape and p.grad.dtype == p.data.dtype and not p.grad.any()
    grad = p.grad
    grad += 5.0
    p.zero_grad()
    assert p.grad is grad and not grad.any()  # reset in place: an optimizer may hold a reference
    assert repr(p) == "Parameter(shape=(1, 3), dtype=float64)"
    assert Parameter(np.zeros(2, dtype=np.float32)).grad.dtype == np.float32


def test_parameters_in_assignment_order_with_dotted_names():
    block = Block(np.random.default_rng(0))
    names = [name for name, _ in block.named_parameters()]
    assert names == ["scale", "inner.W", "inner.b", "extra.0.alpha", "extra.2.W", "extra.2.b"]
    assert block.parameters() == [p for _, p in block.named_parameters()]
    assert block.parameters()[1] is block.inner.W
    net = Sequential(block, ReLU(), Linear(2, 1))
    assert [n for n, _ in net.named_parameters()][:2] == ["layers.0.scale", "layers.0.inner.W"]
    assert len(net.parameters()) == 8
    assert [n for n, _ in net.named_children()] == ["layers.0", "layers.1", "layers.2"]


def test_zero_grad_reaches_every_parameter():
    net = Sequential(Block(np.random.default_rng(1)), Linear(2, 1))
    for p in net.parameters():
        p.grad += 1.0
    net.zero_grad()
    assert not any(p.grad.any() for p in net.parameters())


def test_train_and_eval_propagate_and_return_self():
    dropout = Dropout(0.5)
    net = Sequential(Linear(2, 2), Sequential(ReLU(), dropout))
    assert net.training and dropout.training
    assert net.eval() is net
    assert not net.training and not net[1].training and not dropout.training
    assert net.train() is net and dropout.training
    net.train(False)
    assert not dropout.training


def test_backward_accumulates_into_grad():
    rng = np.random.default_rng(2)
    net = Sequential(Linear(3, 4, rng=rng), PReLU(4), Linear(4, 2, rng=rng))
    x, dout = rng.standard_normal((5, 3)), rng.standard_normal((5, 2))
    net(x)
    net.backward(dout)
    once = [p.grad.copy() for p in net.parameters()]
    net.backward(dout)
    for p, g in zip(net.parameters(), once, strict=True):
        np.testing.assert_allclose(p.grad, 2 * g)
    net.zero_grad()
    net.backward(dout)
    for p, g in zip(net.parameters(), once, strict=True):
        np.testing.assert_allclose(p.grad, g)


def test_sequential_composes_forward_and_reverses_backward():
    rng = np.random.default_rng(3)
    a, act, b = Linear(3, 4, rng=rng), Tanh(), Linear(4, 2, rng=rng)
    net = Sequential(a, act, b)
    x, dout = rng.standard_normal((5, 3)), rng.standard_normal((5, 2))
    out = net(x)
    np.testing.assert_array_equal(out, b.forward(act.forward(a.forward(x))))
    np.testing.assert_array_equal(net.backward(dout), a.backward(act.backward(b.backward(dout))))
    assert len(net) == 3 and net[2] is b
    assert repr(net) == (
        "Sequential(\n  (0): Linear(in_features=3, out_features=4)\n  (1): Tanh()\n"
        "  (2): Linear(in_features=4, out_features=2)\n)"
    )


def test_sequential_rejects_non_modules():
    with pytest.raises(TypeError, match="Sequential: item 1 is a function, not a Module"):
        Sequential(ReLU(), lambda x: x)


def test_backward_before_forward_names_the_layer():
    with pytest.raises(RuntimeError, match=r"Linear\(in_features=3, out_features=2\): backward"):
        Sequential(ReLU(), Linear(3, 2)).backward(np.ones((1, 2)))


def test_base_module_and_input_checks():
    class Empty(Module):
        pass

    with pytest.raises(NotImplementedError, match="Empty.forward"):
        Empty()(np.ones(2))
    with pytest.raises(NotImplementedError, match="Empty.backward"):
        Empty().backward(np.ones(2))
    layer = Empty()
    assert layer._check_input([[1.0, 2.0]], (None, 2)).shape == (1, 2)
    with pytest.raises(TypeError, match=r"Empty\(\) expects a numpy array, got NoneType"):
        layer._check_input(None, (None, 2))
    with pytest.raises(ValueError, match=r"expected input of shape \(3,\), got shape \(2,\)"):
        layer._check_input(np.ones(2), (3,))
    with pytest.raises(RuntimeError, match=r"Empty\(\): backward\(\) called before forward"):
        layer._saved("cache")


def test_call_is_forward():
    layer = Linear(2, 2, rng=np.random.default_rng(4))
    x = np.ones((3, 2))
    np.testing.assert_array_equal(layer(x), layer.forward(x))

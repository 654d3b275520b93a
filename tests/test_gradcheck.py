"""gradcheck: finite differences, relative error, check_module and its failure messages."""

from __future__ import annotations

import numpy as np
import pytest

from nnlib.gradcheck import (
    assert_gradients_close,
    check_loss,
    check_module,
    numerical_gradient,
    relative_error,
)
from nnlib.layers import BatchNorm1d, Dropout, Linear, Module, Parameter, ReLU, Sequential, Tanh
from nnlib.losses import MSELoss


class BuggyLinear(Linear):
    """Linear with one classic backward bug, for checking that the checker catches it."""

    def __init__(self, bug: str):
        super().__init__(3, 2, rng=np.random.default_rng(0))
        self.bug = bug

    def backward(self, dout):
        x = self._saved("x")
        self.W.grad += (x.T @ dout) / (len(x) if self.bug == "averaged dW" else 1)
        if self.bug != "no bias gradient":
            self.b.grad += dout.sum(axis=0)
        dx = dout @ self.W.data.T
        return -dx if self.bug == "dx sign" else dx

    def __repr__(self):
        return f"BuggyLinear({self.bug!r})"


class Cube(Module):
    """y = x ** 3 elementwise, with a parameterless correct backward."""

    def forward(self, x):
        self.x = x
        return x**3

    def backward(self, dout):
        return 3 * self.x**2 * dout


@pytest.mark.parametrize("shape", [(), (4,), (3, 2), (2, 3, 4)])
def test_numerical_gradient_of_known_functions(shape):
    x = np.random.default_rng(0).standard_normal(shape)
    np.testing.assert_allclose(numerical_gradient(lambda v: np.sum(v**3), x), 3 * x**2, rtol=1e-7)
    np.testing.assert_allclose(numerical_gradient(lambda v: np.sum(np.sin(v)), x), np.cos(x),
                               rtol=1e-7, atol=1e-9)


def test_numerical_gradient_restores_x_exactly_even_when_f_fails():
    x = np.random.default_rng(1).standard_normal((3, 3))
    before = x.copy()
    numerical_gradient(lambda v: float(np.sum(v * v)), x, eps=1e-3)
    np.testing.assert_array_equal(x, before)
    calls = []

    def fails_on_second_call(v):
        calls.append(1)
        if len(calls) == 2:
            raise ZeroDivisionError
        return 0.0

    with pytest.raises(ZeroDivisionError):
        numerical_gradient(fails_on_second_call, x)
    np.testing.assert_array_equal(x, before)


def test_numerical_gradient_through_a_parameter_read_indirectly():
    p = Parameter(np.array([1.0, -2.0, 0.5]))
    grad = numerical_gradient(lambda _: float(np.sum(p.data**2)), p.data)
    np.testing.assert_allclose(grad, 2 * p.data, rtol=1e-8)


@pytest.mark.parametrize("bad", [np.ones(3, dtype=np.float32), np.arange(3), [1.0, 2.0]])
def test_float64_is_required(bad):
    with pytest.raises(TypeError, match=r"numerical_gradient.*float64.*rounding"):
        numerical_gradient(lambda v: 0.0, bad)
    with pytest.raises(TypeError, match=r"check_module.*float64"):
        check_module(ReLU(), bad)


def test_float32_parameters_are_refused():
    with pytest.raises(TypeError, match=r"check_module: parameter 'W' of Linear.*float64"):
        check_module(Linear(3, 2, dtype=np.float32), np.ones((2, 3)))


def test_relative_error():
    a = np.array([3.0, 4.0])
    assert relative_error(a, a) == 0.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(a, np.zeros(2)) == 1.0
    assert relative_error(a, 2 * a) == pytest.approx(0.5)
    assert relative_error(a, 2 * a) == relative_error(2 * a, a)
    assert relative_error(1e-9 * a, 1e-9 * (a + [0, 1e-6])) == pytest.approx(1e-6 / 5, rel=1e-3)
    with pytest.raises(ValueError, match=r"\(2,\) vs \(3,\)"):
        relative_error(a, np.zeros(3))


def test_check_module_names_every_gradient():
    rng = np.random.default_rng(2)
    net = Sequential(Linear(4, 5, rng=rng), Tanh(), Linear(5, 2, rng=rng))
    errors = check_module(net, rng.standard_normal((3, 4)))
    assert list(errors) == ["x", "layers.0.W", "layers.0.b", "layers.2.W", "layers.2.b"]
    assert max(errors.values()) < 1e-7
    assert max(check_module(Cube(), rng.standard_normal((2, 3))).values()) < 1e-7


def test_check_module_zeroes_grads_and_leaves_x_alone():
    layer = Linear(3, 2, rng=np.random.default_rng(3))
    layer.W.grad += 100.0  # stale gradient from an earlier step
    x = np.random.default_rng(4).standard_normal((4, 3))
    before = x.copy()
    assert check_module(layer, x)["W"] < 1e-7
    np.testing.assert_array_equal(x, before)


@pytest.mark.parametrize(
    "bug, failing",
    [("dx sign", {"x"}), ("no bias gradient", {"b"}), ("averaged dW", {"W"})],
)
def test_check_module_catches_backward_bugs(bug, failing):
    x = np.random.default_rng(5).standard_normal((4, 3))
    errors = check_module(BuggyLinear(bug), x)
    assert {k for k, e in errors.items() if e > 1e-3} == failing
    with pytest.raises(AssertionError) as err:
        assert_gradients_close(BuggyLinear(bug), x)
    msg = str(err.value)
    assert f"BuggyLinear({bug!r})" in msg
    for name in failing:
        assert f"{name}: relative error" in msg
    for name in {"x", "W", "b"} - failing:
        assert f"{name}: relative error" not in msg


def test_assert_gradients_close_returns_errors_when_correct():
    errors = assert_gradients_close(Linear(3, 2), np.ones((2, 3)))
    assert set(errors) == {"x", "W", "b"}


def test_stochastic_modules():
    x = np.random.default_rng(6).standard_normal((16, 4))
    dropout = Dropout(0.5, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"Dropout.*differ.*eval\(\)"):
        check_module(dropout, x)
    assert max(check_module(dropout.eval(), x).values()) < 1e-7
    errors = check_module(BatchNorm1d(4).train(), x)
    assert set(errors) == {"x", "gamma", "beta"} and max(errors.values()) < 1e-6


def test_backward_returning_none_or_wrong_shape():
    class NoReturn(ReLU):
        def backward(self, dout):
            super().backward(dout)

    class Flat(ReLU):
        def backward(self, dout):
            return super().backward(dout).ravel()

    with pytest.raises(ValueError, match=r"NoReturn\(\)\.backward returned None; it must"):
        check_module(NoReturn(), np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"shape \(6,\); .* input's shape \(2, 3\)"):
        check_module(Flat(), np.ones((2, 3)))


def test_check_loss():
    rng = np.random.default_rng(7)
    pred, y = rng.standard_normal((4, 2)), rng.standard_normal((4, 2))
    assert check_loss(MSELoss(), pred, y) < 1e-8

    class HalfGradient(MSELoss):
        def backward(self):
            return super().backward() / 2

    assert check_loss(HalfGradient(), pred, y) == pytest.approx(0.5, rel=1e-6)

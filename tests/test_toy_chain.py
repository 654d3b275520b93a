"""nnlib.toy_chain: the hand-written backward pass against finite differences and torch."""

from __future__ import annotations

import numpy as np
import pytest

from nnlib.toy_chain import BACKWARD_KEYS, FORWARD_KEYS, toy_backward, toy_forward


def _setup(seed):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1), rng.uniform(-1, 1), rng.normal(0, 0.8, 4), rng.normal(0, 0.8, 4)


def test_forward_values_by_hand():
    v = toy_forward(0.5, 1.0, beta=np.zeros(4), omega=np.ones(4))
    assert list(v) == list(FORWARD_KEYS)
    assert v["f0"] == 0.5 and v["h1"] == pytest.approx(np.sin(0.5))
    assert v["h2"] == pytest.approx(np.exp(np.sin(0.5)))
    assert v["f3"] == pytest.approx(np.cos(np.exp(np.sin(0.5))))
    assert v["loss"] == pytest.approx((v["f3"] - 1.0) ** 2)


@pytest.mark.parametrize("seed", range(5))
def test_backward_matches_finite_differences(seed):
    x, y, beta, omega = _setup(seed)
    d = toy_backward(x, y, omega, toy_forward(x, y, beta, omega))
    assert list(d) == list(BACKWARD_KEYS)
    eps = 1e-6
    for name, params in (("beta", beta), ("omega", omega)):
        numeric = np.zeros(4)
        for k in range(4):
            plus, minus = params.copy(), params.copy()
            plus[k] += eps
            minus[k] -= eps
            args = (plus, omega) if name == "beta" else (beta, plus)
            margs = (minus, omega) if name == "beta" else (beta, minus)
            numeric[k] = (toy_forward(x, y, *args)["loss"] - toy_forward(x, y, *margs)["loss"]) / (
                2 * eps
            )
        np.testing.assert_allclose(d[name], numeric, rtol=1e-6, atol=1e-9)
    # d loss / d f_k equals d loss / d beta_k: each beta_k is added to f_k
    np.testing.assert_array_equal(d["beta"], [d["f0"], d["f1"], d["f2"], d["f3"]])


def test_bad_parameter_shapes_raise():
    with pytest.raises(ValueError, match=r"shape \(4,\)"):
        toy_forward(0.1, 0.2, np.zeros(3), np.zeros(4))


def test_matches_torch_autograd():
    torch = pytest.importorskip("torch")
    x, y, beta, omega = _setup(9)
    b = torch.tensor(beta, requires_grad=True)
    w = torch.tensor(omega, requires_grad=True)
    f0 = b[0] + w[0] * x
    f3 = b[3] + w[3] * torch.cos(b[2] + w[2] * torch.exp(b[1] + w[1] * torch.sin(f0)))
    ((f3 - y) ** 2).backward()
    d = toy_backward(x, y, omega, toy_forward(x, y, beta, omega))
    np.testing.assert_allclose(d["beta"], b.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(d["omega"], w.grad.numpy(), rtol=1e-12)

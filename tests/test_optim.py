"""nnlib.optim: hand-checked steps, the lecture/PyTorch momentum relation, float32, errors,
and equality with torch.optim over many steps where PyTorch is installed."""

import numpy as np
import pytest

from nnlib import Parameter
from nnlib.optim import SGD, Adam, AdamW, Optimizer, RMSprop

# A small smooth problem: loss(W, b) = 0.5 ||X W + b - Y||^2 / N + 0.025 sum(W^4).
RNG = np.random.default_rng(0)
X, Y = RNG.standard_normal((8, 5)), RNG.standard_normal((8, 3))
W0, B0 = RNG.standard_normal((5, 3)), RNG.standard_normal(3)


def gradients(w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r = (X @ w + b - Y) / len(X)
    return X.T @ r + 0.1 * w**3, r.sum(axis=0)


def make_params(dtype=np.float64) -> list[Parameter]:
    return [Parameter(W0.astype(dtype)), Parameter(B0.astype(dtype))]


def run(make_opt, steps: int = 60, dtype=np.float64) -> list[np.ndarray]:
    params = make_params(dtype)
    opt = make_opt(params)
    for _ in range(steps):
        opt.zero_grad()
        gw, gb = gradients(params[0].data, params[1].data)
        params[0].grad += gw.astype(dtype)
        params[1].grad += gb.astype(dtype)
        opt.step()
    return [p.data for p in params]


CASES = [
    ("SGD", dict(lr=0.05)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.5, dampening=0.3, weight_decay=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True)),
    ("SGD", dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.05)),
    ("SGD", dict(lr=0.05, weight_decay=0.2)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, eps=1e-3)),
    ("RMSprop", dict(lr=0.005, momentum=0.7, weight_decay=0.1)),
    ("Adam", dict(lr=0.02)),
    ("Adam", dict(lr=0.02, betas=(0.8, 0.95), eps=1e-4)),
    ("Adam", dict(lr=0.02, weight_decay=0.3)),
    ("AdamW", dict(lr=0.02)),
    ("AdamW", dict(lr=0.02, betas=(0.85, 0.99), weight_decay=0.5)),
]
NNLIB = {"SGD": SGD, "RMSprop": RMSprop, "Adam": Adam, "AdamW": AdamW}


def test_sgd_first_steps_by_hand():
    p = Parameter(np.array([1.0, -2.0]))
    opt = SGD([p], lr=0.1, momentum=0.5)
    p.grad[:] = [1.0, 1.0]
    opt.step()  # buffer starts at g
    np.testing.assert_allclose(p.data, [0.9, -2.1])
    opt.step()  # buffer 0.5 * 1 + 1 = 1.5
    np.testing.assert_allclose(p.data, [0.75, -2.25])


def test_adam_first_step_moves_each_entry_by_lr():
    # After one step m_hat = g and v_hat = g^2, so the step is lr * g / (|g| + eps).
    p = Parameter(np.array([0.0, 0.0, 0.0]))
    p.grad[:] = [1e-3, -5.0, 200.0]
    Adam([p], lr=0.1).step()
    np.testing.assert_allclose(p.data, [-0.1, 0.1, -0.1], rtol=1e-4)


def test_adamw_decays_weights_even_without_gradient():
    p = Parameter(np.array([2.0]))
    AdamW([p], lr=0.1, weight_decay=0.5).step()  # grad 0: Adam moves nothing, decay does
    np.testing.assert_allclose(p.data, [2.0 * (1 - 0.1 * 0.5)])


def test_lecture_momentum_equals_pytorch_form_with_scaled_lr():
    alpha, beta = 0.05, 0.9
    w, b = W0.copy(), B0.copy()
    mw, mb = np.zeros_like(w), np.zeros_like(b)
    for _ in range(40):  # lecture: m <- beta m + (1 - beta) g, theta <- theta - alpha m
        gw, gb = gradients(w, b)
        mw, mb = beta * mw + (1 - beta) * gw, beta * mb + (1 - beta) * gb
        w, b = w - alpha * mw, b - alpha * mb
    got = run(lambda ps: SGD(ps, lr=alpha * (1 - beta), momentum=beta), steps=40)
    np.testing.assert_allclose(got[0], w, rtol=1e-10)
    np.testing.assert_allclose(got[1], b, rtol=1e-10)


@pytest.mark.parametrize("name,kwargs", CASES)
def test_float32_stays_float32_and_updates_in_place(name, kwargs):
    params = make_params(np.float32)
    before = [p.data for p in params]
    opt = NNLIB[name](params, **kwargs)
    opt.lr = np.float64(opt.lr)  # a NumPy scalar lr must not promote the update (NEP 50)
    for _ in range(3):
        for p in params:
            p.grad[...] = 0.5
        opt.step()
    for p, old in zip(params, before, strict=True):
        assert p.data is old and p.data.dtype == np.float32
        assert all(v.dtype == np.float32 for v in opt.state[id(p)].values()
                   if isinstance(v, np.ndarray))


def test_float32_run_tracks_float64_run():
    got = run(lambda ps: Adam(ps, lr=0.02), dtype=np.float32)
    want = run(lambda ps: Adam(ps, lr=0.02))
    np.testing.assert_allclose(got[0], want[0], atol=1e-4)


def test_zero_grad_and_lr_change_take_effect():
    p = Parameter(np.array([1.0]))
    opt = SGD([p], lr=0.1)
    p.grad[:] = 3.0
    opt.zero_grad()
    assert p.grad[0] == 0
    p.grad[:] = 1.0
    opt.lr = 0.5
    opt.step()
    np.testing.assert_allclose(p.data, [0.5])


def test_state_is_per_parameter():
    params = make_params()
    opt = Adam(params, lr=0.01)
    params[0].grad[...] = 1.0
    opt.step()
    assert set(opt.state) == {id(p) for p in params}
    assert opt.state[id(params[0])]["step"] == 1
    np.testing.assert_array_equal(opt.state[id(params[1])]["m"], 0)


@pytest.mark.parametrize("make,match", [
    (lambda ps: SGD(ps, lr=0.0), "lr must be > 0"),
    (lambda ps: SGD(ps, lr=-1), "lr must be > 0"),
    (lambda ps: SGD(ps, lr=0.1, momentum=1.0), "momentum must be in"),
    (lambda ps: SGD(ps, lr=0.1, nesterov=True), "nesterov=True needs momentum > 0"),
    (lambda ps: SGD(ps, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "dampening = 0"),
    (lambda ps: SGD(ps, lr=0.1, weight_decay=-1e-3), "weight_decay must be >= 0"),
    (lambda ps: RMSprop(ps, lr=0.1, alpha=1.0), "alpha must be in"),
    (lambda ps: RMSprop(ps, lr=0.1, eps=0.0), "eps must be > 0"),
    (lambda ps: Adam(ps, lr=0.1, betas=(0.9, 1.0)), r"betas\[1\] must be in"),
    (lambda ps: Adam(ps, lr=0.1, betas=(0.9,)), "betas must be a pair"),
    (lambda ps: AdamW(ps, lr=0.1, betas=(-0.1, 0.9)), r"AdamW: betas\[0\]"),
    (lambda ps: Adam([], lr=0.1), "empty parameter list"),
    (lambda ps: Adam([ps[0], ps[0]], lr=0.1), "appears twice"),
])
def test_invalid_hyper_parameters(make, match):
    with pytest.raises(ValueError, match=match):
        make(make_params())


def test_non_parameters_are_rejected():
    with pytest.raises(TypeError, match=r"params\[0\] is a ndarray, not a Parameter"):
        SGD([np.zeros(3)], lr=0.1)
    assert issubclass(SGD, Optimizer)


# -- PyTorch cross-checks ----------------------------------------------------------------

def run_torch(name: str, kwargs: dict, steps: int = 60) -> list[np.ndarray]:
    torch = pytest.importorskip("torch")
    params = [torch.tensor(W0, requires_grad=True), torch.tensor(B0, requires_grad=True)]
    opt = getattr(torch.optim, name)(params, **kwargs)
    for _ in range(steps):
        opt.zero_grad()
        gw, gb = gradients(params[0].detach().numpy(), params[1].detach().numpy())
        params[0].grad, params[1].grad = torch.tensor(gw), torch.tensor(gb)
        opt.step()
    return [p.detach().numpy() for p in params]


@pytest.mark.parametrize("name,kwargs", CASES)
def test_equals_torch_optim_over_60_steps(name, kwargs):
    want = run_torch(name, kwargs)
    got = run(lambda ps: NNLIB[name](ps, **kwargs))
    assert not np.allclose(got[0], W0)  # it did move
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-9)

"""nnlib.steps: the lecture's update rules, against hand-derived values and nnlib.optim."""

import numpy as np
import pytest

from nnlib import optim, steps
from nnlib.layers.module import Parameter


def test_sgd_step_is_a_plain_gradient_step():
    theta, state = steps.sgd_step(np.array([1.0, -2.0]), np.array([0.5, 1.0]), {}, lr=0.1)
    np.testing.assert_allclose(theta, [0.95, -2.1])
    assert state == {}


def test_momentum_first_step_is_damped_by_one_minus_beta():
    theta, state = steps.momentum_step(np.zeros(2), np.array([1.0, 2.0]), {}, lr=1.0, beta=0.9)
    np.testing.assert_allclose(theta, [-0.1, -0.2])
    np.testing.assert_allclose(state["m"], [0.1, 0.2])


def test_momentum_matches_pytorch_form_with_rescaled_lr():
    """Lecture momentum with lr equals PyTorch's SGD(lr * (1 - beta), momentum=beta)."""
    rng = np.random.default_rng(0)
    grads = rng.normal(size=(20, 3))
    p = Parameter(np.zeros(3))
    opt = optim.SGD([p], lr=0.1 * (1 - 0.8), momentum=0.8)
    theta, state = np.zeros(3), {}
    for g in grads:
        theta, state = steps.momentum_step(theta, g, state, lr=0.1, beta=0.8)
        p.grad[...] = g
        opt.step()
    np.testing.assert_allclose(theta, p.data, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", ["rmsprop", "adam"])
def test_rmsprop_and_adam_match_nnlib_optim(name):
    rng = np.random.default_rng(1)
    grads = rng.normal(size=(30, 4))
    p = Parameter(np.ones(4))
    if name == "rmsprop":
        opt, step, hyper = optim.RMSprop([p], lr=0.01, alpha=0.9, eps=1e-8), steps.rmsprop_step, {
            "lr": 0.01, "beta": 0.9, "eps": 1e-8}
    else:
        opt, step, hyper = optim.Adam([p], lr=0.01), steps.adam_step, {"lr": 0.01}
    theta, state = np.ones(4), {}
    for g in grads:
        theta, state = step(theta, g, state, **hyper)
        p.grad[...] = g
        opt.step()
    np.testing.assert_allclose(theta, p.data, rtol=1e-10, atol=1e-12)


def test_adam_first_step_has_size_lr_whatever_the_gradient_scale():
    g = np.array([1e-3, 5.0, -200.0])
    theta, state = steps.adam_step(np.zeros(3), g, {}, lr=0.01)
    np.testing.assert_allclose(theta, -0.01 * np.sign(g), rtol=1e-4)
    assert state["t"] == 1


def test_steps_do_not_modify_their_inputs():
    theta, g = np.ones(3), np.ones(3)
    state = {"m": np.ones(3), "v": np.ones(3), "t": 3}
    snapshot = {k: np.copy(v) for k, v in state.items()}
    for step in (steps.momentum_step, steps.adam_step):
        step(theta, g, state, lr=0.1)
    np.testing.assert_array_equal(theta, 1.0)
    for k, v in snapshot.items():
        np.testing.assert_array_equal(state[k], v)


def test_run_returns_the_path_and_stops_on_divergence():
    path = steps.run(steps.sgd_step, lambda th: th, np.array([1.0]), 5, lr=0.5)
    np.testing.assert_allclose(path[:, 0], 0.5 ** np.arange(6))
    blown = steps.run(steps.sgd_step, lambda th: th, np.array([1.0]), 100, lr=3.0)
    assert len(blown) < 101 and np.all(np.abs(blown) < 1e6)


def test_cyclic_lr_matches_nnlib_cycliclr_over_three_cycles():
    from nnlib import schedules

    opt = optim.SGD([Parameter(np.zeros(1))], lr=1.0)
    sched = schedules.CyclicLR(opt, base_lr=0.01, max_lr=0.2, step_size_up=7)
    lrs = [opt.lr]
    for _ in range(42):
        sched.step()
        lrs.append(opt.lr)
    np.testing.assert_allclose([steps.cyclic_lr(t, 0.01, 0.2, 7) for t in range(43)], lrs, rtol=1e-12)
    np.testing.assert_allclose(steps.cyclic_lr(np.array([0, 7, 14]), 0.01, 0.2, 7), [0.01, 0.2, 0.01])

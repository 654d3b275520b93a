"""nnlib.init: statistics of every initializer on a large draw, fans, determinism, errors."""

import math

import numpy as np
import pytest

from nnlib import init

SHAPE = (500, 300)  # fan_in 500, fan_out 300: 150,000 draws
FAN_IN, FAN_OUT = SHAPE


@pytest.mark.parametrize("fn,std,bound", [
    (init.xavier_uniform, math.sqrt(2 / (FAN_IN + FAN_OUT)), math.sqrt(6 / (FAN_IN + FAN_OUT))),
    (init.xavier_normal, math.sqrt(2 / (FAN_IN + FAN_OUT)), None),
    (init.he_uniform, math.sqrt(2 / FAN_IN), math.sqrt(6 / FAN_IN)),
    (init.he_normal, math.sqrt(2 / FAN_IN), None),
])
def test_variance_scaling_initializers(fn, std, bound):
    w = fn(SHAPE, np.random.default_rng(0))
    assert w.shape == SHAPE and w.dtype == np.float64
    assert abs(w.mean()) < 0.01 * std  # standard error is std / sqrt(150,000) = 0.0026 std
    assert abs(w.std() / std - 1) < 0.01
    if bound is not None:  # uniform: U(-a, a) reaches close to both ends, never beyond
        assert np.abs(w).max() <= bound and np.abs(w).max() > 0.999 * bound
    else:  # normal: about 68.3 % within one std
        assert abs((np.abs(w) < std).mean() - 0.6827) < 0.005


def test_uniform_and_normal():
    rng = np.random.default_rng(0)
    u = init.uniform(SHAPE, 0.3, rng)
    assert np.abs(u).max() <= 0.3 and abs(u.std() - 0.3 / math.sqrt(3)) < 0.002
    n = init.normal(SHAPE, 0.05, rng)
    assert abs(n.mean()) < 1e-3 and abs(n.std() - 0.05) < 5e-4


def test_he_variance_is_two_over_fan_in_not_one():
    w = init.he_normal((1000, 200), np.random.default_rng(1))
    assert abs(w.var() * 1000 - 2.0) < 0.05


def test_zeros():
    z = init.zeros((3, 2), dtype=np.float32)
    assert z.dtype == np.float32 and not z.any()


@pytest.mark.parametrize("shape,fans", [((4, 3), (4, 3)), ((7, 2, 5), (7, 10)), ((1, 1), (1, 1))])
def test_fan_in_out(shape, fans):
    assert init.fan_in_out(shape) == fans


def test_fan_in_out_needs_two_dimensions():
    with pytest.raises(ValueError, match=r"at least 2 dimensions, got shape \(5,\)"):
        init.fan_in_out((5,))


@pytest.mark.parametrize("name", ["he", "he_uniform", "xavier", "xavier_uniform"])
def test_same_rng_seed_same_weights_and_dtype(name):
    a = init.initialize(name, (6, 4), np.random.default_rng(42), np.float32)
    b = init.initialize(name, (6, 4), np.random.default_rng(42), np.float32)
    c = init.initialize(name, (6, 4), np.random.default_rng(43), np.float32)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert a.dtype == np.float32


def test_initialize_dispatches_by_name():
    rng = np.random.default_rng(0)
    np.testing.assert_array_equal(init.initialize("he", (5, 3), np.random.default_rng(9)),
                                  init.he_normal((5, 3), np.random.default_rng(9)))
    assert not init.initialize("zeros", (2, 2), rng).any()


def test_initialize_unknown_name_lists_the_choices():
    with pytest.raises(ValueError, match="unknown init 'kaiming'.*zeros, xavier, .*he"):
        init.initialize("kaiming", (3, 3), np.random.default_rng(0))


def test_initializers_never_touch_the_global_rng():
    np.random.seed(0)
    before = np.random.get_state()[1].copy()
    init.he_uniform((50, 50), np.random.default_rng(0))
    init.xavier_normal((50, 50), np.random.default_rng(0))
    np.testing.assert_array_equal(np.random.get_state()[1], before)


def test_same_statistics_as_torch():
    torch = pytest.importorskip("torch")
    # torch stores Linear weights as (out, in); nnlib as (in, out): fans swap with the layout.
    t = torch.empty(FAN_OUT, FAN_IN, dtype=torch.float64)
    torch.manual_seed(0)
    cases = [
        (init.he_normal, lambda: torch.nn.init.kaiming_normal_(t, nonlinearity="relu")),
        (init.he_uniform, lambda: torch.nn.init.kaiming_uniform_(t, nonlinearity="relu")),
        (init.xavier_normal, lambda: torch.nn.init.xavier_normal_(t)),
        (init.xavier_uniform, lambda: torch.nn.init.xavier_uniform_(t)),
    ]
    for fn, torch_fn in cases:
        ours, theirs = fn(SHAPE, np.random.default_rng(0)), torch_fn().numpy()
        assert abs(ours.std() / theirs.std() - 1) < 0.02, fn.__name__
        assert abs(np.abs(ours).max() / np.abs(theirs).max() - 1) < 0.2, fn.__name__

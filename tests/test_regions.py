"""nnlib.regions: activation patterns, counting linear regions, the sawtooth."""

import numpy as np
import pytest

from nnlib.mlp import mlp_forward
from nnlib.regions import activation_patterns, count_linear_regions, n_parameters, sawtooth

GRID = np.linspace(0, 1, 20000)[1:-1, None]  # 19999 steps: never a dyadic joint


@pytest.mark.parametrize("depth", [1, 2, 3, 6])
def test_sawtooth_has_2_to_the_depth_pieces(depth):
    Ws, bs = sawtooth(depth)
    assert count_linear_regions(GRID, Ws, bs) == 2**depth
    assert n_parameters(Ws, bs) == 6 * depth + 1
    y = mlp_forward(GRID, Ws, bs)[:, 0]
    assert y.min() >= 0 and y.max() <= 1
    # the composed tent map: t(u) = 2u on [0, 1/2], 2 - 2u on [1/2, 1]
    u = GRID[:, 0]
    for _ in range(depth):
        u = np.where(u < 0.5, 2 * u, 2 - 2 * u)
    np.testing.assert_allclose(y, u, atol=1e-9)


def test_count_equals_slope_changes_of_a_shallow_net():
    # units relu(x - c) with distinct joints c in (-3, 3): D + 1 regions, each a different slope
    c = np.array([-2.0, -0.5, 0.3, 1.7])
    Ws, bs = [np.ones((1, 4)), np.ones((4, 1))], [-c, np.zeros(1)]
    x = np.linspace(-3, 3, 6001)[:, None]
    assert count_linear_regions(x, Ws, bs) == 5
    slopes = np.round(np.diff(mlp_forward(x, Ws, bs)[:, 0]) / np.diff(x[:, 0]), 6)
    assert len(np.unique(slopes)) == 5


def test_patterns_shape_and_values():
    rng = np.random.default_rng(0)
    Ws = [rng.normal(size=(2, 3)), rng.normal(size=(3, 4)), rng.normal(size=(4, 1))]
    bs = [rng.normal(size=3), rng.normal(size=4), rng.normal(size=1)]
    X = rng.normal(size=(10, 2))
    on = activation_patterns(X, Ws, bs)
    assert on.shape == (10, 7) and on.dtype == bool
    np.testing.assert_array_equal(on[:, :3], X @ Ws[0] + bs[0] > 0)
    assert activation_patterns(X, Ws[-1:], bs[-1:]).shape == (10, 0)
    with pytest.raises(ValueError, match=r"\(N, d\)"):
        activation_patterns(X[0], Ws, bs)
    with pytest.raises(ValueError, match="depth must be at least 1"):
        sawtooth(0)

"""nnlib.data: generated toys, the shipped digits, splits, batches and augmentations."""

import numpy as np
import pytest

from nnlib import data

TOYS = [data.xor, data.moons, data.circles, data.spirals]


@pytest.mark.parametrize("make", TOYS)
def test_toys_have_documented_shapes_and_dtypes_and_are_seeded(make):
    X, y = make(50, 0.1, np.random.default_rng(0))
    assert X.shape == (50, 2) and X.dtype == np.float64
    assert y.shape == (50,) and y.dtype == np.int64
    X2, y2 = make(50, 0.1, np.random.default_rng(0))
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert not np.array_equal(X, make(50, 0.1, np.random.default_rng(1))[0])


def test_toy_labels_follow_their_geometry():
    X, y = data.xor(400, 0.0, np.random.default_rng(0))
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(int))
    X, y = data.circles(400, 0.0, np.random.default_rng(0), factor=0.3)
    np.testing.assert_allclose(np.linalg.norm(X, axis=1), np.where(y == 0, 1.0, 0.3))
    X, y = data.spirals(90, 0.0, np.random.default_rng(0), n_classes=3)
    assert np.bincount(y).tolist() == [30, 30, 30]
    X, y = data.blobs(60, [[0, 0], [5, 5]], 0.1, np.random.default_rng(0))
    assert np.allclose(X[y == 1].mean(axis=0), [5, 5], atol=0.1)


def test_regression_1d_is_a_noisy_curve():
    X, y = data.regression_1d(200, 0.0, np.random.default_rng(0))
    assert X.shape == (200, 1) and y.shape == (200,)
    np.testing.assert_allclose(y, np.sin(2 * X[:, 0]) + 0.3 * X[:, 0])


@pytest.mark.parametrize("bad", [0, -3, 2.5])
def test_toys_reject_bad_sizes(bad):
    with pytest.raises(ValueError, match="moons"):
        data.moons(bad, 0.1, np.random.default_rng(0))


def test_digits_ship_inside_the_package():
    images, labels = data.digits()
    assert images.shape == (1797, 8, 8) and images.dtype == np.uint8
    assert images.min() == 0 and images.max() == 16
    assert labels.shape == (1797,) and labels.dtype == np.int64
    assert np.bincount(labels).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def test_batches_visit_every_example_once_per_epoch_in_a_new_order():
    X, y = np.arange(23.0)[:, None], np.arange(23)
    rng = np.random.default_rng(0)
    epochs = [[yb for _, yb in data.batches(X, y, 5, rng)] for _ in range(2)]
    for epoch in epochs:
        assert [len(b) for b in epoch] == [5, 5, 5, 5, 3]
        assert sorted(np.concatenate(epoch).tolist()) == list(range(23))
    assert not np.array_equal(np.concatenate(epochs[0]), np.concatenate(epochs[1]))
    ordered = np.concatenate([yb for _, yb in data.batches(X, y, 4, None, shuffle=False)])
    np.testing.assert_array_equal(ordered, y)
    again = [yb for _, yb in data.batches(X, y, 5, np.random.default_rng(0))]
    np.testing.assert_array_equal(np.concatenate(again), np.concatenate(epochs[0]))  # seeded


def test_batches_keep_inputs_and_targets_aligned():
    X = np.arange(30.0).reshape(10, 3)
    for xb, yb in data.batches(X, np.arange(10), 4, np.random.default_rng(1)):
        np.testing.assert_array_equal(xb[:, 0], 3 * yb)


def test_batches_reject_bad_input():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="batch_size"):
        next(data.batches(np.zeros((4, 1)), np.zeros(4), 0, rng))
    with pytest.raises(ValueError, match="4 examples but y has 3"):
        next(data.batches(np.zeros((4, 1)), np.zeros(3), 2, rng))
    with pytest.raises(TypeError, match="shuffle=False"):
        next(data.batches(np.zeros((4, 1)), np.zeros(4), 2, None))


def test_split_is_disjoint_complete_and_stratified():
    images, labels = data.digits()
    X = images.reshape(len(images), -1)
    ids = np.arange(len(X))
    parts = data.train_val_test_split(np.column_stack([ids, X]), labels, (0.6, 0.2, 0.2),
                                      rng=np.random.default_rng(0))
    seen = np.concatenate([p[0][:, 0] for p in parts])
    assert sorted(seen.tolist()) == ids.tolist()
    sizes = [len(p[1]) for p in parts]
    assert abs(sizes[0] - 1078) <= 10 and abs(sizes[1] - 359) <= 10
    for Xp, yp in parts:
        np.testing.assert_array_equal(labels[Xp[:, 0].astype(int)], yp)
        shares = np.bincount(yp, minlength=10) / len(yp)
        assert np.all(np.abs(shares - 0.1) < 0.02)


def test_split_rejects_bad_fractions():
    with pytest.raises(ValueError, match="fractions"):
        data.train_val_test_split(np.zeros((10, 1)), np.zeros(10), (0.5, 0.2, 0.2),
                                  rng=np.random.default_rng(0))


def test_add_noise_keeps_shape_and_dtype_and_has_the_asked_spread():
    X = np.zeros((2000, 3), dtype=np.float32)
    noisy = data.add_noise(X, 0.5, np.random.default_rng(0))
    assert noisy.shape == X.shape and noisy.dtype == np.float32
    assert abs(noisy.std() - 0.5) < 0.02
    assert np.all(X == 0)


def test_random_shift_moves_pixels_within_the_bound_and_fills_with_zeros():
    image = np.zeros((1, 8, 8))
    image[0, 3, 4] = 1.0
    shifted = data.random_shift(np.repeat(image, 200, axis=0), 2, np.random.default_rng(0))
    assert shifted.shape == (200, 8, 8)
    rows, cols = np.nonzero(shifted.sum(axis=0))
    assert rows.min() >= 1 and rows.max() <= 5 and cols.min() >= 2 and cols.max() <= 6
    assert np.all(shifted.sum(axis=(1, 2)) == 1)  # the pixel stays inside the 8x8 frame
    assert len({tuple(np.argwhere(s)[0]) for s in shifted}) == 25  # all 5 x 5 offsets occur
    signal = data.random_shift(np.arange(1.0, 6.0)[None, :], 1, np.random.default_rng(3))
    assert signal.shape == (1, 5)


def test_split_sizes_are_exact_and_small_classes_reach_every_part():
    X, y = np.arange(30.0)[:, None], np.repeat(np.arange(10), 3)
    parts = data.train_val_test_split(X, y, (0.4, 0.3, 0.3), np.random.default_rng(2))
    assert [len(p[1]) for p in parts] == [12, 9, 9]
    assert sorted(np.concatenate([p[0][:, 0] for p in parts]).tolist()) == X[:, 0].tolist()
    for Xp, yp in parts:
        np.testing.assert_array_equal(y[Xp[:, 0].astype(int)], yp)
        assert np.bincount(yp, minlength=10).max() <= 2  # no class piles up in one part
    again = data.train_val_test_split(X, y, (0.4, 0.3, 0.3), np.random.default_rng(2))
    for p, q in zip(parts, again, strict=True):
        np.testing.assert_array_equal(p[0], q[0])


def test_split_of_float_targets_is_not_stratified_and_keeps_the_sizes():
    X, y = data.regression_1d(100, 0.1, np.random.default_rng(0))
    (Xt, yt), (Xv, yv), (Xs, ys) = data.train_val_test_split(X, y, (0.7, 0.15, 0.15),
                                                             np.random.default_rng(0))
    assert (len(yt), len(yv), len(ys)) == (70, 15, 15)
    assert Xt.shape == (70, 1) and yv.dtype == np.float64


def test_add_noise_turns_integer_pixels_into_floats_instead_of_rounding_the_noise_away():
    images, _ = data.digits()
    noisy = data.add_noise(images[:50], 0.5, np.random.default_rng(0))
    assert noisy.dtype == np.float64 and noisy.shape == (50, 8, 8)
    assert 0.4 < np.std(noisy - images[:50]) < 0.6
    with pytest.raises(ValueError, match="std"):
        data.add_noise(images, -1.0, np.random.default_rng(0))


def test_random_shift_of_digits_keeps_dtype_and_rejects_bad_arguments():
    images, _ = data.digits()
    shifted = data.random_shift(images[:20], 1, np.random.default_rng(0))
    assert shifted.shape == (20, 8, 8) and shifted.dtype == np.uint8
    assert np.all(shifted.sum(axis=(1, 2)) <= images[:20].sum(axis=(1, 2), dtype=int))
    np.testing.assert_array_equal(data.random_shift(images[:5], 0, np.random.default_rng(0)),
                                  images[:5])
    with pytest.raises(ValueError, match="max_shift"):
        data.random_shift(images, -1, np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"\(N, H, W\)"):
        data.random_shift(np.zeros(5), 1, np.random.default_rng(0))


def test_blobs_and_regression_have_documented_dtypes():
    X, y = data.blobs(30, [[0, 0], [3, 0], [0, 3]], 0.5, np.random.default_rng(0))
    assert X.shape == (30, 2) and X.dtype == np.float64 and y.dtype == np.int64
    assert np.bincount(y).tolist() == [10, 10, 10]
    X, y = data.regression_1d(10, 0.1, np.random.default_rng(0))
    assert X.dtype == y.dtype == np.float64

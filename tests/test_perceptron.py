"""nnlib.perceptron: the threshold unit, Rosenblatt's rule and the margin."""

import numpy as np
import pytest

from nnlib.perceptron import margin, perceptron_predict, perceptron_train

GATE = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])


def separable(rng, n=60, d=3, gap=0.2):
    X = rng.normal(size=(6 * n, d))
    w, theta = rng.normal(size=d), 0.5
    X = X[np.abs(X @ w - theta) / np.linalg.norm(w) > gap][:n]
    return X, (X @ w > theta).astype(int), w, theta


def test_predict_is_strict_threshold():
    assert perceptron_predict(GATE, np.array([1, 1]), 1.5).tolist() == [0, 0, 0, 1]
    assert perceptron_predict(GATE, np.array([1, 1]), 1.0).tolist() == [0, 0, 0, 1]  # 1 > 1 false
    assert perceptron_predict(GATE, np.array([1, 1]), 0.5).dtype.kind == "i"


@pytest.mark.parametrize("labels, w, theta, mistakes", [
    ([0, 0, 0, 1], [2, 1], 2, [1, 3, 3, 2, 1, 0]),
    ([0, 1, 1, 1], [1, 1], 0, [1, 2, 1, 0]),
    ([1, 1, 1, 0], [-2, -1], -3, [2, 3, 3, 2, 1, 0]),
])
def test_train_on_gates_traced_by_hand(labels, w, theta, mistakes):
    got_w, got_theta, got_m = perceptron_train(GATE, np.array(labels))
    np.testing.assert_array_equal(got_w, w)
    assert got_theta == theta and got_m == mistakes


def test_train_converges_on_separable_data_within_novikoff_bound():
    X, y, w_true, theta_true = separable(np.random.default_rng(0))
    w, theta, mistakes = perceptron_train(X, y, lr=0.3, max_epochs=10_000)
    assert mistakes[-1] == 0 and all(m > 0 for m in mistakes[:-1])
    np.testing.assert_array_equal(perceptron_predict(X, w, theta), y)
    Xa = np.column_stack([X, np.ones(len(X))])
    gamma = margin(Xa, y, np.append(w_true, -theta_true), 0.0)
    assert sum(mistakes) <= (np.linalg.norm(Xa, axis=1).max() / gamma) ** 2


def test_learning_rate_only_scales_the_weights():
    X, y, *_ = separable(np.random.default_rng(1))
    w1, t1, m1 = perceptron_train(X, y, lr=1.0)
    w2, t2, m2 = perceptron_train(X, y, lr=0.25)
    assert m1 == m2
    np.testing.assert_allclose(w2, 0.25 * w1)
    assert t2 == pytest.approx(0.25 * t1)


def test_train_on_xor_never_converges():
    w, theta, mistakes = perceptron_train(GATE, np.array([0, 1, 1, 0]), max_epochs=25)
    assert len(mistakes) == 25 and min(mistakes) > 0
    assert mistakes[2:] == [4] * 23


def test_margin_signed_and_scale_free():
    X, y = np.array([[0.0, 0.0], [3.0, 3.0]]), np.array([0, 1])
    assert margin(X, y, np.array([1.0, 1.0]), 2.0) == pytest.approx(np.sqrt(2))
    assert margin(X, y, np.array([4.0, 4.0]), 8.0) == pytest.approx(np.sqrt(2))
    assert margin(X, 1 - y, np.array([1.0, 1.0]), 2.0) == pytest.approx(-2 * np.sqrt(2))


@pytest.mark.parametrize("call, match", [
    (lambda: perceptron_predict(np.zeros((3, 2)), np.zeros(3), 0.0), r"X \(3, 2\).*w \(3,\)"),
    (lambda: perceptron_train(GATE, np.array([-1, 1, 1, -1])), "labels must be 0 or 1"),
    (lambda: perceptron_train(GATE, np.array([0, 1])), r"y of shape \(4,\)"),
    (lambda: perceptron_train(np.zeros(4), np.zeros(4)), r"X of shape \(n, d\)"),
    (lambda: margin(GATE, np.array([0, 0, 0, 1]), np.zeros(2), 1.0), "all zeros"),
])
def test_bad_input_raises_with_names(call, match):
    with pytest.raises(ValueError, match=match):
        call()

"""nnlib.linear_models: the references of notebooks 01 (linear) and 02 (logistic regression)."""

import numpy as np
import pytest

from nnlib import linear_models as lm
from nnlib.gradcheck import numerical_gradient, relative_error


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def _regression(rng, n=40, d=3, noise=0.1):
    X = rng.normal(size=(n, d))
    y = 0.7 + X @ rng.normal(size=d) + noise * rng.normal(size=n)
    return X, y


# ---------------------------------------------------------------- shared helpers


def test_add_bias_column_puts_ones_first(rng):
    X = rng.normal(size=(5, 2))
    Xb = lm.add_bias_column(X)
    assert Xb.shape == (5, 3)
    np.testing.assert_array_equal(Xb[:, 0], 1.0)
    np.testing.assert_array_equal(Xb[:, 1:], X)


@pytest.mark.parametrize(
    "call",
    [
        lambda: lm.add_bias_column(np.zeros(4)),
        lambda: lm.fit_closed_form(np.zeros((4, 2)), np.zeros(3)),
        lambda: lm.mse_grad(np.zeros((4, 2)), np.zeros((4, 1)), np.zeros(2)),
        lambda: lm.train_logistic(np.zeros(4), np.zeros(4), 0.1, 1),
    ],
)
def test_bad_shapes_raise_value_error_naming_the_function(call):
    names = r"(add_bias_column|fit_closed_form|mse_grad|train_logistic)"
    with pytest.raises(ValueError, match=names + r".*\("):
        call()


# ---------------------------------------------------------------- 01 linear regression


def test_mse_is_the_mean_of_squared_residuals():
    assert lm.mse(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 5.0])) == pytest.approx(4 / 3)


def test_mse_refuses_broadcasting_shapes():
    with pytest.raises(ValueError, match=r"mse.*\(5,\).*\(5, 1\)"):
        lm.mse(np.zeros(5), np.zeros((5, 1)))


def test_mse_grad_matches_finite_differences(rng):
    X, y = _regression(rng, n=9, d=4)
    w = rng.normal(size=4)
    num = numerical_gradient(lambda v: lm.mse(y, X @ v), w.copy())
    assert relative_error(lm.mse_grad(X, y, w), num) < 1e-8


def test_fit_closed_form_equals_numpy_lstsq(rng):
    X, y = _regression(rng)
    expected, *_ = np.linalg.lstsq(np.column_stack([np.ones(len(X)), X]), y, rcond=None)
    np.testing.assert_allclose(lm.fit_closed_form(X, y), expected, rtol=1e-10, atol=1e-12)


def test_fit_closed_form_handles_collinear_features(rng):
    u = rng.uniform(150, 200, size=30)
    X = np.column_stack([u, u / 2.54])
    y = 0.5 * u + rng.normal(size=30)
    A = np.column_stack([np.ones(30), X])
    w = lm.fit_closed_form(X, y)
    np.testing.assert_allclose(w, np.linalg.pinv(A) @ y, rtol=1e-6)  # the minimum-norm solution
    assert lm.mse(y, A @ w) <= lm.mse(y, A @ np.linalg.lstsq(A, y, rcond=None)[0]) + 1e-9


def test_gradient_descent_converges_to_the_closed_form(rng):
    X, y = _regression(rng)
    w, losses = lm.gradient_descent(X, y, lr=0.1, n_steps=2000)
    np.testing.assert_allclose(w, lm.fit_closed_form(X, y), rtol=1e-6, atol=1e-8)
    assert losses.shape == (2001,)
    assert losses[0] == pytest.approx(np.mean(y**2))
    assert np.all(np.diff(losses) <= 1e-15)


def test_gradient_descent_diverges_above_two_over_lambda_max(rng):
    X, y = _regression(rng)
    A = lm.add_bias_column(X)
    lam_max = np.linalg.eigvalsh(2 / len(y) * A.T @ A).max()
    _, below = lm.gradient_descent(X, y, lr=1.9 / lam_max, n_steps=200)
    _, above = lm.gradient_descent(X, y, lr=2.1 / lam_max, n_steps=200)
    assert below[-1] < below[0] < above[-1]


def test_sgd_uses_each_example_once_per_epoch_in_a_new_order(rng, monkeypatch):
    n, batch_size, epochs = 11, 3, 4
    ids = np.arange(n, dtype=float)
    X = np.column_stack([ids, rng.normal(size=n)])  # column 0 identifies the example
    seen = []
    real_grad = lm.mse_grad

    def spy(Xb, y, w):
        seen.append(Xb[:, 1].astype(int))  # column 0 of the design matrix is the ones
        return real_grad(Xb, y, w)

    monkeypatch.setattr(lm, "mse_grad", spy)
    lm.sgd(X, rng.normal(size=n), 0.01, epochs, batch_size, np.random.default_rng(1))
    steps = -(-n // batch_size)
    assert len(seen) == epochs * steps
    orders = [np.concatenate(seen[e * steps:(e + 1) * steps]) for e in range(epochs)]
    for e, order in enumerate(orders):
        np.testing.assert_array_equal(np.sort(order), np.arange(n))
        assert [len(b) for b in seen[e * steps:(e + 1) * steps]] == [3, 3, 3, 2]
    assert len({tuple(o) for o in orders}) == epochs  # reshuffled every epoch


def test_sgd_full_batch_epoch_is_one_gradient_step(rng):
    X, y = _regression(rng)
    w_sgd, _ = lm.sgd(X, y, 0.05, 1, len(y), rng)
    w_gd, _ = lm.gradient_descent(X, y, 0.05, 1)
    np.testing.assert_allclose(w_sgd, w_gd, rtol=1e-12)


def test_sgd_is_reproducible_and_ends_near_least_squares(rng):
    X, y = _regression(rng, n=60, d=2, noise=0.3)
    w1, losses = lm.sgd(X, y, 0.05, 60, 6, np.random.default_rng(4))
    w2, _ = lm.sgd(X, y, 0.05, 60, 6, np.random.default_rng(4))
    np.testing.assert_array_equal(w1, w2)
    assert losses.shape == (61,)
    np.testing.assert_allclose(w1, lm.fit_closed_form(X, y), atol=0.06)


# ---------------------------------------------------------------- 02 logistic regression


def test_sigmoid_is_stable_and_exact():
    z = np.array([-1000.0, -745.0, -30.0, -1.0, 0.0, 2.0, 40.0, 1000.0])
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # underflow to 0 is fine
        s = lm.sigmoid(z)
    assert np.all((s >= 0) & (s <= 1))
    mid = np.abs(z) < 50
    np.testing.assert_allclose(s[mid], 1 / (1 + np.exp(-z[mid])), rtol=1e-14)
    np.testing.assert_allclose(lm.sigmoid(-z), 1 - s, atol=1e-15)
    assert s[0] == 0.0 and s[-1] == 1.0


def test_bce_from_logits_matches_the_definition_and_survives_large_logits(rng):
    z = rng.normal(size=20) * 3
    y = (rng.random(20) < 0.5).astype(float)
    p = 1 / (1 + np.exp(-z))
    naive = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert lm.bce_from_logits(y, z) == pytest.approx(naive, rel=1e-12)
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # underflow to 0 is fine
        big = lm.bce_from_logits(np.array([0.0, 1.0, 1.0, 0.0]),
                                 np.array([1000.0, -1000.0, 1000.0, -1000.0]))
    assert big == pytest.approx((1000 + 1000 + 0 + 0) / 4)


def test_logistic_grad_matches_finite_differences(rng):
    X = lm.add_bias_column(rng.normal(size=(15, 3)))
    y = (rng.random(15) < 0.5).astype(float)
    w = rng.normal(size=4)
    num = numerical_gradient(lambda v: lm.bce_from_logits(y, X @ v), w.copy())
    assert relative_error(lm.logistic_grad(X, y, w), num) < 1e-7


def test_train_logistic_separates_blobs_and_predict_thresholds_the_logit(rng):
    X = np.vstack([rng.normal(-2, 1, size=(50, 2)), rng.normal(2, 1, size=(50, 2))])
    y = np.repeat([0.0, 1.0], 50)
    w, losses = lm.train_logistic(X, y, lr=0.5, n_steps=300)
    assert losses.shape == (301,)
    assert losses[0] == pytest.approx(np.log(2))
    assert np.all(np.diff(losses) < 0)
    labels = lm.predict(X, w)
    assert labels.dtype.kind == "i" and set(np.unique(labels)) <= {0, 1}
    assert np.mean(labels == y) > 0.95
    np.testing.assert_array_equal(lm.predict(np.zeros((1, 2)), np.array([-0.1, 1, 1])), [0])
    np.testing.assert_array_equal(lm.predict(np.zeros((1, 2)), np.array([0.1, 1, 1])), [1])


def test_bce_and_gradient_match_torch(rng):
    torch = pytest.importorskip("torch")
    X = lm.add_bias_column(rng.normal(size=(12, 2)))
    y = (rng.random(12) < 0.5).astype(float)
    w = rng.normal(size=3) * 5
    wt = torch.tensor(w, requires_grad=True)
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    loss = bce(torch.tensor(X) @ wt, torch.tensor(y))
    loss.backward()
    assert lm.bce_from_logits(y, X @ w) == pytest.approx(loss.item(), rel=1e-12)
    np.testing.assert_allclose(lm.logistic_grad(X, y, w), wt.grad.numpy(), rtol=1e-10, atol=1e-14)

"""Losses: hand-checked values, gradient checks, PyTorch twins, stability, validation, dtypes."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nnlib.gradcheck import check_loss
from nnlib.losses import (
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HingeLoss,
    MSELoss,
    log_softmax,
    softmax,
)


def batch(name: str, shape: tuple[int, ...], rng: np.random.Generator):
    """(pred, y) of this shape for the named loss (for CrossEntropy shape is (N, C))."""
    pred = rng.standard_normal(shape) * 2
    if name == "MSELoss":
        return pred, rng.standard_normal(shape)
    if name == "BCEWithLogitsLoss":
        return pred, (rng.random(shape) < 0.5).astype(np.float64)
    if name == "HingeLoss":
        y = np.where(rng.random(shape) < 0.5, -1.0, 1.0)
        return pred + 0.05 * np.sign(1 - y * pred), y  # keep margins away from the kink at 1
    return pred, rng.integers(0, shape[1], shape[0])


LOSSES = {"MSELoss": MSELoss, "BCEWithLogitsLoss": BCEWithLogitsLoss,
          "CrossEntropyLoss": CrossEntropyLoss, "HingeLoss": HingeLoss}


def test_values_by_hand():
    assert MSELoss()(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0, 0.0], [3.0, 0.0]])) == 5.0
    assert BCEWithLogitsLoss()(np.array([0.0, 0.0]), np.array([1.0, 0.0])) == pytest.approx(
        np.log(2)
    )
    logits = np.array([[0.0, np.log(3.0)], [0.0, 0.0]])
    assert CrossEntropyLoss()(logits, np.array([1, 0])) == pytest.approx(
        -(np.log(0.75) + np.log(0.5)) / 2
    )
    assert HingeLoss()(np.array([2.0, 0.5, -1.0]), np.array([1.0, 1.0, 1.0])) == pytest.approx(
        (0 + 0.5 + 2) / 3
    )


def test_gradients_by_hand():
    mse = MSELoss()
    mse(np.array([1.0, 3.0]), np.array([0.0, 0.0]))
    np.testing.assert_allclose(mse.backward(), [1.0, 3.0])  # 2 (pred - y) / 2
    ce = CrossEntropyLoss()
    ce(np.zeros((2, 2)), np.array([0, 1]))
    np.testing.assert_allclose(ce.backward(), [[-0.25, 0.25], [0.25, -0.25]])
    hinge = HingeLoss()
    hinge(np.array([2.0, 0.5]), np.array([1.0, -1.0]))
    np.testing.assert_allclose(hinge.backward(), [0.0, 0.5])


def test_loss_is_a_python_float():
    for name, make in LOSSES.items():
        pred, y = batch(name, (4, 3), np.random.default_rng(0))
        assert type(make()(pred, y)) is float


@pytest.mark.parametrize("name", LOSSES)
@pytest.mark.parametrize("shape", [(1, 1), (5, 3), (8, 10)])
def test_gradients(name, shape):
    rng = np.random.default_rng(1)
    pred, y = batch(name, shape, rng)
    assert check_loss(LOSSES[name](), pred, y) < 1e-7


@pytest.mark.parametrize("name", ["MSELoss", "BCEWithLogitsLoss", "HingeLoss"])
def test_gradients_of_flat_and_3d_predictions(name):
    rng = np.random.default_rng(2)
    for shape in [(6,), (2, 3, 4)]:
        assert check_loss(LOSSES[name](), *batch(name, shape, rng)) < 1e-7


def test_softmax_helpers():
    z = np.array([[1.0, 2.0, 3.0], [1000.0, 1000.0, -1000.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        p, logp = softmax(z), log_softmax(z)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_allclose(p[1], [0.5, 0.5, 0.0])
    np.testing.assert_allclose(logp[1], [np.log(0.5), np.log(0.5), -2000 - np.log(2)])
    np.testing.assert_allclose(np.exp(logp), p)
    np.testing.assert_allclose(softmax(z.T, axis=0), p.T)


def test_extreme_logits_are_finite_and_exact():
    z = np.array([1000.0, -1000.0, 1000.0, -1000.0])
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        bce = BCEWithLogitsLoss()
        assert bce(z, np.array([1.0, 0.0, 0.0, 1.0])) == 500.0  # two right, two off by 1000
        np.testing.assert_allclose(bce.backward(), [0.0, 0.0, 0.25, -0.25])
        ce = CrossEntropyLoss()
        assert ce(np.array([[1000.0, -1000.0], [1000.0, -1000.0]]), np.array([0, 1])) == 1000.0
        assert np.isfinite(ce.backward()).all()


# -- dtypes ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", LOSSES)
def test_gradient_has_pred_shape_and_dtype(name):
    pred, y = batch(name, (5, 3), np.random.default_rng(3))
    for dtype in (np.float32, np.float64):
        loss_fn = LOSSES[name]()
        loss_fn(pred.astype(dtype), y)  # y stays float64 (or int): the gradient still follows pred
        grad = loss_fn.backward()
        assert grad.shape == pred.shape and grad.dtype == dtype


# -- bad input -------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["MSELoss", "BCEWithLogitsLoss", "HingeLoss"])
@pytest.mark.parametrize("pred_shape, y_shape", [((4, 1), (4,)), ((4,), (4, 1)), ((3,), (4,))])
def test_mismatched_shapes_name_loss_and_both_shapes(name, pred_shape, y_shape):
    y = np.ones(y_shape)
    with pytest.raises(ValueError) as err:
        LOSSES[name]()(np.zeros(pred_shape), y)
    msg = str(err.value)
    assert name in msg and str(pred_shape) in msg and str(y_shape) in msg


def test_cross_entropy_rejects_float_labels():
    with pytest.raises(TypeError, match=r"CrossEntropyLoss.*integer class indices.*float64"):
        CrossEntropyLoss()(np.zeros((2, 3)), np.array([0.0, 2.0]))


@pytest.mark.parametrize("y, bad", [([0, 3], "[3]"), ([-1, 1], "[-1]"), ([5, 7], "[5, 7]")])
def test_cross_entropy_rejects_labels_out_of_range(y, bad):
    with pytest.raises(ValueError) as err:
        CrossEntropyLoss()(np.zeros((2, 3)), np.array(y))
    msg = str(err.value)
    assert "CrossEntropyLoss" in msg and "[0, 3)" in msg and bad in msg


def test_cross_entropy_shape_errors():
    ce = CrossEntropyLoss()
    with pytest.raises(ValueError, match=r"one-hot.*argmax"):
        ce(np.zeros((2, 3)), np.eye(3, dtype=int)[[0, 2]])
    with pytest.raises(ValueError, match=r"expected y of shape \(2,\).*got shape \(3,\)"):
        ce(np.zeros((2, 3)), np.array([0, 1, 2]))
    with pytest.raises(ValueError, match=r"logits of shape \(N, C\), got shape \(3,\)"):
        ce(np.zeros(3), np.array([0, 1, 2]))


def test_bce_rejects_targets_outside_unit_interval():
    with pytest.raises(ValueError, match=r"BCEWithLogitsLoss.*\[0, 1\].*\[-1\.0\]"):
        BCEWithLogitsLoss()(np.zeros(3), np.array([-1.0, 1.0, 1.0]))
    with pytest.raises(ValueError, match="BCEWithLogitsLoss"):
        BCEWithLogitsLoss()(np.zeros(2), np.array([np.nan, 1.0]))


def test_hinge_rejects_zero_one_labels_with_a_hint():
    with pytest.raises(ValueError, match=r"HingeLoss.*-1 or \+1.*\[0\.0\].*2 \* y - 1"):
        HingeLoss()(np.zeros(3), np.array([0.0, 1.0, 1.0]))
    with pytest.raises(ValueError, match=r"\[0\.5, 2\.0\]"):
        HingeLoss()(np.zeros(3), np.array([0.5, 2.0, 1.0]))


@pytest.mark.parametrize("name", LOSSES)
def test_backward_before_loss_and_non_numeric_input(name):
    loss_fn = LOSSES[name]()
    with pytest.raises(RuntimeError, match=f"{name}.*before"):
        loss_fn.backward()
    with pytest.raises(TypeError, match=name):
        loss_fn(None, np.zeros(3))


# -- PyTorch twins ---------------------------------------------------------------------------
def _against_torch(torch, loss_fn, torch_loss, pred, y, torch_y):
    loss = loss_fn(pred, y)
    tp = torch.tensor(pred, requires_grad=True)
    tloss = torch_loss(tp, torch_y)
    tloss.backward()
    assert loss == pytest.approx(tloss.item(), rel=1e-6, abs=1e-12)
    np.testing.assert_allclose(loss_fn.backward(), tp.grad.numpy(), rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("shape", [(5,), (6, 3)])
def test_mse_and_bce_match_torch(shape):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    for name, theirs in [("MSELoss", torch.nn.MSELoss()),
                         ("BCEWithLogitsLoss", torch.nn.BCEWithLogitsLoss())]:
        pred, y = batch(name, shape, rng)
        _against_torch(torch, LOSSES[name](), theirs, pred * 50, y, torch.tensor(y))


def test_cross_entropy_matches_torch():
    torch = pytest.importorskip("torch")
    pred, y = batch("CrossEntropyLoss", (7, 4), np.random.default_rng(5))
    _against_torch(torch, CrossEntropyLoss(), torch.nn.CrossEntropyLoss(), pred * 100, y,
                   torch.tensor(y))


def test_hinge_matches_torch_expression():
    torch = pytest.importorskip("torch")
    pred, y = batch("HingeLoss", (9,), np.random.default_rng(6))
    _against_torch(torch, HingeLoss(), lambda p, t: torch.clamp(1 - t * p, min=0).mean(), pred, y,
                   torch.tensor(y))

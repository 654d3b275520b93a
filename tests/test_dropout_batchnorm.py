"""Dropout and BatchNorm1d: behaviour, gradient checks, errors, and equality with PyTorch."""

import numpy as np
import pytest

from nnlib.gradcheck import check_module
from nnlib.layers import BatchNorm1d, Dropout, Linear, Sequential


class FixedRNG:
    """Gives the same uniform draws at every call, so Dropout's mask is fixed for gradcheck."""

    def __init__(self, seed: int):
        self.seed = seed

    def random(self, shape):
        return np.random.default_rng(self.seed).random(shape)


# -- Dropout -----------------------------------------------------------------------------

def test_dropout_eval_is_identity():
    x = np.random.default_rng(0).standard_normal((4, 5))
    layer = Dropout(0.7, rng=np.random.default_rng(1)).eval()
    np.testing.assert_array_equal(layer(x), x)
    np.testing.assert_array_equal(layer.backward(x * 2), x * 2)


def test_dropout_train_statistics():
    p = 0.3
    x = np.ones((400, 500))
    y = Dropout(p, rng=np.random.default_rng(0))(x)
    kept = y != 0
    assert abs(1 - kept.mean() - p) < 0.005  # fraction dropped ~ p
    np.testing.assert_allclose(y[kept], 1 / (1 - p))  # survivors scaled by 1 / (1 - p)
    assert abs(y.mean() - 1.0) < 0.01  # expected value preserved


def test_dropout_backward_uses_the_saved_mask():
    layer = Dropout(0.5, rng=np.random.default_rng(0))
    x = np.random.default_rng(1).standard_normal((6, 7))
    y = layer(x)
    dx = layer.backward(np.ones_like(x))
    np.testing.assert_array_equal(dx == 0, y == 0)
    np.testing.assert_allclose(dx[dx != 0], 2.0)


def test_backward_follows_the_mode_of_the_forward_pass():
    x = np.random.default_rng(0).standard_normal((6, 4))
    drop = Dropout(0.5, rng=np.random.default_rng(1))
    y = drop(x)
    drop.eval()  # switching mode between forward and backward must not change the gradient
    np.testing.assert_array_equal(drop.backward(np.ones_like(x)) == 0, y == 0)
    bn = BatchNorm1d(4)
    bn(x)
    want = bn.backward(np.ones_like(x))
    bn.eval()
    np.testing.assert_array_equal(bn.backward(np.ones_like(x)), want)


def test_dropout_gradcheck_with_fixed_mask():
    x = np.random.default_rng(0).standard_normal((5, 6))
    errors = check_module(Dropout(0.4, rng=FixedRNG(3)), x)
    assert errors["x"] < 1e-8


def test_dropout_same_rng_same_mask_and_float32():
    x = np.ones((3, 8), dtype=np.float32)
    a = Dropout(0.5, rng=np.random.default_rng(7))(x)
    b = Dropout(0.5, rng=np.random.default_rng(7))(x)
    np.testing.assert_array_equal(a, b)
    assert a.dtype == np.float32


def test_dropout_p_zero_is_identity_in_training():
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(Dropout(0.0, rng=np.random.default_rng(0))(x), x)


@pytest.mark.parametrize("p", [-0.1, 1.0, 1.5])
def test_dropout_invalid_p(p):
    with pytest.raises(ValueError, match=r"Dropout: p must be in \[0, 1\)"):
        Dropout(p)


def test_dropout_errors_name_layer_and_shapes():
    layer = Dropout(0.5, rng=np.random.default_rng(0))
    with pytest.raises(RuntimeError, match=r"Dropout\(p=0.5\): backward\(\) called before"):
        layer.backward(np.ones((2, 3)))
    layer(np.ones((2, 3)))
    want = r"Dropout\(p=0.5\): backward expected dout of shape \(2, 3\).*got shape \(3, 2\)"
    with pytest.raises(ValueError, match=want):
        layer.backward(np.ones((3, 2)))


# -- BatchNorm1d -------------------------------------------------------------------------

def random_bn(d: int = 4, seed: int = 0) -> BatchNorm1d:
    rng = np.random.default_rng(seed)
    bn = BatchNorm1d(d)
    bn.gamma.data[:] = rng.uniform(0.5, 2.0, d)
    bn.beta.data[:] = rng.standard_normal(d)
    return bn


def test_batchnorm_parameters_in_order():
    assert [name for name, _ in BatchNorm1d(3).named_parameters()] == ["gamma", "beta"]


def test_batchnorm_train_normalizes_each_feature():
    x = np.random.default_rng(0).normal(5.0, 3.0, (64, 3))
    y = BatchNorm1d(3)(x)
    np.testing.assert_allclose(y.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(y.std(axis=0), 1, atol=1e-4)  # biased std, up to eps


def test_batchnorm_running_statistics_by_hand():
    x = np.array([[1.0, 0.0], [3.0, 0.0], [5.0, 6.0]])
    bn = BatchNorm1d(2, momentum=0.5)
    bn(x)
    np.testing.assert_allclose(bn.running_mean, 0.5 * 0 + 0.5 * np.array([3.0, 2.0]))
    np.testing.assert_allclose(bn.running_var, 0.5 * 1 + 0.5 * np.array([4.0, 12.0]))  # unbiased


def test_batchnorm_eval_uses_running_statistics():
    bn = random_bn(2)
    bn.running_mean[:] = [1.0, -1.0]
    bn.running_var[:] = [4.0, 0.25]
    bn.eval()
    x = np.array([[3.0, 0.0]])  # one example is fine in eval
    want = bn.gamma.data * (x - bn.running_mean) / np.sqrt(bn.running_var + bn.eps) + bn.beta.data
    np.testing.assert_allclose(bn(x), want)
    assert bn.running_mean.tolist() == [1.0, -1.0]  # not updated in eval


@pytest.mark.parametrize("training", [True, False])
def test_batchnorm_gradcheck(training):
    bn = random_bn(4)
    bn.running_mean[:] = [0.1, -0.2, 0.3, 0.0]
    bn.running_var[:] = [1.5, 0.7, 2.0, 1.0]
    bn.train(training)
    x = np.random.default_rng(1).normal(1.0, 2.0, (6, 4))
    errors = check_module(bn, x)
    assert set(errors) == {"x", "gamma", "beta"}
    assert max(errors.values()) < 1e-7, errors


def test_batchnorm_gradcheck_inside_a_network():
    rng = np.random.default_rng(0)
    net = Sequential(Linear(3, 5, rng=rng), BatchNorm1d(5), Linear(5, 2, rng=rng))
    errors = check_module(net, rng.standard_normal((7, 3)))
    # BatchNorm subtracts the batch mean, so the bias of the layer before it has no effect:
    # its true gradient is 0 and a relative error there compares rounding noise with noise.
    np.testing.assert_allclose(net[0].b.grad, 0, atol=1e-12)
    del errors["layers.0.b"]
    assert max(errors.values()) < 1e-7, errors


def test_batchnorm_float32_stays_float32():
    bn = BatchNorm1d(3, dtype=np.float32)
    x = np.random.default_rng(0).standard_normal((8, 3)).astype(np.float32)
    y = bn(x)
    dx = bn.backward(np.ones_like(y))
    assert {y.dtype, dx.dtype, bn.gamma.grad.dtype, bn.running_var.dtype} == {np.dtype("float32")}


def test_batchnorm_errors():
    bn = BatchNorm1d(3)
    with pytest.raises(RuntimeError, match="backward\\(\\) called before forward"):
        bn.backward(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"BatchNorm1d\(3.*\(N, 3\).*\(4, 2\)"):
        bn(np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"BatchNorm1d\(3.*\(N, 3\).*\(3,\)"):
        bn(np.ones(3))
    with pytest.raises(ValueError, match="more than 1 example per batch.*\\(1, 3\\)"):
        bn(np.ones((1, 3)))
    bn(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"expected dout of shape \(4, 3\).*got shape \(4, 2\)"):
        bn.backward(np.ones((4, 2)))
    for bad in [dict(num_features=0), dict(num_features=2, eps=0), dict(num_features=2,
                                                                          momentum=1.5)]:
        with pytest.raises(ValueError, match="BatchNorm1d: "):
            BatchNorm1d(**bad)


# -- PyTorch cross-checks ----------------------------------------------------------------

def test_dropout_matches_torch_statistics_and_eval():
    torch = pytest.importorskip("torch")
    p, x = 0.25, np.ones((300, 400))
    theirs = torch.nn.Dropout(p)(torch.tensor(x)).numpy()
    ours = Dropout(p, rng=np.random.default_rng(0))(x)
    assert set(np.unique(ours)) == set(np.unique(theirs)) == {0.0, 1 / (1 - p)}
    assert abs((ours == 0).mean() - (theirs == 0).mean()) < 0.01
    np.testing.assert_array_equal(torch.nn.Dropout(p).eval()(torch.tensor(x)).numpy(),
                                  Dropout(p).eval()(x))


def test_batchnorm_matches_torch_train_then_eval():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    ours = random_bn(5)
    theirs = torch.nn.BatchNorm1d(5, eps=1e-5, momentum=0.1).double()
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(ours.gamma.data))
        theirs.bias.copy_(torch.tensor(ours.beta.data))
    for _ in range(4):  # train: outputs, gradients and running statistics
        x = rng.normal(2.0, 3.0, (16, 5))
        dout = rng.standard_normal((16, 5))
        xt = torch.tensor(x, requires_grad=True)
        theirs.weight.grad = theirs.bias.grad = None
        yt = theirs(xt)
        yt.backward(torch.tensor(dout))
        ours.zero_grad()
        y = ours(x)
        dx = ours.backward(dout)
        np.testing.assert_allclose(y, yt.detach().numpy(), atol=1e-10)
        np.testing.assert_allclose(dx, xt.grad.numpy(), atol=1e-10)
        np.testing.assert_allclose(ours.gamma.grad, theirs.weight.grad.numpy(), atol=1e-10)
        np.testing.assert_allclose(ours.beta.grad, theirs.bias.grad.numpy(), atol=1e-10)
        np.testing.assert_allclose(ours.running_mean, theirs.running_mean.numpy(), atol=1e-12)
        np.testing.assert_allclose(ours.running_var, theirs.running_var.numpy(), atol=1e-12)
    ours.eval()
    theirs.eval()
    x = rng.normal(2.0, 3.0, (3, 5))
    dout = rng.standard_normal((3, 5))
    xt = torch.tensor(x, requires_grad=True)
    theirs(xt).backward(torch.tensor(dout))
    np.testing.assert_allclose(ours(x), theirs(torch.tensor(x)).detach().numpy(), atol=1e-10)
    np.testing.assert_allclose(ours.backward(dout), xt.grad.numpy(), atol=1e-10)

"""Linear and the activations: gradient checks, PyTorch twins, stability, dtypes, bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nnlib.gradcheck import check_module
from nnlib.layers import (
    ELU,
    LeakyReLU,
    Linear,
    Maxout,
    PReLU,
    ReLU,
    Sequential,
    Sigmoid,
    Softplus,
    Tanh,
)

ELEMENTWISE = {
    "ReLU": ReLU,
    "LeakyReLU": lambda: LeakyReLU(0.1),
    "PReLU": PReLU,
    "ELU": lambda: ELU(0.7),
    "Softplus": lambda: Softplus(1.5),
    "Sigmoid": Sigmoid,
    "Tanh": Tanh,
}


def away_from_zero(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Standard normal entries pushed at least 0.05 away from the kink at 0."""
    x = rng.standard_normal(shape)
    return x + 0.05 * np.sign(x)


def layer_with_params(name: str, d: int, rng: np.random.Generator):
    """Fresh layers taking (N, d) inputs, with random (non-default) parameters."""
    layers = {
        "Linear": lambda: Linear(d, 3, rng=rng),
        "PReLU-per-feature": lambda: PReLU(d, init=0.1),
        "Maxout": lambda: Maxout(d, 3, pieces=4, rng=rng),
        "Sequential": lambda: Sequential(
            Linear(d, 5, rng=rng), ReLU(), Linear(5, 4, rng=rng), PReLU(4),
            Maxout(4, 3, 2, rng=rng), Tanh(), Linear(3, 2, rng=rng), Sigmoid(),
        ),
    }
    layer = layers[name]()
    for p in layer.parameters():
        p.data[...] = rng.standard_normal(p.shape)
    return layer


# -- gradient checks ------------------------------------------------------------------------
@pytest.mark.parametrize("name", ELEMENTWISE)
@pytest.mark.parametrize("shape", [(1, 1), (6, 4), (2, 3, 5)])
def test_elementwise_gradients(name, shape):
    rng = np.random.default_rng(0)
    errors = check_module(ELEMENTWISE[name](), away_from_zero(rng, shape), rng=rng)
    assert all(e < 1e-7 for e in errors.values()), errors


@pytest.mark.parametrize("name", ["Linear", "PReLU-per-feature", "Maxout", "Sequential"])
@pytest.mark.parametrize("n, d", [(1, 3), (7, 4)])
def test_parametric_gradients(name, n, d):
    rng = np.random.default_rng(1)
    layer = layer_with_params(name, d, rng)
    errors = check_module(layer, away_from_zero(rng, (n, d)), rng=rng)
    assert set(errors) == {"x", *dict(layer.named_parameters())}
    assert all(e < 1e-6 for e in errors.values()), errors


def test_prelu_shared_alpha_gradient_sums_over_every_entry():
    x = np.array([[-2.0, 3.0], [-1.0, -4.0]])
    layer = PReLU()
    np.testing.assert_allclose(layer(x), [[-0.5, 3.0], [-0.25, -1.0]])
    dx = layer.backward(np.ones_like(x))
    np.testing.assert_allclose(dx, [[0.25, 1.0], [0.25, 0.25]])
    np.testing.assert_allclose(layer.alpha.grad, [-7.0])


def test_maxout_routes_gradient_to_winning_piece():
    layer = Maxout(1, 1, pieces=3)
    layer.W.data[...] = np.array([1.0, -1.0, 0.5]).reshape(1, 1, 3)
    x = np.array([[2.0], [-3.0]])  # pieces: (2, -2, 1) -> 0 wins; (-3, 3, -1.5) -> 1 wins
    np.testing.assert_allclose(layer(x), [[2.0], [3.0]])
    dx = layer.backward(np.array([[10.0], [100.0]]))
    np.testing.assert_allclose(dx, [[10.0], [-100.0]])
    np.testing.assert_allclose(layer.W.grad.ravel(), [20.0, -300.0, 0.0])
    np.testing.assert_allclose(layer.b.grad.ravel(), [10.0, 100.0, 0.0])


def test_maxout_with_one_piece_is_linear():
    rng = np.random.default_rng(2)
    maxout, linear = Maxout(4, 3, pieces=1, rng=rng), Linear(4, 3, rng=rng)
    linear.W.data[...] = maxout.W.data[..., 0]
    x = rng.standard_normal((5, 4))
    np.testing.assert_allclose(maxout(x), linear(x))


# -- Linear construction ---------------------------------------------------------------------
def test_linear_parameters_and_init():
    layer = Linear(300, 200, rng=np.random.default_rng(0))
    assert layer.W.shape == (300, 200) and layer.b.shape == (200,)
    assert [p for p in layer.parameters()] == [layer.W, layer.b]
    np.testing.assert_array_equal(layer.b.data, 0)
    assert layer.W.data.std() == pytest.approx(np.sqrt(2 / 300), rel=0.02)  # He
    xavier = Linear(300, 200, init="xavier", rng=np.random.default_rng(0))
    assert xavier.W.data.std() == pytest.approx(np.sqrt(2 / 500), rel=0.02)


def test_linear_rng_is_explicit():
    a = Linear(4, 3, rng=np.random.default_rng(5)).W.data
    b = Linear(4, 3, rng=np.random.default_rng(5)).W.data
    np.testing.assert_array_equal(a, b)
    state = np.random.get_state()[1].copy()
    Linear(4, 3)  # rng=None draws from a fresh generator, never numpy's global one
    np.testing.assert_array_equal(np.random.get_state()[1], state)


def test_linear_forward_is_affine():
    layer = Linear(2, 2, rng=np.random.default_rng(0))
    layer.W.data[...] = [[1.0, 2.0], [3.0, 4.0]]
    layer.b.data[...] = [10.0, 20.0]
    np.testing.assert_allclose(layer(np.array([[1.0, 1.0], [0.0, 2.0]])), [[14, 26], [16, 28]])


def test_unknown_init_is_named():
    with pytest.raises(ValueError, match="unknown init 'kaiming'"):
        Linear(2, 2, init="kaiming")


def test_repr_shows_constructor_arguments():
    reprs = [repr(layer) for layer in (
        Linear(3, 2), Maxout(3, 2, pieces=4), PReLU(5), LeakyReLU(0.2), ELU(0.5), Softplus(2),
        ReLU(), Sigmoid(), Tanh(),
    )]
    assert reprs == [
        "Linear(in_features=3, out_features=2)", "Maxout(in_features=3, out_features=2, pieces=4)",
        "PReLU(num_parameters=5)", "LeakyReLU(negative_slope=0.2)", "ELU(alpha=0.5)",
        "Softplus(beta=2.0)", "ReLU()", "Sigmoid()", "Tanh()",
    ]


def test_maxout_needs_a_piece():
    with pytest.raises(ValueError, match="Maxout: pieces must be at least 1, got 0"):
        Maxout(3, 2, pieces=0)


# -- numerical stability ---------------------------------------------------------------------
def test_extreme_inputs_give_exact_limits_without_warnings():
    x = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        s = Sigmoid()(x)
        softplus = Softplus()
        sp = softplus(x)
        dsp = softplus.backward(np.ones_like(x))
        sp2 = Softplus(beta=3.0)(x)
        e = ELU()(x)
    np.testing.assert_allclose(s, [0.0, np.exp(-50), 0.5, 1.0, 1.0], rtol=1e-12, atol=0)
    np.testing.assert_allclose(sp, [0.0, np.exp(-50), np.log(2), 50.0, 1000.0], rtol=1e-12, atol=0)
    np.testing.assert_allclose(sp2[[0, 2, 4]], [0.0, np.log(2) / 3, 1000.0], rtol=1e-12)
    np.testing.assert_allclose(dsp, s, rtol=1e-12, atol=0)
    np.testing.assert_allclose(e, [-1.0, np.expm1(-50), 0.0, 50.0, 1000.0])


# -- dtypes ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "make",
    [*(v for k, v in ELEMENTWISE.items() if k != "PReLU"),
     lambda: Linear(4, 3, dtype=np.float32),
     lambda: PReLU(dtype=np.float32), lambda: PReLU(4, dtype=np.float32),
     lambda: Maxout(4, 3, 2, dtype=np.float32),
     lambda: LeakyReLU(np.float64(0.1)), lambda: ELU(np.float64(0.5)),
     lambda: Softplus(np.float64(2.0))],
)
def test_float32_in_float32_out(make):
    layer = make()
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    out = layer(x)
    assert out.dtype == np.float32
    assert layer.backward(np.ones_like(out)).dtype == np.float32
    assert all(p.grad.dtype == np.float32 for p in layer.parameters())


# -- bad input -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "layer, x, expected",
    [
        (Linear(3, 2), np.zeros((4, 5)), "(N, 3)"),
        (Linear(3, 2), np.zeros(3), "(N, 3)"),
        (Maxout(3, 2, pieces=2), np.zeros((4, 5)), "(N, 3)"),
        (PReLU(3), np.zeros((4, 5)), "(N, 3)"),
    ],
)
def test_wrong_input_shape_names_layer_and_both_shapes(layer, x, expected):
    with pytest.raises(ValueError) as err:
        layer(x)
    msg = str(err.value)
    assert repr(layer) in msg and str(x.shape) in msg and expected in msg


@pytest.mark.parametrize("make", [*ELEMENTWISE.values(), lambda: Linear(3, 2)])
def test_non_numeric_input_is_a_type_error(make):
    layer = make()
    for bad in (None, "x", np.array(["a", "b", "c"])):
        with pytest.raises(TypeError, match=type(layer).__name__):
            layer(bad)


@pytest.mark.parametrize(
    "make", [*ELEMENTWISE.values(), lambda: Linear(3, 2), lambda: Maxout(3, 2), lambda: PReLU(3)]
)
def test_backward_checks_order_and_dout_shape(make):
    layer = make()
    with pytest.raises(RuntimeError, match="backward\\(\\) called before forward\\(\\)"):
        layer.backward(np.ones((4, 3)))
    out = layer(np.ones((4, 3)))
    with pytest.raises(ValueError) as err:
        layer.backward(np.ones((4, 1)))
    assert repr(layer) in str(err.value) and "(4, 1)" in str(err.value)
    assert str(out.shape) in str(err.value)


# -- PyTorch twins ---------------------------------------------------------------------------
def _torch_pair(torch, layer, tlayer, x):
    """(ours, torch's) output and input gradient for the same x and upstream gradient."""
    dout = np.random.default_rng(3).standard_normal(layer(x).shape)
    out, dx = layer(x), layer.backward(dout)
    tx = torch.tensor(x, requires_grad=True)
    tout = tlayer(tx)
    tout.backward(torch.tensor(dout))
    np.testing.assert_allclose(out, tout.detach().numpy(), rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose(dx, tx.grad.numpy(), rtol=1e-6, atol=1e-10)


def test_linear_matches_torch():
    torch = pytest.importorskip("torch")
    layer = Linear(4, 3, rng=np.random.default_rng(0))
    layer.b.data[...] = [0.1, -0.2, 0.3]
    tlayer = torch.nn.Linear(4, 3).double()
    with torch.no_grad():
        tlayer.weight.copy_(torch.tensor(layer.W.data.T))  # torch stores (out, in)
        tlayer.bias.copy_(torch.tensor(layer.b.data))
    _torch_pair(torch, layer, tlayer, np.random.default_rng(1).standard_normal((5, 4)))
    np.testing.assert_allclose(layer.W.grad, tlayer.weight.grad.numpy().T, rtol=1e-6)
    np.testing.assert_allclose(layer.b.grad, tlayer.bias.grad.numpy(), rtol=1e-6)


@pytest.mark.parametrize(
    "ours, theirs",
    [
        (ReLU, lambda nn: nn.ReLU()),
        (lambda: LeakyReLU(0.2), lambda nn: nn.LeakyReLU(0.2)),
        (lambda: ELU(0.7), lambda nn: nn.ELU(0.7)),
        (Softplus, lambda nn: nn.Softplus()),
        (lambda: Softplus(2.5), lambda nn: nn.Softplus(beta=2.5)),
        (Sigmoid, lambda nn: nn.Sigmoid()),
        (Tanh, lambda nn: nn.Tanh()),
    ],
)
def test_activations_match_torch(ours, theirs):
    torch = pytest.importorskip("torch")
    x = away_from_zero(np.random.default_rng(4), (6, 5)) * 4  # covers Softplus' linear zone
    _torch_pair(torch, ours(), theirs(torch.nn), x)


@pytest.mark.parametrize("num_parameters", [1, 5])
def test_prelu_matches_torch(num_parameters):
    torch = pytest.importorskip("torch")
    layer = PReLU(num_parameters, init=0.3)
    layer.alpha.data[...] = np.linspace(0.1, 0.5, num_parameters)
    tlayer = torch.nn.PReLU(num_parameters).double()
    with torch.no_grad():
        tlayer.weight.copy_(torch.tensor(layer.alpha.data))
    _torch_pair(torch, layer, tlayer, away_from_zero(np.random.default_rng(5), (6, 5)))
    np.testing.assert_allclose(layer.alpha.grad, tlayer.weight.grad.numpy(), rtol=1e-6)


def test_maxout_matches_torch_expression():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(6)
    layer = Maxout(4, 3, pieces=5, rng=rng)
    layer.b.data[...] = rng.standard_normal(layer.b.shape)
    W = torch.tensor(layer.W.data, requires_grad=True)
    b = torch.tensor(layer.b.data, requires_grad=True)
    _torch_pair(torch, layer, lambda t: (torch.einsum("ni,iok->nok", t, W) + b).amax(dim=2),
                rng.standard_normal((7, 4)))
    np.testing.assert_allclose(layer.W.grad, W.grad.numpy(), rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(layer.b.grad, b.grad.numpy(), rtol=1e-6, atol=1e-12)


def _grads(model) -> list[np.ndarray]:
    return [p.grad.copy() for p in model.parameters()]


def test_backward_params_adds_the_same_parameter_grads_as_backward():
    """The pass for a model fed with data: every parameter's grad, no dx, in any layer mix."""
    rng = np.random.default_rng(0)
    x, dout = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    for make in (lambda r: Linear(3, 2, rng=r),
                 lambda r: Sequential(Linear(3, 4, rng=r), ReLU(), Linear(4, 2, rng=r)),
                 lambda r: Sequential(PReLU(3), Linear(3, 2, rng=r)),
                 lambda r: Sequential()):
        full, params_only = make(np.random.default_rng(1)), make(np.random.default_rng(1))
        out = full(x)
        params_only(x)
        grad = dout if out.shape == dout.shape else np.ones_like(out)
        dx = full.backward(grad)
        assert isinstance(dx, np.ndarray) and dx.shape == x.shape
        assert params_only.backward_params(grad) is None
        for got, want in zip(_grads(params_only), _grads(full), strict=True):
            np.testing.assert_array_equal(got, want)


def test_linear_backward_params_skips_the_input_gradient():
    layer = Linear(3, 2, rng=np.random.default_rng(1))
    layer(np.ones((4, 3)))
    layer.W.data = None  # dx = dout W^T would now fail; the parameter grads need x only
    layer.backward_params(np.ones((4, 2)))
    np.testing.assert_array_equal(layer.W.grad, np.full((3, 2), 4.0))
    np.testing.assert_array_equal(layer.b.grad, np.full(2, 4.0))


def test_backward_params_runs_a_subclass_s_own_backward():
    """A Linear with a planted bug (as in notebook 06) keeps its bug in backward_params."""

    class DoubleW(Linear):
        def backward(self, dout):
            dx = super().backward(dout)
            self.W.grad *= 2
            return dx

    layer = DoubleW(3, 2, rng=np.random.default_rng(1))
    layer(np.ones((4, 3)))
    layer.backward_params(np.ones((4, 2)))
    np.testing.assert_array_equal(layer.W.grad, np.full((3, 2), 8.0))

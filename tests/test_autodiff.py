"""nnlib.autodiff.Value: every operation against finite differences and torch.autograd."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from nnlib.autodiff import Value, draw_graph, topological_order
from nnlib.toy_chain import toy_backward, toy_forward

# The elementwise functions, for Values and for floats: each case below is written once.
VALUE_OPS = SimpleNamespace(exp=Value.exp, sin=Value.sin, cos=Value.cos, tanh=Value.tanh,
                            relu=Value.relu)
FLOAT_OPS = SimpleNamespace(exp=math.exp, sin=math.sin, cos=math.cos, tanh=math.tanh,
                            relu=lambda v: max(v, 0.0))


def _diamond(a, b, m):
    """c and d both depend on a, and e on both c and d."""
    c = a * b
    d = a + c
    return c * d + m.sin(d * c)


# name -> f(a, b, ops), evaluated on a, b in (0.5, 2)
CASES = {
    "add": lambda a, b, m: a + b,
    "sub": lambda a, b, m: a - b,
    "mul": lambda a, b, m: a * b,
    "div": lambda a, b, m: a / b,
    "pow": lambda a, b, m: a**3 + b**-0.5,
    "constants": lambda a, b, m: 2 * a - 3 / b + (1 - a) + a / 4 + 5 + b * 0.5,
    "neg": lambda a, b, m: -a * b,
    "exp": lambda a, b, m: m.exp(a * b),
    "sin": lambda a, b, m: m.sin(a - b),
    "cos": lambda a, b, m: m.cos(a * b),
    "tanh": lambda a, b, m: m.tanh(a - 2 * b),
    "relu": lambda a, b, m: m.relu(a - b) + 3 * m.relu(b - a),
    "same node twice": lambda a, b, m: a * a + b,
    "diamond": _diamond,
}


def _value_and_grads(case, a, b):
    va, vb = Value(a), Value(b)
    out = CASES[case](va, vb, VALUE_OPS)
    out.backward()
    return out.data, (va.grad, vb.grad)


@pytest.mark.parametrize("case", CASES)
def test_value_matches_finite_differences(case):
    a, b = np.random.default_rng(7).uniform(0.5, 2.0, size=2)
    f = lambda a, b: CASES[case](a, b, FLOAT_OPS)  # noqa: E731
    data, grads = _value_and_grads(case, a, b)
    assert data == pytest.approx(f(a, b), rel=1e-12)
    eps = 1e-6
    numeric = ((f(a + eps, b) - f(a - eps, b)) / (2 * eps),
               (f(a, b + eps) - f(a, b - eps)) / (2 * eps))
    assert grads == pytest.approx(numeric, rel=1e-6, abs=1e-8)


def test_node_used_twice_gets_the_sum_of_its_gradients():
    x = Value(3.0)
    (x * x).backward()
    assert x.grad == 6.0
    x = Value(3.0)
    (x + x).backward()
    assert x.grad == 2.0


def test_diamond_graph_is_differentiated_in_topological_order():
    x = Value(0.3)
    a = x.exp()
    (a * 2 + a * 3).backward()
    assert x.grad == pytest.approx(5 * math.exp(0.3), rel=1e-14)


def test_topological_order_puts_every_node_after_its_parents():
    x, w = Value(1.0), Value(2.0)
    h = (x * w).sin()
    out = h * h + w
    order = topological_order(out)
    assert order[-1] is out
    assert len(order) == len({id(n) for n in order}) == 6  # x, w, x*w, sin, h*h, +
    index = {id(n): i for i, n in enumerate(order)}
    for node in order:
        assert all(index[id(p)] < index[id(node)] for p in node.parents)


def test_long_chain_does_not_hit_the_recursion_limit():
    x = Value(0.5)
    y = x
    for _ in range(5000):
        y = y * 1.0001
    y.backward()
    assert x.grad == pytest.approx(1.0001**5000, rel=1e-9)


def test_toy_chain_through_values_reproduces_toy_backward():
    rng = np.random.default_rng(3)
    beta, omega = rng.normal(size=4), rng.normal(size=4)
    x, y = 0.7, 1.3
    b, w = [Value(v) for v in beta], [Value(v) for v in omega]
    f = b[3] + w[3] * (b[2] + w[2] * (b[1] + w[1] * (b[0] + w[0] * x).sin()).exp()).cos()
    loss = (f - y) ** 2
    loss.backward()
    values = toy_forward(x, y, beta, omega)
    grads = toy_backward(x, y, omega, values)
    assert loss.data == pytest.approx(values["loss"], rel=1e-12)
    np.testing.assert_allclose([v.grad for v in b], grads["beta"], rtol=1e-12)
    np.testing.assert_allclose([v.grad for v in w], grads["omega"], rtol=1e-12)


def test_bad_operands_raise_type_error():
    with pytest.raises(TypeError, match="real number"):
        Value("3")
    with pytest.raises(TypeError):
        Value(1.0) + "a"
    with pytest.raises(TypeError):
        Value(2.0) ** Value(2.0)


def test_draw_graph_draws_one_box_per_node():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = Value(1.0)
    out = (x * 2).sin() + x
    out.backward()
    ax = draw_graph(out)
    boxes = [t for t in ax.texts if t.get_bbox_patch() is not None]
    assert len(boxes) == len(topological_order(out)) == 5
    plt.close("all")


@pytest.mark.parametrize("case", CASES)
def test_value_matches_torch_autograd(case):
    torch = pytest.importorskip("torch")
    torch_ops = SimpleNamespace(exp=torch.exp, sin=torch.sin, cos=torch.cos, tanh=torch.tanh,
                                relu=torch.relu)
    a, b = np.random.default_rng(11).uniform(0.5, 2.0, size=2)
    data, grads = _value_and_grads(case, a, b)
    ta = torch.tensor(a, dtype=torch.float64, requires_grad=True)
    tb = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    out = CASES[case](ta, tb, torch_ops)
    out.backward()
    assert data == pytest.approx(out.item(), rel=1e-12)
    assert grads == pytest.approx((ta.grad.item(), tb.grad.item()), rel=1e-12)

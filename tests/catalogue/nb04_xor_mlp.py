"""Bug catalogue of 04_xor_mlp: wrong answers lose points, other correct answers do not."""

from dataclasses import replace

from tests.notebook_runner import Bug, Correct, load_notebook

NOTEBOOK = "solutions/04_xor_mlp/04_xor_mlp.ipynb"


def _seen(bug: Bug) -> Bug:
    """The bug, also caught by the visible part of its test cells (what Validate runs)."""
    return replace(bug, visible=True)


def _calls_earlier(correct: Correct, *cells: str) -> Correct:
    """A correct answer that calls the answers of `cells`.

    The runner grades it in a namespace where every cell has run, which would hide a NameError
    of a top-to-bottom run: so check here that each of `cells` comes before it in the notebook.
    """
    order = [c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
             for c in load_notebook(NOTEBOOK)]
    late = [c for c in cells if order.index(c) > order.index(correct.cell)]
    assert not late, f"{correct.cell} calls {late}, which the notebook defines only after it"
    return correct


def _fn(name: str, args: str, body: str) -> str:
    return f"def {name}({args}):\n" + "".join(f"    {line}\n" for line in body.splitlines())


def _pair(name: str, args: str, f_body: str, grad_body: str) -> str:
    """An answer cell holding an activation and its derivative."""
    return _fn(name, args, f_body) + "\n\n" + _fn(f"{name}_grad", args, grad_body)


RELU = "return np.maximum(z, 0.0)"
LEAKY = "return np.where(z > 0, z, slope * z)"
LEAKY_GRAD = "return np.where(z > 0, 1.0, slope)"
PRELU = "return np.where(z > 0, z, slope * z)"
ELU = "return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0)))"
STABLE_SIGMOID = "e = np.exp(-np.abs(z))\nreturn np.where(z >= 0, 1 / (1 + e), e / (1 + e))"
SOFTPLUS = "return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))"

MLP = """\
def mlp_forward(X, weights, biases, activation):
    h = X
    for l, (W, b) in enumerate(zip(weights, biases)):
        h = {affine}
        if {hidden}:
            h = {act}
    return h
"""


def _mlp(affine="h @ W + b", hidden="l < len(weights) - 1", act="activation(h)") -> str:
    return MLP.format(affine=affine, hidden=hidden, act=act)


def _xor(W1: str, b1: str, W2: str, b2: str) -> str:
    return ("def xor_weights():\n"
            f"    return (np.array({W1}), np.array({b1}), np.array({W2}), np.array({b2}))\n")


FIT = """\
def fit_phi(x, y, theta):
    A = {design}
    return {solve}
"""
DESIGN = "np.column_stack([np.ones(len(x)), np.maximum(theta[:, 0] + np.outer(x, theta[:, 1]), 0)])"


def _fit(design=DESIGN, solve="np.linalg.lstsq(A, y, rcond=None)[0]") -> str:
    return FIT.format(design=design, solve=solve)


COUNT = """\
def count_linear_regions(x, weights, biases):
    h, patterns = x, []
    for W, b in zip(weights[{layers}], biases[{layers}]):
        z = h @ W + b
        patterns.append(z > 0)
        h = {next_h}
    on = np.concatenate({which}, axis=1)
    return {result}
"""


def _count(layers=":-1", next_h="np.maximum(z, 0)", which="patterns",
           result="1 + int(np.any(on[1:] != on[:-1], axis=1).sum())") -> str:
    return COUNT.format(layers=layers, next_h=next_h, which=which, result=result)


TRAIN = """\
def train_xor_mlp(rng):
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    model = {model}
    loss_fn, optimizer = BCEWithLogitsLoss(), Adam(model.parameters(), lr={lr})
    for _ in range({steps}):
        optimizer.zero_grad()
        loss_fn(model(X), y)
        model.backward(loss_fn.backward())
        {step}
    return model
"""
TANH_MODEL = ("Sequential(Linear(2, 8, init='xavier', rng=rng), Tanh(), "
              "Linear(8, 1, init='xavier', rng=rng))")


def _train(model=TANH_MODEL, lr="0.05", steps="300", step="optimizer.step()") -> str:
    return TRAIN.format(model=model, lr=lr, steps=steps, step=step)


BUGS = {
    # --- compose_linear
    "compose: first bias not passed through W2": Bug(
        "compose_linear", ("test_compose_linear",),
        _fn("compose_linear", "W1, b1, W2, b2", "return W1 @ W2, b1 + b2"), "b1 + b2"),
    "compose: first bias dropped": Bug(
        "compose_linear", ("test_compose_linear",),
        _fn("compose_linear", "W1, b1, W2, b2", "return W1 @ W2, b2"), "b = b2"),
    "compose: second bias dropped": Bug(
        "compose_linear", ("test_compose_linear",),
        _fn("compose_linear", "W1, b1, W2, b2", "return W1 @ W2, b1 @ W2"), "b = b1 W2"),
    "compose: product in the wrong order": _seen(Bug(
        "compose_linear", ("test_compose_linear",),
        _fn("compose_linear", "W1, b1, W2, b2", "return (W2.T @ W1.T), b1 @ W2 + b2"),
        "W transposed (column-vector habit)")),
    # --- shallow_net
    "shallow: phi_0 missing": Bug(
        "shallow_net", ("test_shallow_net",),
        _fn("shallow_net", "x, theta, phi, activation",
            "return activation(theta[:, 0] + np.outer(x, theta[:, 1])) @ phi[1:]"), "no bias"),
    "shallow: intercept and slope swapped": Bug(
        "shallow_net", ("test_shallow_net",),
        _fn("shallow_net", "x, theta, phi, activation",
            "return phi[0] + activation(theta[:, 1] + np.outer(x, theta[:, 0])) @ phi[1:]"),
        "theta columns swapped"),
    "shallow: activation after the sum": Bug(
        "shallow_net", ("test_shallow_net",),
        _fn("shallow_net", "x, theta, phi, activation",
            "return phi[0] + activation((theta[:, 0] + np.outer(x, theta[:, 1])) @ phi[1:])"),
        "a(sum) instead of sum of a"),
    "shallow: activation argument ignored (ReLU hard-coded)": Bug(
        "shallow_net", ("test_shallow_net",),
        _fn("shallow_net", "x, theta, phi, activation",
            "return phi[0] + np.maximum(theta[:, 0] + np.outer(x, theta[:, 1]), 0) @ phi[1:]"),
        "ignores activation"),
    "shallow: phi_0 added once per unit": Bug(
        "shallow_net", ("test_shallow_net",),
        _fn("shallow_net", "x, theta, phi, activation",
            "a = activation(theta[:, 0] + np.outer(x, theta[:, 1]))\n"
            "return (phi[0] + a * phi[1:]).sum(axis=1)"), "D * phi_0"),
    "shallow: phi misaligned (bias taken last)": Bug(
        "shallow_net", ("test_shallow_net",),
        _fn("shallow_net", "x, theta, phi, activation",
            "return phi[-1] + activation(theta[:, 0] + np.outer(x, theta[:, 1])) @ phi[:-1]"),
        "phi_0 is the first entry"),
    # --- activations
    "relu: derivative on the wrong side": Bug(
        "relu", ("test_relu",), _pair("relu", "z", RELU, "return (z < 0).astype(float)"),
        "1 for z < 0"),
    "relu: derivative 1 at the kink": _seen(Bug(
        "relu", ("test_relu",), _pair("relu", "z", RELU, "return (z >= 0).astype(float)"),
        "z >= 0: the docstring takes the z <= 0 side at z = 0")),
    "relu: derivative returns relu(z)": Bug(
        "relu", ("test_relu",), _pair("relu", "z", RELU, "return np.maximum(z, 0.0)"), "f not f'"),
    "relu: derivative is sign(z)": Bug(
        "relu", ("test_relu",), _pair("relu", "z", RELU, "return np.sign(z)"), "-1 for z < 0"),
    "relu: relu is abs": Bug(
        "relu", ("test_relu",), _pair("relu", "z", "return np.abs(z)", "return (z > 0) * 1.0"),
        "abs instead of max(z, 0)"),
    "leaky: slope on the positive side": Bug(
        "leaky_relu", ("test_leaky_relu",),
        _pair("leaky_relu", "z, slope=0.01", "return np.where(z > 0, slope * z, z)",
              "return np.where(z > 0, slope, 1.0)"), "sides swapped"),
    "leaky: derivative is 0 on the negative side": Bug(
        "leaky_relu", ("test_leaky_relu",),
        _pair("leaky_relu", "z, slope=0.01", LEAKY, "return np.where(z > 0, 1.0, 0.0)"),
        "ReLU's derivative"),
    "leaky: derivative 1 at the kink": _seen(Bug(
        "leaky_relu", ("test_leaky_relu",),
        _pair("leaky_relu", "z, slope=0.01", LEAKY, "return np.where(z >= 0, 1.0, slope)"),
        "z >= 0")),
    "leaky: derivative 1 everywhere": Bug(
        "leaky_relu", ("test_leaky_relu",),
        _pair("leaky_relu", "z, slope=0.01", LEAKY, "return np.ones_like(z)"), "identity"),
    "leaky: default slope 0.1": Bug(
        "leaky_relu", ("test_leaky_relu",),
        _pair("leaky_relu", "z, slope=0.1", LEAKY, LEAKY_GRAD), "wrong default"),
    "prelu: d/d slope is the slope": Bug(
        "prelu", ("test_prelu",),
        _pair("prelu", "z, slope", PRELU,
              "return np.where(z > 0, 1.0, slope), np.where(z > 0, 0.0, slope)"),
        "derivative in the slope confused with the slope"),
    "prelu: d/d slope is z everywhere": Bug(
        "prelu", ("test_prelu",),
        _pair("prelu", "z, slope", PRELU, "return np.where(z > 0, 1.0, slope), z"),
        "the slope does not act on the positive side"),
    "prelu: d/dz is z on the negative side": Bug(
        "prelu", ("test_prelu",),
        _pair("prelu", "z, slope", PRELU,
              "return np.where(z > 0, 1.0, z), np.where(z > 0, 0.0, z)"),
        "dz and da mixed"),
    "prelu: d/dz 1 at the kink": _seen(Bug(
        "prelu", ("test_prelu",),
        _pair("prelu", "z, slope", PRELU,
              "return np.where(z >= 0, 1.0, slope), np.where(z > 0, 0.0, z)"), "z >= 0")),
    "prelu: pair returned in the wrong order": Bug(
        "prelu", ("test_prelu",),
        _pair("prelu", "z, slope", PRELU,
              "return np.where(z > 0, 0.0, z), np.where(z > 0, 1.0, slope)"),
        "(d/d slope, d/dz)"),
    "elu: derivative alpha e^z - alpha": Bug(
        "elu", ("test_elu",),
        _pair("elu", "z, alpha=1.0", ELU,
              "return np.where(z > 0, 1.0, alpha * np.exp(np.minimum(z, 0)) - alpha)"),
        "that is elu(z) itself"),
    "elu: derivative 1 at the kink": _seen(Bug(
        "elu", ("test_elu",),
        _pair("elu", "z, alpha=1.0", ELU,
              "return np.where(z >= 0, 1.0, alpha * np.exp(np.minimum(z, 0)))"),
        "z >= 0: 1 instead of alpha at z = 0")),
    "elu: derivative 1 everywhere": Bug(
        "elu", ("test_elu",), _pair("elu", "z, alpha=1.0", ELU, "return np.ones_like(z)"),
        "ignores the negative side"),
    "elu: derivative without alpha": Bug(
        "elu", ("test_elu",),
        _pair("elu", "z, alpha=1.0", ELU, "return np.where(z > 0, 1.0, np.exp(np.minimum(z, 0)))"),
        "e^z"),
    "elu: derivative alpha on the negative side": Bug(
        "elu", ("test_elu",),
        _pair("elu", "z, alpha=1.0", ELU, "return np.where(z > 0, 1.0, alpha)"), "a constant"),
    "elu: alpha missing from elu": Bug(
        "elu", ("test_elu",),
        _pair("elu", "z, alpha=1.0", "return np.where(z > 0, z, np.expm1(np.minimum(z, 0)))",
              "return np.where(z > 0, 1.0, alpha * np.exp(np.minimum(z, 0)))"), "e^z - 1"),
    "softplus: naive log(1 + exp(z)) overflows": Bug(
        "softplus", ("test_softplus",),
        _pair("softplus", "z", "return np.log(1 + np.exp(z))", STABLE_SIGMOID),
        "overflow at z = 1000"),
    "softplus: derivative returns softplus": Bug(
        "softplus", ("test_softplus",), _pair("softplus", "z", SOFTPLUS, SOFTPLUS), "f not f'"),
    "softplus: naive sigmoid derivative overflows": Bug(
        "softplus", ("test_softplus",),
        _pair("softplus", "z", SOFTPLUS, "return np.exp(z) / (1 + np.exp(z))"),
        "inf / inf = nan at z = 1000"),
    "softplus: derivative exp(-|z|) / (1 + exp(-|z|)) for every z": _seen(Bug(
        "softplus", ("test_softplus",),
        _pair("softplus", "z", SOFTPLUS, "e = np.exp(-np.abs(z))\nreturn e / (1 + e)"),
        "the stable sigmoid's negative branch only: sigmoid(-|z|)")),
    "softplus: derivative sigma(1 - sigma)": Bug(
        "softplus", ("test_softplus",),
        _pair("softplus", "z", SOFTPLUS, STABLE_SIGMOID.replace(
            "return np.where(z >= 0, 1 / (1 + e), e / (1 + e))",
            "s = np.where(z >= 0, 1 / (1 + e), e / (1 + e))\nreturn s * (1 - s)")),
        "the sigmoid's derivative"),
    "sigmoid: derivative as sigma": Bug(
        "sigmoid", ("test_sigmoid",),
        _pair("sigmoid", "z", STABLE_SIGMOID, "return sigmoid(z)"),
        "sigma instead of sigma(1-sigma)"),
    "sigmoid: derivative as 1 - sigma": Bug(
        "sigmoid", ("test_sigmoid",),
        _pair("sigmoid", "z", STABLE_SIGMOID, "return 1 - sigmoid(z)"), "half the product"),
    "sigmoid: naive sigmoid overflows": Bug(
        "sigmoid", ("test_sigmoid",),
        _pair("sigmoid", "z", "return 1 / (1 + np.exp(-z))", "s = sigmoid(z)\nreturn s * (1 - s)"),
        "exp(1000)"),
    "tanh: derivative 1 - tanh": Bug(
        "tanh", ("test_tanh",), _pair("tanh", "z", "return np.tanh(z)", "return 1 - np.tanh(z)"),
        "square forgotten"),
    "tanh: derivative 1 - z^2": Bug(
        "tanh", ("test_tanh",), _pair("tanh", "z", "return np.tanh(z)", "return 1 - z ** 2"),
        "the input squared, not tanh"),
    "tanh: naive exp formula overflows": Bug(
        "tanh", ("test_tanh",),
        _pair("tanh", "z", "return (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))",
              "t = tanh(z)\nreturn 1 - t * t"), "inf / inf"),
    "maxout: gradient to every piece": Bug(
        "maxout", ("test_maxout",),
        "def maxout(z):\n    return z.max(axis=-1)\n\n\n"
        "def maxout_grad(z, dout):\n    return np.repeat(dout[..., None], z.shape[-1], axis=-1)\n",
        "every piece gets dout"),
    "maxout: gradient to every tied maximum": _seen(Bug(
        "maxout", ("test_maxout",),
        "def maxout(z):\n    return z.max(axis=-1)\n\n\n"
        "def maxout_grad(z, dout):\n"
        "    return (z == z.max(axis=-1, keepdims=True)) * dout[..., None]\n",
        "a mask of the max: dout counted twice in a tie")),
    "maxout: gradient to the last tied maximum": _seen(Bug(
        "maxout", ("test_maxout",),
        "def maxout(z):\n    return z.max(axis=-1)\n\n\n"
        "def maxout_grad(z, dout):\n"
        "    k = z.shape[-1]\n"
        "    dz = np.zeros_like(z)\n"
        "    last = k - 1 - z[..., ::-1].argmax(axis=-1)\n"
        "    np.put_along_axis(dz, last[..., None], dout[..., None], axis=-1)\n"
        "    return dz\n", "the docstring says the first")),
    "maxout: gradient shared equally": Bug(
        "maxout", ("test_maxout",),
        "def maxout(z):\n    return z.max(axis=-1)\n\n\n"
        "def maxout_grad(z, dout):\n"
        "    return np.repeat(dout[..., None], z.shape[-1], axis=-1) / z.shape[-1]\n",
        "averaged over the pieces"),
    "maxout: gradient to the smallest piece": Bug(
        "maxout", ("test_maxout",),
        "def maxout(z):\n    return z.max(axis=-1)\n\n\n"
        "def maxout_grad(z, dout):\n"
        "    dz = np.zeros_like(z)\n"
        "    np.put_along_axis(dz, z.argmin(axis=-1)[..., None], dout[..., None], axis=-1)\n"
        "    return dz\n", "argmin"),
    "maxout: upstream gradient ignored": Bug(
        "maxout", ("test_maxout",),
        "def maxout(z):\n    return z.max(axis=-1)\n\n\n"
        "def maxout_grad(z, dout):\n"
        "    return (z == z.max(axis=-1, keepdims=True)).astype(float)\n", "mask without dout"),
    "maxout: max over the wrong axis": Bug(
        "maxout", ("test_maxout",),
        "def maxout(z):\n    return z.max(axis=1)\n\n\n"
        "def maxout_grad(z, dout):\n"
        "    return (z == z.max(axis=-1, keepdims=True)) * dout[..., None]\n", "axis 1"),
    # --- mlp_forward
    "mlp: biases missing": Bug(
        "mlp_forward", ("test_mlp_forward",), _mlp(affine="h @ W"), "no bias"),
    "mlp: no activation on the hidden layers": _seen(Bug(
        "mlp_forward", ("test_mlp_forward",), _mlp(hidden="False"), "a linear stack")),
    "mlp: activation on the output too": _seen(Bug(
        "mlp_forward", ("test_mlp_forward",), _mlp(hidden="True"), "output squashed")),
    "mlp: activation on the first layer only": _seen(Bug(
        "mlp_forward", ("test_mlp_forward",), _mlp(hidden="l == 0"),
        "deeper hidden layers linear")),
    "mlp: ReLU hard-coded": Bug(
        "mlp_forward", ("test_mlp_forward",), _mlp(act="np.maximum(h, 0)"), "activation ignored"),
    "mlp: bias added before the product": Bug(
        "mlp_forward", ("test_mlp_forward",), _mlp(affine="(h + b) @ W"), "x + b then W"),
    "mlp: weights transposed": _seen(Bug(
        "mlp_forward", ("test_mlp_forward",), _mlp(affine="h @ W.T + b"), "torch layout")),
    "mlp: middle layers skipped": _seen(Bug(
        "mlp_forward", ("test_mlp_forward",),
        "def mlp_forward(X, weights, biases, activation):\n"
        "    if len(weights) == 1:\n        return X @ weights[0] + biases[0]\n"
        "    h = activation(X @ weights[0] + biases[0])\n"
        "    return h @ weights[-1] + biases[-1]\n", "only one hidden layer")),
    # --- xor_weights
    "xor: right side of 1/2 but not exact": Bug(
        "xor_weights", ("test_xor_weights",),
        _xor("[[1.0, 1.0], [1.0, 1.0]]", "[0.0, -1.0]", "[[0.9], [-1.8]]", "[0.05]"),
        "only classifies by accident of a threshold"),
    "xor: hidden bias sign flipped": Bug(
        "xor_weights", ("test_xor_weights",),
        _xor("[[1.0, 1.0], [1.0, 1.0]]", "[0.0, 1.0]", "[[1.0], [-2.0]]", "[0.0]"), "+1"),
    "xor: output weight -1 instead of -2": Bug(
        "xor_weights", ("test_xor_weights",),
        _xor("[[1.0, 1.0], [1.0, 1.0]]", "[0.0, -1.0]", "[[1.0], [-1.0]]", "[0.0]"), "(1,1) -> 1"),
    "xor: no hidden bias": Bug(
        "xor_weights", ("test_xor_weights",),
        _xor("[[1.0, 1.0], [1.0, 1.0]]", "[0.0, 0.0]", "[[1.0], [-2.0]]", "[0.0]"),
        "both units equal"),
    "xor: W2 flat": Bug(
        "xor_weights", ("test_xor_weights",),
        _xor("[[1.0, 1.0], [1.0, 1.0]]", "[0.0, -1.0]", "[1.0, -2.0]", "[0.0]"), "shape (H,)"),
    # --- fit_phi
    "fit_phi: no column of ones": Bug(
        "fit_phi", ("test_fit_phi",),
        _fit(design="np.maximum(theta[:, 0] + np.outer(x, theta[:, 1]), 0)"), "phi_0 missing"),
    "fit_phi: inverse of A^T A": Bug(
        "fit_phi", ("test_fit_phi",), _fit(solve="np.linalg.inv(A.T @ A) @ A.T @ y"),
        "singular when units coincide"),
    "fit_phi: solve on the normal equations": Bug(
        "fit_phi", ("test_fit_phi",), _fit(solve="np.linalg.solve(A.T @ A, A.T @ y)"), "singular"),
    "fit_phi: lstsq tuple returned": Bug(
        "fit_phi", ("test_fit_phi",), _fit(solve="np.linalg.lstsq(A, y, rcond=None)"),
        "forgot [0]"),
    "fit_phi: tanh units": Bug(
        "fit_phi", ("test_fit_phi",),
        _fit(design="np.column_stack([np.ones(len(x)), np.tanh(theta[:, 0] + "
                    "np.outer(x, theta[:, 1]))])"), "wrong activation"),
    # --- count_linear_regions
    "regions: last hidden layer only": _seen(Bug(
        "count_linear_regions", ("test_count_linear_regions",), _count(which="patterns[-1:]"),
        "misses changes of earlier layers")),
    "regions: first hidden layer only": _seen(Bug(
        "count_linear_regions", ("test_count_linear_regions",), _count(which="patterns[:1]"),
        "a shallow count")),
    "regions: output unit counted": _seen(Bug(
        "count_linear_regions", ("test_count_linear_regions",), _count(layers=":"),
        "the output's sign is not a ReLU unit")),
    "regions: number of changes, not of regions": Bug(
        "count_linear_regions", ("test_count_linear_regions",),
        _count(result="int(np.any(on[1:] != on[:-1], axis=1).sum())"), "off by one"),
    "regions: no ReLU between layers": _seen(Bug(
        "count_linear_regions", ("test_count_linear_regions",), _count(next_h="z"),
        "patterns of a linear stack")),
    # --- train_xor_mlp
    "train: no nonlinearity": Bug(
        "train_xor_mlp", ("test_train_xor_mlp",),
        _train(model="Sequential(Linear(2, 8, rng=rng), Linear(8, 1, rng=rng))"),
        "a linear model cannot do XOR"),
    "train: one hidden unit": Bug(
        "train_xor_mlp", ("test_train_xor_mlp",),
        _train(model="Sequential(Linear(2, 1, rng=rng), Tanh(), Linear(1, 1, rng=rng))"),
        "a monotone function of one projection"),
    "train: zero initialisation": Bug(
        "train_xor_mlp", ("test_train_xor_mlp",),
        _train(model="Sequential(Linear(2, 8, init='zeros', rng=rng), Tanh(), "
                     "Linear(8, 1, init='zeros', rng=rng))"), "symmetry never broken"),
    "train: optimizer step forgotten": Bug(
        "train_xor_mlp", ("test_train_xor_mlp",), _train(step="pass"), "never updates"),
    "train: far too few steps": Bug(
        "train_xor_mlp", ("test_train_xor_mlp",), _train(steps="5"), "not trained"),
    "train: learning rate far too small": Bug(
        "train_xor_mlp", ("test_train_xor_mlp",), _train(lr="1e-5"), "barely moves"),
    "train: sigmoid on the output": Bug(
        "train_xor_mlp", ("test_train_xor_mlp",),
        _train(model=TANH_MODEL[:-1] + ", Sigmoid())").replace(
            "def train_xor_mlp(rng):\n",
            "def train_xor_mlp(rng):\n    from nnlib.layers import Sigmoid\n"),
        "returns probabilities, not logits"),
}

CORRECT = {
    "compose: einsum and transposed product": Correct(
        "compose_linear",
        "def compose_linear(W1, b1, W2, b2):\n"
        "    return np.einsum('ij,jk->ik', W1, W2), W2.T @ b1 + b2\n", "einsum"),
    "shallow: loop over the units": Correct(
        "shallow_net",
        "def shallow_net(x, theta, phi, activation):\n"
        "    y = np.full(len(x), float(phi[0]))\n"
        "    for d, (t0, t1) in enumerate(theta):\n"
        "        y = y + phi[d + 1] * activation(t0 + t1 * x)\n"
        "    return y\n", "a loop"),
    "relu: z * mask and heaviside": Correct(
        "relu", _pair("relu", "z", "return z * (z > 0)", "return np.heaviside(z, 0.0)"),
        "heaviside with 0 at the kink"),
    "leaky: maximum form": Correct(
        "leaky_relu", _pair("leaky_relu", "z, slope=0.01", "return np.maximum(z, slope * z)",
                            "return 1.0 * (z > 0) + slope * (z <= 0)"), "max(z, s z) for s < 1"),
    "prelu: masks": Correct(
        "prelu",
        _pair("prelu", "z, slope", "pos = z > 0\nreturn z * pos + slope * z * ~pos",
              "neg = (z <= 0).astype(float)\nreturn 1 - neg + slope * neg, z * neg"),
        "arithmetic masks"),
    "elu: plain exp, derivative from elu": Correct(
        "elu",
        _pair("elu", "z, alpha=1.0", "return np.where(z > 0, z, alpha * (np.exp(z) - 1))",
              "return np.where(z > 0, 1.0, elu(z, alpha) + alpha)"), "f' = f + alpha for z < 0"),
    "softplus: logaddexp and tanh": Correct(
        "softplus",
        _pair("softplus", "z", "return np.logaddexp(0.0, z)", "return 0.5 * (1 + np.tanh(z / 2))"),
        "library functions"),
    "softplus: derivative from your sigmoid": _calls_earlier(Correct(
        "softplus", _pair("softplus", "z", SOFTPLUS, "return sigmoid(z)"),
        "softplus' = sigmoid, as the table says"), "sigmoid"),
    "sigmoid: tanh form, derivative in exp(-|z|)": Correct(
        "sigmoid",
        _pair("sigmoid", "z", "return 0.5 * (1 + np.tanh(z / 2))",
              "e = np.exp(-np.abs(z))\nreturn e / (1 + e) ** 2"), "closed forms"),
    "tanh: from the sigmoid": Correct(
        "tanh",
        _pair("tanh", "z", "e = np.exp(-2 * np.abs(z))\nreturn np.sign(z) * (1 - e) / (1 + e)",
              "t = tanh(z)\nreturn (1 - t) * (1 + t)"), "exp(-2|z|) form"),
    "maxout: loops": Correct(
        "maxout",
        "def maxout(z):\n"
        "    out = np.empty(z.shape[:-1])\n"
        "    for idx in np.ndindex(*z.shape[:-1]):\n"
        "        out[idx] = max(z[idx])\n"
        "    return out\n\n\n"
        "def maxout_grad(z, dout):\n"
        "    dz = np.zeros(z.shape)\n"
        "    for idx in np.ndindex(*z.shape[:-1]):\n"
        "        dz[idx + (int(np.argmax(z[idx])),)] = dout[idx]\n"
        "    return dz\n", "loops"),
    "maxout: first maximum by a cumulative mask": Correct(
        "maxout",
        "def maxout(z):\n    return np.max(z, axis=-1)\n\n\n"
        "def maxout_grad(z, dout):\n"
        "    is_max = z == z.max(axis=-1, keepdims=True)\n"
        "    first = is_max & (np.cumsum(is_max, axis=-1) == 1)\n"
        "    return first * dout[..., None]\n", "the first True of the max mask"),
    "mlp: recursion": Correct(
        "mlp_forward",
        "def mlp_forward(X, weights, biases, activation):\n"
        "    z = X @ weights[0] + biases[0]\n"
        "    if len(weights) == 1:\n        return z\n"
        "    return mlp_forward(activation(z), weights[1:], biases[1:], activation)\n",
        "recursive"),
    "xor: one unit per case, three units": Correct(
        "xor_weights",
        _xor("[[1.0, -1.0, 0.0], [-1.0, 1.0, 0.0]]", "[0.0, 0.0, 0.0]", "[[1.0], [1.0], [5.0]]",
             "[0.0]"), "relu(x1 - x2) + relu(x2 - x1), a dead third unit"),
    "fit_phi: pseudo-inverse": Correct(
        "fit_phi", _fit(solve="np.linalg.pinv(A) @ y"), "pinv"),
    "regions: post-activations and distinct patterns": Correct(
        "count_linear_regions",
        "def count_linear_regions(x, weights, biases):\n"
        "    h, cols = x, []\n"
        "    for W, b in list(zip(weights, biases))[:-1]:\n"
        "        h = np.maximum(h @ W + b, 0)\n"
        "        cols.append(h > 0)\n"
        "    return len(np.unique(np.hstack(cols), axis=0))\n",
        "a pattern holds on a convex set, so distinct patterns = runs along a line"),
    "train: ReLU net with nnlib.train.fit": Correct(
        "train_xor_mlp",
        "def train_xor_mlp(rng):\n"
        "    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])\n"
        "    y = np.array([[0.0], [1.0], [1.0], [0.0]])\n"
        "    model = Sequential(Linear(2, 16, rng=rng), ReLU(), Linear(16, 1, rng=rng))\n"
        "    fit(model, BCEWithLogitsLoss(), Adam(model.parameters(), lr=0.03), X, y,\n"
        "        epochs=400, batch_size=4, rng=rng, progress=False)\n"
        "    return model\n", "ReLU, 16 units, the fit loop"),
}

"""Bug catalogue of 06_gradient_checking: plausible wrong answers, and other correct ones.

Most entries are the solution cell with one line changed (`_edit`), so each shows exactly
the mistake it stands for; whole rewrites are used for the other correct answers.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from tests.notebook_runner import Bug, Correct, edited, edited_bug

NOTEBOOK = "solutions/06_gradient_checking/06_gradient_checking.ipynb"

_edit = partial(edited, NOTEBOOK)
_bug = partial(edited_bug, NOTEBOOK)


def _seen(bug: Bug) -> Bug:
    """The bug, also caught by the visible part of its test cells (what Validate runs)."""
    return replace(bug, visible=True)


NG, RE, CM = "numerical_gradient", "relative_error", "check_module"

BUGS = {
    # -- numerical_gradient -------------------------------------------------------------------
    "numerical_gradient: one-sided difference": _seen(_bug(
        NG, "test_numerical_gradient", "(f(x + eps) - f(x)) / eps, error O(eps)",
        ("x[i] = old - eps\n        f_minus = f(x)", "x[i] = old\n        f_minus = f(x)"),
        ("grad[i] = (f_plus - f_minus) / (2 * eps)", "grad[i] = (f_plus - f_minus) / eps"))),
    "numerical_gradient: entry not restored": _seen(_bug(
        NG, "test_numerical_gradient", "x[i] left at old - eps",
        ("        x[i] = old\n        grad[i]", "        grad[i]"))),
    "numerical_gradient: restored only at the end": _seen(_bug(
        NG, "test_numerical_gradient", "entries restored after the loop: later ones see shifted x",
        ("    grad = np.zeros(x.shape, dtype=np.float64)\n",
         "    grad = np.zeros(x.shape, dtype=np.float64)\n    saved = x.copy()\n"),
        ("        x[i] = old\n        grad[i]", "        grad[i]"),
        ("    return grad", "    x[...] = saved\n    return grad"))),
    "numerical_gradient: float32": _seen(_bug(
        NG, "test_numerical_gradient", "the gradient stored in float32",
        ("grad = np.zeros(x.shape, dtype=np.float64)",
         "grad = np.zeros(x.shape, dtype=np.float32)"))),
    "numerical_gradient: eps hard-coded": _seen(_bug(
        NG, "test_numerical_gradient", "a fixed step 1e-5 ignores the eps argument",
        ("    grad = np.zeros(x.shape, dtype=np.float64)\n",
         "    grad = np.zeros(x.shape, dtype=np.float64)\n    eps = 1e-5\n"))),
    "numerical_gradient: first axis only": _seen(_bug(
        NG, "test_numerical_gradient", "x[i] for i in range(len(x)) perturbs whole rows",
        ("for i in np.ndindex(x.shape):", "for i in range(x.shape[0]):"))),
    "numerical_gradient: perturbs a copy": _seen(_bug(
        NG, "test_numerical_gradient", "f(x) with a copy: a closure over x sees nothing",
        ("    grad = np.zeros(x.shape, dtype=np.float64)\n",
         "    grad = np.zeros(x.shape, dtype=np.float64)\n    x = x.copy()\n"))),
    "numerical_gradient: missing factor 2": _seen(_bug(
        NG, "test_numerical_gradient", "centered difference divided by eps",
        ("grad[i] = (f_plus - f_minus) / (2 * eps)", "grad[i] = (f_plus - f_minus) / eps"))),
    # -- relative_error -----------------------------------------------------------------------
    "relative_error: absolute error": _seen(_bug(
        RE, "test_relative_error", "||a - n|| is not scale-free",
        ("return float(np.linalg.norm(a - n) / scale)", "return float(np.linalg.norm(a - n))"))),
    "relative_error: entrywise maximum": _seen(_bug(
        RE, "test_relative_error", "max_i |a_i - n_i| / max(|a_i|, |n_i|): tiny entries dominate",
        ("return float(np.linalg.norm(a - n) / scale)",
         "a, n = np.asarray(a, dtype=float), np.asarray(n, dtype=float)\n"
         "    d = np.maximum(np.abs(a), np.abs(n))\n"
         "    return float(np.max(np.abs(a - n)[d > 0] / d[d > 0]))"))),
    "relative_error: divides by ||a|| only": _seen(_bug(
        RE, "test_relative_error", "0 analytic gradient: division by zero",
        ("scale = max(np.linalg.norm(a), np.linalg.norm(n))", "scale = np.linalg.norm(a)"),
        ("    if scale == 0:\n        return 0.0\n", ""))),
    "relative_error: no guard for two zero gradients": _seen(_bug(
        RE, "test_relative_error", "0 / 0 = nan",
        ("    if scale == 0:\n        return 0.0\n", ""))),
    "relative_error: norms per row": _seen(_bug(
        RE, "test_relative_error", "one error per row instead of one number",
        ("scale = max(np.linalg.norm(a), np.linalg.norm(n))",
         "scale = np.maximum(np.linalg.norm(a, axis=-1), np.linalg.norm(n, axis=-1))"),
        ("    if scale == 0:\n        return 0.0\n", ""),
        ("return float(np.linalg.norm(a - n) / scale)",
         "return np.linalg.norm(a - n, axis=-1) / scale"))),
    # -- check_module -------------------------------------------------------------------------
    "check_module: input forgotten": _seen(_bug(
        CM, "test_check_module", "no 'x' entry: dx is never checked",
        ('errors = {"x": relerr(dx, numgrad(loss, x, eps))}', "errors = {}"))),
    "check_module: first parameter only": _seen(_bug(
        CM, "test_check_module", "only W is checked, b (and deeper layers) never",
        ("for name, p in module.named_parameters():",
         "for name, p in list(module.named_parameters())[:1]:"))),
    "check_module: no zero_grad": _seen(_bug(
        CM, "test_check_module", "stale gradients in .grad are added to the analytic ones",
        ("    module.zero_grad()\n", ""))),
    "check_module: upstream gradient of ones": _bug(
        CM, "test_check_module", "a backward pass that ignores dout passes",
        ("g = rng.standard_normal(np.shape(out))", "g = np.ones(np.shape(out))")),
    "check_module: eps not passed on": _bug(
        CM, "test_check_module", "numerical_gradient always uses its default step",
        ("numgrad(loss, x, eps)", "numgrad(loss, x)"),
        ("numgrad(loss, p.data, eps)", "numgrad(loss, p.data)")),
    "check_module: perturbs copies of the parameters": _seen(_bug(
        CM, "test_check_module", "p.data.copy(): the module never sees the perturbation",
        ("numgrad(loss, p.data, eps)", "numgrad(loss, p.data.copy(), eps)"))),
    "check_module: ignores the numgrad it is given": _bug(
        CM, "test_check_module", "always the student's own numerical_gradient: its bugs would count twice",
        ("numgrad(loss, x, eps)", "numerical_gradient(loss, x, eps)"),
        ("numgrad(loss, p.data, eps)", "numerical_gradient(loss, p.data, eps)")),
    "check_module: perturbs the caller's x": _bug(
        CM, "test_check_module", "no copy: a numgrad that does not restore what it perturbs changes the caller's x",
        ("    x = x.copy()\n", "")),
    "check_module: another default seed": _bug(
        CM, "test_check_module", "the docstring promises np.random.default_rng(0) when rng is None",
        ("rng = np.random.default_rng(0) if rng is None else rng", "rng = np.random.default_rng(1) if rng is None else rng")),
    # -- the planted bugs, not (or wrongly) fixed ---------------------------------------------
    "FixedSigmoid: bug left in": _seen(_bug(
        "FixedSigmoid", "test_FixedSigmoid", "sigmoid applied to the saved output again",
        ("return dout * self.out * (1 - self.out)",
         "return dout * sigmoid(self.out) * (1 - sigmoid(self.out))"))),
    "FixedSigmoid: forgets 1 - s": _seen(_bug(
        "FixedSigmoid", "test_FixedSigmoid", "dx = dout * s",
        ("return dout * self.out * (1 - self.out)", "return dout * self.out"))),
    "FixedSigmoid: local derivative only": _seen(_bug(
        "FixedSigmoid", "test_FixedSigmoid", "dout not multiplied in",
        ("return dout * self.out * (1 - self.out)", "return self.out * (1 - self.out)"))),
    "FixedLinear: bug left in": _seen(_bug(
        "FixedLinear", "test_FixedLinear", "bias gradient averaged over the batch",
        ("self.b.grad += dout.sum(axis=0)", "self.b.grad += dout.mean(axis=0)"))),
    "FixedLinear: bias fixed with =": _bug(
        "FixedLinear", "test_FixedLinear", "overwrites b.grad: passes a single check, breaks ADD",
        ("self.b.grad += dout.sum(axis=0)", "self.b.grad = dout.sum(axis=0)")),
    "FixedLinear: dx without the transpose": _seen(_bug(
        "FixedLinear", "test_FixedLinear", "dout @ W: a raw shape error unless in == out",
        ("return dout @ self.W.data.T", "return dout @ self.W.data"))),
    "FixedLinear: W.grad transposed": _seen(_bug(
        "FixedLinear", "test_FixedLinear", "dout.T @ x has W's shape transposed",
        ("self.W.grad += self.x.T @ dout", "self.W.grad += dout.T @ self.x"))),
    "FixedLinear: everything divided by N": _seen(_bug(
        "FixedLinear", "test_FixedLinear", "'consistent' averaging: W and b both wrong",
        ("self.W.grad += self.x.T @ dout", "self.W.grad += self.x.T @ dout / len(dout)"),
        ("self.b.grad += dout.sum(axis=0)", "self.b.grad += dout.mean(axis=0)"))),
    "FixedLayerNorm: bug left in": _seen(_bug(
        "FixedLayerNorm", "test_FixedLayerNorm", "mean and std treated as constants",
        ("        g = dout * self.gamma.data\n        return (g - g.mean(axis=1, keepdims=True)\n"
         "                - self.x_hat * np.mean(g * self.x_hat, axis=1, keepdims=True))"
         " / self.std",
         "        return dout * self.gamma.data / self.std"))),
    "FixedLayerNorm: mean term only": _seen(_bug(
        "FixedLayerNorm", "test_FixedLayerNorm", "the dependence of sigma on x forgotten",
        ("\n                - self.x_hat * np.mean(g * self.x_hat, axis=1, keepdims=True))"
         " / self.std",
         ") / self.std"))),
    "FixedLayerNorm: variance term only": _seen(_bug(
        "FixedLayerNorm", "test_FixedLayerNorm", "the dependence of mu on x forgotten",
        ("(g - g.mean(axis=1, keepdims=True)\n                - self.x_hat",
         "(g - self.x_hat"))),
    "FixedLayerNorm: means over the batch": _seen(_bug(
        "FixedLayerNorm", "test_FixedLayerNorm", "axis=0 (batch norm's axis) instead of each row",
        ("(g - g.mean(axis=1, keepdims=True)", "(g - g.mean(axis=0, keepdims=True)"),
        ("np.mean(g * self.x_hat, axis=1, keepdims=True)",
         "np.mean(g * self.x_hat, axis=0, keepdims=True)"))),
    "FixedLayerNorm: gamma forgotten in dx": _seen(_bug(
        "FixedLayerNorm", "test_FixedLayerNorm", "g = dout instead of dout * gamma",
        ("g = dout * self.gamma.data", "g = dout"))),
}

CORRECT = {
    "numerical_gradient: flat iterator, float division": Correct(
        cell=NG,
        source='''
def numerical_gradient(f, x, eps=1e-6):
    grad = np.empty_like(x, dtype=float)
    for k in range(x.size):
        keep = x.flat[k]
        x.flat[k] = keep + eps
        up = float(f(x))
        x.flat[k] = keep - eps
        down = float(f(x))
        x.flat[k] = keep
        grad.flat[k] = 0.5 * (up - down) / eps
    return grad
''',
        why="x.flat works for every shape; 0.5 * (up - down) / eps"),
    "numerical_gradient: nditer with multi_index and try/finally": Correct(
        cell=NG,
        source='''
def numerical_gradient(f, x, eps=1e-6):
    grad = np.zeros_like(x, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"])
    while not it.finished:
        i = it.multi_index
        old = x[i].copy()
        try:
            x[i] = old + eps
            fp = f(x)
            x[i] = old - eps
            fm = f(x)
        finally:
            x[i] = old
        grad[i] = (fp - fm) / (2 * eps)
        it.iternext()
    return grad
''',
        why="cs231n-style nditer loop, restores even if f raises"),
    "relative_error: sqrt of sums of squares": Correct(
        cell=RE,
        source='''
def relative_error(a, n):
    a, n = np.asarray(a, dtype=np.float64), np.asarray(n, dtype=np.float64)
    num = np.sqrt(np.sum((a - n) ** 2))
    den = max(np.sqrt(np.sum(a * a)), np.sqrt(np.sum(n * n)))
    return 0.0 if den == 0 else float(num / den)
''',
        why="norms written out"),
    "check_module: parameters first, own rng default": Correct(
        cell=CM,
        source='''
def check_module(module, x, *, eps=1e-6, rng=None, numgrad=None, relerr=None):
    numgrad = numerical_gradient if numgrad is None else numgrad
    relerr = relative_error if relerr is None else relerr
    if rng is None:
        rng = np.random.default_rng(0)
    x_work = np.array(x, dtype=np.float64, copy=True)
    g = rng.normal(size=np.shape(module.forward(x_work)))

    def scalar(_):
        return np.sum(module.forward(x_work) * g)

    for p in module.parameters():
        p.zero_grad()
    module.forward(x_work)
    dx = module.backward(g)
    result = {}
    for name, p in module.named_parameters():
        result[name] = relerr(p.grad.copy(), numgrad(scalar, p.data, eps=eps))
    result["x"] = relerr(dx, numgrad(scalar, x_work, eps=eps))
    return result
''',
        why="zeroes each parameter, checks parameters before the input, rng.normal"),
    "FixedSigmoid: recomputed from the input": Correct(
        cell="FixedSigmoid",
        source='''
class FixedSigmoid(BuggySigmoid):
    def forward(self, x):
        self.x = x
        return super().forward(x)

    def backward(self, dout):
        s = 1 / (1 + np.exp(-self.x))
        return dout * (s - s * s)
''',
        why="keeps x as well and recomputes sigmoid in backward"),
    "FixedLinear: ones-vector sum and einsum": Correct(
        cell="FixedLinear",
        source='''
class FixedLinear(BuggyLinear):
    def backward(self, dout):
        self.W.grad += np.einsum("ni,no->io", self.x, dout)
        self.b.grad += np.ones(dout.shape[0]) @ dout
        return np.einsum("no,io->ni", dout, self.W.data)
''',
        why="einsum for the products, a ones vector for the bias sum"),
    "FixedLayerNorm: sums instead of means": Correct(
        cell="FixedLayerNorm",
        source='''
class FixedLayerNorm(BuggyLayerNorm):
    def backward(self, dout):
        d = dout.shape[1]
        self.beta.grad += dout.sum(axis=0)
        self.gamma.grad += (dout * self.x_hat).sum(axis=0)
        g = self.gamma.data * dout
        s1 = g.sum(axis=1, keepdims=True)
        s2 = (g * self.x_hat).sum(axis=1, keepdims=True)
        return (d * g - s1 - self.x_hat * s2) / (d * self.std)
''',
        why="the same formula with row sums and a common factor 1 / (D sigma)"),
    "FixedLayerNorm: explicit Jacobian per row": Correct(
        cell="FixedLayerNorm",
        source='''
class FixedLayerNorm(BuggyLayerNorm):
    def backward(self, dout):
        n, d = dout.shape
        self.gamma.grad += np.sum(dout * self.x_hat, axis=0)
        self.beta.grad += np.sum(dout, axis=0)
        dx = np.empty_like(dout)
        for r in range(n):
            xh = self.x_hat[r]
            jac = (np.eye(d) - 1.0 / d - np.outer(xh, xh) / d) / self.std[r, 0]
            dx[r] = jac.T @ (dout[r] * self.gamma.data)
        return dx
''',
        why="the D x D Jacobian of x_hat built for each row"),
}

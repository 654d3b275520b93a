"""Bug catalogue of 05_backprop: plausible wrong answers, and other correct ones.

Most entries are the solution cell with one line changed (`_edit`), so each shows exactly
the mistake it stands for; whole rewrites are used for the other correct answers.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from tests.notebook_runner import Bug, Correct, edited, edited_bug

NOTEBOOK = "solutions/05_backprop/05_backprop.ipynb"

_edit = partial(edited, NOTEBOOK)
_bug = partial(edited_bug, NOTEBOOK)


def _seen(bug: Bug) -> Bug:
    """The bug, also caught by the visible part of its test cells (what Validate runs)."""
    return replace(bug, visible=True)


BUGS = {
    # -- toy_forward --------------------------------------------------------------------------
    "toy_forward: sin and cos swapped": _bug(
        "toy_forward", "test_toy_forward", "h1 = cos(f0), h3 = sin(f2)",
        ('v["h1"] = np.sin(v["f0"])', 'v["h1"] = np.cos(v["f0"])'),
        ('v["h3"] = np.cos(v["f2"])', 'v["h3"] = np.sin(v["f2"])')),
    "toy_forward: half squared error": _bug(
        "toy_forward", "test_toy_forward", "loss = (f3 - y)^2 / 2, another convention",
        ('v["loss"] = (v["f3"] - y) ** 2', 'v["loss"] = 0.5 * (v["f3"] - y) ** 2')),
    "toy_forward: beta1 forgotten": _bug(
        "toy_forward", "test_toy_forward", "f1 = omega1 h1 without its offset",
        ('v["f1"] = beta[1] + omega[1] * v["h1"]', 'v["f1"] = omega[1] * v["h1"]')),
    "toy_forward: intermediates overwritten": _bug(
        "toy_forward", "test_toy_forward", "one running variable: h1 stores f1's value",
        ('v["f1"] = beta[1] + omega[1] * v["h1"]',
         'v["f1"] = beta[1] + omega[1] * v["h1"]\n    v["h1"] = v["f1"]')),
    # -- toy_backward -------------------------------------------------------------------------
    "toy_backward: cos derivative with the wrong sign": _bug(
        "toy_backward", "test_toy_backward", "d cos(f2)/d f2 = +sin(f2)",
        ('d["f2"] = d["h3"] * -np.sin(v["f2"])', 'd["f2"] = d["h3"] * np.sin(v["f2"])')),
    "toy_backward: exp derivative taken as its input": _bug(
        "toy_backward", "test_toy_backward", "d exp(f1)/d f1 = f1",
        ('d["f1"] = d["h2"] * v["h2"]', 'd["f1"] = d["h2"] * v["f1"]')),
    "toy_backward: sin derivative as -cos": _bug(
        "toy_backward", "test_toy_backward", "d sin(f0)/d f0 = -cos(f0)",
        ('d["f0"] = d["h1"] * np.cos(v["f0"])', 'd["f0"] = -d["h1"] * np.cos(v["f0"])')),
    "toy_backward: missing factor 2": _bug(
        "toy_backward", "test_toy_backward", "d/df3 (f3 - y)^2 = f3 - y",
        ('d = {"f3": 2 * (v["f3"] - y)}', 'd = {"f3": v["f3"] - y}')),
    "toy_backward: local derivative without upstream": _bug(
        "toy_backward", "test_toy_backward", "d loss/d h2 = omega2 (chain not multiplied)",
        ('d["h2"] = d["f2"] * omega[2]', 'd["h2"] = omega[2]')),
    "toy_backward: omega gradient uses the step's output": _bug(
        "toy_backward", "test_toy_backward", "d loss/d omega_k = d loss/d f_k * f_k",
        ('d["f1"] * v["h1"], d["f2"] * v["h2"], d["f3"] * v["h3"]',
         'd["f1"] * v["f1"], d["f2"] * v["f2"], d["f3"] * v["f3"]')),
    "toy_backward: omega0 forgets x": _bug(
        "toy_backward", "test_toy_backward", "d loss/d omega0 = d loss/d f0",
        ('d["f0"] * x, d["f1"]', 'd["f0"], d["f1"]')),
    # -- Linear -------------------------------------------------------------------------------
    "Linear: forward without bias": _bug(
        "Linear", "test_Linear_forward", "y = x @ W",
        ("return x @ self.W.data + self.b.data", "return x @ self.W.data")),
    "Linear: forward with W transposed": _bug(
        "Linear", "test_Linear_forward", "y = x @ W.T + b (PyTorch's layout)",
        ("return x @ self.W.data + self.b.data", "return x @ self.W.data.T + self.b.data")),
    "Linear: dW transposed": _bug(
        "Linear", "test_Linear_backward", "W.grad += dout.T @ x, (out, in) instead of (in, out)",
        ("self.W.grad += self.x.T @ dout", "self.W.grad += dout.T @ self.x")),
    "Linear: missing bias gradient": _bug(
        "Linear", "test_Linear_backward", "b.grad never updated",
        ("        self.b.grad += dout.sum(axis=0)\n", "")),
    "Linear: gradients overwritten instead of accumulated": _bug(
        "Linear", "test_Linear_backward", "W.grad = ..., b.grad = ... (breaks the ADD contract)",
        ("self.W.grad += self.x.T @ dout", "self.W.grad = self.x.T @ dout"),
        ("self.b.grad += dout.sum(axis=0)", "self.b.grad = dout.sum(axis=0)")),
    "Linear: gradients averaged over the batch": _bug(
        "Linear", "test_Linear_backward", "the 1/N applied again inside the layer",
        ("self.W.grad += self.x.T @ dout", "self.W.grad += self.x.T @ dout / len(dout)"),
        ("self.b.grad += dout.sum(axis=0)", "self.b.grad += dout.mean(axis=0)")),
    "Linear: dx without the transpose": _bug(
        "Linear", "test_Linear_backward", "dx = dout @ W (only runs for square W)",
        ("return dout @ self.W.data.T", "return dout @ self.W.data")),
    "Linear: bias gradient averaged": _bug(
        "Linear", "test_Linear_backward", "b.grad += dout.mean(axis=0)",
        ("self.b.grad += dout.sum(axis=0)", "self.b.grad += dout.mean(axis=0)")),
    "Linear: backward uses the first input seen": _seen(_bug(
        "Linear", "test_Linear_backward", "x saved only once, stale after the next forward",
        ("self.x = x\n", "self.x = x if self.x is None else self.x\n"))),
    # -- ReLU ---------------------------------------------------------------------------------
    "ReLU: gradient 1 at x = 0": _bug(
        "ReLU", "test_ReLU", "mask x >= 0",
        ("return dout * (self.x > 0)", "return dout * (self.x >= 0)")),
    "ReLU: gated by the sign of dout": _bug(
        "ReLU", "test_ReLU", "mask dout > 0 instead of x > 0",
        ("return dout * (self.x > 0)", "return dout * (dout > 0)")),
    "ReLU: returns the mask": _bug(
        "ReLU", "test_ReLU", "the local derivative without the upstream gradient",
        ("return dout * (self.x > 0)", "return (self.x > 0).astype(float)")),
    "ReLU: zeroes dout in place": _seen(_bug(
        "ReLU", "test_ReLU", "dout[x <= 0] = 0 modifies the caller's array",
        ("return dout * (self.x > 0)", "dout[self.x <= 0] = 0\n        return dout"))),
    # -- softmax_cross_entropy ----------------------------------------------------------------
    "softmax CE: no max subtraction": _seen(_bug(
        "softmax_cross_entropy", "test_softmax_cross_entropy",
        "exp(1000) overflows to inf, then nan",
        ("shifted = logits - logits.max(axis=1, keepdims=True)", "shifted = logits"))),
    "softmax CE: the batch's max subtracted": _bug(
        "softmax_cross_entropy", "test_softmax_cross_entropy",
        "one max for all rows: a row of small logits underflows next to a row of 1000s",
        ("logits.max(axis=1, keepdims=True)", "logits.max()")),
    "softmax CE: log of the probabilities": _seen(_bug(
        "softmax_cross_entropy", "test_softmax_cross_entropy",
        "p = softmax, then log(p): log(0) = -inf when a probability underflows",
        ("log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))",
         "p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)\n"
         "    with np.errstate(divide='ignore'):\n"
         "        log_p = np.log(p)"))),
    "softmax CE: gradient summed over the batch": _bug(
        "softmax_cross_entropy", "test_softmax_cross_entropy",
        "dlogits without the 1/N of the mean",
        ("return float(loss), dlogits / n", "return float(loss), dlogits")),
    "softmax CE: loss summed, gradient averaged": _bug(
        "softmax_cross_entropy", "test_softmax_cross_entropy", "inconsistent loss and gradient",
        ("loss = -log_p[rows, y].mean()", "loss = -log_p[rows, y].sum()")),
    "softmax CE: one-hot not subtracted": _bug(
        "softmax_cross_entropy", "test_softmax_cross_entropy", "dlogits = softmax / N",
        ("    dlogits[rows, y] -= 1\n", "")),
    "softmax CE: one-hot subtracted in whole columns": _bug(
        "softmax_cross_entropy", "test_softmax_cross_entropy", "p[:, y] -= 1 hits every row",
        ("dlogits[rows, y] -= 1", "dlogits[:, y] -= 1")),
    # -- Sequential ---------------------------------------------------------------------------
    "Sequential: layers in forward order": _bug(
        "Sequential", "test_Sequential", "backward from the first layer to the last",
        ("for layer in reversed(self.layers):", "for layer in self.layers:")),
    "Sequential: every layer gets the original dout": _bug(
        "Sequential", "test_Sequential", "the returned gradients are dropped",
        ("dout = layer.backward(dout)\n        return dout",
         "dx = layer.backward(dout)\n        return dx")),
    "Sequential: no return": _bug(
        "Sequential", "test_Sequential", "dx computed but None returned",
        ("        return dout\n        ### END SOLUTION", "        ### END SOLUTION")),
    "Sequential: last layer skipped": _bug(
        "Sequential", "test_Sequential", "reversed(self.layers[:-1])",
        ("for layer in reversed(self.layers):", "for layer in reversed(self.layers[:-1]):")),
    # -- Value --------------------------------------------------------------------------------
    "Value: = instead of += in mul": _bug(
        "Value", ("test_Value_operations", "test_Value_toy_chain"), "x * x gets x, not 2x",
        ("self.grad += other.data * out.grad\n            other.grad += self.data * out.grad",
         "self.grad = other.data * out.grad\n            other.grad = self.data * out.grad")),
    "Value: = instead of += in mul, at Validate": _seen(_bug(
        "Value", "test_Value_operations", "x * x: the visible test has it",
        ("self.grad += other.data * out.grad\n            other.grad += self.data * out.grad",
         "self.grad = other.data * out.grad\n            other.grad = self.data * out.grad"))),
    "Value: = instead of += in exp, sin and cos": _bug(
        "Value", "test_Value_operations", "a value used by two unary operations keeps one gradient",
        ("self.grad += out.data * out.grad", "self.grad = out.data * out.grad"),
        ("self.grad += math.cos(self.data) * out.grad",
         "self.grad = math.cos(self.data) * out.grad"),
        ("self.grad += -math.sin(self.data) * out.grad",
         "self.grad = -math.sin(self.data) * out.grad")),
    "Value: = instead of += in pow": _bug(
        "Value", "test_Value_operations", "x ** 2 + x ** 3 keeps one of the two",
        ("self.grad += k * self.data ** (k - 1) * out.grad",
         "self.grad = k * self.data ** (k - 1) * out.grad")),
    "Value: sin derivative as -cos": _bug(
        "Value", ("test_Value_operations", "test_Value_toy_chain"), "d sin/dx = -cos",
        ("self.grad += math.cos(self.data) * out.grad",
         "self.grad += -math.cos(self.data) * out.grad")),
    "Value: cos derivative with the wrong sign": _bug(
        "Value", ("test_Value_operations", "test_Value_toy_chain"), "d cos/dx = +sin",
        ("self.grad += -math.sin(self.data) * out.grad",
         "self.grad += math.sin(self.data) * out.grad")),
    "Value: exp derivative from the input": _bug(
        "Value", "test_Value_operations", "d exp(x)/dx = x",
        ("self.grad += out.data * out.grad", "self.grad += self.data * out.grad")),
    "Value: pow derivative k x^k": _bug(
        "Value", ("test_Value_operations", "test_Value_toy_chain"), "d x^k/dx = k x^k",
        ("self.grad += k * self.data ** (k - 1) * out.grad",
         "self.grad += k * self.data**k * out.grad")),
    "Value: local derivative without upstream": _bug(
        "Value", "test_Value_operations", "exp adds exp(x), forgetting out.grad",
        ("self.grad += out.data * out.grad", "self.grad += out.data")),
    "Value: mul does not accept numbers": _bug(
        "Value", ("test_Value_operations", "test_Value_toy_chain"), "x * 4 raises",
        ("other = other if isinstance(other, Value) else Value(other)\n"
         "        out = Value(self.data * other.data",
         "out = Value(self.data * other.data")),
    "Value: mul records no parents": _bug(
        "Value", "test_Value_toy_chain", "the graph is cut at every product",
        ('out = Value(self.data * other.data, (self, other), "*")',
         'out = Value(self.data * other.data, (), "*")')),
    "Value: depth-first recursion without topological sort": _seen(_bug(
        "Value", "test_Value_backward", "each node passes its grad on before receiving all of it",
        ("        order, visited = [], set()\n", "        self.grad = 1.0\n\n"
         "        def push(node):\n"
         "            node._backward()\n"
         "            for parent in node.parents:\n"
         "                push(parent)\n\n"
         "        push(self)\n        return\n        order, visited = [], set()\n"))),
    "Value: topological order not reversed": _bug(
        "Value", ("test_Value_backward", "test_Value_toy_chain"),
        "leaves first: nothing propagates",
        ("for node in reversed(order):", "for node in order:")),
    "Value: no visited set": _seen(_bug(
        "Value", "test_Value_backward", "a shared node is listed (and run) twice",
        ("            if node not in visited:\n                visited.add(node)\n"
         "                for parent in node.parents:\n                    visit(parent)\n"
         "                order.append(node)",
         "            for parent in node.parents:\n                visit(parent)\n"
         "            order.append(node)"))),
    "Value: root gradient not seeded": _bug(
        "Value", ("test_Value_backward", "test_Value_toy_chain"), "self.grad stays 0",
        ("        self.grad = 1.0\n        for node", "        for node")),
}

CORRECT = {
    "toy_forward: math module and local names": Correct(
        cell="toy_forward",
        source='''
def toy_forward(x, y, beta, omega):
    f0 = beta[0] + omega[0] * x
    h1 = math.sin(f0)
    f1 = beta[1] + omega[1] * h1
    h2 = math.exp(f1)
    f2 = beta[2] + omega[2] * h2
    h3 = math.cos(f2)
    f3 = beta[3] + omega[3] * h3
    return dict(f0=f0, h1=h1, f1=f1, h2=h2, f2=f2, h3=h3, f3=f3, loss=(y - f3) * (y - f3))
''',
        why="plain floats from math, (y - f3)^2 written as a product"),
    "toy_backward: chain products written out": Correct(
        cell="toy_backward",
        source='''
def toy_backward(x, y, omega, values):
    f0, h1, f1, h2, f2, h3, f3 = (values[k] for k in ["f0", "h1", "f1", "h2", "f2", "h3", "f3"])
    dl_df3 = -2 * (y - f3)
    dl_df2 = dl_df3 * omega[3] * (-math.sin(f2))
    dl_df1 = dl_df2 * omega[2] * math.exp(f1)
    dl_df0 = dl_df1 * omega[1] * math.cos(f0)
    dbeta = [dl_df0, dl_df1, dl_df2, dl_df3]
    inputs = [x, h1, h2, h3]
    return {
        "f3": dl_df3, "h3": dl_df3 * omega[3], "f2": dl_df2, "h2": dl_df2 * omega[2],
        "f1": dl_df1, "h1": dl_df1 * omega[1], "f0": dl_df0,
        "beta": np.array(dbeta), "omega": np.array([g * a for g, a in zip(dbeta, inputs)]),
    }
''',
        why="derivatives of the f's first, the h's derived from them; exp recomputed"),
    "Linear: einsum and ones": Correct(
        cell="Linear",
        source=_edit(
            "Linear",
            ("return x @ self.W.data + self.b.data",
             "return np.einsum('ni,io->no', x, self.W.data) + self.b.data[None, :]"),
            ("self.W.grad += self.x.T @ dout",
             "self.W.grad += np.einsum('ni,no->io', self.x, dout)"),
            ("self.b.grad += dout.sum(axis=0)", "self.b.grad += np.ones(len(dout)) @ dout"),
            ("return dout @ self.W.data.T", "return np.einsum('no,io->ni', dout, self.W.data)"),
        ),
        why="einsum, a ones-vector sum"),
    "Linear: loops over the batch": Correct(
        cell="Linear",
        source=_edit(
            "Linear",
            ("self.W.grad += self.x.T @ dout\n        self.b.grad += dout.sum(axis=0)\n"
             "        return dout @ self.W.data.T",
             "dx = np.zeros_like(self.x)\n"
             "        for n in range(len(dout)):\n"
             "            self.W.grad += np.outer(self.x[n], dout[n])\n"
             "            self.b.grad += dout[n]\n"
             "            dx[n] = self.W.data @ dout[n]\n"
             "        return dx"),
        ),
        why="one outer product per example (delta_i a_j), summed"),
    "ReLU: mask saved in forward, np.where": Correct(
        cell="ReLU",
        source='''
class ReLU(Module):
    def __init__(self):
        self.mask = None

    def forward(self, x):
        self.mask = x > 0
        return np.where(self.mask, x, 0.0)

    def backward(self, dout):
        return np.where(self.mask, dout, 0.0)
''',
        why="keeps the mask instead of x"),
    "softmax CE: logaddexp and one-hot matrix": Correct(
        cell="softmax_cross_entropy",
        source='''
def softmax_cross_entropy(logits, y):
    n, c = logits.shape
    lse = np.logaddexp.reduce(logits, axis=1)
    onehot = np.eye(c)[y]
    loss = np.sum(lse - np.sum(onehot * logits, axis=1)) / n
    probs = np.exp(logits - lse[:, None])
    return loss, (probs - onehot) / n
''',
        why="log-sum-exp by np.logaddexp.reduce, one-hot via np.eye"),
    "softmax CE: loop over rows": Correct(
        cell="softmax_cross_entropy",
        source='''
def softmax_cross_entropy(logits, y):
    n = len(logits)
    total, grad = 0.0, np.empty(logits.shape)
    for i in range(n):
        z = logits[i] - np.max(logits[i])
        log_norm = np.log(np.sum(np.exp(z)))
        total += log_norm - z[y[i]]
        grad[i] = np.exp(z - log_norm)
        grad[i, y[i]] -= 1.0
    return total / n, grad / n
''',
        why="one row at a time"),
    "Sequential: index loop": Correct(
        cell="Sequential",
        source=_edit("Sequential", (
            "for layer in reversed(self.layers):\n            dout = layer.backward(dout)",
            "for i in range(len(self.layers) - 1, -1, -1):\n"
            "            dout = self.layers[i].backward(dout)")),
        why="explicit indices counting down"),
    "Value: iterative topological sort (Kahn)": Correct(
        cell="Value",
        source=_edit("Value", (
            _edit("Value")[_edit("Value").index("        order, visited = [], set()"):
                           _edit("Value").index("        ### END SOLUTION\n\n    # built")],
            "        nodes, stack = {}, [self]\n"
            "        while stack:\n"
            "            node = stack.pop()\n"
            "            if id(node) not in nodes:\n"
            "                nodes[id(node)] = node\n"
            "                stack.extend(node.parents)\n"
            "        users = {key: 0 for key in nodes}\n"
            "        for node in nodes.values():\n"
            "            for parent in node.parents:\n"
            "                users[id(parent)] += 1\n"
            "        self.grad = 1.0\n"
            "        ready = [self]\n"
            "        while ready:\n"
            "            node = ready.pop()\n"
            "            node._backward()\n"
            "            for parent in node.parents:\n"
            "                users[id(parent)] -= 1\n"
            "                if users[id(parent)] == 0:\n"
            "                    ready.append(parent)\n"),
        ),
        why="a node runs once every node using it has run (counts of users), no recursion"),
    "Value: numpy functions and a helper for unary ops": Correct(
        cell="Value",
        source=_edit(
            "Value",
            ("out = Value(math.exp(self.data), (self,), \"exp\")",
             "out = Value(np.exp(self.data), (self,), \"exp\")"),
            ("self.grad += out.data * out.grad", "self.grad += np.exp(self.data) * out.grad"),
            ("self.grad += math.cos(self.data) * out.grad",
             "self.grad += np.sin(self.data + np.pi / 2) * out.grad"),
            ("self.grad += -math.sin(self.data) * out.grad",
             "self.grad -= out.grad * np.sin(self.data)"),
            ("self.grad += k * self.data ** (k - 1) * out.grad",
             "self.grad += out.grad * k * out.data / self.data"),
        ),
        why="exp recomputed, cos(x) = sin(x + pi/2), -=, pow's derivative as k y / x"),
}

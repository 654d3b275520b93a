"""Bug catalogue of 02_logistic_regression: plausible wrong answers and other correct ones."""

from tests.notebook_runner import Bug, Correct

NOTEBOOK = "solutions/02_logistic_regression/02_logistic_regression.ipynb"

_BCE_CHECK = '''
def bce_from_logits(y, z):
    if np.shape(y) != np.shape(z):
        raise ValueError("bce_from_logits: shapes differ")
'''

_TRAIN = '''
def train_logistic(X, y, lr, n_steps):
    Xb = add_bias_column(X)
    w = np.zeros(Xb.shape[1])
    losses = [bce_from_logits(y, Xb @ w)]
    for _ in range(n_steps):
        w = w - lr * logistic_grad(Xb, y, w)
        losses.append(bce_from_logits(y, Xb @ w))
    return w, np.array(losses)
'''


_SOFT = "np.log1p(np.exp(-np.abs(z)))"  # log(1 + exp(-|z|)), never overflows


def _bce(body: str) -> str:
    return _BCE_CHECK + body


def _bce_mean(expr: str) -> str:
    return _bce(f"    return float({expr})\n")


def _train(old: str, new: str) -> str:
    assert old in _TRAIN, old
    return _TRAIN.replace(old, new)


def _grad(expr: str) -> str:
    return f"def logistic_grad(X, y, w):\n    return {expr}\n"


def _predict(expr: str) -> str:
    return f"def predict(X, w):\n    return {expr}\n"


BUGS = {
    # ---------------------------------------------------------------- sigmoid
    "naive sigmoid overflows": Bug(
        cell="sigmoid", fails=("test_sigmoid",),
        source="def sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n",
        why="exp(1000) overflows for z = -1000"),
    "np.where evaluates both branches": Bug(
        cell="sigmoid", fails=("test_sigmoid",),
        source="def sigmoid(z):\n"
               "    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))\n",
        why="the discarded branch still overflows"),
    "only the negative-z formula": Bug(
        cell="sigmoid", fails=("test_sigmoid",),
        source="def sigmoid(z):\n    return np.exp(z) / (1 + np.exp(z))\n",
        why="inf / inf = nan for z = 1000"),
    "sigmoid with the sign flipped": Bug(
        cell="sigmoid", fails=("test_sigmoid",),
        source="def sigmoid(z):\n    e = np.exp(-np.abs(z))\n"
               "    return np.where(z <= 0, 1 / (1 + e), e / (1 + e))\n",
        why="computes sigmoid(-z)"),
    "sigmoid overwrites its input": Bug(
        cell="sigmoid", fails=("test_sigmoid",), visible=True,
        source='''
def sigmoid(z):
    out = z
    pos = z >= 0
    out[pos] = 1 / (1 + np.exp(-z[pos]))
    out[~pos] = np.exp(z[~pos]) / (1 + np.exp(z[~pos]))
    return out
''', why="out = z is not a copy: the caller's logits are destroyed"),
    # ---------------------------------------------------------------- bce_from_logits
    "bce as log(sigmoid)": Bug(
        cell="bce_from_logits", fails=("test_bce_from_logits",),
        source=_bce('''    p = sigmoid(z)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
'''), why="log(0) for confident mistakes"),
    "bce with clipped probabilities": Bug(
        cell="bce_from_logits", fails=("test_bce_from_logits",),
        source=_bce('''    p = np.clip(sigmoid(z), 1e-15, 1 - 1e-15)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
'''), why="a confident mistake costs 34.5 instead of |z|"),
    "bce with softplus that overflows": Bug(
        cell="bce_from_logits", fails=("test_bce_from_logits",),
        source=_bce_mean("np.mean(y * np.log1p(np.exp(-z)) + (1 - y) * np.log1p(np.exp(z)))"),
        why="exp(1000) overflows"),
    "bce without the absolute value": Bug(
        cell="bce_from_logits", fails=("test_bce_from_logits",),
        source=_bce_mean("np.mean(np.maximum(z, 0) - y * z + np.log1p(np.exp(-z)))"),
        why="exp(-z) overflows for z = -1000"),
    "bce sums instead of averaging": Bug(
        cell="bce_from_logits", fails=("test_bce_from_logits",),
        source=_bce_mean(f"np.sum(np.maximum(z, 0) - y * z + {_SOFT})"), why="missing 1/n"),
    "bce with the sign flipped": Bug(
        cell="bce_from_logits", fails=("test_bce_from_logits",),
        source=_bce_mean(f"np.mean(y * z - np.maximum(z, 0) - {_SOFT})"),
        why="the log-likelihood, not its negative"),
    "bce with the labels swapped": Bug(
        cell="bce_from_logits", fails=("test_bce_from_logits",),
        source=_bce_mean(f"np.mean(np.maximum(z, 0) - (1 - y) * z + {_SOFT})"),
        why="y and 1 - y exchanged"),
    "bce without the shape check": Bug(
        cell="bce_from_logits", fails=("test_bce_from_logits",),
        source="def bce_from_logits(y, z):\n"
               f"    return float(np.mean(np.maximum(z, 0) - y * z + {_SOFT}))\n",
        why="(n,) and (n, 1) broadcast silently"),
    # ---------------------------------------------------------------- logistic_grad
    "logistic_grad misses 1/n": Bug(
        cell="logistic_grad", fails=("test_logistic_grad",),
        source=_grad("X.T @ (sigmoid(X @ w) - y)"), why="gradient of the sum"),
    "logistic_grad with the factor 2 of the MSE": Bug(
        cell="logistic_grad", fails=("test_logistic_grad",),
        source=_grad("2 * X.T @ (sigmoid(X @ w) - y) / X.shape[0]"), why="copied from mse_grad"),
    "logistic_grad with the sign flipped": Bug(
        cell="logistic_grad", fails=("test_logistic_grad",),
        source=_grad("X.T @ (y - sigmoid(X @ w)) / X.shape[0]"), why="label minus prediction"),
    "logistic_grad forgets the transpose": Bug(
        cell="logistic_grad", fails=("test_logistic_grad",),
        source=_grad("X @ (sigmoid(X @ w) - y) / X.shape[0]"), why="X instead of X^T"),
    "logistic_grad forgets the sigmoid": Bug(
        cell="logistic_grad", fails=("test_logistic_grad",),
        source=_grad("X.T @ (X @ w - y) / X.shape[0]"), why="the logit is not a probability"),
    "logistic_grad divides by the number of weights": Bug(
        cell="logistic_grad", fails=("test_logistic_grad",),
        source=_grad("X.T @ (sigmoid(X @ w) - y) / len(w)"), why="p instead of n"),
    "logistic_grad with a naive inline sigmoid": Bug(
        cell="logistic_grad", fails=("test_logistic_grad",), visible=True,
        source=_grad("X.T @ (1 / (1 + np.exp(-(X @ w))) - y) / X.shape[0]"),
        why="overflows at saturated logits"),
    # ---------------------------------------------------------------- train_logistic
    "gradient ascent": Bug(
        cell="train_logistic", fails=("test_train_logistic",),
        source=_train("w = w - lr *", "w = w + lr *"), why="steps uphill"),
    "loss history misses the initial loss": Bug(
        cell="train_logistic", fails=("test_train_logistic",),
        source=_train("losses = [bce_from_logits(y, Xb @ w)]", "losses = []"),
        why="n_steps values"),
    "training without the bias column": Bug(
        cell="train_logistic", fails=("test_train_logistic",),
        source=_train("Xb = add_bias_column(X)", "Xb = X"), why="no intercept"),
    "training with the MSE gradient": Bug(
        cell="train_logistic", fails=("test_train_logistic",),
        source=_train("w = w - lr * logistic_grad(Xb, y, w)",
                      "w = w - lr * 2 * Xb.T @ (Xb @ w - y) / len(y)"),
        why="linear regression's gradient"),
    "training with a stale gradient": Bug(
        cell="train_logistic", fails=("test_train_logistic",), visible=True,
        source=_train('''    for _ in range(n_steps):
        w = w - lr * logistic_grad(Xb, y, w)''', '''    g = logistic_grad(Xb, y, w)
    for _ in range(n_steps):
        w = w - lr * g'''), why="gradient computed once, at w = 0"),
    "training starts from ones": Bug(
        cell="train_logistic", fails=("test_train_logistic",),
        source=_train("w = np.zeros(Xb.shape[1])", "w = np.ones(Xb.shape[1])"),
        why="the start is specified as 0"),
    "training with a naive loss": Bug(
        cell="train_logistic", fails=("test_train_logistic",), visible=True,
        source=_train("losses.append(bce_from_logits(y, Xb @ w))",
                      "p = 1 / (1 + np.exp(-(Xb @ w)))\n"
                      "        losses.append(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))"),
        why="log(0) and overflow once the data are separated"),
    "training leaves the intercept at 0": Bug(
        cell="train_logistic", fails=("test_train_logistic",), visible=True,
        source=_train("w = w - lr * logistic_grad(Xb, y, w)",
                      "w[1:] = w[1:] - lr * logistic_grad(Xb, y, w)[1:]"),
        why="only the feature weights move; on balanced, symmetric data the intercept's "
            "gradient is 0 anyway, so the old visible test could not tell"),
    # ---------------------------------------------------------------- predict
    "predict returns probabilities": Bug(
        cell="predict", fails=("test_predict",),
        source=_predict("sigmoid(add_bias_column(X) @ w)"), why="not labels"),
    "predict thresholds on the wrong side": Bug(
        cell="predict", fails=("test_predict",),
        source=_predict("(add_bias_column(X) @ w < 0).astype(int)"), why="labels inverted"),
    "predict forgets the intercept": Bug(
        cell="predict", fails=("test_predict",),
        source=_predict("(X @ w[1:] >= 0).astype(int)"), why="w[0] ignored"),
    "predict thresholds the probability at 0": Bug(
        cell="predict", fails=("test_predict",),
        source=_predict("(sigmoid(add_bias_column(X) @ w) > 0).astype(int)"),
        why="always 1: the probability threshold is 1/2"),
    "predict with the intercept last": Bug(
        cell="predict", fails=("test_predict",),
        source=_predict("(np.hstack([X, np.ones((len(X), 1))]) @ w >= 0).astype(int)"),
        why="w[0] used as a feature weight"),
    "predict with sigmoid > 1/2": Bug(
        cell="predict", fails=("test_predict",), visible=True,
        source=_predict("(sigmoid(add_bias_column(X) @ w) > 0.5).astype(int)"),
        why="a point on the boundary (p = 1/2 exactly) must get class 1"),
    "predict with logit > 0": Bug(
        cell="predict", fails=("test_predict",), visible=True,
        source=_predict("(add_bias_column(X) @ w > 0).astype(int)"),
        why="z = 0 must give class 1"),
    "predict by rounding the probability": Bug(
        cell="predict", fails=("test_predict",), visible=True,
        source=_predict("np.round(sigmoid(add_bias_column(X) @ w))"),
        why="np.round rounds halves to even: p = 1/2 becomes 0"),
}

CORRECT = {
    "sigmoid with masks": Correct(
        cell="sigmoid", source='''
def sigmoid(z):
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1 / (1 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1 + ez)
    return out
''', why="boolean masks, one formula per sign"),
    "sigmoid with tanh": Correct(
        cell="sigmoid", source="def sigmoid(z):\n    return 0.5 * (1 + np.tanh(0.5 * z))\n",
        why="sigma(z) = (1 + tanh(z/2)) / 2"),
    "sigmoid in float32": Correct(
        cell="sigmoid", source='''
def sigmoid(z):
    z = np.asarray(z, dtype=np.float32)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
''', why="single precision: about 7 digits, enough for everything sigmoid is used for here"),
    "sigmoid with logaddexp": Correct(
        cell="sigmoid", source="def sigmoid(z):\n    return np.exp(-np.logaddexp(0, -z))\n",
        why="exp(-log(1 + exp(-z)))"),
    "bce with logaddexp": Correct(
        cell="bce_from_logits", source=_bce('''    y, z = np.asarray(y), np.asarray(z)
    return float(np.mean(y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z)))
'''), why="softplus(-z) and softplus(z) via logaddexp"),
    "bce with a loop": Correct(
        cell="bce_from_logits", source='''
import math

def bce_from_logits(y, z):
    if len(np.shape(y)) != 1 or np.shape(y) != np.shape(z):
        raise ValueError(f"bce_from_logits: shapes {np.shape(y)} and {np.shape(z)}")
    total = 0.0
    for y_i, z_i in zip(y, z):
        if y_i == 1:
            total += max(-z_i, 0) + math.log1p(math.exp(-abs(z_i)))
        else:
            total += max(z_i, 0) + math.log1p(math.exp(-abs(z_i)))
    return total / len(y)
''', why="per-example softplus, branch on the label"),
    "logistic_grad with a loop": Correct(
        cell="logistic_grad", source='''
def logistic_grad(X, y, w):
    g = np.zeros(X.shape[1])
    for x_i, y_i in zip(X, y):
        g += (sigmoid(np.array([x_i @ w]))[0] - y_i) * x_i
    return g / len(y)
''', why="sum of per-example gradients"),
    "logistic_grad as residuals times X": Correct(
        cell="logistic_grad", source=_grad("np.mean((sigmoid(X @ w) - y)[:, None] * X, axis=0)"),
        why="mean of (p_i - y_i) x_i"),
    "train_logistic with an inline loop": Correct(
        cell="train_logistic", source='''
def train_logistic(X, y, lr, n_steps):
    n, d = X.shape
    w = np.zeros(d + 1)
    losses = []
    for k in range(n_steps + 1):
        z = w[0] + X @ w[1:]
        losses.append(bce_from_logits(y, z))
        if k < n_steps:
            r = sigmoid(z) - y
            w = w - lr * np.concatenate([[r.mean()], X.T @ r / n])
    return w, np.array(losses)
''', why="intercept handled separately, loss recorded at the top of the loop"),
    "predict with sigmoid >= 1/2 as booleans": Correct(
        cell="predict", source=_predict("sigmoid(w[0] + X @ w[1:]) >= 0.5"),
        why="booleans are 0/1 labels"),
    "predict with np.where": Correct(
        cell="predict", source=_predict("np.where(add_bias_column(X) @ w >= 0, 1, 0)"),
        why="np.where"),
    "predict by flooring p + 1/2": Correct(
        cell="predict", source=_predict("np.floor(sigmoid(add_bias_column(X) @ w) + 0.5)"),
        why="float labels 0.0/1.0, p = 1/2 rounded up"),
}

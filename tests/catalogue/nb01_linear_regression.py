"""Bug catalogue of 01_linear_regression: plausible wrong answers and other correct ones."""

from dataclasses import replace

from tests.notebook_runner import Bug, Correct, edited_bug

NOTEBOOK = "solutions/01_linear_regression/01_linear_regression.ipynb"

# ------------------------------------------------------------------ sources reused below
_GD = '''
def gradient_descent(X, y, lr, n_steps):
    Xb = add_bias_column(X)
    w = np.zeros(Xb.shape[1])
    losses = [mse(y, Xb @ w)]
    for _ in range(n_steps):
        w = w - lr * mse_grad(Xb, y, w)
        losses.append(mse(y, Xb @ w))
    return w, np.array(losses)
'''

_SGD = '''
def sgd(X, y, lr, n_epochs, batch_size, rng):
    Xb = add_bias_column(X)
    n = Xb.shape[0]
    w = np.zeros(Xb.shape[1])
    losses = [mse(y, Xb @ w)]
    for _ in range(n_epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            batch = order[start:start + batch_size]
            w = w - lr * mse_grad(Xb[batch], y[batch], w)
        losses.append(mse(y, Xb @ w))
    return w, np.array(losses)
'''


def _gd(old: str, new: str) -> str:
    assert old in _GD, old
    return _GD.replace(old, new)


def _sgd(old: str, new: str) -> str:
    assert old in _SGD, old
    return _SGD.replace(old, new)


BUGS = {
    # ---------------------------------------------------------------- add_bias_column
    "bias column appended at the end": Bug(
        cell="add_bias_column", fails=("test_add_bias_column",),
        source="def add_bias_column(X):\n    return np.hstack([X, np.ones((X.shape[0], 1))])\n",
        why="the intercept must be w[0]: ones in column 0"),
    "bias column forgotten": Bug(
        cell="add_bias_column", fails=("test_add_bias_column",),
        source="def add_bias_column(X):\n    return X\n",
        why="returns the features unchanged"),
    "column of zeros": Bug(
        cell="add_bias_column", fails=("test_add_bias_column",),
        source="def add_bias_column(X):\n    return np.hstack([np.zeros((X.shape[0], 1)), X])\n",
        why="np.zeros instead of np.ones"),
    # ---------------------------------------------------------------- mse
    "mse sums instead of averaging": Bug(
        cell="mse", fails=("test_mse",),
        source='''
def mse(y, y_hat):
    if np.shape(y) != np.shape(y_hat):
        raise ValueError("shapes differ")
    return float(np.sum((y - y_hat) ** 2))
''', why="missing 1/n"),
    "mse returns the root (RMSE)": Bug(
        cell="mse", fails=("test_mse",),
        source='''
def mse(y, y_hat):
    if np.shape(y) != np.shape(y_hat):
        raise ValueError("shapes differ")
    return float(np.sqrt(np.mean((y - y_hat) ** 2)))
''', why="RMSE, not MSE"),
    "mse uses the absolute error (MAE)": Bug(
        cell="mse", fails=("test_mse",),
        source='''
def mse(y, y_hat):
    if np.shape(y) != np.shape(y_hat):
        raise ValueError("shapes differ")
    return float(np.mean(np.abs(y - y_hat)))
''', why="absolute instead of squared distance"),
    "mse forgets the square (MBE)": Bug(
        cell="mse", fails=("test_mse",),
        source='''
def mse(y, y_hat):
    if np.shape(y) != np.shape(y_hat):
        raise ValueError("shapes differ")
    return float(np.mean(y - y_hat))
''', why="signed residuals cancel"),
    "mse divides by n - 1": Bug(
        cell="mse", fails=("test_mse",),
        source='''
def mse(y, y_hat):
    if np.shape(y) != np.shape(y_hat):
        raise ValueError("shapes differ")
    return float(np.sum((y - y_hat) ** 2) / (len(y) - 1))
''', why="the variance's n - 1, not the mean"),
    "mse without the shape check (silent broadcasting)": Bug(
        cell="mse", fails=("test_mse",),
        source="def mse(y, y_hat):\n    return float(np.mean((y - y_hat) ** 2))\n",
        why="(n,) - (n, 1) broadcasts to (n, n) without an error"),
    # ---------------------------------------------------------------- mse_grad
    "mse_grad misses the factor 2": Bug(
        cell="mse_grad", fails=("test_mse_grad",),
        source="def mse_grad(X, y, w):\n    return X.T @ (X @ w - y) / X.shape[0]\n",
        why="d/dr r^2 = 2r"),
    "mse_grad misses 1/n": Bug(
        cell="mse_grad", fails=("test_mse_grad",),
        source="def mse_grad(X, y, w):\n    return 2 * X.T @ (X @ w - y)\n",
        why="gradient of the sum, not of the mean"),
    "mse_grad misses 2 and 1/n": Bug(
        cell="mse_grad", fails=("test_mse_grad",),
        source="def mse_grad(X, y, w):\n    return X.T @ (X @ w - y)\n",
        why="both factors dropped"),
    "mse_grad has the residual's sign flipped": Bug(
        cell="mse_grad", fails=("test_mse_grad",),
        source="def mse_grad(X, y, w):\n    return 2 / X.shape[0] * X.T @ (y - X @ w)\n",
        why="y - Xw instead of Xw - y"),
    "mse_grad forgets the transpose": Bug(
        cell="mse_grad", fails=("test_mse_grad",),
        source="def mse_grad(X, y, w):\n    return 2 / X.shape[0] * X @ (X @ w - y)\n",
        why="X instead of X^T (silently wrong when X is square)"),
    "mse_grad divides by the number of weights": Bug(
        cell="mse_grad", fails=("test_mse_grad",),
        source="def mse_grad(X, y, w):\n    return 2 / len(w) * X.T @ (X @ w - y)\n",
        why="p instead of n"),
    "mse_grad operator precedence": Bug(
        cell="mse_grad", fails=("test_mse_grad",),
        source="def mse_grad(X, y, w):\n    return 2 / X.shape[0] * X.T @ X @ w - y\n",
        why="(2/n) X^T X w - y: the y is outside the product"),
    "mse_grad averages over the wrong axis": Bug(
        cell="mse_grad", fails=("test_mse_grad",),
        source="def mse_grad(X, y, w):\n    return 2 * np.mean(X * (X @ w - y)[:, None], axis=1)\n",
        why="one value per example instead of per weight"),
    # ---------------------------------------------------------------- fit_closed_form
    "closed form by inverting X^T X": Bug(
        cell="fit_closed_form", fails=("test_fit_closed_form",), visible=True,
        source='''
def fit_closed_form(X, y):
    A = add_bias_column(X)
    return np.linalg.inv(A.T @ A) @ A.T @ y
''', why="fails (LinAlgError or garbage) when features are collinear"),
    "closed form by solving the normal equations": Bug(
        cell="fit_closed_form", fails=("test_fit_closed_form",), visible=True,
        source='''
def fit_closed_form(X, y):
    A = add_bias_column(X)
    return np.linalg.solve(A.T @ A, A.T @ y)
''', why="still needs X^T X to be invertible"),
    "closed form without the bias column": Bug(
        cell="fit_closed_form", fails=("test_fit_closed_form",),
        source='''
def fit_closed_form(X, y):
    w, *_ = np.linalg.lstsq(X, y, rcond=None)
    return w
''', why="no intercept"),
    "closed form with the bias column last": Bug(
        cell="fit_closed_form", fails=("test_fit_closed_form",),
        source='''
def fit_closed_form(X, y):
    A = np.hstack([X, np.ones((X.shape[0], 1))])
    w, *_ = np.linalg.lstsq(A, y, rcond=None)
    return w
''', why="intercept ends up in w[-1]"),
    "closed form with pinv of X only": Bug(
        cell="fit_closed_form", fails=("test_fit_closed_form",),
        source="def fit_closed_form(X, y):\n    return np.linalg.pinv(X) @ y\n",
        why="robust, but still no intercept"),
    # ---------------------------------------------------------------- gradient_descent
    "gradient ascent (+ instead of -)": Bug(
        cell="gradient_descent", fails=("test_gradient_descent",),
        source=_gd("w = w - lr *", "w = w + lr *"), why="steps uphill, diverges"),
    "loss history misses the initial loss": Bug(
        cell="gradient_descent", fails=("test_gradient_descent",),
        source=_gd("losses = [mse(y, Xb @ w)]", "losses = []"),
        why="n_steps values, the loss at w = 0 missing"),
    "loss history one step behind": Bug(
        cell="gradient_descent", fails=("test_gradient_descent",),
        source=_gd('''    losses = [mse(y, Xb @ w)]
    for _ in range(n_steps):
        w = w - lr * mse_grad(Xb, y, w)
        losses.append(mse(y, Xb @ w))''', '''    losses = []
    for _ in range(n_steps):
        losses.append(mse(y, Xb @ w))
        w = w - lr * mse_grad(Xb, y, w)'''),
        why="records the loss before each update and misses the final one"),
    "gradient descent without the bias column": Bug(
        cell="gradient_descent", fails=("test_gradient_descent",),
        source=_gd("Xb = add_bias_column(X)", "Xb = X"), why="no intercept"),
    "gradient descent starts from ones": Bug(
        cell="gradient_descent", fails=("test_gradient_descent",),
        source=_gd("w = np.zeros(Xb.shape[1])", "w = np.ones(Xb.shape[1])"),
        why="the starting point is specified as 0"),
    "gradient descent with a stale gradient": Bug(
        cell="gradient_descent", fails=("test_gradient_descent",), visible=True,
        source=_gd('''    for _ in range(n_steps):
        w = w - lr * mse_grad(Xb, y, w)''', '''    g = mse_grad(Xb, y, w)
    for _ in range(n_steps):
        w = w - lr * g'''), why="the gradient computed once, at w = 0"),
    "gradient descent with the summed gradient": Bug(
        cell="gradient_descent", fails=("test_gradient_descent",),
        source=_gd("w = w - lr * mse_grad(Xb, y, w)", "w = w - lr * 2 * Xb.T @ (Xb @ w - y)"),
        why="missing 1/n inlined: n times too large a step"),
    # ---------------------------------------------------------------- sgd
    "sgd without shuffling": Bug(
        cell="sgd", fails=("test_sgd",), visible=True,
        source=_sgd("order = rng.permutation(n)", "order = np.arange(n)"),
        why="the same batches in the same order every epoch"),
    "sgd shuffles only once": Bug(
        cell="sgd", fails=("test_sgd",),
        source=_sgd('''    for _ in range(n_epochs):
        order = rng.permutation(n)''', '''    order = rng.permutation(n)
    for _ in range(n_epochs):'''), why="one order reused by every epoch"),
    "sgd draws batches with replacement": Bug(
        cell="sgd", fails=("test_sgd",),
        source=_sgd("batch = order[start:start + batch_size]",
                    "batch = rng.integers(0, n, size=min(batch_size, n - start))"),
        why="some examples used twice in an epoch, others never"),
    "sgd uses the same batch every step": Bug(
        cell="sgd", fails=("test_sgd",),
        source=_sgd("batch = order[start:start + batch_size]", "batch = order[:batch_size]"),
        why="only the first batch of each permutation is ever used"),
    "sgd drops the last partial batch": Bug(
        cell="sgd", fails=("test_sgd",),
        source=_sgd("range(0, n, batch_size)", "range(0, n - batch_size + 1, batch_size)"),
        why="the examples of the smaller last batch are skipped"),
    "sgd shuffles X and y separately": Bug(
        cell="sgd", fails=("test_sgd",),
        source=_sgd("w = w - lr * mse_grad(Xb[batch], y[batch], w)",
                    "w = w - lr * mse_grad(Xb[batch], "
                    "y[rng.permutation(n)[start:start + batch_size]], w)"),
        why="targets no longer belong to their examples"),
    "sgd uses numpy's global generator": Bug(
        cell="sgd", fails=("test_sgd",),
        source=_sgd("order = rng.permutation(n)", "order = np.random.permutation(n)"),
        why="irreproducible: ignores rng"),
    "sgd sums the batch gradient": Bug(
        cell="sgd", fails=("test_sgd",), visible=True,
        source=_sgd("w = w - lr * mse_grad(Xb[batch], y[batch], w)",
                    "w = w - lr * 2 * Xb[batch].T @ (Xb[batch] @ w - y[batch])"),
        why="batch-size times too large a step"),
    "sgd divides the last batch by batch_size": Bug(
        cell="sgd", fails=("test_sgd",),
        source=_sgd("w = w - lr * mse_grad(Xb[batch], y[batch], w)",
                    "w = w - lr * 2 / batch_size * Xb[batch].T @ (Xb[batch] @ w - y[batch])"),
        why="the smaller last batch gets a too small step"),
    "sgd records the loss after every step": Bug(
        cell="sgd", fails=("test_sgd",),
        source=_sgd("        losses.append(mse(y, Xb @ w))\n    return",
                    "            losses.append(mse(y, Xb @ w))\n    return"),
        why="per step, not per epoch"),
    "sgd records the last batch's loss": Bug(
        cell="sgd", fails=("test_sgd",),
        source=_sgd("losses.append(mse(y, Xb @ w))", "losses.append(mse(y[batch], Xb[batch] @ w))"),
        why="losses[k] must be the MSE on all examples"),
    "sgd goes uphill": Bug(
        cell="sgd", fails=("test_sgd",), source=_sgd("w = w - lr *", "w = w + lr *"),
        why="sign of the update"),
    "sgd without the bias column": Bug(
        cell="sgd", fails=("test_sgd",), source=_sgd("Xb = add_bias_column(X)", "Xb = X"),
        why="no intercept"),
    "sgd shuffles the caller's X and y in place": replace(edited_bug(
        NOTEBOOK, "sgd", "test_sgd", "a correct SGD that reorders the caller's arrays: a second "
        "run with the same seed then differs, which used to read as a seeding problem",
        ("        order = rng.permutation(n)\n",
         "        shuffle = rng.permutation(n)\n"
         "        X[:], y[:] = X[shuffle], y[shuffle]\n"
         "        Xb = add_bias_column(X)\n"
         "        order = np.arange(n)\n")), visible=True),
}

CORRECT = {
    "add_bias_column with np.insert": Correct(
        cell="add_bias_column",
        source="def add_bias_column(X):\n"
               "    return np.insert(np.asarray(X, dtype=float), 0, 1.0, axis=1)\n",
        why="np.insert at column 0"),
    "add_bias_column in float32": Correct(
        cell="add_bias_column",
        source="def add_bias_column(X):\n"
               "    return np.hstack([np.ones((len(X), 1)), X]).astype(np.float32)\n",
        why="single precision: the later exercises' tests must not punish its rounding"),
    "add_bias_column with np.c_": Correct(
        cell="add_bias_column",
        source="def add_bias_column(X):\n    return np.c_[np.ones(len(X)), X]\n", why="np.c_"),
    "mse with a loop": Correct(
        cell="mse", source='''
def mse(y, y_hat):
    y, y_hat = np.asarray(y), np.asarray(y_hat)
    if y.shape != y_hat.shape:
        raise ValueError(f"mse: shapes {y.shape} and {y_hat.shape} differ")
    total = 0.0
    for a, b in zip(y, y_hat):
        total += (b - a) ** 2
    return total / len(y)
''', why="explicit loop, residual the other way round"),
    "mse with a dot product": Correct(
        cell="mse", source='''
def mse(y, y_hat):
    if y.shape != y_hat.shape:
        raise ValueError("y and y_hat differ in shape")
    r = y_hat - y
    return r @ r / r.size
''', why="r.r / n"),
    "mse_grad with a loop over examples": Correct(
        cell="mse_grad", source='''
def mse_grad(X, y, w):
    n, p = X.shape
    g = np.zeros(p)
    for i in range(n):
        g += 2 * (X[i] @ w - y[i]) * X[i]
    return g / n
''', why="sum of per-example gradients"),
    "mse_grad expanded": Correct(
        cell="mse_grad",
        source="def mse_grad(X, y, w):\n    return (X.T @ X @ w - X.T @ y) * 2 / len(y)\n",
        why="X^T X w - X^T y"),
    "mse_grad as residuals times X": Correct(
        cell="mse_grad",
        source="def mse_grad(X, y, w):\n    return 2 * ((X @ w - y) @ X) / X.shape[0]\n",
        why="r^T X equals X^T r"),
    "closed form with pinv": Correct(
        cell="fit_closed_form",
        source="def fit_closed_form(X, y):\n    return np.linalg.pinv(add_bias_column(X)) @ y\n",
        why="pseudo-inverse"),
    "closed form with pinv of the normal matrix": Correct(
        cell="fit_closed_form", source='''
def fit_closed_form(X, y):
    A = add_bias_column(X)
    return np.linalg.pinv(A.T @ A) @ A.T @ y
''', why="the pseudo-inverse of a singular X^T X still gives a least-squares solution"),
    "closed form with lstsq on the normal equations": Correct(
        cell="fit_closed_form", source='''
def fit_closed_form(X, y):
    A = add_bias_column(X)
    return np.linalg.lstsq(A.T @ A, A.T @ y, rcond=None)[0]
''', why="solving X^T X w = X^T y in the least-squares sense works when it is singular"),
    "closed form with a hand-made SVD": Correct(
        cell="fit_closed_form", source='''
def fit_closed_form(X, y):
    A = np.column_stack([np.ones(len(X)), X])
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    keep = s > s.max() * max(A.shape) * np.finfo(float).eps
    return Vt[keep].T @ ((U[:, keep].T @ y) / s[keep])
''', why="SVD, dropping the zero singular values"),
    "gradient descent with an inline loop gradient": Correct(
        cell="gradient_descent", source='''
def gradient_descent(X, y, lr, n_steps):
    n, d = X.shape
    w = np.zeros(d + 1)
    losses = []
    for k in range(n_steps + 1):
        residual = w[0] + X @ w[1:] - y
        losses.append(np.mean(residual ** 2))
        if k == n_steps:
            break
        w = w - lr * np.concatenate([[2 * residual.mean()], 2 * X.T @ residual / n])
    return w, np.array(losses)
''', why="intercept kept separately, loss recorded at the top of the loop"),
    "sgd with rng.shuffle and a copied X": Correct(
        cell="sgd", source='''
def sgd(X, y, lr, n_epochs, batch_size, rng):
    A = add_bias_column(X)
    n = len(y)
    w = np.zeros(A.shape[1])
    losses = [mse(y, A @ w)]
    idx = np.arange(n)
    for epoch in range(n_epochs):
        rng.shuffle(idx)
        A_s, y_s = A[idx], y[idx]
        for start in range(0, n, batch_size):
            A_b, y_b = A_s[start:start + batch_size], y_s[start:start + batch_size]
            w -= lr * 2 * A_b.T @ (A_b @ w - y_b) / len(y_b)
        losses.append(mse(y, A @ w))
    return w, np.array(losses)
''', why="shuffles an index array in place, slices shuffled copies"),
    "sgd with choice without replacement and per-example loop": Correct(
        cell="sgd", source='''
def sgd(X, y, lr, n_epochs, batch_size, rng):
    n, d = X.shape
    w = np.zeros(d + 1)
    def loss(w):
        return np.mean((w[0] + X @ w[1:] - y) ** 2)
    losses = [loss(w)]
    for epoch in range(n_epochs):
        order = rng.choice(n, size=n, replace=False)
        batches = [order[i:i + batch_size] for i in range(0, n, batch_size)]
        for batch in batches:
            g = np.zeros(d + 1)
            for i in batch:
                x_i = np.concatenate([[1.0], X[i]])
                g += 2 * (x_i @ w - y[i]) * x_i
            w = w - lr * g / len(batch)
        losses.append(loss(w))
    return w, np.array(losses)
''', why="rng.choice(replace=False), loops over examples"),
}

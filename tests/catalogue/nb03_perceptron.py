"""Bug catalogue of 03_perceptron: wrong answers lose points, other correct answers do not."""

from tests.notebook_runner import Bug, Correct

NOTEBOOK = "solutions/03_perceptron/03_perceptron.ipynb"

PREDICT = "def perceptron_predict(X, w, theta):\n    return {}\n"


def _predict(body: str) -> str:
    return PREDICT.format(body)


# perceptron_train with the three marked places replaceable; the default is the right answer.
TRAIN = """\
def perceptron_train(X, y, lr=1.0, max_epochs=100):
    X = np.asarray(X, dtype=float)
    w, theta, mistakes = np.zeros(X.shape[1]), 0.0, []
    for _ in range(max_epochs):
        count = 0
        for x_i, y_i in zip(X, y):
            error = y_i - int(x_i @ w > theta)
            if error != 0:
                {update}
                count += 1
        mistakes.append(count)
        {stop}
    return w, theta, mistakes
"""
UPDATE = "w = w + lr * error * x_i\n                theta = theta - lr * error"
STOP = "if count == 0:\n            break"


def _train(update: str = UPDATE, stop: str = STOP) -> str:
    return TRAIN.format(update=update, stop=stop)


def _margin(body: str) -> str:
    return f"def margin(X, y, w, theta):\n{body}\n"


BUGS = {
    # --- perceptron_predict
    "predict: >= instead of >": Bug(
        "perceptron_predict", ("test_perceptron_predict",),
        _predict("(X @ w >= theta).astype(int)"), "a point on the boundary must get 0",
        visible=True),
    "predict: threshold compared with the absolute score": Bug(
        "perceptron_predict", ("test_perceptron_predict",),
        _predict("(np.abs(X @ w) > theta).astype(int)"), "signs lost: NAND fires everywhere",
        visible=True),
    "predict: threshold ignored": Bug(
        "perceptron_predict", ("test_perceptron_predict",),
        _predict("(X @ w > 0).astype(int)"), "no threshold"),
    "predict: threshold added": Bug(
        "perceptron_predict", ("test_perceptron_predict",),
        _predict("(X @ w + theta > 0).astype(int)"), "w.x + theta > 0 instead of w.x - theta > 0"),
    "predict: labels -1/+1": Bug(
        "perceptron_predict", ("test_perceptron_predict",),
        _predict("np.where(X @ w > theta, 1, -1)"), "wrong label encoding"),
    "predict: raw score": Bug(
        "perceptron_predict", ("test_perceptron_predict",),
        _predict("X @ w - theta"), "not thresholded"),
    "predict: flipped comparison": Bug(
        "perceptron_predict", ("test_perceptron_predict",),
        _predict("(X @ w < theta).astype(int)"), "fires on the wrong side"),
    # --- perceptron_train
    "train: updates on correct predictions too": Bug(
        "perceptron_train", ("test_perceptron_train_and", "test_perceptron_train_separable"),
        _train().replace("            if error != 0:\n", "            if True:\n").replace(
            "w = w + lr * error * x_i", "w = w + lr * (2 * y_i - 1) * x_i").replace(
            "theta = theta - lr * error", "theta = theta - lr * (2 * y_i - 1)"),
        "w += lr * s * x on every example, right or wrong"),
    "train: no threshold": Bug(
        "perceptron_train", ("test_perceptron_train_and",),
        _train(update="w = w + lr * error * x_i"), "theta never learned"),
    "train: threshold moves with w": Bug(
        "perceptron_train", ("test_perceptron_train_and", "test_perceptron_train_separable"),
        _train(update="w = w + lr * error * x_i\n                theta = theta + lr * error"),
        "sign of the threshold update"),
    "train: +-1 update with 0/1 labels": Bug(
        "perceptron_train", ("test_perceptron_train_and",),
        _train(update="w = w + lr * y_i * x_i\n                theta = theta - lr * y_i"),
        "label encoding: examples labelled 0 never move the weights"),
    "train: labels recoded to -1/+1 but compared with 0/1 predictions": Bug(
        "perceptron_train", ("test_perceptron_train_and",),
        _train().replace("error = y_i - int(x_i @ w > theta)",
                         "error = (2 * y_i - 1) - int(x_i @ w > theta)"),
        "mixes the {-1,+1} labels with the {0,1} unit output"),
    "train: learning rate ignored": Bug(
        "perceptron_train", ("test_perceptron_train_and",),
        _train(update="w = w + error * x_i\n                theta = theta - error"),
        "lr unused: same mistakes, weights off by 1/lr (also caught on the separable data "
        "and XOR)", visible=True),
    "train: learning rate only on w": Bug(
        "perceptron_train", ("test_perceptron_train_and",),
        _train(update="w = w + lr * error * x_i\n                theta = theta - error"),
        "theta updated without lr (also caught on the separable data)", visible=True),
    "train: mistakes counted after the update": Bug(
        "perceptron_train", ("test_perceptron_train_and",),
        _train().replace("                count += 1\n",
                         "                count += int(int(x_i @ w > theta) != y_i)\n"),
        "counts whether the point is still wrong after its update"),
    "train: mistakes counted with the epoch's final weights": Bug(
        "perceptron_train", ("test_perceptron_train_and", "test_perceptron_train_xor"),
        _train(stop="if count == 0:\n            break").replace(
            "        mistakes.append(count)\n",
            "        count = int(np.sum((X @ w > theta).astype(int) != y))\n"
            "        mistakes.append(count)\n"),
        "mistakes of a full pass after the epoch, not the updates made in it"),
    "train: stops before recording the last 0": Bug(
        "perceptron_train", ("test_perceptron_train_and", "test_perceptron_train_separable"),
        _train(stop="").replace("        mistakes.append(count)\n",
                                "        if count == 0:\n            break\n"
                                "        mistakes.append(count)\n"),
        "the converged epoch's 0 is missing"),
    "train: stops when mistakes go up": Bug(
        "perceptron_train", ("test_perceptron_train_and", "test_perceptron_train_separable"),
        _train(stop="if count == 0 or (len(mistakes) > 1 and count > mistakes[-2]):\n"
                    "            break"),
        "stopping too early"),
    "train: one epoch too few": Bug(
        "perceptron_train", ("test_perceptron_train_xor",),
        _train().replace("for _ in range(max_epochs):", "for _ in range(max_epochs - 1):"),
        "off by one in the epoch loop"),
    "train: never stops early": Bug(
        "perceptron_train", ("test_perceptron_train_and", "test_perceptron_train_separable"),
        _train(stop="pass"), "runs all max_epochs even after converging"),
    "train: shuffles the rows": Bug(
        "perceptron_train", ("test_perceptron_train_and", "test_perceptron_train_separable"),
        _train().replace("        for x_i, y_i in zip(X, y):\n",
                         "        order = np.random.default_rng(0).permutation(len(X))\n"
                         "        for x_i, y_i in zip(X[order], np.asarray(y)[order]):\n"),
        "shuffling when the rule says the given order"),
    "train: visits the rows in reverse": Bug(
        "perceptron_train", ("test_perceptron_train_and",),
        _train().replace("zip(X, y)", "zip(X[::-1], np.asarray(y)[::-1])"), "wrong order"),
    "train: >= in the prediction": Bug(
        "perceptron_train", ("test_perceptron_train_and",),
        _train().replace("x_i @ w > theta", "x_i @ w >= theta"), "boundary points fire"),
    "train: batch updates at the end of the epoch": Bug(
        "perceptron_train", ("test_perceptron_train_and",),
        _train(update="dw = dw + lr * error * x_i\n                dtheta = dtheta - lr * error")
        .replace("        count = 0\n", "        count, dw, dtheta = 0, 0.0, 0.0\n")
        .replace("        mistakes.append(count)\n",
                 "        w, theta = w + dw, theta + dtheta\n        mistakes.append(count)\n"),
        "the batch perceptron, not Rosenblatt's online rule"),
    "train: random initial weights": Bug(
        "perceptron_train", ("test_perceptron_train_and",),
        _train().replace("np.zeros(X.shape[1])",
                         "np.random.default_rng(0).normal(size=X.shape[1])"),
        "must start from w = 0"),
    "train: modifies X in place": Bug(
        "perceptron_train", ("test_perceptron_train_separable",),
        _train().replace("    X = np.asarray(X, dtype=float)\n",
                         "    X = np.asarray(X, dtype=float)\n    X -= 0.0 * X.mean()\n"
                         "    X[:, 0] *= 1.0\n    X /= np.abs(X).max()\n"),
        "rescales the caller's X"),
    # --- margin
    "margin: labels 0/1 used as signs": Bug(
        "margin", ("test_margin",),
        _margin("    return float(np.min(y * (X @ w - theta)) / np.linalg.norm(w))"),
        "label encoding"),
    "margin: not normalised": Bug(
        "margin", ("test_margin",),
        _margin("    s = 2 * y - 1\n    return float(np.min(s * (X @ w - theta)))"),
        "a score, not a distance"),
    "margin: normalised by ||(w, theta)||": Bug(
        "margin", ("test_margin",),
        _margin("    s = 2 * y - 1\n"
                "    return float(np.min(s * (X @ w - theta)) / np.sqrt(w @ w + theta ** 2))"),
        "not the formula asked"),
    "margin: absolute distance": Bug(
        "margin", ("test_margin",),
        _margin("    return float(np.min(np.abs(X @ w - theta)) / np.linalg.norm(w))"),
        "ignores the side: misclassified points look fine", visible=True),
    "margin: max instead of min": Bug(
        "margin", ("test_margin",),
        _margin("    s = 2 * y - 1\n"
                "    return float(np.max(s * (X @ w - theta)) / np.linalg.norm(w))"),
        "the farthest point, not the closest"),
    "margin: threshold added": Bug(
        "margin", ("test_margin",),
        _margin("    s = 2 * y - 1\n"
                "    return float(np.min(s * (X @ w + theta)) / np.linalg.norm(w))"),
        "sign of theta"),
    "margin: squared norm": Bug(
        "margin", ("test_margin",),
        _margin("    s = 2 * y - 1\n    return float(np.min(s * (X @ w - theta)) / (w @ w))"),
        "divides by ||w||^2"),
}

CORRECT = {
    "predict: loop over rows with 0/1 ints": Correct(
        "perceptron_predict",
        "def perceptron_predict(X, w, theta):\n"
        "    out = np.zeros(len(X), dtype=int)\n"
        "    for i, x in enumerate(X):\n"
        "        if sum(wj * xj for wj, xj in zip(w, x)) > theta:\n"
        "            out[i] = 1\n"
        "    return out\n",
        "an explicit loop"),
    "predict: heaviside of the bias form": Correct(
        "perceptron_predict",
        "def perceptron_predict(X, w, theta):\n"
        "    b = -theta\n"
        "    return np.heaviside(np.dot(X, w) + b, 0.0)\n",
        "floats 0.0/1.0 from np.heaviside with b = -theta"),
    "train: absorbed threshold, +-1 labels on mistakes": Correct(
        "perceptron_train",
        "def perceptron_train(X, y, lr=1.0, max_epochs=100):\n"
        "    Xa = np.column_stack([X, -np.ones(len(X))])  # theta is the weight of input -1\n"
        "    s = 2 * np.asarray(y) - 1\n"
        "    wa = np.zeros(Xa.shape[1])\n"
        "    mistakes = []\n"
        "    for epoch in range(max_epochs):\n"
        "        n_wrong = 0\n"
        "        for i in range(len(Xa)):\n"
        "            fired = Xa[i] @ wa > 0\n"
        "            if fired != (s[i] > 0):\n"
        "                wa += lr * s[i] * Xa[i]\n"
        "                n_wrong += 1\n"
        "        mistakes.append(n_wrong)\n"
        "        if not n_wrong:\n"
        "            break\n"
        "    return wa[:-1], float(wa[-1]), mistakes\n",
        "augmented vector and the +-1 form of the rule"),
    "train: while loop, numpy mistakes array": Correct(
        "perceptron_train",
        "def perceptron_train(X, y, lr=1.0, max_epochs=100):\n"
        "    w = np.zeros(np.shape(X)[1]); theta = 0.0; mistakes = []\n"
        "    converged = False\n"
        "    while not converged and len(mistakes) < max_epochs:\n"
        "        errors = 0\n"
        "        for i in range(len(y)):\n"
        "            y_hat = perceptron_predict(np.asarray(X[i:i + 1]), w, theta)[0]\n"
        "            e = y[i] - y_hat\n"
        "            w += lr * e * np.asarray(X[i], dtype=float)\n"
        "            theta -= lr * e\n"
        "            errors += abs(e)\n"
        "        mistakes.append(errors)\n"
        "        converged = errors == 0\n"
        "    return w, theta, np.array(mistakes)\n",
        "reuses perceptron_predict; the e = 0 updates are no-ops"),
    "margin: loop with an if": Correct(
        "margin",
        "def margin(X, y, w, theta):\n"
        "    norm = np.sqrt(np.sum(np.square(w)))\n"
        "    best = np.inf\n"
        "    for x, label in zip(X, y):\n"
        "        d = (np.dot(w, x) - theta) / norm\n"
        "        best = min(best, d if label == 1 else -d)\n"
        "    return best\n",
        "a loop"),
}

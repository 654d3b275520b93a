"""Bug catalogue of 08_regularization: L2 penalty, early stopping, dropout, batch norm, init.

Most wrong answers are a correct answer below (L2, ES, DROPOUT, BN, XAVIER, HE) with one change;
`_swap` checks that the change applies exactly once. The others are written out in full.
"""

from dataclasses import replace

from tests.notebook_runner import Bug, Correct

NOTEBOOK = "solutions/08_regularization/08_regularization.ipynb"


def _seen(bug: Bug) -> Bug:
    """The bug, also caught by the visible part of its test cells (what Validate runs)."""
    return replace(bug, visible=True)


def _swap(source: str, old: str, new: str) -> str:
    if source.count(old) != 1:
        raise ValueError(f"catalogue: {old!r} must occur exactly once in the base source")
    return source.replace(old, new)


# -- l2_penalty ------------------------------------------------------------------------------

L2 = """
def l2_penalty(params, lam):
    value, grads = 0.0, {}
    for name, a in params.items():
        if name.endswith("W"):
            value += 0.5 * lam * float(np.sum(a**2))
            grads[name] = lam * a
        else:
            grads[name] = np.zeros_like(a)
    return value, grads
"""

# -- early_stopping --------------------------------------------------------------------------

ES = """
def early_stopping(val_losses, patience):
    best = 0
    for epoch in range(1, len(val_losses)):
        if val_losses[epoch] < val_losses[best]:
            best = epoch
        elif epoch - best == patience:
            return epoch, best
    return len(val_losses) - 1, best
"""

# -- Dropout ---------------------------------------------------------------------------------

DROPOUT = """
class Dropout(Module):
    def __init__(self, p=0.5, *, rng):
        self.p = p
        self.rng = rng
        self.mask = None

    def forward(self, x):
        if not self.training:
            return x
        self.mask = (self.rng.random(x.shape) >= self.p) / (1 - self.p)
        return x * self.mask

    def backward(self, dout):
        if not self.training:
            return dout
        return dout * self.mask
"""

# -- BatchNorm -------------------------------------------------------------------------------

BN = """
class BatchNorm(Module):
    def __init__(self, num_features, eps=1e-5, momentum=0.1):
        self.gamma = Parameter(np.ones(num_features))
        self.beta = Parameter(np.zeros(num_features))
        self.running_mean = np.zeros(num_features)
        self.running_var = np.ones(num_features)
        self.eps = eps
        self.momentum = momentum
        self.xhat = None
        self.inv_std = None

    def forward(self, x):
        if self.training:
            n = x.shape[0]
            mu, var = x.mean(axis=0), x.var(axis=0)
            m = self.momentum
            self.running_mean = (1 - m) * self.running_mean + m * mu
            self.running_var = (1 - m) * self.running_var + m * var * n / (n - 1)
        else:
            mu, var = self.running_mean, self.running_var
        self.inv_std = 1.0 / np.sqrt(var + self.eps)
        self.xhat = (x - mu) * self.inv_std
        return self.gamma.data * self.xhat + self.beta.data

    def backward(self, dout):
        self.beta.grad += dout.sum(axis=0)
        self.gamma.grad += (dout * self.xhat).sum(axis=0)
        g = dout * self.gamma.data
        if not self.training:
            return g * self.inv_std
        n = dout.shape[0]
        dx = n * g - g.sum(axis=0) - self.xhat * (g * self.xhat).sum(axis=0)
        return (self.inv_std / n) * dx
"""

BN_TRAIN_BACKWARD = "dx = n * g - g.sum(axis=0) - self.xhat * (g * self.xhat).sum(axis=0)"

# -- xavier_init, he_init --------------------------------------------------------------------

XAVIER = """
def xavier_init(shape, rng):
    fan_in, fan_out = shape
    return rng.normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), size=shape)
"""

HE = """
def he_init(shape, rng):
    fan_in = shape[0]
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=shape)
"""

BUGS = {
    # l2_penalty
    "l2: gradient without lambda": _seen(Bug(
        "l2_penalty",
        ("test_l2_penalty",),
        _swap(L2, "grads[name] = lam * a", "grads[name] = a.copy()"),
        "the gradient of (lam/2) W^2 is lam W, not W",
    )),
    "l2: gradient with a spurious factor 2": _seen(Bug(
        "l2_penalty",
        ("test_l2_penalty",),
        _swap(L2, "grads[name] = lam * a", "grads[name] = 2 * lam * a"),
        "differentiating (lam/2) W^2 as if it were lam W^2",
    )),
    "l2: value without the 1/2": _seen(Bug(
        "l2_penalty",
        ("test_l2_penalty",),
        _swap(L2, "value += 0.5 * lam *", "value += lam *"),
        "value lam sum W^2 with gradient lam W: two different penalties",
    )),
    "l2: penalizes biases": _seen(Bug(
        "l2_penalty",
        ("test_l2_penalty",),
        """
def l2_penalty(params, lam):
    value = sum(0.5 * lam * float(np.sum(a**2)) for a in params.values())
    return value, {name: lam * a for name, a in params.items()}
""",
        "biases, gamma and beta must not be penalized",
    )),
    "l2: gradient of biases penalized, value right": _seen(Bug(
        "l2_penalty",
        ("test_l2_penalty",),
        _swap(L2, "grads[name] = np.zeros_like(a)", "grads[name] = lam * a"),
        "value and gradient disagree on what is penalized",
    )),
    "l2: no gradient entries for biases": _seen(Bug(
        "l2_penalty",
        ("test_l2_penalty",),
        _swap(L2, "grads[name] = np.zeros_like(a)", "pass"),
        "grads must have every key of params (zeros for what is not penalized)",
    )),
    "l2: norm instead of squared norm": _seen(Bug(
        "l2_penalty",
        ("test_l2_penalty",),
        _swap(
            L2,
            "value += 0.5 * lam * float(np.sum(a**2))",
            "value += 0.5 * lam * float(np.sqrt(np.sum(a**2)))",
        ),
        "the penalty is the SQUARED norm",
    )),
    "l2: weights recognized only by the exact name 'W'": _seen(Bug(
        "l2_penalty",
        ("test_l2_penalty",),
        _swap(L2, 'if name.endswith("W"):', 'if name == "W":'),
        "nnlib names weights 'layers.0.W': test the end of the name",
    )),
    "l2: modifies the weights in place": _seen(Bug(
        "l2_penalty",
        ("test_l2_penalty",),
        _swap(L2, "grads[name] = lam * a", "a *= lam\n            grads[name] = a"),
        "the gradient array is the weight array itself, scaled in place",
    )),
    # early_stopping
    "early stopping: stops one epoch early (at patience - 1 bad epochs)": _seen(Bug(
        "early_stopping",
        ("test_early_stopping",),
        _swap(ES, "epoch - best == patience", "epoch - best == patience - 1"),
        "off by one: stopping when the count reaches patience - 1",
    )),
    "early stopping: stops one epoch late": _seen(Bug(
        "early_stopping",
        ("test_early_stopping",),
        _swap(ES, "epoch - best == patience", "epoch - best == patience + 1"),
        "off by one: waiting for patience + 1 bad epochs",
    )),
    "early stopping: stops at epoch == patience": _seen(Bug(
        "early_stopping",
        ("test_early_stopping",),
        _swap(ES, "epoch - best == patience", "epoch == patience"),
        "counts epochs from the start instead of bad epochs since the best",
    )),
    "early stopping: returns the stop epoch as the best": _seen(Bug(
        "early_stopping",
        ("test_early_stopping",),
        _swap(ES, "return epoch, best", "return epoch, epoch"),
        "the best weights are those of the best epoch, not the last",
    )),
    "early stopping: ties count as improvements": _seen(Bug(
        "early_stopping",
        ("test_early_stopping",),
        _swap(ES, "val_losses[epoch] < val_losses[best]", "val_losses[epoch] <= val_losses[best]"),
        "an improvement must be strictly lower",
    )),
    "early stopping: counter never reset": _seen(Bug(
        "early_stopping",
        ("test_early_stopping",),
        """
def early_stopping(val_losses, patience):
    best, bad = 0, 0
    for epoch in range(1, len(val_losses)):
        if val_losses[epoch] < val_losses[best]:
            best = epoch
        else:
            bad += 1
            if bad == patience:
                return epoch, best
    return len(val_losses) - 1, best
""",
        "counts every bad epoch since the start, not those in a row",
    )),
    "early stopping: best epoch looks into the future": _seen(Bug(
        "early_stopping",
        ("test_early_stopping",),
        _swap(ES, "return epoch, best", "return epoch, int(np.argmin(val_losses))"),
        "the best epoch must be chosen among the epochs actually trained",
    )),
    "early stopping: returns len(val_losses) when never triggered": _seen(Bug(
        "early_stopping",
        ("test_early_stopping",),
        _swap(ES, "return len(val_losses) - 1, best", "return len(val_losses), best"),
        "epochs are numbered from 0: the last one is E - 1",
    )),
    # Dropout
    "dropout: not rescaled": _seen(Bug(
        "Dropout",
        ("test_Dropout_train",),
        _swap(DROPOUT, ") / (1 - self.p)", ").astype(float)"),
        "kept entries must be divided by 1 - p",
    )),
    "dropout: scaled by (1 - p) instead of 1/(1 - p)": _seen(Bug(
        "Dropout",
        ("test_Dropout_train",),
        _swap(DROPOUT, ") / (1 - self.p)", ") * (1 - self.p)"),
        "multiplying by 1 - p shrinks the expected value",
    )),
    "dropout: p is the keep probability": _seen(Bug(
        "Dropout",
        ("test_Dropout_train",),
        _swap(
            DROPOUT,
            "(self.rng.random(x.shape) >= self.p) / (1 - self.p)",
            "(self.rng.random(x.shape) < self.p) / self.p",
        ),
        "p is the probability to DROP",
    )),
    "dropout: kept entries divided by p": _seen(Bug(
        "Dropout",
        ("test_Dropout_train",),
        _swap(DROPOUT, ") / (1 - self.p)", ") / self.p"),
        "the same as 1 / (1 - p) only at p = 0.5",
    )),
    "dropout: keeps with probability p": _seen(Bug(
        "Dropout",
        ("test_Dropout_train",),
        _swap(DROPOUT, "(self.rng.random(x.shape) >= self.p)", "(self.rng.random(x.shape) < self.p)"),
        "p is the probability to DROP; the same as keeping with probability 1 - p only at p = 0.5",
    )),
    "dropout: backward divides by p": _seen(Bug(
        "Dropout",
        ("test_Dropout_backward",),
        _swap(DROPOUT, "return dout * self.mask", "return dout * (self.mask > 0) / self.p"),
        "forward and backward must use the same scale 1 / (1 - p)",
    )),
    "dropout: active at inference": _seen(Bug(
        "Dropout",
        ("test_Dropout_eval",),
        _swap(DROPOUT, "        if not self.training:\n            return x\n", ""),
        "eval mode must be the identity",
    )),
    "dropout: standard (non-inverted) dropout, scaled at test time": _seen(Bug(
        "Dropout",
        ("test_Dropout_train", "test_Dropout_eval"),
        _swap(
            _swap(DROPOUT, "            return x\n", "            return x * (1 - self.p)\n"),
            ") / (1 - self.p)",
            ").astype(float)",
        ),
        "the original paper's form: rescales at test time, not in training",
    )),
    "dropout: mask re-drawn in backward": _seen(Bug(
        "Dropout",
        ("test_Dropout_backward",),
        _swap(
            DROPOUT,
            "return dout * self.mask",
            "return dout * (self.rng.random(dout.shape) >= self.p) / (1 - self.p)",
        ),
        "backward must use the mask of the forward pass",
    )),
    "dropout: backward without the 1/(1-p) scale": _seen(Bug(
        "Dropout",
        ("test_Dropout_backward",),
        _swap(DROPOUT, "return dout * self.mask", "return dout * (self.mask > 0)"),
        "dy/dx = mask / (1 - p)",
    )),
    "dropout: backward in eval mode uses the stale mask": _seen(Bug(
        "Dropout",
        ("test_Dropout_eval",),
        _swap(DROPOUT, "        if not self.training:\n            return dout\n", ""),
        "in eval mode the layer is the identity, so is its gradient",
    )),
    "dropout: numpy's global random generator": Bug(
        "Dropout",
        ("test_Dropout_train",),
        _swap(DROPOUT, "self.rng.random(x.shape)", "np.random.random(x.shape)"),
        "masks must come from the rng given, for reproducibility",
    ),
    "dropout: one mask drawn once and reused": _seen(Bug(
        "Dropout",
        ("test_Dropout_train",),
        _swap(
            DROPOUT,
            "        self.mask = (self.rng",
            "        if self.mask is None or self.mask.shape != x.shape:\n"
            "            self.mask = (self.rng",
        ),
        "a new mask at every forward pass",
    )),
    # BatchNorm
    "batchnorm: batch statistics at eval": _seen(Bug(
        "BatchNorm",
        ("test_BatchNorm_eval",),
        _swap(
            BN,
            "            mu, var = self.running_mean, self.running_var",
            "            mu, var = x.mean(axis=0), x.var(axis=0)",
        ),
        "inference must use the running averages",
    )),
    "batchnorm: unbiased variance to normalize": _seen(Bug(
        "BatchNorm",
        ("test_BatchNorm_forward",),
        _swap(BN, "x.var(axis=0)\n", "x.var(axis=0, ddof=1)\n").replace(
            "m * var * n / (n - 1)", "m * var"
        ),
        "normalization uses the biased batch variance (divide by N)",
    )),
    "batchnorm: biased variance for the running average": _seen(Bug(
        "BatchNorm",
        ("test_BatchNorm_running",),
        _swap(BN, "m * var * n / (n - 1)", "m * var"),
        "the running variance is updated with the unbiased batch variance (PyTorch)",
    )),
    "batchnorm: running statistics never updated": _seen(Bug(
        "BatchNorm",
        ("test_BatchNorm_running",),
        _swap(
            _swap(BN, "            self.running_mean = (1 - m) * self.running_mean + m * mu\n", ""),
            "            self.running_var = (1 - m) * self.running_var + m * var * n / (n - 1)\n",
            "",
        ),
        "running_mean/var stay at 0/1",
    )),
    "batchnorm: momentum reversed": _seen(Bug(
        "BatchNorm",
        ("test_BatchNorm_running",),
        _swap(BN, "m = self.momentum", "m = 1 - self.momentum"),
        "PyTorch's momentum weighs the NEW batch",
    )),
    "batchnorm: eval mode updates the running statistics": _seen(Bug(
        "BatchNorm",
        ("test_BatchNorm_running",),
        _swap(
            BN,
            "            mu, var = self.running_mean, self.running_var",
            "            mu, var = self.running_mean, self.running_var\n"
            "            m = self.momentum\n"
            "            self.running_mean = (1 - m) * self.running_mean + m * x.mean(axis=0)",
        ),
        "inference must not change the model",
    )),
    "batchnorm: eps outside the square root": _seen(Bug(
        "BatchNorm",
        ("test_BatchNorm_forward",),
        _swap(BN, "1.0 / np.sqrt(var + self.eps)", "1.0 / (np.sqrt(var) + self.eps)"),
        "sqrt(var + eps), as stated",
    )),
    "batchnorm: no gamma/beta gradients": _seen(Bug(
        "BatchNorm",
        ("test_BatchNorm_backward",),
        _swap(
            _swap(BN, "        self.beta.grad += dout.sum(axis=0)\n", ""),
            "        self.gamma.grad += (dout * self.xhat).sum(axis=0)\n",
            "",
        ),
        "gamma and beta are learned: backward must fill their gradients",
    )),
    "batchnorm: gamma/beta gradients overwritten": _seen(Bug(
        "BatchNorm",
        ("test_BatchNorm_backward",),
        _swap(
            _swap(BN, "self.beta.grad += ", "self.beta.grad = "),
            "self.gamma.grad += ",
            "self.gamma.grad = ",
        ),
        "backward ADDS into .grad",
    )),
    "batchnorm: gamma gradient overwritten": _seen(Bug(
        "BatchNorm",
        ("test_BatchNorm_backward",),
        _swap(BN, "self.gamma.grad += ", "self.gamma.grad = "),
        "backward ADDS into .grad, gamma's as well as beta's",
    )),
    "batchnorm: gamma gradient from x instead of x_hat": _seen(Bug(
        "BatchNorm",
        ("test_BatchNorm_backward",),
        _swap(
            BN,
            "self.gamma.grad += (dout * self.xhat).sum(axis=0)",
            "self.gamma.grad += (dout * (self.xhat / self.inv_std)).sum(axis=0)",
        ),
        "y = gamma * x_hat + beta",
    )),
    "batchnorm: simplified backward ignoring mu and sigma's dependence on x": _seen(Bug(
        "BatchNorm",
        ("test_BatchNorm_backward",),
        _swap(BN, BN_TRAIN_BACKWARD, "dx = n * g"),
        "in training the batch statistics depend on x",
    )),
    "batchnorm: backward only through mu, not sigma": _seen(Bug(
        "BatchNorm",
        ("test_BatchNorm_backward",),
        _swap(BN, BN_TRAIN_BACKWARD, "dx = n * g - g.sum(axis=0)"),
        "the variance depends on x too",
    )),
    "batchnorm: dx without gamma": _seen(Bug(
        "BatchNorm",
        ("test_BatchNorm_backward",),
        _swap(BN, "g = dout * self.gamma.data", "g = dout"),
        "d y / d x_hat = gamma",
    )),
    "batchnorm: training backward used in eval mode": Bug(
        "BatchNorm",
        ("test_BatchNorm_backward",),
        _swap(BN, "        if not self.training:\n            return g * self.inv_std\n", ""),
        "with running statistics the layer is affine in x",
    ),
    # xavier_init
    "xavier: fan_in only (1/fan_in)": _seen(Bug(
        "xavier_init",
        ("test_xavier_init",),
        _swap(XAVIER, "np.sqrt(2.0 / (fan_in + fan_out))", "np.sqrt(1.0 / fan_in)"),
        "Xavier averages fan_in and fan_out (that is LeCun's init)",
    )),
    "xavier: 2/fan_in (He's formula)": _seen(Bug(
        "xavier_init",
        ("test_xavier_init",),
        _swap(XAVIER, "np.sqrt(2.0 / (fan_in + fan_out))", "np.sqrt(2.0 / fan_in)"),
        "Xavier is 2 / (fan_in + fan_out)",
    )),
    "xavier: 1/(fan_in + fan_out)": _seen(Bug(
        "xavier_init",
        ("test_xavier_init",),
        _swap(XAVIER, "np.sqrt(2.0 / (fan_in + fan_out))", "np.sqrt(1.0 / (fan_in + fan_out))"),
        "the 2 of the compromise dropped",
    )),
    "xavier: variance used as the standard deviation": _seen(Bug(
        "xavier_init",
        ("test_xavier_init",),
        _swap(XAVIER, "np.sqrt(2.0 / (fan_in + fan_out))", "2.0 / (fan_in + fan_out)"),
        "normal(mean, std): the std is the square root of the variance",
    )),
    "xavier: uniform bound sqrt(2/(fan_in+fan_out))": _seen(Bug(
        "xavier_init",
        ("test_xavier_init",),
        """
def xavier_init(shape, rng):
    a = np.sqrt(2.0 / (shape[0] + shape[1]))
    return rng.uniform(-a, a, size=shape)
""",
        "U(-a, a) has variance a^2/3: the bound is sqrt(6/(fan_in+fan_out))",
    )),
    "xavier: numpy's global random generator": Bug(
        "xavier_init",
        ("test_xavier_init",),
        _swap(XAVIER, "rng.normal(", "np.random.normal("),
        "weights must come from the rng given",
    ),
    # he_init
    "he: variance 1/fan_in": _seen(Bug(
        "he_init",
        ("test_he_init",),
        _swap(HE, "np.sqrt(2.0 / fan_in)", "np.sqrt(1.0 / fan_in)"),
        "He's variance is 2 / fan_in: ReLU zeroes half the signal",
    )),
    "he: fan_in and fan_out swapped": _seen(Bug(
        "he_init",
        ("test_he_init",),
        _swap(HE, "fan_in = shape[0]", "fan_in = shape[1]"),
        "nnlib stores weights (in, out): fan_in = shape[0]",
    )),
    "he: 2/(fan_in + fan_out)": _seen(Bug(
        "he_init",
        ("test_he_init",),
        _swap(HE, "np.sqrt(2.0 / fan_in)", "np.sqrt(2.0 / (shape[0] + shape[1]))"),
        "that is Xavier, not He",
    )),
    "he: uniform bound sqrt(2/fan_in)": _seen(Bug(
        "he_init",
        ("test_he_init",),
        """
def he_init(shape, rng):
    a = np.sqrt(2.0 / shape[0])
    return rng.uniform(-a, a, size=shape)
""",
        "U(-a, a) has variance a^2/3: the bound is sqrt(6/fan_in)",
    )),
    "he: numpy's global random generator": Bug(
        "he_init",
        ("test_he_init",),
        _swap(HE, "rng.normal(", "np.random.normal("),
        "weights must come from the rng given",
    ),
    "he: all weights equal (no randomness)": _seen(Bug(
        "he_init",
        ("test_he_init",),
        """
def he_init(shape, rng):
    return np.full(shape, np.sqrt(2.0 / shape[0]))
""",
        "a constant has the right second moment but keeps the units symmetric",
    )),
}

CORRECT = {
    "early stopping: argmin over the epochs trained": Correct(
        "early_stopping",
        """
def early_stopping(val_losses, patience):
    losses = np.asarray(val_losses, dtype=float)
    run = 0
    for epoch in range(1, len(losses)):
        run = 0 if losses[epoch] < losses[:epoch].min() else run + 1
        if run == patience:
            return epoch, int(np.argmin(losses[:epoch + 1]))
    return len(losses) - 1, int(np.argmin(losses))
""",
        "the best epoch found afterwards with np.argmin (the earliest on ties) over the epochs trained",
    ),
    "dropout: keep-mask drawn as random < 1 - p, scaled in backward": Correct(
        "Dropout",
        """
class Dropout(Module):
    def __init__(self, p=0.5, *, rng):
        self.p = p
        self.rng = rng
        self.keep = None

    def forward(self, x):
        if not self.training:
            return x
        self.keep = self.rng.random(x.shape) < 1 - self.p
        return x * self.keep / (1 - self.p)

    def backward(self, dout):
        if not self.training:
            return dout
        return dout * self.keep / (1 - self.p)
""",
        "keeps where a uniform draw is below 1 - p",
    ),
    "l2: dict comprehensions and vdot": Correct(
        "l2_penalty",
        """
def l2_penalty(params, lam):
    weights = [k for k in params if k[-1] == "W"]
    value = lam / 2 * sum(np.vdot(params[k], params[k]) for k in weights)
    grads = {k: (lam * v if k in weights else 0 * v) for k, v in params.items()}
    return value, grads
""",
        "comprehensions; value as a NumPy scalar",
    ),
    "early stopping: an explicit counter of bad epochs": Correct(
        "early_stopping",
        """
def early_stopping(val_losses, patience):
    best_loss, best, bad = float("inf"), 0, 0
    for epoch, loss in enumerate(val_losses):
        if loss < best_loss:
            best_loss, best, bad = loss, epoch, 0
        else:
            bad += 1
            if bad >= patience:
                return epoch, best
    return len(val_losses) - 1, best
""",
        "a running best loss and a counter that resets",
    ),
    "dropout: boolean mask and binomial draws": Correct(
        "Dropout",
        """
class Dropout(Module):
    def __init__(self, p=0.5, *, rng):
        self.p = p
        self.rng = rng
        self.keep = None

    def forward(self, x):
        if self.training:
            self.keep = self.rng.binomial(1, 1 - self.p, size=x.shape).astype(bool)
            return np.where(self.keep, x / (1 - self.p), 0.0)
        return x.copy()

    def backward(self, dout):
        if self.training:
            return np.where(self.keep, dout, 0.0) / (1 - self.p)
        return dout.copy()
""",
        "a boolean mask, binomial draws, the scale applied separately",
    ),
    "batchnorm: step-by-step backward through var and mu": Correct(
        "BatchNorm",
        """
class BatchNorm(Module):
    def __init__(self, num_features, eps=1e-5, momentum=0.1):
        self.gamma = Parameter(np.ones(num_features))
        self.beta = Parameter(np.zeros(num_features))
        self.running_mean = np.zeros(num_features)
        self.running_var = np.ones(num_features)
        self.eps = eps
        self.momentum = momentum

    def forward(self, x):
        self.x = x
        if self.training:
            self.mu = x.mean(axis=0)
            self.var = ((x - self.mu) ** 2).mean(axis=0)
            self.running_mean *= 1 - self.momentum
            self.running_mean += self.momentum * self.mu
            self.running_var *= 1 - self.momentum
            self.running_var += self.momentum * x.var(axis=0, ddof=1)
        else:
            self.mu, self.var = self.running_mean.copy(), self.running_var.copy()
        self.xhat = (x - self.mu) / np.sqrt(self.var + self.eps)
        return self.xhat * self.gamma.data + self.beta.data

    def backward(self, dout):
        self.gamma.grad += np.sum(dout * self.xhat, axis=0)
        self.beta.grad += np.sum(dout, axis=0)
        dxhat = dout * self.gamma.data
        std = np.sqrt(self.var + self.eps)
        if not self.training:
            return dxhat / std
        n = self.x.shape[0]
        xc = self.x - self.mu
        dvar = np.sum(dxhat * xc, axis=0) * -0.5 * std**-3
        dmu = -np.sum(dxhat, axis=0) / std + dvar * -2.0 * xc.mean(axis=0)
        return dxhat / std + dvar * 2.0 * xc / n + dmu / n
""",
        "the textbook derivation: dvar, dmu, then dx; running stats updated in place",
    ),
    "xavier: uniform": Correct(
        "xavier_init",
        """
def xavier_init(shape, rng):
    limit = np.sqrt(6 / (shape[0] + shape[1]))
    return rng.uniform(-limit, limit, shape)
""",
        "U(-a, a) with a = sqrt(6/(fan_in+fan_out))",
    ),
    "he: standard normal times std": Correct(
        "he_init",
        """
def he_init(shape, rng):
    return rng.standard_normal(shape) * (2 / shape[0]) ** 0.5
""",
        "standard_normal scaled",
    ),
    "he: uniform": Correct(
        "he_init",
        """
def he_init(shape, rng):
    a = (6.0 / shape[0]) ** 0.5
    return rng.uniform(low=-a, high=a, size=shape)
""",
        "U(-a, a) with a = sqrt(6/fan_in)",
    ),
}

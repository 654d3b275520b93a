"""Notebook 07: plausible wrong update rules and schedules, and other correct ones."""

from dataclasses import replace

from tests.notebook_runner import Bug, Correct

NOTEBOOK = "solutions/07_optimizers/07_optimizers.ipynb"


def _seen(bug: Bug) -> Bug:
    """The bug, also caught by the visible part of its test cells (what Validate runs)."""
    return replace(bug, visible=True)


_PLATEAU_INIT = '''
class ReduceOnPlateau:
    takes_metric = True

    def __init__(self, optimizer, factor=0.1, patience=10, threshold=1e-4, min_lr=0.0):
        self.optimizer = optimizer
        self.factor, self.patience = factor, patience
        self.threshold, self.min_lr = threshold, min_lr
        self.best = np.inf
        self.num_bad_epochs = 0
'''

BUGS = {
    "sgd steps up the gradient": _seen(Bug("sgd_step", ("test_sgd_step",), '''
def sgd_step(theta, g, state, lr):
    return theta + lr * g, {}
''', "sign error")),
    "sgd updates theta in place": _seen(Bug("sgd_step", ("test_sgd_step",), '''
def sgd_step(theta, g, state, lr):
    theta -= lr * g
    return theta, {}
''', "modifies its argument")),
    "momentum without (1 - beta)": _seen(Bug("momentum_step", ("test_momentum_step",), '''
def momentum_step(theta, g, state, lr, beta=0.9):
    m = beta * state.get("m", np.zeros_like(theta)) + g
    return theta - lr * m, {"m": m}
''', "PyTorch's buffer instead of the lecture's average")),
    "momentum forgets its state": _seen(Bug("momentum_step", ("test_momentum_step",), '''
def momentum_step(theta, g, state, lr, beta=0.9):
    m = beta * np.zeros_like(theta) + (1 - beta) * g
    return theta - lr * m, {"m": m}
''', "m restarts from zero every step")),
    "momentum steps along g, not m": _seen(Bug("momentum_step", ("test_momentum_step",), '''
def momentum_step(theta, g, state, lr, beta=0.9):
    m = beta * state.get("m", np.zeros_like(theta)) + (1 - beta) * g
    return theta - lr * g, {"m": m}
''', "the average is kept but never used")),
    "momentum updates the given state in place": _seen(Bug("momentum_step", ("test_momentum_step",), '''
def momentum_step(theta, g, state, lr, beta=0.9):
    m = state.get("m", np.zeros_like(theta))
    m *= beta
    m += (1 - beta) * g
    return theta - lr * m, {"m": m}
''', "aliasing: the caller's state changes")),
    "rmsprop with eps inside the root": _seen(Bug("rmsprop_step", ("test_rmsprop_step",), '''
def rmsprop_step(theta, g, state, lr, beta=0.9, eps=1e-8):
    v = beta * state.get("v", np.zeros_like(theta)) + (1 - beta) * g**2
    return theta - lr * g / np.sqrt(v + eps), {"v": v}
''', "eps placed inconsistently with the stated formula")),
    "rmsprop without (1 - beta)": _seen(Bug("rmsprop_step", ("test_rmsprop_step",), '''
def rmsprop_step(theta, g, state, lr, beta=0.9, eps=1e-8):
    v = beta * state.get("v", np.zeros_like(theta)) + g**2
    return theta - lr * g / (np.sqrt(v) + eps), {"v": v}
''', "v is a sum, not an average")),
    "rmsprop divides by v, not its root": _seen(Bug("rmsprop_step", ("test_rmsprop_step",), '''
def rmsprop_step(theta, g, state, lr, beta=0.9, eps=1e-8):
    v = beta * state.get("v", np.zeros_like(theta)) + (1 - beta) * g**2
    return theta - lr * g / (v + eps), {"v": v}
''', "missing square root")),
    "adam without bias correction": _seen(Bug("adam_step", ("test_adam_step",), '''
def adam_step(theta, g, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state.get("t", 0) + 1
    m = beta1 * state.get("m", np.zeros_like(theta)) + (1 - beta1) * g
    v = beta2 * state.get("v", np.zeros_like(theta)) + (1 - beta2) * g**2
    return theta - lr * m / (np.sqrt(v) + eps), {"m": m, "v": v, "t": t}
''', "the first steps are several times too large")),
    "adam with t starting at 0 in the correction": _seen(Bug("adam_step", ("test_adam_step",), '''
def adam_step(theta, g, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state.get("t", 0)
    m = beta1 * state.get("m", np.zeros_like(theta)) + (1 - beta1) * g
    v = beta2 * state.get("v", np.zeros_like(theta)) + (1 - beta2) * g**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), {"m": m, "v": v, "t": t + 1}
''', "division by 1 - beta**0 = 0")),
    "adam with t one step behind": _seen(Bug("adam_step", ("test_adam_step",), '''
def adam_step(theta, g, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state.get("t", 1)
    m = beta1 * state.get("m", np.zeros_like(theta)) + (1 - beta1) * g
    v = beta2 * state.get("v", np.zeros_like(theta)) + (1 - beta2) * g**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), {"m": m, "v": v, "t": t + 1}
''', "the correction uses the previous step's t")),
    "adam with eps inside the root": _seen(Bug("adam_step", ("test_adam_step",), '''
def adam_step(theta, g, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state.get("t", 0) + 1
    m = beta1 * state.get("m", np.zeros_like(theta)) + (1 - beta1) * g
    v = beta2 * state.get("v", np.zeros_like(theta)) + (1 - beta2) * g**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return theta - lr * m_hat / np.sqrt(v_hat + eps), {"m": m, "v": v, "t": t}
''', "eps placed inconsistently with the stated formula")),
    "adam stores the corrected moments": _seen(Bug("adam_step", ("test_adam_step",), '''
def adam_step(theta, g, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state.get("t", 0) + 1
    m = beta1 * state.get("m", np.zeros_like(theta)) + (1 - beta1) * g
    v = beta2 * state.get("v", np.zeros_like(theta)) + (1 - beta2) * g**2
    m, v = m / (1 - beta1**t), v / (1 - beta2**t)
    return theta - lr * m / (np.sqrt(v) + eps), {"m": m, "v": v, "t": t}
''', "the correction compounds from step to step")),
    "plateau that never resets its patience": _seen(Bug("ReduceOnPlateau", ("test_ReduceOnPlateau",),
                                                  _PLATEAU_INIT + '''
    def step(self, metric):
        if metric < self.best * (1 - self.threshold):
            self.best, self.num_bad_epochs = metric, 0
        else:
            self.num_bad_epochs += 1
        if self.num_bad_epochs > self.patience:
            self.optimizer.lr = max(self.optimizer.lr * self.factor, self.min_lr)
        return self.optimizer.lr
''', "after the first reduction it reduces every epoch")),
    "plateau reduces one epoch early": _seen(Bug("ReduceOnPlateau", ("test_ReduceOnPlateau",),
                                           _PLATEAU_INIT + '''
    def step(self, metric):
        if metric < self.best * (1 - self.threshold):
            self.best, self.num_bad_epochs = metric, 0
        else:
            self.num_bad_epochs += 1
        if self.num_bad_epochs >= self.patience:
            self.optimizer.lr = max(self.optimizer.lr * self.factor, self.min_lr)
            self.num_bad_epochs = 0
        return self.optimizer.lr
''', ">= instead of >")),
    "plateau ignores the threshold": _seen(Bug("ReduceOnPlateau", ("test_ReduceOnPlateau",),
                                         _PLATEAU_INIT + '''
    def step(self, metric):
        if metric < self.best:
            self.best, self.num_bad_epochs = metric, 0
        else:
            self.num_bad_epochs += 1
        if self.num_bad_epochs > self.patience:
            self.optimizer.lr = max(self.optimizer.lr * self.factor, self.min_lr)
            self.num_bad_epochs = 0
        return self.optimizer.lr
''', "tiny improvements reset the count")),
    "plateau ignores min_lr": Bug("ReduceOnPlateau", ("test_ReduceOnPlateau",), _PLATEAU_INIT + '''
    def step(self, metric):
        if metric < self.best * (1 - self.threshold):
            self.best, self.num_bad_epochs = metric, 0
        else:
            self.num_bad_epochs += 1
        if self.num_bad_epochs > self.patience:
            self.optimizer.lr = self.optimizer.lr * self.factor
            self.num_bad_epochs = 0
        return self.optimizer.lr
''', "the rate falls below its floor"),
    "plateau counts all bad epochs, not the current run": _seen(Bug(
        "ReduceOnPlateau", ("test_ReduceOnPlateau",), _PLATEAU_INIT + '''
    def step(self, metric):
        if metric < self.best * (1 - self.threshold):
            self.best = metric
        else:
            self.num_bad_epochs += 1
        if self.num_bad_epochs > self.patience:
            self.optimizer.lr = max(self.optimizer.lr * self.factor, self.min_lr)
            self.num_bad_epochs = 0
        return self.optimizer.lr
''', "an improvement must reset the count")),
    "cyclic as a sawtooth": _seen(Bug("cyclic_lr", ("test_cyclic_lr",), '''
def cyclic_lr(t, base_lr, max_lr, step_size):
    return base_lr + (max_lr - base_lr) * ((t % (2 * step_size)) / (2 * step_size))
''', "never comes back down linearly")),
    "cyclic with step_size as the whole cycle": _seen(Bug("cyclic_lr", ("test_cyclic_lr",), '''
def cyclic_lr(t, base_lr, max_lr, step_size):
    cycle = np.floor(1 + t / step_size)
    x = np.abs(2 * t / step_size - 2 * cycle + 1)
    return base_lr + (max_lr - base_lr) * np.maximum(0.0, 1 - x)
''', "peaks at step_size / 2")),
    "cyclic starting at max_lr": _seen(Bug("cyclic_lr", ("test_cyclic_lr",), '''
def cyclic_lr(t, base_lr, max_lr, step_size):
    cycle = np.floor(1 + t / (2 * step_size))
    x = np.abs(t / step_size - 2 * cycle + 1)
    return max_lr - (max_lr - base_lr) * np.maximum(0.0, 1 - x)
''', "phase inverted")),
    "sgd keeps a state it does not need": _seen(Bug("sgd_step", ("test_sgd_step",), '''
def sgd_step(theta, g, state, lr):
    return theta - lr * g, {"g": g}
''', "plain SGD remembers nothing")),
    "rmsprop forgets its state": _seen(Bug("rmsprop_step", ("test_rmsprop_step",), '''
def rmsprop_step(theta, g, state, lr, beta=0.9, eps=1e-8):
    v = (1 - beta) * g**2
    return theta - lr * g / (np.sqrt(v) + eps), {"v": v}
''', "v restarts from zero every step")),
    "rmsprop steps with the previous v": _seen(Bug("rmsprop_step", ("test_rmsprop_step",), '''
def rmsprop_step(theta, g, state, lr, beta=0.9, eps=1e-8):
    old = state.get("v", (1 - beta) * g**2)
    v = beta * state.get("v", np.zeros_like(theta)) + (1 - beta) * g**2
    return theta - lr * g / (np.sqrt(old) + eps), {"v": v}
''', "the step must use this step's v")),
    "adam corrects with t = 1 at every step": _seen(Bug("adam_step", ("test_adam_step",), '''
def adam_step(theta, g, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state.get("t", 0) + 1
    m = beta1 * state.get("m", np.zeros_like(theta)) + (1 - beta1) * g
    v = beta2 * state.get("v", np.zeros_like(theta)) + (1 - beta2) * g**2
    m_hat, v_hat = m / (1 - beta1), v / (1 - beta2)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), {"m": m, "v": v, "t": t}
''', "right at the first step only: the correction must fade as t grows")),
    "adam forgets to count its steps": _seen(Bug("adam_step", ("test_adam_step",), '''
def adam_step(theta, g, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    t = 1
    m = beta1 * state.get("m", np.zeros_like(theta)) + (1 - beta1) * g
    v = beta2 * state.get("v", np.zeros_like(theta)) + (1 - beta2) * g**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), {"m": m, "v": v, "t": t}
''', "t stays 1: the state must carry the step count")),
    "plateau with an absolute threshold": _seen(Bug("ReduceOnPlateau", ("test_ReduceOnPlateau",),
                                              _PLATEAU_INIT + '''
    def step(self, metric):
        if metric < self.best - self.threshold:
            self.best, self.num_bad_epochs = metric, 0
        else:
            self.num_bad_epochs += 1
        if self.num_bad_epochs > self.patience:
            self.optimizer.lr = max(self.optimizer.lr * self.factor, self.min_lr)
            self.num_bad_epochs = 0
        return self.optimizer.lr
''', "best - threshold: the same margin whatever the size of the loss")),
    "plateau counts a tie with the bar as an improvement": _seen(Bug(
        "ReduceOnPlateau", ("test_ReduceOnPlateau",), _PLATEAU_INIT + '''
    def step(self, metric):
        if metric <= self.best * (1 - self.threshold):
            self.best, self.num_bad_epochs = metric, 0
        else:
            self.num_bad_epochs += 1
        if self.num_bad_epochs > self.patience:
            self.optimizer.lr = max(self.optimizer.lr * self.factor, self.min_lr)
            self.num_bad_epochs = 0
        return self.optimizer.lr
''', "<= instead of <")),
    "plateau returns lr without setting it": _seen(Bug("ReduceOnPlateau", ("test_ReduceOnPlateau",),
                                                 _PLATEAU_INIT + '''
        self.lr = optimizer.lr

    def step(self, metric):
        if metric < self.best * (1 - self.threshold):
            self.best, self.num_bad_epochs = metric, 0
        else:
            self.num_bad_epochs += 1
        if self.num_bad_epochs > self.patience:
            self.lr = max(self.lr * self.factor, self.min_lr)
            self.num_bad_epochs = 0
        return self.lr
''', "the optimizer keeps its old rate")),
    "cyclic for scalars only (if/else)": _seen(Bug("cyclic_lr", ("test_cyclic_lr",), '''
def cyclic_lr(t, base_lr, max_lr, step_size):
    pos = t % (2 * step_size)
    frac = pos / step_size if pos <= step_size else 2 - pos / step_size
    return base_lr + frac * (max_lr - base_lr)
''', "the docstring promises arrays of steps")),
    "cyclic for scalars only (math.floor)": _seen(Bug("cyclic_lr", ("test_cyclic_lr",), '''
import math


def cyclic_lr(t, base_lr, max_lr, step_size):
    cycle = math.floor(1 + t / (2 * step_size))
    x = abs(t / step_size - 2 * cycle + 1)
    return base_lr + (max_lr - base_lr) * max(0.0, 1 - x)
''', "math.floor and max do not take arrays")),
}

CORRECT = {
    "sgd on a copy": Correct("sgd_step", '''
def sgd_step(theta, g, state, lr):
    new = np.array(theta, dtype=float, copy=True)
    new -= lr * np.asarray(g)
    return new, {}
'''),
    "momentum with an explicit first step": Correct("momentum_step", '''
def momentum_step(theta, g, state, lr, beta=0.9):
    m = (1 - beta) * g if "m" not in state else beta * state["m"] + (1 - beta) * g
    return theta - lr * m, {"m": m}
'''),
    "rmsprop element by element": Correct("rmsprop_step", '''
def rmsprop_step(theta, g, state, lr, beta=0.9, eps=1e-8):
    old = state.get("v", np.zeros_like(theta))
    v, new = np.empty_like(theta, dtype=float), np.empty_like(theta, dtype=float)
    for i in np.ndindex(np.shape(theta)):
        v[i] = beta * old[i] + (1 - beta) * g[i] ** 2
        new[i] = theta[i] - lr * g[i] / (v[i] ** 0.5 + eps)
    return new, {"v": v}
'''),
    "adam in the paper's efficient form": Correct("adam_step", '''
def adam_step(theta, g, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state.get("t", 0) + 1
    m = beta1 * state.get("m", 0 * theta) + (1 - beta1) * g
    v = beta2 * state.get("v", 0 * theta) + (1 - beta2) * g * g
    c2 = (1 - beta2**t) ** 0.5
    step_size = lr * c2 / (1 - beta1**t)
    return theta - step_size * m / (np.sqrt(v) + eps * c2), {"m": m, "v": v, "t": t}
'''),
    "plateau remembering the last good epoch": Correct("ReduceOnPlateau", '''
class ReduceOnPlateau:
    takes_metric = True

    def __init__(self, optimizer, factor=0.1, patience=10, threshold=1e-4, min_lr=0.0):
        self.optimizer, self.factor, self.patience = optimizer, factor, patience
        self.threshold, self.min_lr = threshold, min_lr
        self.best, self.epoch, self.last_reset = float("inf"), 0, 0

    def step(self, metric):
        self.epoch += 1
        if metric < (1.0 - self.threshold) * self.best:
            self.best, self.last_reset = metric, self.epoch
        elif self.epoch - self.last_reset > self.patience:
            self.optimizer.lr = max(self.min_lr, self.factor * self.optimizer.lr)
            self.last_reset = self.epoch
        return self.optimizer.lr
'''),
    "cyclic with a modulo and np.minimum": Correct("cyclic_lr", '''
def cyclic_lr(t, base_lr, max_lr, step_size):
    pos = np.mod(t, 2 * step_size) / step_size
    return base_lr + (max_lr - base_lr) * np.minimum(pos, 2 - pos)
'''),
    "cyclic with np.where": Correct("cyclic_lr", '''
def cyclic_lr(t, base_lr, max_lr, step_size):
    t = np.asarray(t)
    pos = t % (2 * step_size)
    frac = np.where(pos <= step_size, pos / step_size, 2 - pos / step_size)
    out = base_lr + frac * (max_lr - base_lr)
    return float(out) if out.ndim == 0 else out
'''),
    "plateau with the relative gain written out": Correct("ReduceOnPlateau", '''
class ReduceOnPlateau:
    takes_metric = True

    def __init__(self, optimizer, factor=0.1, patience=10, threshold=1e-4, min_lr=0.0):
        self.optimizer = optimizer
        self.factor, self.patience = factor, patience
        self.threshold, self.min_lr = threshold, min_lr
        self.best = None
        self.wait = 0

    def step(self, metric):
        if self.best is None or self.best - metric > self.threshold * self.best:
            self.best, self.wait = metric, 0
        else:
            self.wait += 1
            if self.wait > self.patience:
                self.optimizer.lr = max(self.min_lr, self.optimizer.lr * self.factor)
                self.wait = 0
        return self.optimizer.lr
'''),
    "momentum in place on a fresh array": Correct("momentum_step", '''
def momentum_step(theta, g, state, lr, beta=0.9):
    m = np.array(state["m"], dtype=float) if "m" in state else np.zeros_like(theta, dtype=float)
    m *= beta
    m += (1 - beta) * g
    return theta - lr * m, {"m": m}
'''),
}

"""nnlib's reference answers that a submission may not call while its assignment is graded.

nnlib holds a reference implementation of most exercises (the notebooks fall back to them so
one unfinished exercise never blocks the next). In the sandbox of an assignment, each module
that holds one of *its* references is replaced by a copy in which those definitions raise
`WithheldError` when used; everything else in the module, and every other assignment's
references, work as usual. The real file is not in the sandbox at all (nor its compiled
cache), so no trick inside the student's process can bring the code back.

The library's general layers that a later notebook builds on stay available (e.g. in 04 the
activation layers, which `train_xor_mlp` is meant to use); see docs/instructors.md.

In every sandbox, nnlib's copy of the digits lacks the capstone's held-out test images
(`DIGITS_SPLIT`, the split notebook 09 and its tests use): the judge evaluates a model on them,
and the student's process never holds them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np

import nnlib
from nnlib.data import train_val_test_split

NNLIB = Path(nnlib.__file__).parent
DIGITS = NNLIB / "data" / "digits.npz"
DIGITS_SPLIT = ((0.6, 0.2, 0.2), 4)  # fractions and seed of 09's split (SPLIT_SEED there)

# assignment -> {module file inside nnlib: names of the references withheld there}
WITHHELD: dict[str, dict[str, list[str]]] = {
    "01_linear_regression": {
        "linear_models.py": ["add_bias_column", "mse", "mse_grad", "fit_closed_form",
                             "gradient_descent", "sgd"]},
    "02_logistic_regression": {
        "linear_models.py": ["sigmoid", "bce_from_logits", "logistic_grad", "train_logistic",
                             "predict"],
        "losses.py": ["BCEWithLogitsLoss"]},
    "03_perceptron": {"perceptron.py": ["perceptron_predict", "perceptron_train", "margin"]},
    "04_xor_mlp": {
        "mlp.py": ["compose_linear", "shallow_net", "relu", "relu_grad", "leaky_relu",
                   "leaky_relu_grad", "prelu", "prelu_grad", "elu", "elu_grad", "softplus",
                   "softplus_grad", "sigmoid", "sigmoid_grad", "tanh", "tanh_grad", "maxout",
                   "maxout_grad", "mlp_forward", "xor_weights", "fit_phi", "train_xor_mlp"],
        "regions.py": ["count_linear_regions"]},
    "05_backprop": {
        "toy_chain.py": ["toy_forward", "toy_backward"],
        "autodiff.py": ["Value"],
        "layers/linear.py": ["Linear"],
        "layers/activations.py": ["ReLU"],
        "layers/container.py": ["Sequential"],
        "losses.py": ["CrossEntropyLoss"]},
    "06_gradient_checking": {
        "gradcheck.py": ["numerical_gradient", "relative_error", "check_module"]},
    "07_optimizers": {
        "steps.py": ["sgd_step", "momentum_step", "rmsprop_step", "adam_step", "cyclic_lr"],
        "schedules.py": ["ReduceOnPlateau"]},
    "08_regularization": {
        "regularization.py": ["l2_penalty", "add_l2_grad", "l2_penalty_named", "early_stopping"],
        "layers/dropout.py": ["Dropout"],
        "layers/batchnorm.py": ["BatchNorm1d"]},  # nnlib.init stays: Linear is built on it
}

_HELPER = '''
class WithheldError(RuntimeError):
    """A reference answer of the assignment being graded was used."""


def _withheld(name):
    raise WithheldError(
        f"nnlib's reference {{name}} is not available while {assignment} is graded: "
        "your answer must compute this itself")
'''


def _stub(node: ast.FunctionDef | ast.ClassDef, qualified: str) -> ast.stmt:
    if isinstance(node, ast.ClassDef):  # still a class: isinstance and imports keep working
        text = (f"class {node.name}:\n    def __init__(self, *args, **kwargs):\n"
                f"        _withheld({qualified!r})\n")
    else:
        text = f"def {node.name}(*args, **kwargs):\n    _withheld({qualified!r})\n"
    return ast.parse(text).body[0]


def stub_source(source: str, names: list[str], assignment: str, module: str) -> str:
    """`source` with the top-level definitions of `names` replaced, in place, by ones that raise.

    In place, so that module-level code after a definition (a table of functions) still finds it.
    """
    tree = ast.parse(source)
    body = [_stub(n, f"nnlib.{module}.{n.name}")
            if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name in names else n
            for n in tree.body]
    first = next((i for i, n in enumerate(body) if not (
        isinstance(n, ast.ImportFrom) and n.module == "__future__"
        or isinstance(n, ast.Expr) and isinstance(getattr(n, "value", None), ast.Constant))), 0)
    tree.body = body[:first] + ast.parse(_HELPER.format(assignment=assignment)).body + body[first:]
    return ast.unparse(tree)


def source_defs(source: str, names: set[str]) -> list[ast.FunctionDef | ast.ClassDef]:
    """The top-level function and class definitions of `names` in `source`, in order."""
    return [n for n in ast.parse(source).body
            if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name in names]


def heldout_digits() -> np.ndarray:
    """Indices into nnlib's digits of the capstone's held-out test images."""
    with np.load(DIGITS) as f:
        labels = f["labels"].astype(np.int64)
    index = np.arange(len(labels))[:, None]
    fractions, seed = DIGITS_SPLIT
    (_, _), (_, _), (test, _) = train_val_test_split(index, labels, fractions,
                                                       np.random.default_rng(seed))
    return np.sort(test[:, 0])


def development_digits(path: Path) -> None:
    """Write nnlib's digits without the held-out test images to `path` (an .npz)."""
    with np.load(DIGITS) as f:
        keep = np.setdiff1d(np.arange(len(f["labels"])), heldout_digits())
        np.savez_compressed(path, **{k: f[k][keep] for k in f.files})


def masks(assignment: str, folder: Path) -> dict[str, str]:
    """nnlib file -> its replacement in the sandbox of `assignment` (written to `folder`)."""
    development_digits(folder / "digits.npz")
    out = {str(DIGITS): str(folder / "digits.npz")}
    withheld = WITHHELD.get(assignment, {})
    for relative, names in withheld.items():
        target = NNLIB / relative
        module = relative.removesuffix(".py").replace("/", ".")
        stub = folder / f"{assignment}-{module}.py"
        stub.write_text(stub_source(target.read_text(), names, assignment, module))
        out[str(target)] = str(stub)
    return out

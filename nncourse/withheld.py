"""nnlib's reference answers that a submission may not call while its assignment is graded.

nnlib holds a reference implementation of most exercises (the notebooks fall back to them so
one unfinished exercise never blocks the next). In the sandbox of an assignment, each module
that holds one of *its* references is replaced by a copy in which those definitions raise
`WithheldError` when used; everything else in the module, and every other assignment's
references, work as usual. The real file is not in the sandbox at all (nor its compiled
cache), so no trick inside the student's process can bring the code back.

The library's general layers that a later notebook builds on stay available (e.g. in 04 the
activation layers, which `train_xor_mlp` is meant to use); see docs/instructors.md.
"""

from __future__ import annotations

import ast
import tempfile
from pathlib import Path

import nnlib

NNLIB = Path(nnlib.__file__).parent

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
        "layers/batchnorm.py": ["BatchNorm1d"],
        "init.py": ["xavier_uniform", "xavier_normal", "he_uniform", "he_normal"]},
}

_STUB = '''

class WithheldError(RuntimeError):
    """A reference answer of the assignment being graded was used."""


def _withheld(name):
    raise WithheldError(
        f"nnlib's reference {{name}} is not available while {assignment} is graded: "
        "your answer must compute this itself")


{definitions}
'''


def stub_source(source: str, names: list[str], assignment: str, module: str) -> str:
    """`source` with the top-level definitions of `names` replaced by ones that raise."""
    tree = ast.parse(source)
    found = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in names:
            found.add(node.name)
    tree.body = [n for n in tree.body if not (
        isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name in found)]
    lines = []
    for node in source_defs(source, found):
        qualified = f"nnlib.{module}.{node.name}"
        if isinstance(node, ast.ClassDef):  # still a class: isinstance and imports keep working
            lines += [f"class {node.name}:", "    def __init__(self, *args, **kwargs):",
                      f"        _withheld({qualified!r})", ""]
        else:
            lines += [f"def {node.name}(*args, **kwargs):", f"    _withheld({qualified!r})", ""]
    return ast.unparse(tree) + _STUB.format(assignment=assignment, definitions="\n".join(lines))


def source_defs(source: str, names: set[str]) -> list[ast.FunctionDef | ast.ClassDef]:
    """The top-level function and class definitions of `names` in `source`, in order."""
    return [n for n in ast.parse(source).body
            if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name in names]


def masks(assignment: str, folder: Path | None = None) -> dict[str, str]:
    """nnlib file -> stub file, for the sandbox of `assignment` (stubs written to `folder`)."""
    withheld = WITHHELD.get(assignment, {})
    if not withheld:
        return {}
    folder = Path(folder or tempfile.mkdtemp(prefix="nn-course-withheld-"))
    out = {}
    for relative, names in withheld.items():
        target = NNLIB / relative
        module = relative.removesuffix(".py").replace("/", ".")
        stub = folder / f"{assignment}-{module}.py"
        stub.write_text(stub_source(target.read_text(), names, assignment, module))
        out[str(target)] = str(stub)
    return out

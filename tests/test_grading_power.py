"""Smoke test of benchmarks/grading_power.py: its mutant generator and its forked grading.

The full measurement over all nine notebooks takes a while; this runs in a few seconds, on a
made-up answer cell and on one small real one (02's logistic_grad).
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("grading_power",
                                               ROOT / "benchmarks" / "grading_power.py")
gp = importlib.util.module_from_spec(_spec)
sys.modules["grading_power"] = gp  # dataclasses look their module up there
_spec.loader.exec_module(gp)

NOTEBOOK = "solutions/02_logistic_regression/02_logistic_regression.ipynb"

CELL = '''def scale(x, k=2):
    """Docstring with numbers 1, 2 and 0.5 that must stay."""
    ### BEGIN SOLUTION
    if x.shape[0] < 1:
        raise ValueError(f"scale: got {x.shape[0] + 1} rows, need 1")
    total = x.sum(axis=0) * 0.5
    return x.T @ total
    ### END SOLUTION
'''


def _parts(source: str) -> tuple[str, str, set[str]]:
    """The signature, the docstring and the error messages of a version of CELL."""
    func = ast.parse(source).body[0]
    messages = {ast.unparse(n) for n in ast.walk(func) if isinstance(n, ast.JoinedStr)}
    return ast.unparse(func.args), ast.get_docstring(func), messages


def test_one_edit_per_mutant_inside_the_solution_only():
    found = gp.mutants("nb", "scale", CELL)
    assert found == gp.mutants("nb", "scale", CELL), "the order must be deterministic"
    assert {m.kind for m in found} == set(gp.KIND_ORDER)
    sources = [m.source for m in found]
    assert len(set(sources)) == len(sources), "duplicate mutants"
    original = ast.unparse(ast.parse(CELL))
    for m in found:
        assert m.source != original
        signature, docstring, messages = _parts(m.source)
        assert (signature, docstring) == _parts(CELL)[:2], f"{m.edit} touched the signature"
        assert messages <= _parts(CELL)[2], f"{m.edit} touched the error message"
        assert m.line in range(4, 8) and m.cell == "scale"
    edits = {(m.line, m.edit) for m in found}
    for expected in [(4, "`<` -> `<=`"), (4, "`<` -> `>`"), (4, "`0` -> `1`"),
                     (6, "`axis=0` -> `axis=1`"), (6, "`axis=0` removed"),
                     (6, "`0.5` -> `1.0`"), (6, "`0.5` -> `-0.5`"), (6, "`*` -> `/`"),
                     (7, "`.T` removed from `x`"), (7, "`.T` added to `total`"),
                     (7, "operands of `@` swapped"), (7, "`@` -> `*`"),
                     (4, "statement removed"), (6, "statement removed")]:
        assert expected in edits, f"missing mutant {expected}"
    assert (5, "statement removed") not in edits, "an `if` with an empty body does not parse"
    assert not any(m.edit == "`0` -> `-1`" for m in found), "x.shape[0] -> x.shape[-1]"
    dropped = next(m for m in found if m.line == 6 and m.kind == "drop")
    assert dropped.before == "total = x.sum(axis=0) * 0.5" and dropped.after == "(removed)"
    probed = next(m for m in found if m.edit == "`.T` added to `total`")
    assert f"x.T @ {gp.PROBE}(total, True)" in probed.probe_source
    swapped = next(m for m in found if m.edit == "operands of `@` swapped")
    assert f"{gp.PROBE}(total, False) @ {gp.PROBE}(x.T, False)" in swapped.probe_source


def test_constant_edits():
    assert gp.new_constants(0) == [1]
    assert gp.new_constants(1) == [0, 2, -1]
    assert gp.new_constants(2.0) == [1.0, -2.0]
    assert gp.new_constants(0.5) == [1.0, -0.5]
    assert gp.new_constants(0.9) == [-0.9, 0.1]
    assert gp.new_constants(1e-8) == [-1e-8]
    assert gp.new_constants(7) == [-7, 8, 6]
    assert gp.new_constants(True) == [False]
    assert gp.new_constants(0, index=True) == [1]
    assert gp.new_constants(2, index=True) == [3, 1]


def test_grading_a_real_cell():
    source = dict(gp.answer_cells(NOTEBOOK))["logistic_grad"]
    unedited = gp.grade(NOTEBOOK, "logistic_grad", ast.unparse(ast.parse(source)), 30)
    assert unedited.status == "survived", unedited
    found = {m.edit: m for m in gp.mutants(NOTEBOOK, "logistic_grad", source)}
    assert gp.judge(found["`.T` removed from `X`"], 30).status == "killed"
    assert gp.judge(found["`/` -> `*`"], 30).status == "killed"
    same = gp.judge(found["`.T` added to `w`"], 30)
    assert same.status == "equivalent" and "1-D" in same.detail, same


def test_definition_errors_timeouts_and_crashes_are_told_apart():
    head = "def logistic_grad(X, y, w):\n"
    outcome = gp.grade(NOTEBOOK, "logistic_grad", head + "    return X\nundefined_name\n", 30)
    assert outcome.status == "definition"
    assert gp.grade(NOTEBOOK, "logistic_grad", head + "    while True:\n        pass\n",
                    1).status == "timeout"
    assert gp.grade(NOTEBOOK, "logistic_grad", head + "    import os\n    os._exit(3)\n",
                    30).status == "crash"


def test_report_table():
    counts = dict.fromkeys(gp.STATUSES, 0) | {"killed": 18, "equivalent": 1, "survived": 1}
    report = "\n".join(gp._report([("02_logistic_regression", counts)], []))
    assert "02_logistic_regression" in report and "0.900" in report and "0.947" in report

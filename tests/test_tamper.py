"""The tamper scan: every honest notebook is clean, every trick is flagged with the right kind."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import nbformat
import pytest
from nbgrader import utils

from nncourse import cli
from nncourse.scan import scan_submission
from nncourse.tamper import scan_notebook
from tests import catalogue, grading
from tests.grading import ROOT, grade_id, is_answer_cell, is_test_cell

IDS = grading.assignments()
pytestmark = pytest.mark.skipif(not IDS, reason="no assignment under solutions/")
NOTEBOOKS = [p.relative_to(ROOT).as_posix()
             for a in IDS for p in sorted((ROOT / "solutions" / a).glob("*.ipynb"))]


def _read(path: str) -> dict:
    return nbformat.read(ROOT / path, as_version=4)


def _correct_alternatives():
    """(notebook, answer grade_id, source) of every Correct entry of the bug catalogue."""
    for info in pkgutil.iter_modules(catalogue.__path__):
        module = importlib.import_module(f"tests.catalogue.{info.name}")
        for name, alt in getattr(module, "CORRECT", {}).items():
            yield pytest.param(module.NOTEBOOK, alt.cell, alt.source, id=f"{info.name}-{name}")


def _exercise():
    """The first answer cell (notebook, grade_id) whose name nnlib implements, and where."""
    for path in NOTEBOOKS:
        for cell in _read(path).cells:
            if not is_answer_cell(cell):
                continue
            for info in pkgutil.iter_modules(importlib.import_module("nnlib").__path__):
                module = importlib.import_module(f"nnlib.{info.name}")
                if callable(getattr(module, grade_id(cell), None)):
                    return path, grade_id(cell), f"nnlib.{info.name}"
    return None


def _with_answer(path: str, cell_id: str, new: str, append: bool = True) -> dict:
    nb = _read(path)
    for cell in nb.cells:
        if is_answer_cell(cell) and grade_id(cell) == cell_id:
            cell.source = f"{cell.source}\n{new}" if append else new
    return nb


def _kinds(nb: dict, path: str) -> set[str]:
    return {kind for _, _, kind, _ in scan_notebook(nb, _read(path))}


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_solution_notebooks_are_clean(path):
    nb = _read(path)
    assert scan_notebook(nb, nb) == []


@pytest.mark.parametrize("path, cell, alternative", list(_correct_alternatives()))
def test_catalogue_alternatives_are_clean(path, cell, alternative):
    assert scan_notebook(_with_answer(path, cell, alternative, append=False), _read(path)) == []


HONEST = [
    "import math\nfrom functools import reduce\nimport numpy as np",
    "import sys\nsys.setrecursionlimit(10_000)",
    "def _helper(x):\n    sum = 0\n    for v in x:\n        sum += v\n    return sum",
    "results = {}\nresults['a'] = np.zeros(3)\nprint(results)",
    "class _Model:\n    def __init__(self):\n        self.W = np.zeros(2)\n",
    "%matplotlib inline",
]


@pytest.mark.parametrize("code", HONEST)
def test_honest_code_is_clean(code):
    path = NOTEBOOKS[0]
    cell = next(grade_id(c) for c in _read(path).cells if is_answer_cell(c))
    assert scan_notebook(_with_answer(path, cell, code), _read(path)) == []


TRICKS = {
    "np.allclose = lambda *a, **k: True": "patches-module",
    "import numpy\nnumpy.testing.assert_allclose = print": "patches-module",
    "setattr(np, 'allclose', lambda *a, **k: True)": "patches-module",
    "np.__dict__['isclose'] = None": "patches-module",
    "import nnlib.testing\nnnlib.testing.assert_close = lambda *a, **k: None": "patches-module",
    "def assert_close(*args, **kwargs):\n    pass": "rebinds-name",
    "assert_close = assert_shape = lambda *a, **k: None": "rebinds-name",
    "AssertionError = Warning": "rebinds-name",
    "class _Fake:\n    pass\nnp = _Fake()": "rebinds-name",
    "def f():\n    global np\n    np = None": "rebinds-name",
    "import builtins\nbuiltins.AssertionError = Warning": "builtins",
    "__builtins__.AssertionError = Warning": "builtins",
    "open('../../gradebook.db', 'rb').read()": "reads-files",
    "x = np.load('/tmp/answers.npy')": "reads-files",
    "from pathlib import Path\nPath('x').read_text()": "reads-files",
    "import os\nos.listdir('.')": "escapes",
    "import subprocess\nsubprocess.run(['ls'])": "escapes",
    "import importlib\nimportlib.reload(np)": "escapes",
    "exec('x = 1')": "escapes",
    "!cat ../../solutions/*/*.ipynb": "escapes",
    "import sys\nsys.modules['numpy'].allclose = None": "escapes",
}


@pytest.mark.parametrize("code, kind", TRICKS.items(), ids=list(TRICKS))
def test_tricks_are_flagged(code, kind):
    path = NOTEBOOKS[0]
    cell = next(grade_id(c) for c in _read(path).cells if is_answer_cell(c))
    assert kind in _kinds(_with_answer(path, cell, code), path)


def test_a_trick_in_a_cell_the_student_added_is_flagged():
    path = NOTEBOOKS[0]
    nb = _read(path)
    nb.cells.insert(1, nbformat.v4.new_code_cell("np.allclose = lambda *a, **k: True"))
    flags = scan_notebook(nb, _read(path))
    assert [(c, k) for c, _, k, _ in flags] == [("cell1", "patches-module")]


@pytest.mark.skipif(_exercise() is None, reason="no answer cell named after an nnlib function")
@pytest.mark.parametrize("style", ["from-import", "module-path"])
def test_answering_with_nnlib_reference_is_flagged(style):
    path, cell, module = _exercise()
    call = "_ref" if style == "from-import" else f"{module}.{cell}"
    head = f"from {module} import {cell} as _ref" if style == "from-import" else f"import {module}"
    code = f"{head}\ndef {cell}(*args, **kwargs):\n    return {call}(*args, **kwargs)"
    flags = scan_notebook(_with_answer(path, cell, code, append=False), _read(path))
    assert {(c, k) for c, _, k, _ in flags} == {(cell, "calls-reference")}


def test_edited_and_deleted_test_cells_are_reported():
    path = NOTEBOOKS[0]
    nb = _read(path)
    tests = [c for c in nb.cells if is_test_cell(c)]
    for cell in tests:  # as in a release: generate_assignment stores each test cell's checksum
        cell.metadata.nbgrader["checksum"] = utils.compute_checksum(cell)
    tests[0].source = "pass"
    nb.cells.remove(tests[-1])
    flags = {(c, k) for c, _, k, _ in scan_notebook(nb, _read(path))}
    assert flags == {(grade_id(tests[0]), "edited-test"), (grade_id(tests[-1]), "edited-test")}


def test_scan_submission_skips_unreadable_notebooks(tmp_path: Path):
    path = ROOT / NOTEBOOKS[0]
    (tmp_path / path.name).write_text("{ not json", encoding="utf-8")
    assert scan_submission(path.parent, tmp_path, "corrupt") == []
    nb = _with_answer(NOTEBOOKS[0], next(grade_id(c) for c in _read(NOTEBOOKS[0]).cells
                                         if is_answer_cell(c)), "AssertionError = Warning")
    nbformat.write(nb, tmp_path / path.name)
    [flag] = scan_submission(path.parent, tmp_path, "mallory")
    assert (flag.student, flag.notebook, flag.kind) == ("mallory", path.stem, "rebinds-name")
    assert "AssertionError" in str(flag)  # the flag names what it saw


def test_scan_command_lists_flagged_students(tmp_path: Path, monkeypatch, capsys):
    course = grading.new_course(tmp_path, IDS[0])
    path = NOTEBOOKS[0]
    cell = next(grade_id(c) for c in _read(path).cells if is_answer_cell(c))
    name = Path(path).name
    mallory = _with_answer(path, cell, "np.allclose = None")
    for student, nb in [("honest", _read(path)), ("mallory", mallory)]:
        folder = course / "submitted" / student / IDS[0]
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / name)
    monkeypatch.chdir(course)
    assert cli.main(["scan", IDS[0]]) == 0
    out = capsys.readouterr().out
    assert f"{IDS[0]}: 2 submissions scanned, 1 flagged" in out
    assert "mallory:" in out and "honest" not in out and "patches-module" in out


"""Grade a solution notebook through the judge, with answer cells swapped.

The bug catalogue (tests/catalogue/) uses this to show that every plausible wrong answer
loses points on the test cell that should catch it, and that other correct answers keep
full marks. Verdicts come from the same judge as real grading (nncourse/judge/): the test
cells run in the judge's namespace and reach the answers through proxies, every argument and
result crossing as plain data. Only the transport differs: the answers run in this process
(`InProcessStudent`), not in a sandboxed kernel, which is safe for wrong answers we wrote.

After one full run, a swapped answer cell is executed in the student's namespace and the test
cells are run again; both namespaces are then put back as they were. (The namespace itself,
not a copy: functions defined by earlier cells look names up in it, so they must see the
swapped definition, as in a real run.)
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import nbformat

from nncourse.judge.grader import Judge, is_test
from nncourse.judge.inprocess import InProcessStudent

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Bug:
    """A plausible wrong answer: `source` replaces answer cell `cell`; cells `fails` must fail."""

    cell: str
    fails: tuple[str, ...]
    source: str
    why: str = ""
    visible: bool = False  # the visible part of each test in `fails` already catches it


@dataclass(frozen=True)
class Correct:
    """Another correct answer (loops, other order...): every test cell must still pass."""

    cell: str
    source: str
    why: str = ""


@dataclass
class Graded:
    """Outcome of the test cells: grade_id -> None if passed, else the error text."""

    results: dict[str, str | None] = field(default_factory=dict)
    points: dict[str, float] = field(default_factory=dict)

    @property
    def score(self) -> float:
        return sum(p for g, p in self.points.items() if self.results[g] is None)

    @property
    def max_score(self) -> float:
        return sum(self.points.values())


def _nbgrader(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def load_notebook(path: str | Path) -> list[dict]:
    with open(ROOT / path, encoding="utf-8") as f:
        return json.load(f)["cells"]


def _source(cell: dict) -> str:
    src = cell["source"]
    return src if isinstance(src, str) else "".join(src)


@dataclass
class Solved:
    """A solution notebook run once through the judge: the two namespaces, kept for swaps."""

    judge: Judge
    student: InProcessStudent
    tests: list[tuple[str, str, float]]  # (grade_id, source, points) in notebook order
    graded: Graded = field(default_factory=Graded)


def _graded(run: Solved, visible_only: bool = False) -> Graded:
    graded = Graded()
    for gid, source, points in run.tests:
        _, error = run.judge.run_test(visible_part(source) if visible_only else source, gid)
        graded.results[gid] = None if error is None else f"{type(error).__name__}: {error}"
        graded.points[gid] = points
    return graded


@cache
def solved(path: str) -> Solved:
    """Run every code cell of the notebook once, in order, through the judge."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    nb = nbformat.read(ROOT / path, as_version=4)
    student = InProcessStudent(cwd=str((ROOT / path).parent))
    judge = Judge(student, nbformat.read(ROOT / path, as_version=4), timeout=600)
    judge.grade(nb)
    for i, cell in enumerate(nb.cells):
        errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
        if errors and not is_test(cell):
            raise RuntimeError(f"{path}: cell {i} failed in the solution run: "
                               f"{errors[0].ename}: {errors[0].evalue}")
    tests = [(c.metadata["nbgrader"]["grade_id"], c.source, float(c.metadata["nbgrader"]["points"]))
             for c in nb.cells if is_test(c)]
    run = Solved(judge, student, tests)
    run.graded = _graded(run)
    return run


def solved_namespace(path: str) -> tuple[dict, Graded]:
    """The student's namespace after a full run, and the grades of that run."""
    run = solved(path)
    return run.student.namespace, run.graded


def visible_part(source: str) -> str:
    """A test cell's source as the student sees it: everything before BEGIN HIDDEN TESTS."""
    return source.split("### BEGIN HIDDEN TESTS")[0]


def grade_with(path: str, cell: str, source: str, visible_only: bool = False) -> Graded:
    """Grades of every test cell after replacing answer cell `cell` by `source`.

    visible_only: run only the visible part of each test cell (what Validate runs).
    """
    run = solved(path)
    if cell not in _answers(path):
        raise KeyError(f"{path}: no answer cell with grade_id {cell!r}")
    saved = dict(run.student.namespace), dict(run.judge.namespace)
    try:
        errors = [o for o in run.student.execute(source, 600) if o.output_type == "error"]
        if errors:
            raise RuntimeError(f"replacement for {cell} does not even define cleanly: "
                               f"{errors[0].ename}: {errors[0].evalue}")
        return _graded(run, visible_only)
    finally:
        for namespace, before in zip((run.student.namespace, run.judge.namespace), saved,
                                     strict=True):
            namespace.clear()
            namespace.update(before)


@cache
def _answers(path: str) -> dict[str, str]:
    return {_nbgrader(c)["grade_id"]: _source(c) for c in load_notebook(path)
            if _nbgrader(c).get("solution")}


def edited(path: str, cell: str, *pairs: tuple[str, str]) -> str:
    """The solution of answer cell `cell` with each (old, new) replaced; old must occur once.

    A bug written as the solution with one line changed shows exactly the mistake it stands for.
    """
    source = _answers(path)[cell]
    for old, new in pairs:
        assert source.count(old) == 1, f"{cell}: {old!r} occurs {source.count(old)} times"
        source = source.replace(old, new)
    return source


def edited_bug(path: str, cell: str, fails: str | tuple[str, ...], why: str,
               *pairs: tuple[str, str]) -> Bug:
    """A Bug whose source is `edited(path, cell, *pairs)`; `fails` one test id or several."""
    fails = (fails,) if isinstance(fails, str) else tuple(fails)
    return Bug(cell=cell, fails=fails, source=edited(path, cell, *pairs), why=why)

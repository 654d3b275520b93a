"""Run a solution notebook in-process and grade its test cells, with answer cells swapped.

The bug catalogue (tests/catalogue/) uses this to show that every plausible wrong answer
loses points on the test cell that should catch it, and that other correct answers keep
full marks. Test cells are self-contained (they build their own inputs), so after one full
run a swapped answer cell and the test cells can be re-run in the same namespace, which is
then put back as it was. (The namespace itself, not a copy: functions defined by earlier
cells look names up in it, so they must see the swapped definition, as in a real run.)
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import warnings
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

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


def _run(source: str, ns: dict, label: str) -> str | None:
    """Execute `source` in `ns`; None on success, else 'ExcType: message'."""
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(compile(source, label, "exec"), ns)
    except Exception as err:  # a failing test cell is an outcome, not an error here
        return f"{type(err).__name__}: {err}"
    return None


@cache
def solved_namespace(path: str) -> tuple[dict, Graded]:
    """Run every code cell of the notebook once, in order; return the namespace and its grades."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    cwd = os.getcwd()
    os.chdir((ROOT / path).parent)  # notebooks open their data files relative to themselves
    try:
        ns: dict = {"__name__": "__main__"}
        graded = Graded()
        for i, cell in enumerate(load_notebook(path)):
            if cell["cell_type"] != "code":
                continue
            meta = _nbgrader(cell)
            err = _run(_source(cell), ns, f"{path}:cell{i}")
            if meta.get("grade") and not meta.get("solution"):
                graded.results[meta["grade_id"]] = err
                graded.points[meta["grade_id"]] = float(meta.get("points", 0))
            elif err:
                raise RuntimeError(f"{path}: cell {i} failed in the solution run: {err}")
        return ns, graded
    finally:
        os.chdir(cwd)
        import matplotlib.pyplot as plt

        plt.close("all")


def visible_part(source: str) -> str:
    """A test cell's source as the student sees it: everything before BEGIN HIDDEN TESTS."""
    return source.split("### BEGIN HIDDEN TESTS")[0]


def grade_with(path: str, cell: str, source: str, visible_only: bool = False) -> Graded:
    """Grades of every test cell after replacing answer cell `cell` by `source`.

    visible_only: run only the visible part of each test cell (what Validate runs).
    """
    ns, _ = solved_namespace(path)
    saved = dict(ns)
    try:
        return _grade_in(ns, path, cell, source, visible_only)
    finally:
        ns.clear()
        ns.update(saved)


def _grade_in(ns: dict, path: str, cell: str, source: str, visible_only: bool) -> Graded:
    cells = load_notebook(path)
    ids = [_nbgrader(c).get("grade_id") for c in cells]
    if cell not in ids or not _nbgrader(cells[ids.index(cell)]).get("solution"):
        raise KeyError(f"{path}: no answer cell with grade_id {cell!r}")
    err = _run(source, ns, f"{path}:{cell} (replaced)")
    if err:
        raise RuntimeError(f"replacement for {cell} does not even define cleanly: {err}")
    graded = Graded()
    cwd = os.getcwd()
    os.chdir((ROOT / path).parent)
    try:
        for c in cells:
            meta = _nbgrader(c)
            if c["cell_type"] == "code" and meta.get("grade") and not meta.get("solution"):
                gid = meta["grade_id"]
                test = visible_part(_source(c)) if visible_only else _source(c)
                graded.results[gid] = _run(test, ns, f"{path}:{gid}")
                graded.points[gid] = float(meta.get("points", 0))
    finally:
        os.chdir(cwd)
    return graded


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

"""The grading contract (course-spec §3) for every assignment under solutions/, with real nbgrader.

Per assignment, one temporary course directory and one autograde run grade a class of
students side by side:

- release:  the untouched student release                      -> 0 on every test cell
- solution: the instructor's solution notebook                 -> full marks
- wrong:    the solution with the first bug of the catalogue   -> partial marks
- tampered: the release with its first test cell deleted and
            every other test cell emptied                      -> tests restored, same as release
- looping:  the solution with its first answer `while True: pass` -> cut by the timeout, rest graded
- corrupt:  a file that is not notebook JSON                   -> reported, others graded
- missing:  a folder without the notebook                      -> reported, others graded

then generate_feedback runs for all of them and the HTML is scanned for hidden-test lines.
"""

from __future__ import annotations

import importlib
import pkgutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests import catalogue, grading
from tests.grading import ROOT, grade_id, is_answer_cell, is_test_cell, read, with_cells

TIMEOUT = 30  # seconds per cell: well above any solution cell (< 20 s), short enough for CI
GRADED = ("release", "solution", "wrong", "tampered", "looping")
IDS = grading.assignments()
LOOP = "while True:\n    pass"


@dataclass
class RoundTrip:
    assignment: str
    course: Path
    names: list[str]
    solution: dict[str, dict]  # notebook name -> notebook
    release: dict[str, dict]  # the fresh release, same keys
    submitted: dict[str, dict[str, dict | str]] = field(default_factory=dict)
    wrong_fails: dict[str, tuple[str, ...]] = field(default_factory=dict)  # notebook -> test ids
    deleted: dict[str, str] = field(default_factory=dict)  # notebook -> deleted test cell id
    looped: tuple[str, str] = ("", "")  # notebook, answer cell id
    logs: dict[str, str] = field(default_factory=dict)  # nbgrader command -> output
    codes: dict[str, int] = field(default_factory=dict)  # nbgrader command -> exit code
    seconds: dict[str, float] = field(default_factory=dict)
    scores: dict = field(default_factory=dict)  # student -> notebook -> grade_id -> (auto, max)

    def points(self, name: str) -> dict[str, float]:
        return grading.autograded_points(self.solution[name])

    def cells(self, student: str):
        """(notebook, grade_id, auto_score, max_score) of every autograded test cell."""
        for name in self.names:
            got = self.scores.get(student, {}).get(name, {})
            for gid, points in self.points(name).items():
                auto, most = got.get(gid, (None, points))
                yield name, gid, auto, most


def _first_bug(assignment: str):
    """(notebook name, Bug) of the first entry of the assignment's catalogue, or None."""
    for info in pkgutil.iter_modules(catalogue.__path__):
        module = importlib.import_module(f"tests.catalogue.{info.name}")
        path = Path(getattr(module, "NOTEBOOK", ""))
        if path.parts[:2] == ("solutions", assignment) and getattr(module, "BUGS", None):
            return path.stem, next(iter(module.BUGS.values()))
    return None


def _make_class(rt: RoundTrip) -> None:
    first = rt.names[0]
    answer = next(grade_id(c) for c in rt.solution[first]["cells"] if is_answer_cell(c))
    stubs = {
        grade_id(c): grading.source(c) for c in rt.release[first]["cells"] if is_answer_cell(c)
    }

    def replace(nb: dict, cell_id: str, new: str) -> dict:
        return with_cells(nb, lambda c: new if is_answer_cell(c) and grade_id(c) == cell_id else c)

    wrong = dict(rt.solution)
    bug = _first_bug(rt.assignment)
    if bug and bug[0] in rt.solution:
        name, entry = bug
        wrong[name] = replace(rt.solution[name], entry.cell, entry.source)
        rt.wrong_fails[name] = tuple(entry.fails)
    else:  # no catalogue: leave the first exercise unanswered, answer the rest
        wrong[first] = replace(rt.solution[first], answer, stubs[answer])

    tampered = {}
    for name, nb in rt.release.items():
        tests = [grade_id(c) for c in nb["cells"] if is_test_cell(c)]
        if tests:
            rt.deleted[name] = tests[0]
        tampered[name] = with_cells(
            nb,
            lambda c, tests=tests: (
                ("" if grade_id(c) != tests[0] else None) if is_test_cell(c) else c
            ),
        )

    rt.looped = (first, answer)
    rt.submitted = {
        "release": dict(rt.release),
        "solution": dict(rt.solution),
        "wrong": wrong,
        "tampered": tampered,
        "looping": {**rt.solution, first: replace(rt.solution[first], answer, LOOP)},
        "corrupt": {**rt.solution, first: '{"cells": [ this is not a notebook'},
        "missing": {"answers.txt": "I forgot to upload my notebook."},
    }


def _run(rt: RoundTrip, step: str, module: str, *args: str) -> None:
    start = time.perf_counter()
    done = grading.run(rt.course, module, *args)
    rt.seconds[step] = time.perf_counter() - start
    rt.logs[step], rt.codes[step] = done.stdout, done.returncode


def round_trip(assignment: str, folder: Path) -> RoundTrip:
    start = time.perf_counter()
    course = grading.new_course(folder, assignment)
    names = grading.notebook_names(assignment)
    rt = RoundTrip(assignment, course, names, {}, {})
    _run(rt, "release", "nncourse.cli", "release", assignment)  # nbgrader generate_assignment
    if rt.codes["release"]:
        raise RuntimeError(f"nn-course release {assignment} failed:\n{rt.logs['release']}")
    for name in names:
        rt.solution[name] = read(course / "solutions" / assignment / f"{name}.ipynb")
        rt.release[name] = read(course / "course" / assignment / f"{name}.ipynb")
    _make_class(rt)
    for student, files in rt.submitted.items():
        named = {f"{k}.ipynb" if k in rt.solution else k: v for k, v in files.items()}
        grading.submit(course, student, assignment, named)
    timeouts = f"--Execute.timeout={TIMEOUT}", f"--ExecutePreprocessor.timeout={TIMEOUT}"
    _run(rt, "autograde", "nbgrader", "autograde", assignment, "--force", *timeouts)
    _run(rt, "generate_feedback", "nbgrader", "generate_feedback", assignment, "--force")
    rt.scores = grading.gradebook_scores(course, assignment)
    rt.seconds["round trip"] = time.perf_counter() - start
    return rt


def _files(folder: Path) -> dict[str, Path]:
    skip = {".ipynb_checkpoints", "__pycache__"}
    return {
        str(p.relative_to(folder)): p
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not skip & set(p.relative_to(folder).parts)
    }


def _first_difference(committed: dict, fresh: dict) -> str:
    a, b = committed.get("cells", []), fresh.get("cells", [])
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return f"cell {i} (id {x.get('id')!r}) differs"
    if len(a) != len(b):
        return f"{len(a)} cells committed, {len(b)} generated"
    return "notebook metadata differs"


class RoundTripTests:
    """The contract for one assignment; a TestRoundTrip_<id> subclass per assignment below.

    One class per assignment lets pytest-xdist (--dist loadscope) keep an assignment's tests,
    and so its one round trip, on one worker, while assignments run in parallel.
    """

    assignment = ""

    @pytest.fixture(scope="class")
    def rt(self, tmp_path_factory) -> RoundTrip:
        return round_trip(self.assignment, tmp_path_factory.mktemp(f"course-{self.assignment}"))

    def test_release_is_in_sync(self, rt):
        """course/<id>/ is exactly what generate_assignment makes of solutions/<id>/ (§3.1)."""
        committed = _files(ROOT / "course" / rt.assignment)
        fresh = _files(rt.course / "course" / rt.assignment)
        fix = f"regenerate it with `nn-course release {rt.assignment}`"
        assert committed.keys() == fresh.keys(), (
            f"course/{rt.assignment}/ holds other files than a fresh release; {fix}"
        )
        for rel, path in committed.items():
            if path.suffix == ".ipynb":
                a, b = read(path), read(fresh[rel])
                assert a == b, f"course/{rt.assignment}/{rel}: {_first_difference(a, b)}; {fix}"
            else:
                assert path.read_bytes() == fresh[rel].read_bytes(), (
                    f"course/{rt.assignment}/{rel} differs; {fix}"
                )

    def test_untouched_release_scores_zero(self, rt):
        """§3.2: every autograded test cell of the release gives 0 points."""
        cells = list(rt.cells("release"))
        assert cells, f"{rt.assignment} has no autograded test cell"
        scored = {(n, g): auto for n, g, auto, _ in cells if auto != 0}
        assert not scored, f"the untouched release scores points (or was not graded): {scored}"

    def test_solution_gets_full_marks(self, rt, record_property):
        """§3.3: the solution notebook, submitted as a student's, gets every point."""
        for step, seconds in rt.seconds.items():
            record_property(f"seconds: {rt.assignment} {step}", seconds)
        cells = list(rt.cells("solution"))
        assert cells and sum(most for *_, most in cells) > 0
        lost = {(n, g): (auto, most) for n, g, auto, most in cells if auto != most}
        assert not lost, (
            f"the solution loses points (got, max): {lost}\n{rt.logs['autograde'][-3000:]}"
        )

    def test_edited_and_deleted_tests_are_restored(self, rt):
        """§3.4: emptied and deleted test cells come back, hidden tests and all; same scores."""
        for name, gid in rt.deleted.items():
            assert f"Missing grade cell {gid} encountered" in rt.logs["autograde"], (
                f"{name}: the deleted test cell {gid} was not added back (nbgrader needs "
                "c.OverwriteCells.add_missing_cells = True in nbgrader_config.py)"
            )
        graded = read(
            rt.course / "autograded" / "tampered" / rt.assignment / f"{rt.names[0]}.ipynb"
        )
        restored = {grade_id(c): grading.source(c) for c in graded["cells"] if is_test_cell(c)}
        for cell in rt.solution[rt.names[0]]["cells"]:
            if is_test_cell(cell):
                gid = grade_id(cell)
                assert restored.get(gid, "").endswith(grading.source(cell)), (
                    f"test cell {gid} not restored"
                )
        assert list(rt.cells("tampered")) == list(rt.cells("release"))

    def test_infinite_loop_is_cut_and_graded(self, rt):
        """§3.5: a looping answer is cut by the timeout; the rest of it and the class are graded."""
        log = rt.logs["autograde"]
        assert f"Timeout waiting for execute reply ({TIMEOUT}s)" in log, (
            "the per-cell timeout was not honoured"
        )
        name, answer = rt.looped
        graded = read(rt.course / "autograded" / "looping" / rt.assignment / f"{name}.ipynb")
        loop_cell = next(c for c in graded["cells"] if is_answer_cell(c) and grade_id(c) == answer)
        assert "CellTimeoutError" in {o.get("ename") for o in loop_cell["outputs"]}
        cells = list(rt.cells("looping"))
        assert all(auto is not None for *_, auto, _ in cells), f"ungraded cells: {cells}"
        order = [grade_id(c) for c in rt.solution[name]["cells"] if "nbgrader" in c["metadata"]]
        later = [
            (g, a, m) for n, g, a, m in cells if n == name and order.index(g) > order.index(answer)
        ]
        assert any(a == m for _, a, m in later), (
            f"no test cell after the loop got its points: {later}"
        )
        assert all(a == m for *_, a, m in rt.cells("solution")), (
            "a student in the same run was not graded"
        )

    def test_corrupt_and_missing_submissions_are_reported(self, rt):
        """§3.6: both are named in nbgrader's log; every other student keeps every grade."""
        log = rt.logs["autograde"]
        assert rt.codes["autograde"] != 0, "autograde should exit non-zero when a submission fails"
        assert (
            f"There was an error processing assignment '{rt.assignment}' for student 'corrupt'"
            in log
        )
        assert "Notebook does not appear to be JSON" in log
        missing = rt.course / "submitted" / "missing" / rt.assignment / "*.ipynb"
        assert f"No notebooks were matched by '{missing}'" in log
        assert not (rt.course / "autograded" / "corrupt").exists()
        for student in GRADED:
            lost = [(n, g) for n, g, auto, _ in rt.cells(student) if auto is None]
            assert not lost, f"{student} has no grade for {lost}"

    def test_wrong_answer_scores_partially(self, rt):
        """§3.7 through nbgrader: the catalogue's first bug loses the points of its test cells."""
        cells = list(rt.cells("wrong"))
        total, most = sum(a for *_, a, _ in cells), sum(m for *_, m in cells)
        assert 0 < total < most, f"wrong answer scored {total} of {most}"
        for name, fails in rt.wrong_fails.items():
            kept = {g: a for n, g, a, _ in cells if n == name and g in fails and a != 0}
            assert not kept, (
                f"the catalogue says these cells fail, but nbgrader gave points: {kept}"
            )

    def test_feedback_shows_no_hidden_test(self, rt):
        """Feedback HTML quotes no hidden-test line, neither escaped nor as text."""
        assert rt.codes["generate_feedback"] == 0, rt.logs["generate_feedback"]
        for student in GRADED:
            for name in rt.names:
                page = (
                    rt.course / "feedback" / student / rt.assignment / f"{name}.html"
                ).read_text(encoding="utf-8")
                mine = rt.submitted[student][name]
                public = grading.all_lines(rt.release[name]) | grading.all_lines(
                    mine, keep=lambda c: not is_test_cell(c)
                )
                leaks = grading.leaked_lines(page, grading.hidden_lines(rt.solution[name]), public)
                assert not leaks, (
                    f"feedback/{student}/{rt.assignment}/{name}.html shows hidden tests: {leaks}"
                )


for _id in IDS:
    globals()[f"TestRoundTrip_{_id}"] = type(
        f"TestRoundTrip_{_id}", (RoundTripTests,), {"assignment": _id}
    )

"""The grading contract (course-spec §3) for every assignment under solutions/, graded for real.

Per assignment, one temporary course directory: `nn-course release`'s generate_assignment
writes the release and the gradebook, then nbgrader's autograder (through its API, with the
course's nbgrader_config.py, so JudgeExecute: a sandboxed kernel and the judge) grades three
students side by side:

- release:  the untouched student release                      -> 0 on every test cell
- solution: the instructor's solution notebook                 -> full marks, in the sandbox
- tampered: the release with its first test cell deleted, every
            other test cell emptied and its demos deleted      -> tests restored, same as release

What does not depend on the assignment is proven once, on 01, where it is cheapest:
a looping submission cut by the timeout while the class is graded, a corrupt and a missing
notebook reported by name with everyone else graded and nothing lost from the gradebook, the
catalogue's first bugs losing exactly their points, and feedback without hidden tests are in
tests/test_instructor_cycle.py (`nn-course autograde` on a class of ten); the command-line
`nbgrader autograde` and a corrupt notebook's own path through it are in
tests/test_autograde.py; the judge's wire protocol in tests/test_judge.py; every plausible
bug of every assignment in tests/test_catalogue.py.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from nbgrader.apps import NbGraderAPI

from nncourse import course, release
from tests import grading
from tests.grading import ROOT, grade_id, is_test_cell, read, with_cells

TIMEOUT = 60  # seconds per cell: the course's budget for a whole solution notebook
STUDENTS = ("release", "solution", "tampered")
pytestmark = [
    pytest.mark.slow,
    # nbgrader's noise on a first submission, and on the test cell it adds back (no cell id)
    pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning"),
    pytest.mark.filterwarnings("ignore::nbformat.warnings.MissingIDFieldWarning"),
]


@dataclass
class RoundTrip:
    assignment: str
    course: Path
    names: list[str]
    solution: dict[str, dict] = field(default_factory=dict)  # notebook name -> notebook
    release: dict[str, dict] = field(default_factory=dict)  # the fresh release, same keys
    deleted: dict[str, str] = field(default_factory=dict)  # notebook -> deleted test cell id
    log: str = ""  # nbgrader's autograde log
    seconds: dict[str, float] = field(default_factory=dict)
    scores: dict = field(default_factory=dict)  # student -> notebook -> grade_id -> (auto, max)

    def cells(self, student: str):
        """(notebook, grade_id, auto_score, max_score) of every autograded test cell."""
        for name in self.names:
            got = self.scores.get(student, {}).get(name, {})
            for gid, points in grading.autograded_points(self.solution[name]).items():
                auto, most = got.get(gid, (None, points))
                yield name, gid, auto, most

    def graded(self, student: str, name: str) -> dict:
        return read(self.course / "autograded" / student / self.assignment / f"{name}.ipynb")


def _tampered(rt: RoundTrip) -> dict[str, dict]:
    """The release with its first test cell deleted, every other one emptied, no demo cells."""
    out = {}
    for name, nb in rt.release.items():
        nb = grading.without_demos(nb)
        tests = [grade_id(c) for c in nb["cells"] if is_test_cell(c)]
        if tests:
            rt.deleted[name] = tests[0]
        out[name] = with_cells(nb, lambda c, tests=tests: (
            ("" if grade_id(c) != tests[0] else None) if is_test_cell(c) else c))
    return out


def round_trip(assignment: str, folder: Path) -> RoundTrip:
    start = time.perf_counter()
    root = grading.new_course(folder, assignment)
    rt = RoundTrip(assignment, root, grading.notebook_names(assignment))
    release.release(root, [assignment])  # what `nn-course release` runs: generate_assignment
    rt.seconds["release"] = time.perf_counter() - start
    for name in rt.names:
        rt.solution[name] = read(root / "solutions" / assignment / f"{name}.ipynb")
        rt.release[name] = read(root / "course" / assignment / f"{name}.ipynb")
    for student, notebooks in zip(STUDENTS, (rt.release, rt.solution, _tampered(rt)),
                                  strict=True):
        grading.submit(root, student, assignment,
                       {f"{name}.ipynb": nb for name, nb in notebooks.items()})
    config = course.load_config(root)
    config.JudgeExecute.timeout = TIMEOUT
    api = NbGraderAPI(course.course_directory(config), config=config)
    for student in STUDENTS:
        begin = time.perf_counter()
        result = api.autograde(assignment, student)
        rt.seconds[f"autograde {student}"] = time.perf_counter() - begin
        rt.log += result.get("log", "") + result.get("error", "")
        if not result["success"]:
            raise RuntimeError(f"autograde {assignment} {student} failed:\n{rt.log[-3000:]}")
    rt.scores = grading.gradebook_scores(root, assignment)
    rt.seconds["round trip"] = time.perf_counter() - start
    return rt


def _errors(nb: dict, name: str) -> str:
    """Each code cell of a graded notebook that ended in an error: its id and the error."""
    lines = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            if out["output_type"] == "error":
                label = cell["metadata"].get("nbgrader", {}).get("grade_id", cell.get("id"))
                lines.append(f"{name}: {label}: {out['ename']}: {out['evalue'][:200]}")
    return "\n".join(lines)


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


@pytest.fixture(scope="class")
def rt(request, tmp_path_factory) -> RoundTrip:
    """The round trip of the requesting class's assignment, run once for all its tests."""
    assignment = request.cls.assignment
    return round_trip(assignment, tmp_path_factory.mktemp(f"course-{assignment}"))


class RoundTripTests:
    """The contract for one assignment; a TestRoundTrip_<id> subclass per assignment below.

    One class per assignment lets pytest-xdist (--dist loadscope) keep an assignment's tests,
    and so its one round trip, on one worker, while assignments run in parallel.
    """

    assignment = ""

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

    def test_solution_gets_full_marks_in_the_sandbox(self, rt, record_property):
        """§3.3: the solution notebook, submitted as a student's, gets every point, sandboxed."""
        for step, seconds in rt.seconds.items():
            record_property(f"seconds: {rt.assignment} {step}", seconds)
        cells = list(rt.cells("solution"))
        assert cells and sum(most for *_, most in cells) > 0
        lost = {(n, g): (auto, most) for n, g, auto, most in cells if auto != most}
        graded = {n: rt.graded("solution", n) for n in rt.names}
        assert not lost, f"the solution loses points (got, max): {lost}\n" + "\n".join(
            _errors(nb, name) for name, nb in graded.items())
        for name, nb in graded.items():
            report = nb["metadata"].get("nncourse")
            assert report and report["sandbox"] is True, f"{name} was not graded in the sandbox"
            assert report["problems"] == [], (
                f"{name}: {report['problems']} for the solution\n{_errors(nb, name)}")

    def test_edited_and_deleted_tests_are_restored(self, rt):
        """§3.4: emptied and deleted test cells come back, hidden tests and all; same scores."""
        for name, gid in rt.deleted.items():
            assert f"Missing grade cell {gid} encountered" in rt.log, (
                f"{name}: the deleted test cell {gid} was not added back (nbgrader needs "
                "c.OverwriteCells.add_missing_cells = True in nbgrader_config.py)"
            )
        for name in rt.names:
            graded = rt.graded("tampered", name)
            restored = {grade_id(c): grading.source(c) for c in graded["cells"]
                        if is_test_cell(c)}
            for cell in rt.solution[name]["cells"]:
                if is_test_cell(cell):
                    gid = grade_id(cell)
                    assert restored.get(gid, "").endswith(grading.source(cell)), (
                        f"{name}: test cell {gid} not restored"
                    )
        assert list(rt.cells("tampered")) == list(rt.cells("release"))


for _id in grading.assignments():
    globals()[f"TestRoundTrip_{_id}"] = type(
        f"TestRoundTrip_{_id}", (RoundTripTests,), {"assignment": _id}
    )

"""The instructor's cycle of docs/instructors.md, run for real on a synthetic class.

The first assignment under solutions/ (01) comes in through an LMS (a Canvas-style zip,
imported with `nbgrader zip_collect` and the documented file-name pattern) from a class that
holds every kind of submission grading must cope with; the second (02) through nbgrader's
exchange (the instructor releases and collects with the CLI; the students fetch and submit
in-process, exactly as JupyterLab's Assignments tab does) from a smaller class. Then:
`nn-course autograde --jobs 2` (each submission in the sandbox, its tests in the judge),
`nbgrader generate_feedback`, `release_feedback` (exchange) and `nbgrader export`.

The edge cases of the grading contract are proven here, once, on 01 (course-spec §3.5-3.7,
§3b): a looping answer that ignores interrupts is cut by the timeout and the rest of the
notebook and the class are graded; a corrupt and a misnamed notebook are reported by name and
everyone stays in the gradebook; the catalogue's first bug loses its test cells' points (also
on 02); patching numpy or the test helpers and emptying a test cell earn nothing (the tampered
student has the first bug too, and gets what the bug alone gets); an answer that calls nnlib's
reference gets nothing for it (the reference is withheld in the sandbox); no feedback page
shows a hidden test. Expected scores come from the judge run in-process
(tests/notebook_runner.py), with the answer a student did not really give (a cut loop, a
withheld reference) standing as the release's stub.
"""

from __future__ import annotations

import contextlib
import csv
import importlib
import json
import pkgutil
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange import ExchangeFactory
from traitlets.config import Config

from nncourse.withheld import WITHHELD
from tests import catalogue, grading
from tests.grading import ROOT, grade_id, is_answer_cell, is_test_cell, read, with_cells
from tests.notebook_runner import grade_with, solved_namespace
from tests.test_readme import points

IDS = grading.assignments()[:2]
TIMEOUT = 20  # seconds per cell: far above any cell of 01 and 02 (whole notebooks: < 10 s)
LMS, EXCHANGE = (IDS + [None, None])[:2]
ROLES = {  # assignment -> its class
    LMS: ("correct", "alternative", "partial", "tampered", "reference", "looping", "corrupt",
          "misnamed"),
    EXCHANGE: ("correct", "partial", "reference"),
}
# What docs/instructors.md tells an instructor to add to nbgrader_config.py (checked below).
LMS_CONFIG = r"""c.FileNameCollectorPlugin.named_regexp = (
    r".*/(?P<student_id>[^/_]+)_(?:LATE_)?\d+_\d+_(?P<file_id>[^/]+?)(?:-\d+)?\.ipynb$"
)
"""
PATCH = "\nnp.allclose = lambda *a, **k: True\nassert_close = lambda *a, **k: None\n"
# Ignores the interrupt the timeout sends first: the kernel is killed and replaced.
LOOP = ("while True:\n    try:\n        while True:\n            pass\n"
        "    except KeyboardInterrupt:\n        pass\n")
pytestmark = [
    pytest.mark.skipif(not IDS, reason="no assignment under solutions/"),
    pytest.mark.xdist_group("instructor-cycle"),
    pytest.mark.slow,
]


@dataclass
class Cycle:
    course: Path
    exchange: Path
    homes: Path
    expected: dict = field(default_factory=dict)  # (assignment, student) -> score
    full: dict = field(default_factory=dict)  # assignment -> autograded points
    fails: dict = field(default_factory=dict)  # (assignment, student) -> cells that must fail
    runs: dict = field(default_factory=dict)  # command -> CompletedProcess
    seconds: dict = field(default_factory=dict)


def _catalogue(path: str):
    for info in pkgutil.iter_modules(catalogue.__path__):
        module = importlib.import_module(f"tests.catalogue.{info.name}")
        if getattr(module, "NOTEBOOK", None) == path:
            return list(module.BUGS.values()), list(getattr(module, "CORRECT", {}).values())
    return [], []


def _reference(assignment: str, answers: list[str]) -> tuple[str, str]:
    """(answer grade_id, source answering it with nnlib's withheld reference): the last one."""
    withheld = {name: f"nnlib.{file.removesuffix('.py').replace('/', '.')}"
                for file, names in WITHHELD.get(assignment, {}).items() for name in names}
    name = next((a for a in reversed(answers) if a in withheld), None)
    assert name, f"{assignment}: no answer cell is one of nnlib's withheld references"
    module = withheld[name]
    return name, (f"import {module}\n\ndef {name}(*args, **kwargs):\n"
                  f"    return {module}.{name}(*args, **kwargs)\n")


def _roles(assignment: str, course: Path) -> tuple[dict, dict, dict, float]:
    """role -> {file name: notebook or text}, role -> expected score, role -> cells that fail,
    and the assignment's autograded points."""
    names = grading.notebook_names(assignment)
    solution = {n: read(course / "solutions" / assignment / f"{n}.ipynb") for n in names}
    release = {n: read(course / "course" / assignment / f"{n}.ipynb") for n in names}
    first = names[0]
    path = f"solutions/{assignment}/{first}.ipynb"
    full = {n: sum(grading.autograded_points(solution[n]).values()) for n in names}
    rest = sum(full.values()) - full[first]
    answers = [grade_id(c) for c in solution[first]["cells"] if is_answer_cell(c)]
    stub = {grade_id(c): grading.source(c) for c in release[first]["cells"] if is_answer_cell(c)}
    bugs, alternatives = _catalogue(path)
    assert bugs and alternatives, f"{path}: the cycle needs a bug and a CORRECT answer"
    reference = _reference(assignment, answers)
    changes = {  # role -> (answer cell, what the student wrote, what the judge grades)
        "partial": (bugs[0].cell, bugs[0].source, bugs[0].source),
        "alternative": (alternatives[0].cell, alternatives[0].source, alternatives[0].source),
        "looping": (answers[0], LOOP, stub[answers[0]]),  # cut: defines nothing
        "reference": (*reference, stub[reference[0]]),  # the reference raises in the sandbox
    }
    fails = {"partial": bugs[0].fails, "tampered": bugs[0].fails}

    def replace(nb: dict, cell_id: str, new: str) -> dict:
        return with_cells(nb, lambda c: new if is_answer_cell(c) and grade_id(c) == cell_id else c)

    def tampered(nb: dict) -> dict:  # the first test cell emptied, numpy and the helpers patched
        tests = [grade_id(c) for c in nb["cells"] if is_test_cell(c)]
        out = with_cells(nb, lambda c: "pass" if is_test_cell(c) and grade_id(c) == tests[0] else c)
        return with_cells(out, lambda c: grading.source(c) + PATCH
                          if is_answer_cell(c) and grade_id(c) == bugs[0].cell else c)

    files, expected = {}, {}
    for role in ROLES[assignment]:
        nbs = dict(solution)
        if role in changes:
            cell, written, judged = changes[role]
            nbs[first] = replace(solution[first], cell, written)
            expected[role] = rest + grade_with(path, cell, judged).score
        elif role == "tampered":  # the first bug, with tests emptied and helpers patched
            nbs[first] = tampered(replace(solution[first], bugs[0].cell, bugs[0].source))
            expected[role] = rest + grade_with(path, bugs[0].cell, bugs[0].source).score
        elif role == "correct":
            expected[role] = rest + solved_namespace(path)[1].score
        files[role] = {f"{n}.ipynb": nb for n, nb in nbs.items()}
        if role == "corrupt":  # not graded at all
            files[role][f"{first}.ipynb"] = '{"cells": [ this is not a notebook'
            expected[role] = 0.0
        if role == "misnamed":  # its other notebooks are graded
            files[role]["answers.ipynb"] = files[role].pop(f"{first}.ipynb")
            expected[role] = rest
    return files, expected, {r: f for r, f in fails.items() if r in files}, sum(full.values())


def _lms_zip(course: Path, assignment: str, files: dict) -> None:
    """The zip an LMS (Canvas) hands out: <student>_<user id>_<submission id>_<file name>."""
    archive = course / "downloaded" / assignment / "archive"
    archive.mkdir(parents=True)
    with zipfile.ZipFile(archive / "submissions.zip", "w") as zf:
        for i, (student, notebooks) in enumerate(files.items()):
            for name, nb in notebooks.items():
                if student == "correct":  # Canvas renames a resubmission to <name>-1.ipynb
                    name = name.replace(".ipynb", "-1.ipynb")
                text = nb if isinstance(nb, str) else json.dumps(nb, indent=1)
                zf.writestr(f"{student}_{1000 + i}_{5000 + i}_{name}", text)


def _as_student(action: str, exchange: Path, home: Path, assignment: str, student: str) -> None:
    """Fetch/Submit/FetchFeedback as nbgrader's JupyterLab Assignments tab runs them."""
    config = Config()
    config.Exchange.root = str(exchange)
    config.Exchange.assignment_dir = str(home)
    config.CourseDirectory.root = str(home)
    config.CourseDirectory.course_id = "nn-course"
    config.CourseDirectory.assignment_id = assignment
    config.CourseDirectory.student_id = student
    home.mkdir(parents=True, exist_ok=True)
    with contextlib.chdir(home):
        app = getattr(ExchangeFactory(config=config), action)(
            coursedir=CourseDirectory(config=config), authenticator=Authenticator(config=config),
            config=config)
        app.start()


def _exchange_class(cycle: Cycle, assignment: str, files: dict) -> None:
    for student, notebooks in files.items():
        home = cycle.homes / student
        _as_student("FetchAssignment", cycle.exchange, home, assignment, student)
        folder = home / assignment
        for old in folder.glob("*.ipynb"):
            old.unlink()
        for name, nb in notebooks.items():
            (folder / name).write_text(nb if isinstance(nb, str) else json.dumps(nb, indent=1),
                                       encoding="utf-8")
        _as_student("Submit", cycle.exchange, home, assignment, student)


def _run(cycle: Cycle, key: str, *command: str) -> None:
    start = time.perf_counter()
    cycle.runs[key] = subprocess.run(command, cwd=cycle.course, env=grading.env(), text=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     timeout=1800)
    cycle.seconds[key] = time.perf_counter() - start


def _nbgrader(cycle: Cycle, *args: str) -> None:
    _run(cycle, " ".join(args[:2]), sys.executable, "-m", "nbgrader", *args)


@pytest.fixture(scope="module")
def cycle(tmp_path_factory) -> Cycle:
    base = tmp_path_factory.mktemp("cycle")
    c = Cycle(base / "course", base / "exchange", base / "homes")
    for assignment in IDS:
        grading.new_course(c.course, assignment)
    c.exchange.mkdir()
    with (c.course / "nbgrader_config.py").open("a", encoding="utf-8") as f:
        f.write(f"\nc.Exchange.root = {str(c.exchange)!r}\n{LMS_CONFIG}")
    start = time.perf_counter()
    _run(c, "nn-course release", sys.executable, "-m", "nncourse.cli", "release", *IDS)
    assert c.runs["nn-course release"].returncode == 0, c.runs["nn-course release"].stdout
    classes, begin = {}, time.perf_counter()
    for assignment in IDS:
        classes[assignment], expected, fails, c.full[assignment] = _roles(assignment, c.course)
        c.expected.update({(assignment, s): v for s, v in expected.items()})
        c.fails.update({(assignment, s): v for s, v in fails.items()})
    c.seconds["expected scores (judge in-process)"] = time.perf_counter() - begin
    for assignment in IDS:  # export lists every student of the course under every assignment
        for student in set().union(*ROLES.values()) - set(ROLES[assignment]):
            c.expected[assignment, student] = 0.0
    _lms_zip(c.course, LMS, classes[LMS])
    _nbgrader(c, "zip_collect", LMS)
    if EXCHANGE:
        _nbgrader(c, "release_assignment", EXCHANGE)
        _exchange_class(c, EXCHANGE, classes[EXCHANGE])
        _nbgrader(c, "collect", EXCHANGE)
    for assignment in IDS:
        _run(c, f"autograde {assignment}", sys.executable, "-m", "nncourse.cli", "autograde",
             assignment, "--jobs", "2", "--timeout", str(TIMEOUT))
        _nbgrader(c, "generate_feedback", assignment)
    if EXCHANGE:
        _nbgrader(c, "release_feedback", EXCHANGE)
        _as_student("FetchFeedback", c.exchange, c.homes / "partial", EXCHANGE, "partial")
    _nbgrader(c, "export")
    c.seconds["whole cycle"] = time.perf_counter() - start
    return c


@dataclass
class Row:
    """One student's line of the table nn-course autograde prints."""

    score: str
    max: str
    seconds: float
    problems: list[str]


def _summary(output: str) -> dict[str, Row]:
    """student -> Row, from the table (student, score, max, secs, problems) at the end."""
    rows, student = {}, None
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split()[:5] == [
        "student", "score", "max", "secs", "problems"])
    for line in lines[start + 1:]:
        if line and not line[0].isspace():
            student, score, most, secs, problem = line.split(None, 4)
            rows[student] = Row(score, most, float(secs), [problem])
        elif student and line.strip():
            rows[student].problems.append(line.strip())
    return rows


def _grades(cycle: Cycle) -> dict[tuple[str, str], float]:
    with (cycle.course / "grades.csv").open(encoding="utf-8") as f:
        return {(r["assignment"], r["student_id"]): float(r["score"]) for r in csv.DictReader(f)}


def test_every_step_succeeds(cycle, record_property):
    for key, seconds in cycle.seconds.items():
        record_property(f"seconds: instructor cycle: {key}", seconds)
    for key, run in cycle.runs.items():
        expected = 1 if key == f"autograde {LMS}" else 0  # 1: 01 has ungradable notebooks
        assert run.returncode == expected, f"{key} exited {run.returncode}:\n{run.stdout[-3000:]}"


def test_grades_csv_is_as_expected(cycle):
    """Every student of both classes is exported, with the points the judge gives (§3.6, §3b)."""
    got = _grades(cycle)
    wrong = {k: (got.get(k), v) for k, v in cycle.expected.items()
             if got.get(k) != pytest.approx(v)}
    assert got == pytest.approx(cycle.expected), (
        f"(got, expected): {wrong}; expected is the in-process judge's verdict "
        "(tests/notebook_runner.py, as the bug catalogue grades): where the sandboxed grading "
        "differs, the two transports disagree on a test")


def test_partial_work_scores_partially(cycle):
    """Bugs lose exactly their cells (§3.7); a cut loop, a patched helper or a withheld
    reference leave the rest of the notebook graded (§3.5, §3b.8, §3b.11)."""
    got = _grades(cycle)
    for assignment in IDS:
        full = cycle.full[assignment]
        for role in ("partial", "tampered", "looping", "reference"):
            if role in ROLES[assignment]:
                assert 0 < cycle.expected[assignment, role] < full, (assignment, role)
                assert got[assignment, role] < got[assignment, "correct"] == full, (
                    f"{assignment} {role}: {got[assignment, role]} of {full}")
    scores = {a: grading.gradebook_scores(cycle.course, a) for a in IDS}
    for (assignment, role), cells in cycle.fails.items():
        (name, graded), = ((n, g) for n, g in scores[assignment][role].items()
                           if set(cells) <= set(g))
        kept = {g: graded[g][0] for g in cells if graded[g][0] != 0}
        assert not kept, f"{assignment} {role}: the catalogue says {name} fails these: {kept}"


def test_problems_are_reported(cycle):
    """The summary names each student with score, max, seconds and what went wrong (§3.5-3.6):
    the timeout as "<notebook>: <cell id> stopped after the N s timeout", a notebook that could
    not be graded, and a withheld reference the student's code called."""
    for assignment in IDS:
        rows = _summary(cycle.runs[f"autograde {assignment}"].stdout)
        assert set(rows) == set(ROLES[assignment])
        first = grading.notebook_names(assignment)[0]
        withheld = f"{first}: sandbox: called a withheld nnlib reference"
        problems = {s: r.problems for s, r in rows.items()}
        assert problems["correct"] == ["ok"], problems
        assert withheld in problems["reference"], problems
        if assignment == LMS:
            assert problems["alternative"] == ["ok"], problems
            answer = grade_id(next(c for c in read(
                cycle.course / "solutions" / LMS / f"{first}.ipynb")["cells"] if is_answer_cell(c)))
            looping = problems["looping"]
            assert looping[0] == f"{first}: {answer} stopped after the {TIMEOUT} s timeout", (
                looping)
            problems["looping"] = looping[1:]
            assert problems.pop("misnamed") == [
                f"NOT GRADED: no notebook named {first}.ipynb (found instead: answers.ipynb)"]
            corrupt = problems.pop("corrupt")
            assert len(corrupt) == 1 and corrupt[0].startswith(
                f"NOT GRADED: {first}.ipynb is not a valid notebook ("), corrupt
        odd = {s: p for s, p in problems.items() if not set(p) <= {"ok", withheld}}
        assert not odd, f"unexpected problems: {odd}"
        for student, row in rows.items():
            assert row.max == f"{sum(points(assignment)):g}", (student, row)
            if student in ("corrupt", "misnamed"):
                assert row.score == "-", (student, row)
            else:
                assert float(row.score) == pytest.approx(cycle.expected[assignment, student])
                assert row.seconds > 0, (student, row)


def test_feedback_shows_no_hidden_test(cycle):
    """No feedback page shows a hidden-test line that the release or the student's own cells
    do not (§3b.9)."""
    pages = 0
    for assignment in IDS:
        for page_path in sorted((cycle.course / "feedback").glob(f"*/{assignment}/*.html")):
            name, student = page_path.stem, page_path.parent.parent.name
            solution = read(cycle.course / "solutions" / assignment / f"{name}.ipynb")
            release = read(cycle.course / "course" / assignment / f"{name}.ipynb")
            mine = read(cycle.course / "submitted" / student / assignment / f"{name}.ipynb")
            public = grading.all_lines(release) | grading.all_lines(
                mine, keep=lambda c: not is_test_cell(c))
            leaks = grading.leaked_lines(page_path.read_text(encoding="utf-8"),
                                         grading.hidden_lines(solution), public)
            assert not leaks, f"{page_path.relative_to(cycle.course)} shows hidden tests: {leaks}"
            pages += 1
    graded = sum(len(set(ROLES[a]) - {"corrupt", "misnamed"}) for a in IDS)
    assert pages == graded, "every graded student (not corrupt, misnamed) gets feedback"


@pytest.mark.skipif(not EXCHANGE, reason="only one assignment: no exchange round")
def test_exchange_feedback_reaches_the_student(cycle):
    fetched = list((cycle.homes / "partial" / EXCHANGE / "feedback").glob("*/*.html"))
    assert fetched, "the student found no feedback after release_feedback/fetch_feedback"


def test_docs_give_the_tested_lms_pattern():
    docs = (ROOT / "docs" / "instructors.md").read_text(encoding="utf-8")
    assert LMS_CONFIG in docs

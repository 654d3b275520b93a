"""The instructor's cycle of docs/instructors.md, run for real on a synthetic class.

Ten students hand in the first two assignments under solutions/: the first through an LMS (a
Canvas-style zip, imported with `nbgrader zip_collect` and the documented file-name pattern),
the second through nbgrader's exchange (the instructor releases and collects with the CLI;
the students fetch and submit in-process, exactly as JupyterLab's Assignments tab does).
Each student plays the same role in both. Then: `nn-course autograde --jobs 2`,
`nbgrader generate_feedback`, `release_feedback` (exchange) and `nbgrader export`.
"""

from __future__ import annotations

import contextlib
import csv
import html
import importlib
import io
import json
import pkgutil
import re
import subprocess
import sys
import time
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange import ExchangeFactory
from traitlets.config import Config

from tests import catalogue, grading
from tests.grading import ROOT, grade_id, is_answer_cell, is_test_cell, read, with_cells

IDS = grading.assignments()[:2]
TIMEOUT = 30  # seconds per cell: far above any solution cell, short enough for CI
LMS, EXCHANGE = (IDS + [None, None])[:2]
ROLES = ("correct", "alternative", "partial", "partial2", "empty", "tampered", "reference",
         "looping", "corrupt", "misnamed")
TAMPERED = {"tampered", "reference"}
# What docs/instructors.md tells an instructor to add to nbgrader_config.py (checked below).
LMS_CONFIG = r"""c.FileNameCollectorPlugin.named_regexp = (
    r".*/(?P<student_id>[^/_]+)_(?:LATE_)?\d+_\d+_(?P<file_id>[^/]+?)(?:-\d+)?\.ipynb$"
)
"""
PATCH = "\nnp.allclose = lambda *a, **k: True\nassert_close = lambda *a, **k: None\n"
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
    runs: dict = field(default_factory=dict)  # command -> CompletedProcess
    seconds: dict = field(default_factory=dict)
    hidden: dict = field(default_factory=dict)  # assignment -> notebook -> hidden lines


def _catalogue(path: str):
    for info in pkgutil.iter_modules(catalogue.__path__):
        module = importlib.import_module(f"tests.catalogue.{info.name}")
        if getattr(module, "NOTEBOOK", None) == path:
            return list(module.BUGS.values()), list(getattr(module, "CORRECT", {}).values())
    return [], []


def _reference(nb: dict) -> tuple[str, str] | None:
    """(answer grade_id, source answering it with nnlib's own function), if nnlib has one."""
    for cell in nb["cells"]:
        if is_answer_cell(cell):
            for info in pkgutil.iter_modules(importlib.import_module("nnlib").__path__):
                module = f"nnlib.{info.name}"
                if callable(getattr(importlib.import_module(module), grade_id(cell), None)):
                    name = grade_id(cell)
                    return name, (f"import {module}\n\ndef {name}(*args, **kwargs):\n"
                                  f"    return {module}.{name}(*args, **kwargs)\n")
    return None


def _roles(assignment: str, course: Path) -> tuple[dict, dict]:
    """role -> {file name: notebook or text}, and role -> expected score."""
    names = grading.notebook_names(assignment)
    solution = {n: read(course / "solutions" / assignment / f"{n}.ipynb") for n in names}
    release = {n: read(course / "course" / assignment / f"{n}.ipynb") for n in names}
    first = names[0]
    path = f"solutions/{assignment}/{first}.ipynb"
    full = {n: sum(grading.autograded_points(solution[n]).values()) for n in names}
    rest = sum(full.values()) - full[first]
    answers = [c for c in solution[first]["cells"] if is_answer_cell(c)]
    stub = {grade_id(c): grading.source(c) for c in release[first]["cells"] if is_answer_cell(c)}
    bugs, alternatives = _catalogue(path)
    changes = {  # role -> (answer cell, new source) in the first notebook
        "partial": (bugs[0].cell, bugs[0].source) if bugs else
        (grade_id(answers[0]), stub[grade_id(answers[0])]),
        "partial2": (bugs[1].cell, bugs[1].source) if len(bugs) > 1 else
        (grade_id(answers[-1]), stub[grade_id(answers[-1])]),
        "looping": (grade_id(answers[0]), "while True:\n    pass\n"),
    }
    loop_free = (grade_id(answers[0]), "")
    if alternatives:
        changes["alternative"] = (alternatives[0].cell, alternatives[0].source)
    reference = _reference(solution[first])
    changes["reference"] = reference or (grade_id(answers[0]),
                                         grading.source(answers[0]) + "\nimport subprocess\n")

    def replace(nb: dict, cell_id: str, new: str) -> dict:
        return with_cells(nb, lambda c: new if is_answer_cell(c) and grade_id(c) == cell_id else c)

    def edited(nb: dict) -> dict:  # the first test cell emptied, the first answer patched
        tests = [grade_id(c) for c in nb["cells"] if is_test_cell(c)]
        out = with_cells(nb, lambda c: "pass" if is_test_cell(c) and grade_id(c) == tests[0] else c)
        gid = grade_id(next(c for c in nb["cells"] if is_answer_cell(c)))
        return with_cells(out, lambda c: grading.source(c) + PATCH
                          if is_answer_cell(c) and grade_id(c) == gid else c)

    files, expected = {}, {}
    for role in ROLES:
        nbs = dict(solution)
        if role in changes:
            nbs[first] = replace(solution[first], *changes[role])
        elif role in ("empty", "tampered"):
            nbs = {n: edited(nb) if role == "tampered" else nb for n, nb in release.items()}
        files[role] = {f"{n}.ipynb": nb for n, nb in nbs.items()}
        if role == "corrupt":
            files[role][f"{first}.ipynb"] = '{"cells": [ this is not a notebook'
        if role == "misnamed":
            files[role]["answers.ipynb"] = files[role].pop(f"{first}.ipynb")
        if role in ("empty", "tampered", "corrupt"):  # stubs raise; corrupt is not graded
            expected[role] = 0.0
        elif role == "misnamed":
            expected[role] = rest
        else:  # the looping cell, once cut, has defined nothing: as if it were empty
            graded = nbs[first] if role != "looping" else replace(solution[first], *loop_free)
            expected[role] = rest + _score(graded, course / "solutions" / assignment)
    return files, expected


def _score(nb: dict, folder: Path) -> float:
    """The points nbgrader gives `nb`: every code cell run in order in one namespace."""
    ns, score = {"__name__": "__main__"}, 0.0
    with contextlib.chdir(folder), contextlib.redirect_stdout(io.StringIO()), \
            contextlib.redirect_stderr(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            try:
                exec(compile(grading.source(cell), "<cell>", "exec"), ns)
            except Exception:  # noqa: BLE001 - a failing cell is an outcome here
                continue
            if is_test_cell(cell):
                score += float(cell["metadata"]["nbgrader"]["points"])
    plt.close("all")
    return score


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
    classes = {}
    for assignment in IDS:
        classes[assignment], expected = _roles(assignment, c.course)
        c.expected.update({(assignment, s): v for s, v in expected.items()})
        c.hidden[assignment] = {n: grading.hidden_lines(read(p)) for n, p in
                                ((p.stem, p) for p in (c.course / "solutions" / assignment)
                                 .glob("*.ipynb"))}
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


def _summary(output: str) -> dict[str, list[str]]:
    """student -> notes, from the table nn-course autograde prints."""
    rows, student = {}, None
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("student "))
    for line in lines[start + 1:]:
        if line and not line[0].isspace():
            student, *_ = line.split()
            rows[student] = [line.split(None, 3)[3]]
        elif student and line.strip():
            rows[student].append(line.strip())
    return rows


def test_every_step_succeeds(cycle, record_property):
    for key, seconds in cycle.seconds.items():
        record_property(f"seconds: instructor cycle: {key}", seconds)
    for key, run in cycle.runs.items():
        expected = 1 if key.startswith("autograde") else 0  # 1: the corrupt notebook
        assert run.returncode == expected, f"{key} exited {run.returncode}:\n{run.stdout[-3000:]}"


def test_grades_csv_is_as_expected(cycle):
    with (cycle.course / "grades.csv").open(encoding="utf-8") as f:
        got = {(r["assignment"], r["student_id"]): float(r["score"])
               for r in csv.DictReader(f)}
    wrong = {k: (got.get(k), v) for k, v in cycle.expected.items()
             if got.get(k) != pytest.approx(v)}
    assert got == pytest.approx(cycle.expected), f"(got, expected): {wrong}"


def test_problems_are_reported(cycle):
    for assignment in IDS:
        rows = _summary(cycle.runs[f"autograde {assignment}"].stdout)
        assert set(rows) == set(ROLES)
        assert any("NOT GRADED" in n and "not a valid notebook" in n for n in rows["corrupt"])
        assert any("answers.ipynb" in n and ("NOT GRADED: no notebook named" in n
                   or "missing notebook" in n) for n in rows["misnamed"]), rows["misnamed"]
        assert any(f"after the {TIMEOUT} s cell timeout" in n for n in rows["looping"])
        clean = set(ROLES) - TAMPERED - {"corrupt", "misnamed", "looping"}
        assert {s: rows[s] for s in clean} == {s: ["ok"] for s in clean}


def test_tamper_flags_exactly_the_tampered_students(cycle):
    for assignment in IDS:
        rows = _summary(cycle.runs[f"autograde {assignment}"].stdout)
        flagged = {s for s, notes in rows.items() if any(n.startswith("TAMPER") for n in notes)}
        assert flagged == TAMPERED, rows
        kinds = " ".join(rows["tampered"])
        assert "patches-module" in kinds and "rebinds-name" in kinds and "edited-test" in kinds


def _visible_text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def test_feedback_shows_no_hidden_test(cycle):
    """No hidden-test line that appears nowhere in the release or the student's own cells."""
    pages = 0
    for assignment in IDS:
        for page_path in sorted((cycle.course / "feedback").glob(f"*/{assignment}/*.html")):
            page = page_path.read_text(encoding="utf-8")
            text = _visible_text(page)
            name, student = page_path.stem, page_path.parent.parent.name
            release = read(cycle.course / "course" / assignment / f"{name}.ipynb")
            mine = read(cycle.course / "submitted" / student / assignment / f"{name}.ipynb")
            public = "\n".join(grading.source(c) for c in release["cells"] + [
                c for c in mine["cells"] if not is_test_cell(c)])
            secret = {s for s in cycle.hidden[assignment][name]
                      if re.search(r"\w", s) and s not in public}
            leaks = sorted(s for s in secret if s in text or html.escape(s) in page)
            assert not leaks, f"{page_path.relative_to(cycle.course)} shows hidden tests: {leaks}"
            pages += 1
    assert pages >= 2 * (len(ROLES) - 2)  # every graded student except corrupt and misnamed


@pytest.mark.skipif(not EXCHANGE, reason="only one assignment: no exchange round")
def test_exchange_feedback_reaches_the_student(cycle):
    fetched = list((cycle.homes / "partial" / EXCHANGE / "feedback").glob("*/*.html"))
    assert fetched, "the student found no feedback after release_feedback/fetch_feedback"


def test_docs_give_the_tested_lms_pattern():
    docs = (ROOT / "docs" / "instructors.md").read_text(encoding="utf-8")
    assert LMS_CONFIG in docs

"""Autograde a class in parallel, with one gradebook written by one process.

nbgrader grades students one after another, and most of the ~6 s each goes to starting a
kernel. Here `jobs` worker processes each grade one student at a time with nbgrader's own
autograder, in a scratch course of their own: a gradebook copied from the course's (the
assignment and its source cells, no students), the student's submission and the
assignment's source linked in. Inside nbgrader, `JudgeExecute` (nbgrader_config.py) runs the
student's code in a sandbox that sees none of this, and the tests in the judge (nncourse/judge/).
The parent merges each result into the course gradebook as it arrives, serially, through
nbgrader's Gradebook API, and moves the graded notebooks into autograded/. Only the parent
writes the gradebook; no two processes ever write one SQLite file (no "database is locked"),
each grade is written once (no lost or duplicated grades), and a broken submission touches no
one else's.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import sqlite3
import sys
import tempfile
import time
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps import NbGraderAPI
from sqlalchemy.exc import SAWarning
from traitlets.config import Config

from nncourse import course, release, sandbox


@dataclass
class Result:
    """One student's outcome; score is None when the submission could not be graded."""

    student: str
    score: float | None = None
    max_score: float | None = None
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class _Job:
    root: str
    assignment: str
    student: str
    template: str  # gradebook holding the assignment but no students
    scratch: str
    timeout: int | None
    extension: timedelta | None
    sandboxed: bool


@dataclass
class _Graded:
    """What a worker sends back: the grades to merge, or why there are none."""

    student: str
    problems: list[str]
    folder: str | None = None  # the autograded/<student>/<assignment> it wrote
    timestamp: datetime | None = None
    scores: dict = field(default_factory=dict)  # notebook -> {grade cell: auto_score}
    comments: dict = field(default_factory=dict)  # notebook -> {answer cell: auto_comment}
    penalties: dict = field(default_factory=dict)  # notebook -> late submission penalty
    seconds: float = 0.0


class AutogradeError(Exception):
    """The class cannot be graded at all (the message says why); single students never raise."""


def _config(root: Path, timeout: int | None, sandboxed: bool = True) -> Config:
    config = course.load_config(root)
    if timeout is not None:
        config.JudgeExecute.timeout = timeout
    if not sandboxed:
        config.JudgeExecute.sandbox = False
    return config


def _unreadable(coursedir, job: _Job) -> list[str]:
    """Notebooks of the submission that are missing (graded 0) or not notebooks at all."""
    problems = []
    submitted = course.folder(coursedir, coursedir.submitted_directory, job.student, job.assignment)
    sources = course.source_notebooks(coursedir, job.assignment)
    others = sorted({p.name for p in submitted.glob("*.ipynb")} - {s.name for s in sources})
    instead = f" (found instead: {', '.join(others)})" if others else ""
    if not any((submitted / s.name).exists() for s in sources):
        return [f"NOT GRADED: no notebook named {', '.join(s.name for s in sources)}{instead}"]
    for source in sources:
        path = submitted / source.name
        if not path.exists():
            problems.append(f"missing notebook {source.name} (scored 0){instead}")
            continue
        try:
            nbformat.read(path, as_version=4)
        except Exception as err:  # nbformat raises many types for a broken file
            problems.append(f"NOT GRADED: {source.name} is not a valid notebook "
                            f"({type(err).__name__}: {str(err).splitlines()[0][:80]})")
    return problems


def _judged(folder: Path) -> tuple[list[str], float]:
    """The judge's problems (timeouts, truncations, crashes) and seconds, from graded notebooks."""
    problems, seconds = [], 0.0
    for path in sorted(folder.glob("*.ipynb")):
        report = nbformat.read(path, as_version=4).metadata.get("nncourse", {})
        problems += [f"{path.stem}: {p}" for p in report.get("problems", [])]
        seconds += report.get("seconds", 0.0)
    return problems, seconds


def _grade_one(job: _Job) -> _Graded:
    """Worker: autograde one student in a scratch course; return the grades to merge."""
    root, scratch = Path(job.root), Path(job.scratch) / job.student
    real = course.course_directory(_config(root, job.timeout))
    config = _config(root, job.timeout, job.sandboxed)
    config.CourseDirectory.root = str(scratch)
    config.CourseDirectory.db_url = f"sqlite:///{scratch / 'gradebook.db'}"
    mine = course.course_directory(config)
    for step, student in [(real.source_directory, "."), (real.submitted_directory, job.student)]:
        link = course.folder(mine, step, student, job.assignment)
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(course.folder(real, step, student, job.assignment), True)
    shutil.copy(job.template, scratch / "gradebook.db")

    out = _Graded(job.student, _unreadable(real, job))
    if any(p.startswith("NOT GRADED") for p in out.problems):
        return out
    with Gradebook(mine.db_url, mine.course_id) as gb:
        gb.update_or_create_student(job.student)
        if job.extension:
            gb.update_or_create_submission(job.assignment, job.student, extension=job.extension)
    result = NbGraderAPI(mine, config=config).autograde(job.assignment, job.student)
    if not result["success"]:
        lines = (result.get("error") or result.get("log") or "no message").strip().splitlines()
        out.problems.append(f"NOT GRADED: nbgrader failed: {lines[-1][:120]}")
        return out
    folder = course.folder(mine, mine.autograded_directory, job.student, job.assignment)
    problems, out.seconds = _judged(folder)
    out.problems += problems
    out.folder = str(folder)
    with Gradebook(mine.db_url, mine.course_id) as gb:
        submission = gb.find_submission(job.assignment, job.student)
        out.timestamp = submission.timestamp
        for nb in submission.notebooks:
            out.scores[nb.name] = {g.name: g.auto_score for g in nb.grades}
            out.comments[nb.name] = {c.name: c.auto_comment for c in nb.comments}
            out.penalties[nb.name] = nb.late_submission_penalty
    return out


def _merge(coursedir, assignment: str, graded: _Graded) -> Result:
    """Parent: write one worker's grades into the course gradebook, move its notebooks."""
    result = Result(graded.student, problems=graded.problems, seconds=graded.seconds)
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb, warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)  # nbgrader's noise on a first submission
        gb.update_or_create_student(graded.student)
        result.max_score = gb.find_assignment(assignment).max_score
        if graded.folder is None:
            return result
        submission = gb.update_or_create_submission(assignment, graded.student,
                                                    timestamp=graded.timestamp)
        for nb in submission.notebooks:  # as nbgrader's SaveAutoGrades would
            for grade in nb.grades:
                grade.auto_score = graded.scores[nb.name][grade.name]
                manual = grade.manual_score is not None
                grade.needs_manual_grade = manual or grade.auto_score is None
            for comment in nb.comments:
                comment.auto_comment = graded.comments[nb.name][comment.name]
            nb.late_submission_penalty = graded.penalties.get(nb.name)
        gb.db.commit()
        result.score = submission.score
    target = course.folder(coursedir, coursedir.autograded_directory, graded.student, assignment)
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(graded.folder, target)
    return result


def _template(coursedir, assignment: str, scratch: Path) -> Path:
    """A snapshot of the course gradebook holding the assignment and no students."""
    url = coursedir.db_url
    if not url.startswith("sqlite:///"):
        raise AutogradeError(f"parallel autograding needs an SQLite gradebook, not {url}")
    path = scratch / "template.db"
    with sqlite3.connect(url[len("sqlite:///"):]) as src, sqlite3.connect(path) as dst:
        src.backup(dst)  # a consistent copy even while someone else has the gradebook open
    with Gradebook(f"sqlite:///{path}", coursedir.course_id) as gb:
        try:
            gb.find_assignment(assignment)
        except MissingEntry:
            raise AutogradeError(
                f"{assignment} is not in the gradebook {url}: run `nn-course release "
                f"{assignment}` (nbgrader generate_assignment) first") from None
        for student in gb.students:
            gb.remove_student(student.id)
    return path


def _quiet() -> None:
    """Worker start-up: kernels inherit our stderr; keep their chatter off the summary."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)


def autograde(root: Path, assignment: str, students: list[str] | None = None, jobs: int = 2,
              timeout: int | None = None, progress=None, sandboxed: bool = True) -> list[Result]:
    """Autograde the submissions of `assignment` (all, or only `students`) with `jobs` workers.

    progress: called with each Result as it is merged (e.g. to print a line).
    sandboxed: False grades without the sandbox (the instructor's explicit choice).
    """
    if sandboxed:
        try:
            sandbox.check()
        except sandbox.SandboxUnavailable as err:
            raise AutogradeError(
                f"refusing to grade: {err}. A submission is untrusted code; without a sandbox "
                "it can read the solutions and other students' work. Install bubblewrap, or "
                "pass --unsafe-no-sandbox if you trust every submission.") from None
    coursedir = course.course_directory(_config(root, timeout))
    present = course.submitted_students(coursedir, assignment)
    students = students or present
    if not students:
        raise AutogradeError(f"no submissions of {assignment} in "
                                   f"{Path(coursedir.root) / coursedir.submitted_directory}")
    results, jobs_todo = [], []
    with tempfile.TemporaryDirectory(prefix="nn-course-autograde-") as scratch:
        template = _template(coursedir, assignment, Path(scratch))
        with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
            for student in students:
                if student not in present:
                    results.append(Result(student, problems=["NOT GRADED: no submission"]))
                    continue
                try:
                    extension = gb.find_submission(assignment, student).extension
                except MissingEntry:
                    extension = None
                jobs_todo.append(_Job(str(root), assignment, student, str(template), scratch,
                                      timeout, extension, sandboxed))
        context = multiprocessing.get_context("fork")  # workers inherit the imported nbgrader
        with ProcessPoolExecutor(max(1, jobs), context, initializer=_quiet) as pool:
            futures = {pool.submit(_grade_one, job): job.student for job in jobs_todo}
            for future in as_completed(futures):
                try:
                    graded = future.result()
                except Exception as err:  # a worker crash costs one student, not the class
                    graded = _Graded(futures[future], [f"NOT GRADED: {type(err).__name__}: {err}"])
                result = _merge(coursedir, assignment, graded)
                results.append(result)
                if progress:
                    progress(result)
    return sorted(results, key=lambda r: r.student)


def summary(results: list[Result]) -> str:
    """The per-student table: score, max, grading seconds, problems."""
    width = max([len("student")] + [len(r.student) for r in results])
    lines = [f"{'student':<{width}}  {'score':>6}  {'max':>6}  {'secs':>5}  problems"]
    for r in results:
        score = "-" if r.score is None else f"{r.score:g}"
        top = "-" if r.max_score is None else f"{r.max_score:g}"
        notes = r.problems or ["ok"]
        lines.append(f"{r.student:<{width}}  {score:>6}  {top:>6}  {r.seconds:>5.1f}  {notes[0]}")
        lines += [f"{'':<{width + 25}}{note}" for note in notes[1:]]
    return "\n".join(lines)


def _run(args: argparse.Namespace) -> int:
    root = release.find_root(Path.cwd())
    start = time.perf_counter()
    if args.unsafe_no_sandbox:
        print("WARNING: grading WITHOUT a sandbox (--unsafe-no-sandbox): each submission's code "
              "runs with your permissions and can read or change any file you can.",
              file=sys.stderr)
    results = autograde(root, args.assignment, args.student, args.jobs, args.timeout,
                        progress=lambda r: print(f"graded {r.student}: {r.score}", file=sys.stderr),
                        sandboxed=not args.unsafe_no_sandbox)
    failed = [r.student for r in results if r.score is None]
    print(f"{args.assignment}: {len(results) - len(failed)} of {len(results)} submissions graded "
          f"in {time.perf_counter() - start:.1f} s with {args.jobs} jobs"
          f"{'' if not args.unsafe_no_sandbox else ', WITHOUT a sandbox'}")
    print(summary(results))
    return 1 if failed else 0


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "autograde",
        help="autograde submitted/*/ASSIGNMENT in parallel and print a per-student summary",
        description="Autograde every submission of ASSIGNMENT (or only the named students) in "
        "parallel worker processes with nbgrader: each submission runs in a sandbox, its tests "
        "in the trusted judge; grades are merged into the course gradebook one at a time. "
        "Exits 1 if any submission could not be graded (the others are).",
    )
    p.add_argument("assignment", metavar="ASSIGNMENT")
    p.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1,
                   help="worker processes (default: the number of CPUs)")
    p.add_argument("--student", nargs="+", metavar="S", help="grade only these students")
    p.add_argument("--timeout", type=int, metavar="SEC",
                   help="per-cell timeout (default: nbgrader_config.py's)")
    p.add_argument("--unsafe-no-sandbox", action="store_true",
                   help="grade without the sandbox: each submission's code runs with your "
                        "permissions (only for students you trust, or where no sandbox can be "
                        "made); the verdicts are still the judge's")
    p.set_defaults(run=_run)

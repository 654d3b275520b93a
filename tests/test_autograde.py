"""`nn-course autograde --jobs 2` writes the gradebook serial `nbgrader autograde` writes.

Two copies of one course with the same class, one graded by nbgrader alone, one in parallel;
every grade, comment, late penalty, time stamp and extension must agree, with no row lost or
duplicated. One difference is intended: for a notebook that is not valid JSON nbgrader leaves
an empty, ungraded submission behind; nn-course records the student and no submission. The
class exercises the late-submission path too: a due date, a late student (scored zero by the
configured penalty), and a late student with an extension. Both commands grade through
JudgeExecute (nbgrader_config.py: the sandbox and the judge), so this is also where the plain
`nbgrader autograde` command is checked: it names the corrupt student and grades the others.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import datetime, timedelta

import pytest
from nbgrader.api import Gradebook

from nncourse import release
from tests import grading
from tests.grading import grade_id, is_answer_cell, read, with_cells

IDS = grading.assignments()
pytestmark = [pytest.mark.skipif(not IDS, reason="no assignment under solutions/"),
              pytest.mark.slow,
              pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")]
DUE = datetime(2030, 1, 1)
# ontime hands in the first exercise unanswered (partial marks); the others the solution.
STAMPS = {"ontime": "2029-12-31 12:00:00 UTC", "late": "2030-01-02 12:00:00 UTC",
          "extended": "2030-01-02 12:00:00 UTC"}


def _dump(course, assignment: str) -> dict:
    """Everything autograding writes, keyed by student (only students with a submission)."""
    out = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for sub in gb.find_assignment(assignment).submissions:
            out[sub.student.id] = {
                "timestamp": sub.timestamp, "extension": sub.extension,
                "notebooks": {nb.name: {
                    "penalty": nb.late_submission_penalty,
                    "grades": sorted((g.name, g.auto_score, g.manual_score, g.needs_manual_grade)
                                     for g in nb.grades),
                    "comments": sorted((c.name, c.auto_comment) for c in nb.comments),
                } for nb in sub.notebooks},
            }
    return out


def _cli(course, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=course, env=grading.env(),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=1800)


def test_parallel_autograde_writes_what_nbgrader_writes(tmp_path, record_property):
    assignment = IDS[0]
    course = grading.new_course(tmp_path / "parallel", assignment)
    with (course / "nbgrader_config.py").open("a", encoding="utf-8") as f:
        f.write('\nc.LateSubmissionPlugin.penalty_method = "zero"\n')
    release.release(course, [assignment])
    names = grading.notebook_names(assignment)
    # Without the demos: only grading matters here, and the demos would double its time.
    solution = {n: grading.without_demos(read(course / "solutions" / assignment / f"{n}.ipynb"))
                for n in names}
    stub = {grade_id(c): grading.source(c) for n in names[:1] for c in
            read(course / "course" / assignment / f"{n}.ipynb")["cells"] if is_answer_cell(c)}
    first = next(iter(stub))
    partial = with_cells(solution[names[0]], lambda c: stub[first]
                         if is_answer_cell(c) and grade_id(c) == first else c)
    for student, stamp in STAMPS.items():
        files = {f"{n}.ipynb": nb for n, nb in solution.items()}
        if student == "ontime":
            files[f"{names[0]}.ipynb"] = partial
        grading.submit(course, student, assignment, {**files, "timestamp.txt": stamp})
    grading.submit(course, "corrupt", assignment, {f"{names[0]}.ipynb": "{ not json"})
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        gb.update_or_create_assignment(assignment, duedate=DUE)
        gb.update_or_create_student("extended")
        gb.update_or_create_submission(assignment, "extended", extension=timedelta(days=3))
    serial = shutil.copytree(course, tmp_path / "serial")

    done = _cli(serial, "nbgrader", "autograde", assignment)
    assert "There was an error processing assignment" in done.stdout  # the corrupt student
    done = _cli(course, "nncourse.cli", "autograde", assignment, "--jobs", "2")
    assert done.returncode == 1, done.stdout  # 1: the corrupt student was not graded
    got, want = _dump(course, assignment), _dump(serial, assignment)
    # nbgrader leaves an empty, ungraded submission for the corrupt notebook; we record none.
    assert want.pop("corrupt")["notebooks"][names[0]]["penalty"] is None
    assert got == want
    assert set(got) == set(STAMPS)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert gb.find_student("corrupt").submissions == []  # listed, so exported with 0
    penalties = {s: sum(nb["penalty"] or 0 for nb in d["notebooks"].values())
                 for s, d in got.items()}
    assert penalties["late"] > 0 and penalties["ontime"] == penalties["extended"] == 0
    graded = {p.relative_to(course / "autograded") for p in (course / "autograded").rglob("*")}
    assert graded == {p.relative_to(serial / "autograded")
                      for p in (serial / "autograded").rglob("*")}

    # Regrading one student keeps an instructor's manual score, writes no second row and
    # touches no one else.
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        grade = gb.find_submission_notebook(names[0], assignment, "ontime").grades[0]
        grade.manual_score, kept = 0.5, grade.name
        gb.db.commit()
    done = _cli(course, "nncourse.cli", "autograde", assignment, "--student", "ontime")
    assert done.returncode == 0, done.stdout
    again = _dump(course, assignment)
    before, after = (d["ontime"]["notebooks"][names[0]]["grades"] for d in (got, again))
    assert [g for g in after if g[0] == kept] == [(kept, g[1], 0.5, True)
                                                  for g in before if g[0] == kept]
    assert [g for g in after if g[0] != kept] == [g for g in before if g[0] != kept]
    assert {s: d for s, d in again.items() if s != "ontime"} == \
        {s: d for s, d in got.items() if s != "ontime"}

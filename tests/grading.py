"""Helpers to run nbgrader for real in a throwaway course directory and read its gradebook.

A course directory gets the repo's nbgrader_config.py (so autograding there runs each
submission in the sandbox and its test cells in the judge) and a copy of solutions/<id>/;
nbgrader runs as `python -m nbgrader` of this interpreter, with its bin/ first on PATH.
"""

from __future__ import annotations

import copy
import functools
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from nncourse.course import load_config
from nncourse.release import assignments as _assignments

ROOT = Path(__file__).resolve().parents[1]


def assignments() -> list[str]:
    """Every assignment id under solutions/ (folders holding a notebook)."""
    return _assignments(ROOT)


def notebook_names(assignment: str) -> list[str]:
    """The notebook names (without .ipynb) of an assignment."""
    return sorted(p.stem for p in (ROOT / "solutions" / assignment).glob("*.ipynb"))


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _meta(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def source(cell: dict) -> str:
    src = cell["source"]
    return src if isinstance(src, str) else "".join(src)


def is_test_cell(cell: dict) -> bool:
    """An autograder test cell: graded code that is not an answer."""
    meta = _meta(cell)
    return cell["cell_type"] == "code" and bool(meta.get("grade")) and not meta.get("solution")


def is_answer_cell(cell: dict) -> bool:
    """An autograded answer cell: code the student writes, graded by the test cells."""
    meta = _meta(cell)
    return cell["cell_type"] == "code" and bool(meta.get("solution")) and not meta.get("grade")


def grade_id(cell: dict) -> str:
    return _meta(cell)["grade_id"]


def autograded_points(nb: dict) -> dict[str, float]:
    """grade_id -> points of every autograder test cell."""
    return {grade_id(c): float(_meta(c)["points"]) for c in nb["cells"] if is_test_cell(c)}


def with_cells(nb: dict, change) -> dict:
    """A copy of `nb` whose cells are `change(cell)` each: a new source (str), None to delete."""
    out = copy.deepcopy(nb)
    cells = []
    for cell in out["cells"]:
        new = change(cell)
        if isinstance(new, str):
            cell["source"] = new
            cells.append(cell)
        elif new is not None:
            cells.append(new)
    out["cells"] = cells
    return out


def without_demos(nb: dict) -> dict:
    """A copy of `nb` without the code cells nbgrader does not track, except the first (the
    imports): what a student who deleted the demos and plots hands in. Grading it skips their
    run time; answers, tests, questions and locked cells are all still there."""
    first = next(i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code")
    out = copy.deepcopy(nb)
    out["cells"] = [c for i, c in enumerate(out["cells"]) if i == first
                    or c["cell_type"] != "code" or "nbgrader" in c.get("metadata", {})]
    return out


def hidden_lines(nb: dict) -> set[str]:
    """Stripped, non-blank lines between BEGIN/END HIDDEN TESTS in any cell."""
    lines, inside = set(), False
    for cell in nb["cells"]:
        for line in source(cell).splitlines():
            if "BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "END HIDDEN TESTS" in line:
                inside = False
            elif inside and line.strip():
                lines.add(line.strip())
    return lines


def all_lines(nb: dict, keep=lambda cell: True) -> set[str]:
    """Stripped, non-blank source lines of the cells `keep` selects."""
    return {
        line.strip()
        for c in nb["cells"]
        if keep(c)
        for line in source(c).splitlines()
        if line.strip()
    }


def env() -> dict[str, str]:
    """The environment with this interpreter's bin/ first on PATH (nbgrader runs alembic)."""
    bindir = str(Path(sys.executable).parent)
    return {**os.environ, "PATH": os.pathsep.join([bindir, os.environ.get("PATH", "")])}


def run(
    course: Path, module: str, *args: str, timeout: float = 1800
) -> subprocess.CompletedProcess:
    """Run `python -m <module> <args>` in `course`: stdout and stderr in .stdout, any exit code.

    module: "nbgrader", or "nncourse.cli" for the `nn-course` command
    """
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=course,
        env=env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
    )


@functools.cache
def _empty_gradebook() -> bytes:
    """An empty gradebook of the course: nbgrader starts a slow `alembic` for each new one."""
    course_id = load_config(ROOT).CourseDirectory.course_id
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "gradebook.db"
        with Gradebook(f"sqlite:///{path}", course_id):
            pass
        return path.read_bytes()


def new_course(folder: Path, assignment: str) -> Path:
    """A course directory in `folder`: the repo's config, a copy of solutions/<assignment>/
    (call again for more assignments) and an empty gradebook."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "nbgrader_config.py", folder / "nbgrader_config.py")
    if not (folder / "gradebook.db").exists():
        (folder / "gradebook.db").write_bytes(_empty_gradebook())
    shutil.copytree(
        ROOT / "solutions" / assignment,
        folder / "solutions" / assignment,
        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
    )
    return folder


def submit(course: Path, student: str, assignment: str, files: dict[str, dict | str]) -> None:
    """Place a student's submission: file name -> notebook (dict, written as JSON) or raw text."""
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        text = content if isinstance(content, str) else json.dumps(content, indent=1)
        (folder / name).write_text(text, encoding="utf-8")


def gradebook_scores(course: Path, assignment: str) -> dict[str, dict[str, dict[str, tuple]]]:
    """student -> notebook -> grade_id -> (auto_score, max_score) of every graded cell.

    A cell that nbgrader did not grade automatically has auto_score None.
    """
    scores: dict = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        names = [nb.name for nb in gb.find_assignment(assignment).notebooks]
        for student in gb.students:
            for name in names:
                try:
                    sub = gb.find_submission_notebook(name, assignment, student.id)
                except MissingEntry:
                    continue
                scores.setdefault(student.id, {})[name] = {
                    g.name: (g.auto_score, g.max_score) for g in sub.grades
                }
    return scores


_TRACEBACK_PREFIX = re.compile(r"^(?:-*>\s*)?\d+\s")  # IPython's "----> 12 " and "     11 "


def leaked_lines(page: str, hidden: set[str], public: set[str]) -> list[str]:
    """Hidden-test lines that an HTML page shows, other than those also shown in `public` lines.

    A line leaks if the page's text holds it as a whole line (also after a traceback's line
    number), or, when it is long enough to be distinctive (30+ characters) and no public line
    contains it, anywhere, as text or HTML-escaped.
    """
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    shown = set()
    for line in text.splitlines():
        line = line.strip()
        shown |= {line, _TRACEBACK_PREFIX.sub("", line).strip()}
    leaks = []
    for line in sorted(hidden - public):
        if not re.search(r"\w", line):
            continue
        distinctive = len(line) >= 30 and not any(line in p for p in public)
        if line in shown or distinctive and (line in text or html.escape(line) in page):
            leaks.append(line)
    return leaks

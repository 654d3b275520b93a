"""`nn-course scan`: the tamper flags of every submission of an assignment, per student.

The rules are in nncourse.tamper; `nn-course autograde` prints the same flags in its summary.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import nbformat

from nncourse import course, release
from nncourse.tamper import scan_notebook


@dataclass(frozen=True)
class Flag:
    """One suspicious construct in one student's submission."""

    student: str
    notebook: str
    cell: str
    line: int
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.notebook}:{self.cell}:{self.line}: {self.kind}: {self.detail}"


def scan_submission(source_dir: Path, submission_dir: Path, student: str) -> list[Flag]:
    """Flags of every notebook of one submission (source_dir: the assignment's solutions/)."""
    flags = []
    for source_path in sorted(source_dir.glob("*.ipynb")):
        path = submission_dir / source_path.name
        try:
            submitted = nbformat.read(path, as_version=nbformat.NO_CONVERT)
        except (OSError, ValueError):
            continue  # missing or unreadable: autograde reports it
        source = nbformat.read(source_path, as_version=nbformat.NO_CONVERT)
        flags += [Flag(student, source_path.stem, *f) for f in scan_notebook(submitted, source)]
    return flags


def scan_assignment(root: Path, assignment: str, students: list[str] | None = None
                    ) -> dict[str, list[Flag]]:
    """student -> flags, for every submission of `assignment` (or only `students`)."""
    coursedir = course.course_directory(course.load_config(root))
    source = course.folder(coursedir, coursedir.source_directory, ".", assignment)
    return {s: scan_submission(source, course.folder(coursedir, coursedir.submitted_directory,
                                                     s, assignment), s)
            for s in students or course.submitted_students(coursedir, assignment)}


def _run(args: argparse.Namespace) -> int:
    flags = scan_assignment(release.find_root(Path.cwd()), args.assignment, args.student)
    flagged = {s: f for s, f in flags.items() if f}
    print(f"{args.assignment}: {len(flags)} submissions scanned, {len(flagged)} flagged")
    for student, found in flagged.items():
        print(f"{student}:")
        print("\n".join(f"  {flag}" for flag in found))
    return 0


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "scan",
        help="flag submissions that tamper with the grading (report only)",
        description="Read the code cells of every submission of ASSIGNMENT and list what could "
        "game the autograder: patched numpy/nnlib functions or grading helpers, rebound "
        "builtins, nnlib's own answer to an exercise, file reads and escapes. Grades never "
        "change; nn-course autograde prints the same flags in its summary.",
    )
    p.add_argument("assignment", metavar="ASSIGNMENT")
    p.add_argument("--student", nargs="+", metavar="S", help="scan only these students")
    p.set_defaults(run=_run)

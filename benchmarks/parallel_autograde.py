"""Speed-up of `nn-course autograde --jobs N` over serial `nbgrader autograde`, same submissions.

Builds a throwaway course holding one assignment and a class of students who all handed in
the solution notebook, then grades two identical copies of it on this machine, one after the
other: once with `nbgrader autograde ASSIGNMENT`, once with `nn-course autograde ASSIGNMENT
--jobs N`. Prints both wall-clock times, the ratio, and whether the two gradebooks hold the
same grades. CPU seconds and the load average are printed too: on a busy machine the second
worker finds no idle core, and the figure is only as good as the quiet around it.

    python benchmarks/parallel_autograde.py [--assignment 01_linear_regression] [--students 12]
                                            [--jobs 2]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nbgrader.api import Gradebook

from nncourse import release

ROOT = Path(__file__).resolve().parents[1]


def _grades(course: Path, assignment: str) -> dict:
    """(student, notebook, cell) -> (auto_score, needs_manual_grade) of every graded cell."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {(s.student.id, nb.name, g.name): (g.auto_score, g.needs_manual_grade)
                for s in gb.find_assignment(assignment).submissions
                for nb in s.notebooks for g in nb.grades}


def _timed(command: list[str], cwd: Path, env: dict) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system, every process it started) of a command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout[-3000:]}")
    return seconds, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--assignment", default=release.assignments(ROOT)[0])
    parser.add_argument("--students", type=int, default=12)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()

    base = Path(tempfile.mkdtemp(prefix="nn-course-bench-"))
    env = {**os.environ, "HOME": str(base / "home"), "MPLBACKEND": "Agg",
           "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])}
    os.environ.update(env)  # release() below runs nbgrader in this process
    try:
        course = base / "serial"
        for folder in (base / "home", course):
            folder.mkdir()
        shutil.copy(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
        source = course / "solutions" / args.assignment
        shutil.copytree(ROOT / "solutions" / args.assignment, source)
        release.release(course, [args.assignment])
        for k in range(args.students):
            folder = course / "submitted" / f"student{k:03d}" / args.assignment
            shutil.copytree(source, folder)
        shutil.copytree(course, base / "parallel")

        print(f"{args.students} submissions of {args.assignment}, {os.cpu_count()} CPUs, "
              f"load average {os.getloadavg()[0]:.2f} before")
        serial, serial_cpu = _timed(
            [sys.executable, "-m", "nbgrader", "autograde", args.assignment], course, env)
        print(f"nbgrader autograde (serial):   {serial:6.1f} s wall, {serial_cpu:6.1f} s CPU")
        parallel, parallel_cpu = _timed(
            [sys.executable, "-m", "nncourse.cli", "autograde", args.assignment, "--jobs",
             str(args.jobs)], base / "parallel", env)
        print(f"nn-course autograde --jobs {args.jobs}: {parallel:6.1f} s wall, "
              f"{parallel_cpu:6.1f} s CPU")
        print(f"speed-up: {serial / parallel:.2f}x  (load average {os.getloadavg()[0]:.2f} after)")
        same = _grades(course, args.assignment) == _grades(base / "parallel", args.assignment)
        print(f"same grades in both gradebooks: {'yes' if same else 'NO'}")
        if not same:
            sys.exit(1)
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()

"""What trusted grading costs: nbgrader's plain autograde against the judge and the sandbox.

Builds a throwaway course holding one assignment and a class of students, half of whom handed
in the solution notebook and half the untouched release, and grades identical copies of it on
this machine, one path after the other:

  plain serial     `nbgrader autograde`, nbgrader's own Execute (the course's config without
                   the JudgeExecute lines): one student after another, no judge, no sandbox
  plain  --jobs N  `nn-course autograde --jobs N --unsafe-no-sandbox` on that same plain
                   config: nbgrader's Execute in N workers
  judge  --jobs N  `nn-course autograde --jobs N --unsafe-no-sandbox`: the test cells in the
                   judge, the submission in an ordinary kernel
  trusted --jobs N `nn-course autograde --jobs N`: the judge, the submission in the sandbox

For each path: wall-clock seconds for the class, throughput, and seconds per submission (wall x
workers / submissions: what one submission costs a worker). CPU time is not shown: a sandboxed
kernel dies with its PID namespace, and the time its processes used is never reported back to
the command that started it. Then the ratios the trusted-grading issue sets goals for:
trusted vs. plain time per submission at the same N (goal <= 1.3), and trusted's speed-up over
nbgrader's serial autograde (goal >= 1.8 with 2 jobs on 2 cores); and whether all four
gradebooks hold the same grades (exit 1 if not). With --rounds R the four paths take turns R
times on fresh copies and the medians are printed: the load of a shared machine then hits
every path alike. Load averages are printed too; the figures are only as good as the quiet
around them.

    nice python benchmarks/parallel_autograde.py [--assignment 01_linear_regression]
                                                 [--students 12] [--jobs 2] [--rounds 1]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from nbgrader.api import Gradebook

from nncourse import course, release

ROOT = Path(__file__).resolve().parents[1]
# the assignment of the autograde preprocessors (a list over several lines) and c.JudgeExecute.*
JUDGE_LINES = re.compile(r"^c\.Autograde\.autograde_preprocessors = \[.*?^\]\n"
                         r"|^c\.JudgeExecute\.[^\n]*\n", re.MULTILINE | re.DOTALL)


def _plain_config(text: str, timeout: int) -> str:
    """The course's nbgrader_config.py without the JudgeExecute lines: nbgrader's own Execute."""
    plain, removed = JUDGE_LINES.subn("", text)
    if not removed or any("JudgeExecute" in line.split("#")[0] for line in plain.splitlines()):
        sys.exit("nbgrader_config.py no longer sets JudgeExecute as this script expects")
    return plain + f"\nc.Execute.timeout = {timeout}  # JudgeExecute's per-cell timeout\n"


def _grades(folder: Path, assignment: str) -> dict:
    """(student, notebook, cell) -> (auto_score, needs_manual_grade) of every graded cell."""
    with Gradebook(f"sqlite:///{folder / 'gradebook.db'}") as gb:
        return {(s.student.id, nb.name, g.name): (g.auto_score, g.needs_manual_grade)
                for s in gb.find_assignment(assignment).submissions
                for nb in s.notebooks for g in nb.grades}


def _timed(command: list[str], cwd: Path, env: dict) -> float:
    """Wall-clock seconds of a command; exits with its output if it fails."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    seconds = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout[-3000:]}")
    return seconds


def _class(base: Path, assignment: str, students: int) -> tuple[Path, Path]:
    """Two released courses with the same submissions: (judge config, plain config)."""
    judge, plain = base / "judge", base / "plain"
    judge.mkdir(parents=True)
    config = (ROOT / "nbgrader_config.py").read_text(encoding="utf-8")
    (judge / "nbgrader_config.py").write_text(config, encoding="utf-8")
    source = judge / "solutions" / assignment
    shutil.copytree(ROOT / "solutions" / assignment, source,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    release.release(judge, [assignment])
    for k in range(students):  # even: the solution; odd: the release as handed out
        handed_in = source if k % 2 == 0 else judge / "course" / assignment
        shutil.copytree(handed_in, judge / "submitted" / f"student{k:03d}" / assignment)
    shutil.copytree(judge, plain)
    timeout = course.load_config(judge).JudgeExecute.timeout
    (plain / "nbgrader_config.py").write_text(_plain_config(config, timeout), encoding="utf-8")
    return judge, plain


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--assignment", default=release.assignments(ROOT)[0])
    parser.add_argument("--students", type=int, default=12)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=1, help="turns of the four paths")
    args = parser.parse_args()
    nn_course = [sys.executable, "-m", "nncourse.cli", "autograde", args.assignment,
                 "--jobs", str(args.jobs)]
    paths = {  # name -> (config, command, workers)
        "plain serial": ("plain", [sys.executable, "-m", "nbgrader", "autograde",
                                   args.assignment], 1),
        f"plain --jobs {args.jobs}": ("plain", [*nn_course, "--unsafe-no-sandbox"], args.jobs),
        f"judge --jobs {args.jobs}": ("judge", [*nn_course, "--unsafe-no-sandbox"], args.jobs),
        f"trusted --jobs {args.jobs}": ("judge", nn_course, args.jobs),
    }

    base = Path(tempfile.mkdtemp(prefix="nn-course-bench-"))
    env = {**os.environ, "HOME": str(base / "home"), "MPLBACKEND": "Agg",
           "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]),
           # one BLAS thread per kernel, as in the sandbox, so that no path gets more threads
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    os.environ.update(env)  # release() below runs nbgrader in this process
    try:
        (base / "home").mkdir()
        pristine = _class(base / "pristine", args.assignment, args.students)
        print(f"{args.students} submissions of {args.assignment} (half solution, half release), "
              f"{args.jobs} jobs, {args.rounds} round(s), {os.cpu_count()} CPUs")
        wall = {name: [] for name in paths}
        grades = []  # (path, its gradebook's grades) of every run
        for r in range(args.rounds):
            for i, (name, (config, command, _)) in enumerate(paths.items()):
                folder = base / f"round{r}-{i}"
                shutil.copytree(pristine[config == "plain"], folder)
                load = os.getloadavg()[0]
                seconds = _timed(command, folder, env)
                wall[name].append(seconds)
                print(f"  round {r + 1}: {name:<18} {seconds:6.1f} s wall  (load average "
                      f"{load:.2f} before, {os.getloadavg()[0]:.2f} after)", flush=True)
                grades.append((name, _grades(folder, args.assignment)))
                shutil.rmtree(folder)

        n = args.students
        wall = {name: statistics.median(t) for name, t in wall.items()}
        per = {name: wall[name] * workers / n for name, (_, _, workers) in paths.items()}
        print(f"\n{'path':<18} {'wall s':>7} {'subs/min':>9} {'s/sub':>7}"
              "   (medians; s/sub = wall x workers / submissions)")
        for name in paths:
            print(f"{name:<18} {wall[name]:7.1f} {60 * n / wall[name]:9.1f} {per[name]:7.2f}")

        serial, plain, judge, trusted = paths
        ratio = per[trusted] / per[plain]
        speedup = wall[serial] / wall[trusted]
        print(f"\ntrusted / plain, time per submission at --jobs {args.jobs}: {ratio:.2f}x  "
              f"(goal <= 1.3: {'met' if ratio <= 1.3 else 'MISSED'})")
        print(f"  of which the judge {per[judge] / per[plain]:.2f}x (judge / plain), the sandbox "
              f"{per[trusted] / per[judge]:.2f}x (trusted / judge)")
        print(f"  trusted / plain serial, time per submission: {per[trusted] / per[serial]:.2f}x")
        print(f"trusted --jobs {args.jobs} speed-up over nbgrader's serial autograde: "
              f"{speedup:.2f}x  (goal >= 1.8 on 2 cores: {'met' if speedup >= 1.8 else 'MISSED'})")
        print(f"load average now {os.getloadavg()[0]:.2f} (1 min), "
              f"{os.getloadavg()[1]:.2f} (5 min) on {os.cpu_count()} CPUs")

        reference = grades[0][1]  # plain serial, first round
        scores = Counter(sum(v[0] or 0 for k, v in reference.items() if k[0] == student)
                         for student in {k[0] for k in reference})
        same = all(g == reference for _, g in grades)
        print(f"same grades on all four paths: {'yes' if same else 'NO'}  (students per "
              f"autograded score: {dict(sorted(scores.items()))})")
        if not same:
            for name, g in grades:
                differ = sorted(k for k in reference.keys() | g.keys()
                                if reference.get(k) != g.get(k))
                if differ:
                    print(f"  {name} differs from {serial} on {differ[:5]}")
            sys.exit(1)
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()

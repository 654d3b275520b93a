"""The README states facts the repo must keep true: the syllabus, its points, how to set up."""

from __future__ import annotations

import argparse
import re
import shlex

import pytest

from nncourse import cli, lab
from tests.grading import ROOT, assignments, read

SYLLABUS = [
    "01_linear_regression",
    "02_logistic_regression",
    "03_perceptron",
    "04_xor_mlp",
    "05_backprop",
    "06_gradient_checking",
    "07_optimizers",
    "08_regularization",
    "09_capstone",
]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def points(assignment: str) -> tuple[float, float]:
    """(autograded, manual) points summed over the notebooks of solutions/<assignment>/."""
    auto = manual = 0.0
    for path in sorted((ROOT / "solutions" / assignment).glob("*.ipynb")):
        for cell in read(path)["cells"]:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if not (meta.get("grade") or meta.get("task")):
                continue
            if cell["cell_type"] == "code" and meta.get("grade") and not meta.get("solution"):
                auto += float(meta.get("points", 0))
            else:
                manual += float(meta.get("points", 0))
    return auto, manual


def syllabus_rows() -> dict[str, str]:
    """assignment id -> its points cell, from the README's syllabus table."""
    rows = {}
    for line in README.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        match = re.fullmatch(r"`?(\d\d_[a-z_]+)`?", cells[0]) if len(cells) >= 3 else None
        if match:
            rows[match.group(1)] = cells[-1]
    return rows


def _fmt(x: float) -> str:
    return f"{x:g}"


def test_syllabus_lists_every_assignment_in_order():
    assert list(syllabus_rows()) == SYLLABUS
    assert set(assignments()) <= set(SYLLABUS), (
        "an assignment in solutions/ is missing from the syllabus"
    )


@pytest.mark.parametrize("assignment", assignments())
def test_points_match_the_notebooks(assignment):
    auto, manual = points(assignment)
    want = f"{_fmt(auto + manual)} ({_fmt(auto)} + {_fmt(manual)})"
    assert syllabus_rows()[assignment] == want, (
        f"README syllabus: {assignment}'s points should read `{want}`, total (autograded + manual)"
    )


def setup_section() -> str:
    return README.split("## Set up", 1)[1].split("\n## ", 1)[0]


def setup_commands() -> list[str]:
    """The fenced commands of the README's set-up section, in order."""
    return [block.strip() for block in
            re.findall(r"```(?:bash|sh)?\n(.*?)```", setup_section(), flags=re.S)]


def _parser() -> argparse.ArgumentParser:
    """The `nn-course` command line, as nncourse.cli builds it."""
    parser = argparse.ArgumentParser(prog="nn-course")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for add in cli.SUBCOMMANDS:
        add(subparsers)
    return parser


def test_exactly_two_single_line_setup_commands():
    commands = setup_commands()
    assert len(commands) == 2 and all("\n" not in c for c in commands), commands
    first, tests = commands
    assert first == "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/nn-course lab"
    assert '".[test]"' in tests and tests.endswith("python -m pytest")


def test_the_short_command_for_the_next_day_skips_the_install():
    section = setup_section()
    assert "next day" in section and "`.venv/bin/nn-course lab`" in section
    for command in re.findall(r"`\.venv/bin/nn-course ([^`]*)`", section):
        args = shlex.split(command)
        assert _parser().parse_args(args).command == "lab", command


def test_prerequisites_are_stated():
    section = setup_section()
    assert "Python 3.11" in section
    assert "python3-venv" in section, "Debian/Ubuntu need python3-venv for `python3 -m venv`"
    assert "chromium" in section.lower() and "browser tests" in section


def test_students_are_sent_to_their_work_folder_not_the_release():
    section = setup_section()
    assert f"`{lab.WORK}/`" in section and "--allow-root" in section
    assert "Work in `course/" not in README, "students must not work in the release folder"
    assert f"Work in `{lab.WORK}/<assignment>/<assignment>.ipynb`" in README


def test_binder_badge_opens_course_in_jupyterlab():
    badge = re.search(r"\(https://mybinder\.org/v2/gh/[^)\s]+\)", README)
    assert badge and "urlpath=lab/tree/course" in badge.group(0)

"""The README states facts the repo must keep true: the syllabus, its points, the two commands."""

from __future__ import annotations

import re

import pytest

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


def setup_commands() -> list[str]:
    """The fenced commands of the README's set-up section, in order."""
    section = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return [
        block.strip() for block in re.findall(r"```(?:bash|sh)?\n(.*?)```", section, flags=re.S)
    ]


def test_exactly_two_single_line_setup_commands():
    commands = setup_commands()
    assert len(commands) == 2 and all("\n" not in c for c in commands), commands
    lab, tests = commands
    assert lab.endswith("jupyter lab course/") and "pip install -e ." in lab
    assert '".[test]"' in tests and tests.endswith("python -m pytest")


def test_binder_badge_opens_course_in_jupyterlab():
    badge = re.search(r"\(https://mybinder\.org/v2/gh/[^)\s]+\)", README)
    assert badge and "urlpath=lab/tree/course" in badge.group(0)

"""Binder builds the same environment as `pip install .`: same dependencies, Python 3.11."""

from __future__ import annotations

import tomllib

from packaging.requirements import Requirement

from tests.grading import ROOT

BINDER = ROOT / "binder"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _lines(path) -> list[str]:
    return [
        s
        for line in path.read_text(encoding="utf-8").splitlines()
        if (s := line.split("#")[0].strip())
    ]


def test_requirements_are_the_runtime_dependencies_plus_the_repo():
    lines = _lines(BINDER / "requirements.txt")
    local = [line for line in lines if line in (".", "-e .")]
    assert len(local) == 1, (
        "binder/requirements.txt must install the repository itself once (`.` or `-e .`)"
    )
    binder = sorted(str(Requirement(line)) for line in lines if line not in local)
    project = sorted(str(Requirement(dep)) for dep in PYPROJECT["project"]["dependencies"])
    assert binder == project, "binder/requirements.txt and pyproject's dependencies differ"


def test_runtime_is_python_311():
    assert (BINDER / "runtime.txt").read_text(encoding="utf-8").strip() == "python-3.11"
    assert Requirement(f"x{PYPROJECT['project']['requires-python']}").specifier.contains("3.11")

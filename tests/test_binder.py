"""Binder builds the same environment as `pip install .` (same dependencies, Python 3.11) and
shows students what `nn-course lab` shows them.
"""

from __future__ import annotations

import shlex
import subprocess
import tomllib

from packaging.requirements import Requirement

from nncourse import lab
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


def _post_build_commands() -> list[list[str]]:
    """The commands of binder/postBuild, split into words, comments and `set` left out."""
    lines = _lines(BINDER / "postBuild")
    return [shlex.split(line) for line in lines if not line.startswith("set ")]


def test_post_build_hides_what_nn_course_lab_hides():
    """Binder's students see nbgrader's student tools only, as with `nn-course lab`."""
    post_build = BINDER / "postBuild"
    assert post_build.read_text(encoding="utf-8").startswith("#!/usr/bin/env bash\n")
    assert post_build.stat().st_mode & 0o111, "binder/postBuild must be executable"
    subprocess.run(["bash", "-n", str(post_build)], check=True)
    commands = _post_build_commands()
    plugins = [c[4:] for c in commands if c[:4] == ["jupyter", "labextension", "disable",
                                                   "--level=sys_prefix"]]
    servers = [c[5:] for c in commands if c[:5] == ["jupyter", "server", "extension", "disable",
                                                   "--sys-prefix"]]
    assert plugins == [list(lab.HIDDEN_PLUGINS)], commands
    assert servers == [list(lab.DISABLED_SERVER_EXTENSIONS)], commands

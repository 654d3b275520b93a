"""CI runs the README's own test command, and nothing weaker, on a machine that can sandbox."""

from __future__ import annotations

import subprocess

from tests.grading import ROOT
from tests.test_readme import setup_commands

RUN = ROOT / ".ci" / "run"


def test_ci_runs_the_readme_test_command_verbatim():
    command = setup_commands()[1]
    lines = RUN.read_text(encoding="utf-8").splitlines()
    assert command in lines, (
        f".ci/run must contain this line from the README, unchanged:\n{command}"
    )
    assert lines[-1] == command, (
        ".ci/run must end with the README's test command (its exit code is CI's)"
    )


def test_ci_script_is_strict_executable_bash():
    text = RUN.read_text(encoding="utf-8")
    assert text.startswith("#!/usr/bin/env bash\n") and "set -euo pipefail" in text
    assert RUN.stat().st_mode & 0o111, ".ci/run is not executable"
    subprocess.run(["bash", "-n", str(RUN)], check=True)


def test_ci_installs_the_torch_the_cross_checks_expect():
    assert (
        ".venv/bin/pip install --quiet torch==2.13.0"
        in RUN.read_text(encoding="utf-8").splitlines()
    )


def test_ci_installs_bubblewrap_before_the_tests():
    """Grading needs the sandbox: bwrap is installed (only when missing) before the test run."""
    lines = RUN.read_text(encoding="utf-8").splitlines()
    check = lines.index("if [ ! -x /usr/bin/bwrap ]; then")
    install = next(i for i, line in enumerate(lines) if "apt-get install" in line
                   and line.split()[-1] == "bubblewrap")
    assert check < install < lines.index("fi", check) < len(lines) - 1

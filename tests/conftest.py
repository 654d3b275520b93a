"""Set-up shared by the whole suite.

Isolation: every run gets a fresh HOME and fresh Jupyter, IPython and matplotlib folders in
one temporary directory, set in the environment before any kernel, nbgrader run or xdist
worker starts (they all inherit it), so no test reads or writes the user's real settings.
The venv's bin/ is put first on PATH: nbgrader runs `alembic` by name.

Grouping: pytest-xdist runs with --dist loadscope (set in pyproject.toml), which keeps the
cells of one notebook under nbval, each round-trip class (one per assignment) and each test
module on one worker. (xdist_group marks would be finer, but pytest-xdist 3.8 cannot apply them
under pytest 9.2: it renames items through an attribute that pytest no longer reads.)
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

# One BLAS thread per process: xdist workers, kernels and nbgrader all run side by side on few
# cores, and OpenBLAS's spinning threads then make small matrix products 10-100x slower.
# Set at import, before numpy is loaded here; kernels and subprocesses inherit it.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

_HOME = "NNCOURSE_TEST_HOME"
_FOLDERS = {
    "HOME": "home",
    "JUPYTER_CONFIG_DIR": "jupyter/config",
    "JUPYTER_DATA_DIR": "jupyter/data",
    "JUPYTER_RUNTIME_DIR": "jupyter/runtime",
    "IPYTHONDIR": "ipython",
    "MPLCONFIGDIR": "matplotlib",
}
_BASE = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    if _HOME in os.environ:  # an xdist worker: the controller has set everything up
        return
    base = Path(tempfile.mkdtemp(prefix="nn-course-tests-"))
    os.environ[_HOME] = str(base)
    for var, sub in _FOLDERS.items():
        (base / sub).mkdir(parents=True)
        os.environ[var] = str(base / sub)
    os.environ["MPLBACKEND"] = "Agg"
    os.environ["PATH"] = os.pathsep.join(
        [str(Path(sys.executable).parent), os.environ.get("PATH", "")]
    )
    config.stash[_BASE] = base


def pytest_unconfigure(config: pytest.Config) -> None:
    base = config.stash.get(_BASE, None)
    if base is not None:
        shutil.rmtree(base, ignore_errors=True)
        del os.environ[_HOME]


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    """Print the round-trip timings that tests recorded with record_property("seconds: ...")."""
    lines = []
    for reports in terminalreporter.stats.values():
        for report in reports:
            for key, value in getattr(report, "user_properties", ()):
                if key.startswith("seconds: ") and getattr(report, "when", "call") == "call":
                    lines.append(f"{key[len('seconds: ') :]}: {value:.1f} s")
    if lines:
        terminalreporter.write_sep("-", "timings")
        for line in sorted(set(lines)):
            terminalreporter.write_line(line)

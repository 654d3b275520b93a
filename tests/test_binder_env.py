"""Binder's student environment, built from binder/ alone, runs every solution notebook.

repo2docker (Binder) reads binder/runtime.txt (Python 3.11) and pip-installs
binder/requirements.txt, from the repository root, into the one environment that serves
JupyterLab and runs the kernels. This test does the same in a fresh virtual environment, on a
copy of the repository holding only what Binder needs, runs binder/postBuild there as
repo2docker does (checking that JupyterLab will then hide the instructor's tools), then
executes every notebook of solutions/ with that environment's own kernel (nbclient, run by the
venv's python). A dependency missing from binder/requirements.txt fails here, not in a
student's browser.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import venv
from pathlib import Path

import pytest

from nncourse import lab
from tests.grading import ROOT

RUNTIME = (ROOT / "binder" / "runtime.txt").read_text(encoding="utf-8").strip()
SOLUTIONS = sorted(ROOT.glob("solutions/*/*.ipynb"))
EXECUTE = """
import sys, time
import nbformat
from nbclient import NotebookClient
for path in sys.argv[1:]:
    start = time.perf_counter()
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": path.rsplit("/", 1)[0]}}).execute()
    print(f"{path}: {time.perf_counter() - start:.1f} s", flush=True)
"""
# What the Binder environment's JupyterLab will read: disabled plugins, server extensions.
HIDDEN = """
import json
from jupyter_server.extension.config import ExtensionConfigManager
from jupyter_core.paths import jupyter_config_path
from jupyterlab_server.config import get_static_page_config
disabled = get_static_page_config(level="all").get("disabledExtensions", {})
servers = ExtensionConfigManager(read_config_path=jupyter_config_path()).get_jpserver_extensions()
print(json.dumps([[k for k, v in disabled.items() if v], servers]))
"""
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not SOLUTIONS, reason="no notebook under solutions/"),
    pytest.mark.skipif(RUNTIME != f"python-{sys.version_info.major}.{sys.version_info.minor}",
                       reason=f"binder/runtime.txt asks for {RUNTIME}, this is Python "
                              f"{sys.version_info.major}.{sys.version_info.minor}"),
]


def _copy(dest: Path) -> None:
    """What repo2docker sees of the repository, minus what Binder never reads."""
    skip = shutil.ignore_patterns("__pycache__", "*.egg-info", ".ipynb_checkpoints")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, dest / name)
    for name in ("binder", "nnlib", "nncourse", "solutions", "course"):
        shutil.copytree(ROOT / name, dest / name, ignore=skip)


def test_binder_environment_runs_every_solution_notebook(tmp_path, record_property):
    repo = tmp_path / "repo"
    repo.mkdir()
    _copy(repo)
    env_dir = tmp_path / "binder-venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = os.pathsep.join([str(env_dir / "bin"), env.get("PATH", "")])

    start = time.perf_counter()
    install = subprocess.run([python, "-m", "pip", "install", "-r", "binder/requirements.txt"],
                             cwd=repo, env=env, capture_output=True, text=True, timeout=1200)
    record_property("seconds: binder: pip install -r binder/requirements.txt",
                    time.perf_counter() - start)
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    check = subprocess.run([python, "-m", "pip", "check"], env=env, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    post_build = subprocess.run(["bash", "binder/postBuild"], cwd=repo, env=env,
                                capture_output=True, text=True, timeout=600)
    assert post_build.returncode == 0, post_build.stdout[-3000:] + post_build.stderr[-3000:]
    found = subprocess.run([python, "-c", HIDDEN], cwd=tmp_path, env=env, capture_output=True,
                           text=True)
    assert found.returncode == 0, found.stderr
    plugins, servers = json.loads(found.stdout)
    assert set(plugins) >= set(lab.HIDDEN_PLUGINS), "postBuild left an instructor tool in view"
    assert all(servers.get(name) is False for name in lab.DISABLED_SERVER_EXTENSIONS), servers

    probe = "import nnlib, nncourse, ipykernel; print(nnlib.__file__)"
    found = subprocess.run([python, "-c", probe], cwd=tmp_path, env=env, capture_output=True,
                           text=True)
    assert found.returncode == 0, f"the Binder environment lacks a package:\n{found.stderr}"
    assert Path(found.stdout.strip()).is_relative_to(repo), "nnlib must come from the Binder copy"

    start = time.perf_counter()
    notebooks = [str(repo / p.relative_to(ROOT)) for p in SOLUTIONS]
    run = subprocess.run([python, "-c", EXECUTE, *notebooks], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=1800)
    record_property("seconds: binder: execute every solution notebook", time.perf_counter() - start)
    assert run.returncode == 0, run.stdout + run.stderr[-5000:]
    assert run.stdout.count(" s\n") == len(SOLUTIONS), run.stdout

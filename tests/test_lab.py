"""`nn-course lab`: the student's copy of course/, and the JupyterLab it starts.

The fast tests check the copy (only missing files, never an overwrite), the command line and
environment it would run, and the Jupyter config it writes, read back by jupyterlab_server
itself. The slow one starts JupyterLab exactly as `nn-course lab` does, in a temporary work
folder with temporary Jupyter folders, and reads the page config the server gives the browser.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import nbgrader
import pytest

from nncourse import cli, lab
from tests.grading import ROOT

JUPYTER_FOLDERS = ("HOME", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR",
                   "IPYTHONDIR")


def _course(tmp_path: Path) -> Path:
    course = tmp_path / "course"
    (course / "01_a").mkdir(parents=True)
    (course / "01_a" / "01_a.ipynb").write_text("release a")
    (course / "01_a" / "data.csv").write_text("x\n1\n")
    (course / "02_b" / ".ipynb_checkpoints").mkdir(parents=True)
    (course / "02_b" / "02_b.ipynb").write_text("release b")
    (course / "02_b" / ".ipynb_checkpoints" / "02_b-checkpoint.ipynb").write_text("old")
    return course


def test_copy_missing_copies_every_file_once_and_skips_hidden_ones(tmp_path):
    course, work = _course(tmp_path), tmp_path / "work"
    copied = lab.copy_missing(course, work)
    assert [p.as_posix() for p in copied] == ["01_a/01_a.ipynb", "01_a/data.csv", "02_b/02_b.ipynb"]
    assert (work / "02_b" / "02_b.ipynb").read_text() == "release b"
    assert not (work / "02_b" / ".ipynb_checkpoints").exists()
    assert lab.copy_missing(course, work) == [], "a second run must copy nothing"


def test_copy_missing_never_overwrites_a_students_work(tmp_path):
    course, work = _course(tmp_path), tmp_path / "work"
    lab.copy_missing(course, work)
    (work / "01_a" / "01_a.ipynb").write_text("my answers")
    (work / "02_b" / "02_b.ipynb").unlink()  # the student wants this one afresh
    (course / "03_c").mkdir()
    (course / "03_c" / "03_c.ipynb").write_text("a new assignment")
    copied = lab.copy_missing(course, work)
    assert [p.as_posix() for p in copied] == ["02_b/02_b.ipynb", "03_c/03_c.ipynb"]
    assert (work / "01_a" / "01_a.ipynb").read_text() == "my answers"


def test_command_runs_this_pythons_jupyterlab_on_the_work_folder(tmp_path):
    argv = lab.command(tmp_path, no_browser=True, extra=["--port=8899"])
    assert argv[:3] == [sys.executable, "-m", "jupyterlab"]
    assert f"--ServerApp.root_dir={tmp_path}" in argv and "--no-browser" in argv
    assert argv[-1] == "--port=8899", "the user's own options come last, so they win"
    assert "--allow-root" not in argv
    assert "--allow-root" in lab.command(tmp_path, as_root=True)
    assert "--no-browser" not in lab.command(tmp_path)


def test_environment_puts_the_student_config_first(tmp_path):
    env = lab.environment(tmp_path, {"PATH": "/bin"})
    assert env == {"PATH": "/bin", "JUPYTER_CONFIG_PATH": str(tmp_path)}
    env = lab.environment(tmp_path, {"JUPYTER_CONFIG_PATH": "/etc/mine"})
    assert env["JUPYTER_CONFIG_PATH"] == os.pathsep.join([str(tmp_path), "/etc/mine"])


def test_jupyterlab_reads_the_student_config(tmp_path, monkeypatch):
    """The page config that jupyterlab_server builds from the folder hides every plugin."""
    from jupyterlab_server.config import get_static_page_config

    config = lab.write_student_config(tmp_path / "config")
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(config))
    disabled = get_static_page_config(level="all").get("disabledExtensions", {})
    assert {name for name, off in disabled.items() if off} >= set(lab.HIDDEN_PLUGINS)
    server = json.loads((config / "jupyter_server_config.json").read_text())
    assert server["ServerApp"]["jpserver_extensions"] == {
        "nbgrader.server_extensions.formgrader": False}
    assert server["LabApp"]["news_url"] is None


def _installed_plugin_ids() -> str:
    """The text of every installed JupyterLab bundle, where plugin ids appear as strings."""
    share = Path(sys.prefix) / "share" / "jupyter"
    bundles = [*share.glob("labextensions/**/static/*.js"), *share.glob("lab/static/*.js")]
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in bundles)


def test_hidden_plugins_are_real_plugin_ids():
    """A misspelt id would be ignored silently and the instructor's tools would show."""
    text = _installed_plugin_ids()
    missing = [name for name in lab.HIDDEN_PLUGINS if f'"{name}"' not in text]
    assert not missing, f"no installed JupyterLab plugin has the id {missing}"
    for module in lab.DISABLED_SERVER_EXTENSIONS:
        __import__(module)


def test_nn_course_lab_copies_then_starts_jupyterlab(tmp_path, monkeypatch, capsys):
    started = []
    monkeypatch.setattr(lab, "_start", lambda argv, env: started.append((argv, env)))
    monkeypatch.chdir(ROOT)
    work = tmp_path / "my-work"
    assert cli.main(["lab", "--work", str(work), "--no-browser", "--", "--port=8899"]) == 0
    releases = sorted(p.relative_to(ROOT / "course") for p in ROOT.glob("course/*/*.ipynb"))
    assert releases and all((work / p).is_file() for p in releases)
    out = capsys.readouterr().out
    assert "Copied " in out and all(p.as_posix() in out for p in releases), out
    (argv, env), = started
    assert argv == lab.command(work, no_browser=True, as_root=lab.running_as_root(),
                               extra=["--port=8899"])
    assert env["JUPYTER_CONFIG_PATH"].split(os.pathsep)[0] == str(work / lab.CONFIG_DIR)

    assert cli.main(["lab", "--work", str(work)]) == 0  # the next day
    assert "nothing copied" in capsys.readouterr().out


def test_work_folder_is_ignored_by_git():
    assert f"{lab.WORK}/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


# -- the real server -------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_lab(work: Path, base: Path, token: str,
                extra: tuple[str, ...] = ()) -> Iterator[str]:
    """Run `nn-course lab` on `work` (fresh Jupyter folders under `base`); yield its URL.

    The process is the server itself (nn-course lab replaces itself with JupyterLab), so
    stopping it by its pid stops JupyterLab. Its log is base/jupyterlab.log.
    """
    env = dict(os.environ)
    for var in JUPYTER_FOLDERS:
        env[var] = str(base / var.lower())
        Path(env[var]).mkdir(parents=True, exist_ok=True)
    env.pop("JUPYTER_CONFIG_PATH", None)
    env.pop("MPLBACKEND", None)  # the kernel must use the inline backend, as a student's does
    port = free_port()
    log_path = base / "jupyterlab.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "nncourse.cli", "lab", "--work", str(work), "--no-browser",
             "--", f"--port={port}", "--ServerApp.ip=127.0.0.1",
             f"--IdentityProvider.token={token}", *extra],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                assert server.poll() is None, log_path.read_text()[-3000:]
                try:
                    urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5)
                    break
                except OSError:
                    assert time.monotonic() < deadline, "JupyterLab did not answer within 120 s"
                    time.sleep(0.5)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def page_config(url: str, token: str) -> dict:
    """The config JupyterLab's page hands to the browser (its jupyter-config-data)."""
    page = urllib.request.urlopen(f"{url}/lab?token={token}", timeout=30).read().decode()
    match = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                      page, flags=re.S)
    assert match, "no jupyter-config-data in JupyterLab's page"
    return json.loads(match.group(1))


@pytest.mark.slow
def test_the_started_jupyterlab_shows_students_their_tools_only(tmp_path):
    token = "nn-course-lab-test"
    with running_lab(tmp_path / "my-work", tmp_path, token) as url:
        config = page_config(url, token)
        assert set(config["disabledExtensions"]) >= set(lab.HIDDEN_PLUGINS)
        assert config["news"] == {"disabled": True}
        assert config["serverRoot"] == str(tmp_path / "my-work")
        with pytest.raises(urllib.error.HTTPError) as err:  # formgrader's server extension
            urllib.request.urlopen(f"{url}/formgrader?token={token}", timeout=30)
        assert err.value.code == 404
        version = urllib.request.urlopen(  # served by the student's extensions (Validate...)
            f"{url}/nbgrader_version?version={nbgrader.__version__}&token={token}", timeout=30)
        assert version.status == 200

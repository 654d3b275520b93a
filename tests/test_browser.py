"""A student's session in a real browser: JupyterLab in headless Chromium, driven by Playwright.

JupyterLab runs on a temporary copy of course/ whose first notebook with a widget has every
exercise answered (the answers taken from solutions/), as a student who finished would have it.
The test opens it, runs every cell from the Run menu, checks that an ipywidgets slider rendered
and redraws its plot when moved, presses nbgrader's Validate button and reads the answer.
Screenshots of each step go to artifacts/ (ignored by git).

Needs Debian's chromium (`apt-get install chromium`; .ci/run installs it) and the playwright
package (never `playwright install`: the system browser is used). Deselect with -m "not browser".
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.grading import ROOT, grade_id, read, source

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "artifacts"
TOKEN = "nn-course-browser-test"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (apt install chromium)"),
]


def _widget_notebook() -> Path | None:
    """The first release notebook with an interactive plot and a solution to fill it in."""
    for path in sorted((ROOT / "course").glob("*/*.ipynb")):
        solution = ROOT / "solutions" / path.parent.name / path.name
        if solution.exists() and "interactive_plot(" in path.read_text(encoding="utf-8"):
            return path
    return None


def _is_answer(cell: dict) -> bool:
    """Code or written answer: a cell the student fills in."""
    return bool(cell["metadata"].get("nbgrader", {}).get("solution"))


def _finished(release: dict, solution: dict) -> dict:
    """The release with every answer (code and written) taken from the solution, markers removed."""
    answers = {grade_id(c): source(c) for c in solution["cells"] if _is_answer(c)}
    for cell in release["cells"]:
        if _is_answer(cell):
            lines = answers[grade_id(cell)].splitlines()
            cell["source"] = "\n".join(x for x in lines if "### BEGIN SOLUTION" not in x
                                       and "### END SOLUTION" not in x)
    return release


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """(base url, notebook path relative to the server root) of a running JupyterLab."""
    notebook = _widget_notebook()
    if notebook is None:
        pytest.skip("no release notebook with an interactive_plot widget under course/")
    base = tmp_path_factory.mktemp("lab")
    root = base / "course"
    shutil.copytree(ROOT / "course", root)
    rel = notebook.relative_to(ROOT / "course")
    solution = read(ROOT / "solutions" / rel)
    (root / rel).write_text(json.dumps(_finished(read(notebook), solution), indent=1),
                            encoding="utf-8")
    env = dict(os.environ)
    for var in ("HOME", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR",
                "IPYTHONDIR"):
        env[var] = str(base / var.lower())
        Path(env[var]).mkdir()
    env.pop("MPLBACKEND", None)  # the kernel must use the inline backend, as a student's does
    settings = Path(env["JUPYTER_CONFIG_DIR"]) / "lab/user-settings/@jupyterlab/apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    port = _free_port()
    log = (base / "jupyterlab.log").open("w")
    server = subprocess.Popen(  # no shell: server.pid is JupyterLab's own
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
         "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}",
         f"--ServerApp.root_dir={root}", "--ServerApp.allow_root=True"],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, (base / "jupyterlab.log").read_text()[-3000:]
            try:
                urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=5)
                break
            except OSError:
                assert time.monotonic() < deadline, "JupyterLab did not answer within 120 s"
                time.sleep(0.5)
        yield url, rel.as_posix()
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.fixture
def page(tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=str(CHROMIUM), headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 1400, "height": 900})
        try:
            yield context.new_page()
        finally:
            context.close()


def _shot(page, name: str, element=None) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    (element or page).screenshot(path=str(ARTIFACTS / f"browser-{name}.png"))


def test_student_runs_the_notebook_sees_a_widget_and_validates(lab, page, record_property):
    start = time.perf_counter()
    try:
        _student_session(page, *lab)
    except BaseException:
        _shot(page, "failure")  # what the browser showed when it went wrong
        raise
    record_property("seconds: browser: open, run all, widget, validate",
                    time.perf_counter() - start)


def _student_session(page, url: str, notebook: str) -> None:
    page.goto(f"{url}/lab/tree/{notebook}?token={TOKEN}")
    panel = page.locator(".jp-NotebookPanel")
    panel.wait_for(timeout=120_000)
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(timeout=120_000)

    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    slider = page.locator(".widget-slider").first
    # On a slow machine the kernel may not be attached yet when the cells are run: JupyterLab
    # then asks which kernel to start, as it would ask a student. Accept its proposal.
    select_kernel = page.locator(".jp-Dialog:has-text('Select Kernel')")
    deadline = time.monotonic() + 180
    while slider.count() == 0:
        if select_kernel.count():
            select_kernel.get_by_role("button", name="Select").click()
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        assert time.monotonic() < deadline, "no ipywidgets slider rendered within 180 s"
        time.sleep(1)
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(timeout=180_000)
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
                          " .ansi-red-fg, .jp-RenderedText[data-mime-type="
                          "'application/vnd.jupyter.error']")
    assert errors.count() == 0, errors.first.inner_text()
    page.get_by_role("main").locator(".jp-WindowedPanel-outer").first.evaluate(
        "el => el.scrollTo(0, 0)")
    _shot(page, "1-notebook")

    widget = page.locator(".jp-OutputArea-output:has(.widget-slider)").first
    widget.scroll_into_view_if_needed()
    image = widget.locator(".widget-image")
    before = image.get_attribute("src")
    assert before, "the widget shows no plot"
    slider.locator(".noUi-handle, .ui-slider-handle").first.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("([img, old]) => img.getAttribute('src') !== old",
                           arg=[image.element_handle(), before], timeout=60_000)
    settled, shown = time.monotonic(), image.get_attribute("src")  # five key presses, five redraws
    while time.monotonic() - settled < 3:
        time.sleep(0.5)
        if image.get_attribute("src") != shown:
            settled, shown = time.monotonic(), image.get_attribute("src")
    _shot(page, "2-widget", widget)

    page.get_by_role("button", name="Validate").click()
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for(timeout=180_000)
    dialog.get_by_text("Success! Your notebook passes all the tests.").wait_for(timeout=180_000)
    _shot(page, "3-validate")

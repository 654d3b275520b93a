"""A student's session in a real browser: JupyterLab in headless Chromium, driven by Playwright.

JupyterLab is started by `nn-course lab`, as a student starts it, on a temporary work folder
where the first notebook with a widget is already finished (every answer taken from
solutions/); the command copies the rest of course/ beside it and must leave that notebook
alone. The test checks that the instructor's nbgrader tools and the news pop-up are absent,
waits until the notebook's kernel is live (connected and idle in the page, and known to the
server's REST API), runs every cell from the Run menu, checks that an ipywidgets slider
rendered and redraws its plot when moved, presses nbgrader's Validate button and reads the
answer. Screenshots of each step go to artifacts/ (ignored by git).

Needs Debian's chromium (`apt-get install chromium`; .ci/run installs it) and the playwright
package (never `playwright install`: the system browser is used). Deselect with -m "not browser".
"""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path

import pytest

from nncourse import lab as nn_lab
from tests.grading import ROOT, grade_id, read, source
from tests.test_lab import running_lab

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "artifacts"
TOKEN = "nn-course-browser-test"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
STUDENT_PLUGINS = ("@jupyter/nbgrader:validate-assignment", "@jupyter/nbgrader:assignment-list")
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


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """(base url, notebook path relative to the work folder) of the JupyterLab of nn-course lab."""
    notebook = _widget_notebook()
    if notebook is None:
        pytest.skip("no release notebook with an interactive_plot widget under course/")
    base = tmp_path_factory.mktemp("lab")
    work = base / "my-work"
    rel = notebook.relative_to(ROOT / "course")
    finished = json.dumps(_finished(read(notebook), read(ROOT / "solutions" / rel)), indent=1)
    (work / rel).parent.mkdir(parents=True)
    (work / rel).write_text(finished, encoding="utf-8")
    # exposes window.jupyterapp, through which the test reads the kernel's state as the page has it
    with running_lab(work, base, TOKEN, ("--LabApp.expose_app_in_browser=True",)) as url:
        assert (work / rel).read_text(encoding="utf-8") == finished, (
            "nn-course lab overwrote a notebook already in the work folder")
        yield url, rel.as_posix()


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


# The kernel of the notebook in view, as the page sees it: its id once connected and idle.
PAGE_KERNEL = """() => {
    const kernel = window.jupyterapp.shell.currentWidget?.sessionContext?.session?.kernel;
    return kernel && kernel.connectionStatus === "connected" && kernel.status === "idle"
        ? kernel.id : null;
}"""


def _server_kernel(url: str, notebook: str) -> str | None:
    """Id of the idle kernel that the server's REST API runs for `notebook`, if any."""
    with urllib.request.urlopen(f"{url}/api/sessions?token={TOKEN}", timeout=30) as response:
        sessions = json.load(response)
    for session in sessions:
        if session["path"] == notebook and session["kernel"]["execution_state"] == "idle":
            return session["kernel"]["id"]
    return None


def _live_kernel(page, url: str, notebook: str) -> str:
    """Wait until the notebook's kernel is live; return its id.

    Live: connected and idle in the page, the same kernel idle on the server, and still the
    same one at the next look (a kernel that JupyterLab is about to replace is not).
    """
    # On a slow machine JupyterLab may ask which kernel to start, as it would ask a student.
    select_kernel = page.locator(".jp-Dialog:has-text('Select Kernel')")
    seen, deadline = None, time.monotonic() + 180
    while True:
        if select_kernel.count():
            select_kernel.get_by_role("button", name="Select").click()
        kernel = page.evaluate(PAGE_KERNEL)
        if kernel is not None and kernel == _server_kernel(url, notebook):
            if kernel == seen:
                return kernel
            seen = kernel
        assert time.monotonic() < deadline, "the notebook's kernel was not live within 180 s"
        time.sleep(1)


def _check_student_tools(page) -> None:
    """nbgrader's student plugins are there, the instructor's and the news pop-up are not."""
    ids = [*nn_lab.HIDDEN_PLUGINS, *STUDENT_PLUGINS]
    loaded = dict(zip(ids, page.evaluate("ids => ids.map(id => window.jupyterapp.hasPlugin(id))",
                                         ids), strict=True))
    assert not [i for i in nn_lab.HIDDEN_PLUGINS if loaded[i]], loaded
    assert all(loaded[i] for i in STUDENT_PLUGINS), loaded
    page.get_by_role("menuitem", name="Nbgrader", exact=True).click()
    menu = page.locator(".lm-Menu").last
    menu.wait_for()
    items = menu.locator(".lm-Menu-itemLabel").all_inner_texts()
    page.keyboard.press("Escape")
    assert "Assignment List" in items, items
    assert not [i for i in items if "Formgrader" in i or "Course" in i or "Create" in i], items


def _student_session(page, url: str, notebook: str) -> None:
    page.goto(f"{url}/lab/tree/{notebook}?token={TOKEN}")
    page.locator(".jp-NotebookPanel").wait_for(timeout=120_000)
    page.wait_for_function("() => window.jupyterapp !== undefined", timeout=120_000)
    _check_student_tools(page)
    kernel = _live_kernel(page, url, notebook)

    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    slider = page.locator(".widget-slider").first
    slider.wait_for(timeout=180_000)
    # every queued cell has run (the indicator counts them), on the kernel it was sent to
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(timeout=180_000)
    assert page.evaluate(PAGE_KERNEL) == kernel, "the notebook's kernel changed during Run All"
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

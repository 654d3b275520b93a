"""HideHiddenTestTracebacks: feedback keeps the message of a failed test, never its hidden lines.

The end-to-end check (a real generate_feedback) is in test_round_trip.py; these cases pin the
rules on hand-made outputs.
"""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from nncourse.feedback import HIDDEN_LINE, WITHHELD, HideHiddenTestTracebacks

HIDDEN = "secret_x = np.arange(7.0)\nassert_close(double(secret_x), 2 * secret_x, name='double')"
TEST = f"assert_close(double(1.0), 2.0)\n### BEGIN HIDDEN TESTS\n{HIDDEN}\n### END HIDDEN TESTS"


def _cell(source: str, *outputs, grade: bool = True, solution: bool = False):
    cell = new_code_cell(source, outputs=list(outputs))
    cell.metadata["nbgrader"] = {"grade": grade, "solution": solution, "grade_id": "c", "points": 1}
    return cell


def _error(evalue: str, *frames: str):
    lines = ["\x1b[0;31m---------------------------------------------------------\x1b[0m", *frames]
    lines.append(f"\x1b[0;31mAssertionError\x1b[0m: {evalue}")
    return new_output("error", ename="AssertionError", evalue=evalue, traceback=lines)


def _run(cell):
    nb = new_notebook(cells=[cell])
    nb, _ = HideHiddenTestTracebacks().preprocess(nbformat.from_dict(nb), {})
    return nb.cells[0].outputs


def test_error_in_hidden_test_cell_becomes_type_and_message():
    frame = "\x1b[0;32m----> 4\x1b[0m assert_close(double(secret_x), 2 * secret_x, name='double')"
    (out,) = _run(_cell(TEST, _error("double: values 2 times too large", frame)))
    assert out.traceback == ["AssertionError: double: values 2 times too large"]
    assert "secret_x" not in str(out)


def test_message_quoting_a_hidden_line_is_withheld():
    (out,) = _run(_cell(TEST, _error("failed: secret_x = np.arange(7.0)")))
    assert out.evalue == WITHHELD and out.traceback == [f"AssertionError: {WITHHELD}"]


def test_without_a_message_only_the_type_or_nbgraders_own_text_is_shown():
    bare = _error("", "----> 5 assert (double(secret_x) == 2 * secret_x).all()")
    timeout = new_output(
        "error",
        ename="CellTimeoutError",
        evalue="",
        traceback=["\x1b[0;31mCellTimeoutError\x1b[0m: No reply from kernel before timeout"],
    )
    out = _run(_cell(TEST, bare, timeout))
    assert out[0].traceback == ["AssertionError"]
    assert out[1].traceback == ["CellTimeoutError: No reply from kernel before timeout"]


def test_warning_echoing_a_hidden_line_is_replaced():
    text = "<ipython>:3: RuntimeWarning: overflow\n  secret_x = np.arange(7.0)\nok\n"
    (out,) = _run(_cell(TEST, new_output("stream", name="stderr", text=text)))
    assert out.text == f"<ipython>:3: RuntimeWarning: overflow\n{HIDDEN_LINE}\nok\n"


def test_cells_without_hidden_tests_keep_their_traceback():
    error = _error("boom", "----> 1 double(1.0)")
    visible = _run(_cell("assert_close(double(1.0), 2.0)", error))
    answer = _run(_cell(TEST, _error("boom", "----> 1 double(1.0)"), grade=False, solution=True))
    assert visible[0].traceback == error.traceback
    assert answer[0].traceback == error.traceback

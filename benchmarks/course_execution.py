"""The whole course: executing every solution notebook vs. starting that many bare kernels.

    python benchmarks/course_execution.py [notebook.ipynb ...]

Runs every notebook under solutions/ (or the ones given) top to bottom with nbclient, each in
a fresh python3 kernel, from a temporary copy of its assignment folder (so nothing is written
into the repository), with HOME pointed at a temporary directory. Between notebooks it starts a
bare python3 kernel, waits until it answers, and shuts it down: that is the floor, the cost
no notebook can avoid. The two alternate so that load on a shared machine hits both alike.
Prints seconds per notebook, the totals and the ratio total / floor, and flags any notebook
over the course's budget of 60 s. Exits 1 if a notebook fails.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGET_S = 60.0  # course spec: every solution notebook runs in under 60 s on 2 cores
CELL_TIMEOUT_S = 120  # as nbgrader_config.py


def bare_kernel_seconds() -> float:
    """Start a python3 kernel, wait until it replies to kernel_info, shut it down."""
    from jupyter_client.manager import start_new_kernel

    start = time.perf_counter()
    manager, client = start_new_kernel(kernel_name="python3", startup_timeout=60,
                                       stderr=subprocess.DEVNULL)
    client.stop_channels()
    manager.shutdown_kernel(now=False)
    return time.perf_counter() - start


def notebook_seconds(path: Path, workdir: Path) -> tuple[float, int, str | None]:
    """(seconds, code cells, error or None) for one execution in a fresh kernel."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    folder = workdir / path.parent.name
    shutil.copytree(path.parent, folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    nb = nbformat.read(folder / path.name, as_version=4)
    client = NotebookClient(nb, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}})
    cells = sum(cell.cell_type == "code" for cell in nb.cells)
    start = time.perf_counter()
    error = None
    try:
        client.execute(stderr=subprocess.DEVNULL)  # the kernel's start-up warnings
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
        error = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip().splitlines()[-1][:160]
    return time.perf_counter() - start, cells, error


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to run (default: solutions/*/*.ipynb)")
    args = parser.parse_args()
    notebooks = [p.resolve() for p in args.notebooks] or sorted(
        p for p in (ROOT / "solutions").glob("*/*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    if not notebooks:
        print("no solution notebooks found under solutions/")
        return 0

    with tempfile.TemporaryDirectory(prefix="course-exec-") as tmp:
        os.environ["HOME"] = str(Path(tmp, "home"))
        Path(tmp, "home").mkdir()
        # matplotlib builds its font cache under HOME on first import; do it once here so that
        # the first notebook is not charged for it.
        import matplotlib.font_manager  # noqa: F401

        print(f"{len(notebooks)} notebooks; python {sys.version.split()[0]}, "
              f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
        width = max(len(f"{p.parent.name}/{p.name}") for p in notebooks)
        print(f"{'notebook':<{width}} {'cells':>5} {'seconds':>8} {'bare kernel':>12}")
        rows, floors, failures = [], [], []
        for i, path in enumerate(notebooks):
            floors.append(bare_kernel_seconds())
            seconds, cells, error = notebook_seconds(path, Path(tmp, f"run{i}"))
            rows.append(seconds)
            name = f"{path.parent.name}/{path.name}"
            flag = "  FAILED: " + error if error else ("  over 60 s" if seconds > BUDGET_S else "")
            if error:
                failures.append(name)
            print(f"{name:<{width}} {cells:>5} {seconds:>8.2f} {floors[-1]:>12.2f}{flag}",
                  flush=True)

    total, floor = sum(rows), sum(floors)
    print(f"{'total':<{width}} {'':>5} {total:>8.2f} {floor:>12.2f}")
    print(f"floor: {len(floors)} bare kernels started and shut down, {floor / len(floors):.2f} s "
          f"each on average")
    print(f"ratio total / floor: {total / floor:.1f} (above 1: the notebooks' own work)")
    print(f"slowest: {max(rows):.1f} s (budget {BUDGET_S:.0f} s per notebook)")
    if failures:
        print("FAILED: " + ", ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

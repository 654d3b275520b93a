"""The sandbox a submission's code runs in: bubblewrap, resource limits, a PID namespace.

Inside, the student's kernel sees an empty root with, read-only, only the system libraries,
the Python installation and its packages, and nnlib (with the graded assignment's reference
answers replaced by stubs, see `withheld.py`); read-write, only its own scratch folder (its
working copy of the assignment's files, and the sockets to the judge). No course folder, no
gradebook, no other student, no network (its own empty network namespace), its own PID
namespace (everything it starts dies with it), no capabilities, and limits on memory per
process, file size, open files and the number of processes.

Checked facts behind the flags: ../shared/toolchain.md, "Sandboxing and servers".
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import sysconfig
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

import nnlib

ETC = ["/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime",
       "/etc/passwd", "/etc/group", "/etc/nsswitch.conf", "/etc/alternatives", "/etc/fonts"]
SYSTEM = ["/usr", "/bin", "/lib", "/lib64", "/sbin"]
PIDS_V1 = Path("/sys/fs/cgroup/pids")
TMP_BYTES = 256 << 20  # the sandbox's own /tmp (in memory)
PIDS_V2 = Path("/sys/fs/cgroup")


@dataclass
class Limits:
    """Per submission. memory_mb: address space of each process; file_mb: largest file it may
    write; processes: processes and threads alive at once; output_mb: notebook output kept."""

    memory_mb: int = 2048
    file_mb: int = 64
    open_files: int = 256
    processes: int = 64
    output_mb: int = 4


class SandboxUnavailable(Exception):
    """No sandbox can be made here (the message says why and what to do)."""


def check() -> None:
    """Raise SandboxUnavailable unless bubblewrap can make a sandbox on this machine."""
    if not sys.platform.startswith("linux"):
        raise SandboxUnavailable(f"the sandbox needs Linux (bubblewrap); this is {sys.platform}")
    if shutil.which("bwrap") is None:
        raise SandboxUnavailable("bubblewrap is not installed: `apt-get install bubblewrap` "
                                 "(Debian/Ubuntu) or `dnf install bubblewrap` (Fedora)")
    probe = subprocess.run(["bwrap", *_isolation(), "--ro-bind", "/usr", "/usr",
                            *_system_binds(), "--", "/bin/true"], capture_output=True, text=True)
    if probe.returncode != 0:
        raise SandboxUnavailable("bubblewrap cannot create a sandbox here (user namespaces "
                                 f"disabled?): {probe.stderr.strip()[:300]}")


def _isolation() -> list[str]:
    return ["--unshare-all", "--unshare-user", "--disable-userns", "--uid", "1000", "--gid",
            "1000", "--cap-drop", "ALL", "--die-with-parent", "--new-session", "--clearenv",
            "--hostname", "sandbox", "--proc", "/proc", "--dev", "/dev", "--size", str(TMP_BYTES),
            "--tmpfs", "/tmp"]


def _system_binds() -> list[str]:
    out = []
    for path in SYSTEM + ETC:
        if os.path.islink(path):
            out += ["--symlink", os.readlink(path), path]
        elif os.path.exists(path) and path != "/usr":
            out += ["--ro-bind", path, path]
    return out


def _python_binds() -> list[str]:
    """The interpreter, its standard library and every package folder, read-only."""
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
             sysconfig.get_paths()["stdlib"], *site.getsitepackages()}
    roots = sorted(r for r in roots if r and os.path.isdir(r) and not r.startswith("/usr"))
    kept = [r for r in roots if not any(r != o and r.startswith(o + os.sep) for o in roots)]
    return [arg for r in kept for arg in ("--ro-bind", r, r)]


def _nnlib_binds(masks: dict[str, str]) -> list[str]:
    """nnlib read-only, its compiled caches hidden, and each masked file replaced."""
    folder = Path(nnlib.__file__).parent
    out = ["--ro-bind", str(folder), str(folder)]
    for cache in sorted(folder.rglob("__pycache__")):
        out += ["--tmpfs", str(cache)]  # a .pyc would hold the withheld code
    for target, replacement in sorted(masks.items()):
        out += ["--ro-bind", replacement, target]
    return out


class PidsCgroup:
    """A pids cgroup capping the processes of one sandbox (root only; None elsewhere)."""

    def __init__(self, limit: int):
        self.path: Path | None = None
        for base in (PIDS_V1, PIDS_V2):
            if os.geteuid() != 0 or not (base / "cgroup.procs").exists():
                continue
            if base == PIDS_V2 and "pids" not in (base / "cgroup.controllers").read_text():
                continue
            path = base / f"nn-course-{uuid.uuid4().hex[:12]}"
            try:
                path.mkdir()
                (path / "pids.max").write_text(str(limit))
            except OSError:
                continue
            self.path = path
            return

    def close(self) -> None:
        """Kill what is left in the cgroup and remove it."""
        if self.path is None:
            return
        for _ in range(50):  # killed processes leave the cgroup once they are reaped
            try:
                for pid in (self.path / "cgroup.procs").read_text().split():
                    try:
                        os.kill(int(pid), 9)
                    except ProcessLookupError:
                        pass
                self.path.rmdir()
                return
            except OSError:
                time.sleep(0.05)


def command(argv: list[str], scratch: Path, workdir: Path, limits: Limits,
            masks: dict[str, str], cgroup: PidsCgroup | None) -> list[str]:
    """The command line that runs `argv` in a sandbox: jail (limits) -> bwrap -> argv.

    scratch: the only writable folder (bound at the same path), holding `workdir`
    masks: file inside nnlib -> the file that replaces it in the sandbox
    """
    bindir = str(Path(sys.executable).parent)
    home = scratch / "home"
    env = {"HOME": str(home), "PATH": f"{bindir}:/usr/bin:/bin", "LANG": "C.UTF-8",
           "MPLCONFIGDIR": str(home / "mpl"), "IPYTHONDIR": str(home / "ip"),
           "PYTHONDONTWRITEBYTECODE": "1", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1", "NNCOURSE_SANDBOX": "1"}
    home.mkdir(parents=True, exist_ok=True)
    jail = {**asdict(limits), "cgroup": str(cgroup.path) if cgroup and cgroup.path else None}
    # -I: no working folder on sys.path (a student's json.py must not run here, outside bwrap)
    return [sys.executable, "-I", "-m", "nncourse.jail", json.dumps(jail), "--", "bwrap",
            *_isolation(), "--ro-bind", "/usr", "/usr", *_system_binds(), *_python_binds(),
            *_nnlib_binds(masks), "--bind", str(scratch), str(scratch), "--chdir", str(workdir),
            *[arg for k, v in env.items() for arg in ("--setenv", k, v)], "--", *argv]

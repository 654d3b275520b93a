"""Start a command under resource limits, in a pids cgroup: the first step into the sandbox.

Usage: python -m nncourse.jail LIMITS_JSON -- COMMAND...

LIMITS_JSON: {"memory_mb": address space per process, "file_mb": largest file written,
"open_files": open descriptors, "processes": processes (RLIMIT_NPROC, enforced for a non-root
user only), "cgroup": a pids cgroup folder to join (root), or null}. Then exec COMMAND (bwrap),
which the limits and the cgroup follow into the sandbox and every process started there.
"""

from __future__ import annotations

import json
import os
import resource
import sys


def main(argv: list[str]) -> None:
    limits = json.loads(argv[1])
    command = argv[3:] if argv[2] == "--" else argv[2:]
    mb = 1 << 20
    for name, value in [("RLIMIT_AS", limits["memory_mb"] * mb),
                        ("RLIMIT_FSIZE", limits["file_mb"] * mb),
                        ("RLIMIT_NOFILE", limits["open_files"]),
                        ("RLIMIT_CORE", 0)]:
        resource.setrlimit(getattr(resource, name), (value, value))
    if os.getuid() != 0:
        resource.setrlimit(resource.RLIMIT_NPROC, (limits["processes"], limits["processes"]))
    if limits.get("cgroup"):
        with open(os.path.join(limits["cgroup"], "cgroup.procs"), "w") as f:
            f.write(str(os.getpid()))
    os.execvp(command[0], command)


if __name__ == "__main__":
    main(sys.argv)

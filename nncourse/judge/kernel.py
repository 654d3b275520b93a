"""The student's code in a Jupyter kernel inside the sandbox, driven from outside.

The kernel talks to us over unix sockets in its scratch folder (jupyter_client's "ipc"
transport: it has no network, not even our loopback), and to the judge over one more socket
there (`agent.py` connects to it when the kernel starts). Interrupts are sent as messages (a
signal would not reach another PID namespace); a cell that ignores them, or a kernel that
dies, is handled by a fresh kernel that replays the cells that had run.
"""

from __future__ import annotations

import select
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from jupyter_client import KernelManager
from nbformat import NotebookNode, v4

from nncourse import sandbox
from nncourse.judge import agent, wire
from nncourse.judge.wire import Broken, Peer, Timeout

_SERVE = "__import__('sys').modules['_nncourse_agent'].serve()"
_CODE = Path(wire.__file__).read_text() + "\n" + Path(agent.__file__).read_text()
_START = "\n".join([
    "def _nncourse_install(code, path):",
    "    import sys, types",
    "    module = types.ModuleType('_nncourse_agent')",
    "    sys.modules['_nncourse_agent'] = module",
    "    exec(compile(code, '<nncourse-judge>', 'exec'), module.__dict__)",
    "    module.install(path)",
    "_nncourse_install({code!r}, {path!r})",
    "del _nncourse_install",
])


class SandboxedKernel(KernelManager):
    """A python3 kernel started through `sandbox.command` (set `wrap` before starting)."""

    wrap = None

    def format_kernel_cmd(self, extra_arguments=None):
        return self.wrap(super().format_kernel_cmd(extra_arguments))


class KernelLink:
    """Frames to and from the agent, which serves them while a test cell runs."""

    def __init__(self, student: KernelStudent, conn: socket.socket):
        self.student, self.raw = student, wire.SocketLink(conn)
        self.conn, self.running = conn, None

    def begin(self) -> None:
        """A test cell starts: the kernel runs the agent's serve() until end()."""
        self.running = self.student.client.execute(_SERVE, store_history=False,
                                                   allow_stdin=False)

    def end(self, deadline: float | None) -> None:
        """The test cell is over: stop serve() and collect the outputs of the cell."""
        if self.running is not None:
            self.send('{"k": "end"}')
            self.student.finish(self.running, deadline)
            self.running = None

    def send(self, frame: str) -> None:
        try:
            self.raw.send(frame)
        except OSError as err:  # the kernel is gone, or its side of the socket is closed
            raise Broken(f"the connection to the kernel is lost ({err})") from None

    def recv(self) -> str:
        peer = self.student.judge
        while True:
            if peer.deadline is not None and time.monotonic() > peer.deadline:
                raise Timeout()
            ready, _, _ = select.select([self.conn], [], [], 0.02)
            if ready:
                try:
                    return self.raw.recv()
                except OSError as err:
                    raise Broken(f"the connection to the kernel is lost ({err})") from None
            self.student.drain(self.running)
            if not self.student.manager.is_alive():
                raise Broken("the kernel died")
            if self.running in self.student.idle:
                raise Broken("the call ended without an answer")


class KernelStudent:
    """A sandboxed kernel for one submission: execute cells, serve the judge's calls.

    files: the assignment's files to copy into the working folder (data; never a notebook)
    masks: nnlib files replaced in the sandbox (the graded assignment's reference answers)
    sandboxed: False runs a plain kernel (no isolation, no limits; the judge is the same)
    """

    def __init__(self, files: list[Path], limits: sandbox.Limits, masks: dict[str, str],
                 sandboxed: bool = True):
        self.limits, self.masks, self.sandboxed = limits, masks, sandboxed
        self.scratch = Path(tempfile.mkdtemp(prefix="nnj-", dir="/tmp"))
        self.work = self.scratch / "work"
        self.work.mkdir()
        fonts = self.scratch / "home" / "mpl"  # matplotlib's font list, so it is not rebuilt
        fonts.mkdir(parents=True)
        import matplotlib.font_manager  # noqa: F401 (builds our font list once, if needed)

        for cached in Path(matplotlib.get_cachedir()).glob("fontlist-*.json"):
            shutil.copy(cached, fonts)
        for f in files:
            shutil.copy(f, self.work / f.name)
        self.judge: Peer | None = None
        self.outputs: list[NotebookNode] = []
        self.size, self.truncated, self.notes, self.died = 0, False, [], False
        self.history: list[str] = []
        self.cgroup = sandbox.PidsCgroup(limits.processes) if sandboxed else None
        self.manager = self.client = None
        self.idle: set[str] = set()  # executions that have finished

    # --- the kernel's life -------------------------------------------------------------------
    def connect(self, judge: Peer) -> None:
        self.judge = judge
        self._start()

    def _start(self) -> None:
        path = self.scratch / "j"
        path.unlink(missing_ok=True)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(str(path))
        listener.listen(1)
        listener.settimeout(60)
        self.manager = SandboxedKernel(kernel_name="python3", transport="ipc",
                                       ip=str(self.scratch / "k"),
                                       connection_file=str(self.scratch / "kernel.json"))
        self.manager.interrupt_mode = "message"
        self.manager.wrap = self._wrap
        self.manager.start_kernel(extra_arguments=["--HistoryManager.hist_file=:memory:"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  # sandboxed, bwrap --chdir sets the folder; the jail starts
                                  # outside it so that no file of the student's is importable
                                  cwd=str(self.scratch if self.sandboxed else self.work))
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)
        self.client.execute(_START.format(code=_CODE, path=str(path)), silent=True,
                            store_history=False, allow_stdin=False)
        try:
            conn, _ = listener.accept()
        except OSError as err:
            raise RuntimeError(f"the sandboxed kernel did not connect ({err})") from None
        finally:
            listener.close()
        self.judge.link = KernelLink(self, conn)

    def _wrap(self, argv: list[str]) -> list[str]:
        if not self.sandboxed:
            return argv
        return sandbox.command(argv, self.scratch, self.work, self.limits, self.masks, self.cgroup)

    def recover(self) -> None:
        """A fresh kernel that has run every cell that had run (the stuck one excepted)."""
        try:
            self.client.stop_channels()
            self.manager.shutdown_kernel(now=True)
        except Exception:  # a kernel that is already gone cannot be shut down twice
            pass
        if self.sandboxed:
            self.cgroup.close()
            self.cgroup = sandbox.PidsCgroup(self.limits.processes)
        self._start()
        for source in self.history:
            msg_id = self.client.execute(source, store_history=False, allow_stdin=False)
            try:
                self.finish(msg_id, time.monotonic() + 60)
            except (Timeout, Broken):
                self.notes.append("the notebook could not be replayed after a timeout")
                break
        self.outputs = []

    def close(self) -> None:
        try:
            self.client.stop_channels()
            self.manager.shutdown_kernel(now=True)
        finally:
            if self.cgroup:
                self.cgroup.close()
            shutil.rmtree(self.scratch, ignore_errors=True)

    # --- outputs -----------------------------------------------------------------------------
    def drain(self, msg_id: str | None) -> None:
        """Collect the kernel's outputs for `msg_id` (others are dropped)."""
        while True:
            try:
                msg = self.client.get_iopub_msg(timeout=0)
            except Exception:  # queue.Empty: nothing more for now
                return
            if msg_id is None or msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                self.idle.add(msg_id)
            self._keep(msg)

    def _keep(self, msg: dict) -> None:
        kind = msg["msg_type"]
        if kind not in ("stream", "display_data", "execute_result", "error"):
            return
        content = msg["content"]
        size = len(content.get("text", "")) + len(str(content.get("data", "")))
        self.size += size
        if self.size > self.limits.output_mb << 20:
            if not self.truncated:
                self.truncated = True
                self.notes.append(f"output truncated after {self.limits.output_mb} MB")
                self.outputs.append(v4.new_output(
                    "stream", name="stdout",
                    text=f"\n[output truncated: more than {self.limits.output_mb} MB]\n"))
            return
        out = v4.output_from_msg(msg)
        if kind == "stream" and out.name == "stderr":  # only the judge decides a test fails
            out.name = "stdout"
        self.outputs.append(out)

    def begin_test(self) -> None:
        self.judge.link.begin()

    def end_test(self, deadline: float | None) -> None:
        self.judge.link.end(deadline)
        self.drain_shell()

    def take_outputs(self) -> list[NotebookNode]:
        out, self.outputs = self.outputs, []
        return out

    def problems(self) -> list[str]:
        return list(self.notes)

    # --- running code --------------------------------------------------------------------------
    def finish(self, msg_id: str, deadline: float | None) -> None:
        """Wait until the kernel is idle after `msg_id`, collecting its outputs."""
        while msg_id not in self.idle:
            if deadline is not None and time.monotonic() > deadline:
                raise Timeout()
            try:
                msg = self.client.get_iopub_msg(timeout=0.05)
            except Exception:  # queue.Empty
                if not self.manager.is_alive():
                    raise Broken("the kernel died") from None
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                self.idle.add(msg_id)
            self._keep(msg)
        self.idle.discard(msg_id)

    def _run(self, source: str, deadline: float) -> bool:
        msg_id = self.client.execute(source, allow_stdin=False)
        try:
            self.finish(msg_id, deadline)
        except Timeout:
            self.manager.interrupt_kernel()
            try:
                self.finish(msg_id, time.monotonic() + 3)
            except (Timeout, Broken):
                self.recover()
            return False
        except Broken:
            self.died = True
            self.recover()
            return False
        finally:
            self.drain_shell()
        return True

    def drain_shell(self) -> None:
        while True:
            try:
                self.client.get_shell_msg(timeout=0)
            except Exception:  # queue.Empty
                return

    def execute(self, source: str, timeout: float) -> list[NotebookNode] | None:
        """Run one cell of the student's notebook; its outputs, or None after a timeout."""
        self.outputs, self.died = [], False
        done = self._run(source, time.monotonic() + timeout)
        if done:
            self.history.append(source)
        outputs = self.take_outputs()
        return outputs if done else None

"""The student's code in the judge's own process: the same verdicts, no protection.

Values still cross the boundary as plain data through `wire.py` (copies, shared arrays synced,
handles for objects), so a test sees exactly what it sees through a sandboxed kernel. What this
does not give is isolation: the student's code could change the judge's interpreter. It serves
the bug catalogue (whose wrong answers are ours) and the self-check where no sandbox can be made.
"""

from __future__ import annotations

import contextlib
import io
import os
import warnings

from nbformat import NotebookNode, v4

from nncourse.judge.wire import Peer


class LocalLink:
    """Frames handed straight to the other peer: a request is served on the spot."""

    def __init__(self, mine: Peer, other: Peer):
        self.mine, self.other, self.inbox = mine, other, []

    def send(self, frame: str) -> None:
        if frame.startswith('{"k": "req"'):
            self.inbox.append(self.other.serve(self.other._read(frame)))
        else:
            self.other.link.inbox.append(frame)

    def recv(self) -> str:
        return self.inbox.pop(0)


class InProcessStudent:
    """Cells executed with exec in one namespace; `cwd` is where they run (data files)."""

    def __init__(self, cwd: str | None = None):
        self.namespace: dict = {"__name__": "__main__"}
        self.peer = Peer("s", self.namespace)
        self.cwd = cwd

    def connect(self, judge: Peer) -> None:
        judge.link = LocalLink(judge, self.peer)
        self.peer.link = LocalLink(self.peer, judge)

    @contextlib.contextmanager
    def _here(self):
        cwd = os.getcwd()
        if self.cwd:
            os.chdir(self.cwd)
        try:
            yield
        finally:
            os.chdir(cwd)

    def execute(self, source: str, timeout: float) -> list[NotebookNode]:
        """Run one cell; its outputs (printed text, and the error if it raised)."""
        import matplotlib.pyplot as plt

        out = io.StringIO()
        outputs = []
        try:
            with self._here(), contextlib.redirect_stdout(out), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                exec(compile(source, "<cell>", "exec"), self.namespace)
        except Exception as err:  # the student's cell failed: an output, not our error
            outputs.append(v4.new_output("error", ename=type(err).__name__, evalue=str(err),
                                         traceback=[f"{type(err).__name__}: {err}"]))
        finally:
            plt.close("all")
        if out.getvalue():
            outputs.insert(0, v4.new_output("stream", name="stdout", text=out.getvalue()))
        return outputs

    def begin_test(self) -> None:
        """A new test cell: no array is shared yet (calls are served on the spot)."""
        self.peer.reset_shared()

    def end_test(self, deadline: float | None) -> None:
        """Nothing to stop."""

    def take_outputs(self) -> list[NotebookNode]:
        return []

    def recover(self) -> None:
        """Nothing to restart: a timeout cannot happen in-process."""

    def problems(self) -> list[str]:
        return []

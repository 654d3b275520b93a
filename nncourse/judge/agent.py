"""The student's side of the judge: runs inside the sandboxed kernel, next to the student's code.

The judge executes `wire.py` and then this file in a private module of the kernel, calls
`install(path)`, and from then on runs `serve()` in the kernel while a test cell runs: it
answers the test's calls until the judge says the cell is over. Nothing here is trusted: the
student's code can change all of it, and can only spoil its own answers by doing so. The judge
decides every verdict in its own process.
"""

import socket
import sys


def install(path: str) -> None:
    """Connect to the judge's socket at `path`, as the peer that serve() answers with."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    peer = Peer("s", get_ipython().user_ns)  # noqa: F821 (wire.py's; IPython's)
    peer.link = SocketLink(sock)  # noqa: F821 (defined by wire.py, executed before this file)
    module = sys.modules[__name__]
    module.peer = peer
    sys.modules["_nncourse_agent"] = module


def serve() -> None:
    """Answer the judge's requests (and make the callbacks they lead to) until it says "end"."""
    peer.reset_shared()  # noqa: F821 (a new test cell: no array is shared yet)
    while True:
        frame = peer.link.recv()  # noqa: F821
        if frame.startswith('{"k": "end"'):
            return
        peer.link.send(peer.serve(peer._read(frame)))  # noqa: F821

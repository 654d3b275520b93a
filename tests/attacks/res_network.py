"""Open network connections: to a port the grading machine listens on (127.0.0.1), to a public
address over TCP and UDP, and by name through DNS."""

# %% add_bias_column
import socket

import numpy as np

PORT = int("__PORT__")


def _attempt(what: str, action) -> None:
    try:
        action()
        print("NET", what, "CONNECTED")
    except OSError as err:
        print("NET", what, "blocked:", type(err).__name__)


def _tcp(host: str, port: int) -> None:
    with socket.create_connection((host, port), timeout=3) as s:
        s.sendall(b"__MARKER__")


def _udp() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(b"__MARKER__", ("1.1.1.1", 53))


def add_bias_column(X: np.ndarray) -> np.ndarray:
    _attempt("localhost", lambda: _tcp("127.0.0.1", PORT))
    _attempt("public", lambda: _tcp("1.1.1.1", 80))
    _attempt("udp", _udp)
    _attempt("dns", lambda: socket.getaddrinfo("example.com", 80))
    raise NotImplementedError()

"""A TCP proxy on 127.0.0.1 that lets a test break the network at a chosen moment.

``FaultProxy`` forwards every connection to an upstream server. Before each chunk of
client-to-server bytes is forwarded, it calls ``on_client_bytes(total, chunk)``, where
``total`` counts the client bytes of all connections so far, this chunk included. The
hook can kill the upstream server (the chunk then never arrives), or call ``sever()``,
which resets every open connection and refuses new ones. An exception raised by the
hook resets that connection and is raised again when the proxy's ``with`` block ends,
so a broken hook fails the test instead of vanishing in a thread.

Every thread is a daemon, every wait is bounded, and leaving the ``with`` block
closes every socket.
"""

from __future__ import annotations

import contextlib
import re
import select
import socket
import struct
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Self

HOST = "127.0.0.1"
JOIN_TIMEOUT = 5.0
POLL = 0.05

ClientBytesHook = Callable[[int, bytes], None]


def http_request_starts(chunk: bytes, method: bytes = b"PUT") -> int:
    """How many HTTP request lines with METHOD begin in CHUNK.

    Good enough for hooks that count requests: a client writes each request's head
    in one piece, so a request line starts a chunk or follows a CRLF within it. Avoid
    bodies that themselves contain ``\\r\\nPUT /``.
    """
    return len(re.findall(rb"(?:^|\r\n)" + re.escape(method) + rb" /", chunk))


class _Connection:
    """One client connection and its upstream twin, pumped by one thread."""

    def __init__(self, client: socket.socket) -> None:
        self.client = client
        self.upstream: socket.socket | None = None
        self.severed = threading.Event()
        self.thread: threading.Thread | None = None


class FaultProxy:
    """Forward TCP connections from 127.0.0.1:<port> to (upstream_host, upstream_port)."""

    host = HOST

    def __init__(
        self,
        upstream_host: str,
        upstream_port: int,
        *,
        on_client_bytes: ClientBytesHook | None = None,
        connect_timeout: float = 5.0,
        io_timeout: float = 10.0,
    ) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.on_client_bytes = on_client_bytes
        self.connect_timeout = connect_timeout
        self.io_timeout = io_timeout
        self.client_bytes = 0
        self.connections = 0  # accepted so far
        self._listener: socket.socket | None = None
        self._port: int | None = None
        self._accept_thread: threading.Thread | None = None
        self._lock = threading.Lock()  # guards the fields below
        self._open: list[_Connection] = []
        self._errors: list[Exception] = []
        self._hook_lock = threading.Lock()  # one hook call at a time, totals in order
        self._stopping = threading.Event()
        self._refusing = threading.Event()

    @property
    def port(self) -> int:
        """The port clients connect to; still known after ``sever()`` closed it."""
        if self._port is None:
            raise RuntimeError("FaultProxy is not entered")
        return self._port

    def __enter__(self) -> Self:
        self._listener = socket.create_server((HOST, 0))
        self._listener.settimeout(POLL)
        self._port = self._listener.getsockname()[1]
        self._accept_thread = threading.Thread(
            target=self._accept_loop, name="fault-proxy-accept", daemon=True
        )
        self._accept_thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stopping.set()
        self._refusing.set()
        for conn in self._snapshot():
            conn.severed.set()
        self._join_all()
        if self._listener is not None:
            self._listener.close()
        with self._lock:
            errors = list(self._errors)
        if errors and exc_type is None:
            if len(errors) == 1:
                raise errors[0]
            raise ExceptionGroup("FaultProxy's on_client_bytes hook failed", errors)

    def sever(self) -> None:
        """Reset every open connection (both ends see RST) and refuse new ones.

        Safe to call from inside the hook; it then does not wait for the proxy's threads.
        """
        with self._lock:  # the accept loop checks the flag under this lock too
            self._refusing.set()
            connections = list(self._open)
        for conn in connections:
            conn.severed.set()
        # From inside the hook, waiting could deadlock with threads queued for the hook.
        if threading.current_thread() not in {c.thread for c in connections}:
            self._join_all()

    def _snapshot(self) -> list[_Connection]:
        with self._lock:
            return list(self._open)

    def _join_all(self) -> None:
        me = threading.current_thread()
        threads = [self._accept_thread, *(c.thread for c in self._snapshot())]
        for thread in threads:
            if thread is not None and thread is not me and thread.is_alive():
                thread.join(JOIN_TIMEOUT)
                if thread.is_alive():
                    raise RuntimeError(f"{thread.name} did not stop within {JOIN_TIMEOUT} s")

    def _accept_loop(self) -> None:
        listener = self._listener
        assert listener is not None
        while not self._refusing.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                break
            conn = _Connection(client)
            with self._lock:
                if self._refusing.is_set():  # sever() came between accept() and here
                    _close(client, reset=True)
                    break
                self.connections += 1
                self._open.append(conn)
                number = self.connections
            conn.thread = threading.Thread(
                target=self._pump, args=(conn,), name=f"fault-proxy-{number}", daemon=True
            )
            conn.thread.start()
        # Closing the listener is what makes new connections fail with ECONNREFUSED.
        listener.close()

    def _pump(self, conn: _Connection) -> None:
        reset = True
        try:
            conn.client.settimeout(self.io_timeout)
            upstream = socket.create_connection(self.upstream, timeout=self.connect_timeout)
            upstream.settimeout(self.io_timeout)
            conn.upstream = upstream
            reset = self._forward(conn, conn.client, upstream)
        except OSError:
            pass  # the upstream refused or the network broke: both ends see a reset
        finally:
            for sock in (conn.client, conn.upstream):
                if sock is not None:
                    _close(sock, reset=reset)
            with self._lock:
                self._open.remove(conn)

    def _forward(self, conn: _Connection, client: socket.socket, upstream: socket.socket) -> bool:
        """Pump bytes both ways until both sides have closed; True if the proxy cut it short."""
        peers = {client: upstream, upstream: client}  # reading end -> writing end
        while peers:
            if conn.severed.is_set() or self._stopping.is_set():
                return True
            readable, _, _ = select.select(list(peers), [], [], POLL)
            for source in readable:
                data = source.recv(65536)
                target = peers[source]
                if not data:  # a half close: pass it on, keep the other direction open
                    del peers[source]
                    target.shutdown(socket.SHUT_WR)
                    continue
                if source is client and not self._call_hook(data):
                    return True
                if conn.severed.is_set():
                    return True
                target.sendall(data)
        return False

    def _call_hook(self, chunk: bytes) -> bool:
        """Count CHUNK and call the hook; False if the hook raised."""
        with self._hook_lock:
            self.client_bytes += len(chunk)
            hook = self.on_client_bytes
            if hook is None:
                return True
            try:
                hook(self.client_bytes, chunk)
            except Exception as error:  # re-raised by __exit__
                with self._lock:
                    self._errors.append(error)
                return False
            return True


def _close(sock: socket.socket, *, reset: bool) -> None:
    """Close SOCK; with RESET, abortively (SO_LINGER 0), so the peer sees RST, not FIN."""
    with contextlib.suppress(OSError):
        if reset:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()

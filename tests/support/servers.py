"""Real servers for the integration tests, on 127.0.0.1 only.

* ``MotoServer``: moto's S3-compatible server in its own process, for the S3 target.
* ``SshServer``: OpenSSH's ``sshd`` with throwaway keys, for the SFTP target.
* ``HubRecorder``: an HTTP server in a thread that records WebSub pings.

Each is a context manager that the conftest wraps in a fixture. Starting is bounded
in time; a server that does not come up raises ``ServerStartError`` carrying its
captured output, so the test fails (STYLE.md §6: a fixture never skips). Servers in
their own process run in their own session, with output in files in their working
directory, and can be killed (SIGKILL) and restarted on the same port for fault tests.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl

HOST = "127.0.0.1"
START_TIMEOUT = 20.0
STOP_TIMEOUT = 5.0
SSHD = "/usr/sbin/sshd"
DUMMY_CREDENTIAL = "testing"  # what moto's documentation uses


class ServerStartError(RuntimeError):
    """A test server did not come up in time; the message holds its captured output."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, read, close)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def dummy_aws_environment(config_dir: Path) -> Iterator[dict[str, str]]:
    """Replace every ``AWS_*`` variable of this process with dummy credentials.

    Children inherit them. The config and credentials files point at files that do
    not exist, so neither botocore nor moto reads ``~/.aws``; instance metadata is
    disabled, so nothing tries the network for credentials. Restored on exit.
    """
    old_no_proxy = (os.environ.get(name, "") for name in ("NO_PROXY", "no_proxy"))
    no_proxy = ",".join(p for p in (*old_no_proxy, HOST, "localhost") if p)
    dummy = {
        "AWS_ACCESS_KEY_ID": DUMMY_CREDENTIAL,
        "AWS_SECRET_ACCESS_KEY": DUMMY_CREDENTIAL,
        "AWS_SESSION_TOKEN": DUMMY_CREDENTIAL,
        "AWS_SECURITY_TOKEN": DUMMY_CREDENTIAL,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(config_dir / "aws-config-absent"),
        "AWS_SHARED_CREDENTIALS_FILE": str(config_dir / "aws-credentials-absent"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "NO_PROXY": no_proxy,
        "no_proxy": no_proxy,
    }
    touched = {*dummy, *(n for n in os.environ if n.startswith("AWS_"))}
    saved = {name: os.environ.get(name) for name in touched}
    try:
        for name in touched - dummy.keys():
            del os.environ[name]
        os.environ.update(dummy)
        yield dummy
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class _Process:
    """A server process in its own session, its output in files, killable with its children."""

    def __init__(self, name: str, argv: list[str], log_dir: Path) -> None:
        self.name = name
        self.argv = argv
        self.stdout_path = log_dir / f"{name}.stdout"
        self.stderr_path = log_dir / f"{name}.stderr"
        self._popen: subprocess.Popen[bytes] | None = None

    def start(self, env: Mapping[str, str] | None = None) -> None:
        # Append, so a restarted server's log follows the killed one's.
        with open(self.stdout_path, "ab") as out, open(self.stderr_path, "ab") as err:
            self._popen = subprocess.Popen(
                self.argv,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                env=env,
                start_new_session=True,
            )

    def exit_code(self) -> int | None:
        """None while running (or never started)."""
        return None if self._popen is None else self._popen.poll()

    def output(self) -> str:
        text = ""
        for path in (self.stderr_path, self.stdout_path):
            if path.exists():
                text += f"--- {path.name} ---\n{path.read_text(errors='replace')}"
        return text

    def start_error(self, what: str, timeout: float) -> ServerStartError:
        code = self.exit_code()
        state = "still running" if code is None else f"exited with {code}"
        return ServerStartError(
            f"{self.name} did not {what} within {timeout:g} s ({state}): "
            f"{' '.join(self.argv)}\n{self.output()}"
        )

    def kill(self) -> None:
        """SIGKILL the server and every process it forked (even those that left its session)."""
        if self._popen is None or self._popen.poll() is not None:
            return
        for pid, started in _freeze_tree(self._popen.pid):
            _signal_if_same(pid, started, signal.SIGKILL)
        self._popen.wait(STOP_TIMEOUT)

    def stop(self) -> None:
        """SIGTERM, wait up to STOP_TIMEOUT, then SIGKILL whatever is left."""
        if self._popen is None or self._popen.poll() is not None:
            return
        tree = _process_tree(self._popen.pid)
        for pid, started in tree:
            _signal_if_same(pid, started, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._popen.wait(STOP_TIMEOUT)
        for pid, started in tree:
            _signal_if_same(pid, started, signal.SIGKILL)
        self._popen.wait(STOP_TIMEOUT)


def _stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, start time) from /proc/PID/stat, or None if PID is gone or a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()  # the command name may hold spaces
    if fields[0] == "Z":
        return None
    return int(fields[1]), int(fields[19])


def _process_tree(root: int) -> list[tuple[int, int]]:
    """(pid, start time) of ROOT and all its live descendants, ROOT first."""
    parents: dict[int, list[tuple[int, int]]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            parents.setdefault(stat[0], []).append((int(entry.name), stat[1]))
    root_stat = _stat(root)
    if root_stat is None:
        return []
    tree = [(root, root_stat[1])]
    for pid, _ in tree:  # grows while iterating: a breadth-first walk
        tree.extend(parents.get(pid, []))
    return tree


def _freeze_tree(root: int) -> list[tuple[int, int]]:
    """SIGSTOP ROOT and its descendants until no new process appears; return them all.

    sshd's per-connection children call setsid(), so killing sshd's process group
    misses them; stopping the tree first means none can fork while we look.
    """
    stopped: set[tuple[int, int]] = set()
    for _ in range(20):
        fresh = [p for p in _process_tree(root) if p not in stopped]
        if not fresh:
            break
        for pid, started in fresh:
            _signal_if_same(pid, started, signal.SIGSTOP)
        stopped.update(fresh)
    return sorted(stopped)


def _signal_if_same(pid: int, started: int, sig: signal.Signals) -> None:
    """Signal PID unless it has exited (and its number been reused) since we saw it."""
    stat = _stat(pid)
    if stat is not None and stat[1] == started:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)


def _wait_until(ready: Callable[[], bool], process: _Process, what: str, timeout: float) -> None:
    """Call READY() until it returns True; fail early if the process exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.exit_code() is not None:
            break
        with contextlib.suppress(OSError, http.client.HTTPException):
            if ready():
                return
        time.sleep(0.05)
    raise process.start_error(what, timeout)


class _Workdir:
    """The given directory, or a temporary one removed on close."""

    def __init__(self, path: Path | None, prefix: str) -> None:
        self._temp: tempfile.TemporaryDirectory[str] | None = None
        if path is None:
            self._temp = tempfile.TemporaryDirectory(prefix=prefix)
            path = Path(self._temp.name)
        self.path = path
        self.path.mkdir(parents=True, exist_ok=True)

    def close(self) -> None:
        if self._temp is not None:
            self._temp.cleanup()


class _ServerProcess:
    """What the moto and sshd wrappers share: one _Process, started by ``__enter__``
    (``_start`` waits until it answers) and torn down with everything else ``__enter__``
    set up when the ``with`` block ends."""

    _stack: contextlib.ExitStack
    _process: _Process | None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stack.close()

    @property
    def log(self) -> str:
        """The server's captured stderr and stdout."""
        return self._require().output()

    def kill(self) -> None:
        """SIGKILL the server and its children, as a crash would."""
        self._require().kill()

    def restart(self) -> None:
        """Stop the server if it runs and start it again on the same port."""
        self._require().stop()
        self._start()

    def _start(self) -> None:
        raise NotImplementedError

    def _require(self) -> _Process:
        if self._process is None:
            raise RuntimeError(f"{type(self).__name__} is not entered")
        return self._process


class MotoServer(_ServerProcess):
    """moto's S3-compatible server on 127.0.0.1, in its own process.

    While entered, this process's ``AWS_*`` environment holds dummy credentials (see
    ``dummy_aws_environment``); the server gets the same. State is in memory only: a
    ``kill()`` or ``restart()`` loses every bucket.
    """

    host = HOST

    def __init__(
        self,
        *,
        port: int | None = None,
        workdir: Path | None = None,
        start_timeout: float = START_TIMEOUT,
    ) -> None:
        self.port = port or free_port()
        self.endpoint_url = f"http://{HOST}:{self.port}"
        self.start_timeout = start_timeout
        self._workdir_arg = workdir
        self._stack = contextlib.ExitStack()
        self._process: _Process | None = None

    def __enter__(self) -> Self:
        with contextlib.ExitStack() as stack:
            workdir = _Workdir(self._workdir_arg, "feedpub-moto-")
            stack.callback(workdir.close)
            stack.enter_context(dummy_aws_environment(workdir.path))
            moto = Path(sys.executable).with_name("moto_server")
            argv = [str(moto)] if moto.exists() else [sys.executable, "-m", "moto.server"]
            self._process = _Process(
                "moto", [*argv, "-H", HOST, "-p", str(self.port)], workdir.path
            )
            stack.callback(self._process.stop)
            self._start()
            self._stack = stack.pop_all()
        return self

    def client(self, *, endpoint_url: str | None = None, config: Any = None) -> Any:
        """A boto3 S3 client with dummy credentials, pointed at this server.

        ``endpoint_url`` overrides the address (a ``FaultProxy`` in front, say);
        ``config`` replaces the default ``botocore.config.Config`` (path-style,
        short timeouts). Close it when done.
        """
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=endpoint_url or self.endpoint_url,
            aws_access_key_id=DUMMY_CREDENTIAL,
            aws_secret_access_key=DUMMY_CREDENTIAL,
            region_name="us-east-1",
            config=config
            or Config(
                connect_timeout=5,
                read_timeout=10,
                s3={"addressing_style": "path"},
                retries={"total_max_attempts": 1},
            ),
        )

    def _start(self) -> None:
        process = self._require()
        process.start(env=os.environ)

        def answers_http() -> bool:
            conn = http.client.HTTPConnection(HOST, self.port, timeout=1)
            try:
                conn.request("GET", "/moto-api/")
                conn.getresponse().read()
            finally:
                conn.close()
            return True

        _wait_until(answers_http, process, f"answer HTTP on {HOST}:{self.port}", self.start_timeout)


SSHD_CONFIG = """\
ListenAddress {host}
Port {port}
HostKey {host_key}
PidFile {pid_file}
AuthorizedKeysFile {authorized_keys}
AllowUsers {user}
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
Subsystem sftp internal-sftp
LogLevel VERBOSE
PrintMotd no
X11Forwarding no
AllowAgentForwarding no
"""


class SshServer(_ServerProcess):
    """OpenSSH's sshd on 127.0.0.1, letting the current user in with a fresh key.

    Works as root (it creates /run/sshd, which sshd requires then) and as a normal
    user (sshd then only lets that user in). Uploads go to ``remote_root``. ``kill()``
    ends open sessions too (every per-connection child); ``restart()`` keeps the keys.
    """

    host = HOST
    # Set by __enter__, in the working directory:
    client_key: Path  # the private key; its public half is in authorized_keys
    known_hosts: Path  # "[127.0.0.1]:PORT ssh-ed25519 AAAA..."
    remote_root: Path  # empty at first; uploads go here
    host_public_key: str  # "ssh-ed25519 AAAA..."

    def __init__(
        self,
        *,
        port: int | None = None,
        workdir: Path | None = None,
        start_timeout: float = START_TIMEOUT,
        sshd: str = SSHD,
    ) -> None:
        self.port = port or free_port()
        # The effective user, which is the only one an unprivileged sshd can log in.
        # (getpass.getuser() trusts $USER/$LOGNAME, which may name someone else.)
        self.user = pwd.getpwuid(os.geteuid()).pw_name
        self.start_timeout = start_timeout
        self._workdir_arg = workdir
        self._sshd = sshd
        self._stack = contextlib.ExitStack()
        self._process: _Process | None = None

    def __enter__(self) -> Self:
        with contextlib.ExitStack() as stack:
            workdir = _Workdir(self._workdir_arg, "feedpub-sshd-")
            stack.callback(workdir.close)
            root = workdir.path
            self.client_key = root / "client_ed25519"
            self.known_hosts = root / "known_hosts"
            self.remote_root = root / "remote"
            self.remote_root.mkdir()
            host_key = root / "host_ed25519"
            _keygen(host_key)
            _keygen(self.client_key)
            authorized_keys = root / "authorized_keys"
            shutil.copyfile(self.client_key.with_suffix(".pub"), authorized_keys)
            self.host_public_key = " ".join(host_key.with_suffix(".pub").read_text().split()[:2])
            self.known_hosts.write_text(self.known_hosts_line())
            config = root / "sshd_config"
            config.write_text(
                SSHD_CONFIG.format(
                    host=HOST,
                    port=self.port,
                    host_key=host_key,
                    pid_file=root / "sshd.pid",
                    authorized_keys=authorized_keys,
                    user=self.user,
                )
            )
            if os.geteuid() == 0:
                # sshd as root needs its privilege separation directory, which only
                # exists once the system's own sshd has run.
                os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
            self._process = _Process("sshd", [self._sshd, "-D", "-e", "-f", str(config)], root)
            stack.callback(self._process.stop)
            self._start()
            self._stack = stack.pop_all()
        return self

    def known_hosts_line(self, port: int | None = None) -> str:
        """The known_hosts line for the host key at PORT (this server's by default).

        A client that goes through a ``FaultProxy`` checks the key under the proxy's port.
        """
        return f"[{HOST}]:{port or self.port} {self.host_public_key}\n"

    def _start(self) -> None:
        process = self._require()
        process.start()

        def sends_banner() -> bool:
            with (
                socket.create_connection((HOST, self.port), timeout=1) as sock,
                sock.makefile("rb") as stream,
            ):
                return stream.readline(256).startswith(b"SSH-2.0-")

        _wait_until(
            sends_banner, process, f"send an SSH banner on {HOST}:{self.port}", self.start_timeout
        )


def _keygen(path: Path) -> None:
    """A fresh ed25519 key pair at PATH and PATH.pub, without a passphrase."""
    keygen = shutil.which("ssh-keygen")
    if keygen is None:
        raise ServerStartError("ssh-keygen not found on PATH (install openssh-client)")
    subprocess.run(
        [keygen, "-q", "-t", "ed25519", "-N", "", "-C", path.name, "-f", str(path)],
        check=True,
        capture_output=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class HubRequest:
    """One request the hub received; ``form`` is the body decoded as a form, in order."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    form: tuple[tuple[str, str], ...]

    def header(self, name: str) -> str | None:
        """The first header called NAME, case-insensitively."""
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


class HubRecorder:
    """A WebSub hub stand-in: an HTTP server in a thread that records every request.

    POSTs (and, so mistakes show, any other method) are recorded and answered with
    ``status`` (204 unless changed) and an empty body.
    """

    host = HOST

    def __init__(self, *, status: int = 204) -> None:
        self._lock = threading.Lock()
        self._requests: list[HubRequest] = []
        self._status = status
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def status(self) -> int:
        with self._lock:
            return self._status

    @status.setter
    def status(self, value: int) -> None:
        with self._lock:
            self._status = value

    @property
    def requests(self) -> list[HubRequest]:
        """A copy of the requests so far, oldest first."""
        with self._lock:
            return list(self._requests)

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("HubRecorder is not entered")
        return f"http://{HOST}:{self._server.server_address[1]}/"

    def __enter__(self) -> Self:
        self._server = ThreadingHTTPServer((HOST, 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="hub-recorder",
            daemon=True,
        )
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(STOP_TIMEOUT)

    def _record(self, request: HubRequest) -> int:
        with self._lock:
            self._requests.append(request)
            return self._status

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            timeout = 10  # a stalled client cannot hold a thread for ever

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                form: tuple[tuple[str, str], ...] = ()
                if self.headers.get_content_type() == "application/x-www-form-urlencoded":
                    text = body.decode("utf-8", errors="replace")
                    form = tuple(parse_qsl(text, keep_blank_values=True))
                status = recorder._record(
                    HubRequest(
                        method=self.command,
                        path=self.path,
                        headers=tuple(self.headers.items()),
                        body=body,
                        form=form,
                    )
                )
                self.send_response(status)
                if status != 204:
                    self.send_header("Content-Length", "0")
                self.end_headers()

            do_POST = do_GET = do_PUT = do_DELETE = do_HEAD = _answer

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the recorded requests are the log

        return Handler

"""``feedpub serve``: a local preview server over ``output/``, and the ``--watch`` poller.

For editors and for testing feed readers, it answers the way a good feed host does:
the feeds' own media types, a strong ``ETag`` and ``Last-Modified`` on every file,
``304 Not Modified`` on a conditional GET, gzip when the client asks for it. It serves
regular files inside its folder and nothing else: no listings, no dot-files (such as
``.feedpub-manifest.json``), no way out through ``..`` or a symbolic link.

Standard library only (``http.server``); it is a preview, not a production server.
"""

from __future__ import annotations

import contextlib
import email.utils
import errno
import functools
import gzip
import hashlib
import logging
import os
import re
import socket
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC
from email.message import Message
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from feedpub.errors import FeedpubError
from feedpub.publish.files import content_type

INDEX = "index.html"
ALLOWED_METHODS = ("GET", "HEAD")
CACHE_CONTROL = "no-cache"  # a preview: every use revalidates, so an edit shows at once

_LOGGER = logging.getLogger(__name__)
_ENTITY_TAG = re.compile(r'(?:W/)?("[^"]*")')  # RFC 9110 §8.8.3; the weak prefix is dropped
# A request line is the client's text: never let it drive the operator's terminal.
_CONTROL_ESCAPES = {code: f"\\x{code:02x}" for code in (*range(0x20), 0x7F)}


def make_server(
    directory: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    log: Callable[[str], None] = _LOGGER.info,
) -> ThreadingHTTPServer:
    """A server (bound, not yet serving) for the files under ``directory``.

    ``port=0`` picks a free port; ``preview_url(server)`` tells which. ``log`` receives
    one line per request. Call ``serve_forever()`` on the result, and use it as a
    context manager (or call ``server_close()``) to release the socket.
    """
    handler = functools.partial(_PreviewHandler, directory=directory, log=log)
    try:
        return ThreadingHTTPServer((host, port), handler)
    except OSError as error:
        message = f"{host}:{port}: cannot serve there ({error.strerror or error})."
        if error.errno == errno.EADDRINUSE:
            message += " Another program is using the port: choose another one."
        raise FeedpubError(message) from error


def preview_url(server: ThreadingHTTPServer) -> str:
    """The address to open in a browser, with the port actually bound."""
    host, port = server.server_address[:2]
    return f"http://{host!s}:{port}/"


@dataclass(frozen=True, slots=True)
class _Representation:
    """One encoding of a file, as a response carries it (RFC 9110 §3.2)."""

    body: bytes
    etag: str
    encoding: str | None


class _PreviewHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as feed readers polling many feeds expect
    server_version = "feedpub-serve"
    sys_version = ""

    def __init__(
        self,
        request: socket.socket,
        client_address: Any,
        server: ThreadingHTTPServer,
        *,
        directory: Path,
        log: Callable[[str], None],
    ) -> None:
        self.directory = directory
        self.log_line = log
        super().__init__(request, client_address, server)  # handles the request

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False  # the base class has answered (400, 414, 505 ...)
        if self.command in ALLOWED_METHODS:
            return True
        # Closing: a request body we will not read must not be taken for the next request.
        extra = (("Allow", ", ".join(ALLOWED_METHODS)), ("Connection", "close"))
        self._send_status(HTTPStatus.METHOD_NOT_ALLOWED, extra)
        return False

    def do_GET(self) -> None:
        self._send_file()

    def do_HEAD(self) -> None:
        self._send_file()

    def log_message(self, format: str, *args: Any) -> None:
        self.log_line(f"{self.address_string()} {format % args}".translate(_CONTROL_ESCAPES))

    def log_error(self, format: str, *args: Any) -> None:
        """Dropped: ``log_request`` already writes the request's line with its status."""

    def _send_file(self) -> None:
        url_path = unquote(urlsplit(self.path).path)
        found = locate(self.directory.resolve(), url_path)
        if found is None:
            self._send_status(HTTPStatus.NOT_FOUND)
        elif found.name == INDEX and not url_path.endswith(("/", INDEX)):
            self._redirect_to_folder(url_path)
        else:
            try:
                data, modified = _read(found)
            except OSError:  # removed or replaced since it was found
                self._send_status(HTTPStatus.NOT_FOUND)
                return
            self._send_representation(found.name, _represent(data, self.headers), modified)

    def _send_representation(self, name: str, chosen: _Representation, modified: int) -> None:
        last_modified = email.utils.formatdate(modified, usegmt=True)
        if not_modified(self.headers, chosen.etag, modified):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self._send_validators(chosen.etag, last_modified)
            self.end_headers()
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type(name))
        if chosen.encoding is not None:
            self.send_header("Content-Encoding", chosen.encoding)
        self.send_header("Content-Length", str(len(chosen.body)))
        self._send_validators(chosen.etag, last_modified)
        self.end_headers()
        self._write_body(chosen.body)

    def _send_validators(self, etag: str, last_modified: str) -> None:
        # RFC 9110 §15.4.5: a 304 carries the headers a 200 would have had for caching.
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", last_modified)
        self.send_header("Cache-Control", CACHE_CONTROL)
        self.send_header("Vary", "Accept-Encoding")

    def _redirect_to_folder(self, url_path: str) -> None:
        # Relative links in a folder's index.html only work from a URL ending in "/".
        # Built from the clean segments, so "//host/..." cannot become an open redirect.
        segments = [quote(part) for part in url_path.split("/") if part]
        location = "/" + "".join(f"{part}/" for part in segments)
        self._send_status(HTTPStatus.MOVED_PERMANENTLY, (("Location", location),))

    def _send_status(
        self, status: HTTPStatus, extra_headers: tuple[tuple[str, str], ...] = ()
    ) -> None:
        body = f"{status.value} {status.phrase}\n".encode()
        self.send_response(status)
        for name, value in extra_headers:
            self.send_header(name, value)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", CACHE_CONTROL)
        self.end_headers()
        self._write_body(body)

    def _write_body(self, body: bytes) -> None:
        if self.command == "HEAD":
            return
        try:
            self.wfile.write(body)
        except ConnectionError:  # the client went away (a reader gave up): nothing to fix
            self.close_connection = True


def locate(root: Path, url_path: str) -> Path | None:
    """The regular file under ``root`` (resolved) that a decoded URL path names, or None.

    A folder means its ``index.html``. Nothing outside ``root`` is ever returned, however
    the path or a symbolic link is spelled, and nothing whose name starts with a dot.
    """
    parts = [part for part in url_path.split("/") if part]
    if any(part.startswith(".") for part in parts):  # "..", ".", dot-files and dot-folders
        return None
    found = _inside(root, parts)
    if found is not None and found.is_dir():
        found = _inside(root, [*parts, INDEX])
    elif url_path.endswith("/"):
        return None  # "rss.xml/" names a folder, and there is none
    return found if found is not None and found.is_file() else None


def _inside(root: Path, parts: Sequence[str]) -> Path | None:
    try:
        resolved = root.joinpath(*parts).resolve(strict=True)
    except (OSError, RuntimeError, ValueError):  # missing, a link loop, a NUL byte
        return None
    if not resolved.is_relative_to(root):
        return None
    # The test again after links are followed: a link may point at a dot-file.
    if any(part.startswith(".") for part in resolved.relative_to(root).parts):
        return None
    return resolved


def _read(path: Path) -> tuple[bytes, int]:
    """The bytes and the mtime (whole seconds) of one version of the file."""
    with path.open("rb") as stream:
        # fstat on the open file: the mtime belongs to these bytes even if the file is
        # replaced (atomically, by a rebuild) meanwhile.
        modified = os.fstat(stream.fileno()).st_mtime_ns // 1_000_000_000
        return stream.read(), modified


def _represent(data: bytes, headers: Message) -> _Representation:
    digest = hashlib.sha256(data).hexdigest()[:32]
    if accepts_gzip(headers.get("Accept-Encoding")):
        # mtime=0: the same bytes always compress to the same body, so the ETag holds.
        # A different ETag from the identity body: the two are different representations.
        return _Representation(gzip.compress(data, mtime=0), f'"{digest}-gzip"', "gzip")
    return _Representation(data, f'"{digest}"', None)


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an ``Accept-Encoding`` value allows gzip (RFC 9110 §12.5.3)."""
    if not accept_encoding:
        return False
    qualities: dict[str, float] = {}
    for item in accept_encoding.split(","):
        coding, _, parameters = item.partition(";")
        qualities[coding.strip().lower()] = _quality(parameters)
    for coding in ("gzip", "x-gzip"):
        if coding in qualities:
            return qualities[coding] > 0
    return qualities.get("*", 0.0) > 0


def _quality(parameters: str) -> float:
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0  # unreadable: do not assume the client wants it
    return 1.0


def not_modified(headers: Message, etag: str, modified: int) -> bool:
    """Whether a GET with these headers gets ``304 Not Modified`` (RFC 9110 §13.2.2)."""
    if_none_match = headers.get_all("If-None-Match")
    if if_none_match:
        # §13.1.2: weak comparison; and when it is present If-Modified-Since is ignored.
        value = ", ".join(if_none_match)
        return value.strip() == "*" or etag in _ENTITY_TAG.findall(value)
    since = headers.get_all("If-Modified-Since")
    if since is None or len(since) != 1:
        return False  # §13.1.3: ignored unless it is exactly one valid date
    date = _http_date(since[0])
    return date is not None and modified <= date


def _http_date(text: str) -> int | None:
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:  # "-0000": RFC 9110 §5.6.7 dates are all GMT
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp())


def watch_changes(
    paths: Sequence[Path],
    on_change: Callable[[], None],
    *,
    interval: float = 1.0,
    stop: threading.Event,
    on_error: Callable[[Exception], None],
) -> None:
    """Poll the files under ``paths``; call ``on_change()`` once per batch of changes.

    A change is a file added, removed, or with a new mtime or size. A batch ends when a
    poll finds nothing new, so a save that writes several files, or a checkout, is one
    call. Names starting with ``.`` or ``#`` or ending in ``~`` (editors' swap, lock and
    backup files) are not watched. An exception from ``on_change`` goes to ``on_error``
    and watching goes on. Returns soon after ``stop`` is set.
    """
    seen = _snapshot(paths)
    while not stop.wait(interval):
        current = _snapshot(paths)
        if current == seen:
            continue
        settled = _settle(paths, current, interval, stop)
        if settled is None:
            return
        seen = settled
        try:
            on_change()
        except Exception as error:  # the next save must still rebuild
            on_error(error)


@contextlib.contextmanager
def watching(
    paths: Sequence[Path],
    on_change: Callable[[], None],
    *,
    on_error: Callable[[Exception], None],
    interval: float = 1.0,
) -> Iterator[threading.Thread]:
    """Run ``watch_changes`` in a thread for the ``with`` block; stop and join it after."""
    stop = threading.Event()
    thread = threading.Thread(
        target=lambda: watch_changes(
            paths, on_change, interval=interval, stop=stop, on_error=on_error
        ),
        name="feedpub-watch",
        daemon=True,
    )
    thread.start()
    try:
        yield thread
    finally:
        stop.set()
        thread.join()  # waits for a rebuild in progress to finish


_Snapshot = dict[Path, tuple[int, int]]


def _settle(
    paths: Sequence[Path], current: _Snapshot, interval: float, stop: threading.Event
) -> _Snapshot | None:
    """Poll until nothing changes between two polls; None when stopped first."""
    while not stop.wait(interval):
        latest = _snapshot(paths)
        if latest == current:
            return latest
        current = latest
    return None


def _snapshot(paths: Sequence[Path]) -> _Snapshot:
    found: _Snapshot = {}
    for path in paths:
        for file in _files_under(path):
            try:
                info = file.stat()
            except OSError:  # gone since it was listed (or unreadable): absent, like a delete
                continue
            found[file] = (info.st_mtime_ns, info.st_size)
    return found


def _files_under(path: Path) -> Iterator[Path]:
    if not path.is_dir():
        yield path  # a single file such as feedpub.yaml, or one not created yet
        return
    for folder, folders, files in os.walk(path):
        folders[:] = [name for name in folders if not _is_editor_litter(name)]
        yield from (Path(folder, name) for name in files if not _is_editor_litter(name))


def _is_editor_litter(name: str) -> bool:
    # Vim's .x.swp, Emacs' #x# and x~, and .git: they change without any article changing.
    return name.startswith((".", "#")) or name.endswith("~")

"""``feedpub serve`` against a real socket: types, validators, 304s, gzip, the folder's
walls, and the ``--watch`` poller."""

from __future__ import annotations

import gzip
import hashlib
import http.client
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from feedpub.errors import FeedpubError
from feedpub.serve import content_type, make_server, preview_url, watch_changes, watching

pytestmark = pytest.mark.timeout(15)

RSS = b'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel/></rss>\n'
STAMP = 1_767_225_600  # 2026-01-01T00:00:00Z
STAMP_HTTP = "Thu, 01 Jan 2026 00:00:00 GMT"
FILES = {
    "rss.xml": RSS,
    "atom.xml": b'<feed xmlns="http://www.w3.org/2005/Atom"/>\n',
    "feed.json": b'{"version": "https://jsonfeed.org/version/1.1"}\n',
    "index.html": b"<!doctype html><title>Preview</title>\n",
    "politics/rss.xml": RSS,
    "world/index.html": b"<!doctype html><title>World</title>\n",
    ".feedpub-manifest.json": b"{}\n",
    "politics/.hidden": b"no\n",
}


@dataclass(frozen=True)
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


@dataclass
class Preview:
    root: Path
    port: int
    log: list[str] = field(default_factory=list)

    def connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)

    def get(self, path: str, method: str = "GET", **headers: str) -> Reply:
        """One request on a fresh connection; ``If_None_Match="x"`` sends If-None-Match."""
        connection = self.connect()
        try:
            return ask(connection, method, path, **headers)
        finally:
            connection.close()


def ask(connection: http.client.HTTPConnection, method: str, path: str, **headers: str) -> Reply:
    connection.request(method, path, headers={k.replace("_", "-"): v for k, v in headers.items()})
    response = connection.getresponse()
    return Reply(response.status, response.headers, response.read())


def etag_of(data: bytes) -> str:
    return f'"{hashlib.sha256(data).hexdigest()[:32]}"'


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[Preview]:
    root = tmp_path / "output"
    for name, data in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    os.utime(root / "rss.xml", (STAMP, STAMP))
    (tmp_path / "secret.txt").write_text("outside\n", encoding="utf-8")
    (root / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (root / "latest.xml").symlink_to(root / "rss.xml")
    (root / "manifest.json").symlink_to(root / ".feedpub-manifest.json")
    found = Preview(root, 0)
    server = make_server(root, port=0, log=found.log.append)
    found.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield found
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# Content types


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/rss.xml", "application/rss+xml; charset=utf-8"),
        ("/atom.xml", "application/atom+xml; charset=utf-8"),
        ("/feed.json", "application/feed+json; charset=utf-8"),
        ("/politics/rss.xml", "application/rss+xml; charset=utf-8"),
        ("/index.html", "text/html; charset=utf-8"),
    ],
)
def test_feeds_and_pages_are_served_with_their_content_types(
    preview: Preview, path: str, expected: str
) -> None:
    reply = preview.get(path)
    assert reply.status == 200
    assert reply.headers["Content-Type"] == expected
    assert reply.body == FILES[path.lstrip("/")]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("style.css", "text/css; charset=utf-8"),
        ("notes.txt", "text/plain; charset=utf-8"),
        ("photo/a.png", "image/png"),
        ("data.json", "application/json"),
        ("backup.tar.gz", "application/octet-stream"),
        ("no-extension", "application/octet-stream"),
    ],
)
def test_other_files_get_the_standard_type(name: str, expected: str) -> None:
    assert content_type(name) == expected


# Validators and conditional GET


def test_a_file_carries_a_strong_etag_its_mtime_and_no_cache(preview: Preview) -> None:
    reply = preview.get("/rss.xml")
    assert reply.status == 200
    assert reply.headers["ETag"] == etag_of(RSS)
    assert reply.headers["Last-Modified"] == STAMP_HTTP
    assert reply.headers["Cache-Control"] == "no-cache"
    assert reply.headers["Vary"] == "Accept-Encoding"
    assert reply.headers["Content-Length"] == str(len(RSS))
    assert "Content-Encoding" not in reply.headers


def test_if_none_match_with_the_etag_gives_304_and_no_body(preview: Preview) -> None:
    connection = preview.connect()
    etag = ask(connection, "GET", "/rss.xml").headers["ETag"]
    reply = ask(connection, "GET", "/rss.xml", If_None_Match=etag)
    assert reply.status == 304
    assert reply.body == b""
    assert reply.headers["ETag"] == etag
    assert reply.headers["Last-Modified"] == STAMP_HTTP
    assert reply.headers["Cache-Control"] == "no-cache"
    # The same connection still works: no stray body bytes were sent after the 304.
    assert ask(connection, "GET", "/atom.xml").body == FILES["atom.xml"]
    connection.close()


@pytest.mark.parametrize(
    "if_none_match",
    [
        "{etag}",
        "W/{etag}",  # RFC 9110 §13.1.2: If-None-Match uses the weak comparison
        '"other", {etag}',
        '"other",W/{etag} , "more"',
        "*",
    ],
)
def test_if_none_match_forms_that_match(preview: Preview, if_none_match: str) -> None:
    header = if_none_match.format(etag=etag_of(RSS))
    assert preview.get("/rss.xml", If_None_Match=header).status == 304


@pytest.mark.parametrize("if_none_match", ['"other"', etag_of(RSS).strip('"'), 'W/"other"'])
def test_if_none_match_forms_that_do_not_match(preview: Preview, if_none_match: str) -> None:
    assert preview.get("/rss.xml", If_None_Match=if_none_match).status == 200


def test_if_modified_since_equal_to_last_modified_gives_304(preview: Preview) -> None:
    reply = preview.get("/rss.xml", If_Modified_Since=STAMP_HTTP)
    assert reply.status == 304
    assert reply.body == b""
    assert reply.headers["ETag"] == etag_of(RSS)
    assert reply.headers["Last-Modified"] == STAMP_HTTP


@pytest.mark.parametrize(
    ("if_modified_since", "status"),
    [
        ("Fri, 02 Jan 2026 00:00:00 GMT", 304),
        ("Thursday, 01-Jan-26 00:00:00 GMT", 304),  # RFC 850, still to be accepted
        ("Wed, 31 Dec 2025 23:59:59 GMT", 200),
        ("not a date", 200),  # §13.1.3: an invalid date is ignored
    ],
)
def test_if_modified_since_compares_dates(
    preview: Preview, if_modified_since: str, status: int
) -> None:
    assert preview.get("/rss.xml", If_Modified_Since=if_modified_since).status == status


def test_a_changed_file_gets_200_and_a_new_etag(preview: Preview) -> None:
    old = preview.get("/rss.xml").headers["ETag"]
    changed = RSS.replace(b"<channel/>", b"<channel><title>New</title></channel>")
    (preview.root / "rss.xml").write_bytes(changed)
    reply = preview.get("/rss.xml", If_None_Match=old)
    assert reply.status == 200
    assert reply.body == changed
    assert reply.headers["ETag"] == etag_of(changed) != old


def test_if_none_match_takes_precedence_over_if_modified_since(preview: Preview) -> None:
    # RFC 9110 §13.2.2: with If-None-Match present, If-Modified-Since is not evaluated.
    reply = preview.get("/rss.xml", If_None_Match='"other"', If_Modified_Since=STAMP_HTTP)
    assert reply.status == 200
    assert reply.body == RSS


# gzip


def test_gzip_when_asked_for(preview: Preview) -> None:
    reply = preview.get("/rss.xml", Accept_Encoding="gzip, deflate")
    assert reply.status == 200
    assert reply.headers["Content-Encoding"] == "gzip"
    assert reply.headers["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert reply.headers["Content-Length"] == str(len(reply.body))
    assert reply.headers["Vary"] == "Accept-Encoding"
    assert gzip.decompress(reply.body) == RSS
    assert reply.headers["ETag"] not in (etag_of(RSS), "")
    # Deterministic: the same file gives the same gzip body, so the ETag is a fair one.
    assert preview.get("/rss.xml", Accept_Encoding="gzip").body == reply.body


def test_the_gzip_etag_validates_the_gzip_representation_only(preview: Preview) -> None:
    etag = preview.get("/rss.xml", Accept_Encoding="gzip").headers["ETag"]
    zipped = preview.get("/rss.xml", Accept_Encoding="gzip", If_None_Match=etag)
    assert (zipped.status, zipped.headers["ETag"], zipped.body) == (304, etag, b"")
    plain = preview.get("/rss.xml", If_None_Match=etag)
    assert (plain.status, plain.body) == (200, RSS)


@pytest.mark.parametrize(
    ("accept_encoding", "zipped"),
    [
        ("gzip;q=0.5, br", True),
        ("x-gzip", True),
        ("*", True),
        ("GZIP", True),
        ("gzip;q=0", False),
        ("gzip;q=0.0, *", False),
        ("*;q=0", False),
        ("br, identity", False),
        ("gzip;q=nonsense", False),
    ],
)
def test_accept_encoding_decides(preview: Preview, accept_encoding: str, zipped: bool) -> None:
    reply = preview.get("/feed.json", Accept_Encoding=accept_encoding)
    assert (reply.headers["Content-Encoding"] == "gzip") is zipped
    body = gzip.decompress(reply.body) if zipped else reply.body
    assert body == FILES["feed.json"]


# HEAD and other methods


def test_head_has_the_headers_of_get_and_no_body(preview: Preview) -> None:
    connection = preview.connect()
    got = ask(connection, "GET", "/rss.xml", Accept_Encoding="gzip")
    head = ask(connection, "HEAD", "/rss.xml", Accept_Encoding="gzip")
    assert head.status == 200
    assert head.body == b""
    for name in ("Content-Type", "Content-Length", "Content-Encoding", "ETag", "Last-Modified"):
        assert head.headers[name] == got.headers[name], name
    # Had HEAD sent a body, this next response on the same connection would be garbage.
    assert ask(connection, "GET", "/feed.json").body == FILES["feed.json"]
    connection.close()


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "OPTIONS", "PROPFIND"])
def test_other_methods_get_405_with_allow(preview: Preview, method: str) -> None:
    connection = preview.connect()
    connection.request(method, "/rss.xml", body=b"ignored", headers={"Content-Length": "7"})
    response = connection.getresponse()
    assert response.status == 405
    assert response.headers["Allow"] == "GET, HEAD"
    assert response.headers["Connection"] == "close"
    response.read()
    connection.close()
    assert (preview.root / "rss.xml").read_bytes() == RSS


# The folder's walls


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/politics/../../secret.txt",
        "/politics/%2E%2E/%2E%2E/secret.txt",
        "/..%2fsecret.txt",
        "//etc/passwd",
        "/%2Fetc%2Fpasswd",
        "/leak.txt",  # a symbolic link to a file outside the folder
        "/.feedpub-manifest.json",
        "/%2efeedpub-manifest.json",
        "/manifest.json",  # a link to a dot-file
        "/politics/.hidden",
        "/missing.xml",
        "/politics/",  # a folder without index.html: no listing
        "/politics",
        "/rss.xml/",
        "/rss.xml%00.txt",
    ],
)
def test_anything_but_a_file_inside_the_folder_is_404(preview: Preview, path: str) -> None:
    reply = preview.get(path)
    assert reply.status == 404
    assert b"outside" not in reply.body
    assert reply.body == b"404 Not Found\n"


def test_a_symbolic_link_inside_the_folder_is_followed(preview: Preview) -> None:
    reply = preview.get("/latest.xml")
    assert (reply.status, reply.body) == (200, RSS)


def test_the_root_and_folders_serve_their_index(preview: Preview) -> None:
    assert preview.get("/").body == FILES["index.html"]
    assert preview.get("/?utm=1").body == FILES["index.html"]
    assert preview.get("/world/").body == FILES["world/index.html"]
    redirect = preview.get("/world?x=1")
    assert (redirect.status, redirect.headers["Location"]) == (301, "/world/")


def test_the_folder_may_be_created_after_the_server_starts(tmp_path: Path) -> None:
    with make_server(tmp_path / "later", port=0) as server:
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
        thread.start()
        try:
            preview = Preview(tmp_path / "later", server.server_address[1])
            assert preview.get("/rss.xml").status == 404
            (tmp_path / "later").mkdir()
            (tmp_path / "later" / "rss.xml").write_bytes(RSS)
            assert preview.get("/rss.xml").body == RSS
        finally:
            server.shutdown()
            thread.join(timeout=5)


# Server, log


def test_each_request_is_one_log_line(preview: Preview) -> None:
    preview.get("/rss.xml")
    preview.get("/missing.xml")
    assert preview.log == [
        '127.0.0.1 "GET /rss.xml HTTP/1.1" 200 -',
        '127.0.0.1 "GET /missing.xml HTTP/1.1" 404 -',
    ]


def test_control_characters_in_a_request_are_escaped_in_the_log(preview: Preview) -> None:
    with socket.create_connection(("127.0.0.1", preview.port), timeout=5) as raw:
        raw.sendall(b"GET /\x1b[31mred HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert raw.recv(100).startswith(b"HTTP/1.1 404 ")
    assert preview.log == ['127.0.0.1 "GET /\\x1b[31mred HTTP/1.1" 404 -']


def test_the_url_names_the_port_actually_bound(preview: Preview) -> None:
    assert preview.port != 0
    with make_server(preview.root, port=0) as server:
        assert preview_url(server) == f"http://127.0.0.1:{server.server_address[1]}/"


def test_a_port_in_use_is_an_error_for_the_operator(preview: Preview) -> None:
    with pytest.raises(FeedpubError) as caught:
        make_server(preview.root, port=preview.port)
    assert str(caught.value) == (
        f"127.0.0.1:{preview.port}: cannot serve there (Address already in use)."
        " Another program is using the port: choose another one."
    )


# The watcher

INTERVAL = 0.05


def wait_for(condition: Callable[[], bool], seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


class Calls:
    def __init__(self, error: Exception | None = None) -> None:
        self.count = 0
        self.errors: list[Exception] = []
        self.error = error

    def change(self) -> None:
        self.count += 1
        if self.error is not None:
            raise self.error


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    (folder / "politics").mkdir(parents=True)
    (folder / "politics" / "budget.md").write_text("first\n", encoding="utf-8")
    return folder


def test_the_watcher_calls_back_when_a_file_in_a_subfolder_changes(articles: Path) -> None:
    calls = Calls()
    with watching([articles], calls.change, on_error=calls.errors.append, interval=INTERVAL):
        time.sleep(2 * INTERVAL)  # the first snapshot is taken
        (articles / "politics" / "budget.md").write_text("second version\n", encoding="utf-8")
        assert wait_for(lambda: calls.count == 1)
        (articles / "politics" / "budget.md").unlink()
        assert wait_for(lambda: calls.count == 2)
    assert calls.errors == []


def test_the_watcher_calls_once_per_batch(articles: Path) -> None:
    calls = Calls()
    with watching([articles], calls.change, on_error=calls.errors.append, interval=INTERVAL):
        time.sleep(2 * INTERVAL)
        for name in ("a.md", "b.md", "world/c.md"):
            (articles / name).parent.mkdir(exist_ok=True)
            (articles / name).write_text(name, encoding="utf-8")
        assert wait_for(lambda: calls.count == 1)
        time.sleep(6 * INTERVAL)
        assert calls.count == 1


def test_the_watcher_watches_single_files_even_before_they_exist(tmp_path: Path) -> None:
    config = tmp_path / "feedpub.yaml"
    calls = Calls()
    with watching([config], calls.change, on_error=calls.errors.append, interval=INTERVAL):
        time.sleep(2 * INTERVAL)
        config.write_text("title: Test\n", encoding="utf-8")
        assert wait_for(lambda: calls.count == 1)


def test_the_watcher_ignores_editor_litter(articles: Path) -> None:
    calls = Calls()
    with watching([articles], calls.change, on_error=calls.errors.append, interval=INTERVAL):
        time.sleep(2 * INTERVAL)
        (articles / ".budget.md.swp").write_text("swap", encoding="utf-8")
        (articles / "#budget.md#").write_text("autosave", encoding="utf-8")
        (articles / "budget.md~").write_text("backup", encoding="utf-8")
        (articles / ".git").mkdir()
        (articles / ".git" / "index").write_text("index", encoding="utf-8")
        time.sleep(6 * INTERVAL)
        assert calls.count == 0
        (articles / "budget.md").write_text("a record", encoding="utf-8")
        assert wait_for(lambda: calls.count == 1)


def test_an_exception_from_the_callback_goes_to_on_error(articles: Path) -> None:
    failure = RuntimeError("rebuild failed")
    calls = Calls(error=failure)
    with watching([articles], calls.change, on_error=calls.errors.append, interval=INTERVAL):
        time.sleep(2 * INTERVAL)
        (articles / "a.md").write_text("one", encoding="utf-8")
        assert wait_for(lambda: calls.errors == [failure])
        (articles / "b.md").write_text("two", encoding="utf-8")  # still watching
        assert wait_for(lambda: calls.errors == [failure, failure])
    assert calls.count == 2


def test_the_watcher_returns_when_stopped(articles: Path) -> None:
    stop = threading.Event()
    errors: list[Exception] = []
    thread = threading.Thread(
        target=watch_changes,
        args=([articles], Calls().change),
        kwargs={"interval": 10.0, "stop": stop, "on_error": errors.append},
    )
    thread.start()
    stop.set()
    thread.join(timeout=2)
    assert not thread.is_alive()

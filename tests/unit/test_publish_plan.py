import hashlib

import pytest

from feedpub.publish.files import LocalFile, content_type
from feedpub.publish.manifest import ManifestEntry, read_manifest, render_manifest
from feedpub.publish.plan import plan_sync
from feedpub.publish.target import RetryPolicy, TransientError


def local(path: str, content: bytes = b"x") -> LocalFile:
    return LocalFile(path, content, hashlib.sha256(content).hexdigest(), content_type(path))


def held(file: LocalFile) -> ManifestEntry:
    return ManifestEntry(sha256=file.sha256, size=len(file.content))


def test_section_feeds_go_before_combined_feeds_before_the_index() -> None:
    files = (
        local("index.html"),
        local("rss.xml"),
        local("world/rss.xml"),
        local("atom.xml"),
        local("art/feed.json"),
    )
    plan = plan_sync(files, {})
    assert [f.path for f in plan.uploads] == [
        "art/feed.json",
        "world/rss.xml",
        "atom.xml",
        "rss.xml",
        "index.html",
    ]


def test_archive_documents_the_target_lacks_go_first_and_feeds_after_their_archives() -> None:
    # December gains a next-archive link to January, and the feeds a prev-archive link:
    # January must be there before either.
    december, politics_december = (
        local("archive/2026-12/rss.xml"),
        local("politics/archive/2026-12/rss.xml"),
    )
    files = (
        local("rss.xml"),
        local("politics/rss.xml"),
        local("archive/2027-01/rss.xml"),
        local("politics/archive/2027-01/rss.xml"),
        december,
        politics_december,
    )
    manifest = {
        path: held(local(path, b"old"))
        for path in ("rss.xml", "politics/rss.xml", december.path, politics_december.path)
    }
    plan = plan_sync(files, manifest)
    assert [f.path for f in plan.uploads] == [
        "archive/2027-01/rss.xml",
        "politics/archive/2027-01/rss.xml",
        "archive/2026-12/rss.xml",
        "politics/archive/2026-12/rss.xml",
        "politics/rss.xml",
        "rss.xml",
    ]


def test_only_changed_files_are_uploaded() -> None:
    same, changed = local("rss.xml", b"same"), local("atom.xml", b"new")
    plan = plan_sync(
        (same, changed), {"rss.xml": held(same), "atom.xml": held(local("atom.xml", b"old"))}
    )
    assert [f.path for f in plan.uploads] == ["atom.xml"]
    assert [f.path for f in plan.unchanged] == ["rss.xml"]


def test_only_files_in_the_manifest_are_ever_deleted() -> None:
    kept = local("rss.xml")
    plan = plan_sync((kept,), {"rss.xml": held(kept), "art/rss.xml": held(local("art/rss.xml"))})
    assert plan.deletes == ("art/rss.xml",)
    assert plan.manifest_after() == {"rss.xml": held(kept)}


def test_manifest_round_trip_and_bad_manifests_count_as_empty() -> None:
    entries = {"a/rss.xml": ManifestEntry(sha256="ab" * 32, size=3)}
    assert read_manifest(render_manifest(entries)) == (entries, None)
    for broken in (
        None,
        b"",
        b"{",
        b"[]",
        b'{"version": 99, "files": {}}',
        b'{"version": 1, "files": {"x": {}}}',
    ):
        assert read_manifest(broken)[0] == {}


def test_content_types() -> None:
    assert content_type("politics/rss.xml") == "application/rss+xml; charset=utf-8"
    assert content_type("atom.xml") == "application/atom+xml; charset=utf-8"
    assert content_type("feed.json") == "application/feed+json; charset=utf-8"
    assert content_type("index.html") == "text/html; charset=utf-8"
    assert content_type("logo.png") == "image/png"


def test_retry_backs_off_then_gives_up() -> None:
    waits: list[float] = []
    calls: list[int] = []

    def failing() -> None:
        calls.append(1)
        raise TransientError("down")

    policy = RetryPolicy(attempts=4, first_delay=0.5, sleep=waits.append)
    with pytest.raises(TransientError):
        policy.run(failing)
    assert (len(calls), waits) == (4, [0.5, 1.0, 2.0])


def test_retry_returns_once_it_works() -> None:
    outcomes = iter([TransientError("a"), TransientError("b"), "ok"])

    def flaky() -> str:
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    assert RetryPolicy(sleep=lambda _: None).run(flaky) == "ok"

"""Finding the record files: the same list and digest however the walk is split."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from feedpub.load import scan
from feedpub.load.scan import scan_records


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    """Records at three depths, and what is not a record."""
    root = tmp_path / "articles"
    for section in ("politics", "world", "photo"):
        for year in ("2025", "2026"):
            for number in range(3):
                path = root / section / year / f"s{number}.md"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(f"{section} {year} {number}")
        (root / section / "top.md").write_text("x")
    (root / "loose.md").write_text("x")
    (root / "README.md").write_text("not a record")
    (root / ".hidden.md").write_text("not a record")
    (root / "world" / "notes.txt").write_text("not a record")
    old = time.time_ns() - 3600 * 1_000_000_000  # written well before the scans below
    for path in root.rglob("*"):
        os.utime(path, ns=(old, old))
    return root


def test_records_are_sorted_relative_paths_with_their_stats(articles: Path) -> None:
    found = scan_records(articles)
    assert len(found.records) == 3 * 2 * 3 + 3 + 1
    assert found.records == sorted(found.records)
    assert found.records[0] == "loose.md" and "world/2026/s2.md" in found.records
    info = os.stat(articles / "world/2026/s2.md")
    assert found.stats["world/2026/s2.md"] == (
        info.st_size, info.st_mtime_ns, info.st_ino, info.st_ctime_ns,
    )  # fmt: skip


def test_a_forked_helper_finds_exactly_the_same(articles: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    alone = scan_records(articles)
    monkeypatch.setattr(scan, "FORK_FROM", 1)
    forked = []

    def counting(tops, started_ns):  # type: ignore[no-untyped-def]
        forked.append(len(tops))
        return real(tops, started_ns)

    real = scan._scan_in_two
    monkeypatch.setattr(scan, "_scan_in_two", counting)
    split = scan_records(articles)
    assert forked == [6]  # section/year folders, shared with the child
    # The child digests its own folders: the same digests as one walk of them all.
    assert (split.digest, split.folders) == (alone.digest, alone.folders)
    assert (split.records, split.stats) == (alone.records, alone.stats)


def test_the_childs_files_are_read_only_when_asked_for(articles: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # A run that finds nothing changed needs the digest alone: the child's half of the
    # files (tens of milliseconds to unmarshal at 100,000 records) is left as sent.
    monkeypatch.setattr(scan, "FORK_FROM", 1)
    loads = []
    real = scan.marshal.loads

    def counting(data):  # type: ignore[no-untyped-def]
        loads.append(len(data))
        return real(data)

    monkeypatch.setattr(scan.marshal, "loads", counting)
    split = scan_records(articles)
    assert split.digest and split.folders["photo/2025/"]  # the child's folder, digested
    assert loads == []
    assert "photo/2025/s0.md" in split.records and loads != []
    assert split.stats["photo/2025/s0.md"] is not None and len(loads) == 1


def test_names_that_are_not_utf8_are_left_out_and_named_escaped_by_both_walks(
    articles: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    root = bytes(articles)
    for folder in (b"", b"/world/2026", b"/photo/2025"):  # the child walks photo/2025
        Path(os.fsdecode(root + folder + b"/caf\xe9.md")).write_text("x")
    os.mkdir(root + b"/world/2026/d\xe9p\xeache")
    Path(os.fsdecode(root + b"/world/2026/notes\xe9.txt")).write_text("not a record: not reported")
    expected = [(name, scan.NOT_UTF8) for name in (
        "caf\\xe9.md", "photo/2025/caf\\xe9.md", "world/2026/caf\\xe9.md",
        "world/2026/d\\xe9p\\xeache",
    )]  # fmt: skip
    alone = scan_records(articles)
    monkeypatch.setattr(scan, "FORK_FROM", 1)
    split = scan_records(articles)
    assert alone.unread == split.unread == expected
    assert not [path for path in alone.records if not path.isascii()]
    assert alone.digest == split.digest
    os.unlink(root + b"/photo/2025/caf\xe9.md")
    assert scan_records(articles).digest != alone.digest  # a bad name counts as a file


def test_a_story_file_not_named_md_is_left_out_and_named_by_both_walks(
    articles: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    for name in ("story.MD", "photo/2025/story.markdown", "world/2026/Story.Md",
                 "world/2026/README.MD", "world/2026/notes.txt", "world/2026/photo.jpg"):  # fmt: skip
        (articles / name).write_text("x")
    alone = scan_records(articles)
    monkeypatch.setattr(scan, "FORK_FROM", 1)
    split = scan_records(articles)
    expected = [(name, scan.NOT_MD) for name in (
        "photo/2025/story.markdown", "story.MD", "world/2026/Story.Md",
    )]  # fmt: skip
    assert alone.unread == split.unread == expected
    assert not [path for path in alone.records if not path.endswith(".md")]
    assert alone.digest == split.digest
    (articles / "story.MD").rename(articles / "story.md")
    renamed = scan_records(articles)
    assert "story.md" in renamed.records and renamed.digest != alone.digest


def test_a_link_to_a_folder_is_not_entered_and_is_named_by_both_walks(
    articles: Path, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "story.md").write_text("x")
    (articles / "old").symlink_to(elsewhere)
    (articles / "photo/2025/older").symlink_to(elsewhere)
    (articles / "world/2026/gone").symlink_to(tmp_path / "nothing")  # broken: not a folder
    alone = scan_records(articles)
    monkeypatch.setattr(scan, "FORK_FROM", 1)
    split = scan_records(articles)
    assert alone.linked_folders == split.linked_folders == ["old", "photo/2025/older"]
    assert alone.unread == split.unread == []  # a warning, not a rejected file
    assert not [path for path in alone.records if "story.md" in path]
    assert alone.digest == split.digest


def test_the_digest_changes_with_any_record_file(articles: Path) -> None:
    before = scan_records(articles).digest
    assert scan_records(articles).digest == before
    story = articles / "world/2025/s1.md"
    story.write_text("an edit in place")
    a_while_ago = time.time_ns() - 600 * 1_000_000_000
    os.utime(story, ns=(a_while_ago, a_while_ago))
    edited = scan_records(articles).digest
    assert edited != before
    (articles / "world/2025/new.md").write_text("x")
    os.utime(articles / "world/2025/new.md", ns=(a_while_ago, a_while_ago))
    added = scan_records(articles).digest
    assert added not in (before, edited)
    (articles / "world/2025/new.md").unlink()
    assert scan_records(articles).digest == edited


def test_a_file_modified_moments_ago_makes_its_folder_untrusted(articles: Path) -> None:
    (articles / "photo/2026/s0.md").write_text("just now")
    first, second = scan_records(articles), scan_records(articles)
    assert first.folders["photo/2026/"] != second.folders["photo/2026/"]  # never repeated
    assert first.folders["world/2026/"] == second.folders["world/2026/"]
    stat = first.stats["photo/2026/s0.md"]
    assert stat is not None and first.trusted(stat) != stat  # stored so as never to match
    old = first.stats["world/2026/s0.md"]
    assert old is not None and first.trusted(old) == old


def test_when_no_process_can_be_forked_one_does_it_all(articles: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    alone = scan_records(articles)
    monkeypatch.setattr(scan, "FORK_FROM", 1)

    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(scan.os, "fork", no_fork)
    found = scan_records(articles)
    assert (found.records, found.stats) == (alone.records, alone.stats)


def test_when_the_child_fails_the_parent_does_its_share(articles: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    alone = scan_records(articles)
    monkeypatch.setattr(scan, "FORK_FROM", 1)
    parent, real = os.getpid(), scan._scan_whole

    def failing_in_the_child(tops):  # type: ignore[no-untyped-def]
        if os.getpid() != parent:
            raise OSError(5, "Input/output error")
        return real(tops)

    monkeypatch.setattr(scan, "_scan_whole", failing_in_the_child)
    found = scan_records(articles)
    assert (found.digest, found.folders) == (alone.digest, alone.folders)
    assert (found.records, found.stats) == (alone.records, alone.stats)


def test_released_files_keep_the_digests_and_cannot_be_read_by_mistake(articles: Path) -> None:
    found = scan_records(articles)
    digest, folders = found.digest, dict(found.folders)
    assert found.records and found.stats  # made, and cached
    found.release_files()
    assert (found.digest, found.folders) == (digest, folders)
    with pytest.raises(RuntimeError):
        _ = found.records  # not an empty list, which would read as "no records"
    with pytest.raises(RuntimeError):
        _ = found.stats

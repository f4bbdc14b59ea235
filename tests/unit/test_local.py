import os
import stat
from pathlib import Path

import pytest

from feedpub.errors import OutputError
from feedpub.model import FeedFile
from feedpub.publish.local import atomic_write, write_files


def feed_file(path: str, content: bytes) -> FeedFile:
    return FeedFile(path=path, content=content, media_type="application/rss+xml")


def test_writes_new_files_readable_by_a_web_server(tmp_path: Path) -> None:
    report = write_files([feed_file("politics/rss.xml", b"<rss/>")], tmp_path)
    assert report.written == ("politics/rss.xml",)
    target = tmp_path / "politics" / "rss.xml"
    assert target.read_bytes() == b"<rss/>"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in target.parent.iterdir()] == ["rss.xml"]  # no temporary left


def test_identical_bytes_are_not_rewritten(tmp_path: Path) -> None:
    write_files([feed_file("rss.xml", b"same")], tmp_path)
    target = tmp_path / "rss.xml"
    os.utime(target, ns=(1_000_000_000, 1_000_000_000))
    inode = target.stat().st_ino
    report = write_files([feed_file("rss.xml", b"same")], tmp_path)
    assert (report.written, report.unchanged) == ((), ("rss.xml",))
    assert target.stat().st_mtime_ns == 1_000_000_000
    assert target.stat().st_ino == inode


def test_changed_bytes_replace_the_file_by_rename(tmp_path: Path) -> None:
    write_files([feed_file("rss.xml", b"old")], tmp_path)
    target = tmp_path / "rss.xml"
    reader = target.open("rb")  # a reader that opened the old file keeps reading it whole
    write_files([feed_file("rss.xml", b"new and longer")], tmp_path)
    assert reader.read() == b"old"
    reader.close()
    assert target.read_bytes() == b"new and longer"


def test_a_file_where_a_folder_should_be_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "politics").write_bytes(b"not a folder")
    with pytest.raises(OutputError, match=r"politics/rss.xml: cannot write \(File exists\)"):
        atomic_write(tmp_path / "politics" / "rss.xml", b"x")


def test_feeds_no_longer_built_are_removed_and_other_files_kept(tmp_path: Path) -> None:
    write_files(
        [
            feed_file("rss.xml", b"a"),
            feed_file("art/rss.xml", b"b"),
            feed_file("art/feed.json", b"c"),
        ],
        tmp_path,
    )
    (tmp_path / "index.html").write_bytes(b"<html>")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "notes.txt").write_bytes(b"keep")
    report = write_files([feed_file("rss.xml", b"a")], tmp_path)
    assert report.removed == ("art/feed.json", "art/rss.xml")
    assert not (tmp_path / "art").exists()
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        "docs",
        "docs/notes.txt",
        "index.html",
        "rss.xml",
    ]


def test_temporaries_left_by_a_killed_run_are_cleaned_up(tmp_path: Path) -> None:
    (tmp_path / "art").mkdir()
    (tmp_path / ".rss.xml.k2j3h4.tmp").write_bytes(b"<rss><chan")
    (tmp_path / "art" / ".atom.xml.a8s7d6.tmp").write_bytes(b"<fe")
    (tmp_path / ".keep-me.tmp").write_bytes(b"not ours")
    write_files([feed_file("rss.xml", b"a")], tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        ".keep-me.tmp",
        "art",
        "rss.xml",
    ]

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from feedpub.errors import OutputError
from feedpub.model import FeedFile, StagedFile
from feedpub.publish.local import atomic_write, stage_file, write_files


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
    with pytest.raises(OutputError, match=r"politics/rss.xml: cannot write \(Not a directory\)"):
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
    (tmp_path / "art" / "archive" / "2026-10").mkdir(parents=True)
    (tmp_path / "archive" / "2026-10-2").mkdir(parents=True)
    (tmp_path / ".rss.xml.k2j3h4.tmp").write_bytes(b"<rss><chan")
    (tmp_path / "art" / ".atom.xml.a8s7d6.tmp").write_bytes(b"<fe")
    (tmp_path / "art" / "archive" / "2026-10" / ".feed.json.x1.tmp").write_bytes(b"{")
    (tmp_path / "archive" / "2026-10-2" / ".rss.xml.x2.tmp").write_bytes(b"<rss")
    (tmp_path / ".keep-me.tmp").write_bytes(b"not ours")
    write_files([feed_file("rss.xml", b"a")], tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        ".keep-me.tmp",
        "rss.xml",
    ]  # and the folders the killed run had made, now empty, are gone


def test_many_files_land_whole_in_batches(tmp_path: Path) -> None:
    files = [
        feed_file(f"s{number % 7}/archive/2026-{number % 12 + 1:02}/rss.xml", b"x" * number)
        for number in range(84)
    ] + [feed_file(f"f{number}/rss.xml", bytes([number % 256]) * 5000) for number in range(300)]
    files = list({file.path: file for file in files}.values())
    report = write_files(files, tmp_path)
    assert len(report.written) == len(files)
    assert {file.path: file.content for file in files} == {
        path.relative_to(tmp_path).as_posix(): path.read_bytes()
        for path in tmp_path.rglob("*")
        if path.is_file()
    }  # every file whole, and no temporary left


def test_a_failed_write_changes_no_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    # Only new archive documents written before the failure land: nothing links to them
    # yet. Files that were there stay as they were, and new feeds are not published.
    write_files([feed_file(f"f{number}/rss.xml", b"old") for number in range(0, 20, 2)], tmp_path)
    (tmp_path / "blocked").write_bytes(b"not a folder")
    files = [feed_file(f"f{number}/rss.xml", b"new") for number in range(20)]
    files += [feed_file(f"f{number}/archive/2026-10/rss.xml", b"new") for number in range(20)]
    files.insert(32, feed_file("blocked/rss.xml", b"new"))
    with pytest.raises(OutputError, match=r"blocked/rss.xml: cannot write \(Not a directory\)"):
        write_files(files, tmp_path)
    assert {
        path.relative_to(tmp_path).as_posix(): path.read_bytes()
        for path in tmp_path.rglob("*")
        if path.is_file() and path.name != "blocked"
    } == {
        **{f"f{number}/rss.xml": b"old" for number in range(0, 20, 2)},
        **{f"f{number}/archive/2026-10/rss.xml": b"new" for number in range(12)},
    }  # and no temporary


def test_staged_files_are_renamed_into_place_and_unchanged_ones_left_alone(
    tmp_path: Path,
) -> None:
    write_files([feed_file("archive/2026-10/rss.xml", b"old")], tmp_path)
    kept = tmp_path / "archive" / "2026-10" / "rss.xml"
    os.utime(kept, ns=(1_000_000_000, 1_000_000_000))
    files = [feed_file("archive/2026-10/rss.xml", b"old"),
             feed_file("politics/archive/2026-10/atom.xml", b"new")]  # fmt: skip
    staged = []

    def stage_each() -> Iterator[StagedFile]:  # as a build does: while write_files runs
        for file in files:
            staged.append(stage_file(file, tmp_path))
            yield staged[-1]

    report = write_files(stage_each(), tmp_path)
    assert staged[0].temporary is None  # the same bytes: nothing written
    assert (report.written, report.unchanged) == (
        ("politics/archive/2026-10/atom.xml",),
        ("archive/2026-10/rss.xml",),
    )
    assert kept.stat().st_mtime_ns == 1_000_000_000
    assert (tmp_path / "politics" / "archive" / "2026-10" / "atom.xml").read_bytes() == b"new"
    assert not list(tmp_path.rglob("*.tmp"))


def test_a_file_on_another_file_system_is_fsynced_on_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A batch is made durable with one flush of the output folder's file system; a
    # folder mounted inside the output folder is another file system. The mount is
    # played by giving one folder another device number.
    from feedpub.publish import local

    (tmp_path / "politics").mkdir()
    (tmp_path / "mounted").mkdir()
    real_stat = os.stat

    def fake_stat(path: str | Path, *args: object, **kwargs: object) -> os.stat_result:
        info = real_stat(path, *args, **kwargs)  # type: ignore[arg-type]
        if Path(path) == tmp_path / "mounted":
            fields = list(info)
            fields[stat.ST_DEV] = info.st_dev + 1
            return os.stat_result(fields)
        return info

    monkeypatch.setattr(local.os, "stat", fake_stat)
    here, there = str(tmp_path / "politics" / "rss.xml"), str(tmp_path / "mounted" / "rss.xml")
    assert local._elsewhere([here, there], tmp_path) == [there]


def test_a_file_that_cannot_be_replaced_at_the_end_stops_the_renames_and_leaves_no_temporary(
    tmp_path: Path,
) -> None:
    # The last renames fail at a target that cannot be replaced (here a folder where the
    # file should be; chattr +i does the same): those before it landed, the rest stay
    # old, and none of their temporaries is left behind.
    write_files([feed_file(f"f{number}/rss.xml", b"old") for number in range(6)], tmp_path)
    (tmp_path / "f3" / "rss.xml").unlink()
    (tmp_path / "f3" / "rss.xml").mkdir()
    (tmp_path / "f3" / "rss.xml" / "x").write_bytes(b"")  # not empty: no rename over it
    with pytest.raises(OutputError, match=r"f3/rss.xml: cannot write"):
        write_files([feed_file(f"f{number}/rss.xml", b"new") for number in range(6)], tmp_path)
    contents = {
        number: (tmp_path / f"f{number}" / "rss.xml").read_bytes()
        for number in range(6)
        if number != 3
    }
    assert contents == {0: b"new", 1: b"new", 2: b"new", 4: b"old", 5: b"old"}
    assert not list(tmp_path.rglob("*.tmp"))

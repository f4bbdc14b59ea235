"""RFC 5005 archives: walking back from any feed reaches every story exactly once."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import feedparser  # type: ignore[import-untyped]
import pytest
from click.testing import CliRunner, Result
from lxml import etree

from feedpub.cli import EXIT_OK, main
from support.sites import SiteFolder, record
from support.validators import feed_problems

FEEDS_URL = "https://feeds.test.example/"
ATOM = "{http://www.w3.org/2005/Atom}"
NOW = "2027-01-15T12:00:00+03:30"


def build(folder: SiteFolder, now: str = NOW) -> Result:
    return CliRunner().invoke(main, [
        "build", "--config", str(folder.config), "--articles", str(folder.articles),
        "--output", str(folder.output), "--now", now,
    ])  # fmt: skip


def site_with_months(folder: SiteFolder) -> dict[str, set[str]]:
    """Forty stories over five months, in two sections; items_per_feed 7."""
    folder.config.write_text(
        folder.config.read_text().replace("items_per_feed: 50", "items_per_feed: 7")
    )
    expected: dict[str, set[str]] = {"": set(), "politics": set(), "world": set()}
    for number in range(40):
        month = 8 + number // 8  # August to December 2026
        section = "politics" if number % 3 else "world"
        story = f"s{number:02}"
        folder.add(f"{story}.md", record(
            id=story, sections=f"[{section}]",
            published=f"2026-{month:02}-{1 + number % 8 * 3:02}T10:00:00+03:30",
        ))  # fmt: skip
        expected[""].add(story)
        expected[section].add(story)
    return expected


def local(url: str) -> str:
    assert url.startswith(FEEDS_URL)
    return url.removeprefix(FEEDS_URL)


def walk_atom(output: Path, start: str) -> list[str]:
    """Entry ids (the record ids) from ``start`` along prev-archive links."""
    seen: list[str] = []
    path: str | None = start
    while path is not None:
        root = etree.fromstring((output / path).read_bytes())
        seen += [e.findtext(f"{ATOM}id").rsplit(":", 1)[1] for e in root.iter(f"{ATOM}entry")]
        prev = root.find(f"{ATOM}link[@rel='prev-archive']")
        path = local(prev.get("href")) if prev is not None else None
    return seen


def walk_rss(output: Path, start: str) -> list[str]:
    seen: list[str] = []
    path: str | None = start
    while path is not None:
        parsed = feedparser.parse((output / path).read_bytes())
        assert not parsed.bozo, path
        seen += [entry.id.rsplit(":", 1)[1] for entry in parsed.entries]
        prev = [link for link in parsed.feed.links if link.rel == "prev-archive"]
        path = local(prev[0].href) if prev else None
    return seen


def walk_json(output: Path, start: str) -> list[str]:
    seen: list[str] = []
    path: str | None = start
    while path is not None:
        document = json.loads((output / path).read_bytes())
        seen += [item["id"].rsplit(":", 1)[1] for item in document["items"]]
        path = local(document["next_url"]) if "next_url" in document else None
    return seen


@pytest.mark.parametrize("part", [500, 3])  # 3: every month of the site split in parts
def test_walking_back_reaches_every_story_exactly_once(
    site_folder: SiteFolder, monkeypatch, part: int
) -> None:  # type: ignore[no-untyped-def]
    from feedpub.build import select

    monkeypatch.setattr(select, "ARCHIVE_PART", part)
    expected = site_with_months(site_folder)
    assert build(site_folder).exit_code == EXIT_OK
    for feed, stories in expected.items():
        prefix = f"{feed}/" if feed else ""
        for walk, name in ((walk_atom, "atom.xml"), (walk_rss, "rss.xml"),
                           (walk_json, "feed.json")):  # fmt: skip
            seen = walk(site_folder.output, prefix + name)
            assert sorted(seen) == sorted(stories), (feed, name)  # each exactly once
            assert seen == sorted(seen, reverse=True), (feed, name)  # newest first


def test_a_big_month_is_split_into_parts_counted_from_its_oldest_story(
    site_folder: SiteFolder, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from feedpub.build import select

    monkeypatch.setattr(select, "ARCHIVE_PART", 3)
    site_with_months(site_folder)  # eight stories a month, s00 to s07 in August
    assert build(site_folder).exit_code == EXIT_OK
    august = {
        name: [i["id"].rsplit(":", 1)[1] for i in json.loads(
            (site_folder.output / "archive" / name / "feed.json").read_bytes())["items"]]
        for name in ("2026-08", "2026-08-2", "2026-08-3")
    }  # fmt: skip
    assert august == {"2026-08": ["s02", "s01", "s00"], "2026-08-2": ["s05", "s04", "s03"],
                      "2026-08-3": ["s07", "s06"]}  # fmt: skip
    part = json.loads((site_folder.output / "archive/2026-08-2/feed.json").read_bytes())
    assert part["_feedpub"]["archive"]["month"] == "2026-08"
    assert part["_feedpub"]["archive"]["part"] == 2
    assert part["title"] == "Test Agency — archive 2026-08, part 2"
    assert local(part["next_url"]) == "archive/2026-08/feed.json"  # older: part 1
    # A change in the newest part leaves the older parts alone.
    site_folder.add("s07.md", record(id="s07", sections="[politics]",
                                     published="2026-08-22T10:00:00+03:30", headline="New"))  # fmt: skip
    first = site_folder.output / "archive/2026-08/rss.xml"
    stamp = first.stat().st_mtime_ns
    assert build(site_folder).exit_code == EXIT_OK
    assert first.stat().st_mtime_ns == stamp


def test_archive_documents_are_marked_linked_and_valid(site_folder: SiteFolder) -> None:
    site_with_months(site_folder)
    build(site_folder)
    archive = site_folder.output / "archive" / "2026-10" / "atom.xml"
    root = etree.fromstring(archive.read_bytes())
    assert root.find("{http://purl.org/syndication/history/1.0}archive") is not None
    links = {link.get("rel"): local(link.get("href")) for link in root.findall(f"{ATOM}link")
             if link.get("rel") != "alternate"}  # fmt: skip
    assert links == {
        "self": "archive/2026-10/atom.xml",
        "current": "atom.xml",
        "prev-archive": "archive/2026-09/atom.xml",
        "next-archive": "archive/2026-11/atom.xml",
    }
    for path in sorted(site_folder.output.rglob("*")):
        if path.is_file():
            name = path.relative_to(site_folder.output).as_posix()
            assert feed_problems(name, path.read_bytes()) == [], name


def test_a_closed_month_is_not_rewritten_when_new_stories_arrive(
    site_folder: SiteFolder,
) -> None:
    site_with_months(site_folder)
    build(site_folder)
    closed = site_folder.output / "archive" / "2026-08" / "rss.xml"
    before = (closed.read_bytes(), closed.stat().st_mtime_ns)
    site_folder.add("new.md", record(id="new", published="2027-01-02T10:00:00+03:30"))
    result = build(site_folder)
    assert result.exit_code == EXIT_OK
    assert (closed.read_bytes(), closed.stat().st_mtime_ns) == before
    assert (site_folder.output / "archive" / "2026-12" / "rss.xml").is_file()


def test_an_archive_month_left_empty_is_removed(site_folder: SiteFolder) -> None:
    site_with_months(site_folder)
    build(site_folder)
    assert (site_folder.output / "world" / "archive" / "2026-08").is_dir()
    for number in range(0, 8, 3):  # the August stories of the world section
        (site_folder.articles / f"s{number:02}.md").unlink()
    build(site_folder)
    assert not (site_folder.output / "world" / "archive" / "2026-08").exists()


def test_archives_rendered_over_several_processes_are_the_same_bytes(
    site_folder: SiteFolder, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import feedpub.build

    site_with_months(site_folder)
    build(site_folder)
    alone = {p.relative_to(site_folder.output): p.read_bytes()
             for p in site_folder.output.rglob("*") if p.is_file()}  # fmt: skip
    monkeypatch.setattr(feedpub.build, "PARALLEL_ARCHIVES", 1)
    monkeypatch.setattr(feedpub.build, "workers", lambda: 2)
    site_folder.output = tmp_path / "parallel"
    result = CliRunner().invoke(main, [
        "build", "--config", str(site_folder.config), "--articles", str(site_folder.articles),
        "--output", str(site_folder.output), "--now", NOW, "--cache", str(tmp_path / "c"),
    ])  # fmt: skip
    assert result.exit_code == EXIT_OK, result.output
    together = {p.relative_to(site_folder.output): p.read_bytes()
                for p in site_folder.output.rglob("*") if p.is_file()}  # fmt: skip
    assert together == alone
    assert any("archive" in str(path) for path in together)


def test_archive_documents_read_no_story_body_again(site_folder: SiteFolder, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # The loader keeps each story's lead; only the stories the feeds show are read again.
    import feedpub.load

    site_with_months(site_folder)
    real = feedpub.load.read_body
    read: list[str] = []

    def counting(article):  # type: ignore[no-untyped-def]
        read.append(article.id)
        return real(article)

    monkeypatch.setattr(feedpub.load, "read_body", counting)
    assert build(site_folder).exit_code == EXIT_OK
    shown = set()
    for feed in ("", "politics/", "world/"):
        document = json.loads((site_folder.output / f"{feed}feed.json").read_text())
        shown |= {item["id"].rsplit(":", 1)[1] for item in document["items"]}
    assert sorted(read) == sorted(shown) and len(shown) < 40
    archived = json.loads((site_folder.output / "archive/2026-08/feed.json").read_text())
    assert archived["items"][0]["summary"]  # the lead, from the loader


def test_archives_from_records_in_memory_are_the_same_bytes_over_several_processes(
    site_folder: SiteFolder, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    # Without an index the Articles themselves go out to the workers (no portable fetch).
    import feedpub.build
    from feedpub.build import build_feeds
    from feedpub.load import load_articles, load_site, read_body

    site_with_months(site_folder)
    site = load_site(site_folder.config, site_folder.articles)
    stories = load_articles(site_folder.articles, site, "articles").articles
    moment = datetime.fromisoformat(NOW)
    alone = build_feeds(site, stories, moment, read_body)
    monkeypatch.setattr(feedpub.build, "PARALLEL_ARCHIVES", 1)
    monkeypatch.setattr(feedpub.build, "workers", lambda: 2)
    assert build_feeds(site, stories, moment, read_body) == alone
    assert sum("/archive/" in file.path for file in alone) > 10


def test_a_file_that_workers_cannot_write_is_one_clear_error_and_the_next_run_recovers(
    site_folder: SiteFolder, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    # The workers write archive files themselves (see stage_file): their errors must reach
    # the reader as the main process's own do, and leave nothing a later run trips over.
    import feedpub.build
    from feedpub.cli import EXIT_OUTPUT

    site_with_months(site_folder)
    monkeypatch.setattr(feedpub.build, "PARALLEL_ARCHIVES", 1)
    monkeypatch.setattr(feedpub.build, "workers", lambda: 2)
    (site_folder.output / "politics" / "archive").mkdir(parents=True)
    blocker = site_folder.output / "politics" / "archive" / "2026-09"
    blocker.write_text("not a folder")
    command = [
        "build", "--config", str(site_folder.config), "--articles", str(site_folder.articles),
        "--output", str(site_folder.output), "--now", NOW, "--cache", str(tmp_path / "c"),
    ]  # fmt: skip
    failed = CliRunner().invoke(main, command)
    assert failed.exit_code == EXIT_OUTPUT, failed.output
    assert failed.stderr == f"{blocker}/rss.xml: cannot write (Not a directory)\n"
    blocker.unlink()
    result = CliRunner().invoke(main, command)
    assert result.exit_code == EXIT_OK, result.output
    assert (site_folder.output / "politics" / "archive" / "2026-09" / "rss.xml").is_file()
    assert not [p for p in site_folder.output.rglob("*") if p.name.endswith(".tmp")]


FEED_LINK = re.compile(rb"https://feeds\.test\.example/[^\"'<\s]+")


def dangling_links(files: dict[str, bytes]) -> list[tuple[str, str]]:
    """(file, link) for every link to a feed file that is not there, from the files a
    reader can reach: the feeds, and what their links lead to."""
    dangling = []
    seen = {path for path in files if "/archive/" not in f"/{path}"}  # the feeds
    reach = sorted(seen)
    while reach:
        path = reach.pop()
        for link in FEED_LINK.findall(files[path]):
            target = local(link.decode())
            if target not in files:
                dangling.append((path, target))
            elif target not in seen:
                seen.add(target)
                reach.append(target)
    return dangling


def test_a_run_that_fails_at_any_point_leaves_no_link_dangling_and_no_old_file_changed(
    site_folder: SiteFolder,
) -> None:
    # Run B adds a month before the oldest (linked from August's documents) and one after
    # the newest (linked from the feeds and from December's): however far B's writes got
    # before they failed, every link a reader can follow must lead to a file.
    from feedpub.build import build_feeds
    from feedpub.errors import OutputError
    from feedpub.load import load_articles, load_site, read_body
    from feedpub.model import FeedFile
    from feedpub.publish.local import write_files

    site_with_months(site_folder)
    assert build(site_folder).exit_code == EXIT_OK
    version_a = site_folder.output_files()
    assert dangling_links(version_a) == []
    for month, count in (("2026-07", 6), ("2027-01", 12)):  # 12: more than a feed shows
        for number in range(count):
            story = f"n{month}-{number}"
            site_folder.add(f"{story}.md", record(
                id=story, sections="[politics]" if number % 2 else "[world]",
                published=f"{month}-{2 + number:02}T10:00:00+03:30",
            ))  # fmt: skip
    site = load_site(site_folder.config, site_folder.articles)
    stories = load_articles(site_folder.articles, site, "articles").articles
    version_b = build_feeds(site, stories, datetime.fromisoformat(NOW), read_body)
    changed = [file for file in version_b if version_a.get(file.path) != file.content]
    new = {file.path for file in changed} - set(version_a)
    assert any("/2026-07/" in path for path in new) and any("/2027-01/" in path for path in new)
    assert len(changed) - len(new) >= 9  # the feeds and the documents beside the new months

    def failing_at(position: int) -> Iterator[FeedFile]:
        for number, file in enumerate(version_b):
            if number == position:
                raise OutputError(f"{file.path}: cannot write (injected)")
            yield file

    for position in range(len(version_b) + 1):
        shutil.rmtree(site_folder.output)
        for path, content in version_a.items():
            (site_folder.output / path).parent.mkdir(parents=True, exist_ok=True)
            (site_folder.output / path).write_bytes(content)
        if position < len(version_b):
            with pytest.raises(OutputError, match="injected"):
                write_files(failing_at(position), site_folder.output)
        else:
            write_files(version_b, site_folder.output)
        files = site_folder.output_files()
        assert dangling_links(files) == [], position
        assert not [path for path in files if path.endswith(".tmp")], position
        if position < len(version_b):
            assert {path: files[path] for path in version_a} == version_a, position
            assert set(files) - set(version_a) <= new, position
        else:
            assert files == {file.path: file.content for file in version_b}

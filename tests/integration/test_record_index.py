"""The record index speeds runs up and never changes what they produce."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

from click.testing import CliRunner, Result

from feedpub.cli import EXIT_OK, EXIT_REJECTED, main
from support.sites import SiteFolder, record

NOW = "2026-11-27T12:00:00+03:30"


def build(folder: SiteFolder, output: Path, *extra: str) -> Result:
    return CliRunner().invoke(main, [
        "build", "--config", str(folder.config), "--articles", str(folder.articles),
        "--output", str(output), "--now", NOW, *extra,
    ])  # fmt: skip


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}  # fmt: skip


def cached_paths(folder: SiteFolder) -> list[str]:
    database = folder.root / ".feedpub-cache" / "records.sqlite"
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT path FROM records ORDER BY path").fetchall()
    connection.close()
    return [path for (path,) in rows]


def test_the_index_lives_beside_the_config_not_in_the_output(site_folder: SiteFolder) -> None:
    site_folder.add("a.md", record())
    assert build(site_folder, site_folder.output).exit_code == EXIT_OK
    assert cached_paths(site_folder) == ["a.md"]
    assert not any(p.name.startswith(".feedpub") for p in site_folder.output.rglob("*"))


def test_output_is_the_same_with_a_warm_a_missing_or_a_corrupt_index(
    site_folder: SiteFolder, tmp_path: Path
) -> None:
    for number in range(30):
        site_folder.add(f"r{number:02}.md", record(id=f"r{number:02}", sections="[world]"))
    site_folder.add("bad.md", record(id="bad", headline="no"))
    cold = build(site_folder, tmp_path / "cold")
    assert cold.exit_code == EXIT_REJECTED
    warm = build(site_folder, tmp_path / "warm")
    assert (warm.exit_code, warm.stderr) == (EXIT_REJECTED, cold.stderr)  # problems cached too
    database = site_folder.root / ".feedpub-cache" / "records.sqlite"
    database.write_bytes(b"this is not a database" * 100)
    corrupt = build(site_folder, tmp_path / "corrupt")
    assert corrupt.stderr == cold.stderr
    database.unlink()
    missing = build(site_folder, tmp_path / "missing")
    assert missing.stderr == cold.stderr
    outputs = [files(tmp_path / name) for name in ("cold", "warm", "corrupt", "missing")]
    assert all(output == outputs[0] for output in outputs)


def test_a_changed_record_is_read_again(site_folder: SiteFolder) -> None:
    path = site_folder.add("a.md", record(headline="First"))
    build(site_folder, site_folder.output)
    stat = path.stat()
    path.write_text(record(headline="Second"), encoding="utf-8")  # one letter longer
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # even with the old mtime
    build(site_folder, site_folder.output)
    assert b"Second" in (site_folder.output / "rss.xml").read_bytes()


def test_a_changed_configuration_starts_a_new_index(site_folder: SiteFolder) -> None:
    site_folder.add("a.md", record(sections="[world]"))
    build(site_folder, site_folder.output)
    sections = site_folder.articles / "sections.yaml"
    sections.write_text(sections.read_text().replace("slug: world", "slug: abroad"))
    result = build(site_folder, site_folder.output)
    assert result.exit_code == EXIT_REJECTED  # 'world' is no longer known: judged again
    assert "sections: unknown section 'world'" in result.stderr


def test_removed_records_leave_the_index(site_folder: SiteFolder) -> None:
    site_folder.add("a.md", record(id="a"))
    gone = site_folder.add("b.md", record(id="b"))
    build(site_folder, site_folder.output)
    gone.unlink()
    build(site_folder, site_folder.output)
    assert cached_paths(site_folder) == ["a.md"]


def test_a_cache_folder_can_be_chosen(site_folder: SiteFolder, tmp_path: Path) -> None:
    site_folder.add("a.md", record())
    assert build(site_folder, site_folder.output, "--cache", str(tmp_path / "c")).exit_code == 0
    assert (tmp_path / "c" / "records.sqlite").is_file()


def rendered_feeds(monkeypatch, folder: SiteFolder) -> list[str]:  # type: ignore[no-untyped-def]
    """The feeds a build renders (the others it knows to be current)."""
    from feedpub.build import select

    rendered: list[str] = []
    real = select.FeedRenderer.__call__

    def counting(self, plan):  # type: ignore[no-untyped-def]
        rendered.append(plan.feed.path)
        return real(self, plan)

    monkeypatch.setattr(select.FeedRenderer, "__call__", counting)
    assert build(folder, folder.output).exit_code == EXIT_OK
    monkeypatch.undo()
    return rendered


def test_feeds_whose_inputs_did_not_change_are_not_rendered_again(
    site_folder: SiteFolder, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    site_folder.add("a.md", record(id="a"))
    site_folder.add("b.md", record(id="b", sections="[world]"))
    assert rendered_feeds(monkeypatch, site_folder) == ["", "politics", "world", "photo"]
    before = files(site_folder.output)
    assert rendered_feeds(monkeypatch, site_folder) == []
    assert files(site_folder.output) == before
    site_folder.add("b.md", record(id="b", sections="[world]", body="A new body."))
    assert rendered_feeds(monkeypatch, site_folder) == ["", "world"]


def test_a_feed_file_changed_by_hand_is_written_again(site_folder: SiteFolder, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    site_folder.add("a.md", record())
    rendered_feeds(monkeypatch, site_folder)
    good = (site_folder.output / "world" / "atom.xml").read_bytes()
    (site_folder.output / "world" / "atom.xml").write_bytes(b"<broken")
    (site_folder.output / "photo" / "rss.xml").unlink()
    assert rendered_feeds(monkeypatch, site_folder) == ["world", "photo"]
    assert (site_folder.output / "world" / "atom.xml").read_bytes() == good
    assert (site_folder.output / "photo" / "rss.xml").is_file()


def test_the_clock_moving_past_an_embargo_renders_the_feeds_it_joins(
    site_folder: SiteFolder, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    site_folder.add("a.md", record(id="a"))
    site_folder.add("e.md", record(id="e", sections="[world]",
                                   extra="embargo: 2026-11-27T12:00:00+03:30"))  # fmt: skip
    first = CliRunner().invoke(main, [
        "build", "--config", str(site_folder.config), "--articles", str(site_folder.articles),
        "--output", str(site_folder.output), "--now", "2026-11-27T11:00:00+03:30",
    ])  # fmt: skip
    assert first.exit_code == EXIT_OK
    assert b":e<" not in (site_folder.output / "world" / "rss.xml").read_bytes()
    # The feeds it joins, and the empty photo feed: an empty feed carries the date of
    # the site's newest change, now this story's release.
    assert rendered_feeds(monkeypatch, site_folder) == ["", "world", "photo"]
    assert b":e<" in (site_folder.output / "world" / "rss.xml").read_bytes()


def test_a_cold_parse_over_several_processes_gives_the_same_result(
    site_folder: SiteFolder, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import feedpub.load.articles

    for number in range(40):
        site_folder.add(f"r{number:02}.md", record(id=f"r{number:02}", sections="[world]"))
    site_folder.add("dup.md", record(id="r07"))
    site_folder.add("bad.md", record(id="bad", published="soon"))
    one = build(site_folder, tmp_path / "one", "--cache", str(tmp_path / "c1"))
    monkeypatch.setattr(feedpub.load.articles, "PARALLEL_FROM", 5)
    monkeypatch.setattr(feedpub.load.articles, "workers", lambda: 2)
    several = build(site_folder, tmp_path / "several", "--cache", str(tmp_path / "c2"))
    assert (several.exit_code, several.stderr) == (one.exit_code, one.stderr)
    assert one.stderr.count("\n") == 2
    assert files(tmp_path / "several") == files(tmp_path / "one")


def no_loading(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Make reading the records fail: a run that finds nothing changed must not need to."""
    import feedpub.load

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("records were read")

    monkeypatch.setattr(feedpub.load, "load_articles", refuse)


def test_a_run_with_nothing_changed_reads_no_record_and_says_the_same(
    site_folder: SiteFolder, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    site_folder.add("a.md", record(id="a"))
    site_folder.add("held.md", record(id="held", extra="embargo: 2026-11-28T06:00:00+03:30"))
    site_folder.add("bad.md", record(id="bad", published="soon"))
    site_folder.age()
    first = build(site_folder, site_folder.output, "--json")
    before = files(site_folder.output)
    no_loading(monkeypatch)
    again = build(site_folder, site_folder.output, "--json")
    assert (again.exit_code, again.stderr) == (first.exit_code, first.stderr) == (
        EXIT_REJECTED, first.stderr)  # fmt: skip
    assert "bad.md:5: published" in again.stderr  # the problem is reported every run
    summary, previous = json.loads(again.stdout), json.loads(first.stdout)
    assert summary["feeds"]["written"] == [] and summary["feeds"]["unchanged"] == 12
    assert (summary["records"], summary["held"], summary["next_release"]) == (
        previous["records"], previous["held"], previous["next_release"])  # fmt: skip
    assert files(site_folder.output) == before


def test_a_moment_outside_the_last_runs_span_builds_again(
    site_folder: SiteFolder, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    site_folder.add("a.md", record(id="a", published="2026-11-18T10:42:00+03:30"))
    site_folder.add("b.md", record(id="b", published="2026-11-20T10:42:00+03:30"))
    site_folder.age()
    assert build(site_folder, site_folder.output).exit_code == EXIT_OK
    assert b":b<" in (site_folder.output / "rss.xml").read_bytes()
    earlier = CliRunner().invoke(main, [
        "build", "--config", str(site_folder.config), "--articles", str(site_folder.articles),
        "--output", str(site_folder.output), "--now", "2026-11-19T00:00:00+03:30",
    ])  # fmt: skip
    assert earlier.exit_code == EXIT_OK
    assert b":b<" not in (site_folder.output / "rss.xml").read_bytes()  # not out yet then
    no_loading(monkeypatch)
    later = CliRunner().invoke(main, [
        "build", "--config", str(site_folder.config), "--articles", str(site_folder.articles),
        "--output", str(site_folder.output), "--now", "2026-11-19T23:00:00+03:30",
    ])  # fmt: skip
    assert later.exit_code == EXIT_OK  # still before b: the same span, nothing read


def test_an_upgrade_of_a_rendering_library_builds_again(
    site_folder: SiteFolder, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from feedpub.build import provenance, select

    site_folder.add("a.md", record(id="a"))
    assert build(site_folder, site_folder.output).exit_code == EXIT_OK
    monkeypatch.setattr(provenance, "renderer_files", lambda: "feedgen reinstalled")
    monkeypatch.setattr(provenance, "renderer_versions", lambda: "feedgen 99")
    rendered: list[str] = []
    real = select.FeedRenderer.__call__
    monkeypatch.setattr(select.FeedRenderer, "__call__",
                        lambda self, plan: rendered.append(plan.feed.path) or real(self, plan))  # fmt: skip
    assert build(site_folder, site_folder.output).exit_code == EXIT_OK
    assert rendered == ["", "politics", "world", "photo"]


def test_a_file_changed_again_within_a_timestamp_tick_is_still_read(
    site_folder: SiteFolder,
) -> None:
    # A coarse file-system clock can give two writes a moment apart the same mtime; with
    # the same size and inode the stat cannot tell them apart. A file modified just
    # before a run is therefore read again by the next run, whatever its stat says.
    story = site_folder.add("a.md", record(id="a", headline="First headline"))
    assert build(site_folder, site_folder.output).exit_code == EXIT_OK
    stamp = story.stat()
    with story.open("r+b") as stream:  # in place: the same inode
        stream.write(story.read_bytes().replace(b"First headline", b"Other headline"))
    os.utime(story, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))  # the clock did not move
    assert (story.stat().st_size, story.stat().st_ino) == (stamp.st_size, stamp.st_ino)
    assert build(site_folder, site_folder.output).exit_code == EXIT_OK
    assert b"Other headline" in (site_folder.output / "rss.xml").read_bytes()


def edit(folder: SiteFolder, name: str, headline: str) -> None:
    """Change a record's headline, as an editor would, and date that file (only) out of
    the span in which a run reads a file again whatever its stat."""
    path = folder.articles / name
    path.write_text(path.read_text().replace("headline: ", f"headline: {headline} ", 1))
    moment = path.stat().st_mtime_ns - 3600 * 1_000_000_000
    os.utime(path, ns=(moment, moment))


def same_as_cold(folder: SiteFolder, output: Path, tmp_path: Path, name: str) -> None:
    cold = build(folder, tmp_path / f"cold-{name}", "--cache", str(tmp_path / f"cache-{name}"))
    assert cold.exit_code == EXIT_OK
    assert files(output) == files(tmp_path / f"cold-{name}"), name


def three_stories(folder: SiteFolder) -> None:
    """Three stories, each in a folder of its own (an incremental run looks again only
    at the folders whose files changed), in three sections."""
    for name, section in (("a", "politics"), ("b", "world"), ("c", "photo")):
        folder.add(f"{section}/{name}.md", record(id=name, sections=f"[{section}]"))
    folder.age()


def test_two_outputs_sharing_one_cache_each_see_every_change(
    site_folder: SiteFolder, tmp_path: Path
) -> None:
    # The records are shared; what changed since a build is known only to its output.
    three_stories(site_folder)
    live, preview = tmp_path / "live", tmp_path / "preview"
    assert build(site_folder, live).exit_code == EXIT_OK
    assert build(site_folder, preview).exit_code == EXIT_OK
    edit(site_folder, "politics/a.md", "First edit")
    assert build(site_folder, preview).exit_code == EXIT_OK
    edit(site_folder, "world/b.md", "Second edit")
    assert build(site_folder, live).exit_code == EXIT_OK
    same_as_cold(site_folder, live, tmp_path, "live")
    assert b"First edit" in (live / "politics" / "rss.xml").read_bytes()


def test_two_sites_with_the_same_articles_argument_and_cache_do_not_mix(
    tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    # Each site run from its own folder with --articles articles and one shared --cache.
    sites = {name: SiteFolder(tmp_path / name) for name in ("x", "z")}
    for name, folder in sites.items():
        three_stories(folder)
        edit(folder, "politics/a.md", f"Only in {name}")
    cache = str(tmp_path / "shared-cache")

    def build_in(name: str) -> Result:
        monkeypatch.chdir(sites[name].root)
        return CliRunner().invoke(main, ["build", "--config", "feedpub.yaml", "--articles",
                                         "articles", "--output", "output", "--now", NOW,
                                         "--cache", cache])  # fmt: skip

    assert build_in("x").exit_code == EXIT_OK
    assert build_in("z").exit_code == EXIT_OK
    edit(sites["x"], "world/b.md", "Edited in x")
    assert build_in("x").exit_code == EXIT_OK
    rss = (sites["x"].output / "rss.xml").read_bytes()
    assert b"Only in x" in rss and b"Only in z" not in rss


def test_a_feed_file_deleted_by_hand_is_written_again_with_a_record_edit(
    site_folder: SiteFolder, tmp_path: Path
) -> None:
    three_stories(site_folder)
    assert build(site_folder, site_folder.output).exit_code == EXIT_OK
    (site_folder.output / "world" / "rss.xml").unlink()  # world has no edited story
    edit(site_folder, "politics/a.md", "Edited")
    assert build(site_folder, site_folder.output).exit_code == EXIT_OK
    same_as_cold(site_folder, site_folder.output, tmp_path, "deleted")


def test_content_changed_with_size_and_mtime_kept_is_seen(
    site_folder: SiteFolder, tmp_path: Path
) -> None:
    # A tool that writes a file and sets its mtime back (rsync -t, a restore) leaves size,
    # mtime and inode as they were: the ctime still moves.
    three_stories(site_folder)
    assert build(site_folder, site_folder.output).exit_code == EXIT_OK
    path = site_folder.articles / "politics" / "a.md"
    before = path.stat()
    path.write_text(path.read_text().replace("A headline", "B headline"))  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert build(site_folder, site_folder.output).exit_code == EXIT_OK
    same_as_cold(site_folder, site_folder.output, tmp_path, "utime")
    assert b"B headline" in (site_folder.output / "rss.xml").read_bytes()


def test_a_link_out_of_the_folder_replaced_by_the_file_itself_is_accepted(
    site_folder: SiteFolder, tmp_path: Path
) -> None:
    three_stories(site_folder)
    elsewhere = tmp_path / "elsewhere.md"
    elsewhere.write_text(record(id="linked", sections="[world]"))
    (site_folder.articles / "linked.md").symlink_to(elsewhere)
    site_folder.age()
    assert build(site_folder, site_folder.output).exit_code == EXIT_REJECTED
    (site_folder.articles / "linked.md").unlink()
    os.replace(elsewhere, site_folder.articles / "linked.md")  # the same inode and mtime
    assert build(site_folder, site_folder.output).exit_code == EXIT_OK
    same_as_cold(site_folder, site_folder.output, tmp_path, "link")


def test_a_cache_that_cannot_be_used_is_one_warning_and_the_build_goes_on(
    site_folder: SiteFolder, tmp_path: Path
) -> None:
    # Without a cache every run reads every record: at 100,000 records a quiet run
    # takes a cold build's time, which the operator must hear about.
    site_folder.add("a.md", record(id="a"))
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder should be")
    database = blocked / "records.sqlite"
    result = build(site_folder, site_folder.output, "--cache", str(blocked))
    assert result.exit_code == EXIT_OK
    assert result.stderr == (
        f"{database}: the record index cannot be opened (File exists), so runs read every "
        f"record. Make {blocked} a folder feedpub can write, or pass --cache\n"
    )
    assert b":a<" in (site_folder.output / "rss.xml").read_bytes()
    document = json.loads(build(site_folder, site_folder.output, "--cache", str(blocked),
                                "--json").stdout)  # fmt: skip
    assert document["warnings"] == [result.stderr.rstrip("\n")]
    assert json.loads(build(site_folder, site_folder.output, "--json").stdout)["warnings"] == []


def test_a_build_of_another_output_that_stops_early_still_hides_no_change(
    site_folder: SiteFolder, tmp_path: Path
) -> None:
    # The preview's build reads the edits into the shared records, then stops
    # (--strict, a rejected record): the live output's next build must still see them.
    three_stories(site_folder)
    live, preview = tmp_path / "live", tmp_path / "preview"
    assert build(site_folder, preview).exit_code == EXIT_OK
    assert build(site_folder, live).exit_code == EXIT_OK  # the last complete build
    edit(site_folder, "politics/a.md", "First edit")
    bad = site_folder.add("world/bad.md", record(id="bad", headline="no"))
    moment = bad.stat().st_mtime_ns - 3600 * 1_000_000_000  # out of the racy span
    os.utime(bad, ns=(moment, moment))
    assert build(site_folder, preview, "--strict").exit_code == EXIT_REJECTED
    edit(site_folder, "world/b.md", "Second edit")
    warm = build(site_folder, live)
    cold = build(site_folder, tmp_path / "cold", "--cache", str(tmp_path / "cold-cache"))
    assert (warm.exit_code, warm.stderr) == (cold.exit_code, cold.stderr) == (
        EXIT_REJECTED, cold.stderr,
    )  # fmt: skip
    assert "bad.md" in warm.stderr
    assert files(live) == files(tmp_path / "cold")

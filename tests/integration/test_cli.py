"""``feedpub build`` and ``feedpub check`` end to end: files, exit codes, messages."""

from __future__ import annotations

import contextlib
import json
import os
import pty
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner, Result

from feedpub.cli import EXIT_CONFIG, EXIT_OK, EXIT_OUTPUT, EXIT_REJECTED, PROGRESS_FROM, main
from support.sites import REPO, SiteFolder, record

NOW = "2026-11-27T12:00:00+03:30"


def run(folder: SiteFolder, *args: str) -> Result:
    return CliRunner().invoke(
        main,
        [args[0], "--config", str(folder.config), "--articles", str(folder.articles), *args[1:]],
    )


def build(folder: SiteFolder, *args: str) -> Result:
    return run(folder, "build", "--output", str(folder.output), "--now", NOW, *args)


def test_build_writes_three_formats_for_the_site_and_each_section(site_folder: SiteFolder) -> None:
    site_folder.add("a.md", record())
    result = build(site_folder)
    assert result.exit_code == EXIT_OK, result.output
    assert sorted(site_folder.output_files()) == [
        "atom.xml", "feed.json", "photo/atom.xml", "photo/feed.json", "photo/rss.xml",
        "politics/atom.xml", "politics/feed.json", "politics/rss.xml", "rss.xml",
        "world/atom.xml", "world/feed.json", "world/rss.xml",
    ]  # fmt: skip
    assert result.stdout == (
        f"Built 12 files from 1 record into {site_folder.output}: 12 written, 0 unchanged.\n"
    )


def test_rebuild_with_nothing_changed_rewrites_nothing(site_folder: SiteFolder) -> None:
    site_folder.add("a.md", record())
    site_folder.add("b.md", record(id="b", sections="[world]"))
    assert build(site_folder).exit_code == EXIT_OK
    first = site_folder.output_files()
    stamps = {p: p.stat().st_mtime_ns for p in site_folder.output.rglob("*") if p.is_file()}
    for path in stamps:  # an old mtime: any rewrite would show, however fast the machine
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    result = build(site_folder)
    assert result.stdout.endswith("0 written, 12 unchanged.\n")
    assert site_folder.output_files() == first
    assert {p.stat().st_mtime_ns for p in stamps} == {1_000_000_000}


def test_a_changed_story_rewrites_only_the_feeds_it_is_in(site_folder: SiteFolder) -> None:
    site_folder.add("a.md", record())
    site_folder.add("b.md", record(id="b", sections="[world]"))
    build(site_folder)
    site_folder.add("b.md", record(id="b", sections="[world]", headline="New headline"))
    result = build(site_folder)
    assert result.stdout.endswith("6 written, 6 unchanged.\n")


def test_two_builds_into_new_folders_are_byte_identical(
    site_folder: SiteFolder, tmp_path: Path
) -> None:
    site_folder.add("a.md", record())
    outputs = []
    for name in ("one", "two"):
        result = run(site_folder, "build", "--output", str(tmp_path / name), "--now", NOW)
        assert result.exit_code == EXIT_OK
        outputs.append(
            {
                p.relative_to(tmp_path / name): p.read_bytes()
                for p in (tmp_path / name).rglob("*")
                if p.is_file()
            }
        )
    assert outputs[0] == outputs[1]


def test_bad_records_are_reported_and_good_ones_still_built(site_folder: SiteFolder) -> None:
    site_folder.add("good.md", record(id="good"))
    site_folder.add("bad.md", record(id="bad", sections="[sport]"))
    site_folder.add("worse.md", "no front matter\n")
    result = build(site_folder)
    assert result.exit_code == EXIT_REJECTED
    assert result.stderr == (
        f"{site_folder.articles}/bad.md:6: sections: unknown section 'sport'. "
        "Sections are listed in sections.yaml: politics, world, photo.\n"
        f"{site_folder.articles}/worse.md:1: the record does not start with '---'. "
        "Put the front matter between two '---' lines at the top of the file.\n"
    )
    assert result.stdout.endswith("12 written, 0 unchanged. 2 records rejected (see above).\n")
    assert b"tag:test.example,2026:good" in site_folder.output_files()["rss.xml"]


def test_strict_touches_nothing_when_a_record_is_rejected(site_folder: SiteFolder) -> None:
    site_folder.add("good.md", record(id="good"))
    assert build(site_folder).exit_code == EXIT_OK
    before = site_folder.output_files()
    site_folder.add("new.md", record(id="new"))
    site_folder.add("bad.md", record(id="bad", headline="no"))
    result = build(site_folder, "--strict")
    assert result.exit_code == EXIT_REJECTED
    assert result.stdout == "Nothing written: --strict is set. 1 record rejected (see above).\n"
    assert site_folder.output_files() == before


def test_config_errors_stop_the_build(site_folder: SiteFolder) -> None:
    site_folder.config.write_text(
        site_folder.config.read_text().replace("timezone:", "time_zone:"), encoding="utf-8"
    )
    site_folder.add("a.md", record())
    result = build(site_folder)
    assert result.exit_code == EXIT_CONFIG
    assert result.stderr == (
        f"{site_folder.config}:6: time_zone: unknown key. Did you mean 'timezone'?\n"
    )
    assert not site_folder.output.exists()


def test_a_bad_sections_file_stops_the_build(site_folder: SiteFolder) -> None:
    (site_folder.articles / "sections.yaml").write_text("sections:\n  - {slug: x}\n")
    result = build(site_folder)
    assert result.exit_code == EXIT_CONFIG
    assert "sections.yaml:2: sections[0].title: is required but missing." in result.stderr


def test_an_output_that_cannot_be_written_is_a_clear_error(site_folder: SiteFolder) -> None:
    site_folder.add("a.md", record())
    site_folder.output.write_text("a file, not a folder")
    result = build(site_folder)
    assert result.exit_code == EXIT_OUTPUT
    assert result.stderr == (
        f"{site_folder.output}: is a file, not a folder. Move it away, or choose another --output\n"
    )
    assert "Traceback" not in result.output


def test_an_output_folder_whose_parent_is_missing_is_not_made(site_folder: SiteFolder) -> None:
    # A typo in a cron line must not start a new site somewhere else.
    site_folder.add("a.md", record())
    output = site_folder.root / "typo" / "output"
    result = build(site_folder, "--output", str(output))
    assert (result.exit_code, result.stderr) == (
        EXIT_OUTPUT,
        f"{output}: its folder {output.parent} does not exist. Create it, or check --output\n",
    )
    assert not output.parent.exists()


def test_configuration_paths_that_are_wrong_are_one_clear_line(site_folder: SiteFolder) -> None:
    config, articles = str(site_folder.config), str(site_folder.articles)
    latin1 = site_folder.root / "latin1.yaml"
    latin1.write_bytes(site_folder.config.read_bytes().replace(b"title: ", b"title: Caf\xe9 ", 1))
    line = site_folder.config.read_bytes().split(b"title: ")[0].count(b"\n") + 1
    cases = {
        (articles, articles): f"{articles}: is a folder, not a file. Pass the YAML file's own path.",
        (config, config): f"{config}: is not a folder. Pass the folder of the records with --articles.",
        (config, articles + "-x"): f"{articles}-x: no such folder. Pass the folder of the records with --articles.",
        (str(latin1), articles): f"{latin1}:{line}: is not UTF-8 text. Save it as UTF-8.",
    }  # fmt: skip
    for (given_config, given_articles), message in cases.items():
        result = CliRunner().invoke(main, ["check", "--config", given_config,
                                           "--articles", given_articles])  # fmt: skip
        assert (result.exit_code, result.stderr) == (EXIT_CONFIG, message + "\n")


def test_now_decides_which_stories_are_visible(site_folder: SiteFolder) -> None:
    site_folder.add("a.md", record(id="early", published="2026-11-20T10:00:00+03:30"))
    site_folder.add("b.md", record(id="late", published="2026-11-26T10:00:00+03:30"))
    run(site_folder, "build", "--output", str(site_folder.output), "--now", "2026-11-21T00:00")
    rss = site_folder.output_files()["rss.xml"]
    assert b":early<" in rss and b":late<" not in rss


def test_a_bad_now_is_a_usage_error(site_folder: SiteFolder) -> None:
    result = run(site_folder, "build", "--now", "tomorrow")
    assert result.exit_code == 2
    assert "Error: Invalid value for --now: expected a date and time such as" in result.stderr


def test_check_validates_and_writes_nothing(site_folder: SiteFolder) -> None:
    site_folder.add("a.md", record())
    site_folder.add("bad.md", record(id="x y"))
    result = run(site_folder, "check", "--now", NOW)
    assert result.exit_code == EXIT_REJECTED
    assert (
        result.stdout == "Checked 2 records: 1 good, 12 files would be built. "
        "1 record rejected (see above).\n"
    )
    assert not site_folder.output.exists()


def test_check_keeps_its_own_index_and_never_touches_the_builds(site_folder: SiteFolder) -> None:
    # A check from an editor may run while cron builds: were they to share the index, a
    # busy database would be discarded and the next build would parse every record.
    site_folder.add("a.md", record())
    site_folder.add("bad.md", record(id="x y"))
    assert build(site_folder).exit_code == EXIT_REJECTED
    cache = site_folder.root / ".feedpub-cache"
    builds = cache / "records.sqlite"
    before = (builds.read_bytes(), builds.stat().st_mtime_ns, site_folder.output_files())
    first, second = run(site_folder, "check", "--now", NOW), run(site_folder, "check", "--now", NOW)
    assert (cache / "check.sqlite").is_file()
    assert (builds.read_bytes(), builds.stat().st_mtime_ns, site_folder.output_files()) == before
    said = [(r.exit_code, r.stdout, r.stderr) for r in (first, second)]
    assert said[0] == said[1] and said[0][0] == EXIT_REJECTED
    assert "bad.md:2: id: 'x y' has characters an id cannot have" in said[0][2]


def test_a_second_check_reads_only_the_records_that_changed(
    site_folder: SiteFolder, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import feedpub.load.articles

    for name in "abc":
        site_folder.add(f"{name}.md", record(id=name))
    site_folder.age()
    assert run(site_folder, "check", "--now", NOW).exit_code == EXIT_OK
    read: list[str] = []
    real = feedpub.load.articles.read_record

    def counting(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        read.append(path.name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(feedpub.load.articles, "read_record", counting)
    site_folder.add("b.md", record(id="b", headline="A headline: changed"))  # invalid YAML
    result = run(site_folder, "check", "--now", NOW)
    assert read == ["b.md"]
    assert result.exit_code == EXIT_REJECTED and "b.md:3: YAML syntax error" in result.stderr
    site_folder.add("b.md", record(id="b", headline="Changed"))
    assert run(site_folder, "check", "--now", NOW).exit_code == EXIT_OK
    assert read == ["b.md", "b.md"]


def test_a_check_builds_again_only_the_feeds_whose_stories_changed(
    site_folder: SiteFolder, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import feedpub.build

    built: list[int] = []  # files built by each check

    class Counting(feedpub.build.FeedBuild):
        def staged(self, stage):  # type: ignore[no-untyped-def]
            yield from super().staged(stage)
            built.append(self.feeds - len(self.skipped))

    monkeypatch.setattr(feedpub.build, "FeedBuild", Counting)
    site_folder.add("p.md", record(id="p", sections="[politics]"))
    site_folder.add("w.md", record(id="w", sections="[world]"))
    site_folder.age()
    said = run(site_folder, "check", "--now", NOW).stdout
    assert run(site_folder, "check", "--now", NOW).stdout == said
    site_folder.add("w.md", record(id="w", sections="[world]", headline="Changed"))
    assert run(site_folder, "check", "--now", NOW).exit_code == EXIT_OK
    assert built == [12, 0, 6]  # all; none; the site's feed and World's, three files each


def test_a_check_whose_cache_cannot_be_used_says_so_and_checks_all_the_same(
    site_folder: SiteFolder, tmp_path: Path
) -> None:
    site_folder.add("a.md", record())
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder should be")
    result = run(site_folder, "check", "--now", NOW, "--cache", str(blocked))
    assert result.exit_code == EXIT_OK
    assert result.stdout == "Checked 1 record: 1 good, 12 files would be built.\n"
    assert result.stderr.startswith(f"{blocked / 'check.sqlite'}: the record index cannot be")


def test_a_terminal_is_shown_how_far_the_reading_has_got(site_folder: SiteFolder) -> None:
    # Only on a terminal, and only for big sites: cron's mail and pipes get no counter.
    for number in range(PROGRESS_FROM):
        site_folder.add(f"s{number:04}.md", record(id=f"s{number:04}"))
    for command in (["build", "--output", str(site_folder.output)], ["check"]):
        terminal, stderr = pty.openpty()
        try:
            completed = subprocess.run(
                [sys.executable, "-m", "feedpub", command[0], "--config", str(site_folder.config),
                 "--articles", str(site_folder.articles), "--now", NOW, *command[1:]],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr, timeout=120,
            )  # fmt: skip
        finally:
            os.close(stderr)
        shown = b""
        with contextlib.suppress(OSError):  # EIO once everything written is read
            while chunk := os.read(terminal, 4096):
                shown += chunk
        os.close(terminal)
        assert completed.returncode == EXIT_OK, command
        assert f"Reading records: {PROGRESS_FROM:,}/{PROGRESS_FROM:,}\r\n".encode() in shown, (
            command
        )
    assert run(site_folder, "check", "--now", NOW).stderr == ""  # not a terminal


def test_defaults_read_the_current_folder(site_folder: SiteFolder) -> None:
    site_folder.add("a.md", record())
    completed = subprocess.run(
        [sys.executable, "-m", "feedpub", "build"],
        cwd=site_folder.root,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == EXIT_OK, completed.stderr
    assert (
        completed.stdout == "Built 12 files from 1 record into output: 12 written, 0 unchanged.\n"
    )
    assert (site_folder.root / "output" / "politics" / "atom.xml").is_file()


def test_help_lists_the_commands() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "feedpub", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=REPO,
    )
    assert "build" in completed.stdout and "check" in completed.stdout


def test_output_does_not_depend_on_hash_seed_time_zone_locale_or_clock(
    site_folder: SiteFolder, tmp_path: Path
) -> None:
    site_folder.add("a.md", record(extra="tags: [b, a, c]\nbyline: [Z, A]"))
    site_folder.add("b.md", record(id="b", sections="[world, politics]", city="Kabul"))
    outputs = []
    for name, env in (
        ("one", {"PYTHONHASHSEED": "1", "TZ": "UTC", "LC_ALL": "C"}),
        ("two", {"PYTHONHASHSEED": "4242", "TZ": "America/New_York", "LC_ALL": "C.UTF-8"}),
    ):
        completed = subprocess.run(
            [sys.executable, "-m", "feedpub", "build", "--config", str(site_folder.config),
             "--articles", str(site_folder.articles), "--output", str(tmp_path / name),
             "--now", NOW],
            env={**os.environ, **env}, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert completed.returncode == EXIT_OK, completed.stderr
        outputs.append({p.relative_to(tmp_path / name): p.read_bytes()
                        for p in (tmp_path / name).rglob("*") if p.is_file()})  # fmt: skip
    assert outputs[0] == outputs[1]


def test_removing_a_section_removes_its_feeds(site_folder: SiteFolder) -> None:
    site_folder.add("a.md", record())
    build(site_folder)
    sections = site_folder.articles / "sections.yaml"
    sections.write_text(
        sections.read_text().replace(
            "  - slug: photo\n    title: Photo\n    description: Photo stories.\n", ""
        )
    )
    result = build(site_folder)
    assert result.stdout.endswith("0 written, 9 unchanged, 3 removed.\n")
    assert not (site_folder.output / "photo").exists()


def test_serve_previews_the_output_and_rebuilds_on_change(site_folder: SiteFolder) -> None:
    """`feedpub serve --watch` as a real process: a real socket, a real edit."""
    import http.client
    import socket
    import time

    site_folder.add("a.md", record(headline="First headline"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "feedpub", "serve", "--watch", "--port", str(port)],
        cwd=site_folder.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip

    def fetch() -> tuple[int, str, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", "/politics/atom.xml")
            response = connection.getresponse()
            return response.status, response.getheader("Content-Type") or "", response.read()
        finally:
            connection.close()

    def eventually(check: Callable[[], bool]) -> bool:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if check():
                    return True
            except OSError:
                pass
            time.sleep(0.1)
        return False

    try:
        assert eventually(lambda: fetch()[0] == 200), process.stderr
        status, kind, body = fetch()
        assert status == 200
        assert kind == "application/atom+xml; charset=utf-8"
        assert b"First headline" in body
        site_folder.add("a.md", record(headline="Second headline"))
        assert eventually(lambda: b"Second headline" in fetch()[2])
    finally:
        process.terminate()
        process.communicate(timeout=10)


def test_serve_says_when_there_is_nothing_to_serve_yet(site_folder: SiteFolder) -> None:
    # Without --watch nothing builds the output: an operator who forgot `feedpub build`
    # is told why every request is a 404.
    import http.client
    import socket
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "feedpub", "serve", "--port", str(port)],
        cwd=site_folder.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip

    def status() -> int | None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", "/rss.xml")
            return connection.getresponse().status
        except OSError:
            return None
        finally:
            connection.close()

    try:
        deadline = time.monotonic() + 20
        while (answer := status()) is None and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    # Requests are answered only after the warning is written.
    assert answer == 404
    assert (
        "output: no such folder yet, so every request gets 404. Run 'feedpub build', "
        "or serve with --watch"
    ) in stderr.splitlines()


def test_report_options_given_together_are_a_usage_error(site_folder: SiteFolder) -> None:
    site_folder.add("a.md", record())
    for options in (("-q", "-v"), ("--json", "-q"), ("--json", "-v")):
        result = build(site_folder, *options)
        assert result.exit_code == 2, options
        assert f"{options[0]} and {options[1]} cannot be used together: choose one" in (
            result.output
        )
        assert not site_folder.output.exists()  # said before anything was built
    result = CliRunner().invoke(main, ["publish", "--config", str(site_folder.config),
                                       "--output", str(site_folder.output), "-q", "-v"])  # fmt: skip
    assert result.exit_code == 2
    assert "-q and -v cannot be used together" in result.output


def test_json_says_why_a_run_stopped(site_folder: SiteFolder) -> None:
    # A monitor that reads --json gets a document on the runs that end early too.
    site_folder.add("a.md", record())
    site_folder.output.write_text("a file, not a folder")
    result = build(site_folder, "--json")
    assert result.exit_code == EXIT_OUTPUT
    assert json.loads(result.stdout) == {
        "error": f"{site_folder.output}: is a file, not a folder. Move it away, or choose "
        "another --output",
        "exit_code": EXIT_OUTPUT,
    }


def test_a_record_that_goes_while_the_build_reads_it_exits_7(
    site_folder: SiteFolder, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    # Bodies are read again when a feed is rendered; an editor can remove the file in
    # between. Not a configuration error (3): the next run simply builds what is there.
    from feedpub.build import select
    from feedpub.cli import EXIT_CHANGED

    site_folder.add("a.md", record(id="a"))
    real = select.choose_feeds

    def then_removed(*args, **kwargs):  # type: ignore[no-untyped-def]
        plans = real(*args, **kwargs)
        (site_folder.articles / "a.md").unlink()
        return plans

    monkeypatch.setattr(select, "choose_feeds", then_removed)
    result = build(site_folder)
    assert result.exit_code == EXIT_CHANGED
    assert result.stderr == (
        f"{site_folder.articles}/a.md: cannot be read again (No such file or directory). It "
        "changed during the build: run the build again\n"
    )
    assert not site_folder.output.exists() or not list(site_folder.output.rglob("*.xml"))

"""Running from cron: the lock, exit codes, machine-readable and quiet output, embargoes."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from feedpub.cli import EXIT_LOCKED, EXIT_OK, EXIT_REJECTED
from support.sites import SiteFolder, record

pytestmark = pytest.mark.timeout(60)
NOW = "2026-11-27T12:00:00+03:30"


def feedpub(folder: SiteFolder, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "feedpub", *args], cwd=folder.root, capture_output=True,
        text=True, timeout=60, check=False, **kwargs,  # type: ignore[call-overload]
    )  # fmt: skip


def hold_lock(folder: SiteFolder) -> subprocess.Popen[str]:
    """Another process holding the output folder's lock until it is stopped."""
    folder.output.mkdir(exist_ok=True)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import fcntl, os, sys, time\n"
         f"fd = os.open({str(folder.output)!r}, os.O_RDONLY)\n"
         "fcntl.flock(fd, fcntl.LOCK_EX)\n"
         "print('locked', flush=True)\n"
         "time.sleep(60)\n"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
    return holder


def stop(holder: subprocess.Popen[str]) -> None:
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    if holder.stdout is not None:
        holder.stdout.close()


def test_a_second_run_while_one_holds_the_lock_exits_with_its_own_code(
    site_folder: SiteFolder,
) -> None:
    site_folder.add("a.md", record())
    holder = hold_lock(site_folder)
    try:
        result = feedpub(site_folder, "build", "--now", NOW)
        assert result.returncode == EXIT_LOCKED
        assert result.stderr == (
            "output: another feedpub run is using this folder, and --wait is 0. It is free "
            "again when that run ends; raise --wait to queue behind it.\n"
        )
        assert not (site_folder.output / "rss.xml").exists()
        started = time.monotonic()
        waited = feedpub(site_folder, "build", "--now", NOW, "--wait", "0.5")
        assert waited.returncode == EXIT_LOCKED
        assert "after waiting 0.5 s" in waited.stderr
        assert time.monotonic() - started >= 0.5
    finally:
        stop(holder)


def test_a_waiting_run_goes_ahead_when_the_holder_finishes(site_folder: SiteFolder) -> None:
    site_folder.add("a.md", record())
    holder = hold_lock(site_folder)
    waiting = subprocess.Popen(
        [sys.executable, "-m", "feedpub", "build", "--now", NOW, "--wait", "20"],
        cwd=site_folder.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    time.sleep(0.5)
    assert waiting.poll() is None  # queued behind the holder
    stop(holder)  # SIGKILL: a run that dies takes its lock with it
    _, err = waiting.communicate(timeout=30)
    assert waiting.returncode == EXIT_OK, err
    assert (site_folder.output / "rss.xml").is_file()


def test_the_lock_adds_nothing_to_the_output_folder(site_folder: SiteFolder) -> None:
    site_folder.add("a.md", record())
    assert feedpub(site_folder, "build", "--now", NOW).returncode == EXIT_OK
    assert sorted(p.name for p in site_folder.output.iterdir()) == [
        "atom.xml", "feed.json", "photo", "politics", "rss.xml", "world"]  # fmt: skip
    fd = os.open(site_folder.output, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released when the run ended
    finally:
        os.close(fd)


def test_json_summary(site_folder: SiteFolder) -> None:
    site_folder.add("a.md", record(id="a"))
    site_folder.add("held.md", record(id="held", extra="embargo: 2026-11-28T06:00:00+03:30"))
    site_folder.add("draft.md", record(id="draft", extra="status: draft"))  # never comes out
    site_folder.add("bad.md", record(id="bad", sections="[nope]"))
    result = feedpub(site_folder, "build", "--now", NOW, "--json")
    assert result.returncode == EXIT_REJECTED
    document = json.loads(result.stdout)
    assert document["records"] == {
        "read": 4, "good": 3, "rejected": 1,
        "problems": [{
            "path": "articles/bad.md", "line": 6, "field": "sections",
            "message": "articles/bad.md:6: sections: unknown section 'nope'. Sections are "
                       "listed in sections.yaml: politics, world, photo.",
        }],
    }  # fmt: skip
    assert document["feeds"]["built"] == 12
    assert len(document["feeds"]["written"]) == 12
    assert document["held"] == 1
    assert document["next_release"] == {"id": "held", "at": "2026-11-28T06:00:00+03:30"}
    assert document["publish"] is None
    assert result.stderr.startswith("articles/bad.md:6: sections: unknown section 'nope'.")


def test_the_next_release_is_reported_for_the_operator(site_folder: SiteFolder) -> None:
    site_folder.add("held.md", record(id="held", extra="embargo: 2026-11-28T06:00:00+03:30"))
    result = feedpub(site_folder, "build", "--now", NOW)
    assert result.stdout.splitlines()[-1] == (
        "Next held-back story appears at 2026-11-28T06:00:00+03:30 (held; 1 held in all)."
    )
    later = feedpub(site_folder, "build", "--now", "2026-11-28T06:00:00+03:30")
    assert b":held<" in (site_folder.output / "rss.xml").read_bytes()
    assert "Next held-back" not in later.stdout


def test_quiet_prints_problems_only_and_verbose_lists_files(site_folder: SiteFolder) -> None:
    site_folder.add("a.md", record())
    quiet = feedpub(site_folder, "build", "--now", NOW, "--quiet")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (EXIT_OK, "", "")
    site_folder.add("a.md", record(headline="Changed"))
    verbose = feedpub(site_folder, "build", "--now", NOW, "--verbose")
    assert "  wrote politics/rss.xml\n" in verbose.stdout
    assert "  wrote world/rss.xml" not in verbose.stdout


def test_a_progress_bar_on_a_terminal_only(site_folder: SiteFolder) -> None:
    for number in range(1000):
        site_folder.add(f"r{number:04}.md", record(id=f"r{number:04}"))
    plain = feedpub(site_folder, "build", "--now", NOW)
    assert "Reading records" not in plain.stderr  # cron, pipes, logs: no bar
    shutil.rmtree(site_folder.root / ".feedpub-cache")  # else nothing changed: nothing read
    main_end, tty_end = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "feedpub", "build", "--now", NOW], cwd=site_folder.root,
            stdout=subprocess.PIPE, stderr=tty_end, text=True,
        )  # fmt: skip
        process.communicate(timeout=60)
        os.close(tty_end)
        seen = b""
        while True:
            try:
                chunk = os.read(main_end, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(main_end)
    assert process.returncode == EXIT_OK
    assert b"\rReading records: 1,000/1,000" in seen


def test_exit_codes_are_documented(site_folder: SiteFolder) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for code in range(7):
        assert f"\n| {code} |" in readme

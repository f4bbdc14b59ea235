"""A build killed while its worker processes run leaves nothing behind that blocks the next.

Big builds parse records and write archive documents in worker processes, which inherit
the output folder's lock. When cron's timeout or the out-of-memory killer ends the main
process, the workers must end too (else every later run finds the folder busy), and the
next run must finish the job: every file whole, no temporary left.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from feedpub.cli import EXIT_OK
from support.corpus import write_corpus
from support.sites import SiteFolder

NOW = "2026-11-27T12:00:00+03:30"
RECORDS = 6000  # over PARALLEL_FROM (parsed by workers) and 24 archive documents
ITEMS_PER_FEED = 20  # most stories in archive documents, which workers write


def command(folder: SiteFolder) -> list[str]:
    return [
        sys.executable, "-m", "feedpub", "build", "--quiet", "--config", str(folder.config),
        "--articles", str(folder.articles), "--output", str(folder.output), "--now", NOW,
    ]  # fmt: skip


def processes_of(folder: SiteFolder) -> list[int]:
    """The processes whose command line names this site's output folder."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            line = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if str(folder.output) in line and state != "Z":
            found.append(int(proc.name))
    return found


def wait_until(condition: Callable[[], bool], process: subprocess.Popen[bytes]) -> bool:
    """Poll ``condition`` while ``process`` runs; False if it ended first."""
    while process.poll() is None:
        if condition():
            return True
        time.sleep(0.002)
    return False


def writing_archives(folder: SiteFolder) -> bool:
    return any(folder.output.glob("archive/*/*")) or any(folder.output.glob("*/archive/*/*"))


@pytest.mark.timeout(180)
def test_a_build_killed_while_its_workers_run_leaves_nothing_that_blocks_the_next(
    tmp_path: Path,
) -> None:
    folder = SiteFolder(tmp_path / "site")
    write_corpus(folder, RECORDS, seed=20261127, items_per_feed=ITEMS_PER_FEED)
    first = subprocess.run(command(folder), capture_output=True, text=True, timeout=120)
    assert first.returncode == EXIT_OK, first.stderr
    built = {p.relative_to(folder.output): p.read_bytes() for p in folder.output.rglob("*.*")}
    assert any("archive" in str(path) for path in built)
    cache = folder.config.parent / ".feedpub-cache"

    def parsing() -> bool:  # workers running, nothing written yet
        return len(processes_of(folder)) > 1 and not any(folder.output.iterdir())

    def rendering() -> bool:
        return len(processes_of(folder)) > 1 and writing_archives(folder)

    for phase in (parsing, rendering):
        shutil.rmtree(folder.output)
        shutil.rmtree(cache)  # a cold build: the workers parse and render everything
        folder.output.mkdir()
        build = subprocess.Popen(command(folder), stderr=subprocess.DEVNULL)
        assert wait_until(phase, build), f"the build ended before {phase.__name__}"
        build.kill()
        build.wait(timeout=30)
        deadline = time.monotonic() + 5
        while processes_of(folder) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert processes_of(folder) == [], f"killed while {phase.__name__}: workers remain"
        again = subprocess.run(
            [*command(folder), "--wait", "0"], capture_output=True, text=True, timeout=120
        )
        assert again.returncode == EXIT_OK, again.stderr  # not 6: the folder is free
        assert not [p for p in folder.output.rglob("*") if p.name.endswith(".tmp")]
        assert {
            p.relative_to(folder.output): p.read_bytes() for p in folder.output.rglob("*.*")
        } == built

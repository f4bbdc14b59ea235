"""Crash safety of ``feedpub build``, as a real process: killed, out of disk, refused.

Whatever happens to a build, every file in the output folder is a complete feed: the
previous version or the new one, never half of either.
"""

from __future__ import annotations

import json
import os
import random
import re
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from lxml import etree

from feedpub.cli import EXIT_OK, EXIT_OUTPUT
from feedpub.publish.files import collect_files
from support.corpus import write_corpus
from support.sites import SiteFolder

NOW = "2026-11-27T12:00:00+03:30"
SEED = 20261127
FEEDS = frozenset(
    f"{folder}{name}"
    for folder in ("", "politics/", "world/", "photo/")
    for name in ("rss.xml", "atom.xml", "feed.json")
)
# What a build killed between mkstemp and rename leaves: atomic_write's own temporary.
TEMPORARY = re.compile(r"\.(?P<name>rss\.xml|atom\.xml|feed\.json)\.[^/]+\.tmp")

# The crash test: a site whose build takes 1-2 s, so kills land at every stage of it.
CRASH_RECORDS = 1500
CRASH_ITEMS_PER_FEED = CRASH_RECORDS  # every story is in its feeds, none in archives
KILLS = 20
KILL_BUDGET_SECONDS = 60.0


def build_command(folder: SiteFolder, output: Path) -> list[str]:
    return [
        sys.executable, "-m", "feedpub", "build", "--config", str(folder.config),
        "--articles", str(folder.articles), "--output", str(output), "--now", NOW,
    ]  # fmt: skip


def build(folder: SiteFolder, output: Path) -> None:
    completed = subprocess.run(
        build_command(folder, output), capture_output=True, text=True, timeout=60, check=False
    )
    assert completed.returncode == EXIT_OK, completed.stderr


def feed_files(output: Path) -> dict[str, bytes]:
    """The published files: everything but dot-files, by path relative to ``output``."""
    return {
        path.relative_to(output).as_posix(): path.read_bytes()
        for path in sorted(output.rglob("*"))
        if path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(output).parts)
    }


def hidden_entries(output: Path) -> set[str]:
    return {path.relative_to(output).as_posix() for path in output.rglob(".*")}


def assert_parses(path: str, content: bytes) -> None:
    try:
        if path.endswith(".json"):
            json.loads(content)
        else:
            etree.fromstring(content, etree.XMLParser(resolve_entities=False, no_network=True))
    except (ValueError, etree.XMLSyntaxError) as error:
        pytest.fail(f"{path} does not parse: {error}")


def two_versions(
    folder: SiteFolder, tmp_path: Path, count: int, items_per_feed: int
) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """Build version A into ``folder.output``, then change every record (version B) and
    build B into a folder of its own: the bytes of both versions of every feed."""
    write_corpus(folder, count, seed=SEED, items_per_feed=items_per_feed)
    build(folder, folder.output)
    version_a = feed_files(folder.output)
    write_corpus(folder, count, seed=SEED, items_per_feed=items_per_feed, revision=" v2")
    build(folder, tmp_path / "version-b")
    version_b = feed_files(tmp_path / "version-b")
    assert set(version_a) == set(version_b) == FEEDS
    assert all(version_a[path] != version_b[path] for path in FEEDS)
    return version_a, version_b


def restore(output: Path, version: dict[str, bytes]) -> None:
    """Put every feed back to ``version``; anything else in the folder stays."""
    for path, content in version.items():
        (output / path).write_bytes(content)


# -- SIGKILL -------------------------------------------------------------------------------


def check_after_kill(
    output: Path,
    version_a: dict[str, bytes],
    version_b: dict[str, bytes],
    hidden_before: set[str],
    hidden_at_start: set[str],
) -> str:
    """Every file parses and is version A or version B whole; the only new entries are
    hidden temporaries holding the start of a B file. Says where the kill landed.

    ``hidden_before`` are the hidden entries before any build was killed, and
    ``hidden_at_start`` those when this build started."""
    files = feed_files(output)
    assert set(files) == FEEDS, f"files appeared or vanished: {sorted(set(files) ^ FEEDS)}"
    for path, content in files.items():
        assert_parses(path, content)
        assert content in (version_a[path], version_b[path]), f"{path} is neither A nor B"
    hidden = hidden_entries(output)
    for entry in hidden - hidden_before:
        folder, _, name = entry.rpartition("/")
        match = TEMPORARY.fullmatch(name)
        assert match, f"unexpected file after a kill: {entry}"
        feed = f"{folder}/{match['name']}" if folder else match["name"]
        assert version_b[feed].startswith((output / entry).read_bytes()), entry
    new = sum(files[path] == version_b[path] for path in FEEDS)
    if new == len(FEEDS):
        return "after writing"
    if new == 0 and hidden <= hidden_at_start:
        return "before writing"
    return "while writing"


def measure_build(folder: SiteFolder, version_a: dict[str, bytes]) -> tuple[float, float]:
    """One uninterrupted build from version A: how long it takes, and how long its writes
    take (from the first file's mtime to the last's, plus the first file's own write)."""
    started = time.monotonic()
    build(folder, folder.output)
    duration = time.monotonic() - started
    mtimes = sorted((folder.output / path).stat().st_mtime_ns for path in FEEDS)
    restore(folder.output, version_a)
    span = (mtimes[-1] - mtimes[0]) / 1e9
    return duration, span + span / (len(mtimes) - 1)


def wait_for_first_write(process: subprocess.Popen[str], output: Path) -> None:
    """Return once the build starts writing: a folder or a feed has a new mtime."""
    watched = [output, *{(output / path).parent for path in FEEDS}, *(output / p for p in FEEDS)]

    def mtimes() -> list[int]:
        return [path.stat().st_mtime_ns for path in watched]

    before = mtimes()
    while process.poll() is None and mtimes() == before:
        time.sleep(0.001)


@pytest.mark.timeout(300)
def test_sigkill_at_any_moment_leaves_every_file_old_or_new(tmp_path: Path) -> None:
    folder = SiteFolder(tmp_path / "site")
    version_a, version_b = two_versions(folder, tmp_path, CRASH_RECORDS, CRASH_ITEMS_PER_FEED)
    hidden_before = hidden_entries(folder.output)
    duration, write_span = measure_build(folder, version_a)

    rng = random.Random(SEED)  # noqa: S311 - kill times, not secrets
    landed: Counter[str] = Counter()
    deadline = time.monotonic() + KILL_BUDGET_SECONDS
    for kill in range(KILLS):
        if time.monotonic() > deadline:
            break
        hidden_at_start = hidden_entries(folder.output)
        process = subprocess.Popen(
            build_command(folder, folder.output),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        # A third of the kills land anywhere in the build. The writes are its last ~5%, and
        # a machine's load moves them by more than that, so the others wait for the first
        # write and land somewhere in (or just after) the writes.
        if kill % 3 == 0:
            time.sleep(rng.uniform(0.0, duration))
        else:
            wait_for_first_write(process, folder.output)
            time.sleep(rng.uniform(0.0, write_span * 1.2))
        process.kill()  # SIGKILL; nothing happens if the build already finished
        _, stderr = process.communicate(timeout=60)
        if process.returncode != -signal.SIGKILL:
            assert process.returncode == EXIT_OK, stderr
        landed[
            check_after_kill(folder.output, version_a, version_b, hidden_before, hidden_at_start)
        ] += 1
        restore(folder.output, version_a)  # the next build has every file to write again

    report = f"{dict(landed)}; build {duration:.2f} s, writes {write_span * 1000:.0f} ms"
    assert sum(landed.values()) >= 10, f"too few kills in {KILL_BUDGET_SECONDS:g} s: {report}"
    assert landed["while writing"] >= 1, f"no kill landed while files were written: {report}"

    leftovers = hidden_entries(folder.output) - hidden_before
    build(folder, folder.output)
    assert feed_files(folder.output) == version_b
    # A killed build's temporaries are hidden, and the next build and publish ignore them.
    assert hidden_entries(folder.output) - hidden_before <= leftovers
    assert {file.path for file in collect_files(folder.output)} == FEEDS
    print(f"kills: {report}; hidden temporaries left behind: {len(leftovers)}")  # noqa: T201


# -- A full disk ---------------------------------------------------------------------------


def limit_file_size(limit: int) -> Callable[[], None]:
    """A preexec_fn: writes beyond ``limit`` bytes fail with EFBIG ('File too large').
    Python ignores SIGXFSZ, so the write fails instead of killing the process."""

    def apply() -> None:
        _, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))

    return apply


def one_error_line(stderr: str, output: Path, cause: str) -> str:
    """The feed named by stderr, which must be one line: 'output/FEED: ... (cause)'."""
    assert "Traceback" not in stderr
    match = re.fullmatch(rf"{re.escape(str(output))}/(\S+): [^\n]*\({re.escape(cause)}\)\n", stderr)
    assert match, f"expected one line naming a feed and {cause!r}, got {stderr!r}"
    assert match[1] in FEEDS, stderr
    return match[1]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("fails_at", ["the first file", "a later file"])
def test_a_full_disk_is_a_clear_error_and_leaves_the_files_whole(
    tmp_path: Path, fails_at: str
) -> None:
    folder = SiteFolder(tmp_path / "site")
    version_a, version_b = two_versions(folder, tmp_path, count=150, items_per_feed=150)
    hidden_before = hidden_entries(folder.output)
    sizes = sorted(len(content) for content in version_b.values())
    # Smaller than every feed: the first write fails. One byte short of the largest: the
    # files before it are written, and it fails.
    limit = sizes[0] // 2 if fails_at == "the first file" else sizes[-1] - 1

    completed = subprocess.run(
        build_command(folder, folder.output), capture_output=True, text=True, timeout=60,
        check=False, preexec_fn=limit_file_size(limit),
    )  # fmt: skip

    assert completed.returncode == EXIT_OUTPUT, completed.stderr
    failed = one_error_line(completed.stderr, folder.output, "File too large")
    assert len(version_b[failed]) > limit
    # Every file that was there is byte for byte the same: a failed run changes none
    # (even those it wrote before the failure), so the feeds stay one version.
    assert feed_files(folder.output) == version_a
    assert hidden_entries(folder.output) == hidden_before  # the temporary was removed
    build(folder, folder.output)  # with room again, the next run completes the job
    assert feed_files(folder.output) == version_b


# -- Permission denied ---------------------------------------------------------------------


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A folder other users can read: pytest's own tmp_path is private (0700)."""
    path = Path(tempfile.mkdtemp(prefix="feedpub-crash-safety-"))
    path.chmod(0o755)
    closed = [parent for parent in path.parents if not parent.stat().st_mode & stat.S_IXOTH]
    try:
        if closed:
            pytest.fail(f"{closed[0]} is not searchable by other users; set TMPDIR elsewhere")
        yield path
    finally:
        shutil.rmtree(path)


def open_to_others(root: Path) -> None:
    """Folders 0755, files 0644, whatever the umask: readable by anyone, writable by us."""
    root.chmod(0o755)
    for path in root.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)


def first_closed_folder(path: Path) -> Path | None:
    """The first folder on the way to ``path`` (links followed) others cannot enter."""
    return next(
        (
            parent
            for parent in reversed(Path(os.path.realpath(path)).parents)
            if not parent.stat().st_mode & stat.S_IXOTH
        ),
        None,
    )


def test_an_output_folder_it_may_not_write_is_a_clear_error(shared_tmp: Path) -> None:
    folder = SiteFolder(shared_tmp / "site")
    version_a, _ = two_versions(folder, shared_tmp, count=150, items_per_feed=150)
    hidden_before = hidden_entries(folder.output)
    open_to_others(shared_tmp)  # the output folder stays root's: others may read, not write
    command = build_command(folder, folder.output)

    if os.geteuid() == 0:
        # Root ignores permission bits; without these two capabilities it obeys them.
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--", *command]
    for path in [folder.output, *folder.output.rglob("*")]:
        if path.is_dir():
            path.chmod(0o555)
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=60,
                                   check=False)  # fmt: skip
    finally:
        open_to_others(folder.output)

    assert completed.returncode == EXIT_OUTPUT, completed.stderr
    one_error_line(completed.stderr, folder.output, "Permission denied")
    assert feed_files(folder.output) == version_a
    assert hidden_entries(folder.output) == hidden_before

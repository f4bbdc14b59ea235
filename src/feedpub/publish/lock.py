"""One run at a time per output folder: a lock that dies with its holder.

cron and systemd start ``feedpub build`` every few minutes; a slow run (a big rebuild,
a hanging upload) must not interleave with the next one. The lock is an advisory
``flock`` on the output folder itself, so it adds no file to the folder (which is
published) and the kernel releases it when the process ends, however it ends: a lock
left by a run that was killed is simply taken over. (flock is local to one machine:
on NFS, give each machine its own output folder.)
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from feedpub.errors import FeedpubError, OutputError

POLL_SECONDS = 0.1


class LockBusy(FeedpubError):
    """Another run holds the lock and did not let go within --wait."""


@contextmanager
def run_lock(
    output_dir: Path,
    *,
    wait: float = 0.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[None]:
    """Hold the output folder's lock for the ``with`` block, waiting up to ``wait`` s."""
    try:
        # Only the folder itself is made: a typo in a path's parents is an error, not
        # a new site somewhere else.
        output_dir.mkdir(exist_ok=True)
        fd = os.open(output_dir, os.O_RDONLY | os.O_DIRECTORY)
    except FileNotFoundError as error:
        raise OutputError(
            f"{output_dir}: its folder {output_dir.parent} does not exist. Create it, or "
            "check --output"
        ) from error
    except (FileExistsError, NotADirectoryError) as error:
        raise OutputError(
            f"{output_dir}: is a file, not a folder. Move it away, or choose another --output"
        ) from error
    except OSError as error:
        message = f"{output_dir}: cannot open the output folder ({error.strerror})"
        raise OutputError(message) from error
    try:
        _acquire(fd, output_dir, wait, clock, sleep)
        yield
    finally:
        os.close(fd)  # closing releases the flock


def _acquire(
    fd: int, output_dir: Path, wait: float, clock: Callable[[], float],
    sleep: Callable[[float], None],
) -> None:  # fmt: skip
    deadline = clock() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if clock() >= deadline:
                waited = f"after waiting {wait:g} s" if wait else "and --wait is 0"
                raise LockBusy(
                    f"{output_dir}: another feedpub run is using this folder, {waited}. "
                    "It is free again when that run ends; raise --wait to queue behind it."
                ) from None
            sleep(POLL_SECONDS)

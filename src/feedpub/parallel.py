"""Work spread over processes, in order, with a bounded number of results in flight.

``ProcessPoolExecutor.map`` submits every task at once and keeps every result until
it is consumed, so a cold build of 100,000 records would hold them all in memory.
"""

from __future__ import annotations

import gc
import itertools
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future

T = TypeVar("T")
R = TypeVar("R")


def workers(limit: int = 4) -> int:
    """How many processes are worth starting: one per core, at most ``limit``."""
    return min(os.cpu_count() or 1, limit)


def ordered_map(
    function: Callable[[T], R],
    items: Iterable[T],
    processes: int,
    *,
    chunk: int = 1,
    window: int = 4,
) -> Iterator[R]:
    """``map(function, items)`` over ``processes`` processes, results in input order.
    Items go to a process ``chunk`` at a time (fewer, larger messages), and at most
    ``window`` chunks per process are in flight, so memory stays bounded however many
    items there are. When the system will not start a worker, or one dies (killed for
    memory, say), what is not done yet is done in this process instead."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor  # slow to import; rarely needed
    from concurrent.futures.process import BrokenProcessPool

    # A fork copies only the calling thread: with others running (serve --watch), a
    # clean server process forks the workers instead.
    context = multiprocessing.get_context("forkserver" if threading.active_count() > 1 else None)
    ahead = window * processes
    batches = _batches(items, chunk)
    pending: deque[tuple[tuple[T, ...], Future[list[R]]]] = deque()
    unsent: list[tuple[T, ...]] = []
    try:
        with ProcessPoolExecutor(
            max_workers=processes, mp_context=context, initializer=_start_worker
        ) as pool:
            for batch in batches:
                unsent = [batch]  # until the pool has it (submitting starts the workers)
                pending.append((batch, pool.submit(_run, function, batch)))
                unsent = []
                if len(pending) >= ahead:
                    yield from _first_done(pending)
            while pending:
                yield from _first_done(pending)
    except (OSError, BrokenProcessPool):
        for batch in itertools.chain([batch for batch, _ in pending], unsent, batches):
            yield from _run(function, batch)


def _first_done(pending: deque[tuple[tuple[T, ...], Future[list[R]]]]) -> list[R]:
    """The results of the first batch in flight; it stays in ``pending`` if they fail."""
    results = pending[0][1].result()
    pending.popleft()
    return results


def _start_worker() -> None:
    # What a forked worker inherits is never garbage here: frozen, the cyclic collector
    # stops walking it (more than half of a record's parse time went to that), and its
    # pages are not copied by the walk.
    gc.freeze()
    watch = threading.Thread(target=_exit_with, args=(os.getppid(),), daemon=True)
    watch.start()


def _exit_with(parent: int) -> None:
    """A worker whose run was killed exits too. Otherwise it would wait forever for work
    that never comes (its siblings keep the job queue open), holding all it inherited:
    the output folder's lock among them, so that no later run could start."""
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(1)


def _batches(items: Iterable[T], size: int) -> Iterator[tuple[T, ...]]:
    iterator = iter(items)
    while batch := tuple(itertools.islice(iterator, size)):
        yield batch


def _run(function: Callable[[T], R], batch: tuple[T, ...]) -> list[R]:
    return [function(item) for item in batch]

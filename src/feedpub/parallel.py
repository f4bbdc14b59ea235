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


class Workers:
    """Worker processes for several maps in turn, started when made.

    Started before the caller's memory grows (a cold build's 100,000 stories), forked
    workers share little with it: forked after, they share it all, and the caller then
    copies it page by page as it touches its objects while they run. When the system
    will not start a worker, or one dies (killed for memory, say), every map from then
    on is done in this process instead."""

    def __init__(self, processes: int) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor  # slow to import; rarely needed

        # A fork copies only the calling thread: with others running (serve --watch), a
        # clean server process forks the workers instead.
        context = multiprocessing.get_context(
            "forkserver" if threading.active_count() > 1 else None
        )
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = ProcessPoolExecutor(
            max_workers=processes, mp_context=context, initializer=_start_worker
        )
        try:
            # A pool starts its processes with its first task: this one, now.
            self._pool.submit(int).result()
        except _broken():
            self._give_up()

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exception: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _give_up(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = None

    def map(
        self, function: Callable[[T], R], items: Iterable[T], *, chunk: int = 1, window: int = 4
    ) -> Iterator[R]:
        """``map(function, items)`` over the workers, results in input order. Items go to
        a worker ``chunk`` at a time (fewer, larger messages), and at most ``window``
        chunks per worker are in flight, so memory stays bounded however many items
        there are."""
        ahead = window * self.processes
        batches = _batches(items, chunk)
        pending: deque[tuple[tuple[T, ...], Future[list[R]]]] = deque()
        unsent: list[tuple[T, ...]] = []
        stopped: tuple[type[BaseException], ...] = (*_broken(), _Unavailable)
        try:
            if self._pool is None:
                raise _Unavailable
            for batch in batches:
                unsent = [batch]  # until the pool has it
                pending.append((batch, self._pool.submit(_run, function, batch)))
                unsent = []
                if len(pending) >= ahead:
                    yield from _first_done(pending)
            while pending:
                yield from _first_done(pending)
        except stopped:
            self._give_up()
            for batch in itertools.chain([batch for batch, _ in pending], unsent, batches):
                yield from _run(function, batch)


class _Unavailable(Exception):
    """The workers could not be started, or one died: the work is done here."""


def _broken() -> tuple[type[BaseException], ...]:
    """What a pool raises when it cannot start a worker, or one died."""
    from concurrent.futures.process import BrokenProcessPool

    return (OSError, BrokenProcessPool)


def ordered_map(
    function: Callable[[T], R],
    items: Iterable[T],
    processes: int | Workers,
    *,
    chunk: int = 1,
    window: int = 4,
) -> Iterator[R]:
    """Workers.map, over ``processes`` workers started for it (or those given)."""
    if isinstance(processes, Workers):
        yield from processes.map(function, items, chunk=chunk, window=window)
        return
    with Workers(processes) as started:
        yield from started.map(function, items, chunk=chunk, window=window)


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

"""Work over processes comes back complete and in order, however it is chunked."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading

from feedpub.parallel import ordered_map


def test_results_come_back_in_input_order() -> None:
    items = list(range(-50, 50))
    for chunk, window in ((1, 1), (3, 2), (256, 4)):
        assert list(ordered_map(abs, items, 2, chunk=chunk, window=window)) == [
            abs(item) for item in items
        ]


def test_with_other_threads_running_workers_come_from_a_fork_server(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    methods: list[str | None] = []
    real = multiprocessing.get_context

    def recording(method=None):  # type: ignore[no-untyped-def]
        methods.append(method)
        return real(method)

    monkeypatch.setattr(multiprocessing, "get_context", recording)
    assert list(ordered_map(abs, [-1, -2], 2)) == [1, 2]
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert list(ordered_map(abs, [-3, -4], 2)) == [3, 4]
    finally:
        stop.set()
        other.join()
    assert methods == [None, "forkserver"]


def test_when_no_worker_can_be_started_the_work_is_done_here(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import errno
    import multiprocessing.context

    refused: list[object] = []

    def refuse(process):  # type: ignore[no-untyped-def]
        refused.append(process)
        raise OSError(errno.EAGAIN, "Resource temporarily unavailable")

    for kind in (multiprocessing.context.ForkProcess, multiprocessing.context.ForkServerProcess):
        monkeypatch.setattr(kind, "_Popen", staticmethod(refuse))
    items = list(range(-20, 20))
    assert list(ordered_map(abs, items, 2, chunk=3)) == [abs(item) for item in items]
    assert refused  # the pool did try


PARENT = os.getpid()


def dies_in_a_worker(item: int) -> int:
    if item == 7 and os.getpid() != PARENT:
        os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's out-of-memory killer would
    return item * 2


def test_when_a_worker_dies_what_is_left_is_done_here(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(threading, "active_count", lambda: 1)  # forked, so PARENT is known
    items = list(range(30))
    assert list(ordered_map(dies_in_a_worker, items, 2, chunk=2, window=2)) == [
        item * 2 for item in items
    ]

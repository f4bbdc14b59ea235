"""Work over processes comes back complete and in order, however it is chunked."""

from __future__ import annotations

import multiprocessing
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

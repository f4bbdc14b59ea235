"""Work over processes comes back complete and in order, however it is chunked."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading

from feedpub.parallel import Workers, ordered_map


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


def test_workers_serve_one_map_after_another() -> None:
    with Workers(2) as workers:
        assert list(workers.map(abs, [-1, -2, -3], chunk=2)) == [1, 2, 3]
        assert list(workers.map(str, [4, 5], window=1)) == ["4", "5"]


STATE = "as the workers were made"


def state(_: int) -> str:
    return STATE


def test_workers_are_forked_when_made_not_when_first_used(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # What the caller comes to hold afterwards (a big build's stories) is not theirs.
    import sys

    monkeypatch.setattr(threading, "active_count", lambda: 1)  # forked
    with Workers(2) as workers:
        monkeypatch.setattr(sys.modules[__name__], "STATE", "changed later")
        assert state(0) == "changed later"
        assert list(workers.map(state, [1, 2])) == ["as the workers were made"] * 2


def process_id(_: int) -> int:
    return os.getpid()


def test_after_a_worker_died_later_maps_are_done_here(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(threading, "active_count", lambda: 1)  # forked, so PARENT is known
    with Workers(2) as workers:
        items = list(range(30))
        assert list(workers.map(dies_in_a_worker, items, chunk=2)) == [i * 2 for i in items]
        assert list(workers.map(process_id, [1, 2])) == [os.getpid()] * 2


WORKER_SCRIPT = """
import os, sys, time
from feedpub.parallel import ordered_map

def work(item):
    open(os.path.join(sys.argv[1], f"worker-{os.getpid()}"), "w").close()
    time.sleep(60)
    return item

if __name__ == "__main__":
    list(ordered_map(work, range(8), 2))
"""


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie is gone
    except FileNotFoundError:
        return False


def test_workers_exit_when_the_run_that_started_them_is_killed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Left running, they would hold what they inherited, the output folder's lock among
    # it, and every later run would find the folder busy.
    import subprocess
    import sys
    import time

    script = tmp_path / "run.py"
    script.write_text(WORKER_SCRIPT)
    run = subprocess.Popen([sys.executable, str(script), str(tmp_path)])
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 20
        while len(list(tmp_path.glob("worker-*"))) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        workers = [int(path.name.split("-")[1]) for path in tmp_path.glob("worker-*")]
        assert len(workers) == 2
        run.kill()
        run.wait(timeout=10)
        deadline = time.monotonic() + 5
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [pid for pid in workers if alive(pid)]
    finally:
        run.kill()
        run.wait(timeout=10)
        for pid in workers:  # when the test fails: leave nothing running
            if alive(pid):
                os.kill(pid, signal.SIGKILL)

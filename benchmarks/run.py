"""Benchmark feedpub against a naive script and Hugo on generated corpora.

    python benchmarks/run.py [--sizes 10000 100000] [--repeat 3] [--workdir DIR]

For each size N, the corpus is generated once (generate.py, kept in the work folder by
N and seed and reused while the generator is unchanged), then each scenario is run
``--repeat`` times, every run a fresh child process: wall time with
time.perf_counter, peak resident memory from that child's own rusage (os.wait4). The
table shows the median wall time and the highest peak over the runs, and each time as
a ratio to Hugo's full build measured in the same invocation. Progress goes to stderr,
the machine and the Markdown table to stdout; all the numbers also go to
``WORKDIR/results-<N...>.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402  (a sibling script, not a package)

from feedpub.load.scan import RACY_NS  # noqa: E402

CACHE_DIR_NAME = ".feedpub-cache"  # none yet; a future cache next to the config is cleared
DIRTY = "IN-USE"  # present while run.py has a record edited or added; stale corpus if left


@dataclass
class Row:
    size: int
    scenario: str
    tool: str
    times: list[float] = field(default_factory=list)
    peaks_kb: list[int] = field(default_factory=list)
    trees_kb: list[int | None] = field(default_factory=list)  # see tree_pss_kb
    cpu: list[float] = field(default_factory=list)  # user + system seconds
    ratio: float | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def median_cpu(self) -> float:
        return statistics.median(self.cpu)

    @property
    def peak_mb(self) -> float:
        return max(self.peaks_kb) / 1024

    @property
    def tree_mb(self) -> float | None:
        known = [kb for kb in self.trees_kb if kb is not None]
        return max(known) / 1024 if known else None


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Measurement(NamedTuple):
    wall: float  # seconds
    peak_kb: int  # the largest peak RSS of the child or of a process it reaped
    tree_kb: int | None  # the highest sampled PSS of the whole tree (see tree_pss_kb)
    cpu: float  # user + system seconds, its reaped processes included


def measure(command: list[str], cwd: Path | None = None) -> Measurement:
    """Run ``command`` to completion. Fails on a bad exit. What earlier runs left to be
    written back (a cold build's index, the naive script's files) is flushed first,
    untimed, so that it does not land in this run's time."""
    os.sync()
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)  # noqa: S603
        done = threading.Event()
        peaks: list[int] = []
        sampler = threading.Thread(target=_sample_tree, args=(child.pid, done, peaks))
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            err.seek(0)
            text = err.read().decode("utf-8", "replace")
            raise SystemExit(f"{' '.join(command)} exited with {child.returncode}:\n{text[-4000:]}")
    tree = max(peaks) if peaks else None
    return Measurement(wall, usage.ru_maxrss, tree, usage.ru_utime + usage.ru_stime)


TREE_SAMPLE_S = 0.1


def _sample_tree(root: int, done: threading.Event, peaks: list[int]) -> None:
    while not done.wait(TREE_SAMPLE_S):
        total = tree_pss_kb(root)
        if total is None:
            return  # not Linux: no column
        peaks.append(total)


def tree_pss_kb(root: int) -> int | None:
    """The memory of ``root`` and of every process under it, as Linux counts it in
    proportional set size: a page shared by n of them (a forked worker's inherited
    heap) counts 1/n in each, so the sum is what the tree takes. peak RSS counts one
    process only; a tree of forked workers takes more. None where there is no /proc."""
    children: dict[int, list[int]] = {}
    try:
        entries = [entry.name for entry in os.scandir("/proc") if entry.name.isdigit()]
    except OSError:
        return None
    for name in entries:
        try:
            stat = Path(f"/proc/{name}/stat").read_text()
        except OSError:
            continue  # gone meanwhile
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in rollup.splitlines()
                       if line.startswith("Pss:")), 0)  # fmt: skip
    return total


def generator_hash() -> str:
    digest = hashlib.sha256()
    for name in ("generate.py", "hugo_site.py"):
        digest.update((HERE / name).read_bytes())
    return digest.hexdigest()[:16]


def corpus(workdir: Path, n: int, seed: int) -> Path:
    """The corpus for (n, seed), generated unless an intact one is already there."""
    root = workdir / f"corpus-{n}-seed{seed}"
    manifest = root / "feedpub" / "corpus.json"
    version = generator_hash()
    intact = manifest.exists() and not (root / DIRTY).exists()
    if intact and json.loads(manifest.read_text()).get("generator") == version:
        log(f"[{n}] reusing corpus {root}")
        return root
    if root.exists():
        shutil.rmtree(root)
    log(f"[{n}] generating corpus in {root} ...")
    start = time.perf_counter()
    data = generate.generate(n, root / "feedpub", seed, root / "hugo")
    data["generator"] = version
    manifest.write_text(json.dumps(data, indent=2) + "\n")
    log(f"[{n}] generated in {time.perf_counter() - start:.1f} s: {json.dumps(data['counts'])}")
    # A file modified moments before a scan is read again by the next run (feedpub's
    # RACY_NS): a cold build straight after the generator would make the first "nothing
    # changed" run read the newest folders again.
    time.sleep(RACY_NS / 1e9 + 0.5)
    return root


def replace_line(text: str, key: str, value: str) -> str:
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.startswith(f"{key}: "):
            lines[i] = f"{key}: {value}"
            return "\n".join(lines)
    raise ValueError(f"no {key} line")


def touch(path: Path) -> None:
    now = time.time_ns()
    os.utime(path, ns=(now, now))


def run_size(n: int, args: argparse.Namespace, hugo: str | None) -> list[Row]:
    root = corpus(args.workdir, n, args.seed)
    site = root / "feedpub"
    manifest = json.loads((site / "corpus.json").read_text())
    config, articles = site / "feedpub.yaml", site / "articles"
    output = args.workdir / f"out-{n}-feedpub"
    feedpub = [sys.executable, "-m", "feedpub", "build", "--quiet", "--config", str(config),
               "--articles", str(articles), "--output", str(output),
               "--now", manifest["now"]]  # fmt: skip
    rows: list[Row] = []

    def run(row: Row, command: list[str]) -> None:
        wall, peak, tree, cpu = measure(command)
        row.times.append(wall)
        row.peaks_kb.append(peak)
        row.trees_kb.append(tree)
        row.cpu.append(cpu)
        whole = "" if tree is None else f", tree {tree / 1024:.0f} MB"
        log(f"[{n}] {row.scenario}: {wall:.2f} s, CPU {cpu:.2f} s, {peak / 1024:.0f} MB{whole}")

    cold = Row(n, "feedpub cold build", "feedpub")
    for _ in range(args.repeat):
        shutil.rmtree(output, ignore_errors=True)
        shutil.rmtree(site / CACHE_DIR_NAME, ignore_errors=True)
        run(cold, feedpub)
    rows.append(cold)

    unchanged = Row(n, "feedpub rebuild, nothing changed", "feedpub")
    for _ in range(args.repeat):
        run(unchanged, feedpub)
    rows.append(unchanged)

    newest = site / manifest["newest"]["path"]
    original = newest.read_bytes()
    (root / DIRTY).touch()
    added: list[Path] = []
    try:
        edited = Row(n, "feedpub rebuild, 1 record edited", "feedpub")
        headline = next(line for line in original.decode().split("\n")
                        if line.startswith("headline: "))[len("headline: "):]  # fmt: skip
        for r in range(args.repeat):
            new_headline = f"{headline} (corrected {r + 1})"
            newest.write_text(replace_line(original.decode(), "headline", new_headline))
            touch(newest)
            run(edited, feedpub)
            if new_headline not in (output / "rss.xml").read_text():
                raise SystemExit(f"the edited headline is not in {output}/rss.xml")
        rows.append(edited)
        newest.write_bytes(original)
        touch(newest)
        measure(feedpub)  # back in step with the unedited corpus, not timed

        add = Row(n, "feedpub rebuild, 1 record added", "feedpub")
        published = datetime.fromisoformat(
            next(line for line in original.decode().split("\n")
                 if line.startswith("published: "))[len("published: "):]
        )  # fmt: skip
        for r in range(args.repeat):
            new_id = f"{manifest['newest']['id']}-added{r + 1}"
            text = original.decode()
            text = replace_line(text, "id", new_id)
            text = replace_line(text, "published", (published + timedelta(minutes=r + 1))
                                .isoformat(timespec="seconds"))  # fmt: skip
            lines = text.split("\n")
            text = "\n".join(x for x in lines if not x.startswith(("updated: ", "correction: ")))
            path = newest.with_name(f"{new_id}.md")
            path.write_text(text)
            added.append(path)
            run(add, feedpub)
            if new_id not in (output / "rss.xml").read_text():
                raise SystemExit(f"the added story {new_id} is not in {output}/rss.xml")
        rows.append(add)
    finally:
        newest.write_bytes(original)
        touch(newest)
        for path in added:
            path.unlink(missing_ok=True)
    (root / DIRTY).unlink()

    if not args.no_naive:
        naive = Row(n, "naive script (PyYAML + markdown-it + feedgen)", "naive")
        naive_out = args.workdir / f"out-{n}-naive"
        for _ in range(args.repeat):
            shutil.rmtree(naive_out, ignore_errors=True)
            run(naive, [sys.executable, str(HERE / "naive.py"), str(config), str(articles),
                        str(naive_out)])  # fmt: skip
        rows.append(naive)

    if hugo is not None:
        hugo_row = Row(n, "Hugo full build (RSS per section only)", "hugo")
        hugo_out = args.workdir / f"out-{n}-hugo"
        for _ in range(args.repeat):
            shutil.rmtree(hugo_out, ignore_errors=True)
            run(hugo_row, [hugo, "--quiet", "--source", str(root / "hugo"),
                           "--destination", str(hugo_out)])  # fmt: skip
        rows.append(hugo_row)
        for row in rows:
            row.ratio = row.median / hugo_row.median
    return rows


def machine(hugo: str | None) -> dict[str, str]:
    model = "unknown"
    memory = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    from feedpub import __version__

    info = {
        "cpus": str(len(os.sched_getaffinity(0))),
        "cpu": model,
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "feedpub": __version__,
        "hugo": "not installed",
    }
    if hugo is not None:
        result = subprocess.run([hugo, "version"], capture_output=True, text=True, check=False)  # noqa: S603
        info["hugo"] = result.stdout.strip()
    return info


def table(rows: list[Row], repeat: int) -> str:
    lines = [
        f"| size | scenario | median s ({repeat} runs) | CPU s | peak MB | tree MB "
        "| ratio to Hugo |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        ratio = f"{row.ratio:.2f}" if row.ratio is not None else "–"
        tree = f"{row.tree_mb:.0f}" if row.tree_mb is not None else "–"
        lines.append(f"| {row.size:,} | {row.scenario} | {row.median:.2f} | {row.median_cpu:.2f} | "
                     f"{row.peak_mb:.0f} | {tree} | {ratio} |")  # fmt: skip
    return "\n".join(lines)


def byte_compile_feedpub() -> None:
    """Compile feedpub's modules first (untimed), as ``pip install .`` does. An editable
    install writes them on its first run, unless PYTHONDONTWRITEBYTECODE is set: then
    every run would compile them again, about 50 ms that no installed copy spends."""
    import compileall

    import feedpub

    package = Path(feedpub.__file__).parent
    log(f"byte-compiling {package} (untimed)")
    if not compileall.compile_dir(package, quiet=1):
        raise SystemExit(f"{package}: could not be byte-compiled")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=HERE / "work",
                        help="corpora and outputs (default: benchmarks/work)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    parser.add_argument("--no-hugo", action="store_true", help="skip Hugo even if installed")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive script")
    args = parser.parse_args()
    args.workdir = args.workdir.resolve()
    args.workdir.mkdir(parents=True, exist_ok=True)
    hugo = None if args.no_hugo else shutil.which("hugo")
    info = machine(hugo)
    byte_compile_feedpub()
    rows: list[Row] = []
    start = time.perf_counter()
    for n in args.sizes:
        rows += run_size(n, args, hugo)
    elapsed = time.perf_counter() - start
    print("Machine: " + "; ".join(f"{key} {value}" for key, value in info.items()))
    print(f"Run: {time.strftime('%Y-%m-%d')}, --repeat {args.repeat}, seed {args.seed}, "
          f"{elapsed / 60:.1f} min in all")  # fmt: skip
    if hugo is None:
        print("Hugo: not on PATH (or --no-hugo), so no Hugo row and no ratios.")
    print()
    print(table(rows, args.repeat))
    results = args.workdir / f"results-{'-'.join(map(str, args.sizes))}.json"
    document = {"machine": info, "repeat": args.repeat, "seed": args.seed,
                "rows": [asdict(row) | {"median": row.median, "median_cpu": row.median_cpu,
                                             "peak_mb": row.peak_mb, "tree_mb": row.tree_mb}
                         for row in rows]}  # fmt: skip
    results.write_text(json.dumps(document, indent=2) + "\n")
    log(f"results: {results}")


if __name__ == "__main__":
    main()

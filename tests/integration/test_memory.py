"""What a build holds in memory grows with the number of records by a small entry each,
and not with the length of the stories: a site keeps years of stories, and only the
stories its feeds show are ever rendered whole.

Measured with tracemalloc, in one process (the pool is off, so that every allocation
of the run is counted), as the peak of a build over the memory before it. Not timed.
"""

from __future__ import annotations

import gc
import tracemalloc
from datetime import datetime
from pathlib import Path

import pytest

import feedpub.build
from feedpub.cli.runs import run_build
from feedpub.load import load_site
from support.sites import SiteFolder, record

NOW = datetime.fromisoformat("2026-11-27T12:00:00+03:30")
PER_MONTH = 30  # stories: a bigger site has more months, not bigger ones
# About 1.6 KiB is measured: the record's Listing and Outcome, its place in the walk's
# lists, and its row on the way to the index. Keeping its archive items (the three
# formats of its lead) would make it about 5 KiB.
PER_RECORD = 3 * 1024
SENTENCE = "Officials said on Sunday that the talks on the budget would resume. "  # 12 words


def site(root: Path, count: int, words: int) -> SiteFolder:
    """``count`` stories of about ``words`` words, PER_MONTH a month, in two sections,
    seven to a feed."""
    folder = SiteFolder(root)
    config = folder.config.read_text().replace("items_per_feed: 50", "items_per_feed: 7")
    folder.config.write_text(config)
    for number in range(count):
        month = number // PER_MONTH
        text = SENTENCE * (words // 12)
        folder.add(f"{2010 + month // 12}/s{number:05}.md", record(
            id=f"s{number:05}",
            sections="[politics]" if number % 2 else "[world]",
            published=f"{2010 + month // 12}-{1 + month % 12:02}-{1 + number % 28:02}T10:00:00+03:30",
            body=f"The lead of story {number}.\n\n{text}",
        ))  # fmt: skip
    folder.age()
    return folder


def peak(folder: SiteFolder) -> int:
    """The most memory the build of ``folder`` held at once, in bytes, over what was
    held before it."""
    site_ = load_site(folder.config, folder.articles)
    gc.collect()  # what earlier builds left for the collector is not this build's
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        outcome = run_build(site_, folder.articles, folder.output, NOW)
        held = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert outcome.rejected == 0 and outcome.good > 0
    return held


def least_peak(root: Path, count: int, words: int) -> int:
    """peak() of two builds of the same site, each from scratch: the smaller. Now and
    then a table of the interpreter's own (interned strings, say) doubles during a
    build: a megabyte or two that is no story's."""
    return min(peak(site(root / name, count, words)) for name in ("one", "two"))


@pytest.fixture
def in_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feedpub.build, "workers", lambda limit=4: 1)
    peak(site(tmp_path / "first", 40, 50))  # modules imported on first use are no story's


@pytest.mark.usefixtures("in_one_process")
def test_each_record_adds_a_small_index_entry_not_its_story(tmp_path: Path) -> None:
    smaller = least_peak(tmp_path / "smaller", 600, 120)
    bigger = least_peak(tmp_path / "bigger", 1800, 120)
    assert 0 < (bigger - smaller) / 1200 < PER_RECORD


@pytest.mark.usefixtures("in_one_process")
def test_longer_stories_do_not_make_a_build_hold_more(tmp_path: Path) -> None:
    short = least_peak(tmp_path / "short", 1200, 120)
    long = least_peak(tmp_path / "long", 1200, 2000)
    text = sum(path.stat().st_size for path in (tmp_path / "long" / "one").rglob("*.md"))
    # The feeds show 21 of the stories, whole, in three formats (about 0.7 MB more than
    # short ones is measured); holding every story would add all 13 MB of their text.
    assert long - short < text / 2

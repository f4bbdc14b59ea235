"""The direct writers (archive documents) write exactly what the feedgen path writes.

Archive documents are written as text (build/xmlwriter.py, rss_item, atom_entry,
json_item) rather than through feedgen and lxml. Every feed of the shipped site and of
the test corpus, cut into many small archive documents, and any Feed hypothesis can make
up, must come out byte for byte the same both ways, so everything the validity tests
check of the feedgen path holds of the archives too.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedpub.build.atom import atom_entry, atom_file
from feedpub.build.jsonfeed import json_item, jsonfeed_file
from feedpub.build.rss import rfc822, rss_file, rss_item
from feedpub.build.select import plan_feeds
from feedpub.load import load_articles, load_site, read_body
from feedpub.model import Agency, Category, Dateline, Entry, Feed, Image, Person, xml_safe
from support.sites import make_site

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime.fromisoformat("2027-01-15T12:00:00+03:30")
FEEDS_URL = "https://feeds.test.example/"


def assert_same_both_ways(feed: Feed, feeds_url: str = FEEDS_URL) -> None:
    entries = feed.entries
    rss = rss_file(feed, feeds_url, [rss_item(entry).encode() for entry in entries])
    atom = atom_file(feed, feeds_url, [atom_entry(entry).encode() for entry in entries])
    json = jsonfeed_file(feed, feeds_url, [json_item(entry).encode() for entry in entries])
    assert rss == rss_file(feed, feeds_url)
    assert atom == atom_file(feed, feeds_url)
    assert json == jsonfeed_file(feed, feeds_url)


@pytest.mark.parametrize("site_dir", ["", "tests/corpus/site"], ids=["shipped", "corpus"])
def test_every_feed_of_a_real_site_is_written_the_same_both_ways(site_dir: str) -> None:
    folder = ROOT / site_dir
    site = load_site(folder / "feedpub.yaml", folder / "articles")
    site = dataclasses.replace(site, items_per_feed=2)  # many archive documents
    loaded = load_articles(folder / "articles", site, "articles")
    feeds = plan_feeds(site, loaded.articles, NOW, read_body)
    assert any(feed.archive is not None for feed in feeds)
    assert any(entry.image for feed in feeds for entry in feed.entries)
    for feed in feeds:
        assert_same_both_ways(feed, site.feeds_url)


# Any text the loader lets through: no character XML forbids, white space of every kind.
PIECES = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=4),
    st.sampled_from(["&", "<", ">", '"', "'", "\r", "\n", "\t", "]]>", "\x85", "\u2028", "&amp;"]),
)
TEXT = st.lists(PIECES, max_size=5).map("".join).map(xml_safe)
SOME_TEXT = TEXT.filter(bool)
MAYBE = st.one_of(st.none(), SOME_TEXT)
OFFSETS = st.sampled_from([0, 210, 270, -300, 345, 840, -720]).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
MOMENTS = st.datetimes(
    min_value=datetime(1971, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
    max_value=datetime(2099, 12, 31),  # noqa: DTZ001
    timezones=OFFSETS,
)
AGENCIES = st.builds(
    Agency, abbreviation=SOME_TEXT, name=SOME_TEXT, url=SOME_TEXT, rights=MAYBE, feed_url=MAYBE
)
IMAGES = st.builds(
    Image,
    url=SOME_TEXT,
    caption=MAYBE,
    credit=MAYBE,
    type=SOME_TEXT,
    length=st.one_of(st.none(), st.integers(1, 10**9)),
    width=st.one_of(st.none(), st.integers(1, 9000)),
    height=st.one_of(st.none(), st.integers(1, 9000)),
)
ENTRIES = st.builds(
    Entry,
    id=SOME_TEXT,
    url=SOME_TEXT,
    title=SOME_TEXT,
    summary=TEXT,
    content_html=TEXT,
    published=MOMENTS,
    updated=MOMENTS,
    modified=st.booleans(),
    authors=st.lists(st.builds(Person, name=SOME_TEXT, url=MAYBE), min_size=1, max_size=3).map(
        tuple
    ),
    agency=AGENCIES,
    wire=st.booleans(),
    rights=MAYBE,
    dateline=st.builds(Dateline, city=SOME_TEXT, country=MAYBE),
    dateline_text=TEXT,
    categories=st.lists(
        st.builds(Category, term=SOME_TEXT, label=SOME_TEXT, scheme=SOME_TEXT), max_size=3
    ).map(tuple),
    image=st.one_of(st.none(), IMAGES),
    language=MAYBE,
)
PATHS = st.one_of(st.none(), st.sampled_from(["", "politics", "politics/archive/2026-10"]))
FEEDS = st.builds(
    Feed,
    path=st.sampled_from(["", "politics", "politics/archive/2026-10-2"]),
    id=SOME_TEXT,
    title=SOME_TEXT,
    description=SOME_TEXT,
    home_url=SOME_TEXT,
    language=TEXT,
    updated=MOMENTS,
    rights=TEXT,
    publisher=AGENCIES,
    entries=st.lists(ENTRIES, max_size=3).map(tuple),
    hubs=st.lists(SOME_TEXT, max_size=2).map(tuple),
    archive=st.one_of(st.none(), st.sampled_from(["2026-10", "2026-10-2"])),
    current=PATHS,
    prev_archive=PATHS,
    next_archive=PATHS,
)


@settings(max_examples=150, deadline=None)
@given(feed=FEEDS)
def test_any_feed_is_written_the_same_both_ways(feed: Feed) -> None:
    assert_same_both_ways(feed)


@given(moment=MOMENTS)
def test_rfc822_dates_are_feedgens(moment: datetime) -> None:
    assert rfc822(moment) == moment.strftime("%a, %d %b %Y %H:%M:%S %z")


def test_a_site_with_every_option_off_is_written_the_same_both_ways() -> None:
    site = make_site(copyright="", hubs=())
    agency = site.agencies[0]
    feed = Feed(
        path="", id="x", title="t", description="d", home_url="h", language="", updated=NOW,
        rights="", publisher=dataclasses.replace(agency, url=""), entries=(),
    )  # fmt: skip
    assert_same_both_ways(feed)

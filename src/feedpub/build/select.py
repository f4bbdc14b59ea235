"""Every decision about what goes into which feed, made once for all formats.

Which articles are visible, their order, how many each feed holds, each feed's
``updated`` and identity: the serialisers only write down what is decided here, so
RSS, Atom and JSON Feed cannot drift apart. Pure: no clock, no I/O.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from datetime import UTC, datetime

from feedpub.build.entries import make_entry
from feedpub.model import Article, Entry, Feed, Section, Site

# The date an empty site's feeds carry: fixed, so an empty build is still reproducible.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def newest_first(article: Article) -> tuple[float, str]:
    """Sort key: newest publication first; the same instant falls back to the id."""
    return (-article.published.timestamp(), article.id)


def latest_change(article: Article) -> datetime:
    return article.updated or article.published


def visible(articles: Iterable[Article], now: datetime) -> list[Article]:
    """The articles a reader may see at ``now``: nothing dated in the future."""
    return [article for article in articles if article.published <= now]


def plan_feeds(site: Site, articles: Iterable[Article], now: datetime) -> tuple[Feed, ...]:
    """The combined feed first, then one feed per section in the site's order."""
    shown = visible(articles, now)
    fallback = max((latest_change(a) for a in shown), default=EPOCH, key=_instant)
    entries_for = _RenderedEntries(site)

    def top(pool: Iterable[Article]) -> list[Article]:
        return heapq.nsmallest(site.items_per_feed, pool, key=newest_first)

    feeds = [_combined_feed(site, top(shown), entries_for, fallback)]
    for section in site.sections:
        chosen = top(a for a in shown if section.slug in a.sections)
        feeds.append(_section_feed(site, section, chosen, entries_for, fallback))
    return tuple(feeds)


class _RenderedEntries:
    """Entries for chosen articles; each article is rendered once, however many feeds."""

    def __init__(self, site: Site) -> None:
        self._site = site
        self._done: dict[str, Entry] = {}

    def __call__(self, chosen: list[Article]) -> tuple[Entry, ...]:
        for article in chosen:
            if article.id not in self._done:
                self._done[article.id] = make_entry(article, self._site)
        return tuple(self._done[article.id] for article in chosen)


def _instant(value: datetime) -> float:
    return value.timestamp()


def _feed_updated(chosen: list[Article], fallback: datetime) -> datetime:
    # The newest change among the feed's own items: it moves only when they do.
    return max((latest_change(a) for a in chosen), default=fallback, key=_instant)


def _combined_feed(
    site: Site, chosen: list[Article], entries_for: _RenderedEntries, fallback: datetime
) -> Feed:
    return Feed(
        path="",
        id=f"{site.id_prefix}feeds/",
        title=site.title,
        description=site.description,
        home_url=site.url,
        language=site.language,
        updated=_feed_updated(chosen, fallback),
        rights=site.copyright,
        publisher=site.find_agency(site.agency),
        entries=entries_for(chosen),
        hubs=site.hubs,
    )


def _section_feed(
    site: Site,
    section: Section,
    chosen: list[Article],
    entries_for: _RenderedEntries,
    fallback: datetime,
) -> Feed:
    return Feed(
        path=section.slug,
        id=f"{site.id_prefix}feeds/{section.slug}",
        title=f"{site.title} — {section.title}",
        description=section.description,
        home_url=f"{site.url}{section.slug}/",
        language=section.language or site.language,
        updated=_feed_updated(chosen, fallback),
        rights=site.copyright,
        publisher=site.find_agency(site.agency),
        entries=entries_for(chosen),
        hubs=site.hubs,
    )

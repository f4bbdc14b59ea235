"""Every decision about what goes into which feed, made once for all formats.

Which articles are visible, their order, how many each feed holds, each feed's
``updated`` and identity: the serialisers only write down what is decided here, so
RSS, Atom and JSON Feed cannot drift apart. Pure: no clock, no I/O.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from feedpub.build.entries import make_entry, make_withdrawal_notice
from feedpub.model import Article, Entry, Feed, Section, Site

# The date an empty site's feeds carry: fixed, so an empty build is still reproducible.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def newest_first(article: Article) -> tuple[float, str]:
    """Sort key: newest publication first; the same instant falls back to the id."""
    return (-article.published.timestamp(), article.id)


def killed(article: Article, now: datetime) -> bool:
    """Withdrawn by ``now``: the story leaves the feeds (or a notice replaces it)."""
    return article.withdrawn is not None and article.withdrawn <= now


def latest_change(article: Article, now: datetime) -> datetime:
    if killed(article, now) and article.withdrawn is not None:
        return article.withdrawn
    return article.updated or article.published


def visible(site: Site, articles: Iterable[Article], now: datetime) -> list[Article]:
    """The articles a reader may see at ``now``: no drafts, nothing embargoed or dated in
    the future, and withdrawn stories only as notices (when the site wants them)."""
    return [
        article
        for article in articles
        if article.status != "draft"
        and article.release() <= now
        and (site.withdrawal_notices or not killed(article, now))
    ]


def next_release(articles: Iterable[Article], now: datetime) -> Article | None:
    """The held-back story that appears next (embargo or future date), if any."""
    held = (a for a in articles if a.status != "draft" and a.release() > now)
    return min(held, key=lambda a: (a.release().timestamp(), a.id), default=None)


def plan_feeds(
    site: Site,
    articles: Iterable[Article],
    now: datetime,
    read_body: Callable[[Article], str] = lambda article: article.body,
) -> tuple[Feed, ...]:
    """The combined feed first, then one feed per section in the site's order.
    ``read_body`` fetches a story's Markdown for the few stories that are rendered."""
    shown = visible(site, articles, now)
    fallback = max((latest_change(a, now) for a in shown), default=EPOCH, key=_instant)
    entries_for = _RenderedEntries(site, now, read_body)

    def top(pool: Iterable[Article]) -> list[Article]:
        return heapq.nsmallest(site.items_per_feed, pool, key=newest_first)

    feeds = [_combined_feed(site, top(shown), entries_for, fallback)]
    for section in site.sections:
        chosen = top(a for a in shown if section.slug in a.sections)
        feeds.append(_section_feed(site, section, chosen, entries_for, fallback))
    return tuple(feeds)


class _RenderedEntries:
    """Entries for chosen articles; each article is rendered once, however many feeds."""

    def __init__(self, site: Site, now: datetime, read_body: Callable[[Article], str]) -> None:
        self._site = site
        self._read_body = read_body
        self.now = now
        self._done: dict[str, Entry] = {}

    def __call__(self, chosen: list[Article]) -> tuple[Entry, ...]:
        for article in chosen:
            if article.id not in self._done:
                if killed(article, self.now):
                    self._done[article.id] = make_withdrawal_notice(article, self._site)
                else:
                    body = self._read_body(article)
                    self._done[article.id] = make_entry(article, self._site, body)
        return tuple(self._done[article.id] for article in chosen)


def _instant(value: datetime) -> float:
    return value.timestamp()


def _feed_updated(chosen: list[Article], fallback: datetime, now: datetime) -> datetime:
    # The newest change among the feed's own items: it moves only when they do.
    return max((latest_change(a, now) for a in chosen), default=fallback, key=_instant)


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
        updated=_feed_updated(chosen, fallback, entries_for.now),
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
        updated=_feed_updated(chosen, fallback, entries_for.now),
        rights=site.copyright,
        publisher=site.find_agency(site.agency),
        entries=entries_for(chosen),
        hubs=site.hubs,
    )

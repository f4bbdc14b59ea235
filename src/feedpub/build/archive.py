"""RFC 5005 archive documents, a month of every feed at a time.

A story is in the combined feed's archive and in each of its sections': the documents
of one month are written together, each story's entry made and written once per format
and copied into every document it is in. The direct writers (rss_item, atom_entry,
json_item) write the same bytes as the feedgen path, at a fraction of the cost, which
is what a cold build of a big archive spends most of its time on.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from feedpub.build.atom import atom_entry, atom_file
from feedpub.build.jsonfeed import json_item, jsonfeed_file
from feedpub.build.rss import rss_file, rss_item
from feedpub.build.select import FeedPlan, FeedRenderer, ResolvedPlan, resolve
from feedpub.model import Article, Entry, FeedFile, Listing, Site, archive_order


class _Written(NamedTuple):
    entry: Entry
    rss: bytes  # the items, UTF-8 (see spliced)
    atom: bytes
    json: bytes


def by_month(plans: Iterable[FeedPlan]) -> list[list[FeedPlan]]:
    """Archive plans grouped by their month, newest month first, in their order within."""
    months: dict[str, list[FeedPlan]] = {}
    for plan in plans:
        months.setdefault(archive_order(plan.feed.archive or "")[0], []).append(plan)
    return [months[month] for month in sorted(months, reverse=True)]


def resolve_month(
    plans: list[FeedPlan], fetch: Callable[[Listing], Article]
) -> tuple[ResolvedPlan, ...]:
    """The month's plans resolved, each story fetched once however many documents show it
    (and so sent to another process once: pickle keeps one copy of an object)."""
    fetched: dict[str, Article] = {}

    def fetch_once(listing: Listing) -> Article:
        article = fetched.get(listing.key)
        if article is None:
            article = fetched[listing.key] = fetch(listing)
        return article

    return tuple(resolve(plan, fetch_once) for plan in plans)


def month_files(
    plans: Iterable[ResolvedPlan], site: Site, read_body: Callable[[Article], str]
) -> tuple[FeedFile, ...]:
    """Every file of the month's archive documents, three per document."""
    return tuple(month_documents(plans, site, read_body))


def month_documents(
    plans: Iterable[ResolvedPlan], site: Site, read_body: Callable[[Article], str]
) -> Iterator[FeedFile]:
    """month_files, one file at a time: a busy month of every feed is tens of megabytes
    of bytes, and a caller that writes each file away need not hold them all."""
    return _MonthWriter(site, read_body).files(plans)


class _MonthWriter:
    def __init__(self, site: Site, read_body: Callable[[Article], str]) -> None:
        self._site = site
        self._render = FeedRenderer(site, read_body)
        self._written: dict[tuple[str, bool], _Written] = {}

    def files(self, plans: Iterable[ResolvedPlan]) -> Iterator[FeedFile]:
        url = self._site.feeds_url
        for plan in plans:
            written = [
                self._write(article, notice)
                for article, notice in zip(plan.articles, plan.killed, strict=True)
            ]
            feed = dataclasses.replace(plan.feed, entries=tuple(w.entry for w in written))
            yield rss_file(feed, url, [w.rss for w in written])
            yield atom_file(feed, url, [w.atom for w in written])
            yield jsonfeed_file(feed, url, [w.json for w in written])

    def _write(self, article: Article, notice: bool) -> _Written:
        key = (article.id, notice)
        written = self._written.get(key)
        if written is None:
            entry = self._render.entry(article, notice, archive=True)
            items = (rss_item(entry), atom_entry(entry), json_item(entry))
            written = _Written(entry, *(item.encode("utf-8") for item in items))
            self._written[key] = written
        return written

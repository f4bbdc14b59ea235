"""Every decision about what goes into which feed, made once for all formats.

Which articles are visible, their order, how many each feed holds, each feed's
``updated`` and identity: the serialisers only write down what is decided here, so
RSS, Atom and JSON Feed cannot drift apart. Pure: no clock, no I/O.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.metadata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from feedpub import __version__
from feedpub.model import ARCHIVE_FOLDER, Article, Entry, Feed, Section, Site, file_in

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


@dataclass(frozen=True, slots=True)
class FeedPlan:
    """A feed decided but not yet rendered: its metadata, and the stories it shows."""

    feed: Feed  # everything but the entries
    chosen: tuple[Article, ...]
    killed: tuple[bool, ...]  # per story: shown as a withdrawal notice

    def digest(self, site: Site) -> str:
        """Changes whenever anything the feed's bytes depend on changes: feedpub, the
        site's settings, the feed's own metadata, each story's record (its body file's
        stamp included) and whether it is shown withdrawn."""
        material = [_renderer_versions(), repr(site), repr(self.feed)]
        material += [
            f"{article!r}|{notice}"
            for article, notice in zip(self.chosen, self.killed, strict=True)
        ]
        return hashlib.sha256("\n".join(material).encode()).hexdigest()


@functools.cache
def _renderer_versions() -> str:
    """feedpub's version and those of the libraries that shape the bytes: an upgrade of
    any of them renders every feed again, so a warm build always equals a cold one."""
    versions = [f"feedpub {__version__}"]
    for name in ("feedgen", "lxml", "markdown-it-py", "nh3"):
        try:
            versions.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name} ?")
    return ", ".join(versions)


def choose_feeds(site: Site, articles: Iterable[Article], now: datetime) -> tuple[FeedPlan, ...]:
    """The combined feed, then one feed per section in the site's order, then their
    RFC 5005 archive documents; cheap: nothing is rendered yet.

    A feed shows its newest ``items_per_feed`` stories; every older story is in exactly
    one archive document, one per month of publication (local to the story's own
    offset), linked newest to oldest. So walking back from a feed reaches each story
    once, and a month's document changes only while stories still slide out of the
    feed into it, or when one of its stories changes."""
    shown = visible(site, articles, now)
    fallback = max((latest_change(a, now) for a in shown), default=EPOCH, key=_instant)
    current: list[FeedPlan] = []
    archives: list[FeedPlan] = []

    def plan(feed: Feed, stories: list[Article]) -> FeedPlan:
        feed = dataclasses.replace(feed, updated=_feed_updated(stories, fallback, now))
        return FeedPlan(feed, tuple(stories), tuple(killed(a, now) for a in stories))

    def add(feed: Feed, pool: Iterable[Article]) -> None:
        ordered = sorted(pool, key=newest_first)
        months = _by_month(ordered[site.items_per_feed :])
        folders = [_archive_folder(feed.path, month) for month, _ in months]
        newest = folders[0] if folders else None
        current.append(plan(dataclasses.replace(feed, prev_archive=newest),
                            ordered[: site.items_per_feed]))  # fmt: skip
        for index, (month, stories) in enumerate(months):
            document = dataclasses.replace(
                feed,
                path=folders[index],
                title=f"{feed.title} — archive {month}",
                archive=month,
                hubs=(),  # nobody subscribes to an archive document
                current=feed.path,
                prev_archive=folders[index + 1] if index + 1 < len(folders) else None,
                next_archive=folders[index - 1] if index else None,
            )
            archives.append(plan(document, stories))

    add(_combined_feed(site), shown)
    for section in site.sections:
        add(_section_feed(site, section), (a for a in shown if section.slug in a.sections))
    return (*current, *archives)


def _by_month(ordered: list[Article]) -> list[tuple[str, list[Article]]]:
    """Stories grouped by the month they were published in, newest month first."""
    months: dict[str, list[Article]] = {}
    for article in ordered:
        month = f"{article.published.year:04}-{article.published.month:02}"
        months.setdefault(month, []).append(article)
    return sorted(months.items(), reverse=True)


def _archive_folder(feed_path: str, month: str) -> str:
    return file_in(feed_path, f"{ARCHIVE_FOLDER}/{month}")


def plan_feeds(
    site: Site,
    articles: Iterable[Article],
    now: datetime,
    read_body: Callable[[Article], str] = lambda article: article.body,
) -> tuple[Feed, ...]:
    """Every feed, rendered. ``read_body`` fetches a story's Markdown for the few stories
    that are rendered."""
    render = FeedRenderer(site, now, read_body)
    return tuple(render(plan) for plan in choose_feeds(site, articles, now))


class FeedRenderer:
    """Renders plans into Feeds; a story in several feeds is rendered once."""

    def __init__(self, site: Site, now: datetime, read_body: Callable[[Article], str]) -> None:
        self._entries = _RenderedEntries(site, now, read_body)

    def __call__(self, plan: FeedPlan) -> Feed:
        entries = self._entries(list(plan.chosen), keep=plan.feed.archive is None)
        return dataclasses.replace(plan.feed, entries=entries)


class _RenderedEntries:
    """Entries for chosen articles; each article is rendered once, however many feeds."""

    def __init__(self, site: Site, now: datetime, read_body: Callable[[Article], str]) -> None:
        self._site = site
        self._read_body = read_body
        self.now = now
        self._done: dict[str, Entry] = {}

    def __call__(self, chosen: list[Article], *, keep: bool = True) -> tuple[Entry, ...]:
        """``keep``: remember the entries for later feeds. Without it (archive documents,
        which together hold every story) entries are short and not remembered, so time
        and memory do not grow with the archive's text."""
        # Imported here: Markdown and the sanitiser are only needed when a feed changed.
        from feedpub.build.entries import (
            make_archive_entry,
            make_entry,
            make_withdrawal_notice,
        )

        def render(article: Article) -> Entry:
            if killed(article, self.now):
                return make_withdrawal_notice(article, self._site)
            if not keep:  # an archive document: the lead, not the whole story
                return make_archive_entry(article, self._site, self._read_body(article))
            return make_entry(article, self._site, self._read_body(article))

        entries = []
        for article in chosen:
            entry = (self._done.get(article.id) if keep else None) or render(article)
            if keep:
                self._done[article.id] = entry
            entries.append(entry)
        return tuple(entries)


def _instant(value: datetime) -> float:
    return value.timestamp()


def _feed_updated(chosen: Iterable[Article], fallback: datetime, now: datetime) -> datetime:
    # The newest change among the feed's own items: it moves only when they do.
    return max((latest_change(a, now) for a in chosen), default=fallback, key=_instant)


def _combined_feed(site: Site) -> Feed:
    return Feed(
        path="",
        id=f"{site.id_prefix}feeds/",
        title=site.title,
        description=site.description,
        home_url=site.url,
        language=site.language,
        updated=EPOCH,  # set from the chosen stories
        rights=site.copyright,
        publisher=site.find_agency(site.agency),
        entries=(),
        hubs=site.hubs,
    )


def _section_feed(site: Site, section: Section) -> Feed:
    return Feed(
        path=section.slug,
        id=f"{site.id_prefix}feeds/{section.slug}",
        title=f"{site.title} — {section.title}",
        description=section.description,
        home_url=f"{site.url}{section.slug}/",
        language=section.language or site.language,
        updated=EPOCH,  # set from the chosen stories
        rights=site.copyright,
        publisher=site.find_agency(site.agency),
        entries=(),
        hubs=site.hubs,
    )

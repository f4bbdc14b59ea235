"""Every decision about what goes into which feed, made once for all formats.

Which articles are visible, their order, how many each feed holds, each feed's
``updated`` and identity: the serialisers only write down what is decided here, so
RSS, Atom and JSON Feed cannot drift apart. Pure: no clock, no I/O. Choosing works on
Listings (a few fields per story), so that 100,000 stories cost little; the Articles
of the stories a feed shows are fetched only when it is rendered.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import attrgetter

from feedpub.model import (
    Article,
    Entry,
    Feed,
    Listing,
    Section,
    Site,
    archive_order,
    archive_path,
    feed_time,
    listing_of,
)

# The date an empty site's feeds carry: fixed, so an empty build is still reproducible.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def newest_first(listing: Listing) -> tuple[float, str]:
    """Archive order: newest publication first; the same instant falls back to the id."""
    return (-listing.published, listing.id)


def killed(listing: Listing, now: float) -> bool:
    """Withdrawn by ``now``: the story leaves the feeds (or a notice replaces it)."""
    return listing.withdrawn is not None and listing.withdrawn <= now


def visible(site: Site, listings: Iterable[Listing], now: datetime) -> list[Listing]:
    """The stories a reader may see at ``now``: no drafts, nothing embargoed or dated in
    the future, and withdrawn stories only as notices (when the site wants them)."""
    moment = now.timestamp()
    notices = site.withdrawal_notices
    return [
        listing
        for listing in listings
        if not listing.draft
        and listing.release <= moment
        and (notices or listing.withdrawn is None or listing.withdrawn > moment)
    ]


def held_back(listings: Iterable[Listing], now: datetime) -> list[Listing]:
    """The stories that appear later (embargo or future date): not drafts, which no
    moment brings out."""
    moment = now.timestamp()
    return [item for item in listings if not item.draft and item.release > moment]


def next_release(listings: Iterable[Listing], now: datetime) -> Listing | None:
    """The held-back story that appears next, if any."""
    return min(held_back(listings, now), key=lambda item: (item.release, item.id), default=None)


def stable_span(listings: Iterable[Listing], now: datetime) -> tuple[float | None, float | None]:
    """The moments around ``now`` at which every feed shows what it shows at ``now``:
    from the last release or withdrawal at or before it, until the next one after it
    (None: no such event). Within the span the same records give the same feeds."""
    moment = now.timestamp()
    events = [item.release for item in listings if not item.draft]
    events += [item.withdrawn for item in listings if item.withdrawn is not None]
    since = max((event for event in events if event <= moment), default=None)
    until = min((event for event in events if event > moment), default=None)
    return since, until


def latest_change(article: Article, notice: bool) -> datetime:
    """The newest date a story shows: its withdrawal when shown as a notice."""
    if notice and article.withdrawn is not None:
        return article.withdrawn
    return article.last_change()


@dataclass(frozen=True, slots=True)
class FeedPlan:
    """A feed decided but not yet rendered: its metadata, and the stories it shows."""

    feed: Feed  # everything but the entries and ``updated``, set when rendered
    chosen: tuple[Listing, ...]
    killed: tuple[bool, ...]  # per story: shown as a withdrawal notice
    # An empty feed is dated by the site's most recently changed story (and whether
    # that story is shown withdrawn); None when the site shows no story at all.
    fallback: tuple[Listing, bool] | None = None

    def digest(self, site_material: str) -> str:
        """Changes whenever anything the feed's bytes depend on changes: ``site_material``
        (feedpub, its libraries, the site's settings), the feed's own metadata, each
        story's record (its body file's stamp included) and whether it is shown
        withdrawn. Computed from listings alone: an unchanged feed fetches no story."""
        material = [site_material, repr(self.feed)]
        material += [
            f"{listing.fingerprint}|{notice}"
            for listing, notice in zip(self.chosen, self.killed, strict=True)
        ]
        if not self.chosen and self.fallback is not None:
            material.append(f"dated by {self.fallback[0].fingerprint}|{self.fallback[1]}")
        return hashlib.sha256("\n".join(material).encode()).hexdigest()


def choose_feeds(site: Site, listings: Iterable[Listing], now: datetime) -> tuple[FeedPlan, ...]:
    """The combined feed, then one feed per section in the site's order, then their
    RFC 5005 archive documents; cheap: nothing is fetched or rendered yet.

    A feed shows the ``items_per_feed`` stories with the newest feed_time (published,
    corrected or withdrawn most recently); every other story is in exactly one archive
    document, one per month of publication (in the site's time zone, so that months
    follow each other in time), linked newest to oldest. So walking back from a feed
    reaches each story once, newest first, and a month's document changes only while
    stories still slide out of the feed into it, or when one of its stories changes."""
    moment = now.timestamp()
    shown = in_feed_order(visible(site, listings, now), moment)
    newest = shown[0] if shown else None
    fallback = None if newest is None else (newest, killed(newest, moment))
    current: list[FeedPlan] = []
    archives: list[FeedPlan] = []

    def add(feed: Feed, ordered: list[Listing]) -> None:
        documents = [
            document
            for month, stories in _by_month(ordered[site.items_per_feed :])
            for document in archive_documents(month, in_archive_order(stories))
        ]
        plans = feed_documents(feed, ordered[: site.items_per_feed], [d for d, _ in documents],
                               dict(documents), moment, fallback)  # fmt: skip
        current.append(plans[0])
        archives.extend(plans[1:])

    add(combined_feed(site), shown)
    by_section: dict[str, list[Listing]] = {section.slug: [] for section in site.sections}
    for listing in shown:  # already in order, so each section's list is too
        for slug in set(listing.sections):
            if slug in by_section:
                by_section[slug].append(listing)
    for section in site.sections:
        add(section_feed(site, section), by_section[section.slug])
    return (*current, *archives)


ARCHIVE_PART = 500  # stories per archive document: a bigger month is split into parts


def archive_documents(month: str, stories: list[Listing]) -> list[tuple[str, list[Listing]]]:
    """A month's archived stories (in_archive_order) as archive documents, newest first:
    one when they fit, else parts of ARCHIVE_PART counted from the oldest story, named
    "2026-10", "2026-10-2", ... Stories slide into a month at its newest end, so only
    its newest part changes then, and no document grows past a few hundred stories."""
    count = len(stories)
    if count <= ARCHIVE_PART:
        return [(month, stories)]
    parts = -(-count // ARCHIVE_PART)
    return [
        (month if part == 1 else f"{month}-{part}",
         stories[max(count - part * ARCHIVE_PART, 0) : count - (part - 1) * ARCHIVE_PART])
        for part in range(parts, 0, -1)
    ]  # fmt: skip


def feed_documents(
    feed: Feed,
    current: list[Listing],
    months: list[str],
    members: dict[str, list[Listing]],
    now: float,
    fallback: tuple[Listing, bool] | None = None,
) -> list[FeedPlan]:
    """The plans of one feed: the feed itself (``current``, its newest stories), then each
    archive document in ``members``. ``months`` names every archive document of the
    feed, newest first (see archive_documents), for the links between them; ``members``
    may hold only some (an incremental run plans only the documents that changed)."""
    folders = {month: archive_path(feed.path, month) for month in months}

    def plan(document: Feed, stories: list[Listing]) -> FeedPlan:
        flags = tuple(killed(item, now) for item in stories)
        return FeedPlan(document, tuple(stories), flags, None if stories else fallback)

    newest = folders[months[0]] if months else None
    plans = [plan(dataclasses.replace(feed, prev_archive=newest), current)]
    for index, month in enumerate(months):
        if month not in members:
            continue
        document = dataclasses.replace(
            feed,
            path=folders[month],
            title=f"{feed.title} — archive {_document_title(month)}",
            archive=month,
            hubs=(),  # nobody subscribes to an archive document
            current=feed.path,
            prev_archive=folders[months[index + 1]] if index + 1 < len(months) else None,
            next_archive=folders[months[index - 1]] if index else None,
        )
        plans.append(plan(document, members[month]))
    return plans


def in_feed_order(listings: list[Listing], now: float) -> list[Listing]:
    """Newest feed_time first, then by id: what the feeds show, and which stories they
    let go to the archive. Two stable sorts, on attributes when no story is shown
    withdrawn: no Python call per story, which matters at 100,000."""
    listings.sort(key=attrgetter("id"))
    if any(killed(item, now) for item in listings):
        listings.sort(key=lambda item: feed_time(item, now), reverse=True)
    else:
        listings.sort(key=attrgetter("changed"), reverse=True)  # stable: ids stay in order
    return listings


def in_archive_order(listings: list[Listing]) -> list[Listing]:
    """Sorted as by newest_first, the order within a month's archive documents."""
    listings.sort(key=attrgetter("id"))
    listings.sort(key=attrgetter("published"), reverse=True)
    return listings


def _document_title(name: str) -> str:
    month, part = archive_order(name)
    return month if part == 1 else f"{month}, part {part}"


def _by_month(ordered: list[Listing]) -> list[tuple[str, list[Listing]]]:
    """Stories grouped by the month they were published in, newest month first."""
    months: dict[str, list[Listing]] = {}
    for listing in ordered:
        month = months.get(listing.month)
        if month is None:
            months[listing.month] = [listing]
        else:
            month.append(listing)
    return sorted(months.items(), reverse=True)


@dataclass(frozen=True, slots=True)
class ResolvedPlan:
    """A plan with its stories fetched and its date set: all that rendering needs, and
    small enough to hand to another process."""

    feed: Feed
    articles: tuple[Article, ...]
    killed: tuple[bool, ...]


def resolve(plan: FeedPlan, fetch: Callable[[Listing], Article]) -> ResolvedPlan:
    """Fetch the plan's stories and date the feed: the newest change among its own items
    (so it moves only when they do), else that of the site's newest story."""
    articles = tuple(fetch(listing) for listing in plan.chosen)
    dates = [latest_change(a, notice) for a, notice in zip(articles, plan.killed, strict=True)]
    if not dates and plan.fallback is not None:
        dates = [latest_change(fetch(plan.fallback[0]), plan.fallback[1])]
    updated = max(dates, default=EPOCH, key=_instant)
    return ResolvedPlan(dataclasses.replace(plan.feed, updated=updated), articles, plan.killed)


class FeedRenderer:
    """Renders resolved plans into Feeds; a story in several feeds is rendered once."""

    def __init__(self, site: Site, read_body: Callable[[Article], str]) -> None:
        self._site = site
        self._read_body = read_body
        self._done: dict[str, Entry] = {}

    def __call__(self, plan: ResolvedPlan) -> Feed:
        archive = plan.feed.archive is not None
        entries = tuple(
            self.entry(article, notice, archive=archive)
            for article, notice in zip(plan.articles, plan.killed, strict=True)
        )
        return dataclasses.replace(plan.feed, entries=entries)

    def entry(self, article: Article, notice: bool, *, archive: bool = False) -> Entry:
        """The story as a feed shows it; an archive document shows its lead, not the
        whole story. Feeds' entries are kept for later feeds, archive documents' not:
        together they hold every story (archive.py keeps a month's)."""
        # Imported here: Markdown and the sanitiser are only needed when a feed changed.
        from feedpub.build.entries import make_archive_entry, make_entry, make_withdrawal_notice

        keep = not archive
        done = self._done.get(article.id) if keep else None
        if done is not None:
            return done
        if notice:
            entry = make_withdrawal_notice(article, self._site)
        elif keep:
            entry = make_entry(article, self._site, self._read_body(article))
        else:
            lead = article.lead
            if lead is None:  # not set by the loader: derive it from the body
                from feedpub.build.lead import lead_text

                lead = lead_text(self._read_body(article))
            entry = make_archive_entry(article, self._site, lead)
        if keep:
            self._done[article.id] = entry
        return entry


def plan_feeds(
    site: Site,
    articles: Iterable[Article],
    now: datetime,
    read_body: Callable[[Article], str] = lambda article: article.body,
) -> tuple[Feed, ...]:
    """Every feed of records held in memory, rendered (for tests and small tools)."""
    by_key = {article.id: article for article in articles}
    listings = [listing_of(article, key, zone=site.zone) for key, article in by_key.items()]
    render = FeedRenderer(site, read_body)
    return tuple(
        render(resolve(plan, lambda listing: by_key[listing.key]))
        for plan in choose_feeds(site, listings, now)
    )


def _instant(value: datetime) -> float:
    return value.timestamp()


def combined_feed(site: Site) -> Feed:
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


def section_feed(site: Site, section: Section) -> Feed:
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

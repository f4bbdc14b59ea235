"""Typed, immutable records shared by every stage: load -> build -> publish.

Datetimes are always aware; the loader never lets a naive one through, and the
offset a record was written with (e.g. +03:30) is kept all the way to the feed.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import NamedTuple
from zoneinfo import ZoneInfo

# The files of every feed, and the folder of its RFC 5005 archive documents
# (<feed>/archive/YYYY-MM/): build writes them, publish and the output folder's
# upkeep recognise them by these names.
FEED_FILENAMES = ("rss.xml", "atom.xml", "feed.json")
ARCHIVE_FOLDER = "archive"


def file_in(folder: str, filename: str) -> str:
    """A path under output/: ``folder`` is "" for the site's own feeds."""
    return f"{folder}/{filename}" if folder else filename


def archive_path(feed_path: str, name: str) -> str:
    """The folder of a feed's archive document ``name`` ("2026-10", "2026-10-2")."""
    return file_in(feed_path, f"{ARCHIVE_FOLDER}/{name}")


def in_archive(file_path: str) -> bool:
    """Whether a file under output/ is an archive document's (<feed>/archive/<name>/)."""
    return feed_document(file_path.rpartition("/")[0])[1] != ""


def feed_document(path: str) -> tuple[str, str]:
    """The inverse of archive_path: (feed, name) of an archive document's folder, and
    (feed, "") of a feed's own."""
    head, archive, name = path.rpartition(f"{ARCHIVE_FOLDER}/")
    if archive and (not head or head.endswith("/")):
        return head.rstrip("/"), name
    return path, ""


def archive_order(name: str) -> tuple[str, int]:
    """An archive document's month and part (1 unless its month is split): "2026-10-2"
    is part 2 of October 2026. Sorting by it orders documents oldest first."""
    return name[:7], int(name[8:] or 1)


# What XML 1.0 §2.2 leaves out of Char, so it cannot appear in a feed and is dropped on
# load. Written as the few it leaves out: the negated class of what Char allows is the
# same set, and costs every run several milliseconds to compile.
_NOT_XML_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids (control characters, lone surrogates)."""
    if text.isascii() and text.isprintable():  # most fields: nothing to look for
        return text
    return _NOT_XML_CHAR.sub("", text)


# The same characters as they appear in UTF-8: the C0 controls but tab, line feed and
# carriage return, and U+FFFE, U+FFFF (EF BF BE, EF BF BF). Lone surrogates never
# survive a strict decode, so they need no looking for.
_XML_FORBIDDEN_BYTES = bytes(set(range(0x20)) - {0x09, 0x0A, 0x0D})


def xml_clean(data: bytes) -> bool:
    """Whether UTF-8 ``data`` holds nothing xml_safe would drop. Several times faster
    than xml_safe on a whole story, whose em dash or Persian text makes xml_safe's
    first test fail: on a cold build every body is checked."""
    if len(data.translate(None, _XML_FORBIDDEN_BYTES)) != len(data):
        return False
    # One search for what both start with: each search is a pass over the whole story.
    return b"\xef\xbf" not in data or (b"\xef\xbf\xbe" not in data and b"\xef\xbf\xbf" not in data)


@dataclass(frozen=True, slots=True, kw_only=True)
class Agency:
    """A news agency that files stories, e.g. FNA or a wire service."""

    abbreviation: str
    name: str
    url: str
    rights: str | None = None  # e.g. the wire service's licence line, shown on its stories
    feed_url: str | None = None  # the agency's own feed: what RSS <source url> should point at


@dataclass(frozen=True, slots=True, kw_only=True)
class Person:
    """A byline, or the agency itself when a story carries none."""

    name: str
    url: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Section:
    """A section of the site, e.g. Politics; each gets its own feeds."""

    slug: str
    title: str
    description: str
    language: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DirTarget:
    """Another local folder, e.g. a web server's document root."""

    name: str
    path: str


@dataclass(frozen=True, slots=True, kw_only=True)
class S3Target:
    """A bucket on AWS S3 or any S3-compatible service (credentials: boto3's chain)."""

    name: str
    bucket: str
    prefix: str = ""
    region: str | None = None
    endpoint_url: str | None = None
    cache_control: str = "max-age=300"
    gzip: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class SftpTarget:
    """A folder on a host reached over SFTP (key file or agent; host key verified)."""

    name: str
    host: str
    user: str
    path: str
    port: int = 22
    key_file: str | None = None
    known_hosts: str = "~/.ssh/known_hosts"


Target = DirTarget | S3Target | SftpTarget


@dataclass(frozen=True, slots=True, kw_only=True)
class Site:
    """Everything feedpub.yaml says about the site and how feeds are built."""

    title: str
    description: str
    url: str
    feeds_url: str
    language: str
    timezone: str
    copyright: str
    id_prefix: str
    agency: str
    agencies: tuple[Agency, ...]
    dateline_format: str
    items_per_feed: int
    sections: tuple[Section, ...] = ()
    targets: tuple[Target, ...] = ()
    hubs: tuple[str, ...] = ()  # WebSub hubs the feeds advertise and are announced to
    withdrawal_notices: bool = True  # a withdrawn story is replaced by a notice item

    @property
    def zone(self) -> tzinfo:
        """The site's time zone (checked when feedpub.yaml was read)."""
        return ZoneInfo(self.timezone)

    def find_agency(self, abbreviation: str) -> Agency:
        for agency in self.agencies:
            if agency.abbreviation == abbreviation:
                return agency
        raise KeyError(abbreviation)


@dataclass(frozen=True, slots=True, kw_only=True)
class Dateline:
    """Where a story was filed from; rendered as e.g. ``TEHRAN (FNA) –``."""

    city: str
    country: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Image:
    """A photo attached to a story, with its credit."""

    url: str
    caption: str | None = None
    credit: str | None = None
    type: str = "image/jpeg"
    length: int | None = None
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """Where a record came from, for error messages: path and line of its first key."""

    path: str
    line: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Article:
    """One story as its record gives it; the body is still Markdown."""

    id: str
    headline: str
    dateline: Dateline
    published: datetime
    sections: tuple[str, ...]
    agency: str
    body: str = ""  # empty for loaded records: see body_path
    updated: datetime | None = None
    byline: tuple[str, ...] = ()
    summary: str | None = None
    tags: tuple[str, ...] = ()
    image: Image | None = None
    language: str | None = None
    url: str | None = None
    status: str = "published"  # or "draft" (never shown) or "withdrawn" (a kill)
    embargo: datetime | None = None  # not shown before this moment
    correction: str | None = None  # shown at the end of the story
    withdrawn: datetime | None = None  # when a withdrawn story was killed
    withdrawal_note: str | None = None
    source: Source | None = None
    # Loaded records leave ``body`` empty and name the file instead: bodies are read
    # again only for the stories a feed shows, so memory does not grow with the archive.
    body_path: str | None = None
    stamp: str = ""  # size, mtime and inode of the record file: changes when the body does
    # The body's first paragraph as plain text, set by the loader while it has the body
    # (None: not computed, derive it from the body). Archive entries show it.
    lead: str | None = None

    def release(self) -> datetime:
        """The moment the story may first appear: no feed shows a date from the future."""
        return max(
            (moment for moment in (self.published, self.embargo, self.updated) if moment),
            key=lambda moment: moment.timestamp(),
        )

    def publication(self) -> datetime:
        """The moment the story is published under: ``published``, or the end of its
        embargo when that is later. Released, an embargoed story is news: it goes to
        the top of its feeds, dated then, not back among the stories of its writing."""
        embargo = self.embargo
        if embargo is not None and embargo.timestamp() > self.published.timestamp():
            return embargo
        return self.published

    def last_change(self) -> datetime:
        """The newest date the story shows: ``updated``, unless the embargo lifted later."""
        publication = self.publication()
        if self.updated is not None and self.updated.timestamp() >= publication.timestamp():
            return self.updated
        return publication


class Listing(NamedTuple):
    """What choosing feeds needs to know of a story, and no more: small enough to hold
    100,000 of. The whole Article is fetched, by ``key``, only for the stories that a
    feed being rendered shows. Times are POSIX timestamps, for ordering."""

    key: str  # how the loader finds the Article again (the record's path)
    id: str
    sections: tuple[str, ...]
    published: float  # Article.publication()
    month: str  # "YYYY-MM" of publication in the site's time zone: its archive
    release: float  # Article.release()
    draft: bool
    withdrawn: float | None
    changed: float  # Article.last_change()
    fingerprint: str  # changes whenever anything in the record does


def feed_time(listing: Listing, now: float) -> float:
    """Where a story stands in its feeds at ``now``: the moment of the newest change
    readers are to see, its publication, a correction or, shown as a notice, its
    withdrawal. So a story corrected or withdrawn long after it left the feed comes back
    to the top for a while, and the readers that keep it learn of the change."""
    withdrawn = listing.withdrawn
    return withdrawn if withdrawn is not None and withdrawn <= now else listing.changed


_SECTION_LISTS: dict[tuple[str, ...], tuple[str, ...]] = {}


def shared_sections(sections: tuple[str, ...]) -> tuple[str, ...]:
    """One object for each list of sections in a process (a site has a few hundred at
    most): 100,000 Listings, each with a copy, would take about 15 MB more."""
    return _SECTION_LISTS.setdefault(sections, sections)


def listing_of(
    article: Article, key: str, encoded: bytes | None = None, *, zone: tzinfo
) -> Listing:
    """``encoded``: encode_article(article), when already made. ``zone``: the site's
    (Site.zone), whose calendar decides a story's archive month."""
    publication = article.publication()
    local = publication.astimezone(zone)
    published = publication.timestamp()
    release, changed = article.release().timestamp(), article.last_change().timestamp()
    # What 100,000 Listings repeat is kept once: the lists of sections, the months,
    # and a story's times, which are mostly one and the same.
    return Listing(
        key=key,
        id=article.id,
        sections=shared_sections(article.sections),
        published=published,
        month=sys.intern(f"{local.year:04}-{local.month:02}"),
        release=published if release == published else release,
        draft=article.status == "draft",
        withdrawn=None if article.withdrawn is None else article.withdrawn.timestamp(),
        changed=published if changed == published else changed,
        fingerprint=hashlib.sha256(encoded or encode_article(article)).hexdigest()[:32],
    )


def encode_article(article: Article) -> bytes:
    """The record as bytes: what the index stores, and what its fingerprint is made of.
    A flat JSON array (fields in declaration order): equal Articles give equal bytes,
    and reading it back cannot run code, as unpickling could."""
    image, source = article.image, article.source
    return json.dumps(
        (
            article.id, article.headline, article.dateline.city, article.dateline.country,
            _iso(article.published), article.sections, article.agency, article.body,
            _iso(article.updated), article.byline, article.summary, article.tags,
            None if image is None else (image.url, image.caption, image.credit, image.type,
                                        image.length, image.width, image.height),
            article.language, article.url, article.status, _iso(article.embargo),
            article.correction, _iso(article.withdrawn), article.withdrawal_note,
            None if source is None else (source.path, source.line),
            article.body_path, article.stamp, article.lead,
        ),
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()  # fmt: skip


def decode_article(data: bytes) -> Article:
    """The inverse of encode_article; ValueError or TypeError for bytes it did not make."""
    (id_, headline, city, country, published, sections, agency, body, updated, byline,
     summary, tags, image, language, url, status, embargo, correction, withdrawn,
     withdrawal_note, source, body_path, stamp, lead) = json.loads(data)  # fmt: skip
    return Article(
        id=id_, headline=headline, dateline=Dateline(city=city, country=country),
        published=datetime.fromisoformat(published), sections=tuple(sections), agency=agency,
        body=body, updated=_moment(updated), byline=tuple(byline), summary=summary,
        tags=tuple(tags),
        image=None if image is None else Image(
            url=image[0], caption=image[1], credit=image[2], type=image[3],
            length=image[4], width=image[5], height=image[6]),
        language=language, url=url, status=status, embargo=_moment(embargo),
        correction=correction, withdrawn=_moment(withdrawn), withdrawal_note=withdrawal_note,
        source=None if source is None else Source(path=source[0], line=source[1]),
        body_path=body_path, stamp=stamp, lead=lead,
    )  # fmt: skip


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


@dataclass(frozen=True, slots=True, kw_only=True)
class Category:
    """A section or tag an entry is filed under."""

    term: str
    label: str
    scheme: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    """One article as it appears in feeds: every value resolved, content rendered."""

    id: str
    url: str
    title: str
    summary: str
    content_html: str
    published: datetime
    updated: datetime
    modified: bool
    authors: tuple[Person, ...]
    agency: Agency
    # Filed by another agency than the site's own: only such a story says where it came
    # from (RSS and Atom <source> mean "republished from another feed").
    wire: bool
    rights: str | None
    dateline: Dateline
    dateline_text: str
    categories: tuple[Category, ...]
    image: Image | None
    language: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Feed:
    """One feed, decided once and serialised identically to every format."""

    path: str
    id: str
    title: str
    description: str
    home_url: str
    language: str
    updated: datetime
    rights: str
    publisher: Agency
    entries: tuple[Entry, ...]
    hubs: tuple[str, ...] = ()
    # RFC 5005 archives: an archive document names its month, and its part when the
    # month is split (see select.archive_documents); links are feed folders.
    archive: str | None = None  # e.g. "2026-10", or "2026-10-2" for its second part
    current: str | None = None  # on an archive document: the subscription feed's folder
    prev_archive: str | None = None  # the next older archive document
    next_archive: str | None = None  # the next newer archive document

    def archive_part(self) -> tuple[str, int] | None:
        """An archive document's month and part (1 unless the month is split)."""
        return None if self.archive is None else archive_order(self.archive)

    def self_url(self, feeds_url: str, filename: str) -> str:
        return feeds_url + self.file_path(filename)

    def file_path(self, filename: str) -> str:
        return file_in(self.path, filename)


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedFile:
    """A produced file: where it goes under output/, and its exact bytes."""

    path: str
    content: bytes
    media_type: str


@dataclass(frozen=True, slots=True)
class StagedFile:
    """A produced file that another process has already written beside its place under
    output/, as a temporary still to be renamed there; ``temporary`` None: the file
    there already holds exactly these bytes."""

    path: str
    temporary: str | None
    size: int

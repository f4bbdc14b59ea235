"""Namespaces, and feedpub's own extension elements shared by RSS and Atom.

The dateline and the filing agency have no element in RSS 2.0 or Atom, so they are
carried in one small namespace of ours (documented in README.md, "Extensions"):

    <feedpub:dateline city="Tehran" country="Iran" agency="FNA">TEHRAN (FNA) –</feedpub:dateline>
    <feedpub:agency abbreviation="FNA" url="https://www.fna.example/">Farhang News
        Agency</feedpub:agency>
"""

from __future__ import annotations

from collections.abc import Callable

from feedpub.build._feedgen import Element, sub_element
from feedpub.build.xmlwriter import element, text
from feedpub.model import Agency, Entry, Feed

ATOM = "http://www.w3.org/2005/Atom"
DC = "http://purl.org/dc/elements/1.1/"
MEDIA = "http://search.yahoo.com/mrss/"
FEEDPUB = "https://feedpub.org/ns/1.0"
HISTORY = "http://purl.org/syndication/history/1.0"  # RFC 5005
CONTENT = "http://purl.org/rss/1.0/modules/content/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def add_agency(parent: Element, agency: Agency) -> None:
    sub_element(
        parent,
        f"{{{FEEDPUB}}}agency",
        agency.name,
        abbreviation=agency.abbreviation,
        url=agency.url,
    )


def add_dateline(parent: Element, entry: Entry) -> Element:
    return sub_element(
        parent,
        f"{{{FEEDPUB}}}dateline",
        entry.dateline_text,
        city=entry.dateline.city,
        country=entry.dateline.country or "",
        agency=entry.agency.abbreviation,
    )


def agency_line(depth: int, agency: Agency, escape: Callable[[str], str] = text) -> str:
    """add_agency's element as text (xmlwriter)."""
    return element(
        depth,
        "feedpub:agency",
        agency.name,
        ("abbreviation", agency.abbreviation),
        ("url", agency.url),
        escape=escape,
    )


def dateline_line(
    depth: int, entry: Entry, *more: tuple[str, str | None], escape: Callable[[str], str] = text
) -> str:
    """add_dateline's element as text (xmlwriter); ``more``: attributes set after."""
    return element(
        depth,
        "feedpub:dateline",
        entry.dateline_text,
        ("city", entry.dateline.city),
        ("country", entry.dateline.country),
        ("agency", entry.agency.abbreviation),
        *more,
        escape=escape,
    )


def archive_links(feed: Feed, url_of: Callable[[str], str]) -> dict[str, str]:
    """RFC 5005 §4 links of a feed or archive document, relation -> URL of the same
    format (``url_of`` turns a feed folder into this format's file URL)."""
    links = {
        "current": feed.current,
        "prev-archive": feed.prev_archive,
        "next-archive": feed.next_archive,
    }
    return {rel: url_of(path) for rel, path in links.items() if path is not None}


def namespaces_for(feed: Feed, base: dict[str, str]) -> dict[str, str]:
    """``base`` plus RFC 5005's namespace, which only archive documents use."""
    return {**base, "fh": HISTORY} if feed.archive else base


def mark_archive(parent: Element, feed: Feed) -> None:
    """RFC 5005 §4: an archive document carries fh:archive."""
    if feed.archive:
        sub_element(parent, f"{{{HISTORY}}}archive")

"""Feed -> RSS 2.0 bytes (RSS Advisory Board spec 2.0.11 and its RSS Profile).

Beyond the core elements: ``atom:link rel="self"`` (Profile §10), ``content:encoded``
for the full story, ``dc:creator`` for bylines (RSS ``<author>`` must be an e-mail),
Media RSS for the photo and its credit, ``atom:updated`` on corrected stories.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable, Sequence
from datetime import datetime

from feedpub.build import _feedgen, vocabulary
from feedpub.build._feedgen import Element, sub_element
from feedpub.build.render import image_title
from feedpub.build.spliced import spliced
from feedpub.build.vocabulary import ATOM, CONTENT, DC, FEEDPUB, MEDIA
from feedpub.build.xmlwriter import (
    DECLARATION,
    attribute,
    element,
    hexadecimal,
    leaf,
    plain_text,
)
from feedpub.model import Entry, Feed, FeedFile, Image, file_in

FILENAME = "rss.xml"
MEDIA_TYPE = "application/rss+xml; charset=utf-8"
NAMESPACES = {"dc": DC, "media": MEDIA, "feedpub": FEEDPUB}


def rss_file(feed: Feed, feeds_url: str, items: Sequence[bytes] | None = None) -> FeedFile:
    """The feed through feedgen; with ``items`` (rss_item of each entry, in order, in
    UTF-8) the same bytes written directly, as archive documents are."""
    if items is not None:
        content = spliced(functools.partial(rss_text, feed, feeds_url), items, "\n")
        return FeedFile(path=feed.file_path(FILENAME), content=content, media_type=MEDIA_TYPE)

    def channel_hook(channel: Element) -> None:
        for hub in feed.hubs:  # WebSub §4: feedgen writes no RSS link but self
            sub_element(channel, f"{{{ATOM}}}link", rel="hub", href=hub)
        for rel, href in vocabulary.archive_links(feed, url_of).items():
            sub_element(channel, f"{{{ATOM}}}link", rel=rel, href=href)
        vocabulary.mark_archive(channel, feed)
        sub_element(channel, f"{{{DC}}}publisher", feed.publisher.name)
        vocabulary.add_agency(channel, feed.publisher)

    def url_of(path: str) -> str:
        return feeds_url + file_in(path, FILENAME)

    content = _feedgen.serialise(
        feed,
        fmt="rss",
        self_url=feed.self_url(feeds_url, FILENAME),
        namespaces=vocabulary.namespaces_for(feed, NAMESPACES),
        feed_hook=channel_hook,
        entry_hook=_extend_item,
    )
    return FeedFile(path=feed.file_path(FILENAME), content=_plain(content), media_type=MEDIA_TYPE)


def _extend_item(item: Element, entry: Entry) -> None:
    for author in entry.authors:
        sub_element(item, f"{{{DC}}}creator", author.name)
    if entry.rights:
        sub_element(item, f"{{{DC}}}rights", entry.rights)
    if entry.language:
        sub_element(item, f"{{{DC}}}language", entry.language)
    if entry.modified:
        sub_element(item, f"{{{ATOM}}}updated", entry.updated.isoformat())
    if entry.image is not None:
        image = entry.image
        media = sub_element(
            item,
            f"{{{MEDIA}}}content",
            url=image.url,
            type=image.type,
            medium="image",
            fileSize=str(image.length or ""),
            width=str(image.width or ""),
            height=str(image.height or ""),
        )
        if image.caption:
            sub_element(media, f"{{{MEDIA}}}description", image.caption, type="plain")
        if image.credit:
            sub_element(media, f"{{{MEDIA}}}credit", image.credit, role="photographer")
        title = image_title(image)
        if title:
            sub_element(media, f"{{{MEDIA}}}title", title, type="plain")
    vocabulary.add_dateline(item, entry)
    vocabulary.add_agency(item, entry.agency)


# The direct writer: what the feedgen path above writes, as text (see xmlwriter).

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# Every element but the two that hold HTML carries plain text (RSS Profile, "Character
# Data"), written with plain_text's hexadecimal references. The channel description
# holds plain text too, but lxml cannot tell it from an item's, so both keep feedgen's.
_leaf = functools.partial(leaf, escape=plain_text)
_element = functools.partial(element, escape=plain_text)
_HTML = ("description", "content:encoded")
# A leaf element with text, on one line as lxml pretty-prints it.
_LEAF = re.compile(r"<([A-Za-z][\w:.-]*)((?:\s[^>]*)?)>([^<]*&[^<]*)</\1>")


def _plain(document: bytes) -> bytes:
    """feedgen's RSS with plain_text's references in the plain-text elements."""
    return _LEAF.sub(_plain_leaf, document.decode("utf-8")).encode("utf-8")


def _plain_leaf(match: re.Match[str]) -> str:
    tag, attributes, content = match.groups()
    if tag in _HTML:
        return match.group(0)
    return f"<{tag}{attributes}>{hexadecimal(content)}</{tag}>"


def rfc822(moment: datetime) -> str:
    """feedgen's date format, "%a, %d %b %Y %H:%M:%S %z" in the C locale."""
    day, month = _DAYS[moment.weekday()], _MONTHS[moment.month - 1]
    return f"{day}, {moment.day:02} {month} {moment:%Y %H:%M:%S %z}"


def rss_text(feed: Feed, feeds_url: str, items: Sequence[str]) -> str:
    """The document around ``items``, each written by rss_item."""
    namespaces = {**vocabulary.namespaces_for(feed, NAMESPACES), "atom": ATOM, "content": CONTENT}
    declared = "".join(f' xmlns:{prefix}="{attribute(uri)}"' for prefix, uri in namespaces.items())
    self_url = feed.self_url(feeds_url, FILENAME)
    lines = [
        DECLARATION,
        f'<rss{declared} version="2.0">',
        "  <channel>",
        _leaf(2, "title", feed.title),
        _leaf(2, "link", feed.home_url),
        leaf(2, "description", feed.description),  # left as feedgen writes it (see _plain)
        element(2, "atom:link", None, ("href", self_url), ("rel", "self"),
                ("type", "application/rss+xml")),
    ]  # fmt: skip
    if feed.rights:
        lines.append(_leaf(2, "copyright", feed.rights))
    lines += [
        _leaf(2, "docs", _feedgen.DOCS),
        _leaf(2, "generator", _feedgen.GENERATOR),
    ]
    if feed.language:
        lines.append(_leaf(2, "language", feed.language))
    lines.append(leaf(2, "lastBuildDate", rfc822(feed.updated)))
    if feed.entries:
        newest = max(feed.entries, key=lambda entry: entry.published.timestamp())
        lines.append(leaf(2, "pubDate", rfc822(newest.published)))
    lines += [element(2, "atom:link", None, ("rel", "hub"), ("href", hub)) for hub in feed.hubs]
    lines += [
        element(2, "atom:link", None, ("rel", rel), ("href", href))
        for rel, href in vocabulary.archive_links(feed, _url_in(feeds_url)).items()
    ]
    if feed.archive:
        lines.append(element(2, "fh:archive"))
    lines += [
        _leaf(2, "dc:publisher", feed.publisher.name),
        vocabulary.agency_line(2, feed.publisher, escape=plain_text),
        *items,
        "  </channel>",
        "</rss>",
        "",
    ]
    return "\n".join(lines)


def _url_in(feeds_url: str) -> Callable[[str], str]:
    return lambda path: feeds_url + file_in(path, FILENAME)


def rss_item(entry: Entry) -> str:
    """One ``<item>`` as it stands in a channel, newline-free at its ends."""
    lines = [
        "    <item>",
        _leaf(3, "title", entry.title),
        _leaf(3, "link", entry.url),
    ]
    description = html.escape(entry.summary, quote=False)
    if description:
        lines.append(leaf(3, "description", description))
        lines.append(leaf(3, "content:encoded", entry.content_html))
    else:  # feedgen: the content becomes the description
        lines.append(leaf(3, "description", entry.content_html))
    lines.append(f'      <guid isPermaLink="false">{plain_text(entry.id)}</guid>')
    lines += [
        _element(3, "category", category.label, ("domain", category.scheme))
        for category in entry.categories
    ]
    image = entry.image
    if image is not None:
        lines.append(
            f'      <enclosure url="{attribute(image.url)}" length="{image.length or 0}"'
            f' type="{attribute(image.type)}"/>'
        )
    lines.append(leaf(3, "pubDate", rfc822(entry.published)))
    if entry.wire and entry.agency.feed_url:  # <source url> is the feed it came from
        lines.append(
            f'      <source url="{attribute(entry.agency.feed_url)}">'
            f"{plain_text(entry.agency.name)}</source>"
        )
    lines += [_leaf(3, "dc:creator", author.name) for author in entry.authors]
    if entry.rights:
        lines.append(_leaf(3, "dc:rights", entry.rights))
    if entry.language:
        lines.append(_leaf(3, "dc:language", entry.language))
    if entry.modified:
        lines.append(leaf(3, "atom:updated", entry.updated.isoformat()))
    if image is not None:
        lines += _media_content(image)
    lines += [
        vocabulary.dateline_line(3, entry, escape=plain_text),
        vocabulary.agency_line(3, entry.agency, escape=plain_text),
        "    </item>",
    ]
    return "\n".join(lines)


def _media_content(image: Image) -> list[str]:
    start = element(
        3,
        "media:content",
        None,
        ("url", image.url),
        ("type", image.type),
        ("medium", "image"),
        ("fileSize", str(image.length or "")),
        ("width", str(image.width or "")),
        ("height", str(image.height or "")),
    )
    title = image_title(image)
    children = [
        _element(4, "media:description", image.caption, ("type", "plain")) if image.caption else "",
        _element(4, "media:credit", image.credit, ("role", "photographer")) if image.credit else "",
        _element(4, "media:title", title, ("type", "plain")) if title else "",
    ]
    children = [child for child in children if child]
    if not children:
        return [start]
    return [start[:-2] + ">", *children, "      </media:content>"]

"""The one adapter around feedgen: a Feed in, RSS 2.0 or Atom 1.0 bytes out.

feedgen 1.0 does the dull parts well and has quirks we work around here, and only
here (tests/unit/test_feedgen_adapter.py pins each one):

* feed ``updated``/``lastBuildDate`` and entry ``updated`` default to now(): we always
  set them from the articles, so output never depends on the clock;
* ``add_entry()`` prepends unless ``order='append'``;
* the RSS channel ``<link>`` is the *last* link added, whatever its rel: self goes
  first, the alternate last;
* Atom entry links lose ``rel``, ``type`` and ``length`` (a bug in ``atom_entry``), so
  entry links are written by our extension hook instead;
* RSS keeps no link but self, and ``<author>`` needs an e-mail: bylines go out as
  ``dc:creator`` from the RSS module's hook;
* an item whose description is empty gets its content as description and no
  ``content:encoded``: entries always have a summary (entries.py), so never here;
* the RSS date formatter switches the process-wide locale to C while it runs;
* the generator element carries feedgen's name and version by default: we name
  feedpub, without a version, so an upgrade does not rewrite every feed.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any, Literal

from feedgen.feed import FeedGenerator  # noqa: TID251 - this is the adapter
from lxml import etree

from feedpub.model import Entry, Feed

Element = etree._Element
ChannelHook = Callable[[Element], None]
EntryHook = Callable[[Element, Entry], None]
Format = Literal["rss", "atom"]

GENERATOR = "feedpub"
DOCS = "https://www.rssboard.org/rss-specification"  # the RSS Profile's address
_EXTENSION = "feedpub"


def serialise(
    feed: Feed,
    *,
    fmt: Format,
    self_url: str,
    namespaces: Mapping[str, str],
    feed_hook: ChannelHook,
    entry_hook: EntryHook,
    links: Mapping[str, str] | None = None,
) -> bytes:
    """Feed -> document bytes; the hooks add what feedgen cannot express. ``links`` are
    more feed-level links (relation -> URL) for Atom; RSS adds its own in a hook."""
    generator = _feed_generator(feed, fmt, self_url, links or {})
    generator.register_extension(
        _EXTENSION,
        _feed_extension(dict(namespaces), feed_hook),
        _entry_extension(dict(namespaces), entry_hook),
        atom=fmt == "atom",
        rss=fmt == "rss",
    )
    for entry in feed.entries:
        _add_entry(generator, entry, fmt)
    write = generator.rss_str if fmt == "rss" else generator.atom_str
    document: bytes = write(pretty=True, encoding="UTF-8", xml_declaration=True)
    return document


def _feed_generator(
    feed: Feed, fmt: Format, self_url: str, links: Mapping[str, str]
) -> FeedGenerator:
    generator = FeedGenerator()
    generator.id(feed.id)
    generator.title(feed.title)
    generator.subtitle(feed.description)  # RSS <description>, Atom <subtitle>
    self_type = "application/rss+xml" if fmt == "rss" else "application/atom+xml"
    # Self first, alternate last: RSS takes its channel <link> from the last link added.
    generator.link(href=self_url, rel="self", type=self_type)
    for hub in feed.hubs:  # WebSub §4: Atom keeps these; RSS gets them from rss.py's hook
        generator.link(href=hub, rel="hub")
    for rel, href in links.items():
        generator.link(href=href, rel=rel)
    generator.link(href=feed.home_url, rel="alternate", type="text/html")
    generator.language(feed.language)  # RSS <language>, Atom xml:lang
    generator.updated(feed.updated)  # Atom <updated> and RSS <lastBuildDate>
    generator.generator(GENERATOR)
    generator.docs(DOCS)
    if feed.rights:
        generator.rights(feed.rights)  # Atom <rights>, RSS <copyright>
    # RFC 4287 §4.1.1: a feed needs an author unless every entry has one.
    generator.author({"name": feed.publisher.name, "uri": feed.publisher.url})
    if feed.entries and fmt == "rss":
        generator.pubDate(max(feed.entries, key=lambda e: e.published.timestamp()).published)
    return generator


def _add_entry(generator: FeedGenerator, entry: Entry, fmt: Format) -> None:
    item = generator.add_entry(order="append")
    getattr(item, _EXTENSION).entry = entry
    item.id(entry.id)  # Atom <id>; RSS <guid isPermaLink="false">
    item.title(entry.title)
    item.published(entry.published)  # Atom <published>, RSS <pubDate>
    item.updated(entry.updated)
    for category in entry.categories:
        item.category(term=category.term, scheme=category.scheme, label=category.label)
    # <source> says a story was republished from another agency's feed: only wire
    # stories carry it, in RSS only with that feed's address (RSS 2.0: "the XMLization
    # of the source"), in Atom with the agency's name and site.
    agency = entry.agency
    if entry.wire and (fmt != "rss" or agency.feed_url):
        item.source(url=agency.feed_url if fmt == "rss" else agency.url, title=agency.name)
    if fmt == "rss":
        item.link(href=entry.url)
        # RSS <description> is HTML (RSS Profile §3.1): escape the plain-text summary.
        item.description(html.escape(entry.summary, quote=False))
        item.content(entry.content_html)  # with a description set: <content:encoded>
        if entry.image is not None:
            item.enclosure(entry.image.url, entry.image.length or 0, entry.image.type)
    else:
        item.summary(entry.summary)
        item.content(entry.content_html, type="html")
        for author in entry.authors:
            item.author({"name": author.name, **({"uri": author.url} if author.url else {})})
        if entry.rights:
            item.rights(entry.rights)


def _feed_extension(namespaces: dict[str, str], hook: ChannelHook) -> type:
    class FeedpubFeedExtension:
        def extend_ns(self) -> dict[str, str]:
            return namespaces

        def extend_rss(self, rss: Element) -> Element:
            hook(rss[0])  # the <channel>
            return rss

        def extend_atom(self, feed: Element) -> Element:
            hook(feed)
            return feed

    return FeedpubFeedExtension


def _entry_extension(namespaces: dict[str, str], hook: EntryHook) -> type:
    class FeedpubEntryExtension:
        entry: Any = None  # set by _add_entry before serialising

        def extend_ns(self) -> dict[str, str]:
            return namespaces

        def extend_rss(self, item: Element) -> Element:
            hook(item, self.entry)
            return item

        def extend_atom(self, element: Element) -> Element:
            hook(element, self.entry)
            return element

    return FeedpubEntryExtension


def sub_element(parent: Element, tag: str, text: str | None = None, **attributes: str) -> Element:
    """Append a child element; attributes with empty values are left out."""
    child = etree.SubElement(parent, tag, {k: v for k, v in attributes.items() if v})
    if text is not None:
        child.text = text
    return child

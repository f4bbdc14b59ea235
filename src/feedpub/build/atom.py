"""Feed -> Atom 1.0 bytes (RFC 4287)."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from feedpub.build import _feedgen, vocabulary
from feedpub.build._feedgen import Element, sub_element
from feedpub.build.render import image_title
from feedpub.build.spliced import spliced
from feedpub.build.vocabulary import ATOM, FEEDPUB, XML_LANG
from feedpub.build.xmlwriter import DECLARATION, attribute, element, leaf
from feedpub.model import Entry, Feed, FeedFile, Person, file_in

FILENAME = "atom.xml"
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
NAMESPACES = {"feedpub": FEEDPUB}


def atom_file(feed: Feed, feeds_url: str, entries: Sequence[bytes] | None = None) -> FeedFile:
    """The feed through feedgen; with ``entries`` (atom_entry of each, in order, in
    UTF-8) the same bytes written directly, as archive documents are."""
    if entries is not None:
        content = spliced(functools.partial(atom_text, feed, feeds_url), entries, "\n")
        return FeedFile(path=feed.file_path(FILENAME), content=content, media_type=MEDIA_TYPE)

    def url_of(path: str) -> str:
        return feeds_url + file_in(path, FILENAME)

    def feed_hook(element: Element) -> None:
        vocabulary.add_agency(element, feed.publisher)
        vocabulary.mark_archive(element, feed)

    content = _feedgen.serialise(
        feed,
        fmt="atom",
        self_url=feed.self_url(feeds_url, FILENAME),
        namespaces=vocabulary.namespaces_for(feed, NAMESPACES),
        links=vocabulary.archive_links(feed, url_of),
        feed_hook=feed_hook,
        entry_hook=_extend_entry,
    )
    return FeedFile(path=feed.file_path(FILENAME), content=content, media_type=MEDIA_TYPE)


# The elements that hold the story's own words. xml:lang on the entry would also label
# the words around them, in the site's language (category labels, the agency's name).
STORY_TEXT = ("title", "content", "summary")


def _extend_entry(element: Element, entry: Entry) -> None:
    if entry.language:
        for child in element:
            if child.tag in STORY_TEXT:
                child.set(XML_LANG, entry.language)
    # RFC 4287 §4.2.7; written here because feedgen drops rel/type/length on entry links.
    # feedgen builds Atom elements without a namespace under a default xmlns attribute,
    # so ours are plain "link" too (a namespaced one would get a stray ns0: prefix).
    sub_element(element, "link", rel="alternate", type="text/html", href=entry.url)
    if entry.image is not None:
        image = entry.image
        sub_element(
            element,
            "link",
            rel="enclosure",
            type=image.type,
            href=image.url,
            length=str(image.length or ""),
            title=image_title(image) or "",
        )
    dateline = vocabulary.add_dateline(element, entry)
    if entry.language:
        dateline.set(XML_LANG, entry.language)
    vocabulary.add_agency(element, entry.agency)


# The direct writer: what the feedgen path above writes, as text (see xmlwriter).


def atom_text(feed: Feed, feeds_url: str, entries: Sequence[str]) -> str:
    """The document around ``entries``, each written by atom_entry."""
    namespaces = vocabulary.namespaces_for(feed, NAMESPACES)
    declared = "".join(f' xmlns:{prefix}="{attribute(uri)}"' for prefix, uri in namespaces.items())
    language = f' xml:lang="{attribute(feed.language)}"' if feed.language else ""
    links = {
        "self": feed.self_url(feeds_url, FILENAME),
        **vocabulary.archive_links(feed, lambda path: feeds_url + file_in(path, FILENAME)),
    }
    lines = [
        DECLARATION,
        f'<feed{declared} xmlns="{ATOM}"{language}>',
        leaf(1, "id", feed.id),
        leaf(1, "title", feed.title),
        leaf(1, "updated", feed.updated.isoformat()),
        *_author(1, Person(name=feed.publisher.name, url=feed.publisher.url)),
        element(1, "link", None, ("href", links.pop("self")), ("rel", "self"),
                ("type", "application/atom+xml")),
        *(element(1, "link", None, ("href", hub), ("rel", "hub")) for hub in feed.hubs),
        *(element(1, "link", None, ("href", href), ("rel", rel)) for rel, href in links.items()),
        element(1, "link", None, ("href", feed.home_url), ("rel", "alternate"),
                ("type", "text/html")),
        leaf(1, "generator", _feedgen.GENERATOR),
    ]  # fmt: skip
    if feed.rights:
        lines.append(leaf(1, "rights", feed.rights))
    if feed.description:
        lines.append(leaf(1, "subtitle", feed.description))
    lines.append(vocabulary.agency_line(1, feed.publisher))
    if feed.archive:
        lines.append(element(1, "fh:archive"))
    lines += [*entries, "</feed>", ""]
    return "\n".join(lines)


def atom_entry(entry: Entry) -> str:
    """One ``<entry>`` as it stands in a feed, newline-free at its ends."""
    language = (("xml:lang", entry.language),) if entry.language else ()
    lines = [
        "  <entry>",
        leaf(2, "id", entry.id),
        element(2, "title", entry.title, *language),
        leaf(2, "updated", entry.updated.isoformat()),
    ]
    for author in entry.authors:
        lines += _author(2, author)
    lines += [
        element(2, "content", entry.content_html or None, ("type", "html"), *language),
        element(2, "summary", entry.summary or None, *language),
    ]
    lines += [
        element(2, "category", None, ("term", category.term), ("scheme", category.scheme),
                ("label", category.label))
        for category in entry.categories
    ]  # fmt: skip
    lines.append(leaf(2, "published", entry.published.isoformat()))
    if entry.rights:
        lines.append(leaf(2, "rights", entry.rights))
    agency = entry.agency
    if entry.wire:  # the agency the story came from: its name and its site
        lines += [
            "    <source>",
            leaf(3, "title", agency.name),
            element(3, "link", None, ("href", agency.url)),
            "    </source>",
        ]
    lines.append(
        element(2, "link", None, ("rel", "alternate"), ("type", "text/html"), ("href", entry.url))
    )
    image = entry.image
    if image is not None:
        lines.append(
            element(2, "link", None, ("rel", "enclosure"), ("type", image.type),
                    ("href", image.url), ("length", str(image.length or "")),
                    ("title", image_title(image)))
        )  # fmt: skip
    lines += [
        vocabulary.dateline_line(2, entry, *language),
        vocabulary.agency_line(2, agency),
        "  </entry>",
    ]
    return "\n".join(lines)


def _author(depth: int, person: Person) -> list[str]:
    if not person.name:  # feedgen leaves out an author without a name
        return []
    indent = "  " * depth
    lines = [f"{indent}<author>", element(depth + 1, "name", person.name)]
    if person.url:
        lines.append(element(depth + 1, "uri", person.url))
    return [*lines, f"{indent}</author>"]

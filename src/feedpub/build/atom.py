"""Feed -> Atom 1.0 bytes (RFC 4287)."""

from __future__ import annotations

from feedpub.build import _feedgen, vocabulary
from feedpub.build._feedgen import Element, sub_element
from feedpub.build.render import image_title
from feedpub.build.vocabulary import FEEDPUB, XML_LANG
from feedpub.model import Entry, Feed, FeedFile, file_in

FILENAME = "atom.xml"
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
NAMESPACES = {"feedpub": FEEDPUB}


def atom_file(feed: Feed, feeds_url: str) -> FeedFile:
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


def _extend_entry(element: Element, entry: Entry) -> None:
    if entry.language:
        element.set(XML_LANG, entry.language)
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
    vocabulary.add_dateline(element, entry)
    vocabulary.add_agency(element, entry.agency)

"""Feed -> RSS 2.0 bytes (RSS Advisory Board spec 2.0.11 and its RSS Profile).

Beyond the core elements: ``atom:link rel="self"`` (Profile §10), ``content:encoded``
for the full story, ``dc:creator`` for bylines (RSS ``<author>`` must be an e-mail),
Media RSS for the photo and its credit, ``atom:updated`` on corrected stories.
"""

from __future__ import annotations

from feedpub.build import _feedgen, vocabulary
from feedpub.build._feedgen import Element, sub_element
from feedpub.build.render import image_title
from feedpub.build.vocabulary import ATOM, DC, FEEDPUB, MEDIA
from feedpub.model import Entry, Feed, FeedFile, file_in

FILENAME = "rss.xml"
MEDIA_TYPE = "application/rss+xml; charset=utf-8"
NAMESPACES = {"dc": DC, "media": MEDIA, "feedpub": FEEDPUB}


def rss_file(feed: Feed, feeds_url: str) -> FeedFile:
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
    return FeedFile(path=feed.file_path(FILENAME), content=content, media_type=MEDIA_TYPE)


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

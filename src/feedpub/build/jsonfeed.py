"""Feed -> JSON Feed 1.1 bytes (https://jsonfeed.org/version/1.1), written by hand.

Keys are emitted in a fixed order and optional ones only when they have a value, so
the bytes depend on the Feed alone. feedpub's additions live under ``_feedpub``, as
the spec asks extensions to ("keys that start with an underscore").
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Sequence
from json.encoder import encode_basestring as _encode_string
from typing import Any

from feedpub.build.render import image_title
from feedpub.build.spliced import spliced
from feedpub.model import Agency, Entry, Feed, FeedFile, Image, Person, file_in

FILENAME = "feed.json"
MEDIA_TYPE = "application/feed+json; charset=utf-8"
VERSION = "https://jsonfeed.org/version/1.1"
EXTENSION_ABOUT = "https://feedpub.org/ns/1.0"

JSON = dict[str, Any]


def jsonfeed_file(feed: Feed, feeds_url: str, items: Sequence[bytes] | None = None) -> FeedFile:
    """``items``: json_item of each entry, in order, in UTF-8, when already written
    (archive documents write each story's item once for every document it is in)."""
    if items is not None:
        write = functools.partial(_text, feed, feeds_url)
        content = spliced(write, items, "," + _ITEM_NEWLINE)
    else:
        content = _text(feed, feeds_url, None).encode("utf-8")
    return FeedFile(path=feed.file_path(FILENAME), content=content, media_type=MEDIA_TYPE)


def _text(feed: Feed, feeds_url: str, items: Sequence[str] | None) -> str:
    document: JSON = {
        "version": VERSION,
        "title": feed.title,
        "home_page_url": feed.home_url,
        "feed_url": feed.self_url(feeds_url, FILENAME),
        # JSON Feed's paging: the next (older) items are in the newest archive document.
        "next_url": _url(feeds_url, feed.prev_archive) if feed.prev_archive else None,
        "description": feed.description,
        "language": feed.language,
        "authors": [_person(Person(name=feed.publisher.name, url=feed.publisher.url))],
        "hubs": [{"type": "WebSub", "url": hub} for hub in feed.hubs],
        "_feedpub": _compact(
            {
                "about": EXTENSION_ABOUT,
                "id": feed.id,
                "updated": feed.updated.isoformat(),
                "rights": feed.rights or None,
                "publisher": _agency(feed.publisher),
            }
        ),
        "items": [_item(entry) for entry in feed.entries]
        if items is None
        else [_Written(item) for item in items],
    }
    if not feed.hubs:
        del document["hubs"]
    if document["next_url"] is None:
        del document["next_url"]
    archive = feed.archive_part()
    if archive is not None:
        month, part = archive
        document["_feedpub"]["archive"] = _compact({
            "month": month,
            "part": part if part > 1 else None,
            "current": _url(feeds_url, feed.current or ""),
            "newer": _url(feeds_url, feed.next_archive) if feed.next_archive else None,
        })  # fmt: skip
    return pretty_json(document) + "\n"


def pretty_json(value: object) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)``, byte for byte, several times
    faster: with ``indent`` the standard library falls back to its pure-Python encoder,
    and a cold build writes thousands of archive documents."""
    parts: list[str] = []
    _pretty(value, "\n", parts)
    return "".join(parts)


class _Written(str):
    """JSON text already written at its place in the document: copied as it is."""


# An item's place: in "items", in the document's top-level object.
_ITEM_NEWLINE = "\n    "


def json_item(entry: Entry) -> str:
    """An entry's item, written as jsonfeed_file writes it in its place: the same text
    as pretty_json of _item, written directly (archive documents write every story
    the site has; tests/property/test_direct_writers.py holds the two together)."""
    text = _encode_string
    item = _ITEM_NEWLINE + "  "  # the item's members' lines
    inner = item + "  "  # theirs
    image = entry.image
    members = [f'"{key}": {text(value)}' for key, value in (
        ("id", entry.id), ("url", entry.url), ("title", entry.title),
        ("content_html", entry.content_html), ("summary", entry.summary),
        ("image", image.url if image else ""),
        ("date_published", entry.published.isoformat()),
        ("date_modified", entry.updated.isoformat() if entry.modified else ""),
    ) if value]  # fmt: skip
    if entry.authors:
        people = [_object(_present(("name", person.name), ("url", person.url)), inner)
                  for person in entry.authors]  # fmt: skip
        members.append('"authors": ' + _array(people, item))
    if entry.categories:
        tags = [text(label) for label in dict.fromkeys(c.label for c in entry.categories)]
        members.append('"tags": ' + _array(tags, item))
    if entry.language:
        members.append('"language": ' + text(entry.language))
    if image:
        attachment = _present(("url", image.url), ("mime_type", image.type),
                              ("title", image_title(image)))  # fmt: skip
        if image.length is not None:
            attachment.append(f'"size_in_bytes": {image.length}')
        members.append('"attachments": ' + _array([_object(attachment, inner)], item))
    extension = [f'"about": {text(EXTENSION_ABOUT)}']
    dateline = _present(("text", entry.dateline_text), ("city", entry.dateline.city),
                        ("country", entry.dateline.country))  # fmt: skip
    if dateline:
        extension.append('"dateline": ' + _object(dateline, inner))
    agency = entry.agency
    extension.append('"agency": ' + _object([
        f'"abbreviation": {text(agency.abbreviation)}', f'"name": {text(agency.name)}',
        f'"url": {text(agency.url)}'], inner))  # fmt: skip
    if entry.rights:
        extension.append('"rights": ' + text(entry.rights))
    credits = _present(("caption", image.caption), ("credit", image.credit)) if image else []
    if credits:
        extension.append('"image": ' + _object(credits, inner))
    members.append('"_feedpub": ' + _object(extension, item))
    return _object(members, _ITEM_NEWLINE)


def _present(*pairs: tuple[str, str | None]) -> list[str]:
    """``"key": "value"`` for each pair whose value is neither None nor empty."""
    return [f'"{key}": {_encode_string(value)}' for key, value in pairs if value]


def _object(members: list[str], newline: str) -> str:
    """An object of members already written, opening on the line ``newline`` starts."""
    if not members:
        return "{}"
    inner = newline + "  "
    return "{" + inner + ("," + inner).join(members) + newline + "}"


def _array(items: list[str], newline: str) -> str:
    """An array of items already written, opening on the line ``newline`` starts."""
    if not items:
        return "[]"
    inner = newline + "  "
    return "[" + inner + ("," + inner).join(items) + newline + "]"


def _pretty(value: object, newline: str, parts: list[str]) -> None:
    if type(value) is _Written:
        parts.append(value)
    elif isinstance(value, str):
        parts.append(_encode_string(value))
    elif isinstance(value, dict):
        members = ((_encode_string(key) + ": ", item) for key, item in value.items())
        _pretty_members(members, "{}", newline, parts)
    elif isinstance(value, list):
        _pretty_members((("", item) for item in value), "[]", newline, parts)
    else:  # numbers, booleans, null
        parts.append(json.dumps(value))


def _pretty_members(
    members: Iterator[tuple[str, object]], brackets: str, newline: str, parts: list[str]
) -> None:
    """An object's or an array's members, one a line, each after its label (a key)."""
    inner = newline + "  "
    opening = brackets[0] + inner
    for label, item in members:
        if type(item) is str:  # most members: written here, without a call for each
            parts.append(opening + label + _encode_string(item))
        else:
            parts.append(opening + label)
            _pretty(item, inner, parts)
        opening = "," + inner
    parts.append(brackets if opening[0] == brackets[0] else newline + brackets[1])


def _url(feeds_url: str, path: str) -> str:
    return feeds_url + file_in(path, FILENAME)


def _item(entry: Entry) -> JSON:
    image = entry.image
    return _compact(
        {
            "id": entry.id,
            "url": entry.url,
            "title": entry.title,
            "content_html": entry.content_html,
            "summary": entry.summary,
            "image": image.url if image else None,
            "date_published": entry.published.isoformat(),
            "date_modified": entry.updated.isoformat() if entry.modified else None,
            "authors": [_person(author) for author in entry.authors],
            "tags": list(dict.fromkeys(category.label for category in entry.categories)),
            "language": entry.language,
            "attachments": [_attachment(image)] if image else None,
            "_feedpub": _compact(
                {
                    "about": EXTENSION_ABOUT,
                    "dateline": _compact(
                        {
                            "text": entry.dateline_text,
                            "city": entry.dateline.city,
                            "country": entry.dateline.country,
                        }
                    ),
                    "agency": _agency(entry.agency),
                    "rights": entry.rights,
                    "image": _compact({"caption": image.caption, "credit": image.credit})
                    if image
                    else None,
                }
            ),
        }
    )


def _attachment(image: Image) -> JSON:
    return _compact(
        {
            "url": image.url,
            "mime_type": image.type,
            "title": image_title(image),
            "size_in_bytes": image.length,
        }
    )


def _person(person: Person) -> JSON:
    return _compact({"name": person.name, "url": person.url})


def _agency(agency: Agency) -> JSON:
    return {"abbreviation": agency.abbreviation, "name": agency.name, "url": agency.url}


def _compact(mapping: JSON) -> JSON:
    """The mapping without keys whose value is None or empty: JSON Feed omits, never nulls."""
    return {key: value for key, value in mapping.items() if value not in (None, "", [], {})}

"""XML written straight to text, exactly as lxml pretty-prints the same tree.

Archive documents hold every story the site ever published; building them as lxml
trees through feedgen costs several times more than writing the text. rss.py and
atom.py use these helpers for archive documents, and tests/property/test_direct_writers.py
holds their output byte for byte to what the feedgen path writes for the same Feed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

DECLARATION = "<?xml version='1.0' encoding='UTF-8'?>"
INDENT = "  "  # lxml's pretty_print: two spaces a level
_INDENTS = tuple(INDENT * depth for depth in range(8))
# Most values need no escaping: one search finds those that do.
_TEXT_SPECIAL = re.compile("[&<>\r]")
_ATTRIBUTE_SPECIAL = re.compile('[&<>"\n\r\t]')


def text(value: str) -> str:
    """Character data as libxml2 escapes it: quotes stay, a carriage return does not."""
    if _TEXT_SPECIAL.search(value) is None:
        return value
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


def plain_text(value: str) -> str:
    """Character data of an RSS element that holds plain text (a title, a byline), as
    the RSS Profile asks: text()'s named references made hexadecimal (see hexadecimal),
    which aggregators that read such text as HTML and those that do not both show as
    written."""
    escaped = text(value)
    return value if escaped is value else hexadecimal(escaped)


# What plain_text writes for each reference text() and libxml2 write by name.
HEXADECIMAL = {"&amp;": "&#x26;", "&lt;": "&#x3C;", "&gt;": "&#x3E;"}


def hexadecimal(escaped: str) -> str:
    """Escaped character data with its named references hexadecimal. (Replacing "&amp;"
    first cannot make a new "&lt;": what follows it stays as it was.)"""
    for named, number in HEXADECIMAL.items():
        escaped = escaped.replace(named, number)
    return escaped


def attribute(value: str) -> str:
    """An attribute value as libxml2 escapes it: whitespace other than a space too."""
    if _ATTRIBUTE_SPECIAL.search(value) is None:
        return value
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
        .replace("\t", "&#9;")
    )


def attributes(pairs: tuple[tuple[str, str | None], ...]) -> str:
    """`` name="value"`` for each pair whose value is not empty, as sub_element does."""
    written = ""
    for name, value in pairs:
        if value:
            written += f' {name}="{attribute(value)}"'
    return written


def leaf(depth: int, tag: str, value: str, escape: Callable[[str], str] = text) -> str:
    """element() with text and no attributes, as most elements are."""
    return f"{_INDENTS[depth]}<{tag}>{escape(value)}</{tag}>"


def element(
    depth: int,
    tag: str,
    value: str | None = None,
    *pairs: tuple[str, str | None],
    escape: Callable[[str], str] = text,
) -> str:
    """One line: a leaf element at ``depth``; with ``value`` None it is written empty.
    ``escape``: text, or plain_text for RSS."""
    start = f"{_INDENTS[depth]}<{tag}{attributes(pairs) if pairs else ''}"
    return f"{start}/>" if value is None else f"{start}>{escape(value)}</{tag}>"

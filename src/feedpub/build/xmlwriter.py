"""XML written straight to text, exactly as lxml pretty-prints the same tree.

Archive documents hold every story the site ever published; building them as lxml
trees through feedgen costs several times more than writing the text. rss.py and
atom.py use these helpers for archive documents, and tests/unit/test_direct_writers.py
holds their output byte for byte to what the feedgen path writes for the same Feed.
"""

from __future__ import annotations

DECLARATION = "<?xml version='1.0' encoding='UTF-8'?>"
INDENT = "  "  # lxml's pretty_print: two spaces a level


def text(value: str) -> str:
    """Character data as libxml2 escapes it: quotes stay, a carriage return does not."""
    return (
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


def attribute(value: str) -> str:
    """An attribute value as libxml2 escapes it: whitespace other than a space too."""
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
    return "".join(f' {name}="{attribute(value)}"' for name, value in pairs if value)


def element(depth: int, tag: str, value: str | None = None, *pairs: tuple[str, str | None]) -> str:
    """One line: a leaf element at ``depth``; with ``value`` None it is written empty."""
    start = f"{INDENT * depth}<{tag}{attributes(pairs)}"
    return f"{start}/>" if value is None else f"{start}>{text(value)}</{tag}>"

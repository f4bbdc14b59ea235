"""Archive documents from items written and encoded once.

The text around the items is written with MARK where they go, encoded, and the items
joined in as bytes. A story's item so takes its UTF-8 size in memory while its month is
written, not two bytes a character (one en dash in a dateline makes a whole str that
wide), and no document is ever held as text and as bytes at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

# Raw, it can appear nowhere else in a document: XML 1.0 has no NUL character, and JSON
# strings escape it.
MARK = "\x00"


def spliced(write: Callable[[Sequence[str]], str], items: Sequence[bytes], between: str) -> bytes:
    """The bytes of ``write(items)``, from ``write([MARK])``: the items, UTF-8 already,
    joined by ``between`` (what ``write`` puts between two items)."""
    if not items:
        return write([]).encode("utf-8")
    head, tail = write([MARK]).split(MARK)
    return b"".join((head.encode("utf-8"), between.encode("utf-8").join(items),
                     tail.encode("utf-8")))  # fmt: skip

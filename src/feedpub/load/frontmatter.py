"""Record file bytes -> (front matter text, body text), or the problem that prevents it.

A record is UTF-8 text: a line ``---``, YAML, a line ``---``, then the Markdown body.
"""

from __future__ import annotations

from dataclasses import dataclass

from feedpub.errors import Problem

MAX_RECORD_BYTES = 1024 * 1024  # far above any story; stops a stray dump from eating memory
FENCE = "---"


@dataclass(frozen=True, slots=True)
class RawRecord:
    front_matter: str
    body: str
    body_line: int  # file line on which the body starts


def size_problem(size: int, path: str) -> Problem | None:
    if size <= MAX_RECORD_BYTES:
        return None
    return Problem(
        path,
        None,
        None,
        f"the file is {size:,} bytes, over the limit of {MAX_RECORD_BYTES:,}",
        "A record holds one story; move attachments elsewhere and link them",
    )


def split_record(data: bytes, path: str) -> RawRecord | Problem:
    """Split a record file, or say in one Problem why it cannot be read as a record."""
    too_big = size_problem(len(data), path)
    if too_big is not None:
        return too_big
    if not data.strip():
        return Problem(path, 1, None, "the file is empty", "Write the front matter and the story")
    if data.startswith(b"\xef\xbb\xbf"):
        return Problem(
            path,
            1,
            None,
            "the file starts with a byte order mark",
            "Save it as UTF-8 without BOM",
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Problem(path, 1, None, "the file is UTF-16 text", "Save it as UTF-8")
    if b"\x00" in data:
        return Problem(
            path, None, None, "the file is binary, not text", "Article records are UTF-8 text files"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return Problem(
            path,
            line,
            None,
            f"the file is not UTF-8 (byte 0x{data[error.start]:02x})",
            "Save it as UTF-8",
        )
    # Windows (CRLF) and classic Mac (CR) line endings read like Unix ones.
    return _split_text(text.replace("\r\n", "\n").replace("\r", "\n"), path)


def _split_text(text: str, path: str) -> RawRecord | Problem:
    lines = text.split("\n")
    if lines[0].rstrip() != FENCE:
        return Problem(
            path,
            1,
            None,
            "the record does not start with '---'",
            "Put the front matter between two '---' lines at the top of the file",
        )
    for index in range(1, len(lines)):
        if lines[index].startswith(FENCE) and lines[index].rstrip() != FENCE:
            return Problem(
                path,
                index + 1,
                None,
                "a line starting with '---' must hold nothing else",
                "End the front matter with a line holding only '---'",
            )
        if lines[index].rstrip() == FENCE:
            return RawRecord(
                front_matter="\n".join(lines[1:index]) + "\n",
                body="\n".join(lines[index + 1 :]).strip("\n"),
                body_line=index + 2,
            )
    return Problem(
        path,
        1,
        None,
        "the front matter opened on line 1 is never closed",
        "End it with a line holding only '---'",
    )

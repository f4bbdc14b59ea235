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
    if "\r" in text:  # Windows (CRLF) and classic Mac (CR) line endings read like Unix ones
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _split_text(text, path)


def _split_text(text: str, path: str) -> RawRecord | Problem:
    # Found with find(), not by splitting the whole story into lines: the front matter
    # ends at the first line after the first that starts with '---'.
    first_end = text.find("\n")
    if (text if first_end < 0 else text[:first_end]).rstrip() != FENCE:
        return Problem(
            path,
            1,
            None,
            "the record does not start with '---'",
            "Put the front matter between two '---' lines at the top of the file",
        )
    fence = -1 if first_end < 0 else text.find("\n" + FENCE, first_end)
    if fence >= 0:
        line_end = text.find("\n", fence + 1)
        line_end = len(text) if line_end < 0 else line_end
        number = text.count("\n", 0, fence + 1) + 1  # the fence's line, counted from 1
        if text[fence + 1 : line_end].rstrip() != FENCE:
            return Problem(
                path,
                number,
                None,
                "a line starting with '---' must hold nothing else",
                "End the front matter with a line holding only '---'",
            )
        return RawRecord(
            front_matter=text[first_end + 1 : fence] + "\n",
            body=text[line_end + 1 :].strip("\n"),
            body_line=number + 1,
        )
    return Problem(
        path,
        1,
        None,
        "the front matter opened on line 1 is never closed",
        "End it with a line holding only '---'",
    )

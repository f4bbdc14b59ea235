import pytest

from feedpub.errors import Problem
from feedpub.load.frontmatter import MAX_RECORD_BYTES, RawRecord, split_record


def test_splits_front_matter_and_body() -> None:
    raw = split_record(b"---\nid: a\n---\n\nBody line.\n", "a.md")
    assert raw == RawRecord(front_matter="id: a\n", body="Body line.", body_line=4)


def test_windows_line_endings_are_accepted() -> None:
    raw = split_record(b"---\r\nid: a\r\n---\r\nBody\r\n", "a.md")
    assert isinstance(raw, RawRecord)
    assert raw.front_matter == "id: a\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "a.md:1: the file is empty. Write the front matter and the story."),
        (b"\xef\xbb\xbf---\nid: a\n---\nx", "a.md:1: the file starts with a byte order mark. Save it as UTF-8 without BOM."),
        (b"---\nid: a\n---\n\x00\x01\x02", "a.md: the file is binary, not text. Article records are UTF-8 text files."),
        (b"---\nid: a\n---\ncaf\xe9\n", "a.md:4: the file is not UTF-8 (byte 0xe9). Save it as UTF-8."),
        (b"id: a\n---\nBody", "a.md:1: the record does not start with '---'. Put the front matter between two '---' lines at the top of the file."),
        (b"---\nid: a\nBody", "a.md:1: the front matter opened on line 1 is never closed. End it with a line holding only '---'."),
    ],
)  # fmt: skip
def test_unreadable_records_get_one_clear_line(data: bytes, message: str) -> None:
    problem = split_record(data, "a.md")
    assert isinstance(problem, Problem)
    assert str(problem) == message


def test_oversized_record_is_refused_before_decoding() -> None:
    problem = split_record(b"---\n" + b"x" * MAX_RECORD_BYTES, "big.md")
    assert str(problem) == (
        "big.md: the file is 1,048,580 bytes, over the limit of 1,048,576. "
        "A record holds one story; move attachments elsewhere and link them."
    )

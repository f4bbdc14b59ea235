"""split_record finds the front matter with str.find; the line-by-line reading it
replaced is kept here as the reference, and both must agree on any text."""

from __future__ import annotations

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from feedpub.errors import Problem
from feedpub.load.frontmatter import FENCE, RawRecord, split_record


def by_lines(text: str, path: str) -> RawRecord | Problem:
    """The reference: every line in turn."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines[0].rstrip() != FENCE:
        return Problem(path, 1, None, "the record does not start with '---'",
                       "Put the front matter between two '---' lines at the top of the file")  # fmt: skip
    for index in range(1, len(lines)):
        if lines[index].startswith(FENCE) and lines[index].rstrip() != FENCE:
            return Problem(path, index + 1, None,
                           "a line starting with '---' must hold nothing else",
                           "End the front matter with a line holding only '---'")  # fmt: skip
        if lines[index].rstrip() == FENCE:
            return RawRecord(
                front_matter="\n".join(lines[1:index]) + "\n",
                body="\n".join(lines[index + 1 :]).strip("\n"),
                body_line=index + 2,
            )
    return Problem(path, 1, None, "the front matter opened on line 1 is never closed",
                   "End it with a line holding only '---'")  # fmt: skip


LINES = st.one_of(
    st.sampled_from(["---", "--- ", "---x", "----", " ---", "---\t", "---\x85", "id: a", "",
                     "\r", "x\r\ny", "body", "---\u2028"]),
    st.text(alphabet=st.sampled_from("-x: \t\r\x0b\u2028"), max_size=5),
)  # fmt: skip
TEXTS = st.lists(LINES, max_size=8).map("\n".join)


@settings(max_examples=500, deadline=None)
@given(text=TEXTS, trailing=st.sampled_from(["", "\n", "\n\n", "\r\n"]))
@example(text="---\n---", trailing="")
@example(text="---\nid: a\n---\n\nbody\n", trailing="")
@example(text="---", trailing="")
def test_split_record_reads_as_the_line_by_line_reference(text: str, trailing: str) -> None:
    data = (text + trailing).encode()
    assume(data.strip())  # an empty file is reported before any line is read
    assert split_record(data, "a.md") == by_lines(text + trailing, "a.md")

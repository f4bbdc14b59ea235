"""A story's lead: its first paragraph as plain text, the summary of a story without one.

The loader computes it while it has the body in hand (over several processes on a
cold build, and kept in the record index), so that archive documents, which show
every story's lead, never read a body again or render Markdown.
"""

from __future__ import annotations

import re

_BLANK_LINES = re.compile(r"\A(?:[ \t]*\n)+")
# Wire copy's first paragraph is nearly always plain prose, which Markdown renders as
# itself; anything that could start a block or mark up text takes the full path.
_INLINE_MARKUP = re.compile(r"[\\`*_\[\]<>&!|~]")
_BLOCK_MARKUP = re.compile(r"[ ]{0,3}[#>+*=_`~<|\[\d-]|[ ]{4}|\t")


def lead_text(markdown: str) -> str:
    """The text of the first paragraph that the rendered body shows ("" for none)."""
    body = _BLANK_LINES.sub("", markdown)  # blank lines only: a first line's indent counts
    first = body.split("\n\n", 1)[0].rstrip()
    lines = first.split("\n")
    if not _INLINE_MARKUP.search(first) and all(
        line.strip() and not _BLOCK_MARKUP.match(line) for line in lines
    ):
        return " ".join(first.split())
    # Imported here: most leads need neither Markdown nor the sanitiser. The whole body
    # is rendered, as any shorter cut (a fenced block with blank lines) could differ.
    from feedpub.build.render import first_paragraph_text, render_body

    return first_paragraph_text(render_body(markdown, "https://lead.invalid/"))

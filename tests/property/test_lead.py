"""The lead the loader stores is exactly the first paragraph the rendered body shows.

``lead_text`` takes a shortcut for plain prose (no Markdown rendered); whatever the
body, it must give what rendering the whole body and taking its first paragraph gives.
"""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from feedpub.build.lead import lead_text
from feedpub.build.render import first_paragraph_text, render_body
from feedpub.model import xml_safe

# Prose with every character that means something to Markdown, and line breaks.
PROSE = (
    st.lists(st.sampled_from([*"ab é ضa1.)", *"\\`*_[]<>&!|~#=+-\t\n", "\n\n", "  "]), max_size=40)
    .map("".join)
    .map(xml_safe)
)


@settings(max_examples=400, deadline=None)
@example("TEHRAN (FNA) – The vote passed.\nIt was close.\n\nMore.")
@example("1. A list\n\nthen prose")
@example("Line one\n   \nline two")
@example("## Heading\n\nThe lead")
@example("    code\n\nThe lead")
@example("a  \nb\\\nc &amp; <b>d</b>")
@example("Text\n===")
@example("```\ncode\n\nmore\n```\n\nThe lead")
@given(body=PROSE)
def test_the_lead_is_the_rendered_first_paragraph(body: str) -> None:
    rendered = first_paragraph_text(render_body(body, "https://www.test.example/a/"))
    assert lead_text(body) == rendered

"""xml_clean (a test on the bytes of a whole record) and xml_safe (the filter on text)
must agree on what XML 1.0 forbids: the loader skips xml_safe when xml_clean passes."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from feedpub.model import xml_clean, xml_safe

# Every character class that matters, next to each edge of the forbidden ranges.
EDGES = "\x00\x08\t\n\x0b\x0c\r\x0e\x1f \x7f\x80\x9f\ud7ff\ue000\ufffd\ufffe\uffff\U00010000"
TEXT = st.text(alphabet=st.one_of(st.sampled_from(EDGES), st.characters(exclude_categories=["Cs"])))


@settings(max_examples=500, deadline=None)
@given(text=TEXT)
@example(text="TEHRAN (FNA) – the story")
@example(text="a\ufffeb")
@example(text="\x0b")
def test_xml_clean_passes_exactly_the_text_xml_safe_keeps(text: str) -> None:
    assert xml_clean(text.encode("utf-8")) == (xml_safe(text) == text)

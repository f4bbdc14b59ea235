"""Property-based tests: any text in a story's fields gives valid feeds that carry it exactly.

"Characters that XML forbids are removed from every field; any Unicode text, including
right-to-left text and emoji, survives exactly in all three formats." The loader does
the removing (``xml_safe`` and ``strip``), so the build properties take text the way the
loader hands it over, and one property goes through the real loader to check that.
"""

from __future__ import annotations

import html
import io
import json
import re
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import feedparser
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import etree

from feedpub.build import build_feeds
from feedpub.load import load_articles
from feedpub.load.fields import xml_safe
from feedpub.model import Article, Dateline, FeedFile
from support.sites import make_article, make_site
from support.validators import feed_problems

NOW = datetime.fromisoformat("2026-12-01T00:00:00+00:00")
SITE = make_site()
AGENCY = "TNA"  # make_article's default agency, as the dateline shows it
ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/elements/1.1/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
FEEDPUB_NS = "https://feedpub.org/ns/1.0"
DATELINE_SPAN = re.compile(r'<span class="dateline">(.*?)</span>', re.DOTALL)
WHITESPACE = re.compile(r"\s+")

PROPERTY = settings(max_examples=60, deadline=None)

# --------------------------------------------------------------------------------------
# Strategies
# --------------------------------------------------------------------------------------

# Pieces chosen to hit escaping, bidi, grapheme and XML edge cases; hypothesis mixes them
# with arbitrary text (every code point but surrogates, which a str from text() lacks).
TRICKY = st.sampled_from(
    [
        "<", ">", "&", "&amp;", "&lt;b&gt;", "&#1;", "&copy;", "]]>", "<![CDATA[", '"', "'",
        "\\", "<b>bold</b>", "</p>", "<script>alert(1)</script>", "{city}", "{", "}", "%s",
        "---", "...", "\t", "\n", "\r", "\r\n", " ", "\xa0", "\u2028", "\u3000",
        "\x00", "\x07", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\x9f",
        "\ud7ff", "\ue000", "\ufffd", "\ufffe", "\uffff", "\ufeff", "\ufdd0",
        "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202b", "\u202e",
        "\u2066", "\u2067", "\u2069", "\u0301", "e\u0301", "\u0651", "\u064b",
        "\U0001f600", "\U0001f469\u200d\U0001f4bb", "\U0001f1ee\U0001f1f7", "\U0001f44d\U0001f3fd",
        "\U00020000", "\U0001d11e", "\U0010fffd", "\U000e0001",
        "ß", "ﬁ", "İ", "ŉ", "Ǆ", "ΐ",
    ]
)  # fmt: skip
RTL_WORDS = st.sampled_from(
    [
        "تهران",  # Persian: Tehran
        "خبرگزاری فرهنگ",  # Persian, with a space
        "می‌گوید",  # Persian, with a zero-width non-joiner
        "القاهرة",  # Arabic: Cairo
        "بِسْمِ",  # Arabic with harakat (combining marks)
        "ירושלים",  # Hebrew: Jerusalem
        "שָׁלוֹם",  # Hebrew with niqqud
        "ۍ ۺ ݐ",  # Arabic Supplement / extended letters
        "١٤٠٦",  # Arabic-Indic digits
        "ﷺ",  # an Arabic ligature
    ]
)
RTL_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x0590, max_codepoint=0x08FF),  # Hebrew, Arabic, ...
        st.characters(min_codepoint=0xFB1D, max_codepoint=0xFDFF),  # presentation forms
        st.characters(min_codepoint=0x10800, max_codepoint=0x10FFF),  # astral RTL scripts
        st.sampled_from(" \u200c\u200d\u200e\u200f"),
    ),
    max_size=12,
)
EMOJI = st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF)
ASTRAL = st.characters(min_codepoint=0x10000, max_codepoint=0x10FFFF, exclude_categories=("Cs",))
PIECE = st.one_of(
    st.text(max_size=8),
    TRICKY,
    RTL_WORDS,
    RTL_TEXT,
    st.text(alphabet=st.one_of(EMOJI, ASTRAL, st.sampled_from("\u200d\ufe0f")), max_size=6),
)
#: Any text at all, as an editor might paste it into a field.
RAW_TEXT = st.lists(PIECE, min_size=1, max_size=6).map("".join)


def loaded(text: str) -> str:
    """What the loader hands the build for a text field: XML-safe, surrounding space gone."""
    return xml_safe(text).strip()


#: A field's text the way the loader gives it to the build: never empty.
FIELD_TEXT = RAW_TEXT.map(loaded).filter(bool)

# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def build_one(article: Article) -> dict[str, FeedFile]:
    """The combined feed's three files for a site holding just ``article``."""
    files = build_feeds(SITE, [article], NOW)
    for file in files:
        assert feed_problems(file.path, file.content) == [], file.path
    return {file.path: file for file in files if "/" not in file.path}


def parse_xml(data: bytes) -> etree._Element:
    """A strict XML parse: the bytes are well-formed, and this is their exact text."""
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def feedparser_entry(data: bytes) -> Any:
    result = feedparser.parse(io.BytesIO(data))
    assert not result.bozo, result.get("bozo_exception")
    (entry,) = result.entries
    return entry


def dateline_text(city: str) -> str:
    return f"{city.upper()} ({AGENCY}) –"


def span_text(content_html: str) -> str:
    """The text of the dateline span in a story's HTML."""
    match = DATELINE_SPAN.search(content_html)
    assert match is not None, content_html
    return html.unescape(match.group(1))


def fold(text: str) -> str:
    return WHITESPACE.sub(" ", text).strip()


# --------------------------------------------------------------------------------------
# Any headline, byline, city and tags: valid everywhere, the same text everywhere
# --------------------------------------------------------------------------------------


@PROPERTY
@given(
    headline=FIELD_TEXT,
    byline=st.lists(FIELD_TEXT, max_size=3, unique=True).map(tuple),
    city=FIELD_TEXT,
    tags=st.lists(FIELD_TEXT, max_size=3, unique=True).map(tuple),
    body=RAW_TEXT.map(xml_safe).filter(str.strip),
)
def test_any_text_fields_round_trip(
    headline: str, byline: tuple[str, ...], city: str, tags: tuple[str, ...], body: str
) -> None:
    article = make_article(
        headline=headline, byline=byline, dateline=Dateline(city=city), tags=tags, body=body
    )
    files = build_one(article)
    authors = list(byline) or ["Test News Agency"]

    # JSON Feed: json.loads gives back every field exactly.
    item = json.loads(files["feed.json"].content)["items"][0]
    assert item["title"] == headline
    assert [author["name"] for author in item["authors"]] == authors
    assert item["tags"] == list(dict.fromkeys(["Politics", *tags]))
    assert item["_feedpub"]["dateline"]["city"] == city
    assert item["_feedpub"]["dateline"]["text"] == dateline_text(city)
    assert span_text(item["content_html"]) == dateline_text(city)

    # RSS, read strictly: the exact text of every element and attribute.
    rss_item = parse_xml(files["rss.xml"].content).find("channel/item")
    assert rss_item is not None
    assert rss_item.findtext("title") == headline
    assert [e.text for e in rss_item.findall(f"{{{DC_NS}}}creator")] == authors
    assert [e.text for e in rss_item.findall("category")][1:] == list(tags)
    rss_dateline = rss_item.find(f"{{{FEEDPUB_NS}}}dateline")
    assert rss_dateline is not None
    assert rss_dateline.get("city") == city
    assert rss_dateline.text == dateline_text(city)
    assert span_text(rss_item.findtext(f"{{{CONTENT_NS}}}encoded") or "") == dateline_text(city)

    # Atom, read strictly.
    atom_entry = parse_xml(files["atom.xml"].content).find(f"{{{ATOM_NS}}}entry")
    assert atom_entry is not None
    assert atom_entry.findtext(f"{{{ATOM_NS}}}title") == headline
    assert [
        e.findtext(f"{{{ATOM_NS}}}name") for e in atom_entry.findall(f"{{{ATOM_NS}}}author")
    ] == authors
    assert [e.get("term") for e in atom_entry.findall(f"{{{ATOM_NS}}}category")][1:] == list(
        tags
    )
    atom_dateline = atom_entry.find(f"{{{FEEDPUB_NS}}}dateline")
    assert atom_dateline is not None
    assert atom_dateline.get("city") == city
    assert atom_dateline.text == dateline_text(city)
    assert span_text(atom_entry.findtext(f"{{{ATOM_NS}}}content") or "") == dateline_text(city)

    # feedparser: what most Python readers see.
    for name in ("rss.xml", "atom.xml"):
        entry = feedparser_entry(files[name].content)
        assert entry.title == headline, name
        assert [author.get("name") for author in entry.authors] == authors, name
        assert [tag.term for tag in entry.tags][1:] == list(tags), name
        assert span_text(entry.content[0].value) == dateline_text(city), name

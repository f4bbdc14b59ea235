"""Property-based tests: any text in a story's fields gives valid feeds that carry it exactly.

"Characters that XML forbids are removed from every field; any Unicode text, including
right-to-left text and emoji, survives exactly in all three formats." The loader does
the removing (``xml_safe``, and ``strip`` for front-matter text), so the build properties
take text the way the loader hands it over, and the last property goes through the real
loader to check that it does.

Every XML check is made twice: with a strict XML parser (lxml), which must give back the
exact text, and with feedparser, which must read the feed without complaint and give
back the same text, allowing only for the repairs feedparser makes to every feed it
reads (see ``as_feedparser_reads``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import html
import io
import json
import re
import string
import tempfile
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import lxml.html
import yaml
from feedparser.mixin import _FeedParserMixin
from feedparser.sanitizer import _sanitize_html
from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import etree

from feedpub.build import build_feeds
from feedpub.errors import Problem
from feedpub.load import load_articles, read_body
from feedpub.model import Article, Dateline, FeedFile, xml_safe
from support.sites import make_article, make_site
from support.validators import feed_problems

NOW = datetime.fromisoformat("2026-12-01T00:00:00+00:00")
SITE = make_site()
AGENCY = "TNA"  # make_article's default agency, as the dateline shows it
STORY_URL = "https://www.test.example/politics/story-1"  # make_article's default story
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
        "<", ">", "&", "&amp;", "&lt;b&gt;", "&#1;", "&#x80;", "&copy;", "&nbsp;", "]]>",
        "<![CDATA[", '"', "'", "\\", "<b>bold</b>", '<b class="x">b</b>', '<a href="/x">a</a>',
        "</p>", "<p>", "<script>alert(1)</script>", "<!-- c -->", "*", "_", "`", "#", "[x]",
        "{city}", "{", "}", "%s", "---", "...", "1.", "- ",
        "\t", "\n", "\r", "\r\n", "\n\n", " ", "  ", "\xa0", "\u2028", "\u2029", "\u3000",
        "\x00", "\x07", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x80", "\x85", "\x91", "\x9f",
        "\ud7ff", "\ue000", "\ufffd", "\ufffe", "\uffff", "\ufeff", "\ufdd0",
        "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202b", "\u202e",
        "\u2066", "\u2067", "\u2069", "\u0301", "e\u0301", "\u0651", "\u064b",
        "\U0001f600", "\U0001f469\u200d\U0001f4bb", "\U0001f1ee\U0001f1f7", "\U0001f44d\U0001f3fd",
        "\U00020000", "\U0001d11e", "\U0010fffd", "\U000e0001", "\U0010ffff",
        "ß", "ﬁ", "İ", "ŉ", "ǅ", "ΐ", "Ã©",
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
        "ۍ ۺ ݐ",  # Arabic Supplement and Extended letters
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
EMOJI_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF),
        st.characters(min_codepoint=0x10000, max_codepoint=0x10FFFF, exclude_categories=("Cs",)),
        st.sampled_from("\u200d\ufe0f\U0001f3fd"),
    ),
    max_size=6,
)
PIECE = st.one_of(st.text(max_size=8), TRICKY, RTL_WORDS, RTL_TEXT, EMOJI_TEXT)
#: Any text at all, as an editor might type or paste it into a field.
RAW_TEXT = st.lists(PIECE, min_size=1, max_size=6).map("".join)


def loaded(text: str) -> str:
    """What the loader hands the build for a front-matter text: XML-safe, no surrounding
    white space."""
    return xml_safe(text).strip()


#: A field's text the way the loader gives it to the build: never empty.
FIELD_TEXT = RAW_TEXT.map(loaded).filter(bool)
FIELD_LIST = st.lists(FIELD_TEXT, max_size=3, unique=True).map(tuple)
#: A body the way the loader gives it to the build: XML-safe, with some text.
BODY_TEXT = RAW_TEXT.map(xml_safe).filter(str.strip)


def markdown_escape(text: str) -> str:
    """``text`` as Markdown that shows it literally: CommonMark lets any ASCII punctuation
    character be backslash-escaped, and then none is markup, an entity or raw HTML."""
    return "".join("\\" + c if c in string.punctuation else c for c in text)


#: A word of any text but white space (which Markdown and HTML may fold).
WORD = PIECE.map(lambda piece: "".join(c for c in xml_safe(piece) if not c.isspace())).filter(bool)
#: Paragraphs of lines of words: the text a body written with Markdown escapes shows.
PARAGRAPHS = st.lists(
    st.lists(st.lists(WORD, min_size=1, max_size=6), min_size=1, max_size=3),
    min_size=1,
    max_size=3,
)

# Raw Markdown and HTML as editors and wire copy bring it, safe or hostile.
MARKUP = st.sampled_from(
    [
        "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<img src=\"/p.jpg\">",
        "[x](javascript:alert(1))", "[rel](/politics/other)", "![i](i.png)",
        "<a href=\"//evil.example/\" onclick=\"x()\">a</a>", "<iframe src=\"https://e.example/\">",
        "<style>p{color:red}</style>", "<form><input name=q></form>", "<object data=x>",
        "<button>", "<select>", "<marquee>", "<textarea>", "<noscript>", "<title>", "<xmp>",
        "<svg onload=alert(1)>", "<math><mi>x</mi></math>", "<div dir=rtl>متن</div>",
        "*em*", "**strong**", "`code`", "```\nfenced <b>\n```", "    indented code",
        "# heading", "> quote", "- item", "1. item", "---", "***", "Setext\n===",
        "| a | b |\n| --- | --- |\n| c | d |", "<!-- comment -->", "<![CDATA[x]]>", "]]>",
        "&", "&amp;", "&#0;", "&#x110000;", "&bogus;", "<", ">", "<p>", "</p>", "</div>",
        "<table><tr><td>x", "<b><i>x</b></i>", "\\", "<br>", "a  \nb", "\t",
    ]
)  # fmt: skip
MARKUP_BODY = st.lists(
    st.one_of(MARKUP, PIECE, st.sampled_from(["\n", "\n\n", " "])), min_size=1, max_size=10
).map(lambda parts: xml_safe("".join(parts)))

# --------------------------------------------------------------------------------------
# Reading the feeds back
# --------------------------------------------------------------------------------------


class Story:
    """One story read back from the combined feed's three files (after checking them)."""

    def __init__(self, article: Article) -> None:
        files: dict[str, FeedFile] = {}
        for file in build_feeds(SITE, [article], NOW):
            assert feed_problems(file.path, file.content) == [], file.path
            files[file.path] = file
        (self.item,) = json.loads(files["feed.json"].content)["items"]
        rss_item = strict_xml(files["rss.xml"].content).find("channel/item")
        atom_entry = strict_xml(files["atom.xml"].content).find(f"{{{ATOM_NS}}}entry")
        assert rss_item is not None and atom_entry is not None
        self.rss: etree._Element = rss_item
        self.atom: etree._Element = atom_entry
        self.rss_parsed = feedparser_entry(files["rss.xml"].content)
        self.atom_parsed = feedparser_entry(files["atom.xml"].content)

    @property
    def rss_content(self) -> str:
        return self.rss.findtext(f"{{{CONTENT_NS}}}encoded") or ""

    @property
    def atom_content(self) -> str:
        return self.atom.findtext(f"{{{ATOM_NS}}}content") or ""


def strict_xml(data: bytes) -> etree._Element:
    """A strict XML parse: the bytes are well-formed, and this is their exact text."""
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def feedparser_entry(data: bytes) -> Any:
    result = feedparser.parse(io.BytesIO(data))
    assert not result.bozo, result.get("bozo_exception")
    (entry,) = result.entries
    return entry


def _cp1252_controls() -> dict[int, str]:
    table = {}
    for code in range(0x80, 0xA0):
        try:
            table[code] = bytes([code]).decode("cp1252")
        except UnicodeDecodeError:  # 0x81, 0x8D, 0x8F, 0x90, 0x9D: not in cp1252
            continue
    return table


CP1252_CONTROLS = _cp1252_controls()


def as_feedparser_reads(text: str, *, rss_title: bool = False) -> str:
    """``text`` as feedparser 6 gives back an element's text (titles, RSS dc:creator and
    category, content, summaries; not attributes, not Atom author names).

    feedparser's ``pop()`` "repairs" every such text, for feeds that are broken in ways
    these are not: an all-Latin-1 text whose Latin-1 bytes are valid UTF-8 is taken for
    double-encoded UTF-8 and decoded again ("Ã©" -> "é"), C1 control characters are taken
    for Windows-1252 ("\\x91" -> "‘"), and an RSS title that looks like HTML (a known
    entity or an end tag, HTML elements only) is read as HTML and sanitised. The text is
    written exactly (the strict checks prove it) and no feed can stop a reader from
    making these guesses, so the comparison with feedparser expects them.
    """
    if rss_title and _FeedParserMixin.looks_like_html(text):
        text = _sanitize_html(text, "utf-8", "text/html")
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        text = text.encode("iso-8859-1").decode("utf-8")
    return text.translate(CP1252_CONTROLS)


def as_html_reads(text: str) -> str:
    """``text`` as any HTML parser reads it: CR LF and CR become LF (HTML's input stream
    preprocessing), so a city written with a Windows line break reads with a plain one."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def fold(text: str) -> str:
    return WHITESPACE.sub(" ", text).strip()


def dateline_text(city: str) -> str:
    return f"{city.upper()} ({AGENCY}) –"


def span_text(content_html: str) -> str:
    """The text of the dateline span in a story's HTML, as an HTML reader sees it."""
    match = DATELINE_SPAN.search(content_html)
    assert match is not None, content_html
    return html.unescape(as_html_reads(match.group(1)))


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(fragment: str) -> str:
    """The text of an HTML fragment, white space folded (Python's own HTML parser)."""
    collector = _TextCollector()
    collector.feed(fragment)
    collector.close()
    return fold("".join(collector.parts))


# --------------------------------------------------------------------------------------
# Any headline, byline, city, tags and body: valid everywhere, the same text everywhere
# --------------------------------------------------------------------------------------


@PROPERTY
@example(headline="\x91", byline=("\x91",), city="\x91", tags=("\x91",), body="\x91")
@example(headline="Ã©", byline=("Ã©",), city="Ã©", tags=("Ã©",), body="Ã©")
@example(headline="0", byline=(), city="0\r\n0", tags=(), body="0")
@example(headline='<b class="x">b</b>', byline=(), city="ß", tags=(), body="]]>")
@example(
    headline="خبرگزاری فرهنگ \U0001f469\u200d\U0001f4bb",
    byline=("מרים", "می‌گوید"),
    city="تهران",
    tags=("\u202eabc", "e\u0301"),
    body="بِسْمِ <script>alert(1)</script> &amp;",
)
@given(headline=FIELD_TEXT, byline=FIELD_LIST, city=FIELD_TEXT, tags=FIELD_LIST, body=BODY_TEXT)
def test_any_text_round_trips_through_all_three_formats(
    headline: str, byline: tuple[str, ...], city: str, tags: tuple[str, ...], body: str
) -> None:
    story = Story(
        make_article(
            headline=headline, byline=byline, dateline=Dateline(city=city), tags=tags, body=body
        )
    )
    authors = list(byline) or ["Test News Agency"]  # no byline: the filing agency
    dateline = dateline_text(city)

    # JSON Feed: json.loads gives back every field exactly.
    item = story.item
    assert item["title"] == headline
    assert [author["name"] for author in item["authors"]] == authors
    assert item["tags"] == list(dict.fromkeys(["Politics", *tags]))
    assert item["_feedpub"]["dateline"]["city"] == city
    assert item["_feedpub"]["dateline"]["text"] == dateline
    assert span_text(item["content_html"]) == as_html_reads(dateline)

    # RSS, read strictly: the exact text of every element and attribute.
    rss = story.rss
    assert rss.findtext("title") == headline
    assert [e.text for e in rss.findall(f"{{{DC_NS}}}creator")] == authors
    assert [e.text for e in rss.findall("category")] == ["Politics", *tags]
    rss_dateline = rss.find(f"{{{FEEDPUB_NS}}}dateline")
    assert rss_dateline is not None
    assert (rss_dateline.get("city"), rss_dateline.text) == (city, dateline)

    # Atom, read strictly.
    atom = story.atom
    assert atom.findtext(f"{{{ATOM_NS}}}title") == headline
    names = [e.findtext(f"{{{ATOM_NS}}}name") for e in atom.findall(f"{{{ATOM_NS}}}author")]
    assert names == authors
    terms = [e.get("term") for e in atom.findall(f"{{{ATOM_NS}}}category")]
    assert terms == ["politics", *tags]
    atom_dateline = atom.find(f"{{{FEEDPUB_NS}}}dateline")
    assert atom_dateline is not None
    assert (atom_dateline.get("city"), atom_dateline.text) == (city, dateline)

    # The same story HTML and summary in all three formats.
    assert story.rss_content == story.atom_content == item["content_html"]
    assert atom.findtext(f"{{{ATOM_NS}}}summary") == item["summary"]
    assert html.unescape(as_html_reads(rss.findtext("description") or "")) == as_html_reads(
        item["summary"]
    )

    # feedparser: what most Python feed readers see.
    for entry, is_rss in ((story.rss_parsed, True), (story.atom_parsed, False)):
        assert entry.title == as_feedparser_reads(headline, rss_title=is_rss)
        assert [author.get("name") for author in entry.authors] == [
            as_feedparser_reads(name) if is_rss else name for name in authors
        ]
        assert [tag.term for tag in entry.tags][1:] == [
            as_feedparser_reads(tag) if is_rss else tag for tag in tags
        ]
        assert span_text(entry.content[0].value) == as_feedparser_reads(as_html_reads(dateline))


# --------------------------------------------------------------------------------------
# Body text: what a body shows is the story's text and, first paragraph, its summary
# --------------------------------------------------------------------------------------


@PROPERTY
@example(paragraphs=[[["<script>alert(1)</script>", "&amp;", "*not*", "]]>"]], [["x"]]])
@example(paragraphs=[[["\ufeffa"]]])  # fails: the summary is 'a', U+FEFF is lost
@example(paragraphs=[[["\x91", "Ã©"], ["\u202eتهران\u202c", "\U0001f469\u200d\U0001f4bb"]]])
@given(paragraphs=PARAGRAPHS)
def test_body_text_is_the_content_and_its_first_paragraph_the_summary(
    paragraphs: list[list[list[str]]],
) -> None:
    body = "\n\n".join(
        "\n".join(" ".join(markdown_escape(word) for word in line) for line in paragraph)
        for paragraph in paragraphs
    )
    story = Story(make_article(body=body))
    summary = " ".join(word for line in paragraphs[0] for word in line)
    everything = " ".join(word for p in paragraphs for line in p for word in line)

    assert story.item["summary"] == summary
    assert story.atom.findtext(f"{{{ATOM_NS}}}summary") == summary
    assert html.unescape(story.rss.findtext("description") or "") == summary
    assert story.atom_parsed.summary == as_feedparser_reads(summary)
    assert html.unescape(story.rss_parsed.summary) == as_feedparser_reads(summary)

    text = f"{dateline_text('Tehran')} {everything}"
    assert html_text(story.item["content_html"]) == text
    assert html_text(story.rss_content) == html_text(story.atom_content) == text
    for entry in (story.rss_parsed, story.atom_parsed):
        assert html_text(entry.content[0].value) == as_feedparser_reads(text)


# --------------------------------------------------------------------------------------
# Raw Markdown and HTML in a body: sanitised, absolute, valid
# --------------------------------------------------------------------------------------

DANGEROUS_ELEMENTS = frozenset(
    {"script", "style", "iframe", "frame", "object", "embed", "form", "input", "svg", "math"}
)


@PROPERTY
@example(body="a<object>")  # fails: content is '<p>… a<p></p>\n</p>', invalid HTML
@example(body="<img src=x></p>```\nfenced <b>\n```")  # fails: <b> left around a <p>, a <pre>
@example(body="a<textarea>")  # fails: readers see the text 'a</p>'
@example(body='Watch: <iframe src="https://e.example/">')  # fails: the same, with 'Watch: </p>'
@example(body="<script>alert(1)</script>")
@example(body='[x](javascript:alert(1)) ![i](i.png) <a href="//evil.example/" onclick=x()>a</a>')
@example(body="]]> <![CDATA[x]]> &#0; &bogus; <b><i>x</b></i>")
@given(body=MARKUP_BODY.filter(str.strip))
def test_raw_markup_in_a_body_is_sanitised_and_stays_valid(body: str) -> None:
    story = Story(make_article(body=body))
    content = story.item["content_html"]
    assert story.rss_content == story.atom_content == content

    for element in lxml.html.fragment_fromstring(content, create_parent="div").iter():
        if not isinstance(element.tag, str):  # a comment: nh3 drops them, but harmless
            continue
        assert element.tag.lower() not in DANGEROUS_ELEMENTS, content
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), content
            if name in ("href", "src"):
                assert urlsplit(value).scheme in ("http", "https", "mailto"), content
                assert urlsplit(value).scheme == "mailto" or urlsplit(value).netloc, content

    # Sanitising removes markup; it never turns markup of ours into text readers see.
    if not re.search(r"</?p|&(lt|#0*60|#x0*3c);/?p", body, re.IGNORECASE):
        assert not re.search(r"</?p\b", html_text(content)), content

    summary = story.item["summary"]
    assert summary and summary == fold(summary)
    assert story.atom.findtext(f"{{{ATOM_NS}}}summary") == summary
    assert html.unescape(story.rss.findtext("description") or "") == summary


# --------------------------------------------------------------------------------------
# The loader: any text written in a record arrives cleaned and otherwise unchanged
# --------------------------------------------------------------------------------------


def front_matter(
    headline: str, city: str, byline: list[str], tags: list[str], style: str | None
) -> str:
    """Front matter as PyYAML writes it, as a tool would: plain where YAML allows (``style``
    None), else quoted; in double quotes control characters become YAML escapes. '&' and
    '*' are text, never anchors or aliases."""
    front = {
        "id": "story-1",
        "headline": headline,
        "dateline": {"city": city},
        "published": "2026-11-18T10:42:00+03:30",
        "sections": ["politics"],
        "byline": byline,
        "tags": tags,
    }
    return yaml.safe_dump(front, allow_unicode=True, default_style=style, sort_keys=False)


def load_record(data: bytes) -> tuple[tuple[Problem, ...], tuple[Article, ...]]:
    """Load one record: its problems, and its article with the body read back while the
    file still exists."""
    with tempfile.TemporaryDirectory() as folder:
        articles = Path(folder)
        (articles / "story.md").write_bytes(data)
        loaded = load_articles(articles, SITE, "articles")
        bodies = tuple(
            dataclasses.replace(a, body=read_body(a), body_path=None) for a in loaded.articles
        )
        return loaded.problems, bodies


def line_breaks(text: str) -> str:
    """Markdown reads CR LF, CR and LF alike; the loader turns CR LF into LF."""
    return as_html_reads(text).strip("\n")


#: Text for a field that the loader must accept: something is left once it is cleaned.
LOADABLE_TEXT = RAW_TEXT.filter(loaded)
#: Characters XML forbids (that YAML can carry) and white space: no text at all.
NOTHING_TEXT = st.text(alphabet=st.sampled_from("\x01\x07\x08\x0e\x1b\x1f\ufffe\uffff \t\n"))


@PROPERTY
@example("AT&T *stars* &a *a", "\x00Tehran\x7f", ["&x"], ["*"], "b", None)
@example("\ufeff\u202eمتن", "\x85ß", ["a", "\x07a"], [], "\r\nx", "'")
@example("0\x850", "0\x850", ["0\x850"], [], "0", "'")  # YAML folds the NEL
@example("h", "c", [], [], "\x07", '"')  # was accepted with an empty body
@given(
    headline=LOADABLE_TEXT,
    city=LOADABLE_TEXT,
    byline=st.lists(LOADABLE_TEXT, max_size=3),
    tags=st.lists(LOADABLE_TEXT, max_size=3),
    # A NUL anywhere makes the file binary, refused as a whole: not what this is about.
    body=st.one_of(RAW_TEXT, NOTHING_TEXT).filter(lambda body: "\x00" not in body),
    style=st.sampled_from([None, '"', "'"]),
)
def test_the_loader_removes_forbidden_characters_and_keeps_the_rest(
    headline: str, city: str, byline: list[str], tags: list[str], body: str, style: str | None
) -> None:
    front = front_matter(headline, city, byline, tags, style)
    # What the YAML says: PyYAML writes some texts in plain or single-quoted style in a way
    # that reads back differently (a NEL, U+0085, is a line break there and folds into a
    # space); that is YAML's doing, so the loader is held to what the YAML means.
    written = yaml.safe_load(front)
    if style == '"':  # double quotes carry any text: the whole way is exact
        assert written["headline"] == headline and written["dateline"]["city"] == city
        assert written["byline"] == byline and written["tags"] == tags
    problems, articles = load_record(f"---\n{front}---\n{body}\n".encode())

    if not xml_safe(body).strip():  # nothing left of the story: the record is refused
        assert [(p.field, p.message) for p in problems] == [("body", "the story has no text")]
        assert articles == ()
        return
    assert [str(problem) for problem in problems] == []
    (article,) = articles
    assert article.headline == loaded(written["headline"])
    assert article.dateline == Dateline(city=loaded(written["dateline"]["city"]))
    assert article.byline == tuple(dict.fromkeys(loaded(name) for name in written["byline"]))
    assert article.tags == tuple(dict.fromkeys(loaded(tag) for tag in written["tags"]))
    assert line_breaks(article.body) == line_breaks(xml_safe(body))
    Story(article)  # and what was loaded builds valid feeds

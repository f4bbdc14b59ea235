"""Article text -> what readers see: sanitised HTML content, plain-text summary, dateline.

Bodies are Markdown that may carry raw HTML from editors or wire copy, so every
rendered body goes through an allow-list sanitiser before anything of ours is added.
"""

from __future__ import annotations

import html
import re
from functools import cache
from html.parser import HTMLParser

import nh3
from markdown_it import MarkdownIt

from feedpub.model import Agency, Dateline, Image, xml_safe

# What a story may contain after sanitising; everything else (script, iframe, style,
# form, on* handlers, javascript: URLs) is removed by nh3.
ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "cite", "code", "del", "em", "figcaption",
        "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "li", "ol", "p",
        "pre", "q", "s", "small", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
        "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"lang", "dir", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Removed together with everything inside them. Some are raw-text elements: left open,
# they swallow the rest of the body (our closing </p> included) as their "text".
DROPPED_WITH_CONTENT = frozenset(
    {
        "applet", "button", "embed", "iframe", "marquee", "noembed", "noframes", "noscript",
        "object", "script", "select", "style", "template", "textarea", "title", "xmp",
    }
)  # fmt: skip
# Scripts written right to left (ISO 639-1 and -3 codes); their content gets dir="rtl".
RTL_LANGUAGES = frozenset(
    {"ar", "arc", "ckb", "dv", "fa", "he", "ks", "ku", "ps", "sd", "ug", "ur", "yi"}
)
_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)
_WHITESPACE = re.compile(r"\s+")


@cache
def _markdown() -> MarkdownIt:
    # CommonMark with raw HTML allowed through to the sanitiser, plus GFM tables.
    return MarkdownIt("commonmark").enable("table")


def render_body(markdown: str, base_url: str) -> str:
    """Markdown -> sanitised HTML; relative links and images resolved against ``base_url``."""
    cleaned = _sanitise(_markdown().render(markdown), base_url)
    if "<" in markdown or "&" in markdown:
        # Raw HTML left open in the source (<object> inside a paragraph, say) can leave
        # nesting that only a second parse settles; sanitising is idempotent after that.
        # Markdown's own HTML is always well formed, so bodies without raw HTML skip it.
        cleaned = _unwrap_inline_around_blocks(_sanitise(cleaned, base_url))
    # A character reference such as &#1 decodes to a character XML forbids: drop it.
    return xml_safe(cleaned).strip()


def _sanitise(fragment: str, base_url: str) -> str:
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        url_relative=("rewrite_with_base", base_url),
    )


# Elements that hold only phrasing content, and the block elements they must not hold.
_INLINE = frozenset(
    {"abbr", "b", "cite", "code", "del", "em", "i", "ins", "q", "s", "small", "strong",
     "sub", "sup", "u"}
)  # fmt: skip
_BLOCK = frozenset(ALLOWED_TAGS - _INLINE - {"a", "br", "img"})
# A tag as the sanitiser writes it (attribute values always double-quoted), or text.
_TAG = re.compile(r'<(/?)([a-z0-9]+)(?:\s+[^\s="/>]+(?:="[^"]*")?)*\s*/?>')
_VOID = frozenset({"br", "hr", "img"})


def _unwrap_inline_around_blocks(fragment: str) -> str:
    """``fragment`` with the tags of every inline element that holds a block removed, its
    content kept: an unclosed <b> in raw HTML can end up around paragraphs, which HTML5
    parsers keep but libxml2's (and the readers built on it) take apart differently."""
    tags = list(_TAG.finditer(fragment))
    stack: list[tuple[str, int]] = []  # open elements: name, index of the start tag
    unwrap: set[int] = set()  # indexes in ``tags`` of the start and end tags to drop
    around_block: set[int] = set()  # start tags of the elements that hold a block
    for number, tag in enumerate(tags):
        closing, name = tag.group(1) == "/", tag.group(2)
        if not closing and name in _BLOCK:  # <hr> too, though it has no end tag
            around_block.update(opened for _, opened in stack)
        if name in _VOID:
            continue
        if not closing:
            stack.append((name, number))
            continue
        if not stack or stack[-1][0] != name:
            return fragment  # not as the sanitiser writes: leave it alone
        _, opened = stack.pop()
        if name in _INLINE and opened in around_block:
            unwrap |= {opened, number}
    if not unwrap:
        return fragment
    parts, position = [], 0
    for number in sorted(unwrap):
        parts += [fragment[position : tags[number].start()]]
        position = tags[number].end()
    return "".join([*parts, fragment[position:]])


class _TextOf(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(fragment: str) -> str:
    """The text of (sanitised) HTML: tags dropped, entities decoded, whitespace folded.
    The standard parser keeps every character, U+FEFF at the start included."""
    parser = _TextOf()
    parser.feed(fragment)
    parser.close()
    return _WHITESPACE.sub(" ", "".join(parser.parts)).strip()


def first_paragraph_text(body_html: str) -> str:
    """The default summary: the body's first paragraph as plain text."""
    match = _FIRST_PARAGRAPH.search(body_html)
    return plain_text(match.group(1) if match else body_html)


def render_dateline(template: str, dateline: Dateline, agency: Agency) -> str:
    """E.g. ``TEHRAN (FNA) –``: the configured format, the city upper-cased."""
    return template.format(
        city=dateline.city.upper(),
        country=dateline.country or "",
        agency=agency.abbreviation,
        agency_name=agency.name,
    ).strip()


def image_title(image: Image) -> str | None:
    """The caption with the photo credit, as shown under the photo and in enclosures."""
    parts = [image.caption, f"Photo: {image.credit}" if image.credit else None]
    return " — ".join(p for p in parts if p) or None


def compose_content(
    body_html: str,
    dateline_text: str,
    image: Image | None,
    language: str | None,
    correction: str | None = None,
) -> str:
    """The entry's full HTML: the dateline opens the first paragraph, the photo follows
    the text, and a correction note closes it."""
    dateline_html = f'<span class="dateline">{html.escape(dateline_text)}</span>'
    if body_html.startswith("<p>"):
        content = f"<p>{dateline_html} {body_html[3:]}"
    else:
        content = f"<p>{dateline_html}</p>" + (f"\n{body_html}" if body_html else "")
    if image is not None:
        content += "\n" + _figure(image)
    if correction:  # at the very end, where agencies put their correction lines
        note = html.escape(correction)
        content += f'\n<p class="correction"><strong>Correction:</strong> {note}</p>'
    if language and language.split("-")[0].lower() in RTL_LANGUAGES:
        content = f'<div dir="rtl" lang="{html.escape(language)}">\n{content}\n</div>'
    return content


def render_withdrawal(agency: Agency, note: str | None) -> str:
    """The paragraph that replaces a withdrawn story's text."""
    text = f"{agency.name} has withdrawn this story."
    if note:
        text += " " + note
    return f"<p>{html.escape(text)}</p>"


def _figure(image: Image) -> str:
    size = "".join(
        f' {name}="{value}"'
        for name, value in (("width", image.width), ("height", image.height))
        if value
    )
    alt = html.escape(image.caption or "", quote=True)
    caption = image_title(image)
    figcaption = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return (
        f'<figure><img src="{html.escape(image.url, quote=True)}" alt="{alt}"{size}>'
        f"{figcaption}</figure>"
    )

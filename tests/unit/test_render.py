import pytest

from feedpub.build.render import (
    compose_content,
    first_paragraph_text,
    image_title,
    render_body,
    render_dateline,
)
from feedpub.model import Agency, Dateline, Image

BASE = "https://www.test.example/world/story-1"
FNA = Agency(abbreviation="FNA", name="Farhang News Agency", url="https://www.fna.example/")


def test_markdown_becomes_html() -> None:
    html = render_body("Lead with *emphasis*.\n\n- one\n- two\n\n> quoted", BASE)
    assert html == (
        "<p>Lead with <em>emphasis</em>.</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"
        "<blockquote>\n<p>quoted</p>\n</blockquote>"
    )


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        ("<script>alert(1)</script>Text", "Text"),
        ('<p onclick="steal()">Text</p>', "<p>Text</p>"),
        ('<a href="javascript:alert(1)">x</a>', "<p><a>x</a></p>"),
        ("[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>"),
        ('<iframe src="https://evil.example/"></iframe>', ""),
        ("<style>p{}</style><form><input></form>ok", "ok"),
        ("![photo](/media/a.jpg)", '<p><img src="https://www.test.example/media/a.jpg" alt="photo"></p>'),
        ("[more](../economy/other)", '<p><a href="https://www.test.example/economy/other">more</a></p>'),
        ("[mail](mailto:desk@test.example)", '<p><a href="mailto:desk@test.example">mail</a></p>'),
        ("<script>x</script>&#1 and &#x1F;", "and"),  # raw HTML: its control characters go
        ("text &#1 and &#x1F; end", "<p>text &amp;#1 and \ufffd end</p>"),
    ],
)  # fmt: skip
def test_bodies_are_sanitised_and_links_made_absolute(markdown: str, html: str) -> None:
    assert render_body(markdown, BASE) == html


def test_summary_is_the_first_paragraph_as_plain_text() -> None:
    html = render_body("## Heading\n\nThe *lead* &amp; more,\nover two lines.\n\nSecond.", BASE)
    assert first_paragraph_text(html) == "The lead & more, over two lines."


def test_dateline_upper_cases_the_city() -> None:
    dateline = Dateline(city="Tehran", country="Iran")
    assert render_dateline("{city} ({agency}) –", dateline, FNA) == "TEHRAN (FNA) –"
    assert (
        render_dateline("{city}, {country} ({agency_name}) —", dateline, FNA)
        == "TEHRAN, Iran (Farhang News Agency) —"
    )
    assert render_dateline("{city} ({agency}) –", Dateline(city="تهران"), FNA) == "تهران (FNA) –"


def test_content_opens_with_the_dateline_inside_the_first_paragraph() -> None:
    content = compose_content("<p>Lead.</p>\n<p>More.</p>", "TEHRAN (FNA) –", None, None)
    assert content == '<p><span class="dateline">TEHRAN (FNA) –</span> Lead.</p>\n<p>More.</p>'


def test_content_without_a_leading_paragraph_gets_its_own_dateline_paragraph() -> None:
    content = compose_content("<ul>\n<li>a</li>\n</ul>", "DOHA (GPA) –", None, None)
    assert content == '<p><span class="dateline">DOHA (GPA) –</span></p>\n<ul>\n<li>a</li>\n</ul>'


def test_photo_and_credit_follow_the_story() -> None:
    image = Image(
        url="https://m.example/a.jpg",
        caption='Fans "cheer"',
        credit="Sara Karimi / FNA",
        width=1600,
        height=1067,
    )
    content = compose_content("<p>Lead.</p>", "TEHRAN (FNA) –", image, None)
    assert content.endswith(
        '<figure><img src="https://m.example/a.jpg" alt="Fans &quot;cheer&quot;" width="1600" '
        'height="1067"><figcaption>Fans &quot;cheer&quot; — Photo: Sara Karimi / FNA'
        "</figcaption></figure>"
    )
    assert image_title(Image(url="u", credit="C")) == "Photo: C"
    assert image_title(Image(url="u")) is None


def test_right_to_left_stories_are_marked_for_readers() -> None:
    content = compose_content("<p>متن</p>", "تهران (FNA) –", None, "fa")
    assert content.startswith('<div dir="rtl" lang="fa">\n<p>')
    assert content.endswith("</p>\n</div>")
    assert "dir=" not in compose_content("<p>x</p>", "X –", None, "en")


def test_an_inline_element_around_a_block_is_unwrapped_a_rule_included() -> None:
    from feedpub.build.render import _unwrap_inline_around_blocks

    assert _unwrap_inline_around_blocks("<b>a<p>b</p></b><i>c</i>") == "a<p>b</p><i>c</i>"
    assert _unwrap_inline_around_blocks("<em>a<hr>b</em>") == "a<hr>b"  # <hr> has no end tag
    assert _unwrap_inline_around_blocks("<p><b>a<br>b</b></p>") == "<p><b>a<br>b</b></p>"

"""Each feedgen quirk that build/_feedgen.py works around, pinned down."""

import dataclasses
import time
from datetime import datetime

from lxml import etree

from feedpub.build.atom import atom_file
from feedpub.build.rss import rss_file
from feedpub.build.select import plan_feeds
from feedpub.model import Feed, Image
from support.sites import make_article, make_site

NOW = datetime.fromisoformat("2026-11-27T12:00:00+03:30")
ATOM = "{http://www.w3.org/2005/Atom}"
NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "dc": "http://purl.org/dc/elements/1.1/",
    "media": "http://search.yahoo.com/mrss/",
    "feedpub": "https://feedpub.org/ns/1.0",
}


def combined(*articles) -> Feed:  # type: ignore[no-untyped-def]
    return plan_feeds(make_site(), list(articles) or [make_article()], NOW)[0]


def rss(feed: Feed) -> etree._Element:
    return etree.fromstring(rss_file(feed, "https://feeds.test.example/").content)


def atom(feed: Feed) -> etree._Element:
    return etree.fromstring(atom_file(feed, "https://feeds.test.example/").content)


def test_no_date_comes_from_the_clock() -> None:
    feed = combined()
    first = rss_file(feed, "https://f/").content, atom_file(feed, "https://f/").content
    time.sleep(1.1)
    assert (rss_file(feed, "https://f/").content, atom_file(feed, "https://f/").content) == first
    channel = rss(feed).find("channel")
    assert channel is not None
    assert channel.findtext("lastBuildDate") == "Wed, 18 Nov 2026 10:42:00 +0330"
    assert atom(feed).findtext(f"{ATOM}updated") == "2026-11-18T10:42:00+03:30"
    assert atom(feed).findtext(f"{ATOM}entry/{ATOM}updated") == "2026-11-18T10:42:00+03:30"


def test_entries_keep_the_planned_order() -> None:
    feed = combined(
        make_article("a", "2026-11-18T10:00:00+03:30"),
        make_article("b", "2026-11-17T10:00:00+03:30"),
    )
    assert [g.text for g in rss(feed).iter("guid")] == [e.id for e in feed.entries]
    assert [i.text for i in atom(feed).iter(f"{ATOM}id")][1:] == [e.id for e in feed.entries]


def test_rss_channel_link_is_the_home_page_and_self_is_an_atom_link() -> None:
    channel = rss(combined()).find("channel")
    assert channel is not None
    assert channel.findtext("link") == "https://www.test.example/"
    (self_link,) = channel.findall("atom:link", NS)
    assert self_link.attrib == {
        "href": "https://feeds.test.example/rss.xml",
        "rel": "self",
        "type": "application/rss+xml",
    }


def test_atom_entry_links_keep_rel_type_and_length() -> None:
    image = Image(url="https://m.example/a.jpg", caption="Cap", credit="Cred", length=1234)
    entry = atom(combined(make_article(image=image))).find(f"{ATOM}entry")
    assert entry is not None
    links = [dict(link.attrib) for link in entry.findall(f"{ATOM}link")]
    assert links == [
        {
            "rel": "alternate",
            "type": "text/html",
            "href": "https://www.test.example/politics/story-1",
        },
        {
            "rel": "enclosure",
            "type": "image/jpeg",
            "href": "https://m.example/a.jpg",
            "length": "1234",
            "title": "Cap — Photo: Cred",
        },
    ]


def test_bylines_are_dc_creator_in_rss_and_author_in_atom() -> None:
    feed = combined(make_article(byline=("Ann One", "Bob Two")))
    item = rss(feed).find("channel/item")
    assert item is not None
    assert item.find("author") is None  # RSS <author> must be an e-mail address
    assert [c.text for c in item.findall("dc:creator", NS)] == ["Ann One", "Bob Two"]
    entry = atom(feed).find(f"{ATOM}entry")
    assert entry is not None
    assert [a.findtext(f"{ATOM}name") for a in entry.findall(f"{ATOM}author")] == [
        "Ann One",
        "Bob Two",
    ]


def test_generator_names_feedpub_without_a_version() -> None:
    generator = atom(combined()).find(f"{ATOM}generator")
    assert generator is not None
    assert (generator.text, dict(generator.attrib)) == ("feedpub", {})
    assert rss(combined()).findtext("channel/generator") == "feedpub"


def test_rss_item_carries_source_media_credit_and_correction_date() -> None:
    image = Image(
        url="https://m.example/a.jpg",
        caption="Cap",
        credit="Sara Karimi / FNA",
        type="image/jpeg",
        length=99,
        width=800,
        height=600,
    )
    article = make_article(
        agency="EWS", image=image, updated=datetime.fromisoformat("2026-11-18T12:00:00+03:30")
    )
    item = rss(combined(article)).find("channel/item")
    assert item is not None
    assert item.find("source") is None  # RSS's url must be a feed: EWS names none here
    enclosure = item.find("enclosure")
    assert enclosure is not None
    assert enclosure.attrib == {
        "url": "https://m.example/a.jpg",
        "length": "99",
        "type": "image/jpeg",
    }
    media = item.find("media:content", NS)
    assert media is not None
    assert media.get("medium") == "image" and media.get("width") == "800"
    assert media.findtext("media:credit", namespaces=NS) == "Sara Karimi / FNA"
    assert item.findtext("atom:updated", namespaces=NS) == "2026-11-18T12:00:00+03:30"
    assert item.findtext("pubDate") == "Wed, 18 Nov 2026 10:42:00 +0330"
    dateline = item.find("feedpub:dateline", NS)
    assert dateline is not None
    assert dateline.attrib == {"city": "Tehran", "country": "Iran", "agency": "EWS"}
    assert dateline.text == "TEHRAN (EWS) –"
    assert item.findtext("dc:rights", namespaces=NS) == (
        "Copyright Eurasia Wire Service. Used under licence."
    )


def test_enclosure_length_is_zero_when_unknown() -> None:
    # RSS Profile: a length of 0 when the size cannot be determined.
    item = rss(combined(make_article(image=Image(url="https://m.example/a.jpg")))).find(
        "channel/item"
    )
    assert item is not None and item.find("enclosure") is not None
    assert item.find("enclosure").get("length") == "0"  # type: ignore[union-attr]


def in_scope_language(element: etree._Element) -> str | None:
    """The xml:lang that applies to ``element``: its own, or its nearest ancestor's."""
    for node in (element, *element.iterancestors()):
        language = node.get("{http://www.w3.org/XML/1998/namespace}lang")
        if language is not None:
            return language
    return None


def test_atom_entry_language_and_source() -> None:
    document = atom(combined(make_article(language="fa", agency="EWS")))
    entry = document.find(f"{ATOM}entry")
    assert entry is not None
    feed_language = in_scope_language(document)
    assert feed_language != "fa"
    # The story's words are in its language; the labels around them in the site's.
    languages = {
        child.tag.split("}")[1]: in_scope_language(child)
        for child in entry
        if child.tag != f"{ATOM}link"
    }
    assert languages == {
        "id": feed_language, "title": "fa", "updated": feed_language,
        "author": feed_language, "content": "fa", "summary": "fa",
        "category": feed_language, "published": feed_language, "rights": feed_language,
        "source": feed_language, "dateline": "fa", "agency": feed_language,
    }  # fmt: skip
    assert entry.findtext(f"{ATOM}source/{ATOM}title") == "Eurasia Wire Service"
    assert entry.findtext(f"{ATOM}rights") == "Copyright Eurasia Wire Service. Used under licence."


def test_websub_hubs_are_advertised_in_every_format() -> None:
    import json

    from feedpub.build.jsonfeed import jsonfeed_file

    site = make_site(hubs=("https://hub.example.org/",))
    feed = plan_feeds(site, [make_article()], NOW)[1]
    channel = rss(feed).find("channel")
    assert channel is not None
    hub = channel.find("atom:link[@rel='hub']", NS)
    assert hub is not None and hub.get("href") == "https://hub.example.org/"
    assert channel.findtext("link") == "https://www.test.example/politics/"  # still the page
    links = {link.get("rel"): link.get("href") for link in atom(feed).findall(f"{ATOM}link")}
    assert links["hub"] == "https://hub.example.org/"
    assert links["self"] == "https://feeds.test.example/politics/atom.xml"
    document = json.loads(jsonfeed_file(feed, "https://feeds.test.example/").content)
    assert document["hubs"] == [{"type": "WebSub", "url": "https://hub.example.org/"}]


def test_rss_description_is_escaped_html_of_the_plain_summary() -> None:
    import feedparser  # type: ignore[import-untyped]

    article = make_article(summary="AT&T <b>buys</b> &amp; more")
    document = rss_file(combined(article), "https://feeds.test.example/").content
    assert b"<description>AT&amp;amp;T &amp;lt;b&amp;gt;buys" in document
    parsed = feedparser.parse(document)
    assert parsed.entries[0].summary == "AT&amp;T &lt;b&gt;buys&lt;/b&gt; &amp;amp; more"


def test_a_body_that_sanitises_to_nothing_still_has_description_and_content() -> None:
    article = make_article(body="<!-- note to desk -->\n<script>x()</script>")
    item = rss(combined(article)).find("channel/item")
    assert item is not None
    assert item.findtext("description") == "Headline of story-1"
    assert item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded") == (
        '<p><span class="dateline">TEHRAN (TNA) –</span></p>'
    )


def test_rss_source_points_at_the_agency_feed_when_known() -> None:
    import dataclasses

    site = make_site()
    ews = dataclasses.replace(site.agencies[1], feed_url="https://www.ews.example/rss.xml")
    site = dataclasses.replace(site, agencies=(site.agencies[0], ews))
    feed = plan_feeds(site, [make_article(agency="EWS")], NOW)[0]
    source = rss(feed).find("channel/item/source")
    assert source is not None and source.get("url") == "https://www.ews.example/rss.xml"


def test_only_wire_stories_name_their_source() -> None:
    # <source> says an item was republished from another feed: never on the site's own
    # stories; in RSS only with the other agency's feed, in Atom with its name and site.
    ews = make_site().find_agency("EWS")
    site = make_site(agencies=(make_site().find_agency("TNA"),
                               dataclasses.replace(ews, feed_url="https://www.ews.example/rss")))  # fmt: skip
    own, wire = make_article(id="own"), make_article(id="wire", agency="EWS")
    feed = plan_feeds(site, [own, wire], NOW)[0]
    items = {item.findtext("guid"): item for item in rss(feed).iter("item")}
    sources = {key.rsplit(":", 1)[1]: item.find("source") for key, item in items.items()}
    assert sources["own"] is None
    assert sources["wire"] is not None
    assert (sources["wire"].text, sources["wire"].get("url")) == (
        "Eurasia Wire Service",
        "https://www.ews.example/rss",
    )
    entries = {
        e.findtext(f"{ATOM}id").rsplit(":", 1)[1]: e for e in atom(feed).iter(f"{ATOM}entry")
    }
    assert entries["own"].find(f"{ATOM}source") is None
    source = entries["wire"].find(f"{ATOM}source")
    assert source is not None
    assert source.findtext(f"{ATOM}title") == "Eurasia Wire Service"
    assert [link.get("href") for link in source.iter(f"{ATOM}link")] == ["https://www.ews.example/"]


def test_rss_plain_text_uses_hexadecimal_references_and_html_keeps_its_own() -> None:
    # RSS Profile, "Character Data": "&" and "<" in plain text as &#x26; and &#x3C;,
    # which aggregators that read a title as HTML and those that do not both show as
    # written. Descriptions hold HTML and keep the usual escaping.
    import feedparser  # type: ignore[import-untyped]

    article = make_article(headline="AT&T <3 Q&A > B", byline=("Smith & Wesson",),
                           summary="Fish & chips")  # fmt: skip
    content = rss_file(combined(article), "https://feeds.test.example/").content
    assert b"<title>AT&#x26;T &#x3C;3 Q&#x26;A &#x3E; B</title>" in content
    assert b"<dc:creator>Smith &#x26; Wesson</dc:creator>" in content
    assert b"<description>Fish &amp;amp; chips</description>" in content
    entry = feedparser.parse(content).entries[0]
    assert (entry.title, entry.author) == ("AT&T <3 Q&A > B", "Smith & Wesson")
    assert (
        b"<title>AT&amp;T &lt;3 Q&amp;A &gt; B</title>"
        in atom_file(combined(article), "https://feeds.test.example/").content
    )  # Atom says what its text is: type="text" by default

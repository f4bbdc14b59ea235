"""The feed validators in tests/support can fail.

Each format has one small, hand-written valid sample that must pass. Every rule then
gets a minimally broken variant -- the valid sample with one substring replaced -- and
the problem it must produce.
"""

from __future__ import annotations

import pytest

from support.validators import (
    atom_problems,
    feed_problems,
    feedparser_problems,
    jsonfeed_problems,
    rss_problems,
)

VALID_RSS = """\
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"
     xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:media="http://search.yahoo.com/mrss/"
     xmlns:fna="https://www.fna.example/ns/feedpub">
  <channel>
    <title>Farhang News Agency</title>
    <link>https://www.fna.example/</link>
    <description>News, analysis and photo stories.</description>
    <atom:link href="https://feeds.fna.example/rss.xml" rel="self" type="application/rss+xml"/>
    <language>en</language>
    <lastBuildDate>Wed, 18 Nov 2026 10:42:00 +0330</lastBuildDate>
    <item>
      <title>Rain returns to Tehran</title>
      <link>https://www.fna.example/2026/11/18/rain</link>
      <description>The first autumn rain fell on the capital.</description>
      <content:encoded><![CDATA[<p>The first <em>autumn</em> rain.</p>
        <figure><img src="https://www.fna.example/rain.jpg" alt="">
        <figcaption>Rain</figcaption></figure>]]></content:encoded>
      <dc:creator>Sara Ahmadi</dc:creator>
      <category>Weather</category>
      <guid isPermaLink="false">tag:fna.example,2026:rain</guid>
      <pubDate>Wed, 18 Nov 2026 10:42:00 +0330</pubDate>
      <enclosure url="https://www.fna.example/rain.jpg" length="12345" type="image/jpeg"/>
      <source url="https://www.ews.example/rss.xml">Eurasia Wire Service</source>
      <media:content url="https://www.fna.example/rain.jpg" medium="image" type="image/jpeg">
        <media:credit role="photographer">Reza Karimi</media:credit>
      </media:content>
      <fna:dateline>TEHRAN (FNA) –</fna:dateline>
    </item>
    <item>
      <title>Quake drill in schools</title>
      <guid>https://www.fna.example/2026/11/17/quake</guid>
      <pubDate>Tue, 17 Nov 2026 08:00:00 +0000</pubDate>
    </item>
  </channel>
</rss>
"""

VALID_ATOM = """\
<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"
      xmlns:fna="https://www.fna.example/ns/feedpub">
  <id>tag:fna.example,2026:feed</id>
  <title>Farhang News Agency</title>
  <updated>2026-11-18T10:42:00+03:30</updated>
  <link rel="self" type="application/atom+xml" href="https://feeds.fna.example/atom.xml"/>
  <link rel="alternate" type="text/html" href="https://www.fna.example/"/>
  <author><name>Farhang News Agency</name><uri>https://www.fna.example/</uri></author>
  <fna:agency>FNA</fna:agency>
  <entry>
    <id>tag:fna.example,2026:rain</id>
    <title>Rain returns to Tehran</title>
    <updated>2026-11-18T10:42:00+03:30</updated>
    <published>2026-11-18T09:00:00+03:30</published>
    <link rel="alternate" type="text/html" href="https://www.fna.example/2026/11/18/rain"/>
    <author><name>Sara Ahmadi</name></author>
    <category term="weather" label="Weather"/>
    <summary>The first autumn rain fell on the capital.</summary>
    <content type="html">&lt;p&gt;The first &lt;em&gt;autumn&lt;/em&gt; rain.&lt;/p&gt;</content>
  </entry>
  <entry>
    <id>tag:fna.example,2026:quake</id>
    <title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Quake <em>drill</em></div></title>
    <updated>2026-11-17T08:00:00Z</updated>
    <link href="https://www.fna.example/2026/11/17/quake"/>
  </entry>
</feed>
"""

VALID_JSON = """\
{
  "version": "https://jsonfeed.org/version/1.1",
  "title": "Farhang News Agency",
  "home_page_url": "https://www.fna.example/",
  "feed_url": "https://feeds.fna.example/feed.json",
  "language": "en",
  "authors": [{"name": "Farhang News Agency", "url": "https://www.fna.example/"}],
  "_fna": {"about": "https://www.fna.example/ns/feedpub", "agency": "FNA"},
  "items": [
    {
      "id": "tag:fna.example,2026:rain",
      "url": "https://www.fna.example/2026/11/18/rain",
      "title": "Rain returns to Tehran",
      "content_html": "<p>The first <em>autumn</em> rain.</p>",
      "date_published": "2026-11-18T09:00:00+03:30",
      "date_modified": "2026-11-18T10:42:00+03:30",
      "authors": [{"name": "Sara Ahmadi"}],
      "tags": ["Weather"],
      "attachments": [
        {
          "url": "https://www.fna.example/rain.jpg",
          "mime_type": "image/jpeg",
          "size_in_bytes": 12345
        }
      ],
      "_fna": {"dateline": "TEHRAN (FNA) –"}
    },
    {
      "id": "tag:fna.example,2026:quake",
      "content_text": "Quake drill in schools.",
      "date_published": "2026-11-17T08:00:00Z"
    }
  ]
}
"""

# RFC 4287 section 1.1, both examples verbatim: a check on the schema conversion itself.
RFC4287_BRIEF = """\
<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">

  <title>Example Feed</title>
  <link href="http://example.org/"/>
  <updated>2003-12-13T18:30:02Z</updated>
  <author>
    <name>John Doe</name>
  </author>
  <id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>

  <entry>
    <title>Atom-Powered Robots Run Amok</title>
    <link href="http://example.org/2003/12/13/atom03"/>
    <id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>
    <updated>2003-12-13T18:30:02Z</updated>
    <summary>Some text.</summary>
  </entry>

</feed>
"""

RFC4287_EXTENSIVE = """\
<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="text">dive into mark</title>
  <subtitle type="html">
    A &lt;em&gt;lot&lt;/em&gt; of effort
    went into making this effortless
  </subtitle>
  <updated>2005-07-31T12:29:29Z</updated>
  <id>tag:example.org,2003:3</id>
  <link rel="alternate" type="text/html"
   hreflang="en" href="http://example.org/"/>
  <link rel="self" type="application/atom+xml"
   href="http://example.org/feed.atom"/>
  <rights>Copyright (c) 2003, Mark Pilgrim</rights>
  <generator uri="http://www.example.com/" version="1.0">
    Example Toolkit
  </generator>
  <entry>
    <title>Atom draft-07 snapshot</title>
    <link rel="alternate" type="text/html"
     href="http://example.org/2005/04/02/atom"/>
    <link rel="enclosure" type="audio/mpeg" length="1337"
     href="http://example.org/audio/ph34r_my_podcast.mp3"/>
    <id>tag:example.org,2003:3.2397</id>
    <updated>2005-07-31T12:29:29Z</updated>
    <published>2003-12-13T08:29:29-04:00</published>
    <author>
      <name>Mark Pilgrim</name>
      <uri>http://example.org/</uri>
      <email>f8dy@example.com</email>
    </author>
    <contributor>
      <name>Sam Ruby</name>
    </contributor>
    <contributor>
      <name>Joe Gregorio</name>
    </contributor>
    <content type="xhtml" xml:lang="en"
     xml:base="http://diveintomark.org/">
      <div xmlns="http://www.w3.org/1999/xhtml">
        <p><i>[Update: The Atom draft is finished.]</i></p>
      </div>
    </content>
  </entry>
</feed>
"""


def broken(sample: str, old: str, new: str) -> bytes:
    """Return ``sample`` as UTF-8 with the first ``old`` replaced by ``new``."""
    assert old in sample, f"{old!r} is not in the sample: the test case is stale"
    return sample.replace(old, new, 1).encode("utf-8")


def assert_reported(problems: list[str], expected: str) -> None:
    """Fail unless one of ``problems`` contains ``expected``."""
    assert any(expected in problem for problem in problems), (
        f"expected a problem containing {expected!r}, got {problems}"
    )


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("rss.xml", VALID_RSS),
        ("atom.xml", VALID_ATOM),
        ("feed.json", VALID_JSON),
        ("rfc4287-brief.xml", RFC4287_BRIEF),
        ("rfc4287-extensive.xml", RFC4287_EXTENSIVE),
    ],
)
def test_valid_samples_pass(name: str, text: str) -> None:
    assert feed_problems(name, text.encode("utf-8")) == []


ITEM_TITLE = "<title>Rain returns to Tehran</title>"
ITEM_LINK = "<link>https://www.fna.example/2026/11/18/rain</link>"
ITEM_DESCRIPTION = "<description>The first autumn rain fell on the capital.</description>"
CDATA_HTML = (
    "<![CDATA[<p>The first <em>autumn</em> rain.</p>\n"
    '        <figure><img src="https://www.fna.example/rain.jpg" alt="">\n'
    "        <figcaption>Rain</figcaption></figure>]]>"
)
SELF_LINK = (
    '<atom:link href="https://feeds.fna.example/rss.xml" rel="self" type="application/rss+xml"/>'
)
CREATOR = "<dc:creator>Sara Ahmadi</dc:creator>"

RSS_CASES = [
    # (case id, replace this, with this, a problem must contain this)
    ("not-well-formed", "</channel>", "", "not well-formed XML"),
    ("not-utf8", 'encoding="UTF-8"', 'encoding="ISO-8859-1"', "expected UTF-8"),
    ("version", 'version="2.0"', 'version="0.92"', 'expected version="2.0"'),
    ("no-channel-description", "<description>News, analysis and photo stories.</description>",
     "", "channel <description> is missing"),
    ("no-self-link", SELF_LINK, "", 'no <atom:link rel="self">'),
    ("relative-self-link", 'href="https://feeds.fna.example/rss.xml"', 'href="/rss.xml"',
     "is not an absolute URL"),
    ("self-link-type", 'type="application/rss+xml"', 'type="application/xml"',
     'expected "application/rss+xml"'),
    ("language", "<language>en</language>", "<language>en_US</language>",
     "is not a language tag"),
    ("date-zone-name", "10:42:00 +0330</lastBuildDate>", "10:42:00 IRST</lastBuildDate>",
     "is not an RFC 822 date"),
    ("date-day-name", "<pubDate>Wed, 18", "<pubDate>Thu, 18", "but that date is a Wed"),
    ("no-title-or-description", f"{ITEM_TITLE}\n      {ITEM_LINK}\n      {ITEM_DESCRIPTION}",
     "", "item 1: has neither a <title> nor a <description>"),
    ("no-guid", '<guid isPermaLink="false">tag:fna.example,2026:rain</guid>', "",
     "item 1: has no <guid>"),
    ("permalink-guid-not-url", '<guid isPermaLink="false">', "<guid>", "is a permalink"),
    ("misspelt-attribute", 'isPermaLink="false"', 'isPermalink="false"',
     "attribute 'isPermalink'"),
    ("duplicate-guid", "<guid>https://www.fna.example/2026/11/17/quake</guid>",
     '<guid isPermaLink="false">tag:fna.example,2026:rain</guid>', "is used by 2 items"),
    ("relative-item-link", ITEM_LINK, "<link>/2026/11/18/rain</link>", "<item><link>"),
    ("enclosure-length", 'length="12345"', 'length="12 KB"', "<enclosure> length"),
    ("enclosure-type", 'length="12345" type="image/jpeg"', 'length="12345" type="jpeg"',
     "is not a MIME type"),
    ("empty-category", "<category>Weather</category>", "<category> </category>",
     "<category> is empty"),
    ("source-without-url", '<source url="https://www.ews.example/rss.xml">', "<source>",
     "<source> url is missing"),
    ("unknown-element", CREATOR, "<subtitle>Rain</subtitle>",
     "<subtitle> is not an RSS 2.0 child of <item>"),
    ("repeated-title", ITEM_TITLE, ITEM_TITLE * 2, "<item> has 2 <title> elements"),
    ("encoded-not-escaped", CDATA_HTML, "<p>The first rain.</p>", "contains XML elements"),
    ("encoded-misnested-html", "<em>autumn</em> rain.</p>", "<em>autumn</p></em>",
     "HTML error"),
    ("encoded-unknown-tag", "<figcaption>Rain</figcaption>", "<caption2>Rain</caption2>",
     "<caption2> is not an HTML element"),
    ("empty-creator", CREATOR, "<dc:creator/>", "<dc:creator> is empty"),
    ("media-content-without-url", '<media:content url="https://www.fna.example/rain.jpg"',
     "<media:content", "<media:content> url is missing"),
    ("plain-text-named-reference", CREATOR, "<dc:creator>Smith &amp; Jones</dc:creator>",
     "<dc:creator> writes &amp; in plain text"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "expected"), [pytest.param(*case[1:], id=case[0]) for case in RSS_CASES]
)
def test_rss_rule_violations_are_reported(old: str, new: str, expected: str) -> None:
    assert_reported(rss_problems(broken(VALID_RSS, old, new)), expected)


QUAKE_LINK = '<link href="https://www.fna.example/2026/11/17/quake"/>'
FEED_AUTHOR = "<author><name>Farhang News Agency</name><uri>https://www.fna.example/</uri></author>"
RAIN_PUBLISHED = "<published>2026-11-18T09:00:00+03:30</published>"

ATOM_CASES = [
    ("schema-misplaced-element", "<fna:agency>FNA</fna:agency>", "<summary>FNA</summary>",
     "RELAX NG"),
    ("schema-xhtml-without-div", '<title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
     "Quake <em>drill</em></div></title>", '<title type="xhtml">Quake drill</title>', "RELAX NG"),
    ("feed-without-id", "<id>tag:fna.example,2026:feed</id>", "",
     "feed has 0 atom:id elements, expected exactly 1"),
    ("entry-without-updated", "<updated>2026-11-17T08:00:00Z</updated>", "",
     "entry 2 has 0 atom:updated elements"),
    ("no-author-anywhere", FEED_AUTHOR, "", "entry 2 has no atom:author"),
    ("relative-id", "<id>tag:fna.example,2026:quake</id>", "<id>/2026/11/17/quake</id>",
     "is not an absolute IRI"),
    ("duplicate-entry-id", "<id>tag:fna.example,2026:quake</id>",
     "<id>tag:fna.example,2026:rain</id>", "is used by 2 entries"),
    ("two-alternates-same-type", QUAKE_LINK, QUAKE_LINK * 2,
     "entry 2 has 2 alternate links with type=None hreflang=None"),
    ("no-content-no-alternate", QUAKE_LINK, "",
     "entry 2 has neither atom:content nor an alternate atom:link"),
    ("updated-before-published", RAIN_PUBLISHED,
     "<published>2026-11-18T11:00:00+03:30</published>", "earlier than its atom:published"),
    ("date-without-offset", RAIN_PUBLISHED, "<published>2026-11-18T09:00:00</published>",
     "is not an RFC 3339 date-time"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "expected"), [pytest.param(*case[1:], id=case[0]) for case in ATOM_CASES]
)
def test_atom_rule_violations_are_reported(old: str, new: str, expected: str) -> None:
    assert_reported(atom_problems(broken(VALID_ATOM, old, new)), expected)


RAIN_URL = '"url": "https://www.fna.example/2026/11/18/rain"'
RAIN_DATE = '"date_published": "2026-11-18T09:00:00+03:30"'

JSON_CASES = [
    ("not-json", '"language": "en",', '"language": "en",,', "not valid JSON"),
    ("duplicate-key", '"language": "en",', '"language": "en", "language": "fa",',
     "duplicate keys ['language']"),
    ("version-1.0", '"https://jsonfeed.org/version/1.1"', '"https://jsonfeed.org/version/1"',
     "'https://jsonfeed.org/version/1.1' was expected"),
    ("item-without-id", '"id": "tag:fna.example,2026:quake",', "",
     "'id' is a required property"),
    ("item-without-content", '"content_text": "Quake drill in schools.",', "",
     "$.items[1]: must have at least one of ['content_html', 'content_text']"),
    ("unknown-key", '"language": "en",', '"language": "en", "subtitle": "x",',
     "$: unknown keys ['subtitle']"),
    ("extension-name-with-dot", '"_fna": {"about"', '"_fna.v2": {"about"',
     "$: unknown keys ['_fna.v2']"),
    ("url-format", RAIN_URL, '"url": "https://www.fna.example/<rain>"', "is not a 'uri'"),
    ("date-format", RAIN_DATE, '"date_published": "2026-02-30T09:00:00+03:30"',
     "is not a 'date-time'"),
    ("date-trailing-newline", RAIN_DATE, '"date_published": "2026-11-18T09:00:00+03:30\\n"',
     "$.items[0].date_published: '2026-11-18T09:00:00+03:30\\n' does not match"),
    ("empty-author", '[{"name": "Sara Ahmadi"}]', "[{}]",
     "$.items[0].authors[0]: must have at least one of ['name', 'url', 'avatar']"),
    ("attachment-without-type", '"mime_type": "image/jpeg",', "",
     "'mime_type' is a required property"),
    ("duplicate-item-id", '"id": "tag:fna.example,2026:quake"', '"id": "tag:fna.example,2026:rain"',
     "is used by 2 items"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "expected"), [pytest.param(*case[1:], id=case[0]) for case in JSON_CASES]
)
def test_jsonfeed_rule_violations_are_reported(old: str, new: str, expected: str) -> None:
    assert_reported(jsonfeed_problems(broken(VALID_JSON, old, new)), expected)


def test_jsonfeed_must_be_utf8() -> None:
    assert_reported(jsonfeed_problems(VALID_JSON.encode("utf-16")), "not UTF-8")


def test_feedparser_reports_bozo_feeds() -> None:
    assert_reported(feedparser_problems(broken(VALID_RSS, "</channel>", "")), "feedparser: ")


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("feed.xml", b"<html/>", "neither <rss> nor <feed> found"),
        ("feed.txt", VALID_RSS.encode(), "unknown feed file type '.txt'"),
    ],
    ids=["xml-not-a-feed", "unknown-suffix"],
)
def test_feed_problems_refuses_what_it_cannot_dispatch(
    name: str, data: bytes, expected: str
) -> None:
    # Dispatch to the right validator is shown by test_valid_samples_pass: an RSS file
    # checked as Atom (or the reverse) would not pass.
    assert_reported(feed_problems(name, data), expected)

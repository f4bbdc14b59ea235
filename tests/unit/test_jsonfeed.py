import json
from datetime import datetime

from feedpub.build.jsonfeed import jsonfeed_file
from feedpub.build.select import plan_feeds
from feedpub.model import Image
from support.sites import make_article, make_site

NOW = datetime.fromisoformat("2026-11-27T12:00:00+03:30")


def document(*articles, path: str = ""):  # type: ignore[no-untyped-def]
    feeds = {f.path: f for f in plan_feeds(make_site(), list(articles), NOW)}
    file = jsonfeed_file(feeds[path], "https://feeds.test.example/")
    return file, json.loads(file.content)


def test_feed_level_fields() -> None:
    file, doc = document(make_article(), path="politics")
    assert file.path == "politics/feed.json"
    assert file.media_type == "application/feed+json; charset=utf-8"
    assert list(doc)[:8] == [
        "version",
        "title",
        "home_page_url",
        "feed_url",
        "description",
        "language",
        "authors",
        "_feedpub",
    ]
    assert doc["version"] == "https://jsonfeed.org/version/1.1"
    assert doc["feed_url"] == "https://feeds.test.example/politics/feed.json"
    assert doc["authors"] == [{"name": "Test News Agency", "url": "https://www.test.example/"}]
    assert doc["_feedpub"]["rights"] == "© 2026 Test Agency"
    assert doc["_feedpub"]["updated"] == "2026-11-18T10:42:00+03:30"


def test_item_fields_and_extension() -> None:
    image = Image(url="https://m.example/a.jpg", caption="Cap", credit="Cred", length=10)
    article = make_article(
        byline=("Ann",),
        tags=("oil",),
        image=image,
        language="fa",
        updated=datetime.fromisoformat("2026-11-19T08:00:00+03:30"),
    )
    _, doc = document(article)
    (item,) = doc["items"]
    assert item["id"] == "tag:test.example,2026:story-1"
    assert item["date_published"] == "2026-11-18T10:42:00+03:30"
    assert item["date_modified"] == "2026-11-19T08:00:00+03:30"
    assert item["authors"] == [{"name": "Ann"}]
    assert item["tags"] == ["Politics", "oil"]
    assert item["image"] == "https://m.example/a.jpg"
    assert item["attachments"] == [
        {
            "url": "https://m.example/a.jpg",
            "mime_type": "image/jpeg",
            "title": "Cap — Photo: Cred",
            "size_in_bytes": 10,
        }
    ]
    assert item["language"] == "fa"
    assert item["_feedpub"]["dateline"] == {
        "text": "TEHRAN (TNA) –",
        "city": "Tehran",
        "country": "Iran",
    }
    assert item["_feedpub"]["agency"]["abbreviation"] == "TNA"
    assert item["_feedpub"]["image"] == {"caption": "Cap", "credit": "Cred"}


def test_optional_keys_are_left_out_not_null() -> None:
    _, doc = document(make_article())
    (item,) = doc["items"]
    assert "date_modified" not in item and "image" not in item and "attachments" not in item
    assert None not in item.values()


def test_text_is_written_as_is_not_escaped() -> None:
    file, _ = document(make_article(headline="خبر فوری 📰"))
    assert "خبر فوری 📰".encode() in file.content
    assert file.content.endswith(b"}\n")


def test_the_file_names_match_the_serialisers() -> None:
    from feedpub.build import FILENAMES, atom, jsonfeed, rss, serialisers

    assert FILENAMES == (rss.FILENAME, atom.FILENAME, jsonfeed.FILENAME)
    assert [s.__module__ for s in serialisers()] == [m.__name__ for m in (rss, atom, jsonfeed)]

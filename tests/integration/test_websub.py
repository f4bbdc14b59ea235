"""WebSub: after a publish that changed feeds, one ping per changed feed URL, and only then."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from feedpub.cli import EXIT_OK
from support.publishing import PublishSite
from support.servers import HubRecorder

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def site(publish_site: PublishSite, hub: HubRecorder, tmp_path: Path) -> PublishSite:
    publish_site.configure(
        f"targets:\n  - {{name: mirror, type: dir, path: '{tmp_path / 'www'}'}}\n"
        f"websub:\n  hub: {hub.url}\n"
    )
    assert publish_site.build().exit_code == EXIT_OK
    return publish_site


def pinged(hub: HubRecorder) -> list[str]:
    urls = []
    for request in hub.requests:
        assert request.method == "POST"
        assert request.header("Content-Type") == "application/x-www-form-urlencoded"
        form = dict(request.form)
        assert form["hub.mode"] == "publish"
        urls.append(form["hub.url"])
    return sorted(urls)


def test_first_publish_pings_every_feed_once(site: PublishSite, hub: HubRecorder) -> None:
    result = site.publish()
    assert result.exit_code == EXIT_OK, result.output
    assert pinged(hub) == sorted(f"https://feeds.test.example/{path}"
                                 for path in site.output_files())  # fmt: skip
    assert result.stdout.endswith("WebSub: 12 changed feed URLs announced.\n")


def test_nothing_changed_pings_nothing(site: PublishSite, hub: HubRecorder) -> None:
    site.publish()
    first = len(hub.requests)
    assert site.publish().exit_code == EXIT_OK
    assert len(hub.requests) == first


def test_only_the_changed_feeds_are_announced(site: PublishSite, hub: HubRecorder) -> None:
    site.publish()
    before = len(hub.requests)
    story = site.folder.articles / "b.md"
    story.write_text(story.read_text().replace("A headline", "New"))
    site.build()
    site.publish()
    changed = sorted(dict(request.form)["hub.url"] for request in hub.requests[before:])
    assert [urlsplit(url).path for url in changed] == [
        "/atom.xml", "/feed.json", "/rss.xml",
        "/world/atom.xml", "/world/feed.json", "/world/rss.xml",
    ]  # fmt: skip


def test_a_dry_run_pings_nothing(site: PublishSite, hub: HubRecorder) -> None:
    assert site.publish("--dry-run").exit_code == EXIT_OK
    assert hub.requests == []


def test_a_failing_hub_is_reported_not_fatal(site: PublishSite, hub: HubRecorder) -> None:
    hub.status = 500
    result = site.publish()
    assert result.exit_code == EXIT_OK
    assert f"WebSub hub {hub.url}: https://feeds.test.example/rss.xml: the hub answered 500" in (
        result.stderr
    )
    assert (site.folder.root.parent / "www" / "rss.xml").is_file()


def test_the_feeds_advertise_the_hub(site: PublishSite, hub: HubRecorder) -> None:
    files = site.output_files()
    assert f'<atom:link rel="hub" href="{hub.url}"/>'.encode() in files["rss.xml"]
    assert f'<link href="{hub.url}" rel="hub"/>'.encode() in files["atom.xml"]
    assert json.loads(files["feed.json"])["hubs"] == [{"type": "WebSub", "url": hub.url}]

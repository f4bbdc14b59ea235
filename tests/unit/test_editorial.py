"""Drafts, embargoes, corrections and withdrawals decide what readers see, and when."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime

from feedpub.build import build_feeds
from feedpub.build.select import next_release, plan_feeds
from feedpub.model import Article, Feed, listing_of
from support.sites import make_article, make_site

NOW = datetime.fromisoformat("2026-11-27T12:00:00+03:30")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def combined(*articles: Article, now: datetime = NOW, **site: object) -> Feed:
    return plan_feeds(make_site(**site), list(articles), now)[0]


def ids(feed: Feed) -> list[str]:
    return [entry.id.rsplit(":", 1)[1] for entry in feed.entries]


def test_a_draft_never_appears() -> None:
    assert ids(combined(make_article("d", status="draft"), make_article("p"))) == ["p"]


def test_an_embargoed_story_appears_at_the_run_that_first_passes_its_moment() -> None:
    story = make_article("e", "2026-11-27T09:00:00+03:30", embargo=at("2026-11-27T12:30:00+03:30"))
    assert ids(combined(story, now=at("2026-11-27T12:29:59+03:30"))) == []
    assert ids(combined(story, now=at("2026-11-27T12:30:00+03:30"))) == ["e"]


def test_a_released_story_is_news_dated_at_its_embargo_and_its_month_archive_then() -> None:
    # Written on the 10th, embargoed until the 1st: the feeds show it at the top, dated
    # at the release, and the feeds' own date moves with it; items_per_feed 2 puts the
    # older stories in the archive of their month, and it is in December's, not November's.
    embargoed = make_article("e", "2026-11-10T09:00:00+03:30",
                             embargo=at("2026-12-01T08:00:00+03:30"),
                             updated=at("2026-11-12T10:00:00+03:30"))  # fmt: skip
    others = [make_article(f"s{day}", f"2026-11-{day}T09:00:00+03:30") for day in (20, 25, 28)]
    now = at("2026-12-01T09:00:00+03:30")
    plans = plan_feeds(make_site(items_per_feed=2), [embargoed, *others], now)
    feed = plans[0]
    assert ids(feed) == ["e", "s28"]
    (entry, _) = feed.entries
    assert (entry.published, entry.updated, entry.modified) == (
        at("2026-12-01T08:00:00+03:30"),
        at("2026-12-01T08:00:00+03:30"),
        False,
    )  # corrected before its release: readers see one story, never modified
    assert feed.updated == at("2026-12-01T08:00:00+03:30")
    archived = {plan.archive: ids(plan) for plan in plans if plan.archive and plan.current == ""}
    assert archived == {"2026-11": ["s25", "s20"]}
    listing = listing_of(embargoed, "e", zone=make_site().zone)
    assert (listing.month, listing.changed) == (
        "2026-12",
        at("2026-12-01T08:00:00+03:30").timestamp(),
    )


def test_a_story_corrected_or_withdrawn_after_it_left_the_feed_comes_back_to_its_top() -> None:
    # Readers keep what they fetched: only the feed they poll can tell them a story was
    # corrected or withdrawn. The story leaves its month's archive while it is back.
    stories = [make_article(f"s{day}", f"2026-11-{day}T09:00:00+03:30") for day in (10, 20, 25)]
    corrected = dataclasses.replace(stories[0], updated=at("2026-11-26T08:00:00+03:30"))
    withdrawn = dataclasses.replace(stories[1], status="withdrawn",
                                    withdrawn=at("2026-11-27T08:00:00+03:30"))  # fmt: skip

    def documents(*articles: Article) -> dict[str | None, list[str]]:
        """The combined feed (None) and its archive documents, by name."""
        plans = plan_feeds(make_site(items_per_feed=1), list(articles), NOW)
        return {plan.archive: ids(plan) for plan in plans if "" in (plan.path, plan.current)}

    assert documents(*stories) == {None: ["s25"], "2026-11": ["s20", "s10"]}
    assert documents(corrected, *stories[1:]) == {None: ["s10"], "2026-11": ["s25", "s20"]}
    assert documents(corrected, withdrawn, stories[2]) == {
        None: ["s20"], "2026-11": ["s25", "s10"],
    }  # fmt: skip
    (notice,) = combined(corrected, withdrawn, stories[2], items_per_feed=1).entries
    assert notice.title.startswith("Withdrawn: ")


def test_a_future_published_or_updated_date_holds_the_story_back() -> None:
    future = make_article("f", "2026-11-28T08:00:00+03:30")
    corrected_later = make_article("u", updated=at("2026-11-28T09:00:00+03:30"))
    assert ids(combined(future, corrected_later)) == []
    for feed in plan_feeds(make_site(), [future, corrected_later], NOW):
        assert feed.updated <= NOW


def test_the_next_release_is_reported() -> None:
    articles = [
        make_article("later", embargo=at("2026-11-29T06:00:00+03:30")),
        make_article("sooner", "2026-11-28T07:00:00+03:30"),
        make_article("draft", "2026-11-27T13:00:00+03:30", status="draft"),
        make_article("out"),
    ]
    listings = [listing_of(article, article.id, zone=make_site().zone) for article in articles]
    following = next_release(listings, NOW)
    assert following is not None and following.id == "sooner"
    assert next_release(listings[3:], NOW) is None


def test_a_correction_keeps_the_id_moves_updated_and_closes_the_content() -> None:
    original = make_article("c")
    corrected = dataclasses.replace(
        original, updated=at("2026-11-18T14:05:00+03:30"),
        correction="An earlier version gave the wrong vote count.",
    )  # fmt: skip
    (before,) = combined(original).entries
    (after,) = combined(corrected).entries
    assert after.id == before.id
    assert (after.updated.isoformat(), after.modified) == ("2026-11-18T14:05:00+03:30", True)
    assert after.content_html.endswith(
        '<p class="correction"><strong>Correction:</strong> An earlier version gave the wrong '
        "vote count.</p>"
    )
    document = json.loads(build_feeds(make_site(), [corrected], NOW)[2].content)
    assert document["items"][0]["date_modified"] == "2026-11-18T14:05:00+03:30"


def test_a_withdrawn_story_is_replaced_by_a_notice_with_the_same_id() -> None:
    killed = make_article(
        "k", status="withdrawn", withdrawn=at("2026-11-20T10:00:00+03:30"),
        withdrawal_note="The story was filed in error.", byline=("Ann",),
    )  # fmt: skip
    (notice,) = combined(killed).entries
    assert notice.id == "tag:test.example,2026:k"
    assert notice.title == "Withdrawn: Headline of k"
    assert notice.updated.isoformat() == "2026-11-20T10:00:00+03:30"
    assert notice.content_html == (
        '<p><span class="dateline">TEHRAN (TNA) –</span> Test News Agency has withdrawn this '
        "story. The story was filed in error.</p>"
    )
    assert "Lead of k" not in notice.content_html and notice.image is None
    assert combined(killed).updated.isoformat() == "2026-11-20T10:00:00+03:30"


def test_a_withdrawal_can_drop_the_story_without_a_notice() -> None:
    killed = make_article("k", status="withdrawn", withdrawn=at("2026-11-20T10:00:00+03:30"))
    assert ids(combined(killed, make_article("p"), withdrawal_notices=False)) == ["p"]


def test_before_its_withdrawal_time_the_story_is_still_shown() -> None:
    scheduled = make_article("k", status="withdrawn", withdrawn=at("2026-11-28T10:00:00+03:30"))
    (entry,) = combined(scheduled).entries
    assert entry.title == "Headline of k"

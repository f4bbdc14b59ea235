from datetime import datetime

from feedpub.build.select import EPOCH, plan_feeds
from support.sites import make_article, make_site

NOW = datetime.fromisoformat("2026-11-27T12:00:00+03:30")


def ids(feed) -> list[str]:  # type: ignore[no-untyped-def]
    return [entry.id.rsplit(":", 1)[1] for entry in feed.entries]


def test_combined_first_then_sections_in_site_order() -> None:
    feeds = plan_feeds(make_site(), [make_article()], NOW)
    assert [f.path for f in feeds] == ["", "politics", "world", "photo"]
    assert [f.id for f in feeds] == [
        "tag:test.example,2026:feeds/",
        "tag:test.example,2026:feeds/politics",
        "tag:test.example,2026:feeds/world",
        "tag:test.example,2026:feeds/photo",
    ]
    assert feeds[1].title == "Test Agency — Politics"
    assert feeds[1].home_url == "https://www.test.example/politics/"


def test_newest_first_by_instant_not_by_local_clock_time() -> None:
    # 10:00 in Tehran is 06:30 UTC; 08:00 in Vienna (+01:00) is 07:00 UTC, so it is newer.
    tehran = make_article("tehran", "2026-11-18T10:00:00+03:30")
    vienna = make_article("vienna", "2026-11-18T08:00:00+01:00")
    (combined, *_) = plan_feeds(make_site(), [tehran, vienna], NOW)
    assert ids(combined) == ["vienna", "tehran"]


def test_ties_are_broken_by_id_whatever_the_input_order() -> None:
    same = "2026-11-18T10:00:00+03:30"
    articles = [make_article(name, same) for name in ("c", "a", "b")]
    for order in (articles, articles[::-1]):
        assert ids(plan_feeds(make_site(), order, NOW)[0]) == ["a", "b", "c"]


def test_each_feed_holds_at_most_items_per_feed() -> None:
    articles = [
        make_article(f"s{day:02}", f"2026-11-{day:02}T10:00:00+03:30") for day in range(1, 8)
    ]
    combined = plan_feeds(make_site(items_per_feed=3), articles, NOW)[0]
    assert ids(combined) == ["s07", "s06", "s05"]


def test_section_feeds_hold_their_sections_only() -> None:
    both = make_article("both", sections=("politics", "world"))
    world = make_article("world", sections=("world",))
    feeds = {f.path: f for f in plan_feeds(make_site(), [both, world], NOW)}
    assert ids(feeds["politics"]) == ["both"]
    assert sorted(ids(feeds["world"])) == ["both", "world"]
    assert ids(feeds["photo"]) == []


def test_stories_dated_after_now_stay_out() -> None:
    later = make_article("later", "2026-11-27T12:00:01+03:30")
    now = make_article("now", "2026-11-27T12:00:00+03:30")
    assert ids(plan_feeds(make_site(), [later, now], NOW)[0]) == ["now"]


def test_feed_updated_is_the_newest_change_among_its_own_items() -> None:
    corrected = make_article(
        "old",
        "2026-11-10T10:00:00+03:30",
        updated=datetime.fromisoformat("2026-11-20T09:00:00+01:00"),
    )
    recent = make_article("new", "2026-11-15T10:00:00+03:30", sections=("world",))
    feeds = {f.path: f for f in plan_feeds(make_site(), [corrected, recent], NOW)}
    assert feeds[""].updated.isoformat() == "2026-11-20T09:00:00+01:00"
    assert feeds["world"].updated.isoformat() == "2026-11-15T10:00:00+03:30"
    # An empty feed takes the site's newest change: fixed, never the clock.
    assert feeds["photo"].updated == feeds[""].updated


def test_an_empty_site_is_dated_at_the_epoch() -> None:
    assert {f.updated for f in plan_feeds(make_site(), [], NOW)} == {EPOCH}


def counting_reader(read: list[str]):  # type: ignore[no-untyped-def]
    def read_body(article):  # type: ignore[no-untyped-def]
        read.append(article.id)
        return article.body

    return read_body


def test_each_body_is_read_and_rendered_once_however_many_feeds() -> None:
    read: list[str] = []
    article = make_article("a", sections=("politics", "world", "photo"))
    plan_feeds(make_site(), [article], NOW, counting_reader(read))
    assert read == ["a"]


def test_bodies_are_read_once_for_feeds_and_once_per_archive_document() -> None:
    read: list[str] = []
    articles = [
        make_article(f"s{day:02}", f"2026-11-{day:02}T10:00:00+03:30") for day in range(1, 6)
    ]
    plan_feeds(make_site(items_per_feed=2), articles, NOW, counting_reader(read))
    # The two newest are in the combined and the politics feed: read once, shared. The
    # older ones are in one archive document of each: read for each, never kept.
    assert {name: read.count(name) for name in sorted(set(read))} == {
        "s01": 2,
        "s02": 2,
        "s03": 2,
        "s04": 1,
        "s05": 1,
    }


def test_older_stories_go_to_monthly_archives_linked_newest_to_oldest() -> None:
    articles = [
        make_article("nov2", "2026-11-02T10:00:00+03:30"),
        make_article("nov1", "2026-11-01T10:00:00+03:30"),
        make_article("oct", "2026-10-15T10:00:00+03:30"),
        make_article("sep", "2026-09-15T10:00:00+03:30"),
    ]
    feeds = [f for f in plan_feeds(make_site(items_per_feed=1), articles, NOW) if not f.path]
    combined = feeds[0]
    assert (ids(combined), combined.prev_archive) == (["nov2"], "archive/2026-11")
    archives = {f.path: f for f in plan_feeds(make_site(items_per_feed=1), articles, NOW)
                if f.archive and f.current == ""}  # fmt: skip
    assert {path: ids(f) for path, f in archives.items()} == {
        "archive/2026-11": ["nov1"],
        "archive/2026-10": ["oct"],
        "archive/2026-09": ["sep"],
    }
    assert archives["archive/2026-11"].prev_archive == "archive/2026-10"
    assert archives["archive/2026-11"].next_archive is None
    assert archives["archive/2026-10"].next_archive == "archive/2026-11"
    assert archives["archive/2026-09"].prev_archive is None
    assert archives["archive/2026-09"].title == "Test Agency — archive 2026-09"


def test_feed_and_archive_orders_are_newest_first_then_by_id() -> None:
    # The feeds by the newest change shown (publication, correction, withdrawal); the
    # archive documents by publication. The two fast paths agree with plain sorts.
    import random

    from feedpub.build.select import in_archive_order, in_feed_order, newest_first
    from feedpub.model import feed_time, listing_of

    rng = random.Random(7)  # noqa: S311 (test data)
    moments = [
        "2026-11-18T10:00:00+03:30",
        "2026-11-18T06:30:00+00:00",
        "2026-11-19T08:00:00+01:00",
    ]
    listings = [
        listing_of(
            make_article(f"s{rng.randint(0, 99):02}x{n}", rng.choice(moments)),
            str(n),
            zone=make_site().zone,
        )
        for n in range(60)
    ]  # many share an instant, written in different offsets
    changed = [item._replace(changed=item.changed + rng.choice([0, 3600, 86400]),
                             withdrawn=rng.choice([None, None, item.published + 7200]))
               for item in listings]  # fmt: skip
    now = max(item.published for item in listings) + 86400 * 2
    for some in (listings, changed):
        for order in (list(some), list(reversed(some))):
            assert in_archive_order(list(order)) == sorted(some, key=newest_first)
            assert in_feed_order(list(order), now) == sorted(
                some, key=lambda item: (-feed_time(item, now), item.id)
            )
    assert in_feed_order(list(listings), now) == sorted(listings, key=newest_first)


def test_archive_months_follow_the_sites_calendar_so_walking_back_is_newest_first() -> None:
    # The site is in Tehran. A New York story filed late on 31 October local time is
    # 1 November in Tehran; a Kolkata story filed early on 1 November is still 31
    # October there, and hours older. By their own offsets each would land in the
    # other's month, and a reader walking back would meet the older story first.
    new_york = make_article("new-york", "2023-10-31T21:35:00-04:00")  # 05:05 on 1 Nov, Tehran
    kolkata = make_article("kolkata", "2023-11-01T01:23:00+05:30")  # 23:23 on 31 Oct, Tehran
    newest = make_article("newest", "2023-12-05T10:00:00+03:30")
    plans = plan_feeds(make_site(items_per_feed=1), [new_york, kolkata, newest], NOW)
    archives = {plan.archive: [e.id.rsplit(":", 1)[1] for e in plan.entries]
                for plan in plans if plan.archive and plan.current == ""}  # fmt: skip
    assert archives == {"2023-11": ["new-york"], "2023-10": ["kolkata"]}

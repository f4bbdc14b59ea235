"""encode_article / decode_article: the index's storage, and every record's fingerprint."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from feedpub.model import (
    Article,
    Dateline,
    Image,
    Source,
    decode_article,
    encode_article,
    listing_of,
)

EVERY_FIELD = Article(
    id="fna-1",
    headline="Headline «quoted» \u202b تهران",
    dateline=Dateline(city="Tehran", country="Iran"),
    published=datetime.fromisoformat("2026-11-18T10:42:07.5+03:30"),
    sections=("politics", "world"),
    agency="FNA",
    body="Body\n\nwith \"quotes\" and \\ backslash",
    updated=datetime.fromisoformat("2026-11-18T12:00:00-05:00"),
    byline=("Sara Ahmadi", "Reza Karimi"),
    summary="Summary",
    tags=("oil", "talks"),
    image=Image(url="https://x/p.jpg", caption="c", credit="k", type="image/png",
                length=1, width=2, height=3),
    language="fa",
    url="https://www.fna.example/x",
    status="withdrawn",
    embargo=datetime.fromisoformat("2026-11-18T09:00:00+00:00"),
    correction="Corrected.",
    withdrawn=datetime.fromisoformat("2026-11-19T09:00:00+03:30"),
    withdrawal_note="Legal.",
    source=Source(path="articles/x.md", line=2),
    body_path="/srv/articles/x.md",
    stamp="1:2:3",
    lead="Body",
)  # fmt: skip


def test_every_field_is_set_here_so_a_new_field_cannot_be_left_out() -> None:
    defaults = Article(
        id="", headline="", dateline=Dateline(city=""), published=EVERY_FIELD.published,
        sections=(), agency="",
    )  # fmt: skip
    for field in dataclasses.fields(Article):
        if field.name != "published":
            assert getattr(EVERY_FIELD, field.name) != getattr(defaults, field.name), field.name


def test_an_article_comes_back_equal_with_its_offsets() -> None:
    decoded = decode_article(encode_article(EVERY_FIELD))
    assert decoded == EVERY_FIELD
    assert decoded.published.isoformat() == "2026-11-18T10:42:07.500000+03:30"


def test_equal_articles_have_equal_bytes_and_fingerprints() -> None:
    copy = dataclasses.replace(EVERY_FIELD, headline="".join(list(EVERY_FIELD.headline)))
    assert encode_article(copy) == encode_article(EVERY_FIELD)
    assert listing_of(copy, "k", zone=UTC) == listing_of(EVERY_FIELD, "k", zone=UTC)
    changed = dataclasses.replace(EVERY_FIELD, lead="Body.")
    assert (
        listing_of(changed, "k", zone=UTC).fingerprint
        != listing_of(EVERY_FIELD, "k", zone=UTC).fingerprint
    )


def test_listings_keep_what_they_repeat_once() -> None:
    # 100,000 Listings are held at once: a copy of each sections list and month each
    # would be about a tenth of a big build's memory.
    def parsed(*names: str) -> tuple[str, ...]:
        return tuple(iter(names))  # a new tuple each time, as each record parsed has

    first = dataclasses.replace(EVERY_FIELD, sections=parsed("politics", "world"))
    second = dataclasses.replace(EVERY_FIELD, id="fna-2", sections=parsed("politics", "world"))
    one, two = listing_of(first, "a", zone=UTC), listing_of(second, "b", zone=UTC)
    assert first.sections is not second.sections
    assert one.sections is two.sections
    assert one.month is two.month
    plain = listing_of(dataclasses.replace(EVERY_FIELD, updated=None, embargo=None,
                                           status="published", withdrawn=None), "c", zone=UTC)  # fmt: skip
    assert plain.release is plain.published and plain.changed is plain.published

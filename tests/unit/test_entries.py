from datetime import datetime

from feedpub.build.entries import make_entry
from feedpub.model import Category, Person
from support.sites import make_article, make_site


def test_entry_values() -> None:
    entry = make_entry(
        make_article(byline=("Maryam Tavakoli",), tags=("oil",), sections=("politics", "world")),
        make_site(),
    )
    assert entry.id == "tag:test.example,2026:story-1"
    assert entry.url == "https://www.test.example/politics/story-1"
    assert entry.title == "Headline of story-1"
    assert entry.summary == "Lead of story-1."
    assert entry.content_html.startswith('<p><span class="dateline">TEHRAN (TNA) –</span> Lead')
    assert entry.authors == (Person(name="Maryam Tavakoli"),)
    assert entry.categories == (
        Category(term="politics", label="Politics", scheme="https://www.test.example/sections"),
        Category(term="world", label="World", scheme="https://www.test.example/sections"),
        Category(term="oil", label="oil", scheme="https://www.test.example/tags"),
    )
    assert (entry.updated, entry.modified) == (entry.published, False)
    assert entry.rights is None


def test_wire_copy_without_byline_is_credited_to_its_agency() -> None:
    entry = make_entry(make_article(agency="EWS"), make_site())
    assert entry.authors == (Person(name="Eurasia Wire Service", url="https://www.ews.example/"),)
    assert entry.agency.abbreviation == "EWS"
    assert entry.dateline_text == "TEHRAN (EWS) –"
    assert entry.rights == "Copyright Eurasia Wire Service. Used under licence."


def test_the_id_survives_a_new_headline_and_url() -> None:
    before = make_entry(make_article(), make_site())
    after = make_entry(
        make_article(headline="New headline", url="https://www.test.example/moved"), make_site()
    )
    assert after.id == before.id
    assert after.url == "https://www.test.example/moved"


def test_a_correction_moves_updated_only() -> None:
    updated = datetime.fromisoformat("2026-11-18T14:05:00+03:30")
    entry = make_entry(make_article(updated=updated), make_site())
    assert (entry.updated, entry.modified) == (updated, True)
    assert entry.published.isoformat() == "2026-11-18T10:42:00+03:30"


def test_an_explicit_summary_wins() -> None:
    assert make_entry(make_article(summary="Standfirst."), make_site()).summary == "Standfirst."

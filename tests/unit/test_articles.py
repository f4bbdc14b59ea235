import os
from datetime import timedelta
from pathlib import Path

import pytest

from feedpub.load import LoadedArticles, load_articles, load_site, read_body
from feedpub.model import Dateline, Image, Source
from support.sites import SiteFolder, record


def load(folder: SiteFolder) -> LoadedArticles:
    site = load_site(folder.config, folder.articles)
    return load_articles(folder.articles, site, "articles")


def problems(folder: SiteFolder) -> list[str]:
    return [str(p) for p in load(folder).problems]


def test_a_full_record(site_folder: SiteFolder) -> None:
    site_folder.add(
        "world/ews-1.md",
        record(
            id="ews-1",
            city="Vienna",
            published="2026-11-25T16:10:00+01:00",
            sections="[world, photo]",
            extra="""
            updated: 2026-11-25T18:00:00+01:00
            agency: EWS
            byline: [Lena Vogt]
            summary: The standfirst.
            tags: [iaea, talks]
            language: de
            url: https://www.test.example/world/talks
            image:
              url: https://media.test.example/a.jpg
              caption: Delegates arrive.
              credit: EWS Photo / Lena Vogt
              type: image/jpeg
              length: 482113
              width: 1600
              height: 1067
            """,
        ),
    )
    loaded = load(site_folder)
    assert loaded.problems == ()
    (article,) = loaded.articles
    assert article.id == "ews-1"
    assert article.dateline == Dateline(city="Vienna")
    assert article.published.isoformat() == "2026-11-25T16:10:00+01:00"
    assert article.updated is not None and article.updated - article.published == timedelta(
        hours=1, minutes=50
    )
    assert article.sections == ("world", "photo")
    assert article.agency == "EWS"
    assert article.byline == ("Lena Vogt",)
    assert article.tags == ("iaea", "talks")
    assert article.image == Image(
        url="https://media.test.example/a.jpg",
        caption="Delegates arrive.",
        credit="EWS Photo / Lena Vogt",
        type="image/jpeg",
        length=482113,
        width=1600,
        height=1067,
    )
    assert read_body(article) == "The lead paragraph.\n\nA second paragraph."
    assert article.source == Source(path="articles/world/ews-1.md", line=2)


def test_defaults(site_folder: SiteFolder) -> None:
    site_folder.add("a.md", record(published="2026-11-20T08:30:00"))
    (article,) = load(site_folder).articles
    assert article.agency == "TNA"
    assert article.published.isoformat() == "2026-11-20T08:30:00+03:30"
    assert (article.updated, article.summary, article.image, article.url) == (None,) * 4


BROKEN = [
    (record(extra="headlin: x"), "articles/bad.md:7: headlin: unknown key. Did you mean 'headline'?"),
    (record(id="../../etc/passwd"), "articles/bad.md:2: id: '../../etc/passwd' has characters an id cannot have. Use only letters, digits, '.', '_' and '-'."),
    (record(id="20261118"), "articles/bad.md:2: id: expected text, got the number 20261118. Put the value in quotes."),
    (record(headline="no"), "articles/bad.md:3: headline: expected text, got the yes/no value no. Put the value in quotes."),
    (record(published="2026-11-31T10:00:00+03:30"), "articles/bad.md:5: published: '2026-11-31T10:00:00+03:30' is not a real date and time (day is out of range for month). Check the day, month and hour."),
    (record(published="18/11/2026"), "articles/bad.md:5: published: expected a date and time such as 2026-11-18T10:42:00+03:30, got '18/11/2026'. Write it as YYYY-MM-DDTHH:MM:SS with an offset such as +03:30."),
    (record(extra="updated: 2026-11-18T09:00:00+03:30"), "articles/bad.md:7: updated: is earlier than 'published'. A correction comes after the story; check both times."),
    (record(sections="[politcs]"), "articles/bad.md:6: sections: unknown section 'politcs'. Did you mean 'politics'? Sections are listed in sections.yaml."),
    (record(sections="[]"), "articles/bad.md:6: sections: is empty. Write one or more section slugs."),
    (record(extra="agency: REUTERS"), "articles/bad.md:7: agency: unknown agency 'REUTERS'. Agencies are listed in feedpub.yaml: TNA, EWS."),
    (record(extra="language: Persian language"), "articles/bad.md:7: language: 'Persian language' is not a language tag. Use a code such as en, fa or ar."),
    (record(extra="url: /world/story"), "articles/bad.md:7: url: expected an absolute http(s) URL, got '/world/story'. Write the full address, such as https://example.org/."),
    (record(extra="image: {caption: no url}"), "articles/bad.md:7: image.url: is required but missing. Add 'url: an absolute URL such as https://example.org/'."),
    (record(extra="image: {url: 'https://m.example/a.jpg', type: jpeg}"), "articles/bad.md:7: image.type: 'jpeg' is not a MIME type. Write it as image/jpeg, image/png or image/webp."),
    (record(extra="dateline: {city: Tehran}"), "articles/bad.md:7: dateline: appears twice (first on line 4). Keep one."),
    (record(body=""), "articles/bad.md:8: body: the story has no text. Write the story below the closing '---'."),
    ("---\n- a list\n---\nBody\n", "articles/bad.md:2: the front matter must be a mapping of keys to values. Write one 'key: value' per line."),
    ("---\n---\nBody\n", "articles/bad.md:2: the front matter is empty. Write at least id, headline, dateline, published, sections."),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), BROKEN)
def test_each_broken_record_gets_its_one_line(
    site_folder: SiteFolder, text: str, message: str
) -> None:
    site_folder.add("bad.md", text)
    site_folder.add("good.md", record(id="good"))
    loaded = load(site_folder)
    assert [str(p) for p in loaded.problems] == [message]
    assert [a.id for a in loaded.articles] == ["good"]
    assert loaded.rejected == 1


def test_missing_required_fields_are_all_reported(site_folder: SiteFolder) -> None:
    site_folder.add("bad.md", "---\nsummary: only this\n---\nBody\n")
    assert problems(site_folder) == [
        "articles/bad.md:2: id: is required but missing. Add 'id: a stable id such as fna-20261118-budget-vote'.",
        "articles/bad.md:2: headline: is required but missing. Add 'headline: the story's headline'.",
        "articles/bad.md:2: dateline: is required but missing. Add 'dateline: the city the story was filed from'.",
        "articles/bad.md:2: published: is required but missing. Add 'published: a date and time such as 2026-11-18T10:42:00+03:30'.",
        "articles/bad.md:2: sections: is required but missing. Add 'sections: one or more section slugs'.",
    ]  # fmt: skip


def test_a_duplicate_id_keeps_the_first_file_in_path_order(site_folder: SiteFolder) -> None:
    site_folder.add("b/second.md", record(id="same", headline="Second"))
    site_folder.add("a/first.md", record(id="same", headline="First"))
    loaded = load(site_folder)
    assert [a.headline for a in loaded.articles] == ["First"]
    assert [str(p) for p in loaded.problems] == [
        "articles/b/second.md:2: id: 'same' is already used by articles/a/first.md, which "
        "comes first in path order and keeps it. Give every story its own id."
    ]


def test_a_link_out_of_the_articles_folder_is_refused(
    site_folder: SiteFolder, tmp_path: Path
) -> None:
    outside = tmp_path / "secret.md"
    outside.write_text(record(id="secret"), encoding="utf-8")
    os.symlink(outside, site_folder.articles / "link.md")
    assert problems(site_folder) == [
        "articles/link.md: the file links to a place outside the articles folder. "
        "Copy the record into the folder instead."
    ]


def test_control_characters_are_dropped(site_folder: SiteFolder) -> None:
    site_folder.add("a.md", record(headline='"Oil\\x07 prices"', body="Lead\x0c text."))
    (article,) = load(site_folder).articles
    assert article.headline == "Oil prices"
    assert read_body(article) == "Lead text."


def test_short_forms_for_dateline_and_image(site_folder: SiteFolder) -> None:
    site_folder.add("a.md", record(extra="image: https://media.test.example/a.jpg").replace(
        "dateline: {city: Tehran}", "dateline: Mashhad"))  # fmt: skip
    (article,) = load(site_folder).articles
    assert article.dateline == Dateline(city="Mashhad")
    assert article.image == Image(url="https://media.test.example/a.jpg")


@pytest.mark.parametrize(
    ("image", "kind"),
    [
        ("https://media.test.example/chart.PNG", "image/png"),
        ("{url: 'https://media.test.example/a.webp?w=800', credit: GPA}", "image/webp"),
        ("{url: 'https://media.test.example/a.png', type: image/gif}", "image/gif"),  # as written
        ("https://media.test.example/photo", "image/jpeg"),  # the name says nothing
    ],
)
def test_a_photos_type_comes_from_its_file_name_unless_written(
    site_folder: SiteFolder, image: str, kind: str
) -> None:
    site_folder.add("a.md", record(extra=f"image: {image}"))
    (article,) = load(site_folder).articles
    assert article.image is not None and article.image.type == kind


def test_classic_mac_line_endings_are_read(site_folder: SiteFolder) -> None:
    site_folder.add("a.md", record().replace("\n", "\r").encode())
    (article,) = load(site_folder).articles
    assert read_body(article) == "The lead paragraph.\n\nA second paragraph."


def test_a_dateline_time_zone_reads_times_without_offset(site_folder: SiteFolder) -> None:
    site_folder.add("a.md", record(published="2026-11-25T16:10:00").replace(
        "dateline: {city: Tehran}", "dateline: {city: Vienna, timezone: Europe/Vienna}"))  # fmt: skip
    (article,) = load(site_folder).articles
    assert article.published.isoformat() == "2026-11-25T16:10:00+01:00"


def test_loaded_articles_do_not_hold_their_bodies(site_folder: SiteFolder) -> None:
    path = site_folder.add("a.md", record(body="Lead.\n\nMore."))
    (article,) = load(site_folder).articles
    assert (article.body, article.body_path) == ("", str(path))
    assert read_body(article) == "Lead.\n\nMore."

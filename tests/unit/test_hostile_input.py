"""Inputs found by review that once crashed, hung or slipped through: each is one line now."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from feedpub.errors import ConfigError
from feedpub.load import load_articles, load_site
from feedpub.load.config import load_config
from support.sites import CONFIG, SiteFolder, record


def problems(folder: SiteFolder) -> list[str]:
    site = load_site(folder.config, folder.articles)
    return [str(p) for p in load_articles(folder.articles, site, "articles").problems]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("tags: &t [a, *t]", "articles/bad.md:7: YAML anchors and aliases (&name, *name) are not allowed. Write the value out in full."),
        ("image: {url: 'https://m.example/a.jpg', length: 1:30}", "articles/bad.md:7: image.length: '1:30' is not a whole number feedpub can use. Write a plain number from 1 to 9007199254740992."),
        ("image: {url: 'https://m.example/a.jpg', width: !!int ten}", "articles/bad.md:7: image.width: 'ten' is not a whole number feedpub can use. Write a plain number from 1 to 9007199254740992."),
        (f"image: {{url: 'https://m.example/a.jpg', height: {'9' * 5000}}}", f"articles/bad.md:7: image.height: '{'9' * 5000}' is not a whole number feedpub can use. Write a plain number from 1 to 9007199254740992."),
        ("url: 'https://[oops/x'", "articles/bad.md:7: url: expected an absolute http(s) URL, got 'https://[oops/x'. Write the full address, such as https://example.org/."),
        ("url: 'https://x.example/a\"<b>'", "articles/bad.md:7: url: expected an absolute http(s) URL, got 'https://x.example/a\"<b>'. Write the full address, such as https://example.org/."),
        ("language: en us", "articles/bad.md:7: language: 'en us' is not a language tag. Use a code such as en, fa or ar."),
    ],
)  # fmt: skip
def test_hostile_front_matter(site_folder: SiteFolder, extra: str, message: str) -> None:
    site_folder.add("bad.md", record(extra=extra))
    assert problems(site_folder) == [message]


def test_billion_laughs_is_refused_at_once(site_folder: SiteFolder) -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    site_folder.add("bomb.md", "---\n" + "\n".join(lines) + "\n---\nBody\n")
    started = time.monotonic()
    assert problems(site_folder) == [
        "articles/bomb.md:2: YAML anchors and aliases (&name, *name) are not allowed. "
        "Write the value out in full."
    ]
    assert time.monotonic() - started < 5


def test_an_ampersand_in_text_is_not_an_anchor(site_folder: SiteFolder) -> None:
    site_folder.add("a.md", record(headline="'AT&T and *stars* deal'"))
    assert problems(site_folder) == []


@pytest.mark.parametrize(
    ("published", "message"),
    [
        ("2026-03-29T02:30:00", "articles/bad.md:5: published: '2026-03-29T02:30:00' did not exist in Europe/Berlin (the clocks were changed). Write the time with its UTC offset."),
        ("2026-10-25T02:30:00", "articles/bad.md:5: published: '2026-10-25T02:30:00' happened twice in Europe/Berlin (the clocks went back). Write the time with its UTC offset to say which one."),
        ("0999-06-01T10:00:00+03:30", "articles/bad.md:5: published: the year in '0999-06-01T10:00:00+03:30' is out of range. Use a year from 1970 to 9999."),
    ],
)  # fmt: skip
def test_times_that_cannot_be_placed(site_folder: SiteFolder, published: str, message: str) -> None:
    site_folder.config.write_text(CONFIG.replace("Asia/Tehran", "Europe/Berlin"))
    site_folder.add("bad.md", record(published=published))
    assert problems(site_folder) == [message]


def test_an_id_is_claimed_even_by_a_rejected_record(site_folder: SiteFolder) -> None:
    site_folder.add("a.md", record(id="same", headline="no"))  # rejected: headline
    site_folder.add("b.md", record(id="same"))
    assert problems(site_folder) == [
        "articles/a.md:3: headline: expected text, got the yes/no value no. Put the value in quotes.",
        "articles/b.md:2: id: 'same' is already used by articles/a.md, which comes first in path order and keeps it. Give every story its own id.",
    ]  # fmt: skip


def test_readme_and_hidden_files_are_not_records(site_folder: SiteFolder) -> None:
    site_folder.add("README.md", "# How we write records\n")
    site_folder.add(".drafts/x.md", "not a record")
    site_folder.add("a.md", record())
    assert problems(site_folder) == []


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("agencies:\n  TNA:\n    name: Test News Agency\n    url: https://www.test.example/\n  EWS:\n    name: Eurasia Wire Service\n    url: https://www.ews.example/\n    rights: Copyright Eurasia Wire Service. Used under licence.\n", "agencies: {}\n", "feedpub.yaml:10: agencies: no agency is declared. Add at least the site's own agency with its name and url."),
        ("url: https://www.test.example/\nfeeds", "url: 'https://[oops/'\nfeeds", "feedpub.yaml:3: url: expected an absolute http(s) URL, got 'https://[oops/'. Write the full address, such as https://example.org/."),
        ("feeds_url: https://feeds.test.example/", "feeds_url: https://feeds.test.example/f?v=1#top", "feedpub.yaml:4: feeds_url: 'https://feeds.test.example/f?v=1#top' has a query or fragment. Give the folder's address only; feed paths are appended to it."),
        ("language: en", "language: en us", "feedpub.yaml:5: language: 'en us' is not a language tag. Use a code such as en, fa or ar."),
        ('id_prefix: "tag:test.example,2026:"', 'id_prefix: "my feeds "', "feedpub.yaml:8: id_prefix: 'my feeds' is not a URI prefix. Use a tag URI such as tag:example.org,2026: (no spaces)."),
    ],
)  # fmt: skip
def test_hostile_config(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in CONFIG
    path = tmp_path / "feedpub.yaml"
    path.write_text(CONFIG.replace(old, new), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path, "feedpub.yaml")
    assert str(caught.value).splitlines()[0] == message

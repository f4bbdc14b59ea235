from pathlib import Path

import pytest

from feedpub.errors import ConfigError
from feedpub.load.config import load_config
from feedpub.model import Agency
from support.sites import CONFIG


def load(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "feedpub.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(path, "feedpub.yaml")


def errors_of(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    return str(caught.value).splitlines()


def test_reads_every_key(tmp_path: Path) -> None:
    site = load(tmp_path, CONFIG)
    assert site.title == "Test Agency"
    assert site.url == "https://www.test.example/"
    assert site.timezone == "Asia/Tehran"
    assert site.id_prefix == "tag:test.example,2026:"
    assert site.agencies[1] == Agency(
        abbreviation="EWS",
        name="Eurasia Wire Service",
        url="https://www.ews.example/",
        rights="Copyright Eurasia Wire Service. Used under licence.",
    )
    assert site.items_per_feed == 50


def test_defaults(tmp_path: Path) -> None:
    minimal = (
        "title: T\nurl: https://t.example\nfeeds_url: https://f.t.example\ntimezone: UTC\n"
        "agency: T\nagencies:\n  T: {name: T Agency, url: https://t.example}\n"
    )
    site = load(tmp_path, minimal)
    assert site.url == "https://t.example/"  # a trailing slash is added
    assert site.description == "T"
    assert site.language == "en"
    assert site.dateline_format == "{city} ({agency}) –"
    assert site.items_per_feed == 50
    assert site.id_prefix == "tag:t.example,2026:"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("timezone: Asia/Tehran", "timezone: Asia/Teheran", "feedpub.yaml:6: timezone: unknown time zone 'Asia/Teheran'. Use an IANA name such as Asia/Tehran or UTC."),
        ("agency: TNA", "agency: XYZ", "feedpub.yaml:9: agency: 'XYZ' is not in 'agencies'. Add it to 'agencies' or use one of TNA, EWS."),
        ("items_per_feed: 50", "items_per_feed: 0", "feedpub.yaml:19: items_per_feed: must be at least 1, got 0. Write a whole number of 1 or more."),
        ("feeds_url: https://feeds.test.example/", "feeds_url: feeds.test.example", "feedpub.yaml:4: feeds_url: expected an absolute http(s) URL, got 'feeds.test.example'. Write the full address, such as https://example.org/."),
        ("language: en", "langauge: en", "feedpub.yaml:5: langauge: unknown key. Did you mean 'language'?"),
        ('dateline_format: "{city} ({agency}) –"', 'dateline_format: "{town} –"', "feedpub.yaml:18: dateline_format: unknown placeholder {town}. Use {agency}, {agency_name}, {city}, {country}."),
        ('dateline_format: "{city} ({agency}) –"', 'dateline_format: "{city} {"', "feedpub.yaml:18: dateline_format: '{city} {' has a brace that opens or closes no placeholder. Write placeholders as {city}, and a literal brace as {{ or }}."),
        ("    name: Test News Agency\n", "", "feedpub.yaml:12: agencies.TNA.name: is required but missing. Add 'name: the agency's full name'."),
        ("title: Test Agency", "title:", "feedpub.yaml:1: title: is empty. Write the site's name."),
    ],
)  # fmt: skip
def test_each_mistake_is_one_clear_line(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in CONFIG
    assert errors_of(tmp_path, CONFIG.replace(old, new)) == [message]


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = CONFIG.replace("timezone: Asia/Tehran", "timezone: Mars/Base").replace(
        "language: en", "lang: en"
    )
    assert len(errors_of(tmp_path, text)) == 2


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "nope.yaml", "nope.yaml")
    assert str(caught.value) == "nope.yaml: file not found. Create it or pass its path."


def test_not_a_mapping(tmp_path: Path) -> None:
    assert errors_of(tmp_path, "- a\n- b\n") == [
        "feedpub.yaml:1: expected a mapping of keys to values."
    ]

import pytest

from feedpub.errors import Problem
from feedpub.load.fields import Fields
from feedpub.load.yamltext import MappingNode, compose
from feedpub.model import xml_safe


def fields_of(text: str) -> tuple[Fields, list[Problem]]:
    problems: list[Problem] = []
    node = compose(text, "r.md", 2, problems)
    assert isinstance(node, MappingNode)
    return Fields(node, path="r.md", first_line=2, problems=problems), problems


def messages(problems: list[Problem]) -> list[str]:
    return [str(p) for p in problems]


def test_text_keeps_dates_as_written() -> None:
    fields, problems = fields_of("published: 2026-11-18T10:42:00+03:30\n")
    assert fields.text("published") == "2026-11-18T10:42:00+03:30"
    assert problems == []


@pytest.mark.parametrize(
    ("yaml", "message"),
    [
        ("headline: no\n", "r.md:2: headline: expected text, got the yes/no value no. Put the value in quotes."),
        ("headline: 0123\n", "r.md:2: headline: expected text, got the number 0123. Put the value in quotes."),
        ("headline: [a, b]\n", "r.md:2: headline: expected text, got a list. Write some text."),
        ("headline:\n", "r.md:2: headline: is empty. Write some text."),
        ("headline: '  '\n", "r.md:2: headline: is empty. Write some text."),
        ("other: 1\n", "r.md:2: headline: is required but missing. Add 'headline: some text'."),
        ("headline: !!python/object:os.system x\n", "r.md:2: headline: YAML tag !!python/object:os.system is not allowed. Records hold plain text, numbers and lists only."),
    ],
)  # fmt: skip
def test_text_problems(yaml: str, message: str) -> None:
    fields, problems = fields_of(yaml)
    assert fields.text("headline", required=True) is None
    assert messages(problems) == [message]


def test_unknown_keys_get_a_did_you_mean_hint() -> None:
    fields, problems = fields_of("id: a\nheadlin: b\nzzz: c\n")
    fields.reject_unknown({"id", "headline"})
    assert messages(problems) == [
        "r.md:3: headlin: unknown key. Did you mean 'headline'?",
        "r.md:4: zzz: unknown key. Known keys: headline, id.",
    ]


def test_duplicate_keys_are_reported_with_the_first_line() -> None:
    _, problems = fields_of("id: a\nheadline: b\nid: c\n")
    assert messages(problems) == ["r.md:4: id: appears twice (first on line 2). Keep one."]


def test_text_list_accepts_a_single_text_and_drops_repeats() -> None:
    fields, problems = fields_of("tags: oil\nbyline: [A, B, A]\n")
    assert fields.text_list("tags") == ("oil",)
    assert fields.text_list("byline") == ("A", "B")
    assert problems == []


def test_text_list_reports_the_bad_element() -> None:
    fields, problems = fields_of("byline:\n  - Ann\n  - 42\n")
    assert fields.text_list("byline") == ("Ann",)
    assert messages(problems) == ["r.md:4: byline[1]: expected text, got the number 42. Quote it."]


def test_nested_mappings_name_the_full_field() -> None:
    fields, problems = fields_of("image:\n  url: x\n  length: big\n")
    image = fields.mapping("image")
    assert image is not None
    assert image.integer("length") is None
    assert messages(problems) == ["r.md:4: image.length: expected a whole number, got 'big'."]


@pytest.mark.parametrize(("yaml", "value"), [("n: 1_024\n", 1024), ("n: 0x10\n", 16)])
def test_integers_as_yaml_writes_them(yaml: str, value: int) -> None:
    fields, _ = fields_of(yaml)
    assert fields.integer("n") == value


def test_syntax_errors_point_at_the_file_line() -> None:
    problems: list[Problem] = []
    assert compose("id: a\nheadline: [unclosed\n", "r.md", 2, problems) is None
    assert len(problems) == 1
    assert str(problems[0]).startswith("r.md:3: YAML syntax error: ")  # where '[' opened
    assert str(problems[0]).endswith("Check the indentation and quoting.")


def test_tabs_get_their_own_hint() -> None:
    problems: list[Problem] = []
    compose("id: a\n\theadline: b\n", "r.md", 2, problems)
    assert messages(problems) == ["r.md:3: YAML syntax error: a tab character. Indent with spaces."]


def test_xml_safe_drops_only_what_xml_forbids() -> None:
    assert xml_safe("a\x00b\x0bc\ufffe d\tتهران 📰") == "abc d\tتهران 📰"


def test_xml_safe_keeps_exactly_the_characters_of_xml_1_0() -> None:
    def allowed(point: int) -> bool:  # XML 1.0 §2.2, production [2] Char
        return (
            point in (0x9, 0xA, 0xD)
            or 0x20 <= point <= 0xD7FF
            or (0xE000 <= point <= 0xFFFD or 0x10000 <= point <= 0x10FFFF)
        )

    every = "".join(map(chr, range(0x110000)))
    assert xml_safe(every) == "".join(char for char in every if allowed(ord(char)))


def test_the_url_character_check_is_white_space_and_the_excluded_characters() -> None:
    from feedpub.load.fields import _NOT_IN_URL

    excluded = '"<>\\^`{|}'
    differ = [
        hex(point)
        for point in range(0x110000)
        if (chr(point).isspace() or chr(point) in excluded) != bool(_NOT_IN_URL.search(chr(point)))
    ]
    assert differ == []


@pytest.mark.parametrize(
    ("written", "published"),
    [
        ("https://www.fna.example/fa/خبر/۱۲۳", "https://www.fna.example/fa/%D8%AE%D8%A8%D8%B1/%DB%B1%DB%B2%DB%B3"),
        ("https://www.fna.example/s?q=ایران#بخش", "https://www.fna.example/s?q=%D8%A7%DB%8C%D8%B1%D8%A7%D9%86#%D8%A8%D8%AE%D8%B4"),
        ("https://خبر.example:8080/a%20b", "https://xn--ngblk.example:8080/a%20b"),
        ("https://www.fna.example/plain", "https://www.fna.example/plain"),
    ],
)  # fmt: skip
def test_an_iri_is_published_as_the_uri_it_stands_for(written: str, published: str) -> None:
    from feedpub.load.fields import absolute_url

    fields, problems = fields_of(f"url: '{written}'\n")
    assert (absolute_url(fields, "url"), problems) == (published, [])


@pytest.mark.parametrize(
    "written", ["https://www.fna.example/a\u00a0b", f"https://{'خ' * 64}.example/"]
)  # a no-break space; a host label longer than IDNA allows
def test_an_iri_with_white_space_or_no_valid_host_is_rejected(written: str) -> None:
    from feedpub.load.fields import absolute_url

    fields, problems = fields_of(f'url: "{written}"\n')
    assert absolute_url(fields, "url") is None
    assert messages(problems) == [
        f"r.md:2: url: expected an absolute http(s) URL, got {written!r}. "
        "Write the full address, such as https://example.org/."
    ]

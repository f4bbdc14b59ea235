from pathlib import Path

import pytest

from feedpub.errors import ConfigError
from feedpub.load.sections import load_sections
from feedpub.model import Section


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sections.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_sections_keep_their_order(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "sections:\n"
        "  - {slug: world, title: World, description: W.}\n"
        "  - {slug: foreign-policy, title: Foreign Policy, description: F., language: en}\n",
    )
    assert load_sections(path) == (
        Section(slug="world", title="World", description="W."),
        Section(slug="foreign-policy", title="Foreign Policy", description="F.", language="en"),
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sections:\n  - {slug: Foreign Policy, title: F, description: D}\n", "s.yaml:2: sections[0].slug: 'Foreign Policy' is not a valid slug. Use lower-case letters, digits and single hyphens, e.g. foreign-policy."),
        ("sections:\n  - {slug: ../etc, title: F, description: D}\n", "s.yaml:2: sections[0].slug: '../etc' is not a valid slug. Use lower-case letters, digits and single hyphens, e.g. foreign-policy."),
        ("sections:\n  - {slug: a, title: A, description: D}\n  - {slug: a, title: B, description: D}\n", "s.yaml:3: sections[1].slug: 'a' is used by another section. Give every section its own slug."),
        ("sections:\n  - {slug: a, title: A}\n", "s.yaml:2: sections[0].description: is required but missing. Add 'description: one sentence about the section'."),
        ("sections:\n  - {slug: a, title: A, description: D, colour: red}\n", "s.yaml:2: sections[0].colour: unknown key. Known keys: description, language, slug, title."),
        ("sections: []\n", "s.yaml:1: sections: expected a list of sections. See README.md, Sections."),
    ],
)  # fmt: skip
def test_section_mistakes(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_sections(write(tmp_path, text), "s.yaml")
    assert str(caught.value).splitlines() == [message]

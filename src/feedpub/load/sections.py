"""articles/sections.yaml -> Sections, in the order the site lists them."""

from __future__ import annotations

import re
from pathlib import Path

from feedpub.errors import ConfigError, Problem
from feedpub.load.fields import Fields, language, read_mapping_file
from feedpub.model import ARCHIVE_FOLDER, Section

SECTION_KEYS = frozenset({"slug", "title", "description", "language"})
# A slug names a folder under output/ and a URL path segment: keep it boring.
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def load_sections(path: Path, display: str | None = None) -> tuple[Section, ...]:
    """Read articles/sections.yaml; raises ConfigError listing every problem found."""
    problems: list[Problem] = []
    fields = read_mapping_file(path, display or str(path), problems)
    sections = _read_sections(fields) if fields is not None else ()
    if problems:
        raise ConfigError(problems)
    return sections


def _read_sections(fields: Fields) -> tuple[Section, ...]:
    fields.reject_unknown({"sections"})
    sections: list[Section] = []
    for entry in fields.each_mapping(
        "sections",
        problem="expected a list of sections",
        hint="See README.md, Sections",
        item_problem="expected a mapping with slug, title and description",
        required=True,
    ):
        section = _read_section(entry, taken={s.slug for s in sections})
        if section is not None:
            sections.append(section)
    return tuple(sections)


def _read_section(fields: Fields, taken: set[str]) -> Section | None:
    fields.reject_unknown(SECTION_KEYS)
    slug = fields.text("slug", required=True, what="a short name such as foreign-policy")
    title = fields.text("title", required=True, what="the section's name")
    description = fields.text("description", required=True, what="one sentence about the section")
    if slug is not None and not SLUG.fullmatch(slug):
        fields.problem(
            fields.node("slug"),
            "slug",
            f"{slug!r} is not a valid slug",
            "Use lower-case letters, digits and single hyphens, e.g. foreign-policy",
        )
        return None
    if slug == ARCHIVE_FOLDER:  # <feed>/archive/ holds the RFC 5005 archive documents
        fields.problem(
            fields.node("slug"),
            "slug",
            "'archive' is reserved for feed archives",
            "Choose another slug, such as archives-desk",
        )
        return None
    if slug in taken:
        fields.problem(
            fields.node("slug"),
            "slug",
            f"{slug!r} is used by another section",
            "Give every section its own slug",
        )
        return None
    if slug is None or title is None or description is None:
        return None
    return Section(
        slug=slug, title=title, description=description, language=language(fields, "language")
    )

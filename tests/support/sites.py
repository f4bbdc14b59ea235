"""Small sites for the tests: configuration, sections and records, on disk or in memory."""

from __future__ import annotations

import dataclasses
import os
import textwrap
import time
from datetime import datetime
from pathlib import Path

from feedpub.model import Agency, Article, Dateline, Section, Site

REPO = Path(__file__).resolve().parent.parent.parent

CONFIG = """\
title: Test Agency
description: Stories for the tests.
url: https://www.test.example/
feeds_url: https://feeds.test.example/
language: en
timezone: Asia/Tehran
copyright: © 2026 Test Agency
id_prefix: "tag:test.example,2026:"
agency: TNA
agencies:
  TNA:
    name: Test News Agency
    url: https://www.test.example/
  EWS:
    name: Eurasia Wire Service
    url: https://www.ews.example/
    rights: Copyright Eurasia Wire Service. Used under licence.
dateline_format: "{city} ({agency}) –"
items_per_feed: 50
"""

SECTIONS = """\
sections:
  - slug: politics
    title: Politics
    description: Politics stories.
  - slug: world
    title: World
    description: World stories.
  - slug: photo
    title: Photo
    description: Photo stories.
"""


def record(
    id: str = "story-1",
    headline: str = "A headline",
    published: str = "2026-11-18T10:42:00+03:30",
    sections: str = "[politics]",
    city: str = "Tehran",
    extra: str = "",
    body: str = "The lead paragraph.\n\nA second paragraph.",
) -> str:
    """The text of a valid article record; ``extra`` adds front matter lines."""
    front = (
        f"id: {id}\nheadline: {headline}\ndateline: {{city: {city}}}\n"
        f"published: {published}\nsections: {sections}\n"
    )
    if extra:
        front += textwrap.dedent(extra).strip("\n") + "\n"
    return f"---\n{front}---\n{body}\n"


class SiteFolder:
    """A site on disk: feedpub.yaml, articles/sections.yaml and records."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.config = root / "feedpub.yaml"
        self.articles = root / "articles"
        self.output = root / "output"
        self.articles.mkdir(parents=True)
        self.config.write_text(CONFIG, encoding="utf-8")
        (self.articles / "sections.yaml").write_text(SECTIONS, encoding="utf-8")

    def add(self, name: str, text: str | bytes) -> Path:
        path = self.articles / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def age(self, seconds: int = 3600) -> None:
        """Date every record file ``seconds`` back, as records written well before a
        run are: files modified moments before a scan are read again next time."""
        moment = time.time_ns() - seconds * 1_000_000_000
        for path in self.articles.rglob("*.md"):
            os.utime(path, ns=(moment, moment))

    def output_files(self) -> dict[str, bytes]:
        return {
            p.relative_to(self.output).as_posix(): p.read_bytes()
            for p in sorted(self.output.rglob("*"))
            if p.is_file()
        }


def make_site(**changes: object) -> Site:
    """The Site that CONFIG and SECTIONS describe, without touching the disk."""
    site = Site(
        title="Test Agency",
        description="Stories for the tests.",
        url="https://www.test.example/",
        feeds_url="https://feeds.test.example/",
        language="en",
        timezone="Asia/Tehran",
        copyright="© 2026 Test Agency",
        id_prefix="tag:test.example,2026:",
        agency="TNA",
        agencies=(
            Agency(abbreviation="TNA", name="Test News Agency", url="https://www.test.example/"),
            Agency(
                abbreviation="EWS",
                name="Eurasia Wire Service",
                url="https://www.ews.example/",
                rights="Copyright Eurasia Wire Service. Used under licence.",
            ),
        ),
        dateline_format="{city} ({agency}) –",
        items_per_feed=50,
        sections=(
            Section(slug="politics", title="Politics", description="Politics stories."),
            Section(slug="world", title="World", description="World stories."),
            Section(slug="photo", title="Photo", description="Photo stories."),
        ),
    )
    return dataclasses.replace(site, **changes)  # type: ignore[arg-type]


def make_article(
    id: str = "story-1", published: str = "2026-11-18T10:42:00+03:30", **changes: object
) -> Article:
    fields: dict[str, object] = {
        "id": id,
        "headline": f"Headline of {id}",
        "dateline": Dateline(city="Tehran", country="Iran"),
        "published": datetime.fromisoformat(published),
        "sections": ("politics",),
        "agency": "TNA",
        "body": f"Lead of {id}.\n\nSecond paragraph.",
    }
    fields.update(changes)
    return Article(**fields)  # type: ignore[arg-type]

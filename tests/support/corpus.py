"""A large, deterministic site for the tests that need builds that take a while.

Every record is valid, so a build of the corpus exits 0; ``revision`` changes every
record's headline, so two revisions differ in every feed file.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from support.sites import SiteFolder, record

SECTION_SLUGS = ("politics", "world", "photo")  # those of support.sites.SECTIONS
CITIES = ("Tehran", "Kabul", "Baghdad", "Tabriz", "Isfahan", "Shiraz", "Mashhad", "Doha")
WORDS = (
    "agency", "parliament", "budget", "minister", "talks", "council", "ceremony", "market",
    "harvest", "railway", "province", "delegation", "exhibition", "festival", "drought",
    "reservoir", "university", "treaty", "border", "museum", "election", "inflation", "exports",
    "refinery", "pilgrims", "stadium", "orchestra", "archive", "highway", "ministry",
    "governor", "cabinet", "committee", "research", "hospital", "schools", "farmers",
    "industry", "energy", "weather", "season", "capital", "report", "statement", "session",
    "officials",
)  # fmt: skip
# Every story is published before this instant, so a build with --now at or after it
# shows them all.
FIRST_PUBLISHED = datetime.fromisoformat("2026-08-01T08:00:00+03:30")


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(8, 18))
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(3, 6)))


def write_corpus(
    folder: SiteFolder, count: int, *, seed: int, items_per_feed: int, revision: str = ""
) -> None:
    """Write ``count`` records into ``folder`` (replacing any of the same names).

    The same ``seed`` always gives the same records; ``revision`` is appended to every
    headline, so the records of two revisions differ only there.
    """
    config = folder.config.read_text(encoding="utf-8")
    config = config.replace("items_per_feed: 50\n", f"items_per_feed: {items_per_feed}\n")
    folder.config.write_text(config, encoding="utf-8")
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    for number in range(count):
        published = FIRST_PUBLISHED + timedelta(minutes=47 * number + rng.randint(0, 40))
        sections = rng.sample(SECTION_SLUGS, k=rng.choice((1, 1, 2, 3)))
        headline = " ".join(rng.choices(WORDS, k=rng.randint(4, 9))).capitalize()
        body = "\n\n".join(_paragraph(rng) for _ in range(rng.randint(3, 6)))
        story_id = f"corpus-{number:05d}"
        folder.add(
            f"{sections[0]}/{story_id}.md",
            record(
                id=story_id,
                headline=f"{headline} {number}{revision}",
                published=published.isoformat(),
                sections="[" + ", ".join(sections) + "]",
                city=rng.choice(CITIES),
                extra=f"byline: [Reporter {rng.randint(1, 30)}]\ntags: [{rng.choice(WORDS)}]",
                body=body,
            ),
        )

"""An incremental run writes exactly what a cold build of the same records writes.

Each scenario applies a seeded sequence of the changes newsrooms make (a story edited,
corrected, filed, spiked, redated, moved to another desk or its file to another folder; a new
month opened or emptied), over records in nested folders, and after
every step compares the warm output folder, built incrementally where it can be, with
a cold build into an empty folder with an empty cache.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from feedpub.cli import EXIT_OK, main
from support.sites import SiteFolder, record

NOW = "2027-01-15T12:00:00+03:30"
SECTIONS = ["politics", "world", "photo"]


def build(folder: SiteFolder, output: Path, cache: Path) -> Result:
    return CliRunner().invoke(main, [
        "build", "--config", str(folder.config), "--articles", str(folder.articles),
        "--output", str(output), "--cache", str(cache), "--now", NOW,
    ])  # fmt: skip


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}  # fmt: skip


def story(rng: random.Random, number: int, *, edit: int = 0) -> str:
    # Mostly August to December 2026; now and then a month of its own, opened and
    # (when the story goes again) emptied.
    year, month = rng.choice([(2026, m) for m in range(8, 13)] * 4 + [(2026, 3), (2027, 1)])
    day = rng.randint(1, 14 if (year, month) == (2027, 1) else 28)
    sections = rng.sample(SECTIONS, rng.randint(1, 2))
    clock = f"{rng.randint(0, 23):02}:{rng.randint(0, 59):02}:00"
    return record(
        id=f"s{number:03}",
        headline=f"Story {number}, version {edit}",
        published=f"{year}-{month:02}-{day:02}T{clock}+03:30",
        sections="[" + ", ".join(sections) + "]",
        body=f"The lead of story {number}, version {edit}.\n\nMore text.",
    )


@pytest.mark.parametrize(("seed", "part"), [(1, 500), (2, 500), (3, 3), (4, 2), (5, 3)])
def test_incremental_runs_equal_cold_builds(
    site_folder: SiteFolder, tmp_path: Path, monkeypatch, seed: int, part: int
) -> None:  # type: ignore[no-untyped-def]
    import feedpub.cli.incremental
    from feedpub.build import select

    monkeypatch.setattr(select, "ARCHIVE_PART", part)  # small parts: months split often
    site_folder.config.write_text(
        site_folder.config.read_text().replace("items_per_feed: 50", "items_per_feed: 4")
    )
    rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
    folders = ["", "desk-a/", "desk-a/2026/", "desk-b/", "desk-b/2025/old/"]
    where = {number: f"{rng.choice(folders)}{number:03}.md" for number in range(30)}
    versions = dict.fromkeys(where, 0)
    for number, path in where.items():
        site_folder.add(path, story(rng, number))
    warm, cache = tmp_path / "warm", tmp_path / "cache"
    assert build(site_folder, warm, cache).exit_code == EXIT_OK

    real = feedpub.cli.incremental.incremental_run
    taken: list[bool] = []
    incremental: list[bool] = []  # per step: the warm build was incremental

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        outcome = real(*args, **kwargs)
        taken.append(outcome is not None)
        return outcome

    monkeypatch.setattr(feedpub.cli.incremental, "incremental_run", counting)
    actions = ["edit", "edit", "redate", "desk", "add", "add", "remove", "move", "two",
               "correct"]  # fmt: skip
    for step in range(30):
        action = rng.choice(actions)
        for _ in range(2 if action == "two" else 1):
            number = rng.choice(sorted(where))
            old = site_folder.articles / where[number]
            if action in ("add", "two"):
                number = max(where) + 1
                where[number], versions[number] = f"{rng.choice(folders)}{number:03}.md", 0
                site_folder.add(where[number], story(rng, number))
            elif action == "remove" and len(where) > 8:
                old.unlink()
                del where[number]
            elif action == "move":  # the same record, filed in another folder
                text = old.read_text()
                old.unlink()
                where[number] = f"{rng.choice(folders)}{number:03}.md"
                site_folder.add(where[number], text)
            elif action == "edit":  # same date and desks, new words
                versions[number] += 1
                old.write_text(old.read_text().replace(f"version {versions[number] - 1}",
                                                       f"version {versions[number]}"))  # fmt: skip
            elif action == "correct":  # corrected now: back to the top of its feeds
                text = re.sub(r"updated: .*\n", "", old.read_text())
                clock = f"{rng.randint(0, 11):02}:{rng.randint(0, 59):02}:00+03:30"
                old.write_text(text.replace("sections:", f"updated: 2027-01-15T{clock}\nsections:"))
            elif action == "desk":  # same story, other desks
                desks = "[" + ", ".join(rng.sample(SECTIONS, rng.randint(1, 3))) + "]"
                old.write_text(re.sub(r"sections: \[.*\]", f"sections: {desks}", old.read_text()))
            else:  # redated, and rewritten
                versions[number] += 1
                old.write_text(story(rng, number, edit=versions[number]))
        assert build(site_folder, warm, cache).exit_code == EXIT_OK
        incremental.append(taken[-1])
        cold = tmp_path / f"cold{step}"
        assert build(site_folder, cold, tmp_path / f"cache{step}").exit_code == EXIT_OK
        assert files(warm) == files(cold), f"step {step}: {action}"
    assert sum(incremental) >= len(incremental) * 3 // 4  # the incremental path did the work

"""A corpus of broken article records: each is one line on stderr, the good ones still build.

tests/corpus/site is a small site with three good records; tests/corpus/broken holds
the broken records, one problem each, named after it; tests/corpus/expected.txt is the
one line feedpub prints for each, in path order. The site is copied to a temporary
folder and the broken records go to ``articles/broken/``. Records that cannot be kept as
plain text in the repository (binary, not UTF-8, a byte order mark, empty, 20 MB, links)
are written by GENERATED below at run time; they have their lines in expected.txt too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from feedpub.cli import EXIT_OK, main
from feedpub.load import load_articles, load_site
from support.sites import SiteFolder, record

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
SITE = CORPUS / "site"
BROKEN = CORPUS / "broken"
EXPECTED = CORPUS / "expected.txt"
NOW = "2026-11-27T12:00:00+03:30"
EXIT_REJECTED = 1
GOOD_IDS = {
    "tna-20261118-budget-vote",
    "ews-20261120-vienna-talks",
    "tna-20261122-harbour-photo",
}


def _valid(name: str, headline: str = "A record with a byte-level problem") -> str:
    return (
        f"---\nid: broken-{name}\nheadline: {headline}\ndateline: {{city: Tehran}}\n"
        f"published: 2026-11-18T10:42:00+03:30\nsections: [politics]\n---\n"
        "The lead paragraph.\n"
    )


def _symlink_outside(path: Path, outside: Path) -> None:
    target = outside / "story.md"
    target.write_text(_valid("symlink-outside-articles"), encoding="utf-8")
    path.symlink_to(target)


# name -> writes the record at ``path``; ``outside`` is a folder beside the site.
GENERATED: dict[str, Callable[[Path, Path], object]] = {
    "binary-file": lambda path, _: path.write_bytes(bytes(range(256)) * 4),
    "png-image": lambda path, _: path.write_bytes(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)
    ),
    "not-utf8": lambda path, _: path.write_bytes(
        _valid("not-utf8", "Caf\u00e9 reopens in Tehran").encode("latin-1")
    ),
    "utf8-bom": lambda path, _: path.write_bytes(b"\xef\xbb\xbf" + _valid("utf8-bom").encode()),
    "empty-file": lambda path, _: path.write_bytes(b""),
    "whitespace-only-file": lambda path, _: path.write_bytes(b"\n  \n\t\n"),
    "body-20-mb": lambda path, _: path.write_bytes(
        _valid("body-20-mb").encode() + b"x" * (20 * 1024 * 1024)
    ),
    "symlink-outside-articles": _symlink_outside,
    "symlink-to-etc-passwd": lambda path, _: path.symlink_to("/etc/passwd"),
    "symlink-loop": lambda path, _: path.symlink_to(path.name),
    "symlink-dangling": lambda path, _: path.symlink_to("nowhere.md"),
    "fifo": lambda path, _: os.mkfifo(path),  # reading it would block the build forever
    "link-to-a-folder": lambda path, outside: path.symlink_to(outside),
    "utf16": lambda path, _: path.write_bytes(_valid("utf16").encode("utf-16")),
}


def _expected() -> dict[str, str]:
    lines: dict[str, str] = {}
    for line in EXPECTED.read_text(encoding="utf-8").splitlines():
        name = line.removeprefix("articles/broken/").partition(".md")[0]
        assert line.startswith(f"articles/broken/{name}.md"), line
        assert name not in lines, f"two lines for {name}"
        lines[name] = line
    return lines


EXPECTED_LINES = _expected()
COMMITTED = sorted(path.stem for path in BROKEN.glob("*.md"))
CASES = sorted([*COMMITTED, *GENERATED])


def _site(tmp_path: Path, names: list[str]) -> Path:
    """A copy of the corpus site with the broken records ``names`` in articles/broken/."""
    root = tmp_path / "site"
    shutil.copytree(SITE, root)
    outside = tmp_path / "outside"
    outside.mkdir()
    broken = root / "articles" / "broken"
    broken.mkdir()
    for name in names:
        path = broken / f"{name}.md"
        if name in GENERATED:
            GENERATED[name](path, outside)
        else:
            path.write_bytes((BROKEN / f"{name}.md").read_bytes())
    return root


def test_every_case_has_exactly_one_expected_line() -> None:
    assert not set(COMMITTED) & set(GENERATED)
    assert sorted(EXPECTED_LINES) == CASES
    paths = [f"{name}.md" for name in EXPECTED_LINES]
    assert paths == sorted(paths), "expected.txt is in path order, as feedpub reports"
    assert len(CASES) >= 45


def test_the_crlf_record_still_has_crlf_line_endings() -> None:
    # A checkout that normalises line endings would make that case test nothing.
    data = (BROKEN / "crlf-error-on-line-5.md").read_bytes()
    assert data.count(b"\r\n") == data.count(b"\n") > 5


def test_build_reports_every_broken_record_on_one_line_and_publishes_the_good_ones(
    tmp_path: Path,
) -> None:
    root = _site(tmp_path, CASES)
    completed = subprocess.run(
        [sys.executable, "-m", "feedpub", "build", "--now", NOW],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in completed.stderr
    assert completed.stderr.splitlines() == list(EXPECTED_LINES.values())
    assert completed.returncode == EXIT_REJECTED
    assert completed.stdout == (
        "Built 12 files from 3 records into output: 12 written, 0 unchanged. "
        f"{len(CASES)} records rejected (see above).\n"
    )
    rss = (root / "output" / "rss.xml").read_text(encoding="utf-8")
    assert rss.count("<item>") == len(GOOD_IDS)
    for article_id in GOOD_IDS:
        assert f"tag:test.example,2026:{article_id}</guid>" in rss


@pytest.mark.parametrize("name", CASES)
def test_each_broken_record_alone_gives_its_one_line(tmp_path: Path, name: str) -> None:
    root = _site(tmp_path, [name])
    articles = root / "articles"
    site = load_site(root / "feedpub.yaml", articles)
    loaded = load_articles(articles, site, "articles")
    assert [str(problem) for problem in loaded.problems] == [EXPECTED_LINES[name]]
    assert loaded.rejected == 1
    assert {article.id for article in loaded.articles} == GOOD_IDS


def _build(site_folder: SiteFolder, *extra: str) -> Result:
    return CliRunner().invoke(main, [
        "build", "--config", str(site_folder.config), "--articles", str(site_folder.articles),
        "--output", str(site_folder.output), "--now", NOW, *extra,
    ])  # fmt: skip


def _check(site_folder: SiteFolder) -> Result:
    return CliRunner().invoke(main, [
        "check", "--config", str(site_folder.config), "--articles", str(site_folder.articles),
        "--now", NOW,
    ])  # fmt: skip


def _runs_say(site_folder: SiteFolder, runs: tuple[str, ...], exit_code: int, stderr: str) -> None:
    """Each build in turn (``runs`` names them) exits with ``exit_code`` and says ``stderr``."""
    for run in runs:
        result = _build(site_folder)
        assert (result.exit_code, result.stderr) == (exit_code, stderr), run


def test_a_name_that_is_not_utf8_is_one_line_and_the_rest_is_built(
    site_folder: SiteFolder,
) -> None:
    # Names from a zip or a Latin-1 machine: the OS hands them over as bytes that no
    # database or terminal takes as text.
    site_folder.add("good.md", record(id="good"))
    folder = bytes(site_folder.articles)
    with open(folder + b"/caf\xe9.md", "w", encoding="utf-8") as stream:
        stream.write(record(id="cafe"))
    os.mkdir(folder + b"/d\xe9p\xeache")
    with open(folder + b"/d\xe9p\xeache/inside.md", "w", encoding="utf-8") as stream:
        stream.write(record(id="inside"))
    expected = (
        f"{site_folder.articles}/caf\\xe9.md: the name is not UTF-8, so it is not read. "
        "Rename it in UTF-8 (convmv does it for a whole folder).\n"
        f"{site_folder.articles}/d\\xe9p\\xeache: the name is not UTF-8, so it is not read. "
        "Rename it in UTF-8 (convmv does it for a whole folder).\n"
    )
    _runs_say(site_folder, ("first", "nothing changed"), EXIT_REJECTED, expected)
    assert b":good<" in (site_folder.output / "rss.xml").read_bytes()
    checked = _check(site_folder)
    assert (checked.exit_code, checked.stderr) == (EXIT_REJECTED, expected)


def test_a_name_that_is_not_utf8_added_with_an_edit_is_reported(site_folder: SiteFolder) -> None:
    # An edit alone is built incrementally; the new name beside it must still be said.
    site_folder.add("good.md", record(id="good", sections="[politics, world, photo]"))
    site_folder.add("other.md", record(id="other", headline="Before"))
    assert _build(site_folder).exit_code == EXIT_OK
    site_folder.add("other.md", record(id="other", headline="After"))
    with open(bytes(site_folder.articles) + b"/caf\xe9.md", "w", encoding="utf-8") as stream:
        stream.write(record(id="cafe"))
    expected = (
        f"{site_folder.articles}/caf\\xe9.md: the name is not UTF-8, so it is not read. "
        "Rename it in UTF-8 (convmv does it for a whole folder).\n"
    )
    _runs_say(site_folder, ("the edit", "nothing changed"), EXIT_REJECTED, expected)
    assert b"After" in (site_folder.output / "rss.xml").read_bytes()


def test_a_story_named_md_in_capitals_or_markdown_is_one_line_each(
    site_folder: SiteFolder,
) -> None:
    # An editor's story.MD or story.markdown was silently never published.
    site_folder.add("good.md", record(id="good"))
    site_folder.add("politics/Budget.MD", record(id="budget"))
    site_folder.add("talks.markdown", record(id="talks"))
    site_folder.add("README.MD", "Notes for the desk, not a story.")
    expected = (
        f"{site_folder.articles}/politics/Budget.MD: the name ends in '.MD', so it is not "
        "read: records end in '.md' (lower case). Rename it to Budget.md.\n"
        f"{site_folder.articles}/talks.markdown: the name ends in '.markdown', so it is not "
        "read: records end in '.md' (lower case). Rename it to talks.md.\n"
    )
    _runs_say(site_folder, ("first", "nothing changed"), EXIT_REJECTED, expected)
    assert b":good<" in (site_folder.output / "rss.xml").read_bytes()


def test_a_link_to_a_folder_is_a_warning_every_run(site_folder: SiteFolder, tmp_path: Path) -> None:
    # Not entered (a link could lead anywhere, or loop), and no longer in silence.
    site_folder.add("good.md", record(id="good"))
    elsewhere = tmp_path / "shared-desk"
    elsewhere.mkdir()
    (elsewhere / "story.md").write_text(record(id="elsewhere"))
    (site_folder.articles / "shared").symlink_to(elsewhere)
    warning = (
        f"{site_folder.articles}/shared: a link to a folder is not followed, so no record in "
        "it is read. Move the folder into the articles folder to publish them\n"
    )
    _runs_say(site_folder, ("first", "nothing changed"), EXIT_OK, warning)
    cold = _build(site_folder, "--cache", str(tmp_path / "new-cache"))
    assert (cold.exit_code, cold.stderr) == (EXIT_OK, warning)
    checked = _check(site_folder)
    assert (checked.exit_code, checked.stderr) == (EXIT_OK, warning)
    assert b":elsewhere<" not in (site_folder.output / "rss.xml").read_bytes()

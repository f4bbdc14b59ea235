"""The small site in golden/site builds to exactly the reviewed files in golden/expected.

After an intended change of output: ``pytest tests/golden --update-goldens``, then
read the diff of golden/expected before committing it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from feedpub.cli import main

HERE = Path(__file__).resolve().parent
SITE = HERE / "site"
EXPECTED = HERE / "expected"
NOW = "2026-11-27T12:00:00+03:30"


def build(output: Path) -> dict[str, bytes]:
    result = CliRunner().invoke(main, [
        "build", "--config", str(SITE / "feedpub.yaml"), "--articles", str(SITE / "articles"),
        "--output", str(output), "--now", NOW,
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    return files_under(output)


def files_under(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_golden_site_builds_to_the_reviewed_files(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    built = build(tmp_path / "output")
    assert build(tmp_path / "again") == built  # a second build gives the same bytes
    if request.config.getoption("--update-goldens"):
        shutil.rmtree(EXPECTED, ignore_errors=True)
        shutil.copytree(tmp_path / "output", EXPECTED)
    expected = files_under(EXPECTED)
    assert sorted(built) == sorted(expected)
    for name, content in expected.items():
        assert built[name].decode() == content.decode(), name

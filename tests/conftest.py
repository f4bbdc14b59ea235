"""Shared fixtures; the sites themselves are in support/sites.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from support.sites import SiteFolder, record


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="Rewrite tests/golden/expected from the current build (review the diff!).",
    )


@pytest.fixture
def site_folder(tmp_path: Path) -> SiteFolder:
    return SiteFolder(tmp_path / "site")


@pytest.fixture
def make_record() -> Callable[..., str]:
    return record

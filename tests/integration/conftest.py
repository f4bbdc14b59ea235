"""Real servers for the publish tests, one per test, on 127.0.0.1, stopped afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.publishing import PublishSite
from support.servers import HubRecorder, MotoServer, SshServer
from support.sites import SiteFolder


@pytest.fixture
def moto(tmp_path: Path) -> Iterator[MotoServer]:
    with MotoServer(workdir=tmp_path / "moto") as server:
        yield server


@pytest.fixture
def sshd(tmp_path: Path) -> Iterator[SshServer]:
    with SshServer(workdir=tmp_path / "sshd") as server:
        yield server


@pytest.fixture
def hub() -> Iterator[HubRecorder]:
    with HubRecorder() as recorder:
        yield recorder


@pytest.fixture
def publish_site(site_folder: SiteFolder) -> PublishSite:
    return PublishSite(site_folder)

"""Publishing over SFTP to a real OpenSSH sshd on 127.0.0.1, with host keys checked."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from feedpub.cli import EXIT_OK, EXIT_PUBLISH
from support.proxy import FaultProxy
from support.publishing import PublishSite
from support.servers import SshServer

pytestmark = pytest.mark.timeout(90)


def sftp_target(
    sshd: SshServer, *, port: int | None = None, known_hosts: Path | None = None
) -> str:
    return (
        "targets:\n"
        f"  - {{name: web, type: sftp, host: 127.0.0.1, port: {port or sshd.port}, "
        f"user: {sshd.user}, path: '{sshd.remote_root}/feeds', key_file: '{sshd.client_key}', "
        f"known_hosts: '{known_hosts or sshd.known_hosts}'}}\n"
    )


def remote_files(sshd: SshServer) -> dict[str, bytes]:
    root = sshd.remote_root / "feeds"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}  # fmt: skip


def feeds_on(sshd: SshServer) -> dict[str, bytes]:
    return {k: v for k, v in remote_files(sshd).items() if k != ".feedpub-manifest.json"}


@pytest.fixture
def site(publish_site: PublishSite, sshd: SshServer) -> PublishSite:
    publish_site.configure(sftp_target(sshd))
    assert publish_site.build().exit_code == EXIT_OK
    return publish_site


def test_first_publish_uploads_everything_atomically(site: PublishSite, sshd: SshServer) -> None:
    result = site.publish()
    assert result.exit_code == EXIT_OK, result.output
    assert result.stdout.startswith("web: 12 uploaded, 0 unchanged, 0 deleted, ")
    assert feeds_on(sshd) == site.output_files()
    assert sorted(remote_files(sshd)) == sorted([*site.output_files(), ".feedpub-manifest.json"])
    # Every file went through a temporary name and a rename: none is left behind.
    leftovers = [p for p in (sshd.remote_root / "feeds").rglob("*") if "feedpub-tmp" in p.name]
    assert leftovers == []
    mode = os.stat(sshd.remote_root / "feeds" / "politics" / "rss.xml").st_mode & 0o777
    assert mode == 0o644


def test_nothing_changed_uploads_nothing(site: PublishSite, sshd: SshServer) -> None:
    site.publish()
    (report,) = json.loads(site.publish("--json").stdout)["targets"]
    assert (report["uploaded"], report["unchanged"]) == ([], 12)


def test_a_change_uploads_exactly_the_changed_files(site: PublishSite, sshd: SshServer) -> None:
    site.publish()
    story = site.folder.articles / "b.md"
    story.write_text(story.read_text().replace("A headline", "Another headline"))
    site.build()
    (report,) = json.loads(site.publish("--json").stdout)["targets"]
    assert report["uploaded"] == ["world/atom.xml", "world/feed.json", "world/rss.xml",
                                  "atom.xml", "feed.json", "rss.xml"]  # fmt: skip
    assert feeds_on(sshd) == site.output_files()


def test_a_removed_section_is_deleted_and_its_folder_too(
    site: PublishSite, sshd: SshServer
) -> None:
    site.publish()
    sections = site.folder.articles / "sections.yaml"
    sections.write_text(sections.read_text().replace(
        "  - slug: world\n    title: World\n    description: World stories.\n", ""))  # fmt: skip
    (site.folder.articles / "b.md").unlink()
    site.build()
    (report,) = json.loads(site.publish("--json").stdout)["targets"]
    assert report["deleted"] == ["world/atom.xml", "world/feed.json", "world/rss.xml"]
    assert feeds_on(sshd) == site.output_files()


def test_max_deletes_and_dry_run(site: PublishSite, sshd: SshServer) -> None:
    dry = site.publish("--dry-run")
    assert dry.exit_code == EXIT_OK
    assert not (sshd.remote_root / "feeds").exists()
    site.publish()
    for file in (site.folder.output / "politics").iterdir():
        file.unlink()
    before = remote_files(sshd)
    result = site.publish("--max-deletes", "2")
    assert result.exit_code == EXIT_PUBLISH
    assert result.stderr.startswith("target web: 3 files would be deleted, more than ")
    assert remote_files(sshd) == before


def test_an_unknown_host_key_is_refused(publish_site: PublishSite, sshd: SshServer,
                                        tmp_path: Path) -> None:  # fmt: skip
    empty = tmp_path / "known_hosts"
    empty.write_text("")
    publish_site.configure(sftp_target(sshd, known_hosts=empty))
    publish_site.build()
    result = publish_site.publish()
    assert result.exit_code == EXIT_PUBLISH
    assert result.stderr == (
        f"target web .feedpub-manifest.json: the host key of 127.0.0.1 is not in {empty}. Add it "
        f"after checking its fingerprint: ssh-keyscan -p {sshd.port} 127.0.0.1 >> {empty}.\n"
    )
    assert not (sshd.remote_root / "feeds").exists()


def test_a_changed_host_key_is_refused(publish_site: PublishSite, sshd: SshServer,
                                       tmp_path: Path) -> None:  # fmt: skip
    impostor = tmp_path / "known_hosts"
    impostor.write_text(
        f"[127.0.0.1]:{sshd.port} ssh-ed25519 "
        "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n"
    )
    publish_site.configure(sftp_target(sshd, known_hosts=impostor))
    publish_site.build()
    result = publish_site.publish()
    assert result.exit_code == EXIT_PUBLISH
    assert "does not match known_hosts" in result.stderr


def test_server_killed_mid_publish_then_rerun_completes(
    publish_site: PublishSite, sshd: SshServer, tmp_path: Path
) -> None:
    killed = False

    def kill_after_some_uploads(total: int, chunk: bytes) -> None:
        nonlocal killed
        if total > 40_000 and not killed:  # past the handshake, a few files in
            killed = True
            sshd.kill()

    with FaultProxy(sshd.host, sshd.port, on_client_bytes=kill_after_some_uploads) as proxy:
        known_hosts = tmp_path / "proxy_known_hosts"
        known_hosts.write_text(sshd.known_hosts_line(proxy.port) + "\n")
        publish_site.configure(sftp_target(sshd, port=proxy.port, known_hosts=known_hosts))
        publish_site.build()
        result = publish_site.publish()
        assert killed
        assert result.exit_code == EXIT_PUBLISH
        assert result.stderr.startswith("target web ")
        assert "gave up after 4 attempts." in result.stderr
        assert "Traceback" not in result.output
        sshd.restart()
        rerun = publish_site.publish()
        assert rerun.exit_code == EXIT_OK, rerun.output
    assert feeds_on(sshd) == publish_site.output_files()
    assert [p for p in (sshd.remote_root / "feeds").rglob("*") if "feedpub-tmp" in p.name] == []

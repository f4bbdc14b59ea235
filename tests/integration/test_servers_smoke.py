"""The test servers in tests/support work for real: moto S3, sshd with SFTP, the hub, the proxy."""

from __future__ import annotations

import io
import os
import socket
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import paramiko
import pytest
from botocore.exceptions import ClientError, ConnectionClosedError, EndpointConnectionError

from support.proxy import FaultProxy, http_request_starts
from support.servers import HubRecorder, MotoServer, ServerStartError, SshServer

pytestmark = pytest.mark.timeout(30)

TIMEOUT = 5


def ssh_connect(
    ssh: SshServer, known_hosts: Path | None = None, port: int | None = None
) -> paramiko.SSHClient:
    """Log in as the server's user with its client key, trusting only KNOWN_HOSTS."""
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    client.load_host_keys(str(known_hosts or ssh.known_hosts))
    try:
        client.connect(
            ssh.host,
            port=port or ssh.port,
            username=ssh.user,
            key_filename=str(ssh.client_key),
            look_for_keys=False,
            allow_agent=False,
            timeout=TIMEOUT,
            banner_timeout=TIMEOUT,
            auth_timeout=TIMEOUT,
            channel_timeout=TIMEOUT,
        )
    except BaseException:
        client.close()
        raise
    return client


def open_sftp(client: paramiko.SSHClient) -> paramiko.SFTPClient:
    sftp = client.open_sftp()
    sftp.get_channel().settimeout(TIMEOUT)  # type: ignore[union-attr]
    return sftp


# --- moto ---------------------------------------------------------------------------------


def test_moto_stores_and_returns_an_object_with_dummy_credentials_in_the_environment() -> None:
    before = os.environ.get("AWS_ACCESS_KEY_ID")
    with MotoServer() as s3:
        assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
        assert os.environ["AWS_CONFIG_FILE"].endswith("aws-config-absent")
        client = s3.client()
        try:
            client.create_bucket(Bucket="feeds")
            client.put_object(Bucket="feeds", Key="rss.xml", Body=b"<rss/>")
            got = client.get_object(Bucket="feeds", Key="rss.xml")
            assert got["Body"].read() == b"<rss/>"
        finally:
            client.close()
    assert os.environ.get("AWS_ACCESS_KEY_ID") == before


def test_moto_through_the_proxy_counts_puts_and_dies_on_the_chosen_one() -> None:
    puts = 0
    with MotoServer() as s3:

        def kill_on_fourth_put(total: int, chunk: bytes) -> None:
            nonlocal puts
            starts = http_request_starts(chunk, b"PUT")
            puts += starts
            if starts and puts == 4:
                s3.kill()

        with FaultProxy(s3.host, s3.port, on_client_bytes=kill_on_fourth_put) as proxy:
            client = s3.client(endpoint_url=f"http://{proxy.host}:{proxy.port}")
            try:
                client.create_bucket(Bucket="feeds")  # PUT 1
                client.put_object(Bucket="feeds", Key="a.xml", Body=b"a")
                client.put_object(Bucket="feeds", Key="b.xml", Body=b"b")
                with pytest.raises((ConnectionClosedError, EndpointConnectionError)):
                    client.put_object(Bucket="feeds", Key="c.xml", Body=b"c")
                assert puts == 4
                assert proxy.client_bytes > 0

                s3.restart()  # same port, empty state
                with pytest.raises(ClientError, match="NoSuchBucket"):
                    client.get_object(Bucket="feeds", Key="a.xml")
            finally:
                client.close()


def test_moto_that_cannot_bind_fails_with_its_stderr() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        with (
            pytest.raises(ServerStartError, match=r"(?s)moto did not answer.*already in use"),
            MotoServer(port=port, start_timeout=15),
        ):
            pass


# --- sshd ---------------------------------------------------------------------------------


def test_sftp_puts_a_file_into_remote_root_and_renames_it() -> None:
    with SshServer() as ssh:
        assert ssh.known_hosts.read_text() == f"[127.0.0.1]:{ssh.port} {ssh.host_public_key}\n"
        assert ssh.host_public_key.startswith("ssh-ed25519 AAAA")
        client = ssh_connect(ssh)
        try:
            sftp = open_sftp(client)
            sftp.putfo(io.BytesIO(b"<feed/>"), f"{ssh.remote_root}/atom.xml.part")
            sftp.posix_rename(f"{ssh.remote_root}/atom.xml.part", f"{ssh.remote_root}/atom.xml")
            sftp.close()
        finally:
            client.close()
        assert sorted(p.name for p in ssh.remote_root.iterdir()) == ["atom.xml"]
        assert (ssh.remote_root / "atom.xml").read_bytes() == b"<feed/>"


def test_an_unknown_host_key_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "known_hosts"
    empty.write_text("")
    with (
        SshServer() as ssh,
        pytest.raises(paramiko.SSHException, match=r"not found in known_hosts"),
    ):
        ssh_connect(ssh, known_hosts=empty)


def test_sshd_kill_drops_open_sessions_and_refuses_until_restart() -> None:
    with SshServer() as ssh:
        client = ssh_connect(ssh)
        try:
            sftp = open_sftp(client)
            assert sftp.listdir(str(ssh.remote_root)) == []
            ssh.kill()
            # The session's own sshd process is gone too, not only the listener.
            with pytest.raises((OSError, EOFError, paramiko.SSHException)):
                sftp.listdir(str(ssh.remote_root))
        finally:
            client.close()
        with pytest.raises(paramiko.ssh_exception.NoValidConnectionsError):
            ssh_connect(ssh)

        ssh.restart()
        client = ssh_connect(ssh)
        try:
            assert open_sftp(client).listdir(str(ssh.remote_root)) == []
        finally:
            client.close()


def test_sftp_through_the_proxy_counts_bytes_and_sever_drops_it(tmp_path: Path) -> None:
    with SshServer() as ssh, FaultProxy(ssh.host, ssh.port) as proxy:
        known_hosts = tmp_path / "known_hosts"
        known_hosts.write_text(ssh.known_hosts_line(proxy.port))
        client = ssh_connect(ssh, known_hosts=known_hosts, port=proxy.port)
        try:
            sftp = open_sftp(client)
            sftp.putfo(io.BytesIO(b"x" * 100_000), f"{ssh.remote_root}/big.bin")
            assert proxy.client_bytes > 100_000  # encrypted, so a little more
            proxy.sever()
            with pytest.raises((OSError, EOFError, paramiko.SSHException)):
                sftp.listdir(str(ssh.remote_root))
        finally:
            client.close()
        with pytest.raises(paramiko.ssh_exception.NoValidConnectionsError):
            ssh_connect(ssh, known_hosts=known_hosts, port=proxy.port)


def test_sshd_that_cannot_bind_fails_with_its_stderr() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        with (
            pytest.raises(
                ServerStartError, match=r"(?s)sshd did not send.*Cannot bind any address"
            ),
            SshServer(port=port, start_timeout=10),
        ):
            pass


# --- hub ----------------------------------------------------------------------------------


def test_hub_records_a_form_post_and_answers_the_chosen_status() -> None:
    form = urllib.parse.urlencode({"hub.mode": "publish", "hub.url": "https://f.example/a.xml"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with HubRecorder() as hub:
        with opener.open(hub.url + "hub", data=form.encode(), timeout=TIMEOUT) as response:
            assert response.status == 204
        hub.status = 500
        with pytest.raises(urllib.error.HTTPError) as failed:
            opener.open(hub.url, data=b"hub.mode=publish", timeout=TIMEOUT)
        failed.value.close()
        assert failed.value.code == 500

        first, second = hub.requests
    assert (first.method, first.path) == ("POST", "/hub")
    assert first.form == (("hub.mode", "publish"), ("hub.url", "https://f.example/a.xml"))
    assert first.header("content-type") == "application/x-www-form-urlencoded"
    assert second.form == (("hub.mode", "publish"),)


def test_a_failing_proxy_hook_resets_the_connection_and_fails_the_test_at_exit() -> None:
    def broken_hook(total: int, chunk: bytes) -> None:
        raise ValueError(f"hook saw {total} bytes")

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with pytest.raises(ValueError, match=r"hook saw \d+ bytes"), HubRecorder() as hub:
        port = int(urllib.parse.urlsplit(hub.url).port or 0)
        with FaultProxy(hub.host, port, on_client_bytes=broken_hook) as proxy:
            with pytest.raises((urllib.error.URLError, ConnectionError)):
                opener.open(f"http://{proxy.host}:{proxy.port}/", data=b"x=1", timeout=TIMEOUT)
            assert hub.requests == []

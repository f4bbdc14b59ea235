"""Publish target ``sftp``: a folder on a host reached over SSH, through paramiko.

The host key is always checked against known_hosts: an unknown or changed key is an
error, never silently accepted. Each file is written under a temporary name and then
renamed over the old one (OpenSSH's posix-rename), so a poller never reads half a
file. paramiko is imported here only, when an SFTP publish starts.
"""

from __future__ import annotations

import contextlib
import posixpath
from pathlib import Path
from typing import TYPE_CHECKING, Any

from feedpub.errors import PublishError
from feedpub.model import SftpTarget
from feedpub.publish.target import StoreBase, TransientError

if TYPE_CHECKING:
    import paramiko

TIMEOUT = 15.0  # seconds for connect, banner, authentication and each SFTP operation
FILE_MODE = 0o644


class SftpStore(StoreBase):
    def __init__(self, target: SftpTarget) -> None:
        self.target = target
        self.root = target.path.rstrip("/") or "/"
        self._client: paramiko.SSHClient | None = None
        self._sftp: paramiko.SFTPClient | None = None
        self._folders: set[str] = set()

    def close(self) -> None:
        self._disconnect()

    # -- operations -----------------------------------------------------------------------

    def read(self, path: str) -> bytes | None:
        def action(sftp: paramiko.SFTPClient) -> bytes | None:
            try:
                with sftp.open(self._remote(path), "rb") as stream:
                    data: bytes = stream.read()
                    return data
            except FileNotFoundError:
                return None

        data: bytes | None = self._run(action)
        return data

    def put(self, path: str, content: bytes, content_type: str, sha256: str) -> None:
        final = self._remote(path)
        temporary = posixpath.join(
            posixpath.dirname(final), f".{posixpath.basename(final)}.feedpub-tmp"
        )

        def action(sftp: paramiko.SFTPClient) -> None:
            self._make_folders(sftp, posixpath.dirname(final))
            with sftp.open(temporary, "wb") as stream:
                stream.set_pipelined(True)
                stream.write(content)
            sftp.chmod(temporary, FILE_MODE)
            sftp.posix_rename(temporary, final)  # atomic replace, unlike SFTP v3 rename

        self._run(action)

    def delete(self, path: str) -> None:
        def action(sftp: paramiko.SFTPClient) -> None:
            with contextlib.suppress(FileNotFoundError):
                sftp.remove(self._remote(path))

        self._run(action)

    # -- connection -----------------------------------------------------------------------

    def _remote(self, path: str) -> str:
        return posixpath.join(self.root, path)

    def _make_folders(self, sftp: paramiko.SFTPClient, folder: str) -> None:
        missing = []
        while folder not in self._folders and folder not in ("", "/"):
            try:
                sftp.stat(folder)
                break
            except FileNotFoundError:
                missing.append(folder)
                folder = posixpath.dirname(folder)
        for name in reversed(missing):
            sftp.mkdir(name)
            self._folders.add(name)

    def _run(self, action: Any) -> Any:
        import paramiko

        try:
            return action(self._connection())
        except (paramiko.AuthenticationException, paramiko.BadHostKeyException):
            raise
        except (OSError, EOFError, paramiko.SSHException) as error:
            if isinstance(error, PermissionError):
                raise PublishError(
                    f"permission denied on {self.target.host} ({error.filename or self.root})"
                ) from error
            self._disconnect()
            raise TransientError(
                f"connection to {self.target.host} failed: {error or type(error).__name__}"
            ) from error

    def _connection(self) -> paramiko.SFTPClient:
        if self._sftp is None:
            self._sftp = self._connect()
        return self._sftp

    def _connect(self) -> paramiko.SFTPClient:
        import paramiko

        client = paramiko.SSHClient()
        known_hosts = Path(self.target.known_hosts).expanduser()
        try:
            client.load_host_keys(str(known_hosts))
        except FileNotFoundError as error:
            raise PublishError(
                f"known_hosts file {known_hosts} not found. {_keyscan_hint(self.target)}"
            ) from error
        client.set_missing_host_key_policy(paramiko.RejectPolicy())
        key_file = str(Path(self.target.key_file).expanduser()) if self.target.key_file else None
        try:
            client.connect(
                self.target.host,
                port=self.target.port,
                username=self.target.user,
                key_filename=key_file,
                allow_agent=key_file is None,
                look_for_keys=key_file is None,
                timeout=TIMEOUT,
                banner_timeout=TIMEOUT,
                auth_timeout=TIMEOUT,
            )
        except paramiko.BadHostKeyException as error:
            client.close()
            raise PublishError(
                f"the host key of {self.target.host} does not match known_hosts; "
                "someone may be intercepting the connection. If the server's key "
                "really changed, update known_hosts"
            ) from error
        except paramiko.AuthenticationException as error:
            client.close()
            raise PublishError(
                f"{self.target.user}@{self.target.host} refused our key. Check "
                "key_file and the server's authorized_keys"
            ) from error
        except paramiko.SSHException as error:
            client.close()
            if "not found in known_hosts" in str(error):
                raise PublishError(
                    f"the host key of {self.target.host} is not in "
                    f"{known_hosts}. {_keyscan_hint(self.target)}"
                ) from error
            raise TransientError(str(error)) from error
        except (TimeoutError, OSError) as error:
            client.close()
            raise TransientError(
                f"cannot connect to {self.target.host}:{self.target.port} "
                f"({error.strerror or error})"
            ) from error
        self._client = client
        sftp = client.open_sftp()
        sftp.get_channel().settimeout(TIMEOUT)  # type: ignore[union-attr]
        return sftp

    def _disconnect(self) -> None:
        for closable in (self._sftp, self._client):
            if closable is not None:
                # Closing a connection that already died may raise anything.
                with contextlib.suppress(Exception):
                    closable.close()
        self._sftp = None
        self._client = None
        self._folders.clear()


def _keyscan_hint(target: SftpTarget) -> str:
    return (
        f"Add it after checking its fingerprint: ssh-keyscan -p {target.port} "
        f"{target.host} >> {target.known_hosts}"
    )

"""The ``targets:`` and ``websub:`` parts of feedpub.yaml -> Target records and hub URLs.

Secrets never live here: S3 credentials come from boto3's standard chain
(environment, profile, instance role), SFTP authenticates with a key file or agent.
A relative ``dir`` path is read from the config file's folder, like the record cache,
so a run from another folder publishes to the same place.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from feedpub.load.fields import Fields
from feedpub.load.yamltext import ScalarNode
from feedpub.model import DirTarget, S3Target, SftpTarget, Target

TARGET_KEYS = {
    "dir": frozenset({"name", "type", "path"}),
    "s3": frozenset(
        {"name", "type", "bucket", "prefix", "region", "endpoint_url", "cache_control", "gzip"}
    ),
    "sftp": frozenset({"name", "type", "host", "port", "user", "path", "key_file", "known_hosts"}),
}
TARGET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
DEFAULT_CACHE_CONTROL = "max-age=300"  # short: aggregators see a new story within minutes
DEFAULT_KNOWN_HOSTS = "~/.ssh/known_hosts"
SECRET_KEYS = frozenset(
    {
        "password",
        "secret",
        "secret_access_key",
        "aws_secret_access_key",
        "access_key",
        "aws_access_key_id",
        "passphrase",
        "token",
    }
)


def read_targets(fields: Fields, folder: Path) -> tuple[Target, ...]:
    """The configured targets; a relative ``dir`` path is joined to ``folder``, the
    config file's."""
    targets: list[Target] = []
    for entry in fields.each_mapping(
        "targets",
        problem="expected a list of targets",
        hint="See README.md, Publishing",
        item_problem="expected a mapping with name and type",
    ):
        target = _read_target(entry, folder)
        if target is None:
            continue
        if target.name in {t.name for t in targets}:
            entry.problem(
                entry.node("name"),
                "name",
                f"{target.name!r} is used by another target",
                "Give every target its own name",
            )
            continue
        targets.append(target)
    return tuple(targets)


def _read_target(fields: Fields, folder: Path) -> Target | None:
    kind = fields.text("type", required=True, what="dir, s3 or sftp")
    name = fields.text("name", required=True, what="a short name such as cdn")
    if kind is not None and kind not in TARGET_KEYS:
        fields.problem(
            fields.node("type"), "type", f"unknown target type {kind!r}", "Use dir, s3 or sftp"
        )
        return None
    if name is not None and not TARGET_NAME.fullmatch(name):
        fields.problem(
            fields.node("name"),
            "name",
            f"{name!r} is not a valid target name",
            "Use letters, digits, '-' and '_'",
        )
        return None
    if kind is None or name is None:
        return None
    for key, value in fields.items():
        if key in SECRET_KEYS:
            fields.problem(
                value,
                key,
                "secrets do not belong in feedpub.yaml",
                "Remove it; use the environment or your credential files",
            )
            return None
    fields.reject_unknown(TARGET_KEYS[kind])
    if kind == "dir":
        return _dir_target(fields, name, folder)
    if kind == "s3":
        return _s3_target(fields, name)
    return _sftp_target(fields, name)


def _dir_target(fields: Fields, name: str, folder: Path) -> DirTarget | None:
    path = fields.text("path", required=True, what="the folder to copy the feeds to")
    if path is None:
        return None
    # Path.__truediv__ keeps an absolute (or ~-expanded) path as it is.
    return DirTarget(name=name, path=str(folder / Path(path).expanduser()))


def _s3_target(fields: Fields, name: str) -> S3Target | None:
    bucket = fields.text("bucket", required=True, what="the bucket's name")
    endpoint = fields.text("endpoint_url")
    if endpoint is not None and urlsplit(endpoint).scheme not in ("http", "https"):
        fields.problem(
            fields.node("endpoint_url"),
            "endpoint_url",
            f"expected an http(s) URL, got {endpoint!r}",
            "Write it as https://s3.example.com",
        )
        return None
    if bucket is None:
        return None
    return S3Target(
        name=name,
        bucket=bucket,
        prefix=(fields.text("prefix") or "").strip("/"),
        region=fields.text("region"),
        endpoint_url=endpoint,
        cache_control=fields.text("cache_control") or DEFAULT_CACHE_CONTROL,
        gzip=flag(fields, "gzip"),
    )


def _sftp_target(fields: Fields, name: str) -> SftpTarget | None:
    host = fields.text("host", required=True, what="the host name")
    user = fields.text("user", required=True, what="the login name")
    path = fields.text("path", required=True, what="the remote folder, e.g. /srv/feeds")
    port = fields.integer("port", minimum=1)
    if port is not None and port > 65535:
        fields.problem(
            fields.node("port"), "port", f"{port} is not a TCP port", "Use a number from 1 to 65535"
        )
        return None
    if host is None or user is None or path is None:
        return None
    return SftpTarget(
        name=name,
        host=host,
        user=user,
        path=path,
        port=port or 22,
        key_file=fields.text("key_file"),
        known_hosts=fields.text("known_hosts") or DEFAULT_KNOWN_HOSTS,
    )


def flag(fields: Fields, key: str, *, default: bool = False) -> bool:
    """A true/false value (YAML's yes/no spellings too)."""
    node = fields.node(key)
    if node is None:
        return default
    if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:bool":
        return node.value.lower() in ("true", "yes", "on", "y")
    fields.problem(
        node,
        key,
        f"expected true or false, got {node.value!r}"
        if isinstance(node, ScalarNode)
        else "expected true or false",
    )
    return default


def read_hubs(fields: Fields) -> tuple[str, ...]:
    websub = fields.mapping("websub", what="a mapping with the hub's URL")
    if websub is None:
        return ()
    websub.reject_unknown({"hub"})
    hubs = websub.text_list("hub", required=True, what="the hub's URL") or ()
    for hub in hubs:
        if urlsplit(hub).scheme not in ("http", "https") or not urlsplit(hub).netloc:
            websub.problem(
                websub.node("hub"),
                "hub",
                f"expected an http(s) URL, got {hub!r}",
                "Write it as https://hub.example.org/",
            )
            return ()
    return hubs

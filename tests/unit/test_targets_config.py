from pathlib import Path

import pytest

from feedpub.errors import ConfigError
from feedpub.load.config import load_config
from feedpub.model import DirTarget, S3Target, SftpTarget
from support.sites import CONFIG

TARGETS = """\
targets:
  - {name: cdn, type: s3, bucket: feeds, prefix: "/news/", region: us-east-1, endpoint_url: "http://127.0.0.1:9000"}
  - {name: web, type: sftp, host: feeds.example.org, port: 2222, user: feeds, path: /srv/feeds, key_file: ~/.ssh/id_ed25519, known_hosts: ~/.ssh/known_hosts}
  - {name: mirror, type: dir, path: /var/www/feeds}
websub:
  hub: https://hub.example.org/
"""


def load(tmp_path: Path, extra: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "feedpub.yaml"
    path.write_text(CONFIG + extra, encoding="utf-8")
    return load_config(path, "feedpub.yaml")


def errors_of(tmp_path: Path, extra: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, extra)
    return str(caught.value).splitlines()


def test_the_documented_targets(tmp_path: Path) -> None:
    site = load(tmp_path, TARGETS)
    assert site.targets == (
        S3Target(name="cdn", bucket="feeds", prefix="news", region="us-east-1",
                 endpoint_url="http://127.0.0.1:9000"),
        SftpTarget(name="web", host="feeds.example.org", port=2222, user="feeds",
                   path="/srv/feeds", key_file="~/.ssh/id_ed25519",
                   known_hosts="~/.ssh/known_hosts"),
        DirTarget(name="mirror", path="/var/www/feeds"),
    )  # fmt: skip
    assert site.targets[0].cache_control == "max-age=300"  # type: ignore[union-attr]
    assert site.hubs == ("https://hub.example.org/",)


def test_s3_options(tmp_path: Path) -> None:
    site = load(
        tmp_path,
        "targets:\n  - {name: a, type: s3, bucket: b, gzip: true, "
        "cache_control: 'public, max-age=60'}\n",
    )
    assert site.targets == (
        S3Target(name="a", bucket="b", gzip=True, cache_control="public, max-age=60"),
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("targets:\n  - {name: a, type: ftp}\n", "feedpub.yaml:21: targets[0].type: unknown target type 'ftp'. Use dir, s3 or sftp."),
        ("targets:\n  - {name: a, type: s3}\n", "feedpub.yaml:21: targets[0].bucket: is required but missing. Add 'bucket: the bucket's name'."),
        ("targets:\n  - {name: a, type: s3, bucket: b, secret_access_key: xyz}\n", "feedpub.yaml:21: targets[0].secret_access_key: secrets do not belong in feedpub.yaml. Remove it; use the environment or your credential files."),
        ("targets:\n  - {name: a, type: sftp, host: h, user: u, path: /p, password: hunter2}\n", "feedpub.yaml:21: targets[0].password: secrets do not belong in feedpub.yaml. Remove it; use the environment or your credential files."),
        ("targets:\n  - {name: a, type: dir, path: /x, prefx: y}\n", "feedpub.yaml:21: targets[0].prefx: unknown key. Known keys: name, path, type."),
        ("targets:\n  - {name: a, type: dir, path: /x}\n  - {name: a, type: dir, path: /y}\n", "feedpub.yaml:22: targets[1].name: 'a' is used by another target. Give every target its own name."),
        ("targets:\n  - {name: a, type: sftp, host: h, user: u, path: /p, port: 70000}\n", "feedpub.yaml:21: targets[0].port: 70000 is not a TCP port. Use a number from 1 to 65535."),
        ("targets:\n  - {name: a, type: s3, bucket: b, gzip: maybe}\n", "feedpub.yaml:21: targets[0].gzip: expected true or false, got 'maybe'."),
        ("websub:\n  hub: hub.example.org\n", "feedpub.yaml:21: websub.hub: expected an http(s) URL, got 'hub.example.org'. Write it as https://hub.example.org/."),
    ],
)  # fmt: skip
def test_target_mistakes(tmp_path: Path, extra: str, message: str) -> None:
    assert errors_of(tmp_path, extra) == [message]


def test_a_secret_value_is_never_echoed(tmp_path: Path) -> None:
    errors = errors_of(tmp_path, "targets:\n  - {name: a, type: s3, bucket: b, password: s3cr3t}\n")
    assert "s3cr3t" not in "\n".join(errors)


def test_a_relative_dir_path_is_read_from_the_config_folder(tmp_path: Path) -> None:
    # The record cache lives beside feedpub.yaml; so does a relative target folder,
    # whatever the current folder is.
    site_dir = tmp_path / "site"
    site_dir.mkdir()
    config = site_dir / "feedpub.yaml"
    config.write_text(
        CONFIG + "targets:\n"
        "  - {name: near, type: dir, path: mirror}\n"
        "  - {name: up, type: dir, path: ../www/feeds}\n"
        "  - {name: home, type: dir, path: ~/feeds}\n"
        "  - {name: fixed, type: dir, path: /var/www/feeds}\n",
        encoding="utf-8",
    )
    site = load_config(config)
    assert site.targets == (
        DirTarget(name="near", path=str(site_dir / "mirror")),
        DirTarget(name="up", path=str(site_dir / "../www/feeds")),
        DirTarget(name="home", path=str(Path.home() / "feeds")),
        DirTarget(name="fixed", path="/var/www/feeds"),
    )

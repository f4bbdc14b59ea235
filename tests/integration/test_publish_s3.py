"""Publishing to a real S3-compatible server (moto's, in its own process) through boto3."""

from __future__ import annotations

import gzip
import json

import pytest

from feedpub.cli import EXIT_OK, EXIT_PUBLISH
from support.proxy import FaultProxy, http_request_starts
from support.publishing import PublishSite
from support.servers import MotoServer

pytestmark = pytest.mark.timeout(60)


def s3_target(endpoint: str, extra: str = "") -> str:
    return (f"targets:\n  - {{name: cdn, type: s3, bucket: feeds, prefix: news, "
            f"region: us-east-1, endpoint_url: '{endpoint}'{extra}}}\n")  # fmt: skip


def remote(moto: MotoServer) -> dict[str, bytes]:
    client = moto.client()
    listing = client.list_objects_v2(Bucket="feeds").get("Contents", [])
    return {
        item["Key"]: client.get_object(Bucket="feeds", Key=item["Key"])["Body"].read()
        for item in listing
    }


def feeds_on(moto: MotoServer) -> dict[str, bytes]:
    return {
        key.removeprefix("news/"): body
        for key, body in remote(moto).items()
        if not key.endswith(".feedpub-manifest.json")
    }


@pytest.fixture
def site(publish_site: PublishSite, moto: MotoServer) -> PublishSite:
    moto.client().create_bucket(Bucket="feeds")
    publish_site.configure(s3_target(moto.endpoint_url))
    assert publish_site.build().exit_code == EXIT_OK
    return publish_site


def test_first_publish_uploads_everything_with_types_and_cache_control(
    site: PublishSite, moto: MotoServer
) -> None:
    result = site.publish()
    assert result.exit_code == EXIT_OK, result.output
    assert result.stdout.startswith("cdn: 12 uploaded, 0 unchanged, 0 deleted, ")
    assert feeds_on(moto) == site.output_files()
    client = moto.client()
    head = client.head_object(Bucket="feeds", Key="news/politics/rss.xml")
    assert head["ContentType"] == "application/rss+xml; charset=utf-8"
    assert head["CacheControl"] == "max-age=300"
    assert head["Metadata"]["sha256"]
    assert client.head_object(Bucket="feeds", Key="news/atom.xml")["ContentType"] == (
        "application/atom+xml; charset=utf-8"
    )
    assert client.head_object(Bucket="feeds", Key="news/world/feed.json")["ContentType"] == (
        "application/feed+json; charset=utf-8"
    )
    manifest = json.loads(remote(moto)["news/.feedpub-manifest.json"])
    assert sorted(manifest["files"]) == sorted(site.output_files())


def test_a_second_publish_with_nothing_changed_uploads_nothing(
    site: PublishSite, moto: MotoServer
) -> None:
    site.publish()
    result = site.publish("--json")
    assert result.exit_code == EXIT_OK
    (report,) = json.loads(result.stdout)["targets"]
    assert (report["uploaded"], report["unchanged"], report["bytes_sent"]) == ([], 12, 0)


def test_a_changed_story_uploads_exactly_the_changed_files(
    site: PublishSite, moto: MotoServer
) -> None:
    site.publish()
    site.folder.add(
        "b.md",
        site.folder.articles.joinpath("b.md")
        .read_text()
        .replace("A headline", "A corrected headline"),
    )
    site.build()
    result = site.publish("--json")
    (report,) = json.loads(result.stdout)["targets"]
    assert report["uploaded"] == [
        "world/atom.xml",
        "world/feed.json",
        "world/rss.xml",
        "atom.xml",
        "feed.json",
        "rss.xml",
    ]
    assert feeds_on(moto) == site.output_files()


def test_a_removed_section_is_deleted(site: PublishSite, moto: MotoServer) -> None:
    site.publish()
    sections = site.folder.articles / "sections.yaml"
    sections.write_text(
        sections.read_text().replace(
            "  - slug: world\n    title: World\n    description: World stories.\n", ""
        )
    )
    (site.folder.articles / "b.md").unlink()
    site.build()
    result = site.publish("--json")
    assert result.exit_code == EXIT_OK, result.output
    (report,) = json.loads(result.stdout)["targets"]
    assert report["deleted"] == ["world/atom.xml", "world/feed.json", "world/rss.xml"]
    assert feeds_on(moto) == site.output_files()


def test_max_deletes_stops_a_mass_delete(site: PublishSite, moto: MotoServer) -> None:
    site.publish()
    before = remote(moto)
    for name in ("photo", "world", "politics"):
        for file in (site.folder.output / name).iterdir():
            file.unlink()
    result = site.publish("--max-deletes", "5")
    assert result.exit_code == EXIT_PUBLISH
    assert result.stderr == (
        "target cdn: 9 files would be deleted, more than --max-deletes 5 allows (photo/atom.xml, "
        "photo/feed.json, photo/rss.xml, politics/atom.xml, politics/feed.json, …). Check the "
        "output folder; if they really should go, rerun with --max-deletes 9.\n"
    )
    assert remote(moto) == before
    assert site.publish("--max-deletes", "9").exit_code == EXIT_OK
    assert feeds_on(moto) == site.output_files()


def test_dry_run_lists_and_changes_nothing(site: PublishSite, moto: MotoServer) -> None:
    result = site.publish("--dry-run")
    assert result.exit_code == EXIT_OK
    assert result.stdout.startswith("cdn: 12 would be uploaded, 0 unchanged, 0 would be deleted.\n")
    assert "\n  would upload photo/atom.xml\n" in result.stdout
    assert remote(moto) == {}


def test_gzip_content_encoding(publish_site: PublishSite, moto: MotoServer) -> None:
    moto.client().create_bucket(Bucket="feeds")
    publish_site.configure(
        s3_target(moto.endpoint_url, ", gzip: true, cache_control: 'max-age=60'")
    )
    publish_site.build()
    assert publish_site.publish().exit_code == EXIT_OK
    response = moto.client().get_object(Bucket="feeds", Key="news/rss.xml")
    assert response["ContentEncoding"] == "gzip"
    assert response["CacheControl"] == "max-age=60"
    assert gzip.decompress(response["Body"].read()) == publish_site.output_files()["rss.xml"]
    assert publish_site.publish("--json").exit_code == EXIT_OK  # the gzip manifest reads back
    (report,) = json.loads(publish_site.publish("--json").stdout)["targets"]
    assert report["uploaded"] == []


def test_a_missing_bucket_is_a_clear_error(publish_site: PublishSite, moto: MotoServer) -> None:
    publish_site.configure(s3_target(moto.endpoint_url))
    publish_site.build()
    result = publish_site.publish()
    assert result.exit_code == EXIT_PUBLISH
    assert result.stderr == (
        "target cdn .feedpub-manifest.json: the bucket 'feeds' does not "
        "exist. Create it or fix 'bucket'.\n"
    )


def test_server_killed_mid_publish_then_rerun_completes(
    publish_site: PublishSite, moto: MotoServer
) -> None:
    moto.client().create_bucket(Bucket="feeds")
    puts = 0
    killed = False

    def kill_at_fifth_put(total: int, chunk: bytes) -> None:
        nonlocal puts, killed
        puts += http_request_starts(chunk)
        if puts >= 5 and not killed:
            killed = True
            moto.kill()

    with FaultProxy(moto.host, moto.port, on_client_bytes=kill_at_fifth_put) as proxy:
        publish_site.configure(s3_target(f"http://{proxy.host}:{proxy.port}"))
        publish_site.build()
        result = publish_site.publish()
        assert result.exit_code == EXIT_PUBLISH
        endpoint = f'endpoint URL: "http://{proxy.host}:{proxy.port}/feeds/news/politics/feed.json"'
        # botocore words the dead server by when the proxy's reset reaches the last try:
        # while it waits for the response, or while it is still connecting.
        assert result.stderr in {
            "target cdn politics/feed.json: Connection was closed before we received a valid "
            f"response from {endpoint}; gave up after 4 attempts.\n",
            f"target cdn politics/feed.json: Could not connect to the {endpoint}; gave up after "
            "4 attempts.\n",
        }
        assert "Traceback" not in result.output
        moto.restart()  # moto keeps no state: a new, empty server on the same port
        proxy.on_client_bytes = None
        moto.client().create_bucket(Bucket="feeds")
        rerun = publish_site.publish()
        assert rerun.exit_code == EXIT_OK, rerun.output
    assert feeds_on(moto) == publish_site.output_files()

"""Publishing to another local folder, and the publish command's own mistakes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from feedpub.cli import EXIT_CONFIG, EXIT_OK, EXIT_PUBLISH, EXIT_USAGE
from feedpub.errors import ConfigError
from feedpub.load.config import load_config
from feedpub.publish.run import choose_targets, publish_output
from support.publishing import PublishSite


def dir_target(path: Path) -> str:
    return f"targets:\n  - {{name: mirror, type: dir, path: '{path}'}}\n"


def published_once(publish_site: PublishSite, tmp_path: Path) -> Path:
    """The site built and published to a dir target: that target's folder."""
    www = tmp_path / "www"
    publish_site.configure(dir_target(www))
    publish_site.build()
    assert publish_site.publish().exit_code == EXIT_OK
    return www


def test_dir_target_mirrors_the_output_and_keeps_files_it_did_not_put_there(
    publish_site: PublishSite, tmp_path: Path
) -> None:
    www = tmp_path / "www"
    www.mkdir()
    (www / "index.html").write_text("<h1>Our feeds</h1>")
    publish_site.configure(dir_target(www))
    publish_site.build()
    assert publish_site.publish().exit_code == EXIT_OK
    sections = publish_site.folder.articles / "sections.yaml"
    sections.write_text(sections.read_text().replace(
        "  - slug: world\n    title: World\n    description: World stories.\n", ""))  # fmt: skip
    (publish_site.folder.articles / "b.md").unlink()
    publish_site.build()
    (report,) = json.loads(publish_site.publish("--json").stdout)["targets"]
    assert report["deleted"] == ["world/atom.xml", "world/feed.json", "world/rss.xml"]
    assert not (www / "world").exists()
    mirrored = {p.relative_to(www).as_posix(): p.read_bytes() for p in www.rglob("*")
                if p.is_file() and not p.name.startswith(".")}  # fmt: skip
    assert mirrored == {**publish_site.output_files(), "index.html": b"<h1>Our feeds</h1>"}


def test_build_publish_does_both(publish_site: PublishSite, tmp_path: Path) -> None:
    publish_site.configure(dir_target(tmp_path / "www"))
    result = publish_site.invoke("build", "--articles", str(publish_site.folder.articles),
                                 "--output", str(publish_site.folder.output), "--publish")  # fmt: skip
    assert result.exit_code == EXIT_OK, result.output
    assert result.stdout.splitlines()[-1].startswith("mirror: 12 uploaded, 0 unchanged")
    assert (tmp_path / "www" / "politics" / "rss.xml").is_file()


def test_publish_without_targets_says_how_to_add_one(publish_site: PublishSite) -> None:
    publish_site.build()
    result = publish_site.publish()
    assert result.exit_code == EXIT_CONFIG
    assert result.stderr == (
        "feedpub.yaml: targets: no targets are configured. "
        "Add a 'targets:' list (see README.md, Publishing).\n"
    )


def test_an_unknown_target_name(publish_site: PublishSite, tmp_path: Path) -> None:
    publish_site.configure(dir_target(tmp_path / "www"))
    publish_site.build()
    result = publish_site.publish("--target", "cdn")
    assert result.exit_code == EXIT_USAGE
    assert result.stderr.endswith("Error: unknown target 'cdn'. Configured targets: mirror.\n")
    empty = publish_site.invoke("publish", "--output", str(tmp_path / "never-built"),
                                "--target", "cdn")  # fmt: skip
    assert (empty.exit_code, empty.stderr) == (EXIT_USAGE, result.stderr)  # said first


def test_publishing_before_building_is_a_clear_error(publish_site: PublishSite,
                                                     tmp_path: Path) -> None:  # fmt: skip
    publish_site.configure(dir_target(tmp_path / "www"))
    result = publish_site.publish()
    assert result.exit_code == EXIT_PUBLISH
    assert result.stderr == (
        f"{publish_site.folder.output}: no such folder. Run 'feedpub build' first.\n"
    )


def remove_world_section(publish_site: PublishSite) -> None:
    sections = publish_site.folder.articles / "sections.yaml"
    sections.write_text(sections.read_text().replace(
        "  - slug: world\n    title: World\n    description: World stories.\n", ""))  # fmt: skip
    (publish_site.folder.articles / "b.md").unlink()


@pytest.mark.parametrize(
    ("where", "relation"),
    [
        ("output/mirror", "is inside the output folder"),
        ("output", "is the output folder"),
        (".", "contains the output folder"),
    ],
)
def test_a_dir_target_overlapping_the_output_folder_is_refused(
    publish_site: PublishSite, where: str, relation: str
) -> None:
    root = publish_site.folder.root
    mirror = root / where
    publish_site.configure(dir_target(mirror))
    publish_site.build()
    before = publish_site.output_files()
    result = publish_site.publish()
    assert result.exit_code == EXIT_CONFIG
    assert result.stderr == (
        f"target mirror: path: '{mirror}' {relation} '{publish_site.folder.output}'. Choose a "
        "folder outside the output and articles folders, such as a web server's document "
        "root.\n"
    )
    assert publish_site.output_files() == before
    assert not (root / ".feedpub-manifest.json").exists()


def test_build_publish_twice_into_its_own_output_folder_is_refused(
    publish_site: PublishSite,
) -> None:
    publish_site.configure(dir_target(publish_site.folder.output / "mirror"))
    for _ in range(2):
        result = publish_site.invoke("build", "--articles", str(publish_site.folder.articles),
                                     "--output", str(publish_site.folder.output), "--publish")  # fmt: skip
        assert result.exit_code == EXIT_CONFIG
        assert result.stderr.startswith("target mirror: path: ")
    assert not (publish_site.folder.output / "mirror").exists()


def test_a_dir_target_in_the_articles_folder_is_refused(
    publish_site: PublishSite, tmp_path: Path
) -> None:
    articles = publish_site.folder.articles
    publish_site.configure(dir_target(articles / "feeds"))
    publish_site.build()
    site = load_config(publish_site.folder.config)
    with pytest.raises(ConfigError) as caught:
        publish_output(site, publish_site.folder.output, site.targets, max_deletes=10,
                       articles=articles)  # fmt: skip
    assert str(caught.value) == (
        f"target mirror: path: '{articles / 'feeds'}' is inside the articles folder "
        f"'{articles}'. Choose a folder outside the output and articles folders, such as a "
        "web server's document root."
    )
    assert not (articles / "feeds").exists()
    # Elsewhere, the same site publishes.
    (target,) = choose_targets(site, ())
    assert publish_output(site, publish_site.folder.output, (target,), max_deletes=10).reports


def test_a_relative_dir_path_is_read_from_the_config_folder(
    publish_site: PublishSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    publish_site.configure("targets:\n  - {name: mirror, type: dir, path: www}\n")
    publish_site.build()
    assert publish_site.publish().exit_code == EXIT_OK
    assert (publish_site.folder.root / "www" / "politics" / "rss.xml").is_file()
    assert list(elsewhere.iterdir()) == []


def test_build_publish_with_an_unknown_target_is_a_usage_error(
    publish_site: PublishSite, tmp_path: Path
) -> None:
    publish_site.configure(dir_target(tmp_path / "www"))
    result = publish_site.invoke("build", "--articles", str(publish_site.folder.articles),
                                 "--output", str(publish_site.folder.output), "--publish",
                                 "--target", "nope")  # fmt: skip
    assert result.exit_code == EXIT_USAGE
    assert result.stderr.endswith("Error: unknown target 'nope'. Configured targets: mirror.\n")
    assert not (tmp_path / "www").exists()
    assert not publish_site.folder.output.exists()  # refused before the build wrote anything


def test_build_publish_without_targets_is_a_config_error(publish_site: PublishSite) -> None:
    result = publish_site.invoke("build", "--articles", str(publish_site.folder.articles),
                                 "--output", str(publish_site.folder.output), "--publish")  # fmt: skip
    assert result.exit_code == EXIT_CONFIG
    assert result.stderr.startswith("feedpub.yaml: targets: no targets are configured.")
    assert not publish_site.folder.output.exists()  # refused before the build wrote anything


def test_verbose_lists_every_file_uploaded_and_deleted(
    publish_site: PublishSite, tmp_path: Path
) -> None:
    publish_site.configure(dir_target(tmp_path / "www"))
    publish_site.build()
    quiet = publish_site.publish().stdout.splitlines()
    assert len(quiet) == 1
    assert quiet[0].startswith("mirror: 12 uploaded, 0 unchanged, 0 deleted, ")
    remove_world_section(publish_site)
    publish_site.build()
    lines = publish_site.publish("-v").stdout.splitlines()
    assert lines[0].startswith("mirror: 3 uploaded, 6 unchanged, 3 deleted, ")
    assert lines[0].endswith(" s.")
    assert lines[1:] == [
        "  uploaded atom.xml",
        "  uploaded feed.json",
        "  uploaded rss.xml",
        "  deleted world/atom.xml",
        "  deleted world/feed.json",
        "  deleted world/rss.xml",
    ]


def test_a_dry_run_lists_its_plan_and_sends_nothing(
    publish_site: PublishSite, tmp_path: Path
) -> None:
    publish_site.configure(dir_target(tmp_path / "www"))
    publish_site.build()
    result = publish_site.publish("--dry-run")
    assert result.exit_code == EXIT_OK
    lines = result.stdout.splitlines()
    assert lines[0] == "mirror: 12 would be uploaded, 0 unchanged, 0 would be deleted."
    assert lines[1:] == [f"  would upload {path}" for path in (
        "photo/atom.xml", "photo/feed.json", "photo/rss.xml",
        "politics/atom.xml", "politics/feed.json", "politics/rss.xml",
        "world/atom.xml", "world/feed.json", "world/rss.xml",
        "atom.xml", "feed.json", "rss.xml",
    )]  # fmt: skip
    assert not (tmp_path / "www").exists()


def test_a_dry_run_beyond_max_deletes_shows_the_plan_then_the_refusal(
    publish_site: PublishSite, tmp_path: Path
) -> None:
    www = published_once(publish_site, tmp_path)
    remove_world_section(publish_site)
    publish_site.build()
    before = {p: p.read_bytes() for p in www.rglob("*") if p.is_file()}
    result = publish_site.publish("--dry-run", "--max-deletes", "2")
    assert result.exit_code == EXIT_PUBLISH
    assert result.output == (
        "mirror: 3 would be uploaded, 6 unchanged, 3 would be deleted.\n"
        "  would upload atom.xml\n"
        "  would upload feed.json\n"
        "  would upload rss.xml\n"
        "  would delete world/atom.xml\n"
        "  would delete world/feed.json\n"
        "  would delete world/rss.xml\n"
        "target mirror: 3 files would be deleted, more than --max-deletes 2 allows "
        "(world/atom.xml, world/feed.json, world/rss.xml). Check the output folder; if they "
        "really should go, rerun with --max-deletes 3.\n"
    )
    assert {p: p.read_bytes() for p in www.rglob("*") if p.is_file()} == before
    (report,) = json.loads(publish_site.publish("--dry-run", "--max-deletes", "2",
                                                "--json").stdout)["targets"]  # fmt: skip
    assert report["deleted"] == ["world/atom.xml", "world/feed.json", "world/rss.xml"]


def test_an_unreadable_manifest_is_said_and_the_publish_goes_on(
    publish_site: PublishSite, tmp_path: Path
) -> None:
    # Without its manifest a target cannot know which files feedpub put there: it
    # sends everything and deletes nothing, and the operator must hear why.
    www = published_once(publish_site, tmp_path)
    (www / ".feedpub-manifest.json").write_text("{ half a manifest")
    result = publish_site.publish()
    assert result.exit_code == EXIT_OK
    assert result.stderr == (
        "target mirror: .feedpub-manifest.json could not be read (it is not a manifest "
        "feedpub wrote): every file was sent again, and files it listed that are no longer "
        "built stay there. Delete those by hand\n"
    )
    assert result.stdout.startswith("mirror: 12 uploaded, 0 unchanged")
    again = publish_site.publish("--json")  # the manifest was written anew
    assert (again.stderr, json.loads(again.stdout)["targets"][0]["warning"]) == ("", None)

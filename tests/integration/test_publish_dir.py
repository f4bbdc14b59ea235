"""Publishing to another local folder, and the publish command's own mistakes."""

from __future__ import annotations

import json
from pathlib import Path

from feedpub.cli import EXIT_OK, EXIT_PUBLISH
from support.publishing import PublishSite


def dir_target(path: Path) -> str:
    return f"targets:\n  - {{name: mirror, type: dir, path: '{path}'}}\n"


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
    assert result.exit_code == EXIT_PUBLISH
    assert result.stderr == (
        "no targets are configured. Add a 'targets:' list to feedpub.yaml "
        "(see README.md, Publishing).\n"
    )


def test_an_unknown_target_name(publish_site: PublishSite, tmp_path: Path) -> None:
    publish_site.configure(dir_target(tmp_path / "www"))
    publish_site.build()
    result = publish_site.publish("--target", "cdn")
    assert result.exit_code == EXIT_PUBLISH
    assert result.stderr == "unknown target 'cdn'. Configured targets: mirror.\n"


def test_publishing_before_building_is_a_clear_error(publish_site: PublishSite,
                                                     tmp_path: Path) -> None:  # fmt: skip
    publish_site.configure(dir_target(tmp_path / "www"))
    result = publish_site.publish()
    assert result.exit_code == EXIT_PUBLISH
    assert result.stderr == (
        f"{publish_site.folder.output}: no such folder. Run 'feedpub build' first.\n"
    )

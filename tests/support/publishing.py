"""A small site to publish in the publish tests, driven through the real CLI."""

from __future__ import annotations

from click.testing import CliRunner, Result

from feedpub.cli import main
from support.sites import SiteFolder, record

NOW = "2026-11-27T12:00:00+03:30"


class PublishSite:
    """A site with three stories and the targets a test configures."""

    def __init__(self, folder: SiteFolder) -> None:
        self.folder = folder
        self.base_config = folder.config.read_text(encoding="utf-8")
        folder.add("a.md", record(id="a"))
        folder.add("b.md", record(id="b", sections="[world]"))
        folder.add("c.md", record(id="c", sections="[photo, politics]"))

    def configure(self, extra: str) -> None:
        self.folder.config.write_text(self.base_config + extra, encoding="utf-8")

    def build(self) -> Result:
        return self.invoke("build", "--articles", str(self.folder.articles), "--output",
                           str(self.folder.output), "--now", NOW)  # fmt: skip

    def publish(self, *args: str) -> Result:
        return self.invoke("publish", "--output", str(self.folder.output), *args)

    def invoke(self, command: str, *args: str) -> Result:
        return CliRunner().invoke(main, [command, "--config", str(self.folder.config), *args])

    def output_files(self) -> dict[str, bytes]:
        return self.folder.output_files()

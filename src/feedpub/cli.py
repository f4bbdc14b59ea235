"""The ``feedpub`` command. Parses options, calls one function per command, prints.

This is the only module that prints or chooses an exit code. Every expected failure
is a FeedpubError and becomes plain lines on stderr; anything else is a bug and keeps
its traceback. Heavy modules are imported inside the commands so --help stays fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar

import click

from feedpub import __version__
from feedpub.errors import FeedpubError

if TYPE_CHECKING:
    from feedpub.load import LoadedArticles
    from feedpub.model import FeedFile, Site

T = TypeVar("T")

# Exit statuses, documented in README.md ("Exit codes").
EXIT_OK = 0
EXIT_REJECTED = 1  # some records were rejected; the good ones were built
EXIT_USAGE = 2  # click's own status for a bad command line
EXIT_CONFIG = 3  # feedpub.yaml or sections.yaml is wrong; nothing was built
EXIT_OUTPUT = 4  # feeds could not be written


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="feedpub")
def main() -> None:
    """Publish a news agency's article records as RSS, Atom and JSON feeds."""


config_option = click.option(
    "--config",
    "config",
    type=click.Path(path_type=Path),
    default=Path("feedpub.yaml"),
    show_default=True,
    help="Site configuration file.",
)
articles_option = click.option(
    "--articles",
    "articles",
    type=click.Path(path_type=Path),
    default=Path("articles"),
    show_default=True,
    help="Folder of article records and sections.yaml.",
)
now_option = click.option(
    "--now",
    "now",
    metavar="TIMESTAMP",
    help="Build as if it were this time (ISO 8601); stories dated later stay out.",
)


@main.command()
@config_option
@articles_option
@click.option(
    "--output",
    "output",
    type=click.Path(path_type=Path),
    default=Path("output"),
    show_default=True,
    help="Folder the feeds are written to.",
)
@now_option
@click.option("--strict", is_flag=True, help="Write nothing at all when any record is rejected.")
def build(config: Path, articles: Path, output: Path, now: str | None, strict: bool) -> None:
    """Build every feed from the article records into the output folder."""
    from feedpub.publish.local import write_files

    site, loaded = _load(config, articles)
    if strict and loaded.problems:
        _finish(loaded, "Nothing written: --strict is set.")
    files = _build(site, loaded, now)
    report = _guard(lambda: write_files(files, output), EXIT_OUTPUT)
    _finish(
        loaded,
        f"Built {len(files)} feeds from {_records(len(loaded.articles))} into "
        f"{output}: {len(report.written)} written, {len(report.unchanged)} unchanged.",
    )


@main.command()
@config_option
@articles_option
@now_option
def check(config: Path, articles: Path, now: str | None) -> None:
    """Validate the configuration and every record; write nothing."""
    site, loaded = _load(config, articles)
    files = _build(site, loaded, now)
    _finish(
        loaded,
        f"Checked {_records(len(loaded.articles) + loaded.rejected)}: "
        f"{len(loaded.articles)} good, {len(files)} feeds would be built.",
    )


def _load(config: Path, articles: Path) -> tuple[Site, LoadedArticles]:
    from feedpub.load import load_articles, load_site

    site = _guard(lambda: load_site(config, articles), EXIT_CONFIG)
    loaded = _guard(lambda: load_articles(articles, site, str(articles)), EXIT_CONFIG)
    for problem in loaded.problems:
        click.echo(str(problem), err=True)
    return site, loaded


def _build(site: Site, loaded: LoadedArticles, now_text: str | None) -> tuple[FeedFile, ...]:
    from feedpub.build import build_feeds

    return _guard(lambda: build_feeds(site, loaded.articles, _now(now_text, site)), EXIT_CONFIG)


def _now(text: str | None, site: Site) -> datetime:
    from feedpub.load.dates import DateError, find_zone, parse_datetime

    if text is None:
        # The clock only decides which stories are visible; no date in a feed comes from it.
        return datetime.now(UTC)
    try:
        return parse_datetime(text, find_zone(site.timezone))
    except DateError as error:
        raise click.BadParameter(f"{error}. {error.hint}.", param_hint="--now") from error


def _guard(action: Callable[[], T], status: int) -> T:
    """Run ``action``; a FeedpubError becomes its message on stderr and ``status``."""
    try:
        return action()
    except FeedpubError as error:
        click.echo(str(error), err=True)
        sys.exit(status)


def _finish(loaded: LoadedArticles, summary: str) -> NoReturn:
    if loaded.rejected:
        summary += f" {_records(loaded.rejected).capitalize()} rejected (see above)."
    click.echo(summary)
    sys.exit(EXIT_REJECTED if loaded.rejected else EXIT_OK)


def _records(count: int) -> str:
    return f"{count} record" if count == 1 else f"{count} records"

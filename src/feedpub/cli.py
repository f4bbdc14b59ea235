"""The ``feedpub`` command. Parses options, calls one function per command, prints.

This is the only module that prints or chooses an exit code. Every expected failure
is a FeedpubError and becomes plain lines on stderr; anything else is a bug and keeps
its traceback. Heavy modules are imported inside the commands so --help stays fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from feedpub import __version__
from feedpub.errors import FeedpubError

if TYPE_CHECKING:
    from feedpub.load import LoadedArticles
    from feedpub.model import FeedFile, Site
    from feedpub.publish.run import PublishSummary

T = TypeVar("T")

# Exit statuses, documented in README.md ("Exit codes").
EXIT_OK = 0
EXIT_REJECTED = 1  # some records were rejected; the good ones were built
EXIT_USAGE = 2  # click's own status for a bad command line
EXIT_CONFIG = 3  # feedpub.yaml or sections.yaml is wrong; nothing was built
EXIT_OUTPUT = 4  # feeds could not be written
EXIT_PUBLISH = 5  # a target could not be brought up to date
DEFAULT_MAX_DELETES = 10  # the same as feedpub.publish.sync, without importing it


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="feedpub")
def main() -> None:
    """Publish a news agency's article records as RSS, Atom and JSON feeds."""


def _options(*decorators: Callable[[Any], Any]) -> Callable[[T], T]:
    def apply(command: T) -> T:
        for decorator in reversed(decorators):
            command = decorator(command)
        return command

    return apply


config_option = click.option(
    "--config", "config", type=click.Path(path_type=Path), default=Path("feedpub.yaml"),
    show_default=True, help="Site configuration file.",
)  # fmt: skip
articles_option = click.option(
    "--articles", "articles", type=click.Path(path_type=Path), default=Path("articles"),
    show_default=True, help="Folder of article records and sections.yaml.",
)  # fmt: skip
output_option = click.option(
    "--output", "output", type=click.Path(path_type=Path), default=Path("output"),
    show_default=True, help="Folder the feeds are written to and published from.",
)  # fmt: skip
now_option = click.option(
    "--now", "now", metavar="TIMESTAMP",
    help="Build as if it were this time (ISO 8601); stories dated later stay out.",
)  # fmt: skip
publish_options = _options(
    click.option("--target", "targets", multiple=True, metavar="NAME",
                 help="Publish to this target only (repeatable; default: all)."),
    click.option("--dry-run", is_flag=True, help="List uploads and deletes; change nothing."),
    click.option("--max-deletes", type=click.IntRange(min=0), default=DEFAULT_MAX_DELETES,
                 show_default=True, help="Refuse to delete more files than this per target."),
    click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON."),
)  # fmt: skip


@main.command()
@config_option
@articles_option
@output_option
@now_option
@click.option("--strict", is_flag=True, help="Write nothing at all when any record is rejected.")
@click.option("--publish", "then_publish", is_flag=True,
              help="Then publish the output folder to the configured targets.")  # fmt: skip
@publish_options
def build(
    config: Path,
    articles: Path,
    output: Path,
    now: str | None,
    strict: bool,
    then_publish: bool,
    targets: tuple[str, ...],
    dry_run: bool,
    max_deletes: int,
    as_json: bool,
) -> None:
    """Build every feed from the article records into the output folder."""
    from feedpub.publish.local import write_files

    site, loaded = _load(config, articles)
    if strict and loaded.problems:
        _finish(loaded, "Nothing written: --strict is set.")
    files = _build(site, loaded, now)
    report = _guard(lambda: write_files(files, output), EXIT_OUTPUT)
    summary = (
        f"Built {len(files)} feeds from {_records(len(loaded.articles))} into "
        f"{output}: {len(report.written)} written, {len(report.unchanged)} unchanged"
        + (f", {len(report.removed)} removed." if report.removed else ".")
    )
    if not then_publish:
        _finish(loaded, summary)
    click.echo(summary, err=as_json)
    status = _publish(site, output, targets, dry_run, max_deletes, as_json)
    sys.exit(status or (EXIT_REJECTED if loaded.rejected else EXIT_OK))


@main.command()
@config_option
@output_option
@publish_options
def publish(
    config: Path,
    output: Path,
    targets: tuple[str, ...],
    dry_run: bool,
    max_deletes: int,
    as_json: bool,
) -> None:
    """Upload what changed in the output folder to the targets, then ping WebSub hubs."""
    from feedpub.load.config import load_config

    site = _guard(lambda: load_config(config), EXIT_CONFIG)
    sys.exit(_publish(site, output, targets, dry_run, max_deletes, as_json))


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


@main.command()
@config_option
@articles_option
@output_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")  # fmt: skip
@click.option("--watch", is_flag=True, help="Rebuild whenever a record or the config changes.")
def serve(config: Path, articles: Path, output: Path, host: str, port: int, watch: bool) -> None:
    """Preview the output folder over HTTP, as feed readers will fetch it."""
    import contextlib

    from feedpub.serve import make_server, preview_url, watching

    def rebuild() -> None:
        summary = _rebuild(config, articles, output)
        click.echo(summary, err=True)

    def report(error: Exception) -> None:
        if not isinstance(error, FeedpubError):
            raise error
        click.echo(str(error), err=True)

    if watch:
        with contextlib.suppress(FeedpubError):
            rebuild()
    server = _guard(lambda: make_server(output, host, port, log=_log_to_stderr), EXIT_OUTPUT)
    watcher = (
        watching([articles, config], rebuild, on_error=report)
        if watch
        else contextlib.nullcontext()
    )
    with server, watcher:
        click.echo(f"Serving {output} at {preview_url(server)} (Ctrl+C to stop)")
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()


def _log_to_stderr(line: str) -> None:
    click.echo(line, err=True)


def _rebuild(config: Path, articles: Path, output: Path) -> str:
    """One build for ``serve --watch``: raises FeedpubError instead of exiting."""
    from feedpub.build import build_feeds
    from feedpub.load import load_articles, load_site
    from feedpub.publish.local import write_files

    site = load_site(config, articles)
    loaded = load_articles(articles, site, str(articles))
    for problem in loaded.problems:
        click.echo(str(problem), err=True)
    report = write_files(build_feeds(site, loaded.articles, datetime.now(UTC)), output)
    return (
        f"Rebuilt {output}: {len(report.written)} written, {len(report.unchanged)} "
        f"unchanged, {_records(loaded.rejected)} rejected."
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


def _publish(
    site: Site,
    output: Path,
    names: tuple[str, ...],
    dry_run: bool,
    max_deletes: int,
    as_json: bool,
) -> int:
    """Publish and print the summary; the exit status (0 or EXIT_PUBLISH)."""
    from feedpub.publish.run import choose_targets, publish_output

    targets = _guard(lambda: choose_targets(site, names), EXIT_PUBLISH)
    summary = _guard(
        lambda: publish_output(site, output, targets, max_deletes=max_deletes, dry_run=dry_run),
        EXIT_PUBLISH,
    )
    _print_publish_summary(summary, as_json)
    return EXIT_PUBLISH if summary.failures else EXIT_OK


def _print_publish_summary(summary: PublishSummary, as_json: bool) -> None:
    for failure in summary.failures:
        click.echo(str(failure), err=True)
    for ping in summary.pings:
        if ping.error:
            click.echo(f"WebSub hub {ping.hub}: {ping.url}: {ping.error}.", err=True)
    if as_json:
        click.echo(json.dumps(_summary_document(summary), indent=2))
        return
    for report in summary.reports:
        if report.dry_run:
            for path in report.uploaded:
                click.echo(f"would upload {report.target}: {path}")
            for path in report.deleted:
                click.echo(f"would delete {report.target}: {path}")
        verb = "would be " if report.dry_run else ""
        click.echo(
            f"{report.target}: {len(report.uploaded)} {verb}uploaded, {report.unchanged} "
            f"unchanged, {len(report.deleted)} {verb}deleted, {report.bytes_sent:,} bytes sent "
            f"in {report.seconds:.1f} s."
        )
    notified = sum(1 for ping in summary.pings if ping.error is None)
    if notified:
        click.echo(f"WebSub: {notified} changed feed URLs announced.")


def _summary_document(summary: PublishSummary) -> dict[str, Any]:
    return {
        "targets": [
            {
                "name": report.target,
                "dry_run": report.dry_run,
                "uploaded": list(report.uploaded),
                "unchanged": report.unchanged,
                "deleted": list(report.deleted),
                "bytes_sent": report.bytes_sent,
                "seconds": round(report.seconds, 3),
            }
            for report in summary.reports
        ],
        "failures": [
            {"target": f.target, "path": f.path, "message": str(f)} for f in summary.failures
        ],
        "websub": [{"hub": p.hub, "url": p.url, "error": p.error} for p in summary.pings],
    }


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

"""The ``feedpub`` command. Parses options, calls one function per command, prints.

This package is the only place that prints or chooses an exit code. Every expected
failure is a FeedpubError and becomes plain lines on stderr; anything else is a bug and
keeps its traceback. Heavy modules are imported inside the commands so --help is fast.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from feedpub import __version__
from feedpub.cli.runs import run_build
from feedpub.cli.summary import (
    build_document,
    build_lines,
    publish_document,
    publish_lines,
    publish_problems,
    records,
)
from feedpub.errors import BuildError, ConfigError, FeedpubError, OutputError, PublishError

if TYPE_CHECKING:
    from feedpub.model import Site, Target

T = TypeVar("T")

# Exit statuses, documented in README.md ("Exit codes").
EXIT_OK = 0
EXIT_REJECTED = 1  # some records were rejected; the good ones were built
EXIT_USAGE = 2  # click's own status for a bad command line
EXIT_CONFIG = 3  # feedpub.yaml or sections.yaml is wrong; nothing was built
EXIT_OUTPUT = 4  # feeds could not be written
EXIT_PUBLISH = 5  # a target could not be brought up to date
EXIT_LOCKED = 6  # another run holds the output folder's lock
EXIT_CHANGED = 7  # a record changed while the build was reading it; the next run builds it
DEFAULT_MAX_DELETES = 10  # the same as feedpub.publish.sync, without importing it
PROGRESS_FROM = 1000  # records: smaller runs finish before a bar is worth drawing


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
run_options = _options(
    click.option("--wait", type=click.FloatRange(min=0), default=0, metavar="SECONDS",
                 show_default=True, help="Wait this long for another run to finish."),
    click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON."),
    click.option("-q", "--quiet", is_flag=True, help="Print problems only."),
    click.option("-v", "--verbose", is_flag=True, help="Also list every file written."),
)  # fmt: skip
publish_options = _options(
    click.option("--target", "targets", multiple=True, metavar="NAME",
                 help="Publish to this target only (repeatable; default: all)."),
    click.option("--dry-run", is_flag=True, help="List uploads and deletes; change nothing."),
    click.option("--max-deletes", type=click.IntRange(min=0), default=DEFAULT_MAX_DELETES,
                 show_default=True, help="Refuse to delete more files than this per target."),
)  # fmt: skip


@main.command()
@config_option
@articles_option
@output_option
@now_option
@click.option("--strict", is_flag=True, help="Write nothing at all when any record is rejected.")
@click.option("--cache", "cache", type=click.Path(path_type=Path), metavar="DIR",
              help="Where to keep the index of records [default: .feedpub-cache beside "
                   "the config file].")  # fmt: skip
@click.option("--publish", "then_publish", is_flag=True,
              help="Then publish the output folder to the configured targets.")  # fmt: skip
@publish_options
@run_options
def build(
    config: Path,
    articles: Path,
    output: Path,
    now: str | None,
    strict: bool,
    cache: Path | None,
    then_publish: bool,
    targets: tuple[str, ...],
    dry_run: bool,
    max_deletes: int,
    wait: float,
    as_json: bool,
    quiet: bool,
    verbose: bool,
) -> None:
    """Build every feed from the article records into the output folder."""
    from feedpub.load import load_site
    from feedpub.publish.lock import run_lock

    _one_report_mode(as_json=as_json, quiet=quiet, verbose=verbose)
    with _exits(as_json=as_json):
        site = load_site(config, articles)  # a config error stops before anything is created
        moment = _parse_now(now, site)
        # A wrong --target, or no targets: said before anything is written.
        chosen = _chosen_targets(site, targets) if then_publish else ()
    with _exits(as_json=as_json), run_lock(output, wait=wait):
        outcome = run_build(
            site, articles, output, moment, strict=strict, cache=_cache_dir(cache, config),
            progress=_progress_bar() if not (quiet or as_json) else None,
        )  # fmt: skip
        summary = None
        if then_publish and outcome.report is not None:
            from feedpub.publish.run import publish_output  # slow to import: only if asked

            summary = publish_output(site, output, chosen, max_deletes=max_deletes,
                                     dry_run=dry_run, articles=articles)  # fmt: skip
    for problem in outcome.problems:
        click.echo(str(problem), err=True)
    _echo_lines(list(outcome.warnings), err=True)
    if as_json:
        click.echo(json.dumps(build_document(outcome, summary), indent=2, ensure_ascii=False))
    elif not quiet:
        _echo_lines(build_lines(outcome, verbose=verbose))
        if summary is not None:
            _echo_lines(publish_lines(summary, verbose=verbose))
    if summary is not None:  # after the summary, as publish does
        _echo_lines(publish_problems(summary), err=True)
    if summary is not None and summary.failures:
        sys.exit(EXIT_PUBLISH)
    sys.exit(EXIT_REJECTED if outcome.rejected else EXIT_OK)


@main.command()
@config_option
@output_option
@publish_options
@run_options
def publish(
    config: Path,
    output: Path,
    targets: tuple[str, ...],
    dry_run: bool,
    max_deletes: int,
    wait: float,
    as_json: bool,
    quiet: bool,
    verbose: bool,
) -> None:
    """Upload what changed in the output folder to the targets, then ping WebSub hubs."""
    from feedpub.load.config import load_config
    from feedpub.publish.lock import run_lock
    from feedpub.publish.run import publish_output

    _one_report_mode(as_json=as_json, quiet=quiet, verbose=verbose)
    with _exits(as_json=as_json):
        site = load_config(config)
        chosen = _chosen_targets(site, targets)  # the command line first, as build does
        if not output.is_dir():
            raise PublishError(f"{output}: no such folder. Run 'feedpub build' first")
        with run_lock(output, wait=wait):
            summary = publish_output(site, output, chosen, max_deletes=max_deletes,
                                     dry_run=dry_run)  # fmt: skip
    if as_json:
        click.echo(json.dumps(publish_document(summary), indent=2))
    elif not quiet:
        _echo_lines(publish_lines(summary, verbose=verbose))
    # After the summary: a dry run's refusal reads as the verdict on the plan just listed.
    _echo_lines(publish_problems(summary), err=True)
    sys.exit(EXIT_PUBLISH if summary.failures else EXIT_OK)


@main.command()
@config_option
@articles_option
@now_option
@click.option("--cache", "cache", type=click.Path(path_type=Path), metavar="DIR",
              help="Where to keep check's own index of records [default: .feedpub-cache "
                   "beside the config file].")  # fmt: skip
def check(config: Path, articles: Path, now: str | None, cache: Path | None) -> None:
    """Validate the configuration and every record; write no feed."""
    from feedpub.cli.runs import run_check
    from feedpub.load import load_site

    with _exits():
        site = load_site(config, articles)
        moment = _parse_now(now, site)
        checked = run_check(site, articles, moment, cache=_cache_dir(cache, config),
                            progress=_progress_bar())  # fmt: skip
    for problem in checked.problems:
        click.echo(str(problem), err=True)
    _echo_lines(list(checked.warnings), err=True)
    line = (f"Checked {records(checked.good + checked.rejected)}: "
            f"{checked.good} good, {checked.files} files would be built.")  # fmt: skip
    if checked.rejected:
        line += f" {records(checked.rejected).capitalize()} rejected (see above)."
    click.echo(line)
    sys.exit(EXIT_REJECTED if checked.rejected else EXIT_OK)


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
    from feedpub.load import load_site
    from feedpub.publish.lock import run_lock
    from feedpub.serve import make_server, preview_url, watching

    def rebuild() -> None:
        site = load_site(config, articles)
        with run_lock(output, wait=60):
            outcome = run_build(site, articles, output, _parse_now(None, site),
                                cache=_cache_dir(None, config))  # fmt: skip
        for problem in outcome.problems:
            click.echo(str(problem), err=True)
        _echo_lines(build_lines(outcome), err=True)

    def report(error: Exception) -> None:
        if not isinstance(error, FeedpubError):
            raise error
        click.echo(str(error), err=True)

    if watch:
        try:
            rebuild()
        except FeedpubError as error:
            report(error)
    with _exits():
        server = make_server(output, host, port, log=lambda line: click.echo(line, err=True))
    watcher = (
        watching([articles, config], rebuild, on_error=report)
        if watch
        else contextlib.nullcontext()
    )
    with server, watcher:
        click.echo(f"Serving {output} at {preview_url(server)} (Ctrl+C to stop)")
        if not output.is_dir():  # served once it appears; until then every request is a 404
            click.echo(
                f"{output}: no such folder yet, so every request gets 404. Run 'feedpub "
                "build', or serve with --watch",
                err=True,
            )
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()


def _one_report_mode(*, as_json: bool, quiet: bool, verbose: bool) -> None:
    """--json, -q and -v each say how to report: given together, one would silently win."""
    given = [name for name, on in (("--json", as_json), ("-q", quiet), ("-v", verbose)) if on]
    if len(given) > 1:
        raise click.UsageError(
            f"{' and '.join(given)} cannot be used together: choose one",
            ctx=click.get_current_context(silent=True),
        )


def _chosen_targets(site: Site, names: tuple[str, ...]) -> tuple[Target, ...]:
    """The targets --target names (all when none are): an unknown name is a usage error
    (exit 2), no targets at all a ConfigError (exit 3). (publish_output then refuses a
    ``dir`` target overlapping the output folder, before anything is sent.)"""
    from feedpub.publish.run import UnknownTargetError, choose_targets

    try:
        return choose_targets(site, names)
    except UnknownTargetError as error:
        raise click.UsageError(str(error), ctx=click.get_current_context(silent=True)) from error


def _cache_dir(option: Path | None, config: Path) -> Path:
    from feedpub.load.index import CACHE_DIR

    return option if option is not None else config.parent / CACHE_DIR


def _parse_now(text: str | None, site: Site) -> datetime:
    """The run's moment: --now (without an offset, in the site's zone) or the clock.
    The clock only decides which stories are visible; no date in a feed comes from it."""
    from feedpub.load.dates import DateError, find_zone, parse_datetime

    if text is None:
        return datetime.now(UTC)
    try:
        return parse_datetime(text, find_zone(site.timezone))
    except DateError as error:
        raise click.BadParameter(f"{error}. {error.hint}.", param_hint="--now") from error


@contextlib.contextmanager
def _exits(*, as_json: bool = False) -> Iterator[None]:
    """Turn a FeedpubError into its message on stderr and its exit status; with
    ``as_json`` also a document on stdout, so a monitor that reads it learns why."""
    from feedpub.publish.lock import LockBusy

    try:
        yield
    except FeedpubError as error:
        click.echo(str(error), err=True)
        statuses = ((LockBusy, EXIT_LOCKED), (PublishError, EXIT_PUBLISH),
                    (OutputError, EXIT_OUTPUT), (ConfigError, EXIT_CONFIG),
                    (BuildError, EXIT_CHANGED))  # fmt: skip
        status = next((code for kind, code in statuses if isinstance(error, kind)), EXIT_CONFIG)
        if as_json:
            click.echo(json.dumps({"error": str(error), "exit_code": status}, indent=2,
                                  ensure_ascii=False))  # fmt: skip
        sys.exit(status)


def _progress_bar() -> Callable[[int, int], None] | None:
    """A record counter on a terminal for long runs; nothing in cron, pipes or logs."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        if total < PROGRESS_FROM:
            return
        if done == total or done % 100 == 0:
            end = "\n" if done == total else ""
            click.echo(f"\rReading records: {done:,}/{total:,}{end}", err=True, nl=False)

    return show


def _echo_lines(lines: list[str], *, err: bool = False) -> None:
    for line in lines:
        click.echo(line, err=err)

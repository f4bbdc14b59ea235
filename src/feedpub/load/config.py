"""feedpub.yaml -> Site. Defaults live here and nowhere else; unknown keys are errors."""

from __future__ import annotations

import re
import string
from pathlib import Path
from urllib.parse import urlsplit

from feedpub.errors import ConfigError, Problem
from feedpub.load.dates import DateError, find_zone
from feedpub.load.fields import Fields, absolute_url, language, read_mapping_file
from feedpub.load.targets import flag, read_hubs, read_targets
from feedpub.model import Agency, Site

DEFAULT_DATELINE_FORMAT = "{city} ({agency}) –"
DEFAULT_ITEMS_PER_FEED = 50
ID_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[!-~]*")  # a URI scheme, then no spaces
DATELINE_PLACEHOLDERS = frozenset({"city", "country", "agency", "agency_name"})

SITE_KEYS = frozenset(
    {
        "title",
        "description",
        "url",
        "feeds_url",
        "language",
        "timezone",
        "copyright",
        "id_prefix",
        "agency",
        "agencies",
        "dateline_format",
        "items_per_feed",
        "targets",
        "websub",
        "withdrawal_notices",
    }
)
AGENCY_KEYS = frozenset({"name", "url", "rights", "feed_url"})


def load_config(path: Path, display: str | None = None) -> Site:
    """Read feedpub.yaml; raises ConfigError listing every problem found."""
    problems: list[Problem] = []
    fields = read_mapping_file(path, display or str(path), problems)
    site = _read_site(fields, path.parent) if fields is not None else None
    if problems or site is None:
        raise ConfigError(problems)
    return site


def _read_site(fields: Fields, folder: Path) -> Site | None:
    """``folder``: the config file's, which relative target paths are read from."""
    fields.reject_unknown(SITE_KEYS)
    title = fields.text("title", required=True, what="the site's name")
    url = absolute_url(fields, "url", required=True, folder=True)
    feeds_url = absolute_url(fields, "feeds_url", required=True, folder=True)
    timezone = fields.text("timezone", required=True, what="an IANA time zone such as Asia/Tehran")
    if timezone is not None:
        try:
            find_zone(timezone)
        except DateError as error:
            fields.problem(fields.node("timezone"), "timezone", str(error), error.hint)
            timezone = None
    agencies, declared = _read_agencies(fields)
    agency = fields.text("agency", required=True, what="the abbreviation of the site's agency")
    if agency is not None and declared and agency not in declared:
        fields.problem(
            fields.node("agency"),
            "agency",
            f"{agency!r} is not in 'agencies'",
            "Add it to 'agencies' or use one of " + ", ".join(declared),
        )
    dateline_format = _dateline_format(fields)
    items = fields.integer("items_per_feed", minimum=1)
    id_prefix = _id_prefix(fields)
    targets = read_targets(fields, folder)
    hubs = read_hubs(fields)
    if (
        title is None
        or url is None
        or feeds_url is None
        or timezone is None
        or agency is None
        or dateline_format is None
        or not agencies
    ):
        return None
    return Site(
        title=title,
        description=fields.text("description") or title,
        url=url,
        feeds_url=feeds_url,
        language=language(fields, "language") or "en",
        timezone=timezone,
        copyright=fields.text("copyright") or "",
        id_prefix=id_prefix or _default_id_prefix(url),
        agency=agency,
        agencies=agencies,
        dateline_format=dateline_format,
        items_per_feed=items or DEFAULT_ITEMS_PER_FEED,
        targets=targets,
        hubs=hubs,
        withdrawal_notices=flag(fields, "withdrawal_notices", default=True),
    )


def _read_agencies(fields: Fields) -> tuple[tuple[Agency, ...], list[str]]:
    """The valid agencies, and every abbreviation declared (valid or not)."""
    table = fields.mapping("agencies", required=True, what="a table of agencies")
    if table is None:
        return (), []
    agencies = []
    if not list(table.items()):
        fields.problem(
            fields.node("agencies"),
            "agencies",
            "no agency is declared",
            "Add at least the site's own agency with its name and url",
        )
    for abbreviation, _ in table.items():
        entry = table.mapping(abbreviation, required=True, what="the agency's name and url")
        if entry is None:
            continue
        entry.reject_unknown(AGENCY_KEYS)
        name = entry.text("name", required=True, what="the agency's full name")
        url = absolute_url(entry, "url", required=True)
        feed_url = absolute_url(entry, "feed_url")
        if name and url:
            agencies.append(
                Agency(
                    abbreviation=abbreviation,
                    name=name,
                    url=url,
                    rights=entry.text("rights"),
                    feed_url=feed_url,
                )
            )
    return tuple(agencies), [abbreviation for abbreviation, _ in table.items()]


def _dateline_format(fields: Fields) -> str | None:
    text = fields.text("dateline_format") or DEFAULT_DATELINE_FORMAT
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:  # Python's words ("Single '{' encountered...") are not the reader's
        fields.problem(
            fields.node("dateline_format"),
            "dateline_format",
            f"{text!r} has a brace that opens or closes no placeholder",
            "Write placeholders as {city}, and a literal brace as {{ or }}",
        )
        return None
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in DATELINE_PLACEHOLDERS or spec or conversion:
            fields.problem(
                fields.node("dateline_format"),
                "dateline_format",
                f"unknown placeholder {{{name}{'!' + conversion if conversion else ''}"
                f"{':' + spec if spec else ''}}}",
                "Use " + ", ".join("{" + p + "}" for p in sorted(DATELINE_PLACEHOLDERS)),
            )
            return None
    return text


def _id_prefix(fields: Fields) -> str | None:
    value = fields.text("id_prefix")
    if value is not None and not ID_PREFIX.fullmatch(value):
        fields.problem(
            fields.node("id_prefix"),
            "id_prefix",
            f"{value!r} is not a URI prefix",
            "Use a tag URI such as tag:example.org,2026: (no spaces)",
        )
        return None
    return value


def _default_id_prefix(url: str) -> str:
    # RFC 4151 tag URI; the date is fixed so ids never change with the calendar.
    return f"tag:{urlsplit(url).hostname},2026:"

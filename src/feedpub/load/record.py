"""One record file -> a RecordResult: the Article, or every problem found in it.

A record is judged on its own here (the same file and site always give the same
result), which is what lets the loader cache results and read records in parallel;
articles.py puts the results together.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from urllib.parse import urlsplit

from feedpub.errors import Problem
from feedpub.load.dates import EXAMPLE, DateError, find_zone, parse_datetime
from feedpub.load.fields import Fields, absolute_url
from feedpub.load.fields import language as language_tag
from feedpub.load.frontmatter import split_record
from feedpub.load.recordfile import read_file
from feedpub.load.yamltext import MappingNode, ScalarNode, compose, short_tag
from feedpub.model import Article, Dateline, Image, Site, Source, xml_clean, xml_safe

ARTICLE_KEYS = frozenset(
    {
        "id",
        "headline",
        "dateline",
        "published",
        "updated",
        "sections",
        "agency",
        "byline",
        "summary",
        "tags",
        "image",
        "language",
        "url",
        "status",
        "embargo",
        "correction",
        "withdrawn",
        "withdrawal_note",
    }
)


STATUSES = ("published", "draft", "withdrawn")


DATELINE_KEYS = frozenset({"city", "country", "timezone"})


IMAGE_KEYS = frozenset({"url", "caption", "credit", "type", "length", "width", "height"})


ARTICLE_ID = re.compile(r"[A-Za-z0-9._-]+")


MIME_TYPE = re.compile(r"[a-z]+/[A-Za-z0-9.+-]+")


FRONT_MATTER_LINE = 2  # the YAML starts on the line after the opening '---'


@dataclass(frozen=True, slots=True)
class RecordResult:
    """What one record file gives on its own: the article, or the problems found, and
    the id it claims (even when rejected, so that duplicates are judged in path order)."""

    article: Article | None
    problems: tuple[Problem, ...]
    claim: tuple[str, int] | None  # (id, line of the id) when the id itself is valid


def read_record(
    path: Path, display: str, root: Path, site: Site, lead: Callable[[str], str] | None = None
) -> RecordResult:
    """One record file, judged on its own (the same file and site give the same result).
    ``lead(body)``, when given, sets the Article's lead."""
    problems: list[Problem] = []
    claim: list[tuple[str, int]] = []
    context = _Context(site, find_zone(site.timezone), claim, lead)
    article = _read_record(path, display, root, context, problems)
    return RecordResult(
        article if not problems else None, tuple(problems), claim[0] if claim else None
    )


@dataclass(frozen=True, slots=True)
class _Context:
    site: Site
    zone: tzinfo
    claim: list[tuple[str, int]]  # filled with the record's (id, line) once it is valid
    lead: Callable[[str], str] | None


def _read_record(
    path: Path, display: str, root: Path, context: _Context, problems: list[Problem]
) -> Article | None:
    read = read_file(path, display, root)
    if isinstance(read, Problem):
        problems.append(read)
        return None
    data, stamp = read
    raw = split_record(data, display)
    if isinstance(raw, Problem):
        problems.append(raw)
        return None
    node = compose(raw.front_matter, display, FRONT_MATTER_LINE, problems)
    if node is None:
        if not problems:
            problems.append(
                Problem(
                    display,
                    FRONT_MATTER_LINE,
                    None,
                    "the front matter is empty",
                    "Write at least id, headline, dateline, published, sections",
                )
            )
        return None
    if node.tag != "tag:yaml.org,2002:map" and isinstance(node, MappingNode):
        problems.append(
            Problem(
                display,
                FRONT_MATTER_LINE,
                None,
                f"YAML tag {short_tag(node.tag)} is not allowed",
                "Records hold plain text, numbers and lists only",
            )
        )
        return None
    if not isinstance(node, MappingNode):
        problems.append(
            Problem(
                display,
                FRONT_MATTER_LINE,
                None,
                "the front matter must be a mapping of keys to values",
                "Write one 'key: value' per line",
            )
        )
        return None
    fields = Fields(node, path=display, first_line=FRONT_MATTER_LINE, problems=problems)
    body = raw.body if xml_clean(data) else xml_safe(raw.body)
    lead = context.lead(body) if context.lead is not None and body.strip() else None
    article = _read_article(fields, path, context, lead, stamp)
    if not body.strip():
        problems.append(
            Problem(
                display,
                raw.body_line,
                "body",
                "the story has no text",
                "Write the story below the closing '---'",
            )
        )
    if problems or article is None:
        return None
    return article


def _read_article(
    fields: Fields, path: Path, context: _Context, lead: str | None, stamp: str
) -> Article | None:
    site, zone = context.site, context.zone
    fields.reject_unknown(ARTICLE_KEYS)
    article_id = _article_id(fields)
    if article_id is not None:
        context.claim.append((article_id, fields.line_for("id")))
    headline = fields.text("headline", required=True, what="the story's headline")
    dateline, zone = _dateline(fields, zone)
    published = _datetime(fields, "published", zone, required=True)
    updated = _datetime(fields, "updated", zone)
    status, withdrawn = _status(fields, zone)
    if published and updated and updated < published:
        fields.problem(
            fields.node("updated"),
            "updated",
            "is earlier than 'published'",
            "A correction comes after the story; check both times",
        )
    correction = fields.text("correction")
    if correction is not None and not fields.has("updated"):
        fields.problem(
            fields.node("correction"),
            "correction",
            "needs 'updated', the time of the correction: without it readers are not told "
            "the story changed",
            f"Add 'updated: the time it was corrected, such as {EXAMPLE}'",
        )
    if published and withdrawn and withdrawn < published:
        fields.problem(
            fields.node("withdrawn"),
            "withdrawn",
            "is earlier than 'published'",
            "A story is withdrawn after it was published; check both times",
        )
    sections = _sections(fields, site)
    agency = _agency(fields, site)
    language = language_tag(fields, "language")
    if (
        article_id is None
        or headline is None
        or dateline is None
        or published is None
        or sections is None
        or agency is None
    ):
        return None
    return Article(
        id=article_id,
        headline=headline,
        dateline=dateline,
        published=published,
        updated=updated,
        sections=sections,
        agency=agency,
        byline=fields.text_list("byline") or (),
        summary=fields.text("summary"),
        tags=fields.text_list("tags", what="a list of tags") or (),
        image=_image(fields),
        language=language,
        url=absolute_url(fields, "url"),
        status=status,
        embargo=_datetime(fields, "embargo", zone),
        correction=correction,
        withdrawn=withdrawn,
        withdrawal_note=fields.text("withdrawal_note"),
        body_path=str(path),
        stamp=stamp,
        source=Source(path=fields.path, line=fields.line),
        lead=lead,
    )


def _article_id(fields: Fields) -> str | None:
    value = fields.text("id", required=True, what="a stable id such as fna-20261118-budget-vote")
    if value is None:
        return None
    if value in (".", ".."):
        fields.problem(
            fields.node("id"),
            "id",
            f"{value!r} cannot be an id",
            "Use letters or digits too, such as fna-20261118-budget-vote",
        )
        return None
    if not ARTICLE_ID.fullmatch(value):
        fields.problem(
            fields.node("id"),
            "id",
            f"{value!r} has characters an id cannot have",
            "Use only letters, digits, '.', '_' and '-'",
        )
        return None
    return value


def _dateline(fields: Fields, zone: tzinfo) -> tuple[Dateline | None, tzinfo]:
    """The dateline, and the zone for this story's times written without an offset: the
    dateline's own ``timezone`` when given (a story filed in Vienna), else the site's."""
    node = fields.node("dateline")
    if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:str":
        city = fields.text("dateline")  # the short form: dateline: Tehran
        return (Dateline(city=city) if city else None), zone
    dateline = fields.mapping("dateline", required=True, what="the city the story was filed from")
    if dateline is None:
        return None, zone
    dateline.reject_unknown(DATELINE_KEYS)
    city = dateline.text("city", required=True, what="the city, e.g. Tehran")
    zone_name = dateline.text(
        "timezone",
        what="a time zone name such as Asia/Tehran",
        hint="Use an IANA name such as Asia/Tehran or UTC",
    )
    if zone_name is not None:
        try:
            zone = find_zone(zone_name)
        except DateError as error:
            dateline.problem(dateline.node("timezone"), "timezone", str(error), error.hint)
    if city is None:
        return None, zone
    return Dateline(city=city, country=dateline.text("country")), zone


def _status(fields: Fields, zone: tzinfo) -> tuple[str, datetime | None]:
    """The editorial status, and for a withdrawn story the time it was withdrawn."""
    status = (
        fields.text(
            "status", what="published, draft or withdrawn", hint="Use published, draft or withdrawn"
        )
        or "published"
    )
    if status not in STATUSES:
        fields.problem(
            fields.node("status"),
            "status",
            f"unknown status {status!r}",
            "Use published, draft or withdrawn",
        )
    if status == "withdrawn" and not fields.has("withdrawn"):  # said where the status is
        fields.problem(
            fields.node("status"),
            "withdrawn",
            "is required with 'status: withdrawn'",
            f"Add 'withdrawn: the time the story was withdrawn, such as {EXAMPLE}'",
        )
        return status, None
    # Required with the status: given but left empty, it is reported as empty.
    withdrawn = _datetime(fields, "withdrawn", zone, required=status == "withdrawn")
    if withdrawn is not None and status != "withdrawn":
        fields.problem(
            fields.node("withdrawn"),
            "withdrawn",
            f"is set but the status is {status!r}",
            "Add 'status: withdrawn', or remove 'withdrawn'",
        )
    return status, withdrawn


def _datetime(fields: Fields, key: str, zone: tzinfo, *, required: bool = False) -> datetime | None:
    value = fields.text(
        key,
        required=required,
        what=f"a date and time such as {EXAMPLE}",
        hint="Write it as YYYY-MM-DDTHH:MM:SS with an offset such as +03:30",
    )
    if value is None:
        return None
    try:
        return parse_datetime(value, zone)
    except DateError as error:
        fields.problem(fields.node(key), key, str(error), error.hint)
        return None


def _sections(fields: Fields, site: Site) -> tuple[str, ...] | None:
    slugs = fields.text_list("sections", required=True, what="one or more section slugs")
    if slugs is None:
        return None
    known = [section.slug for section in site.sections]
    unknown = [slug for slug in slugs if slug not in known]
    for slug in unknown:
        fields.problem(
            fields.node("sections"),
            "sections",
            f"unknown section {slug!r}",
            _closest_hint(slug, known, "Sections are listed in sections.yaml"),
        )
    return None if unknown else slugs


def _agency(fields: Fields, site: Site) -> str | None:
    abbreviation = fields.text("agency") or site.agency
    known = [agency.abbreviation for agency in site.agencies]
    if abbreviation not in known:
        fields.problem(
            fields.node("agency"),
            "agency",
            f"unknown agency {abbreviation!r}",
            _closest_hint(abbreviation, known, "Agencies are listed in feedpub.yaml"),
        )
        return None
    return abbreviation


def _image(fields: Fields) -> Image | None:
    node = fields.node("image")
    if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:str":
        url = absolute_url(fields, "image")  # the short form: image: https://...
        return Image(url=url, type=photo_type(url)) if url else None
    image = fields.mapping("image", what="the photo's url, caption and credit")
    if image is None:
        return None
    image.reject_unknown(IMAGE_KEYS)
    url = absolute_url(image, "url", required=True)
    mime = image.text("type") or photo_type(url or "")
    if not MIME_TYPE.fullmatch(mime):
        image.problem(
            image.node("type"),
            "type",
            f"{mime!r} is not a MIME type",
            "Write it as image/jpeg, image/png or image/webp",
        )
    sizes = {key: image.integer(key, minimum=1) for key in ("length", "width", "height")}
    if url is None:
        return None
    return Image(
        url=url, caption=image.text("caption"), credit=image.text("credit"), type=mime, **sizes
    )


# Our own table, not mimetypes: its answers depend on the machine's /etc/mime.types,
# and the same records must give the same feeds everywhere.
PHOTO_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
               ".webp": "image/webp", ".gif": "image/gif", ".avif": "image/avif"}  # fmt: skip


def photo_type(url: str) -> str:
    """The MIME type a photo's file name says, else image/jpeg (most press photos)."""
    path = urlsplit(url).path.lower()
    return next((kind for ending, kind in PHOTO_TYPES.items() if path.endswith(ending)),
                "image/jpeg")  # fmt: skip


def _closest_hint(value: str, known: list[str], where: str) -> str:
    import difflib  # for mistakes only

    close = difflib.get_close_matches(value, known, n=1, cutoff=0.75)
    if close:
        return f"Did you mean {close[0]!r}? {where}"
    return f"{where}: {', '.join(known)}"

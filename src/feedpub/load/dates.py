"""Date-times as editors write them -> aware datetimes that keep the written offset."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# ISO 8601 profile we accept: a date, 'T' or a space, hours and minutes, optional
# seconds and fraction, optional offset. A bare date is refused: a news story has a time.
_ISO_DATETIME = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})[T ](?P<time>\d{2}:\d{2}(:\d{2}(\.\d+)?)?)"
    r"(?P<offset>Z|[+-]\d{2}:?\d{2})?"
)
MIN_YEAR, MAX_YEAR = 1970, 9999  # RFC 822 needs four digits; nothing news predates 1970

EXAMPLE = "2026-11-18T10:42:00+03:30"


class DateError(ValueError):
    """The text is not a date-time we accept; str(e) is the problem, .hint the fix."""

    def __init__(self, problem: str, hint: str) -> None:
        super().__init__(problem)
        self.hint = hint


def find_zone(name: str) -> tzinfo:
    """The IANA time zone ``name``; raises DateError when there is no such zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise DateError(
            f"unknown time zone {name!r}", "Use an IANA name such as Asia/Tehran or UTC"
        ) from error


def parse_datetime(text: str, zone: tzinfo) -> datetime:
    """Read an ISO 8601 date-time; one without an offset is local time in ``zone``.

    The result has a fixed offset (the one written, or the zone's at that moment), so
    feeds show the story's own local time. Seconds are the finest unit kept.
    """
    match = _ISO_DATETIME.fullmatch(text.strip())
    if match is None:
        raise DateError(
            f"expected a date and time such as {EXAMPLE}, got {text!r}",
            "Write it as YYYY-MM-DDTHH:MM:SS with an offset such as +03:30",
        )
    offset_text = match["offset"]
    if offset_text and offset_text != "Z" and ":" not in offset_text:
        offset_text = offset_text[:3] + ":" + offset_text[3:]
    if offset_text and offset_text != "Z" and not _real_offset(offset_text):
        raise DateError(
            f"the UTC offset {match['offset']} in {text!r} is not a real offset",
            "Offsets run from -12:00 to +14:00, with minutes from 00 to 59",
        )
    try:
        value = datetime.fromisoformat(f"{match['date']}T{match['time']}{offset_text or ''}")
    except ValueError as error:
        raise DateError(
            f"{text!r} is not a real date and time ({error})", "Check the day, month and hour"
        ) from error
    value = value.replace(microsecond=0)
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise DateError(
            f"the year in {text!r} is out of range", f"Use a year from {MIN_YEAR} to {MAX_YEAR}"
        )
    if value.tzinfo is None:
        value = _localize(value, zone, text)
    offset = value.utcoffset() or timedelta(0)
    if offset.seconds % 60:
        raise DateError(
            f"the UTC offset of {text!r} is not a whole number of minutes",
            "Write the time with an explicit offset such as +03:30",
        )
    return value


def _real_offset(text: str) -> bool:
    """+HH:MM within the offsets clocks use: -12:00 to +14:00, minutes 00 to 59."""
    hours, minutes = int(text[1:3]), int(text[4:6])
    signed = -hours if text[0] == "-" else hours
    return minutes < 60 and -12 <= signed <= 14 and not (signed in (-12, 14) and minutes)


def _localize(value: datetime, zone: tzinfo, text: str) -> datetime:
    """A wall-clock time in ``zone`` with its offset fixed, refusing times the clock
    skipped (spring forward) or showed twice (fall back): only an offset can say which."""
    from dateutil import tz  # only stories need it: a run that finds nothing changed does not

    local = value.replace(tzinfo=zone)
    if not tz.datetime_exists(local):
        raise DateError(
            f"{text!r} did not exist in {zone} (the clocks were changed)",
            "Write the time with its UTC offset",
        )
    if tz.datetime_ambiguous(local):
        raise DateError(
            f"{text!r} happened twice in {zone} (the clocks went back)",
            "Write the time with its UTC offset to say which one",
        )
    return value.replace(tzinfo=timezone(local.utcoffset() or timedelta(0)))

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from feedpub.load.dates import DateError, find_zone, parse_datetime

TEHRAN = ZoneInfo("Asia/Tehran")


def test_the_written_offset_is_kept() -> None:
    value = parse_datetime("2026-11-18T10:42:00+03:30", TEHRAN)
    assert value.isoformat() == "2026-11-18T10:42:00+03:30"


def test_a_time_without_offset_is_read_in_the_site_zone() -> None:
    value = parse_datetime("2026-11-20T08:30:00", TEHRAN)
    assert value.utcoffset() == timedelta(hours=3, minutes=30)
    assert value.isoformat() == "2026-11-20T08:30:00+03:30"


def test_local_time_follows_daylight_saving_in_the_site_zone() -> None:
    vienna = ZoneInfo("Europe/Vienna")
    assert parse_datetime("2026-07-01T12:00", vienna).isoformat() == "2026-07-01T12:00:00+02:00"
    assert parse_datetime("2026-12-01T12:00", vienna).isoformat() == "2026-12-01T12:00:00+01:00"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-18T07:12:00Z", "2026-11-18T07:12:00+00:00"),
        ("2026-11-18 10:42+0330", "2026-11-18T10:42:00+03:30"),
        ("2026-11-18T10:42:09.750+05:45", "2026-11-18T10:42:09+05:45"),
    ],
)
def test_accepted_spellings(text: str, expected: str) -> None:
    assert parse_datetime(text, TEHRAN).isoformat() == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("2026-11-18", "expected a date and time such as 2026-11-18T10:42:00+03:30, got '2026-11-18'"),
        ("yesterday", "expected a date and time such as 2026-11-18T10:42:00+03:30, got 'yesterday'"),
        ("2026-02-30T10:00:00+03:30", "'2026-02-30T10:00:00+03:30' is not a real date and time (day is out of range for month)"),
        ("2026-11-18T25:00:00+03:30", "'2026-11-18T25:00:00+03:30' is not a real date and time (hour must be in 0..23)"),
        ("2026-11-18T10:00:00+15:00", "the UTC offset +15:00 in '2026-11-18T10:00:00+15:00' is not a real offset"),
    ],
)  # fmt: skip
def test_refused_values_say_why(text: str, problem: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_datetime(text, TEHRAN)
    assert str(caught.value) == problem


def test_unknown_zone() -> None:
    with pytest.raises(DateError, match="unknown time zone 'Asia/Teheran'"):
        find_zone("Asia/Teheran")

"""Time helpers: everything is stored in UTC and entered/shown in the newsroom's timezone."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from pipeline import words

_LOCAL_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y-%m-%d",
)

_CN_DATE = re.compile(
    r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?\s*(?:(\d{1,2})[:：时](\d{1,2})分?)?\s*$"
)


def utcnow() -> datetime:
    return datetime.now(UTC)


def parse_local(text: str, tz: ZoneInfo) -> datetime:
    """Parse a date/time a person typed in the newsroom's timezone; return it in UTC.

    Accepts `2026-12-01 08:00`, `2026-12-01`, `2026/12/1`, `2026年12月1日 8:00`, and ISO 8601 with an
    explicit offset (which then wins over the newsroom timezone).
    """
    value = text.strip()
    if not value:
        raise ValueError(words.common.empty_date())
    match = _CN_DATE.match(value)
    if match:
        year, month, day, hour, minute = match.groups()
        naive = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0))
        return naive.replace(tzinfo=tz).astimezone(UTC)
    for fmt in _LOCAL_FORMATS:
        try:
            naive = datetime.strptime(value, fmt)
        except ValueError:
            continue
        return naive.replace(tzinfo=tz).astimezone(UTC)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(words.common.not_a_moment(text)) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(UTC)


def coerce_datetime(value: object, tz: ZoneInfo) -> datetime:
    """Turn a YAML/JSON date value (str, date or datetime) into an aware UTC datetime."""
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=tz)
        return aware.astimezone(UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), tzinfo=tz).astimezone(UTC)
    if isinstance(value, str):
        return parse_local(value, tz)
    raise ValueError(words.common.not_a_date(value))


def to_local(moment: datetime | None, tz: ZoneInfo) -> datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz)


def format_local(moment: datetime | None, tz: ZoneInfo, seconds: bool = False) -> str:
    local = to_local(moment, tz)
    if local is None:
        return ""
    return local.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def parse_clock(text: str) -> time:
    """Parse a slot time `HH:MM` (24-hour)."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
    if not match:
        raise ValueError(words.common.not_a_clock(text))
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise ValueError(words.common.clock_out_of_range(text))
    return time(hour, minute)


def seconds(value: float) -> timedelta:
    return timedelta(seconds=value)


def date_zh(moment: datetime, tz: tzinfo) -> str:
    local = moment.astimezone(tz)
    return f"{local.year}年{local.month}月{local.day}日"

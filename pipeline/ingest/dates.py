"""Chinese dates as county sites write them, turned into timezone-aware datetimes.

`2026年11月20日 9:30`, `2026-11-20 09:30`, `发布时间：2026/11/20`, `二〇二六年十一月二十日`,
`11月20日` and `11-20 09:30` (year from the URL or the fetch time), `昨天 10:20`, `3天前`,
`2小时前`, and dates in URLs (`/2026/11/20/`, `/2026/1120/`, `t20261120_…`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN = "〇零○Ｏ一二两三四五六七八九十"

_TIME = r"(?:\s*[T ]?\s*(?P<hour>\d{1,2})\s*[:：时]\s*(?P<minute>\d{1,2})(?:\s*[:：分]\s*(?P<second>\d{1,2})\s*秒?)?)?"
_FULL_PATTERNS = [
    re.compile(r"(?P<year>(?:19|20)\d{2})\s*年\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*[日号]?" + _TIME),
    re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})\s*[-/.／]\s*(?P<month>\d{1,2})\s*[-/.／]\s*(?P<day>\d{1,2})(?!\d)" + _TIME),
    re.compile(rf"(?P<cyear>[{_CN}]{{4}})\s*年\s*(?P<cmonth>[{_CN}]{{1,3}})\s*月\s*(?P<cday>[{_CN}]{{1,3}})\s*[日号]"),
]
_PARTIAL_PATTERNS = [
    re.compile(r"(?<![\d年])(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*[日号]" + _TIME),
    re.compile(r"(?<![\d/.-])(?P<month>[01]?\d)-(?P<day>[0-3]?\d)\s+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?![\d])"),
    # the same with the day and the time in two elements whose text runs together: 10-0812:00
    re.compile(r"(?<![\d/.-])(?P<month>[01]\d)-(?P<day>[0-3]\d)(?P<hour>[0-2]\d):(?P<minute>[0-5]\d)(?![\d])"),
]
_RELATIVE = re.compile(
    r"(?P<just>刚刚)|(?P<word>今天|昨天|前天)\s*(?:(?P<hour>\d{1,2})[:：](?P<minute>\d{2}))?"
    r"|(?P<n>\d{1,3})\s*(?P<unit>分钟|小时|天)前")
_URL_PATTERNS = [
    re.compile(r"(?<!\d)(?P<year>20\d{2})[/_-](?P<month>[01]\d)[/_-]?(?P<day>[0-3]\d)(?!\d)"),
    re.compile(r"(?<!\d)(?P<year>20\d{2})(?P<month>[01]\d)(?P<day>[0-3]\d)(?=[_/.-])"),
    re.compile(r"/(?P<year>20\d{2})/(?P<month>[01]?\d)/(?P<day>[0-3]?\d)/"),
]
_URL_YEAR = re.compile(r"(?<!\d)(20\d{2})(?=[/_-]|[01]\d[0-3]\d)")


@dataclass(frozen=True)
class FoundDate:
    moment: datetime  # aware, UTC
    has_time: bool
    text: str  # what was matched, for the record


def cn_number(text: str) -> int | None:
    """二〇二六 → 2026 (digit by digit); 十一 → 11, 二十 → 20, 三十一 → 31."""
    if not text:
        return None
    if "十" not in text:
        if all(ch in CN_DIGITS for ch in text):
            value = 0
            for ch in text:
                value = value * 10 + CN_DIGITS[ch]
            return value
        return None
    tens, _, ones = text.partition("十")
    if (tens and tens not in CN_DIGITS) or (ones and ones not in CN_DIGITS):
        return None
    return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[ones] if ones else 0)


def _build(year: int, month: int, day: int, hour: str | None, minute: str | None, second: str | None,
           tz: ZoneInfo) -> tuple[datetime, bool] | None:
    try:
        clock = time(int(hour), int(minute), int(second or 0)) if hour is not None and minute is not None else time(0, 0)
        local = datetime.combine(date(year, month, day), clock, tzinfo=tz)
    except ValueError:
        return None
    return local.astimezone(UTC), hour is not None and minute is not None


def _infer_year(month: int, day: int, reference: datetime, tz: ZoneInfo, year_hint: int | None) -> int:
    if year_hint:
        return year_hint
    local_ref = reference.astimezone(tz)
    try:
        candidate = date(local_ref.year, month, day)
    except ValueError:
        return local_ref.year
    return local_ref.year - 1 if candidate > local_ref.date() + timedelta(days=2) else local_ref.year


def find_date(text: str, reference: datetime, tz: ZoneInfo, year_hint: int | None = None,
              allow_partial: bool = True, allow_relative: bool = True) -> FoundDate | None:
    """The first date written in `text` (full dates first, then month-day, then relative ones)."""
    best: tuple[int, FoundDate] | None = None
    for pattern in _FULL_PATTERNS:
        for match in pattern.finditer(text):
            found = _from_full(match, tz)
            if found and (best is None or match.start() < best[0]):
                best = (match.start(), found)
            if found:
                break
    if best:
        return best[1]
    if allow_partial:
        for pattern in _PARTIAL_PATTERNS:
            for match in pattern.finditer(text):
                groups = match.groupdict()
                month, day = int(groups["month"]), int(groups["day"])
                built = _build(_infer_year(month, day, reference, tz, year_hint), month, day,
                               groups.get("hour"), groups.get("minute"), groups.get("second"), tz)
                if built and (best is None or match.start() < best[0]):
                    best = (match.start(), FoundDate(built[0], built[1], match.group(0).strip()))
                if built:
                    break
        if best:
            return best[1]
    if allow_relative:
        relative = _RELATIVE.search(text)
        if relative:
            return _from_relative(relative, reference, tz)
    return None


def _from_full(match: re.Match[str], tz: ZoneInfo) -> FoundDate | None:
    groups = match.groupdict()
    if groups.get("cyear"):
        year, month, day = cn_number(groups["cyear"]), cn_number(groups["cmonth"]), cn_number(groups["cday"])
        if year is None or month is None or day is None:
            return None
        built = _build(year, month, day, None, None, None, tz)
    else:
        built = _build(int(groups["year"]), int(groups["month"]), int(groups["day"]),
                       groups.get("hour"), groups.get("minute"), groups.get("second"), tz)
    return FoundDate(built[0], built[1], match.group(0).strip()) if built else None


def _from_relative(match: re.Match[str], reference: datetime, tz: ZoneInfo) -> FoundDate:
    local_ref = reference.astimezone(tz)
    groups = match.groupdict()
    if groups["just"]:
        return FoundDate(reference.astimezone(UTC), True, match.group(0))
    if groups["word"]:
        days = {"今天": 0, "昨天": 1, "前天": 2}[groups["word"]]
        day = local_ref.date() - timedelta(days=days)
        if groups["hour"] is not None:
            moment = datetime.combine(day, time(int(groups["hour"]), int(groups["minute"])), tzinfo=tz)
            return FoundDate(moment.astimezone(UTC), True, match.group(0).strip())
        return FoundDate(datetime.combine(day, time(0, 0), tzinfo=tz).astimezone(UTC), False, match.group(0))
    amount, unit = int(groups["n"]), groups["unit"]
    if unit == "天":
        day = local_ref.date() - timedelta(days=amount)
        return FoundDate(datetime.combine(day, time(0, 0), tzinfo=tz).astimezone(UTC), False, match.group(0))
    delta = timedelta(minutes=amount) if unit == "分钟" else timedelta(hours=amount)
    moment = (local_ref - delta).replace(second=0, microsecond=0)
    return FoundDate(moment.astimezone(UTC), True, match.group(0))


def date_from_url(url: str, tz: ZoneInfo) -> FoundDate | None:
    for pattern in _URL_PATTERNS:
        for match in pattern.finditer(url):
            built = _build(int(match.group("year")), int(match.group("month")), int(match.group("day")),
                           None, None, None, tz)
            if built:
                return FoundDate(built[0], False, match.group(0))
    return None


def year_from_url(url: str) -> int | None:
    match = _URL_YEAR.search(url)
    return int(match.group(1)) if match else None


def from_timestamp(value: str | int | float) -> datetime | None:
    """Unix seconds (as WeChat writes them in `var ct = "…"`)."""
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    if not 946_684_800 <= seconds <= 4_102_444_800:  # 2000 … 2100
        return None
    return datetime.fromtimestamp(seconds, UTC)

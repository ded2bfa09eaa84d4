"""Read the dates Arabic news pages print, as aware UTC datetimes; None when unsure.

Four readers, cheapest first, each tried only when the one before did not recognise the text:

1. ISO 8601 (`datetime.fromisoformat`, then `dateutil.parser.isoparse`) — meta tags, JSON-LD.
2. RFC 822 (`email.utils.parsedate_tz`) — RSS `<pubDate>`.
3. Our grammar over the folded text (`normalize_for_match`: digits, hamza, ة, harakat): the
   three families of Arabic month names, Hijri dates, weekdays and "نشر في"-style labels,
   12/24-hour times with ص/م/صباحا/مساء, named zones (بتوقيت القاهرة), offsets, and relative
   forms (منذ ساعتين، أمس الساعة 10:00). It must account for *every* word of the text: one
   unknown word means the text is not (only) a date, and we do not guess.
4. dateparser, fixed to ar/en with STRICT_PARSING (day, month and year all required), for
   orders the grammar does not know; its month names are pre-mapped to English first.

A text recognised but impossible (day 32, 12:99, two different dates) is rejected, not handed
to a more lenient reader. Results before 1900 or later than reference + future_tolerance are
rejected too: a page's clock or template is wrong more often than news comes from the future.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_tz
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.parser import isoparse
from dateutil.relativedelta import relativedelta
from hijridate import Hijri

from akhbar.arabic import dates_data as data
from akhbar.arabic.normalize import normalize_for_match

__all__ = ["ParsedDate", "parse_date", "parse_date_detail"]

#: Longer texts are sentences or pages, not a printed date: rejected before any work.
MAX_TEXT_CHARS = 200
EARLIEST_YEAR = 1900

_ISO = re.compile(
    r"\d{4}-\d{2}-\d{2}"
    r"(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?)?",
    re.ASCII,
)
_RFC822 = re.compile(
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun),\s*)?\d{1,2}\s+"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\s+\d{2,4}\s+"
    r"\d{1,2}:\d{2}(?::\d{2})?(?:\s+(?P<zone>gmt|ut|utc|z|[ecmp][sd]t|[+-]\d{4}))?",
    re.ASCII | re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class ParsedDate:
    value: datetime  # aware, UTC
    has_time: bool  # False when only a day was printed (value is then 00:00 in the zone used)
    has_zone: bool  # True when the text itself named a zone/offset


def parse_date(
    text: str,
    *,
    default_tz: str | None = None,
    reference: datetime | None = None,
    future_tolerance: timedelta = timedelta(hours=6),
) -> datetime | None:
    """The instant `text` names, aware in UTC; None when unreadable or implausible."""
    parsed = parse_date_detail(
        text, default_tz=default_tz, reference=reference, future_tolerance=future_tolerance
    )
    return parsed.value if parsed is not None else None


def parse_date_detail(
    text: str,
    *,
    default_tz: str | None = None,
    reference: datetime | None = None,
    future_tolerance: timedelta = timedelta(hours=6),
) -> ParsedDate | None:
    """Like `parse_date`, also saying whether a time of day and a zone were printed.

    `default_tz` (an IANA name; UTC when None or unknown) is the zone of a text that names
    none. `reference` (default: now) anchors relative forms and the future check.
    """
    if not text or not isinstance(text, str) or len(text) > 4 * MAX_TEXT_CHARS:
        return None
    text = text.strip()
    if not text or len(text) > MAX_TEXT_CHARS:
        return None
    ref = _reference(reference)
    zone = zone_named(default_tz)
    try:
        parsed = _read(text, zone, ref, future_tolerance)
    except (ValueError, OverflowError):
        # Recognised but impossible: day 32, 12:99, Hijri 30 in a 29-day month, two dates.
        return None
    if parsed is None or parsed.value.year < EARLIEST_YEAR:
        return None
    if parsed.value > ref + future_tolerance:
        return None
    return parsed


@lru_cache(maxsize=64)
def zone_named(name: str | None) -> tzinfo:
    """The IANA zone called `name`; UTC when None, empty or unknown (never raises)."""
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return UTC


def _reference(reference: datetime | None) -> datetime:
    if reference is None:
        return datetime.now(UTC)
    if reference.tzinfo is None:
        return reference.replace(tzinfo=UTC)
    return reference.astimezone(UTC)


def _read(text: str, zone: tzinfo, ref: datetime, tolerance: timedelta) -> ParsedDate | None:
    if _ISO.fullmatch(text):
        return _read_iso(text, zone)
    match = _RFC822.fullmatch(text)
    if match:
        parsed = _read_rfc822(text, zone, has_zone=match.group("zone") is not None)
        if parsed is not None:
            return parsed
    folded = _publication_part(normalize_for_match(text))
    found = _scan(folded)
    if found is not None:
        return _compose(found, zone, ref, tolerance)
    return _read_with_dateparser(folded, zone)


def _publication_part(folded: str) -> str:
    """The text before an update label that follows a first date, else the whole text.

    "نشر في 12 أكتوبر 2023 | آخر تحديث 13 أكتوبر 2023" would otherwise be two dates, and
    rejected; the label says which one is which, so nothing is guessed.
    """
    label = data.UPDATE_LABEL.search(folded)
    if label is not None and any(c.isdigit() for c in folded[: label.start()]):
        return folded[: label.start()]
    return folded


# --- fast paths --------------------------------------------------------------------------------


def _read_iso(text: str, zone: tzinfo) -> ParsedDate:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        value = isoparse(text)  # nine fractional digits, "+0300"; raises on a bad calendar date
    has_zone = value.tzinfo is not None
    if not has_zone:
        value = value.replace(tzinfo=zone)
    return ParsedDate(value.astimezone(UTC), has_time=len(text) > 10, has_zone=has_zone)


def _read_rfc822(text: str, zone: tzinfo, *, has_zone: bool) -> ParsedDate | None:
    fields = parsedate_tz(text)
    if fields is None:
        return None
    year, month, day, hour, minute, second = fields[:6]
    offset = fields[9]
    tz = timezone(timedelta(seconds=offset)) if has_zone and offset is not None else zone
    value = datetime(year, month, day, hour, minute, second, tzinfo=tz)
    return ParsedDate(value.astimezone(UTC), has_time=True, has_zone=has_zone)


# --- the grammar -------------------------------------------------------------------------------


@dataclass(slots=True)
class _Ago:
    """An elapsed time: calendar months and days, and exact seconds."""

    months: int = 0
    days: int = 0
    seconds: int = 0


@dataclass(slots=True)
class _Found:
    """What the grammar read; `day` is (year or None, month, day) in the Gregorian calendar."""

    day: tuple[int | None, int, int] | None = None
    clock: tuple[int, int, int] | None = None
    zone: tzinfo | None = None
    days_back: int | None = None
    ago: _Ago | None = None
    now: bool = False


class _Scan:
    """The folded text, from which each recognised part is cut out as it is read."""

    def __init__(self, text: str) -> None:
        self.rest = text

    def take(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        match = pattern.search(self.rest)
        if match is not None:
            self.rest = f"{self.rest[: match.start()]} {self.rest[match.end() :]}"
        return match

    def holds(self, *patterns: re.Pattern[str]) -> bool:
        return any(p.search(self.rest) for p in patterns)

    def only_fillers_left(self) -> bool:
        return all(w in data.FILLER_WORDS for w in data.SEPARATORS.sub(" ", self.rest).split())


def _scan(folded: str) -> _Found | None:
    """Read every part of a date from `folded`; None when some word is not a date's."""
    scan = _Scan(folded)
    found = _Found(zone=_take_zone(scan))
    found.day = _take_day(scan)
    found.clock, offset = _take_clock(scan)
    if offset is not None:
        if found.zone is not None:  # "14:35+03:00 GMT": which one?
            raise ValueError("two zones")
        found.zone = offset
    if found.day is None and not _take_relative(scan, found):
        return None
    if not scan.only_fillers_left():
        return None
    return found


def _take_zone(scan: _Scan) -> tzinfo | None:
    zone: tzinfo | None = None
    if (match := scan.take(data.NAMED_ZONE)) is not None:
        name = data.ZONE_PLACES[match.group("place") or match.group("greenwich")]
        zone = UTC if name == "UTC" else zone_named(name)
        if match.group("sign") is not None:
            if name != "UTC":  # "بتوقيت مكة +3": an offset from a city is no zone we know
                raise ValueError("offset after a city")
            zone = _offset(match)
    elif (match := scan.take(data.LATIN_ZONE)) is not None:
        zone = _offset(match) if match.group("sign") is not None else UTC
    scan.take(data.LOCAL_ZONE)
    if scan.holds(data.NAMED_ZONE, data.LATIN_ZONE):
        raise ValueError("two zones")
    return zone


def _offset(match: re.Match[str]) -> tzinfo:
    hours, minutes = int(match.group("oh")), int(match.group("om") or 0)
    if hours > 14 or minutes > 59:
        raise ValueError("offset out of range")
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if match.group("sign") == "-" else delta)


def _take_day(scan: _Scan) -> tuple[int | None, int, int] | None:
    day: tuple[int | None, int, int] | None = None
    if (match := scan.take(data.DAY_MONTH_YEAR) or scan.take(data.MONTH_DAY_YEAR)) is not None:
        month = data.GREGORIAN_MONTHS[match.group("mon")]
        second = match.group("mon2")
        if second is not None and data.GREGORIAN_MONTHS[second] != month:
            raise ValueError("two different months")
        year = match.group("y")
        day = (int(year) if year else None, month, int(match.group("d")))
    elif (match := scan.take(data.NUMERIC_DMY) or scan.take(data.NUMERIC_YMD)) is not None:
        day = (int(match.group("y")), int(match.group("m")), int(match.group("d")))
    # A Hijri date is always cut out; it is only used when no Gregorian one was printed,
    # because Hijri dates on pages are often a day off (local moon sighting vs Umm al-Qura).
    hijri = scan.take(data.HIJRI_DATE)
    if day is None and hijri is not None:
        day = _hijri_to_gregorian(hijri)
    if scan.holds(*data.DATE_PATTERNS):
        raise ValueError("two dates")
    if day is not None and not 1 <= day[1] <= 12:
        raise ValueError("month out of range")
    return day


def _hijri_to_gregorian(match: re.Match[str]) -> tuple[int | None, int, int]:
    # hijridate raises ValueError / OverflowError for a day, month or year out of its range.
    month = data.HIJRI_MONTHS[match.group("mon")]
    day = Hijri(int(match.group("y")), month, int(match.group("d"))).to_gregorian()
    return (day.year, day.month, day.day)


def _take_clock(scan: _Scan) -> tuple[tuple[int, int, int] | None, tzinfo | None]:
    """The time of day, and the offset printed right after it ("14:35:00+03:00", "09:15Z")."""
    offset: tzinfo | None = None
    if (match := scan.take(data.CLOCK)) is not None:
        hour, minute = int(match.group("h")), int(match.group("m"))
        second = int(match.group("s") or 0)
        period = match.group("period")
        if match.group("sign") is not None:
            offset = _offset(match)
        elif match.group("z") is not None:
            offset = UTC
    elif (match := scan.take(data.HOUR)) is not None:
        hour, minute, second = int(match.group("h") or match.group("h2")), 0, 0
        period = match.group("period") or match.group("period2")
    else:
        return None, None
    if scan.holds(data.CLOCK):
        raise ValueError("two times")
    if minute > 59 or second > 59:
        raise ValueError("minute or second out of range")
    if period is not None:
        hour = _to_24h(hour, data.DAY_PERIODS[period])
    if hour > 23:
        raise ValueError("hour out of range")
    return (hour, minute, second), offset


def _to_24h(hour: int, kind: str) -> int:
    """The hour on a 24-hour clock, given the part of the day printed after it."""
    if kind == "am" and hour <= 12:
        return 0 if hour == 12 else hour
    if kind == "pm" and 1 <= hour <= 23:  # "14:35 م" repeats itself; still 14:35
        return hour + 12 if hour < 12 else hour
    if kind == "noon" and 11 <= hour <= 12:
        return hour
    if kind in {"noon", "afternoon"} and 1 <= hour <= 7:
        return hour + 12
    if kind == "night":  # 9 ليلا is 21:00, 2 ليلا is 02:00, 12 ليلا is midnight
        if 6 <= hour <= 11:
            return hour + 12
        if hour <= 5 or hour == 12:
            return hour % 12
    if hour >= 13 and kind != "am":
        return hour
    raise ValueError(f"hour {hour} contradicts {kind}")


def _take_relative(scan: _Scan, found: _Found) -> bool:
    """Relative forms; only "اليوم/أمس" may carry a time of day, and only one form may appear."""
    if scan.take(data.NOW) is not None:
        found.now = True
    elif (match := scan.take(data.RELATIVE_DAY)) is not None:
        found.days_back = data.RELATIVE_DAYS[match.group("word")]
    elif (match := scan.take(data.AGO)) is not None:
        found.ago = _elapsed(match.group("terms") or match.group("en"))
    else:
        return False
    if scan.holds(data.NOW, data.RELATIVE_DAY, data.AGO):
        raise ValueError("two relative forms")
    if found.clock is not None and found.days_back is None:
        raise ValueError("a time of day next to an elapsed time")
    return True


_UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600}


def _elapsed(terms: str) -> _Ago:
    ago = _Ago()
    for term in data.AGO_TERM.finditer(terms):
        unit, implied = data.RELATIVE_UNITS[term.group("unit")]
        count = _count(term.group("n"), implied)
        if unit in _UNIT_SECONDS:
            ago.seconds += round(count * _UNIT_SECONDS[unit])
        elif unit in {"days", "weeks"} and count == int(count):
            ago.days += int(count) * (7 if unit == "weeks" else 1)
        elif unit in {"months", "years"} and count == int(count):
            ago.months += int(count) * (12 if unit == "years" else 1)
        else:
            raise ValueError(f"{count} {unit}")  # "نصف يوم": no honest instant or day
    return ago


def _count(printed: str | None, implied: int | None) -> float:
    if printed is None:
        if implied is None:  # "منذ ساعات": some hours — no instant to give
            raise ValueError("plural without a number")
        return implied
    if printed in {"نصف", "ربع"}:
        if implied != 1:
            raise ValueError("a fraction of a plural")
        return 0.5 if printed == "نصف" else 0.25
    count = int(printed) if printed.isdigit() else data.NUMBER_WORDS[printed]
    if implied == 2 and count != 2:  # "منذ 3 ساعتين" contradicts itself
        raise ValueError("number contradicts a dual")
    return count


def _premap_for_dateparser(folded: str) -> str | None:
    """The text with month names in English, or None when dateparser must not see it.

    dateparser is only asked about texts with a month name and a four-digit year (all-number
    orders are ours alone, day first; STRICT_PARSING needs a year anyway) and no relative
    word: it would read those against its own clock, not `reference`.
    """
    if data.RELATIVE_HINT.search(folded) or not data.MONTH_NAME.search(folded):
        return None
    if not re.search(r"(?<!\d)\d{4}(?!\d)", folded):
        return None
    return data.MONTH_NAME.sub(lambda m: data.ENGLISH_MONTHS[data.GREGORIAN_MONTHS[m[0]]], folded)


# --- turning what the grammar found into an instant --------------------------------------------


def _compose(found: _Found, zone: tzinfo, ref: datetime, tol: timedelta) -> ParsedDate:
    has_zone = found.zone is not None
    tz = found.zone if found.zone is not None else zone
    if found.ago is not None:
        return _compose_ago(found.ago, tz, ref, has_zone=has_zone)
    if found.days_back is not None:
        day = ref.astimezone(tz).date() - timedelta(days=found.days_back)
    elif found.day is not None:
        day = _complete_year(found.day, found.clock, tz, ref + tol)
    else:  # "الآن": the reference instant itself
        return ParsedDate(ref, has_time=True, has_zone=False)
    return _at(day, found.clock, tz, has_zone=has_zone)


def _compose_ago(ago: _Ago, tz: tzinfo, ref: datetime, *, has_zone: bool) -> ParsedDate:
    exact = timedelta(seconds=ago.seconds)
    calendar = relativedelta(months=ago.months, days=ago.days)
    if ago.seconds:
        # Hours or minutes were printed: the instant is known whatever the zone.
        return ParsedDate(ref - calendar - exact, has_time=True, has_zone=has_zone)
    day = (ref.astimezone(tz) - calendar).date()
    return _at(day, None, tz, has_zone=has_zone)


def _complete_year(
    day: tuple[int | None, int, int],
    clock: tuple[int, int, int] | None,
    tz: tzinfo,
    latest: datetime,
) -> date:
    """A day printed without a year ("5 دجنبر") is in the latest year not in the future."""
    year, month, dom = day
    if year is not None:
        if year < EARLIEST_YEAR:
            raise ValueError(f"year {year} before {EARLIEST_YEAR}")
        return date(year, month, dom)
    year = latest.astimezone(tz).year
    for candidate in (year, year - 1, year - 4):  # year - 4: 29 February
        try:
            guess = date(candidate, month, dom)
        except ValueError:
            continue
        if _at(guess, clock, tz, has_zone=False).value <= latest:
            return guess
    raise ValueError("no past year has this day")


def _at(day: date, clock: tuple[int, int, int] | None, tz: tzinfo, *, has_zone: bool) -> ParsedDate:
    hour, minute, second = clock if clock is not None else (0, 0, 0)
    # zoneinfo resolves DST itself: a wall time in a spring-forward gap or an autumn overlap
    # gets the offset in force before the change (fold=0), which is what a page would mean.
    local = datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=tz)
    return ParsedDate(local.astimezone(UTC), has_time=clock is not None, has_zone=has_zone)


# --- slow path ---------------------------------------------------------------------------------

_dateparser: Any = None


def _read_with_dateparser(folded: str, zone: tzinfo) -> ParsedDate | None:
    """dateparser for orders our grammar lacks ("2023 أكتوبر 12"); strict, so never a guess."""
    mapped = _premap_for_dateparser(folded)
    if mapped is None:
        return None
    try:
        data = _get_dateparser().get_date_data(mapped)
    except Exception:  # third-party code on arbitrary text; our contract is to never raise
        return None
    value = data.date_obj
    if not isinstance(value, datetime):
        return None
    has_zone = value.tzinfo is not None
    if not has_zone:
        value = value.replace(tzinfo=zone)
    return ParsedDate(value.astimezone(UTC), has_time=data.period == "time", has_zone=has_zone)


def _get_dateparser() -> Any:
    # Imported on first use: dateparser costs ~0.2 s to import and most texts never need it.
    # One parser with fixed settings — no RELATIVE_BASE, which would make dateparser build and
    # cache a new settings object per reference time, a cache without bound.
    global _dateparser
    if _dateparser is None:
        from dateparser.date import DateDataParser

        _dateparser = DateDataParser(
            languages=["ar", "en"],
            settings={
                "DATE_ORDER": "DMY",
                "PREFER_DATES_FROM": "past",
                "STRICT_PARSING": True,
                "RETURN_TIME_AS_PERIOD": True,
            },
        )
    return _dateparser

"""Dates and numbers for readers: Gregorian in Arabic words, the Hijri date, "منذ ساعتين".

Choices kept everywhere in the reader:
- Arabic-Indic digits (١٢ أكتوبر ٢٠٢٣) in the Arabic UI, Western digits in the English UI.
- Gregorian month names as Egypt and the Gulf print them (يناير … ديسمبر).
- The Hijri date is Umm al-Qura (hijridate), the calendar Saudi outlets print; outside its
  table (before 1924 or after 2077) it is left out rather than guessed.
- Times are shown in the reader's zone when one is chosen (query or cookie), else in UTC
  labelled «بتوقيت غرينتش».
- Counted nouns follow Arabic's six plural categories (CLDR: zero, one, two, few = n % 100 in
  3..10, many = n % 100 in 11..99, other), which is why «منذ ١١ يوماً» but «منذ ١٠٠ يوم».

Speed: a page prints a dozen dates, and building each string (strftime, digit translation,
the Hijri table) cost more than the page's SQL. The strings depend only on a calendar day or a
count, never on the request, so each is cached per day (or per count): pure functions of small
keys, bounded caches, the same text as before.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hijridate import Gregorian

GREGORIAN_MONTHS = (
    "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو",
    "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر",
)  # fmt: skip
HIJRI_MONTHS = (
    "محرم", "صفر", "ربيع الأول", "ربيع الآخر", "جمادى الأولى", "جمادى الآخرة",
    "رجب", "شعبان", "رمضان", "شوال", "ذو القعدة", "ذو الحجة",
)  # fmt: skip
ENGLISH_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

#: Arabic names of the zones readers pick most; any other IANA zone is shown by its name.
ZONE_NAMES = {
    "UTC": "غرينتش",
    "Asia/Riyadh": "مكة المكرمة",
    "Africa/Cairo": "القاهرة",
    "Asia/Beirut": "بيروت",
    "Asia/Dubai": "أبوظبي",
    "Asia/Baghdad": "بغداد",
    "Asia/Amman": "عمّان",
    "Asia/Damascus": "دمشق",
    "Asia/Jerusalem": "القدس",
    "Asia/Gaza": "غزة",
    "Asia/Qatar": "الدوحة",
    "Asia/Kuwait": "الكويت",
    "Africa/Casablanca": "الرباط",
    "Africa/Algiers": "الجزائر",
    "Africa/Tunis": "تونس",
    "Africa/Khartoum": "الخرطوم",
    "Europe/London": "لندن",
}

# Arabic counted-noun forms per unit: (one, two, few 3-10, many 11-99 (accusative), other).
_UNITS_AR = {
    "second": ("ثانية", "ثانيتين", "ثوانٍ", "ثانية", "ثانية"),
    "minute": ("دقيقة", "دقيقتين", "دقائق", "دقيقة", "دقيقة"),
    "hour": ("ساعة", "ساعتين", "ساعات", "ساعة", "ساعة"),
    "day": ("يوم", "يومين", "أيام", "يوماً", "يوم"),
    "week": ("أسبوع", "أسبوعين", "أسابيع", "أسبوعاً", "أسبوع"),
    "month": ("شهر", "شهرين", "أشهر", "شهراً", "شهر"),
    "year": ("سنة", "سنتين", "سنوات", "سنة", "سنة"),
}
_UNIT_SECONDS = (
    ("year", 365 * 86400),
    ("month", 30 * 86400),
    ("week", 7 * 86400),
    ("day", 86400),
    ("hour", 3600),
    ("minute", 60),
    ("second", 1),
)


def plural_category(n: int) -> str:
    """CLDR plural category of an integer in Arabic."""
    if n == 0:
        return "zero"
    if n == 1:
        return "one"
    if n == 2:
        return "two"
    rest = n % 100
    if 3 <= rest <= 10:
        return "few"
    if 11 <= rest <= 99:
        return "many"
    return "other"


def digits(value: int | str, lang: str = "ar") -> str:
    text = str(value)
    return text.translate(_ARABIC_DIGITS) if lang == "ar" else text


def count_ar(n: int, unit: str) -> str:
    """«ساعة» / «ساعتين» / «٣ ساعات» / «١١ ساعة» / «١٠٠ ساعة»: the noun with its number.
    One and two are said by the noun alone, as Arabic does."""
    one, two, few, many, other = _UNITS_AR[unit]
    category = plural_category(n)
    if category in ("zero", "one"):
        return one if category == "one" else f"{digits(0)} {other}"
    if category == "two":
        return two
    word = {"few": few, "many": many}.get(category, other)
    return f"{digits(n)} {word}"


def relative_time(when: datetime, now: datetime, lang: str = "ar") -> str:
    """«منذ ساعتين» (or "2 hours ago"); «الآن» under a minute; future times say «بعد …»."""
    seconds = int((now - when).total_seconds())
    future = seconds < 0
    seconds = abs(seconds)
    if seconds < 60:
        return "الآن" if lang == "ar" else "just now"
    unit, n = next((u, seconds // size) for u, size in _UNIT_SECONDS if seconds >= size)
    return _elapsed_words(unit, n, future, lang)


@functools.lru_cache(maxsize=4096)
def _elapsed_words(unit: str, n: int, future: bool, lang: str) -> str:
    if lang == "ar":
        return f"{'بعد' if future else 'منذ'} {count_ar(n, unit)}"
    words = f"{n} {unit}{'' if n == 1 else 's'}"
    return f"in {words}" if future else f"{words} ago"


def zone_for(name: str | None) -> tzinfo:
    """The reader's zone; UTC when none is chosen or the name is not an IANA zone."""
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def zone_label(name: str | None, lang: str = "ar") -> str:
    # An unknown zone falls back to UTC (zone_for), and so must its label.
    if not name or zone_for(name) is UTC:
        name = "UTC"
    if lang != "ar":
        return "GMT" if name == "UTC" else name
    return f"بتوقيت {ZONE_NAMES.get(name, name)}"


def gregorian_date(when: datetime, lang: str = "ar") -> str:
    """«١٢ أكتوبر ٢٠٢٣» (or "12 October 2023")."""
    return _gregorian(when.year, when.month, when.day, lang)


@functools.lru_cache(maxsize=8192)
def _gregorian(year: int, month: int, day: int, lang: str) -> str:
    months = GREGORIAN_MONTHS if lang == "ar" else ENGLISH_MONTHS
    return f"{digits(day, lang)} {months[month - 1]} {digits(year, lang)}"


def hijri_date(when: datetime, lang: str = "ar") -> str:
    """«٢٧ ربيع الأول ١٤٤٥ هـ»; '' outside the Umm al-Qura table."""
    return _hijri(when.year, when.month, when.day, lang)


@functools.lru_cache(maxsize=8192)
def _hijri(year: int, month: int, day: int, lang: str) -> str:
    try:
        h = Gregorian(year, month, day).to_hijri()
    except (OverflowError, ValueError):
        return ""
    suffix = "هـ" if lang == "ar" else "AH"
    return f"{digits(h.day, lang)} {HIJRI_MONTHS[h.month - 1]} {digits(h.year, lang)} {suffix}"


def clock(when: datetime, lang: str = "ar") -> str:
    return _clock(when.hour, when.minute, lang)


@functools.lru_cache(maxsize=4096)
def _clock(hour: int, minute: int, lang: str) -> str:
    return digits(f"{hour:02d}:{minute:02d}", lang)


def iso_utc(when: datetime) -> str:
    """'2023-10-12T14:35:00Z' for <time datetime>: the form the store keeps."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class ShownDate:
    """Every form of one publication time the article page prints."""

    iso: str  # for <time datetime="…">
    gregorian: str
    hijri: str
    time: str
    zone: str
    relative: str


def show_date(when: datetime, *, now: datetime, zone: str | None, lang: str = "ar") -> ShownDate:
    """A stored UTC time as the reader sees it: the calendar date is taken in the reader's
    zone, so an article from 23:30 UTC reads as the next day in Riyadh."""
    local = when.astimezone(zone_for(zone))
    return ShownDate(
        iso=iso_utc(when),
        gregorian=gregorian_date(local, lang),
        hijri=hijri_date(local, lang),
        time=clock(local, lang),
        zone=zone_label(zone, lang),
        relative=relative_time(when, now, lang),
    )

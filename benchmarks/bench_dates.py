"""Date parsing throughput over a generated corpus of the forms Arabic news pages print.

Three groups, timed separately and together:
- fast paths: ISO 8601 (meta tags, JSON-LD) and RFC 822 (RSS `<pubDate>`);
- the Arabic grammar: month names of the three families (with weekdays, labels, 12-hour
  times, Arabic-Indic digits, named zones), numeric day-first dates, relative forms, Hijri;
- the dateparser fallback (year-first orders), on a small sample because it is ~1 ms a call.

Every generated string is a valid date, so "read" should be 100 %. No target was set for this
stage; the line we hold ourselves to is that dates never cost the import (≥ 2,000 articles/s)
more than a few percent: ≥ 20,000 dates/s overall.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from hijridate import Gregorian

from akhbar.arabic.dates import parse_date_detail
from benchmarks.common import Row

REF = datetime(2024, 3, 15, 12, 0, tzinfo=UTC)
NAME = "dates"

WEEKDAYS = ("الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")
MONTH_FAMILIES = (
    (
        "يناير",
        "فبراير",
        "مارس",
        "أبريل",
        "مايو",
        "يونيو",
        "يوليو",
        "أغسطس",
        "سبتمبر",
        "أكتوبر",
        "نوفمبر",
        "ديسمبر",
    ),
    (
        "كانون الثاني",
        "شباط",
        "آذار",
        "نيسان",
        "أيار",
        "حزيران",
        "تموز",
        "آب",
        "أيلول",
        "تشرين الأول",
        "تشرين الثاني",
        "كانون الأول",
    ),
    (
        "جانفي",
        "فيفري",
        "مارس",
        "أفريل",
        "ماي",
        "جوان",
        "جويلية",
        "أوت",
        "سبتمبر",
        "أكتوبر",
        "نوفمبر",
        "ديسمبر",
    ),
    (
        "يناير",
        "فبراير",
        "مارس",
        "أبريل",
        "ماي",
        "يونيو",
        "يوليوز",
        "غشت",
        "شتنبر",
        "أكتوبر",
        "نونبر",
        "دجنبر",
    ),
)
HIJRI_MONTHS = (
    "محرم",
    "صفر",
    "ربيع الأول",
    "ربيع الآخر",
    "جمادى الأولى",
    "جمادى الآخرة",
    "رجب",
    "شعبان",
    "رمضان",
    "شوال",
    "ذو القعدة",
    "ذو الحجة",
)
EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
EN_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
PREFIXES = ("", "", "نشر في ", "نشر بتاريخ: ", "تاريخ النشر: ", "آخر تحديث: ")
ZONES = ("", "", "", " بتوقيت مكة المكرمة", " بتوقيت القاهرة", " بتوقيت غرينتش", " GMT+3")
INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _moment(rng: random.Random) -> datetime:
    start = datetime(2015, 1, 1, tzinfo=UTC)
    return start + timedelta(minutes=rng.randrange(int((REF - start).total_seconds()) // 60))


def _iso(rng: random.Random, when: datetime) -> str:
    return rng.choice(
        (when.isoformat(), when.strftime("%Y-%m-%dT%H:%M:%SZ"), when.date().isoformat())
    )


def _rfc822(rng: random.Random, when: datetime) -> str:
    zone = rng.choice(("+0300", "GMT", "+0200", "-0000"))
    return (
        f"{EN_DAYS[when.weekday()]}, {when.day:02d} {EN_MONTHS[when.month - 1]} {when.year} "
        f"{when:%H:%M:%S} {zone}"
    )


def _arabic_month(rng: random.Random, when: datetime) -> str:
    month = rng.choice(MONTH_FAMILIES)[when.month - 1]
    hour12 = when.hour % 12 or 12
    clock = rng.choice(
        (f" - {when:%H:%M}", f" - {hour12:02d}:{when:%M} {'م' if when.hour >= 12 else 'ص'}", "")
    )
    text = (
        f"{rng.choice(PREFIXES)}{WEEKDAYS[when.weekday()]}، {when.day} {month} {when.year}{clock}"
    )
    text += rng.choice(ZONES) if clock else ""
    return text.translate(INDIC) if rng.random() < 0.3 else text


def _numeric(rng: random.Random, when: datetime) -> str:
    sep = rng.choice("/-.")
    return f"{when.day:02d}{sep}{when.month:02d}{sep}{when.year} {when:%H:%M}"


def _relative(rng: random.Random, _when: datetime) -> str:
    return rng.choice(
        (
            f"منذ {rng.randint(3, 10)} ساعات",
            "منذ ساعتين",
            "منذ ساعة",
            "منذ دقيقة",
            f"منذ {rng.randint(3, 10)} دقائق".translate(INDIC),
            f"منذ {rng.randint(3, 10)} أيام",
            "منذ يومين",
            "منذ أسبوع",
            "أمس",
            f"أمس الساعة {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}",
            "اليوم",
            "قبل ساعتين",
        )
    )


def _hijri(rng: random.Random, when: datetime) -> str:
    h = Gregorian(when.year, when.month, when.day).to_hijri()
    text = f"{h.day} {HIJRI_MONTHS[h.month - 1]} {h.year}{rng.choice((' هـ', 'هـ', ''))}"
    return text.translate(INDIC) if rng.random() < 0.5 else text


def _year_first(rng: random.Random, when: datetime) -> str:
    return f"{when.year} {rng.choice(MONTH_FAMILIES)[when.month - 1]} {when.day}"


Form = Callable[[random.Random, datetime], str]
FAST: tuple[Form, ...] = (_iso, _rfc822)
GRAMMAR: tuple[Form, ...] = (_arabic_month, _arabic_month, _numeric, _relative, _hijri)


def corpus(forms: tuple[Form, ...], n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [rng.choice(forms)(rng, _moment(rng)) for _ in range(n)]


def _measure(texts: list[str]) -> tuple[float, float]:
    """(dates per second, share read) over `texts`, best of three passes."""
    best, read = float("inf"), 0
    for _ in range(3):
        start = time.perf_counter()
        results = [parse_date_detail(t, default_tz="Africa/Cairo", reference=REF) for t in texts]
        best = min(best, time.perf_counter() - start)
        read = sum(r is not None for r in results)
    return len(texts) / best, read / len(texts)


def run(scale: str) -> list[Row]:
    n = 50_000 if scale == "full" else 2_000
    fast, grammar = corpus(FAST, n // 2, seed=1), corpus(GRAMMAR, n // 2, seed=2)
    mixed = fast + grammar
    random.Random(3).shuffle(mixed)
    slow = corpus((_year_first,), 200 if scale == "full" else 50, seed=4)
    parse_date_detail(slow[0], reference=REF)  # load dateparser's languages outside the timing
    rows = [Row(NAME, "corpus", f"{len(mixed):,} strings + {len(slow)} dateparser fallback")]
    for label, texts, target in (
        ("fast paths (ISO, RFC 822)", fast, 0.0),
        ("Arabic grammar", grammar, 0.0),
        ("overall (mixed)", mixed, 20_000.0),
        ("dateparser fallback", slow, 0.0),
    ):
        rate, share = _measure(texts)
        met = rate >= target if target else None
        shown_target = f"≥ {target:,.0f}" if target else ""
        rows.append(Row(NAME, f"{label}: dates/s", f"{rate:,.0f}", shown_target, met))
        rows.append(Row(NAME, f"{label}: read", f"{share:.1%}", "100%", share == 1.0))
    return rows


if __name__ == "__main__":
    for row in run("quick"):
        print(row)

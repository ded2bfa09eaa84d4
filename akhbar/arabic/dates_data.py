"""Word tables and patterns for akhbar.arabic.dates: months, weekdays, zones, relative units.

Every table is written as the pages print it (hamza, ة, ى, harakat where natural) and folded
once at import with `normalize_for_match`, the same function the parser runs over its input,
so "أكتوبر", "اكتوبر" and "أكتوبرَ" all land on one key and a spelling never has to be
listed twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from akhbar.arabic.normalize import normalize_for_match


def _fold(table: dict[int, tuple[str, ...]]) -> dict[str, int]:
    return {normalize_for_match(word): key for key, words in table.items() for word in words}


# --- Gregorian months: three Arabic families plus English -------------------------------------

_GREGORIAN_MONTHS: dict[int, tuple[str, ...]] = {
    # Egyptian/Gulf (Latin-derived) · Levantine/Iraqi (Syriac-derived, with and without ال)
    # · Algerian/Tunisian (French-derived) · Moroccan · English.
    1: ("يناير", "كانون الثاني", "كانون ثاني", "جانفي", "january", "jan"),
    2: ("فبراير", "فبرير", "شباط", "فيفري", "فبراير", "february", "feb"),
    3: ("مارس", "آذار", "march", "mar"),
    4: ("أبريل", "إبريل", "ابريل", "نيسان", "أفريل", "april", "apr"),
    5: ("مايو", "أيار", "ماي", "may"),
    6: ("يونيو", "يونيه", "يونية", "حزيران", "جوان", "june", "jun"),
    7: ("يوليو", "يوليه", "يولية", "تموز", "جويلية", "جويلة", "يوليوز", "july", "jul"),
    8: ("أغسطس", "اغسطس", "آب", "أوت", "غشت", "august", "aug"),
    9: ("سبتمبر", "سيبتمبر", "أيلول", "شتنبر", "september", "sept", "sep"),
    10: ("أكتوبر", "اكتوبر", "تشرين الأول", "تشرين أول", "october", "oct"),
    11: ("نوفمبر", "تشرين الثاني", "تشرين ثاني", "نونبر", "november", "nov"),
    12: ("ديسمبر", "كانون الأول", "كانون أول", "دجنبر", "december", "dec"),
}
GREGORIAN_MONTHS: dict[str, int] = _fold(_GREGORIAN_MONTHS)
#: English names, what the dateparser fallback is handed after the pre-mapping.
ENGLISH_MONTHS: dict[int, str] = dict(
    enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
)

# --- Hijri months (Umm al-Qura numbering) ------------------------------------------------------

HIJRI_MONTHS: dict[str, int] = _fold(
    {
        1: ("محرم", "المحرم", "محرم الحرام"),
        2: ("صفر", "صفر الخير"),
        3: ("ربيع الأول", "ربيع أول", "ربيع الاول"),
        4: ("ربيع الآخر", "ربيع الثاني", "ربيع آخر", "ربيع ثاني"),
        5: ("جمادى الأولى", "جمادى الأول", "جمادى أولى", "جمادي الأولى"),
        6: ("جمادى الآخرة", "جمادى الثانية", "جمادى الآخر", "جمادى الثاني", "جمادى ثاني"),
        7: ("رجب",),
        8: ("شعبان",),
        9: ("رمضان",),
        10: ("شوال",),
        11: ("ذو القعدة", "ذي القعدة", "ذوالقعدة", "ذيالقعدة"),
        12: ("ذو الحجة", "ذي الحجة", "ذوالحجة", "ذيالحجة"),
    }
)
#: Words that mark a year as Hijri (هـ loses its tatweel in folding and becomes ه).
HIJRI_MARKERS = ("هـ", "ه", "هجري", "هجرية", "للهجرة")

# --- weekdays: recognised so they can be ignored -----------------------------------------------

WEEKDAYS: frozenset[str] = frozenset(
    normalize_for_match(w)
    for w in (
        "الأحد",
        "الاحد",
        "الإثنين",
        "الاثنين",
        "الاتنين",
        "الثلاثاء",
        "الثلاثا",
        "الأربعاء",
        "الاربعاء",
        "الأربعا",
        "الخميس",
        "الجمعة",
        "السبت",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "mon",
        "tue",
        "tues",
        "wed",
        "thu",
        "thur",
        "thurs",
        "fri",
        "sat",
        "sun",
    )
)

# --- words that may surround a date and carry nothing ------------------------------------------

FILLER_WORDS: frozenset[str] = WEEKDAYS | frozenset(
    normalize_for_match(w)
    for w in (
        # "نشر في", "نشر بتاريخ", "تاريخ النشر:", "آخر تحديث:", "تم النشر", "الموافق لـ"
        "نشر",
        "نشرت",
        "نشره",
        "نُشر",
        "منشور",
        "تم",
        "في",
        "بتاريخ",
        "تاريخ",
        "التاريخ",
        "النشر",
        "آخر",
        "اخر",
        "تحديث",
        "التحديث",
        "محدث",
        "حدث",
        "الموافق",
        "يوم",
        "ل",
        "لـ",
        "ب",
        "على",
        "عند",
        "الساعة",
        "الساعه",
        "عام",
        "سنة",
        # a year's era: ميلادي (م) and هجري (ه) after the year
        "م",
        "ميلادي",
        "ميلادية",
        "ه",
        "هـ",
        "هجري",
        "هجرية",
        "published",
        "updated",
        "posted",
        "last",
        "update",
        "date",
        "on",
        "at",
        "of",
    )
)

# --- zones -------------------------------------------------------------------------------------

_ZONES: dict[str, tuple[str, ...]] = {
    "Asia/Riyadh": ("مكة المكرمة", "مكة", "الرياض", "السعودية", "جدة"),
    "Africa/Cairo": ("القاهرة", "مصر"),
    "Asia/Beirut": ("بيروت", "لبنان"),
    "Asia/Damascus": ("دمشق", "سوريا", "سورية"),
    "Asia/Baghdad": ("بغداد", "العراق"),
    # عمّان is Amman once the shadda is folded away. Oman (عُمان) is only recognised when the
    # page says so unambiguously (مسقط, سلطنة عمان): sites rarely vocalise the name.
    "Asia/Amman": ("عمان", "عمّان", "الأردن", "الاردن"),
    "Asia/Muscat": ("مسقط", "سلطنة عمان"),
    # Israel's and Palestine's DST switches differ by days some years; "بتوقيت القدس" is what
    # pages print for both, so it follows the IANA Jerusalem entry, and the Palestinian place
    # names follow Asia/Hebron.
    "Asia/Jerusalem": ("القدس",),
    "Asia/Hebron": ("فلسطين", "رام الله", "غزة"),
    "Asia/Qatar": ("الدوحة", "قطر"),
    "Asia/Dubai": ("أبوظبي", "أبو ظبي", "الإمارات", "دبي"),
    "Asia/Kuwait": ("الكويت",),
    "Asia/Bahrain": ("المنامة", "البحرين"),
    "Africa/Casablanca": ("المغرب", "الرباط", "الدار البيضاء"),
    "Africa/Tunis": ("تونس",),
    "Africa/Algiers": ("الجزائر",),
    "Africa/Tripoli": ("ليبيا",),
    "Africa/Khartoum": ("الخرطوم", "السودان"),
    "Asia/Aden": ("صنعاء", "عدن", "اليمن"),
    "Africa/Nouakchott": ("نواكشوط", "موريتانيا"),
    "Europe/Istanbul": ("أنقرة", "إسطنبول", "اسطنبول", "تركيا"),
    "Asia/Tehran": ("طهران", "إيران"),
    "Europe/London": ("لندن",),
    "Europe/Paris": ("باريس",),
    "Europe/Berlin": ("برلين",),
    "Europe/Moscow": ("موسكو",),
    "America/New_York": ("واشنطن", "نيويورك"),
    "UTC": ("غرينتش", "غرينيتش", "جرينتش", "جرينيتش", "غرنتش", "جرنتش", "غرينتش العالمي"),
}
#: Place name (folded) → IANA zone. طرابلس is absent on purpose: Libya or northern Lebanon.
ZONE_PLACES: dict[str, str] = {
    normalize_for_match(place): zone for zone, places in _ZONES.items() for place in places
}

# --- relative forms ----------------------------------------------------------------------------

#: Unit word → (unit, implied count). The count is None for plurals, which need a number
#: ("منذ 5 ساعات"), 1 for singulars, 2 for duals ("منذ ساعتين").
RELATIVE_UNITS: dict[str, tuple[str, int | None]] = {
    normalize_for_match(word): (unit, count)
    for unit, forms in {
        "seconds": (
            ("ثانية", 1),
            ("ثانيتين", 2),
            ("ثانيتان", 2),
            ("ثوان", None),
            ("ثواني", None),
            ("ثوانٍ", None),
            ("second", 1),
            ("seconds", None),
        ),
        "minutes": (
            ("دقيقة", 1),
            ("دقيقتين", 2),
            ("دقيقتان", 2),
            ("دقائق", None),
            ("د", None),
            ("minute", 1),
            ("minutes", None),
            ("min", None),
            ("mins", None),
        ),
        "hours": (
            ("ساعة", 1),
            ("ساعتين", 2),
            ("ساعتان", 2),
            ("ساعات", None),
            ("س", None),
            ("hour", 1),
            ("hours", None),
            ("hr", None),
            ("hrs", None),
        ),
        "days": (
            ("يوم", 1),
            ("يومين", 2),
            ("يومان", 2),
            ("أيام", None),
            ("day", 1),
            ("days", None),
        ),
        "weeks": (
            ("أسبوع", 1),
            ("أسبوعين", 2),
            ("أسبوعان", 2),
            ("أسابيع", None),
            ("week", 1),
            ("weeks", None),
        ),
        "months": (
            ("شهر", 1),
            ("شهرين", 2),
            ("شهران", 2),
            ("أشهر", None),
            ("شهور", None),
            ("month", 1),
            ("months", None),
        ),
        "years": (
            ("سنة", 1),
            ("عام", 1),
            ("سنتين", 2),
            ("عامين", 2),
            ("سنوات", None),
            ("أعوام", None),
            ("year", 1),
            ("years", None),
        ),
    }.items()
    for word, count in forms
}
#: Spelled-out counts that precede a plural unit ("منذ ثلاث ساعات").
NUMBER_WORDS: dict[str, int] = {
    normalize_for_match(word): n
    for n, words in {
        1: ("واحد", "واحدة", "a", "an", "one"),
        3: ("ثلاث", "ثلاثة"),
        4: ("أربع", "أربعة"),
        5: ("خمس", "خمسة"),
        6: ("ست", "ستة"),
        7: ("سبع", "سبعة"),
        8: ("ثماني", "ثمانية", "ثمان"),
        9: ("تسع", "تسعة"),
        10: ("عشر", "عشرة"),
    }.items()
    for word in words
}
#: Day words → days back from the reference day.
RELATIVE_DAYS: dict[str, int] = {
    normalize_for_match(word): n
    for word, n in (
        ("اليوم", 0),
        ("today", 0),
        ("أمس", 1),
        ("البارحة", 1),
        ("yesterday", 1),
        ("أول أمس", 2),
        ("أول من أمس", 2),
        ("قبل أمس", 2),
    )
}
#: "Just now" words: the reference instant itself.
NOW_WORDS: tuple[str, ...] = tuple(
    normalize_for_match(w)
    for w in ("الآن", "الان", "منذ لحظات", "قبل لحظات", "منذ ثوان", "just now", "now")
)

# --- parts of the day after an hour ------------------------------------------------------------

#: Folded period word → its kind; `dates._to_24h` says what each kind does to the hour.
DAY_PERIODS: dict[str, str] = {
    normalize_for_match(word): kind
    for kind, words in {
        "am": ("ص", "صباحا", "صباحاً", "صباح", "صباحًا", "am", "a.m.", "فجرا", "فجراً", "فجر"),
        "pm": ("م", "مساء", "مساءً", "مساءا", "pm", "p.m."),
        "noon": ("ظهرا", "ظهراً", "ظهر", "الظهر"),
        "afternoon": ("عصرا", "عصراً", "عصر", "العصر"),
        "night": ("ليلا", "ليلاً", "ليل"),
    }.items()
    for word in words
}

# --- patterns over folded text (lower case, ASCII digits, no hamza/ة/ى/harakat/tatweel) ---------


def _alternation(words: Iterable[str]) -> str:
    # Longest first, so "ماي" never wins over "مايو", nor "تشرين" alone over "تشرين الاول".
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


_NOT_LETTER_BEFORE = r"(?<![^\W\d_])"
_NOT_LETTER_AFTER = r"(?![^\W\d_])"
_MONTH = rf"{_NOT_LETTER_BEFORE}(?:{_alternation(GREGORIAN_MONTHS)}){_NOT_LETTER_AFTER}"
#: One month, or two names of it: "أكتوبر/تشرين الأول", "تشرين الأول (أكتوبر)".
_MONTHS = rf"(?P<mon>{_MONTH})(?:\s?[/(-]\s?(?P<mon2>{_MONTH})\s?\)?)?"
_DAY = r"(?<![\d:./])(?P<d>\d{1,2})(?:st|nd|rd|th)?(?!\d)"
_YEAR = r"(?P<y>\d{4})(?!\d)"
_YEAR_WORD = r"(?:(?:عام|سنه)\s)?"

#: 12 أكتوبر 2023 · 12th, October 2023 · 12 من شهر أكتوبر · 5 دجنبر (the year may be absent)
DAY_MONTH_YEAR = re.compile(
    rf"{_DAY}\s?[,،.]?\s?(?:of\s|من\s)?(?:شهر\s)?{_MONTHS}(?:\s?[,،.-]?\s?{_YEAR_WORD}{_YEAR})?"
)
#: October 12, 2023 · أكتوبر 12، 2023 (the year is required)
MONTH_DAY_YEAR = re.compile(rf"{_MONTHS}\s?\.?\s?{_DAY}\s?[,،]?\s?{_YEAR}")
#: 12/10/2023 · 12-10-2023 · 12.10.2023 — always day first: Arabic pages are DMY.
NUMERIC_DMY = re.compile(
    r"(?<![\d/.:-])(?P<d>\d{1,2})\s?(?P<sep>[/.-])\s?(?P<m>\d{1,2})\s?(?P=sep)\s?"
    r"(?P<y>\d{4})(?!\d|[/.-]\d)"
)
#: 2023/10/12 · 2023-10-12 (with whatever follows, which the fast ISO path refused)
NUMERIC_YMD = re.compile(
    r"(?<![\d/.:-])(?P<y>\d{4})\s?(?P<sep>[/.-])\s?(?P<m>\d{1,2})\s?(?P=sep)\s?"
    r"(?P<d>\d{1,2})(?!\d|[/.-]\d)"
)
#: ١٥ ربيع الأول ١٤٤٥ هـ · 27 ربيع الاول 1445ه (the year is required)
HIJRI_DATE = re.compile(
    rf"{_DAY}\s?(?:من\s)?(?:شهر\s)?(?P<mon>{_NOT_LETTER_BEFORE}(?:{_alternation(HIJRI_MONTHS)}))"
    rf"{_NOT_LETTER_AFTER}\s?[,،]?\s?{_YEAR_WORD}{_YEAR}"
    rf"(?:\s?(?:{_alternation(normalize_for_match(m) for m in HIJRI_MARKERS)}){_NOT_LETTER_AFTER})?"
)
DATE_PATTERNS = (DAY_MONTH_YEAR, MONTH_DAY_YEAR, NUMERIC_DMY, NUMERIC_YMD, HIJRI_DATE)
MONTH_NAME = re.compile(_MONTH)

_PERIOD = rf"(?P<period>{_alternation(DAY_PERIODS)}){_NOT_LETTER_AFTER}"
_OFFSET = r"(?P<sign>[+-])(?P<oh>\d{1,2})(?::?(?P<om>\d{2}))?"
#: 14:35 · 02:35 م · 2:35 pm · 14:35:00+03:00 · 09:15z
CLOCK = re.compile(
    r"(?<![\d:])(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?(?:[.,]\d{1,9})?(?![\d:])"
    rf"(?:\s?{_PERIOD})?(?:\s?(?:(?P<z>z){_NOT_LETTER_AFTER}|(?P<sign>[+-])(?P<oh>\d{{2}}):?(?P<om>\d{{2}})))?"
)
_LONG_PERIODS = _alternation(w for w in DAY_PERIODS if len(w) > 1)
#: الساعة 3 عصرا · الساعه 15 · 10 صباحا (a bare hour needs الساعة or a period word)
HOUR = re.compile(
    rf"الساعه\s?(?P<h>\d{{1,2}})(?![\d:/.])(?:\s?{_PERIOD})?"
    rf"|(?<![\d:/.])(?P<h2>\d{{1,2}})\s?(?P<period2>{_LONG_PERIODS}){_NOT_LETTER_AFTER}"
)

_PLACE = rf"(?P<place>{_alternation(ZONE_PLACES)}){_NOT_LETTER_AFTER}"
#: بتوقيت القاهرة · حسب توقيت مكة المكرمة · توقيت غرينتش +3 · غرينتش
NAMED_ZONE = re.compile(
    rf"{_NOT_LETTER_BEFORE}(?:(?:(?:حسب|وفق|على)\s)?(?:ب|ال|بال)?توقيت\s(?:مدينه\s)?{_PLACE}"
    rf"|(?P<greenwich>{_alternation(w for w, z in ZONE_PLACES.items() if z == 'UTC')})"
    rf"{_NOT_LETTER_AFTER})(?:\s?{_OFFSET})?"
)
#: GMT · UTC+3 · GMT +03:00 · ت.غ (توقيت غرينتش)
LATIN_ZONE = re.compile(
    rf"(?:(?<![a-z])(?:gmt|utc|ut)(?![a-z])|{_NOT_LETTER_BEFORE}ت\s?\.?\s?غ{_NOT_LETTER_AFTER})"
    rf"(?:\s?{_OFFSET})?"
)
#: بالتوقيت المحلي: the page's own zone, i.e. the default one.
LOCAL_ZONE = re.compile(
    rf"{_NOT_LETTER_BEFORE}(?:ب|حسب\s)?(?:ال)?توقيت\s(?:ال)?محلي{_NOT_LETTER_AFTER}"
)

_UNIT = rf"(?P<unit>{_alternation(RELATIVE_UNITS)}){_NOT_LETTER_AFTER}"
_COUNT = rf"(?:(?P<n>\d{{1,4}}|(?:{_alternation(NUMBER_WORDS)}|نصف|ربع){_NOT_LETTER_AFTER})\s?)?"
#: One term of an elapsed time: "5 دقائق", "ساعتين", "ثلاث ساعات", "نصف ساعه", "an hour".
AGO_TERM = re.compile(rf"{_COUNT}{_UNIT}")
_TERM = re.sub(r"\(\?P<\w+>", "(?:", AGO_TERM.pattern)
#: منذ 3 ساعات و20 دقيقه · قبل يومين · 2 hours ago
AGO = re.compile(
    rf"{_NOT_LETTER_BEFORE}(?:منذ|قبل)\s(?P<terms>{_TERM}(?:\s?و\s?{_TERM})*)"
    rf"|(?<![a-z])(?P<en>{_TERM}(?:\s?(?:,|and)\s?{_TERM})*)\sago(?![a-z])"
)
RELATIVE_DAY = re.compile(
    rf"{_NOT_LETTER_BEFORE}(?P<word>{_alternation(RELATIVE_DAYS)}){_NOT_LETTER_AFTER}"
)
NOW = re.compile(rf"{_NOT_LETTER_BEFORE}(?:{_alternation(NOW_WORDS)}){_NOT_LETTER_AFTER}")
#: Words that make a text relative: dateparser would read them against the wrong "now".
RELATIVE_HINT = re.compile(
    rf"{_NOT_LETTER_BEFORE}(?:منذ|قبل|بعد|غدا|الماضي|القادم|المقبل|ago|next|last|tomorrow|"
    rf"{_alternation(RELATIVE_DAYS)}|{_alternation(NOW_WORDS)}){_NOT_LETTER_AFTER}"
)
#: What may separate the words of a date: spaces and punctuation of both scripts.
SEPARATORS = re.compile(r"[\s,،؛;:|/\\()\[\]{}«»\"'*•·.\-–—_]+")
#: "| آخر تحديث: ..." after a first date: what follows is the update, not the publication.
UPDATE_LABEL = re.compile(
    rf"{_NOT_LETTER_BEFORE}(?:اخر\s|تم\s)?(?:تحديث|التحديث|محدث|last\supdated|updated)"
    rf"{_NOT_LETTER_AFTER}"
)

"""The ISO countries, in Arabic, derived from Babel's CLDR data at load time.

CLDR (`babel.Locale('ar').territories`) names every ISO 3166-1 country in Arabic, so no list of
249 names is copied into the repository and a Babel upgrade brings its spelling fixes along.
CLDR's names are the formal ones ("المملكة العربية السعودية", "الأراضي الفلسطينية"); the
curated country rows of entities.tsv give the form Arabic news prints ("السعودية", "فلسطين")
as the canonical name, and the gazetteer keeps CLDR's names as aliases.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import NamedTuple

from babel import Locale

#: Two-letter CLDR codes that are not ISO 3166-1 countries: exceptional reservations
#: (Ascension, Clipperton, Sark, Diego Garcia, Ceuta & Melilla, Canaries, Tristan da Cunha),
#: unions (EU, euro zone, UN), outlying Oceania, pseudo-locales and "unknown". XK (Kosovo) is
#: kept although ISO has not assigned it: it is a state in the news and CLDR names it.
NON_COUNTRY_CODES = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "IC", "TA", "EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}
)
_ISO_CODE = re.compile(r"[A-Z]{2}")
_PARENTHESIS = re.compile(r"\s*\([^)]*\)\s*")
_SPACED_DASH = re.compile(r"\s+-\s+")
_NON_SLUG = re.compile(r"[^a-z0-9]+")


class BabelCountry(NamedTuple):
    code: str
    #: Slug of CLDR's English name ("cote-d-ivoire"): the id when no curated row exists.
    slug: str
    #: CLDR's Arabic name without a parenthesis or a spaced dash.
    display: str
    #: Every form of CLDR's name worth matching, the display form first.
    variants: tuple[str, ...]


def territory_names(locale: str) -> dict[str, str]:
    """ISO code → country name in `locale`; countries only (no regions such as 001 or 150)."""
    names: Mapping[str, str] = Locale(locale).territories
    return {
        code: name
        for code, name in names.items()
        if _ISO_CODE.fullmatch(code) and code not in NON_COUNTRY_CODES
    }


def name_variants(cldr_name: str) -> tuple[str, ...]:
    """Forms of a CLDR name that a text would print, the cleanest first.

    "ميانمار (بورما)" → ("ميانمار", "ميانمار (بورما)");
    "الكونغو - كينشاسا" → ("الكونغو كينشاسا", "الكونغو - كينشاسا").

    What a parenthesis holds is not kept on its own: it is sometimes an old name (بورما, which
    the curated row lists) but as often a generic phrase ("منطقة إدارية خاصة").
    """
    base = _SPACED_DASH.sub(" ", _PARENTHESIS.sub(" ", cldr_name).strip())
    return tuple(dict.fromkeys((base, cldr_name)))


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NON_SLUG.sub("-", ascii_text.lower()).strip("-")


def babel_countries() -> list[BabelCountry]:
    """Every country CLDR names, sorted by ISO code."""
    arabic = territory_names("ar")
    english = territory_names("en")
    countries = []
    for code, name in sorted(arabic.items()):
        variants = name_variants(name)
        countries.append(BabelCountry(code, slugify(english[code]), variants[0], variants))
    return countries

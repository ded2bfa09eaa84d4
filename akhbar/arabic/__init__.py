"""The Arabic text core: normalisation, tokens and stems, stopwords, dates."""

from akhbar.arabic.dates import ParsedDate, parse_date, parse_date_detail
from akhbar.arabic.normalize import clean_for_display, normalize_for_match

__all__ = [
    "ParsedDate",
    "clean_for_display",
    "normalize_for_match",
    "parse_date",
    "parse_date_detail",
]

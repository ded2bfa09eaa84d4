"""The Arabic text core: normalisation, tokens and stems, stopwords, dates."""

from akhbar.arabic.normalize import clean_for_display, normalize_for_match

__all__ = ["clean_for_display", "normalize_for_match"]

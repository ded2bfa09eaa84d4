"""Arabic stopwords, on normalised words.

The list is the `arabic-stopwords` package (13,465 forms, clitics included: والذي, ولكنهم,
بعدما) plus `data/news_stopwords.txt`, our own news filler (weekdays, months, وقال, أعلنت,
الأسبوع ...). Both are passed through `normalize_for_match` at load, so the question is asked
of the same form the index stores: `is_stopword(normalize_for_match(word))`.

Folding has one visible cost: على and إلى fold to علي and الي, so the name علي is a stopword
too. On news text the preposition is far more frequent, and a person is still found by the
other words of the name.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from importlib import resources

from akhbar.arabic.normalize import normalize_for_match

NEWS_STOPWORDS_FILE = "news_stopwords.txt"
#: Conjunctions added in front of every news-filler word: وقال and فأضاف are as empty as قال.
_CONJUNCTIONS = ("و", "ف")


def is_stopword(norm_word: str) -> bool:
    """True if the normalised word carries no topic (a particle, pronoun, filler ...)."""
    return norm_word in stopwords()


@functools.cache
def stopwords() -> frozenset[str]:
    """Every stopword, normalised. Built on first use (about 60 ms), then shared."""
    return frozenset(_package_stopwords()) | frozenset(_news_stopwords())


def _package_stopwords() -> Iterator[str]:
    # Imported here, not at module level: the package is a 7 MB dict literal, and most
    # commands never need it.
    from arabicstopwords.arabicstopwords import stopwords_list

    for word in stopwords_list():
        yield from _normalized(word)


def _news_stopwords() -> Iterator[str]:
    for word in read_word_list(NEWS_STOPWORDS_FILE):
        for norm in _normalized(word):
            yield norm
            yield from (conjunction + norm for conjunction in _CONJUNCTIONS)


def read_word_list(filename: str) -> list[str]:
    """The entries of `akhbar/arabic/data/<filename>`: one per line, `#` starts a comment."""
    text = resources.files("akhbar.arabic").joinpath("data", filename).read_text(encoding="utf-8")
    entries = (line.strip() for line in text.splitlines())
    return [entry for entry in entries if entry and not entry.startswith("#")]


def _normalized(word: str) -> Iterator[str]:
    # Every listed form is one word (checked for the package list); should normalising split
    # one, each piece is a stopword on its own rather than a two-word string never looked up.
    yield from normalize_for_match(word).split()

"""Arabic analysis for search: ONE function turns text into index terms, for documents and
queries alike (STYLE habit 6), so a spelling the reader types and a spelling the outlet printed
meet in the same normalised form.

    text --normalize_for_match + tokenize--> surface words --drop stopwords, stem--> stems

Why the analysis runs in Python and not in tantivy's tokenizer chain: tantivy's tokenizers split
words at harakat (مُحَمَّد → م ح م د), know none of our alef / Persian-letter folds, and its
Snowball stemmer cuts protected names (فلسطين → لسط). So we hand tantivy words that are already
normalised and stemmed, joined by single spaces, and let its whitespace tokenizer only split.

Each text gives two fields: `surface` (every normalised word, stopwords included, so that
phrases and exact forms match) and `stem` (stems of the content words, so that inflections
match: الاتفاقيات and اتفاقية share a stem).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from akhbar.arabic import normalize_for_match
from akhbar.arabic.stem import stem_words
from akhbar.arabic.stopwords import is_stopword, stopwords
from akhbar.arabic.tokens import words

# Field names of the tantivy schema; query.py and engine.py use these constants only.
ID = "id"
TITLE_SURFACE = "title_surface"
TITLE_STEM = "title_stem"
BODY_SURFACE = "body_surface"
BODY_STEM = "body_stem"
TAGS = "tags"
TAG_KEY = "tag_key"
SOURCE = "source"
PUBLISHED = "published"

#: Name of the whitespace tokenizer we register on the index (see module docstring).
WORDS_TOKENIZER = "akhbar_words"


@dataclass(frozen=True, slots=True)
class Analyzed:
    """One text after analysis: every normalised word, and the stems of its content words."""

    surface: list[str]
    stems: list[str]


@dataclass(slots=True)
class IndexDoc:
    """What the engine indexes for one article. Plain data, so it pickles to a worker process.

    Only `id` is kept by tantivy for display; the store keeps the original text.
    """

    id: int
    title_surface: str
    title_stem: str
    body_surface: str
    body_stem: str
    tags: list[str]
    tag_keys: list[str]
    source: str
    published: int | None


def analyze(text: str) -> Analyzed:
    """Normalised words of `text` and the stems of those that are not stopwords.

    Stopwords are left out of the stem field: they would match nearly every article, and a
    phrase that needs them still matches on the surface field, which keeps them.
    """
    surface = words(text)
    stop = stopwords()  # the set itself: is_stopword() per word cost ~0.4 µs a call
    return Analyzed(surface, stem_words([w for w in surface if w not in stop]))


@lru_cache(maxsize=65536)
def query_word_stem(norm_word: str) -> str | None:
    """The stem a query word is looked up by, or None for a stopword (not in the stem field)."""
    if is_stopword(norm_word):
        return None
    stems = stem_words([norm_word])
    return stems[0] if stems else None


#: Clitics written in front of a word without the article: conjunction و ف, preposition ب ل ك,
#: and the two together.
PROCLITICS = ("و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك")
#: A bare word shorter than this gets no clitic forms: a clitic in front of a short word often
#: makes another word (جان → لجان, جنه → لجنه).
MIN_CLITIC_BASE = 4


@lru_cache(maxsize=16384)
def clitic_forms(norm_word: str) -> tuple[str, ...]:
    """The word with each proclitic in front (تخفيف → لتخفيف, وتخفيف ...), for a query word.

    The stemmer strips و ف ب from a bare word but not always ل or ك (لتخفيف, لاتفاق and كاتفاق
    keep them), so «للتخفيف»-style forms miss a query on the stem field alone. Searching the
    clitic forms themselves finds them without guessing, at index time, whether a first ل is a
    clitic or part of the word. A word with the article needs none: the stemmer removes the
    article with its clitics (بالاحمال → احمال).
    """
    if norm_word.startswith("ال") or len(norm_word) < MIN_CLITIC_BASE or is_stopword(norm_word):
        return ()
    return tuple(p + norm_word for p in PROCLITICS)


def hamza_seat_variants(norm_word: str) -> tuple[str, ...]:
    """The word with the other seat of a medial hamza before و: مسئول / مسؤول, شئون / شؤون.

    Egyptian and older print puts that hamza on ي (ئ) where the standard puts it on و (ؤ);
    `normalize_for_match` folds each seat to its letter, so the two spellings of one word
    become مسيول and مسوول and would never meet. The query looks for both.
    """
    variants = []
    for i in range(1, len(norm_word) - 1):
        pair = norm_word[i : i + 2]
        if pair in ("يو", "وو"):
            other = "وو" if pair == "يو" else "يو"
            variants.append(norm_word[:i] + other + norm_word[i + 2 :])
    return tuple(variants)


def tag_keys(names: Iterable[str]) -> list[str]:
    """Normalised keys of tag names and aliases, each once, in first-seen order."""
    seen: dict[str, None] = {}
    for name in names:
        key = normalize_for_match(name)
        if key:
            seen.setdefault(key, None)
    return list(seen)


def epoch_seconds(value: datetime | None) -> int | None:
    return int(value.timestamp()) if value is not None else None


def analyze_document(
    article_id: int,
    title: str,
    body: str,
    *,
    source: str = "",
    tags: Sequence[str] = (),
    published_at: datetime | None = None,
) -> IndexDoc:
    """Everything tantivy indexes for one article; `tags` holds tag names and their aliases."""
    title_a, body_a = analyze(title), analyze(body)
    keys = tag_keys(tags)
    return IndexDoc(
        id=article_id,
        title_surface=" ".join(title_a.surface),
        title_stem=" ".join(title_a.stems),
        body_surface=" ".join(body_a.surface),
        body_stem=" ".join(body_a.stems),
        # The words of every tag name, so a plain query word also meets the article's tags.
        tags=[" ".join(words(key)) for key in keys],
        tag_keys=keys,
        source=normalize_for_match(source),
        published=epoch_seconds(published_at),
    )

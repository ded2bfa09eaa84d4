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

Speed: the analysis runs per whitespace-separated chunk of the text («والاتفاقية،»), cached.
The normaliser never joins two chunks into one word nor lets a word run across whitespace, so
the words of a text are its chunks' words in order; news text repeats its chunks (100,000
distinct chunks in 200,000 generated articles, 99.8 % of lookups hit), and a cached chunk costs
a dict lookup where normalising, tokenizing and stemming it cost ~0.6 µs a word. That made the
analysis of an article ~2.5× cheaper (240 → 92 µs), which was most of the index build.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from itertools import chain
from operator import itemgetter

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
#: "Common grams": each pair of adjacent words of which one is a stopword, as one term
#: (`pair_term`). A phrase like "في الأردن" or "ما هذه" is then one posting list instead of an
#: intersection of two huge ones checked position by position (50-80 ms at 1 M articles).
TITLE_PAIRS = "title_pairs"
BODY_PAIRS = "body_pairs"
#: Joins the two words of a pair term; never part of a word (words are [^\W_]+).
PAIR_JOINER = "_"
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
    title_pairs: str
    body_surface: str
    body_stem: str
    body_pairs: str
    tags: list[str]
    tag_keys: list[str]
    source: str
    published: int | None


#: Distinct chunks whose analysis is kept (~400 bytes each: ~60 MB when full); emptied when
#: full (one text with more new chunks than this is kept whole). 1,000,000 generated articles
#: hold ~100,000 distinct chunks.
CHUNK_CACHE_SIZE = 150_000


#: One chunk of text without whitespace, analysed: (its normalised words, the stem of each word
#: ("" for a stopword), the words joined by spaces (what the surface fields index), the stems of
#: the words that are not stopwords, joined by spaces); read with the CHUNK_* getters below.
#: A plain tuple: built and compared in C (a frozen dataclass cost more to build than analysing
#: the chunk, once cached), and, holding only strings, left alone by the garbage collector once
#: it has seen it. A named tuple stays tracked: with the cache full of them, every full
#: collection walked them all (~70 ms at 62 k chunks), a pause in the middle of a search.
ChunkAnalysis = tuple[tuple[str, ...], tuple[str, ...], str, str]


_chunks: dict[str, ChunkAnalysis] = {}
#: Field getters at C speed, for map() over lists of analyses.
CHUNK_WORDS, CHUNK_WORD_STEMS, CHUNK_SURFACE, CHUNK_STEMS = (itemgetter(i) for i in range(4))


#: The word of akhbar.arabic.tokens: `words(t) == _WORD.findall(normalize_for_match(t))`.
_WORD = re.compile(r"[^\W_]+")
#: Joins the chunks analysed together; neither whitespace (kept by the normaliser) nor part of a
#: word (so it never changes the words on either side).
_SEPARATOR = "\x00"


def prepare_analysis() -> None:
    """Load what the analysis needs (stopwords, protected names, the stemmer) now: call it
    before forking worker processes, so that they inherit it instead of each loading it."""
    analyze_chunk("المحافظات")


def analyze_chunk(chunk: str) -> ChunkAnalysis:
    """The analysis of one chunk of text without whitespace; cached.

    Stopwords are left out of the stems: they would match nearly every article, and a phrase
    that needs them still matches on the surface field, which keeps them.
    """
    return analyze_chunks([chunk])[0]


def analyze_chunks(chunks: Sequence[str]) -> list[ChunkAnalysis]:
    """`analyze_chunk` of each chunk: the cached ones looked up at C speed, the others analysed
    together (`_analyze_new`)."""
    found = list(map(_chunks.get, chunks))
    if None not in found:
        return found  # type: ignore[return-value]  # no None in it
    new = _analyze_new(
        list(dict.fromkeys(c for f, c in zip(found, chunks, strict=True) if f is None))
    )
    return [f if f is not None else new[c] for f, c in zip(found, chunks, strict=True)]


def _analyze_new(chunks: list[str]) -> dict[str, ChunkAnalysis]:
    """Analyse chunks the cache lacks and keep them. One call of the normaliser over all of
    them, separated by _SEPARATOR, and one of the stemmer: per chunk, the calls cost ~10 µs,
    which made a page of snippets over articles never seen before slower than the rest of the
    query."""
    pieces = normalize_for_match(_SEPARATOR.join(chunks)).split(_SEPARATOR)
    if len(pieces) == len(chunks):
        norms = [tuple(_WORD.findall(piece)) for piece in pieces]
    else:  # a chunk holds the separator itself (binary junk): one at a time
        norms = [tuple(words(chunk)) for chunk in chunks]
    stop = stopwords()  # the set itself: is_stopword() per word cost ~0.4 µs a call
    stems = iter(stem_words([w for found in norms for w in found if w not in stop]))
    if len(_chunks) + len(chunks) > CHUNK_CACHE_SIZE:
        _chunks.clear()  # crude, as the stem cache: a miss only costs analysing a chunk again
    new = {}
    for chunk, found in zip(chunks, norms, strict=True):
        word_stems = tuple("" if w in stop else next(stems) for w in found)
        new[chunk] = _chunks[chunk] = (
            found,
            word_stems,
            " ".join(found),
            " ".join(s for s in word_stems if s),
        )
    return new


def analyze(text: str) -> Analyzed:
    """Normalised words of `text` and the stems of those that are not stopwords."""
    found = analyze_chunks(text.split())
    return Analyzed(
        list(chain.from_iterable(map(CHUNK_WORDS, found))),
        [s for a in found for s in CHUNK_WORD_STEMS(a) if s],
    )


def analyzed_fields(text: str) -> tuple[str, str, str]:
    """`analyze(text)` as the three field values tantivy indexes: the surface words, the stems
    and the stopword pairs (`common_pairs`), separated by whitespace (tantivy's whitespace
    tokenizer ignores the extra spaces a chunk without words or without stems leaves)."""
    found = analyze_chunks(text.split())
    return (
        " ".join(map(CHUNK_SURFACE, found)),
        " ".join(map(CHUNK_STEMS, found)),
        common_pairs(found),
    )


def common_pairs(found: Sequence[ChunkAnalysis]) -> str:
    """The pair term of each two adjacent words of which at least one is a stopword (its stem
    is ""), in text order, joined by spaces. Adjacent as in the surface field: across chunks,
    sentences and paragraphs alike, so a pair term is present exactly where the two-word
    phrase query on the surface field would match."""
    norms = list(chain.from_iterable(map(CHUNK_WORDS, found)))
    stems = list(chain.from_iterable(map(CHUNK_WORD_STEMS, found)))
    return " ".join(
        [
            f"{a}{PAIR_JOINER}{b}"
            for a, b, sa, sb in zip(norms, norms[1:], stems, stems[1:], strict=False)
            if not (sa and sb)
        ]
    )


def pair_term(first: str, second: str) -> str | None:
    """The pair term that stands for the phrase "first second" on a pairs field, or None when
    that phrase has no pair term (neither word is a stopword)."""
    if query_word_stem(first) and query_word_stem(second):
        return None
    return f"{first}{PAIR_JOINER}{second}"


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
        key = name_key(name)
        if key:
            seen.setdefault(key, None)
    return list(seen)


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """`normalize_for_match` of a tag or outlet name; cached, as articles share their names."""
    return normalize_for_match(name)


@lru_cache(maxsize=65536)
def name_words(key: str) -> str:
    """The words of a normalised name, joined by spaces (what the tags field indexes)."""
    return " ".join(words(key))


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
    return document_from_fields(
        article_id,
        analyzed_fields(title),
        analyzed_fields(body),
        source=source,
        tags=tags,
        published_at=published_at,
    )


def document_from_fields(
    article_id: int,
    title_fields: tuple[str, str, str],
    body_fields: tuple[str, str, str],
    *,
    source: str = "",
    tags: Sequence[str] = (),
    published_at: datetime | None = None,
) -> IndexDoc:
    """`analyze_document` with title and body already through `analyzed_fields` (in a worker
    process: akhbar/pipeline/index_step.py)."""
    title_surface, title_stem, title_pairs = title_fields
    body_surface, body_stem, body_pairs = body_fields
    keys = tag_keys(tags)
    return IndexDoc(
        id=article_id,
        title_surface=title_surface,
        title_stem=title_stem,
        title_pairs=title_pairs,
        body_surface=body_surface,
        body_stem=body_stem,
        body_pairs=body_pairs,
        # The words of every tag name, so a plain query word also meets the article's tags.
        tags=[name_words(key) for key in keys],
        tag_keys=keys,
        source=name_key(source),
        published=epoch_seconds(published_at),
    )

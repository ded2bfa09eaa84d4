"""Word tokens of Arabic (and mixed) text, with offsets into the original string.

Two entry points that always agree:

* `words(text)`: the normalised words only — `normalize_for_match` over the whole text once,
  then one regex. This is the fast path for indexing, dedup shingles and stemming.
* `tokenize(text)`: the same words as `Token`s that also carry the original spelling and its
  offsets, so a caller can cut `text[start:end]` (a highlighted snippet, an entity mention).

A word is a run of letters and digits (Arabic, Latin, any script). Harakat, tatweel and
zero-width characters inside a word belong to it (normalisation deletes them, so كَتَبَ is one
word, not ك/ت/ب as SQLite's unicode61 would have it). Everything else separates words: spaces,
punctuation (، ؛ ؟ « » too) and hyphens — a hyphen between letters is a space for
`normalize_for_match` (جونج-أون ≡ جونج أون), so both halves are words here as well.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from akhbar.arabic.normalize import HARAKAT, INVISIBLE, TATWEEL, normalize_for_match

#: A word in normalised text: letters and digits of any script, no underscore.
_WORD = re.compile(r"[^\W_]+")

_PRESENTATION = "\ufb50-\ufdff\ufe70-\ufefe"
_SILENT = "".join(HARAKAT) + TATWEEL + "".join(INVISIBLE)
_INVISIBLE = "".join(INVISIBLE)
_TRAILING_MARKS = frozenset("".join(HARAKAT) + TATWEEL)

# A candidate word in the original text. It starts on a letter or digit (or a presentation
# form, which NFKC turns into letters), then takes letters, digits, presentation forms and every
# character normalisation deletes (harakat, tatweel, zero-width). Those deleted characters must
# be inside spans: as separators they would vanish and glue two words together in `words()`.
_SPAN = re.compile(rf"(?![_\u0640])[\w{_PRESENTATION}][\w{_PRESENTATION}{_SILENT}]*")

# Characters inside a span that can make it normalise to anything other than exactly one word:
# presentation ligatures (ﷺ expands to four words, ﹰ to a space), the underscore (a separator for
# `_WORD`) and İ, the only letter whose lower case is not a letter (i + combining dot U+0307).
# tests/arabic/test_tokens.py re-derives the last claim over all of Unicode.
_SPLITTING = re.compile(rf"[_\u0130{_PRESENTATION}]")


@dataclass(frozen=True, slots=True)
class Token:
    """One word. `surface` is `text[start:end]`, the spelling as published.

    `norm` is the word `normalize_for_match` makes of it. When the surface is a single presentation
    ligature that expands to several words (ﷺ) is the one case where several tokens share a
    surface and each carries one of the words.
    """

    surface: str
    norm: str
    start: int
    end: int


def words(text: str) -> list[str]:
    """The normalised words of `text`, in order (punctuation dropped)."""
    return _WORD.findall(normalize_for_match(text))


def tokenize(text: str) -> list[Token]:
    """The words of `text` with their original spelling and offsets.

    `[t.norm for t in tokenize(text)] == words(text)` always holds: the norms are taken from
    `words(text)` itself, and the spans are cut so that each yields exactly its share of them.
    """
    norms = words(text)
    spans = [m.span() for m in _SPAN.finditer(text)]
    if _SPLITTING.search(text):
        return _tokenize_splitting(text, spans, norms)
    # Every span is letters/digits plus deleted characters: exactly one word each. (A frozen
    # dataclass costs 0.7 µs to build, most of this loop; keep the rest of it bare.)
    tokens: list[Token] = []
    for (start, end), norm in zip(spans, norms, strict=True):
        if text[end - 1] in _INVISIBLE:
            end = _rstrip_invisible(text, start, end)
        tokens.append(Token(text[start:end], norm, start, end))
    return tokens


def _tokenize_splitting(text: str, spans: list[tuple[int, int]], norms: list[str]) -> list[Token]:
    """The slow path, for a text holding a ligature, an underscore or İ somewhere."""
    tokens: list[Token] = []
    pending = iter(norms)
    for span_start, span_end in spans:
        span = text[span_start:span_end]
        if not _SPLITTING.search(span):
            end = _rstrip_invisible(text, span_start, span_end)
            tokens.append(_token(text, span_start, end, next(pending)))
            continue
        for start, end in _split_span(span):
            tokens.append(_token(text, span_start + start, span_start + end, next(pending)))
    return tokens


def _token(text: str, start: int, end: int, norm: str) -> Token:
    return Token(text[start:end], norm, start, end)


def _rstrip_invisible(text: str, start: int, end: int) -> int:
    # A bidi mark or ZWJ after a word is layout, not spelling: keep it out of the surface.
    while end > start + 1 and text[end - 1] in _INVISIBLE:
        end -= 1
    return end


def _split_span(span: str) -> list[tuple[int, int]]:
    """(start, end) offsets in `span` of each normalised word it yields.

    Normalises character by character and remembers which source character produced each
    output character, so a ligature or İ maps back to the characters it came from.
    """
    out: list[str] = []
    owner: list[int] = []
    for i, char in enumerate(span):
        folded = _fold_char(char)
        out.append(folded)
        owner.extend([i] * len(folded))
    folded_span = "".join(out)
    pieces: list[tuple[int, int]] = []
    for m in _WORD.finditer(folded_span):
        start, end = owner[m.start()], owner[m.end() - 1] + 1
        while end < len(span) and span[end] in _TRAILING_MARKS:
            end += 1  # harakat and tatweel belong to the letter before them
        pieces.append((start, end))
    return pieces


@functools.lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    """What `normalize_for_match` makes of one character in the middle of a word.

    The sentinels keep a leading/trailing space (ﹰ → " ً" → " ") from being stripped by the
    whitespace collapse, so a split inside a span is seen exactly as in the whole text; and
    going through the public function keeps this in step with any rule added there.
    """
    return normalize_for_match(f"a{char}a")[1:-1]

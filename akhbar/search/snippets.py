"""Snippets cut from the ORIGINAL text, with the matching words in <mark>.

A reader must see the article's own spelling (مُحَمَّد with its harakat, إلى with its hamza),
so we never show the normalised text: we tokenize the original (each token knows its offsets
and its normalised form), decide which tokens match the query by their normalised form or their
stem, pick the window of about 30 words with the most distinct matches, and cut the original
string at token offsets. Everything outside <mark> is HTML-escaped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from akhbar.arabic.tokens import Token, tokenize
from akhbar.arabic.tokens import words as words_of
from akhbar.search.analysis import query_word_stem

WINDOW_WORDS = 30
#: Words shown before the first match of the chosen window, for context.
LEAD_WORDS = 4
ELLIPSIS = "…"
_SPACES = re.compile(r"\s+")
_LINE = re.compile(r"[^\n]*\S[^\n]*")


@dataclass(frozen=True, slots=True)
class MatchTerms:
    """What counts as a match: normalised forms, and stems (any inflection)."""

    norms: frozenset[str]
    stems: frozenset[str]

    @classmethod
    def of(cls, norms: Iterable[str]) -> MatchTerms:
        norms = frozenset(norms)
        stems = (query_word_stem(n) for n in norms)
        return cls(norms, frozenset(s for s in stems if s))

    def matches(self, norm: str) -> str | None:
        """The query term this normalised word matches (its form, or its stem), or None."""
        if norm in self.norms:
            return query_word_stem(norm) or norm
        stem = query_word_stem(norm)
        return stem if stem in self.stems else None


def make_snippet(text: str, terms: MatchTerms, *, words: int = WINDOW_WORDS) -> str:
    """HTML: about `words` words of `text` around the best cluster of matches, marked."""
    # Tokens with offsets cost ~2 µs a word: pick the line with the best matches from its
    # normalised words first (cheap), then tokenize only that region of the article.
    lines = [m.span() for m in _LINE.finditer(text)]
    if not lines:
        return ""
    first = _best_line(text, lines, terms)
    region_start, region_end = lines[first][0], lines[first][1]
    taken = len(text[region_start:region_end].split())
    for _, line_end in lines[first + 1 :]:
        if taken >= words * 2:
            break
        taken += len(text[region_end:line_end].split())
        region_end = line_end
    tokens = tokenize(text[region_start:region_end])
    if not tokens:
        return ""
    region = text[region_start:region_end]
    hits = [(i, key) for i, t in enumerate(tokens) if (key := terms.matches(t.norm))]
    start = _best_start(hits, len(tokens), words)
    end = min(len(tokens), start + words)
    marked = {i for i, _ in hits if start <= i < end}
    body = _render(region, tokens, start, end, marked)
    prefix = ELLIPSIS + " " if start > 0 or first > 0 else ""
    more = end < len(tokens) or region_end < lines[-1][1]
    return prefix + body + (" " + ELLIPSIS if more else "")


def _best_line(text: str, lines: list[tuple[int, int]], terms: MatchTerms) -> int:
    """Index of the line with the most distinct matched terms (then the most matches); stops
    early at a line that has every term. The first line when nothing matches."""
    best, best_score = 0, (0, 0)
    wanted = len(terms.norms)
    for n, (start, end) in enumerate(lines):
        keys = [k for w in words_of(text[start:end]) if (k := terms.matches(w))]
        score = (len(set(keys)), len(keys))
        if score > best_score:
            best, best_score = n, score
            if score[0] >= wanted:
                break
    return best


def highlight(text: str, terms: MatchTerms) -> str:
    """HTML: the whole `text` (a title) with its matching words marked."""
    tokens = tokenize(text)
    if not tokens:
        return html.escape(text)
    marked = {i for i, t in enumerate(tokens) if terms.matches(t.norm)}
    return (
        html.escape(text[: tokens[0].start])
        + _render(text, tokens, 0, len(tokens), marked)
        + html.escape(text[tokens[-1].end :])
    )


def _best_start(hits: Sequence[tuple[int, str]], n_tokens: int, words: int) -> int:
    """First token of the window with the most distinct matched terms, then the most matches;
    the earliest such window wins (the lead of an article is usually its summary)."""
    if not hits:
        return 0
    best, best_score = 0, (-1, -1)
    for first, _ in hits:
        start = max(0, min(first - LEAD_WORDS, n_tokens - words))
        inside = [key for i, key in hits if start <= i < start + words]
        score = (len(set(inside)), len(inside))
        if score > best_score:
            best, best_score = start, score
    return best


def _render(text: str, tokens: Sequence[Token], start: int, end: int, marked: set[int]) -> str:
    parts: list[str] = []
    for i in range(start, end):
        token = tokens[i]
        if i > start:
            # Between tokens: the original punctuation and spaces; a paragraph break → a space.
            gap = text[tokens[i - 1].end : token.start]
            parts.append(html.escape(_SPACES.sub(" ", gap)))
        word = html.escape(text[token.start : token.end])
        parts.append(f"<mark>{word}</mark>" if i in marked else word)
    return "".join(parts)

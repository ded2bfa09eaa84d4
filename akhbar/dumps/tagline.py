"""Splitting a page's tag line («كلمات دلالية: ...») into the publisher's tags.

Two shapes occur. With separators (، , | ; #) the publisher already split the tags. With spaces
only («روسيا كوريا الشمالية بوتين کیم جونج أون») the words must be grouped back into tags, and
multi-word tags kept whole. The page itself is the best evidence: a tag is almost always
mentioned in the title or the body, so we segment the line with dynamic programming, scoring
each candidate segment by whether it is attested there (or in the known-tags vocabulary):

    attested n-gram (n >= 2)   n²        (grouping several words must be earned)
    attested single word       1
    word only seen with a clitic («وروسيا»)   0.5 (weak: could be a different word)
    unattested word            0
    vocabulary hit             + 0.5     (a tag we already know beats a chance co-occurrence)

An unattested multi-word segment is not allowed, so unknown words stay single tags.
The display form of a tag is its spelling in the body («كيم» with Arabic kaf) when it occurs
there; the tag line's spelling («کیم» with Persian keheh) is then kept as an alias.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass

from akhbar.arabic.normalize import normalize_for_match

__all__ = ["split_tag_line"]

MAX_TAG_WORDS = 6
_SEPARATORS = re.compile(r"[،,|;؛#]")
# A word: letters, digits, harakat, tatweel and zero-width joiners (which normalisation drops).
_WORD = re.compile(r"[^\W_][\w\u0610-\u061A\u064B-\u065F\u0670\u0640\u200C\u200D]*")
# Proclitics that glue onto a name in running text (و+روسيا, ب+غزة, ل+لبنان, وال...).
_CLITICS = (
    "وبال", "وال", "بال", "فال", "كال", "ولل", "لل", "ول", "وب", "وك", "فل", "فب",
    "و", "ف", "ب", "ل", "ك",
)  # fmt: skip
_WEAK_WORD = 0.5
_VOCABULARY_BONUS = 0.5


@dataclass(frozen=True, slots=True)
class _Span:
    norm: str
    start: int
    end: int


def _words(text: str) -> list[_Span]:
    spans = []
    for match in _WORD.finditer(text):
        norm = normalize_for_match(match.group())
        # normalize_for_match may split a word (a hyphen inside it): keep one span per piece.
        for piece in norm.split():
            spans.append(_Span(piece, match.start(), match.end()))
    return spans


@dataclass(slots=True)
class _Evidence:
    """The n-grams of the page text, for attestation checks."""

    ngrams: set[tuple[str, ...]]
    clitic_heads: set[tuple[str, ...]]  # n-grams whose first word carried a proclitic

    @classmethod
    def from_words(cls, words: list[str]) -> _Evidence:
        ngrams: set[tuple[str, ...]] = set()
        clitic_heads: set[tuple[str, ...]] = set()
        for i in range(len(words)):
            for n in range(1, MAX_TAG_WORDS + 1):
                gram = tuple(words[i : i + n])
                if len(gram) < n:
                    break
                ngrams.add(gram)
                for clitic in _CLITICS:
                    head = gram[0]
                    if head.startswith(clitic) and len(head) - len(clitic) >= 2:
                        clitic_heads.add((head[len(clitic) :], *gram[1:]))
        return cls(ngrams, clitic_heads)


def _segment_score(
    gram: tuple[str, ...], evidence: _Evidence, vocabulary: Container[str]
) -> float | None:
    """Score of one candidate tag; None when it may not be a segment at all."""
    n = len(gram)
    known = _VOCABULARY_BONUS if " ".join(gram) in vocabulary else 0.0
    if gram in evidence.ngrams:
        return n * n + known
    if gram in evidence.clitic_heads:
        return (n * n) * _WEAK_WORD + known
    if known:
        return n * n + known
    return 0.0 if n == 1 else None


def _segment(
    words: list[str], evidence: _Evidence, vocabulary: Container[str]
) -> list[tuple[int, int]]:
    """Best split of the words into (start, end) segments, by dynamic programming."""
    best: list[float] = [0.0] + [float("-inf")] * len(words)
    back: list[int] = [0] * (len(words) + 1)
    for end in range(1, len(words) + 1):
        for n in range(1, min(MAX_TAG_WORDS, end) + 1):
            score = _segment_score(tuple(words[end - n : end]), evidence, vocabulary)
            # '>' keeps the shorter segment on ties: grouping needs positive evidence.
            if score is not None and best[end - n] + score > best[end]:
                best[end], back[end] = best[end - n] + score, end - n
    segments: list[tuple[int, int]] = []
    end = len(words)
    while end > 0:
        segments.append((back[end], end))
        end = back[end]
    return segments[::-1]


def _display_form(norm: tuple[str, ...], text: str, spans: list[_Span]) -> str | None:
    """The first occurrence of the tag in the page text, cut from the original letters."""
    n = len(norm)
    for i in range(len(spans) - n + 1):
        if all(spans[i + k].norm == norm[k] for k in range(n)):
            return " ".join(text[spans[i].start : spans[i + n - 1].end].split())
    return None


def _raw_tags(line: str) -> list[str] | None:
    """Tags as written with separators; None when the line uses spaces only."""
    if not _SEPARATORS.search(line):
        return None
    parts = (" ".join(part.replace("_", " ").split()) for part in _SEPARATORS.split(line))
    return [part for part in parts if part]


def _spaced_tags(line: str, evidence: _Evidence, vocabulary: Container[str]) -> list[str]:
    line_words = _words(line)
    segments = _segment([w.norm for w in line_words], evidence, vocabulary)
    return [
        " ".join(line[line_words[start].start : line_words[end - 1].end].split())
        for start, end in segments
    ]


def split_tag_line(
    line: str, *, title: str, body: str, vocabulary: Container[str] = frozenset()
) -> list[tuple[str, list[str]]]:
    """Split a tag line into [(display form, [alias spellings])], in line order, deduplicated.

    `vocabulary` holds known tags already passed through normalize_for_match.
    """
    text = f"{title}\n{body}"
    spans = _words(text)
    written = _raw_tags(line)
    if written is None:
        evidence = _Evidence.from_words([s.norm for s in spans])
        written = _spaced_tags(line, evidence, vocabulary)
    result: dict[str, tuple[str, list[str]]] = {}
    for spelling in written:
        norm = tuple(normalize_for_match(spelling).split())
        if not norm:
            continue
        display = _display_form(norm, text, spans) or spelling
        key = " ".join(norm)
        shown, aliases = result.setdefault(key, (display, []))
        if spelling not in (shown, *aliases):
            aliases.append(spelling)
    return list(result.values())

"""Snippets cut from the ORIGINAL text, with the matching words in <mark>.

A reader must see the article's own spelling (مُحَمَّد with its harakat, إلى with its hamza),
so we never show the normalised text: we find the normalised words of the original, decide which
match the query by their normalised form or their stem, pick the window of about 30 words with
the most distinct matches, and cut the original string at the offsets of its words. Everything
outside <mark> is HTML-escaped.

Speed: a page of 20 hits reads ~6,000 words, and tokenizing them all with offsets costs ~2 µs a
word. So the work is done per whitespace-separated chunk of the text («والاتفاقية،»): a chunk's
words and their stems come from the analysis cache (akhbar.search.analysis.analyze_chunk), so
matching a line is a few set operations at C speed; only the few chunks whose offsets the
snippet shows are tokenized (and those offsets are cached too: they are mostly the query's own
words); and the text between two marks is escaped in one piece. On the search benchmark's
queries that cut a page of snippets from 78 M to 21 M instructions (14 → 4 ms), with the same
output.
"""

from __future__ import annotations

import functools
import html
import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate, chain

from akhbar.arabic.normalize import fold_in_place
from akhbar.arabic.tokens import tokenize
from akhbar.search.analysis import (
    CHUNK_WORD_STEMS,
    CHUNK_WORDS,
    ChunkAnalysis,
    analyze_chunks,
    query_word_stem,
)

WINDOW_WORDS = 30
#: Words shown before the first match of the chosen window, for context.
LEAD_WORDS = 4
ELLIPSIS = "…"
_SPACES = re.compile(r"\s+")
#: Distinct chunks whose word offsets are kept; emptied when full.
OFFSET_CACHE_SIZE = 20_000
_chunk_offsets: dict[str, tuple[tuple[int, int], ...]] = {}


@dataclass(frozen=True, slots=True)
class MatchTerms:
    """What counts as a match: a word whose stem is a query word's stem (any inflection), or,
    for a query word without a stem (a stopword, in a phrase), that very word.

    A matching word's key is its stem (or the word itself, for the latter): snippets count the
    distinct keys a stretch of text holds.
    """

    norms: frozenset[str]
    stems: frozenset[str]
    #: The query's words that have no stem: they match only as typed.
    bare: frozenset[str]
    #: Strings of which a matching word holds one (`probe`): a line whose normalised text holds
    #: none has no match, and is not analysed word by word.
    probes: tuple[str, ...]

    @classmethod
    def of(cls, norms: Iterable[str]) -> MatchTerms:
        norms = frozenset(norms)
        stems = {n: query_word_stem(n) for n in norms}
        found = frozenset(s for s in stems.values() if s)
        bare = frozenset(n for n, s in stems.items() if not s)
        return cls(norms, found, bare, tuple(sorted({*map(probe, found), *bare})))

    def key(self, norm: str, stem: str) -> str | None:
        """The key of a normalised word whose stem is `stem` ("" for none), or None."""
        if stem:
            return stem if stem in self.stems else None
        return norm if norm in self.bare else None

    def score(self, analyses: list[ChunkAnalysis]) -> tuple[int, int]:
        """(distinct keys, matching words) in these chunks, counted at C speed."""
        # The stems tuples hold strings hashed before: set lookups on them cost no hashing.
        stems = list(chain.from_iterable(map(CHUNK_WORD_STEMS, analyses)))
        keys = self.stems.intersection(stems)
        matching = sum(map(self.stems.__contains__, stems)) if keys else 0
        if self.bare:
            bare = [w for w in chain.from_iterable(map(CHUNK_WORDS, analyses)) if w in self.bare]
            keys = keys.union(bare)
            matching += len(bare)
        return len(keys), matching

    def hits(self, analyses: list[ChunkAnalysis]) -> list[tuple[int, str]]:
        """(index, key) of each matching word of these chunks, in order."""
        stems = chain.from_iterable(map(CHUNK_WORD_STEMS, analyses))
        if not self.bare:
            return [(i, s) for i, s in enumerate(stems) if s in self.stems]
        norms = chain.from_iterable(map(CHUNK_WORDS, analyses))
        return [
            (i, key)
            for i, (w, s) in enumerate(zip(norms, stems, strict=True))
            if (key := self.key(w, s)) is not None
        ]


def probe(stem: str) -> str:
    """What every normalised word with this stem holds: the stem without its first letter.

    The light stemmer takes letters off a word's ends, and may rewrite the first letter of what
    remains (يستطيع → استطيع, للعراق → العراق), never the rest: over the 50,000 commonest Arabic
    words and our test corpora no word misses its stem's probe (a test checks it). Should a
    word ever do so, its line would only lose the contest for the best line (the snippet
    window is still matched word by word), or, when no line holds a probe, the snippet would
    be the text's lead.
    """
    return stem[1:] if len(stem) >= 3 else stem


def chunk_word_offsets(chunk: str) -> tuple[tuple[int, int], ...]:
    """(start, end) in `chunk` of each of its words, as `tokenize` cuts them (cached)."""
    found = _chunk_offsets.get(chunk)
    if found is None:
        if len(_chunk_offsets) >= OFFSET_CACHE_SIZE:
            _chunk_offsets.clear()
        found = _chunk_offsets[chunk] = tuple((t.start, t.end) for t in tokenize(chunk))
    return found


class _Lines:
    """The non-blank lines of a text, each split into chunks and analysed when first asked."""

    def __init__(self, text: str, *, one_line: bool = False) -> None:
        """`one_line`: the whole text is one line (a title), whatever breaks it holds."""
        self.text = text
        self.spans: list[tuple[int, int]] = []
        #: Index of each non-blank line among all the lines of the text.
        self._numbers: list[int] = []
        at = 0
        for number, line in enumerate([text] if one_line else text.split("\n")):
            if line and not line.isspace():
                self.spans.append((at, at + len(line)))
                self._numbers.append(number)
            at += len(line) + 1
        self._folded: list[str] | None = None
        self._chunks: dict[int, list[str]] = {}
        self._analyses: dict[int, list[ChunkAnalysis]] = {}

    def chunks(self, n: int) -> list[str]:
        found = self._chunks.get(n)
        if found is None:
            start, end = self.spans[n]
            found = self._chunks[n] = self.text[start:end].split()
        return found

    def may_match(self, n: int, probes: Sequence[str]) -> bool:
        """Whether the folded text of line n holds one of `probes` (the text is folded once,
        in one piece: cheaper than normalising line by line)."""
        if self._folded is None:
            self._folded = fold_in_place(self.text).split("\n")
        line = self._folded[self._numbers[n]]
        return any(p in line for p in probes)

    def analyses(self, n: int) -> list[ChunkAnalysis]:
        """The analysis of each chunk of line n. The normaliser never joins or splits words
        across whitespace: the words of the line are its chunks' words, in order."""
        found = self._analyses.get(n)
        if found is None:
            found = self._analyses[n] = analyze_chunks(self.chunks(n))
        return found

    def word_spans(self, first: int, wanted: set[int]) -> dict[int, tuple[int, int]]:
        """Offsets in the text of the `wanted` words, counted from the first word of line
        `first`. Only the chunks holding them are tokenized (`chunk_word_offsets`)."""
        spans: dict[int, tuple[int, int]] = {}
        todo = sorted(wanted)
        i, at, n = 0, 0, first  # at: index of line n's first word
        while i < len(todo):
            analyses = self.analyses(n)
            ends = list(accumulate(map(len, map(CHUNK_WORDS, analyses))))  # words up to each chunk
            line_start, line_end = self.spans[n]
            while i < len(todo) and todo[i] < at + (ends[-1] if ends else 0):
                w = todo[i] - at
                k = bisect_right(ends, w)  # the chunk holding word w
                skip = _skip_chunks(k).match(self.text, line_start, line_end)
                assert skip is not None  # line n has a chunk k
                word_start, word_end = chunk_word_offsets(self.chunks(n)[k])[
                    w - ends[k] + len(CHUNK_WORDS(analyses[k]))
                ]
                spans[todo[i]] = (skip.end() + word_start, skip.end() + word_end)
                i += 1
            at += ends[-1] if ends else 0
            n += 1
        return spans


@functools.lru_cache(maxsize=256)
def _skip_chunks(k: int) -> re.Pattern[str]:
    """Matches from a line's start to its k-th chunk (0-based): the chunk's offset, found by
    the regex engine instead of a Python loop over the chunks before it."""
    return re.compile(rf"\s*(?:\S+\s+){{{k}}}")


def page_snippets(
    bodies: Sequence[str], titles: Sequence[str], terms: MatchTerms
) -> tuple[list[str], list[str]]:
    """`make_snippet` of each body and `highlight` of each title, for one page of hits.

    The chunks a page will most likely need (every title, and in each body the region after its
    first line holding a probe: the region shown when that line is the best, as it is for a
    one-word query) are analysed first, in one batch: per call, the analysis costs a few µs
    besides its words, and a page made ~3 calls a hit."""
    texts = [_Lines(body) for body in bodies]
    wanted = [chunk for title in titles for chunk in title.split()]
    for lines in texts:
        if lines.spans:
            first = next(
                (n for n in range(len(lines.spans)) if lines.may_match(n, terms.probes)), 0
            )
            wanted += [chunk for n in _region(lines, first) for chunk in lines.chunks(n)]
    analyze_chunks(wanted)
    return [_snippet(lines, terms) for lines in texts], [highlight(t, terms) for t in titles]


def make_snippet(text: str, terms: MatchTerms, *, words: int = WINDOW_WORDS) -> str:
    """HTML: about `words` words of `text` around the best cluster of matches, marked."""
    return _snippet(_Lines(text), terms, words=words)


def _snippet(lines: _Lines, terms: MatchTerms, *, words: int = WINDOW_WORDS) -> str:
    text = lines.text
    if not lines.spans:
        return ""
    first = _best_line(lines, terms)
    region_lines = _region(lines, first, words)
    last = region_lines[-1]
    region = [a for n in region_lines for a in lines.analyses(n)]
    size = sum(map(len, map(CHUNK_WORDS, region)))
    if not size:
        return ""
    hits = terms.hits(region)
    start = _best_start(hits, size, words)
    end = min(size, start + words)
    marked = [i for i, _ in hits if start <= i < end]
    spans = lines.word_spans(first, {start, end - 1, *marked})
    body = _render(text, spans[start][0], spans[end - 1][1], [spans[i] for i in marked])
    prefix = ELLIPSIS + " " if start > 0 or first > 0 else ""
    more = end < size or last < len(lines.spans) - 1
    return prefix + body + (" " + ELLIPSIS if more else "")


def _region(lines: _Lines, first: int, words: int = WINDOW_WORDS) -> range:
    """The lines a snippet's window is chosen in: line `first` and the lines after it, up to
    twice the window's length (counted in chunks)."""
    last = first
    taken = len(lines.chunks(first))
    while last + 1 < len(lines.spans) and taken < words * 2:
        last += 1
        taken += len(lines.chunks(last))
    return range(first, last + 1)


def _best_line(lines: _Lines, terms: MatchTerms) -> int:
    """Index of the line with the most distinct matched terms (then the most matches); stops
    early at a line that has every term. The first line when nothing matches.

    Only the lines whose normalised text holds a probe of the query are analysed word by word
    (one normalisation of a line costs less than looking up its chunks' analyses, and far
    less than analysing chunks never seen before): every matching word holds one (`probe`)."""
    best, best_score = 0, (0, 0)
    wanted = len(terms.norms)
    # No line holding a probe means no line with a match: the first line, nothing analysed.
    # (16 % of the hits of the search benchmark's queries, matched by their title or tags.)
    for n in [n for n in range(len(lines.spans)) if lines.may_match(n, terms.probes)]:
        score = terms.score(lines.analyses(n))
        if score > best_score:
            best, best_score = n, score
            if score[0] >= wanted:
                break
    return best


def highlight(text: str, terms: MatchTerms) -> str:
    """HTML: the whole `text` (a title) with its matching words marked."""
    title = _Lines(text, one_line=True)
    if not title.spans:
        return html.escape(text)
    analyses = title.analyses(0)
    size = sum(map(len, map(CHUNK_WORDS, analyses)))
    if not size:
        return html.escape(text)
    marked = [i for i, _ in terms.hits(analyses)]
    if not marked and "  " not in text and text.isprintable():
        return html.escape(text)  # nothing to mark and no whitespace to collapse
    spans = title.word_spans(0, {0, size - 1, *marked})
    first, last = spans[0][0], spans[size - 1][1]
    return (
        html.escape(text[:first])
        + _render(text, first, last, [spans[i] for i in marked])
        + html.escape(text[last:])
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


def _render(text: str, start: int, end: int, marked: list[tuple[int, int]]) -> str:
    """text[start:end] as HTML, the `marked` words (offsets, ascending) in <mark>.

    The original punctuation and spaces stay between words; a run of whitespace (a paragraph
    break) becomes one space. Words hold no whitespace, so each stretch between two marks is
    collapsed and escaped in one piece, and the original text is shown once even where one
    ligature stands for several words.
    """
    parts: list[str] = []
    at = start
    for word_start, word_end in marked:
        if word_start < at:
            continue  # another word of the same ligature (ﷺ is four words): marked already
        parts.append(html.escape(_SPACES.sub(" ", text[at:word_start])))
        parts.append(f"<mark>{html.escape(text[word_start:word_end])}</mark>")
        at = word_end
    parts.append(html.escape(_SPACES.sub(" ", text[at:end])))
    return "".join(parts)

"""Snippets and highlighted titles: the fast path (chunk analyses, offsets of the few words
shown) gives exactly what tokenizing the whole text gives — the reference below is the
straightforward algorithm, kept here as the definition."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from akhbar.arabic.normalize import fold_in_place, normalize_for_match
from akhbar.arabic.tokens import Token, tokenize
from akhbar.arabic.tokens import words as words_of
from akhbar.search import analysis, snippets
from akhbar.search.analysis import ChunkAnalysis, analyze_chunks, query_word_stem
from akhbar.search.snippets import (
    LEAD_WORDS,
    WINDOW_WORDS,
    MatchTerms,
    highlight,
    make_snippet,
    page_snippets,
    probe,
)

# --- the reference: tokenize everything, match word by word ----------------------------------

_SPACES = re.compile(r"\s+")
_LINE = re.compile(r"[^\n]*\S[^\n]*")


def ref_matches(norms: frozenset[str], norm: str) -> str | None:
    stems = {s for n in norms if (s := query_word_stem(n))}
    if norm in norms:
        return query_word_stem(norm) or norm
    stem = query_word_stem(norm)
    return stem if stem in stems else None


def ref_render(text: str, tokens: list[Token], start: int, end: int, marked: set[int]) -> str:
    """Word by word; the words of one ligature (ﷺ is four) share a span, shown once."""
    parts: list[str] = []
    spans = {(t.start, t.end) for i, t in enumerate(tokens) if i in marked}
    shown: tuple[int, int] | None = None
    for i in range(start, end):
        span = (tokens[i].start, tokens[i].end)
        if span == shown:
            continue
        if shown is not None:
            parts.append(html.escape(_SPACES.sub(" ", text[shown[1] : span[0]])))
        word = html.escape(text[span[0] : span[1]])
        parts.append(f"<mark>{word}</mark>" if span in spans else word)
        shown = span
    return "".join(parts)


def ref_best_start(hits: list[tuple[int, str]], n_tokens: int, words: int) -> int:
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


def ref_snippet(text: str, norms: frozenset[str], words: int = WINDOW_WORDS) -> str:
    lines = [m.span() for m in _LINE.finditer(text)]
    if not lines:
        return ""
    first, best_score = 0, (0, 0)
    for n, (start, end) in enumerate(lines):
        keys = [k for w in words_of(text[start:end]) if (k := ref_matches(norms, w))]
        score = (len(set(keys)), len(keys))
        if score > best_score:
            first, best_score = n, score
            if score[0] >= len(norms):
                break
    region_start, region_end = lines[first]
    taken = len(text[region_start:region_end].split())
    for _, line_end in lines[first + 1 :]:
        if taken >= words * 2:
            break
        taken += len(text[region_end:line_end].split())
        region_end = line_end
    region = text[region_start:region_end]
    tokens = tokenize(region)
    if not tokens:
        return ""
    hits = [(i, k) for i, t in enumerate(tokens) if (k := ref_matches(norms, t.norm))]
    start = ref_best_start(hits, len(tokens), words)
    end = min(len(tokens), start + words)
    marked = {i for i, _ in hits if start <= i < end}
    prefix = "… " if start > 0 or first > 0 else ""
    more = end < len(tokens) or region_end < lines[-1][1]
    return prefix + ref_render(region, tokens, start, end, marked) + (" …" if more else "")


def ref_highlight(text: str, norms: frozenset[str]) -> str:
    tokens = tokenize(text)
    if not tokens:
        return html.escape(text)
    marked = {i for i, t in enumerate(tokens) if ref_matches(norms, t.norm)}
    return (
        html.escape(text[: tokens[0].start])
        + ref_render(text, tokens, 0, len(tokens), marked)
        + html.escape(text[tokens[-1].end :])
    )


# --- cases -------------------------------------------------------------------------------------

FILLER = "وتناول اللقاء سبل تطوير العمل المشترك في عدة مجالات خلال المرحلة المقبلة."

TEXTS = [
    "استقبلَ وليُّ العهدِ مُحَمَّدُ بنُ سلمانَ في الرياضِ وفداً أوروبياً <رفيعاً> & كبيراً.",
    " ".join([FILLER] * 5) + " وأعلنت الوزارة اكتشاف حقل للغاز قبالة الساحل. " + FILLER * 4,
    f"{FILLER}\n\n«الاتفاقية»، وقّعت مصرُ الاتفاقيات\u200f التجارية (مع) السعودية.\n\n{FILLER}",
    "ألقى كيم-جونغ-أون خطاباً، وقال جونج-أون: ﷺ ﻻ تراجع.\r\n\r\n" + FILLER,
    "\n\n   " + FILLER + "\t\xa0 والاتفاقية\u200d\u200c في مصر\u2028الذي قال   \n",
    "COVID-19 في İstanbul و٢٠٢٤؛ الذي والذي قال الذي لبورصة",
    "",
    "  \n \t",
    "، ؛ ؟",
    "\n".join(f"سطر {n} " + FILLER for n in range(12)) + "\nمصر والاتفاقية في النهاية",
]

QUERIES = [
    ["محمد"],
    ["الغاز"],
    ["الله"],
    ["اتفاقيه", "مصر"],
    ["الذي", "قال"],
    ["جونج", "اون"],
    ["covid", "istanbul"],
    ["سلمان", "الرياض", "وفد"],
    ["غير", "موجود"],
]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("query", QUERIES)
def test_snippet_equals_the_reference(text: str, query: list[str]) -> None:
    norms = frozenset(query)
    assert make_snippet(text, MatchTerms.of(norms)) == ref_snippet(text, norms)


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("query", QUERIES)
def test_highlighted_title_equals_the_reference(text: str, query: list[str]) -> None:
    norms = frozenset(query)
    assert highlight(text, MatchTerms.of(norms)) == ref_highlight(text, norms)


@pytest.mark.parametrize("query", QUERIES)
def test_a_page_of_snippets_equals_one_at_a_time(query: list[str]) -> None:
    # page_snippets analyses the likely regions of every hit first, in one batch.
    analysis._chunks.clear()  # so that the batch, not an earlier test, analyses the chunks
    terms = MatchTerms.of(query)
    titles = [text[:40] for text in reversed(TEXTS)]
    bodies, marked = page_snippets(TEXTS, titles, terms)
    assert bodies == [ref_snippet(text, terms.norms) for text in TEXTS]
    assert marked == [ref_highlight(title, terms.norms) for title in titles]


def test_a_page_of_one_word_snippets_is_analysed_in_one_batch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    analysis._chunks.clear()
    batches: list[list[str]] = []
    analyze_new = analysis._analyze_new

    def counting(chunks: list[str]) -> dict[str, ChunkAnalysis]:
        batches.append(chunks)
        return analyze_new(chunks)

    monkeypatch.setattr(analysis, "_analyze_new", counting)
    page_snippets(TEXTS, [text[:40] for text in TEXTS], MatchTerms.of(["الغاز"]))
    assert len(batches) == 1


def test_one_match_terms_serves_many_texts() -> None:
    terms = MatchTerms.of(["اتفاقيه", "مصر"])
    for text in TEXTS * 2:
        assert make_snippet(text, terms) == ref_snippet(text, terms.norms)


def test_snippet_marks_inflections_and_the_original_spelling() -> None:
    snippet = make_snippet(TEXTS[2], MatchTerms.of(["اتفاقيه"]))
    assert snippet.startswith("… <mark>الاتفاقية</mark>»، وقّعت مصرُ <mark>الاتفاقيات</mark>\u200f")


def test_ligature_is_shown_once_however_many_of_its_words_match() -> None:
    title = "قال ﷺ في الحديث"
    assert highlight(title, MatchTerms.of(["الله", "صلي"])) == "قال <mark>ﷺ</mark> في الحديث"


# --- probes: lines that cannot match are not analysed ----------------------------------------


def gold_words() -> set[str]:
    path = Path(__file__).parent / "data" / "articles.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return {w for row in rows for text in (row["title"], row["body"]) for w in words_of(text)}


def test_every_word_holds_the_probe_of_its_stem() -> None:
    # What lets a line without any probe be skipped (snippets.probe).
    missed = [
        (word, stem)
        for word in sorted(gold_words())
        if (stem := query_word_stem(word)) and probe(stem) not in word
    ]
    assert missed == []


@pytest.mark.parametrize("text", TEXTS)
def test_folding_in_place_keeps_the_lines(text: str) -> None:
    folded = fold_in_place(text).split("\n")
    lines = text.split("\n")
    assert len(folded) == len(lines)
    for raw, line in zip(lines, folded, strict=True):
        assert normalize_for_match(line) == normalize_for_match(raw)


def test_lines_without_a_probe_are_not_analysed(monkeypatch: pytest.MonkeyPatch) -> None:
    analysed: list[list[str]] = []

    def counting(chunks: list[str]) -> list[ChunkAnalysis]:
        analysed.append(list(chunks))
        return analyze_chunks(chunks)

    monkeypatch.setattr(snippets, "analyze_chunks", counting)
    text = "\n".join(f"سطر {n} " + FILLER for n in range(12))
    terms = MatchTerms.of(["الاتفاقيه"])  # in no line
    assert make_snippet(text, terms) == ref_snippet(text, terms.norms)
    # Only the lead's region (the first line and those up to twice the window) is read.
    assert sum(map(len, analysed)) <= 2 * WINDOW_WORDS + len(text.split("\n")[0].split())

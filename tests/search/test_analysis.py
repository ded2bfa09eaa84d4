"""The chunk-cached analysis gives exactly what analysing the whole text gives: the words of
`words(text)` and the stems of its content words, in order, for every kind of text the
normaliser treats specially."""

from __future__ import annotations

import gc
import json
from itertools import pairwise
from pathlib import Path

import pytest

from akhbar.arabic.stem import stem_words
from akhbar.arabic.stopwords import stopwords
from akhbar.arabic.tokens import words
from akhbar.search import analysis
from akhbar.search.analysis import Analyzed, analyze, analyze_document, analyzed_fields

#: Texts where a chunk-by-chunk reading could go wrong: harakat, tatweel and invisible marks
#: (deleted by the normaliser), hyphens between letters (folded to a space), presentation
#: ligatures that expand to several words, punctuation glued to words, Latin with İ, digits,
#: and every kind of whitespace and line break.
TRICKY = [
    "استقبلَ وليُّ العهدِ مُحَمَّدُ بنُ سلمانَ في الرياضِ وفداً.",
    "مـحـمـد والــوزيـر",
    "قال\u200cالوزير إن\u200f الاتفاق\u200d، تم\u2066 توقيعه\u2069.",
    "كيم-جونغ-أون و جونج-أون -الحزب- - و-",
    "صلى الله عليه وسلم ﷺ في المدينة ﻻ شك",
    "«الاتفاقية»، (مصر)؛ قال:محمد «والاتفاقيات»!؟",
    "COVID-19 في İstanbul و٢٠٢٤ و2024م، والـ5G",
    "سطر أول\r\nسطر ثان\tبعد جدولة\xa0ومسافة\u2028ثم فاصل\n\n\nفقرة أخيرة   ",
    "",
    "   \n\t ",
    "، ؛ ؟ ! … - «»",
    "في من على إلى عن الذي التي هذا هذه",
]


def reference(text: str) -> Analyzed:
    """The definition: words of the whole text, stems of those that are not stopwords."""
    surface = words(text)
    stop = stopwords()
    return Analyzed(surface, stem_words([w for w in surface if w not in stop]))


def gold_texts() -> list[str]:
    path = Path(__file__).parent / "data" / "articles.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [text for row in rows for text in (row["title"], row["body"])]


@pytest.mark.parametrize("text", TRICKY + gold_texts())
def test_chunked_analysis_equals_analysing_the_whole_text(text: str) -> None:
    expected = reference(text)
    assert analyze(text) == expected
    surface, stems, pairs = analyzed_fields(text)
    assert (surface.split(), stems.split()) == (expected.surface, expected.stems)
    # Every two adjacent words of which one is a stopword, as one term.
    stop = stopwords()
    assert pairs.split() == [
        f"{a}_{b}" for a, b in pairwise(expected.surface) if a in stop or b in stop
    ]


def test_analysis_is_the_same_when_the_cache_is_emptied_while_reading(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(analysis, "CHUNK_CACHE_SIZE", 3)
    analysis._chunks.clear()
    largest = max(len(set(text.split())) for text in TRICKY)
    for text in TRICKY * 2:
        assert analyze(text) == reference(text)
        # Emptied when full: it holds at most 3 chunks, or the new chunks of one text.
        assert len(analysis._chunks) <= max(3, largest)


def test_cached_analyses_drop_out_of_the_garbage_collectors_walks() -> None:
    # Plain tuples of strings: after one collection, full collections no longer visit them
    # (named tuples stayed tracked: ~70 ms a collection with the cache of a busy reader).
    analysis._chunks.clear()
    analyze(" ".join(TRICKY))
    gc.collect()  # lets go of the inner tuples
    gc.collect()  # and then of the tuples that hold only those and strings
    assert analysis._chunks
    assert not any(gc.is_tracked(found) for found in analysis._chunks.values())


def test_chunks_are_analysed_apart_even_holding_the_separator() -> None:
    # New chunks are normalised together, joined by NUL; a chunk holding NUL itself must not
    # shift the words of the others.
    analysis._chunks.clear()
    text = "كتب\x00الوزير مُحَمَّد-علي «القاهرة» a\x00b والاتفاقيات"
    assert analyze(text) == reference(text)


def test_document_fields_hold_the_analysed_words() -> None:
    doc = analyze_document(
        7,
        "مُحَمَّد يزور الرياضَ",
        TRICKY[0] + "\n\n" + TRICKY[5],
        source="الأهرام",
        tags=["مُحَمَّد بن سلمان", "السعودية", "محمد بن سلمان"],
    )
    assert doc.title_surface.split() == ["محمد", "يزور", "الرياض"]
    assert doc.body_stem.split() == reference(TRICKY[0] + "\n\n" + TRICKY[5]).stems
    assert doc.tag_keys == ["محمد بن سلمان", "السعوديه"]
    assert doc.tags == ["محمد بن سلمان", "السعوديه"]
    assert doc.source == "الاهرام"

"""`Words`: the words of a text read once, cut from the original exactly as `tokenize` cuts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from akhbar.arabic.tokens import tokenize, words
from akhbar.enrich.text import Words, split_words

SAMPLES = [
    "استقبل الرئيس الروسي فلاديمير بوتين، اليوم الخميس، الزعيم کیم جونج-أون.",
    "المَملكة العربية السعودية وجمهورية ايران",  # harakat inside a word
    "قالــت الوزارة\u200f إن الخطة\u200c جاهزة",  # tatweel, bidi mark, ZWNJ
    "أوبك+ تمدد الخفض حتى 2024 و«فيفا» يعلن",
    "word_with_underscore وİstanbul وﷺ",  # the slow path: tokenize itself
    "",
    "  \n\n ، ",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_surfaces_and_gaps_are_those_of_tokenize(text: str) -> None:
    tokens = tokenize(text)
    surfaces, gaps = split_words(text, words(text))
    assert surfaces == [t.surface for t in tokens]
    assert len(gaps) == len(tokens) + 1
    if tokens:
        assert gaps[0] == text[: tokens[0].start]
        assert gaps[-1] == text[tokens[-1].end :]


_ALPHABET = st.sampled_from(
    [*"كيمجونغأإآاةىیکـ", "\u064e", "\u0651", "\u200f", "\u200c", " ", "-", "،", "\n", "1"]
)


@settings(max_examples=300, deadline=None)
@given(st.text(_ALPHABET, max_size=40))
def test_any_text_is_cut_like_tokenize(text: str) -> None:
    tokens = tokenize(text)
    surfaces, gaps = split_words(text, words(text))
    assert surfaces == [t.surface for t in tokens]
    starts = [t.start for t in tokens] + [len(text)]
    ends = [0, *(t.end for t in tokens)]
    assert gaps == [text[e:s] for e, s in zip(ends, starts, strict=True)]


def test_phrase_keeps_the_published_spelling_and_hyphen() -> None:
    ws = Words("التقى الزعيم کیم جونج-أون   بالرئيس")
    assert ws.phrase(2, 3) == "کیم جونج-أون"
    assert ws.surface(5) == "بالرئيس"


def test_breaks_are_punctuation_and_line_breaks_not_hyphens() -> None:
    ws = Words("قال الوزير، عبد المجيد-تبون\nإن")
    assert [ws.broke(i) for i in range(len(ws))] == [False, False, True, False, False, True]

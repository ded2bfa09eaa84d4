"""tokenize() and words(): offsets into the original text, punctuation, and their agreement."""

from __future__ import annotations

import dataclasses
import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from akhbar.arabic.normalize import normalize_for_match
from akhbar.arabic.tokens import Token, tokenize, words
from tests.arabic.test_normalize import ARABICISH

REPORT = (
    "أعلنَ وزيرُ الخارجيّة، صباح اليوم، أنّ «المفاوضات» ستُستأنف في الدوحة؛ "
    "فهل تنجح هذه المرّة؟ وقال: إنّ ٣ وفود وصلت (بينها وفد جونج-أون) قبل ١٠:٣٠."
)


def test_surface_is_the_original_slice_and_norm_its_normal_form() -> None:
    tokens = tokenize(REPORT)
    assert tokens
    for token in tokens:
        assert REPORT[token.start : token.end] == token.surface
        assert token.norm == normalize_for_match(token.surface)


def test_tokens_keep_harakat_in_surface_but_not_in_norm() -> None:
    first = tokenize(REPORT)[0]
    assert (first.surface, first.norm, first.start, first.end) == ("أعلنَ", "اعلن", 0, 5)


@pytest.mark.parametrize("mark", ["،", "؛", "؟", "«", "»", ".", ":", "(", ")", "!", '"', "…"])
def test_punctuation_is_dropped(mark: str) -> None:
    assert words(f"غزة{mark}رفح") == ["غزه", "رفح"]
    assert [t.surface for t in tokenize(f"غزة{mark} رفح")] == ["غزة", "رفح"]


def test_report_words_are_in_order_without_punctuation() -> None:
    assert words(REPORT)[:8] == [
        "اعلن",
        "وزير",
        "الخارجيه",
        "صباح",
        "اليوم",
        "ان",
        "المفاوضات",
        "ستستانف",
    ]
    assert "جونج" in words(REPORT) and "اون" in words(REPORT)
    assert all(re.fullmatch(r"[^\W_]+", w) for w in words(REPORT))


def test_hyphen_inside_a_name_splits_it_like_normalize_for_match() -> None:
    tokens = tokenize("كيم جونج-أون")
    assert [(t.surface, t.norm) for t in tokens] == [
        ("كيم", "كيم"),
        ("جونج", "جونج"),
        ("أون", "اون"),
    ]
    assert [t.norm for t in tokens] == normalize_for_match("كيم جونج-أون").split()


def test_tatweel_inside_a_word_stays_in_the_surface() -> None:
    [token] = tokenize("«جـــميـل»")
    assert (token.surface, token.norm, token.start, token.end) == ("جـــميـل", "جميل", 1, 9)


def test_standalone_tatweel_and_harakat_are_not_words() -> None:
    assert tokenize("ـ ـَ ًّ") == []
    assert words("ـ ـَ ًّ") == []


@pytest.mark.parametrize(
    ("text", "norms"),
    [
        ("عام ٢٠٢٤", ["عام", "2024"]),
        ("سنة ۱۴۰۳", ["سنه", "1403"]),
        ("الفترة 2023-2024", ["الفتره", "2023", "2024"]),
        ("نسبة 3.5%", ["نسبه", "3", "5"]),
    ],
)
def test_digits_are_words_and_fold_to_ascii(text: str, norms: list[str]) -> None:
    assert [t.norm for t in tokenize(text)] == norms


def test_latin_words_are_tokens_with_lowercase_norm() -> None:
    tokens = tokenize("قالت BBC News إن")
    assert [(t.surface, t.norm) for t in tokens[1:3]] == [("BBC", "bbc"), ("News", "news")]


def test_zero_width_inside_a_word_keeps_one_token() -> None:
    [token] = tokenize("سو\u200cريا")
    assert token.norm == "سوريا" and token.surface == "سو\u200cريا"


def test_bidi_mark_after_a_word_is_not_part_of_its_surface() -> None:
    tokens = tokenize("\u200fبيروت\u200f، دمشق\u200e")
    assert [t.surface for t in tokens] == ["بيروت", "دمشق"]
    assert [t.start for t in tokens] == [1, 9]


def test_underscore_separates_words() -> None:
    tokens = tokenize("ملف_سري")
    assert [(t.surface, t.start, t.end) for t in tokens] == [("ملف", 0, 3), ("سري", 4, 7)]


def test_ligature_that_expands_to_words_gives_tokens_sharing_its_surface() -> None:
    tokens = tokenize("النبي ﷺ قال")
    assert [t.norm for t in tokens] == ["النبي", "صلي", "الله", "عليه", "وسلم", "قال"]
    assert {(t.surface, t.start, t.end) for t in tokens[1:5]} == {("ﷺ", 6, 7)}


def test_lam_alef_ligature_is_one_word() -> None:
    [token] = tokenize("\ufefb")
    assert (token.surface, token.norm) == ("\ufefb", "لا")


def test_letter_whose_lowercase_has_a_combining_dot_stays_one_token() -> None:
    tokens = tokenize("زار İstanbul")
    assert [(t.surface, t.norm) for t in tokens] == [("زار", "زار"), ("İstanbul", "istanbul")]


def test_empty_and_blank_text_have_no_tokens() -> None:
    assert tokenize("") == [] and words("") == []
    assert tokenize(" \n\t،") == [] and words(" \n\t،") == []


def test_token_is_immutable() -> None:
    token = Token("غزة", "غزه", 0, 3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        token.norm = "x"  # type: ignore[misc]


def test_only_dotted_capital_i_lowercases_to_more_than_a_word() -> None:
    # tokens.py takes a fast path unless a text holds one of a few characters that may not
    # normalise to exactly one word; this re-derives that list's claim about letters.
    word = re.compile(r"[^\W_]+")
    splitting = [
        c
        for c in map(chr, range(0x110000))
        if c.isalnum() and c.lower() != c and not word.fullmatch(c.lower())
    ]
    assert splitting == ["\u0130"]


def test_arabic_block_letters_each_normalize_to_one_word() -> None:
    word = re.compile(r"[^\W_]+")
    letters = [chr(c) for c in range(0x0600, 0x0700) if chr(c).isalnum() and c != 0x0640]
    assert letters
    assert all(word.fullmatch(normalize_for_match(f"ب{c}ب")) for c in letters)


@pytest.mark.parametrize(
    "text",
    [
        REPORT,
        "كَتَبَ الرَّئِيسُ: «سَنَنْتَصِرُ» — ﷺ ﻻ ﷲ",
        "پژوهش چهارم ۱۴۰۳ — ڤيينا",
        "İzmir_Ankara ﹰ ـ كتﹰب",
        "a-b 1-2 ب-ج ب- -ج",
    ],
)
def test_words_agree_with_tokenize(text: str) -> None:
    assert words(text) == [t.norm for t in tokenize(text)]


@settings(max_examples=400)
@given(ARABICISH)
def test_words_agree_with_tokenize_on_arabicish_text(text: str) -> None:
    tokens = tokenize(text)
    assert [t.norm for t in tokens] == words(text)
    assert all(text[t.start : t.end] == t.surface for t in tokens)
    assert all(a.start <= b.start for a, b in itertools.pairwise(tokens))


@given(st.text(max_size=30))
def test_words_agree_with_tokenize_on_any_text(text: str) -> None:
    assert [t.norm for t in tokenize(text)] == words(text)

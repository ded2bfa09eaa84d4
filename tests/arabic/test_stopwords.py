"""is_stopword / stopwords(): the arabic-stopwords list plus our news filler, normalised."""

from __future__ import annotations

import pytest

from akhbar.arabic.normalize import normalize_for_match
from akhbar.arabic.stopwords import is_stopword, read_word_list, stopwords


@pytest.mark.parametrize(
    "word",
    ["في", "من", "الذي", "والذي", "ولكنهم", "بعدما", "إلى", "على", "هذه", "أنّ", "لكنَّ"],
)
def test_particles_and_pronouns_are_stopwords(word: str) -> None:
    assert is_stopword(normalize_for_match(word))


@pytest.mark.parametrize(
    "word",
    [
        "اليوم",
        "أمس",
        "الخميس",
        "الإثنين",
        "الأسبوع",
        "الشهر",
        "العام",
        "يناير",
        "تشرين",
        "جانفي",
        "دجنبر",
        "قال",
        "وقال",
        "أعلنت",
        "أضاف",
        "وأضاف",
        "فأضافت",  # conjunction ف added by the loader
        "وأكدت",  # conjunction و added by the loader
        "الماضي",
        "المقبل",
    ],
)
def test_news_filler_is_a_stopword(word: str) -> None:
    assert is_stopword(normalize_for_match(word))


@pytest.mark.parametrize(
    "word",
    ["الحكومة", "فلسطين", "بيروت", "انتخابات", "رمضان", "رجب", "بيان", "جمعة", "خميس", "زلزال"],
)
def test_topic_words_and_names_are_not_stopwords(word: str) -> None:
    assert not is_stopword(normalize_for_match(word))


def test_unnormalised_spelling_is_not_looked_up() -> None:
    # The set holds normalised forms only: callers normalise first, as the index does.
    assert is_stopword("امس") and not is_stopword("أمس")


def test_every_stopword_is_in_normal_form_and_one_word() -> None:
    assert all(normalize_for_match(w) == w and " " not in w for w in stopwords())


def test_stopwords_combine_the_package_list_and_ours() -> None:
    words = stopwords()
    assert isinstance(words, frozenset)
    assert len(words) > 13_000  # the package alone has 13,283 normal forms
    assert "الخميس" in words and "والذي" in words


def test_stopwords_are_built_once() -> None:
    assert stopwords() is stopwords()


def test_news_list_has_no_comment_or_blank_entries() -> None:
    entries = read_word_list("news_stopwords.txt")
    assert entries and all(e.strip() == e and e and not e.startswith("#") for e in entries)
    assert "اليوم" in entries

"""Every rule of normalize_for_match, one parametrised case each; clean_for_display; idempotency."""

from __future__ import annotations

from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from akhbar.arabic import normalize
from akhbar.arabic.normalize import (
    clean_for_display,
    fold_alef,
    fold_digits,
    fold_hyphens_in_words,
    fold_in_place,
    fold_persian_letters,
    normalize_for_match,
    strip_harakat,
    strip_invisible,
    strip_tatweel,
    unfold_presentation_forms,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("كَتَبَ", "كتب"),  # fatha
        ("كُتُب", "كتب"),  # damma
        ("كِتاب", "كتاب"),  # kasra
        ("قُلْ", "قل"),  # sukun
        ("مُحَمَّد", "محمد"),  # shadda
        ("شكرًا", "شكرا"),  # fathatan
        ("كتابٌ", "كتاب"),  # dammatan
        ("بيتٍ", "بيت"),  # kasratan
        ("هٰذا", "هذا"),  # superscript alef
        ("الرَّحْمَٰنِ", "الرحمن"),  # several marks on one word
        ("قرآنۖ", "قران"),  # Quranic pause mark U+06D6
        ("صلى\u0610", "صلي"),  # honorific mark U+0610
        ("سُؤْل", "سول"),  # marks next to a hamza carrier
    ],
)
def test_harakat_are_removed(text: str, expected: str) -> None:
    assert normalize_for_match(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("كـــتاب", "كتاب"), ("جـميل", "جميل"), ("الـ", "ال")],
)
def test_tatweel_is_removed(text: str, expected: str) -> None:
    assert normalize_for_match(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("أحمد", "احمد"),  # hamza above
        ("إسلام", "اسلام"),  # hamza below
        ("آمن", "امن"),  # madda
        ("ٱلله", "الله"),  # wasla
        ("ٲ", "ا"),  # wavy hamza above
        ("ٳ", "ا"),  # wavy hamza below
    ],
)
def test_alef_forms_fold_to_bare_alef(text: str, expected: str) -> None:
    assert normalize_for_match(text) == expected
    assert fold_alef(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("مصطفى", "مصطفي"),  # alef maksura
        ("مدرسة", "مدرسه"),  # teh marbuta
        ("مؤتمر", "موتمر"),  # waw with hamza
        ("مسئول", "مسيول"),  # yeh with hamza
        ("مسؤول", "مسوول"),
    ],
)
def test_maksura_marbuta_and_hamza_carriers_fold(text: str, expected: str) -> None:
    assert normalize_for_match(text) == expected


def test_both_spellings_of_responsible_match_when_hamza_seat_differs() -> None:
    assert normalize_for_match("مسئولون") == normalize_for_match("مسؤولون".replace("ؤ", "ئ"))


@pytest.mark.parametrize(
    ("persian", "arabic"),
    [
        ("ک", "ك"),
        ("ڪ", "ك"),
        ("گ", "ك"),
        ("ی", "ي"),
        ("ې", "ي"),
        ("ے", "ي"),
        ("ۀ", "ه"),
        ("ە", "ه"),
        ("ھ", "ه"),
        ("ہ", "ه"),
        ("پ", "ب"),
        ("چ", "ج"),
        ("ژ", "ز"),
        ("ڤ", "ف"),
        ("ڨ", "ق"),
    ],
)
def test_each_persian_letter_folds_to_its_arabic_letter(persian: str, arabic: str) -> None:
    assert normalize_for_match(f"س{persian}م") == f"س{arabic}م"
    assert fold_persian_letters(persian) == arabic


def test_persian_spelling_of_a_word_matches_arabic_spelling() -> None:
    assert normalize_for_match("کیم") == normalize_for_match("كيم")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\ufefb", "لا"),  # lam-alef ligature ﻻ
        ("\ufdf2", "الله"),  # ﷲ
        ("\ufe8f", "ب"),  # beh isolated
        ("\ufe91\ufeae", "بر"),  # beh initial + reh final
        ("\ufeeb\ufeec", "هه"),  # heh initial + medial
        ("\ufe93", "ه"),  # teh marbuta isolated, then folded
        ("\ufe83", "ا"),  # alef with hamza above isolated, then folded
        ("\ufb8e", "ك"),  # keheh isolated (a Persian letter), then folded
        ("\ufdfa", "صلي الله عليه وسلم"),  # ﷺ expands to four words
    ],
)
def test_presentation_forms_and_ligatures_unfold(text: str, expected: str) -> None:
    assert normalize_for_match(text) == expected


def test_unfold_presentation_forms_leaves_plain_text_untouched() -> None:
    text = "لا إله إلا الله"
    assert unfold_presentation_forms(text) is text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("٠١٢٣٤٥٦٧٨٩", "0123456789"),  # Arabic-Indic
        ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),  # Eastern Arabic-Indic (Persian/Urdu)
        ("عام ٢٠٢٤", "عام 2024"),
        ("۱۴۰۳ هجری", "1403 هجري"),
    ],
)
def test_digits_fold_to_ascii(text: str, expected: str) -> None:
    assert normalize_for_match(text) == expected
    assert fold_digits(text).split()[0] == expected.split()[0]


@pytest.mark.parametrize(
    "invisible",
    [
        "\u200b",  # zero-width space
        "\u200c",  # ZWNJ
        "\u200d",  # ZWJ
        "\u200e",  # LRM
        "\u200f",  # RLM
        "\u202a",  # LRE
        "\u202b",  # RLE
        "\u202c",  # PDF
        "\u202d",  # LRO
        "\u202e",  # RLO
        "\u2066",  # LRI
        "\u2067",  # RLI
        "\u2068",  # FSI
        "\u2069",  # PDI
        "\u061c",  # Arabic letter mark
        "\ufeff",  # BOM / ZWNBSP
        "\u00ad",  # soft hyphen
        "\u2060",  # word joiner
    ],
)
def test_zero_width_and_bidi_controls_vanish(invisible: str) -> None:
    assert normalize_for_match(f"سو{invisible}ريا") == "سوريا"
    assert strip_invisible(f"{invisible}غزة{invisible}") == "غزة"


@pytest.mark.parametrize(
    ("hyphenated", "spaced", "expected"),
    [
        ("جونج-أون", "جونج أون", "جونج اون"),
        ("كيم جونج-أون", "كيم جونج أون", "كيم جونج اون"),
        ("جونج\u2010أون", "جونج أون", "جونج اون"),  # Unicode hyphen
        ("جونج\u2011أون", "جونج أون", "جونج اون"),  # non-breaking hyphen
        ("Jong-un", "Jong un", "jong un"),
    ],
)
def test_hyphen_between_letters_is_a_space(hyphenated: str, spaced: str, expected: str) -> None:
    assert normalize_for_match(hyphenated) == normalize_for_match(spaced) == expected


@pytest.mark.parametrize("text", ["2023-2024", "19-كوفيد", "- بيان -"])
def test_hyphen_next_to_a_digit_or_space_is_kept(text: str) -> None:
    assert "-" in normalize_for_match(text)
    assert fold_hyphens_in_words(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [("BBC عربي", "bbc عربي"), ("CNN", "cnn"), ("iPhone 15", "iphone 15")],
)
def test_latin_is_lowercased(text: str, expected: str) -> None:
    assert normalize_for_match(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  غزة  ", "غزة".replace("ة", "ه")),
        ("غزة\t\tرفح", "غزه رفح"),
        ("غزة\n\nرفح", "غزه رفح"),
        ("غزة\u00a0رفح", "غزه رفح"),  # no-break space
        ("غزة \u200b رفح", "غزه رفح"),  # a zero-width space between spaces leaves one space
        ("", ""),
    ],
)
def test_whitespace_collapses_to_single_spaces(text: str, expected: str) -> None:
    assert normalize_for_match(text) == expected


def test_one_rule_functions_touch_only_their_rule() -> None:
    text = "أَحْمَـدُ"
    assert strip_harakat(text) == "أحمـد"
    assert strip_tatweel(text) == "أَحْمَدُ"
    assert fold_alef(text) == "اَحْمَـدُ"


def test_vocalised_and_plain_spellings_match() -> None:
    vocalised = "أَعْلَنَتِ الحُكُومَةُ اللُّبْنَانِيَّةُ، اليَوْمَ، عَنْ خُطَّةٍ جَدِيدَةٍ"
    plain = "اعلنت الحكومه اللبنانيه، اليوم، عن خطه جديده"
    assert normalize_for_match(vocalised) == normalize_for_match(plain)


# --- clean_for_display -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["أحمد", "إسلام", "آمن", "مدرسة", "مصطفى", "مسؤول", "شكرًا", "٢٠٢٤"]
)
def test_clean_for_display_keeps_the_published_letters(text: str) -> None:
    assert clean_for_display(text) == text


def test_clean_for_display_removes_invisible_characters() -> None:
    assert clean_for_display("\u200fقال\u200b الوزير\ufeff") == "قال الوزير"


def test_clean_for_display_tidies_spaces_and_keeps_paragraphs() -> None:
    raw = "  الفقرة   الأولى\u00a0هنا \r\n\r\n\r\n\tالفقرة الثانية  \r\nسطر ثانٍ  "
    assert clean_for_display(raw) == "الفقرة الأولى هنا\n\nالفقرة الثانية\nسطر ثانٍ"


def test_clean_for_display_composes_to_nfc() -> None:
    decomposed = "ا\u0653"  # alef + combining madda
    assert clean_for_display(decomposed) == "آ"


# --- idempotency -------------------------------------------------------------------------------

_ALPHABET = st.one_of(
    st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),  # Arabic block
    st.characters(min_codepoint=0xFB50, max_codepoint=0xFDFF),  # presentation forms A
    st.characters(min_codepoint=0xFE70, max_codepoint=0xFEFE),  # presentation forms B
    st.sampled_from("کگیۀەھپچژڤ"),  # Persian letters
    st.sampled_from("0123456789٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹"),
    st.characters(min_codepoint=0x41, max_codepoint=0x7A),  # Latin and some ASCII punctuation
    st.sampled_from(" \t\n\u00a0-\u2010\u2011"),  # spaces and hyphens
    st.sampled_from("\u200b\u200c\u200d\u200e\u200f\u202b\u2067\ufeff\u00ad"),  # invisible
)
ARABICISH = st.text(alphabet=_ALPHABET, max_size=60)


@settings(max_examples=600)
@given(ARABICISH)
def test_normalize_for_match_is_idempotent(text: str) -> None:
    once = normalize_for_match(text)
    assert normalize_for_match(once) == once


@settings(max_examples=300)
@given(st.text(alphabet=_ALPHABET, min_size=normalize.LONG_TEXT, max_size=3 * normalize.LONG_TEXT))
def test_long_texts_fold_as_short_ones_do(text: str) -> None:
    # Above LONG_TEXT characters the deletions take another path (one scan per character).
    with mock.patch.object(normalize, "LONG_TEXT", len(text) + 1):
        short_path = (normalize_for_match(text), fold_in_place(text))
    assert (normalize_for_match(text), fold_in_place(text)) == short_path


@given(ARABICISH)
def test_clean_for_display_is_idempotent(text: str) -> None:
    once = clean_for_display(text)
    assert clean_for_display(once) == once


# --- once known gaps, now fixed -----------------------------------------------------------------


def test_isolated_haraka_form_inside_a_word_does_not_split_it() -> None:
    assert normalize_for_match("كتا\ufe70ب") == "كتاب"


def test_turkish_dotted_capital_i_folds_to_plain_i() -> None:
    assert normalize_for_match("İstanbul") == "istanbul"

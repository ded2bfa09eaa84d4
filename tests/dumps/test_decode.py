"""decode_bytes: BOMs, UTF-8, declared and detected Arabic single-byte charsets, mojibake."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from akhbar import decode
from akhbar.decode import charset_from_content_type, decode_bytes, repair_mojibake
from akhbar.errors import DecodeError

# Composed for these tests: 40+ characters, with every letter where cp1256 and 8859-6 differ.
PARAGRAPH = (
    "أعلنت وزارة الزراعة اليوم عن موسم قياسي لحصاد القمح في المحافظات الجنوبية، "
    "وقالت إن الكميات تكفي حاجة السوق المحلية حتى نهاية الصيف، مع فائض للتصدير إلى دول الجوار."
)
SHORT_TITLES = [
    "انتخابات بلدية",
    "مباحثات سلام",
    "سعر الذهب اليوم",
    "غلاء المعيشة",
    "موسم الحج",
    "ليلة القدر",
    "كأس العالم",
    "هدنة جديدة",
    "لقاء وزاري",
    "فوز المنتخب",
]


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"),
     ("utf-16-le", "utf-16-le"), ("windows-1256", "windows-1256"), ("iso-8859-6", "iso-8859-6")],
)  # fmt: skip
def test_decode_paragraph_in_each_encoding(encoding: str, expected: str) -> None:
    text, used = decode_bytes(PARAGRAPH.encode(encoding))
    assert text == PARAGRAPH
    assert used == expected


@pytest.mark.parametrize("title", SHORT_TITLES)
@pytest.mark.parametrize("encoding", ["windows-1256", "iso-8859-6"])
def test_decode_short_titles_in_arabic_single_byte_charsets(title: str, encoding: str) -> None:
    assert decode_bytes(title.encode(encoding)) == (title, encoding)


@pytest.mark.parametrize(
    ("actual", "declared"),
    [("windows-1256", "iso-8859-1"), ("utf-8", "iso-8859-1"), ("windows-1256", "iso-8859-6"),
     ("iso-8859-6", "windows-1256"), ("iso-8859-6", "windows-1252")],
)  # fmt: skip
def test_wrong_declared_charset_is_detected(actual: str, declared: str) -> None:
    text, used = decode_bytes(PARAGRAPH.encode(actual), declared=declared)
    assert text == PARAGRAPH
    assert used == actual


def test_right_declared_charset_is_used() -> None:
    assert decode_bytes(PARAGRAPH.encode("iso-8859-6"), declared="ISO-8859-6")[1] == "iso-8859-6"


def test_latin_text_is_not_called_arabic() -> None:
    text = "Le café du marché est très animé à Tunis"
    assert decode_bytes(text.encode("latin-1")) == (text, "iso-8859-1")


def _as_cp1252_mojibake(text: str) -> str:
    # How a scraper saw UTF-8 bytes through cp1252 (undefined bytes through latin-1).
    undefined = {0x81, 0x8D, 0x8F, 0x90, 0x9D}
    return "".join(
        chr(b) if b in undefined else bytes([b]).decode("cp1252") for b in text.encode("utf-8")
    )


def test_repair_mojibake_restores_arabic() -> None:
    broken = _as_cp1252_mojibake(PARAGRAPH)
    assert broken.startswith("Ø")
    assert repair_mojibake(broken) == PARAGRAPH


def test_repair_mojibake_keeps_mixed_real_text() -> None:
    mixed = "عنوان: " + _as_cp1252_mojibake("الخبر العاجل") + " café"
    assert repair_mojibake(mixed) == "عنوان: الخبر العاجل café"
    assert repair_mojibake(PARAGRAPH) == PARAGRAPH


def test_decode_bytes_never_returns_mojibake() -> None:
    stored = _as_cp1252_mojibake(PARAGRAPH).encode("utf-8")
    assert decode_bytes(stored) == (PARAGRAPH, "utf-8")


def test_binary_data_is_a_decode_error_naming_the_path() -> None:
    data = bytes(range(256)) * 20 + os.urandom(2048)
    with pytest.raises(DecodeError, match="binary") as caught:
        decode_bytes(data, path="photo.jpg")
    assert caught.value.path == "photo.jpg"


def test_control_characters_are_a_decode_error() -> None:
    with pytest.raises(DecodeError, match="control characters"):
        decode_bytes(bytes(range(1, 9)) * 200, path="x.bin")


def test_charset_from_content_type() -> None:
    assert charset_from_content_type('text/html; charset="Windows-1256"') == "windows-1256"
    assert charset_from_content_type("text/html;charset=utf-8") == "utf-8"
    assert charset_from_content_type("text/html") is None


@settings(max_examples=400, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            [chr(c) for c in range(0x0621, 0x064B)] + list("،؛؟.,()-0123456789 abc\u0640\u064e")
        ),
        min_size=1,
        max_size=12,
    )
)
def test_a_word_taken_by_the_fast_path_has_nothing_odd(word: str) -> None:
    # The fast path (_CLEAN_WORD) skips the per-character check: it may only take words that
    # check would find nothing odd in.
    if decode._CLEAN_WORD.fullmatch(word):
        assert decode._word_oddity(word) == 0

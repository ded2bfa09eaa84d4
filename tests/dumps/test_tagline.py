"""Splitting tag lines: separators, hashtags, and space-only lines segmented by the page."""

from __future__ import annotations

from akhbar.arabic.normalize import normalize_for_match
from akhbar.dumps.tagline import split_tag_line

SUMMIT_TITLE = "قمة في الشرق الأقصى"
SUMMIT_BODY = (
    "استقبل بوتين الزعيم كيم جونج أون في ميناء فضائي بعيد.\n"
    "وناقش الطرفان العلاقات بين روسيا وكوريا الشمالية وسبل تطويرها.\n"
    "وقال كيم جونج أون إن كوريا الشمالية تقف مع روسيا."
)


def _display(result: list[tuple[str, list[str]]]) -> list[str]:
    return [display for display, _ in result]


def test_space_only_line_is_segmented_by_the_body() -> None:
    result = split_tag_line(
        "روسيا كوريا الشمالية بوتين کیم جونج أون", title=SUMMIT_TITLE, body=SUMMIT_BODY
    )
    assert result == [
        ("روسيا", []),
        ("كوريا الشمالية", []),
        ("بوتين", []),
        ("كيم جونج أون", ["کیم جونج أون"]),
    ]


def test_adjacent_tags_joined_by_waw_in_body_stay_separate() -> None:
    body = "اجتمع وزيرا خارجية مصر والأردن في عمان لبحث الأوضاع في غزة."
    result = split_tag_line("مصر الأردن غزة", title="لقاء ثنائي", body=body)
    assert _display(result) == ["مصر", "الأردن", "غزة"]


def test_tags_absent_from_body_stay_single_words() -> None:
    result = split_tag_line("اقتصاد بورصة ذهب", title="عنوان", body="نص لا يذكر شيئا منها.")
    assert _display(result) == ["اقتصاد", "بورصة", "ذهب"]


def test_vocabulary_keeps_multiword_tag_absent_from_body() -> None:
    vocabulary = {normalize_for_match("الشرق الأوسط"), normalize_for_match("الأمم المتحدة")}
    result = split_tag_line(
        "الشرق الأوسط النفط الأمم المتحدة",
        title="أسعار",
        body="ارتفعت الأسعار.",
        vocabulary=vocabulary,
    )
    assert _display(result) == ["الشرق الأوسط", "النفط", "الأمم المتحدة"]


def test_without_vocabulary_an_unattested_pair_is_not_grouped() -> None:
    result = split_tag_line("الشرق الأوسط النفط", title="أسعار", body="ارتفعت الأسعار.")
    assert _display(result) == ["الشرق", "الأوسط", "النفط"]


def test_separators_split_and_keep_multiword_tags() -> None:
    for line in ("قطاع غزة، الضفة الغربية، القدس", "قطاع غزة | الضفة الغربية | القدس",
                 "قطاع غزة; الضفة الغربية; القدس", "قطاع غزة,الضفة الغربية ,القدس"):  # fmt: skip
        result = split_tag_line(line, title="عنوان", body="نص")
        assert _display(result) == ["قطاع غزة", "الضفة الغربية", "القدس"], line


def test_hashtags_are_split_and_underscores_become_spaces() -> None:
    result = split_tag_line("#غزة #قطاع_غزة #رفح", title="عنوان", body="معبر رفح في قطاع غزة")
    assert _display(result) == ["غزة", "قطاع غزة", "رفح"]


def test_duplicates_are_removed_and_spellings_kept_as_aliases() -> None:
    result = split_tag_line("الإمارات، الامارات، الإمارات", title="عنوان", body="زار وفد الإمارات.")
    assert result == [("الإمارات", ["الامارات"])]


def test_display_form_comes_from_the_body_spelling() -> None:
    body = "التقى رئيس الوزراء بنظيره في مدينة الإسكندرية."
    result = split_tag_line("الاسكندريه، رئيس الوزراء", title="لقاء", body=body)
    assert result == [("الإسكندرية", ["الاسكندريه"]), ("رئيس الوزراء", [])]


def test_word_seen_only_with_clitic_is_a_weak_attestation() -> None:
    body = "وقعت اتفاقية بين تركيا وأذربيجان للتعاون في مجال الطاقة."
    result = split_tag_line("تركيا أذربيجان الطاقة", title="اتفاق", body=body)
    # أذربيجان only occurs as «وأذربيجان»: still its own tag, display from the tag line
    assert _display(result) == ["تركيا", "أذربيجان", "الطاقة"]


def test_clitic_occurrence_can_attest_a_multiword_tag() -> None:
    body = "تحدث الوزير عن العلاقات مع روسيا ولكوريا الجنوبية مصالح كبيرة."
    result = split_tag_line("روسيا كوريا الجنوبية", title="عنوان", body=body)
    assert _display(result) == ["روسيا", "كوريا الجنوبية"]


def test_multiword_tag_in_title_is_attested() -> None:
    result = split_tag_line("مجلس الأمن قرار", title="مجلس الأمن يصوت اليوم", body="نص الخبر.")
    assert _display(result) == ["مجلس الأمن", "قرار"]


def test_empty_line_gives_no_tags() -> None:
    assert split_tag_line("  ،  ", title="عنوان", body="نص") == []

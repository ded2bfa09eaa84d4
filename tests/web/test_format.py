"""Arabic dates for readers: plural forms, Gregorian and Hijri dates, the reader's zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from akhbar.web.format import (
    count_ar,
    gregorian_date,
    hijri_date,
    plural_category,
    relative_time,
    show_date,
    zone_label,
)
from akhbar.web.i18n import MESSAGES

NOW = datetime(2023, 10, 12, 13, 35, tzinfo=UTC)


@pytest.mark.parametrize(
    ("n", "category"),
    [
        (0, "zero"),
        (1, "one"),
        (2, "two"),
        (3, "few"),
        (10, "few"),
        (11, "many"),
        (99, "many"),
        (100, "other"),
        (101, "other"),
        (102, "other"),
        (103, "few"),
        (111, "many"),
    ],
)
def test_plural_category_follows_arabic_cldr_rules(n: int, category: str) -> None:
    assert plural_category(n) == category


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(seconds=20), "الآن"),
        (timedelta(minutes=1), "منذ دقيقة"),
        (timedelta(minutes=2), "منذ دقيقتين"),
        (timedelta(minutes=5), "منذ ٥ دقائق"),
        (timedelta(hours=1), "منذ ساعة"),
        (timedelta(hours=2), "منذ ساعتين"),
        (timedelta(hours=3), "منذ ٣ ساعات"),
        (timedelta(hours=11), "منذ ١١ ساعة"),
        (timedelta(minutes=11), "منذ ١١ دقيقة"),
        (timedelta(days=100), "منذ ٣ أشهر"),
        (timedelta(days=365 * 100), "منذ ١٠٠ سنة"),
        (-timedelta(hours=2), "بعد ساعتين"),
    ],
)
def test_relative_time_uses_dual_and_plural_forms(delta: timedelta, expected: str) -> None:
    assert relative_time(NOW - delta, NOW) == expected


def test_count_uses_genitive_singular_from_one_hundred() -> None:
    assert count_ar(100, "day") == "١٠٠ يوم"
    assert count_ar(12, "day") == "١٢ يوماً"


def test_relative_time_in_english() -> None:
    assert relative_time(NOW - timedelta(hours=2), NOW, "en") == "2 hours ago"
    assert relative_time(NOW - timedelta(hours=1), NOW, "en") == "1 hour ago"


def test_gregorian_date_in_arabic_words_and_digits() -> None:
    assert gregorian_date(NOW) == "١٢ أكتوبر ٢٠٢٣"
    assert gregorian_date(NOW, "en") == "12 October 2023"


def test_hijri_date_is_umm_al_qura() -> None:
    assert hijri_date(NOW) == "٢٧ ربيع الأول ١٤٤٥ هـ"
    assert hijri_date(datetime(2024, 3, 11, tzinfo=UTC)) == "١ رمضان ١٤٤٥ هـ"


def test_hijri_date_left_out_outside_the_table() -> None:
    assert hijri_date(datetime(1900, 1, 1, tzinfo=UTC)) == ""


def test_show_date_defaults_to_utc_labelled_greenwich() -> None:
    shown = show_date(NOW, now=NOW, zone=None)
    assert shown.zone == "بتوقيت غرينتش"
    assert shown.time == "١٣:٣٥"


def test_show_date_in_the_readers_zone_moves_the_calendar_day() -> None:
    late = datetime(2023, 10, 12, 22, 30, tzinfo=UTC)
    shown = show_date(late, now=NOW, zone="Asia/Riyadh")
    assert shown.gregorian == "١٣ أكتوبر ٢٠٢٣"
    assert shown.time == "٠١:٣٠"
    assert shown.zone == "بتوقيت مكة المكرمة"


def test_unknown_zone_falls_back_to_utc_label() -> None:
    assert zone_label("Mars/Olympus") == "بتوقيت غرينتش"


def test_message_catalogues_have_the_same_keys() -> None:
    assert set(MESSAGES["ar"]) == set(MESSAGES["en"])

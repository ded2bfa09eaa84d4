"""Titled person names: «الرئيس الروسي فلاديمير بوتين» → فلاديمير بوتين."""

from __future__ import annotations

import pytest

from akhbar.enrich import find_name_candidates, load_gazetteer


def _names(body: str, *, with_gazetteer: bool = True) -> list[tuple[str, str]]:
    gazetteer = load_gazetteer() if with_gazetteer else None
    return [(c.name_display, c.role) for c in find_name_candidates("", body, gazetteer=gazetteer)]


@pytest.mark.parametrize(
    ("sentence", "name", "role"),
    [
        ("التقى الرئيس الروسي فلاديمير بوتين وفدا", "فلاديمير بوتين", "الرئيس الروسي"),
        (
            "وقال وزير خارجية الاتحاد الأوروبي جوزيب بوريل، إن",
            "جوزيب بوريل",
            "وزير خارجية الاتحاد الأوروبي",
        ),
        (
            "وصرح السكرتير الصحفي للرئيس الروسي دميتري بيسكوف للصحفيين",
            "دميتري بيسكوف",
            "السكرتير الصحفي للرئيس الروسي",
        ),
        (
            "وقال المتحدث باسم وزارة الخارجية الصينية ماو نينغ إن بكين",
            "ماو نينغ",
            "المتحدث باسم وزارة الخارجية الصينية",
        ),
        (
            "والزعيم الكوري الشمالي كيم جونج أون الشهر الماضي",
            "كيم جونج أون",
            "الزعيم الكوري الشمالي",
        ),
        ("وقال الرئيس الجزائري عبد المجيد-تبون إن", "عبد المجيد تبون", "الرئيس الجزائري"),
        ("وقال رئيس وزراء إسرائيل بنيامين نتنياهو إن", "بنيامين نتنياهو", "رئيس وزراء إسرائيل"),
        ("وأكدت وزيرة الصحة الفلانية سلمى الراشد، أن", "سلمى الراشد", "وزيرة الصحة الفلانية"),
    ],
)
def test_name_after_title_is_found(sentence: str, name: str, role: str) -> None:
    assert _names(sentence) == [(name, role)]


@pytest.mark.parametrize(
    "sentence",
    [
        "وقال الرئيس الروسي إن الاتفاق مهم",  # no name: a stopword follows the title
        "وأعرب الوزير عن ارتياحه",
        "قال المتحدث، مؤكدا أن",  # punctuation ends the title
        "وقال نائب وزير النقل الروسي إن الرحلات",
    ],
)
def test_title_without_a_name_gives_nothing(sentence: str) -> None:
    assert _names(sentence) == []


def test_name_stops_at_participle_and_following_verb() -> None:
    assert _names("وقال المستشار الألماني فريدريش ميرتس مؤكدا أن")[0][0] == "فريدريش ميرتس"
    assert _names("واستقبل الملك عبد الله الثاني نظيره")[0][0] == "عبد الله الثاني"


def test_name_built_with_ibn_needs_no_title() -> None:
    assert ("محمد بن سلمان", "") in _names("واتفق محمد بن سلمان مع الوفد")


def test_place_inside_the_title_needs_the_gazetteer() -> None:
    sentence = "وقال رئيس وزراء إسرائيل بنيامين نتنياهو إن"
    assert _names(sentence, with_gazetteer=False)[0][0] == "إسرائيل بنيامين نتنياهو"
    assert _names(sentence)[0][0] == "بنيامين نتنياهو"


def test_each_name_is_reported_once_with_its_role() -> None:
    body = "وقال خالد العمري إن. وأكد المدير التنفيذي خالد العمري أن. ثم تحدث المدير خالد العمري."
    candidates = find_name_candidates("", body)
    assert [(c.name_norm, c.role) for c in candidates] == [("خالد العمري", "المدير التنفيذي")]

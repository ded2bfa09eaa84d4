"""stem / stem_words / analyze: Snowball light stems, with protected names left whole."""

from __future__ import annotations

import threading

import pytest
import Stemmer
from babel import Locale

from akhbar.arabic import stem as stem_module
from akhbar.arabic.normalize import normalize_for_match
from akhbar.arabic.stem import (
    analyze,
    is_protected,
    protected_base,
    protected_names,
    stem,
    stem_words,
)
from akhbar.arabic.tokens import words

SNOWBALL = Stemmer.Stemmer("arabic")

#: Inflections that should meet on one stem (forms written for this test).
FAMILIES = [
    "حكومة الحكومة والحكومة بالحكومة للحكومة حكومته حكومات الحكومات وحكومة",
    "وزارة الوزارة والوزارة بالوزارة للوزارة وزارات الوزارات وزارتها",
    "رئيس الرئيس والرئيس للرئيس رئيسا رؤساء برئيس",
    "اقتصاد الاقتصاد والاقتصاد اقتصادي الاقتصادي الاقتصادية اقتصادية",
    "مفاوضات المفاوضات والمفاوضات بالمفاوضات مفاوضاتها",
    "مدينة المدينة والمدينة بالمدينة للمدينة مدينته",
    "اتجاه الاتجاه والاتجاه باتجاه اتجاهات",
    "حرب الحرب والحرب بالحرب للحرب حربا",
    "انتخابات الانتخابات والانتخابات بالانتخابات للانتخابات انتخابية الانتخابية",
    "سياسة السياسة والسياسة بالسياسة سياسات السياسات سياسي السياسي السياسية",
    "مسؤول المسؤول والمسؤول مسؤولون المسؤولين مسؤولي",
    "قمة القمة والقمة بالقمة للقمة",
    "شركة الشركة والشركة بالشركة للشركة شركات الشركات",
    "منطقة المنطقة والمنطقة بالمنطقة مناطق المناطق",
    "قوة القوة والقوة بالقوة قوات القوات والقوات",
    "جامعة الجامعة والجامعة بالجامعة للجامعة",
    "كتاب الكتاب والكتاب بالكتاب كتابه كتابها",
    "وجه الوجه والوجه بوجه",
    "مياه المياه والمياه بالمياه",
    "اتفاق الاتفاق والاتفاق باتفاق اتفاقية الاتفاقية اتفاقيات",
]


def _norms(family: str) -> list[str]:
    return [normalize_for_match(w) for w in family.split()]


# --- protected names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["فلسطين", "بغداد", "فرنسا", "بيروت", "واشنطن", "بوتين", "وارسو", "بلجيكا", "فنزويلا", "ليبيا"],
)
def test_protected_name_is_returned_unchanged(name: str) -> None:
    norm = normalize_for_match(name)
    assert SNOWBALL.stemWord(norm) != norm  # bare Snowball cuts it ...
    assert stem(norm) == norm  # ... ours does not
    assert is_protected(norm)


@pytest.mark.parametrize(
    ("word", "name"),
    [
        ("وروسيا", "روسيا"),
        ("بفلسطين", "فلسطين"),
        ("لبغداد", "بغداد"),
        ("وفرنسا", "فرنسا"),
        ("فبيروت", "بيروت"),
        ("كواشنطن", "واشنطن"),
        ("وللبنان", "لبنان"),
        ("ولبوتين", "بوتين"),
        ("وبالرياض", "الرياض"),
        ("للعراق", "العراق"),  # ل + العراق, written لل
        ("والعراق", "العراق"),
        ("فالقاهرة", "القاهره"),
    ],
)
def test_clitic_on_a_protected_name_gives_the_bare_name(word: str, name: str) -> None:
    assert stem(normalize_for_match(word)) == normalize_for_match(name)
    assert not is_protected(normalize_for_match(word))


@pytest.mark.parametrize("name", ["فرنسا", "فلسطين", "بلجيكا", "لبنان", "ليبيا", "وجدة"])
def test_name_starting_with_a_clitic_letter_is_checked_whole_first(name: str) -> None:
    # وجدة (Oujda) is و + جدة (Jeddah) too: the whole name wins.
    norm = normalize_for_match(name)
    assert protected_base(norm) == norm


def test_name_protected_with_and_without_article_shares_one_stem() -> None:
    assert stem("الناتو") == stem("ناتو") == stem("بالناتو") == stem("للناتو")


def test_every_protected_name_survives_stemming() -> None:
    names = protected_names()
    assert len(names) > 600
    changed = [w for w in names if stem(w) != w and stem(w) != w.removeprefix("ال")]
    assert changed == []


def test_bare_snowball_mangles_most_protected_names() -> None:
    names = protected_names()
    mangled = sum(SNOWBALL.stemWord(w) != w for w in names)
    assert mangled > len(names) // 2


def test_every_cldr_country_word_is_protected_unless_generic() -> None:
    generic = {w for line in _data_file("cldr_generic_words.txt") for w in words(line)}
    territories = Locale("ar").territories
    for code in ("FR", "IQ", "LB", "BE", "KR", "US", "GQ", "BA"):
        for word in words(territories[code]):
            assert is_protected(word) or word in generic, (code, word)


@pytest.mark.parametrize("word", ["المتحده", "جزر", "جمهوريه", "الجنوبيه", "في", "علي"])
def test_generic_words_and_stopwords_are_not_protected(word: str) -> None:
    assert not is_protected(word)


def test_ordinary_word_is_not_a_protected_name() -> None:
    assert protected_base("والحكومه") is None
    assert protected_base("وزير") is None


# --- light stems -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "family",
    [f for f in FAMILIES if f.split()[0] in {"اقتصاد", "حرب", "انتخابات", "سياسة", "قمة", "كتاب"}],
)
def test_inflections_of_a_word_share_one_stem(family: str) -> None:
    assert len({stem(w) for w in _norms(family)}) == 1


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("والحكومة", "الحكومة"),  # Snowball never removes و+ال
        ("القمة", "قمة"),  # nor ال from a short word
        ("الحكومة", "حكومة"),  # ة folded to ه by normalisation
        ("الحكومات", "الحكومة"),  # sound feminine plural
        ("الالتزام", "التزام"),  # a folded أل-word keeps one ال
    ],
)
def test_forms_bare_snowball_splits_share_a_stem(a: str, b: str) -> None:
    na, nb = normalize_for_match(a), normalize_for_match(b)
    assert stem(na) == stem(nb)


def test_fixes_halve_the_stems_of_word_families() -> None:
    ours = sum(len({stem(w) for w in _norms(f)}) for f in FAMILIES)
    bare = sum(len({SNOWBALL.stemWord(w) for w in _norms(f)}) for f in FAMILIES)
    assert ours <= 32 and bare >= 2 * ours, (ours, bare)


def test_stem_words_matches_stem_in_order_with_duplicates() -> None:
    batch = _norms("الحكومة وبغداد الحكومة كتابه 2024 news الحكومة")
    assert stem_words(batch) == [stem(w) for w in batch]
    assert len(stem_words(batch)) == len(batch)
    assert stem_words([]) == []


def test_digits_and_latin_pass_through() -> None:
    assert stem_words(["2024", "bbc"]) == ["2024", "bbc"]


def test_stem_words_stays_correct_when_the_cache_overflows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stem_module, "_cache", {})
    monkeypatch.setattr(stem_module, "_CACHE_LIMIT", 6)
    assert stem_words(_norms("وزارة مدينة")) == ["زار", "مدين"]
    expected = ["حكوم", "بغداد", "كتاب", "حرب", "قمه"]
    batch = _norms("الحكومات وبغداد الكتاب الحرب القمة")
    assert stem_words(batch) == expected
    assert sorted(stem_module._cache) == sorted(batch)  # the two old entries made room
    assert stem_words(list(reversed(batch))) == list(reversed(expected))


def test_stem_words_is_safe_across_threads() -> None:
    batch = [w for f in FAMILIES for w in _norms(f)] + sorted(protected_names())[:200]
    expected = [stem(w) for w in batch]
    results: list[list[str]] = []

    def work() -> None:
        stem_module._cache.clear()  # every thread misses, and clears under the others
        results.append(stem_words(batch))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 4


# --- analyze -----------------------------------------------------------------------------------


def test_analyze_drops_stopwords_and_pairs_each_word_with_its_stem() -> None:
    text = "وقال الرئيس الفرنسيّ في بيروت، الخميس، إن الحكومات ستدعم وللبنان"
    pairs = analyze(text)
    assert [w for w, _ in pairs] == ["الرييس", "الفرنسي", "بيروت", "الحكومات", "ستدعم", "وللبنان"]
    assert dict(pairs)["بيروت"] == "بيروت"
    assert dict(pairs)["وللبنان"] == "لبنان"
    assert dict(pairs)["الحكومات"] == stem("حكومه")


def test_analyze_of_text_without_content_words_is_empty() -> None:
    assert analyze("") == []
    assert analyze("وقال إنه في هذا اليوم، أمس.") == []


def test_analyze_matches_vocalised_and_plain_text() -> None:
    assert analyze("أَعْلَنَتِ الحُكُومَةُ اللُّبْنَانِيَّةُ خُطَّةً") == analyze("اعلنت الحكومه اللبنانيه خطه")


def _data_file(name: str) -> list[str]:
    from akhbar.arabic.stopwords import read_word_list

    return read_word_list(name)

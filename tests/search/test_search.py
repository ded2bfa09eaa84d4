"""What an Arabic reader means: spelling variants, inflections, names with clitics, phrases,
operators, filters, aliases; ranking and snippets."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from akhbar.errors import QueryError
from tests.search.conftest import Corpus

FILLER = "وتناول اللقاء سبل تطوير العمل المشترك في عدة مجالات خلال المرحلة المقبلة."


# --- normalisation on both sides ----------------------------------------------------------------


def test_vowelled_text_is_found_by_plain_query(corpus: Corpus) -> None:
    corpus.add("a", "استقبال رسمي في العاصمة", "استقبل مُحَمَّدٌ الوفدَ الزائرَ صباح اليوم. " + FILLER)
    corpus.add("b", "خبر آخر", "افتتح المعرض الدولي للكتاب أبوابه للزوار. " + FILLER)
    assert corpus.keys("محمد") == ["a"]


def test_plain_text_is_found_by_vowelled_query(corpus: Corpus) -> None:
    corpus.add("a", "استقبال رسمي", "استقبل محمد الوفد الزائر صباح اليوم. " + FILLER)
    assert corpus.keys("مُحَمَّد") == ["a"]


@pytest.mark.parametrize(
    ("text", "query"),
    [("سافر الوفد إلى بيروت", "الى بيروت"), ("سافر الوفد الى بيروت", "إلى بيروت")],
)
def test_hamza_forms_of_ila_match_each_other(corpus: Corpus, text: str, query: str) -> None:
    corpus.add("a", "سفر الوفد", f"{text} مساء أمس. {FILLER}")
    assert corpus.keys(f'"{query}"') == ["a"]


def test_persian_letters_match_arabic_letters(corpus: Corpus) -> None:
    corpus.add(
        "a", "تصريحات جديدة", "قال الزعيم کیم في خطاب طويل إن بلاده مستعدة للحوار. " + FILLER
    )
    assert corpus.keys("كيم") == ["a"]


# --- inflections and exact forms ----------------------------------------------------------------


def test_inflection_found_through_stem(corpus: Corpus) -> None:
    corpus.add("a", "توقيع في الرياض", "وقعت الدولتان الاتفاقيات التجارية الجديدة. " + FILLER)
    corpus.add("b", "مباراة ودية", "فاز المنتخب في مباراة ودية على ملعبه. " + FILLER)
    assert corpus.keys("اتفاقية") == ["a"]


def test_exact_form_ranks_above_stem_only_match(corpus: Corpus) -> None:
    corpus.add("stem", "توقيع في الرياض", "وقعت الدولتان اتفاقيات تجارية جديدة. " + FILLER)
    corpus.add("exact", "توقيع في جدة", "وقعت الدولتان الاتفاقية التجارية الجديدة. " + FILLER)
    assert corpus.keys("الاتفاقية") == ["exact", "stem"]


def test_quoted_single_word_matches_that_exact_form_only(corpus: Corpus) -> None:
    corpus.add("stem", "توقيع", "وقعت الدولتان اتفاقيات تجارية جديدة. " + FILLER)
    corpus.add("exact", "توقيع", "وقعت الدولتان الاتفاقية التجارية. " + FILLER)
    assert corpus.keys('"الاتفاقية"') == ["exact"]


@pytest.mark.parametrize(
    ("text", "query"),
    [("تضامن واسع مع الشعب بفلسطين", "فلسطين"), ("اتصال بين الصين وروسيا", "روسيا")],
)
def test_protected_name_with_clitic_is_found(corpus: Corpus, text: str, query: str) -> None:
    corpus.add("a", "أخبار دولية", f"{text} هذا الأسبوع. {FILLER}")
    corpus.add("b", "خبر محلي", "افتتح المعرض الدولي للكتاب أبوابه للزوار. " + FILLER)
    assert corpus.keys(query) == ["a"]


# --- operators ----------------------------------------------------------------------------------


def test_phrase_needs_adjacent_words(corpus: Corpus) -> None:
    corpus.add("phrase", "تطورات ميدانية", "تواصل القصف على قطاع غزة منذ الفجر. " + FILLER)
    corpus.add("apart", "تطورات", "زار الوفد غزة ثم التقى ممثلي قطاع الصناعة. " + FILLER)
    assert corpus.keys('"قطاع غزة"') == ["phrase"]
    assert sorted(corpus.keys("قطاع غزة")) == ["apart", "phrase"]


@pytest.mark.parametrize("query", ["في الأردن", "الأردن في", "ما هذه", "وفي الأردن"])
def test_phrase_with_a_stopword_needs_adjacent_words(corpus: Corpus, query: str) -> None:
    # Looked up as one pair term (the pairs fields), not as a phrase: the same matches.
    corpus.add("title", f"جولة {query} اليوم", "بحث الوفد ملفات عدة. " + FILLER)
    corpus.add("body", "جولة", f"قال الوزير {query} تصريحات مقتضبة. " + FILLER)
    corpus.add("across", "جولة", f"قال الوزير {query.split()[0]}\n\n{query.split()[1]} الخبر.")
    first, second = query.split()
    corpus.add("apart", "جولة", f"قال {second} الوزير {first} وغيره. " + FILLER)
    corpus.add("reversed", "جولة", f"قال الوزير {second} {first} وغيره. " + FILLER)
    # A paragraph break does not part the words of a phrase, on either kind of field.
    found = corpus.keys(f'"{query}"')
    assert sorted(found) == ["across", "body", "title"]
    assert found.index("title") < found.index("body")  # in the title outranks in the body


def test_words_are_all_required(corpus: Corpus) -> None:
    corpus.add("both", "قمة", "بحث الرئيس ملف المياه مع نظيره في القمة. " + FILLER)
    corpus.add("one", "قمة", "بحث الرئيس ملف الطاقة مع نظيره في القمة. " + FILLER)
    assert corpus.keys("الرئيس المياه") == ["both"]


def test_or_matches_either_word(corpus: Corpus) -> None:
    corpus.add("hudna", "هدنة", "أعلن الطرفان هدنة لمدة ثلاثة أيام. " + FILLER)
    corpus.add("tahdia", "تهدئة", "دعت الوساطة إلى تهدئة شاملة في المنطقة. " + FILLER)
    corpus.add("other", "اقتصاد", "ارتفعت أسعار النفط في الأسواق العالمية. " + FILLER)
    assert sorted(corpus.keys("هدنة OR تهدئة")) == ["hudna", "tahdia"]


def test_excluded_word_removes_articles(corpus: Corpus) -> None:
    corpus.add("football", "منتخب مصر", "فاز منتخب مصر بالكرة الطائرة في المباراة. " + FILLER)
    corpus.add("handball", "منتخب مصر", "فاز منتخب مصر لليد في البطولة. " + FILLER)
    assert corpus.keys("منتخب -كرة") == ["handball"]
    assert corpus.keys('منتخب -"الكرة الطائرة"') == ["handball"]


# --- filters ------------------------------------------------------------------------------------


def test_source_filter_matches_normalised_outlet_name(corpus: Corpus) -> None:
    corpus.add("ahram", "أسعار الذهب", "تراجعت أسعار الذهب اليوم. " + FILLER, source="الأهرام")
    corpus.add("shorouk", "أسعار الذهب", "ارتفعت أسعار الذهب أمس. " + FILLER, source="الشروق")
    assert corpus.keys("الذهب source:الاهرام") == ["ahram"]
    assert corpus.keys("الذهب مصدر:الشروق") == ["shorouk"]


def test_tag_filter_with_quoted_multiword_tag(corpus: Corpus) -> None:
    corpus.add(
        "tagged",
        "تجربة صاروخية",
        "أطلقت بيونغ يانغ صاروخا جديدا. " + FILLER,
        tags=["كوريا الشمالية"],
    )
    corpus.add("untagged", "تجربة صاروخية", "أطلقت دولة صاروخا جديدا. " + FILLER)
    assert corpus.keys('صاروخ tag:"كوريا الشمالية"') == ["tagged"]


def test_filter_only_query_lists_matching_articles(corpus: Corpus) -> None:
    corpus.add("tagged", "تجربة", "أطلقت بيونغ يانغ صاروخا. " + FILLER, tags=["كوريا الشمالية"])
    corpus.add("other", "تجربة", "أطلقت دولة صاروخا. " + FILLER)
    assert corpus.keys('tag:"كوريا الشمالية"') == ["tagged"]


def test_date_filters_accept_arabic_dates_and_include_the_end_day(corpus: Corpus) -> None:
    for key, day in (("feb", 20), ("mar", 1), ("mar15", 15)):
        month = 2 if key == "feb" else 3
        corpus.add(
            key,
            "النفط",
            f"تقرير عن أسعار النفط رقم {key}. " + FILLER,
            published=datetime(2024, month, day, 12, tzinfo=UTC),
        )
    assert sorted(corpus.keys('النفط from:"١ مارس ٢٠٢٤"')) == ["mar", "mar15"]
    assert corpus.keys("النفط to:2024-03-01") == ["mar", "feb"]
    assert corpus.keys("النفط from:2024-03-02 to:2024-03-31") == ["mar15"]


def test_sort_by_date_puts_newest_first(corpus: Corpus) -> None:
    corpus.add(
        "old",
        "النفط النفط النفط",
        "النفط " * 5 + FILLER,
        published=datetime(2023, 1, 1, tzinfo=UTC),
    )
    corpus.add("new", "تقرير", "النفط. " + FILLER, published=datetime(2024, 5, 1, tzinfo=UTC))
    corpus.add("undated", "تقرير آخر", "النفط. " + FILLER, published=None)
    assert corpus.keys("النفط", sort="date") == ["new", "old", "undated"]


def test_pages_split_results_and_total_counts_all(corpus: Corpus) -> None:
    for i in range(5):
        corpus.add(f"a{i}", f"تقرير {i}", f"ارتفعت أسعار القمح في الأسواق {i}. " + FILLER)
    first, second = corpus.page("القمح", limit=3), corpus.page("القمح", limit=3, offset=3)
    assert (first.total, len(first.hits), len(second.hits)) == (5, 3, 2)
    assert not {h.id for h in first.hits} & {h.id for h in second.hits}


# --- aliases ------------------------------------------------------------------------------------


def test_tag_alias_expands_query_to_other_spellings(corpus: Corpus) -> None:
    corpus.add(
        "tagged",
        "زيارة مرتقبة",
        "يستعد كيم جونج أون لزيارة موسكو. " + FILLER,
        tags=["كيم جونج أون"],
        aliases={"كيم جونج أون": ["كيم يونغ أون"]},
    )
    corpus.add("text", "خطاب", "ألقى كيم جونج أون خطابا أمام الحزب. " + FILLER)
    corpus.add("other", "خطاب", "ألقى الرئيس خطابا أمام البرلمان. " + FILLER)
    assert sorted(corpus.keys("كيم يونغ أون")) == ["tagged", "text"]
    assert sorted(corpus.keys("خطاب كيم يونغ أون")) == ["text"]


def test_without_alias_the_other_spelling_is_not_found(corpus: Corpus) -> None:
    corpus.add("text", "خطاب", "ألقى كيم جونج أون خطابا أمام الحزب. " + FILLER)
    assert corpus.keys('"كيم يونغ أون"') == []


# --- snippets -----------------------------------------------------------------------------------


def test_snippet_marks_the_original_spelling(corpus: Corpus) -> None:
    corpus.add("a", "استقبال", "استقبل مُحَمَّدٌ الوفدَ الزائرَ <صباح> اليوم. " + FILLER)
    hit = corpus.page("محمد").hits[0]
    assert "<mark>مُحَمَّدٌ</mark>" in hit.snippet
    assert "&lt;صباح&gt;" in hit.snippet


def test_snippet_window_is_cut_around_the_match(corpus: Corpus) -> None:
    body = " ".join([FILLER] * 6) + " وأعلنت الوزارة اكتشاف حقل للغاز قبالة الساحل. " + FILLER * 6
    corpus.add("a", "اكتشاف", body)
    snippet = corpus.page("الغاز").hits[0].snippet
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert "<mark>للغاز</mark>" in snippet
    assert len(snippet.split()) < 40


def test_hit_carries_title_source_date_and_url(corpus: Corpus) -> None:
    corpus.add("a", "أسعار الذهب اليوم", "تراجعت أسعار الذهب. " + FILLER, source="الأهرام")
    hit = corpus.page("الذهب").hits[0]
    assert (hit.title, hit.source, hit.url) == (
        "أسعار الذهب اليوم",
        "الأهرام",
        "https://news.example/a",
    )
    assert hit.to_dict()["published_at"] == "2024-05-01T00:00:00Z"
    assert hit.title_html == "أسعار <mark>الذهب</mark> اليوم"


# --- malformed queries --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ('"قطاع غزة', "unbalanced quote"),
        ("-كرة -قدم", "only excludes"),
        ("النفط from:البارحة-غدا-xyz", "cannot read the date"),
        ("النفط foo:bar", "unknown filter"),
        ("OR النفط", "OR needs"),
        ("النفط OR", "OR needs"),
        ("النفط from:2024-05-01 to:2024-01-01", "after"),
        ("النفط source:", "needs a value"),
        ("، ؟ !", "empty"),
    ],
)
def test_malformed_query_raises_query_error(corpus: Corpus, query: str, says: str) -> None:
    with pytest.raises(QueryError, match=says):
        corpus.page(query)

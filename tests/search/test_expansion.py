"""What a reader means beyond the typed letters: multi-word outlet and tag names after source:
and tag:, other spellings of a name (gazetteer), most-of-the-words for long queries, words
behind clitics, the two seats of a medial hamza, and exclusions of what a name names.

The gazetteer here is a small one written for these tests (not the shipped data), so each test
says exactly which names it relies on.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from akhbar.enrich.gazetteer import Gazetteer, parse_entities
from akhbar.search import SearchPage, search
from akhbar.search.analysis import clitic_forms, hamza_seat_variants
from akhbar.search.names import NameExpander, one_vowel_fewer, transliteration_key
from akhbar.search.query import FilterNames, Word, needed_words, parse_query
from tests.search.conftest import NOW, Corpus

FILLER = "وتناول اللقاء سبل تطوير العمل المشترك في عدة مجالات خلال المرحلة المقبلة."

HEADER = "id\ttype\tcanonical\taliases\tadjectives\tqid\tcountry\troles"
ROWS = [
    "un-chief\tperson\tأنطونيو غوتيريش\tغوتيريش|أنطونيو جوتيريش\t\t\tPT\tالأمين العام",
    "football-body\torg\tالاتحاد الدولي لكرة القدم\tفيفا|FIFA\t\t\t\t",
    "alliance\torg\tحلف شمال الأطلسي\tالناتو|ناتو|حلف الأطلسي\t\t\t\t",
    "ru-leader\tperson\tفلاديمير بوتين\tبوتين\t\t\tRU\tالرئيس الروسي",
    "football-chief\tperson\tجياني إنفانتينو\tإنفانتينو\t\t\tCH\t",
    "korea-city\tcity\tسيول\tSeoul\t\t\tKR\t",
    "milan-club\tclub\tميلان\tإيه سي ميلان\t\t\tIT\t",
    "kuwait\tcountry\tالكويت\tدولة الكويت\tكويتي\t\tKW\t",
    "youth-club\tclub\tنادي الشباب\t~الشباب\t\t\tSA\t",
]


@pytest.fixture(scope="module")
def names() -> NameExpander:
    return NameExpander(Gazetteer(parse_entities("\n".join([HEADER, *ROWS]))))


def page(corpus: Corpus, names: NameExpander, query: str) -> SearchPage:
    return search(corpus.store, corpus.engine, query, now=NOW, names=names)


def keys(corpus: Corpus, names: NameExpander, query: str) -> list[str]:
    by_id = {v: k for k, v in corpus.ids.items()}
    return [by_id[h.id] for h in page(corpus, names, query).hits]


# --- source: and tag: with unquoted multi-word names ---------------------------------------------


def _known(known: dict[str, list[str]]) -> FilterNames:
    def lookup(kind: str, phrase: str) -> Sequence[str]:
        names = known.get(kind, [])
        return [n for n in names if n == phrase] + [n for n in names if n.startswith(phrase + " ")]

    return lookup


def test_parser_takes_the_longest_known_outlet_name() -> None:
    lookup = _known({"source": ["الجزيره نت", "سكاي نيوز عربيه", "العربيه"]})
    parsed = parse_query("source:سكاي نيوز عربية كوريا الشمالية", names=lookup)
    assert parsed.sources == ("سكاي نيوز عربيه",)
    assert parsed.required == (Word(("كوريا",)), Word(("الشماليه",)))
    # The outlet العربية is a whole name: السعودية stays a query word.
    parsed = parse_query("source:العربية السعودية", names=lookup)
    assert parsed.sources == ("العربيه",)
    assert parsed.required == (Word(("السعوديه",)),)


def test_parser_completes_an_unambiguous_outlet_prefix_only() -> None:
    lookup = _known({"source": ["الجزيره نت", "الشرق الاوسط", "الشرق بلومبرغ"]})
    assert parse_query("source:الجزيرة السودان", names=lookup).sources == ("الجزيره نت",)
    # Two outlets begin with الشرق: the parser picks neither.
    assert parse_query("source:الشرق النفط", names=lookup).sources == ("الشرق",)


def test_quoted_filter_value_is_never_extended() -> None:
    lookup = _known({"source": ["الجزيره نت"]})
    parsed = parse_query('source:"الجزيرة" نت', names=lookup)
    assert parsed.sources == ("الجزيره",)
    assert parsed.required == (Word(("نت",)),)


def test_unquoted_multiword_source_filters_and_the_rest_are_words(
    corpus: Corpus, names: NameExpander
) -> None:
    corpus.add("jaz-sd", "السودان اليوم", "تقرير عن السودان. " + FILLER, source="الجزيرة نت")
    corpus.add("jaz-eg", "مصر اليوم", "تقرير عن مصر. " + FILLER, source="الجزيرة نت")
    corpus.add("sky-sd", "السودان اليوم", "تقرير عن السودان. " + FILLER, source="سكاي نيوز عربية")
    assert keys(corpus, names, "source:الجزيرة نت السودان") == ["jaz-sd"]
    assert keys(corpus, names, "source:الجزيرة السودان") == ["jaz-sd"]  # prefix of one outlet
    assert keys(corpus, names, 'source:"سكاي نيوز عربية" السودان') == ["sky-sd"]
    assert keys(corpus, names, "source:سكاي نيوز عربية السودان") == ["sky-sd"]
    assert sorted(keys(corpus, names, "source:الجزيرة نت")) == ["jaz-eg", "jaz-sd"]


def test_unquoted_multiword_tag_filter(corpus: Corpus, names: NameExpander) -> None:
    corpus.add("nk", "تجربة صاروخية", "أطلقت صاروخا فجرا. " + FILLER, tags=["كوريا الشمالية"])
    corpus.add("sk", "تجربة صاروخية", "أطلقت صاروخا ليلا. " + FILLER, tags=["كوريا الجنوبية"])
    assert keys(corpus, names, "tag:كوريا الشمالية صاروخا") == ["nk"]


# --- names from the gazetteer --------------------------------------------------------------------


def test_name_expands_to_its_aliases_and_typed_spelling_ranks_first(
    corpus: Corpus, names: NameExpander
) -> None:
    corpus.add("alias", "تصريح", "قال غوتيريش إن الوضع خطير. " + FILLER)
    corpus.add("typed", "تصريح", "قال أنطونيو جوتيريش إن الوضع خطير. " + FILLER)
    corpus.add("other", "تصريح", "قال الوزير إن الوضع خطير. " + FILLER)
    assert keys(corpus, names, "أنطونيو جوتيريش") == ["typed", "alias"]


def test_without_expansion_other_spellings_are_not_found(
    corpus: Corpus, names: NameExpander
) -> None:
    corpus.add("alias", "تصريح", "قال غوتيريش إن الوضع خطير. " + FILLER)
    hits = search(corpus.store, corpus.engine, "أنطونيو جوتيريش", now=NOW, expand_names=False)
    assert hits.hits == []


def test_transliterated_spelling_not_in_the_data_finds_the_name(
    corpus: Corpus, names: NameExpander
) -> None:
    corpus.add("g", "تصريح", "قال غوتيريش إن الوضع خطير. " + FILLER)
    corpus.add("i", "كأس", "أعلن إنفانتينو موعد البطولة. " + FILLER)
    assert keys(corpus, names, "جوتيريش") == ["g"]  # ج for غ
    assert keys(corpus, names, "إينفانتينو") == ["i"]  # one written vowel more


def test_ordinary_words_do_not_pass_for_transliterated_names(names: NameExpander) -> None:
    assert names.aliases(["ملايين"]) == []  # two vowel edits from ميلان
    assert names.aliases(["ميدان"]) == []
    assert transliteration_key("فون ديرلاين") == transliteration_key("فون دير لاين")
    assert "انفانتينو" in one_vowel_fewer("اينفانتينو")


def test_clitic_and_article_on_a_name(corpus: Corpus, names: NameExpander) -> None:
    corpus.add("nato", "قمة", "اجتمع قادة حلف شمال الأطلسي في بروكسل. " + FILLER)
    corpus.add("fifa", "بطولة", "أعلن الفيفا موعد البطولة. " + FILLER)
    assert keys(corpus, names, "بالناتو") == ["nato"]
    assert keys(corpus, names, "فيفا") == ["fifa"]
    assert names.aliases(["الفيفا"])[0] == "الفيفا"


def test_article_is_toggled_only_for_organisations(names: NameExpander) -> None:
    # السيول are floods, not سيول (Seoul); الشباب is an ordinary word before it is a club.
    assert names.aliases(["السيول"]) == []
    assert names.aliases(["الشباب"]) == []
    assert "سيول" in names.aliases(["سيول"])


def test_role_phrase_finds_its_holder(corpus: Corpus, names: NameExpander) -> None:
    corpus.add("putin", "زيارة", "وصل بوتين إلى العاصمة في زيارة رسمية. " + FILLER)
    corpus.add("other", "زيارة", "وصل الوزير إلى العاصمة في زيارة رسمية. " + FILLER)
    assert keys(corpus, names, "الرئيس الروسي") == ["putin"]


def test_excluded_name_also_leaves_out_its_adjectives(corpus: Corpus, names: NameExpander) -> None:
    corpus.add("kw", "انتخابات", "أدلى الكويتيون بأصواتهم في الانتخابات. " + FILLER)
    corpus.add("jo", "انتخابات", "أدلى الأردنيون بأصواتهم في الانتخابات. " + FILLER)
    assert keys(corpus, names, "الانتخابات -الكويت") == ["jo"]
    assert sorted(keys(corpus, names, 'الانتخابات -"الكويت"')) == ["jo", "kw"]


# --- long queries, clitics, hamza seats ----------------------------------------------------------


def test_long_query_needs_most_words_and_ranks_all_words_first(
    corpus: Corpus, names: NameExpander
) -> None:
    corpus.add("all", "قمة", "شاركت مصر في قمة بريكس الأخيرة. " + FILLER)
    corpus.add("two", "قمة", "انعقدت قمة بريكس الأخيرة في قازان. " + FILLER)
    corpus.add("one", "قمة", "انعقدت قمة الاتحاد الأفريقي. " + FILLER)
    assert keys(corpus, names, "قمة بريكس مصر") == ["all", "two"]
    assert [needed_words(n) for n in (1, 2, 3, 4, 6)] == [1, 2, 2, 3, 4]


def test_word_and_phrase_behind_a_clitic_are_found(corpus: Corpus, names: NameExpander) -> None:
    corpus.add("a", "جدول", "أعلنت الحكومة جدولا لتخفيف الأحمال في الصيف. " + FILLER)
    corpus.add("b", "جدول", "أعلنت الحكومة جدولا للامتحانات في الصيف. " + FILLER)
    assert keys(corpus, names, '"تخفيف الأحمال"') == ["a"]
    assert keys(corpus, names, "تخفيف") == ["a"]
    assert "لتخفيف" in clitic_forms("تخفيف")
    assert clitic_forms("جان") == ()  # لجان is another word


@pytest.mark.parametrize(("text", "query"), [("مسؤول", "مسئول"), ("مسئول", "مسؤول")])
def test_both_seats_of_a_medial_hamza_match(
    corpus: Corpus, names: NameExpander, text: str, query: str
) -> None:
    corpus.add("a", "تصريح", f"قال {text} حكومي إن المحادثات مستمرة. " + FILLER)
    assert keys(corpus, names, query) == ["a"]
    assert hamza_seat_variants("مسيول") == ("مسوول",)

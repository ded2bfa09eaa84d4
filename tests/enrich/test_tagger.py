"""The tagger: gazetteer names with clitics, demonyms, cues, publisher tags, ranking."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from akhbar.arabic import normalize_for_match
from akhbar.arabic.stopwords import read_word_list
from akhbar.enrich import LearnedEntity, TagSuggestion, load_gazetteer, tag_article
from akhbar.models import RawArticle

FILLER = "وتناول الاجتماع عددا من الملفات الاقتصادية والتنموية ذات الاهتمام المشترك بين الجانبين."


def _tags(
    title: str, body: str, publisher: tuple[str, ...] = (), **kw: object
) -> list[TagSuggestion]:
    return tag_article(
        title,
        body,
        publisher_tags=publisher,
        gazetteer=load_gazetteer(),
        **kw,  # type: ignore[arg-type]
    )


def _ids(tags: list[TagSuggestion]) -> list[str | None]:
    return [t.entity_id for t in tags]


# --- the seed article ---------------------------------------------------------------------------


def test_seed_page_gets_its_four_entities(seed_page: RawArticle) -> None:
    tags = _tags(seed_page.title, seed_page.body, tuple(seed_page.tags))
    ids = _ids(tags)
    for entity in ("russia", "north-korea", "vladimir-putin", "kim-jong-un"):
        assert entity in ids
    putin = tags[ids.index("vladimir-putin")]
    assert putin.display == "فلاديمير بوتين"
    assert putin.type == "person" and putin.qid == "Q7747"
    assert {"بوتين", "فلاديمير بوتين"} <= set(putin.aliases_seen)


def test_seed_page_has_no_weekday_or_period_tag(seed_page: RawArticle) -> None:
    tags = _tags(seed_page.title, seed_page.body, (*seed_page.tags, "الخميس", "الشهر"))
    keys = {t.key for t in tags} | {normalize_for_match(a) for t in tags for a in t.aliases_seen}
    assert not keys & {"الخميس", "الشهر", "اليوم"}


def test_weekday_and_month_words_never_become_tags() -> None:
    blocked = [w for w in read_word_list("news_stopwords.txt") if " " not in w][:60]
    tags = _tags(" ".join(blocked[:8]), " ".join(blocked), tuple(blocked))
    assert tags == []


# --- clitics ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "entity"),
    [
        ("وروسيا", "russia"),
        ("لروسيا", "russia"),
        ("بروسيا", "russia"),
        ("فروسيا", "russia"),
        ("كروسيا", "russia"),
        ("للأمم المتحدة", "united-nations"),
        ("وللأمم المتحدة", "united-nations"),
        ("بالقاهرة", "cairo"),
        ("والقاهرة", "cairo"),
        ("وكوريا الشمالية", "north-korea"),
    ],
)
def test_clitic_is_stripped_when_the_bare_word_is_a_name(word: str, entity: str) -> None:
    tags = _tags(f"خبر عن {word} وغيرها", FILLER)
    assert _ids(tags)[0] == entity


@pytest.mark.parametrize(
    ("word", "entity"),
    [("بغداد", "baghdad"), ("فلسطين", "palestine"), ("لبنان", "lebanon"), ("بيروت", "beirut")],
)
def test_name_starting_with_a_clitic_letter_is_not_cut(word: str, entity: str) -> None:
    assert _ids(_tags(f"خبر عن {word} وغيرها", FILLER))[0] == entity


# --- evidence -----------------------------------------------------------------------------------


def test_demonym_points_to_its_country_but_weighs_half() -> None:
    once_in_body = _tags("اجتماع اقتصادي", f"{FILLER}\n\nوحضر الاجتماع وفد من الشركات الروسية.")
    assert "russia" not in _ids(once_in_body)
    in_title = _tags("الكوري الشمالي يزور المعرض", FILLER)
    assert _ids(in_title) == ["north-korea"]
    named = _tags("روسيا تعلن", f"{FILLER}\n\nوقال مسؤول روسي إن روسيا مستعدة.")
    adjective_only = _tags("الروسية تعلن", f"{FILLER}\n\nوقال مسؤول روسي إن الروسية مستعدة.")
    assert named[0].entity_id == adjective_only[0].entity_id == "russia"


def test_cue_word_alias_needs_a_role_or_a_publisher_tag() -> None:
    plain = _tags("اجتماع", f"{FILLER}\n\nوتحدث الأسد عن الغابة في قصة للأطفال.")
    assert "bashar-al-assad" not in _ids(plain)
    with_role = _tags("اجتماع", f"{FILLER}\n\nوقال الرئيس السوري الأسد إن البلاد بخير.")
    assert "bashar-al-assad" in _ids(with_role)
    with_publisher = _tags("اجتماع", f"{FILLER}\n\nوتحدث الأسد عن الغابة.", ("بشار الأسد",))
    assert "bashar-al-assad" in _ids(with_publisher)


def test_publisher_tags_merge_into_entities_or_stay_topics() -> None:
    tags = _tags("مباحثات في موسكو", FILLER, ("بوتين", "الطاقة النظيفة"))
    by_display = {t.display: t for t in tags}
    assert by_display["فلاديمير بوتين"].from_publisher
    assert by_display["فلاديمير بوتين"].entity_id == "vladimir-putin"
    topic = by_display["الطاقة النظيفة"]
    assert (topic.type, topic.entity_id, topic.from_publisher) == ("topic", None, True)


def test_title_mention_outranks_body_mentions() -> None:
    body = f"{FILLER}\n\n{FILLER} وزار الوفد باريس.\n\n{FILLER} ثم عاد من باريس."
    tags = _tags("مصر تستضيف المؤتمر", body)
    assert _ids(tags)[:2] == ["egypt", "paris"]
    assert tags[0].score == 1.0 and tags[1].score < 1.0


def test_single_passing_mention_is_dropped_when_enough_strong_tags_exist() -> None:
    title = "مصر والسعودية والأردن تبحث التعاون"
    body = f"{FILLER}\n\n{FILLER}\n\n{FILLER} وكان الوزير قد زار باريس."
    ids = _ids(_tags(title, body))
    assert ids[:3] == ["egypt", "saudi-arabia", "jordan"]
    assert "paris" not in ids
    assert "paris" in _ids(_tags("تعاون اقتصادي", body))


def test_max_tags_caps_the_list() -> None:
    title = "مصر والسعودية والأردن والعراق وسوريا ولبنان وقطر والكويت وعمان"
    assert len(_tags(title, FILLER)) == 8
    assert len(_tags(title, FILLER, max_tags=3)) == 3


def test_unknown_titled_person_named_again_becomes_a_person_tag() -> None:
    lead = "أعلن وزير النقل الفلاني سامر الخطيب افتتاح الخط الجديد."
    # Named again by the surname alone: the article is about this person.
    tags = _tags("افتتاح خط جديد", f"{lead}\n\n{FILLER} وأوضح الخطيب أن الخط جاهز.")
    person = next(t for t in tags if t.display == "سامر الخطيب")
    assert (person.type, person.entity_id) == ("person", None)
    once = _tags("افتتاح خط جديد", f"{lead}\n\n{FILLER}")
    assert "سامر الخطيب" not in [t.display for t in once]
    passing = _tags("افتتاح خط جديد", f"{FILLER}\n\n{FILLER} وقال الوزير سامر الخطيب إن.")
    assert "سامر الخطيب" not in [t.display for t in passing]


@pytest.mark.parametrize(
    "sentence",
    [
        "وأكد رئيس الجهات المعنية",  # a definite noun phrase, not a name
        "وقال المتحدث باسم لمنظمة الصحة إن",  # a title noun behind a preposition
    ],
)
def test_misread_titled_phrases_are_no_new_person(sentence: str) -> None:
    body = f"{sentence}.\n\n{sentence}. {FILLER}"
    assert all(t.type != "person" for t in _tags("خبر", body))


def test_headline_verb_after_a_title_is_no_new_person() -> None:
    # A headline has no punctuation to end a name: «يفتتح القمة» is read after the title.
    title = "ولي العهد يفتتح القمة العربية"
    assert all(t.type != "person" for t in _tags(title, f"{FILLER}\n\n{FILLER}"))


def test_titled_name_running_into_the_next_word_cues_the_known_person() -> None:
    tags = _tags("خبر", f"افتتح ولي العهد الأمير محمد بن سلمان أعمال القمة.\n\n{FILLER}")
    assert [t.entity_id for t in tags if t.type == "person"] == ["mohammed-bin-salman"]


# --- display spellings and the speed paths --------------------------------------------------------


def test_display_is_the_spelling_the_article_uses_most() -> None:
    body = "وصل کیم جونج أون.\n\nوقال كيم جونج أون إن. وأكد كيم جونغ أون أن."
    kim = next(t for t in _tags("كيم جونج أون في موسكو", body) if t.entity_id == "kim-jong-un")
    assert kim.display == "كيم جونج أون"
    assert kim.canonical == "كيم جونغ أون"
    assert kim.key == normalize_for_match("كيم جونغ أون")
    assert kim.spellings == {"كيم جونج أون": 2, "کیم جونج أون": 1, "كيم جونغ أون": 1}


def test_short_forms_and_clitics_are_not_display_spellings() -> None:
    body = f"وقال بوتين إن.\n\nوأكد بوتين وبوتين. {FILLER} ولفلاديمير بوتين رأي."
    putin = next(t for t in _tags("بوتين يتحدث", body) if t.entity_id == "vladimir-putin")
    # بوتين alone is a short form, not a spelling of the name; the clitic is cut off.
    assert putin.spellings == {"فلاديمير بوتين": 1}
    assert putin.display == "فلاديمير بوتين"
    assert "بوتين" in putin.aliases_seen


def test_names_do_not_run_across_punctuation() -> None:
    tags = _tags("خبر", f"وصل الوفد إلى كوريا، الشمالية منطقة.\n\n{FILLER}")
    assert "north-korea" not in _ids(tags)


def test_plus_sign_reads_plus() -> None:
    assert _ids(_tags("أوبك+ تمدد الخفض", FILLER))[0] == "opec-plus"


def test_learned_mapping_changes_are_picked_up() -> None:
    learned: dict[str, LearnedEntity] = {}
    title = "نادر الفلاني يزور المعرض"
    assert "نادر الفلاني" not in [t.display for t in _tags(title, FILLER, learned=learned)]
    learned["نادر الفلاني"] = LearnedEntity(9, "نادر الفلاني", "person")
    assert _tags(title, FILLER, learned=learned)[0].tag_id == 9


def test_learned_names_are_matched_like_gazetteer_names() -> None:
    learned = {"سامر الخطيب": LearnedEntity(7, "سامر الخطيب", "person")}
    body = f"{FILLER}\n\nوقال سامر الخطيب إن. وأضاف بالخطيب."
    tags = _tags("سامر الخطيب يفتتح الخط", body, learned=learned)
    assert (tags[0].display, tags[0].tag_id, tags[0].entity_id) == ("سامر الخطيب", 7, None)
    alias_of_entity = {"القيصر": LearnedEntity(3, "فلاديمير بوتين", "person", "", "vladimir-putin")}
    assert _ids(_tags("القيصر يتحدث", FILLER, learned=alias_of_entity)) == ["vladimir-putin"]


def test_keyphrases_are_optional_and_not_covered_by_entities() -> None:
    body = (
        "استأنفت شركات الطيران الرحلات الجوية بين القاهرة والرياض. "
        "وقالت الشركات إن الرحلات الجوية ستكون يومية.\n\n"
        "وأضافت أن الرحلات الجوية شهدت إقبالا كبيرا، وأن الرحلات الجوية الإضافية متاحة."
    )
    without = _tags("عودة الرحلات الجوية", body)
    assert all(t.type != "topic" for t in without)
    with_phrases = _tags("عودة الرحلات الجوية", body, keyphrases=2)
    topics = [t for t in with_phrases if t.type == "topic"]
    assert topics and topics[0].key == "الرحلات الجويه"
    assert all("القاهره" not in t.key for t in topics)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(read_word_list("news_stopwords.txt")), min_size=1, max_size=30))
def test_no_stopword_ever_becomes_a_tag(fillers: list[str]) -> None:
    text = " ".join(fillers)
    assert _tags(text, text, tuple(fillers[:3])) == []


@pytest.mark.parametrize(
    ("title", "body"),
    [
        ("بوتين يلتقي كيم جونغ أون", "التقى الرئيس الروسي فلاديمير بوتين.\n\n" + FILLER),
        ("قمة في القاهرة", "سطر أول بلا فقرات ثم روسيا\nوسطر ثان عن مصر"),
        ("عنوان", "وسط-\n\n-سطر عن الرياض"),  # hyphens at the paragraph break
        ("عنوان", "كلمة\u200c\n\n\u200cكلمة عن بغداد"),  # invisibles at the break
        ("ﷺ عنوان", "ﷺ\n\nﻻ شيء عن دمشق"),  # presentation forms
        ("İstanbul", "İzmir\n\nİ ve Ankara"),
        ("أوبك+ تمدد الخفض", "قررت أوبك+ تمديد الخفض.\n\nاجتمع وزراء أوبك+ في فيينا"),
        ("عنوان", "فقرة واحدة عن الأردن"),
    ],
)
def test_the_callers_normalised_text_reads_the_same_as_the_tagger_own(
    title: str, body: str
) -> None:
    """The pipeline hands the tagger the title and body it already normalised; the words it
    then takes for each section must be the ones it would have made itself."""
    from akhbar.enrich.tagger import _section_words, analyze_article

    norms = (normalize_for_match(title), normalize_for_match(body))
    own = [(ws.norms, weight) for ws, weight in _section_words(title, body, None)]
    given_norms = [(ws.norms, weight) for ws, weight in _section_words(title, body, norms)]
    assert given_norms == own
    kw: dict[str, object] = {"publisher_tags": (), "gazetteer": load_gazetteer()}
    assert analyze_article(title, body, norms=norms, **kw) == analyze_article(  # type: ignore[arg-type]
        title,
        body,
        **kw,  # type: ignore[arg-type]
    )

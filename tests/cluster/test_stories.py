from __future__ import annotations

import re
from pathlib import Path

import pytest

from akhbar.arabic import normalize_for_match
from akhbar.arabic.stem import stem_words
from akhbar.arabic.stopwords import stopwords
from akhbar.cluster.stories import (
    StoryMatch,
    StoryParams,
    add_to_centroid,
    centroid_from_blob,
    centroid_to_blob,
    choose_story,
    cosine,
    first_words,
    gap_to_span,
    idf,
    term_key,
    text_terms,
    top_terms,
    weigh,
)
from tests.cluster.corpus import ARTICLES, IntelStore

HOUR = 3600


def test_inflected_and_respelled_titles_share_terms() -> None:
    a = text_terms(normalize_for_match("الحكومة المصرية تعلن خطة للطاقة"), "")
    b = text_terms(normalize_for_match("والحكومه المصريه وخطتها للطاقه"), "")
    assert len(set(a) & set(b)) >= 2


def test_stopwords_and_numbers_are_not_terms() -> None:
    assert text_terms(normalize_for_match("في من على 2024 ٢٠٢٤"), "") == {}


def _text_terms_word_by_word(title_norm: str, body_norm: str) -> dict[int, float]:
    """`text_terms` as first written (filter, stem, hash each word), to check the memo."""
    stop = stopwords()
    title = [w for w in re.findall(r"[^\W_]+", title_norm) if w not in stop and not w.isdigit()]
    lead = [w for w in first_words(body_norm, 60) if w not in stop and not w.isdigit()]
    counts: dict[int, float] = {}
    for weight, words in ((2.0, title), (1.0, lead)):
        for stem in stem_words(words):
            if len(stem) >= 2:
                counts[term_key(stem)] = counts.get(term_key(stem), 0.0) + weight
    return counts


def test_text_terms_are_those_of_each_word_filtered_stemmed_and_hashed() -> None:
    for item in ARTICLES.values():
        title, body = normalize_for_match(item.title), normalize_for_match(item.body)
        for _ in range(2):  # the first time fills the word memo, the second reads it
            found = text_terms(title, body)
            assert list(found.items()) == list(_text_terms_word_by_word(title, body).items())


def test_idf_is_highest_for_new_terms_and_zero_for_universal_ones() -> None:
    assert idf(0, 100) > idf(10, 100) > idf(100, 100) == pytest.approx(0.0, abs=0.01)


def test_tags_weigh_more_than_an_equally_rare_word() -> None:
    vector = weigh({1: 1.0}, [2], {1: 3, 2: 3}, 100)
    assert vector[2] > vector[1]
    assert sum(w * w for w in vector.values()) == pytest.approx(1.0)


def test_centroid_keeps_its_heaviest_terms_and_round_trips() -> None:
    centroid = add_to_centroid({1: 0.5, 2: 0.1}, {1: 0.5, 3: 0.4}, keep=2)
    assert centroid == {1: 1.0, 3: 0.4}
    assert centroid_from_blob(centroid_to_blob(centroid)) == pytest.approx(centroid)


def test_cosine_of_disjoint_vectors_is_zero() -> None:
    assert cosine({1: 1.0}, {2: 1.0}) == 0.0


@pytest.mark.parametrize(
    ("at", "span", "gap"), [(5, (0, 10), 0), (12, (0, 10), 2), (-3, (0, 10), 3)]
)
def test_gap_to_span(at: int, span: tuple[int, int], gap: int) -> None:
    assert gap_to_span(at, *span) == gap


def test_choose_story_takes_the_best_match_over_the_threshold() -> None:
    params = StoryParams(threshold=0.3)
    matches = [StoryMatch(1, 0.4, 0.4, 0), StoryMatch(2, 0.6, 0.7, 0), StoryMatch(3, 0.9, 0.9, 0)]
    matches[2] = StoryMatch(3, 0.9, 0.9, params.window + 1)  # too far in time: not open
    assert choose_story(matches, params)[0] == 2
    story, score = choose_story([StoryMatch(1, 0.2, 0.25, 0)], params)
    assert story is None
    assert score == pytest.approx(0.225)


def test_time_gap_lowers_the_score() -> None:
    params = StoryParams(threshold=0.3)
    near, far = StoryMatch(1, 0.5, 0.5, 2 * HOUR), StoryMatch(1, 0.5, 0.5, 60 * HOUR)
    assert choose_story([near], params)[1] > choose_story([far], params)[1]


def _story_keys(store: IntelStore, ids: dict[str, int]) -> dict[str, int | None]:
    return {key: store.story_of(article_id) for key, article_id in ids.items()}


def test_articles_of_one_event_from_several_outlets_form_one_story(
    intel_store: IntelStore, corpus_ids: dict[str, int]
) -> None:
    story = _story_keys(intel_store, corpus_ids)
    assert story["quake_1"] == story["quake_2"] == story["quake_3"]
    assert story["match_1"] == story["match_2"]
    assert story["opec_1"] == story["opec_2"]
    assert len({story["quake_1"], story["match_1"], story["opec_1"], story["train_wire"]}) == 4


def test_copy_joins_its_originals_story_and_a_year_later_is_another_story(
    intel_store: IntelStore, corpus_ids: dict[str, int]
) -> None:
    story = _story_keys(intel_store, corpus_ids)
    assert story["train_copy"] == story["train_wire"]
    assert story["train_next_year"] != story["train_wire"]


def test_story_lists_lead_outlets_and_span(
    intel_store: IntelStore, corpus_ids: dict[str, int]
) -> None:
    quake = intel_store.get_story(intel_store.story_of(corpus_ids["quake_2"]) or 0)
    assert quake.lead_id == corpus_ids["quake_1"]
    assert quake.title.startswith("زلزال بقوة")
    assert quake.article_ids == [corpus_ids[k] for k in ("quake_1", "quake_2", "quake_3")]
    assert quake.outlet_count == 3 and len(quake.outlets) == 3
    assert (quake.last_at - quake.first_at).total_seconds() == 13 * HOUR
    assert quake.members[0].score == 1.0


def test_each_member_is_linked_same_story_to_the_lead(
    intel_store: IntelStore, corpus_ids: dict[str, int]
) -> None:
    same = set(intel_store.relation_pairs("same-story"))
    lead = corpus_ids["quake_1"]
    assert {(corpus_ids["quake_2"], lead), (corpus_ids["quake_3"], lead)} <= same
    # A copy is linked as a copy only.
    assert not any(a == corpus_ids["train_copy"] for a, _ in same)


def test_list_stories_newest_first_with_a_minimum_size(
    intel_store: IntelStore, corpus_ids: dict[str, int]
) -> None:
    listed = intel_store.list_stories(limit=50, min_articles=2)
    assert all(s.article_count >= 2 for s in listed)
    assert [s.last_at for s in listed] == sorted((s.last_at for s in listed), reverse=True)
    with pytest.raises(KeyError):
        intel_store.get_story(999)


def _term_stats(store: IntelStore) -> tuple[list[tuple[int, int]], int]:
    rows = store.db.execute("SELECT term, df FROM term_stats ORDER BY term").fetchall()
    return [(int(t), int(d)) for t, d in rows], store.document_count()


def test_one_batch_counts_terms_and_decides_stories_as_article_by_article_does() -> None:
    """Term statistics are summed over a batch and written at its end: within the batch,
    each article must still see the counts of those before it."""
    from akhbar.pipeline import Ingestor
    from akhbar.pipeline.intel_step import intel_steps
    from tests.cluster.corpus import ingest_stream, stream

    one_by_one, batched = IntelStore(":memory:"), IntelStore(":memory:")
    try:
        ingest_stream(one_by_one)
        Ingestor(batched, steps=intel_steps(batched)).ingest(raw for _, raw in stream())
        stats = _term_stats(one_by_one)
        assert stats[1] > 10 and len(stats[0]) > 100
        assert _term_stats(batched) == stats
        assert batched.story_assignments() == one_by_one.story_assignments()
        # The links are written at the end of each batch, the same ones.
        for kind in ("related", "same-story", "duplicate-of"):
            assert batched.relation_pairs(kind) == one_by_one.relation_pairs(kind), kind
        assert one_by_one.relation_pairs("related")
    finally:
        one_by_one.close()
        batched.close()


def test_a_batch_that_fails_leaves_no_counts_behind(intel_store: IntelStore) -> None:
    from akhbar.pipeline import Ingestor
    from akhbar.pipeline.intel_step import intel_steps
    from tests.cluster.corpus import stream

    class BrokenOnce:
        name = "broken"
        broken = True

        def on_new_article(self, article_id: int, prepared: object, source: object) -> None:
            if article_id == 3 and self.broken:
                self.broken = False
                raise RuntimeError("disk full")

        def flush(self) -> None: ...

    raws = [raw for _, raw in stream()]
    ingestor = Ingestor(intel_store, steps=[*intel_steps(intel_store), BrokenOnce()])
    with pytest.raises(RuntimeError):
        ingestor.ingest(raws[:5])
    assert _term_stats(intel_store) == ([], 0)
    assert intel_store.article_count() == 0
    # The same steps' next batch starts from clean counts.
    ingestor.ingest(raws[:5])
    fresh = IntelStore(":memory:")
    try:
        Ingestor(fresh, steps=intel_steps(fresh)).ingest(raws[:5])
        assert _term_stats(intel_store) == _term_stats(fresh)
    finally:
        fresh.close()


def test_a_batch_that_fails_leaves_no_cached_rows_behind() -> None:
    """The story step's cached vectors and centroids of a rolled-back batch are forgotten:
    its article and story ids are given again, to other articles."""
    from akhbar.pipeline import Ingestor
    from akhbar.pipeline.intel_step import intel_steps
    from tests.cluster.corpus import stream

    class BrokenOnce:
        name = "broken"
        broken = True

        def on_new_article(self, article_id: int, prepared: object, source: object) -> None:
            if article_id == 4 and self.broken:
                self.broken = False
                raise RuntimeError("disk full")

        def flush(self) -> None: ...

    raws = [raw for _, raw in stream()]
    failed, fresh = IntelStore(":memory:"), IntelStore(":memory:")
    try:
        ingestor = Ingestor(failed, steps=[*intel_steps(failed), BrokenOnce()])
        with pytest.raises(RuntimeError):
            ingestor.ingest(raws[-6:])
        ingestor.ingest(raws[:12])
        Ingestor(fresh, steps=intel_steps(fresh)).ingest(raws[:12])
        assert failed.story_assignments() == fresh.story_assignments()
        for kind in ("related", "same-story"):
            assert failed.relation_pairs(kind) == fresh.relation_pairs(kind), kind
    finally:
        failed.close()
        fresh.close()


def test_another_writer_between_batches_changes_nothing_the_steps_decide(
    tmp_path: Path,
) -> None:
    """The story step keeps the rows it wrote (vectors, centroids) to spare reading them back;
    articles another connection stores meanwhile are read from the store, and its commit makes
    the step forget what it kept."""
    from akhbar.pipeline import Ingestor
    from akhbar.pipeline.intel_step import intel_steps
    from tests.cluster.corpus import stream

    raws = [raw for _, raw in stream()]
    third = len(raws) // 3
    path = str(tmp_path / "shared.db")
    first, second, alone = IntelStore(path), IntelStore(path), IntelStore(":memory:")
    try:
        ingest_first = Ingestor(first, steps=intel_steps(first))
        ingest_first.ingest(raws[:third])
        Ingestor(second, steps=intel_steps(second)).ingest(raws[third : 2 * third])
        ingest_first.ingest(raws[2 * third :])
        Ingestor(alone, steps=intel_steps(alone)).ingest(raws)
        assert first.story_assignments() == alone.story_assignments()
        for kind in ("related", "same-story", "duplicate-of"):
            assert first.relation_pairs(kind) == alone.relation_pairs(kind), kind
    finally:
        for store in (first, second, alone):
            store.close()


def test_top_terms_breaks_ties_by_term_id() -> None:
    vector = {9: 0.5, 3: 0.5, 7: 0.9, 1: 0.1, 5: 0.5}
    assert top_terms(vector, 4) == [7, 3, 5, 9]
    assert top_terms({}, 3) == []


@pytest.mark.parametrize(
    "text",
    [
        "",
        "كلمة",
        " ".join(f"كلمة{i}" for i in range(200)),
        "قصيرة " * 59 + "طويلة" * 40,  # the 60th word crosses the prefix read first
        "x" * 2000 + " y",
        "a, b. c" * 100,
    ],
)
def test_first_words_are_the_first_words_of_the_whole_text(text: str) -> None:
    for count in (1, 59, 60, 61):
        assert first_words(text, count) == re.findall(r"[^\W_]+", text)[:count]

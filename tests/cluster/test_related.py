from __future__ import annotations

from collections import Counter

import pytest

from akhbar.cluster.related import (
    DAY,
    Candidate,
    RelatedParams,
    cosines,
    rank_related,
    related_articles,
    time_decay,
)
from akhbar.cluster.stories import vector_to_blobs
from tests.cluster.corpus import IntelStore


def candidate(article_id: int, similarity: float, days: float, story: int | None) -> Candidate:
    terms, weights = vector_to_blobs({article_id: 1.0})
    return Candidate(article_id, int(days * DAY), story, similarity, terms, weights)


def test_cosines_match_the_dict_cosine() -> None:
    query = {1: 0.6, 2: 0.8}
    stored = [vector_to_blobs({2: 1.0}), vector_to_blobs({}), vector_to_blobs({1: 0.6, 2: 0.8})]
    assert cosines(query, stored) == pytest.approx([0.8, 0.0, 1.0], abs=1e-6)
    assert cosines(query, [vector_to_blobs({1: 3.0, 3: 4.0})], normalize=True) == pytest.approx(
        [0.36], abs=1e-6
    )


def test_decay_halves_relevance_at_tau() -> None:
    assert time_decay(90 * DAY, 90) == pytest.approx(0.5)
    assert time_decay(-7 * DAY, 90) > time_decay(365 * DAY, 90)


def test_a_close_article_beats_an_equally_similar_one_from_another_year() -> None:
    ranked = rank_related(
        0, [candidate(1, 0.5, 400, 10), candidate(2, 0.45, 3, 11)], exclude_story=None, k=1
    )
    assert [r.id for r in ranked] == [2]


def test_an_old_article_is_chosen_when_nothing_close_is_on_topic() -> None:
    ranked = rank_related(
        0, [candidate(1, 0.5, 400, 10), candidate(2, 0.01, 1, 11)], exclude_story=None, k=2
    )
    assert [r.id for r in ranked] == [1]


def test_never_the_own_story_and_a_second_of_a_story_only_when_clearly_more_relevant() -> None:
    pool = [
        candidate(1, 0.9, 1, 5),
        candidate(2, 0.8, 1, 7),
        candidate(3, 0.7, 1, 7),
        candidate(4, 0.6, 1, None),
    ]
    # Story 7's second article keeps story_repeat (0.7) of its relevance once 7 is listed:
    # 0.49 < 0.6, so the other story's article comes first.
    ranked = rank_related(0, pool, exclude_story=5, k=5)
    assert [r.id for r in ranked] == [2, 4, 3]
    # Far more relevant than anything else (0.75 x 0.7 > 0.3): it comes in second.
    pool = [candidate(2, 0.8, 1, 7), candidate(3, 0.75, 1, 7), candidate(4, 0.3, 1, 8)]
    assert [r.id for r in rank_related(0, pool, exclude_story=None, k=5)] == [2, 3, 4]


def test_no_story_gives_more_than_per_story_articles() -> None:
    pool = [candidate(i, 0.9 - i / 100, 1, 7) for i in range(1, 5)] + [candidate(9, 0.1, 1, 8)]
    assert [r.id for r in rank_related(0, pool, exclude_story=None, k=5)] == [1, 2, 9]
    one = RelatedParams(per_story=1)
    assert [r.id for r in rank_related(0, pool, exclude_story=None, k=5, params=one)] == [1, 9]
    three = RelatedParams(per_story=3, story_repeat=1.0)
    ranked = rank_related(0, pool, exclude_story=None, k=5, params=three)
    assert [r.id for r in ranked] == [1, 2, 3, 9]


def test_a_far_story_is_not_shown_twice_while_a_close_candidate_is_left() -> None:
    # Last year's edition (two articles) is far more similar than the only close candidate,
    # so it leads; its second article waits until the close one is shown.
    far = [candidate(1, 0.9, 400, 7), candidate(2, 0.85, 401, 7)]
    close = candidate(3, 0.1, 1, 8)
    ranked = rank_related(0, [*far, close], exclude_story=None, k=5)
    assert [r.id for r in ranked] == [1, 3, 2]
    assert [r.id for r in rank_related(0, far, exclude_story=None, k=5)] == [1, 2]


def test_diversity_prefers_a_different_angle() -> None:
    same_terms = vector_to_blobs({1: 1.0})
    a = Candidate(1, 0, 1, 0.9, *same_terms)
    b = Candidate(2, 0, 2, 0.85, *same_terms)
    c = Candidate(3, 0, 3, 0.8, *vector_to_blobs({9: 1.0}))
    plain = rank_related(0, [a, b, c], exclude_story=None, k=2)
    diverse = rank_related(
        0, [a, b, c], exclude_story=None, k=2, params=RelatedParams(diversity=0.5)
    )
    assert [r.id for r in plain] == [1, 2]
    assert [r.id for r in diverse] == [1, 3]


def test_related_excludes_itself_its_copies_and_its_story(
    intel_store: IntelStore, corpus_ids: dict[str, int]
) -> None:
    for key in ("train_wire", "train_copy"):
        found = related_articles(intel_store, corpus_ids[key], 5)
        ids = {r.id for r in found}
        assert not ids & {corpus_ids["train_wire"], corpus_ids["train_copy"]}
        own = intel_store.story_of(corpus_ids["train_wire"])
        assert all(r.story_id != own for r in found)
        per_story = Counter(r.story_id for r in found if r.story_id is not None)
        assert max(per_story.values(), default=0) <= RelatedParams().per_story


def test_a_story_listed_twice_never_shows_a_copy(
    intel_store: IntelStore, corpus_ids: dict[str, int]
) -> None:
    # train_next_year's best match is the train story: its wire, the wire's copy, a report and
    # a prices piece. Shown without limit, every member but the copy may come in.
    params = RelatedParams(per_story=5, story_repeat=1.0)
    found = {
        r.id for r in related_articles(intel_store, corpus_ids["train_next_year"], 5, params=params)
    }
    assert corpus_ids["train_wire"] in found
    assert corpus_ids["train_copy"] not in found
    assert found & {corpus_ids["train_report"], corpus_ids["train_prices"]}


def test_related_prefers_the_same_topic(
    intel_store: IntelStore, corpus_ids: dict[str, int]
) -> None:
    found = related_articles(intel_store, corpus_ids["train_next_year"], 5)
    assert found and found[0].story_id == intel_store.story_of(corpus_ids["train_wire"])
    assert found[0].days_apart > 300


def test_related_links_are_stored_at_ingest(
    intel_store: IntelStore, corpus_ids: dict[str, int]
) -> None:
    related = intel_store.relation_pairs("related")
    assert related
    assert all(intel_store.story_of(a) != intel_store.story_of(b) for a, b in related)
    article = intel_store.get_article(related[0][0])
    assert ("related", related[0][1]) in {(r.kind, r.id) for r in article.related}


def test_related_of_an_unknown_article_is_empty(intel_store: IntelStore) -> None:
    assert related_articles(intel_store, 12345) == []


def test_cosines_agree_with_a_binary_search_whatever_bits_the_query_terms_share() -> None:
    """`cosines` finds each stored term among the query's through a table on 15 bits of the
    term; query terms sharing those bits (here: all shifts collide, or too many terms for
    the table) must still be found."""
    import numpy as np

    from akhbar.cluster.related import _positions

    rng = np.random.default_rng(5)
    # Equal on every bit the table reads (0-14, 16-30, 32-46, 47-61), different elsewhere.
    colliding = [(1 << 15) | 7, (1 << 31) | 7, (1 << 62) | 7]
    for query_terms in (
        np.array(sorted(colliding), dtype=np.int64),
        np.unique(rng.integers(0, 2**62, 300)),  # more than the table's bytes index
        np.unique(rng.integers(0, 2**62, 60)),
        np.array([42], dtype=np.int64),
    ):
        terms = np.concatenate([query_terms, rng.integers(0, 2**62, 500)])
        rng.shuffle(terms)
        found = _positions(query_terms, terms)
        expected = np.minimum(np.searchsorted(query_terms, terms), query_terms.size - 1)
        hits = query_terms[expected] == terms
        assert np.array_equal(query_terms[found] == terms, hits)
        assert np.array_equal(np.asarray(found)[hits], expected[hits])
    query = dict.fromkeys(colliding, 0.5)
    assert cosines(query, [vector_to_blobs({colliding[1]: 1.0, 5: 1.0})]) == pytest.approx([0.5])

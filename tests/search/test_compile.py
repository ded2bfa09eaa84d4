"""The compiled query is one flat union of term queries wherever it can be (tantivy runs that
fastest): flattening must not change a single score. And the recency factor re-ranks by
BM25 × 1 / (1 + age / 180 days)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import tantivy

from akhbar.search.engine import recency
from akhbar.search.names import default_expander
from akhbar.search.query import ALIAS_BOOST, AnyOf, Word, _Compiler, _should, parse_query
from tests.search.conftest import NOW, Corpus

FILLER = "وتناول اللقاء سبل تطوير العمل المشترك في عدة مجالات خلال المرحلة المقبلة."


@pytest.fixture
def news(corpus: Corpus) -> Corpus:
    corpus.add("hudna", "هدنة في غزة", "أعلن الطرفان هدنة لمدة ثلاثة أيام في غزة. " + FILLER)
    corpus.add("tahdia", "تهدئة", "دعت الوساطة إلى تهدئة شاملة والتهدئة ممكنة. " + FILLER)
    corpus.add("both", "هدنة وتهدئة", "بعد الهدنة تأتي التهدئة، والهدنات كثيرة. " + FILLER)
    corpus.add(
        "kim",
        "خطاب",
        "ألقى كيم جونج أون خطابا أمام الحزب. " + FILLER,
        tags=["كيم جونج أون"],
        aliases={"كيم جونج أون": ["كيم يونغ أون"]},
    )
    corpus.add("oil", "النفط", "ارتفعت أسعار النفط ولنفط الخليج سوق. " + FILLER)
    return corpus


def scores(corpus: Corpus, query: tantivy.Query) -> dict[int, float]:
    page = corpus.engine.search(query, limit=20, now=NOW)
    return {hit.id: hit.score for hit in page.hits}


def compiler(corpus: Corpus) -> _Compiler:
    return _Compiler(corpus.engine.schema, corpus.store.tag_alias_keys, default_expander())


def flat(corpus: Corpus, text: str) -> dict[int, float]:
    return scores(corpus, compiler(corpus).compile(parse_query(text)).query)


def assert_same(got: dict[int, float], expected: dict[int, float]) -> None:
    assert got.keys() == expected.keys() and got
    for key, score in expected.items():
        assert got[key] == pytest.approx(score, rel=1e-5)


def test_one_word_alone_scores_as_the_wrapped_query(news: Corpus) -> None:
    word = _should(compiler(news)._atom(Word(("النفط",)), expand=True))
    wrapped = tantivy.Query.boolean_query([(tantivy.Occur.Must, word)])
    assert_same(flat(news, "النفط"), scores(news, wrapped))


def test_or_scores_as_the_union_of_its_sides(news: Corpus) -> None:
    c = compiler(news)
    clause = parse_query("هدنة OR تهدئة").required[0]
    assert isinstance(clause, AnyOf)
    nested = _should([_should(c._atom(a, expand=True)) for a in clause.options])
    assert_same(flat(news, "هدنة OR تهدئة"), scores(news, nested))


def test_name_with_aliases_scores_as_its_nested_groups(news: Corpus) -> None:
    c = compiler(news)
    norms = ["كيم", "يونغ", "اون"]
    aliases = c._aliases(norms, quoted=False)
    assert len(aliases) > 1
    nested = _should(
        [
            _should(c._words(norms, quoted=False)),
            *(
                c._boost(_should(c._words(alias.split(), quoted=False)), ALIAS_BOOST)
                for alias in aliases
                if alias != " ".join(norms)
            ),
            *c._alias_group(norms, aliases, quoted=False)[-2:],  # tag keys, the words apart
        ]
    )
    assert_same(flat(news, "كيم يونغ أون"), scores(news, nested))


def test_recency_divides_the_bm25_score_by_one_plus_age_over_180_days(corpus: Corpus) -> None:
    # Same lengths and the same word counts: the same BM25 score before the recency factor.
    new = corpus.add(
        "new", "القمح", "حصاد القمح شمالا. " + FILLER, published=datetime(2024, 5, 2, tzinfo=UTC)
    )
    old = corpus.add(
        "old", "القمح", "حصاد القمح جنوبا. " + FILLER, published=datetime(2023, 6, 2, tzinfo=UTC)
    )
    page = corpus.page("القمح")
    assert [h.id for h in page.hits] == [new, old]
    moment = int(NOW.timestamp())
    ratio = recency(int(datetime(2024, 5, 2, tzinfo=UTC).timestamp()), moment) / recency(
        int(datetime(2023, 6, 2, tzinfo=UTC).timestamp()), moment
    )
    assert page.hits[0].score / page.hits[1].score == pytest.approx(ratio, rel=1e-5)
    assert recency(moment - 180 * 86400, moment) == pytest.approx(0.5)

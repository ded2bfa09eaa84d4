from __future__ import annotations

from datetime import date

import pytest

from akhbar.cluster.trends import fill_days, momentum, tag_trend
from akhbar.errors import NotFoundError
from tests.cluster.corpus import IntelStore


def test_fill_days_gives_every_day_with_zeros() -> None:
    series = fill_days([("2024-03-02", 4)], date(2024, 3, 1), date(2024, 3, 3))
    assert series == [(date(2024, 3, 1), 0), (date(2024, 3, 2), 4), (date(2024, 3, 3), 0)]


def test_momentum_compares_the_last_week_with_before() -> None:
    days = [(date(2024, 3, d), n) for d, n in enumerate([1] * 7 + [3] * 7, start=1)]
    assert momentum(days) == pytest.approx(3.0)
    assert momentum(days[:5]) == 0.0


def test_trend_counts_mentions_per_day_and_co_occurring_tags(
    intel_store: IntelStore, corpus_ids: dict[str, int]
) -> None:
    trend = tag_trend(intel_store, "زلزال", days=5)
    assert trend.last_day == date(2024, 3, 11)
    assert len(trend.per_day) == 5
    assert dict(trend.per_day)[date(2024, 3, 11)] == 3
    assert trend.total == 3
    assert [(c.display, c.articles) for c in trend.co_tags][:2] == [("المغرب", 3), ("مراكش", 2)]
    assert trend.co_tags[0].share == 1.0


def test_trend_finds_a_tag_under_another_spelling(
    intel_store: IntelStore, corpus_ids: dict[str, int]
) -> None:
    assert tag_trend(intel_store, "القطار الكهربائى", days=3).display == "القطار الكهربائي"


def test_trend_of_an_unknown_tag_is_an_error(intel_store: IntelStore) -> None:
    with pytest.raises(NotFoundError):
        tag_trend(intel_store, "لا يوجد")

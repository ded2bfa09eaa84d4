"""Tag trends: how often a tag is mentioned per day over a period, and which tags go with it.

The counting is SQL in the store (article_tags × articles.published_at); here are the pure
parts (a gap-free daily series, the momentum of the last week) and `tag_trend`, which asks the
store and assembles the answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from akhbar.arabic import normalize_for_match
from akhbar.errors import NotFoundError
from akhbar.store.intel import IntelQueries

#: The "recent" part of a period for `momentum`, in days.
RECENT_DAYS = 7


@dataclass(frozen=True, slots=True)
class CoTag:
    tag_id: int
    display: str
    articles: int
    #: Share of the tag's articles in the period that also carry this tag.
    share: float


@dataclass(slots=True)
class TagTrend:
    tag_id: int
    display: str
    first_day: date
    last_day: date
    per_day: list[tuple[date, int]] = field(default_factory=list)
    co_tags: list[CoTag] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(n for _, n in self.per_day)

    @property
    def momentum(self) -> float:
        return momentum(self.per_day)


def fill_days(counts: Iterable[tuple[str, int]], first: date, last: date) -> list[tuple[date, int]]:
    """One (day, count) per day from `first` to `last` inclusive; days without rows are 0."""
    by_day = {date.fromisoformat(day): n for day, n in counts}
    span = (last - first).days
    return [(d, by_day.get(d, 0)) for d in (first + timedelta(days=i) for i in range(span + 1))]


def momentum(series: list[tuple[date, int]], *, recent: int = RECENT_DAYS) -> float:
    """Daily rate over the last `recent` days divided by the rate before them.

    1.0 is steady, 3.0 three times the usual attention; a tag new in the recent days gets its
    recent daily rate (as if the earlier rate were one mention a day). 0.0 with no mentions.
    """
    if len(series) <= recent:
        return 0.0
    before, after = series[:-recent], series[-recent:]
    rate_after = sum(n for _, n in after) / len(after)
    rate_before = sum(n for _, n in before) / len(before)
    if rate_before == 0:
        return rate_after
    return round(rate_after / rate_before, 3)


def tag_trend(
    store: IntelQueries,
    tag: str,
    *,
    days: int = 30,
    until: date | None = None,
    top: int = 10,
) -> TagTrend:
    """Mentions per day of `tag` (a name or alias, any spelling) over `days` days ending on
    `until` (default: the day of its newest mention), and the `top` co-occurring tags.

    Raises NotFoundError when no tag has that name.
    """
    found = store.tag_by_key(normalize_for_match(tag))
    if found is None:
        raise NotFoundError(f"no tag {tag!r}")
    tag_id, display = found
    if until is None:
        newest = store.tag_last_mention(tag_id)
        until = date.fromisoformat(newest[:10]) if newest else datetime.now(UTC).date()
    first = until - timedelta(days=max(days, 1) - 1)
    since_iso, until_iso = f"{first.isoformat()}T00:00:00Z", f"{(until + timedelta(days=1))}"
    until_iso += "T00:00:00Z"
    trend = TagTrend(tag_id, display, first, until)
    trend.per_day = fill_days(
        store.tag_mentions_per_day(tag_id, since_iso, until_iso), first, until
    )
    total = trend.total
    trend.co_tags = [
        CoTag(other, name, n, round(n / total, 3) if total else 0.0)
        for other, name, n in store.co_occurring_tags(tag_id, since_iso, until_iso, limit=top)
    ]
    return trend

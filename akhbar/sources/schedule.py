"""When to poll a feed next: often when it publishes often, later after failures, never never.

Pure arithmetic; the poller stores the result as the feed's `next_poll`.

- A healthy feed is polled about every `ITEMS_PER_POLL` expected new items (NewsBlur and
  CommaFeed do the same), inside [5 min, 24 h]: a wire desk with 300 items a day every
  ~7 min, a weekly column once a day.
- A failing feed backs off exponentially (min_delay * 2**failures), with jitter so that the
  feeds of one host that failed together do not retry together, up to `failure_cap`.
  Failures are weighted as Media Cloud's rss-fetcher weights them (hard 1, soft 0.5,
  temporary 0.25): a timeout is retried sooner than a 404.
- There is no "disabled after N errors" state. Miniflux's most repeated complaint is feeds
  that stopped after three errors and were never looked at again; here a broken feed keeps
  being tried every few hours, and its error stays visible.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

__all__ = [
    "HARD_FAILURE",
    "SOFT_FAILURE",
    "TEMPORARY_FAILURE",
    "classify_failure",
    "estimate_items_per_day",
    "next_poll_delay",
]

#: A healthy feed is polled about once per this many expected new items.
ITEMS_PER_POLL = 1.5
#: Spread of the interval of a healthy feed (±10%): feeds added together drift apart.
SUCCESS_JITTER = 0.10
#: After a failure the delay is drawn from [75%, 100%] of the backoff.
FAILURE_JITTER = 0.25
#: Rates are measured over at least this span, so one item a minute ago is not 1,440 a day.
MIN_SPAN = timedelta(hours=1)

HARD_FAILURE = 1.0  # unlikely to change by itself: 404, 410, not a feed, blocked address
SOFT_FAILURE = 0.5  # may change: 401/403 (often bot blocks), other 4xx, unknown reasons
TEMPORARY_FAILURE = 0.25  # very likely to change: timeouts, connection errors, 429, 5xx

_HARD_REASONS = frozenset(
    {
        "http_400", "http_404", "http_405", "http_406", "http_410", "http_414", "http_501",
        "invalid_url", "dns_error", "blocked_address", "robots_disallowed",
        "too_many_redirects", "bad_redirect", "too_large", "decompression_bomb",
        "unsupported_encoding", "not_a_feed",
    }
)  # fmt: skip
_TEMPORARY_REASONS = frozenset(
    {"timeout", "connect_error", "network_error", "http_408", "http_425", "http_429"}
)


def next_poll_delay(
    *,
    items_per_day: float,
    consecutive_failures: int,
    retry_after: float | None = None,
    rng: random.Random | None = None,
    min_delay: float = 300,
    max_delay: float = 86400,
    failure_cap: float = 6 * 3600,
    failure_weight: float = HARD_FAILURE,
) -> float:
    """Seconds until the next poll of a feed; always finite and within [min_delay, max_delay].

    `items_per_day` is the feed's recent publishing rate (`estimate_items_per_day`);
    `consecutive_failures` counts failed polls since the last success (0 when the poll that
    just ended succeeded); `failure_weight` is `classify_failure` of the last error.
    `retry_after` (a server's Retry-After, in seconds) is a lower bound, itself capped at
    `max_delay` so that a server cannot switch a feed off by asking for a year.
    """
    if not min_delay > 0 or max_delay < min_delay:
        raise ValueError(f"need 0 < min_delay <= max_delay, got {min_delay}, {max_delay}")
    rng = rng or random.Random()
    if consecutive_failures > 0:
        delay = _failure_delay(consecutive_failures, failure_weight, rng, min_delay, failure_cap)
    else:
        delay = _healthy_delay(items_per_day, rng, min_delay, max_delay)
    if retry_after is not None and math.isfinite(retry_after) and retry_after > 0:
        delay = max(delay, min(retry_after, max_delay))
    return min(max(delay, min_delay), max_delay)


def _healthy_delay(items_per_day: float, rng: random.Random, low: float, high: float) -> float:
    if not items_per_day > 0 or not math.isfinite(items_per_day):
        # Nothing published lately (or no dates to tell): once a day is enough to notice
        # when it wakes up, and a new item is then at most a day late.
        return high
    interval = ITEMS_PER_POLL * 86400 / items_per_day
    interval *= rng.uniform(1 - SUCCESS_JITTER, 1 + SUCCESS_JITTER)
    return min(max(interval, low), high)


def _failure_delay(
    failures: int, weight: float, rng: random.Random, low: float, cap: float
) -> float:
    weight = weight if math.isfinite(weight) and weight > 0 else HARD_FAILURE
    # The exponent is bounded before 2**x is taken: 2**1100 overflows a float, and any
    # exponent past ~20 is already at the cap.
    exponent = min(failures * weight, 32.0)
    backoff = min(low * 2**exponent, max(cap, low))
    return backoff * rng.uniform(1 - FAILURE_JITTER, 1)


def classify_failure(reason: str) -> float:
    """The weight of a failed poll's reason (FetchError.reason, e.g. "http_404", "timeout").

    HARD_FAILURE for errors unlikely to fix themselves, TEMPORARY_FAILURE for those that
    usually do, SOFT_FAILURE for the rest (including reasons this table does not know).
    """
    reason = reason.strip().lower()
    if reason in _HARD_REASONS:
        return HARD_FAILURE
    if reason in _TEMPORARY_REASONS:
        return TEMPORARY_FAILURE
    status = reason.removeprefix("http_")
    if status.isdigit() and status.startswith("5"):
        return TEMPORARY_FAILURE  # 500, 502, 503, 504 and Cloudflare's 52x
    return SOFT_FAILURE


def estimate_items_per_day(
    timestamps: Sequence[datetime], *, now: datetime, window_days: int = 7
) -> float:
    """Items per day over the last `window_days`, from the items' publication times.

    The span runs from the oldest item inside the window to `now` (at least MIN_SPAN):
    a feed followed for one day is not diluted over seven, and a feed that went quiet
    decays as the days pass. Future dates (local time labelled UTC is common) count as
    `now`; naive datetimes are taken as UTC.
    """
    if window_days < 1:
        raise ValueError(f"window_days must be at least 1, got {window_days}")
    now = _aware(now)
    start = now - timedelta(days=window_days)
    recent = [min(_aware(t), now) for t in timestamps]
    recent = [t for t in recent if t > start]
    if not recent:
        return 0.0
    span = max(now - min(recent), MIN_SPAN)
    return len(recent) / (span / timedelta(days=1))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)

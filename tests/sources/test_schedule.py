"""Poll timing: busy feeds sooner, quiet ones later, failures back off, nothing ever stops."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta

import pytest

from akhbar.sources import classify_failure, estimate_items_per_day, next_poll_delay
from akhbar.sources.schedule import HARD_FAILURE, SOFT_FAILURE, TEMPORARY_FAILURE

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
MINUTE, HOUR, DAY = 60.0, 3600.0, 86400.0


def delay(rng_seed: int = 7, **kwargs: float | int | None) -> float:
    arguments = {"items_per_day": 0.0, "consecutive_failures": 0, **kwargs}
    return next_poll_delay(rng=random.Random(rng_seed), **arguments)  # type: ignore[arg-type]


def test_busy_feed_is_polled_about_every_one_and_a_half_items() -> None:
    # 96 items a day = one every 15 minutes -> a poll every ~22.5 minutes (±10% jitter).
    assert 20 * MINUTE <= delay(items_per_day=96) <= 25 * MINUTE


def test_busier_feeds_are_polled_sooner() -> None:
    delays = [delay(items_per_day=rate) for rate in (1, 10, 50, 200)]
    assert delays == sorted(delays, reverse=True)
    assert len(set(delays)) == 4


def test_delays_are_clamped_to_five_minutes_and_one_day() -> None:
    assert delay(items_per_day=100_000) == 5 * MINUTE
    assert delay(items_per_day=0.01) == DAY
    assert delay(items_per_day=0) == DAY
    assert delay(items_per_day=math.nan) == DAY
    assert delay(items_per_day=-3) == DAY


def test_failures_back_off_exponentially_with_jitter() -> None:
    for failures in range(1, 6):
        expected = 300 * 2**failures
        got = delay(consecutive_failures=failures, items_per_day=500)
        assert 0.75 * expected <= got <= expected, failures


def test_backoff_is_capped_and_never_infinite() -> None:
    for failures in (7, 20, 1000, 10**9):
        got = delay(consecutive_failures=failures)
        assert 0.75 * 6 * HOUR <= got <= 6 * HOUR
        assert math.isfinite(got)
    assert delay(consecutive_failures=50, failure_cap=2 * HOUR) <= 2 * HOUR


def test_a_failing_busy_feed_is_still_polled_less_often_than_a_healthy_one() -> None:
    assert delay(items_per_day=500, consecutive_failures=1) > delay(items_per_day=500)


def test_temporary_failures_back_off_slower_than_hard_ones() -> None:
    timeout = delay(consecutive_failures=8, failure_weight=classify_failure("timeout"))
    missing = delay(consecutive_failures=8, failure_weight=classify_failure("http_404"))
    assert timeout < missing
    assert timeout <= 300 * 2**2  # 8 x 0.25 = 2 doublings


def test_retry_after_is_a_lower_bound() -> None:
    assert delay(items_per_day=500, retry_after=2 * HOUR) == 2 * HOUR
    assert delay(consecutive_failures=1, retry_after=3 * HOUR) == 3 * HOUR
    # shorter than the schedule: the schedule wins
    assert delay(items_per_day=1, retry_after=60) > 60


def test_a_huge_retry_after_cannot_switch_a_feed_off() -> None:
    assert delay(consecutive_failures=3, retry_after=365 * DAY) == DAY
    assert delay(consecutive_failures=3, retry_after=math.inf) < DAY
    assert delay(retry_after=-5, items_per_day=500) < HOUR


def test_same_seed_same_delay_and_jitter_spreads_feeds() -> None:
    assert delay(5, consecutive_failures=3) == delay(5, consecutive_failures=3)
    spread = {delay(seed, consecutive_failures=3) for seed in range(20)}
    assert len(spread) > 10
    healthy = {delay(seed, items_per_day=48) for seed in range(20)}
    assert len(healthy) > 10


def test_works_without_an_rng() -> None:
    assert 5 * MINUTE <= next_poll_delay(items_per_day=10, consecutive_failures=2) <= 6 * HOUR


def test_bad_bounds_are_refused() -> None:
    with pytest.raises(ValueError, match="min_delay"):
        delay(min_delay=0)
    with pytest.raises(ValueError, match="min_delay"):
        delay(min_delay=600, max_delay=60)


@pytest.mark.parametrize(
    ("reason", "weight"),
    [
        ("http_404", HARD_FAILURE),
        ("http_410", HARD_FAILURE),
        ("dns_error", HARD_FAILURE),
        ("blocked_address", HARD_FAILURE),
        ("too_many_redirects", HARD_FAILURE),
        ("http_403", SOFT_FAILURE),
        ("http_401", SOFT_FAILURE),
        ("decode_error", SOFT_FAILURE),
        ("something new", SOFT_FAILURE),
        ("timeout", TEMPORARY_FAILURE),
        ("connect_error", TEMPORARY_FAILURE),
        ("http_429", TEMPORARY_FAILURE),
        ("http_503", TEMPORARY_FAILURE),
        ("HTTP_522 ", TEMPORARY_FAILURE),
    ],
)
def test_classify_failure(reason: str, weight: float) -> None:
    assert classify_failure(reason) == weight


def test_rate_over_a_full_week() -> None:
    stamps = [NOW - timedelta(hours=6 * i) for i in range(1, 28)]  # 4 a day for 6.75 days
    assert estimate_items_per_day(stamps, now=NOW) == pytest.approx(4.0)


def test_rate_of_a_feed_followed_for_two_hours_is_not_diluted() -> None:
    stamps = [NOW - timedelta(minutes=5 * i) for i in range(1, 25)]  # 12 an hour, for 2 h
    assert estimate_items_per_day(stamps, now=NOW) == pytest.approx(288.0)


def test_old_items_are_ignored_and_a_quiet_feed_decays() -> None:
    old = [NOW - timedelta(days=30)]
    assert estimate_items_per_day(old, now=NOW) == 0.0
    assert estimate_items_per_day([], now=NOW) == 0.0
    burst = [NOW - timedelta(days=5, minutes=i) for i in range(10)]
    assert estimate_items_per_day(burst, now=NOW) == pytest.approx(10 / 5.0069, rel=1e-3)
    later = estimate_items_per_day(burst, now=NOW + timedelta(days=1))
    assert later < estimate_items_per_day(burst, now=NOW)


def test_one_fresh_item_is_not_a_firehose() -> None:
    assert estimate_items_per_day([NOW - timedelta(minutes=1)], now=NOW) == pytest.approx(24.0)


def test_future_and_naive_timestamps_are_handled() -> None:
    naive_now = NOW.replace(tzinfo=None)
    stamps = [naive_now - timedelta(hours=12), NOW + timedelta(hours=3)]  # Amman time as UTC
    assert estimate_items_per_day(stamps, now=naive_now) == pytest.approx(4.0)


def test_window_must_be_a_day_or_more() -> None:
    with pytest.raises(ValueError, match="window_days"):
        estimate_items_per_day([], now=NOW, window_days=0)

"""The bundled outlet list: enough outlets, every region, valid URLs and zones, no repeats."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

from akhbar.arabic import normalize_for_match
from akhbar.errors import FormatError
from akhbar.sources import REGIONS, OutletEntry, load_default_sources, parse_source_list

ARABIC_LETTER = re.compile("[\u0621-\u064a]")


@pytest.fixture(scope="module")
def outlets() -> list[OutletEntry]:
    return load_default_sources()


def test_bundled_list_has_at_least_thirty_outlets(outlets: list[OutletEntry]) -> None:
    assert len(outlets) >= 30


def test_every_region_is_covered(outlets: list[OutletEntry]) -> None:
    counts = Counter(o.region for o in outlets)
    assert set(counts) == set(REGIONS)
    assert all(counts[region] >= 2 for region in REGIONS), counts


def test_feed_and_home_urls_are_absolute_http(outlets: list[OutletEntry]) -> None:
    for outlet in outlets:
        for url in [outlet.homepage] + [u for f in outlet.feeds for u in (f.url, *f.alternates)]:
            parts = urlsplit(url)
            assert parts.scheme in ("http", "https"), url
            assert parts.hostname and "." in parts.hostname, url
            assert url == url.strip(), url


def test_time_zones_are_iana_zones(outlets: list[OutletEntry]) -> None:
    for outlet in outlets:
        assert ZoneInfo(outlet.timezone).key == outlet.timezone


def test_names_and_feed_urls_are_unique(outlets: list[OutletEntry]) -> None:
    # The pipeline keys outlets by their normalised name: two that normalise alike would merge.
    keys = [normalize_for_match(o.name) for o in outlets]
    assert len(set(keys)) == len(keys)
    urls = [u for o in outlets for f in o.feeds for u in (f.url, *f.alternates)]
    assert len(set(urls)) == len(urls)


def test_names_are_arabic_and_english_names_present(outlets: list[OutletEntry]) -> None:
    for outlet in outlets:
        assert ARABIC_LETTER.search(outlet.name), outlet.name
        assert outlet.name_en.isascii() or "ï" in outlet.name_en, outlet.name_en


def test_nothing_is_marked_verified_and_no_low_confidence_entry_is_bundled(
    outlets: list[OutletEntry],
) -> None:
    assert not any(o.verified for o in outlets)
    assert {o.confidence for o in outlets} <= {"high", "medium"}


def test_known_entries_carry_the_notes_details(outlets: list[OutletEntry]) -> None:
    by_en = {o.name_en: o for o in outlets}
    roya = by_en["Roya News"]
    assert [(f.url, f.kind) for f in roya.feeds] == [("https://royanews.tv/rss", "atom")]
    lbci = by_en["LBCI"]
    assert {f.kind for f in lbci.feeds} == {"rss", "sitemap"}
    assert by_en["UN News (Arabic)"].country == ""
    assert by_en["Youm7"].feeds[0].category == "عاجل"
    assert len(by_en["Al Jazeera (Arabic)"].feeds[0].alternates) == 2


def _entry(**changes: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": "اليوم السابع", "name_en": "Youm7", "country": "EG", "region": "egypt",
        "homepage": "https://www.youm7.com", "timezone": "Africa/Cairo",
        "feeds": [{"url": "https://www.youm7.com/rss/SectionRss?SectionID=65", "kind": "rss"}],
        "confidence": "high", "verified": False,
    }  # fmt: skip
    entry.update(changes)
    return entry


def _load(*entries: dict[str, Any]) -> list[OutletEntry]:
    return parse_source_list(json.dumps({"outlets": list(entries)}).encode(), path="mine.json")


def test_a_valid_custom_list_loads() -> None:
    (outlet,) = _load(_entry())
    assert outlet.name == "اليوم السابع"
    assert outlet.feeds[0].category is None
    assert parse_source_list(json.dumps([_entry()]).encode()) == [outlet]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "Youm7"}, "no Arabic letter"),
        ({"region": "europe"}, "'region'"),
        ({"timezone": "Africa/Kairo"}, "unknown time zone"),
        ({"timezone": "UTC"}, "not an Area/Location"),
        ({"country": "Egypt"}, "not an ISO code"),
        ({"homepage": "www.youm7.com"}, "not an absolute http"),
        ({"feeds": [{"url": "/rss", "kind": "rss"}]}, "not an absolute http"),
        ({"feeds": [{"url": "ftp://youm7.com/rss"}]}, "not an absolute http"),
        ({"feeds": [{"url": "https://a.example/rss", "kind": "json"}]}, "'kind'"),
        ({"feeds": []}, "non-empty list"),
        ({"confidence": "certain"}, "'confidence'"),
        ({"verified": "no"}, "'verified'"),
        ({"name_en": ""}, "'name_en'"),
    ],
)
def test_invalid_entries_are_rejected_with_the_outlet_named(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(FormatError, match=message) as info:
        _load(_entry(**changes))
    assert info.value.path == "mine.json"
    assert "outlet #1" in str(info.value)


def test_repeated_names_and_feed_urls_are_rejected() -> None:
    with pytest.raises(FormatError, match="name repeated"):
        _load(_entry(), _entry(name_en="Other"))
    with pytest.raises(FormatError, match="listed for both"):
        _load(_entry(), _entry(name="الوطن", name_en="El Watan"))


def test_not_json_is_a_format_error() -> None:
    with pytest.raises(FormatError, match="not JSON"):
        parse_source_list(b"{", path="mine.json")
    with pytest.raises(FormatError, match="list of outlets"):
        parse_source_list(b'{"outlets": 3}')

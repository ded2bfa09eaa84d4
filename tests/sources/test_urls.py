"""canonicalize_url: one string per article, whichever way a feed wrote its address."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from akhbar.sources import canonicalize_url, host_of

# "أخبار" (news) and "مصر" (Egypt), raw and percent-encoded.
AKHBAR = "%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1"
MASR = "%D9%85%D8%B5%D8%B1"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # scheme and host lower-cased, default ports dropped, fragment dropped
        ("HTTPS://WWW.Youm7.COM/story/1", "https://www.youm7.com/story/1"),
        ("https://www.youm7.com:443/story/1", "https://www.youm7.com/story/1"),
        ("http://www.youm7.com:80/story/1", "http://www.youm7.com/story/1"),
        ("http://www.youm7.com:8080/story/1", "http://www.youm7.com:8080/story/1"),
        ("https://www.youm7.com/story/1#comments", "https://www.youm7.com/story/1"),
        ("https://www.youm7.com", "https://www.youm7.com/"),
        # tracking parameters removed, the rest kept in order
        ("https://a.example/n?utm_source=fb&utm_medium=social&id=7", "https://a.example/n?id=7"),
        ("https://a.example/n?b=2&fbclid=XYZ&a=1", "https://a.example/n?b=2&a=1"),
        ("https://a.example/n?gclid=1&dclid=2&msclkid=3&yclid=4", "https://a.example/n"),
        ("https://a.example/n?mc_cid=1&mc_eid=2&igshid=3&_ga=4", "https://a.example/n"),
        ("https://a.example/n?ref=twitter&ref_src=twsrc&p=3", "https://a.example/n?p=3"),
        ("https://a.example/n?at_medium=rss&at_campaign=x&spm=a.b&share=1", "https://a.example/n"),
        ("https://a.example/n?UTM_Source=x&Page=2", "https://a.example/n?Page=2"),
        ("https://a.example/n?q=%D9%85%D8%B5%D8%B1+news&tag=", f"https://a.example/n?q={MASR}+news&tag="),
        # Arabic paths: raw and encoded (either hex case) meet in upper-case UTF-8 encoding
        ("https://www.masrawy.com/news/أخبار/مصر", f"https://www.masrawy.com/news/{AKHBAR}/{MASR}"),
        (f"https://www.masrawy.com/news/{AKHBAR.lower()}/{MASR}",
         f"https://www.masrawy.com/news/{AKHBAR}/{MASR}"),
        ("https://www.lbcgroup.tv/Rss/News/ar/1/لبنان", "https://www.lbcgroup.tv/Rss/News/ar/1/%D9%84%D8%A8%D9%86%D8%A7%D9%86"),
        ("https://a.example/%7Euser/%41rticle", "https://a.example/~user/Article"),
        ("https://a.example/a%2Fb/c d", "https://a.example/a%2Fb/c%20d"),
        ("https://a.example/100%", "https://a.example/100%25"),
        # AMP variants folded to the page itself
        (f"https://www.youm7.com/amp/story/2026/11/29/{AKHBAR}/7001",
         f"https://www.youm7.com/story/2026/11/29/{AKHBAR}/7001"),
        ("https://arabic.cnn.com/middle-east/article/2026/11/29/x/amp", "https://arabic.cnn.com/middle-east/article/2026/11/29/x"),
        ("https://www.alarabiya.net/arab/2026/11/29/خبر?amp=1",
         "https://www.alarabiya.net/arab/2026/11/29/%D8%AE%D8%A8%D8%B1"),
        ("https://a.example/n?amp", "https://a.example/n"),
        ("https://a.example/n?id=1&outputType=amp", "https://a.example/n?id=1"),
        ("https://amp.example.com/n/1", "https://example.com/n/1"),
        ("https://a.example/news/1.amp", "https://a.example/news/1"),
        ("https://www-alarabiya-net.cdn.ampproject.org/c/s/www.alarabiya.net/arab/2026/1/amp",
         "https://www.alarabiya.net/arab/2026/1"),
        ("https://www.google.com/amp/s/arabic.rt.com/world/1/", "https://arabic.rt.com/world/1/"),
        # mobile hosts folded
        ("https://m.youm7.com/story/1", "https://youm7.com/story/1"),
        ("https://mobile.example.com/story/1", "https://example.com/story/1"),
        ("https://m.tv/story/1", "https://m.tv/story/1"),  # a site called m.tv, not a copy
        # paths tidied: dot segments, repeated slashes (Masrawy written as //rss/feed/)
        ("https://www.masrawy.com//rss/feed/25", "https://www.masrawy.com/rss/feed/25"),
        ("https://a.example/a/./b/../c", "https://a.example/a/c"),
        # Arabic (IDNA) hosts and copy-paste leftovers
        ("https://مثال.مصر/خبر", "https://xn--mgbh0fb.xn--wgbh1c/%D8%AE%D8%A8%D8%B1"),
        ("  https://a.example/n\u200f ", "https://a.example/n"),
        ("https://user:pw@A.example:8443/x", "https://user:pw@a.example:8443/x"),
        # left alone: trailing slash, www, http vs https
        ("https://a.example/n/", "https://a.example/n/"),
        ("http://www.jordanzad.com/rss.php?type=main", "http://www.jordanzad.com/rss.php?type=main"),
    ],
)  # fmt: skip
def test_canonicalize_url(url: str, expected: str) -> None:
    assert canonicalize_url(url) == expected


def test_raw_arabic_and_encoded_twin_are_equal() -> None:
    raw = "https://www.youm7.com/story/2026/11/29/الرئيس-يستقبل-وفدا/7001?utm_source=rss"
    encoded = (
        "https://m.youm7.com/amp/story/2026/11/29/"
        "%d8%a7%d9%84%d8%b1%d8%a6%d9%8a%d8%b3-%d9%8a%d8%b3%d8%aa%d9%82%d8%a8%d9%84-"
        "%d9%88%d9%81%d8%af%d8%a7/7001#top"
    )
    assert canonicalize_url(raw).replace("www.", "") == canonicalize_url(encoded)


@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        ("/news/1", "https://www.aljazeera.net/aljazeerarss/x", "https://www.aljazeera.net/news/1"),
        ("../1", "https://a.example/news/egypt/feed", "https://a.example/news/1"),
        ("أخبار/1", "https://a.example/ar/", f"https://a.example/ar/{AKHBAR}/1"),
        ("//cdn.example/img", "http://a.example/", "http://cdn.example/img"),
        ("https://b.example/x", "https://a.example/", "https://b.example/x"),
    ],
)
def test_relative_urls_are_resolved_against_base(url: str, base: str, expected: str) -> None:
    assert canonicalize_url(url, base=base) == expected


@pytest.mark.parametrize(
    "url", ["mailto:desk@a.example", "javascript:void(0)", "/news/1", "https://a.example:99999/"]
)
def test_urls_that_cannot_be_made_absolute_http_come_back_unchanged(url: str) -> None:
    assert canonicalize_url(f" {url} ") == url


def test_protocol_relative_without_base_is_https() -> None:
    assert canonicalize_url("//a.example/n") == "https://a.example/n"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://WWW.Youm7.com/rss", "youm7.com"),
        ("https://m.youm7.com:443/x", "youm7.com"),
        ("www.hespress.com/feed", "hespress.com"),
        ("https://arabic.rt.com/rss/", "arabic.rt.com"),
        ("not a url", ""),
        ("", ""),
    ],
)
def test_host_of(url: str, expected: str) -> None:
    assert host_of(url) == expected


ARABIC = st.text(alphabet=st.characters(min_codepoint=0x0621, max_codepoint=0x064A), min_size=1)
SEGMENT = st.one_of(ARABIC, st.text(alphabet="abcxyz019-_.~%", min_size=1))


@given(st.lists(SEGMENT, min_size=1, max_size=4), st.sampled_from(["", "?id=3", "?utm_source=x"]))
def test_canonicalize_is_idempotent(segments: list[str], query: str) -> None:
    once = canonicalize_url("https://A.example/" + "/".join(segments) + query)
    assert canonicalize_url(once) == once
    assert once.isascii()

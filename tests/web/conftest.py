"""Fixtures for the web reader: a small Arabic corpus (written for these tests) in a file store,
an app over it with a fixed clock, and a TestClient that runs the app's lifespan.

The corpus goes through the real pipeline (tags, duplicates, stories, stored "read also"), so
the pages read what an import writes; `build_corpus` checks the groupings the tests rely on,
so a change in the clustering fails here, with a clear message, not in twenty page tests.
Two articles are stored without the pipeline's steps: they are in no story (the home page's
fallback to plain articles).
"""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():
    # Starlette 1.x prefers the httpx2 package for its TestClient and warns when it falls back
    # to httpx (installed here); the client behaves the same with either.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient as TestClient

from akhbar.config import Settings, load_settings
from akhbar.models import Origin, RawArticle
from akhbar.pipeline.ingest import Ingestor
from akhbar.pipeline.steps import open_ingestor
from akhbar.web import create_app
from akhbar.web.security import Rate
from akhbar.web.store import open_web_store

TOKEN = "test-admin-token-7f3a"
#: "Now" for every page: two hours after the main article, so it reads «منذ ساعتين».
NOW = datetime(2023, 10, 12, 13, 35, tzinfo=UTC)
BOOK_FAIR_BODY = (
    "افتتح في العاصمة السعودية الرياض مساء الأربعاء معرض الرياض الدولي للكتاب بمشاركة أكثر من"
    " ثلاثين دولة وألف ومئتي دار نشر عربية وأجنبية.\n\n"
    "وقال رئيس هيئة الأدب والنشر والترجمة إن دورة هذا العام تحتفي بالمخطوطات العربية وتخصص"
    " جناحاً للأطفال وورشاً يومية في الكتابة الإبداعية.\n\n"
    "ويستمر المعرض عشرة أيام، ويُفتح للزوار من الحادية عشرة صباحاً حتى منتصف الليل."
)


#: Stored without the pipeline's steps: in no story (an undated one and a dated one).
STORYLESS = ("rain", "markup")


@dataclass
class Corpus:
    path: str
    ids: dict[str, int]


def _raw(
    title: str, body: str, source: str, when: datetime | None, tags: list[str], url: str
) -> RawArticle:
    return RawArticle(
        title=title,
        body=body,
        origin=Origin(url=url),
        url=url,
        source_name=source,
        published_at=when,
        tags=tags,
    )


def build_corpus(path: str) -> Corpus:
    store = open_web_store(path)
    base = NOW - timedelta(hours=2)
    items = {
        "fair": _raw(
            "افتتاح معرض الرياض الدولي للكتاب بمشاركة ٣٠ دولة",
            BOOK_FAIR_BODY,
            "الشرق الأوسط",
            base,
            ["معرض الرياض للكتاب", "السعودية", "ثقافة"],
            "https://aawsat.example/fair",
        ),
        "fair_other": _raw(
            "انطلاق معرض الرياض الدولي للكتاب بمشاركة دور نشر من ثلاثين دولة",
            "افتتح معرض الرياض الدولي للكتاب في العاصمة السعودية مساء الأربعاء بمشاركة دور نشر"
            " عربية وأجنبية من ثلاثين دولة، وشهد إقبالاً كبيراً من الأسر والطلاب.\n\n"
            "وتوزعت الأجنحة على ثلاث قاعات كبرى.",
            "العربية",
            base + timedelta(minutes=30),
            ["معرض الرياض للكتاب", "السعودية", "ثقافة"],
            "https://alarabiya.example/fair",
        ),
        "fair_third": _raw(
            "زوار معرض الرياض الدولي للكتاب يتجاوزون خمسين ألفاً في اليوم الأول",
            "تجاوز عدد زوار معرض الرياض الدولي للكتاب في العاصمة السعودية خمسين ألف زائر"
            " في يومه الأول، وفق هيئة الأدب والنشر والترجمة.\n\n"
            "وتشارك في المعرض دور نشر عربية وأجنبية من ثلاثين دولة.",
            "سبق",
            base + timedelta(minutes=40),
            ["معرض الرياض للكتاب", "السعودية"],
            "https://sabq.example/fair",
        ),
        "fair_copy": _raw(
            "افتتاح معرض الرياض الدولي للكتاب بمشاركة ٣٠ دولة",
            BOOK_FAIR_BODY,
            "عكاظ",
            base + timedelta(minutes=50),
            ["السعودية"],
            "https://okaz.example/fair",
        ),
        "library": _raw(
            "مكتبة الملك فهد تطلق منصة رقمية للمخطوطات النادرة",
            "أطلقت مكتبة الملك فهد الوطنية منصة رقمية تتيح تصفح آلاف المخطوطات النادرة مجاناً.",
            "الشرق الأوسط",
            base - timedelta(days=1),
            ["ثقافة", "السعودية"],
            "https://aawsat.example/library",
        ),
        "metro": _raw(
            "مترو القاهرة يشغّل أربع محطات جديدة على الخط الثالث",
            "أعلنت وزارة النقل المصرية تشغيل أربع محطات جديدة تجريبياً.\n\n"
            "وتخدم المحطات نحو ثلاثمئة ألف راكب يومياً.",
            "اليوم السابع",
            base - timedelta(days=2),
            ["مصر", "النقل"],
            "https://youm7.example/metro",
        ),
        "rain": _raw(
            "أمطار غزيرة متوقعة على السواحل الشمالية",
            "توقعت الأرصاد الجوية أمطاراً غزيرة نهاية الأسبوع.",
            "هسبريس",
            None,
            ["طقس"],
            "https://hespress.example/rain",
        ),
        "markup": _raw(
            "عنوان فيه <script>alert(1)</script> وسم",
            "نص فيه <b>وسم</b> و <img src=x onerror=alert(1)> يجب أن يظهر نصاً.",
            "الخليج",
            base - timedelta(days=3),
            ["اختبار"],
            "javascript:alert(1)",
        ),
    }
    for n in range(45):  # enough for three pages of 20 on the home page
        items[f"filler{n}"] = _raw(
            f"خبر قصير رقم {n} عن الطقس في المدن العربية",
            f"تفاصيل الخبر رقم {n} عن الطقس.",
            "الخليج",
            base - timedelta(days=10, hours=n),
            ["طقس"],
            f"https://alkhaleej.example/{n}",
        )
    ids: dict[str, int] = {}
    # The search index is the app's to open (its lifespan builds it): search=False here.
    with open_ingestor(store, search=False) as ingestor:
        # Background first: with the other articles counted, the book fair's words are rare
        # (a high IDF), as they would be in a real store, and the reports group on them.
        order = sorted(items, key=lambda k: k.startswith("fair"))
        for key in order:
            raw = items[key]
            if key in STORYLESS:
                continue
            ingestor.ingest([raw])
            ids[key] = ingestor.report.new_ids[-1]
    plain = Ingestor(store)  # no steps: these two get no story, no vector, no links
    for key in STORYLESS:
        plain.ingest([items[key]])
        ids[key] = plain.report.new_ids[-1]
    story = store.story_of(ids["fair"])
    members = set(store.get_story(story).article_ids) if story is not None else set()
    fair_keys = {"fair", "fair_other", "fair_third", "fair_copy"}
    assert members == {ids[k] for k in fair_keys}, (
        "the stories step no longer groups the book-fair reports: fix the fixture texts",
        {k for k, v in ids.items() if v in members},
    )
    assert story is not None
    ids["story_fair"] = story
    filler_story = store.story_of(ids["filler0"])
    assert filler_story is not None and filler_story != story
    ids["story_filler"] = filler_story
    assert store.duplicate_target(ids["fair_copy"]) == ids["fair"]
    with store.transaction():
        # An old-style link for an article with no story: the page falls back to it.
        store.add_relation(ids["rain"], ids["markup"], "same-story")
        egypt = store.source_by_key(_key("اليوم السابع"))
        assert egypt is not None
        store.set_source_details(egypt.id, country="EG")
        saudi = store.source_by_key(_key("الشرق الأوسط"))
        assert saudi is not None
        store.set_source_details(saudi.id, country="SA")
        feed = store.add_feed(saudi.id, "https://aawsat.example/feed.xml", title="الرئيسية")
        assert feed is not None
        ids["feed"] = feed
        ids["source_saudi"] = saudi.id
    store.close()
    return Corpus(path, ids)


def _key(name: str) -> str:
    from akhbar.arabic import normalize_for_match

    return normalize_for_match(name)


@pytest.fixture(scope="session")
def corpus_template(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    path = str(tmp_path_factory.mktemp("web") / "template.db")
    return build_corpus(path)


@pytest.fixture
def corpus(corpus_template: Corpus, tmp_path: Path) -> Corpus:
    """A fresh copy per test: tests that write (feeds, sources) never leak into others."""
    path = str(tmp_path / "akhbar.db")
    shutil.copy(corpus_template.path, path)
    return Corpus(path, dict(corpus_template.ids))


@pytest.fixture
def settings_for(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[..., Settings]:
    for name in ("AKHBAR_DB", "AKHBAR_CONFIG", "AKHBAR_ADMIN_TOKEN", "AKHBAR_DEFAULT_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)

    def make(db: str, **overrides: object) -> Settings:
        return load_settings({"db": db, "admin_token": TOKEN, **overrides})

    return make


@pytest.fixture
def make_client(
    corpus: Corpus, settings_for: Callable[..., Settings]
) -> Iterator[Callable[..., TestClient]]:
    opened: list[TestClient] = []

    def make(rates: dict[str, Rate] | None = None, **overrides: object) -> TestClient:
        app = create_app(settings_for(corpus.path, **overrides), now=lambda: NOW, rates=rates)
        client = TestClient(app, base_url="http://testserver")
        client.__enter__()
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()

"""Rendering shortcuts must not change a page: UI strings folded in at compile time, the
article page's combined store read, cached date strings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import jinja2
import pytest

from akhbar.store.web import StoryCard
from akhbar.web.format import clock, gregorian_date, hijri_date, iso_utc, relative_time
from akhbar.web.i18n import MESSAGES, Messages
from akhbar.web.render import make_environment
from akhbar.web.store import open_web_store
from akhbar.web.views import article_view
from tests.web.conftest import NOW, Corpus


def _plain_twin(env: jinja2.Environment) -> jinja2.Environment:
    """The same templates and filters without FoldMessages: `t(...)` called at render time."""
    plain = jinja2.Environment(
        loader=env.loader,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    plain.filters.update(env.filters)
    return plain


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_ui_strings_are_folded_into_the_template_text(lang: str) -> None:
    env = make_environment(lang)
    source = "<title>{{ t('site') }}</title><p>{{ t('no_such_key') }}</p>"
    code = env.compile(source, raw=True)
    assert "context.call" not in code  # no call left: the strings are template data
    # Rendering needs no `t` at all, and prints what the call printed (a missing key: itself).
    html = env.from_string(source).render()
    assert html == f"<title>{MESSAGES[lang]['site']}</title><p>no_such_key</p>"


def test_folded_strings_are_escaped_like_printed_ones() -> None:
    env = make_environment("en")
    MESSAGES["en"]["_test_markup"] = "<b>&</b>"
    try:
        html = env.from_string("{{ t('_test_markup') }}").render()
    finally:
        del MESSAGES["en"]["_test_markup"]
    assert html == "&lt;b&gt;&amp;&lt;/b&gt;"


def test_only_literal_keys_of_t_are_folded() -> None:
    env = make_environment("ar")
    template = env.from_string("{{ t(key) }}|{{ x.t('site') }}")

    class X:
        def t(self, key: str) -> str:
            return f"x:{key}"

    html = template.render(t=Messages("en"), key="site", x=X())
    assert html == f"{MESSAGES['en']['site']}|x:site"


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_article_pages_render_as_without_folding(corpus: Corpus, lang: str) -> None:
    from starlette.requests import Request

    from akhbar.web.render import Ui
    from akhbar.web.security import Keys

    store = open_web_store(corpus.path)
    try:
        ids = [r[0] for r in store.db.execute("SELECT id FROM articles ORDER BY id")]
        views = [article_view(store, i) for i in ids]
    finally:
        store.close()
    scope = {"type": "http", "path": "/articles/1", "query_string": b"", "headers": []}
    ui = Ui(Messages(lang), "", "Asia/Riyadh", "/articles/1", NOW, Request(scope), Keys("k"))
    env = make_environment(lang)
    plain = _plain_twin(env)
    assert any(v.related for v in views) and any(v.same_story for v in views)
    for view in views:
        folded = env.get_template("article.html").render(ui=ui, t=ui.t, view=view)
        assert folded == plain.get_template("article.html").render(ui=ui, t=ui.t, view=view)
        assert MESSAGES[lang]["site"] in folded


def test_article_page_read_matches_the_separate_reads(corpus: Corpus) -> None:
    store = open_web_store(corpus.path)
    try:
        ids = [r[0] for r in store.db.execute("SELECT id FROM articles ORDER BY id")]
        assert len(ids) >= 5
        for article_id in ids:
            page = store.article_page(article_id)
            assert page.article == store.get_article(article_id)
            assert page.story_id == store.story_of(article_id)
            assert page.related_ids == store.relation_ids(article_id, "related")
            # Cards of every linked article, but of same-story links only when the article
            # is in no story (the page then lists them as its other outlets).
            linked = sorted(
                {
                    ref.id
                    for ref in page.article.related
                    if ref.kind != "same-story" or page.story_id is None
                }
            )
            assert sorted(page.cards) == linked
            assert page.cards == {c.id: c for c in store.article_cards(linked)}
            assert page.stories == store.story_ids_of(linked)
    finally:
        store.close()


def test_article_page_read_of_a_missing_article_is_not_found(corpus: Corpus) -> None:
    from akhbar.errors import NotFoundError

    store = open_web_store(corpus.path)
    try:
        with pytest.raises(NotFoundError):
            store.article_page(10**9)
    finally:
        store.close()


def test_card_time_is_the_stored_text(corpus: Corpus) -> None:
    store = open_web_store(corpus.path)
    try:
        for card in store.latest_articles(limit=50).items:
            if card.published_at is not None:
                assert card.published_iso == card.published_at.strftime("%Y-%m-%dT%H:%M:%SZ")
                assert card.cursor[0] == card.published_iso
        stories = store.latest_entries(limit=50).items
        assert stories
        assert any(isinstance(item, StoryCard) for item in stories)
        for item in stories:
            if isinstance(item, StoryCard):
                assert item.last_iso == iso_utc(item.last_at)
    finally:
        store.close()


def test_date_strings_are_the_same_when_asked_again() -> None:
    riyadh = timezone(timedelta(hours=3))
    for day in range(40):
        when = datetime(2023, 9, 20, 22, 30, tzinfo=UTC) + timedelta(days=day, minutes=day)
        for _ in range(2):  # the second time comes from the caches
            assert gregorian_date(when) == (
                f"{when.day} {'سبتمبر' if when.month == 9 else 'أكتوبر'} 2023".translate(
                    str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
                )
            )
            assert clock(when, "en") == when.strftime("%H:%M")
            assert iso_utc(when.astimezone(riyadh)) == when.strftime("%Y-%m-%dT%H:%M:%SZ")
    # The caches key on the calendar day and the language, never on the first caller's.
    assert hijri_date(NOW, "en").endswith("AH") and hijri_date(NOW).endswith("هـ")
    assert relative_time(NOW - timedelta(hours=3), NOW) == "منذ ٣ ساعات"
    assert relative_time(NOW - timedelta(hours=3), NOW, "en") == "3 hours ago"
    assert relative_time(NOW + timedelta(hours=3), NOW) == "بعد ٣ ساعات"

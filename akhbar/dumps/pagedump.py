"""Page dumps: the visible text of one scraped page, one paragraph per line.

    line 1           the title
    metadata lines   «تاريخ النشر: ...», «المصدر: ...», «كلمات دلالية: ...» (anywhere)
    paragraphs       the article
    «إقرأ أيضاً:»    everything after it belongs to *other* articles the page carried

Labels are recognised after normalize_for_match, so «اقرأ أيضًا», «إقرأ أيضاً» and «اقرا ايضا»
are one label. Metadata never reaches the body. The dates stay text (`published_text`): the
pipeline's date parser handles the formats, this module only finds them.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass, field
from typing import Literal

from akhbar.arabic.normalize import clean_for_display, normalize_for_match
from akhbar.dumps.tagline import split_tag_line
from akhbar.errors import FormatError
from akhbar.models import Origin, RawArticle

__all__ = ["parse_page_dump"]

Kind = Literal["published", "updated", "source", "tags", "read_also"]

_LABELS: dict[Kind, tuple[str, ...]] = {
    "published": ("تاريخ النشر", "نشر في", "نشر بتاريخ", "بتاريخ"),
    "updated": ("آخر تحديث",),
    "source": ("المصدر", "مصدر الخبر"),
    "tags": (
        "كلمات دلالية", "الكلمات الدلالية", "كلمات مفتاحية", "الكلمات المفتاحية", "وسوم", "الوسوم",
    ),
    "read_also": (
        "إقرأ أيضاً", "اقرأ أيضا", "اقرأ ايضا", "إقرأ أيضا", "شاهد أيضا", "شاهد أيضاً",
        "اقرأ المزيد", "مواضيع ذات صلة",
    ),
}  # fmt: skip
# Normalised label -> kind; several spellings fold to one normalised form.
_BY_LABEL: dict[str, Kind] = {
    normalize_for_match(label): kind for kind, labels in _LABELS.items() for label in labels
}
_MAX_LABEL_WORDS = max(len(label.split()) for label in _BY_LABEL)
_COLON = re.compile(r"\s*[:：]\s*")
# Without a colon a label could just be a paragraph's first words («المصدر نفسه أكد أن ...»),
# so the rest of the line must be short to count as metadata.
_MAX_WORDS_WITHOUT_COLON = {"published": 8, "updated": 8, "source": 6, "tags": 30, "read_also": 0}
_MAX_VALUE_WORDS = {"published": 12, "updated": 12, "source": 10, "tags": 40, "read_also": 20}
_MAX_TITLE_WORDS = 20
_NOT_TITLE_ENDINGS = tuple('.؟?!:"»…')


@dataclass(frozen=True, slots=True)
class _Meta:
    kind: Kind
    value: str


def _label_kind(words: list[str]) -> Kind | None:
    return _BY_LABEL.get(normalize_for_match(" ".join(words)).strip(" -–—"))


def read_label(line: str) -> _Meta | None:
    """The metadata a line carries («المصدر: البوابة نيوز» → source), or None for prose."""
    colon = _COLON.search(line)
    if colon is not None and (kind := _label_kind(line[: colon.start()].split())) is not None:
        return _checked(kind, line[colon.end() :], has_colon=True)
    words = line.split()
    for n in range(min(_MAX_LABEL_WORDS, len(words)), 0, -1):
        kind = _label_kind(words[:n])
        if kind is not None:
            return _checked(kind, " ".join(words[n:]), has_colon=False)
    return None


def _checked(kind: Kind, value: str, *, has_colon: bool) -> _Meta | None:
    limit = _MAX_VALUE_WORDS[kind] if has_colon else _MAX_WORDS_WITHOUT_COLON[kind]
    if len(value.split()) > limit:
        return None
    if kind in ("published", "updated") and not has_colon and not re.search(r"\d", value):
        return None  # «بتاريخ طويل من النضال ...» is prose, a date line has digits
    return _Meta(kind, value.strip(" -–—"))


def _is_title_like(line: str) -> bool:
    return len(line.split()) <= _MAX_TITLE_WORDS and not line.rstrip().endswith(_NOT_TITLE_ENDINGS)


@dataclass(slots=True)
class _Draft:
    """An article being assembled from lines."""

    title: str
    line: int
    paragraphs: list[str] = field(default_factory=list)
    meta: dict[Kind, str] = field(default_factory=dict)

    def take(self, meta: _Meta) -> None:
        self.meta.setdefault(meta.kind, meta.value)  # the first date / source line wins

    def build(self, path: str, vocabulary: Container[str]) -> RawArticle:
        body = "\n\n".join(p for p in (clean_for_display(p) for p in self.paragraphs) if p)
        article = RawArticle(
            title=clean_for_display(self.title), body=body, origin=Origin(path=path, line=self.line)
        )
        article.published_text = self.meta.get("published") or self.meta.get("updated", "")
        article.source_name = self.meta.get("source", "")
        if tag_line := self.meta.get("tags"):
            tags = split_tag_line(tag_line, title=article.title, body=body, vocabulary=vocabulary)
            article.tags = [display for display, _ in tags]
            article.tag_aliases = {display: aliases for display, aliases in tags if aliases}
        return article


def _numbered_lines(text: str) -> list[tuple[int, str]]:
    return [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1) if line.strip()]


def _starts_article(lines: list[tuple[int, str]], i: int) -> bool:
    """A title-like line followed (after an optional date line) by a body line."""
    if read_label(lines[i][1]) is not None or not _is_title_like(lines[i][1]):
        return False
    j = i + 1
    meta = read_label(lines[j][1]) if j < len(lines) else None
    if meta is not None and meta.kind in ("published", "updated"):
        j += 1
    return j < len(lines) and read_label(lines[j][1]) is None and not _is_title_like(lines[j][1])


def _split_appended(lines: list[tuple[int, str]]) -> list[_Draft]:
    """The articles a page carried after its read-also label."""
    drafts: list[_Draft] = []
    for i, (number, line) in enumerate(lines):
        meta = read_label(line)
        if meta is not None and meta.kind == "read_also":
            if meta.value:  # «اقرأ أيضا: عنوان» puts a title on the label line
                drafts.append(_Draft(meta.value, number))
            continue
        if _starts_article(lines, i):
            drafts.append(_Draft(line, number))
        elif drafts and meta is not None:
            drafts[-1].take(meta)
        elif drafts:
            drafts[-1].paragraphs.append(line)
        # else: a headline with no body before any article: a link list, not an article
    return [draft for draft in drafts if draft.paragraphs]


def parse_page_dump(
    text: str, *, path: str = "", vocabulary: Container[str] = frozenset()
) -> RawArticle:
    """Parse one page dump into a RawArticle, with the read-also articles in `.appended`.

    Raises FormatError when the page has no title or no body.
    """
    lines = _numbered_lines(text)
    if not lines:
        raise FormatError("empty page", path=path or None)
    page = _Draft(lines[0][1], lines[0][0])
    rest = lines[1:]
    for index, (_, line) in enumerate(rest):
        meta = read_label(line)
        if meta is not None and meta.kind == "read_also":
            article = page.build(path, vocabulary)
            drafts = _split_appended(rest[index:])
            article.appended = [draft.build(path, vocabulary) for draft in drafts]
            return _checked_page(article, path)
        if meta is not None:
            page.take(meta)
        else:
            page.paragraphs.append(line)
    return _checked_page(page.build(path, vocabulary), path)


def _checked_page(article: RawArticle, path: str) -> RawArticle:
    if not article.body:
        raise FormatError("page has a title but no body", path=path or None, line=1)
    return article

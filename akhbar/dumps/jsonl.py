"""JSON Lines dumps: one article object per line, keys as `akhbar export` writes them.

Also the adapter shared with CSV (`article_from_record`): both formats carry the same field
names, so both are checked and turned into a `RawArticle` the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

import orjson

from akhbar.dumps.files import iter_text_lines
from akhbar.errors import FormatError, InputError
from akhbar.models import Origin, RawArticle

__all__ = ["article_from_record", "iter_jsonl", "split_tags"]

# Optional text fields: record key -> RawArticle attribute. Keys not listed here (id, related,
# origin, imported_at, fingerprint ... from an export) are ignored on purpose: they describe
# the exporting store, not the article.
_TEXT_FIELDS = {
    "url": "url",
    "canonical_url": "canonical_url",
    "published_at": "published_text",
    "source": "source_name",
    "language": "language",
    "author": "author",
    "image_url": "image_url",
}
_TAG_SEPARATORS = re.compile(r"[,،|]")


def split_tags(value: str) -> list[str]:
    """'غزة، مصر | الأردن' → ['غزة', 'مصر', 'الأردن'] (duplicates and blanks dropped)."""
    tags: list[str] = []
    for part in _TAG_SEPARATORS.split(value):
        tag = " ".join(part.split())
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def _tags(value: object) -> list[str] | str:
    """The tags of a record, or the reason they are unusable."""
    if value is None:
        return []
    if isinstance(value, str):
        return split_tags(value)
    if isinstance(value, list) and all(isinstance(tag, str) for tag in value):
        return split_tags("|".join(value)) if value else []
    return "'tags' must be a list of strings or a string"


def _required_text(record: Mapping[str, object], key: str) -> str | FormatError:
    value = record.get(key)
    if value is None:
        return FormatError(f"missing '{key}'")
    if not isinstance(value, str):
        return FormatError(f"'{key}' must be a string, not {type(value).__name__}")
    if not value.strip():
        return FormatError(f"empty '{key}'")
    return value.strip()


def article_from_record(
    record: Mapping[str, object], *, path: str, line: int, encoding: str = ""
) -> RawArticle | InputError:
    """Check one record (a JSON object or a CSV row) and adapt it into a RawArticle."""
    title = _required_text(record, "title")
    body = _required_text(record, "body")
    if isinstance(title, FormatError):
        return FormatError(title.message, path=path, line=line)
    if isinstance(body, FormatError):
        return FormatError(body.message, path=path, line=line)
    article = RawArticle(title=title, body=body, origin=Origin(path=path, line=line))
    article.encoding = encoding
    for key, attribute in _TEXT_FIELDS.items():
        value = record.get(key)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            kind = type(value).__name__
            return FormatError(f"'{key}' must be a string, not {kind}", path=path, line=line)
        setattr(article, attribute, value.strip())
    tags = _tags(record.get("tags"))
    if isinstance(tags, str):
        return FormatError(tags, path=path, line=line)
    article.tags = tags
    partial = record.get("partial")
    if isinstance(partial, bool):
        article.partial = partial
    return article


def _parse_line(text: str, *, path: str, line: int, encoding: str) -> RawArticle | InputError:
    try:
        record = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        return FormatError(f"invalid JSON: {exc}", path=path, line=line)
    if not isinstance(record, dict):
        kind = "array" if isinstance(record, list) else type(record).__name__
        return FormatError(f"not a JSON object (got {kind})", path=path, line=line)
    return article_from_record(record, path=path, line=line, encoding=encoding)


def iter_jsonl(path: Path) -> Iterator[RawArticle | InputError]:
    """Stream a JSON Lines file: one RawArticle or InputError per non-blank line.

    A file without any non-blank line yields FormatError('empty file').
    """
    seen_content = False
    for item in iter_text_lines(path):
        if isinstance(item, InputError):
            seen_content = True
            yield item
        elif item.text.strip():  # blank lines separate nothing in JSON Lines: skip them
            seen_content = True
            yield _parse_line(item.text, path=str(path), line=item.number, encoding=item.encoding)
    if not seen_content:
        yield FormatError("empty file", path=str(path))
